"""The monthly report's figures, computed from the ledger with set-based SQL (GROUP BY, no per-unit loop).

Owns the definitions of 应收, 实收, 当期收缴率, 清欠, 预收 and 欠费余额 (see ``DEFINITIONS``) and
the month's receipts, renovations, archive and work-order counts.  A closed month's fee and
work-order figures are kept when it is closed (``keep_month_figures``, the one write, inside ``fees
close``'s transaction) and read back instead of computed.  The workbook and the summary are drawn from these
values elsewhere.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from recordkit.billing.allocations import deposit_bill_ids, kept_from_deposits, money_taken
from recordkit.billing.balances import balance_base, balances_hold, owed_per_bill, zero
from recordkit.billing.closing import earliest_month, has_money
from recordkit.core.dates import Month, office_time, parse_month, utc_bounds
from recordkit.core.personal import mask_phone
from recordkit.core.rates import shown_rate
from recordkit.core.unitcodes import Building, UnitCode
from recordkit.ledger.schema import (
    allocations,
    archive_items,
    archive_loans,
    bills,
    closed_months,
    closing_figures,
    fee_items,
    journal,
    owners,
    payments,
    receipts,
    renovation_inspections,
    renovations,
    units,
    work_orders,
)
from recordkit.owners.contacts import owner_names_in, owners_of_record
from recordkit.owners.roster import building_group
from recordkit.workorders.orders import WorkOrderCategoryMonth, WorkOrderMonth, category_figures, now_minute
from recordkit.workorders.orders import month_figures as workorder_month_figures

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

#: The label of the month's prepayment (预收) in the by-item table: money that paid no bill of the
#: month or earlier, whether or not a later month's bill has taken it since.
UNALLOCATED = "预收款"

log = logging.getLogger(__name__)

#: How each figure is defined, as the 说明 sheet prints it.
DEFINITIONS: tuple[tuple[str, str], ...] = (
    ("应收", "本月账单（账期为本月）的金额合计。装修押金是代收代管的钱，不是收费，不计入应收、实收和收缴率。"),
    (
        "实收（当期实收）",
        "本月账单中，到月末为止已由有效收款（未作废）付清的金额，含以前月份的预收款冲抵本月账单的部分。",
    ),
    (
        "当期收缴率",
        "实收 ÷ 应收，保留一位小数，舍去不进位（99.96% 记为 99.9%，收齐才是 100.0%）。没有应收时不计算（显示为空）。",
    ),
    ("清欠", "本月（收款日期在本月内）收到的有效收款中，付给以前月份账单的金额。"),
    (
        "预收",
        "本月收到的有效收款中，没有用于本月及以前月份账单的金额（列为“预收款”，不分项目：以后哪个月的账单"
        "冲抵它，不改变本月的数字）。",
    ),
    (
        "本月收款合计",
        "本月收款日期的有效收款金额合计（红冲为负数）= 本月收取的当期款 + 清欠 + 预收 + 押金收取；"
        "等于本月每天日结的收款合计之和。",
    ),
    (
        "结账",
        "已结账的月份，报表以后什么时候重新生成都一样（工单的数字也按结账时记下的：结账后补记或改动的这个月的工单"
        "不再计入，报表注明）；未结账的月份注明数据截至哪天，借阅逾期也只按那天算。",
    ),
    ("欠费余额", "截至月末，账期为本月及以前月份的账单（不含押金）尚未由月末前的有效收款付清的金额。"),
    ("欠费户数", "月末欠费余额大于零的房屋数；欠费明细按欠费金额从多到少列出，联系电话已打码。"),
    (
        "作废收据",
        "作废日期在本月的收据（不论何时开具），其收款不计入任何金额。开具张数含本月开具后又作废的。"
        "作废的日期就是收据开具的那天（以后再撤销的开红冲收据），所以开具 = 仍有效 + 本月作废；"
        "旧版本在以后月份作废的收据使两边对不上时，表下注明差在哪里。",
    ),
    (
        "红冲收据",
        "本月开具的红冲收据：冲销已结账月份的一张收据，金额为负数，计入本月开具和仍有效的张数、金额和本月收款合计；"
        "原收据留在原来的月份。",
    ),
    ("补打", "本月补打收据的次数（按操作日志）。"),
    (
        "装修",
        "新登记：登记日期在本月；月末在装修：月末前已登记、月末前尚未验收合格也未退押金；"
        "验收：验收日期在本月的验收次数；押金结存：月末前收取的押金减去月末前已退还和扣除的押金。",
    ),
    (
        "工单",
        "受理：本月新建的报修、投诉；按时办结率 = 本月办结中在时限内办结的 ÷ 本月办结（只记了日期、没有记时刻的工单，"
        "按小时计的时限不作判断，不计入；按整天计的按日期判断）；"
        "满意率 = 本月回访中（满意 + 基本满意）÷ 回访数；重复投诉：同一房屋同一类别 {repeat_days} 天内再次投诉。",
    ),
    ("档案", "归档：归档时间在本月的档案件数，按类别；借出未还：月末仍未归还的借阅；逾期：其中应还日期早于月末的。"),
    (
        "金额与比率",
        "金额单位为元，保留两位小数，由台账中的整数“分”换算，不经四舍五入；"
        "比率（当期收缴率、按时办结率、满意率）保留一位小数，舍去不进位：99.96% 记为 99.9%，全部做到才是 100.0%。",
    ),
)


def definitions(repeat_days: int) -> list[tuple[str, str]]:
    """``DEFINITIONS`` as the report's 说明 sheet prints them: a repeat complaint's window is the office's own
    (``[workorders] repeat_days``), not always 30 days."""
    return [(name, text.replace("{repeat_days}", str(repeat_days))) for name, text in DEFINITIONS]


@dataclass
class FeeLine:
    """One row of 收费汇总: a fee item, a building, or the total (all in fen)."""

    label: str
    billed: int = 0
    collected: int = 0
    cleared: int = 0
    prepaid: int = 0
    arrears: int = 0

    @property
    def rate(self) -> Decimal | None:
        return shown_rate(self.collected, self.billed)

    def add(self, other: FeeLine) -> None:
        self.billed += other.billed
        self.collected += other.collected
        self.cleared += other.cleared
        self.prepaid += other.prepaid
        self.arrears += other.arrears


@dataclass(frozen=True)
class ArrearsLine:
    unit: str
    owner: str
    phone: str  # masked unless asked for
    months: int
    oldest: str
    amount_fen: int


@dataclass
class FeeFigures:
    month: Month
    by_item: list[FeeLine]
    by_building: list[FeeLine]
    total: FeeLine
    received_fen: int  # every valid payment of the month, deposits included
    received_current_fen: int  # of which paid on this month's bills
    deposit_received_fen: int
    arrears_units: int


@dataclass(frozen=True)
class VoidedReceipt:
    number: str
    issued_on: dt.date
    unit: str
    amount_fen: int
    reason: str
    voided_by: str
    voided_on: dt.date


@dataclass(frozen=True)
class ReversalReceipt:
    """A red reversal (红冲) issued in the month: a receipt of negative amounts undoing one of a closed month."""

    number: str
    reverses: str  # the original receipt's number
    unit: str
    amount_fen: int  # negative
    reason: str


@dataclass
class ReceiptFigures:
    issued: int
    issued_fen: int
    valid: int
    valid_fen: int
    voided: list[VoidedReceipt]
    reprints: list[tuple[str, int]]  # receipt number, times reprinted this month
    # red reversals issued in the month (counted in issued and valid too)
    reversals: list[ReversalReceipt] = field(default_factory=list)
    # A version before the red reversal of an earlier day's receipt voided receipts on a later day: the month each
    # receipt issued in the month was voided in, when later, and the month each voided in it was issued in, when
    # earlier — where issued ≠ valid + voided went (``receipts_note``)
    voided_later: list[Month] = field(default_factory=list)
    issued_earlier: list[Month] = field(default_factory=list)

    @property
    def reversals_fen(self) -> int:
        return sum(r.amount_fen for r in self.reversals)

    @property
    def voided_fen(self) -> int:
        return sum(v.amount_fen for v in self.voided)

    @property
    def reprint_count(self) -> int:
        return sum(n for _, n in self.reprints)


@dataclass(frozen=True)
class RenovationLine:
    number: str
    unit: str
    owner: str
    contractor: str
    registered_on: dt.date
    status: str  # as at month end
    deposit_fen: int


@dataclass
class RenovationFigures:
    new: list[RenovationLine]
    in_progress: int
    inspected_pass: int
    inspected_fail: int
    deposit_received_fen: int
    refunded_count: int
    refunded_fen: int
    deducted_fen: int
    deposit_held_fen: int


@dataclass
class ArchiveFigures:
    filed: dict[str, int]  # category -> items filed in the month
    lent: int
    returned: int
    out_at_end: int
    overdue_at_end: int

    @property
    def filed_total(self) -> int:
        return sum(self.filed.values())


@dataclass(frozen=True)
class MonthFigures:
    """Everything the report says about one month."""

    month: Month
    fees: FeeFigures
    receipts: ReceiptFigures
    renovations: RenovationFigures
    archive: ArchiveFigures
    workorders: Any  # recordkit.workorders.orders.WorkOrderMonth, or None before work orders exist
    arrears: list[ArrearsLine] = field(default_factory=list)
    # recordkit.workorders.orders.WorkOrderCategoryMonth rows with anything in them (the report's month only)
    workorder_categories: list[Any] = field(default_factory=list)
    closed: bool = False  # 结账: the month's figures are final
    runs_to: dt.date | None = None  # the last day the figures cover (today in the unfinished month)
    # The work-order figures are the ones kept at closing, and the work orders say otherwise now (orders recorded
    # or changed with a time in the month after it was closed; the report's month only)
    workorders_changed: bool = False
    # The month has no bill and no money movement (``closing.has_money``): ``fees close`` has nothing to close
    moneyless: bool = False
    # The parts (``BOOKS``, ``WORKORDERS``, ``ARCHIVE``) the ledger holds no record of yet in this month: it lies
    # before their first month (``first_months``), and their figures are no data rather than 0
    unrecorded: frozenset[str] = frozenset()

    @property
    def status_text(self) -> str:
        """已结账, 没有账单和收款, or 未结账（数据截至 2026-11-20）."""
        end = self.runs_to or last_day(self.month)
        if self.closed:
            return "已结账"
        return "没有账单和收款" if self.moneyless else f"未结账（数据截至 {end.isoformat()}）"

    @property
    def empty(self) -> bool:
        f = self.fees
        v = self.renovations
        wo = self.workorders
        return not (
            f.total.billed
            or f.received_fen
            or f.total.arrears
            or self.receipts.issued
            or self.receipts.voided
            or self.receipts.reprints
            or v.new
            or v.in_progress
            or v.inspected_pass
            or v.inspected_fail
            or v.refunded_count
            or v.deposit_held_fen
            or self.archive.filed_total
            or self.archive.lent
            or self.archive.returned
            or self.archive.out_at_end
            or (wo is not None and (sum(wo.opened.values()) or wo.closed or wo.visited or wo.open_at_end))
        )


def receipts_note(receipts: ReceiptFigures) -> str | None:
    """The report's line under the month's receipt counts when 开具 is not 仍有效 + 本月作废: a receipt of the month voided
    in a later one, or one of an earlier month voided in this one (``ReceiptFigures.voided_later``,
    ``issued_earlier``), said with the months; None when there is none."""
    parts = []
    if receipts.voided_later:
        parts.append(
            f"本月开具的 {receipts.issued} 张收据中，{len(receipts.voided_later)} 张于以后月份作废"
            f"（{_months_named(receipts.voided_later)}），不计入本月作废"
        )
    if receipts.issued_earlier:
        parts.append(
            f"本月作废的 {len(receipts.voided)} 张收据中，{len(receipts.issued_earlier)} 张是以前月份开具的"
            f"（{_months_named(receipts.issued_earlier)}），不计入本月开具"
        )
    return f"注：{'；'.join(parts)}。" if parts else None


def _months_named(months: Iterable[Month]) -> str:
    """2026-11, or 2026-11、2026-12: each month once, in order."""
    return "、".join(str(month) for month in sorted(set(months)))


def workorders_changed_note(month: Month) -> str:
    """The report's line under a closed month's work-order figures when the work orders say otherwise now
    (``MonthFigures.workorders_changed``)."""
    return (
        f"注：{month} 结账后又补记或改动了这个月的工单，以上仍是结账时的数字"
        f"（现在的工单见 recordkit workorder list --month {month}）。"
    )


#: The months of the collection trend (the report's month and the eleven before it).
TREND_MONTHS = 12
#: The parts of the report whose records begin on a day of their own (``first_months``): the books (bills and
#: money: the fee, receipt and renovation figures), the work orders (a logbook may bring older ones) and the archive.
BOOKS, WORKORDERS, ARCHIVE = "books", "workorders", "archive"


def last_day(month: Month) -> dt.date:
    return month.last_day()


def _int(value: Any) -> int:
    return int(value or 0)


@dataclass(frozen=True)
class Owing:
    """What the bills (deposits left out) still lack at the end of each asked month."""

    months: tuple[Month, ...]
    # (unit id, fee item id) -> fen owed at each asked month's end
    by_unit_item: dict[tuple[int, int], tuple[int, ...]]
    # unit id -> (fen owed at each asked month's end, bill months owing at the first, the oldest of them)
    by_unit: dict[int, tuple[tuple[int, ...], int, str]]
    # bill month -> (应收, 当期实收) of the trend's months when they were summed in the same pass
    # (``owing(trend_to=…)``); empty otherwise.  A by-product, not part of what is owed: left out of ==.
    trend: dict[str, tuple[int, int]] = field(default_factory=dict, compare=False)

    def units_owing(self, month: Month) -> int:
        """Units whose bills lack money at the month's end (欠费户数)."""
        index = self.months.index(month)
        return sum(1 for owed, _, _ in self.by_unit.values() if owed[index] > 0)


