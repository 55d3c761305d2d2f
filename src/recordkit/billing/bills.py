"""Fee items and their rules (with history), meter readings, monthly billing and arrears.

The ledger is the source of truth for rules: ``[[fees.items]]`` in recordkit.toml
seeds an item the ledger does not have yet, and ``fees rules add|set`` change the
ledger.  Payments, receipts and the printed registers live elsewhere (receipts,
fee_registers); this module decides what is owed.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from recordkit.core.dates import Month, parse_month
from recordkit.core.errors import CellProblem, ConfigError, ConflictError, NotFoundError, UsageError, ValidationError
from recordkit.core.filenames import readable_name
from recordkit.core.money import format_yuan
from recordkit.core.unitcodes import parse_unit_code
from recordkit.ledger import journal

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from recordkit.core.config import FeeItemSettings, FeesSettings
    from recordkit.core.sheets import ProgressCallback
    from recordkit.ledger.db import Ledger

#: kind -> (how the clerk reads it, the rate's usual unit)
KINDS: dict[str, tuple[str, str]] = {
    "area": ("按面积", "元/㎡·月"),
    "fixed": ("每月固定", "元/月"),
    "metered": ("按读数", "元/吨"),
    "oneoff": ("一次性", "元/次"),
}
ROUNDING: dict[str, str] = {"half_up": "四舍五入", "down": "舍去", "up": "进一"}
#: Rates are stored as 元 x 10,000 (four decimals).
RATE_SCALE = 10_000


# -- pure rules ------------------------------------------------------------------------


def parse_rate(text: str) -> int:
    """A rate in 元 (up to four decimals) as ten-thousandths of a yuan: ``"2.35"`` → ``23500``.

    Zero is allowed (an item that stops being charged from a month); ``ValidationError``
    for text that is not a number, a negative rate or more than four decimals.
    """
    shown = str(text).strip()
    folded = unicodedata.normalize("NFKC", shown).replace(",", "")
    try:
        value = Decimal(folded)
    except InvalidOperation:
        raise ValidationError(f"收费标准“{shown}”不是数字，应写成 2.35 这样的金额（元，最多四位小数）") from None
    if not value.is_finite():
        raise ValidationError(f"收费标准“{shown}”不是数字，应写成 2.35 这样的金额（元，最多四位小数）")
    if value < 0:
        raise ValidationError(f"收费标准不能为负数：{shown}")
    if value != value.quantize(Decimal("0.0001")):
        raise ValidationError(f"收费标准“{shown}”超过四位小数")
    if value >= 1_000_000:
        raise ValidationError(f"收费标准“{shown}”过大，请检查单位是否为元")
    return int(value * RATE_SCALE)


def format_rate(rate: int) -> str:
    """Ten-thousandths of a yuan as the rate is written: ``23500`` → ``"2.35"``, ``23456`` → ``"2.3456"``."""
    text = f"{Decimal(rate).scaleb(-4):.4f}"
    while text.endswith("0") and len(text.split(".")[1]) > 2:
        text = text[:-1]
    return text


def round_fen(numerator: int, denominator: int, rounding: str) -> int:
    """``numerator / denominator`` fen rounded to a whole fen (non-negative amounts)."""
    if rounding == "half_up":
        return (2 * numerator + denominator) // (2 * denominator)
    if rounding == "down":
        return numerator // denominator
    if rounding == "up":
        return -(-numerator // denominator)
    raise ConfigError(
        f"fees.rounding 应为 {'、'.join(ROUNDING)} 之一（{'、'.join(ROUNDING.values())}），现在是 {rounding!r}"
    )


def bill_amount(kind: str, rate: int, quantity_hundredths: int, percent: int, rounding: str) -> int:
    """A bill in fen, rounded once at the end: area and metered items multiply ``rate`` by a
    quantity (m² or 吨/度, in hundredths); fixed and one-off items take the rate as it is.
    ``percent`` is the share charged (the vacancy rule)."""
    if kind in ("area", "metered"):
        return round_fen(quantity_hundredths * rate * percent, 100 * 100 * 100, rounding)
    return round_fen(rate * percent, 100 * 100, rounding)


def _hundredths(value: int) -> str:
    return f"{Decimal(value).scaleb(-2):.2f}"


@dataclass(frozen=True)
class Rate:
    """One row of a rule's history: applies from ``effective_from`` until the next row."""

    id: int
    effective_from: Month
    rate: int
    vacant_percent: int
    unit_codes: frozenset[str] | None  # None: every unit

    def applies_to(self, unit_code: str) -> bool:
        return self.unit_codes is None or unit_code in self.unit_codes


