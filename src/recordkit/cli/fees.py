"""``recordkit fees``: fee rules, meter readings, monthly bills, payments, arrears and the registers."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from recordkit.cli._app import WIDE_HELP, console, new_table, print_json, progress_bar, refuse_blank, state
from recordkit.cli._options import (
    AGAIN_HELP,
    DATE_HELP,
    METHOD_HELP,
    MONTHS_HELP,
    PREPAY_HELP,
    REASON_HELP,
    YES_HELP,
    backdated_note,
    estate_building,
    estate_unit,
    fees_ledger,
    on_terminal,
    optional_date,
)
from recordkit.core.dates import Month, format_stamp, parse_month, parse_month_range
from recordkit.core.errors import UsageError
from recordkit.core.filenames import readable_name

if TYPE_CHECKING:
    from recordkit.billing.closing import Closing

#: What this module adds to the root command; the root loads it when one of its names is typed.
commands = typer.Typer()

fees_app = typer.Typer(
    help="收费：收费标准、抄表读数、每月出账、收款开收据、欠费、收费台账与日结。\n\n"
    "例：recordkit fees bill --month 2026-11",
    no_args_is_help=True,
)
rules_app = typer.Typer(
    help="收费项目与收费标准（有历史，按月份生效）。\n\n例：recordkit fees rules list", no_args_is_help=True
)
commands.add_typer(fees_app, name="fees")
fees_app.add_typer(rules_app, name="rules")


# -- rules ---------------------------------------------------------------------------------------


@rules_app.command("list")
def rules_list(
    ctx: typer.Context,
    history: bool = typer.Option(False, "--history", help="列出每个项目的全部历史标准（默认只列现行标准）。"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出。"),
) -> None:
    """列出收费项目及其收费标准。

    例：recordkit fees rules list --history
    """
    from recordkit.billing.rules import KINDS, format_rate, list_rules, pending_config_items
    from recordkit.core.unitcodes import KINDS as UNIT_KINDS

    app_state = state(ctx)
    items = list_rules(app_state.ledger())
    pending = pending_config_items(app_state.ledger(), app_state.workspace().settings.fees)
    this_month = Month.of(dt.date.today())
    rows: list[dict[str, Any]] = []
    for item in items:
        current = item.rate_for(this_month) or (item.rates[0] if item.rates else None)
        for rate in item.rates if history else ([current] if current else []):
            rows.append(
                {
                    "item": item.name,
                    "kind": item.kind,
                    "kind_label": KINDS[item.kind][0],
                    "rate": format_rate(rate.rate),
                    "unit_label": item.unit_label,
                    "from": str(rate.effective_from),
                    "vacant_percent": rate.vacant_percent,
                    "units": sorted(rate.unit_codes) if rate.unit_codes else None,
                    "unit_kinds": sorted(rate.unit_kinds, key=UNIT_KINDS.index) if rate.unit_kinds else None,
                }
            )
    if as_json:
        print_json(rows)
        return
    table = new_table(
        "收费项目", "方式", "收费标准", "起始月份", "空置房", "适用房屋", title=f"收费项目 {len(items)} 项"
    )
    for row in rows:
        parts = []
        if row["unit_kinds"]:
            parts.append("、".join(row["unit_kinds"]))
        if row["units"]:
            parts.append("、".join(row["units"][:5]) + ("等" if len(row["units"]) > 5 else ""))
        scope = "；".join(parts) or "全部"
        table.add_row(
            row["item"],
            row["kind_label"],
            f"{row['rate']} {row['unit_label']}",
            row["from"],
            f"{row['vacant_percent']}%",
            scope,
        )
    console().print(table)
    if pending:
        typer.echo(
            f"recordkit.toml 中还有 {len(pending)} 个收费项目未写入台账：{'、'.join(pending)}；"
            "请运行 recordkit fees rules sync（出账、收款时也会自动写入）"
        )


@rules_app.command("sync")
def rules_sync(
    ctx: typer.Context,
    as_json: bool = typer.Option(
        False,
        "--json",
        help="以 JSON 输出：added 新写入的项目，present 台账中已有的项目，"
        "postponed 起始月份已结账、改从第一个没有结账的月份起执行的项目。",
    ),
) -> None:
    """把 recordkit.toml 中 \\[\\[fees.items]] 里台账还没有的收费项目写入台账（记入操作日志）。

    台账中已有的项目不变：写入之后以台账为准，调整标准请用 fees rules set。
    起始月份已结账的项目，台账里改从第一个没有结账的月份起执行（提示一次，记入操作日志）。
    出账（fees bill）和收款（fees pay、receipt issue）时也会先做这一步。

    例：recordkit fees rules sync
    """
    from recordkit.billing.rules import sync_rules

    app_state = state(ctx)
    settings = app_state.workspace().settings
    result = sync_rules(
        app_state.ledger(), settings.fees, app_state.operator_name, phases=settings.office.phase_table()
    )
    for postponed in result.postponed:
        typer.echo(postponed.message, err=True)
    if as_json:
        print_json(result.to_dict())
        return
    if not result.added and not result.present:
        typer.echo("recordkit.toml 中没有 [[fees.items]]，没有需要写入的收费项目")
        return
    if result.added:
        typer.echo(
            f"已从 recordkit.toml 写入收费项目 {len(result.added)} 个：{'、'.join(result.added)}（已记入操作日志）"
        )
    else:
        typer.echo("recordkit.toml 中的收费项目台账中都已有，没有写入任何内容")
    if result.present:
        typer.echo(f"台账中已有、未改动：{'、'.join(result.present)}（调整标准请用 recordkit fees rules set）")


_KIND_HELP = (
    "收费方式：area 按面积（元/㎡·月）、fixed 每月固定（元/月）、metered 按读数（元/吨、元/度）、oneoff 一次性。"
)


@rules_app.command("add")
def rules_add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="收费项目名称，例如 物业服务费。"),
    kind: str = typer.Option(..., "--kind", help=_KIND_HELP),
    rate: str = typer.Option(..., "--rate", help="收费标准（元，最多四位小数），例如 2.35。"),
    effective_from: str = typer.Option(..., "--from", help="从哪个月起执行，例如 2026-01。"),
    unit_label: str = typer.Option("", "--unit-label", help="标准的单位写法，例如 元/度（默认按收费方式）。"),
    vacant_percent: int = typer.Option(100, "--vacant-percent", help="空置房按百分之几收取（100 全额，0 不收）。"),
    units: list[str] = typer.Option([], "--unit", help="只对这些房屋收取（可多次写）；不写为全部房屋。"),
    unit_kinds: list[str] = typer.Option(
        [], "--unit-kind", help="只对这类房屋收取：住宅、别墅、商铺、车位、储藏室（可多次写）；不写为各类。"
    ),
) -> None:
    """新增收费项目及其第一个收费标准（记入操作日志）。

    例：recordkit fees rules add 物业服务费 --kind area --rate 2.35 --from 2026-01
    """
    from recordkit.billing.rules import add_rule, format_rate

    app_state = state(ctx)
    settings = app_state.workspace().settings
    item = add_rule(
        app_state.ledger(),
        app_state.operator_name,
        name,
        kind,
        rate,
        effective_from,
        unit_label,
        vacant_percent,
        units,
        unit_kinds,
        settings.receipt.years,
        phases=settings.office.phase_table(),
    )
    rate_row = item.rates[-1]
    typer.echo(
        f"已新增收费项目 {item.name}：{format_rate(rate_row.rate)} {item.unit_label}，"
        f"自 {rate_row.effective_from} 起执行"
    )


@rules_app.command("set")
def rules_set(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="收费项目名称。"),
    effective_from: str = typer.Option(..., "--from", help="新标准从哪个月起执行，例如 2026-12；之前的月份不变。"),
    rate: str | None = typer.Option(None, "--rate", help="新的收费标准（元）；不写则沿用。"),
    vacant_percent: int | None = typer.Option(None, "--vacant-percent", help="空置房按百分之几收取；不写则沿用。"),
    units: list[str] = typer.Option([], "--unit", help="只对这些房屋收取（可多次写）；不写则沿用。"),
    unit_kinds: list[str] = typer.Option(
        [], "--unit-kind", help="只对这类房屋收取：住宅、别墅、商铺、车位、储藏室（可多次写）；不写则沿用。"
    ),
) -> None:
    """调整收费标准：从某月起执行新标准，历史标准保留（记入操作日志）。

    已出的账单不会自动改变；要按新标准重算，请运行 fees bill --month 月份 --rebill。

    例：recordkit fees rules set 物业服务费 --rate 2.50 --from 2026-12
    """
    from recordkit.billing.rules import format_rate, set_rule

    app_state = state(ctx)
    settings = app_state.workspace().settings
    item = set_rule(
        app_state.ledger(),
        app_state.operator_name,
        name,
        effective_from,
        rate,
        vacant_percent,
        units or None,
        unit_kinds or None,
        settings.receipt.years,
        phases=settings.office.phase_table(),
    )
    chosen = next(r for r in item.rates if r.effective_from == parse_month(effective_from))
    typer.echo(
        f"已调整 {item.name}：自 {chosen.effective_from} 起 {format_rate(chosen.rate)} {item.unit_label}"
        f"（空置房 {chosen.vacant_percent}%）；之前月份的标准不变"
    )


# -- readings and bills ----------------------------------------------------------------------------


@fees_app.command("readings")
def fees_readings(
    ctx: typer.Context,
    file: Path = typer.Argument(
        ..., help="抄表读数 .xlsx（表头：房号 上期读数 本期读数，可加“项目”列和“备注”列：换了新表的写“换表”）。"
    ),
    month: str = typer.Option(..., "--month", help="读数所属月份，例如 2026-11。"),
    item: str | None = typer.Option(None, "--item", help="收费项目（表中没有“项目”列时必填），例如 水费。"),
) -> None:
    """导入抄表读数：逐格检查，有任何错误就什么也不导入。

    例：recordkit fees readings 水表读数.xlsx --month 2026-11 --item 水费
    """
    from recordkit.billing.bills import import_readings
    from recordkit.core.sheets import footer_warning, totals_warning

    app_state = state(ctx)
    ledger = app_state.ledger()
    with progress_bar(f"读取 {readable_name(file.name)}") as advance:
        summary = import_readings(
            ledger,
            file,
            month,
            app_state.operator_name,
            item,
            progress=advance,
            years=app_state.workspace().settings.receipt.years,
            phases=app_state.workspace().settings.office.phase_table(),
        )
    typer.echo(
        f"读数导入完成：共 {summary.rows} 行；新增 {summary.created} 条，更新 {summary.updated} 条，"
        f"未变 {summary.unchanged} 条"
    )
    if summary.totals:
        typer.echo(f"提醒：{totals_warning(summary.totals, '读数')}")
    if summary.footers:
        typer.echo(f"提醒：{footer_warning(summary.footers, '读数')}")
    if summary.billed_changed:
        typer.echo(
            f"注意：{'、'.join(summary.billed_changed[:10])} 等 {len(summary.billed_changed)} 户已出账的读数有变化，"
            f"请运行 recordkit fees bill --month {parse_month(month)} --rebill"
        )


@fees_app.command("bill")
def fees_bill(
    ctx: typer.Context,
    month: str = typer.Option(..., "--month", help="出账月份，例如 2026-11。"),
    rebill: bool = typer.Option(False, "--rebill", help="已出的账单与现行标准不符时按新标准重算（记入操作日志）。"),
    item: str | None = typer.Option(None, "--item", help="只出这一个收费项目（一次性项目必须这样出账）。"),
    units: list[str] = typer.Option([], "--unit", help="只给这些房屋出账（可多次写）。"),
    advance: bool = typer.Option(False, "--advance", help="提前出以后月份的账单（到该月 1 日才计入欠费）。"),
) -> None:
    """生成某月的账单：每户按收费标准出账；重复运行不会重复出账。

    例：recordkit fees bill --month 2026-11
    """
    from recordkit.billing.bills import bill_month
    from recordkit.core.money import format_yuan

    app_state = state(ctx)
    settings = app_state.workspace().settings
    summary = bill_month(
        fees_ledger(ctx),
        month,
        app_state.operator_name,
        settings.fees.rounding,
        rebill=rebill,
        item_name=item,
        unit_texts=units,
        advance=advance,
        zone=settings.office.time_zone,
        deposit_item=settings.renovation.deposit_item,
        years=settings.receipt.years,
        phases=settings.office.phase_table(),
    )
    if summary.created:
        typer.echo(
            f"{summary.month} 出账完成：新建账单 {summary.created} 张，合计 {format_yuan(summary.created_fen)} 元"
        )
        if summary.advance:
            typer.echo(f"注意：这是提前出的账单，{summary.month}-01 起才计入欠费；已有的预收款先冲抵它们")
        for name, (count, fen) in summary.by_item.items():
            typer.echo(f"  {name}：{count} 张，{format_yuan(fen)} 元")
    else:
        typer.echo(
            f"{summary.month} 没有需要新建的账单（已有 {summary.unchanged + summary.differing + summary.rebilled} 张）"
        )
    if summary.rebilled or summary.removed:
        typer.echo(f"按现行标准重算 {summary.rebilled} 张，删除 {summary.removed} 张（已记入操作日志）")
    if summary.prepayment_applied_fen:
        typer.echo(f"预收款冲抵：{format_yuan(summary.prepayment_applied_fen)} 元")
    for name, codes in summary.without_area.items():
        named = "、".join(codes[:3]) + (" 等" if len(codes) > 3 else "")
        typer.echo(f"{name}：{len(codes)} 户没有建筑面积，未按面积出账（{named}）")
    for name, count in summary.metered_without_reading.items():
        typer.echo(f"{name}：{count} 户没有 {summary.month} 的读数，未出账（先运行 recordkit fees readings）")
    if summary.today_occupancy:
        from recordkit.owners.roster import STATUS_LABELS

        named = "、".join(f"{code}（{STATUS_LABELS[status]}）" for code, status in summary.today_occupancy)
        typer.echo(
            f"注意：{named}的状态在 {summary.month} 之后改过，台账没有记下 {summary.month} 时是否入住，"
            "按现在的状态计费；已入住的房屋在名册中填写入住日期，重算时按入住日期分辨"
        )
    if summary.differing:
        typer.echo(
            f"注意：有 {summary.differing} 张账单与现行收费标准不符，未改动；如需按新标准重算，"
            f"请运行 recordkit fees bill --month {summary.month} --rebill"
        )


# -- payments --------------------------------------------------------------------------------------


#: What a clerk types at a terminal to say yes to a question (anything else, an empty line included, is no).
CONFIRMED = frozenset({"y", "yes", "是", "确认", "确定", "对"})


def take_payment(
    ctx: typer.Context,
    unit: str,
    amount: str,
    method: str,
    months: str | None,
    payer: str | None,
    date: str | None,
    prepay: bool = False,
    again: bool = False,
    reason: str | None = None,
    large: bool = False,
) -> None:
    """``fees pay`` and ``receipt issue``: record the payment, issue its receipt, print the .docx.  A payment
    leaving a large prepayment (``LargePrepayment``) is asked about on a terminal, refused elsewhere
    unless ``large`` (``--yes``)."""
    unit = estate_unit(ctx, unit)
    from recordkit.billing.arrears import unit_balance
    from recordkit.billing.receipts import LargePrepayment, PaymentRequest, pay_and_print
    from recordkit.core.money import format_yuan, parse_amount

    app_state = state(ctx)
    workspace = app_state.workspace()
    request = PaymentRequest(
        unit,
        parse_amount(amount),
        method,
        parse_month_range(months) if months else None,
        payer,
        optional_date(date, "收款日期"),
        prepay=prepay,
        again=again,
        reason=reason,
        large=large,
    )
    ledger = fees_ledger(ctx)
    try:
        receipt, document = pay_and_print(workspace, ledger, app_state.operator_name, request)
    except LargePrepayment as asked:
        if not on_terminal():
            raise
        # Asked in Chinese and read as typed: click's own confirm answers "是" with English "Error: invalid input".
        answer = typer.prompt(
            f"{asked.question}（输入 y 确认，直接回车不收）", default="", show_default=False, prompt_suffix="："
        )
        if answer.strip().casefold() not in CONFIRMED:
            raise UsageError("没有收款，也没有开收据：金额未确认") from None
        confirmed = dataclasses.replace(request, large=True)
        receipt, document = pay_and_print(workspace, ledger, app_state.operator_name, confirmed)
    typer.echo(
        f"已收款 {format_yuan(receipt.total_fen)} 元（{receipt.method}），交款人 {receipt.payer}，"
        f"房号 {receipt.unit}；收据编号 {receipt.number}"
    )
    for line in receipt.lines:
        typer.echo(f"  {line.label}：{format_yuan(line.amount_fen)} 元")
    if (note := backdated_note(request.paid_on, reason)) is not None:
        typer.echo(note)
    owed, prepaid = unit_balance(ledger, receipt.unit, phases=workspace.settings.office.phase_table())
    typer.echo(f"房屋 {receipt.unit} 尚欠 {format_yuan(owed)} 元，预收余额 {format_yuan(prepaid)} 元")
    typer.echo(f"收据文件：{document.path.relative_to(workspace.root)}")


@fees_app.command("pay")
def fees_pay(
    ctx: typer.Context,
    unit: str = typer.Argument(..., help="房号，例如 3-2-1201。"),
    amount: str = typer.Option(..., "--amount", help="收款金额（元），例如 1234.50。"),
    method: str = typer.Option("现金", "--method", help=METHOD_HELP),
    months: str | None = typer.Option(None, "--months", help=MONTHS_HELP),
    payer: str | None = typer.Option(None, "--payer", help="交款人（默认为业主）。"),
    date: str | None = typer.Option(None, "--date", help=DATE_HELP),
    prepay: bool = typer.Option(False, "--prepay", help=PREPAY_HELP),
    again: bool = typer.Option(False, "--again", help=AGAIN_HELP),
    reason: str | None = typer.Option(None, "--reason", help=REASON_HELP),
    yes: bool = typer.Option(False, "--yes", help=YES_HELP),
) -> None:
    """收款并开收据：先缴最早的欠费（或 --months 指定的月份），多缴的转为预收，少缴的仍计欠费。

    收据编号连续、不重复，收据 .docx 立即写到 records/generated/。

    例：recordkit fees pay 3-2-1201 --amount 1234.50 --method 微信
    """
    take_payment(ctx, unit, amount, method, months, payer, date, prepay, again, reason, yes)


# -- one unit's account ------------------------------------------------------------------------------


@fees_app.command("account")
def fees_account(
    ctx: typer.Context,
    unit: str = typer.Argument(..., help="房号，例如 3-2-1201。"),
    as_of: str | None = typer.Option(None, "--as-of", help="截至哪天（默认今天），例如 2026-10-31。"),
    out: Path | None = typer.Option(
        None, "--out", help="同时写出给业主的对账单文件（.xlsx 或 .docx），例如 对账单.xlsx。", dir_okay=False
    ),
    as_json: bool = typer.Option(
        False,
        "--json",
        help="以 JSON 输出（bills、payments、deposits、各项合计和欠费月数 months、最早欠费月份 oldest_month，金额以分计）。",
    ),
) -> None:
    """对账单：某户每个月每个项目的应收、已收、未收，每笔收款用在了哪里，预收余额，押金，现在应缴多少、还有多少未到期。

    “现在应缴”与 fees arrears、催缴通知书、缴费证明用的是同一个数（押金不算欠费）。

    --as-of 看某一天的情况：那天以前的收款和那天已到期的账单；作废的收据哪一天看都不算收过（作废是更正），以前某天开的或已结账月份的收据红冲后，从红冲那天起才不算。

    例：recordkit fees account 3-2-1201 --out 对账单.xlsx
    """
    unit = estate_unit(ctx, unit)
    from recordkit.billing.accounts import (
        BILL_HEADERS,
        PAYMENT_HEADERS,
        bill_texts,
        closing_figures,
        deposit_text,
        payment_texts,
        unit_account,
    )
    from recordkit.core.money import format_yuan

    if out is not None and out.suffix.lower() not in (".xlsx", ".docx"):
        raise UsageError(f"对账单文件名应以 .xlsx 或 .docx 结尾：{out}")
    if out is not None:
        from recordkit.core.atomic import require_folder

        require_folder(out.parent)
    app_state = state(ctx)
    account = unit_account(
        app_state.ledger(), unit, optional_date(as_of, "对账单截至日期"), app_state.workspace().settings.receipt.years
    )
    if out is not None:
        from recordkit.billing.statements import write_statement

        office = app_state.workspace().settings.office
        write_statement(account, out, office.estate, office.name)
    if as_json:
        print_json(account.to_dict())
        return
    owner = f"（业主 {account.owners_of_record}）" if account.owners_of_record else "（未登记业主）"
    typer.echo(f"对账单：房屋 {account.unit}{owner}，截至 {account.as_of.isoformat()}")
    bills = new_table(*BILL_HEADERS, title=f"账单 {len(account.bills)} 张")
    for bill in account.bills:
        bills.add_row(*bill_texts(bill))
    console().print(bills)
    paid = new_table(*PAYMENT_HEADERS, title=f"收款 {len(account.payments)} 笔")
    for payment in account.payments:
        paid.add_row(*payment_texts(payment))
    console().print(paid)
    for deposit in account.deposits:
        typer.echo(f"装修押金（{deposit.renovation}）：{deposit_text(deposit)}")
    typer.echo("；".join(f"{label} {format_yuan(fen)} 元{note}" for label, fen, note in closing_figures(account)))
    if out is not None:
        typer.echo(f"对账单已写到 {readable_name(str(out))}")


# -- closing a month --------------------------------------------------------------------------------


@fees_app.command("close")
def fees_close(
    ctx: typer.Context,
    month: str | None = typer.Option(None, "--month", help="要结账的月份（已经过去的月份），例如 2026-10。"),
    show: bool = typer.Option(False, "--list", help="列出已结账的月份。"),
    allow_unbilled: bool = typer.Option(
        False,
        "--allow-unbilled",
        help="管理处确实有月份没有出账时用：照样结账，之前没有账单的月份一并结账（没有账单的月份结账后再也不能补出账，默认拒绝并列出这些月份）。",
    ),
    as_json: bool = typer.Option(
        False, "--json", help="与 --list 一起用：以 JSON 输出（每个月份一项：月份、结账时间、经办人、有没有账单）。"
    ),
) -> None:
    """结账：某月结账后，日期在该月的收款、出账、读数、作废都不能再改动；作废该月的收据会开红冲收据。

    例：recordkit fees close --month 2026-10
    """
    from recordkit.billing.closing import close_month, list_closed
    from recordkit.reports.figures import keep_month_figures

    app_state = state(ctx)
    if show == (month is not None):
        raise UsageError("请写 --month 月份（结账）或 --list（查看已结账的月份），二者选一")
    if month is not None:
        closing = close_month(
            app_state.ledger(),
            month,
            app_state.operator_name,
            keep=keep_month_figures,
            years=app_state.workspace().settings.receipt.years,
            allow_unbilled=allow_unbilled,
        )
        typer.echo(_closing_text(closing))
        return
    zone = app_state.workspace().settings.office.time_zone
    rows = [closed.to_dict(zone) for closed in list_closed(app_state.ledger())]
    if as_json:
        print_json(rows)
        return
    table = new_table("月份", "结账时间", "经办人", "备注", title=f"已结账 {len(rows)} 个月")
    for row in rows:
        table.add_row(
            row["month"], format_stamp(row["closed_at"], zone), row["closed_by"], "" if row["billed"] else "无账单"
        )
    console().print(table)


def _closing_text(closing: Closing) -> str:
    """What ``fees close`` says it closed: the month, and the months without bills it closed along."""
    closed = closing.closed
    if not closing.along:
        return (
            f"已结账 {closed.month}（经办人 {closed.closed_by}）：日期在 {closed.month} 的收款、出账、读数、作废不能再改动；"
            "作废该月的收据会开日期为当天的红冲收据"
        )
    return (
        f"已结账 {closed.month}（经办人 {closed.closed_by}）；{'、'.join(map(str, closing.along))} 没有账单，一并结账："
        f"日期在 {closing.along[0]} 至 {closed.month} 的收款、出账、读数、作废不能再改动；"
        "作废这些月份的收据会开日期为当天的红冲收据"
    )


# -- arrears and registers ---------------------------------------------------------------------------


@fees_app.command("arrears")
def fees_arrears(
    ctx: typer.Context,
    as_of: str | None = typer.Option(None, "--as-of", help="截至哪天（默认今天），例如 2026-11-30。"),
    min_months: int = typer.Option(0, "--min-months", min=0, help="只列欠费至少几个月的房屋。"),
    building: str | None = typer.Option(
        None,
        "--building",
        "-b",
        help="只列某栋楼，例如 3；分区的楼写 二期1；别墅、商铺、车位写 别墅、二期车位（与月报的楼栋一列相同）。",
    ),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出（催缴通知书的输入）。"),
    wide: bool = typer.Option(False, "--wide", help=WIDE_HELP),
) -> None:
    """欠费清单：每户欠费金额、欠费月数和账龄（1–3、4–6、7–12、12 个月以上；账龄列加 --wide 显示）。

    例：recordkit fees arrears --min-months 3 --building 3
    """
    from recordkit.billing.arrears import AGING_BUCKETS, AGING_LABELS, list_arrears
    from recordkit.core.money import format_yuan

    refuse_blank(("--as-of", as_of), ("--building", building))
    years = state(ctx).workspace().settings.receipt.years
    rows = list_arrears(
        state(ctx).ledger(),
        optional_date(as_of, "欠费截至日期"),
        min_months,
        estate_building(ctx, building),
        years=years,
    )
    if as_json:
        print_json([row.to_dict() for row in rows])
        return
    total = sum(row.amount_fen for row in rows)
    table = new_table(
        "房号",
        "业主",
        "欠费（元）",
        "欠费月数",
        "最早欠费月份",
        *(AGING_LABELS[b] for b in AGING_BUCKETS),
        title=f"欠费 {len(rows)} 户，合计 {format_yuan(total)} 元",
        wide_only=tuple(AGING_LABELS[b] for b in AGING_BUCKETS),
        wide=wide,
    )
    for row in rows:
        table.add_row(
            row.unit,
            row.owners_of_record,  # every owner of record, as ``owners list``, the notices and the register
            format_yuan(row.amount_fen),
            str(row.months),
            str(row.oldest),
            *(format_yuan(row.aging[b]) if row.aging[b] else "" for b in AGING_BUCKETS),
        )
    console().print(table)


@fees_app.command("register")
def fees_register(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="要写出的收费台账 .xlsx，或放它的文件夹（文件名为 收费台账-月份.xlsx）。"),
    month: str = typer.Option(..., "--month", help="台账月份，例如 2026-11。"),
) -> None:
    """导出某月收费台账 .xlsx：每户每个项目的应收、实收、欠费，往期欠费、月末欠费合计（与 fees arrears --as-of 月末相同）和预收余额。

    例：recordkit fees register --month 2026-11 收费台账-2026-11.xlsx
    """
    from recordkit.billing.registers import write_register
    from recordkit.core.atomic import require_folder
    from recordkit.core.money import format_yuan

    if file.is_dir():  # a folder: the register goes into it under its usual name
        file = file / f"收费台账-{parse_month(month)}.xlsx"
    if file.suffix.lower() != ".xlsx":
        raise UsageError(f"收费台账文件名应以 .xlsx 结尾：{file}")
    require_folder(file.parent)
    settings = state(ctx).workspace().settings
    totals = write_register(state(ctx).ledger(), month, file, settings.office.estate, settings.receipt.years)
    # The month in progress ends after today, a day `fees arrears --as-of` refuses; until its end
    # nothing later is counted, so its figure is today's arrears list.
    same_as = min(totals.month.last_day(), dt.date.today())
    typer.echo(
        f"已导出 {totals.month} 收费台账（{totals.units} 户）到 {readable_name(str(file))}："
        f"应收 {format_yuan(totals.billed_fen)} 元，实收 {format_yuan(totals.collected_fen)} 元，"
        f"本月欠费 {format_yuan(totals.arrears_fen)} 元；月末欠费合计 {format_yuan(totals.owed_fen)} 元"
        f"（含往期 {format_yuan(totals.earlier_arrears_fen)} 元，与 fees arrears --as-of {same_as} 相同）"
    )


@fees_app.command("daily")
def fees_daily(
    ctx: typer.Context,
    file: Path | None = typer.Argument(
        None, help="要写出的日结 .xlsx，或放它的文件夹（默认：当前文件夹的 日结-日期.xlsx）。"
    ),
    date: str | None = typer.Option(None, "--date", help="哪一天（默认今天），例如 2026-11-23。"),
) -> None:
    """日结：当天的每一笔钱：收据按收款方式、收款人、收费项目汇总，红冲、作废、押金收取与退还，各收款方式轧差后的净额，收款人/复核/主管签字栏，导出 .xlsx。

    例：recordkit fees daily --date 2026-11-23
    """
    from recordkit.billing.registers import write_daily
    from recordkit.core.atomic import require_folder
    from recordkit.core.money import format_yuan

    day = optional_date(date, "日结日期") or dt.date.today()
    target = file or Path(f"日结-{day.isoformat()}.xlsx")
    if target.is_dir():  # a folder: the day's sheet goes into it under its usual name
        target = target / f"日结-{day.isoformat()}.xlsx"
    if target.suffix.lower() != ".xlsx":
        raise UsageError(f"日结文件名应以 .xlsx 结尾：{target}")
    require_folder(target.parent)
    settings = state(ctx).workspace().settings
    report = write_daily(state(ctx).ledger(), day, target, settings.office.estate, settings.receipt.years)
    table = new_table("收款方式", "张数", "收款（元）", "押金退还（元）", "净额（元）", title=f"{day.isoformat()} 日结")
    for method, net in report.net_by_method.items():
        count, fen = report.by_method.get(method, (0, 0))
        table.add_row(method, str(count), format_yuan(fen), format_yuan(fen - net), format_yuan(net))
    table.add_row(
        "合计",
        str(report.count),
        format_yuan(report.total_fen),
        format_yuan(report.refunded_fen),
        format_yuan(report.net_fen),
    )
    console().print(table)
    kept = (
        f"；押金扣款 {format_yuan(report.deposits_kept_fen)} 元（收据 {len(report.kept)} 张，押金转入，不计入收款合计）"
        if report.kept
        else ""
    )
    typer.echo(
        f"收款合计 {format_yuan(report.total_fen)} 元（其中押金收取 {format_yuan(report.deposits_taken_fen)} 元），"
        f"押金退还 {format_yuan(report.refunded_fen)} 元，净收款 {format_yuan(report.net_fen)} 元{kept}；"
        f"红冲 {len(report.reversals)} 张"
    )
    typer.echo(f"作废收据 {len(report.voided)} 张；日结表已写到 {readable_name(str(target))}")
