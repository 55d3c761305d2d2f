"""``recordkit index`` and ``recordkit search``: keeping the full-text index current and searching the archive."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from recordkit.cli._app import app, console, new_table, print_json, progress_bar, state

if TYPE_CHECKING:
    from rich.text import Text

    from recordkit.search.query import Hit


@app.command("index")
def index_command(
    ctx: typer.Context,
    rebuild: bool = typer.Option(False, "--rebuild", help="在旁边重建整个索引，完成后一次替换（重建期间仍可检索）。"),
    verify: bool = typer.Option(False, "--verify", help="只检查：列出索引中缺失、过期或多余的档案，不改动索引。"),
    no_ocr: bool = typer.Option(False, "--no-ocr", help="这次不做 OCR（扫描件的文字留到下次）。"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出结果。"),
) -> None:
    """把检索索引更新到与档案目录一致：新增、改动、删除的档案，待识别的扫描页做 OCR（夜间任务）。

    每次运行的摘要写入 records/logs/index.log；有档案索引失败时退出码为 1。

    例：recordkit index
    """
    from recordkit.core.errors import IntegrityError
    from recordkit.search.query import update_index, verify_index

    app_state = state(ctx)
    workspace, ledger = app_state.workspace(), app_state.ledger()
    if verify:
        check = verify_index(workspace, ledger)
        if as_json:
            print_json(check.to_dict())
        elif not check.ok:
            table = new_table("档号", "问题", title=f"索引与档案目录不一致 {len(check.rows())} 件")
            for number, problem in check.rows():
                table.add_row(number, problem)
            console().print(table)
        if not check.ok:
            raise IntegrityError(
                f"索引缺失 {len(check.missing)} 件、过期 {len(check.stale)} 件、多余 {len(check.orphaned)} 件："
                "请运行 recordkit index"
            )
        if not as_json:
            typer.echo(f"索引完好：共 {check.checked} 件档案，全部已索引且是最新的")
        return
    with progress_bar("提取文字与 OCR") as advance:
        report = update_index(workspace, ledger, rebuild=rebuild, ocr=not no_ocr, progress=advance)
    if as_json:
        print_json(report.to_dict())
    else:
        for number, reason in report.failed:
            typer.echo(f"索引失败 {number}：{reason}（已按题名等信息索引）", err=True)
        typer.echo(report.summary)
    if report.failed:
        raise typer.Exit(1)


def _highlighted(hit: Hit) -> Text:
    from rich.text import Text

    text = Text(hit.snippet)
    for start, end in hit.highlights:
        text.stylize("bold yellow", start, end)
    return text


@app.command("search")
def search_command(
    ctx: typer.Context,
    query: str = typer.Argument(
        ...,
        help='检索词：空格分开的词都要有；A OR B；-不要的词；"整句"；'
        "unit:3-2-1201 category:工程档案 owner:张伟 date:2024-01..2024-12。",
    ),
    category: str | None = typer.Option(None, "--category", help="只查这一类，例如 工程档案。"),
    unit: str | None = typer.Option(None, "--unit", help="只查这一户，例如 3-2-1201。"),
    owner: str | None = typer.Option(None, "--owner", help="只查这位业主名下房屋的档案，例如 张伟。"),
    date_from: str | None = typer.Option(None, "--from", help="文件日期从，例如 2024-01。"),
    date_to: str | None = typer.Option(None, "--to", help="文件日期到，例如 2024-12。"),
    limit: int = typer.Option(20, "--limit", help="最多显示几条。"),
    as_json: bool = typer.Option(
        False,
        "--json",
        help="以 JSON 输出（archive_no、title、category、unit、date、path、source_name、score、snippet）。",
    ),
    show_private: bool = typer.Option(False, "--show-private", help="摘要中显示完整的身份证号和电话号码。"),
) -> None:
    """全文检索档案：题名、档号、房号、业主、原文件名和文件里的文字（扫描件为 OCR 文字）。

    找到时退出码 0，没有找到时 1（与 grep 相同）。

    例：recordkit search 电梯维修 --category 工程档案
    """
    from recordkit.search.query import search

    result = search(
        state(ctx).workspace(),
        query,
        category=category,
        unit=unit,
        owner=owner,
        date_from=date_from,
        date_to=date_to,
        limit=limit,
        show_private=show_private,
    )
    if as_json:
        print_json([hit.to_dict() for hit in result.hits])
    elif result.hits:
        shown = f"，显示前 {len(result.hits)} 条" if len(result.hits) < result.total or not result.exact_total else ""
        table = new_table("档号", "题名", "类别", "房号", "日期", "摘要", title=f"找到 {result.total_text}{shown}")
        for hit in result.hits:
            table.add_row(hit.archive_no, hit.title, hit.category, hit.unit or "", hit.date or "", _highlighted(hit))
        console().print(table)
    if not result.hits:
        if not as_json:
            typer.echo(f"没有找到包含“{query}”的档案")
        raise typer.Exit(1)