def owing(conn: Connection, months: list[Month], from_balances: bool = True, trend_to: Month | None = None) -> Owing:
    """What each unit's bills of ``max(months)`` or earlier (deposits left out) lack at the end of each
    of ``months``: their amounts less what valid payments made by that day put on them.

    Each month starts from the closing balances of the latest closed month no later than it
    (``billing.balances``) and reads only the bills and payments after that; a month without one
    (or every month, unless ``from_balances``) reads the whole history: the same figures.  Months
    with the same starting point share one statement: the bills still owing are summed per unit and
    fee item, and per unit with the months they owe for.

    ``trend_to``: when the whole history is read up to that month anyway (no month closed), the
    12-month trend's 应收 and 当期实收 up to it are summed in the same pass (``Owing.trend``; the
    same figures as ``_trend``), which saves a second join of 140,000 bills on the benchmark's estate.
    """
    groups: dict[Month | None, list[int]] = {}
    for index, month in enumerate(months):
        groups.setdefault(balance_base(conn, month) if from_balances else None, []).append(index)
    by_unit_item: dict[tuple[int, int], list[int]] = {}
    by_unit: dict[int, tuple[list[int], int, str]] = {}
    trend: dict[str, tuple[int, int]] = {}
    for base, indexes in groups.items():
        asked = [months[i] for i in indexes]
        since = None
        if base is None and trend_to is not None and trend_to == max(asked):
            since = trend_to - (TREND_MONTHS - 1)
            trend.update({str(since + k): (0, 0) for k in range(TREND_MONTHS)})  # a month without bills
        for kind, unit_id, item_id, count, oldest, billed, on_time, *fen in conn.execute(
            _owing_query(asked, base, since)
        ):
            if kind == 2:  # a trend month: oldest is its bill month
                trend[oldest] = (_int(billed), _int(on_time))
                continue
            if kind == 0:
                amounts = by_unit_item.setdefault((unit_id, item_id), [0] * len(months))
            else:
                amounts = by_unit.setdefault(unit_id, ([0] * len(months), 0, ""))[0]
                if 0 in indexes:  # the months owed and the oldest are the first month's
                    by_unit[unit_id] = (amounts, _int(count), oldest or "")
            for index, value in zip(indexes, fen, strict=True):
                amounts[index] = _int(value)
    return Owing(
        tuple(months),
        {key: tuple(amounts) for key, amounts in by_unit_item.items()},
        {unit_id: (tuple(amounts), count, oldest) for unit_id, (amounts, count, oldest) in by_unit.items()},
        trend,
    )


