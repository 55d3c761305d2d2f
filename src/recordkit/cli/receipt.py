"""``recordkit receipt``: issue (same as ``fees pay``), void, reprint and list numbered receipts."""

from __future__ import annotations

import typer

from recordkit.cli._app import WIDE_HELP, console, new_table, print_json, refuse_blank, refuse_blank_number, state
from recordkit.cli._options import (
    AGAIN_HELP,
    DATE_HELP,
    METHOD_HELP,
    MONTHS_HELP,
    PREPAY_HELP,
    REASON_HELP,
    RECEIPT_NUMBER_HELP,
    YES_HELP,
    estate_unit,
    optional_date,
)
from recordkit.cli.fees import take_payment

#: What this module adds to the root command; the root loads it when one of its names is typed.
commands = typer.Typer()

receipt_app = typer.Typer(
    help="收据：开具、作废、补打、查询。收据编号连续、不重复，作废的编号不再使用。\n\n"
    "例：recordkit receipt list --date 2026-11-23",
    no_args_is_help=True,
)
commands.add_typer(receipt_app, name="receipt")


@receipt_app.command("issue")
def receipt_issue(
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
    """收款并开收据（与 recordkit fees pay 完全相同：每张收据都对应一笔收款）。

    例：recordkit receipt issue 3-2-1201 --amount 300 --method 现金
    """
    take_payment(ctx, unit, amount, method, months, payer, date, prepay, again, reason, yes)


@receipt_app.command("void")
def receipt_void(
    ctx: typer.Context,
    number: str = typer.Argument(..., help=RECEIPT_NUMBER_HELP),
    reason: str = typer.Option(..., "--reason", help="作废原因，例如 金额开错。"),
    date: str | None = typer.Option(
        None,
        "--date",
        help="作废日期，也是红冲收据上印的日期（默认今天；不能晚于今天），例如 2026-12-01。"
        "写收据开具的那天，就是当天作废。",
    ),
) -> None:
    """作废收据：开具当天作废的，收据保留并标明作废（原因、经办人、时间），对应收款冲销，编号不再使用。

    以前某天开的收据（那天的日结已经做过、钱已上交）或已结账月份的收据不能直接作废：原收据保留不动，
    改为开一张日期为今天（或 --date）的红冲收据（负数，注明原收据编号），钱在那天的日结里作为负数退出。

    例：recordkit receipt void SJ2026-000123 --reason 金额开错
    """
    refuse_blank_number("收据编号", number, "SJ2026-000123")
    from recordkit.billing.arrears import unit_balance
    from recordkit.billing.closing import kept_closed
    from recordkit.billing.receipts import void_and_print
    from recordkit.core.money import format_yuan

    app_state = state(ctx)
    ledger = app_state.ledger()
    workspace = app_state.workspace()
    receipt, reversal, document = void_and_print(
        workspace, ledger, number, reason, app_state.operator_name, on=optional_date(date, "作废日期")
    )
    owed, _ = unit_balance(ledger, receipt.unit, phases=workspace.settings.office.phase_table())
    owing = f"房屋 {receipt.unit} 现欠 {format_yuan(owed)} 元"
    if reversal is None:
        typer.echo(
            f"收据 {receipt.number} 已作废（原因：{receipt.void_reason}）；收款 {format_yuan(receipt.total_fen)} 元"
            f"已冲销，{owing}"
        )
    elif kept_closed(ledger, receipt.issued_on) is not None:
        typer.echo(
            f"收据 {receipt.number} 所在的 {receipt.issued_on:%Y-%m} 已结账，原收据保留不动；"
            f"已开红冲收据 {reversal.number}（{reversal.issued_on.isoformat()}，{format_yuan(reversal.total_fen)} 元，"
            f"原因：{reason.strip()}），{owing}"
        )
    else:
        typer.echo(
            f"收据 {receipt.number} 是 {receipt.issued_on.isoformat()} 开的，那天的日结已经做过，不能直接作废："
            f"已开红冲收据 {reversal.number}（{format_yuan(reversal.total_fen)} 元，"
            f"计入 {reversal.issued_on.isoformat()} 的日结，原因：{reason.strip()}），{owing}"
        )
    label = "作废收据文件" if reversal is None else "红冲收据文件"
    typer.echo(f"{label}：{document.path.relative_to(workspace.root)}")


@receipt_app.command("reprint")
def receipt_reprint(
    ctx: typer.Context,
    number: str = typer.Argument(..., help=RECEIPT_NUMBER_HELP),
) -> None:
    """补打收据：打印一份标明“补打”的副本，并记入操作日志。副本上印的是原收据的收款日期，不印补打那天。

    例：recordkit receipt reprint SJ2026-000123
    """
    refuse_blank_number("收据编号", number, "SJ2026-000123")
    from recordkit.billing.receipts import reprint_and_print

    app_state = state(ctx)
    receipt, document = reprint_and_print(app_state.workspace(), app_state.ledger(), number, app_state.operator_name)
    typer.echo(
        f"已补打收据 {receipt.number}（第 {receipt.reprints} 次补打）："
        f"{document.path.relative_to(app_state.workspace().root)}"
    )


@receipt_app.command("list")
def receipt_list(
    ctx: typer.Context,
    date: str | None = typer.Option(None, "--date", help="只列这一天开具或作废的收据，例如 2026-11-23。"),
    voided: bool = typer.Option(False, "--voided", help="只列作废的收据。"),
    unit: str | None = typer.Option(None, "--unit", help="只列某户的收据，例如 3-2-1201。"),
    as_json: bool = typer.Option(
        False, "--json", help="以 JSON 输出（number、date、unit、payer、total_fen、status 等）。"
    ),
    wide: bool = typer.Option(False, "--wide", help=WIDE_HELP),
) -> None:
    """列出收据（按编号顺序；收款人加 --wide 显示）。

    例：recordkit receipt list --date 2026-11-23 --json
    """
    refuse_blank(("--date", date), ("--unit", unit))
    unit = estate_unit(ctx, unit) if unit else unit
    from recordkit.billing.receipts import list_receipts
    from recordkit.core.money import format_yuan

    years = state(ctx).workspace().settings.receipt.years
    views = list_receipts(state(ctx).ledger(), optional_date(date, "收据日期"), voided, unit, years=years)
    rows = [view.to_dict() for view in views]
    if as_json:
        print_json(rows)
        return
    total = sum(view.total_fen for view in views if not view.voided)
    table = new_table(
        "收据编号",
        "日期",
        "房号",
        "交款人",
        "金额（元）",
        "收款方式",
        "收款人",
        "状态",
        title=f"收据 {len(rows)} 张，有效合计 {format_yuan(total)} 元",
        wide_only=("收款人",),
        wide=wide,
    )
    for row in rows:
        status = row["status"] + (f"（{row['void_reason']}）" if row["void_reason"] else "")
        if row["reversed_by"]:
            status += f"（已红冲：{row['reversed_by']}）"
        if row["reverses"]:
            status = f"红冲 {row['reverses']}（{row['void_reason']}）"
        table.add_row(
            row["number"], row["date"], row["unit"], row["payer"], row["total"], row["method"], row["cashier"], status
        )
    console().print(table)
