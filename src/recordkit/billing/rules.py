"""Fee items and their rates (with history): parsing and writing rates, the rules in the ledger and their sync from recordkit.toml.

The ledger is the source of truth for rules: ``[[fees.items]]`` in recordkit.toml
adds an item the ledger does not have yet (``sync_rules``, only when asked), and
``fees rules add|set`` change the ledger.  Bills, payments and arrears live elsewhere.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from recordkit.billing.closing import closed_error, closed_from, refusal
from recordkit.core.config import EFFECTIVE_FROM, fee_item_error
from recordkit.core.dates import BUSINESS_YEARS, Month, check_business_month, check_months_ahead, parse_month
from recordkit.core.errors import ConfigError, ConflictError, NotFoundError, UsageError, ValidationError
from recordkit.core.filenames import as_shell_word, hidden_characters
from recordkit.core.money import decimal_number
from recordkit.core.personal import has_letter
from recordkit.core.unitcodes import KINDS as UNIT_KINDS
from recordkit.core.unitcodes import parse_unit_code, parse_unit_kind
from recordkit.ledger import journal
from recordkit.ledger.db import unknown_units
from recordkit.ledger.schema import fee_items, fee_rates, units

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from recordkit.core.config import FeeItemSettings, FeesSettings
    from recordkit.ledger.db import Ledger

#: The journal action of an item written from recordkit.toml's ``[[fees.items]]``.
SYNC_ACTION = "fee_item.sync_from_recordkit_toml"
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

    A number is read as an amount is (``money.decimal_number``): full-width digits fold, a comma
    only between real thousands groups (``1,500``), digits 0-9, no exponent or underscore — so
    ``2，35`` (a full-width comma typed for the point) is refused, never read as 235.  Zero is
    allowed (an item that stops being charged from a month); ``ValidationError`` for text that is
    not such a number, a negative rate or more than four decimals.
    """
    shown = str(text).strip()
    folded = unicodedata.normalize("NFKC", shown)
    value = decimal_number(folded)
    if value is None and "," in folded:
        raise ValidationError(f"收费标准“{shown}”不是数字：逗号只能用来分隔千位（如 1,500），小数点请写“.”，例如 2.35")
    if value is None:
        raise ValidationError(f"收费标准“{shown}”不是数字，应写成 2.35 这样的金额（元，最多四位小数）")
    if value < 0:
        raise ValidationError(f"收费标准不能为负数：{shown}")
    if value >= 1_000_000:  # before quantize: a long run of digits has more than Decimal's context holds
        raise ValidationError(f"收费标准“{shown}”过大，请检查单位是否为元")
    if value != value.quantize(Decimal("0.0001")):
        raise ValidationError(f"收费标准“{shown}”超过四位小数")
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


def format_hundredths(value: int) -> str:
    """Hundredths as written with two decimals: ``12345`` → ``"123.45"`` (m², 吨, meter readings)."""
    return f"{Decimal(value).scaleb(-2):.2f}"


@dataclass(frozen=True)
class Rate:
    """One row of a rule's history: applies from ``effective_from`` until the next row."""

    id: int
    effective_from: Month
    rate: int
    vacant_percent: int
    unit_codes: frozenset[str] | None  # None: every unit
    unit_kinds: frozenset[str] | None = None  # None: every kind of unit (住宅, 商铺, 车位 …)

    def applies_to(self, unit_code: str, unit_kind: str | None = None) -> bool:
        """Whether the rate bills this unit; its kind is read from the code when not given."""
        if self.unit_codes is not None and unit_code not in self.unit_codes:
            return False
        if self.unit_kinds is None:
            return True
        return (unit_kind or _kind_of(unit_code)) in self.unit_kinds


@functools.lru_cache(maxsize=65536)
def _kind_of(unit_code: str) -> str:
    return parse_unit_code(unit_code).kind


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
            text = f"{format_hundredths(quantity_hundredths)}㎡ × {price}"
        elif self.kind == "metered" and reading is not None:
            text = (
                f"读数 {format_hundredths(reading[0])}→{format_hundredths(reading[1])}，"
                f"{format_hundredths(quantity_hundredths)}{self.quantity_unit.split('·')[0]} × {price}"
            )
        else:
            text = price
        return text + (f" × {percent}%（空置）" if percent != 100 else "")


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


