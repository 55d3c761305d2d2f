"""``recordkit journal``: the audit journal of every change to the ledger — list it, verify its hash chain."""

from __future__ import annotations

import typer

from recordkit.cli._app import app, console, new_table, print_json, state

journal_app = typer.Typer(
    help="操作日志（journal）：查看与防篡改校验。\n\n例：recordkit journal verify", no_args_is_help=True
)
app.add_typer(journal_app, name="journal")


@journal_app.command("verify")
def journal_verify(ctx: typer.Context) -> None:
    """逐条校验操作日志的哈希链：有人手工改动、插入或删除记录时，指出第一条被破坏的记录。

    例：recordkit journal verify
    """
    from recordkit.core.errors import IntegrityError
    from recordkit.ledger import journal

    with state(ctx).ledger().read() as conn:
        result = journal.verify(conn)
    if not result.ok:
        raise IntegrityError(f"操作日志校验失败：{result.reason}。此前的 {result.rows_checked} 条记录完好")
    typer.echo(f"操作日志完好：共 {result.rows_checked} 条记录，哈希链完整")


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
    from recordkit.core.dates import format_stamp
    from recordkit.ledger import journal

    app_state = state(ctx)
    zone = app_state.workspace().settings.office.time_zone
    with app_state.ledger().read() as conn:
        entries = journal.recent(conn, limit=limit, entity_key=key)
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
    table = new_table("序号", "时间", "经办人", "操作", "对象")
    for e in entries:
        table.add_row(str(e.id), format_stamp(e.at, zone), e.operator, journal.action_label(e.action), e.key)
    console().print(table)
