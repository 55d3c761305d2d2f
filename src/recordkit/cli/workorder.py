"""``recordkit workorder``: add, assign, close, visit, show, list, import."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from recordkit.cli._app import (
    WIDE_HELP,
    console,
    new_table,
    print_json,
    progress_bar,
    refuse_blank,
    refuse_blank_number,
    state,
)
from recordkit.cli._options import estate_unit, refuse_bad_phone
from recordkit.core.dates import check_business_month, check_month_begun, format_when, parse_month
from recordkit.core.filenames import readable_name
from recordkit.core.personal import masked_kinds, named_in_sentence

if TYPE_CHECKING:
    from recordkit.workorders.orders import WorkOrder


#: What this module adds to the root command; the root loads it when one of its names is typed.
commands = typer.Typer()
workorder_app = typer.Typer(
    help="工单：报修和投诉的登记、派工、完工、回访，超时和重复投诉提醒，导入原有登记簿。\n\n"
    "例：recordkit workorder list --open",
    no_args_is_help=True,
)
commands.add_typer(workorder_app, name="workorder")

_NUMBER_HELP = "工单编号，例如 GD2026-000123（workorder list 可查）。"
_AT_HELP = (
    '发生时间（默认现在；补录登记簿时填写），例如 "2026-10-03 09:15"；'
    "只写日期（2026-10-03）的按只记了日期算：与时限比日期，当天不算超时。"
)
_PRIVATE_HELP = f"显示完整电话号码（默认打码，内容、回访意见等里写的{masked_kinds()}也打码）。"


def _as_of(ctx: typer.Context, text: str | None) -> dt.datetime | None:
    from recordkit.workorders.orders import moment_asked

    if not text:
        return None
    return moment_asked(text, years=state(ctx).workspace().settings.receipt.years)


_AS_OF_HELP = (
    '按此时刻看工单当时的情况（默认现在；不能晚于现在），例如 "2026-10-31 18:00"；'
    "只写日期（2026-10-31）的指那天结束时（23:59:59，今天的日期指现在），与 fees arrears --as-of 相同。"
)


def _echo_limits(order: WorkOrder) -> None:
    typer.echo(f"时限：{order.limits_text()}")


@workorder_app.command("add")
def workorder_add(
    ctx: typer.Context,
    kind: str = typer.Option(..., "--type", help="类型：报修 或 投诉。"),
    category: str = typer.Option(
        ..., "--category", help="类别：水电、门窗、电梯、公共设施、噪音、卫生、安保、收费、其他。"
    ),
    desc: str = typer.Option(..., "--desc", help='内容，例如 "厨房水管漏水"。'),
    unit: str | None = typer.Option(None, "--unit", help="房号，例如 3-2-1201；公共区域可不写，改用 --place。"),
    place: str | None = typer.Option(None, "--place", help="地点，例如 3栋大堂（公共区域，或房屋内的具体位置）。"),
    reported_by: str | None = typer.Option(None, "--reported-by", help="报修人或投诉人姓名。"),
    phone: str | None = typer.Option(None, "--phone", help="联系电话（屏幕、日志和操作日志中打码）。"),
    at: str | None = typer.Option(
        None,
        "--at",
        help='报修时间（默认现在；补录时填写），例如 "2026-10-03 09:15"；只写日期（2026-10-03）的，'
        "这张工单按只记了日期算（以小时计的时限不判断是否超时，整天的时限按日期判断），与导入的登记簿一样。",
    ),
) -> None:
    """登记报修或投诉，给出工单编号（每年从 1 起连续编号），按类别算出派工和完成时限。

    同一房屋同一类别 30 天内（天数可在 recordkit.toml 中修改）再次投诉的，标记为重复投诉。

    例：recordkit workorder add --type 报修 --unit 3-2-1201 --category 水电 --desc 厨房水管漏水 --reported-by 李秀英
    """
    unit = estate_unit(ctx, unit) if unit else unit
    from recordkit.workorders.orders import OrderRequest, add

    refuse_bad_phone(phone)
    app_state = state(ctx)
    everything = app_state.workspace().settings
    settings = everything.workorders
    order = add(
        app_state.ledger(),
        settings,
        app_state.operator_name,
        OrderRequest(kind, category, desc, unit, place, reported_by, phone, at),
        years=everything.receipt.years,
    )
    typer.echo(
        f"已登记工单 {order.number}：{order.type} · {order.category}，{order.where}，"
        f"{order.type}时间 {order.shown_time(order.opened_at)}"
    )
    _echo_limits(order)
    if order.repeat_of:
        typer.echo(f"注意：重复投诉（{settings.repeat_days} 天内同一房屋同类投诉，前次 {order.repeat_of}）")


@workorder_app.command("assign")
def workorder_assign(
    ctx: typer.Context,
    number: str = typer.Argument(..., help=_NUMBER_HELP),
    to: str = typer.Option(..., "--to", help="派给谁：维修工或负责人姓名。"),
    at: str | None = typer.Option(None, "--at", help=_AT_HELP),
) -> None:
    """派工：把工单派给维修工或负责人（处理中的工单可以改派；改派不改变首次派工时间，是否派工超时按首次派工算；派给现在处理的人则没有改动）。

    例：recordkit workorder assign GD2026-000001 --to 刘师傅
    """
    refuse_blank_number("工单编号", number, "GD2026-000123")
    from recordkit.workorders.orders import NoChange, assign

    app_state = state(ctx)
    try:
        order = assign(app_state.ledger(), app_state.operator_name, number, to, at)
    except NoChange as unchanged:  # already with that worker: said, not an error
        typer.echo(unchanged.message)
        return
    worker = named_in_sentence(order.assignee or "")  # (assign has set it)
    if order.handed_at is not None:  # (only a reassignment sets it: the order was with someone already)
        typer.echo(
            f"工单 {order.number} 已改派给{worker}（{order.shown_step('handed_at')}；"
            f"首次派工 {order.shown_step('assigned_at')} 不变）"
        )
        return
    typer.echo(f"工单 {order.number} 已派给{worker}（{order.shown_step('assigned_at')}）")
    if order.responded_late:
        due = order.deadline_text(order.respond_by, "派工")
        typer.echo(f"派工超时：应{due}" if order.date_only else f"派工超时：应在 {due}")


def _closing(order: WorkOrder) -> str:
    """How a just-finished order stood against its close limit, as ``close`` says it."""
    late = order.closed_late
    if late is None:
        return "未记时刻（只记了日期，不判断是否超时）"
    if not late:
        return "按时完成"
    if order.date_only:
        return f"超时完成（应{order.deadline_text(order.close_by, '完成')}）"
    return f"超时完成（时限 {format_when(order.close_by)}）"


@workorder_app.command("close")
def workorder_close(
    ctx: typer.Context,
    number: str = typer.Argument(..., help=_NUMBER_HELP),
    result: str = typer.Option(..., "--result", help='处理结果，例如 "已更换水龙头"。'),
    at: str | None = typer.Option(None, "--at", help=_AT_HELP),
) -> None:
    """完工：写明处理结果（须先派工）；超过完成时限的记为超时完成。

    例：recordkit workorder close GD2026-000001 --result 已更换水龙头
    """
    refuse_blank_number("工单编号", number, "GD2026-000123")
    from recordkit.workorders.orders import close

    app_state = state(ctx)
    order = close(app_state.ledger(), app_state.operator_name, number, result, at)
    typer.echo(f"工单 {order.number} 已完成（{order.shown_step('closed_at')}），{_closing(order)}：{order.result}")
    typer.echo(f"请回访：recordkit workorder visit {order.number} --satisfaction 满意")


@workorder_app.command("visit")
def workorder_visit(
    ctx: typer.Context,
    number: str = typer.Argument(..., help=_NUMBER_HELP),
    satisfaction: str = typer.Option(..., "--satisfaction", help="满意度：满意、基本满意 或 不满意。"),
    notes: str = typer.Option("", "--notes", help='回访意见，例如 "业主表示水管已不漏"。'),
    at: str | None = typer.Option(None, "--at", help=_AT_HELP),
) -> None:
    """回访：记录业主对处理结果的满意度（完工后才能回访，只回访一次）。

    例：recordkit workorder visit GD2026-000001 --satisfaction 满意 --notes 已不漏水
    """
    refuse_blank_number("工单编号", number, "GD2026-000123")
    from recordkit.workorders.orders import visit

    app_state = state(ctx)
    order = visit(app_state.ledger(), app_state.operator_name, number, satisfaction, notes, at)
    typer.echo(
        f"工单 {order.number} 已回访（{order.shown_step('visited_at')}）：{order.satisfaction}"
        + (f"，{order.visit_notes}" if order.visit_notes else "")
    )


@workorder_app.command("show")
def workorder_show(
    ctx: typer.Context,
    number: str = typer.Argument(..., help=_NUMBER_HELP),
    as_of: str | None = typer.Option(None, "--as-of", help=_AS_OF_HELP),
    show_private: bool = typer.Option(False, "--show-private", help=_PRIVATE_HELP),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出。"),
) -> None:
    """查看一张工单：内容、报修人、时限、派工、完工、回访和是否超时、是否重复投诉。

    例：recordkit workorder show GD2026-000001
    """
    refuse_blank_number("工单编号", number, "GD2026-000123")
    from recordkit.workorders.orders import format_as_of, now_minute, show_order

    app_state = state(ctx)
    asked = _as_of(ctx, as_of)
    # As of --as-of, the order as it stood then: its status and worker then, the steps after it left out and counted.
    shown = show_order(app_state.ledger(), number, asked)
    moment = asked or now_minute()
    order = shown.order
    handed = [step if show_private else step.masked() for step in shown.dispatches]
    if show_private:
        from recordkit.ledger.journal import record_private_view

        record_private_view(app_state.ledger(), app_state.operator_name, "workorder", "workorder show", [order.number])
    if as_json:
        print_json(
            {
                **order.to_dict(moment, show_private),
                "dispatches": [step.to_dict() for step in handed],
                "later_records": shown.later_records,
            }
        )
        return
    order = order if show_private else order.masked()
    lines = [
        ("工单编号", order.number),
        ("类型", f"{order.type} · {order.category}"),
        ("房号/地点", order.where),
        ("内容", order.description),
        (f"{order.type}人", order.contact(show_private)),
        (f"{order.type}时间", f"{order.shown_time(order.opened_at)}（{order.opened_by} 登记）"),
        # As of a moment, the status says which: shown or printed, it is not today's.
        ("状态", f"{order.status_label}（截至 {format_as_of(asked)}）" if asked else order.status_label),
        ("时限", f"{order.limits_text()}；{order.timeliness(moment)}"),
        ("派工", f"{order.assignee}（{order.shown_step('assigned_at')}）" if order.assignee else "—"),
        # After a reassignment the line above pairs the current worker with the first dispatch's time: who was sent
        # first and when it changed hands (the journal's).
        *((step.step, f"{step.at} {step.assignee}") for step in (handed if len(handed) > 1 else [])),
        ("完成", f"{order.shown_step('closed_at')}：{order.result}" if order.closed_at else "—"),
        (
            "回访",
            f"{order.shown_step('visited_at')}：{order.satisfaction}"
            + (f"，{order.visit_notes}" if order.visit_notes else "")
            if order.visited_at
            else "—",
        ),
        ("重复投诉", f"是（前次 {order.repeat_of}）" if order.repeat_of else "否"),
    ]
    for label, value in lines:
        typer.echo(f"{label}：{value}")
    if shown.later_records:
        typer.echo(f"此后另有 {shown.later_records} 条记录（不加 --as-of 可查看）")


@workorder_app.command("list")
def workorder_list(
    ctx: typer.Context,
    open_only: bool = typer.Option(
        False, "--open", help="只列未完成的（待派工、处理中）；写了 --as-of 的，列那一刻还没完成的。"
    ),
    overdue: bool = typer.Option(
        False, "--overdue", help="只列超时未完成的：过了派工时限未派工，或过了完成时限未完成。"
    ),
    kind: str | None = typer.Option(None, "--type", help="只列某类型：报修 或 投诉。"),
    category: str | None = typer.Option(None, "--category", help="只列某类别，例如 电梯。"),
    unit: str | None = typer.Option(None, "--unit", help="只列某房屋的，例如 3-2-1201。"),
    month: str | None = typer.Option(None, "--month", help="只列某月报修的（本月及以前），例如 2026-10。"),
    as_of: str | None = typer.Option(None, "--as-of", help=_AS_OF_HELP),
    show_private: bool = typer.Option(False, "--show-private", help=_PRIVATE_HELP),
    as_json: bool = typer.Option(
        False, "--json", help="以 JSON 输出（number、type、category、status、overdue、repeat 等）。"
    ),
    wide: bool = typer.Option(False, "--wide", help=WIDE_HELP),
) -> None:
    """列出工单：编号、类型、类别、房号、内容、受理时间、状态、时限（超时的标出）；报修人或投诉人、派工、重复投诉加 --wide 显示。

    例：recordkit workorder list --overdue --category 电梯
    """
    refuse_blank(("--type", kind), ("--category", category), ("--unit", unit), ("--month", month), ("--as-of", as_of))
    unit = estate_unit(ctx, unit) if unit else unit
    from recordkit.workorders.orders import OrderFilter, check_as_of_in_month, format_as_of, list_orders, now_minute

    asked = _as_of(ctx, as_of)
    moment = asked or now_minute()
    # A month to come holds no order, nor does one of a year outside the books: 工单 0 张 would answer a typed
    # 2027 for 2026, or 1999 for 2019.
    listed_month = None
    if month:
        listed_month = check_month_begun(parse_month(month), "列出 {current} 及以前月份的工单")
        check_business_month(listed_month, "工单月份", state(ctx).workspace().settings.receipt.years)
        if asked is not None:  # before the month began none of its orders existed: 工单 0 张 would be no answer
            check_as_of_in_month(listed_month, asked)
    wanted = OrderFilter(open_only, overdue, kind, category, unit, listed_month)
    app_state = state(ctx)
    # As of a moment (--as-of, or now), the orders reported after it are left out: they did not exist then; as of
    # --as-of, each is as it stood then (its status, --open).
    orders = list_orders(app_state.ledger(), wanted, asked)
    if show_private and orders:
        from recordkit.ledger.journal import record_private_view

        shown = [order.number for order in orders]
        record_private_view(app_state.ledger(), app_state.operator_name, "workorder", "workorder list", shown)
    if as_json:
        print_json([order.to_dict(moment, show_private) for order in orders])
        return
    # A list as of a moment says which on paper too: without it, 工单 3 张 would read as today's.
    title = f"{'超时工单' if overdue else '工单'} {len(orders)} 张"
    title += f"（截至 {format_as_of(moment)}）" if overdue or asked else ""
    # A complaint is not a repair: the columns say 投诉 when only complaints are listed.
    contact, opened = {"报修": ("报修人", "报修时间"), "投诉": ("投诉人", "投诉时间")}.get(
        kind or "", ("联系人", "受理时间")
    )
    table = new_table(
        "工单编号", "类型", "类别", "房号/地点", "内容", contact, opened, "状态", "派工", "时限", "重复投诉",
        title=title, wide_only=(contact, "派工", "重复投诉"), wide=wide,
    )  # fmt: skip
    for order in orders if show_private else [order.masked() for order in orders]:
        table.add_row(
            order.number,
            order.type,
            order.category,
            order.where,
            order.description,
            order.contact(show_private),
            order.shown_time(order.opened_at),
            order.status_label,
            order.assignee or "—",
            order.timeliness(moment),
            "重复" if order.repeat_of else "",
        )
    console().print(table)


@workorder_app.command("import")
def workorder_import(
    ctx: typer.Context,
    file: Path = typer.Argument(
        ..., help="原有工单登记簿 .xlsx（表头：类型、房号、地点、类别、内容、报修人、电话、报修时间……）。"
    ),
    skip_known: bool = typer.Option(
        False,
        "--skip-known",
        help="登记簿比上次导入时多了新的工单：只导入新增的，已导入过、内容相同的跳过并计数"
        "（已导入过、内容却与台账不同的仍指出行号，什么也不导入）。",
    ),
) -> None:
    """导入原有的工单登记簿（.xlsx）：有一行出错就什么也不导入，并列出每处错误的行号和列名。

    例：recordkit workorder import 工单登记簿.xlsx --skip-known
    """
    from recordkit.core.sheets import footer_warning, totals_warning
    from recordkit.workorders.logbook import import_logbook

    app_state = state(ctx)
    everything = app_state.workspace().settings
    with progress_bar(f"读取 {readable_name(file.name)}") as advance:
        summary = import_logbook(
            app_state.ledger(),
            everything.workorders,
            app_state.operator_name,
            file,
            progress=advance,
            years=everything.receipt.years,
            phases=everything.office.phase_table(),
            skip_known=skip_known,
        )
    if not summary.numbers:
        typer.echo(f"没有新的工单：{summary.skipped} 张都已导入过、内容相同")
    else:
        typer.echo(
            f"已导入工单 {summary.count} 张（报修 {summary.repairs} 张，投诉 {summary.complaints} 张），"
            f"编号 {min(summary.numbers)} 至 {max(summary.numbers)}"
        )
    if summary.totals:
        typer.echo(f"提醒：{totals_warning(summary.totals, '工单')}")
    if summary.footers:
        typer.echo(f"提醒：{footer_warning(summary.footers, '工单')}")
    if summary.numbers and summary.skipped:
        typer.echo(f"跳过已导入过、内容相同的工单 {summary.skipped} 张")
    if summary.repeats:
        typer.echo(f"其中重复投诉 {summary.repeats} 张")
    if summary.remarks_left_out:
        typer.echo("备注列未导入：工单没有备注一项（业主的回访意见请写在“回访意见”列）")