def _owing_query(months: list[Month], base: Month | None, trend_since: Month | None = None) -> Any:
    """Per (unit, fee item), then per unit with the bill months owing at ``months[0]``'s end and the
    oldest: the sums of ``owed_per_bill(months, base)``; with ``trend_since``, then per bill month
    from that month on, 应收 and 当期实收 (in the ``billed`` and ``on_time`` columns)."""
    big = sa.BigInteger
    per_bill = owed_per_bill(months, base, trend_since)
    sums = [sa.cast(sa.func.sum(per_bill.c[f"o{i}"]), big) for i in range(len(months))]
    first_owing = per_bill.c.o0 > zero()
    no_trend = (sa.cast(sa.null(), big), sa.cast(sa.null(), big))
    per_item = sa.select(
        sa.literal(0, sa.Integer),
        per_bill.c.unit_id,
        per_bill.c.item_id,
        sa.cast(sa.null(), sa.Integer),
        sa.cast(sa.null(), sa.String),
        *no_trend,
        *sums,
    ).group_by(per_bill.c.unit_id, per_bill.c.item_id)
    per_unit = sa.select(
        sa.literal(1, sa.Integer),
        per_bill.c.unit_id,
        sa.cast(sa.null(), sa.Integer),
        sa.func.count(sa.distinct(sa.case((first_owing, per_bill.c.month)))),
        sa.func.min(sa.case((first_owing, per_bill.c.month))),
        *no_trend,
        *sums,
    ).group_by(per_bill.c.unit_id)
    if trend_since is None:
        return sa.union_all(per_item, per_unit)
    # The trend's bills are in the per-bill rows owing or not: the sums above take the owing ones.
    owing_any = sa.or_(*(per_bill.c[f"o{i}"] != zero() for i in range(len(months))))
    per_month = (
        sa.select(
            sa.literal(2, sa.Integer),
            sa.cast(sa.null(), sa.Integer),
            sa.cast(sa.null(), sa.Integer),
            sa.cast(sa.null(), sa.Integer),
            per_bill.c.month,
            sa.cast(sa.func.sum(per_bill.c.billed), big),
            sa.cast(sa.func.sum(per_bill.c.on_time), big),
            *(sa.cast(sa.null(), big) for _ in months),
        )
        .where(per_bill.c.billed.is_not(None))
        .group_by(per_bill.c.month)
    )
    return sa.union_all(per_item.where(owing_any), per_unit.where(owing_any), per_month)


@dataclass(frozen=True)
class FeeLedger:
    """The fee side of the ledger summed down to (fee item, building, bill month[, paid month]) for
    the months a report shows, what is owed at their ends, and the 12-month trend.

    Only the bills of the asked months, the payments made in them and the bills of the trend's
    months are read, through the bill-month and payment-date indexes; the one pass over the whole
    history is ``owing``.
    """

    asked: tuple[Month, ...]
    names: dict[int, str]
    # (item, building, bill month) -> fen, deposits left out; bill month one of the asked months
    billed: dict[tuple[str, str, str], int]
    # (item, building, bill month, paid month, is deposit) -> fen put on those bills by valid
    # payments; bill month or paid month one of the asked months
    paid: dict[tuple[str, str, str, str, bool], int]
    # (building, paid month) -> fen of valid payments; paid month one of the asked months
    received: dict[tuple[str, str], int]
    # (item, building, asked month) -> fen owed at that month's end
    owed: dict[tuple[str, str, str], int]
    owing: Owing
    # bill month -> (应收, 当期实收 at that month's end), deposits left out: the 12 months up to the last
    # asked month
    trend: dict[str, tuple[int, int]]
    # the phases of the ledger's units: where a building label's phase ends (``Building.of_typed``)
    phases: tuple[str, ...]