@dataclass(frozen=True)
class FeeItem:
    id: int
    name: str
    kind: str
    unit_label: str
    rates: tuple[Rate, ...]  # oldest first

    def rate_for(self, month: Month) -> Rate | None:
        """The rate in force in ``month`` (the newest one that started on or before it)."""
        current = None
        for rate in self.rates:
            if rate.effective_from <= month:
                current = rate
        return current

    @property
    def quantity_unit(self) -> str:
        return self.unit_label.split("/", 1)[1] if "/" in self.unit_label else ""

    def basis(self, rate: Rate, quantity_hundredths: int, percent: int, reading: tuple[int, int] | None) -> str:
        """How the amount was reached, as a bill and a receipt print it."""
        price = f"{format_rate(rate.rate)}{self.unit_label}"
        if self.kind == "area":
            text = f"{_hundredths(quantity_hundredths)}㎡ × {price}"
        elif self.kind == "metered" and reading is not None:
            text = (
                f"读数 {_hundredths(reading[0])}→{_hundredths(reading[1])}，"
                f"{_hundredths(quantity_hundredths)}{self.quantity_unit.split('·')[0]} × {price}"
            )
        else:
            text = price
        return text + (f" × {percent}%（空置）" if percent != 100 else "")


@dataclass(frozen=True)
class UnitForBilling:
    id: int
    code: str
    floor_area_hundredths: int
    status: str


@dataclass(frozen=True)
class PlannedBill:
    unit_id: int
    item_id: int
    amount_fen: int
    basis: str
    rate_id: int


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
            if not rate.applies_to(unit.code):
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


AGING_BUCKETS = ("1-3", "4-6", "7-12", ">12")
AGING_LABELS = {"1-3": "1–3个月", "4-6": "4–6个月", "7-12": "7–12个月", ">12": "12个月以上"}


def aging_bucket(age_months: int) -> str:
    """The aging bucket of a bill ``age_months`` old (its own month counts as 1)."""
    if age_months <= 3:
        return "1-3"
    if age_months <= 6:
        return "4-6"
    if age_months <= 12:
        return "7-12"
    return ">12"


# -- rules in the ledger -----------------------------------------------------------------


def _check_kind(kind: str) -> str:
    if kind not in KINDS:
        options = "、".join(f"{key}（{label}）" for key, (label, _) in KINDS.items())
        raise ValidationError(f"收费方式“{kind}”无效，应为 {options} 之一")
    return kind


def _check_percent(percent: int) -> int:
    if not 0 <= percent <= 100:
        raise ValidationError(f"空置房收取比例应在 0 至 100 之间，现在是 {percent}")
    return percent


def _clean_units(codes: Iterable[str]) -> frozenset[str] | None:
    cleaned = frozenset(str(parse_unit_code(code)) for code in codes if str(code).strip())
    return cleaned or None


def _rate_row(item_id: int, month: Month, rate: int, percent: int, units: frozenset[str] | None) -> dict[str, Any]:
    return {
        "item_id": item_id,
        "effective_from": str(month),
        "rate_ten_thousandths": rate,
        "vacant_percent": percent,
        "unit_codes": json.dumps(sorted(units), ensure_ascii=False) if units else None,
    }


def _rate_snapshot(name: str, row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "item": name,
        "from": row["effective_from"],
        "rate": format_rate(row["rate_ten_thousandths"]),
        "vacant_percent": row["vacant_percent"],
        "units": json.loads(row["unit_codes"]) if row["unit_codes"] else None,
    }


