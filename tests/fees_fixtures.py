"""Helpers shared by the fees and receipts tests: a small estate with the usual fee rules."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import sqlalchemy as sa

from recordkit.billing import bills as bills_module
from recordkit.billing import closing
from recordkit.billing.bills import bill_month
from recordkit.billing.rules import add_rule
from recordkit.core.config import ReceiptSettings
from recordkit.core.dates import Month
from recordkit.ledger.db import Ledger
from recordkit.ledger.schema import payments, receipts
from recordkit.owners.roster import import_owners
from tests.conftest import SAMPLE_ROWS, write_sheet

CASHIER = "王芳"
RECEIPTS = ReceiptSettings()
DAY = dt.date(2026, 11, 23)

# SAMPLE_ROWS: 1-1-101 89.35 ㎡ 张伟 (occupied), 1-1-102 118.62 ㎡ 李秀英 (delivered),
# 3-2-1201 143.80 ㎡ 李秀英 (occupied), 3-2-1202 143.80 ㎡ no owner (vacant).
# 物业服务费 2.35 元/㎡·月 (vacant 70 %), 垃圾清运费 10 元/月 (vacant none), 停车费 150 元/月 for 1-1-101 only.
PROPERTY_FEE = {"1-1-101": 20997, "1-1-102": 27876, "3-2-1201": 33793, "3-2-1202": 23655}
MONTHLY = {"1-1-101": 20997 + 1000 + 15000, "1-1-102": 27876 + 1000, "3-2-1201": 33793 + 1000, "3-2-1202": 23655}


def small_estate(ledger: Ledger, folder: Path) -> None:
    """The four sample units and the three usual fee items, from 2025-01."""
    import_owners(ledger, write_sheet(folder / "名册.xlsx", SAMPLE_ROWS), CASHIER)
    add_rule(ledger, CASHIER, "物业服务费", "area", "2.35", "2025-01", vacant_percent=70)
    add_rule(ledger, CASHIER, "垃圾清运费", "fixed", "10", "2025-01", vacant_percent=0)
    add_rule(ledger, CASHIER, "停车费", "fixed", "150", "2025-01", units=["1-1-101"])


def bill_months(ledger: Ledger, *months: str) -> None:
    """Bill ``months`` in order (months after the current one too: the tests' calendar is their own)."""
    for month in months:
        bill_month(ledger, month, CASHIER, advance=True)


@contextlib.contextmanager
def an_older_version() -> Iterator[None]:
    """What versions before months had to be closed in order allowed: closing a month while an earlier
    one with bills is open, and billing an open month before a closed one — a ledger so closed is
    still read."""

    def check_only_the_month(conn: Any, month: Month, what: str) -> None:
        closed = closing.find_closed(conn, [month]).get(month)
        if closed is not None:
            raise closing.closed_error(conn, closed, what)

    with (
        mock.patch.object(closing, "_open_before", lambda conn, month, earliest: []),
        mock.patch.object(bills_module, "check_open", check_only_the_month),
    ):
        yield


def void_as_older_versions_did(ledger: Ledger, number: str, day: dt.date, reason: str = "金额开错") -> None:
    """Void the receipt ``number`` on ``day``, a day after its own, as versions before 跨日的收据只能红冲 did
    (they now make a red reversal): a ledger kept from then holds such voids and is still read."""
    with ledger.write() as conn:
        row = conn.execute(sa.select(receipts.c.id, receipts.c.payment_id).where(receipts.c.number == number)).one()
        stamp = dt.datetime.combine(day, dt.time(12), dt.UTC).isoformat(timespec="seconds")
        conn.execute(
            sa.update(receipts)
            .where(receipts.c.id == row.id)
            .values(status="voided", void_reason=reason, voided_by=CASHIER, voided_at=stamp, voided_on=day)
        )
        conn.execute(sa.update(payments).where(payments.c.id == row.payment_id).values(voided=True))
