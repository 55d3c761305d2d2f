"""``recordkit notice``: notices to a unit, a building or the estate; from a sheet; payment reminders."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from recordkit.cli._app import progress_bar, state
from recordkit.cli._options import PDF_HELP, estate_building, estate_unit, optional_date
from recordkit.core.errors import UsageError

if TYPE_CHECKING:
    from recordkit.documents.notices import NoticeBatch


#: What this module adds to the root command; the root loads it when one of its names is typed.
commands = typer.Typer()
notice_app = typer.Typer(
    help="通知与催缴：按户、按楼栋或全小区打印通知，按表格逐户填写，按欠费打印催缴通知书；"
    "同时生成送达签收表。\n\n例：recordkit notice make 停水通知 --building 3 "
    "--set 停水原因=管道维修 --set 停水范围=3栋 --set 停水时间=12月5日8:00 --set 恢复时间=当日18:00",
    no_args_is_help=True,
)
commands.add_typer(notice_app, name="notice")

_SET_HELP = "模板变量的值，可多次写：--set 停水时间=12月5日8:00。"
_MERGE_HELP = "只生成一个合并打印文件（每户从新的一页开始），不逐户生成文件。"
_DUPLEX_HELP = "与 --merge 一起用：双面打印，每户从奇数页（正面）开始、背面留空，每户一张纸。"
_DATE_HELP = "印在文书上的日期（默认今天），例如 2026-11-23。"


def _check_duplex(merge: bool, duplex: bool) -> None:
    if duplex and not merge:
        raise UsageError("--duplex 只用于合并打印文件：请同时写 --merge")


@contextmanager
def _counting_bar(description: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
    """A progress bar fed by the library's "this many more documents done" callback."""
    with progress_bar(description) as advance:
        done = 0

        def step(count: int) -> None:
            nonlocal done
            done += count
            advance(done, total)

        yield step


def print_batch(ctx: typer.Context, batch: NoticeBatch) -> None:
    root = state(ctx).workspace().root
    if batch.merged:
        typer.echo(
            f"已生成{batch.template} {len(batch.recipients)} 份，合并为一个打印文件："
            f"{batch.documents[0].path.relative_to(root)}"
        )
    else:
        folder = batch.documents[0].path.parent.relative_to(root)
        typer.echo(f"已生成{batch.template} {len(batch.documents)} 份，在 {folder}/")
        for document in batch.documents[:5]:
            typer.echo(f"  {document.path.name}")
        if len(batch.documents) > 5:
            typer.echo(f"  ……共 {len(batch.documents)} 个文件")
    if batch.sign_sheet is not None:
        typer.echo(f"送达签收表：{batch.sign_sheet.path.relative_to(root)}")
    if batch.pdfs:
        typer.echo(f"PDF：{len(batch.pdfs)} 个，在 {batch.pdfs[0].path.parent.relative_to(root)}/")
    if batch.pdf_problem:
        typer.echo(f"注意：{batch.pdf_problem}", err=True)
    for warning in batch.warnings:  # as `owners import` says what of its sheet it did not read
        typer.echo(f"提醒：{warning}")


@notice_app.command("make")
def notice_make(
    ctx: typer.Context,
    template: str = typer.Argument(..., help="模板名称，例如 停水通知（recordkit templates list 列出全部）。"),
    unit: str | None = typer.Option(None, "--unit", help="只发给这一户，例如 3-2-1201。"),
    building: str | None = typer.Option(
        None,
        "--building",
        help="发给这一栋的全部已入住房屋，例如 3；分区的楼写 二期1；别墅、商铺、车位写 别墅、二期车位（与月报的楼栋一列相同）。",
    ),
    everyone: bool = typer.Option(False, "--all", help="发给全小区的已入住房屋。"),
    values: list[str] = typer.Option([], "--set", help=_SET_HELP),
    merge: bool = typer.Option(False, "--merge", help=_MERGE_HELP),
    duplex: bool = typer.Option(False, "--duplex", help=_DUPLEX_HELP),
    date: str | None = typer.Option(None, "--date", help=_DATE_HELP),
    pdf: bool = typer.Option(False, "--pdf", help=PDF_HELP),
    to: str | None = typer.Option(
        None, "--to", help="发给谁：业主、住户（有租户的发给租户）或 全部（默认 业主，可在配置文件中改）。"
    ),
) -> None:
    """逐户生成通知（称呼、业主姓名、房号自动填写），或一个合并打印文件，并生成送达签收表。

    例：recordkit notice make 温馨提示 --building 3 --set 提示内容=请勿高空抛物
    """
    unit = estate_unit(ctx, unit) if unit else unit
    from recordkit.documents.notices import make_notices, parse_assignments, scope_label, select_recipients

    _check_duplex(merge, duplex)
    app_state = state(ctx)
    ledger = app_state.ledger()
    assignments = parse_assignments(values)
    addressee = to if to is not None else app_state.workspace().settings.notices.to
    recipients = select_recipients(ledger, unit, estate_building(ctx, building), everyone, to=addressee)
    with _counting_bar(f"生成{template}", len(recipients)) as step:
        batch = make_notices(
            app_state.workspace(),
            ledger,
            template,
            recipients,
            assignments,
            app_state.operator_name,
            merge=merge,
            duplex=duplex,
            pdf=pdf,
            scope=scope_label(recipients, building=building is not None, everyone=everyone),
            today=optional_date(date, "通知日期"),
            progress=step,
        )
    print_batch(ctx, batch)


