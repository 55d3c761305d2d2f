"""``recordkit search``: full-text search of the archive (the index is kept current by ``cli.index``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from recordkit.cli._app import WIDE_HELP, console, new_table, print_json, refuse_blank, state
from recordkit.cli._options import estate_unit
from recordkit.core.errors import NotFoundError
from recordkit.core.personal import masked_kinds

if TYPE_CHECKING:
    from rich.text import Text

    from recordkit.search.query import Hit


#: What this module adds to the root command; the root loads it when one of its names is typed.
commands = typer.Typer()


def _highlighted(hit: Hit) -> Text:
    from rich.text import Text

    text = Text(hit.snippet)
    for start, end in hit.highlights:
        text.stylize("bold yellow", start, end)
    return text


@commands.command("search")
def search_command(
    ctx: typer.Context,
    query: str = typer.Argument(
        ...,
        help='检索词：空格分开的词都要有；A OR B（也可写 A 或 B）；-不要的词；"整句"；'
        "unit:3-2-1201 category:工程档案 owner:张伟 date:2024-01..2024-12。",
    ),
    category: str | None = typer.Option(None, "--category", help="只查这一类，例如 工程档案。"),
    unit: str | None = typer.Option(None, "--unit", help="只查这一户，例如 3-2-1201。"),
    owner: str | None = typer.Option(None, "--owner", help="只查这位业主名下房屋的档案，例如 张伟。"),
    date_from: str | None = typer.Option(None, "--from", help="文件日期从，例如 2024-01。"),
    date_to: str | None = typer.Option(None, "--to", help="文件日期到，例如 2024-12。"),
    limit: int = typer.Option(20, "--limit", help="最多显示几条（1 至 10000）。"),
    sort: str = typer.Option(
        "相关度", "--sort", help="排序：相关度（默认，题名、档号、房号、业主命中在前）、日期（新的在前）或 档号。"
    ),
    as_json: bool = typer.Option(
        False,
        "--json",
        help="以 JSON 输出：total、ocr_pending（尚未识别文字的扫描件数）和 hits"
        "（archive_no、title、category、unit、date、path、source_name、score、snippet）；"
        "index_warning 平时为空，查的是已搬走的旧索引时写明提示。",
    ),
    show_private: bool = typer.Option(False, "--show-private", help=f"摘要中显示完整的{masked_kinds()}。"),
    wide: bool = typer.Option(False, "--wide", help=WIDE_HELP),
) -> None:
    """全文检索档案：题名、档号、房号、业主、原文件名和文件里的文字（扫描件为 OCR 文字）。

    默认按相关度排序（分数相同时新归档的在前），--sort 日期 或 --sort 档号 改变顺序；--wide 加列原文件名。
    找到时退出码 0，没有找到时 1（与 grep 相同）。

    例：recordkit search 电梯维修 --category 工程档案 --sort 日期
    """
    refuse_blank(
        ("--category", category), ("--unit", unit), ("--owner", owner), ("--from", date_from), ("--to", date_to)
    )
    unit = estate_unit(ctx, unit) if unit else unit
    from recordkit.search.query import check_limit, search

    app_state = state(ctx)
    try:
        result = search(
            app_state.workspace(),
            query,
            category=category,
            unit=unit,
            owner=owner,
            date_from=date_from,
            date_to=date_to,
            limit=check_limit(limit),
            sort=sort,
            show_private=show_private,
        )
    except NotFoundError:
        # No index file may mean no ledger this address can open (a mistyped scheme, a pasted blank: the index
        # taken for a SQLite file then): said as every command says it, not "build the index", which cannot.
        app_state.ledger(migrate=False)
        raise
    # A ledger moved away is said as every command that only reads says it (the index read opened no ledger):
    # a PC whose recordkit.toml still names it finds nothing filed since.
    app_state.ledger(migrate=False)
    if result.index_warning and not as_json:
        typer.echo(f"注意：{result.index_warning}", err=True)
    if show_private and result.hits:
        from recordkit.ledger.journal import record_private_view

        numbers = [hit.archive_no for hit in result.hits]
        record_private_view(app_state.ledger(), app_state.operator_name, "archive_item", f"search {query}", numbers)
    if as_json:
        print_json(result.to_dict())
    elif result.hits:
        shown = f"，显示前 {len(result.hits)} 条" if len(result.hits) < result.total or not result.exact_total else ""
        table = new_table(
            "档号", "题名", "类别", "房号", "日期", "原文件名", "摘要",
            title=f"找到 {result.total_text}{shown}", wide_only=("原文件名",), wide=wide,
        )  # fmt: skip
        for hit in result.hits:
            table.add_row(
                hit.archive_no, hit.title, hit.category, hit.unit or "", hit.date or "", hit.source_name or "",
                _highlighted(hit),
            )  # fmt: skip
        console().print(table)
    if not result.hits and not as_json:
        typer.echo(result.nothing_found(query))
    if result.ocr_pending and not as_json:
        typer.echo(f"另有 {result.ocr_pending} 件扫描件尚未识别文字：recordkit index")
    if not result.hits:
        raise typer.Exit(1)
