"""Notices and payment reminders: who gets one, what the .docx says, the 送达签收表, bad input writes nothing."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from docx import Document
from openpyxl import Workbook, load_workbook

from recordkit.core.errors import NotFoundError, UsageError, ValidationError
from recordkit.core.workspace import Workspace, open_workspace
from recordkit.documents.generated import list_documents
from recordkit.documents.notices import (
    Recipient,
    ReminderLine,
    batch_notices,
    check_order,
    find_when,
    in_office_form,
    make_notices,
    parse_assignments,
    read_batch_sheet,
    remind,
    reminder_rows,
    select_recipients,
)
from recordkit.ledger import journal
from recordkit.ledger.db import Ledger, open_ledger
from recordkit.ledger.schema import documents
from tests.conftest import SAMPLE_ROWS, write_sheet
from tests.documents_fixtures import estate, generated, paragraphs, works_under_way, ws  # noqa: F401 (fixtures)
from tests.fees_fixtures import CASHIER, bill_months, small_estate
from tests.one_moment import a_write_armed, an_import_before_the_co_owners_are_read

WATER = {"停水原因": "二次供水管网维修", "停水范围": "3栋", "停水时间": "12月5日8:00", "恢复时间": "当日18:00"}
TODAY = dt.date(2026, 11, 23)


def table_rows(path: Path, index: int = 0) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in Document(str(path)).tables[index].rows]


# -- pure decisions ---------------------------------------------------------------------------


def test_parse_assignments_and_its_bad_form() -> None:
    assert parse_assignments(["停水时间=12月5日 8:00", " 范围 =3栋=东"]) == {
        "停水时间": "12月5日 8:00",
        "范围": "3栋=东",
    }
    with pytest.raises(UsageError, match="应写成 变量名=内容"):
        parse_assignments(["停水时间"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-05 08:00", dt.datetime(2026, 12, 5, 8)),
        ("2026年12月5日", dt.datetime(2026, 12, 5)),
        ("12月5日8:30", dt.datetime(2026, 12, 5, 8, 30)),
        ("１２月５日１８：００", dt.datetime(2026, 12, 5, 18)),
        ("下周二上午", None),
        ("12月5日8:00至2027年1月3日", dt.datetime(2026, 12, 5, 8)),
        ("2026-02-30 08:00", None),
        ("12月5日下午2:30", dt.datetime(2026, 12, 5, 14, 30)),
        ("12月5日 晚上10点", dt.datetime(2026, 12, 5, 22)),
        ("12月5日中午12点", dt.datetime(2026, 12, 5, 12)),
        ("12月5日上午8点", dt.datetime(2026, 12, 5, 8)),
        ("12月5日下午14:00", dt.datetime(2026, 12, 5, 14)),
        # each part of the day with an hour of its own, in 12- and 24-hour writing
        ("12月5日凌晨3点", dt.datetime(2026, 12, 5, 3)),
        ("12月5日凌晨0:30", dt.datetime(2026, 12, 5, 0, 30)),
        ("12月5日早上6点", dt.datetime(2026, 12, 5, 6)),
        ("12月5日上午12点", dt.datetime(2026, 12, 5, 12)),
        ("12月5日中午1点", dt.datetime(2026, 12, 5, 13)),
        ("12月5日中午13:30", dt.datetime(2026, 12, 5, 13, 30)),
        ("12月5日下午3点", dt.datetime(2026, 12, 5, 15)),
        ("12月5日下午15点", dt.datetime(2026, 12, 5, 15)),
        ("12月5日午后2点", dt.datetime(2026, 12, 5, 14)),
        ("12月5日傍晚6点", dt.datetime(2026, 12, 5, 18)),
        ("12月5日傍晚18点", dt.datetime(2026, 12, 5, 18)),
        ("12月5日晚上20点", dt.datetime(2026, 12, 5, 20)),
        ("12月5日晚间9点", dt.datetime(2026, 12, 5, 21)),
        ("12月5日夜里2点", dt.datetime(2026, 12, 5, 2)),
        ("12月5日夜间12点", dt.datetime(2026, 12, 6, 0)),
        ("12月5日晚8点", dt.datetime(2026, 12, 5, 20)),
        # 最晚 (at the latest) is no part of the day: its hour is read as written, never refused
        ("12月5日最晚15:00", dt.datetime(2026, 12, 5, 15)),
        ("12月5日稍晚16点", dt.datetime(2026, 12, 5, 16)),
    ],
)
def test_parse_when_reads_how_clerks_write_dates(text: str, expected: dt.datetime | None) -> None:
    assert find_when(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "notice_day", "expected"),
    [
        # More than half a year ahead was read as this year's, 2026-07-01, and refused as a year typed wrong.
        ("7月1日8:00", dt.date(2026, 12, 6), dt.datetime(2027, 7, 1, 8)),
        ("12月5日", dt.date(2026, 12, 6), dt.datetime(2026, 12, 5)),  # yesterday: works under way
        ("11月6日", dt.date(2026, 12, 6), dt.datetime(2026, 11, 6)),  # 30 days before: still the recent one
        ("11月5日", dt.date(2026, 12, 6), dt.datetime(2027, 11, 5)),  # 31 days before: the next one
        ("12月6日", dt.date(2026, 12, 6), dt.datetime(2026, 12, 6)),
        ("1月3日", dt.date(2026, 12, 20), dt.datetime(2027, 1, 3)),
        ("12月28日", dt.date(2027, 1, 5), dt.datetime(2026, 12, 28)),  # the recent one, across the new year
        # 2027 has no 2月29日: no moment is read (check_times asks for the year), not 2028-02-29.
        ("2月29日", dt.date(2026, 12, 6), None),
        ("2月29日", dt.date(2027, 12, 1), dt.datetime(2028, 2, 29)),
        ("2月30日", dt.date(2026, 12, 6), None),
    ],
)
def test_a_day_without_its_year_is_the_recent_one_or_the_next(
    text: str, notice_day: dt.date, expected: dt.datetime | None
) -> None:
    assert find_when(text, notice_day) == expected


def test_a_day_without_its_year_after_the_start_is_read_from_the_start() -> None:
    # 恢复时间 1月1日 after 停水时间 12月31日 is the next day; 12月4日 after 12月5日 the day before, for check_order to refuse.
    assert find_when("1月1日8:00", dt.date(2026, 12, 6), base=dt.date(2026, 12, 31)) == dt.datetime(2027, 1, 1, 8)
    assert find_when("12月4日", dt.date(2026, 12, 1), base=dt.date(2026, 12, 5)) == dt.datetime(2026, 12, 4)


def test_parse_when_same_day_needs_the_start() -> None:
    assert find_when("当日18:00", TODAY, base=dt.date(2026, 12, 5)) == dt.datetime(2026, 12, 5, 18)
    assert find_when("当日18:00", TODAY) is None


CUT_DAY = dt.date(2026, 12, 20)


@pytest.mark.parametrize(
    ("text", "base", "expected"),
    [
        # A clock time written with a dot after 当日/当天/次日 was read as 00:00 (当日18.30) or as a day (当天8.30: 8月30日).
        ("当日18.30", CUT_DAY, dt.datetime(2026, 12, 20, 18, 30)),
        ("当天8.30", CUT_DAY, dt.datetime(2026, 12, 20, 8, 30)),
        ("当日下午6.30", CUT_DAY, dt.datetime(2026, 12, 20, 18, 30)),
        ("次日6.30", CUT_DAY, dt.datetime(2026, 12, 21, 6, 30)),
        ("次日6:00", CUT_DAY, dt.datetime(2026, 12, 21, 6, 0)),
        ("当日18.30", None, None),  # the same day as nothing: no day to read it on
        # 24:00 is the end of the day; 当日24.30 was read as 00:30 of the next day, and is no time (``check_times``
        # refuses it) — but 晚上12:30, written on a 12-hour clock, is half past midnight
        ("当日24:00", CUT_DAY, dt.datetime(2026, 12, 21)),
        ("当日24.00", CUT_DAY, dt.datetime(2026, 12, 21)),
        ("当日24时", CUT_DAY, dt.datetime(2026, 12, 21)),
        ("当日24.30", CUT_DAY, None),
        ("当日24:30", CUT_DAY, None),
        ("当日晚上12:30", CUT_DAY, dt.datetime(2026, 12, 21, 0, 30)),
        # a range's start without its own time of day took the end's (12月8日 18:00): it is the start of its day
        ("12月8日至12月9日18:00", None, dt.datetime(2026, 12, 8)),
        ("12月8日-12月9日18:00", None, dt.datetime(2026, 12, 8)),
        ("12.8至12.9 18:00", None, dt.datetime(2026, 12, 8)),
        ("2026年12月8日～12月9日 18.30", None, dt.datetime(2026, 12, 8)),
        ("自12月8日起至12月9日18:00", None, dt.datetime(2026, 12, 8)),
        ("12月8日 8-18点", None, dt.datetime(2026, 12, 8)),
        ("当日至次日6:00", CUT_DAY, dt.datetime(2026, 12, 20)),
        # ... and one with its own keeps it
        ("12月8日 8:00至12月9日 18:00", None, dt.datetime(2026, 12, 8, 8)),
        ("12月8日8:00-18:00", None, dt.datetime(2026, 12, 8, 8)),
        ("12月8日下午2:00起", None, dt.datetime(2026, 12, 8, 14)),
        # ... and after a date: 00:00 of the day
        ("12月20日18.30", None, dt.datetime(2026, 12, 20, 18, 30)),
        ("2026年12月20日 8.30", None, dt.datetime(2026, 12, 20, 8, 30)),
        ("12月20日 8.30至17.30", None, dt.datetime(2026, 12, 20, 8, 30)),
        ("12.20 8.30", None, dt.datetime(2026, 12, 20, 8, 30)),
        ("2026.12.20 18.30", None, dt.datetime(2026, 12, 20, 18, 30)),
        # a dotted pair at the start, or with its year, is a day, as before
        ("12.8", None, dt.datetime(2026, 12, 8)),
        ("2026.12.8", None, dt.datetime(2026, 12, 8)),
        ("12.8 8:00至12.9 18:00", None, dt.datetime(2026, 12, 8, 8)),
        # the colon forms the README lists
        ("当日18:30", CUT_DAY, dt.datetime(2026, 12, 20, 18, 30)),
        ("12月20日8:00", None, dt.datetime(2026, 12, 20, 8)),
        ("2026-12-20 08:00", None, dt.datetime(2026, 12, 20, 8)),
        ("2026/12/20 8:00", None, dt.datetime(2026, 12, 20, 8)),
        ("12/20 8:00", None, dt.datetime(2026, 12, 20, 8)),
    ],
)
def test_a_clock_time_written_with_a_dot_is_read_as_the_colon_one(
    text: str, base: dt.date | None, expected: dt.datetime | None
) -> None:
    assert find_when(text, TODAY, base=base) == expected


@pytest.mark.parametrize(
    ("text", "base", "expected"),
    [
        # A clock time written with a dot after a part of the day or a clock and 至 was read as a day (6月30日, 12月30日),
        # as was a unit code's building and entrance (3月2日): none is a day, as none is printed as one.
        ("下午6.30", None, None),
        ("晚上8.30", None, None),
        ("8:00至12.30", None, None),
        ("3-2-1201", None, None),
        ("3-2-1201室门前 12月8日8:00", None, dt.datetime(2026, 12, 8, 8)),
        ("12-5", None, None),  # a building and entrance as much as a day: no clock or 日 says which
        ("3栋12.8", None, None),
        ("3栋20261208 8:00", None, None),  # eight figures after others: a phone number as much as a day
        # the day written before them is read, with its own time of day
        ("12月20日下午6.30", None, dt.datetime(2026, 12, 20, 18, 30)),
        ("12月20日8:00至12.30", None, dt.datetime(2026, 12, 20, 8)),
        ("停水12.8 8:00至12.9 18:00", None, dt.datetime(2026, 12, 8, 8)),
        ("当日下午6.30", CUT_DAY, dt.datetime(2026, 12, 20, 18, 30)),
        # a day after a building's number with a time of day or 日 after it (it was no day: nothing read)
        ("3号楼 12.8 8:30", None, dt.datetime(2026, 12, 8, 8, 30)),
        ("3号楼12.8日", None, dt.datetime(2026, 12, 8)),
        ("3号楼 12.30 8:30", None, dt.datetime(2026, 12, 30, 8, 30)),
        ("3号楼12:30停水", None, None),  # a time of day alone: no day
    ],
)
def test_a_clock_time_or_a_unit_code_is_no_day(text: str, base: dt.date | None, expected: dt.datetime | None) -> None:
    assert find_when(text, TODAY, base=base) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A day with a dash and a time of day after it was no day at all: 12-5 8:00 was printed as typed and not checked.
        ("12-5 8:00", dt.datetime(2026, 12, 5, 8)),
        ("12-5 8:00-18:00", dt.datetime(2026, 12, 5, 8)),
        ("12-5 下午2:00", dt.datetime(2026, 12, 5, 14)),
        ("12-5 8.30", dt.datetime(2026, 12, 5, 8, 30)),
        ("12-5日", dt.datetime(2026, 12, 5)),
        ("12-5日8:00", dt.datetime(2026, 12, 5, 8)),
        ("12-5 8:00至12-6 18:00", dt.datetime(2026, 12, 5, 8)),
        ("１２－５ ８：００", dt.datetime(2026, 12, 5, 8)),
        # ... but a dashed pair alone, a unit code or hours are none
        ("12-5", None),
        ("3-2-1201 8:00", None),
        ("3-2-1201 8:00起", None),
        ("8-18点", None),
        ("12-5号楼停水", None),
        # a 号 after a day is its mark, as 日 is: 12-5号 with a time of day after it is a day; alone, an address's number
        ("12/5号 8:00", dt.datetime(2026, 12, 5, 8)),
        ("12-5号 8:00", dt.datetime(2026, 12, 5, 8)),
        ("12-5号", None),
        # a pair before 号楼, 号院 … is a building's number, no day: 3.2号楼 was read as 3月2日 (2027's)
        ("3.2号楼 12月8日8:00", dt.datetime(2026, 12, 8, 8)),
        ("12.5号院 8:00", None),
        # ... nor a time of day: 12.30号楼 was read as 12:30 (and 12.60号楼 as no time a clock shows), 12-5 before it
        # as a day with its time
        ("12月8日 12.30号楼", dt.datetime(2026, 12, 8)),
        ("12月8日 12.60号楼", dt.datetime(2026, 12, 8)),
        ("12月8日 12.30 号院 8:00起", dt.datetime(2026, 12, 8, 8)),
        ("12-5 12.30号楼", None),
        ("12月8日 12.30", dt.datetime(2026, 12, 8, 12, 30)),
    ],
)
def test_a_day_written_with_a_dash_is_one_when_a_time_of_day_or_ri_follows(
    text: str, expected: dt.datetime | None
) -> None:
    assert find_when(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A notice's time was read by core.dates.find_date, which reads forms the notice prints as typed, or another
        # day than the first: it is read by the days it prints, the first of them.
        ("20261208 8:00", dt.datetime(2026, 12, 8, 8)),
        ("停水20261208 8:00起", dt.datetime(2026, 12, 8, 8)),
        ("20261208 8:00至2026-12-09 18:00", dt.datetime(2026, 12, 8, 8)),  # was 12-09 18:00, the later end
        ("（2-2026.12.9号楼除外）2026.12.8 8:00起", dt.datetime(2026, 12, 8, 8)),  # was 12-09, a building
        # a day written with underscores, as core.dates reads every other day a clerk types, was printed as typed and
        # never checked (2025_12_08, a year typed wrong, went onto every lobby's notice)
        ("2026_12_08 8:00", dt.datetime(2026, 12, 8, 8)),
        ("2026_12_08 8:00至2026_12_09 18:00", dt.datetime(2026, 12, 8, 8)),
        ("2026_12_08_001 8:00", None),  # inside a longer run of numbers, a file's number: no day
        ("2026-12/08 8:00", None),  # two separators: printed as typed
        ("3栋20261209 8:00", None),  # eight figures after others: a phone number as likely, printed as typed
        ("12月8日8:00起，咨询20261209", dt.datetime(2026, 12, 8, 8)),
    ],
)
def test_a_notices_time_is_read_by_the_days_it_prints(text: str, expected: dt.datetime | None) -> None:
    assert find_when(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A number of hours after a day was read as its time of day: 共1.30小时 as 1:30, 约3.75小时 as no time at all.
        ("12月8日 约3.75小时", dt.datetime(2026, 12, 8)),
        ("12月8日 共1.30小时", dt.datetime(2026, 12, 8)),
        ("12月8日 持续2.30", dt.datetime(2026, 12, 8)),
        ("12月8日 2时30分钟", dt.datetime(2026, 12, 8)),
        ("12月8日，约3.75小时，8:00起", dt.datetime(2026, 12, 8, 8)),
        # ... but 约 before a time of day is about that time
        ("12月8日 约18:00", dt.datetime(2026, 12, 8, 18)),
        ("12月8日 约18.30", dt.datetime(2026, 12, 8, 18, 30)),
    ],
)
def test_a_duration_is_no_time_of_day(text: str, expected: dt.datetime) -> None:
    assert find_when(text, TODAY) == expected


# -- recipients -------------------------------------------------------------------------------


def test_recipients_by_unit_building_and_estate(estate: Ledger) -> None:
    assert select_recipients(estate, unit="3栋2单元1202室") == [Recipient("3-2-1202", "3", None)]
    assert select_recipients(estate, building="3") == [Recipient("3-2-1201", "3", "李秀英")]
    # Only occupied units: 1-1-102 is delivered, 3-2-1202 vacant.
    assert [r.unit for r in select_recipients(estate, everyone=True)] == ["1-1-101", "3-2-1201"]
    assert Recipient("1-1-101", "1", "张伟").salutation == "尊敬的张伟业主"


def test_recipient_errors(estate: Ledger) -> None:
    with pytest.raises(UsageError, match="三选一"):
        select_recipients(estate)
    with pytest.raises(UsageError, match="三选一"):
        select_recipients(estate, unit="1-1-101", building="1")
    with pytest.raises(NotFoundError, match="台账中没有房屋 9-9-909"):
        select_recipients(estate, unit="9-9-909")
    with pytest.raises(ValidationError, match=r"^台账中没有7栋（本小区有 1栋、3栋）：请检查楼号，例如 --building 1$"):
        select_recipients(estate, building="7")


def test_a_building_where_nobody_lives_yet_has_no_one_to_notify(estate: Ledger, tmp_path: Path) -> None:
    """A building that is there but whose units are all 空置 (a new block) is not a typo: nobody to notify."""
    from recordkit.owners.roster import import_owners
    from tests.conftest import write_sheet

    new_block = [["5", "1", "101", 90.0, None, None, None, None, "空置"]]
    import_owners(estate, write_sheet(tmp_path / "新楼.xlsx", new_block), "测试员")
    with pytest.raises(NotFoundError, match="^5栋没有已入住的房屋，没有可发送通知的对象"):
        select_recipients(estate, building="5")


# -- notices ----------------------------------------------------------------------------------


def test_building_notice_one_file_per_unit_with_sign_sheet(ws: Workspace, estate: Ledger) -> None:
    recipients = select_recipients(estate, everyone=True)
    batch = make_notices(ws, estate, "停水通知", recipients, WATER, CASHIER, scope="全体", today=TODAY)
    assert [d.path.name for d in batch.documents] == ["停水通知_1-1-101.docx", "停水通知_3-2-1201.docx"]
    lines = paragraphs(batch.documents[0].path)
    assert lines[:2] == ["停水通知", "尊敬的张伟业主："]
    assert "因二次供水管网维修，测试小区3栋将于12月5日8:00暂停供水，预计当日18:00恢复供水。" in lines[2]
    assert lines[-3:] == ["测试物业服务中心", "（盖章处）", "2026年11月23日"]
    assert paragraphs(batch.documents[1].path)[1] == "尊敬的李秀英业主："

    assert batch.sign_sheet is not None and batch.sign_sheet.path.name == "停水通知送达签收表_全体.xlsx"
    sheet = load_workbook(batch.sign_sheet.path).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "停水通知 送达签收表"
    assert "共 2 户" in rows[1][0] and "2026年11月23日" in rows[1][0]
    assert rows[2] == ["序号", "房号", "业主", "签收人签字", "签收日期", "备注"]
    assert rows[3:] == [[1, "1-1-101", "张伟", None, None, None], [2, "3-2-1201", "李秀英", None, None, None]]
    assert sheet.print_title_rows == "$3:$3"

    listed = list_documents(ws, estate)
    assert {d.kind for d in listed} == {"通知", "送达签收表"}
    with estate.read() as conn:
        values = json.loads(
            conn.execute(
                sa.select(documents.c.values_json).where(documents.c.path.like("%停水通知_1-1-101.docx"))
            ).scalar()
        )
        assert values["停水时间"] == "12月5日8:00" and values["业主姓名"] == "张伟"
        assert journal.verify(conn).ok


def test_merged_notice_is_one_file_one_page_each(ws: Workspace, estate: Ledger) -> None:
    recipients = select_recipients(estate, everyone=True)
    batch = make_notices(
        ws,
        estate,
        "温馨提示",
        recipients,
        {"提示内容": "冬季请关好门窗"},
        CASHIER,
        merge=True,
        scope="全体",
        today=TODAY,
    )
    assert len(batch.documents) == 1 and batch.merged
    lines = paragraphs(batch.documents[0].path)
    assert [line for line in lines if line.startswith("尊敬的")] == ["尊敬的张伟业主：", "尊敬的李秀英业主："]
    assert lines.count("冬季请关好门窗") == 2
    assert [p.suffix for p in generated(ws)] == [".docx", ".xlsx"]


def test_every_builtin_notice_fills(ws: Workspace, estate: Ledger) -> None:
    works_under_way(estate, "1-1-101", "3-2-1201")
    asks = {
        "停电通知": {"停电原因": "线路检修", "停电范围": "1栋", "停电时间": "12月6日9:00", "恢复时间": "12月6日17:00"},
        "电梯维保通知": {
            "维保单位": "某某电梯公司",
            "电梯位置": "1栋1单元1号电梯",
            "维保时间": "12月7日9:00",
            "结束时间": "12月7日12:00",
        },
        "装修违规整改通知": {"违规事项": "擅自拆改承重墙", "整改期限": "2026年11月30日"},
    }
    expected = {
        "停电通知": "将于12月6日9:00暂停供电，预计12月6日17:00恢复供电",
        "电梯维保通知": "某某电梯公司将于12月7日9:00至12月7日12:00对测试小区1栋1单元1号电梯进行定期维护保养",
        "装修违规整改通知": "存在以下违规行为：擅自拆改承重墙。",
    }
    for name, values in asks.items():
        batch = make_notices(ws, estate, name, select_recipients(estate, unit="1-1-101"), values, CASHIER, today=TODAY)
        text = "\n".join(paragraphs(batch.documents[0].path))
        assert text.startswith(name) and expected[name] in text, name
        assert "{{" not in text and "}}" not in text


NOTICE_ASKS = {
    "停水通知": WATER,
    "停电通知": {"停电原因": "线路检修", "停电范围": "1栋", "停电时间": "12月6日9:00", "恢复时间": "12月6日17:00"},
    "电梯维保通知": {"维保单位": "某某电梯公司", "电梯位置": "1号电梯", "维保时间": "12月7日9:00", "结束时间": "12时"},
    "装修违规整改通知": {"违规事项": "擅自拆改承重墙", "整改期限": "2026年11月30日"},
}


@pytest.mark.parametrize("name", list(NOTICE_ASKS))
def test_a_notice_gives_the_offices_phone_when_it_has_one(ws: Workspace, estate: Ledger, name: str) -> None:
    """Owners reading a notice in the lobby were told to ring the office, with no number to ring: the office's
    telephone (``[notices] phone``, already on certificates and reminders) is on every notice that says to call
    or tell the office; an office with none configured keeps the sentence without it."""
    works_under_way(estate, "1-1-101", "3-2-1201")
    unit = select_recipients(estate, unit="1-1-101")
    plain = "\n".join(
        paragraphs(make_notices(ws, estate, name, unit, NOTICE_ASKS[name], CASHIER, today=TODAY).documents[0].path)
    )
    assert "电话" not in plain and "物业服务中心" in plain
    phoned = open_workspace(
        ws.root, environ={"RECORDKIT_DATABASE_URL": ws.database_url, "RECORDKIT_NOTICES_PHONE": "0571-88886666"}
    )
    batch = make_notices(phoned, estate, name, unit, NOTICE_ASKS[name], CASHIER, today=TODAY)
    text = "\n".join(paragraphs(batch.documents[0].path))
    assert text.count("物业服务中心（电话：0571-88886666）") == 1, text


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({**WATER, "停水时问": "x"}, "模板“停水通知”没有用到变量“停水时问”（是不是 停水时间？）"),
        (
            {k: v for k, v in WATER.items() if k != "恢复时间"},
            "模板“停水通知”需要填写变量：恢复时间。请加上 --set 恢复时间=…",
        ),
        (
            {**WATER, "恢复时间": "12月4日18:00"},
            "模板“停水通知”的日期顺序不对：恢复时间（12月4日18:00）早于停水时间（12月5日8:00）",
        ),
        (  # the day after the building's number was not read: nothing to hold the 恢复时间 to
            {**WATER, "停水时间": "3号楼 12.5 8:30", "恢复时间": "12.4 18:00"},
            "模板“停水通知”的日期顺序不对：恢复时间（12.4 18:00）早于停水时间（3号楼 12.5 8:30）",
        ),
    ],
)
def test_bad_values_write_nothing(ws: Workspace, estate: Ledger, values: dict[str, str], message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        make_notices(ws, estate, "停水通知", select_recipients(estate, everyone=True), values, CASHIER, today=TODAY)
    assert caught.value.message.startswith(message)
    assert generated(ws) == []
    assert list_documents(ws, estate) == []


def test_rectification_deadline_before_today_is_refused(ws: Workspace, estate: Ledger) -> None:
    with pytest.raises(ValidationError, match="整改期限（2026年11月1日）早于日期"):
        make_notices(
            ws,
            estate,
            "装修违规整改通知",
            select_recipients(estate, unit="1-1-101"),
            {"违规事项": "噪音扰民", "整改期限": "2026年11月1日"},
            CASHIER,
            today=TODAY,
        )


def test_unknown_template_lists_what_there_is(ws: Workspace, estate: Ledger) -> None:
    with pytest.raises(
        NotFoundError,
        match="没有名为“停气通知”的模板。现有模板：临时出入证、停水通知、停电通知、催缴通知书、出门条、居住证明、收据、收据-241、温馨提示、电梯维保通知、缴费证明、装修押金退款单、装修登记表、装修违规整改通知、装饰装修管理协议",
    ):
        make_notices(ws, estate, "停气通知", select_recipients(estate, everyone=True), {}, CASHIER)


WHOLE_CUT = "因管道维修，测试小区将于12月5日8:00暂停供水，预计当日18:00恢复供水。"


@pytest.mark.parametrize("scope", ["全小区", "全体", "全部", "整个小区", " 全 小区 ", "测试小区", "测试小区全小区"])
def test_a_cut_of_the_whole_estate_names_the_estate_once(ws: Workspace, estate: Ledger, scope: str) -> None:
    """停水范围=全小区 printed 因管道维修，测试小区全小区将于…: the sentence is {{ 小区 }}{{ 停水范围 }}.  A scope that is
    the whole estate, or the estate's own name, now names the estate once."""
    values = {**WATER, "停水原因": "管道维修", "停水范围": scope}
    batch = make_notices(
        ws, estate, "停水通知", select_recipients(estate, unit="1-1-101"), values, CASHIER, today=TODAY
    )
    assert paragraphs(batch.documents[0].path)[2].startswith(WHOLE_CUT)


