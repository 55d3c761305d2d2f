"""Work orders in the library: numbering, the state rules, time limits and overdue orders,
repeat complaints, the month's figures for the report, and masked phones."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
import time_machine

from recordkit.core.config import WorkOrderLimitSettings, WorkOrderSettings
from recordkit.core.dates import Month, parse_when
from recordkit.core.errors import ConflictError, NotFoundError, UsageError, ValidationError
from recordkit.ledger import journal
from recordkit.ledger.db import Ledger, open_ledger
from recordkit.ledger.schema import HEAD_REVISION, work_orders
from recordkit.owners.roster import import_owners
from recordkit.workorders import orders as workorders
from recordkit.workorders.orders import OrderFilter, OrderRequest, WorkOrderRecord
from tests.conftest import SAMPLE_ROWS, run_at_once, write_sheet
from tests.numbers_said import not_the_first, spellings_of_the_first
from tests.revisions import mark_as_of
from tests.workorder_fixtures import left_at_0025, pass_on_the_old_way

CLERK = "赵敏"
SETTINGS = WorkOrderSettings()
NOW = dt.datetime(2026, 11, 30, 12, 0)


def t(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M")


@pytest.fixture
def estate(ledger: Ledger, tmp_path: Path) -> Ledger:
    """The four sample units (1-1-101, 1-1-102, 3-2-1201, 3-2-1202)."""
    import_owners(ledger, write_sheet(tmp_path / "名册.xlsx", SAMPLE_ROWS), CLERK)
    return ledger


def add(
    ledger: Ledger, at: str, kind: str = "报修", category: str = "水电", unit: str | None = "3-2-1201", **extra: str
) -> workorders.WorkOrder:
    request = OrderRequest(kind, category, extra.pop("desc", "厨房水管漏水"), unit, at=at, **extra)
    return workorders.add(ledger, SETTINGS, CLERK, request, now=NOW)


def _journal_size(ledger: Ledger) -> int:
    with ledger.read() as conn:
        return int(conn.execute(sa.text("SELECT count(*) FROM journal")).scalar_one())


# -- pure decisions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["2026-10-03 09:15", "2026/10/3 9:15", "2026年10月3日 9:15", "２０２６-１０-０３　０９：１５"]
)
def test_parse_when_accepts_the_office_spellings(text: str) -> None:
    assert parse_when(text) == dt.datetime(2026, 10, 3, 9, 15)


def test_parse_when_refuses_nonsense() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_when("10月3日", "报修时间")
    assert caught.value.message == "报修时间“10月3日”没有写年份，不能确定是哪一年：应写成 2026-10-03 或 2026年10月3日"
    with pytest.raises(ValidationError) as caught:
        parse_when("2026-02-30 09:00")
    assert caught.value.message == "时间“2026-02-30 09:00”不存在：请检查年月日"


def test_a_day_without_its_year_is_refused_with_an_example_of_this_year() -> None:
    # in January 2027 the example must not name 2026
    with time_machine.travel(dt.datetime(2027, 1, 6, 9, 0), tick=False), pytest.raises(ValidationError) as caught:
        parse_when("12月2日", "报修时间")
    assert caught.value.message == "报修时间“12月2日”没有写年份，不能确定是哪一年：应写成 2027-12-02 或 2027年12月2日"


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
        WorkOrderRecord(
            "报修",
            "水电",
            "卫生间漏水",
            t("2026-09-30 20:00"),
            "1-1-101",
            assignee="刘师傅",
            assigned_at=t("2026-09-30 21:00"),
            closed_at=t("2026-10-01 10:00"),
            result="已修好",
            visited_at=t("2026-10-02 09:00"),
            satisfaction="满意",
        ),
        WorkOrderRecord("报修", "门窗", "单元门闭门器坏", t("2026-09-28 09:00"), None, "1栋1单元"),
        # October.
        WorkOrderRecord(
            "报修",
            "电梯",
            "电梯困人",
            t("2026-10-03 09:15"),
            "3-2-1201",
            assignee="电梯公司",
            assigned_at=t("2026-10-03 09:30"),
            closed_at=t("2026-10-03 11:00"),
            result="已解救",
            visited_at=t("2026-10-04 10:00"),
            satisfaction="基本满意",
        ),
        WorkOrderRecord(
            "报修",
            "电梯",
            "电梯异响",
            t("2026-10-10 08:00"),
            "3-2-1201",
            assignee="电梯公司",
            assigned_at=t("2026-10-10 09:00"),
            closed_at=t("2026-10-12 08:00"),
            result="更换导靴",
            visited_at=t("2026-11-01 10:00"),
            satisfaction="不满意",
        ),  # closed late (24 h)
        WorkOrderRecord(
            "投诉",
            "噪音",
            "楼上装修噪音",
            t("2026-10-05 22:00"),
            "1-1-102",
            assignee="秩序部",
            assigned_at=t("2026-10-05 22:10"),
            closed_at=t("2026-10-05 23:00"),
            result="已劝止",
            visited_at=t("2026-10-06 09:00"),
            satisfaction="不满意",
        ),
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
        period="2026-10",
        opened={("报修", "电梯"): 2, ("投诉", "噪音"): 2, ("投诉", "卫生"): 1},
        closed=4,
        closed_on_time=3,
        visited=3,
        satisfied=1,
        fairly_satisfied=1,
        dissatisfied=1,
        repeat_complaints=1,
        open_at_end=3,
        overdue_at_end=2,
    )
    assert october.opened_total == 5 and october.opened_of_type("投诉") == 3
    # 2 of 3 visits content: 66.66… % cut, not rounded, to 66.6 % (the report shows every rate so)
    assert october.satisfaction_rate == Decimal("0.666") and october.on_time_rate == Decimal("0.75")
    assert october.opened_by_category()["电梯"] == 2 and october.opened_by_category()["其他"] == 0
    with estate.read() as conn:
        by_category = {(r.type, r.category): r for r in workorders.category_figures(conn, Month(2026, 10))}
    assert len(by_category) == len(workorders.TYPES) * len(workorders.CATEGORIES)
    lifts = by_category[("报修", "电梯")]
    assert (lifts.opened, lifts.closed, lifts.closed_on_time, lifts.visited, lifts.fairly_satisfied) == (2, 2, 1, 1, 1)
    noise = by_category[("投诉", "噪音")]
    assert (noise.opened, noise.closed, noise.visited, noise.dissatisfied, noise.repeat_complaints) == (2, 1, 1, 1, 1)
    water = by_category[("报修", "水电")]  # reported in September, finished and visited in October
    assert (water.opened, water.closed, water.closed_on_time, water.visited, water.satisfied) == (0, 1, 1, 1, 1)
    assert by_category[("投诉", "卫生")].opened == 1 and by_category[("报修", "门窗")].opened == 0
    for field in (
        "closed",
        "closed_on_time",
        "visited",
        "satisfied",
        "fairly_satisfied",
        "dissatisfied",
        "repeat_complaints",
    ):
        assert sum(getattr(r, field) for r in by_category.values()) == getattr(october, field), field
    assert {k: r.opened for k, r in by_category.items() if r.opened} == october.opened
    assert detail == [
        "GD2026-000002",
        "GD2026-000003",
        "GD2026-000004",
        "GD2026-000005",
        "GD2026-000006",
        "GD2026-000007",
    ]
    with estate.read() as conn:
        empty = workorders.month_figures(conn, Month(2025, 1), SETTINGS)
    assert empty == workorders.WorkOrderMonth("2025-01", {}, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    assert empty.satisfaction_rate is None and empty.on_time_rate is None


# -- adding, and the state rules -----------------------------------------------------------------


def test_numbers_run_per_year_without_gaps(estate: Ledger) -> None:
    first = add(estate, "2025-12-31 23:50")
    second = add(estate, "2026-01-01 00:10")
    third = add(estate, "2026-01-02 08:00")
    assert [first.number, second.number, third.number] == ["GD2025-000001", "GD2026-000001", "GD2026-000002"]
    assert workorders.get_order(estate, "gd2026-2").number == "GD2026-000002"


@pytest.mark.parametrize("prefix", ["GD", "gd", "报修-"])
def test_an_order_is_found_by_every_spelling_a_clerk_types_and_by_nothing_else(estate: Ledger, prefix: str) -> None:
    """The same spellings as a renovation's number (``test_renovations``): full-width, any dash, either case, with
    or without the zeros; an em dash (``GD2026—1``, copied from a chat) found nothing.  Text after the number, a
    number of another kind or year, finds nothing."""
    settings = WorkOrderSettings(prefix=prefix)
    request = OrderRequest("报修", "水电", "厨房水管漏水", "3-2-1201", at="2026-10-03 09:15")
    number = workorders.add(estate, settings, CLERK, request, now=NOW).number
    assert number == f"{prefix}2026-000001"
    said = prefix.upper()
    for typed in spellings_of_the_first(said):
        assert workorders.get_order(estate, typed).number == number, typed
    for typed in not_the_first(said, "SJ2026-1"):
        with pytest.raises(NotFoundError, match="没有编号为 .* 的工单"):
            workorders.get_order(estate, typed)
    # A number with a tail of its own is named as typed, not read as a prefix 'GD2026-' and a year 0001.
    with pytest.raises(NotFoundError) as caught:
        workorders.get_order(estate, f"{said}2026-000001-01")
    assert caught.value.message == f"没有编号为 {said}2026-000001-01 的工单：请用 recordkit workorder list 查看"


def test_bad_input_is_refused_and_writes_nothing(estate: Ledger) -> None:
    before = _journal_size(estate)
    with pytest.raises(ValidationError, match="工单类型“维修”无效，应为 报修、投诉 之一"):
        add(estate, "2026-10-03 09:15", kind="维修")
    with pytest.raises(ValidationError, match="工单类别“燃气”无效"):
        add(estate, "2026-10-03 09:15", category="燃气")
    with pytest.raises(UsageError, match="公共区域没有房号时用 --place 写地点"):
        add(estate, "2026-10-03 09:15", unit=None)
    with pytest.raises(NotFoundError, match="台账中没有房屋 9-9-909"):
        add(estate, "2026-10-03 09:15", unit="9-9-909")
    with pytest.raises(ValidationError, match="联系电话“12345”不是有效的手机号或固定电话"):
        add(estate, "2026-10-03 09:15", phone="12345")
    with pytest.raises(ValidationError, match="报修时间 2026-12-01 12:00 晚于现在（2026-11-30 12:00）"):
        add(estate, "2026-12-01 12:00")
    with pytest.raises(ValidationError, match="工单内容不能为空"):
        add(estate, "2026-10-03 09:15", desc="  ")
    assert _journal_size(estate) == before
    assert workorders.list_orders(estate) == []


def test_public_areas_have_a_place_instead_of_a_unit(estate: Ledger) -> None:
    order = add(estate, "2026-10-03 09:15", category="公共设施", unit=None, place="3栋大堂")
    assert (order.unit, order.place, order.where) == (None, "3栋大堂", "3栋大堂")


def test_the_steps_come_in_order(estate: Ledger) -> None:
    number = add(estate, "2026-10-03 09:15").number
    with pytest.raises(ConflictError, match=f"工单 {number} 尚未派工，不能完工：请先运行 recordkit workorder assign"):
        workorders.close(estate, CLERK, number, "已修好", now=NOW)
    with pytest.raises(ConflictError, match="尚未完成（现为待派工），不能回访"):
        workorders.visit(estate, CLERK, number, "满意", now=NOW)
    with pytest.raises(ValidationError, match="派工时间 2026-10-03 09:00 早于报修时间 2026-10-03 09:15"):
        workorders.assign(estate, CLERK, number, "刘师傅", "2026-10-03 09:00", now=NOW)
    workorders.assign(estate, CLERK, number, "刘师傅", "2026-10-03 09:30", now=NOW)
    # Passed to someone else while still being handled: the first dispatch counts.
    assigned = workorders.assign(estate, CLERK, number, "王师傅", "2026-10-03 10:00", now=NOW)
    assert (assigned.assignee, assigned.status_label) == ("王师傅", "处理中")
    assert assigned.assigned_at == dt.datetime(2026, 10, 3, 9, 30)
    with pytest.raises(ValidationError, match="请用 --result 写明处理结果"):
        workorders.close(estate, CLERK, number, " ", now=NOW)
    closed = workorders.close(estate, CLERK, number, "已更换水管接头", "2026-10-03 11:00", now=NOW)
    assert closed.closed_late is False and closed.status_label == "已完成"
    with pytest.raises(ConflictError, match="已于 2026-10-03 11:00 完成，不能重复完工"):
        workorders.close(estate, CLERK, number, "再修一次", now=NOW)
    with pytest.raises(ConflictError, match="已于 2026-10-03 11:00 完成，不能再派工"):
        workorders.assign(estate, CLERK, number, "刘师傅", now=NOW)
    with pytest.raises(ValidationError, match="满意度“很好”无效，应为 满意、基本满意、不满意 之一"):
        workorders.visit(estate, CLERK, number, "很好", now=NOW)
    visited = workorders.visit(estate, CLERK, number, "基本满意", "师傅来得晚", "2026-10-04 10:00", now=NOW)
    assert (visited.satisfaction, visited.visit_notes, visited.status_label) == ("基本满意", "师傅来得晚", "已回访")
    with pytest.raises(ConflictError, match="已于 2026-10-04 10:00 回访（基本满意），不能重复回访"):
        workorders.visit(estate, CLERK, number, "满意", now=NOW)
    with pytest.raises(NotFoundError, match="没有编号为 GD2026-99 的工单"):  # as typed
        workorders.assign(estate, CLERK, "GD2026-99", "刘师傅", now=NOW)
    with estate.read() as conn:
        assert journal.verify(conn).ok
        actions = [e.action for e in journal.recent(conn, 10, entity_key=number)]
    assert actions == ["workorder.visit", "workorder.close", "workorder.reassign", "workorder.assign", "workorder.add"]


def test_the_phone_is_masked_on_screen_and_in_the_journal(estate: Ledger) -> None:
    number = add(estate, "2026-10-03 09:15", reported_by="李秀英", phone="139 8765 4321").number
    order = workorders.get_order(estate, number)
    assert order.phone == "13987654321"  # stored whole: the office calls back
    assert order.contact() == "李秀英 139****4321"
    assert order.contact(show_private=True) == "李秀英 13987654321"
    assert order.to_dict(NOW)["phone"] == "139****4321"
    assert order.to_dict(NOW, show_private=True)["phone"] == "13987654321"
    with estate.read() as conn:
        stored = conn.execute(sa.text("SELECT before, after FROM journal WHERE entity = 'workorder'")).all()
    assert stored and all("13987654321" not in (before or "") + (after or "") for before, after in stored)
    assert json.loads(stored[0][1])["phone"] == "139****4321"


# -- time limits, overdue, repeat complaints ----------------------------------------------------------


def test_overdue_orders_at_a_fixed_moment(estate: Ledger) -> None:
    lift = add(estate, "2026-10-03 09:00", category="电梯", desc="电梯困人")  # respond 11:00, close 10-04 09:00
    door = add(estate, "2026-10-03 09:00", category="门窗", desc="窗户关不上")  # respond 10-04 09:00, close 10-06 09:00
    water = add(estate, "2026-10-03 09:00", category="水电", desc="停水")  # respond 13:00, close 10-04 09:00
    workorders.assign(estate, CLERK, water.number, "刘师傅", "2026-10-03 10:00", now=NOW)
    at = t("2026-10-03 12:00")
    overdue = workorders.list_orders(estate, OrderFilter(overdue=True), as_of=at)
    assert [(o.number, workorders.overdue_reasons(o, at)) for o in overdue] == [(lift.number, ["派工超时"])]
    at = t("2026-10-05 09:00")
    overdue = workorders.list_orders(estate, OrderFilter(overdue=True), as_of=at)
    assert [(o.number, o.timeliness(at)) for o in overdue] == [
        (lift.number, "派工超时、完成超时"),
        (door.number, "派工超时"),
        (water.number, "完成超时"),
    ]
    late = workorders.close(estate, CLERK, water.number, "已修复", "2026-10-05 10:00", now=NOW)
    assert late.closed_late is True and late.timeliness(NOW) == "超时完成"
    assert [o.number for o in workorders.list_orders(estate, OrderFilter(open_only=True))] == [lift.number, door.number]


def test_orders_overdue_at_a_past_moment_are_listed_though_finished_or_dispatched_since(estate: Ledger) -> None:
    """``--overdue --as-of`` a past moment filtered on each order's status *now*: an order finished (or dispatched)
    since was left out, though it was overdue then — and the month's report counted it (they disagreed)."""
    lift = add(estate, "2026-10-03 09:00", category="电梯", desc="电梯困人")  # respond 11:00, close 10-04 09:00
    workorders.assign(estate, CLERK, lift.number, "刘师傅", "2026-10-03 12:00", now=NOW)  # dispatched late
    workorders.close(estate, CLERK, lift.number, "已修复", "2026-10-04 10:00", now=NOW)  # finished late
    at = t("2026-10-03 11:30")
    assert [(o.number, workorders.overdue_reasons(o, at)) for o in workorders.list_orders(
        estate, OrderFilter(overdue=True), as_of=at)] == [(lift.number, ["派工超时"])]  # fmt: skip
    at = t("2026-10-04 09:30")
    assert [(o.number, workorders.overdue_reasons(o, at)) for o in workorders.list_orders(
        estate, OrderFilter(overdue=True), as_of=at)] == [(lift.number, ["完成超时"])]  # fmt: skip
    assert workorders.list_orders(estate, OrderFilter(overdue=True), as_of=t("2026-10-04 10:00")) == []
    assert workorders.list_orders(estate, OrderFilter(overdue=True), as_of=t("2026-10-03 10:59")) == []
    with estate.read() as conn:  # the report's month end: the same order, late and unfinished then
        october = workorders.month_figures(conn, Month(2026, 10), SETTINGS)
        assert (october.open_at_end, october.overdue_at_end) == (0, 0)
        early = workorders.month_figures(conn, Month(2026, 10), SETTINGS, as_of=t("2026-10-04 09:30"))
        assert (early.open_at_end, early.overdue_at_end) == (1, 1)