def load_items(conn: Connection) -> list[FeeItem]:
    """Every fee item with its rate history, in the order they were created."""
    import sqlalchemy as sa

    from recordkit.ledger.schema import fee_items, fee_rates

    rates: dict[int, list[Rate]] = defaultdict(list)
    for row in conn.execute(sa.select(fee_rates).order_by(fee_rates.c.effective_from)):
        codes = frozenset(json.loads(row.unit_codes)) if row.unit_codes else None
        rates[row.item_id].append(
            Rate(row.id, parse_month(row.effective_from), row.rate_ten_thousandths, row.vacant_percent, codes)
        )
    return [
        FeeItem(row.id, row.name, row.kind, row.unit_label, tuple(rates[row.id]))
        for row in conn.execute(sa.select(fee_items).order_by(fee_items.c.id))
    ]


def _find_item(conn: Connection, name: str) -> FeeItem:
    items = load_items(conn)
    for item in items:
        if item.name == name.strip():
            return item
    known = "、".join(item.name for item in items) or "（还没有收费项目）"
    raise NotFoundError(f"没有收费项目“{name}”。现有项目：{known}。新增项目用 recordkit fees rules add")


def _insert_item(
    conn: Connection,
    operator: str,
    name: str,
    kind: str,
    unit_label: str,
    rate: int,
    month: Month,
    percent: int,
    units: frozenset[str] | None,
    action: str,
) -> None:
    import sqlalchemy as sa

    from recordkit.ledger.schema import fee_items, fee_rates

    item_id = conn.execute(
        sa.insert(fee_items).values(name=name, kind=kind, unit_label=unit_label).returning(fee_items.c.id)
    ).scalar_one()
    row = _rate_row(item_id, month, rate, percent, units)
    conn.execute(sa.insert(fee_rates).values(**row))
    journal.record(
        conn,
        operator,
        [
            journal.Change(
                action, "fee_item", name, None, {"kind": kind, "unit_label": unit_label, **_rate_snapshot(name, row)}
            )
        ],
    )


def seed_rules(ledger: Ledger, settings: FeesSettings, operator: str) -> list[str]:
    """Write the ``[[fees.items]]`` of recordkit.toml that the ledger lacks (journalled); the names.

    Items already in the ledger are left alone: after the first use the ledger is the
    source of truth.  ``ConfigError`` names the item and key when an entry is wrong.
    """
    if not settings.items:
        return []
    import sqlalchemy as sa

    from recordkit.ledger.schema import fee_items

    with ledger.read() as conn:
        existing = set(conn.execute(sa.select(fee_items.c.name)).scalars())
    wanted = [(number, entry) for number, entry in enumerate(settings.items, start=1) if entry.name not in existing]
    if not wanted:
        return []
    checked = [_checked_config_item(number, entry) for number, entry in wanted]
    with ledger.write() as conn:
        existing = set(conn.execute(sa.select(fee_items.c.name)).scalars())  # another clerk may have seeded
        seeded = []
        for name, kind, label, rate, month, percent, units in checked:
            if name in existing:
                continue
            _insert_item(conn, operator, name, kind, label, rate, month, percent, units, "fee_item.seed")
            seeded.append(name)
    return seeded


def _checked_config_item(
    number: int,
    entry: FeeItemSettings,
) -> tuple[str, str, str, int, Month, int, frozenset[str] | None]:
    where = f"recordkit.toml 的第 {number} 个 [[fees.items]]"
    try:
        if not entry.name.strip():
            raise ValidationError("name（项目名称）不能为空")
        kind = _check_kind(entry.kind)
        if not entry.rate:
            raise ValidationError("rate（收费标准）不能为空")
        if not entry.effective_from:
            raise ValidationError('effective_from（起始月份）不能为空，例如 "2026-01"')
        return (
            entry.name.strip(),
            kind,
            entry.unit_label or KINDS[kind][1],
            parse_rate(entry.rate),
            parse_month(entry.effective_from),
            _check_percent(entry.vacant_percent),
            _clean_units(entry.units),
        )
    except ValidationError as err:
        raise ConfigError(f"{where}（{entry.name or '未命名'}）有误：{err.message}") from err


