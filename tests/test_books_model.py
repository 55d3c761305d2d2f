"""A model-based test of the cashier's books (hypothesis stateful testing).

Random sequences of billing (this month, a month ahead), payments (today, back-dated, prepaid), voids
(a red reversal when the receipt's month is closed), reprints, renovations (registered with their
deposit and waste-removal fee, paid by any method, inspected and the deposit refunded by any method, with
or without a deduction), closing a month and the clock moving on, over the four sample units.  After
every step, on the day the model has reached:

- each unit's account (对账单), ``fees arrears``, the reminder's lines, the balance shown at the counter
  and the 缴费证明 decision give the same figure to the fen;
- the account ties to a model kept apart from the ledger: billed less paid = due now + not yet due −
  prepaid (bills are the units' known monthly amounts, payments the model's own list);
- each unit's deposits held are the model's (paid, not yet refunded);
- the month's fee register and the monthly report agree (应收, 实收), the report's 收款合计 equals
  当期实收 + 清欠 + 预收 + 押金收取, and equals the sum of the month's 日结; the report's 押金收取 and
  押金退还 are the model's; the day's 日结 is the model's money of the day: receipts, deposits refunded,
  and the net per method (what should be in the drawer and on each statement);
- the report's 欠费余额 and 欠费户数 are `fees arrears`'s, and what is owed at the end of this month and
  of every closed month is the same from the closing balances as from the whole history;
- the fee figures kept when a month was closed (its sums, its units owing and its trend point) are
  those computed from the ledger now;
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
from recordkit.billing.balances import balance_base
from recordkit.billing.bills import bill_month
from recordkit.billing.closing import close_month
from recordkit.billing.receipts import PaymentRequest, pay, reprint_receipt, void_or_reverse
from recordkit.billing.registers import daily_report, write_register
from recordkit.billing.rules import add_rule
from recordkit.core.config import RenovationSettings
from recordkit.core.dates import Month, parse_month
from recordkit.core.errors import ConflictError
from recordkit.documents.certificates import clearance_refusal
from recordkit.documents.notices import unpaid_lines
from recordkit.ledger.db import Ledger
from recordkit.ledger.schema import (
    allocations,
    bills,
    closed_months,
    closing_balances,
    closing_figures,
    payments,
    receipts,
    renovation_inspections,
    renovation_passes,
    renovations,
)
from recordkit.renovations.inspection import inspect
from recordkit.renovations.refund import refund
from recordkit.renovations.registration import RegistrationRequest, pay_charges, register
from recordkit.reports.figures import (
    fee_figures,
    keep_month_figures,
    kept_figures,
    kept_trend,
    last_day,
    load_fee_ledger,
    owing,
    renovation_figures,
)
from tests.fees_fixtures import CASHIER, MONTHLY, RECEIPTS, small_estate

UNITS = sorted(MONTHLY)
OWNED = ["1-1-101", "1-1-102", "3-2-1201"]  # 3-2-1202 has no owner: no renovation there
START, END = dt.date(2026, 1, 5), dt.date(2026, 6, 30)
EXAMPLES = int(os.environ.get("RECORDKIT_MODEL_EXAMPLES", "6"))
RENOVATION = RenovationSettings()
DEPOSIT, WASTE = 200_000, 50_000  # the one-off rules below: 装修押金 2000 元, 装修垃圾清运费 500 元
IN_METHODS = ("现金", "微信", "支付宝", "银行转账", "POS")
OUT_METHODS = ("现金", "微信", "支付宝", "银行转账")  # a deposit never goes back through a POS terminal


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
    method: str = "现金"
    deposit_fen: int = 0  # of the amount, what paid a renovation deposit (not a fee)


@dataclass
class Renovation:
    """One renovation as the model knows it."""

    number: str
    unit: str
    month: Month  # its deposit and waste-removal fee are one-off bills of this month
    deposit_paid: int = 0  # by `renovation pay`, or by money at the counter left after every fee
    refund: tuple[dt.date, int, str] | None = None  # day, fen paid back, method


class Books(RuleBasedStateMachine):
    ledger: Ledger
    folder: Path

    @initialize()
    def start(self) -> None:
        with self.ledger.write() as conn:
            for table in (
                renovation_passes,
                renovation_inspections,
                renovations,
                allocations,
                receipts,
                payments,
                closing_balances,
                closing_figures,
                bills,
                closed_months,
            ):
                conn.execute(sa.delete(table))
        self.today = START
        self.billed: dict[Month, bool] = {}
        self.paid: list[Paid] = []
        self.closed: dict[Month, Any] = {}
        self.renovations: list[Renovation] = []

    # -- the model's own figures ------------------------------------------------------------------

    def billed_fen(self, unit: str) -> int:
        return MONTHLY[unit] * len(self.billed) + WASTE * sum(1 for r in self.renovations if r.unit == unit)

    def paid_fen(self, unit: str) -> int:
        """Fees paid: the receipts' money less what paid deposits."""
        return sum(p.amount_fen - p.deposit_fen for p in self.paid if p.unit == unit and not p.voided)

    def held_fen(self, unit: str) -> int:
        return sum(r.deposit_paid for r in self.renovations if r.unit == unit and r.refund is None)

    def took_deposit(self, unit: str, view: Any) -> int:
        """What of a receipt paid the unit's deposit (the one renovation under way there)."""
        fen = sum(line.amount_fen for line in view.lines if line.item == "装修押金")
        if fen:
            (renovation,) = [r for r in self.renovations if r.unit == unit and r.refund is None]
            renovation.deposit_paid += fen
            assert renovation.deposit_paid <= DEPOSIT
        return fen

    def refunds(self, within: Any) -> list[tuple[dt.date, int, str]]:
        return [r.refund for r in self.renovations if r.refund is not None and within(r.refund[0])]

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
        self.paid.append(Paid(view.number, unit, fen, day, deposit_fen=self.took_deposit(unit, view)))

    @precondition(lambda self: bool(self.paid))
    @rule(pick=st.integers(0, 10_000))
    def undo_a_receipt(self, pick: int) -> None:
        target = self.paid[pick % len(self.paid)]
        if target.deposit_fen:
            return  # the renovation's receipt stays: its deposit is held or refunded (not modelled undone)
        if target.voided or target.reversal or target.reversed:
            with pytest.raises(ConflictError):
                void_or_reverse(self.ledger, target.number, "收错了", CASHIER, self.today, RECEIPTS)
            return
        kept, reversal = void_or_reverse(self.ledger, target.number, "收错了", CASHIER, self.today, RECEIPTS)
        # A receipt of an earlier day is in that day's 日结: undone by a red reversal, as one of a closed month.
        if target.day < self.today or Month.of(target.day) in self.closed:
            assert reversal is not None and not kept.voided and reversal.total_fen == -target.amount_fen
            target.reversed = True
            self.paid.append(
                Paid(reversal.number, target.unit, -target.amount_fen, self.today, reversal=True, method=target.method)
            )
        else:
            assert reversal is None and kept.voided
            target.voided = True

    @precondition(lambda self: bool(self.paid))
    @rule(pick=st.integers(0, 10_000))
    def reprint(self, pick: int) -> None:
        reprint_receipt(self.ledger, self.paid[pick % len(self.paid)].number, CASHIER)

    @rule(unit=st.sampled_from(OWNED), days=st.integers(1, 90))
    def register_a_renovation(self, unit: str, days: int) -> None:
        month = Month.of(self.today)
        if any(r.unit == unit and (r.refund is None or r.month == month) for r in self.renovations):
            return  # one renovation under way per unit; its one-off charges once a month
        request = RegistrationRequest(
            unit=unit,
            contractor="安居装饰工程有限公司",
            manager="王强",
            phone="13600001111",
            start=self.today.isoformat(),
            end=(self.today + dt.timedelta(days=days)).isoformat(),
            hours="8:00-12:00,14:00-18:00",
            items="水电改造、铺地砖",
        )
        renovation = register(self.ledger, RENOVATION, CASHIER, request, today=self.today)
        assert (renovation.deposit_fen, renovation.waste_fen) == (DEPOSIT, WASTE)
        self.renovations.append(Renovation(renovation.number, unit, month))

    @precondition(lambda self: any(r.deposit_paid < DEPOSIT for r in self.renovations))
    @rule(pick=st.integers(0, 10_000), method=st.sampled_from(IN_METHODS))
    def pay_a_renovation(self, pick: int, method: str) -> None:
        waiting = [r for r in self.renovations if r.deposit_paid < DEPOSIT]
        renovation = waiting[pick % len(waiting)]
        due = DEPOSIT - renovation.deposit_paid
        view = pay_charges(self.ledger, RECEIPTS, CASHIER, renovation.number, method, paid_on=self.today)
        deposit = self.took_deposit(renovation.unit, view)
        # What the deposit still lacked, and what money taken before left of the waste-removal fee.
        assert deposit == due and 0 <= view.total_fen - deposit <= WASTE and view.issued_on == self.today
        self.paid.append(
            Paid(view.number, renovation.unit, view.total_fen, self.today, method=method, deposit_fen=deposit)
        )

    @precondition(lambda self: any(r.deposit_paid == DEPOSIT and r.refund is None for r in self.renovations))
    @rule(pick=st.integers(0, 10_000), method=st.sampled_from(OUT_METHODS), deduction=st.sampled_from([0, 0, 30_000]))
    def refund_a_deposit(self, pick: int, method: str, deduction: int) -> None:
        held = [r for r in self.renovations if r.deposit_paid == DEPOSIT and r.refund is None]
        renovation = held[pick % len(held)]
        inspect(self.ledger, CASHIER, renovation.number, "合格", today=self.today)
        reason = "损坏楼道墙面" if deduction else ""
        done = refund(self.ledger, CASHIER, renovation.number, deduction, reason, self.today, method)
        assert (done.refund_fen, done.refunded_on) == (DEPOSIT - deduction, self.today)
        renovation.refund = (self.today, DEPOSIT - deduction, method)

    @rule()
    def close_the_oldest_open_month(self) -> None:
        month = Month.of(START)
        while month in self.closed:
            month = month + 1
        if month >= Month.of(self.today):
            return
        close_month(self.ledger, str(month), CASHIER, self.today, keep=keep_month_figures)
        self.closed[month] = self.month_figures(month)

    # -- what must hold after every step --------------------------------------------------------------

    def month_figures(self, month: Month) -> tuple[Any, ...]:
        register = write_register(self.ledger, str(month), self.folder / "台账.xlsx")
        with self.ledger.read() as conn:
            fees = fee_figures(conn, month)
            works = renovation_figures(conn, month)
        # The days money moved on (the model's); the 日结 of any other day is empty.
        moved = sorted(
            {p.day for p in self.paid if Month.of(p.day) == month}
            | {day for day, _, _ in self.refunds(lambda day: Month.of(day) == month)}
        )
        days = tuple((day, *_day_totals(daily_report(self.ledger, day))) for day in moved)
        total = fees.total
        return (
            (
                register.billed_fen,
                register.collected_fen,
                register.arrears_fen,
                register.prepayment_fen,
                register.owed_fen,
            ),
            (total.billed, total.collected, total.cleared, total.prepaid, total.arrears, fees.received_fen),
            (fees.deposit_received_fen, works.deposit_received_fen, works.refunded_count, works.refunded_fen),
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
            assert account.deposits_held_fen == self.held_fen(unit)

        month = Month.of(today)
        (register, report, deposits, days) = self.month_figures(month)
        billed = (sum(MONTHLY.values()) if month in self.billed else 0) + WASTE * sum(
            1 for r in self.renovations if r.month == month
        )
        in_month = [p for p in self.paid if Month.of(p.day) == month and not p.voided]
        refunded = self.refunds(lambda day: Month.of(day) == month)
        assert deposits[0] == deposits[1] == sum(p.deposit_fen for p in in_month)
        assert deposits[2:] == (len(refunded), sum(fen for _, fen, _ in refunded))
        assert register[0] == report[0] == billed
        assert register[1] == report[1]  # 实收 (当期实收) is one figure
        with self.ledger.read() as conn:
            fees = fee_figures(conn, month)
            # What the report says is owed at the month's end starts from the last closing balances;
            # the whole history gives the same, and so does `fees arrears` today (nothing later is dated).
            for at in [month, *self.closed]:
                assert owing(conn, [at]) == owing(conn, [at], from_balances=False), at
            # Months are closed oldest first here: the last one's balances are stored and used.
            assert balance_base(conn, month) == (max(self.closed) if self.closed else None)
            # What was kept of each closed month is what its figures, its units owing and its trend
            # point are now.
            kept = kept_figures(conn, list(self.closed))
            assert set(kept) == set(self.closed)
            sums = load_fee_ledger(conn, [], trend=False)
            for at, figures in kept.items():
                assert figures.fee_figures(sums.names, phases=sums.phases) == fee_figures(conn, at), at
                owed = owing(conn, [at], from_balances=False).by_unit
                assert figures.arrears == {u: (fen[0], n, oldest) for u, (fen, n, oldest) in owed.items() if fen[0] > 0}
            if self.closed:
                last = max(self.closed)
                trend = load_fee_ledger(conn, [last]).trend
                assert kept_trend(conn, last) == {key: trend[key] for key in trend if parse_month(key) in self.closed}
        assert (fees.total.arrears, fees.arrears_units) == (sum(arrears.values()), len(arrears))
        assert register[4] == sum(arrears.values())  # the register's 月末欠费合计 is the arrears list's
        # 收款合计 = 当期实收 (paid in the month) + 清欠 + 预收 + 押金收取
        assert fees.received_fen == (
            fees.received_current_fen + fees.total.cleared + fees.total.prepaid + fees.deposit_received_fen
        )
        assert fees.received_fen == sum(day[1] for day in days)
        # The day's 日结: the receipts, the deposits paid back, and per method what should be in the drawer
        # and on each statement.
        taken = [p for p in self.paid if p.day == today and not p.voided]
        paid_back = self.refunds(lambda day: day == today)
        net: dict[str, int] = {}
        for p in taken:
            net[p.method] = net.get(p.method, 0) + p.amount_fen
        for _, fen, method in paid_back:
            net[method] = net.get(method, 0) - fen
        daily = daily_report(self.ledger, today)
        assert _day_totals(daily) == (sum(p.amount_fen for p in taken), sum(fen for _, fen, _ in paid_back))
        assert {m: fen for m, fen in daily.net_by_method.items() if fen} == {m: fen for m, fen in net.items() if fen}
        assert register[2] == billed - register[1] and last_day(month) >= today

        for closed, figures in self.closed.items():
            assert self.month_figures(closed) == figures, f"{closed} changed after it was closed"


def _day_totals(daily: Any) -> tuple[int, int]:
    """A 日结's money taken (receipts, red reversals negative) and deposits paid back."""
    return daily.total_fen, daily.refunded_fen


def test_the_books_always_agree(ledger: Ledger, tmp_path: Path) -> None:
    small_estate(ledger, tmp_path)
    add_rule(ledger, CASHIER, "装修押金", "oneoff", "2000", "2025-01")
    add_rule(ledger, CASHIER, "装修垃圾清运费", "oneoff", "500", "2025-01")

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