def test_a_month_not_over_counts_its_late_orders_now_not_at_its_end(estate: Ledger) -> None:
    """The report of a month not over yet counted as late every order due before the month's end — a moment not
    come (an order due tomorrow counted as overdue, ``workorder list --overdue`` said it was not)."""
    due_tomorrow = add(estate, "2026-10-03 09:00", category="门窗", desc="窗户关不上")  # respond 10-04, close 10-06
    with estate.read() as conn:
        today = workorders.month_figures(conn, Month(2026, 10), SETTINGS, as_of=t("2026-10-03 18:00"))
        later = workorders.month_figures(conn, Month(2026, 10), SETTINGS, as_of=t("2026-10-05 18:00"))
    assert (today.open_at_end, today.overdue_at_end) == (1, 0)
    assert (later.open_at_end, later.overdue_at_end) == (1, 1)
    assert [o.number for o in workorders.list_orders(
        estate, OrderFilter(overdue=True), as_of=t("2026-10-05 18:00"))] == [due_tomorrow.number]  # fmt: skip


def test_the_close_limit_is_fixed_when_the_order_is_opened(estate: Ledger) -> None:
    strict = WorkOrderSettings(limits=(WorkOrderLimitSettings("水电", 1, 2),))
    order = workorders.add(
        estate, strict, CLERK, OrderRequest("报修", "水电", "漏水", "1-1-101", at="2026-10-03 09:00"), now=NOW
    )
    assert (order.respond_by, order.close_by) == (t("2026-10-03 10:00"), t("2026-10-03 11:00"))
    # Later settings do not move it: the month's figures stay as they were.
    assert workorders.get_order(estate, order.number).close_by == t("2026-10-03 11:00")