def add_rule(
    ledger: Ledger,
    operator: str,
    name: str,
    kind: str,
    rate_text: str,
    effective_from: str,
    unit_label: str = "",
    vacant_percent: int = 100,
    units: Iterable[str] = (),
) -> FeeItem:
    """A new fee item with its first rate (``fees rules add``), journalled.

    ``ConflictError`` when the name exists (change it with ``set_rule``);
    ``ValidationError`` for a bad kind, rate, month, percentage or unit code.
    """
    name = name.strip()
    if not name:
        raise ValidationError("收费项目名称不能为空")
    kind = _check_kind(kind)
    rate, month = parse_rate(rate_text), parse_month(effective_from)
    percent, scope = _check_percent(vacant_percent), _clean_units(units)
    with ledger.write() as conn:
        if any(item.name == name for item in load_items(conn)):
            raise ConflictError(
                f"收费项目“{name}”已存在。调整标准请用：recordkit fees rules set {name} --rate … --from …"
            )
        _insert_item(
            conn, operator, name, kind, unit_label or KINDS[kind][1], rate, month, percent, scope, "fee_item.add"
        )
        return _find_item(conn, name)


def set_rule(
    ledger: Ledger,
    operator: str,
    name: str,
    effective_from: str,
    rate_text: str | None = None,
    vacant_percent: int | None = None,
    units: Iterable[str] | None = None,
) -> FeeItem:
    """A new rate for an item from a month on (``fees rules set``); earlier months keep theirs.

    Values not given carry over from the rate in force before that month.  Setting the
    same month again replaces that month's rate.  Journalled; bills already made are not
    changed (``fees bill --rebill`` does that).
    """
    import sqlalchemy as sa

    from recordkit.ledger.schema import fee_rates

    month = parse_month(effective_from)
    rate = parse_rate(rate_text) if rate_text is not None else None
    percent = _check_percent(vacant_percent) if vacant_percent is not None else None
    scope = _clean_units(units) if units is not None else None
    with ledger.write() as conn:
        item = _find_item(conn, name)
        previous = item.rate_for(month)
        if previous is None and rate is None:
            raise UsageError(f"{month} 之前“{item.name}”没有收费标准，请用 --rate 写明标准")
        row = _rate_row(
            item.id,
            month,
            rate if rate is not None else previous.rate,  # type: ignore[union-attr]
            percent if percent is not None else (previous.vacant_percent if previous else 100),
            scope if units is not None else (previous.unit_codes if previous else None),
        )
        same_month = next((r for r in item.rates if r.effective_from == month), None)
        before = None
        if same_month is not None:
            before = _rate_snapshot(
                item.name, _rate_row(item.id, month, same_month.rate, same_month.vacant_percent, same_month.unit_codes)
            )
            conn.execute(sa.update(fee_rates).where(fee_rates.c.id == same_month.id).values(**row))
        else:
            conn.execute(sa.insert(fee_rates).values(**row))
        journal.record(
            conn,
            operator,
            [journal.Change("fee_rate.set", "fee_item", item.name, before, _rate_snapshot(item.name, row))],
        )
        return _find_item(conn, item.name)


def list_rules(ledger: Ledger) -> list[FeeItem]:
    with ledger.read() as conn:
        return load_items(conn)


# -- meter readings -----------------------------------------------------------------------


@dataclass
class ReadingsSummary:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    billed_changed: list[str] = field(default_factory=list)  # units whose billed reading changed


