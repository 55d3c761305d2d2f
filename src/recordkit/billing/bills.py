"""The month's bills: planning them from the rules, meter readings, and making them in the ledger (``fees bill``).

What a bill is worth comes from ``rules``; how money already paid follows a changed bill
comes from ``allocations``.  Payments, receipts and arrears live elsewhere.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from recordkit.billing.allocations import apply_prepayments, shrink_allocations
from recordkit.billing.closing import check_open
from recordkit.billing.rules import FeeItem, bill_amount, find_item, format_hundredths, load_items, round_fen
from recordkit.core.dates import BUSINESS_YEARS, Month, check_business_month, parse_month, utc_bounds
from recordkit.core.errors import NotFoundError, UsageError, ValidationError
from recordkit.core.filenames import readable_name
from recordkit.core.money import decimal_number
from recordkit.core.sheets import Column, footer_rows, read_table
from recordkit.core.unitcodes import parse_unit_code
from recordkit.ledger import journal
from recordkit.ledger.db import bulk_insert, missing_unit, unknown_units
from recordkit.ledger.schema import bills, meter_readings, units
from recordkit.ledger.schema import journal as journal_rows

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from recordkit.core.sheets import ProgressCallback
    from recordkit.ledger.db import Ledger


# -- planning -------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitForBilling:
    id: int
    code: str
    floor_area_hundredths: int
    status: str
    # 住宅 / 别墅 / 商铺 / 车位 / 储藏室: a rate may bill some kinds only.
    kind: str = "住宅"


@dataclass(frozen=True)
class PlannedBill:
    unit_id: int
    item_id: int
    amount_fen: int
    basis: str
    rate_id: int


def occupancy_in(month: Month, status: str, move_in_date: dt.date | None, recorded: str | None) -> tuple[str, bool]:
    """The status ``month`` is billed with, and whether the ledger can tell it was the unit's then.

    ``status`` and ``move_in_date`` are the unit's today; ``recorded`` is the status the ledger held at
    the month's end (from the journal; None when the unit was not in the ledger yet).  An occupied unit
    that moved in after the month's end had not moved in then: the status recorded then, or else delivered
    (it has an owner: sold, not moved in, which gets no vacant discount — only a unit recorded 空置 does).  One
    that moved in by the month's end was occupied.  Otherwise the ledger keeps no date of the change: when
    the status recorded then is billed differently from today's (vacant or not), today's is used and
    reported as a guess (False).
    """
    if status == "occupied" and move_in_date is not None:
        if move_in_date > month.last_day():
            return (recorded if recorded in ("vacant", "delivered") else "delivered"), True
        return status, True
    if recorded is not None and (recorded == "vacant") != (status == "vacant"):
        return status, False
    return status, True


def plan_bills(
    month: Month,
    items: Sequence[FeeItem],
    units: Sequence[UnitForBilling],
    readings: Mapping[tuple[int, int], tuple[int, int]],
    rounding: str,
) -> list[PlannedBill]:
    """Every bill of ``month`` for ``units`` under ``items``' rules (a pure decision).

    Metered items bill units with a reading ``(previous, current)`` keyed by
    ``(unit_id, item_id)``; vacant units pay the rate's ``vacant_percent``; a rate
    scoped to some units skips the others; amounts of 0 fen make no bill.
    """
    planned = []
    for item in items:
        rate = item.rate_for(month)
        if rate is None:
            continue
        for unit in units:
            if not rate.applies_to(unit.code, unit.kind):
                continue
            percent = rate.vacant_percent if unit.status == "vacant" else 100
            reading = None
            quantity = 0
            if item.kind == "area":
                quantity = unit.floor_area_hundredths
            elif item.kind == "metered":
                reading = readings.get((unit.id, item.id))
                if reading is None:
                    continue
                quantity = reading[1] - reading[0]
            amount = bill_amount(item.kind, rate.rate, quantity, percent, rounding)
            if amount > 0:
                planned.append(
                    PlannedBill(unit.id, item.id, amount, item.basis(rate, quantity, percent, reading), rate.id)
                )
    return planned


def _recorded_statuses(conn: Connection, month: Month, zone: str, moved_in_later: Sequence[str]) -> dict[str, str]:
    """unit code -> the status the ledger held at the end of ``month`` (its last roster change before
    then), or the first it recorded for a unit entered after the month: of the units whose roster changed
    after the month and of ``moved_in_later`` (occupied now, moved in after it).  Any other unit's status
    then is its status now (every change of it is journalled), which ``occupancy_in`` needs no record of: a
    month's billing reads no journal row unless something changed since (an index on action and time)."""
    _, end = utc_bounds(month, zone)
    actions = journal_rows.c.action.in_(("unit.create", "unit.update"))
    keys = {*moved_in_later}
    keys.update(
        conn.execute(
            sa.select(journal_rows.c.entity_key).where(
                actions, journal_rows.c.at >= end, journal_rows.c.entity == "unit"
            )
        ).scalars()
    )
    if not keys:
        return {}
    query = sa.select(journal_rows.c.entity_key, journal_rows.c.at, journal_rows.c.after).where(
        actions, journal_rows.c.entity == "unit"
    )
    if len(keys) <= _FEW_UNITS:  # (else every unit's rows: a long IN list costs more than reading them)
        query = query.where(journal_rows.c.entity_key.in_(sorted(keys)))
    found: dict[str, str] = {}
    for key, at, after in conn.execute(query.order_by(journal_rows.c.id)):
        status = json.loads(after).get("status") if after else None
        if status and (at < end or key not in found):
            found[key] = status
    return found