def _clean_units(codes: Iterable[str], phases: Mapping[str, str] | None = None) -> frozenset[str] | None:
    cleaned = frozenset(str(parse_unit_code(code, phases=phases or None)) for code in codes if str(code).strip())
    return cleaned or None


def _check_units_known(conn: Connection, scope: frozenset[str] | None, option: str = "--unit") -> None:
    """``NotFoundError`` naming the units of a rate's scope the ledger does not have: a typo there
    would bill nobody, without a word.  ``option`` is where the units were written."""
    if not scope:
        return
    known = set(conn.execute(sa.select(units.c.code).where(units.c.code.in_(sorted(scope)))).scalars())
    missing = sorted(scope - known)
    if missing:
        raise unknown_units(conn, missing, also=f"{option} 只能写已有的房屋")


def _clean_kinds(kinds: Iterable[str]) -> frozenset[str] | None:
    cleaned = frozenset(parse_unit_kind(kind) for kind in kinds if str(kind).strip())
    return cleaned or None


def _rate_row(
    item_id: int,
    month: Month,
    rate: int,
    percent: int,
    units: frozenset[str] | None,
    kinds: frozenset[str] | None = None,
) -> dict[str, Any]:
    return {
        "item_id": item_id,
        "effective_from": str(month),
        "rate_ten_thousandths": rate,
        "vacant_percent": percent,
        "unit_codes": json.dumps(sorted(units), ensure_ascii=False) if units else None,
        "unit_kinds": json.dumps(sorted(kinds, key=UNIT_KINDS.index), ensure_ascii=False) if kinds else None,
    }


def _rate_snapshot(name: str, row: Mapping[str, Any]) -> dict[str, Any]:
    snapshot = {
        "item": name,
        "from": row["effective_from"],
        "rate": format_rate(row["rate_ten_thousandths"]),
        "vacant_percent": row["vacant_percent"],
        "units": json.loads(row["unit_codes"]) if row["unit_codes"] else None,
    }
    if row.get("unit_kinds"):
        snapshot["unit_kinds"] = json.loads(row["unit_kinds"])
    return snapshot


def load_items(conn: Connection) -> list[FeeItem]:
    """Every fee item with its rate history, in the order they were created."""

    rates: dict[int, list[Rate]] = defaultdict(list)
    for row in conn.execute(sa.select(fee_rates).order_by(fee_rates.c.effective_from)):
        codes = frozenset(json.loads(row.unit_codes)) if row.unit_codes else None
        kinds = frozenset(json.loads(row.unit_kinds)) if row.unit_kinds else None
        rates[row.item_id].append(
            Rate(row.id, parse_month(row.effective_from), row.rate_ten_thousandths, row.vacant_percent, codes, kinds)
        )
    return [
        FeeItem(row.id, row.name, row.kind, row.unit_label, tuple(rates[row.id]))
        for row in conn.execute(sa.select(fee_items).order_by(fee_items.c.id))
    ]


def find_item(conn: Connection, name: str) -> FeeItem:
    """The item called ``name``; ``NotFoundError`` listing the items there are."""
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
    kinds: frozenset[str] | None = None,
    noted: Mapping[str, Any] | None = None,
) -> None:
    """Write a new item with its first rate, journalled as ``action`` (with ``noted`` beside its values)."""
    item_id = conn.execute(
        sa.insert(fee_items).values(name=name, kind=kind, unit_label=unit_label).returning(fee_items.c.id)
    ).scalar_one()
    row = _rate_row(item_id, month, rate, percent, units, kinds)
    conn.execute(sa.insert(fee_rates).values(**row))
    journal.record(
        conn,
        operator,
        [
            journal.Change(
                action,
                "fee_item",
                name,
                None,
                {"kind": kind, "unit_label": unit_label, **_rate_snapshot(name, row), **(noted or {})},
            )
        ],
    )