def parse_reading(value: Any) -> int:
    """A meter reading cell in hundredths; ``ValueError`` with the Chinese reason."""
    if value is None or isinstance(value, bool):
        raise ValueError("不能为空")
    text = repr(value) if isinstance(value, float) else unicodedata.normalize("NFKC", str(value)).strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"“{value}” 不是数字") from None
    if not number.is_finite():
        raise ValueError(f"“{value}” 不是数字")
    if number < 0:
        raise ValueError(f"读数不能为负数：{value}")
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
) -> ReadingsSummary:
    """Import a month's meter readings (``fees readings FILE.xlsx``): all or nothing.

    Columns: 房号, 上期读数, 本期读数 and optionally 项目 (else ``item_name``).  Every
    bad cell is named by row and column (unknown unit, unknown or non-metered item,
    a current reading below the previous one, the same unit twice) and then nothing
    is written (``ValidationError``).
    """
    import sqlalchemy as sa

    from recordkit.core.sheets import Column, read_table
    from recordkit.ledger.db import bulk_insert
    from recordkit.ledger.schema import bills, meter_readings, units

    month = parse_month(month_text)
    columns = (
        Column("unit", "房号", ("房屋", "房屋编号", "门牌号"), required=True),
        Column("item", "项目", ("收费项目", "表类")),
        Column("previous", "上期读数", ("上月读数", "起数", "起码", "上次读数"), required=True),
        Column("current", "本期读数", ("本月读数", "止数", "止码", "本次读数"), required=True),
    )
    table = read_table(path, columns, progress)
    with ledger.read() as conn:
        items = {item.name: item for item in load_items(conn)}
        unit_ids = dict(conn.execute(sa.select(units.c.code, units.c.id)).all())
    if item_name is not None and item_name not in items:
        raise NotFoundError(f"没有收费项目“{item_name}”。现有项目：{'、'.join(items) or '（还没有收费项目）'}")
    problems: list[CellProblem] = []
    parsed: dict[tuple[int, int], tuple[int, int, int, str, str]] = {}
    for row in table.rows:
        cells, number = row.cells, row.number
        unit_id = None
        try:
            code = str(parse_unit_code(str(cells["unit"] or "")))
            unit_id = unit_ids.get(code)
            if unit_id is None:
                problems.append(table.problem(number, "unit", f"台账中没有房屋 {code}"))
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
        values = []
        for key in ("previous", "current"):
            try:
                values.append(parse_reading(cells[key]))
            except ValueError as err:
                problems.append(table.problem(number, key, str(err)))
        if len(values) == 2 and values[1] < values[0]:
            problems.append(
                table.problem(
                    number, "current", f"本期读数 {_hundredths(values[1])} 小于上期读数 {_hundredths(values[0])}"
                )
            )
            continue
        if unit_id is None or item is None or item.kind != "metered" or len(values) != 2:
            continue
        key = (unit_id, item.id)
        if key in parsed:
            problems.append(table.problem(number, "unit", f"房屋 {code} 的{item.name}读数与第 {parsed[key][2]} 行重复"))
            continue
        parsed[key] = (values[0], values[1], number, code, item.name)
    if problems:
        raise ValidationError(f"{readable_name(path.name)} 有 {len(problems)} 处错误，没有导入任何读数", problems)
    if not parsed:
        raise ValidationError(f"{readable_name(path.name)} 的表头下面没有读数")

    summary = ReadingsSummary(rows=len(parsed))
    with ledger.write() as conn:
        existing = {
            (r.unit_id, r.item_id): r
            for r in conn.execute(sa.select(meter_readings).where(meter_readings.c.month == str(month)))
        }
        billed = set(
            tuple(row)
            for row in conn.execute(
                sa.select(bills.c.unit_id, bills.c.item_id).where(bills.c.month == str(month))
            ).all()
        )
        inserts, updates, changes = [], [], []
        for (unit_id, item_id), (previous, current, _, code, name) in parsed.items():
            after = {
                "item": name,
                "month": str(month),
                "previous": _hundredths(previous),
                "current": _hundredths(current),
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
                            "previous": _hundredths(old.previous_hundredths),
                            "current": _hundredths(old.current_hundredths),
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
    created: int = 0
    created_fen: int = 0
    unchanged: int = 0
    differing: int = 0  # existing bills the current rules would make differently (without --rebill)
    rebilled: int = 0
    removed: int = 0
    prepayment_applied_fen: int = 0
    by_item: dict[str, list[int]] = field(default_factory=dict)  # name -> [bills, fen] created
    metered_without_reading: dict[str, int] = field(default_factory=dict)


def bill_month(
    ledger: Ledger,
    month_text: str,
    operator: str,
    rounding: str = "half_up",
    rebill: bool = False,
    item_name: str | None = None,
    unit_texts: Sequence[str] = (),
) -> BillingSummary:
    """Make ``month``'s bills for every unit the rules apply to (``fees bill``).

    Idempotent: bills already there are left alone and a second run creates nothing.
    Bills the current rules would make differently are counted in ``differing``; with
    ``rebill`` they are changed (each change journalled), a bill no rule makes any more
    is removed (kept at 0 only while a voided payment's record still points at it), and
    money paid beyond a lowered or removed bill goes back to the payer's prepayment.  Prepayment (预收) pays the bills made or raised in
    this run, oldest payment first.  One-off items are billed only when named with
    ``item_name`` and ``unit_texts``.  Raises ``NotFoundError`` for an unknown item or
    unit, ``UsageError`` for a one-off item without units.
    """
    import sqlalchemy as sa

    from recordkit.billing.receipts import apply_prepayments, shrink_allocations
    from recordkit.ledger.db import bulk_insert
    from recordkit.ledger.schema import bills, meter_readings, units

    month = parse_month(month_text)
    round_fen(1, 1, rounding)  # a wrong setting fails before anything is read
    codes = [str(parse_unit_code(text)) for text in unit_texts]
    summary = BillingSummary(month)
    with ledger.write() as conn:
        items = load_items(conn)
        if item_name is not None:
            items = [_find_item(conn, item_name)]
            if items[0].kind == "oneoff" and not codes:
                raise UsageError(f"“{items[0].name}”是一次性项目，请用 --unit 指定要收取的房屋")
        else:
            items = [item for item in items if item.kind != "oneoff"]
        query = sa.select(units.c.id, units.c.code, units.c.floor_area_hundredths, units.c.status)
        if codes:
            query = query.where(units.c.code.in_(codes))
        unit_rows = [UnitForBilling(*row) for row in conn.execute(query)]
        missing = sorted(set(codes) - {u.code for u in unit_rows})
        if missing:
            raise NotFoundError(f"台账中没有房屋 {'、'.join(missing)}：请用 recordkit owners list 查看已有房号")
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
                    bills.c.month == str(month), bills.c.item_id.in_(item_ids)
                )
            )
            if r.unit_id in unit_ids
        }
        names = {item.id: item.name for item in items}
        code_of = {u.id: u.code for u in unit_rows}
        for item in items:
            if item.kind == "metered" and item.rate_for(month) is not None:
                without = sum(
                    1
                    for u in unit_rows
                    if item.rate_for(month).applies_to(u.code)  # type: ignore[union-attr]
                    and (u.id, item.id) not in readings
                )
                if without:
                    summary.metered_without_reading[item.name] = without

        new_rows, changed, changes = [], [], []
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


