"""``recordkit renovation``: register, pay, agreement, pass, inspect, extend, refund, list."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from recordkit.cli._app import WIDE_HELP, console, new_table, print_json, refuse_blank, refuse_blank_number, state
from recordkit.cli._options import (
    AGAIN_HELP,
    DATE_HELP,
    METHOD_HELP,
    REASON_HELP,
    backdated_note,
    estate_unit,
    fees_ledger,
    optional_date,
    refuse_bad_phone,
)
from recordkit.core.personal import mask_phone

if TYPE_CHECKING:
    from recordkit.documents.generated import GeneratedDocument


#: What this module adds to the root command; the root loads it when one of its names is typed.
commands = typer.Typer()
renovation_app = typer.Typer(
    help="装修登记：登记并收取押金和垃圾清运费、管理协议、临时出入证、验收、退押金。\n\n"
    "例：recordkit renovation list --status 装修中",
    no_args_is_help=True,
)
commands.add_typer(renovation_app, name="renovation")

_NUMBER_HELP = "装修登记编号，例如 ZX2026-0001（renovation list 可查）。"
_DAY_HELP = "办理日期（默认今天；补录纸质登记时填写），例如 2026-11-23。"


def _where(ctx: typer.Context, document: GeneratedDocument) -> str:
    return str(document.path.relative_to(state(ctx).workspace().root))


@renovation_app.command("register")
def renovation_register(
    ctx: typer.Context,
    unit: str = typer.Argument(..., help="房号，例如 3-2-1201。"),
    contractor: str = typer.Option(..., "--contractor", help="装修单位（装修公司或施工队）名称。"),
    manager: str = typer.Option(..., "--manager", help="现场负责人姓名。"),
    phone: str = typer.Option(..., "--phone", help="现场负责人电话（屏幕和日志上打码，登记表上完整印出）。"),
    start: str = typer.Option(
        ...,
        "--start",
        help="开工日期，例如 2026-12-01；不写年份（12-10、12月10日）时为登记日期起的下一个这一天，"
        "须在登记日期前后三个月（90 天）以内，否则请写明年份。",
    ),
    end: str = typer.Option(
        ...,
        "--end",
        help="完工日期，例如 2027-02-28；不写年份时为开工日期（早于登记日期时为登记日期）起的下一个这一天，"
        "须在其后三个月（90 天）以内，否则请写明年份。",
    ),
    hours: str | None = typer.Option(None, "--hours", help="施工时间，例如 8:00-12:00,14:00-18:00（默认取配置）。"),
    items: str = typer.Option("", "--items", help='装修项目，例如 "水电改造、铺地砖、吊顶"。'),
    date: str | None = typer.Option(None, "--date", help=_DAY_HELP),
) -> None:
    """装修登记：记录装修单位、期限和施工时间，按收费标准出装修押金和装修垃圾清运费账单，打印装修登记表。

    例：recordkit renovation register 3-2-1201 --contractor 安居装饰 --manager 王强 --phone 13600001111 --start 2026-12-01 --end 2027-01-31
    """
    unit = estate_unit(ctx, unit)
    from recordkit.core.money import format_yuan
    from recordkit.renovations.paper import check_paper
    from recordkit.renovations.records import REGISTRATION_TEMPLATE
    from recordkit.renovations.registration import RegistrationRequest, register_and_print

    app_state = state(ctx)
    workspace = app_state.workspace()
    ledger = fees_ledger(ctx)
    refuse_bad_phone(phone, "现场负责人电话")
    request = RegistrationRequest(unit, contractor, manager, phone, start, end, hours, items)
    check_paper(workspace, REGISTRATION_TEMPLATE)
    renovation, document = register_and_print(
        workspace, ledger, app_state.operator_name, request, optional_date(date, "登记日期")
    )
    typer.echo(
        f"已登记装修 {renovation.number}：房号 {renovation.unit}，业主 {renovation.owner}，"
        f"装修单位 {renovation.contractor}（负责人 {renovation.manager}，{mask_phone(renovation.manager_phone)}）"
    )
    typer.echo(
        f"施工期限 {renovation.start.isoformat()} 至 {renovation.end.isoformat()}（{renovation.days} 天），"
        f"施工时间 {renovation.hours}"
    )
    prepaid = (
        f"，预收款已冲抵 {format_yuan(renovation.paid_fen)} 元，还应缴 {format_yuan(renovation.due_fen)} 元"
        if renovation.paid_fen
        else ""
    )
    typer.echo(
        f"应缴：装修押金 {format_yuan(renovation.deposit_fen)} 元，装修垃圾清运费 {format_yuan(renovation.waste_fen)} 元，"
        f"合计 {format_yuan(renovation.charged_fen)} 元{prepaid}（收款：recordkit renovation pay {renovation.number}）"
    )
    typer.echo(f"装修登记表：{_where(ctx, document)}")


@renovation_app.command("pay")
def renovation_pay(
    ctx: typer.Context,
    number: str = typer.Argument(..., help=_NUMBER_HELP),
    method: str = typer.Option("现金", "--method", help=METHOD_HELP),
    payer: str | None = typer.Option(None, "--payer", help="交款人（默认为业主）。"),
    date: str | None = typer.Option(None, "--date", help=DATE_HELP),
    again: bool = typer.Option(False, "--again", help=AGAIN_HELP),
    reason: str | None = typer.Option(None, "--reason", help=REASON_HELP),
) -> None:
    """收取装修押金和装修垃圾清运费：只缴这次装修的两笔，开收据（与 fees pay 同一编号序列）。

    例：recordkit renovation pay ZX2026-0001 --method 微信
    """
    refuse_blank_number("装修登记编号", number, "ZX2026-0001")
    from recordkit.core.money import format_yuan
    from recordkit.renovations.registration import pay_and_print_charges

    app_state = state(ctx)
    workspace = app_state.workspace()
    ledger = fees_ledger(ctx)
    paid_on = optional_date(date, "收款日期")
    receipt, document = pay_and_print_charges(
        workspace, ledger, app_state.operator_name, number, method, payer, paid_on, again, reason
    )
    typer.echo(
        f"已收款 {format_yuan(receipt.total_fen)} 元（{receipt.method}），交款人 {receipt.payer}，"
        f"房号 {receipt.unit}；收据编号 {receipt.number}"
    )
    for line in receipt.lines:
        typer.echo(f"  {line.item}：{format_yuan(line.amount_fen)} 元")
    if (note := backdated_note(paid_on, reason)) is not None:
        typer.echo(note)
    typer.echo(f"收据文件：{_where(ctx, document)}")


@renovation_app.command("agreement")
def renovation_agreement(
    ctx: typer.Context,
    number: str = typer.Argument(..., help=_NUMBER_HELP),
    date: str | None = typer.Option(None, "--date", help="协议上的签订日期（默认为装修登记的日期），例如 2026-11-05。"),
) -> None:
    """打印装饰装修管理协议（业主、装修单位、物业服务中心三方签字）。

    例：recordkit renovation agreement ZX2026-0001 --date 2026-11-05
    """
    refuse_blank_number("装修登记编号", number, "ZX2026-0001")
    from recordkit.renovations.registration import write_agreement

    app_state = state(ctx)
    document = write_agreement(
        app_state.workspace(), app_state.ledger(), number, app_state.operator_name, optional_date(date, "签订日期")
    )
    typer.echo(f"装饰装修管理协议：{_where(ctx, document)}")


@renovation_app.command("pass")
def renovation_pass(
    ctx: typer.Context,
    number: str = typer.Argument(..., help=_NUMBER_HELP),
    workers: list[str] = typer.Option(
        [],
        "--worker",
        help="施工人员：姓名,证件号码[,工种]，证件号码即身份证号；其他证件写明名称，如 姓名,护照:号码,木工（可多次写）。",
    ),
    cancel: list[str] = typer.Option([], "--cancel", help="注销出入证，写证号（可多次写），须加 --reason。"),
    reissue: list[str] = typer.Option(
        [], "--reissue", help="补发出入证（原证注销，换新证号），写证号，须加 --reason。"
    ),
    reason: str = typer.Option("", "--reason", help="注销或补发的原因，例如 工人离场、遗失。"),
    date: str | None = typer.Option(None, "--date", help=_DAY_HELP),
    unpaid: bool = typer.Option(
        False, "--unpaid", help="押金和装修垃圾清运费还没缴清也发证（未缴金额记入操作日志）；不加时拒绝发证。"
    ),
) -> None:
    """临时出入证：发放（每页 8 张，带照片框、房号、有效期、证号）、注销、补发，都记入操作日志。

    押金和装修垃圾清运费缴清（renovation pay）后才发证，确需先发证时加 --unpaid。

    身份证号只印在出入证上；屏幕、日志和文件名里都不出现完整号码。持护照、港澳台通行证等其他证件的工人写明证件名称
    （--worker "阮文南,护照:E12345678,木工"），出入证上印“护照号码”。

    例：recordkit renovation pass ZX2026-0001 --worker 张三,110101199003071233,水电工
    """
    refuse_blank_number("装修登记编号", number, "ZX2026-0001")
    for option, numbers in (("--cancel", cancel), ("--reissue", reissue)):
        for each in numbers:
            refuse_blank_number("出入证号", each, "ZX2026-0001-01", option)
    from recordkit.renovations.paper import check_paper
    from recordkit.renovations.passes import change_passes_and_print
    from recordkit.renovations.records import PASS_TEMPLATE

    app_state = state(ctx)
    workspace = app_state.workspace()
    if workers or reissue:
        check_paper(workspace, PASS_TEMPLATE)
    changes, document = change_passes_and_print(
        workspace,
        app_state.ledger(),
        app_state.operator_name,
        number,
        workers,
        cancel,
        reissue,
        reason,
        optional_date(date, "办理日期"),
        unpaid,
    )
    for view in changes.cancelled:
        typer.echo(f"已注销出入证 {view.number}（{view.worker}），原因：{reason.strip()}")
    if changes.issued:
        typer.echo(
            f"已发放临时出入证 {len(changes.issued)} 张（有效期 {changes.issued[0].valid_from.isoformat()} 至 "
            f"{changes.issued[0].valid_until.isoformat()}）："
        )
        for view in changes.issued:
            note = f"，补发 {view.replaces}" if view.replaces else ""
            typer.echo(f"  {view.number} {view.holder.masked}{note}")
    if document is not None:
        typer.echo(f"出入证文件：{_where(ctx, document)}")
    if changes.issued and changes.renovation.due_fen > 0:
        from recordkit.core.money import format_yuan

        typer.echo(
            f"注意：押金和装修垃圾清运费还有 {format_yuan(changes.renovation.due_fen)} 元未缴，按 --unpaid 先发证"
            f"（已记入操作日志）：收款 recordkit renovation pay {changes.renovation.number}"
        )


@renovation_app.command("inspect")
def renovation_inspect(
    ctx: typer.Context,
    number: str = typer.Argument(..., help=_NUMBER_HELP),
    result: str = typer.Option(..., "--result", help="验收结论：合格 或 不合格。"),
    notes: str = typer.Option("", "--notes", help="验收意见；不合格时写明整改要求。"),
    date: str | None = typer.Option(None, "--date", help=_DAY_HELP),
) -> None:
    """装修验收：合格后出入证全部注销，可以退押金；不合格须整改后再验收。

    例：recordkit renovation inspect ZX2026-0001 --result 合格 --notes 无违规
    """
    refuse_blank_number("装修登记编号", number, "ZX2026-0001")
    from recordkit.renovations.inspection import inspect

    app_state = state(ctx)
    renovation = inspect(
        app_state.ledger(), app_state.operator_name, number, result, notes, optional_date(date, "验收日期")
    )
    last = renovation.inspections[-1]
    typer.echo(
        f"装修登记 {renovation.number}（{renovation.unit}）验收{last.result}"
        + (f"：{last.notes}" if last.notes else "")
    )
    if renovation.status == "passed":
        typer.echo(f"可以退押金：recordkit renovation refund {renovation.number}")
    else:
        typer.echo("请整改后再次验收")


@renovation_app.command("extend")
def renovation_extend(
    ctx: typer.Context,
    number: str = typer.Argument(..., help=_NUMBER_HELP),
    to: str = typer.Option(
        ...,
        "--to",
        help="延期后的完工日期，例如 2027-03-31，须晚于现在的完工日期；不写年份（3月31号、3-31）"
        "为现在的完工日期（已过时为今天）起的下一个这一天，须在其后三个月（90 天）以内，否则请写明年份。",
    ),
    reason: str = typer.Option(..., "--reason", help="延期原因，例如 验收不合格整改。"),
) -> None:
    """装修延期：把完工日期推后，之后才能给继续施工的工人发放（或补发）临时出入证；验收合格或退押金后不能延期。

    例：recordkit renovation extend ZX2026-0001 --to 2027-03-31 --reason 验收不合格整改
    """
    refuse_blank_number("装修登记编号", number, "ZX2026-0001")
    from recordkit.renovations.extension import extend

    app_state = state(ctx)
    renovation = extend(app_state.ledger(), app_state.operator_name, number, to, reason)
    typer.echo(
        f"装修登记 {renovation.number}（{renovation.unit}）已延期：完工日期改为 {renovation.end.isoformat()}，原因：{reason.strip()}"
    )
    valid = [p for p in renovation.passes if p.status == "valid"]
    if valid:
        typer.echo(
            f"已发的 {len(valid)} 张有效出入证仍到原来的日期为止；继续施工的工人请补发："
            f"recordkit renovation pass {renovation.number} --reissue 证号 --reason 装修延期"
        )


@renovation_app.command("refund")
def renovation_refund(
    ctx: typer.Context,
    number: str = typer.Argument(..., help=_NUMBER_HELP),
    deduct: str = typer.Option("0", "--deduct", help="从押金中扣除的金额（元），例如 200。"),
    reason: str = typer.Option("", "--reason", help="扣除原因（有扣除时必填），例如 损坏公共走廊墙面。"),
    date: str | None = typer.Option(None, "--date", help=_DAY_HELP),
    method: str = typer.Option("现金", "--method", help="退款方式：现金、微信、支付宝、银行转账（日结按方式轧差）。"),
) -> None:
    """退装修押金：验收合格后退还押金（可扣除损坏赔偿），打印装修押金退款单；扣除的金额另开一张收据（收款方式 押金转入）；只能退一次。

    例：recordkit renovation refund ZX2026-0001 --deduct 200 --reason 损坏公共走廊墙面 --method 微信
    """
    refuse_blank_number("装修登记编号", number, "ZX2026-0001")
    from recordkit.billing.receipts import parse_method
    from recordkit.core.money import amount_in_capitals, format_yuan, parse_amount
    from recordkit.renovations.paper import check_paper
    from recordkit.renovations.records import REFUND_TEMPLATE
    from recordkit.renovations.refund import refund_and_print

    app_state = state(ctx)
    deduction = parse_amount(deduct, allow_zero=True) if deduct.strip() else 0
    workspace = app_state.workspace()
    check_paper(workspace, REFUND_TEMPLATE)
    printed = refund_and_print(
        workspace,
        app_state.ledger(),
        app_state.operator_name,
        number,
        deduction,
        reason,
        optional_date(date, "退款日期"),
        method,
    )
    renovation, receipt = printed.refund.renovation, printed.refund.receipt
    amount = renovation.refund_fen or 0
    typer.echo(
        f"装修登记 {renovation.number} 退押金 {format_yuan(amount)} 元"
        f"（{amount_in_capitals(amount) if amount else '零元整'}）：押金 {format_yuan(renovation.deposit_paid_fen)} 元，"
        f"扣除 {format_yuan(renovation.deduction_fen or 0)} 元"
        + (f"（{renovation.deduction_reason}）" if renovation.deduction_reason else "")
    )
    typer.echo(f"退款方式：{parse_method(method)}（计入当天日结）")
    typer.echo(f"退款单：{_where(ctx, printed.form)}")
    if receipt is not None and printed.receipt_paper is not None:
        typer.echo(
            f"扣除的 {format_yuan(receipt.total_fen)} 元开具收据 {receipt.number}"
            f"（{amount_in_capitals(receipt.total_fen)}，收款方式 {receipt.method}，不经过现金）：{_where(ctx, printed.receipt_paper)}"
        )


@renovation_app.command("list")
def renovation_list(
    ctx: typer.Context,
    status: str | None = typer.Option(None, "--status", help="只列某状态：装修中、验收不合格、验收合格、已退押金。"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出（number、unit、status、deposit_fen 等）。"),
    wide: bool = typer.Option(False, "--wide", help=WIDE_HELP),
) -> None:
    """列出装修登记：房号、业主、期限、状态、押金；装修单位、押金状态和有效出入证加 --wide 显示。

    例：recordkit renovation list --status 装修中 --json
    """
    from recordkit.core.money import format_yuan
    from recordkit.renovations.records import list_renovations

    refuse_blank(("--status", status))
    rows = list_renovations(state(ctx).ledger(), status)
    if as_json:
        print_json([row.to_dict() for row in rows])
        return
    table = new_table(
        "登记编号",
        "房号",
        "业主",
        "装修单位",
        "施工期限",
        "状态",
        "押金（元）",
        "押金状态",
        "待缴（元）",
        "有效出入证",
        title=f"装修登记 {len(rows)} 户",
        wide_only=("装修单位", "押金状态", "有效出入证"),
        wide=wide,
    )
    for row in rows:
        table.add_row(
            row.number,
            row.unit,
            row.owner,
            row.contractor,
            f"{row.start.isoformat()} 至 {row.end.isoformat()}",
            row.status_label,
            format_yuan(row.deposit_fen),
            row.deposit_listed,
            format_yuan(row.due_fen),
            str(len(row.valid_passes)),
        )
    console().print(table)
