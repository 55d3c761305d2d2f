"""Arrears (欠费): which units owe for months up to a day, how much, by item and by age.

Built on ``allocations.outstanding_query``; renovation deposits are never arrears.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from recordkit.billing.allocations import deposit_bill_ids, outstanding_query
from recordkit.core.dates import Month, parse_month
from recordkit.core.money import format_yuan
from recordkit.core.unitcodes import parse_unit_code, unit_code_from_parts
from recordkit.ledger.schema import fee_items, owners, units

if TYPE_CHECKING:
    from recordkit.ledger.db import Ledger

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


def list_arrears(
    ledger: Ledger, as_of: dt.date | None = None, min_months: int = 0, building: str | None = None
) -> list[Arrears]:
    """Units with unpaid bills for months up to ``as_of`` (default today), most owed first.

    ``min_months`` keeps units owing for at least that many months; ``building`` one
    building.  Ages count the bill's own month as 1.
    """

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