def test_a_scope_is_printed_after_the_estate_once_in_every_notice_that_names_it(ws: Workspace, estate: Ledger) -> None:
    """The 停电通知 (停电范围) and the 电梯维保通知 (电梯位置) print their scope after the estate's name too; a building
    written after the estate's name (测试小区3栋) is printed once."""
    unit = select_recipients(estate, unit="1-1-101")
    power = {"停电原因": "线路检修", "停电范围": "全体", "停电时间": "12月6日9:00", "恢复时间": "12月6日17:00"}
    lift = {"维保单位": "某某电梯公司", "电梯位置": "全部", "维保时间": "12月7日9:00", "结束时间": "12月7日12:00"}
    building = {**WATER, "停水原因": "管道维修", "停水范围": "测试小区3栋"}
    said = {
        "停电通知": (power, "因线路检修，测试小区将于12月6日9:00暂停供电，"),
        "电梯维保通知": (lift, "某某电梯公司将于12月7日9:00至12月7日12:00对测试小区进行定期维护保养。"),
        "停水通知": (building, "因管道维修，测试小区3栋将于12月5日8:00暂停供水，"),
    }
    for name, (values, sentence) in said.items():
        batch = make_notices(ws, estate, name, unit, values, CASHIER, today=TODAY)
        assert sentence in paragraphs(batch.documents[0].path)[2], name