def test_a_repeat_complaint_is_marked(estate: Ledger) -> None:
    first = add(estate, "2026-10-01 21:00", kind="投诉", category="噪音", unit="1-1-102", desc="夜间装修")
    repair = add(estate, "2026-10-02 21:00", kind="报修", category="噪音", unit="1-1-102", desc="不是投诉")
    other_unit = add(estate, "2026-10-03 21:00", kind="投诉", category="噪音", unit="1-1-101", desc="别的房屋")
    other_kind = add(estate, "2026-10-04 21:00", kind="投诉", category="卫生", unit="1-1-102", desc="别的类别")
    again = add(estate, "2026-10-20 21:00", kind="投诉", category="噪音", unit="1-1-102", desc="又在装修")
    assert [o.is_repeat for o in (first, repair, other_unit, other_kind)] == [False, False, False, False]
    assert again.repeat_of == first.number
    # Exactly 30 days after the last one is still a repeat; more than 30 days is not.
    still = add(estate, "2026-11-19 21:00", kind="投诉", category="噪音", unit="1-1-102", desc="第三次")
    assert still.repeat_of == again.number
    later = add(estate, "2026-10-20 12:00", kind="投诉", category="门窗", unit="3-2-1201", desc="门窗")
    assert later.repeat_of is None
    with estate.write() as conn:
        numbers = workorders.add_many(
            conn,
            SETTINGS,
            CLERK,
            [
                WorkOrderRecord("投诉", "门窗", "又是门窗", t("2026-11-20 13:00"), "3-2-1201"),  # 31 days later
                WorkOrderRecord(
                    "投诉", "门窗", "门窗第三次", t("2026-11-25 09:00"), "3-2-1201"
                ),  # repeats the batch's first
            ],
        )
    marks = [workorders.get_order(estate, n).repeat_of for n in numbers]
    assert marks == [None, numbers[0]]
    listed = workorders.list_orders(estate, OrderFilter(type="投诉", unit="1-1-102", category="噪音"))
    assert [o.is_repeat for o in listed] == [False, True, True]