@dataclass(frozen=True)
class PostponedStart:
    """An item of recordkit.toml whose ``effective_from`` was closed: the ledger's rule starts at ``start``,
    the first open month, instead (``sync_rules``)."""

    item: str
    written: Month  # effective_from as recordkit.toml writes it
    start: Month

    @property
    def message(self) -> str:
        """What the clerk is told, once, when the item is written."""
        return f"「{self.item}」的起始月份 {self.written} 已结账，从 {self.start} 起执行"

    def to_dict(self) -> dict[str, Any]:
        return {"item": self.item, "effective_from": str(self.written), "from": str(self.start)}


@dataclass(frozen=True)
class SyncResult:
    """What ``sync_rules`` did: items written from recordkit.toml, and those the ledger already had;
    ``postponed``: those of the written ones whose start was a closed month."""

    added: tuple[str, ...]
    present: tuple[str, ...]
    postponed: tuple[PostponedStart, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": list(self.added),
            "present": list(self.present),
            "postponed": [each.to_dict() for each in self.postponed],
        }


def pending_config_items(ledger: Ledger, settings: FeesSettings) -> list[str]:
    """The names of recordkit.toml's ``[[fees.items]]`` the ledger does not have yet (reads only)."""
    if not settings.items:
        return []
    with ledger.read() as conn:
        existing = set(conn.execute(sa.select(fee_items.c.name)).scalars())
    return [entry.name.strip() for entry in settings.items if entry.name.strip() not in existing]


def sync_rules(
    ledger: Ledger,
    settings: FeesSettings,
    operator: str,
    today: dt.date | None = None,
    phases: Mapping[str, str] | None = None,
) -> SyncResult:
    """Write the ``[[fees.items]]`` of recordkit.toml that the ledger lacks, each journalled as a
    sync from recordkit.toml (``SYNC_ACTION``).

    Only the commands that bill or take money, and ``fees rules sync``, call this: a command
    that only reads never writes the ledger.  Items already in the ledger are left alone (after
    the first sync the ledger is the source of truth; ``fees rules set`` changes them).  When
    nothing is missing the ledger is only read.  ``ConfigError`` names the item and key when
    an entry is wrong — its ``units`` naming a unit the ledger does not have, or its ``effective_from`` more than
    ``MONTHS_AHEAD_LIMIT`` months after ``today``'s (default this computer's), too, as ``add_rule`` refuses them
    —; nothing is written then.  ``phases`` (``OfficeSettings.phase_table()``) reads an entry's ``units`` with the
    estate's phase spellings, as ``--unit`` is read (香榭B-1-2004, 二期B栋1单元2004室).

    An item whose ``effective_from`` is a closed month (or before one) starts in the ledger at the first
    open month instead (``PostponedStart``, journalled with the month recordkit.toml writes): a closed
    month's bills were made without it, so the rule's history would say what was never charged.  The
    item is then in the ledger, so the next sync neither writes nor postpones it again.
    """
    if not settings.items:
        return SyncResult((), ())
    missing = set(pending_config_items(ledger, settings))
    if not missing:
        return SyncResult((), tuple(entry.name.strip() for entry in settings.items))
    checked = [
        (number, _checked_config_item(number, entry, today, phases))
        for number, entry in enumerate(settings.items, start=1)
        if entry.name.strip() in missing
    ]
    added, postponed = [], []
    with ledger.write() as conn:
        existing = set(conn.execute(sa.select(fee_items.c.name)).scalars())  # another clerk may have synced
        for number, (name, kind, label, rate, month, percent, units, kinds) in checked:
            if name in existing:
                continue
            try:
                _check_units_known(conn, units, "units")
            except NotFoundError as err:
                raise fee_item_error(number, name, err.message) from err
            noted = None
            if closed := closed_from(conn, month):
                later = PostponedStart(name, month, closed[-1].month + 1)
                postponed.append(later)
                month, noted = later.start, {"recordkit_toml_from": str(later.written)}
            _insert_item(conn, operator, name, kind, label, rate, month, percent, units, SYNC_ACTION, kinds, noted)
            existing.add(name)
            added.append(name)
    present = tuple(entry.name.strip() for entry in settings.items if entry.name.strip() not in added)
    return SyncResult(tuple(added), present, tuple(postponed))