def test_a_scope_not_printed_after_the_estate_is_printed_as_written(ws: Workspace, estate: Ledger) -> None:
    """An office's own 停水通知 that prints the scope on its own line keeps 全小区; one whose {{ 小区 }} and
    {{ 停水范围 }} Word put in runs of their own still reads as one sentence, and names the estate once."""
    from tests.test_templates import make_docx

    make_docx(
        ws.templates_dir / "停水通知.docx",
        "因{{ 停水原因 }}，{{ 小区 }}停水。",
        "停水范围：{{ 停水范围 }}，{{ 停水时间 }}至{{ 恢复时间 }}。",
    )
    values = {**WATER, "停水原因": "管道维修", "停水范围": "全小区"}
    unit = select_recipients(estate, unit="1-1-101")
    batch = make_notices(ws, estate, "停水通知", unit, values, CASHIER, today=TODAY)
    assert paragraphs(batch.documents[0].path)[1] == "停水范围：全小区，12月5日8:00至当日18:00。"
    make_docx(
        ws.templates_dir / "停水通知.docx",
        ["因{{ 停水原因 }}，{{ 小区 }}", "{{ 停水范围 }}将于{{ 停水时间 }}暂停供水，预计{{ 恢复时间 }}恢复供水。"],
    )
    batch = make_notices(ws, estate, "停水通知", unit, values, CASHIER, today=TODAY)
    assert paragraphs(batch.documents[0].path) == [WHOLE_CUT]