def load_fee_ledger(
    conn: Connection,
    months: list[Month],
    owed: Owing | None = None,
    trend_to: Month | None = None,
    known: Mapping[str, tuple[int, int]] | None = None,
    trend: bool = True,
) -> FeeLedger:
    """The sums behind the fee figures of ``months`` and the 12-month trend up to ``trend_to`` (the
    last of ``months`` unless named; None and no months: no trend); ``owed`` is ``owing(conn, months)``
    when the caller has it already; ``known`` trend points (bill month -> 应收, 当期实收: kept when
    their months were closed) are not read again; ``trend`` False: no trend.  ``months`` may be
    empty (only the trend)."""
    building = building_group()
    asked = [str(m) for m in months]
    names = dict(conn.execute(sa.select(fee_items.c.id, fee_items.c.name)).all())
    billed: dict[tuple[str, str, str], int] = {}
    paid: dict[tuple[str, str, str, str, bool], int] = {}
    received: dict[tuple[str, str], int] = {}
    if months:
        billed, paid, received = _month_sums(conn, months, names)
    last = trend_to if trend_to is not None else (max(months) if months else None)
    if owed is None:  # the trend summed in the same pass when that pass reads the whole history
        owed = owing(conn, months, trend_to=last if trend and months else None)
    by_line: dict[tuple[str, str, str], int] = {}
    if owed.by_unit_item:
        groups = {int(unit_id): str(group) for unit_id, group in conn.execute(sa.select(units.c.id, building))}
        for (unit_id, item_id), amounts in owed.by_unit_item.items():
            for month_key, fen in zip(asked, amounts, strict=True):
                if fen:
                    line = (names[item_id], groups[unit_id], month_key)
                    by_line[line] = by_line.get(line, 0) + fen
    points = _trend(conn, last, known={**owed.trend, **(known or {})}) if trend and last is not None else {}
    phases = tuple(phase for phase in conn.execute(sa.select(units.c.phase).distinct()).scalars() if phase)
    return FeeLedger(tuple(months), names, billed, paid, received, by_line, owed, points, phases)


def _month_sums(
    conn: Connection, months: list[Month], names: dict[int, str]
) -> tuple[dict[tuple[str, str, str], int], dict[tuple[str, str, str, str, bool], int], dict[tuple[str, str], int]]:
    """``FeeLedger``'s billed, paid and received of ``months`` (see there)."""
    big = sa.BigInteger
    building = building_group()
    asked = [str(m) for m in months]
    not_deposit = bills.c.id.not_in(deposit_bill_ids())
    billed = {
        (names[item], group, month): _int(fen)
        for item, group, month, fen in conn.execute(
            sa.select(bills.c.item_id, building, bills.c.month, sa.cast(sa.func.sum(bills.c.amount_fen), big))
            .join(units, units.c.id == bills.c.unit_id)
            .where(bills.c.month.in_(asked), not_deposit)
            .group_by(bills.c.item_id, building, bills.c.month)
        )
    }
    # paid_on as text is YYYY-MM-DD on both backends; its first seven characters are the month.
    paid_month = sa.func.substr(sa.cast(payments.c.paid_on, sa.String), 1, 7)
    deposit = sa.case((bills.c.id.in_(deposit_bill_ids()), 1), else_=0)
    paid_in_asked = sa.or_(
        *(sa.and_(payments.c.paid_on >= m.first_day(), payments.c.paid_on <= last_day(m)) for m in months)
    )
    paid: dict[tuple[str, str, str, str, bool], int] = {}
    # Money put on the asked months' bills, whenever paid; then money of the asked months on other bills.
    for where in (bills.c.month.in_(asked), sa.and_(paid_in_asked, bills.c.month.not_in(asked))):
        for item, group, month, when, is_deposit, fen in conn.execute(
            sa.select(
                bills.c.item_id,
                building,
                bills.c.month,
                paid_month,
                deposit,
                sa.cast(sa.func.sum(allocations.c.amount_fen), big),
            )
            .select_from(
                allocations.join(payments, payments.c.id == allocations.c.payment_id)
                .join(bills, bills.c.id == allocations.c.bill_id)
                .join(units, units.c.id == bills.c.unit_id)
            )
            .where(payments.c.voided.is_(False), where)
            .group_by(bills.c.item_id, building, bills.c.month, paid_month, deposit)
        ):
            key = (names[item], group, month, when, bool(is_deposit))
            paid[key] = paid.get(key, 0) + _int(fen)
    received = {
        (group, when): _int(fen)
        for group, when, fen in conn.execute(
            sa.select(building, paid_month, sa.cast(sa.func.sum(payments.c.amount_fen), big))
            .join(units, units.c.id == payments.c.unit_id)
            # What refunds kept from deposits came in with the deposit: no money of the month, nor its 预收.
            .where(payments.c.voided.is_(False), money_taken(), paid_in_asked)
            .group_by(building, paid_month)
        )
    }
    return billed, paid, received


def _trend(
    conn: Connection, last: Month, months: int = TREND_MONTHS, known: Mapping[str, tuple[int, int]] | None = None
) -> dict[str, tuple[int, int]]:
    """应收 and 当期实收 (paid by the bill month's end) of the ``months`` bill months up to ``last``,
    deposits left out; each a GROUP BY in bill-month order, read from the bill-month index.  The
    ``known`` months (kept when they were closed) are taken as given, not read."""
    big = sa.BigInteger
    known = known or {}
    span = [str(last - offset) for offset in range(months)]
    wanted = [key for key in span if key not in known]
    billed: dict[str, int] = {}
    collected: dict[str, int] = {}
    if wanted:
        in_span = sa.and_(
            # One range when nothing is known (the index read in order); else only the months wanted.
            sa.and_(bills.c.month >= min(wanted), bills.c.month <= max(wanted))
            if len(wanted) == len(span)
            else bills.c.month.in_(wanted),
            bills.c.id.not_in(deposit_bill_ids()),
        )
        billed = dict(
            conn.execute(
                sa.select(bills.c.month, sa.cast(sa.func.sum(bills.c.amount_fen), big))
                .where(in_span)
                .group_by(bills.c.month)
            ).all()
        )
        paid_month = sa.func.substr(sa.cast(payments.c.paid_on, sa.String), 1, 7)
        collected = dict(
            conn.execute(
                sa.select(bills.c.month, sa.cast(sa.func.sum(allocations.c.amount_fen), big))
                .select_from(
                    bills.join(allocations, allocations.c.bill_id == bills.c.id).join(
                        payments, payments.c.id == allocations.c.payment_id
                    )
                )
                .where(in_span, payments.c.voided.is_(False), paid_month <= bills.c.month)
                .group_by(bills.c.month)
            ).all()
        )
    return {key: known[key] if key in known else (_int(billed.get(key)), _int(collected.get(key))) for key in span}


def fee_figures(
    conn: Connection, month: Month, ledger: FeeLedger | None = None, arrears_units: int | None = None
) -> FeeFigures:
    """应收, 实收, 当期收缴率, 清欠, 预收 and 欠费余额 by fee item and by building (see ``DEFINITIONS``)."""
    sums = ledger or load_fee_ledger(conn, [month])
    if month not in sums.asked:
        raise ValueError(f"the fee sums were read for {[str(m) for m in sums.asked]}, not {month}")
    key = str(month)
    items: dict[str, FeeLine] = {}
    buildings: dict[str, FeeLine] = {}

    def lines(item: str, building: str) -> tuple[FeeLine, FeeLine]:
        return (items.setdefault(item, FeeLine(item)), buildings.setdefault(building, FeeLine(building)))

    for (item, building, bill_month), fen in sums.billed.items():
        if bill_month == key:
            for line in lines(item, building):
                line.billed += fen
    for (item, building, owed_month), fen in sums.owed.items():
        if owed_month == key:
            for line in lines(item, building):
                line.arrears += fen
    received_current = deposit_received = 0
    put_on_bills: dict[str, int] = {}  # building -> fen of this month's payments on any bill
    for (item, building, bill_month, paid_month, deposit), fen in sums.paid.items():
        # Money of the month put on later months' bills stays 预收 of this month, under no item: which
        # later bill takes it (and when) is decided after the month and must not move its figures.
        if paid_month == key and (deposit or bill_month <= key):
            put_on_bills[building] = put_on_bills.get(building, 0) + fen
        if deposit:
            deposit_received += fen if paid_month == key else 0
            continue
        if paid_month > key:
            continue
        if bill_month == key:
            for line in lines(item, building):
                line.collected += fen
        elif paid_month == key and bill_month < key:
            for line in lines(item, building):
                line.cleared += fen
        if bill_month == key and paid_month == key:
            received_current += fen
    received = 0
    for (building, paid_month), fen in sums.received.items():
        if paid_month != key:
            continue
        received += fen
        # Money of the month that paid no bill of this month or earlier is 预收; it has a building but no item.
        if left := fen - put_on_bills.get(building, 0):
            for line in lines(UNALLOCATED, building):
                line.prepaid += left
    if arrears_units is None:
        arrears_units = sums.owing.units_owing(month)
    return _ordered_fee_figures(
        month,
        sums.names,
        items.values(),
        buildings.values(),
        received,
        received_current,
        deposit_received,
        arrears_units,
        sums.phases,
    )


