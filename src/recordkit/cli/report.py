"""``recordkit report``: the monthly report (.xlsx workbook and .docx 月度工作总结 draft)."""

from __future__ import annotations

from pathlib import Path

import typer

from recordkit.cli._app import console, new_table, state
from recordkit.cli._options import optional_date
from recordkit.core.filenames import readable_name

#: What this module adds to the root command; the root loads it when one of its names is typed.
commands = typer.Typer()

report_app = typer.Typer(
    help="报表：月度报表（Excel）与月度工作总结草稿（Word）。\n\n例：recordkit report monthly --month 2026-10",
    no_args_is_help=True,
)
commands.add_typer(report_app, name="report")


@report_app.command("monthly")
def report_monthly(
    ctx: typer.Context,
    month: str = typer.Option(..., "--month", help="报表月份，例如 2026-10（不能是以后的月份）。"),
    out: Path | None = typer.Option(None, "--out", help="输出目录（默认：records/generated/报表/月份/）。"),
    pdf: bool = typer.Option(False, "--pdf", help="同时用 LibreOffice 转成 PDF。"),
    show_private: bool = typer.Option(False, "--show-private", help="欠费明细显示完整联系电话（默认打码）。"),
    date: str | None = typer.Option(None, "--date", help="工作总结的落款日期（默认今天），例如 2026-11-05。"),
) -> None:
    """生成月度报表：收费汇总、欠费明细、收据、装修、工单、档案（.xlsx，带图表）和月度工作总结草稿（.docx）。

    例：recordkit report monthly --month 2026-10
    """
    from recordkit.reports import monthly_report
    from recordkit.reports.summary import comparison_note, comparison_texts

    if out is not None:
        from recordkit.core.atomic import require_folder

        require_folder(out.parent)  # the folder named is made, as a file named is: never the folders above it
    app_state = state(ctx)
    report = monthly_report(
        app_state.workspace(),
        app_state.ledger(),
        month,
        app_state.operator_name,
        out,
        pdf,
        show_private,
        signed=optional_date(date, "落款日期"),
    )
    if show_private:
        from recordkit.ledger.journal import record_private_view

        # What was shown in full: the phones of the units owing, in the workbook and its PDF copy.
        files = [report.workbook.name, *(path.name for path in report.pdfs if path.stem == report.workbook.stem)]
        units = [line.unit for line in report.figures.arrears if line.phone]
        what = f"report monthly {report.month}（{'、'.join(files)}）"
        record_private_view(app_state.ledger(), app_state.operator_name, "report", what, units)
    now, previous, last_year = report.figures, report.previous, report.last_year
    table = new_table("指标", "本月", "上月", "去年同月", title=f"{report.month.chinese}月度报表（金额：元）")
    for row in comparison_texts(now, previous, last_year):
        table.add_row(*row)
    console().print(table)
    note = comparison_note(previous, last_year)
    if note:
        typer.echo(note)
    typer.echo(f"{report.month} {report.figures.status_text}")
    if report.figures.empty:
        typer.echo("本月无数据：报表各项均为 0")
    for path in (report.workbook, report.summary, *report.pdfs):
        typer.echo(f"已生成 {readable_name(_shown(app_state.workspace().root, path))}")
    if report.pdf_problem:
        typer.echo(f"注意：{report.pdf_problem}", err=True)


def _shown(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