def test_a_notice_to_the_whole_estate_from_the_command_line_names_it_once(run_cli: Any, workspace: Workspace) -> None:
    """`notice make 停水通知 --all --set 停水范围=全小区`, the clerk's usual way, and a batch sheet's column alike."""
    from tests.conftest import SAMPLE_ROWS, write_sheet

    assert run_cli("owners", "import", str(write_sheet(workspace.root / "名册.xlsx", SAMPLE_ROWS))).exit_code == 0
    water = ["--set", "停水原因=管道维修", "--set", "停水时间=12月5日8:00", "--set", "恢复时间=当日18:00"]
    made = run_cli("notice", "make", "停水通知", "--all", *water, "--set", "停水范围=全小区", "--merge")
    assert made.exit_code == 0, made.output
    [merged] = (workspace.root / "records" / "generated").rglob("停水通知合并打印*.docx")
    cuts = [line for line in paragraphs(merged) if line.startswith("因")]
    assert len(cuts) == 2 and all(line.startswith(WHOLE_CUT) for line in cuts), cuts
    sheet = write_sheet(workspace.root / "停水名单.xlsx", [["1-1-101", "整个小区"]], headers=("房号", "停水范围"))
    batch = run_cli("notice", "batch", "停水通知", str(sheet), *water)
    assert batch.exit_code == 0, batch.output
    [one] = (workspace.root / "records" / "generated").rglob("停水通知_1-1-101.docx")
    assert paragraphs(one)[2].startswith(WHOLE_CUT)


@pytest.mark.parametrize(
    ("written", "printed"),
    [
        ("2026.12.8 8:00", "2026年12月8日 8:00"),
        ("2026/12/08 8:00", "2026年12月8日 8:00"),
        ("2026-12-08 08:00", "2026年12月8日 08:00"),
        ("12.8 8:00", "12月8日 8:00"),
        ("12/8上午8:00", "12月8日上午8:00"),
        ("2026年12月8日 8:00", "2026年12月8日 8:00"),
        ("12月8日8:00", "12月8日8:00"),
        # a range's second end was printed as typed: 12月8日 8:00至12.9 18:00
        ("12.8 8:00至12.9 18:00", "12月8日 8:00至12月9日 18:00"),
        ("12/8 8:00到12/9 18:00", "12月8日 8:00到12月9日 18:00"),
        ("12.8 8.30至12.9 18.30", "12月8日 8.30至12月9日 18.30"),
        ("12月8日 8:00至12.9 18:00", "12月8日 8:00至12月9日 18:00"),
        ("2026.12.8 8:00至12.9 18:00", "2026年12月8日 8:00至12月9日 18:00"),
        ("12.7至12.9", "12月7日至12月9日"),
        # ... but a time of day after one is a time: half past noon, not 12月30日
        ("12.8 8:00至12.30", "12月8日 8:00至12.30"),
        ("12.8 8.30至12.30", "12月8日 8.30至12.30"),
        # a day read after a word was printed as typed: 自12.8起
        ("自12.8起", "自12月8日起"),
        ("自12/8 8:00起", "自12月8日 8:00起"),
        ("预计12.8上午8:00起", "预计12月8日上午8:00起"),
        # ... and a range's second end after a dash
        ("12.8-12.9", "12月8日-12月9日"),
        ("12/8-12/9", "12月8日-12月9日"),
        ("12.8 8:00-12.9 18:00", "12月8日 8:00-12月9日 18:00"),
        ("12.8 8:00 - 12.9 18:00", "12月8日 8:00 - 12月9日 18:00"),
        ("12月8日 8:00-12.9 18:00", "12月8日 8:00-12月9日 18:00"),
        ("12.8 8:00-12.30", "12月8日 8:00-12.30"),  # half past noon
        ("2026.12.8-2026.12.9", "2026年12月8日-2026年12月9日"),
        ("2026-12-08 8:00-2026-12-09 18:00", "2026年12月8日 8:00-2026年12月9日 18:00"),
        # ... and full-width digits as typed: printed half-width, the words around them as typed
        ("１２．８ ８：００", "12月8日 8:00"),
        ("１２月８日 ８：００", "12月8日 8:00"),
        ("２０２６年１２月８日８时", "2026年12月8日8时"),
        ("自１２／８起", "自12月8日起"),
        ("１２．８ ８：００至１２．９ １８：００", "12月8日 8:00至12月9日 18:00"),
        # a dash between digits that is no range of days stays as typed: a unit, a phone, hours
        ("12.8 8:00起，3-2-1201除外", "12月8日 8:00起，3-2-1201除外"),
        ("12.8 8:00起，咨询0755-8888 6666", "12月8日 8:00起，咨询0755-8888 6666"),
        ("12.8 8:00起，３－２－１２０１除外", "12月8日 8:00起，３－２－１２０１除外"),
        ("12.8 8-18点", "12月8日 8-18点"),
        ("12月8日 8:00起，3-12.5单元除外", "12月8日 8:00起，3-12.5单元除外"),
        ("12.8 8:00起（3-12.5除外，12月9日恢复）", "12月8日 8:00起（3-12.5除外，12月9日恢复）"),
        # a day written with a dash and a time of day or 日 after it was printed as typed (12-5 8:00): it is a day; a
        # dashed pair alone, a unit code before a time of day, stays as typed
        ("12-5 8:00", "12月5日 8:00"),
        ("12-5 8:00-18:00", "12月5日 8:00-18:00"),
        ("12-5日", "12月5日"),
        ("12-5日8:00", "12月5日8:00"),
        ("12-5 8:00至12-6 18:00", "12月5日 8:00至12月6日 18:00"),
        ("１２－５ ８：００", "12月5日 8:00"),
        ("12-5", "12-5"),
        ("3-2-1201 8:00", "3-2-1201 8:00"),
        ("8-18点", "8-18点"),
        # a day written as eight figures was read (a later 恢复时间 checked by it) but printed as typed; eight figures
        # after others (a phone number) are neither read nor printed as days
        ("20261208 8:00", "2026年12月8日 8:00"),
        ("停水20261208 8:00起", "停水2026年12月8日 8:00起"),
        ("20261208 8:00至20261209 18:00", "2026年12月8日 8:00至2026年12月9日 18:00"),
        ("２０２６１２０８ ８：００", "2026年12月8日 8:00"),
        # a day written with underscores was printed as typed, never read: it is a day, as core.dates reads it
        ("2026_12_08 8:00", "2026年12月8日 8:00"),
        ("2026_12_08 8:00至2026_12_09 18:00", "2026年12月8日 8:00至2026年12月9日 18:00"),
        ("２０２６＿１２＿０８ ８：００", "2026年12月8日 8:00"),
        ("2026_12_08号", "2026年12月8日"),
        ("12.8 8:00起，咨询20261209", "12月8日 8:00起，咨询20261209"),
        # a 日 after a dotted day was printed twice (12月5日日)
        ("12.5日 8:00", "12月5日 8:00"),
        ("12/5日", "12月5日"),
        ("2026.12.8 8:00起（2-2026.12.9号楼除外）", "2026年12月8日 8:00起（2-2026.12.9号楼除外）"),
        # a 号 after a day is the day's mark, as 日 is: it was kept after the day printed (12月5日号); a 日 after a day
        # written with its year was printed twice (2026年12月5日日)
        ("12.5号", "12月5日"),
        ("12/5号 8:00", "12月5日 8:00"),
        ("12.5 号 8:00", "12月5日 8:00"),
        ("１２．５号 ８：００", "12月5日 8:00"),
        ("2026.12.5号", "2026年12月5日"),
        ("2026.12.5日 8:00", "2026年12月5日 8:00"),
        ("12.8号 8:00至12.9号 18:00", "12月8日 8:00至12月9日 18:00"),
        ("2026.12.8号-2026.12.9号", "2026年12月8日-2026年12月9日"),
        ("12-5号 8:00", "12月5日 8:00"),
        # ... and after a day written with 月: 12月5号 was printed as typed beside the 日 of every other day
        ("12月5号 8:00", "12月5日 8:00"),
        ("12月5号8:00至12月6号18:00", "12月5日8:00至12月6日18:00"),
        ("2026年12月5号 8:00", "2026年12月5日 8:00"),
        ("１２月５号 ８：００", "12月5日 8:00"),
        ("12月5 号 8:00", "12月5日 8:00"),
        ("12月5日 8:00起，3号楼除外", "12月5日 8:00起，3号楼除外"),
        # a pair before a 号 that begins a building's or a place's name is no day (it was printed 3月2日号楼), and a
        # dashed pair with 号 alone an address's number: as typed
        ("3.2号楼 12月8日8:00", "3.2号楼 12月8日8:00"),
        ("12.5号院", "12.5号院"),
        ("2026.12.5号楼", "2026.12.5号楼"),
        ("12-5号", "12-5号"),
        ("12-5号楼", "12-5号楼"),
        ("3-2号楼", "3-2号楼"),
        # a dotted or slashed day after a building's number was printed as typed (3号楼 12.8 8:30), though a time of
        # day or 日 after it says it is a day, as it is at the start
        ("3号楼 12.8 8:30起", "3号楼 12月8日 8:30起"),
        ("3号楼12.8日8:30", "3号楼12月8日8:30"),
        ("3栋2单元 12/8 8:30至17:00", "3栋2单元 12月8日 8:30至17:00"),
        ("3号楼 12.8 8:30至12.8 17:00", "3号楼 12月8日 8:30至12月8日 17:00"),
        # ... but a pair with nothing after it may be a room (3栋12.8), a dashed one a unit's parts (3号楼 2-3 8:00),
        # eight figures after others a phone number: as typed
        ("3栋12.8", "3栋12.8"),
        ("3号楼 2-3 8:00", "3号楼 2-3 8:00"),
        ("3栋20261208 8:00", "3栋20261208 8:00"),
        # what clerks write most: as typed, or the day in the office's form
        ("3号楼12:30", "3号楼12:30"),
        ("12月8日12:30-16:30", "12月8日12:30-16:30"),
        ("12.8 8:30至12.8 17:00", "12月8日 8:30至12月8日 17:00"),
    ],
)
def test_a_date_written_with_dots_slashes_or_dashes_is_printed_in_the_offices_form(
    ws: Workspace, estate: Ledger, written: str, printed: str
) -> None:
    """停水时间=2026.12.8 8:00 was printed as typed, 将于2026.12.8 8:00暂停供水, beside the office's 年月日 everywhere
    else on the paper; the date is now printed 2026年12月8日 (the year only when written), the rest as typed."""
    values = {**WATER, "停水原因": "管道维修", "停水时间": written, "恢复时间": "当日18:00"}
    batch = make_notices(
        ws, estate, "停水通知", select_recipients(estate, unit="1-1-101"), values, CASHIER, today=TODAY
    )
    assert paragraphs(batch.documents[0].path)[2].startswith(
        f"因管道维修，测试小区3栋将于{printed}暂停供水，预计当日18:00恢复供水。"
    )