#: Up to this many units' journal rows are read by their keys (``_recorded_statuses``).
_FEW_UNITS = 500


# -- meter readings -----------------------------------------------------------------------


#: What to do when a meter reads less than last time: it was replaced, or it went past its last digit.
#: How far ``fees bill --advance`` reaches past the current month: a year of bills made ahead.
MAX_ADVANCE_MONTHS = 12

LOWER_READING_HINT = (
    "换了新表的，上期读数写新表的起始读数并在“备注”列写“换表”；"
    "表走满一圈归零的，本期读数加上表的量程（如四位表 9990→15 写作 9990→10015）"
)


@dataclass
class ReadingsSummary:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    billed_changed: list[str] = field(default_factory=list)  # units whose billed reading changed
    totals: list[int] = field(default_factory=list)  # 合计/小计 rows of another system's export, left out
    footers: list[int] = field(default_factory=list)  # footer lines under the data (制表人、备注 …), left out


def parse_reading(value: Any) -> int:
    """A meter reading cell in hundredths; ``ValueError`` with the Chinese reason.

    A number cell is read as Excel holds it; text is read as an amount is (``money.decimal_number``):
    full-width digits and trailing spaces fold, a comma only between thousands (``1,234.5``, as other
    systems export numbers stored as text), digits 0-9 only — ``1E2``, ``1_50`` or ``1,2`` are refused,
    never read as 100, 150 or 12."""
    if value is None or isinstance(value, bool):
        raise ValueError("不能为空")
    if isinstance(value, float):
        number: Decimal | None = Decimal(repr(value)) if math.isfinite(value) else None
    elif isinstance(value, int):
        number = Decimal(value)
    else:
        number = decimal_number("".join(unicodedata.normalize("NFKC", str(value)).split()))
    if number is None:
        raise ValueError(f"“{value}” 不是数字：读数应写成 1234.5 或 1,234.5 这样的数字")
    if number < 0:
        raise ValueError(f"读数不能为负数：{value}")
    if number >= 1_000_000_000:  # before quantize: 1e308 has more digits than Decimal's context holds
        raise ValueError(f"读数 {value} 过大，请检查")
    if number != number.quantize(Decimal("0.01")):
        raise ValueError(f"读数 {value} 最多两位小数")
    return int(number * 100)