def item_name_problem(name: str) -> str | None:
    """Why a fee item's name cannot be printed on bills, receipts and registers, in Chinese, or None: a line break
    or another control or invisible format character, or no letter nor Chinese character (",,", "——")."""
    if hidden_characters(name):
        return "收费项目名称里有换行、控制字符或不可见的格式字符：请只写项目名称"
    if not has_letter(name):
        return f"收费项目名称“{name}”没有汉字或字母：请写项目名称，例如 物业服务费"
    return None


def _checked_config_item(
    number: int,
    entry: FeeItemSettings,
    today: dt.date | None = None,
    phases: Mapping[str, str] | None = None,
) -> tuple[str, str, str, int, Month, int, frozenset[str] | None, frozenset[str] | None]:
    try:
        if not entry.name.strip():
            raise ValidationError("name（项目名称）不能为空")
        if (problem := item_name_problem(entry.name.strip())) is not None:
            raise ValidationError(problem)
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
            check_months_ahead(parse_month(entry.effective_from), EFFECTIVE_FROM, today),
            _check_percent(entry.vacant_percent),
            _clean_units(entry.units, phases),
            _clean_kinds(entry.unit_kinds),
        )
    except ValidationError as err:
        raise fee_item_error(number, entry.name, err.message) from err


def _effective_month(text: str, years: tuple[int, int], today: dt.date | None = None) -> Month:
    """The month a rate is to apply from (``--from``): ``ValidationError`` for one outside ``years`` (the books'
    years) or more than ``MONTHS_AHEAD_LIMIT`` months after ``today``'s (default this computer's): a year typed wrong."""
    return check_months_ahead(check_business_month(parse_month(text), "执行月份", years), "执行月份", today)


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
    unit_kinds: Iterable[str] = (),
    years: tuple[int, int] = BUSINESS_YEARS,
    today: dt.date | None = None,
    phases: Mapping[str, str] | None = None,
) -> FeeItem:
    """A new fee item with its first rate (``fees rules add``), journalled; ``unit_kinds`` limits it to
    kinds of unit (商铺, 车位 …), ``units`` to some units (read with the estate's ``phases``,
    ``OfficeSettings.phase_table()``).

    ``ConflictError`` when the name exists (change it with ``set_rule``), or when a month from
    ``effective_from`` on is closed (as ``set_rule``: those months' bills were made without it, so
    the rule's history would say what was never charged);
    ``ValidationError`` for a bad kind, rate, month (``_effective_month``: one outside ``years``, the books' years, or
    more than ``MONTHS_AHEAD_LIMIT`` after ``today``'s, included), percentage or unit code.
    """
    name = name.strip()
    if not name:
        raise ValidationError("收费项目名称不能为空")
    if (problem := item_name_problem(name)) is not None:
        raise ValidationError(problem)
    kind = _check_kind(kind)
    rate, month = parse_rate(rate_text), _effective_month(effective_from, years, today)
    percent, scope, kinds = _check_percent(vacant_percent), _clean_units(units, phases), _clean_kinds(unit_kinds)
    with ledger.write() as conn:
        _check_units_known(conn, scope)
        if any(item.name == name for item in load_items(conn)):
            raise ConflictError(
                f"收费项目“{name}”已存在。调整标准请用：recordkit fees rules set {as_shell_word(name)} --rate … --from …"
            )
        _check_months_open(conn, FeeItem(0, name, kind, "", ()), month, f"新增自 {month} 起收取的“{name}”")
        _insert_item(
            conn,
            operator,
            name,
            kind,
            unit_label or KINDS[kind][1],
            rate,
            month,
            percent,
            scope,
            "fee_item.add",
            kinds,
        )
        return find_item(conn, name)