def test_only_the_times_dates_are_printed_in_the_offices_form(ws: Workspace, estate: Ledger, tmp_path: Path) -> None:
    """The times a notice's dates are checked by (恢复时间, 整改期限 …) are printed in the office's form, from --set and a
    batch sheet's cells alike; other values (停水原因) as typed, and a day without its year further into a time (8.30
    after 12月5日: a time of day) or written with a dash (8-18点: hours) too."""
    works_under_way(estate, "1-1-101", "3-2-1201")
    unit = select_recipients(estate, unit="1-1-101")
    values = {
        "停水原因": "2026.11.20爆管抢修",
        "停水范围": "3栋",
        "停水时间": "12月5日 8.30",
        "恢复时间": "2026/12/5 18:00",
    }
    batch = make_notices(ws, estate, "停水通知", unit, values, CASHIER, today=TODAY)
    assert paragraphs(batch.documents[0].path)[2].startswith(
        "因2026.11.20爆管抢修，测试小区3栋将于12月5日 8.30暂停供水，预计2026年12月5日 18:00恢复供水。"
    )
    lift = {"维保单位": "某某电梯公司", "电梯位置": "1号电梯", "维保时间": "12.7 8-18点", "结束时间": "12.7 18:00"}
    batch = make_notices(ws, estate, "电梯维保通知", unit, lift, CASHIER, today=TODAY)
    assert "某某电梯公司将于12月7日 8-18点至12月7日 18:00对测试小区1号电梯" in paragraphs(batch.documents[0].path)[2]
    sheet = _sheet(tmp_path / "整改名单.xlsx", [["1-1-101", "夜间施工噪音", "2026.12.10"]])
    batch = batch_notices(ws, estate, "装修违规整改通知", sheet, {}, CASHIER, today=TODAY)
    assert "请您于2026年12月10日前整改完毕" in "\n".join(paragraphs(batch.documents[0].path))


def test_office_notice_with_its_own_variables(ws: Workspace, estate: Ledger) -> None:
    from tests.test_templates import make_docx

    make_docx(ws.templates_dir / "燃气检修通知.docx", "{{ 称呼 }}：", "燃气公司将于{{ 检修时间 }}入户检修。")
    with pytest.raises(ValidationError, match="需要填写变量：检修时间"):
        make_notices(ws, estate, "燃气检修通知", select_recipients(estate, unit="1-1-101"), {}, CASHIER)
    batch = make_notices(
        ws, estate, "燃气检修通知", select_recipients(estate, unit="1-1-101"), {"检修时间": "12月8日"}, CASHIER
    )
    assert paragraphs(batch.documents[0].path) == ["尊敬的张伟业主：", "燃气公司将于12月8日入户检修。"]
    assert batch.documents[0].kind == "通知"


def test_a_long_template_name_never_cuts_the_unit_off_the_file_names(ws: Workspace, estate: Ledger) -> None:
    # 78 characters: its files were all "<name>_.docx", "<name>__2.docx" — whose is which?
    from tests.test_templates import make_docx

    name = "关于小区二次供水设施清洗消毒期间暂停供水的通知" * 3 + "请各位业主提前储水"
    assert len(name) == 78
    make_docx(ws.templates_dir / f"{name}.docx", "{{ 称呼 }}：请提前储水。")
    batch = make_notices(ws, estate, name, select_recipients(estate, everyone=True), {}, CASHIER, today=TODAY)
    names = [d.path.name for d in batch.documents]
    assert [n.rsplit("_", 1)[1] for n in names] == ["1-1-101.docx", "3-2-1201.docx"]
    assert all(n.startswith(name[:60]) and len(n.removesuffix(".docx")) == 80 for n in names)
    assert batch.sign_sheet is not None and batch.sign_sheet.path.name.endswith("_全体.xlsx")


def test_sandbox_escape_in_an_office_template_writes_nothing(ws: Workspace, estate: Ledger) -> None:
    from recordkit.documents.templates.engine import TemplateError
    from tests.test_templates import make_docx

    make_docx(ws.templates_dir / "恶意通知.docx", "{{ 称呼.__class__.__mro__ }}")
    with pytest.raises(TemplateError, match="不允许"):
        make_notices(ws, estate, "恶意通知", select_recipients(estate, everyone=True), {}, CASHIER)
    assert generated(ws) == []


# -- notice batch from a sheet ----------------------------------------------------------------


def _sheet(path: Path, rows: list[list[object]], headers: tuple[str, ...] = ("房号", "违规事项", "整改期限")) -> Path:
    workbook = Workbook()
    workbook.active.append(list(headers))
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def test_batch_fills_each_row_with_its_own_values(ws: Workspace, estate: Ledger, tmp_path: Path) -> None:
    works_under_way(estate, "1-1-101", "3-2-1201")
    sheet = _sheet(
        tmp_path / "整改名单.xlsx",
        [["3栋2单元1201", "阳台封装超出规定", "2026年12月10日"], ["1-1-101", "夜间施工噪音", ""]],
    )
    batch = batch_notices(ws, estate, "装修违规整改通知", sheet, {"整改期限": "2026年12月1日"}, CASHIER, today=TODAY)
    first, second = ("\n".join(paragraphs(d.path)) for d in batch.documents)
    assert "测试小区3栋2单元1201室的房屋在装修过程中存在以下违规行为：阳台封装超出规定。" in first
    assert "请您于2026年12月10日前整改完毕" in first
    assert "夜间施工噪音" in second and "请您于2026年12月1日前整改完毕" in second  # --set fills the empty cell
    rows = list(load_workbook(batch.sign_sheet.path).active.iter_rows(min_row=4, values_only=True))
    assert [row[1] for row in rows] == ["3-2-1201", "1-1-101"]


def test_batch_from_a_sheet_named_in_gbk(ws: Workspace, estate: Ledger, tmp_path: Path) -> None:
    works_under_way(estate, "1-1-101", "3-2-1201")
    # A sheet saved on a Windows share: its name reaches Linux as GBK bytes.  The batch crashed
    # (exit 70) writing the 送达签收表 named after it, after the notices were already recorded.
    gbk = Path(os.fsdecode(os.fsencode(tmp_path) + b"/" + "整改名单".encode("gbk") + b".xlsx"))
    sheet = _sheet(gbk, [["3栋2单元1201", "阳台封装超出规定", "2026年12月10日"]])
    batch = batch_notices(ws, estate, "装修违规整改通知", sheet, {}, CASHIER, today=TODAY)
    assert batch.sign_sheet is not None
    assert batch.sign_sheet.path.name == "装修违规整改通知送达签收表_整改名单.xlsx"
    assert load_workbook(batch.sign_sheet.path).active["A2"].value.startswith("测试小区　整改名单　共 1 户")
    assert [d.subject for d in list_documents(ws, estate)] == ["整改名单", "3-2-1201"]


def test_batch_reports_every_bad_row_and_writes_nothing(ws: Workspace, estate: Ledger, tmp_path: Path) -> None:
    works_under_way(estate, "1-1-101", "3-2-1201")
    sheet = _sheet(
        tmp_path / "整改名单.xlsx",
        [["9-9-909", "x", "2026年12月10日"], ["不是房号", "x", "2026年12月10日"], ["1-1-101", "x", "2026年12月10日"]],
    )
    with pytest.raises(ValidationError) as caught:
        batch_notices(ws, estate, "装修违规整改通知", sheet, {}, CASHIER, today=TODAY)
    assert caught.value.message == "整改名单.xlsx 有 2 处错误，没有生成任何通知"
    assert [str(p) for p in caught.value.problems] == [
        "第 2 行 A 列（房号）：台账中没有房屋 9-9-909",
        "第 3 行 A 列（房号）：房号“不是房号”无法识别，应写成 楼栋-单元-房号，例如 3-2-1201 或 5栋1201室（别墅、商铺、车位如 12号别墅、商铺S-101、车位B1-023）",
    ]
    # A value left out is listed beside a wrong unit, in sheet order.
    missing = _sheet(tmp_path / "缺项.xlsx", [["1-1-101", "噪音", ""], ["9-9-909", "x", "2026年12月10日"]])
    with pytest.raises(ValidationError) as caught:
        batch_notices(ws, estate, "装修违规整改通知", missing, {}, CASHIER, today=TODAY)
    assert caught.value.message == "缺项.xlsx 有 2 处错误，没有生成任何通知"
    assert [str(p) for p in caught.value.problems] == [
        "第 2 行（1-1-101）：模板“装修违规整改通知”需要填写变量：整改期限。请加上 --set 整改期限=…",
        "第 3 行 A 列（房号）：台账中没有房屋 9-9-909",
    ]
    assert generated(ws) == []