def import_readings(
    ledger: Ledger,
    path: Path,
    month_text: str,
    operator: str,
    item_name: str | None = None,
    progress: ProgressCallback | None = None,
    years: tuple[int, int] = BUSINESS_YEARS,
    today: dt.date | None = None,
    phases: Mapping[str, str] | None = None,
) -> ReadingsSummary:
    """Import a month's meter readings (``fees readings FILE.xlsx``): all or nothing.

    Columns: 房号, 上期读数, 本期读数 and optionally 项目 (else ``item_name``) and 备注.  Every
    bad cell is named by row and column (unknown unit, unknown or non-metered item, an item
    not billed to that unit that month, a current reading below the previous one, a previous
    reading other than last month's current one unless 备注 says 换表, the same unit twice)
    and then nothing is written (``ValidationError``); a sheet without a 项目 column read without
    ``item_name`` is one ``ValidationError``, not one for each row.  A 合计/小计 row (another system's
    export) is left out and named (``totals``).  A month outside ``years`` (the books' years,
    ``[receipt] first_year``–``last_year``) or more than ``MAX_ADVANCE_MONTHS`` after ``today``'s (default this
    computer's day) is a ``ValidationError`` before the sheet is read.  ``phases`` (``OfficeSettings.phase_table()``)
    reads a 房号 with the estate's phase spellings, as ``--unit`` is read; a unit of the same code in other phases is
    asked about (``ledger.db.missing_unit``).
    """

    month = check_business_month(parse_month(month_text), "读数月份", years)
    this_month = Month.of(today or dt.date.today())
    if month > (latest := this_month + MAX_ADVANCE_MONTHS):  # as ``bill_month``'s reach: a year typed wrong
        raise ValidationError(
            f"读数月份最迟为本月后 {MAX_ADVANCE_MONTHS} 个月（现在是 {this_month}，最迟 {latest}）：{month} 请检查年份"
        )
    columns = (
        Column("unit", "房号", ("房屋", "房屋编号", "门牌号"), required=True),
        Column("item", "项目", ("收费项目", "表类")),
        Column("previous", "上期读数", ("上月读数", "起数", "起码", "上次读数"), required=True),
        Column("current", "本期读数", ("本月读数", "止数", "止码", "本次读数"), required=True),
        Column("note", "备注", ("说明",)),
    )
    table = read_table(path, columns, progress)
    if item_name is None and "item" not in table.letters:
        # Said once for the sheet, not once for each of its rows.
        raise ValidationError(
            f"{readable_name(path.name)} 没有“项目”列，读数属于哪个收费项目没有写明：请用 --item 指定，"
            "例如 --item 水费；或在表中加一列“项目”"
        )
    with ledger.read() as conn:
        items = {item.name: item for item in load_items(conn)}
        unit_rows = {
            row.code: (row.id, row.kind) for row in conn.execute(sa.select(units.c.code, units.c.id, units.c.kind))
        }
        # What each meter read at the end of the month before: this month's 上期读数 starts there.
        last_readings = {
            (r.unit_id, r.item_id): r.current_hundredths
            for r in conn.execute(
                sa.select(
                    meter_readings.c.unit_id, meter_readings.c.item_id, meter_readings.c.current_hundredths
                ).where(meter_readings.c.month == str(month - 1))
            )
        }
        if item_name is not None and item_name not in items:
            raise NotFoundError(f"没有收费项目“{item_name}”。现有项目：{'、'.join(items) or '（还没有收费项目）'}")
        footers, problems = footer_rows(table, lambda row: not row.total, "读数")
        parsed: dict[tuple[int, int], tuple[int, int, int, str, str]] = {}
        totals: list[int] = []
        for row in table.rows:
            cells, number = row.cells, row.number
            if row.footer:  # 制表人：李文, 备注：… under the readings: no meter (one above a reading is a problem)
                continue
            if row.total:  # another system's 合计/小计 row: the sum of the readings above, not a meter
                totals.append(number)
                continue
            unit_id = None
            kind = ""
            try:
                code = str(parse_unit_code(str(cells["unit"] or ""), phases=phases or None))
                unit_id, kind = unit_rows.get(code, (None, ""))
                if unit_id is None:
                    problems.append(table.problem(number, "unit", missing_unit(conn, code)))
            except ValidationError as err:
                problems.append(table.problem(number, "unit", err.message))
                code = ""
            name = str(cells["item"]).strip() if cells["item"] is not None else item_name
            item = items.get(name or "")
            if name is None:
                problems.append(table.problem(number, "item", "没有写明收费项目：请加“项目”列，或用 --item 指定"))
            elif item is None:
                problems.append(table.problem(number, "item", f"没有收费项目“{name}”"))
            elif item.kind != "metered":
                problems.append(table.problem(number, "item", f"“{name}”不是按读数收费的项目"))
                item = None
            elif unit_id is not None:
                rate = item.rate_for(month)
                if rate is None:
                    problems.append(table.problem(number, "item", f"“{name}”在 {month} 还没有收费标准"))
                    item = None
                elif not rate.applies_to(code, kind):
                    problems.append(
                        table.problem(number, "unit", f"{month} 的“{name}”不向房屋 {code} 收取，读数不会出账")
                    )
                    item = None
            values = []
            for key in ("previous", "current"):
                try:
                    values.append(parse_reading(cells[key]))
                except ValueError as err:
                    problems.append(table.problem(number, key, str(err)))
            if len(values) != 2:
                continue
            previous, current = values
            replaced = "换表" in str(cells["note"] or "")
            if current < previous:
                problems.append(
                    table.problem(
                        number,
                        "current",
                        f"本期读数 {format_hundredths(current)} 小于上期读数 {format_hundredths(previous)}：{LOWER_READING_HINT}",
                    )
                )
                continue
            if unit_id is None or item is None:
                continue
            pair = (unit_id, item.id)
            last = last_readings.get(pair)
            if last is not None and last != previous and not replaced:
                problems.append(
                    table.problem(
                        number,
                        "previous",
                        f"上期读数 {format_hundredths(previous)} 与 {month - 1} 导入的本期读数 {format_hundredths(last)} "
                        "不一致：请核对；换了新表的，请在“备注”列写“换表”",
                    )
                )
                continue
            if pair in parsed:
                problems.append(
                    table.problem(number, "unit", f"房屋 {code} 的{item.name}读数与第 {parsed[pair][2]} 行重复")
                )
                continue
            parsed[pair] = (previous, current, number, code, item.name)
    if problems:
        raise ValidationError(f"{readable_name(path.name)} 有 {len(problems)} 处错误，没有导入任何读数", problems)
    if not parsed:
        raise ValidationError(f"{readable_name(path.name)} 的表头下面没有读数")

    summary = ReadingsSummary(rows=len(parsed), totals=totals, footers=footers)
    with ledger.write() as conn:
        check_open(conn, month, "导入这个月的读数")
        existing = {
            (r.unit_id, r.item_id): r
            for r in conn.execute(sa.select(meter_readings).where(meter_readings.c.month == str(month)))
        }
        billed = {
            tuple(row)
            for row in conn.execute(
                sa.select(bills.c.unit_id, bills.c.item_id).where(bills.c.month == str(month))
            ).all()
        }
        inserts, updates, changes = [], [], []
        for (unit_id, item_id), (previous, current, _, code, name) in parsed.items():
            after = {
                "item": name,
                "month": str(month),
                "previous": format_hundredths(previous),
                "current": format_hundredths(current),
            }
            old = existing.get((unit_id, item_id))
            if old is None:
                inserts.append(
                    {
                        "unit_id": unit_id,
                        "item_id": item_id,
                        "month": str(month),
                        "previous_hundredths": previous,
                        "current_hundredths": current,
                    }
                )
                changes.append(journal.Change("reading.create", "reading", code, None, after))
            elif (old.previous_hundredths, old.current_hundredths) != (previous, current):
                updates.append({"pk": old.id, "new_previous": previous, "new_current": current})
                changes.append(
                    journal.Change(
                        "reading.update",
                        "reading",
                        code,
                        {
                            **after,
                            "previous": format_hundredths(old.previous_hundredths),
                            "current": format_hundredths(old.current_hundredths),
                        },
                        after,
                    )
                )
                if (unit_id, item_id) in billed:
                    summary.billed_changed.append(code)
            else:
                summary.unchanged += 1
        bulk_insert(conn, meter_readings, inserts)
        if updates:
            conn.execute(
                sa.update(meter_readings)
                .where(meter_readings.c.id == sa.bindparam("pk"))
                .values(
                    previous_hundredths=sa.bindparam("new_previous"), current_hundredths=sa.bindparam("new_current")
                ),
                updates,
            )
        journal.record(conn, operator, changes)
    summary.created, summary.updated = len(inserts), len(updates)
    return summary