def test_list_by_month_type_category_and_unit(estate: Ledger) -> None:
    add(estate, "2026-09-30 23:59", unit="1-1-101")
    october = add(estate, "2026-10-01 00:00", unit="1-1-101")
    add(estate, "2026-10-02 08:00", kind="投诉", category="卫生", unit="3-2-1201")
    assert [o.number for o in workorders.list_orders(estate, OrderFilter(month=Month(2026, 10), type="报修"))] == [
        october.number
    ]
    assert len(workorders.list_orders(estate, OrderFilter(unit="1栋1单元101"))) == 2
    assert len(workorders.list_orders(estate, OrderFilter(category="卫生"))) == 1
    with pytest.raises(ValidationError, match="工单类别“漏水”无效"):
        workorders.list_orders(estate, OrderFilter(category="漏水"))


# -- two clerks at once -------------------------------------------------------------------------------


def _add_five(url: str) -> None:
    with open_ledger(url) as ledger:
        for _ in range(5):
            workorders.add(
                ledger, SETTINGS, CLERK, OrderRequest("报修", "水电", "漏水", "1-1-101", at="2026-10-03 09:00"), now=NOW
            )


def test_two_clerks_adding_at_once_get_distinct_gap_free_numbers(ledger_url: str, tmp_path: Path) -> None:
    with open_ledger(ledger_url) as ledger:
        import_owners(ledger, write_sheet(tmp_path / "名册.xlsx", SAMPLE_ROWS), CLERK)
    run_at_once(_add_five, (ledger_url,), ["clerk-a", "clerk-b"])
    with open_ledger(ledger_url) as ledger:
        numbers = [o.number for o in workorders.list_orders(ledger)]
        with ledger.read() as conn:
            assert journal.verify(conn).ok
    assert numbers == [f"GD2026-{seq:06d}" for seq in range(1, 11)]