def test_batch_reads_rows_past_the_recorded_sheet_size(ws: Workspace, estate: Ledger, tmp_path: Path) -> None:
    """A sheet claiming to be A1:C2 (the headers and the first row) still gives a notice for every row."""
    works_under_way(estate, "1-1-101", "3-2-1201")
    from tests.test_roster_cli import with_dimension

    sheet = _sheet(
        tmp_path / "整改名单.xlsx",
        [["3栋2单元1201", "阳台封装超出规定", "2026年12月10日"], ["1-1-101", "夜间施工噪音", "2026年12月10日"]],
    )
    batch = batch_notices(ws, estate, "装修违规整改通知", with_dimension(sheet, "A1:C2"), {}, CASHIER, today=TODAY)
    assert ["夜间施工噪音" in "\n".join(paragraphs(d.path)) for d in batch.documents] == [False, True]


# -- payment reminders ------------------------------------------------------------------------


def test_reminders_list_each_unpaid_month_and_item(ws: Workspace, estate: Ledger) -> None:
    bill_months(estate, "2026-10", "2026-11")
    batch = remind(ws, estate, CASHIER, min_months=2, building="1", as_of=TODAY)
    assert batch is not None
    assert [d.path.name for d in batch.documents] == ["催缴通知书_1-1-101.docx", "催缴通知书_1-1-102.docx"]
    path = batch.documents[0].path
    lines = paragraphs(path)
    assert lines[:2] == ["催缴通知书", "尊敬的张伟业主："]
    assert (
        lines[2]
        == "截至2026年11月23日，您名下测试小区1栋1单元101室尚有2个月的费用未缴纳（最早自2026年10月起），明细如下："
    )
    assert table_rows(path) == [
        ["所属月份", "收费项目", "欠费金额（元）"],
        ["2026年10月–2026年11月（2个月）", "物业服务费", "419.94"],
        ["2026年10月–2026年11月（2个月）", "垃圾清运费", "20.00"],
        ["2026年10月–2026年11月（2个月）", "停车费", "300.00"],
        ["合计人民币（大写）：柒佰叁拾玖元玖角肆分", "合计人民币（大写）：柒佰叁拾玖元玖角肆分", "¥739.94"],
    ]
    text = "\n".join(lines)
    assert "缴费方式：到物业服务中心前台以现金、微信、支付宝或 POS 刷卡缴纳，或银行转账（请注明房号）。" in text
    deadline = dt.date.today() + dt.timedelta(days=15)
    assert f"请您于{deadline.year}年{deadline.month}月{deadline.day}日前缴清上述费用" in text
    assert batch.total_fen == 73994 + 2 * 28876


def test_a_reminder_names_the_fees_owed_and_addresses_a_body_by_its_name(ws: Workspace, tmp_path: Path) -> None:
    """The 催缴通知书 of a parking space owing only its 车位管理费 said "物业服务费是维持…", and the developer holding an
    unsold flat was "尊敬的幸福里房地产开发有限公司业主": now the fees owed are named, and a body by its name alone."""
    from recordkit.billing.rules import add_rule
    from recordkit.owners.roster import import_owners
    from tests.conftest import write_sheet

    rows = [
        ["", "", "车位B1-023", 12.5, "王芳", "13812345670", None, None, "已入住"],
        ["2", "1", "204", 100.0, "幸福里房地产开发有限公司", "13812345671", None, None, "空置"],
        ["2", "1", "205", 100.0, "张记面馆", "13812345672", None, None, "已入住"],
    ]
    ledger = open_ledger(ws.database_url)
    try:
        import_owners(ledger, write_sheet(tmp_path / "名册.xlsx", rows), CASHIER)
        add_rule(ledger, CASHIER, "物业服务费", "area", "2.35", "2025-01", units=["2-1-204", "2-1-205"])
        add_rule(ledger, CASHIER, "垃圾清运费", "fixed", "10", "2025-01", units=["2-1-204"])
        add_rule(ledger, CASHIER, "车位管理费", "fixed", "80", "2025-01", units=["车位B1-023"])
        bill_months(ledger, "2026-10", "2026-11")
        batch = remind(ws, ledger, CASHIER, as_of=TODAY)
    finally:
        ledger.close()
    assert batch is not None
    assert [d.path.name for d in batch.documents] == [
        "催缴通知书_2-1-204.docx",
        "催缴通知书_2-1-205.docx",
        "催缴通知书_车位B1-023.docx",
    ]
    flat, shop, parking = (paragraphs(d.path) for d in batch.documents)
    assert flat[1] == "幸福里房地产开发有限公司："
    assert shop[1] == "张记面馆："  # a shop's business, not 尊敬的张记面馆业主
    assert "物业服务费、垃圾清运费是维持小区正常管理和服务的必要费用。" in "\n".join(flat)
    assert parking[1] == "尊敬的王芳业主："
    assert "车位管理费是维持小区正常管理和服务的必要费用。" in "\n".join(parking)
    assert "物业服务费" not in "\n".join(parking)


def test_a_reminder_says_only_the_recurring_fees_keep_the_estate_running(ws: Workspace, tmp_path: Path) -> None:
    """A flat owing a renovation's 装修垃圾清运费 (a one-off item, set up before the monthly fees) was told
    "装修垃圾清运费、物业服务费是维持小区正常管理和服务的必要费用": the sentence now names the recurring fees alone; the
    table still lists every fee owed.  A unit owing only one-off charges was told "装修垃圾清运费是维持小区正常管理和服务的
    必要费用" and that it owed "1个月的费用（最早自2026年11月起）": the sentence is now left out of its paper, which
    says it owes 费用 (its table names the charge)."""
    from recordkit.billing.bills import bill_month
    from recordkit.billing.rules import add_rule
    from recordkit.owners.roster import import_owners
    from tests.conftest import write_sheet

    rows = [
        ["2", "1", "204", 100.0, "李秀英", "13812345671", None, None, "已入住"],
        ["2", "1", "205", 100.0, "赵磊", "13812345672", None, None, "已入住"],
    ]
    ledger = open_ledger(ws.database_url)
    try:
        import_owners(ledger, write_sheet(tmp_path / "名册.xlsx", rows), CASHIER)
        add_rule(ledger, CASHIER, "装修垃圾清运费", "oneoff", "500", "2025-01")
        add_rule(ledger, CASHIER, "物业服务费", "area", "2.35", "2025-01", units=["2-1-204"])
        add_rule(ledger, CASHIER, "垃圾清运费", "fixed", "10", "2025-01", units=["2-1-204"])
        bill_months(ledger, "2026-11")
        bill_month(ledger, "2026-11", CASHIER, item_name="装修垃圾清运费", unit_texts=["2-1-204", "2-1-205"])
        batch = remind(ws, ledger, CASHIER, as_of=TODAY)
    finally:
        ledger.close()
    assert batch is not None
    first, second = batch.documents
    [why] = [line for line in paragraphs(first.path) if "是维持小区正常管理" in line]
    assert why.startswith("物业服务费、垃圾清运费是维持小区正常管理和服务的必要费用。")
    assert [row[1] for row in table_rows(first.path)[1:-1]] == ["装修垃圾清运费", "物业服务费", "垃圾清运费"]
    owing = paragraphs(second.path)
    assert not [line for line in owing if "是维持小区正常管理" in line]
    # nor that it owes "1个月的费用（最早自2026年11月起）": a one-off charge is no month's fee
    assert [line for line in owing if line.startswith("截至")] == [
        "截至2026年11月23日，您名下测试小区2栋1单元205室尚有费用未缴纳，明细如下："
    ]
    deadline = dt.date.today() + dt.timedelta(days=15)
    assert (
        f"请您于{deadline.year}年{deadline.month}月{deadline.day}日前缴清上述费用。缴费方式：到物业服务中心前台以现金、"
        "微信、支付宝或 POS 刷卡缴纳，或银行转账（请注明房号）。"
    ) in owing
    assert (  # no [notices] phone: the front desk
        "逾期仍未缴纳的，物业服务中心将依据《物业服务合同》的约定继续催缴。如您已缴纳，请忽略本通知；"
        "如对金额有疑问，请致电物业服务中心前台或到物业服务中心核对。"
    ) in owing
    assert [row[1] for row in table_rows(second.path)[1:-1]] == ["装修垃圾清运费"]


def test_reminder_rows_are_one_per_item_and_run_of_months() -> None:
    # Two years of 物业服务费 (2024-12 … 2026-11), parking owed for three months with a gap, one water bill.
    months = [f"{2024 + (11 + i) // 12}-{(11 + i) % 12 + 1:02d}" for i in range(24)]
    lines = [ReminderLine(month, "物业服务费", 30000, 1) for month in months]
    lines += [ReminderLine(m, "停车费", 15000, 3) for m in ("2026-05", "2026-06", "2026-09")]
    lines += [ReminderLine("2026-10", "水费", 3850, 4)]
    lines.sort(key=lambda line: (line.month, line.item_order))  # as the ledger returns them
    assert reminder_rows(lines) == [
        {"月份": "2024年12月–2026年11月（24个月）", "项目": "物业服务费", "金额": "7,200.00"},
        {"月份": "2026年5月–2026年6月（2个月）", "项目": "停车费", "金额": "300.00"},
        {"月份": "2026年9月", "项目": "停车费", "金额": "150.00"},
        {"月份": "2026年10月", "项目": "水费", "金额": "38.50"},
    ]


def test_two_bills_of_one_item_and_month_are_one_month_on_the_reminder() -> None:
    # Two renovations in one November (the second registered after the first was closed) each
    # billed a waste-removal fee: the reminder owes November's fee once, for its whole sum.
    lines = [ReminderLine(m, "装修垃圾清运费", 50000, 5) for m in ("2026-11", "2026-11", "2026-12")]
    lines += [ReminderLine("2026-09", "装修垃圾清运费", 50000, 5)]
    assert reminder_rows(sorted(lines, key=lambda line: line.month)) == [
        {"月份": "2026年9月", "项目": "装修垃圾清运费", "金额": "500.00"},
        {"月份": "2026年11月–2026年12月（2个月）", "项目": "装修垃圾清运费", "金额": "1,500.00"},
    ]
    assert reminder_rows(lines[:2]) == [{"月份": "2026年11月", "项目": "装修垃圾清运费", "金额": "1,000.00"}]


