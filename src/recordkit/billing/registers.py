"""The cashier's printed registers as .xlsx: the month's fee register (收费台账) and the daily cash report (日结).

Reads bills, payments and receipts; writes nothing to the ledger.  Amounts go into
cells as exact decimals of 元 with a number format, never as floats of our making.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from recordkit.billing.allocations import DEPOSIT_TRANSFER, deposit_bill_ids
from recordkit.billing.arrears import prepaid_query
from recordkit.billing.balances import balance_base, owed_per_bill, zero
from recordkit.billing.receipts import METHODS, REVERSAL_LABEL, ReceiptView, list_receipts, totals_by
from recordkit.billing.rules import load_items
from recordkit.core.dates import (
    BUSINESS_YEARS,
    Month,
    check_business_day,
    check_business_month,
    check_month_begun,
    check_not_future,
    chinese_date,
    parse_month,
)
from recordkit.core.money import yuan
from recordkit.core.sheets import save_atomically
from recordkit.core.unitcodes import parse_unit_code
from recordkit.ledger.schema import allocations, bills, owners, payments, renovations, units
from recordkit.owners.contacts import co_owner_names_in, owners_of_record

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet
    from sqlalchemy.engine import Connection

    from recordkit.ledger.db import Ledger

MONEY_FORMAT = "#,##0.00"
#: The register's columns after the fee items: the month's bills, earlier months', everything owed at the month's end.
REGISTER_TOTALS = ("合计应收", "合计实收", "本月欠费", "往期欠费", "月末欠费合计", "预收余额")


@dataclass
class RegisterTotals:
    month: Month
    units: int = 0
    billed_fen: int = 0
    collected_fen: int = 0
    arrears_fen: int = 0  # what the month's own bills lack at its end (本月欠费)
    earlier_arrears_fen: int = 0  # what bills of earlier months lack at its end (往期欠费)
    prepayment_fen: int = 0

    @property
    def owed_fen(self) -> int:
        """月末欠费合计: everything owed at the month's end, the arrears list's figure (``fees arrears --as-of``)."""
        return self.arrears_fen + self.earlier_arrears_fen


@dataclass
class _UnitLine:
    code: str
    owner: str
    cells: dict[int, list[int]] = field(default_factory=dict)  # item id -> [billed, collected]


def month_end(month: Month) -> dt.date:
    """The last day of ``month``."""
    return month.last_day()


def _paid_by(end: dt.date) -> Any:
    """Valid payments dated on or before ``end`` (the books of a month as they stand, or stood at its close).

    A closed month's figures cannot move: a payment dated inside it can no longer be voided (a red
    reversal is dated later), and money taken later is dated later."""
    return sa.and_(payments.c.voided.is_(False), payments.c.paid_on <= end)


def _prepayments(conn: Any, month: Month) -> dict[int, int]:
    """Each unit's prepaid balance at the end of ``month`` (``arrears.prepaid_query``): money received by
    then (valid) that no bill of ``month`` or earlier took.  Bills of later months taking it afterwards
    do not change this."""
    return {unit_id: int(total) for unit_id, total in conn.execute(prepaid_query(month_end(month))) if total}


def _earlier_arrears(conn: Any, month: Month) -> dict[int, int]:
    """Each unit's arrears at the end of ``month`` from bills of earlier months (往期欠费): what they lack
    then, as ``fees arrears --as-of`` counts it (fee bills only, each bill owing more than nothing).
    Read from the latest closing balances that hold (``billing.balances``), as the monthly report is."""
    per_bill = owed_per_bill([month], balance_base(conn, month))
    query = (
        sa.select(per_bill.c.unit_id, sa.cast(sa.func.sum(per_bill.c.o0), sa.BigInteger))
        .where(per_bill.c.o0 > zero(), per_bill.c.month < str(month))
        .group_by(per_bill.c.unit_id)
    )
    return {unit_id: int(fen) for unit_id, fen in conn.execute(query) if fen}


def _unit_labels(conn: Connection) -> dict[int, tuple[str, str]]:
    """unit id -> its code and its owners of record (the 业主 column names every one, as the notices do), read on
    ``conn``: the caller's read transaction, so that the names go with the rows they label."""
    co_owners = co_owner_names_in(conn)
    query = sa.select(units.c.id, units.c.code, owners.c.name).select_from(
        units.outerjoin(owners, owners.c.id == units.c.owner_id)
    )
    return {row.id: (row.code, owners_of_record(row.name, co_owners.get(row.code, ()))) for row in conn.execute(query)}