# -- the [workorders] settings ------------------------------------------------------------------------


def test_limits_are_read_from_recordkit_toml(tmp_path: Path) -> None:
    from recordkit.core.config import load_settings
    from recordkit.core.errors import ConfigError

    config = tmp_path / "recordkit.toml"
    config.write_text(
        '[workorders]\nrepeat_days = 14\n\n[[workorders.limits]]\ncategory = "电梯"\n'
        "response_hours = 1\nclose_hours = 12\n",
        encoding="utf-8",
    )
    settings = load_settings(config, environ={"RECORDKIT_WORKORDERS_PREFIX": "WX"}).workorders
    assert (settings.prefix, settings.repeat_days) == ("WX", 14)
    assert workorders.limits_for(settings, "电梯") == (1, 12)
    assert workorders.limits_for(settings, "门窗") == (24, 72)
    config.write_text('[[workorders.limits]]\ncategory = "电梯"\nresponse = 1\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"未知的配置项 workorders.limits\[1\].response"):
        load_settings(config, environ={})


@pytest.mark.parametrize(
    ("limit", "message"),
    [
        (WorkOrderLimitSettings("燃气", 1, 2), "类别“燃气”无效"),
        (WorkOrderLimitSettings("电梯", 0, 2), "response_hours 和 close_hours 都应为正整数"),
        (WorkOrderLimitSettings("电梯", 30, 24), "派工时限 30 小时长于完成时限 24 小时"),
    ],
)
def test_unusable_limits_are_a_config_error(estate: Ledger, limit: WorkOrderLimitSettings, message: str) -> None:
    from recordkit.core.errors import ConfigError

    with pytest.raises(ConfigError, match=message):
        workorders.add(
            estate,
            WorkOrderSettings(limits=(limit,)),
            CLERK,
            OrderRequest("报修", "电梯", "困人", "1-1-101", at="2026-10-03 09:00"),
            now=NOW,
        )
    assert workorders.list_orders(estate) == []


def test_a_backdated_complaint_marks_the_later_one_as_its_repeat(estate: Ledger) -> None:
    later = add(estate, "2026-11-10 20:00", kind="投诉", category="噪音", unit="1-1-102", desc="夜间装修")
    assert later.repeat_of is None
    # The paper logbook of October is entered afterwards.
    earlier = add(estate, "2026-10-25 21:00", kind="投诉", category="噪音", unit="1-1-102", desc="装修噪音")
    assert earlier.repeat_of is None
    assert workorders.get_order(estate, later.number).repeat_of == earlier.number
    with estate.read() as conn:
        assert journal.verify(conn).ok
        assert [e.action for e in journal.recent(conn, 5, entity_key=later.number)] == [
            "workorder.repeat",
            "workorder.add",
        ]
    # More than 30 days before: no mark.
    add(estate, "2026-09-01 21:00", kind="投诉", category="噪音", unit="1-1-102", desc="装修噪音")
    assert workorders.get_order(estate, earlier.number).repeat_of is None


# -- steps recorded with a date alone -----------------------------------------------------------------------------


def test_a_step_recorded_with_a_date_alone_is_remembered_by_the_ledger(estate: Ledger) -> None:
    """A step typed as a day on an order timed to the minute was said as the day when recorded and as 00:00 ever after
    (``get_order``, the journal); the ledger keeps that it was a day."""
    number = add(estate, "2026-11-03 09:15").number
    workorders.assign(estate, CLERK, number, "刘师傅", "2026-11-03", now=NOW)
    workorders.close(estate, CLERK, number, "已修好", "2026-11-04", now=NOW)
    workorders.visit(estate, CLERK, number, "满意", "", "2026-11-05 10:00", now=NOW)
    order = workorders.get_order(estate, number)
    assert [order.shown_step(step) for step in ("assigned_at", "closed_at", "visited_at")] == [
        "2026-11-03",
        "2026-11-04",
        "2026-11-05 10:00",
    ]
    assert (order.assigned_day_only, order.closed_day_only, order.visited_day_only) == (True, True, False)
    with estate.read() as conn:
        entries = {e.action: e.after for e in journal.recent(conn, 10, entity_key=number)}
    assert (entries["workorder.assign"]["assigned_at"], entries["workorder.close"]["closed_at"]) == (
        "2026-11-03",
        "2026-11-04",
    )


def test_migration_0024_leaves_the_steps_already_recorded_as_they_were(estate: Ledger) -> None:
    """A ledger of 0023 upgraded: its steps are not marked as written with a date alone (false), shown as before; an
    order never passed on keeps no last hand-over (its completion is checked against its dispatch)."""
    number = add(estate, "2026-11-03 09:15").number
    workorders.assign(estate, CLERK, number, "刘师傅", "2026-11-04 00:00", now=NOW)
    with estate.write() as conn:  # the layout of 0023
        for column in ("assigned_day_only", "closed_day_only", "visited_day_only", "handed_at", "handed_day_only"):
            conn.exec_driver_sql(f"ALTER TABLE work_orders DROP COLUMN {column}")
        mark_as_of(conn, "0023")
    with open_ledger(estate.url) as upgraded:
        assert upgraded.revision() == HEAD_REVISION
        order = workorders.get_order(upgraded, number)
        closed = workorders.close(upgraded, CLERK, number, "已修好", "2026-11-04 09:00", now=NOW)
    assert (order.assigned_day_only, order.shown_step("assigned_at")) == (False, "2026-11-04 00:00")
    assert (order.assignee, order.handed_at, order.handed_day_only) == ("刘师傅", None, False)
    assert closed.shown_step("closed_at") == "2026-11-04 09:00"


def test_migration_0025_gives_orders_passed_on_before_0024_their_last_hand_over_from_the_journal(
    estate: Ledger,
) -> None:
    """An order passed on before 0024 changed its worker and journalled 改派 (``workorder.reassign``, its time as typed)
    but kept no last hand-over: a completion before the reassignment was accepted.  Upgraded, each such order has its
    journal's last reassignment as its hand-over — a day alone kept at the hand-over before it that day —; an order
    never passed on has none."""
    timed, same_day, next_day, never = (
        add(estate, "2026-11-03 09:15", unit=unit).number for unit in ("1-1-101", "1-1-102", "3-2-1201", "3-2-1202")
    )
    workorders.assign(estate, CLERK, timed, "刘师傅", "2026-11-03 10:00", now=NOW)
    for number in (same_day, next_day, never):
        workorders.assign(estate, CLERK, number, "刘师傅", "2026-11-05 09:00", now=NOW)
    # As the code before 0024 passed an order on: the worker changed, the journal's entry, no hand-over kept.
    reassignments = [
        (timed, "刘师傅", "王师傅", "2026-11-04 10:00"),
        (same_day, "刘师傅", "王师傅", "2026-11-05 11:00"),
        (same_day, "王师傅", "李师傅", "2026-11-05"),
        (next_day, "刘师傅", "王师傅", "2026-11-06"),
    ]
    with estate.write() as conn:
        for number, before, after, at in reassignments:
            conn.execute(sa.text("UPDATE work_orders SET assignee = :to WHERE number = :n"), {"to": after, "n": number})
            change = {"assignee": after, "reassigned_at": at}
            journal.record(
                conn, CLERK, [journal.Change("workorder.reassign", "workorder", number, {"assignee": before}, change)]
            )
        mark_as_of(conn, "0024")
    with open_ledger(estate.url) as upgraded:
        assert upgraded.revision() == HEAD_REVISION
        orders = [workorders.get_order(upgraded, number) for number in (timed, same_day, next_day, never)]
        assert [(o.assignee, o.handed_at, o.handed_day_only, o.shown_step("handed_at")) for o in orders] == [
            ("王师傅", t("2026-11-04 10:00"), False, "2026-11-04 10:00"),
            ("李师傅", t("2026-11-05 11:00"), True, "2026-11-05"),
            ("王师傅", t("2026-11-06 00:00"), True, "2026-11-06"),
            ("刘师傅", None, False, ""),
        ]
        with pytest.raises(ValidationError) as early:
            workorders.close(upgraded, CLERK, timed, "已修好", "2026-11-04 09:00", now=NOW)
        assert early.value.message == "完成时间 2026-11-04 09:00 早于改派时间 2026-11-04 10:00：请检查 --at"
        with pytest.raises(ValidationError) as early:
            workorders.close(upgraded, CLERK, same_day, "已修好", "2026-11-05 10:30", now=NOW)
        assert early.value.message == "完成时间 2026-11-05 10:30 早于改派时间 2026-11-05：请检查 --at"
        with pytest.raises(ValidationError) as early:
            workorders.assign(upgraded, CLERK, next_day, "赵师傅", "2026-11-05 15:00", now=NOW)
        assert early.value.message == "改派时间 2026-11-05 15:00 早于上次改派时间 2026-11-06：请检查 --at"
        closed = workorders.close(upgraded, CLERK, never, "已修好", "2026-11-05 09:30", now=NOW)
    assert closed.shown_step("closed_at") == "2026-11-05 09:30"


def _dispatch_rows(ledger: Ledger) -> list[tuple[object, ...]]:
    """Each order's worker, dispatch time and last hand-over as the ledger holds them, in number order."""
    c = work_orders.c
    columns = (c.number, c.assignee, c.assigned_at, c.assigned_day_only, c.handed_at, c.handed_day_only)
    with ledger.read() as conn:
        rows = conn.execute(sa.select(*columns).order_by(c.seq)).all()
    return [(number, who, at, bool(day), handed, bool(handed_day)) for number, who, at, day, handed, handed_day in rows]


def test_migration_0026_gives_orders_passed_on_before_13bd917_their_first_dispatch_back(estate: Ledger) -> None:
    """Before 13bd917 passing an order on (改派) moved its row's dispatch time to the reassignment's and journalled a
    ``workorder.assign`` with the first worker and dispatch time in its ``before``: an order dispatched in time was
    judged 派工超时 from the later time.  Upgraded, such an order's row holds its first dispatch again and, as its
    last hand-over, the time its row kept (a later 改派 keeps its own); the others are untouched, no journal entry is
    written, and upgrading again changes nothing."""
    old, old_then_new, new, never, day = (
        add(estate, "2026-11-03 09:15", unit=unit).number
        for unit in ("1-1-101", "1-1-102", "3-2-1201", "3-2-1202", "1-1-101")
    )
    for number in (old, old_then_new, new, never):
        workorders.assign(estate, CLERK, number, "刘师傅", "2026-11-03 10:00", now=NOW)
    # A first dispatch written as a day alone is kept at the report time that day, and shown as the day.
    workorders.assign(estate, CLERK, day, "刘师傅", "2026-11-03", now=NOW)
    pass_on_the_old_way(estate, day, ("刘师傅", "2026-11-03"), ("王师傅", "2026-11-04 09:00"))
    pass_on_the_old_way(estate, old, ("刘师傅", "2026-11-03 10:00"), ("王师傅", "2026-11-04 09:00"))
    pass_on_the_old_way(estate, old, ("王师傅", "2026-11-04 09:00"), ("李师傅", "2026-11-05 09:00"))
    pass_on_the_old_way(estate, old_then_new, ("刘师傅", "2026-11-03 10:00"), ("王师傅", "2026-11-04 09:00"))
    workorders.assign(estate, CLERK, old_then_new, "李师傅", "2026-11-05 09:00", now=NOW)
    workorders.assign(estate, CLERK, new, "王师傅", "2026-11-04 09:00", now=NOW)
    entries = _journal_size(estate)
    left_at_0025(estate)
    with open_ledger(estate.url) as upgraded:
        assert upgraded.revision() == HEAD_REVISION
        rows = _dispatch_rows(upgraded)
        assert rows == [
            (old, "李师傅", t("2026-11-03 10:00"), False, t("2026-11-05 09:00"), False),
            (old_then_new, "李师傅", t("2026-11-03 10:00"), False, t("2026-11-05 09:00"), False),
            (new, "王师傅", t("2026-11-03 10:00"), False, t("2026-11-04 09:00"), False),
            (never, "刘师傅", t("2026-11-03 10:00"), False, None, False),
            (day, "王师傅", t("2026-11-03 09:15"), True, t("2026-11-04 09:00"), False),
        ]
        assert workorders.get_order(upgraded, day).shown_step("assigned_at") == "2026-11-03"
        assert _journal_size(upgraded) == entries
        # Nothing is finished before the last hand-over the row kept.
        with pytest.raises(ValidationError) as early:
            workorders.close(upgraded, CLERK, old, "已修好", "2026-11-05 08:00", now=NOW)
        assert early.value.message == "完成时间 2026-11-05 08:00 早于改派时间 2026-11-05 09:00：请检查 --at"
    left_at_0025(estate)
    with open_ledger(estate.url) as again:
        assert again.revision() == HEAD_REVISION
        assert _dispatch_rows(again) == rows
        assert _journal_size(again) == entries
