"""``recordkit journal``: the audit journal of every change to the ledger — list it, verify its hash chain."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from recordkit.cli._app import console, listing_title, new_table, print_json, state
from recordkit.core.dates import format_stamp
from recordkit.core.errors import IntegrityError, UsageError, ValidationError
from recordkit.core.filenames import readable_name

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from recordkit.core.config import Settings

#: What this module adds to the root command; the root loads it when one of its names is typed.
commands = typer.Typer()

journal_app = typer.Typer(
    help="操作日志（journal）：查看与防篡改校验。\n\n例：recordkit journal verify", no_args_is_help=True
)
commands.add_typer(journal_app, name="journal")


@journal_app.command("verify")
def journal_verify(
    ctx: typer.Context,
    anchor: Path | None = typer.Option(
        None, "--anchor", help="用保存在别处的锚点文件核对：最新的记录被删除、日志被整段改写时也能发现。"
    ),
    tables: bool = typer.Option(
        False, "--tables", help="再用日志核对台账的收据收款、业主和借阅记录：找出绕过 recordkit 直接改动的行。"
    ),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出不一致之处（配合 --tables）。"),
) -> None:
    """逐条校验操作日志的哈希链：有人手工改动、插入或删除记录时，指出第一条被破坏的记录。

    最后显示记录条数和最新记录的校验值（即“锚点”，可抄在日结单上）。加 --tables 时
    再逐行核对台账：收据金额、交款人、业主电话、借阅记录与日志不符的，逐条列出。

    例：recordkit journal verify --anchor 日志锚点.json --tables
    """
    from recordkit.ledger import journal, reconcile

    saved = _read_anchor(anchor) if anchor is not None else None
    with state(ctx).ledger().read() as conn:
        result = journal.verify(conn, saved)
        disagreements = reconcile.check_tables(conn) if tables and result.ok else []
    if as_json and tables:
        print_json([d.to_dict() for d in disagreements])
    elif disagreements:
        shown = new_table("表", "编号", "不一致之处", title="台账与操作日志不一致")
        for disagreement in disagreements:
            shown.add_row(disagreement.table, disagreement.key, disagreement.problem)
        console().print(shown)
    if disagreements:
        raise IntegrityError(
            f"台账有 {len(disagreements)} 处与操作日志不一致：有人绕过 recordkit 改动了台账，请从备份核对"
        )
    if not result.ok:
        raise IntegrityError(f"操作日志校验失败：{result.reason}。此前的 {result.rows_checked} 条记录完好")
    typer.echo(f"操作日志完好：共 {result.rows_checked} 条记录，哈希链完整")
    typer.echo(f"锚点：第 {result.rows_checked} 条，校验值 {result.head_hash}")
    if saved is not None:
        typer.echo(f"与锚点文件一致：第 {saved.rows} 条的校验值相同，之后的记录都接在它后面")
    if tables and not as_json:
        typer.echo("台账与操作日志一致：收据收款、业主和借阅记录都与日志相符")


def _read_anchor(path: Path) -> Any:
    from recordkit.ledger.journal import Anchor

    try:
        return Anchor.from_json(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        raise UsageError(
            f"锚点文件 {readable_name(str(path))} 无法读取：应是 recordkit journal anchor 写出的文件"
        ) from None


@journal_app.command("anchor")
def journal_anchor(
    ctx: typer.Context,
    out: Path = typer.Option(..., "--out", help="锚点文件写到哪里：放在台账所在电脑以外（U 盘、另一台电脑）。"),
) -> None:
    """校验操作日志并写出锚点文件（记录条数和最新记录的校验值），交给台账以外的地方保管。

    以后用 journal verify --anchor 核对：即使有人删掉最新的记录、或改写日志后重新计算校验值，也能发现。

    例：recordkit journal anchor --out 日志锚点.json
    """
    from recordkit.core.atomic import require_folder, write_bytes
    from recordkit.ledger import journal

    require_folder(out.parent)
    with state(ctx).ledger().read() as conn:
        result = journal.verify(conn)
    if not result.ok:
        raise IntegrityError(f"操作日志校验失败，不能写锚点：{result.reason}")
    written = journal.anchor_of(result)
    write_bytes(out, (written.to_json() + "\n").encode("utf-8"))
    typer.echo(f"已写出锚点 {readable_name(str(out))}：第 {written.rows} 条，校验值 {written.head_hash}")
    typer.echo("请把这个文件保存在台账所在电脑以外的地方")


@journal_app.command("list")
def journal_list(
    ctx: typer.Context,
    limit: int = typer.Option(30, "--limit", "-n", min=1, help="显示最近多少条。"),
    key: str | None = typer.Option(None, "--key", help="只看某个对象，例如房号 3-2-1201。"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出。"),
) -> None:
    """查看最近的操作日志（谁、何时、做了什么）。个人信息在这里不显示。

    例：recordkit journal list --limit 10
    """
    from recordkit.archive.numbers import item_numbers
    from recordkit.ledger import journal

    if key is not None and not key.strip():
        # A script's variable left unset (--key "$UNIT") is not "no filter": listing everything would answer a
        # question the clerk did not ask.
        raise UsageError("--key 是空的：请写明要看的对象，例如房号 3-2-1201；看全部日志请不写 --key")
    app_state = state(ctx)
    settings = app_state.workspace().settings
    zone = settings.office.time_zone
    keys: str | list[str] | None = key
    with app_state.ledger().read() as conn:
        if key is not None:
            # An archive item's 档号 as the box label says it (YZ-2026-1), current or former: its whole history, the
            # entries from before its category was corrected (under its former numbers) included.
            keys = (
                item_numbers(conn, key)
                or _record_number(conn, key)
                or next((each for each in _keys_meant(key, settings) if journal.count(conn, entity_key=each)), key)
            )
        entries = journal.recent(conn, limit=limit, entity_key=keys)
        total = journal.count(conn, entity_key=keys)
    rows = [
        {
            "id": e.id,
            "at": e.at,
            "operator": e.operator,
            "action": e.action,
            "at_local": format_stamp(e.at, zone, seconds=True),
            "action_label": journal.action_label(e.action),
            "key": e.key,
        }
        for e in entries
    ]
    if as_json:
        print_json(rows)
        return
    table = new_table(
        "序号",
        "时间",
        "经办人",
        "操作",
        "对象",
        title=listing_title("操作日志", len(entries), total, "条", latest=True),
    )
    for e in entries:
        table.add_row(str(e.id), format_stamp(e.at, zone), e.operator, journal.action_label(e.action), e.key)
    console().print(table)
    if key and not entries:
        typer.echo(f"操作日志里没有“{key}”的记录（房号、收据编号、档号、工单号等请照打印的写法输入）")


def _record_number(conn: Connection, typed: str) -> str | None:
    """The number of the work order, renovation or pass ``typed`` names as their own commands read it
    (``GD2026-1``, ``ZX2026-1``, ``ZX2026-1-1``: the number said aloud, full-width, lower case) — the key its journal
    entries are under; None when it names none of them."""
    from recordkit.renovations.records import renovation_or_pass_number
    from recordkit.workorders.orders import order_number

    return order_number(conn, typed) or renovation_or_pass_number(conn, typed)


def _keys_meant(typed: str, settings: Settings) -> list[str]:
    """What a clerk's ``--key`` may stand for, in the order tried: the text as typed (a document's path,
    an archive number, a renovation's number), a receipt number in its short or lower-case form
    (``sj2026-6``: ``SJ2026-000006``), a unit code in any spelling (``3栋2单元1201室``: ``3-2-1201``), and
    the text folded as codes are compared (full-width, long dashes, upper case)."""
    from recordkit.billing.receipts import parse_receipt_number
    from recordkit.core.numbering import fold_number
    from recordkit.core.unitcodes import parse_unit_code

    meant = [typed.strip()]
    for parse in (
        lambda: parse_receipt_number(typed, settings.receipt),
        lambda: str(parse_unit_code(typed, phases=settings.office.phase_table() or None)),
    ):
        try:
            meant.append(parse())
        except ValidationError:
            pass
    return [*meant, fold_number(typed)]