def test_units_without_arrears_get_nothing(ws: Workspace, estate: Ledger) -> None:
    from recordkit.billing.receipts import PaymentRequest, pay

    bill_months(estate, "2026-11")
    pay(estate, ws.settings.receipt, CASHIER, PaymentRequest("1-1-101", 36997, "现金", paid_on=TODAY))
    batch = remind(ws, estate, CASHIER, as_of=TODAY)
    assert batch is not None
    # 3-2-1202 owes its vacancy fee but has no owner: nobody to hand a reminder to.
    assert [d.subject for d in batch.documents] == ["1-1-102", "3-2-1201"]
    assert remind(ws, estate, CASHIER, min_months=2, as_of=TODAY) is None


def test_reminder_dated_back_counts_what_is_owed_today(ws: Workspace, estate: Ledger) -> None:
    # `notice remind --date 昨天`: the paper's date, not the day arrears are counted on.  A household
    # that paid everything today is owed nothing, as `fees arrears` says, and gets no reminder.
    from recordkit.billing.arrears import list_arrears
    from recordkit.billing.receipts import PaymentRequest, pay
    from recordkit.core.dates import Month

    today = dt.date.today()
    yesterday = today - dt.timedelta(days=1)
    months = sorted({str(Month.of(yesterday)), str(Month.of(today))})
    bill_months(estate, *months)
    owed = 36997 * len(months)  # 1-1-101: 物业服务费 209.97 + 垃圾清运费 10 + 停车费 150 a month
    pay(estate, ws.settings.receipt, CASHIER, PaymentRequest("1-1-101", owed, "现金", paid_on=today))
    assert "1-1-101" not in {row.unit for row in list_arrears(estate)}
    batch = remind(ws, estate, CASHIER, today=yesterday)
    assert batch is not None
    assert [d.subject for d in batch.documents] == ["1-1-102", "3-2-1201"]
    text = "\n".join(paragraphs(batch.documents[0].path))
    assert f"截至{today.year}年{today.month}月{today.day}日" in text
    assert f"{yesterday.year}年{yesterday.month}月{yesterday.day}日" in text  # the paper's own date


def test_reminder_merge_is_one_print_file(ws: Workspace, estate: Ledger) -> None:
    bill_months(estate, "2026-11")
    batch = remind(ws, estate, CASHIER, merge=True, as_of=TODAY)
    assert batch is not None and len(batch.documents) == 1
    document = Document(str(batch.documents[0].path))
    totals = [[row.cells[2].text for row in table.rows][-1] for table in document.tables]
    # One table per household with an owner, in unit order (MONTHLY in fees_fixtures); not the vacant 3-2-1202.
    assert totals == ["¥369.97", "¥288.76", "¥347.93"]
    assert batch.total_fen == 36997 + 28876 + 34793


def test_a_merged_reminder_is_listed_under_each_unit_it_holds(ws: Workspace, estate: Ledger) -> None:
    from recordkit.documents.generated import count_documents

    bill_months(estate, "2026-11")
    batch = remind(ws, estate, CASHIER, merge=True, building="1", as_of=TODAY)
    assert batch is not None
    for unit in ("1-1-101", "1-1-102"):
        assert [d.title for d in list_documents(ws, estate, subject=unit)] == ["催缴通知书合并打印2份"]
        assert count_documents(estate, subject=unit, kind="催缴通知书") == 1
    assert list_documents(ws, estate, subject="3-2-1201") == []
    # a code that begins another unit's (1-1-10 of 1-1-101) matches none of its papers: the ledger has no such unit
    with pytest.raises(NotFoundError, match="台账中没有房屋 1-1-10："):
        list_documents(ws, estate, subject="1-1-10")


def test_reminder_settings_are_printed(workspace: Workspace, ledger_url: str, tmp_path: Path) -> None:
    ws = open_workspace(
        workspace.root,
        environ={
            "RECORDKIT_DATABASE_URL": ledger_url,
            "RECORDKIT_NOTICES_PHONE": "0755-86661234",
            "RECORDKIT_NOTICES_PAYMENT_DAYS": "7",
        },
    )
    with open_ledger(ws.database_url) as ledger:
        small_estate(ledger, tmp_path)
        bill_months(ledger, "2026-11")
        batch = remind(ws, ledger, CASHIER, building="3", as_of=TODAY)
    text = "\n".join(paragraphs(batch.documents[0].path))
    deadline = dt.date.today() + dt.timedelta(days=7)
    assert "请致电0755-86661234" in text and f"{deadline.month}月{deadline.day}日前缴清" in text


def test_scope_label_names_who_a_batch_went_to() -> None:
    from recordkit.documents.notices import scope_label

    one = [Recipient("3-2-1201", "3", "李秀英")]
    assert scope_label(one) == "3-2-1201"
    assert scope_label(one, building=True) == "3栋"
    assert scope_label(one, everyone=True) == "全体"
    assert scope_label([*one, Recipient("3-2-1202", "3", None)]) == "3栋"
    assert scope_label([*one, Recipient("1-1-101", "1", "张伟")]) == "全体"


def test_2_29_without_its_year_half_a_year_ahead_names_only_the_leap_year() -> None:
    # 2027-06-01 to 2028-02-29: 29 + 31 + 31 + 30 + 31 + 30 + 31 + 31 + 29 = 273 days; 2027 has no 2月29日 to offer.
    from recordkit.documents.notices import check_times

    with pytest.raises(ValidationError) as caught:
        check_times("停水通知", {"停水时间": "2月29日8:00"}, (("停水时间", "恢复时间"),), dt.date(2027, 6, 1))
    assert caught.value.message == (
        "模板“停水通知”的“停水时间”写的“2月29日”没有年份，按 2028年2月29日 计离通知日期还有 273 天，"
        "请写明年份（如 2028年2月29日）"
    )


# -- one moment of the ledger -----------------------------------------------------------------


@pytest.mark.parametrize(
    "scope", [{"unit": "1-1-101"}, {"building": "1"}, {"everyone": True}], ids=["unit", "building", "all"]
)
def test_a_notices_owners_are_one_moment_of_the_ledger(
    estate: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scope: dict[str, Any]
) -> None:
    """A notice read the units, then the co-owners, in two reads: a roster import committed between them addressed
    1-1-101 to 张伟、赵磊 — its old owner beside the new co-owner, whom no one ever wrote beside him.  The recipients
    (units, owners, co-owners, tenants) are read in one read transaction, on SQLite as on PostgreSQL."""
    imported = an_import_before_the_co_owners_are_read(estate, tmp_path, monkeypatch, status="已入住")
    recipients = select_recipients(estate, to="全部", today=TODAY, **scope)
    assert imported == [True]
    assert recipients[0].unit == "1-1-101" and recipients[0].salutation == "尊敬的张伟、王芳业主"
    monkeypatch.undo()
    assert select_recipients(estate, to="全部", today=TODAY, **scope)[0].salutation == "尊敬的李娜、赵磊业主"