def _ordered_fee_figures(
    month: Month,
    names: dict[int, str],
    items: Iterable[FeeLine],
    buildings: Iterable[FeeLine],
    received: int,
    received_current: int,
    deposit_received: int,
    arrears_units: int,
    phases: tuple[str, ...],
) -> FeeFigures:
    """The lines with anything in them, fee items in their ids' order (预收款 last), buildings in the
    lists' order (``Building.sort_key``: 一期, 二期 … 十期; 2 before 10 in each; ``phases`` the estate's, where a
    label's phase ends), and their total."""
    ordered_items = sorted(items, key=lambda line: (line.label == UNALLOCATED, _item_order(names, line.label)))
    ordered_buildings = sorted(buildings, key=lambda line: Building.of_typed(line.label, phases).sort_key)
    busy = [
        line for line in ordered_items if line.billed or line.collected or line.cleared or line.prepaid or line.arrears
    ]
    total = FeeLine("合计")
    for line in busy:
        total.add(line)
    return FeeFigures(
        month,
        busy,
        [
            line
            for line in ordered_buildings
            if line.billed or line.collected or line.cleared or line.prepaid or line.arrears
        ],
        total,
        received,
        received_current,
        deposit_received,
        arrears_units,
    )


def _item_order(names: dict[int, str], label: str) -> int:
    return next((item_id for item_id, name in names.items() if name == label), 1 << 30)


def arrears_snapshot(
    conn: Connection,
    months: list[Month],
    show_private: bool = False,
    owed: Owing | None = None,
) -> tuple[dict[Month, int], list[ArrearsLine]]:
    """Units owing at each month's end (counts), and the first month's units in detail (欠费明细),
    most owed first; phones masked unless ``show_private``.  ``owed`` is ``owing(conn, months)``
    when the caller has it already.

    A unit owes at a month's end what its bills of that month and earlier (deposits left out)
    still lack after the valid payments made by that day."""

    owed = owed if owed is not None else owing(conn, months)
    counts = {m: owed.units_owing(m) for m in months}
    first = {unit_id: (amounts[0], count, oldest) for unit_id, (amounts, count, oldest) in owed.by_unit.items()}
    return counts, _arrears_detail(conn, first, show_private)


def _arrears_detail(
    conn: Connection, owed: Mapping[int, tuple[int, int, str]], show_private: bool
) -> list[ArrearsLine]:
    """The 欠费明细 of the units owing (unit id -> fen, bill months owed, the oldest; those with more
    than 0 fen), with the owners of record as the ledger has them now (every owner, as ``fees arrears``
    names them: 张海鹏、马丽蓉; the phone the first owner's), most owed first."""
    owed = {unit_id: line for unit_id, line in owed.items() if line[0] > 0}
    detail: list[ArrearsLine] = []
    if not owed:
        return detail
    query = sa.select(
        units.c.id,
        units.c.code,
        units.c.building,
        units.c.entrance,
        units.c.room,
        units.c.kind,
        units.c.phase,
        owners.c.phone,
    ).select_from(units.outerjoin(owners, owners.c.id == units.c.owner_id))
    order: dict[str, tuple[Any, ...]] = {}
    rows = [row for row in conn.execute(query) if row.id in owed]
    named = owner_names_in(conn, [row.code for row in rows])
    for row in rows:
        amount, count, oldest = owed[row.id]
        phone = (row.phone if show_private else mask_phone(row.phone)) if row.phone else ""
        names = named.get(row.code, ())
        detail.append(
            ArrearsLine(
                row.code, owners_of_record(names[0] if names else None, names[1:]), phone, count, oldest, amount
            )
        )
        # The stored parts are canonical: the code's natural order without parsing its text.
        order[row.code] = UnitCode(row.building, row.entrance, row.room, row.kind, row.phase).sort_key
    detail.sort(key=lambda line: (-line.amount_fen, order[line.unit]))
    return detail


def arrears_lines(conn: Connection, month: Month, show_private: bool = False) -> list[ArrearsLine]:
    """Units owing at month end, most owed first (欠费明细); phones masked unless ``show_private``."""
    return arrears_snapshot(conn, [month], show_private)[1]