# -- billing ------------------------------------------------------------------------------


@dataclass
class BillingSummary:
    month: Month
    advance: bool = False  # the month is after the current one: its bills are not due yet
    created: int = 0
    created_fen: int = 0
    unchanged: int = 0
    differing: int = 0  # existing bills the current rules would make differently (without --rebill)
    rebilled: int = 0
    removed: int = 0
    prepayment_applied_fen: int = 0
    by_item: dict[str, list[int]] = field(default_factory=dict)  # name -> [bills, fen] created
    metered_without_reading: dict[str, int] = field(default_factory=dict)
    # name -> codes of the units an area rule reaches that have no floor area (parking spaces), in code order
    without_area: dict[str, list[str]] = field(default_factory=dict)
    # (code, status) of the units whose bills made or changed here use today's occupancy because the
    # ledger cannot tell the month's (its status changed after the month, with no move-in date to date it)
    today_occupancy: list[tuple[str, str]] = field(default_factory=list)


def _check_item_bills(item: FeeItem, month: Month, named: Sequence[UnitForBilling]) -> None:
    """``ValidationError`` when ``fees bill --item`` could bill nothing for a reason of the rules:
    the item has no rate in ``month``, or its rate does not bill some of the ``named`` units.
    Else the command would answer "no bills to make (0 there)", which reads as billed already."""
    rate = item.rate_for(month)
    if rate is None:
        raise ValidationError(
            f"“{item.name}”在 {month} 还没有收费标准，不能出账：它从哪个月起执行请用 recordkit fees rules list --history 查看"
        )
    outside = [unit.code for unit in named if not rate.applies_to(unit.code, unit.kind)]
    if outside:
        raise ValidationError(
            f"{month} 的“{item.name}”不向房屋 {'、'.join(outside)} 收取，不能出账：适用的房屋请用 recordkit fees rules list 查看"
        )