# -- arrears ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Arrears:
    """One unit in arrears as of a day."""

    unit: str
    owner: str | None
    amount_fen: int
    months: int
    oldest: Month
    aging: dict[str, int]  # bucket -> fen
    items: dict[str, int]  # item name -> fen

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "owner": self.owner,
            "arrears_fen": self.amount_fen,
            "arrears": format_yuan(self.amount_fen),
            "months": self.months,
            "oldest_month": str(self.oldest),
            "aging": dict(self.aging),
            "items": dict(self.items),
        }


def summarise_arrears(
    as_of: Month, outstanding: Iterable[tuple[Month, str, int]]
) -> tuple[int, int, Month, dict[str, int], dict[str, int]]:
    """One unit's unpaid bills ``(month, item, fen)`` as (total, months owed, oldest month,
    fen by aging bucket, fen by item) — a pure decision."""
    aging = dict.fromkeys(AGING_BUCKETS, 0)
    by_item: dict[str, int] = {}
    months: set[Month] = set()
    total = 0
    for month, item, fen in outstanding:
        total += fen
        months.add(month)
        aging[aging_bucket(as_of.index - month.index + 1)] += fen
        by_item[item] = by_item.get(item, 0) + fen
    return total, len(months), min(months), aging, by_item


def deposit_bill_ids() -> Any:
    """The ids of bills that are renovation deposits: money held and refunded, not a fee, so
    they are left out of arrears, the fee register and what prepayment pays."""
    import sqlalchemy as sa

    from recordkit.ledger.schema import renovations

    return sa.select(renovations.c.deposit_bill_id).where(renovations.c.deposit_bill_id.is_not(None))