def _month_bills(month: Month) -> Any:
    """The month's fee bills (deposits left out) with ``paid_fen``: what valid payments dated by the
    month's end put on each — the same 实收 as the monthly report's."""
    paid = (
        sa.select(allocations.c.bill_id, sa.cast(sa.func.sum(allocations.c.amount_fen), sa.BigInteger).label("fen"))
        .join(payments, payments.c.id == allocations.c.payment_id)
        .join(bills, bills.c.id == allocations.c.bill_id)
        .where(bills.c.month == str(month), _paid_by(month_end(month)))
        .group_by(allocations.c.bill_id)
        .subquery()
    )
    return (
        sa.select(
            bills.c.unit_id,
            bills.c.item_id,
            bills.c.amount_fen,
            sa.func.coalesce(paid.c.fen, 0).label("paid_fen"),
        )
        .select_from(bills.outerjoin(paid, paid.c.bill_id == bills.c.id))
        .where(bills.c.month == str(month), bills.c.id.not_in(deposit_bill_ids()))
    )


def style_header(sheet: Worksheet, rows: Sequence[int], columns: int) -> None:
    """Bold, centred, shaded and boxed header rows (the registers' and the monthly report's)."""
    thin = Side(style="thin", color="999999")
    for row in rows:
        for column in range(1, columns + 1):
            cell = sheet.cell(row, column)
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
            cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)


def print_setup(sheet: Worksheet, title_rows: str, landscape: bool) -> None:
    """A4, fit to width, ``title_rows`` repeated on every printed page."""
    sheet.print_title_rows = title_rows
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"


