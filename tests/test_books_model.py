"""A model-based test of the cashier's books (hypothesis stateful testing).

Random sequences of billing (this month, a month ahead), payments (today, back-dated, prepaid), voids
(a red reversal when the receipt's month is closed), reprints, closing a month and the clock moving on,
over the four sample units.  After every step, on the day the model has reached:

- each unit's account (对账单), ``fees arrears``, the reminder's lines, the balance shown at the counter
  and the 缴费证明 decision give the same figure to the fen;
- the account ties to a model kept apart from the ledger: billed less paid = due now + not yet due −
  prepaid (bills are the units' known monthly amounts, payments the model's own list);
- the month's fee register and the monthly report agree (应收, 实收), the report's 收款合计 equals
  当期实收 + 清欠 + 预收 + 押金收取, and equals the sum of the month's 日结; the day's 日结 is the
  model's money of the day;
- no closed month's register, report or 日结 figures ever change.

Runs on SQLite, and on PostgreSQL when RECORDKIT_TEST_POSTGRES_URL is set.  Bounded by default;
RECORDKIT_MODEL_EXAMPLES=200 (say) runs a longer search.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from recordkit.billing.accounts import unit_account
from recordkit.billing.arrears import list_arrears, unit_balance
from recordkit.billing.bills import bill_month
from recordkit.billing.closing import close_month
from recordkit.billing.receipts import PaymentRequest, pay, reprint_receipt, void_or_reverse
from recordkit.billing.registers import daily_report, write_register
from recordkit.core.dates import Month
from recordkit.core.errors import ConflictError
from recordkit.documents.certificates import clearance_refusal
from recordkit.documents.notices import unpaid_lines
from recordkit.ledger.db import Ledger
from recordkit.ledger.schema import allocations, bills, closed_months, payments, receipts
from recordkit.reports.figures import fee_figures, last_day
from tests.fees_fixtures import CASHIER, MONTHLY, RECEIPTS, small_estate

UNITS = sorted(MONTHLY)
START, END = dt.date(2026, 1, 5), dt.date(2026, 6, 30)
EXAMPLES = int(os.environ.get("RECORDKIT_MODEL_EXAMPLES", "6"))


@dataclass
class Paid:
    """One receipt as the model knows it."""

    number: str
    unit: str
    amount_fen: int
    day: dt.date
    voided: bool = False
    reversal: bool = False
    reversed: bool = False


class Books(RuleBasedStateMachine):
    ledger: Ledger
    folder: Path

    @initialize()
    def start(self) -> None:
        with self.ledger.write() as conn:
            for table in (allocations, receipts, payments, bills, closed_months):
                conn.execute(sa.delete(table))
        self.today = START
        self.billed: dict[Month, bool] = {}
        self.paid: list[Paid] = []
        self.closed: dict[Month, Any] = {}

    # -- the model's own figures ------------------------------------------------------------------

    def billed_fen(self, unit: str) -> int:
        return MONTHLY[unit] * len(self.billed)

    def paid_fen(self, unit: str) -> int:
        return sum(p.amount_fen for p in self.paid if p.unit == unit and not p.voided)

    # -- the rules ------------------------------------------------------------------------------------

    @rule(days=st.integers(1, 12))
    def time_passes(self, days: int) -> None:
        self.today = min(self.today + dt.timedelta(days=days), END)

    @rule(ahead=st.booleans())
    def bill(self, ahead: bool) -> None:
        month = Month.of(self.today) + (1 if ahead else 0)
        if month in self.closed:
            with pytest.raises(ConflictError):
                bill_month(self.ledger, str(month), CASHIER, advance=ahead, today=self.today)
            return
        bill_month(self.ledger, str(month), CASHIER, advance=ahead, today=self.today)
        self.billed[month] = True

    @rule(unit=st.sampled_from(UNITS), fen=st.integers(1, 150_000), back=st.integers(0, 20))
    def take_money(self, unit: str, fen: int, back: int) -> None:
        day = max(self.today - dt.timedelta(days=back), START)
        request = PaymentRequest(unit, fen, "现金", payer="交款人", paid_on=day, reason="补录" if back else None)
        if Month.of(day) in self.closed:
            with pytest.raises(ConflictError):
                pay(self.ledger, RECEIPTS, CASHIER, request, self.today)
            return
        view = pay(self.ledger, RECEIPTS, CASHIER, request, self.today)
        assert (view.total_fen, view.issued_on) == (fen, day)
        self.paid.append(Paid(view.number, unit, fen, day))

    @precondition(lambda self: bool(self.paid))
    @rule(pick=st.integers(0, 10_000))
    def undo_a_receipt(self, pick: int) -> None:
        target = self.paid[pick % len(self.paid)]
        if target.voided or target.reversal or target.reversed:
            with pytest.raises(ConflictError):
                void_or_reverse(self.ledger, target.number, "收错了", CASHIER, self.today, RECEIPTS)
            return
        kept, reversal = void_or_reverse(self.ledger, target.number, "收错了", CASHIER, self.today, RECEIPTS)
        if Month.of(target.day) in self.closed:
            assert reversal is not None and not kept.voided and reversal.total_fen == -target.amount_fen
            target.reversed = True
            self.paid.append(Paid(reversal.number, target.unit, -target.amount_fen, self.today, reversal=True))
        else:
            assert reversal is None and kept.voided
            target.voided = True

    @precondition(lambda self: bool(self.paid))
    @rule(pick=st.integers(0, 10_000))
    def reprint(self, pick: int) -> None:
        reprint_receipt(self.ledger, self.paid[pick % len(self.paid)].number, CASHIER)

    @rule()
    def close_the_oldest_open_month(self) -> None:
        month = Month.of(START)
        while month in self.closed:
            month = month + 1
        if month >= Month.of(self.today):
            return
        close_month(self.ledger, str(month), CASHIER, self.today)
        self.closed[month] = self.month_figures(month)

    # -- what must hold after every step --------------------------------------------------------------

    def month_figures(self, month: Month) -> tuple[Any, ...]:
        register = write_register(self.ledger, str(month), self.folder / "台账.xlsx")
        with self.ledger.read() as conn:
            fees = fee_figures(conn, month)
        # The days money moved on (the model's); the 日结 of any other day is empty.
        moved = sorted({p.day for p in self.paid if Month.of(p.day) == month})
        days = tuple((day, daily_report(self.ledger, day).total_fen) for day in moved)
        total = fees.total
        return (
            (register.billed_fen, register.collected_fen, register.arrears_fen, register.prepayment_fen),
            (total.billed, total.collected, total.cleared, total.prepaid, total.arrears, fees.received_fen),
            days,
        )

    @invariant()
    def every_paper_agrees(self) -> None:
        if not hasattr(self, "today"):
            return
        today = self.today
        arrears = {row.unit: row.amount_fen for row in list_arrears(self.ledger, today)}
        reminders = unpaid_lines(self.ledger, UNITS, today)
        for unit in UNITS:
            account = unit_account(self.ledger, unit, today)
            due = account.due_now_fen
            assert due == arrears.get(unit, 0) == sum(line.amount_fen for line in reminders[unit])
            assert unit_balance(self.ledger, unit, today) == (due, account.prepaid_fen)
            assert (clearance_refusal(self.ledger, unit, today) is None) == (due == 0)
            # The model's books, kept apart from the ledger's allocation.
            assert due + account.not_yet_due_fen - account.prepaid_fen == self.billed_fen(unit) - self.paid_fen(unit)

        month = Month.of(today)
        (register, report, days) = self.month_figures(month)
        billed = sum(MONTHLY.values()) if month in self.billed else 0
        assert register[0] == report[0] == billed
        assert register[1] == report[1]  # 实收 (当期实收) is one figure
        with self.ledger.read() as conn:
            fees = fee_figures(conn, month)
        # 收款合计 = 当期实收 (paid in the month) + 清欠 + 预收 + 押金收取
        assert fees.received_fen == (
            fees.received_current_fen + fees.total.cleared + fees.total.prepaid + fees.deposit_received_fen
        )
        assert fees.received_fen == sum(fen for _, fen in days)
        model_today = sum(p.amount_fen for p in self.paid if p.day == today and not p.voided)
        assert daily_report(self.ledger, today).total_fen == model_today
        assert register[2] == billed - register[1] and last_day(month) >= today

        for closed, figures in self.closed.items():
            assert self.month_figures(closed) == figures, f"{closed} changed after it was closed"


def test_the_books_always_agree(ledger: Ledger, tmp_path: Path) -> None:
    small_estate(ledger, tmp_path)

    class Run(Books):
        pass

    Run.ledger = ledger
    Run.folder = tmp_path
    run_state_machine_as_test(
        Run,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