def bill_month(
    ledger: Ledger,
    month_text: str,
    operator: str,
    rounding: str = "half_up",
    rebill: bool = False,
    item_name: str | None = None,
    unit_texts: Sequence[str] = (),
    advance: bool = False,
    today: dt.date | None = None,
    zone: str = "Asia/Shanghai",
    deposit_item: str | None = None,
    years: tuple[int, int] = BUSINESS_YEARS,
    phases: Mapping[str, str] | None = None,
) -> BillingSummary:
    """Make ``month``'s bills for every unit the rules apply to (``fees bill``); ``unit_texts`` are read with the
    estate's ``phases`` (``OfficeSettings.phase_table()``).

    Idempotent: bills already there are left alone and a second run creates nothing. Bills the current rules would make
    differently are counted in ``differing``; with ``rebill`` they are changed (each change journalled), a bill no rule
    makes any more is removed (kept at 0 only while a voided payment's record still points at it), and money paid beyond
    a lowered or removed bill goes back to the payer's prepayment.  Prepayment (预收) pays the bills made or raised in
    this run, oldest payment first.  One-off items are billed only when named with ``item_name`` and ``unit_texts``.
    Raises ``NotFoundError`` for an unknown item or unit, ``ValidationError`` for ``item_name`` without a rate in
    ``month`` or not billing one of the units named (unless ``rebill``), ``UsageError`` for a one-off item without
    units, for ``deposit_item`` (the renovation deposit, billed by a renovation's registration only: a bill of it made
    here would be no renovation's, owed as a fee) or for a month after ``today``'s without ``advance`` (bills made ahead
    fall due only on the 1st of their month); ``ValidationError`` for a month more than ``MAX_ADVANCE_MONTHS`` after
    ``today``'s (with ``advance``: a year typed wrong) or outside ``years`` (the books' years,
    ``[receipt] first_year``–``last_year``: 2100-01 is a year typed wrong, with or without ``advance``)."""

    month = check_business_month(parse_month(month_text), "出账月份", years)
    current = Month.of(today or dt.date.today())
    if month > current and not advance:
        raise UsageError(
            f"{month} 还没有到（现在是 {current}）：提前出账请加 --advance；"
            "提前出的账单到该月 1 日才计入欠费，预收款会先冲抵它们"
        )
    if month > (latest := current + MAX_ADVANCE_MONTHS):
        # 2099-01 inside the books' years is still a year typed wrong: it would bill the whole estate
        # decades ahead and spend every unit's prepayment on those bills.
        raise ValidationError(
            f"提前出账最多到 {latest}（现在是 {current}，最多提前 {MAX_ADVANCE_MONTHS} 个月）：{month} 请检查年份"
        )
    round_fen(1, 1, rounding)  # a wrong setting fails before anything is read
    codes = [str(parse_unit_code(text, phases=phases)) for text in unit_texts]
    summary = BillingSummary(month, advance=month > current)
    with ledger.write() as conn:
        check_open(conn, month, "出这个月的账或重算")
        items = load_items(conn)
        if item_name is not None:
            items = [find_item(conn, item_name)]
            if items[0].name == deposit_item:
                raise UsageError(
                    f"“{items[0].name}”是装修押金，在装修登记时出账：请用 recordkit renovation register 登记装修，"
                    "再用 recordkit renovation pay 收取"
                )
            if items[0].kind == "oneoff" and not codes:
                raise UsageError(f"“{items[0].name}”是一次性项目，请用 --unit 指定要收取的房屋")
        else:
            items = [item for item in items if item.kind != "oneoff"]
        query = sa.select(
            units.c.id, units.c.code, units.c.floor_area_hundredths, units.c.status, units.c.kind, units.c.move_in_date
        )
        if codes:
            query = query.where(units.c.code.in_(codes))
        rows = conn.execute(query).all()
        last_day = month.last_day()
        moved_in_later = [
            r.code for r in rows if r.status == "occupied" and r.move_in_date and r.move_in_date > last_day
        ]
        recorded = _recorded_statuses(conn, month, zone, moved_in_later)
        unit_rows, guessed = [], {}
        for row in rows:
            status, known = occupancy_in(month, row.status, row.move_in_date, recorded.get(row.code))
            unit_rows.append(UnitForBilling(row.id, row.code, row.floor_area_hundredths, status, row.kind))
            if not known:
                guessed[row.id] = row.code
        missing = sorted(set(codes) - {u.code for u in unit_rows})
        if missing:
            raise unknown_units(conn, missing)
        if item_name is not None and not rebill:  # (a rebill may remove bills the rule no longer makes)
            _check_item_bills(items[0], month, unit_rows if codes else [])
        item_ids = [item.id for item in items]
        readings = {
            (r.unit_id, r.item_id): (r.previous_hundredths, r.current_hundredths)
            for r in conn.execute(
                sa.select(meter_readings).where(
                    meter_readings.c.month == str(month), meter_readings.c.item_id.in_(item_ids)
                )
            )
        }
        planned = plan_bills(month, items, unit_rows, readings, rounding)
        unit_ids = {u.id for u in unit_rows}
        existing = {
            (r.unit_id, r.item_id): r
            for r in conn.execute(
                sa.select(bills.c.id, bills.c.unit_id, bills.c.item_id, bills.c.amount_fen, bills.c.basis).where(
                    # The month's bill of each item; a one-off charged again that month (a second
                    # renovation's, ``bills.serial``) is its renovation's, never rebilled or removed here.
                    bills.c.month == str(month),
                    bills.c.item_id.in_(item_ids),
                    bills.c.serial == 0,
                )
            )
            if r.unit_id in unit_ids
        }
        names = {item.id: item.name for item in items}
        code_of = {u.id: u.code for u in unit_rows}
        for item in items:
            in_force = item.rate_for(month)
            if item.kind == "metered" and in_force is not None:
                without = sum(
                    1 for u in unit_rows if in_force.applies_to(u.code, u.kind) and (u.id, item.id) not in readings
                )
                if without:
                    summary.metered_without_reading[item.name] = without
            if item.kind == "area" and in_force is not None:
                arealess = [
                    u.code for u in unit_rows if not u.floor_area_hundredths and in_force.applies_to(u.code, u.kind)
                ]
                if arealess:
                    summary.without_area[item.name] = sorted(arealess, key=lambda code: parse_unit_code(code).sort_key)

        new_rows: list[dict[str, Any]] = []
        changed, changes = [], []
        for bill in planned:
            old = existing.pop((bill.unit_id, bill.item_id), None)
            if old is None:
                new_rows.append(
                    {
                        "unit_id": bill.unit_id,
                        "item_id": bill.item_id,
                        "month": str(month),
                        "amount_fen": bill.amount_fen,
                        "basis": bill.basis,
                        "rate_id": bill.rate_id,
                    }
                )
                entry = summary.by_item.setdefault(names[bill.item_id], [0, 0])
                entry[0] += 1
                entry[1] += bill.amount_fen
            elif (old.amount_fen, old.basis) != (bill.amount_fen, bill.basis):
                changed.append((old, bill))
            else:
                summary.unchanged += 1
        # What is left in `existing` no rule makes any more.
        dropped = list(existing.values())
        # Only the percent for vacant units depends on occupancy: a guess matters where it is not 100.
        guess_matters = {
            unit.id
            for unit in unit_rows
            if unit.id in guessed
            and any(
                (rate := item.rate_for(month)) is not None
                and rate.vacant_percent != 100
                and rate.applies_to(unit.code, unit.kind)
                for item in items
            )
        }
        made = {row["unit_id"] for row in new_rows} | {old.unit_id for old, _ in changed} | {o.unit_id for o in dropped}
        status_of = {u.id: u.status for u in unit_rows}
        summary.today_occupancy = sorted(
            ((guessed[i], status_of[i]) for i in guess_matters & made), key=lambda g: parse_unit_code(g[0]).sort_key
        )
        summary.differing = len(changed) + len(dropped)

        bulk_insert(conn, bills, new_rows)
        summary.created = len(new_rows)
        summary.created_fen = sum(row["amount_fen"] for row in new_rows)
        touched_units = {row["unit_id"] for row in new_rows}
        if rebill and (changed or dropped):
            for old, bill in changed:
                conn.execute(
                    sa.update(bills)
                    .where(bills.c.id == old.id)
                    .values(amount_fen=bill.amount_fen, basis=bill.basis, rate_id=bill.rate_id)
                )
                shrink_allocations(conn, old.id, bill.amount_fen)
                changes.append(
                    journal.Change(
                        "bill.rebill",
                        "bill",
                        f"{code_of[old.unit_id]} {names[old.item_id]} {month}",
                        {"amount_fen": old.amount_fen, "basis": old.basis},
                        {"amount_fen": bill.amount_fen, "basis": bill.basis},
                    )
                )
                touched_units.add(old.unit_id)
            for old in dropped:
                key = f"{code_of[old.unit_id]} {names[old.item_id]} {month}"
                if shrink_allocations(conn, old.id, 0):
                    conn.execute(sa.update(bills).where(bills.c.id == old.id).values(amount_fen=0))
                    changes.append(
                        journal.Change("bill.rebill", "bill", key, {"amount_fen": old.amount_fen}, {"amount_fen": 0})
                    )
                else:
                    conn.execute(sa.delete(bills).where(bills.c.id == old.id))
                    changes.append(journal.Change("bill.remove", "bill", key, {"amount_fen": old.amount_fen}, None))
                    summary.removed += 1
            summary.rebilled = len(changed) + len(dropped) - summary.removed
            summary.differing = 0
        if touched_units:
            summary.prepayment_applied_fen = apply_prepayments(conn, sorted(touched_units), month)
        if new_rows or changes:
            changes.insert(
                0,
                journal.Change(
                    "bill.month",
                    "bill",
                    str(month),
                    None,
                    {
                        "created": summary.created,
                        "created_fen": summary.created_fen,
                        "by_item": {name: {"bills": n, "fen": fen} for name, (n, fen) in summary.by_item.items()},
                        "rebilled": summary.rebilled,
                        "removed": summary.removed,
                        "prepayment_applied_fen": summary.prepayment_applied_fen,
                    },
                ),
            )
            journal.record(conn, operator, changes)
    return summary