def write_register(
    ledger: Ledger, month_text: str, path: Path, estate: str = "", years: tuple[int, int] = BUSINESS_YEARS
) -> RegisterTotals:
    """The month's fee register (``fees register``): per unit and item billed, collected and
    arrears for that month's bills; per unit those totals, the arrears of earlier months (往期欠费),
    everything owed (月末欠费合计: the figure ``fees arrears --as-of`` the month's last day gives),
    the prepayment balance; and a totals row.  Every unit with a bill that month, a prepayment or
    arrears has a line.

    Everything is as of the month's end (see docs/figures.md): collected (当期实收) counts what
    valid payments dated by then (prepayment included) put on that month's bills, and 预收余额 is
    the money received by then that no bill of the month or earlier took.  A closed month's
    register is therefore the same whenever it is printed.  Written atomically; returns the totals.
    ``ValidationError`` for a month that has not begun or lies outside ``years`` (the books' years, ``[receipt]
    first_year``–``last_year``).
    """
    month = check_month_begun(parse_month(month_text), "导出 {current} 及以前月份的收费台账")
    check_business_month(month, "台账月份", years)
    with ledger.read() as conn:
        items = load_items(conn)
        # Renovation deposits are money held, not fees: they are not billed or collected here.
        inner = _month_bills(month).subquery()
        lines: dict[int, _UnitLine] = {}
        labels = _unit_labels(conn)
        billed_items: set[int] = set()
        for row in conn.execute(sa.select(inner.c.unit_id, inner.c.item_id, inner.c.amount_fen, inner.c.paid_fen)):
            line = lines.setdefault(row.unit_id, _UnitLine(*labels[row.unit_id]))
            # Summed: a one-off item may be billed twice in a month (a second renovation's, ``bills.serial``).
            cell = line.cells.setdefault(row.item_id, [0, 0])
            cell[0] += int(row.amount_fen)
            cell[1] += int(row.paid_fen)
            billed_items.add(row.item_id)
        prepaid = _prepayments(conn, month)
        earlier = _earlier_arrears(conn, month)
    for unit_id in (*prepaid, *earlier):
        if unit_id not in lines:
            lines[unit_id] = _UnitLine(*labels[unit_id])
    columns_items = [item for item in items if item.id in billed_items]
    ordered = sorted(lines.items(), key=lambda pair: parse_unit_code(pair[1].code).sort_key)

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"收费台账{month}"
    width = 2 + 3 * len(columns_items) + len(REGISTER_TOTALS)
    sheet.cell(1, 1, f"{estate}{month.chinese}收费台账".strip()).font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    for column, text in ((1, "房号"), (2, "业主")):
        sheet.cell(2, column, text)
        sheet.merge_cells(start_row=2, start_column=column, end_row=3, end_column=column)
    for index, item in enumerate(columns_items):
        first = 3 + 3 * index
        sheet.cell(2, first, item.name)
        sheet.merge_cells(start_row=2, start_column=first, end_row=2, end_column=first + 2)
        for offset, text in enumerate(("应收", "实收", "欠费")):
            sheet.cell(3, first + offset, text)
    tail = 3 + 3 * len(columns_items)
    for offset, text in enumerate(REGISTER_TOTALS):
        sheet.cell(2, tail + offset, text)
        sheet.merge_cells(start_row=2, start_column=tail + offset, end_row=3, end_column=tail + offset)
    style_header(sheet, (2, 3), width)

    totals = RegisterTotals(month)
    column_totals = [0] * (width - 2)
    row_number = 4
    for unit_id, line in ordered:
        values: list[int] = []
        billed = collected = 0
        for item in columns_items:
            amount, paid = line.cells.get(item.id, [0, 0])
            values += [amount, paid, amount - paid]
            billed += amount
            collected += paid
        before = earlier.get(unit_id, 0)
        owing = billed - collected
        values += [billed, collected, owing, before, owing + before, prepaid.get(unit_id, 0)]
        sheet.cell(row_number, 1, line.code)
        sheet.cell(row_number, 2, line.owner)
        for offset, fen in enumerate(values):
            cell = sheet.cell(row_number, 3 + offset, yuan(fen))
            cell.number_format = MONEY_FORMAT
            column_totals[offset] += fen
        row_number += 1
        totals.units += 1
    sheet.cell(row_number, 1, "合计").font = Font(bold=True)
    for offset, fen in enumerate(column_totals):
        cell = sheet.cell(row_number, 3 + offset, yuan(fen))
        cell.number_format = MONEY_FORMAT
        cell.font = Font(bold=True)
    if column_totals:
        (
            totals.billed_fen,
            totals.collected_fen,
            totals.arrears_fen,
            totals.earlier_arrears_fen,
            _,
            totals.prepayment_fen,
        ) = column_totals[-len(REGISTER_TOTALS) :]

    sheet.freeze_panes = "C4"
    sheet.column_dimensions["A"].width = 12
    sheet.column_dimensions["B"].width = 10
    for column in range(3, width + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 12
    sheet.auto_filter.ref = f"A3:{get_column_letter(width)}{max(row_number - 1, 3)}"
    print_setup(sheet, "2:3", landscape=True)
    save_atomically(workbook, path)
    return totals


@dataclass(frozen=True)
class DepositRefund:
    """A renovation deposit paid back on the day (money out of the drawer or the account)."""

    renovation: str
    unit: str
    amount_fen: int
    method: str
    refunded_by: str


@dataclass
class DailyReport:
    """Every money movement of a day (日结); see docs/figures.md for the figures' definitions."""

    day: dt.date
    receipts: list[ReceiptView]  # issued that day, voided ones, red reversals and deposits kept included
    voided: list[ReceiptView]  # voided that day, whenever issued
    # valid receipts of the day (red reversals negative) but those of deposits kept (``kept``)
    by_method: dict[str, tuple[int, int]]
    by_cashier: dict[str, tuple[int, int]]
    by_item: dict[str, int] = field(default_factory=dict)  # fee item (预收款, 装修押金 …) -> fen of the valid lines
    deposits_taken_fen: int = 0  # of the receipts' money, what paid renovation deposits
    refunds: list[DepositRefund] = field(default_factory=list)
    # The receipts of what refunds kept from deposits (收款方式 DEPOSIT_TRANSFER): no money moved, so they are in
    # none of the figures above (``allocations.kept_from_deposits``: the monthly report's 本月扣除押金).
    kept: list[ReceiptView] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(count for count, _ in self.by_method.values())

    @property
    def total_fen(self) -> int:
        """收款合计: the valid receipts of the day, red reversals (negative) included."""
        return sum(fen for _, fen in self.by_method.values())

    @property
    def reversals(self) -> list[ReceiptView]:
        return [view for view in self.receipts if view.reverses]

    @property
    def deposits_kept_fen(self) -> int:
        return sum(view.total_fen for view in self.kept)

    @property
    def refunded_fen(self) -> int:
        return sum(refund.amount_fen for refund in self.refunds)

    @property
    def net_by_method(self) -> dict[str, int]:
        """What each method should hold at the end of the day: receipts less deposits paid back."""
        net = {method: fen for method, (_, fen) in self.by_method.items()}
        for refund in self.refunds:
            net[refund.method] = net.get(refund.method, 0) - refund.amount_fen
        return {method: net[method] for method in _method_order(net)}

    @property
    def net_fen(self) -> int:
        return self.total_fen - self.refunded_fen


def _method_order(methods: Iterable[str]) -> list[str]:
    present = set(methods)
    return [m for m in (*METHODS, *sorted(present - set(METHODS))) if m in present]


def daily_report(ledger: Ledger, day: dt.date, years: tuple[int, int] = BUSINESS_YEARS) -> DailyReport:
    """The day's money: valid receipts issued that day (a red reversal is a negative one) summed by
    method, by cashier and by fee item; those voided that day listed apart (not in the totals); the
    deposits taken in those receipts and the deposits refunded that day, and the net per method.
    ``ValidationError`` for a day after today or outside ``years`` (the books' years, ``[receipt]
    first_year``–``last_year``)."""
    check_not_future(day, "日结日期", "日结只能做今天或以前的某一天")
    check_business_day(day, "日结日期", years)
    seen = list_receipts(ledger, on=day, years=years)
    everything = [view for view in seen if view.issued_on == day]
    kept = [view for view in everything if view.method == DEPOSIT_TRANSFER]  # never voided: the refund stands
    issued = [view for view in everything if view.method != DEPOSIT_TRANSFER]
    voided = [view for view in seen if view.voided and view.voided_on == day]
    methods = totals_by(issued, "method")
    ordered = {method: methods[method] for method in _method_order(methods)}
    by_item: dict[str, int] = {}
    for view in issued:
        if view.voided:
            continue
        for line in view.lines:
            by_item[line.item] = by_item.get(line.item, 0) + line.amount_fen
    with ledger.read() as conn:
        taken = conn.execute(
            sa.select(sa.cast(sa.func.coalesce(sa.func.sum(allocations.c.amount_fen), 0), sa.BigInteger))
            .select_from(allocations.join(payments, payments.c.id == allocations.c.payment_id))
            .where(
                payments.c.paid_on == day,
                payments.c.voided.is_(False),
                allocations.c.bill_id.in_(deposit_bill_ids()),
            )
        ).scalar_one()
        refunds = [
            DepositRefund(r.number, r.code, int(r.refund_fen or 0), r.refund_method or "现金", r.refunded_by or "")
            for r in conn.execute(
                sa.select(
                    renovations.c.number,
                    units.c.code,
                    renovations.c.refund_fen,
                    renovations.c.refund_method,
                    renovations.c.refunded_by,
                )
                .join(units, units.c.id == renovations.c.unit_id)
                .where(renovations.c.refunded_on == day)
                .order_by(renovations.c.number)
            )
        ]
    return DailyReport(
        day,
        everything,
        voided,
        ordered,
        dict(sorted(totals_by(issued, "cashier").items())),
        by_item,
        int(taken),
        refunds,
        kept,
    )


def write_daily(
    ledger: Ledger, day: dt.date, path: Path, estate: str = "", years: tuple[int, int] = BUSINESS_YEARS
) -> DailyReport:
    """The daily cash report (``fees daily``) as .xlsx: a summary sheet (by method, by cashier, voided
    receipts, by fee item, red reversals, deposits refunded, the net per method, totals and the lines
    for the signatures of 收款人, 复核 and 主管) and a sheet listing every receipt of the day.
    Written atomically; ``ValidationError`` as ``daily_report``."""
    report = daily_report(ledger, day, years)
    workbook = Workbook()
    summary = workbook.active
    summary.title = "日结汇总"
    summary.cell(1, 1, f"{estate}收费日结　{chinese_date(day)}".strip()).font = Font(bold=True, size=14)
    summary.merge_cells("A1:F1")
    row = 3

    def section(title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]], money_columns: set[int]) -> None:
        nonlocal row
        summary.cell(row, 1, title).font = Font(bold=True)
        row += 1
        for column, text in enumerate(headers, start=1):
            summary.cell(row, column, text)
        style_header(summary, (row,), len(headers))
        row += 1
        for values in rows:
            for column, value in enumerate(values, start=1):
                cell = summary.cell(row, column, yuan(value) if column in money_columns else value)
                if column in money_columns:
                    cell.number_format = MONEY_FORMAT
            row += 1
        row += 1

    section(
        "按收款方式",
        ("收款方式", "张数", "金额（元）"),
        [(m, c, f) for m, (c, f) in report.by_method.items()]
        + [("合计", report.count, report.total_fen)]
        + (
            [(f"{DEPOSIT_TRANSFER}（押金扣款，不计入合计）", len(report.kept), report.deposits_kept_fen)]
            if report.kept
            else []
        ),
        {3},
    )
    section(
        "按收款人",
        ("收款人", "张数", "金额（元）"),
        [(n, c, f) for n, (c, f) in report.by_cashier.items()] + [("合计", report.count, report.total_fen)],
        {3},
    )
    section(
        "当日作废的收据（不计入合计）",
        ("收据编号", "开具日期", "房号", "金额（元）", "作废原因", "作废人"),
        [(v.number, v.issued_on.isoformat(), v.unit, v.total_fen, v.void_reason, v.voided_by) for v in report.voided],
        {4},
    )
    section(
        "按收费项目",
        ("项目", "金额（元）"),
        [(item, fen) for item, fen in report.by_item.items()] + [("合计", report.total_fen)],
        {2},
    )
    section(
        "红冲收据（以前某天或已结账月份收据的冲销，负数计入合计）",
        ("收据编号", "原收据", "房号", "金额（元）", "原因", "收款人"),
        [(v.number, v.reverses, v.unit, v.total_fen, v.void_reason, v.cashier) for v in report.reversals],
        {4},
    )
    section(
        "装修押金退还",
        ("装修登记", "房号", "退还金额（元）", "退款方式", "经办人"),
        [(r.renovation, r.unit, r.amount_fen, r.method, r.refunded_by) for r in report.refunds],
        {3},
    )
    section(
        f"装修押金扣款（收款方式 {DEPOSIT_TRANSFER}：押金转为收入，不经过现金，不计入收款合计）",
        ("收据编号", "装修登记", "房号", "扣款金额（元）", "项目", "收款人"),
        [(v.number, v.lines[0].renovation, v.unit, v.total_fen, v.lines[0].item, v.cashier) for v in report.kept],
        {4},
    )
    section(
        "按收款方式轧差（现金应存、各平台应到账）",
        ("收款方式", "收款（元）", "押金退还（元）", "净额（元）"),
        [
            (method, report.by_method.get(method, (0, 0))[1], report.by_method.get(method, (0, 0))[1] - net, net)
            for method, net in report.net_by_method.items()
        ]
        + [("合计", report.total_fen, report.refunded_fen, report.net_fen)],
        {2, 3, 4},
    )
    for label, fen in (
        ("收款合计", report.total_fen),
        ("其中押金收取", report.deposits_taken_fen),
        ("押金退还", report.refunded_fen),
        ("押金扣款（不计入收款合计）", report.deposits_kept_fen),
        ("净收款", report.net_fen),
    ):
        summary.cell(row, 1, label).font = Font(bold=True)
        cell = summary.cell(row, 3, yuan(fen))
        cell.number_format = MONEY_FORMAT
        row += 1
    row += 1
    summary.cell(row, 1, "有效收据").font = Font(bold=True)
    summary.cell(row, 2, report.count)
    cell = summary.cell(row, 3, yuan(report.total_fen))
    cell.number_format = MONEY_FORMAT
    cell.font = Font(bold=True)
    summary.cell(row + 1, 1, "作废收据")
    summary.cell(row + 1, 2, len(report.voided))
    cell = summary.cell(row + 1, 3, yuan(sum(v.total_fen for v in report.voided)))
    cell.number_format = MONEY_FORMAT
    summary.cell(row + 3, 1, "收款人：")
    summary.cell(row + 3, 3, "复核：")
    summary.cell(row + 3, 5, "主管：")
    summary.freeze_panes = "A2"
    for letter, width in zip("ABCDEF", (18, 12, 14, 14, 20, 10), strict=True):
        summary.column_dimensions[letter].width = width
    print_setup(summary, "1:1", landscape=False)

    detail = workbook.create_sheet("收据明细")
    headers = ("收据编号", "房号", "交款人", "金额（元）", "收款方式", "收款人", "状态", "作废原因")
    detail.append(list(headers))
    style_header(detail, (1,), len(headers))
    for view in report.receipts:
        detail.append(
            [
                view.number,
                view.unit,
                view.payer,
                yuan(view.total_fen),
                view.method,
                view.cashier,
                "作废" if view.voided else (REVERSAL_LABEL if view.reverses else "有效"),
                view.void_reason or "",
            ]
        )
        detail.cell(detail.max_row, 4).number_format = MONEY_FORMAT
    detail.freeze_panes = "A2"
    detail.auto_filter.ref = f"A1:H{max(detail.max_row, 1)}"
    for letter, width in zip("ABCDEFGH", (18, 12, 10, 14, 10, 10, 8, 20), strict=True):
        detail.column_dimensions[letter].width = width
    print_setup(detail, "1:1", landscape=False)
    save_atomically(workbook, path)
    return report


__all__ = ["DailyReport", "DepositRefund", "RegisterTotals", "daily_report", "write_daily", "write_register"]