def outstanding_query(unit_ids: Sequence[int] | None = None) -> Any:
    """Bills with what is still owed on each (amount less what non-voided payments paid).

    With ``unit_ids`` only those units' bills, and only their allocations are summed: the
    cashier's payment then costs the same in a ledger of ten years as in one of a month.
    """
    import sqlalchemy as sa

    from recordkit.ledger.schema import allocations, bills, payments

    # Sums are cast back to BIGINT: PostgreSQL's SUM of a BIGINT is NUMERIC (a Decimal in Python).
    paid = (
        sa.select(
            allocations.c.bill_id, sa.cast(sa.func.sum(allocations.c.amount_fen), sa.BigInteger).label("paid_fen")
        )
        .join(payments, payments.c.id == allocations.c.payment_id)
        .where(payments.c.voided.is_(False))
    )
    if unit_ids is not None:
        paid = paid.where(payments.c.unit_id.in_(list(unit_ids)))
    paid = paid.group_by(allocations.c.bill_id).subquery()
    owed = (bills.c.amount_fen - sa.func.coalesce(paid.c.paid_fen, 0)).label("owed_fen")
    query = sa.select(
        bills.c.id,
        bills.c.unit_id,
        bills.c.item_id,
        bills.c.month,
        bills.c.amount_fen,
        sa.func.coalesce(paid.c.paid_fen, 0).label("paid_fen"),
        owed,
    ).select_from(bills.outerjoin(paid, paid.c.bill_id == bills.c.id))
    return query if unit_ids is None else query.where(bills.c.unit_id.in_(list(unit_ids)))


def list_arrears(
    ledger: Ledger, as_of: dt.date | None = None, min_months: int = 0, building: str | None = None
) -> list[Arrears]:
    """Units with unpaid bills for months up to ``as_of`` (default today), most owed first.

    ``min_months`` keeps units owing for at least that many months; ``building`` one
    building.  Ages count the bill's own month as 1.
    """
    import sqlalchemy as sa

    from recordkit.core.unitcodes import unit_code_from_parts
    from recordkit.ledger.schema import fee_items, owners, units

    as_of_month = Month.of(as_of or dt.date.today())
    inner = outstanding_query().subquery()
    query = (
        sa.select(
            inner.c.month,
            inner.c.owed_fen,
            units.c.code,
            units.c.building,
            owners.c.name,
            fee_items.c.name.label("item"),
        )
        .select_from(
            inner.join(units, units.c.id == inner.c.unit_id)
            .join(fee_items, fee_items.c.id == inner.c.item_id)
            .outerjoin(owners, owners.c.id == units.c.owner_id)
        )
        .where(inner.c.owed_fen > 0, inner.c.month <= str(as_of_month), inner.c.id.not_in(deposit_bill_ids()))
    )
    if building is not None:
        query = query.where(units.c.building == unit_code_from_parts(building, "1", "1").building)
    per_unit: dict[str, list[tuple[Month, str, int]]] = defaultdict(list)
    owner_of: dict[str, str | None] = {}
    with ledger.read() as conn:
        for row in conn.execute(query):
            per_unit[row.code].append((parse_month(row.month), row.item, row.owed_fen))
            owner_of[row.code] = row.name
    result = []
    for code, rows in per_unit.items():
        total, months, oldest, aging, by_item = summarise_arrears(as_of_month, rows)
        if months >= min_months:
            result.append(Arrears(code, owner_of[code], total, months, oldest, aging, by_item))
    return sorted(result, key=lambda a: (-a.amount_fen, parse_unit_code(a.unit).sort_key))