def test_a_batch_sheets_owners_are_one_moment_of_the_ledger(
    estate: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``notice batch`` read the sheet's units, then the co-owners, in two reads: the same 张伟、赵磊 of two states."""
    imported = an_import_before_the_co_owners_are_read(estate, tmp_path, monkeypatch)
    sheet = _sheet(tmp_path / "整改.xlsx", [["1-1-101", "阳台搭建", "12月31日"]])
    read = read_batch_sheet(estate, sheet)
    assert imported == [True]
    assert [recipient.owners for _, recipient, _ in read.rows] == ["张伟、王芳"]
    monkeypatch.undo()
    assert [recipient.owners for _, recipient, _ in read_batch_sheet(estate, sheet).rows] == ["李娜、赵磊"]


def test_a_reminders_owners_are_one_moment_of_the_ledger(
    ws: Workspace, estate: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 催缴通知书 read the units in arrears with their first owner, then the co-owners, in two reads: an import
    committed between them greeted 尊敬的张伟、赵磊业主.  The owners come from the read of the arrears."""
    bill_months(estate, "2026-10", "2026-11")
    imported = an_import_before_the_co_owners_are_read(estate, tmp_path, monkeypatch)
    batch = remind(ws, estate, CASHIER, building="1", as_of=TODAY)
    assert imported == [True] and batch is not None
    assert [d.path.name for d in batch.documents] == ["催缴通知书_1-1-101.docx", "催缴通知书_1-1-102.docx"]
    assert paragraphs(batch.documents[0].path)[1] == "尊敬的张伟、王芳业主："


@pytest.mark.parametrize(
    ("armed", "amount_fen"),
    # 369.97 元 for October, committed before the table is read; 1,000.00 元, committed before the prepayments are
    # read, pays both months and leaves 260.06 元 ahead.
    [("owed_query", 36997), ("prepayments_held", 100000)],
    ids=["payment-before-the-table", "payment-before-the-prepayments"],
)
def test_a_reminder_is_one_moment_of_the_ledger(
    ws: Workspace, estate: Ledger, monkeypatch: pytest.MonkeyPatch, armed: str, amount_fen: int
) -> None:
    """``notice remind`` read the arrears, the unpaid lines and the prepayments in three reads: a payment committed
    between them printed a table of November alone under the screen's 欠费合计 of both months, or 另有预收款 260.06 元
    beside the 739.94 元 that money had paid.  The three are read in one read transaction, on SQLite as on
    PostgreSQL: the notice is the ledger before the payment, whole."""
    import recordkit.documents.notices as notices
    from recordkit.billing.receipts import PaymentRequest, pay
    from recordkit.core.dates import MonthRange, parse_month

    bill_months(estate, "2026-10", "2026-11")
    october = MonthRange(parse_month("2026-10"), parse_month("2026-10")) if amount_fen == 36997 else None
    request = PaymentRequest("1-1-101", amount_fen, "微信", months=october, paid_on=TODAY)
    paid = a_write_armed(monkeypatch, notices, armed, lambda: pay(estate, ws.settings.receipt, CASHIER, request))
    batch = remind(ws, estate, CASHIER, building="1", as_of=TODAY)
    assert paid == [True] and batch is not None
    with estate.read() as conn:  # the payment is in the ledger
        assert conn.execute(sa.text("SELECT amount_fen FROM payments")).scalars().all() == [amount_fen]
    lines = paragraphs(batch.documents[0].path)
    assert lines[2] == (
        "截至2026年11月23日，您名下测试小区1栋1单元101室尚有2个月的费用未缴纳（最早自2026年10月起），明细如下："
    )
    # 物业服务费 89.35 ㎡ × 2.35 = 209.97, 垃圾清运费 10.00, 停车费 150.00: 369.97 a month, two months.
    assert table_rows(batch.documents[0].path)[-1][-1] == "¥739.94"
    assert not any("预收" in line for line in lines)


def test_notice_make_refuses_a_second_unit_instead_of_taking_only_the_last(run_cli: Any, workspace: Workspace) -> None:
    # notice make --unit 1-1-101 --unit 3-2-1201 printed one notice, for 3-2-1201 alone, and said nothing of 1-1-101:
    # the help promises one unit (只发给这一户); a second is refused, nothing printed.
    assert run_cli("owners", "import", str(write_sheet(workspace.root / "名册.xlsx", SAMPLE_ROWS))).exit_code == 0
    refused = run_cli(
        "notice", "make", "温馨提示", "--unit", "1-1-101", "--unit", "3-2-1201", "--set", "提示内容=请勿高空抛物"
    )
    assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (
        2,
        "",
        "错误：--unit 只能写一次，这里写了两次：“1-1-101”、“3-2-1201”；请只写要用的那一个",
    )
    assert json.loads(run_cli("docs", "list", "--json").stdout) == []


@pytest.mark.parametrize(
    ("text", "printed"),
    [
        ("12月8日 晚上12点", "12月8日 晚上12点（24:00）"),
        ("12.8晚上12:00", "12月8日晚上12:00（24:00）"),
        ("当日夜里12点", "当日夜里12点（24:00）"),
        ("12月8日晚上12点（24:00）", "12月8日晚上12点（24:00）"),  # said already: not twice
        ("12月8日晚上11点", "12月8日晚上11点"),
        ("12月8日中午12点", "12月8日中午12点"),
        # past midnight: read as the next day's 0:30, said so, as 24:00 is
        ("12月8日晚上12:30", "12月8日晚上12:30（次日0:30）"),
        ("12.8 夜里12点15", "12月8日 夜里12点15（次日0:15）"),
        ("12月8日晚上12:30（次日0:30）", "12月8日晚上12:30（次日0:30）"),  # said already: not twice
        # 傍晚 is early evening, not night: 傍晚12点 is a slip, printed as typed, never as 24:00
        ("12月8日傍晚12点", "12月8日傍晚12点"),
        ("12月8日傍晚12:30", "12月8日傍晚12:30"),
        ("12月8日晚12点", "12月8日晚12点（24:00）"),
    ],
)
def test_night_twelve_is_printed_with_24_00(text: str, printed: str) -> None:
    assert in_office_form(text) == printed


def test_a_twelve_at_dusk_is_not_read_as_midnight() -> None:
    # 傍晚12点 was read as 24:00 (the 晚 of 傍晚 taken for night): a 恢复时间 of 12月8日 23:00 after it was refused
    today = dt.date(2026, 12, 6)
    assert find_when("12月8日傍晚12点", today) != dt.datetime(2026, 12, 9, 0, 0)
    assert find_when("12月8日晚12点", today) == dt.datetime(2026, 12, 9, 0, 0)


@pytest.mark.parametrize("start", ["12月8日 24:00", "12月8日晚上12点", "2026-12-08 24:00"])
def test_same_and_next_day_after_a_cut_at_midnight_count_from_the_day_written(start: str) -> None:
    # 当日 and 次日 counted from 12月9日, the day the midnight begins: 当日23:00 let through, 次日6:00 read as 12月10日
    pairs = [("停水时间", "恢复时间")]
    with pytest.raises(ValidationError) as refused:
        check_order("停水通知", {"停水时间": start, "恢复时间": "当日23:00"}, pairs, dt.date(2026, 12, 6))
    assert refused.value.message == (
        f"模板“停水通知”的日期顺序不对：恢复时间（当日23:00）早于停水时间（{start}），请检查后再试"
    )
    check_order("停水通知", {"停水时间": start, "恢复时间": "次日6:00"}, pairs, dt.date(2026, 12, 6))


# Each kind of suggestion a contradicted hour gets (an hour past 12 or 0, 凌晨12:30, 12点, 12:30, 3点) where a notice's
# time shows it: a 停水时间 with its day (without or with the year; on the year's last day), a 恢复时间 with its own
# day, or counted from the 停水时间 (12月8日8:00) by 当日 or 次日.  Each suggestion, by hand, and the moment it means.
NOTICE_DAY = dt.date(2026, 12, 6)
START = "12月8日8:00"
at = dt.datetime
SUGGESTED = [
    ("停水时间", "12月8日上午15点", {"12月8日15:00": at(2026, 12, 8, 15, 0)}),
    ("停水时间", "12月8日凌晨12:30", {"12月8日0:30": at(2026, 12, 8, 0, 30)}),
    ("停水时间", "12月8日早上12点", {"12月8日12:00": at(2026, 12, 8, 12, 0), "12月8日24:00": at(2026, 12, 9, 0, 0)}),
    ("停水时间", "12月8日早上12:30", {"12月8日12:30": at(2026, 12, 8, 12, 30), "12月9日0:30": at(2026, 12, 9, 0, 30)}),
    ("停水时间", "12月8日中午3点", {"12月8日3:00": at(2026, 12, 8, 3, 0), "12月8日15:00": at(2026, 12, 8, 15, 0)}),
    ("停水时间", "2026年12月8日午后0点", {"2026年12月8日0:00": at(2026, 12, 8, 0, 0)}),
    (
        "停水时间",
        "2026年12月8日傍晚12点",
        {"2026年12月8日12:00": at(2026, 12, 8, 12, 0), "2026年12月8日24:00": at(2026, 12, 9, 0, 0)},
    ),
    (
        "停水时间",
        "2026年12月8日傍晚12:30",
        {"2026年12月8日12:30": at(2026, 12, 8, 12, 30), "2026年12月9日0:30": at(2026, 12, 9, 0, 30)},
    ),
    ("停水时间", "12.8 傍晚1点", {"12月8日1:00": at(2026, 12, 8, 1, 0), "12月8日13:00": at(2026, 12, 8, 13, 0)}),
    ("停水时间", "12月31日傍晚12:30", {"12月31日12:30": at(2026, 12, 31, 12, 30), "1月1日0:30": at(2027, 1, 1, 0, 30)}),
    (
        "停水时间",
        "2026年12月31日早上12:30",
        {"2026年12月31日12:30": at(2026, 12, 31, 12, 30), "2027年1月1日0:30": at(2027, 1, 1, 0, 30)},
    ),
    ("恢复时间", "12月9日凌晨20点", {"12月9日20:00": at(2026, 12, 9, 20, 0)}),
    (
        "恢复时间",
        "12月9日傍晚12:30",
        {"12月9日12:30": at(2026, 12, 9, 12, 30), "12月10日0:30": at(2026, 12, 10, 0, 30)},
    ),
    ("恢复时间", "当日凌晨12:30", {"当日0:30": at(2026, 12, 8, 0, 30)}),
    ("恢复时间", "当日下午24点", {"当日24:00": at(2026, 12, 9, 0, 0)}),
    ("恢复时间", "当日傍晚12点", {"当日12:00": at(2026, 12, 8, 12, 0), "当日24:00": at(2026, 12, 9, 0, 0)}),
    ("恢复时间", "当日傍晚 12:30", {"当日12:30": at(2026, 12, 8, 12, 30), "次日0:30": at(2026, 12, 9, 0, 30)}),
    ("恢复时间", "当日中午3点", {"当日3:00": at(2026, 12, 8, 3, 0), "当日15:00": at(2026, 12, 8, 15, 0)}),
    ("恢复时间", "次日上午15点", {"次日15:00": at(2026, 12, 9, 15, 0)}),
    ("恢复时间", "次日早上12点", {"次日12:00": at(2026, 12, 9, 12, 0), "次日24:00": at(2026, 12, 10, 0, 0)}),
    ("恢复时间", "次日傍晚12:30", {"次日12:30": at(2026, 12, 9, 12, 30), "12月10日0:30": at(2026, 12, 10, 0, 30)}),
    ("恢复时间", "次日中午9点", {"次日9:00": at(2026, 12, 9, 9, 0), "次日21:00": at(2026, 12, 9, 21, 0)}),
]


@pytest.mark.parametrize(("name", "written", "suggested"), SUGGESTED)
def test_each_clock_a_contradicted_hour_suggests_is_read_as_it_says(
    name: str, written: str, suggested: dict[str, dt.datetime]
) -> None:
    # 12月8日早上12:30 was told 12:30、次日0:30, and 12月8日次日0:30 read as half past midnight of 12月8日
    from recordkit.documents.notices import check_times

    pairs = (("停水时间", "恢复时间"),)
    values = {"停水时间": START, "恢复时间": "12月11日18:00", name: written}
    with pytest.raises(ValidationError) as caught:
        check_times("停水通知", values, pairs, NOTICE_DAY)
    assert caught.value.message.endswith(f"，是几点说不清，请直接写明钟点，如 {'、'.join(suggested)}")
    for clock, meant in suggested.items():
        check_times("停水通知", {**values, name: clock}, pairs, NOTICE_DAY)  # taken
        base = dt.date(2026, 12, 8) if name == "恢复时间" else None  # the 停水时间's day
        assert find_when(clock, NOTICE_DAY, base) == meant, clock
