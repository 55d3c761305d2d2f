"""The demo estate's work orders: a year of them, October 2026 included, every category,
some late, some open past their limits, some repeat complaints, most visited."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlalchemy as sa

from recordkit.core.dates import Month
from recordkit.core.workspace import open_workspace
from recordkit.demo.estate import DemoReport
from recordkit.ledger import journal
from recordkit.ledger.db import open_ledger
from recordkit.workorders import orders as workorders


def test_the_demo_has_a_year_of_work_orders(tmp_path: Path, demo_estate: DemoReport) -> None:
    report = demo_estate
    counts = dict(report.counts)
    workspace = open_workspace(tmp_path / "demo", environ={})
    with open_ledger(workspace.database_url) as ledger:
        orders = workorders.list_orders(ledger)
        overdue = workorders.list_orders(ledger, workorders.OrderFilter(overdue=True))
        with ledger.read() as conn:
            assert journal.verify(conn).ok
            # The demo's year ends last month: October 2026 is in it from November 2026 to October 2027.
            last = Month.of(dt.date.today()) - 1
            october = workorders.month_figures(
                conn, Month(2026, 10) if last - 11 <= Month(2026, 10) <= last else last, workspace.settings.workorders
            )
    assert counts["工单"] == len(orders) and counts["  其中超时未完成"] == len(overdue) > 0
    months = {Month.of(o.opened_at.date()) for o in orders}
    assert len(months) == 12 and all(
        20 <= sum(1 for o in orders if Month.of(o.opened_at.date()) == m) <= 40 for m in months
    )
    assert {o.category for o in orders} == set(workorders.CATEGORIES)
    assert {o.type for o in orders} == set(workorders.TYPES)
    assert october.opened_total >= 20 and october.closed > 0 and october.visited > 0
    assert any(o.is_repeat for o in orders) and any(o.closed_late for o in orders)
    finished = [o for o in orders if o.closed_at is not None]
    assert sum(1 for o in finished if o.visited_at is not None) > 0.7 * len(finished)
    assert all(o.phone is None or o.unit is not None for o in orders)


def test_no_demo_work_order_comes_from_a_unit_before_it_was_moved_into(tmp_path: Path, demo_estate: DemoReport) -> None:
    """A repair or complaint of a unit is reported on or after the day the roster says it was moved into; an
    order of a public place has no unit."""
    workspace = open_workspace(tmp_path / "demo", environ={})
    with open_ledger(workspace.database_url) as ledger, ledger.read() as conn:
        of_units = conn.execute(sa.text("SELECT COUNT(*) FROM work_orders WHERE unit IS NOT NULL")).scalar_one()
        early = conn.execute(
            sa.text(
                "SELECT w.number, w.unit, w.opened_at, u.move_in_date FROM work_orders w JOIN units u ON u.code = w.unit"
                " WHERE u.move_in_date IS NULL OR DATE(w.opened_at) < u.move_in_date"
            )
        ).all()
        unknown = conn.execute(
            sa.text(
                "SELECT COUNT(*) FROM work_orders w WHERE w.unit IS NOT NULL AND w.unit NOT IN (SELECT code FROM units)"
            )
        ).scalar_one()
    assert of_units > 0 and unknown == 0
    assert [tuple(row) for row in early] == []