@notice_app.command("batch")
def notice_batch(
    ctx: typer.Context,
    template: str = typer.Argument(..., help="模板名称，例如 装修违规整改通知。"),
    sheet: Path = typer.Argument(..., help="收件表 .xlsx：第 1 行表头，一列“房号”，其余每列是一个模板变量。"),
    values: list[str] = typer.Option([], "--set", help="所有行共用的变量值（表格里同名的列优先）。"),
    merge: bool = typer.Option(False, "--merge", help=_MERGE_HELP),
    duplex: bool = typer.Option(False, "--duplex", help=_DUPLEX_HELP),
    date: str | None = typer.Option(None, "--date", help=_DATE_HELP),
    pdf: bool = typer.Option(False, "--pdf", help=PDF_HELP),
) -> None:
    """按表格逐户生成通知：每行一户，每户用自己那一行的变量值（例如各户不同的违规事项、整改期限）。

    例：recordkit notice batch 装修违规整改通知 整改名单.xlsx
    """
    from recordkit.documents.notices import batch_notices, parse_assignments

    _check_duplex(merge, duplex)
    app_state = state(ctx)
    with _counting_bar(f"生成{template}") as step:
        batch = batch_notices(
            app_state.workspace(),
            app_state.ledger(),
            template,
            sheet,
            parse_assignments(values),
            app_state.operator_name,
            merge=merge,
            duplex=duplex,
            pdf=pdf,
            today=optional_date(date, "通知日期"),
            progress=step,
        )
    print_batch(ctx, batch)


@notice_app.command("remind")
def notice_remind(
    ctx: typer.Context,
    min_months: int = typer.Option(0, "--min-months", help="只发给欠费至少这么多个月的房屋，例如 3。"),
    building: str | None = typer.Option(
        None,
        "--building",
        help="只发给这一栋，例如 3；分区的楼写 二期1；别墅、商铺、车位写 别墅、二期车位（与月报的楼栋一列相同）。",
    ),
    as_of: str | None = typer.Option(None, "--as-of", help="欠费截至这一天（默认今天），例如 2026-11-30。"),
    merge: bool = typer.Option(False, "--merge", help=_MERGE_HELP),
    duplex: bool = typer.Option(False, "--duplex", help=_DUPLEX_HELP),
    date: str | None = typer.Option(None, "--date", help=_DATE_HELP),
    pdf: bool = typer.Option(False, "--pdf", help=PDF_HELP),
) -> None:
    """按欠费清单给每户欠费房屋打印催缴通知书：逐月逐项的欠费明细、合计（小写和大写）、缴费方式。

    例：recordkit notice remind --min-months 3 --building 3 --merge --duplex
    """
    from recordkit.core.money import format_yuan
    from recordkit.core.unitcodes import parse_building
    from recordkit.documents.notices import remind

    _check_duplex(merge, duplex)
    app_state = state(ctx)
    building = estate_building(ctx, building)
    ledger = app_state.ledger()  # reminders read what is owed; they never sync fee rules
    with _counting_bar("生成催缴通知书") as step:
        batch = remind(
            app_state.workspace(),
            ledger,
            app_state.operator_name,
            min_months=min_months,
            building=building,
            merge=merge,
            duplex=duplex,
            pdf=pdf,
            as_of=optional_date(as_of, "欠费截至日期"),
            today=optional_date(date, "通知日期"),
            progress=step,
        )
    if batch is None:
        scope = parse_building(building).display if building else "全小区"
        typer.echo(f"{scope}没有欠费{f' {min_months} 个月以上' if min_months else ''}的房屋，未生成催缴通知书")
        return
    print_batch(ctx, batch)
    typer.echo(f"欠费合计 {format_yuan(batch.total_fen)} 元")