def receipt_figures(conn: Connection, month: Month, zone: str = "Asia/Shanghai") -> ReceiptFigures:
    """Receipts issued in the month (voided ones included), voided in the month with reasons, and
    reprinted in the month on the office's clock (``zone``); those voided in another month than their own.

    A void is dated on its receipt's own day (a later undoing is a red reversal, in its own month), so a closed
    month's counts, and its note, never change; only an older version's voids lie across months."""

    first, end = month.first_day(), last_day(month)
    issued = conn.execute(
        sa.select(
            sa.func.count(),
            sa.cast(sa.func.coalesce(sa.func.sum(payments.c.amount_fen), 0), sa.BigInteger),
            sa.func.sum(sa.case((receipts.c.status == "issued", 1), else_=0)),
            sa.cast(
                sa.func.sum(sa.case((receipts.c.status == "issued", payments.c.amount_fen), else_=0)), sa.BigInteger
            ),
        )
        .select_from(receipts.join(payments, payments.c.id == receipts.c.payment_id))
        .where(receipts.c.issued_on >= first, receipts.c.issued_on <= end)
    ).one()
    voided = [
        VoidedReceipt(
            r.number, r.issued_on, r.code, _int(r.amount_fen), r.void_reason or "", r.voided_by or "", r.voided_on
        )
        for r in conn.execute(
            sa.select(
                receipts.c.number,
                receipts.c.issued_on,
                units.c.code,
                payments.c.amount_fen,
                receipts.c.void_reason,
                receipts.c.voided_by,
                receipts.c.voided_on,
            )
            .select_from(
                receipts.join(payments, payments.c.id == receipts.c.payment_id).join(
                    units, units.c.id == payments.c.unit_id
                )
            )
            .where(receipts.c.status == "voided", receipts.c.voided_on >= first, receipts.c.voided_on <= end)
            .order_by(receipts.c.number)
        )
    ]
    voided_later = [
        Month.of(day)
        for day in conn.execute(
            sa.select(receipts.c.voided_on).where(
                receipts.c.issued_on >= first,
                receipts.c.issued_on <= end,
                receipts.c.status == "voided",
                receipts.c.voided_on > end,
            )
        ).scalars()
    ]
    original = receipts.alias("original")
    reversals = [
        ReversalReceipt(r.number, r.reverses, r.code, _int(r.amount_fen), r.void_reason or "")
        for r in conn.execute(
            sa.select(
                receipts.c.number,
                original.c.number.label("reverses"),
                units.c.code,
                payments.c.amount_fen,
                receipts.c.void_reason,  # a red reversal keeps its reason there
            )
            .select_from(
                receipts.join(original, original.c.id == receipts.c.reversal_of)
                .join(payments, payments.c.id == receipts.c.payment_id)
                .join(units, units.c.id == payments.c.unit_id)
            )
            .where(receipts.c.issued_on >= first, receipts.c.issued_on <= end)
            .order_by(receipts.c.number)
        )
    ]
    # Reprints are counted, not dated, on the receipt: the journal dates each one, in UTC.
    start, stop = utc_bounds(month, zone)
    reprints = [
        (number, _int(count))
        for number, count in conn.execute(
            sa.select(journal.c.entity_key, sa.func.count())
            .where(
                journal.c.action == "receipt.reprint",
                journal.c.at >= start,
                journal.c.at < stop,
            )
            .group_by(journal.c.entity_key)
            .order_by(journal.c.entity_key)
        )
    ]
    return ReceiptFigures(
        _int(issued[0]),
        _int(issued[1]),
        _int(issued[2]),
        _int(issued[3]),
        voided,
        reprints,
        reversals,
        voided_later,
        [Month.of(v.issued_on) for v in voided if v.issued_on < first],
    )


def renovation_figures(conn: Connection, month: Month) -> RenovationFigures:
    """New registrations, works under way at month end, inspections, and the deposits held."""

    first, end = month.first_day(), last_day(month)
    passed_by_end = sa.select(renovation_inspections.c.renovation_id).where(
        renovation_inspections.c.result == "合格", renovation_inspections.c.inspected_on <= end
    )
    last_failed = sa.select(renovation_inspections.c.renovation_id).where(
        renovation_inspections.c.result == "不合格", renovation_inspections.c.inspected_on <= end
    )
    refunded_by_end = sa.and_(renovations.c.refunded_on.is_not(None), renovations.c.refunded_on <= end)
    status = sa.case(
        (refunded_by_end, "已退押金"),
        (renovations.c.id.in_(passed_by_end), "验收合格"),
        (renovations.c.id.in_(last_failed), "验收不合格"),
        else_="装修中",
    )
    new = [
        RenovationLine(r.number, r.code, r.owner_name, r.contractor, r.registered_on, r.status, _int(r.deposit_fen))
        for r in conn.execute(
            sa.select(
                renovations.c.number,
                units.c.code,
                renovations.c.owner_name,
                renovations.c.contractor,
                renovations.c.registered_on,
                status.label("status"),
                renovations.c.deposit_fen,
            )
            .join(units, units.c.id == renovations.c.unit_id)
            .where(renovations.c.registered_on >= first, renovations.c.registered_on <= end)
            .order_by(renovations.c.number)
        )
    ]
    in_progress = _int(
        conn.execute(
            sa.select(sa.func.count())
            .select_from(renovations)
            .where(renovations.c.registered_on <= end, sa.not_(refunded_by_end), renovations.c.id.not_in(passed_by_end))
        ).scalar()
    )
    inspections: dict[str, int] = dict(
        conn.execute(
            sa.select(renovation_inspections.c.result, sa.func.count())
            .where(renovation_inspections.c.inspected_on >= first, renovation_inspections.c.inspected_on <= end)
            .group_by(renovation_inspections.c.result)
        ).all()
    )
    deposit_paid = (
        sa.select(sa.cast(sa.func.coalesce(sa.func.sum(allocations.c.amount_fen), 0), sa.BigInteger))
        .select_from(allocations.join(payments, payments.c.id == allocations.c.payment_id))
        .where(
            payments.c.voided.is_(False),
            payments.c.paid_on <= end,
            allocations.c.bill_id.in_(sa.select(renovations.c.deposit_bill_id)),
        )
    )
    paid_in_month = _int(conn.execute(deposit_paid.where(payments.c.paid_on >= first)).scalar())
    paid_by_end = _int(conn.execute(deposit_paid).scalar())
    refunds = conn.execute(
        sa.select(
            sa.func.count(),
            sa.cast(sa.func.coalesce(sa.func.sum(renovations.c.refund_fen), 0), sa.BigInteger),
        ).where(renovations.c.refunded_on >= first, renovations.c.refunded_on <= end)
    ).one()
    kept = _int(conn.execute(kept_from_deposits(first, end)).scalar())  # the receipts of what was kept
    settled_by_end = _int(
        conn.execute(
            sa.select(
                sa.func.sum(
                    sa.func.coalesce(renovations.c.refund_fen, 0) + sa.func.coalesce(renovations.c.deduction_fen, 0)
                )
            ).where(refunded_by_end)
        ).scalar()
    )
    return RenovationFigures(
        new,
        in_progress,
        _int(inspections.get("合格")),
        _int(inspections.get("不合格")),
        paid_in_month,
        _int(refunds[0]),
        _int(refunds[1]),
        kept,
        paid_by_end - settled_by_end,
    )


def archive_figures(
    conn: Connection,
    month: Month,
    runs_to: dt.date | None = None,
    categories: Sequence[str] = (),
    zone: str = "Asia/Shanghai",
) -> ArchiveFigures:
    """Items filed in the month by category; loans made, returned, still out and overdue at month end
    (or at ``runs_to``, the day an unfinished month's report runs to: a loan is overdue only when it
    was due before that day).  The categories come in the order of ``categories`` (the office's, as
    recordkit.toml lists them and every message names them), any other (未分类, one no longer configured)
    after them by its characters: never in the database's collation, which on a PostgreSQL made with a
    Chinese locale is pinyin's, so that the report reads the same on either database.  A filing or a return
    falls in the month of its day on the office's clock (``zone``), as ``archive list`` and ``archive show``
    print its time."""

    first, end = month.first_day(), min(last_day(month), runs_to or last_day(month))
    # Filing and return times are stored with the UTC offset of the computer that wrote them (+00:00 on a
    # server kept in UTC, +08:00 on the office's PCs), so their text is not the office's day: read the days
    # around the month as text (no offset moves a time by two days), then keep those whose office day is in it.
    low, high = (first - dt.timedelta(days=2)).isoformat(), (end + dt.timedelta(days=3)).isoformat()

    def office_day(stamp: str) -> dt.date:
        return office_time(stamp, zone).date()

    rows = conn.execute(
        sa.select(archive_items.c.category, archive_items.c.filed_at).where(
            archive_items.c.filed_at >= low, archive_items.c.filed_at < high
        )
    ).all()
    counted = Counter(str(category) for category, filed_at in rows if first <= office_day(filed_at) <= end)
    rank = {name: index for index, name in enumerate(categories)}
    filed: dict[str, int] = dict(sorted(counted.items(), key=lambda c: (rank.get(c[0], len(rank)), c[0])))
    lent = conn.execute(
        sa.select(sa.func.count()).where(archive_loans.c.lent_on >= first, archive_loans.c.lent_on <= end)
    ).scalar()
    returned_times = conn.execute(
        sa.select(archive_loans.c.returned_at).where(
            archive_loans.c.returned_at >= low, archive_loans.c.returned_at < high
        )
    ).scalars()
    returned = sum(1 for stamp in returned_times if first <= office_day(stamp) <= end)
    # Lent by the end and not brought back by then (on the office's clock).
    lent_by_end = conn.execute(
        sa.select(archive_loans.c.returned_at, archive_loans.c.due).where(
            archive_loans.c.lent_on <= end,
            sa.or_(archive_loans.c.returned_at.is_(None), archive_loans.c.returned_at >= low),
        )
    ).all()
    still_out = [due for returned_at, due in lent_by_end if returned_at is None or office_day(returned_at) > end]
    out_count = len(still_out)
    overdue = sum(1 for due in still_out if due < end)
    return ArchiveFigures(
        {k: _int(v) for k, v in filed.items()}, _int(lent), _int(returned), _int(out_count), _int(overdue)
    )