def set_rule(
    ledger: Ledger,
    operator: str,
    name: str,
    effective_from: str,
    rate_text: str | None = None,
    vacant_percent: int | None = None,
    units: Iterable[str] | None = None,
    unit_kinds: Iterable[str] | None = None,
    years: tuple[int, int] = BUSINESS_YEARS,
    today: dt.date | None = None,
    phases: Mapping[str, str] | None = None,
) -> FeeItem:
    """A new rate for an item from a month on (``fees rules set``); earlier months keep theirs; ``units`` read with
    the estate's ``phases``, as ``add_rule``'s.

    Values not given carry over from the rate in force before that month.  Setting the
    same month again replaces that month's rate.  Journalled; bills already made are not
    changed (``fees bill --rebill`` does that).  ``ConflictError`` when a month the new rate
    would govern (from ``effective_from`` to the item's next change) is closed: its bills can no
    longer follow the rate, so the rule's history would say what was never charged.  ``ValidationError`` for a
    month outside ``years`` (the books' years) or too far ahead (``_effective_month``, as ``add_rule``).
    """

    month = _effective_month(effective_from, years, today)
    rate = parse_rate(rate_text) if rate_text is not None else None
    percent = _check_percent(vacant_percent) if vacant_percent is not None else None
    scope = _clean_units(units, phases) if units is not None else None
    kinds = _clean_kinds(unit_kinds) if unit_kinds is not None else None
    with ledger.write() as conn:
        item = find_item(conn, name)
        _check_units_known(conn, scope)
        _check_months_open(conn, item, month)
        previous = item.rate_for(month)
        if previous is None and rate is None:
            raise UsageError(f"{month} 之前“{item.name}”没有收费标准，请用 --rate 写明标准")
        row = _rate_row(
            item.id,
            month,
            rate if rate is not None else previous.rate,  # type: ignore[union-attr]
            percent if percent is not None else (previous.vacant_percent if previous else 100),
            scope if units is not None else (previous.unit_codes if previous else None),
            kinds if unit_kinds is not None else (previous.unit_kinds if previous else None),
        )
        same_month = next((r for r in item.rates if r.effective_from == month), None)
        before = None
        if same_month is not None:
            before = _rate_snapshot(
                item.name,
                _rate_row(
                    item.id,
                    month,
                    same_month.rate,
                    same_month.vacant_percent,
                    same_month.unit_codes,
                    same_month.unit_kinds,
                ),
            )
            conn.execute(sa.update(fee_rates).where(fee_rates.c.id == same_month.id).values(**row))
        else:
            conn.execute(sa.insert(fee_rates).values(**row))
        journal.record(
            conn,
            operator,
            [journal.Change("fee_rate.set", "fee_item", item.name, before, _rate_snapshot(item.name, row))],
        )
        return find_item(conn, item.name)


def _check_months_open(conn: Connection, item: FeeItem, month: Month, what: str = "") -> None:
    """``ConflictError`` when a month from ``month`` up to the item's next rate change is closed, or a
    later month is (``closing.refusal``); ``what`` says what was refused (by default: changing the item's rate from ``month``)."""
    following = [rate.effective_from for rate in item.rates if rate.effective_from > month]
    what = what or f"从 {month} 起调整“{item.name}”的标准"
    if closed := closed_from(conn, month, min(following) if following else None):
        refused = closed_error(conn, closed[0], what)
    elif later := closed_from(conn, month):
        # The rate's months are open, but a later month is closed: its arrears carry these months' bills.
        refused = refusal(conn, later[0], month, what)
    else:
        return
    # The month after the last closed one: from there on every month is open, whatever rates follow.
    first_open = closed_from(conn, month)[-1].month + 1
    raise ConflictError(f"{refused.message}；新标准请从没有结账的月份起执行，例如 --from {first_open}")


def list_rules(ledger: Ledger) -> list[FeeItem]:
    with ledger.read() as conn:
        return load_items(conn)
