"""Work orders in the library: numbering, the state rules, time limits and overdue orders,
repeat complaints, the month's figures for the report, and masked phones."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from recordkit import journal, workorders
from recordkit.config import WorkOrderLimitSettings, WorkOrderSettings
from recordkit.errors import ConflictError, NotFoundError, UsageError, ValidationError
from recordkit.owners import import_owners
from recordkit.periods import Month
from recordkit.storage.db import Ledger, open_ledger
from recordkit.workorders import OrderFilter, OrderRequest, WorkOrderRecord
from tests.conftest import SAMPLE_ROWS, run_at_once, write_sheet

CLERK = "赵敏"
SETTINGS = WorkOrderSettings()
NOW = dt.datetime(2026, 10, 20, 12, 0)


def t(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M")


@pytest.fixture
def estate(ledger: Ledger, tmp_path: Path) -> Ledger:
    """The four sample units (1-1-101, 1-1-102, 3-2-1201, 3-2-1202)."""
    import_owners(ledger, write_sheet(tmp_path / "名册.xlsx", SAMPLE_ROWS), CLERK)
    return ledger


def add(ledger: Ledger, at: str, kind: str = "报修", category: str = "水电", unit: str | None = "3-2-1201",
        **extra: str) -> workorders.WorkOrder:
    request = OrderRequest(kind, category, extra.pop("desc", "厨房水管漏水"), unit, at=at, **extra)
    return workorders.add(ledger, SETTINGS, CLERK, request, now=NOW)


def _journal_size(ledger: Ledger) -> int:
    with ledger.read() as conn:
        return int(conn.execute(sa.text("SELECT count(*) FROM journal")).scalar_one())


# -- pure decisions ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["2026-10-03 09:15", "2026/10/3 9:15", "2026年10月3日 9:15", "２０２６-１０-０３　０９：１５"])
def test_parse_when_accepts_the_office_spellings(text: str) -> None:
    assert workorders.parse_when(text) == dt.datetime(2026, 10, 3, 9, 15)


def test_parse_when_refuses_nonsense() -> None:
    with pytest.raises(ValidationError, match="报修时间“10月3日”无法识别，应写成 2026-10-03 09:15"):
        workorders.parse_when("10月3日", "报修时间")
    with pytest.raises(ValidationError, match="不是有效的日期和时刻"):
        workorders.parse_when("2026-02-30 09:00")


def test_limits_come_from_the_settings_with_builtin_defaults() -> None:
    assert workorders.limits_for(SETTINGS, "电梯") == (2, 24)
    custom = WorkOrderSettings(limits=(WorkOrderLimitSettings("电梯", 1, 12),))
    assert workorders.limits_for(custom, "电梯") == (1, 12)
    assert workorders.limits_for(custom, "水电") == (4, 24)  # not listed: the built-in limit
    assert workorders.deadlines(custom, "电梯", t("2026-10-03 09:15")) == (t("2026-10-03 10:15"), t("2026-10-03 21:15"))


# -- the month's figures ----------------------------------------------------------------------------


def test_month_figures_on_a_hand_made_month(estate: Ledger) -> None:
    records = [
        # September: one finished in October on time, one still open at October's end (overdue).
        WorkOrderRecord("报修", "水电", "卫生间漏水", t("2026-09-30 20:00"), "1-1-101", assignee="刘师傅",
                        assigned_at=t("2026-09-30 21:00"), closed_at=t("2026-10-01 10:00"), result="已修好",
                        visited_at=t("2026-10-02 09:00"), satisfaction="满意"),
        WorkOrderRecord("报修", "门窗", "单元门闭门器坏", t("2026-09-28 09:00"), None, "1栋1单元"),
        # October.
        WorkOrderRecord("报修", "电梯", "电梯困人", t("2026-10-03 09:15"), "3-2-1201", assignee="电梯公司",
                        assigned_at=t("2026-10-03 09:30"), closed_at=t("2026-10-03 11:00"), result="已解救",
                        visited_at=t("2026-10-04 10:00"), satisfaction="基本满意"),
        WorkOrderRecord("报修", "电梯", "电梯异响", t("2026-10-10 08:00"), "3-2-1201", assignee="电梯公司",
                        assigned_at=t("2026-10-10 09:00"), closed_at=t("2026-10-12 08:00"), result="更换导靴",
                        visited_at=t("2026-11-01 10:00"), satisfaction="不满意"),  # closed late (24 h)
        WorkOrderRecord("投诉", "噪音", "楼上装修噪音", t("2026-10-05 22:00"), "1-1-102", assignee="秩序部",
                        assigned_at=t("2026-10-05 22:10"), closed_at=t("2026-10-05 23:00"), result="已劝止",
                        visited_at=t("2026-10-06 09:00"), satisfaction="不满意"),
        WorkOrderRecord("投诉", "噪音", "楼上又装修", t("2026-10-20 21:00"), "1-1-102"),  # repeat; overdue at end
        WorkOrderRecord("投诉", "卫生", "垃圾未清", t("2026-10-31 23:00"), "1-1-101"),  # within limits at end
        # November: not October's.
        WorkOrderRecord("投诉", "噪音", "还在装修", t("2026-11-02 21:00"), "1-1-102"),
    ]
    with estate.write() as conn:
        numbers = workorders.add_many(conn, SETTINGS, CLERK, records)
    assert numbers[:3] == ["GD2026-000002", "GD2026-000001", "GD2026-000003"]  # numbered in time order
    with estate.read() as conn:
        october = workorders.month_figures(conn, Month(2026, 10), SETTINGS)
        detail = [order.number for order in workorders.orders_in_month(conn, Month(2026, 10))]
    assert october == workorders.WorkOrderMonth(
        period="2026-10", opened={("报修", "电梯"): 2, ("投诉", "噪音"): 2, ("投诉", "卫生"): 1},
        closed=4, closed_on_time=3, visited=3, satisfied=1, fairly_satisfied=1, dissatisfied=1,
        repeat_complaints=1, open_at_end=3, overdue_at_end=2)
    assert october.opened_total == 5 and october.opened_of_type("投诉") == 3
    assert october.satisfaction_rate == pytest.approx(2 / 3) and october.on_time_rate == 0.75
    assert october.opened_by_category()["电梯"] == 2 and october.opened_by_category()["其他"] == 0
    assert detail == ["GD2026-000002", "GD2026-000003", "GD2026-000004", "GD2026-000005", "GD2026-000006",
                      "GD2026-000007"]
    with estate.read() as conn:
        empty = workorders.month_figures(conn, Month(2025, 1), SETTINGS)
    assert empty == workorders.WorkOrderMonth("2025-01", {}, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    assert empty.satisfaction_rate is None and empty.on_time_rate is None