def workorder_figures(conn: Connection, month: Month, settings: Any, runs_to: dt.date) -> Any:
    """The work orders' month (``recordkit.workorders.orders.month_figures``), its orders late at the month's end
    counted at the end of ``runs_to`` or now, whichever comes first (a month not over yet)."""

    tomorrow = runs_to + dt.timedelta(days=1)
    as_of = min(now_minute(), dt.datetime(tomorrow.year, tomorrow.month, tomorrow.day))
    return workorder_month_figures(conn, month, settings, as_of)


def workorder_category_rows(conn: Connection, month: Month) -> list[Any]:
    """The month's work-order figures per (类型, 类别), the rows with anything in them."""

    return [
        row for row in category_figures(conn, month) if row.opened or row.closed or row.visited or row.repeat_complaints
    ]


def _categories(settings: Any) -> tuple[str, ...]:
    """The office's archive categories, in recordkit.toml's order."""
    archive = getattr(settings, "archive", None)
    return tuple(category.name for category in getattr(archive, "categories", ()))


def _zone(settings: Any) -> str:
    office = getattr(settings, "office", None)
    return str(getattr(office, "time_zone", "Asia/Shanghai"))


def first_months(conn: Connection, zone: str = "Asia/Shanghai") -> dict[str, Month | None]:
    """The first month the ledger holds a record of, for each part of the report: ``BOOKS`` the books' first
    (``closing.earliest_month``), ``WORKORDERS`` that of the earliest work order, ``ARCHIVE`` that of the earliest
    filing on the office's clock (``zone``); None for a part without any."""
    opened = conn.execute(sa.select(sa.func.min(work_orders.c.opened_at))).scalar()
    filed = conn.execute(sa.select(sa.func.min(archive_items.c.filed_at))).scalar()
    return {
        BOOKS: earliest_month(conn),
        WORKORDERS: Month.of(opened.date()) if opened is not None else None,
        ARCHIVE: Month.of(office_time(filed, zone).date()) if filed is not None else None,
    }


def unrecorded_parts(firsts: Mapping[str, Month | None], month: Month) -> frozenset[str]:
    """The parts of ``firsts`` (``first_months``) whose records begin after ``month``, or not at all yet."""
    return frozenset(part for part, first in firsts.items() if first is None or month < first)


def month_figures(
    conn: Connection,
    months: list[Month],
    settings: Any,
    show_private: bool = False,
    today: dt.date | None = None,
    firsts: Mapping[str, Month | None] | None = None,
) -> tuple[list[MonthFigures], FeeLedger]:
    """The figures of each month (the first with its 欠费明细), sharing one reading of what is owed
    (``owing``); each says whether its month is closed, the day it runs to (``today`` in the
    unfinished month) and the parts of the report it lies before the records of (``firsts``,
    ``first_months`` unless given)."""
    today = today or dt.date.today()
    firsts = first_months(conn, _zone(settings)) if firsts is None else firsts
    kept = kept_figures(conn, months)
    computed = [m for m in months if m not in kept]
    sums = load_fee_ledger(conn, computed, trend_to=max(months), known=kept_trend(conn, max(months)))
    counts = {m: sums.owing.units_owing(m) for m in computed}
    first = kept.get(months[0])
    if first is not None:
        detail = _arrears_detail(conn, first.arrears, show_private)
    else:  # the first month is computed, so it is the first of ``computed`` too
        detail = arrears_snapshot(conn, computed, show_private, sums.owing)[1]
    closed = {
        parse_month(text)
        for text in conn.execute(
            sa.select(closed_months.c.month).where(closed_months.c.month.in_([str(m) for m in months]))
        ).scalars()
    }
    kept_orders = kept_workorder_figures(conn, months)

    def orders(m: Month, first: bool) -> tuple[Any, list[Any], bool]:
        """The month's work-order figures, its category rows (the first month only) and whether the work orders
        say otherwise now than the figures kept at closing."""
        held = kept_orders.get(m)
        if held is not None and not first:
            return held[0], [], False
        live = workorder_figures(conn, m, settings, min(last_day(m), today))
        rows = workorder_category_rows(conn, m) if first else []
        if held is None:
            return live, rows, False
        return held[0], held[1], held != (live, rows)

    result = []
    for index, m in enumerate(months):
        figures, rows, changed = orders(m, index == 0)
        result.append(
            MonthFigures(
                m,
                kept[m].fee_figures(sums.names, phases=sums.phases)
                if m in kept
                else fee_figures(conn, m, sums, counts[m]),
                receipt_figures(conn, m, _zone(settings)),
                renovation_figures(conn, m),
                archive_figures(conn, m, min(last_day(m), today), _categories(settings), _zone(settings)),
                figures,
                detail if index == 0 else [],
                rows,
                m in closed,
                min(last_day(m), today),
                changed,
                not has_money(conn, m),
                unrecorded_parts(firsts, m),
            )
        )
    return result, sums


# -- the figures kept when a month is closed -----------------------------------------------------


@dataclass(frozen=True)
class KeptFigures:
    """A closed month's fee figures as ``keep_month_figures`` kept them (``closing_figures``)."""

    month: Month
    # [fee item id (None: 预收款), 应收, 实收, 清欠, 预收, 欠费余额] per fee item, the same by building
    # (its label first), both only the lines with anything in them
    items: list[list[Any]]
    buildings: list[list[Any]]
    received: int
    received_current: int
    deposit_received: int
    arrears_units: int
    # unit id -> (fen owed at the month's end, bill months owed, the oldest): the units owing
    arrears: dict[int, tuple[int, int, str]]

    def fee_figures(self, names: dict[int, str], *, phases: tuple[str, ...]) -> FeeFigures:
        """The month's ``FeeFigures``, its fee items named as ``names`` (the ledger's fee items) says, its buildings
        ordered knowing ``phases`` (``FeeLedger.phases``; required: without them ``PARK3`` of phase PARK would be
        guessed as phase PAR, building K3)."""
        return _ordered_fee_figures(
            self.month,
            names,
            [FeeLine(UNALLOCATED if item is None else names[item], *fen) for item, *fen in self.items],
            [FeeLine(label, *fen) for label, *fen in self.buildings],
            self.received,
            self.received_current,
            self.deposit_received,
            self.arrears_units,
            phases,
        )


def keep_month_figures(conn: Connection, month: Month) -> None:
    """Keep ``month``'s figures inside the transaction that closes it (``billing.closing.close_month(keep=…)``):
    its work-order figures always (``closed_months.workorder_figures_json``: work orders may still be recorded
    in the month later); its fee figures (the sums by fee item and building, the units owing at its end, its
    point of the 12-month trend) in ``closing_figures`` when its closing balances were stored.  They are what
    ``month_figures`` computes for the month, and final as the balances are."""
    _keep_workorder_figures(conn, month)
    stored = conn.execute(
        sa.select(closed_months.c.balances_since).where(closed_months.c.month == str(month))
    ).scalar_one_or_none()
    if stored is not None:
        _keep_fee_figures(conn, month)


def _keep_workorder_figures(conn: Connection, month: Month) -> None:
    """Store the over month's work-order figures and category rows, as ``month_figures`` computes them."""
    figures = workorder_month_figures(conn, month)
    kept = {
        "month": {
            **{key: value for key, value in vars(figures).items() if key != "opened"},
            "opened": [[kind, category, n] for (kind, category), n in sorted(figures.opened.items())],
        },
        "categories": [vars(row) for row in workorder_category_rows(conn, month)],
    }
    conn.execute(
        sa.update(closed_months)
        .where(closed_months.c.month == str(month))
        .values(workorder_figures_json=json.dumps(kept, ensure_ascii=False, separators=(",", ":")))
    )


def kept_workorder_figures(
    conn: Connection, months: Sequence[Month]
) -> dict[Month, tuple[WorkOrderMonth, list[WorkOrderCategoryMonth]]]:
    """The work-order figures and category rows kept when those of ``months`` that are closed were closed
    (months closed before migration 0021 have none)."""
    kept = {}
    for text, data in conn.execute(
        sa.select(closed_months.c.month, closed_months.c.workorder_figures_json).where(
            closed_months.c.month.in_(sorted({str(m) for m in months})),
            closed_months.c.workorder_figures_json.is_not(None),
        )
    ):
        figures = json.loads(data)
        month = dict(figures["month"])
        month["opened"] = {(kind, category): n for kind, category, n in month["opened"]}
        try:
            kept[parse_month(text)] = (
                WorkOrderMonth(**month),
                [WorkOrderCategoryMonth(**row) for row in figures["categories"]],
            )
        except TypeError:  # kept by a version whose figures had other fields (by name): counted from the work orders
            log.warning("the work-order figures kept for %s do not fit this version; counted again", text)
    return kept


def _keep_fee_figures(conn: Connection, month: Month) -> None:
    """Store the month's fee figures (``keep_month_figures``), after its closing balances."""
    sums = load_fee_ledger(conn, [month], trend=False)
    fees = fee_figures(conn, month, sums)
    ids = {name: item_id for item_id, name in sums.names.items()}

    def fen(line: FeeLine) -> list[int]:
        return [line.billed, line.collected, line.cleared, line.prepaid, line.arrears]

    figures = {
        "items": [[None if line.label == UNALLOCATED else ids[line.label], *fen(line)] for line in fees.by_item],
        "buildings": [[line.label, *fen(line)] for line in fees.by_building],
        "received": fees.received_fen,
        "received_current": fees.received_current_fen,
        "deposit_received": fees.deposit_received_fen,
        "arrears_units": fees.arrears_units,
        "arrears": [
            [unit_id, amounts[0], count, oldest]
            for unit_id, (amounts, count, oldest) in sorted(sums.owing.by_unit.items())
            if amounts[0] > 0
        ],
    }
    conn.execute(
        sa.insert(closing_figures).values(
            closed_month=str(month),
            billed_fen=fees.total.billed,
            collected_fen=fees.total.collected,
            figures_json=json.dumps(figures, ensure_ascii=False, separators=(",", ":")),
        )
    )


def kept_figures(conn: Connection, months: Sequence[Month]) -> dict[Month, KeptFigures]:
    """The kept figures of those of ``months`` that have them and whose closing balances still hold
    (``billing.balances.balances_hold``: nothing was later dated before them)."""
    hold = balances_hold(conn, months)
    if not hold:
        return {}
    kept = {}
    for text, data in conn.execute(
        sa.select(closing_figures.c.closed_month, closing_figures.c.figures_json).where(
            closing_figures.c.closed_month.in_(sorted(str(m) for m in hold))
        )
    ):
        month, figures = parse_month(text), json.loads(data)
        kept[month] = KeptFigures(
            month,
            figures["items"],
            figures["buildings"],
            figures["received"],
            figures["received_current"],
            figures["deposit_received"],
            figures["arrears_units"],
            {unit_id: (fen, count, oldest) for unit_id, fen, count, oldest in figures["arrears"]},
        )
    return kept


def kept_trend(conn: Connection, last: Month, months: int = TREND_MONTHS) -> dict[str, tuple[int, int]]:
    """Bill month -> (应收, 当期实收) of the ``months`` months up to ``last`` that have kept figures
    whose balances still hold."""
    hold = balances_hold(conn, [last - offset for offset in range(months)])
    if not hold:
        return {}
    return {
        month: (_int(billed), _int(collected))
        for month, billed, collected in conn.execute(
            sa.select(
                closing_figures.c.closed_month, closing_figures.c.billed_fen, closing_figures.c.collected_fen
            ).where(closing_figures.c.closed_month.in_(sorted(str(m) for m in hold)))
        )
    }


@dataclass(frozen=True)
class TrendPoint:
    month: Month
    billed: int
    collected: int
    # False for a month before the books' first: no data (its 0s are nobody's figures), no rate
    recorded: bool = True

    @property
    def rate(self) -> Decimal | None:
        return shown_rate(self.collected, self.billed) if self.recorded else None


def collection_trend(
    sums: FeeLedger, month: Month, months: int = TREND_MONTHS, books_from: Month | None = None
) -> list[TrendPoint]:
    """应收 and 当期实收 of the ``months`` months up to ``month`` (each measured at its own month end); those
    before ``books_from`` (the books' first month, ``first_months``) not ``recorded``."""
    span = [str(month - offset) for offset in range(months - 1, -1, -1)]
    missing = [key for key in span if key not in sums.trend]
    if missing:
        raise ValueError(f"the fee sums hold the trend of {sorted(sums.trend)}, not {missing}")
    return [
        TrendPoint(parse_month(key), *sums.trend[key], books_from is None or parse_month(key) >= books_from)
        for key in span
    ]
