"""Logbooks kept by hand or exported by other systems: times written as a date alone, hand-kept times of day beside
a date column, phones the exporting system masked, a 备注 column, a logbook that has grown since its last import."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from recordkit.core.dates import DateError, parse_clock
from recordkit.core.workspace import Workspace
from recordkit.ledger.db import open_ledger
from recordkit.owners.roster import import_owners
from recordkit.workorders.logbook import LOGBOOK_HEADERS
from tests.conftest import SAMPLE_ROWS, write_sheet
from tests.workorder_fixtures import write_logbook


@pytest.fixture
def estate(workspace: Workspace, tmp_path: Path) -> Workspace:
    with open_ledger(workspace.database_url) as ledger:
        import_owners(ledger, write_sheet(tmp_path / "名册.xlsx", SAMPLE_ROWS), "测试员")
    return workspace


#: 水电 finished within 36 hours: a limit in hours, which a date alone cannot judge (门窗's 24 and 72 hours are days).
HOURLY_CLOSE = '\n[[workorders.limits]]\ncategory = "水电"\nresponse_hours = 4\nclose_hours = 36\n'


def hourly_close(workspace: Workspace) -> None:
    config = workspace.root / "recordkit.toml"
    config.write_text(config.read_text(encoding="utf-8") + HOURLY_CLOSE, encoding="utf-8")


def lines(result: Any) -> list[str]:
    return result.output.splitlines()


def row(**cells: Any) -> list[Any]:
    """A logbook row in the standard layout, by header."""
    return [cells.get(header) for header in LOGBOOK_HEADERS]


def _table_rows(result: Any) -> list[list[str]]:
    return [[cell.strip() for cell in line.strip("│").split("│")] for line in lines(result) if line.startswith("│ GD")]


# -- 1. a time written as a date alone --------------------------------------------------------------------------


def test_a_logbook_of_dates_alone_judges_no_hour_limit_and_whole_day_limits_by_date(
    estate: Workspace, run_cli: Any, tmp_path: Path
) -> None:
    """报修时间/派工时间 holding a date alone (a date cell, or the text 2026-11-03) counted from 00:00: a 水电 repair
    reported on 3 November and dispatched the same day was 派工超时 (4 hours from midnight).  A date alone judges no
    limit in hours; a limit of whole days (门窗: 24 and 72 hours) is judged by the date."""
    hourly_close(estate)
    book = write_logbook(
        tmp_path / "手工登记簿.xlsx",
        [
            # 水电: 4 h to dispatch, 36 h to finish — neither judged.
            row(类型="报修", 房号="1-1-101", 类别="水电", 内容="厨房漏水", 报修时间=dt.datetime(2026, 11, 3),
                派工="刘师傅", 派工时间="2026-11-03", 完成时间="2026-11-04", 处理结果="已修好"),
            # 门窗: 24 h to dispatch, 72 h to finish — whole days: dispatched the 4th (in time), finished the 7th,
            # after the 6th: late.
            row(类型="报修", 房号="1-1-102", 类别="门窗", 内容="窗户关不上", 报修时间="2026-11-03",
                派工="王师傅", 派工时间="2026-11-04", 完成时间="2026-11-07", 处理结果="已调整"),
            # 门窗, finished on the last day (the 6th): on time, whatever hour it was.
            row(类型="报修", 房号="3-2-1201", 类别="门窗", 内容="入户门异响", 报修时间="2026-11-03",
                派工="王师傅", 派工时间="2026-11-03", 完成时间="2026-11-06", 处理结果="已上油"),
            # 水电, still open at the month's end: neither on time nor late.
            row(类型="报修", 房号="3-2-1202", 类别="水电", 内容="水表漏水", 报修时间="2026-11-20"),
            # 门窗, still open: past both its days on 30 November.
            row(类型="报修", 房号="1-1-101", 类别="门窗", 内容="阳台门坏", 报修时间="2026-11-20"),
        ],
    )  # fmt: skip
    result = run_cli("workorder", "import", str(book))
    assert result.exit_code == 0, result.output

    listed = run_cli("workorder", "list", "--as-of", "2026-11-30 18:00")
    assert [(r[0], r[5], r[-1]) for r in _table_rows(listed)] == [
        ("GD2026-000001", "2026-11-03", "未记时刻"),
        ("GD2026-000002", "2026-11-03", "超时完成"),
        ("GD2026-000003", "2026-11-03", "按时完成"),
        ("GD2026-000004", "2026-11-20", "未记时刻"),
        ("GD2026-000005", "2026-11-20", "派工超时、完成超时"),
    ]
    overdue = json.loads(run_cli("workorder", "list", "--overdue", "--as-of", "2026-11-30 18:00", "--json").stdout)
    assert [o["number"] for o in overdue] == ["GD2026-000005"]
    shown = lines(run_cli("workorder", "show", "GD2026-1", "--as-of", "2026-11-30 18:00"))
    assert "报修时间：2026-11-03（测试员 登记）" in shown
    assert "派工：刘师傅（2026-11-03）" in shown
    assert "时限：4 小时内派工，36 小时内完成；未记时刻" in shown
    shown = lines(run_cli("workorder", "show", "GD2026-2", "--as-of", "2026-11-30 18:00"))
    assert "时限：最迟 2026-11-04 派工，最迟 2026-11-06 完成；超时完成" in shown
    as_json = json.loads(run_cli("workorder", "show", "GD2026-1", "--json").stdout)
    assert (as_json["opened_at"], as_json["closed_late"], as_json["overdue"]) == ("2026-11-03", None, [])


def test_the_monthly_report_counts_orders_without_times_apart(estate: Workspace, run_cli: Any, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    hourly_close(estate)
    book = write_logbook(
        tmp_path / "手工登记簿.xlsx",
        [
            row(类型="报修", 房号="1-1-101", 类别="水电", 内容="厨房漏水", 报修时间="2026-11-03",
                派工="刘师傅", 派工时间="2026-11-03", 完成时间="2026-11-04", 处理结果="已修好"),
            row(类型="报修", 房号="1-1-102", 类别="门窗", 内容="窗户关不上", 报修时间="2026-11-03",
                派工="王师傅", 派工时间="2026-11-04", 完成时间="2026-11-07", 处理结果="已调整"),
            row(类型="报修", 房号="3-2-1201", 类别="水电", 内容="水管漏水", 报修时间="2026-11-05 09:00",
                派工="刘师傅", 派工时间="2026-11-05 10:00", 完成时间="2026-11-05 15:00", 处理结果="已修好"),
            row(类型="报修", 房号="3-2-1202", 类别="水电", 内容="水表漏水", 报修时间="2026-11-20"),
            row(类型="报修", 房号="1-1-101", 类别="门窗", 内容="阳台门坏", 报修时间="2026-11-20"),
        ],
    )  # fmt: skip
    assert run_cli("workorder", "import", str(book)).exit_code == 0
    result = run_cli("report", "monthly", "--month", "2026-11")
    assert result.exit_code == 0, result.output
    [path] = (estate.root / "records" / "generated" / "报表" / "2026-11").glob("月度报表-*.xlsx")
    sheet = load_workbook(path)["工单"]
    metrics = {sheet.cell(r, 1).value: sheet.cell(r, 2).value for r in range(1, sheet.max_row + 1)}
    # Finished: 3; one not judged (水电, dates alone), one late by date (门窗), one on time by the clock: 1 of 2.
    assert metrics["本月办结（件）"] == 3
    assert metrics["其中按时办结（件）"] == 1
    assert metrics["其中未记时刻、不判断时限（件）"] == 1
    assert metrics["按时办结率"] == pytest.approx(0.5)
    assert metrics["月末未办结（件）"] == 2
    assert metrics["其中超时（件）"] == 1
    assert metrics["其中未记时刻、不判断超时（件）"] == 1
    notes = load_workbook(path)["说明"]
    texts = [notes.cell(r, 1).value for r in range(1, notes.max_row + 1)]
    assert (
        "本月有 2 张工单只记了日期、没有记时刻：按小时计的时限对它们不作判断，不计入按时办结率和月末超时；"
        "按整天计的时限按日期判断。" in texts
    )


# -- 2. 备注 is no 回访意见 ----------------------------------------------------------------------------------------


def test_a_remarks_column_is_not_read_as_the_owners_feedback(estate: Workspace, run_cli: Any, tmp_path: Path) -> None:
    """备注 (the clerk's remarks) was read as 回访意见, the owner's words at the follow-up visit: ``show`` printed
    回访：—… and the JSON's visit_notes held the clerk's note.  A work order has no remarks: 备注 is not imported, and
    the summary says so once."""
    headers = (*LOGBOOK_HEADERS[:-1], "备注")  # 回访意见 left out: the logbook has 备注 only
    rows = [
        ["报修", "1-1-101", None, "水电", "厨房漏水", "张伟", None, "2026-11-03 09:00", "刘师傅", "2026-11-03 09:30",
         "2026-11-03 11:00", "已修好", "2026-11-04 10:00", "满意", "业主不在家，电话回访"],
        ["报修", "1-1-102", None, "门窗", "窗户关不上", None, None, "2026-11-05 09:00", None, None, None, None, None,
         None, "等配件"],
    ]  # fmt: skip
    result = run_cli("workorder", "import", str(write_sheet(tmp_path / "登记簿.xlsx", rows, headers=headers)))
    assert (result.exit_code, lines(result)) == (
        0,
        [
            "已导入工单 2 张（报修 2 张，投诉 0 张），编号 GD2026-000001 至 GD2026-000002",
            "备注列未导入：工单没有备注一项（业主的回访意见请写在“回访意见”列）",
        ],
    )
    listed = json.loads(run_cli("workorder", "list", "--json").stdout)
    assert [o["visit_notes"] for o in listed] == [None, None]
    assert "回访：2026-11-04 10:00：满意" in lines(run_cli("workorder", "show", "GD2026-1"))


# -- 3. phones the exporting system masked --------------------------------------------------------------------------


def test_a_phone_the_exporting_system_masked_is_imported_as_written(
    estate: Workspace, run_cli: Any, tmp_path: Path
) -> None:
    """Another system exports its logbook with the phones masked (139****5678): every such row was refused as 不是有效的
    手机号或固定电话.  It is imported as written — never unmasked — and shown as it is, even with --show-private."""
    rows = [
        row(类型="报修", 房号="1-1-101", 类别="水电", 内容="厨房漏水", 报修人="张伟", 电话="139****5678",
            报修时间="2026-11-03 09:00"),
        row(类型="报修", 房号="1-1-102", 类别="门窗", 内容="窗户关不上", 电话="0755-****5678",
            报修时间="2026-11-04 09:00"),
    ]  # fmt: skip
    result = run_cli("workorder", "import", str(write_logbook(tmp_path / "导出.xlsx", rows)))
    assert result.exit_code == 0, result.output
    private = json.loads(run_cli("workorder", "list", "--json", "--show-private").stdout)
    assert [o["phone"] for o in private] == ["139****5678", "0755-****5678"]
    assert "报修人：张伟 139****5678" in lines(run_cli("workorder", "show", "GD2026-1"))


@pytest.mark.parametrize("phone", ["139****567", "13*****5678", "139**5678", "****5678"])
def test_a_half_masked_phone_is_still_named_by_row_and_column(
    estate: Workspace, run_cli: Any, tmp_path: Path, phone: str
) -> None:
    rows = [row(类型="报修", 房号="1-1-101", 类别="水电", 内容="漏水", 电话=phone, 报修时间="2026-11-03 09:00")]
    result = run_cli("workorder", "import", str(write_logbook(tmp_path / "导出.xlsx", rows)))
    assert (result.exit_code, lines(result)[1:]) == (
        5,
        [
            f"  第 3 行 G 列（电话）：联系电话“{phone}”打了码，却不是完整号码打码后的样子：应为 139****5678 或 "
            "0755-****5678 这样（手机前 3 位和后 4 位，固定电话区号和后 4 位），或写出完整号码"
        ],
    )


# -- 4. hand-kept times of day beside a date column ---------------------------------------------------------------

DATED_HEADERS = ("类型", "房号", "类别", "内容", "报修日期", "报修时间", "派工", "派工日期", "派工时间", "完成日期",
                 "完成时间", "处理结果")  # fmt: skip


def test_hand_kept_times_of_day_combine_with_the_date_column_beside_them(
    estate: Workspace, run_cli: Any, tmp_path: Path
) -> None:
    """A logbook kept by hand has 报修日期 and 报修时间 apart, the time written 下午3:15, 上午9:30, 09:30 or 15:15: every
    such row was refused as 无法识别.  The time joins the date beside it; 上午 or 下午 alone is a date alone."""
    rows = [
        ["报修", "1-1-101", "水电", "厨房漏水", dt.datetime(2026, 11, 3), "下午3:15", "刘师傅", "2026-11-03", "下午3:40",
         "2026-11-04", "上午9:30", "已修好"],
        ["报修", "1-1-102", "门窗", "窗户关不上", "2026-11-05", "09:30", "王师傅", "2026-11-05", dt.time(15, 15),
         None, None, None],
        ["报修", "3-2-1201", "水电", "水管漏水", "2026年11月6日", "上午", None, None, None, None, None, None],
        ["报修", "3-2-1202", "水电", "水表漏水", "2026-11-07", "下午12:30", None, None, None, None, None, None],
    ]  # fmt: skip
    book = write_sheet(tmp_path / "登记簿.xlsx", rows, headers=DATED_HEADERS, title="工单登记簿")
    result = run_cli("workorder", "import", str(book))
    assert result.exit_code == 0, result.output
    listed = json.loads(run_cli("workorder", "list", "--json").stdout)
    assert [(o["opened_at"], o["assigned_at"], o["closed_at"], o["date_only"]) for o in listed] == [
        ("2026-11-03 15:15", "2026-11-03 15:40", "2026-11-04 09:30", False),
        ("2026-11-05 09:30", "2026-11-05 15:15", None, False),
        ("2026-11-06", None, None, True),
        ("2026-11-07 12:30", None, None, False),
    ]


def test_a_date_without_its_year_and_an_unreadable_time_are_named_with_the_forms_accepted(
    estate: Workspace, run_cli: Any, tmp_path: Path
) -> None:
    rows = [
        ["报修", "1-1-101", "水电", "厨房漏水", "12月2日", "下午3:15", None, None, None, None, None, None],
        ["报修", "1-1-102", "门窗", "窗户关不上", "2026-11-05", "下午0:15", None, None, None, None, None, None],
        ["报修", "3-2-1201", "水电", "水管漏水", "2026-11-06", "傍晚时分", None, None, None, None, None, None],
    ]  # fmt: skip
    book = write_sheet(tmp_path / "登记簿.xlsx", rows, headers=DATED_HEADERS)
    result = run_cli("workorder", "import", str(book))
    assert (result.exit_code, lines(result)) == (
        5,
        [
            "错误：登记簿.xlsx 有 3 处错误，没有导入任何工单",
            "  第 2 行 E 列（报修日期）：报修日期“12月2日”没有写年份，不能确定是哪一年：应写成 2026-12-02 或 "
            "2026年12月2日",
            "  第 3 行 F 列（报修时间）：报修时间“下午0:15”不存在：0点不是下午的钟点（下午是 12–23 点），"
            "是几点说不清，请直接写明钟点，如 0:15",
            "  第 4 行 F 列（报修时间）：报修时间“傍晚时分”无法识别：有日期列时这一列写时刻，应写成 09:30、15:15、"
            "上午9:30 或 下午3:15（只写上午、下午这样的时段也可以，算作只记了日期）",
        ],
    )


# The logbook's clock reads the parts of the day as notices do (tests/test_documents_cli.py, the same cases by hand):
# 晚上12:00 was noon here and the end of the day on a notice.  A time is (hours, minutes) after the day's start.
@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("晚上12:00", (24, 0)),  # the end of the day, as a notice reads it: was noon
        ("夜里12点", (24, 0)),
        ("晚上12:30", (24, 30)),  # half past midnight, the day after
        ("晚上8点", (20, 0)),
        ("晚上1点", (1, 0)),
        ("夜里11点", (23, 0)),
        ("凌晨5点", (5, 0)),
        ("早上7:30", (7, 30)),
        ("上午12:00", (12, 0)),
        ("中午12点", (12, 0)),
        ("中午1点", (13, 0)),
        ("中午13:30", (13, 30)),
        ("下午12:30", (12, 30)),
        ("下午3:15", (15, 15)),
        ("下午15点", (15, 0)),  # 24-hour writing after its part: was refused here, taken on a notice
        ("傍晚5:30", (17, 30)),
        ("傍晚18点", (18, 0)),
        ("9点30", (9, 30)),
    ],
)
def test_the_logbook_clock_reads_a_part_of_the_day_as_notices_do(written: str, read: tuple[int, int]) -> None:
    assert parse_clock(written, "报修时间") == dt.timedelta(hours=read[0], minutes=read[1])


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("傍晚13点", "13点不是傍晚的钟点（傍晚是 17–20 点），是几点说不清，请直接写明钟点，如 13:00"),
        ("傍晚9点", "9点不是傍晚的钟点（傍晚是 17–20 点），是几点说不清，请直接写明钟点，如 9:00、21:00"),
        ("上午15点", "15点不是上午的钟点（上午是 0–12 点），是几点说不清，请直接写明钟点，如 15:00"),
        ("凌晨12点", "12点不是凌晨的钟点（凌晨是 0–6 点），是几点说不清，请直接写明钟点，如 0:00"),
        ("中午3点", "3点不是中午的钟点（中午是 11–14 点），是几点说不清，请直接写明钟点，如 3:00、15:00"),
        ("晚上14点", "14点不是晚上的钟点（晚上是 18–24 点和 0–5 点），是几点说不清，请直接写明钟点，如 14:00"),
    ],
)
def test_the_logbook_clock_refuses_an_hour_its_part_of_the_day_contradicts(written: str, said: str) -> None:
    # 上午15点 was refused with other words here, 傍晚9点 and 中午3点 were not read at all
    with pytest.raises(DateError) as caught:
        parse_clock(written, "报修时间")
    assert caught.value.message == f"报修时间“{written}”不存在：{said}"


def test_the_logbook_clock_suggests_only_clocks_it_takes_for_12_after_a_part_without_it(
    estate: Workspace, run_cli: Any, tmp_path: Path
) -> None:
    # 早上12点 was told to write 12:00、24:00, and 傍晚12:30 12:30、次日0:30: the logbook refuses 24:00 and 次日0:30
    rows = [
        ["报修", "1-1-101", "水电", "厨房漏水", "2026-11-03", "早上12点", None, None, None, None, None, None],
        ["报修", "1-1-102", "门窗", "窗户关不上", "2026-11-05", "傍晚12:30", None, None, None, None, None, None],
    ]  # fmt: skip
    book = write_sheet(tmp_path / "登记簿.xlsx", rows, headers=DATED_HEADERS)
    result = run_cli("workorder", "import", str(book))
    assert (result.exit_code, lines(result)) == (
        5,
        [
            "错误：登记簿.xlsx 有 2 处错误，没有导入任何工单",
            "  第 2 行 F 列（报修时间）：报修时间“早上12点”不存在：12点不是早上的钟点（早上是 4–11 点），"
            "是几点说不清，请直接写明钟点，如 12:00、晚上12:00",
            "  第 3 行 F 列（报修时间）：报修时间“傍晚12:30”不存在：12点不是傍晚的钟点（傍晚是 17–20 点），"
            "是几点说不清，请直接写明钟点，如 12:30、晚上12:30",
        ],
    )
    # each suggestion is taken by the logbook's clock: noon, and the day's end (the next day's 0:30)
    assert [parse_clock(clock, "报修时间") for clock in ("12:00", "晚上12:00", "12:30", "晚上12:30")] == [
        dt.timedelta(hours=12),
        dt.timedelta(hours=24),
        dt.timedelta(hours=12, minutes=30),
        dt.timedelta(hours=24, minutes=30),
    ]
    with pytest.raises(DateError):
        parse_clock("24:00", "报修时间")


def test_a_logbook_time_at_the_end_of_the_day_is_the_next_day_at_midnight(
    estate: Workspace, run_cli: Any, tmp_path: Path
) -> None:
    rows = [
        ["报修", "1-1-101", "水电", "厨房漏水", "2026-11-03", "晚上12:00", None, None, None, None, None, None],
        ["报修", "1-1-102", "门窗", "窗户关不上", "2026-11-05", "傍晚6点", None, None, None, None, None, None],
    ]  # fmt: skip
    book = write_sheet(tmp_path / "登记簿.xlsx", rows, headers=DATED_HEADERS, title="工单登记簿")
    result = run_cli("workorder", "import", str(book))
    assert result.exit_code == 0, result.output
    listed = json.loads(run_cli("workorder", "list", "--json").stdout)
    assert [(o["opened_at"], o["date_only"]) for o in listed] == [
        ("2026-11-04 00:00", False),  # was 2026-11-03 12:00
        ("2026-11-05 18:00", False),
    ]


# -- 5. an alias and the standard name both in the header ----------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "read"),
    [
        ("问题描述", "内容", "second"),  # the standard name after an alias
        ("内容", "问题描述", "first"),
        ("问题描述", "报修内容", "second"),  # two aliases: the one listed first in the README's order
        ("报修内容", "问题描述", "first"),
    ],
)
def test_the_standard_header_wins_over_an_alias_wherever_it_stands(
    estate: Workspace, run_cli: Any, tmp_path: Path, first: str, second: str, read: str
) -> None:
    """Another system's export with both 问题描述 (its own short note) and 内容 (the order's words): the column read
    was whichever came first, so the short note became the order's 内容."""
    headers = ("类型", "房号", "类别", first, second, "报修时间")
    texts = {"first": f"{first}的文字", "second": f"{second}的文字"}
    rows = [["报修", "1-1-101", "水电", texts["first"], texts["second"], "2026-11-03 09:00"]]
    result = run_cli("workorder", "import", str(write_sheet(tmp_path / "导出.xlsx", rows, headers=headers)))
    assert result.exit_code == 0, result.output
    [order] = json.loads(run_cli("workorder", "list", "--json").stdout)
    assert order["description"] == texts[read]


# -- 6. a reassignment keeps the first dispatch ---------------------------------------------------------------------


def test_reassigning_an_order_keeps_its_first_dispatch_time(estate: Workspace, run_cli: Any) -> None:
    """An order dispatched in time and passed on to someone else later was 派工超时: the reassignment replaced the
    dispatch time.  派工超时 is judged on the first dispatch; the reassignment is journalled."""
    from tests.conftest import last_journal_entry

    add = ("workorder", "add", "--type", "报修", "--unit", "1-1-101", "--category", "水电", "--desc", "漏水")
    assert run_cli(*add, "--at", "2026-10-03 09:00").exit_code == 0  # 水电: dispatch within 4 hours
    assert run_cli("workorder", "assign", "GD2026-1", "--to", "刘师傅", "--at", "2026-10-03 09:30").exit_code == 0
    again = run_cli("workorder", "assign", "GD2026-1", "--to", "王师傅", "--at", "2026-10-03 15:00")
    assert (again.exit_code, lines(again)) == (
        0,
        ["工单 GD2026-000001 已改派给“王师傅”（2026-10-03 15:00；首次派工 2026-10-03 09:30 不变）"],
    )
    shown = lines(run_cli("workorder", "show", "GD2026-1", "--as-of", "2026-10-03 16:00"))
    assert "派工：王师傅（2026-10-03 09:30）" in shown
    assert "时限：2026-10-03 13:00 前派工，2026-10-04 09:00 前完成；未超时" in shown
    entry = last_journal_entry(estate, "GD2026-000001")
    assert (entry.action, entry.before, entry.after) == (
        "workorder.reassign",
        {"assignee": "刘师傅"},
        {"assignee": "王师傅", "reassigned_at": "2026-10-03 15:00"},
    )
    early = run_cli("workorder", "assign", "GD2026-1", "--to", "李师傅", "--at", "2026-10-03 09:00")
    assert (early.exit_code, early.stderr.strip()) == (
        5,
        "错误：改派时间 2026-10-03 09:00 早于上次改派时间 2026-10-03 15:00：请检查 --at",
    )


# -- 7. a logbook that has grown since it was imported ------------------------------------------------------------


def _count_orders(workspace: Workspace) -> int:
    with open_ledger(workspace.database_url) as ledger, ledger.read() as conn:
        return int(conn.execute(sa.text("SELECT count(*) FROM work_orders")).scalar_one())


def test_a_grown_logbook_imports_only_its_new_orders_with_skip_known(
    estate: Workspace, run_cli: Any, tmp_path: Path
) -> None:
    """The office keeps adding to one logbook and imports it again each month: the second import was refused whole
    (每一行都已导入过).  ``--skip-known`` imports the new orders and counts the ones already in the ledger."""
    from tests.workorder_fixtures import LOGBOOK_ROWS

    assert run_cli("workorder", "import", str(write_logbook(tmp_path / "九月.xlsx"))).exit_code == 0
    new = row(类型="报修", 房号="1-1-102", 类别="门窗", 内容="窗户关不上", 报修时间="2026-10-08 09:00")
    grown = write_logbook(tmp_path / "十月.xlsx", [*LOGBOOK_ROWS, new])
    refused = run_cli("workorder", "import", str(grown))
    assert refused.exit_code == 5
    assert (
        "  第 3 行：与已登记的工单 GD2026-000001 相同（这一行已经导入过；只导入新增的工单请加 --skip-known）"
        in lines(refused)
    )
    result = run_cli("workorder", "import", str(grown), "--skip-known")
    assert (result.exit_code, lines(result)) == (
        0,
        [
            "已导入工单 1 张（报修 1 张，投诉 0 张），编号 GD2026-000004 至 GD2026-000004",
            "跳过已导入过、内容相同的工单 3 张",
        ],
    )
    again = run_cli("workorder", "import", str(grown), "--skip-known")
    assert (again.exit_code, lines(again)) == (0, ["没有新的工单：4 张都已导入过、内容相同"])
    assert _count_orders(estate) == 4

    # The logbook has since recorded the completion of the third order: an order the ledger holds otherwise.
    finished = [list(r) for r in (*LOGBOOK_ROWS, new)]
    finished[2][10:12] = ["2026-09-15 10:00", "已更换门禁读卡器"]
    later = row(类型="投诉", 房号="3-2-1201", 类别="噪音", 内容="装修噪音", 报修时间="2026-10-20 21:00")
    changed = run_cli(
        "workorder", "import", str(write_logbook(tmp_path / "十一月.xlsx", [*finished, later])), "--skip-known"
    )
    assert (changed.exit_code, lines(changed)) == (
        5,
        [
            "错误：十一月.xlsx 有 1 处错误，没有导入任何工单",
            "  第 5 行：与已登记的工单 GD2026-000003 是同一张（报修时间、房号、类别和内容都相同），但完成时间、处理结果与台账中的"
            "不同：请在台账中补记（workorder assign/close/visit），或把这一行改成与台账一致",
        ],
    )
    assert _count_orders(estate) == 4


def test_a_grown_logbook_whose_worker_column_another_system_wrote_in_full_width_is_skipped(
    estate: Workspace, run_cli: Any, tmp_path: Path
) -> None:
    """Exported again by another system, the logbook wrote its 派工 column in full-width letters and digits and with an
    ideographic space (王师傅Ａ, 维修２组, 水电班\u3000刘师傅): --skip-known named those rows as differing in 派工 and
    imported nothing.  A worker is compared as ``workorder assign`` compares one: the same name, skipped."""
    known = [
        row(类型="报修", 房号="1-1-101", 类别="门窗", 内容="窗户关不上", 报修时间="2026-11-05 09:00", 派工="王师傅A",
            派工时间="2026-11-05 10:00"),
        row(类型="报修", 房号="1-1-102", 类别="电梯", 内容="电梯异响", 报修时间="2026-11-05 11:00", 派工="维修2组",
            派工时间="2026-11-05 11:30"),
        row(类型="报修", 房号="3-2-1201", 类别="水电", 内容="水管漏水", 报修时间="2026-11-06 08:00",
            派工="水电班 刘师傅", 派工时间="2026-11-06 08:30"),
    ]  # fmt: skip
    assert run_cli("workorder", "import", str(write_logbook(tmp_path / "十一月.xlsx", known))).exit_code == 0
    exported = [list(r) for r in known]
    exported[0][8] = "王师傅\uff21"
    exported[1][8] = "维修\uff12组"
    exported[2][8] = "水电班\u3000刘师傅"
    new = row(类型="报修", 房号="3-2-1202", 类别="门窗", 内容="门锁坏", 报修时间="2026-11-20 09:00")
    grown = write_logbook(tmp_path / "导出.xlsx", [*exported, new])
    result = run_cli("workorder", "import", str(grown), "--skip-known")
    assert (result.exit_code, lines(result)) == (
        0,
        [
            "已导入工单 1 张（报修 1 张，投诉 0 张），编号 GD2026-000004 至 GD2026-000004",
            "跳过已导入过、内容相同的工单 3 张",
        ],
    )
    assert _count_orders(estate) == 4
    # Another worker is still another worker.
    exported[0][8] = "王师傅B"
    refused = run_cli(
        "workorder", "import", str(write_logbook(tmp_path / "改派.xlsx", [*exported, new])), "--skip-known"
    )
    assert (refused.exit_code, lines(refused)) == (
        5,
        [
            "错误：改派.xlsx 有 1 处错误，没有导入任何工单",
            "  第 3 行：与已登记的工单 GD2026-000001 是同一张（报修时间、房号、类别和内容都相同），但派工与台账中的不同："
            "请在台账中补记（workorder assign/close/visit），或把这一行改成与台账一致",
        ],
    )


def test_a_logbook_exported_again_in_full_width_is_the_same_orders_not_new_ones(
    estate: Workspace, run_cli: Any, tmp_path: Path
) -> None:
    """Exported again by another system, the logbook wrote its 内容, 地点, 报修人 and 处理结果 with full-width digits and
    an ideographic space (３楼漏水, 地下车库Ｂ区): imported again it doubled the orders (exit 0, GD2026-000003 and -4 beside
    -1 and -2), with or without --skip-known.  Those words are read as a clerk reads them: the same orders."""
    known = [
        row(类型="报修", 房号="3-2-1201", 类别="水电", 内容="3楼漏水", 报修人="张伟", 报修时间="2026-11-05 09:00",
            派工="王师傅", 派工时间="2026-11-05 10:00", 完成时间="2026-11-05 11:00", 处理结果="更换2个阀门"),
        row(类型="投诉", 地点="地下车库B区", 类别="公共设施", 内容="B区 照明不足", 报修时间="2026-11-06 08:00"),
    ]  # fmt: skip
    first = run_cli("workorder", "import", str(write_logbook(tmp_path / "十一月.xlsx", known)))
    assert first.exit_code == 0, first.output
    exported = [list(r) for r in known]
    exported[0][4], exported[0][5], exported[0][11] = "３楼漏水", "张伟\u3000", "更换２个阀门"
    exported[1][2], exported[1][4] = "地下车库Ｂ区", "Ｂ区\u3000照明不足"
    again = run_cli("workorder", "import", str(write_logbook(tmp_path / "导出.xlsx", exported)))
    assert (again.exit_code, lines(again)) == (
        5,
        [
            "错误：导出.xlsx 有 2 处错误，没有导入任何工单",
            "  第 3 行：与已登记的工单 GD2026-000001 相同（这一行已经导入过；只导入新增的工单请加 --skip-known）",
            "  第 4 行：与已登记的工单 GD2026-000002 相同（这一行已经导入过；只导入新增的工单请加 --skip-known）",
        ],
    )
    skipped = run_cli("workorder", "import", str(write_logbook(tmp_path / "导出.xlsx", exported)), "--skip-known")
    assert (skipped.exit_code, lines(skipped)) == (0, ["没有新的工单：2 张都已导入过、内容相同"])
    assert _count_orders(estate) == 2


# -- 8. the month's edge -------------------------------------------------------------------------------------------


def test_orders_at_the_months_edge_count_in_their_own_month_once(
    estate: Workspace, run_cli: Any, tmp_path: Path
) -> None:
    """An order at 2026-11-30 23:59 is November's, one at 2026-12-01 00:00 December's: in ``list --month`` and in the
    monthly report's 受理 and 月末未办结, each once."""
    from openpyxl import load_workbook

    add = ("workorder", "add", "--type", "报修", "--category", "门窗")
    assert run_cli(*add, "--unit", "1-1-101", "--desc", "门锁坏", "--at", "2026-11-30 23:59").exit_code == 0
    assert run_cli(*add, "--unit", "1-1-102", "--desc", "窗坏", "--at", "2026-12-01 00:00").exit_code == 0
    for month, number in (("2026-11", "GD2026-000001"), ("2026-12", "GD2026-000002")):
        listed = json.loads(run_cli("workorder", "list", "--month", month, "--json").stdout)
        assert [o["number"] for o in listed] == [number]

    def metrics(month: str) -> dict[Any, Any]:
        assert run_cli("report", "monthly", "--month", month).exit_code == 0
        [path] = (estate.root / "records" / "generated" / "报表" / month).glob("月度报表-*.xlsx")
        sheet = load_workbook(path)["工单"]
        return {sheet.cell(r, 1).value: sheet.cell(r, 2).value for r in range(1, sheet.max_row + 1)}

    november, december = metrics("2026-11"), metrics("2026-12")
    assert (november["门窗"], november["月末未办结（件）"]) == (1, 1)
    assert (december["门窗"], december["月末未办结（件）"]) == (1, 2)


def test_closing_an_imported_order_of_dates_alone_says_its_limit_by_the_day(
    estate: Workspace, run_cli: Any, tmp_path: Path
) -> None:
    """An order of dates alone finished later at the counter: 超时完成 named its deadline as 2026-11-06 00:00, a minute
    the logbook never said; it is the 6th, the last day."""
    book = write_logbook(
        tmp_path / "登记簿.xlsx",
        [row(类型="报修", 房号="1-1-102", 类别="门窗", 内容="窗户关不上", 报修时间="2026-11-03", 派工="王师傅",
             派工时间="2026-11-05")],
    )  # fmt: skip
    assert run_cli("workorder", "import", str(book)).exit_code == 0
    closed = run_cli("workorder", "close", "GD2026-1", "--result", "已调整", "--at", "2026-11-07 10:00")
    assert (
        lines(closed)[0] == "工单 GD2026-000001 已完成（2026-11-07 10:00），超时完成（应最迟 2026-11-06 完成）：已调整"
    )


def test_a_logbook_with_a_date_column_and_no_time_column_is_read_as_dates_alone(
    estate: Workspace, run_cli: Any, tmp_path: Path
) -> None:
    """报修日期 alone, no 报修时间 column at all: refused as 缺少表头：报修时间.  Its orders are of dates alone; a logbook
    with neither is refused naming both."""
    headers = ("类型", "房号", "类别", "内容", "报修日期")
    rows = [["报修", "1-1-101", "门窗", "窗户关不上", "2026-11-03"]]
    result = run_cli("workorder", "import", str(write_sheet(tmp_path / "登记簿.xlsx", rows, headers=headers)))
    assert result.exit_code == 0, result.output
    [order] = json.loads(run_cli("workorder", "list", "--json").stdout)
    assert (order["opened_at"], order["date_only"]) == ("2026-11-03", True)

    bare = write_sheet(tmp_path / "无时间.xlsx", [rows[0][:4]], headers=headers[:4])
    refused = run_cli("workorder", "import", str(bare))
    assert (refused.exit_code, refused.stderr.strip()) == (
        5,
        "错误：无时间.xlsx 缺少表头：报修时间（可写作：报修时间、投诉时间、登记时间、受理时间），"
        "或日期和时刻分开写的报修日期（可写作：报修日期、投诉日期、登记日期、受理日期）",
    )


def test_an_order_due_at_the_months_last_minute_is_late_at_its_end(estate: Workspace, run_cli: Any) -> None:
    """The month ends at 00:00 of the next: an order due at 23:59 on its last day and not finished is late then."""
    from recordkit.core.dates import parse_month
    from recordkit.workorders.orders import month_figures

    add = ("workorder", "add", "--type", "报修", "--unit", "1-1-101", "--category", "电梯", "--desc", "电梯异响")
    assert run_cli(*add, "--at", "2026-11-29 23:59").exit_code == 0  # 电梯: finished within 24 hours
    assert run_cli("workorder", "assign", "GD2026-1", "--to", "电梯公司", "--at", "2026-11-30 00:30").exit_code == 0
    with open_ledger(estate.database_url) as ledger, ledger.read() as conn:
        figures = month_figures(conn, parse_month("2026-11"))
    assert (figures.open_at_end, figures.overdue_at_end) == (1, 1)


# -- a date without a time typed at the counter ------------------------------------------------------------------


def test_an_order_entered_at_the_counter_with_a_date_alone_is_of_dates_alone(estate: Workspace, run_cli: Any) -> None:
    """workorder add --at 2026-11-03 (an old order entered from paper) meant 00:00: a 水电 repair dispatched that day
    was 派工超时, by hours it never had.  It is now an order of dates alone, as an imported one."""
    added = run_cli("workorder", "add", "--type", "报修", "--unit", "1-1-101", "--category", "水电",
                    "--desc", "厨房漏水", "--at", "2026-11-03")  # fmt: skip
    assert added.exit_code == 0, added.output
    assert lines(added) == [
        "已登记工单 GD2026-000001：报修 · 水电，1-1-101，报修时间 2026-11-03",
        "时限：4 小时内派工，最迟 2026-11-04 完成",
    ]
    assigned = run_cli("workorder", "assign", "GD2026-1", "--to", "刘师傅", "--at", "2026-11-03 15:00")
    assert lines(assigned) == ["工单 GD2026-000001 已派给“刘师傅”（2026-11-03 15:00）"]
    closed = run_cli("workorder", "close", "GD2026-1", "--result", "已修好", "--at", "2026-11-05")
    assert lines(closed)[0] == "工单 GD2026-000001 已完成（2026-11-05），超时完成（应最迟 2026-11-04 完成）：已修好"
    [order] = json.loads(run_cli("workorder", "list", "--json").stdout)
    assert (order["opened_at"], order["date_only"], order["closed_late"]) == ("2026-11-03", True, True)
    shown = lines(run_cli("workorder", "show", "GD2026-1"))
    assert "时限：4 小时内派工，最迟 2026-11-04 完成；超时完成" in shown


def test_an_order_of_dates_alone_finished_on_its_last_day_is_said_to_be_on_time(
    estate: Workspace, run_cli: Any
) -> None:
    """workorder close of an order of dates alone finished in time printed 超时完成 all the same (the message chose
    its wording by the order's kind before asking whether it was late)."""
    added = run_cli("workorder", "add", "--type", "报修", "--unit", "1-1-101", "--category", "水电",
                    "--desc", "厨房漏水", "--at", "2026-11-03")  # fmt: skip
    assert added.exit_code == 0, added.output
    assert run_cli("workorder", "assign", "GD2026-1", "--to", "刘师傅", "--at", "2026-11-03").exit_code == 0
    closed = run_cli("workorder", "close", "GD2026-1", "--result", "已修好", "--at", "2026-11-04")
    assert lines(closed)[0] == "工单 GD2026-000001 已完成（2026-11-04），按时完成：已修好"
    [order] = json.loads(run_cli("workorder", "list", "--json").stdout)
    assert order["closed_late"] is False


def test_a_step_with_a_date_alone_on_an_order_timed_to_the_minute_compares_by_date(
    estate: Workspace, run_cli: Any
) -> None:
    """An order opened at 09:15 and closed --at its own day was refused (00:00 早于 the dispatch); a day alone on a
    step compares by date: not before the step before it, in time on its deadline's day, late after it."""
    for unit in ("1-1-101", "1-1-102"):
        added = run_cli("workorder", "add", "--type", "报修", "--unit", unit, "--category", "水电",
                        "--desc", "厨房漏水", "--at", "2026-11-03 09:15")  # fmt: skip
        assert added.exit_code == 0, added.output
    assigned = run_cli("workorder", "assign", "GD2026-1", "--to", "刘师傅", "--at", "2026-11-03")
    assert lines(assigned) == ["工单 GD2026-000001 已派给“刘师傅”（2026-11-03）"]
    closed = run_cli("workorder", "close", "GD2026-1", "--result", "已修好", "--at", "2026-11-04")
    assert lines(closed)[0] == "工单 GD2026-000001 已完成（2026-11-04），按时完成：已修好"

    assert run_cli("workorder", "assign", "GD2026-2", "--to", "刘师傅", "--at", "2026-11-03 10:00").exit_code == 0
    refused = run_cli("workorder", "close", "GD2026-2", "--result", "已修好", "--at", "2026-11-02")
    assert refused.exit_code == 5
    assert "完成时间 2026-11-02 早于派工时间 2026-11-03 10:00" in refused.stderr
    closed = run_cli("workorder", "close", "GD2026-2", "--result", "已修好", "--at", "2026-11-05")
    assert lines(closed)[0] == "工单 GD2026-000002 已完成（2026-11-05），超时完成（时限 2026-11-04 09:15）：已修好"


# -- a step written as a date alone stays a date alone -------------------------------------------------------------


def test_a_step_recorded_with_a_date_alone_is_shown_as_its_day_ever_after(
    estate: Workspace, run_cli: Any, tmp_path: Path
) -> None:
    """An order timed to the minute whose steps were recorded --at a date alone: said as the day when recorded, but
    show, list --json and the journal gave 2026-11-03 00:00 afterwards, a minute nobody wrote.  Each step remembers
    that it was written as a day (migration 0024), and is judged by the date."""
    run_cli("workorder", "add", "--type", "报修", "--unit", "1-1-101", "--category", "水电",
            "--desc", "厨房漏水", "--at", "2026-11-03 09:15")  # fmt: skip
    assert run_cli("workorder", "assign", "GD2026-1", "--to", "刘师傅", "--at", "2026-11-03").exit_code == 0
    assert run_cli("workorder", "close", "GD2026-1", "--result", "已修好", "--at", "2026-11-04").exit_code == 0
    visited = run_cli("workorder", "visit", "GD2026-1", "--satisfaction", "满意", "--at", "2026-11-05")
    assert lines(visited) == ["工单 GD2026-000001 已回访（2026-11-05）：满意"]
    shown = lines(run_cli("workorder", "show", "GD2026-1", "--as-of", "2026-11-06 12:00"))
    assert "派工：刘师傅（2026-11-03）" in shown
    assert "完成：2026-11-04：已修好" in shown
    assert "回访：2026-11-05：满意" in shown
    # 水电: within 24 hours, by 2026-11-04 09:15 — finished on that day, in time by the date
    assert "时限：2026-11-03 13:15 前派工，2026-11-04 09:15 前完成；按时完成" in shown
    [order] = json.loads(run_cli("workorder", "list", "--json", "--as-of", "2026-11-06 12:00").stdout)
    assert (order["opened_at"], order["assigned_at"], order["closed_at"], order["visited_at"]) == (
        "2026-11-03 09:15",
        "2026-11-03",
        "2026-11-04",
        "2026-11-05",
    )
    assert (order["date_only"], order["closed_late"]) == (False, False)
    refused = run_cli("workorder", "visit", "GD2026-1", "--satisfaction", "满意")
    assert (refused.exit_code, refused.stderr.strip()) == (
        8,
        "错误：工单 GD2026-000001 已于 2026-11-05 回访（满意），不能重复回访",
    )

    # A logbook's visit written as a day on an order timed to the minute: the same.
    book = write_logbook(
        tmp_path / "登记簿.xlsx",
        [row(类型="报修", 房号="1-1-102", 类别="水电", 内容="水管漏水", 报修时间="2026-11-03 09:00", 派工="王师傅",
             派工时间="2026-11-03 10:00", 完成时间="2026-11-03 16:00", 处理结果="已修好", 回访时间="2026-11-05",
             满意度="满意")],
    )  # fmt: skip
    assert run_cli("workorder", "import", str(book)).exit_code == 0
    assert "回访：2026-11-05：满意" in lines(run_cli("workorder", "show", "GD2026-2"))
    imported = json.loads(run_cli("workorder", "show", "GD2026-2", "--json").stdout)
    assert (imported["date_only"], imported["closed_at"], imported["visited_at"]) == (
        False,
        "2026-11-03 16:00",
        "2026-11-05",
    )


def test_a_step_written_as_its_days_date_never_comes_before_the_timed_step_before_it(
    estate: Workspace, run_cli: Any, tmp_path: Path
) -> None:
    """派工 at 15:00 and 完成 written as that day alone was kept at 00:00, before the dispatch: list --as-of 14:00 that
    day saw the order finished in time though nobody had been sent yet.  Such a step is kept at the moment of the
    step before it, still a day: shown as the day, judged by the date."""
    add = ("workorder", "add", "--type", "报修", "--category", "水电", "--desc", "厨房漏水")
    # 水电: dispatched within 4 hours (13:00), finished within 24 (2026-11-04 09:00)
    assert run_cli(*add, "--unit", "1-1-101", "--at", "2026-11-03 09:00").exit_code == 0
    assert run_cli("workorder", "assign", "GD2026-1", "--to", "刘师傅", "--at", "2026-11-03 15:00").exit_code == 0
    closed = run_cli("workorder", "close", "GD2026-1", "--result", "已修好", "--at", "2026-11-03")
    assert lines(closed)[0] == "工单 GD2026-000001 已完成（2026-11-03），按时完成：已修好"
    listed = run_cli("workorder", "list", "--as-of", "2026-11-03 14:00", "--overdue")
    assert [(r[0], r[-1]) for r in _table_rows(listed)] == [("GD2026-000001", "派工超时")]
    shown = lines(run_cli("workorder", "show", "GD2026-1", "--as-of", "2026-11-03 14:00"))
    assert "时限：2026-11-03 13:00 前派工，2026-11-04 09:00 前完成；派工超时" in shown
    assert "完成：2026-11-03：已修好" in lines(run_cli("workorder", "show", "GD2026-1"))

    # Dispatched late on the last day, finished that day (written as the day): in time by the date, not 10:00 > 09:00.
    assert run_cli(*add, "--unit", "1-1-102", "--at", "2026-11-03 09:00").exit_code == 0
    assert run_cli("workorder", "assign", "GD2026-2", "--to", "刘师傅", "--at", "2026-11-04 10:00").exit_code == 0
    closed = run_cli("workorder", "close", "GD2026-2", "--result", "已修好", "--at", "2026-11-04")
    assert lines(closed)[0] == "工单 GD2026-000002 已完成（2026-11-04），按时完成：已修好"

    # A logbook the same: 完成时间 written as the day of a dispatch at 15:00 (an order of dates alone; 门窗's limits
    # are whole days, judged by the date): at 14:00 that day it was not finished yet.
    book = write_logbook(
        tmp_path / "登记簿.xlsx",
        [row(类型="报修", 房号="3-2-1201", 类别="门窗", 内容="窗户关不上", 报修时间="2026-11-05 09:00", 派工="王师傅",
             派工时间="2026-11-05 15:00", 完成时间="2026-11-05", 处理结果="已修好")],
    )  # fmt: skip
    assert run_cli("workorder", "import", str(book)).exit_code == 0
    listed = run_cli("workorder", "list", "--unit", "3-2-1201", "--as-of", "2026-11-05 14:00")
    assert [(r[0], r[-1]) for r in _table_rows(listed)] == [("GD2026-000003", "未超时")]
    [imported] = json.loads(run_cli("workorder", "list", "--unit", "3-2-1201", "--json").stdout)
    assert (imported["assigned_at"], imported["closed_at"]) == ("2026-11-05 15:00", "2026-11-05")


def test_assigning_an_order_to_the_worker_it_is_already_with_changes_nothing(estate: Workspace, run_cli: Any) -> None:
    """assign --to the worker already handling the order said 已改派给 刘师傅 and journalled a reassignment from 刘师傅
    to 刘师傅.  It says 没有改动 and writes nothing."""
    from tests.conftest import last_journal_entry

    add = ("workorder", "add", "--type", "报修", "--unit", "1-1-101", "--category", "水电", "--desc", "漏水")
    assert run_cli(*add, "--at", "2026-10-03 09:00").exit_code == 0
    assert run_cli("workorder", "assign", "GD2026-1", "--to", "刘师傅", "--at", "2026-10-03 09:30").exit_code == 0
    again = run_cli("workorder", "assign", "GD2026-1", "--to", " 刘师傅 ", "--at", "2026-10-03 15:00")
    assert (again.exit_code, lines(again)) == (
        0,
        ["没有改动：工单 GD2026-000001 已派给“刘师傅”（首次派工 2026-10-03 09:30）"],
    )
    assert last_journal_entry(estate, "GD2026-000001").action == "workorder.assign"
    # A time that could not be the reassignment's is refused all the same.
    early = run_cli("workorder", "assign", "GD2026-1", "--to", "刘师傅", "--at", "2026-10-03 09:00")
    assert early.exit_code == 5


def test_show_names_the_first_worker_and_each_reassignment(estate: Workspace, run_cli: Any) -> None:
    """After a reassignment show named the new worker beside the first dispatch's time (派工：王师傅（09:30）): who was
    sent first, and when the order changed hands, were only in the journal.  show lists them, --json too."""
    add = ("workorder", "add", "--type", "报修", "--unit", "1-1-101", "--category", "水电", "--desc", "漏水")
    assert run_cli(*add, "--at", "2026-10-03 09:00").exit_code == 0
    assert run_cli("workorder", "assign", "GD2026-1", "--to", "刘师傅", "--at", "2026-10-03 09:30").exit_code == 0
    alone = json.loads(run_cli("workorder", "show", "GD2026-1", "--json").stdout)
    assert alone["dispatches"] == [{"step": "首次派工", "at": "2026-10-03 09:30", "assignee": "刘师傅"}]
    assert run_cli("workorder", "assign", "GD2026-1", "--to", "王师傅", "--at", "2026-10-03 15:00").exit_code == 0
    assert run_cli("workorder", "assign", "GD2026-1", "--to", "李师傅", "--at", "2026-10-04").exit_code == 0
    shown = lines(run_cli("workorder", "show", "GD2026-1"))
    at = shown.index("派工：李师傅（2026-10-03 09:30）")
    assert shown[at + 1 : at + 4] == [
        "首次派工：2026-10-03 09:30 刘师傅",
        "改派：2026-10-03 15:00 王师傅",
        "改派：2026-10-04 李师傅",
    ]
    order = json.loads(run_cli("workorder", "show", "GD2026-1", "--json").stdout)
    assert (order["assignee"], order["assigned_at"]) == ("李师傅", "2026-10-03 09:30")
    assert order["dispatches"] == [
        {"step": "首次派工", "at": "2026-10-03 09:30", "assignee": "刘师傅"},
        {"step": "改派", "at": "2026-10-03 15:00", "assignee": "王师傅"},
        {"step": "改派", "at": "2026-10-04", "assignee": "李师傅"},
    ]


def test_a_date_time_cell_at_midnight_in_a_column_of_times_is_a_timed_midnight(
    estate: Workspace, run_cli: Any, tmp_path: Path
) -> None:
    """A 报修时间 cell of Excel's date-time form at exactly 00:00 (a complaint at midnight) was read as a date alone —
    the sheet read without its number formats cannot tell them apart —, making its order one of dates alone.  In a
    column whose other cells carry a time of day it is midnight; a column of midnights alone stays dates alone."""
    book = write_logbook(
        tmp_path / "登记簿.xlsx",
        [
            row(类型="报修", 房号="1-1-101", 类别="水电", 内容="厨房漏水", 报修时间=dt.datetime(2026, 11, 3, 9, 15),
                派工="刘师傅", 派工时间=dt.datetime(2026, 11, 3, 10, 0)),
            row(类型="投诉", 房号="1-1-102", 类别="噪音", 内容="楼上装修噪音", 报修时间=dt.datetime(2026, 11, 4, 0, 0),
                派工="秩序部", 派工时间=dt.datetime(2026, 11, 4, 0, 0)),
        ],
    )  # fmt: skip
    assert run_cli("workorder", "import", str(book)).exit_code == 0
    listed = json.loads(run_cli("workorder", "list", "--json").stdout)
    assert [(o["opened_at"], o["assigned_at"], o["date_only"]) for o in listed] == [
        ("2026-11-03 09:15", "2026-11-03 10:00", False),
        ("2026-11-04 00:00", "2026-11-04 00:00", False),
    ]

    midnights = write_logbook(
        tmp_path / "只有日期.xlsx",
        [row(类型="报修", 房号="3-2-1201", 类别="门窗", 内容="窗户关不上", 报修时间=dt.datetime(2026, 11, 5, 0, 0)),
         row(类型="报修", 房号="3-2-1202", 类别="门窗", 内容="门关不上", 报修时间=dt.datetime(2026, 11, 6, 0, 0))],
    )  # fmt: skip
    assert run_cli("workorder", "import", str(midnights)).exit_code == 0
    dated = json.loads(run_cli("workorder", "list", "--category", "门窗", "--json").stdout)
    assert [(o["opened_at"], o["date_only"]) for o in dated] == [("2026-11-05", True), ("2026-11-06", True)]


def test_nothing_is_finished_or_passed_on_before_the_last_reassignment(estate: Workspace, run_cli: Any) -> None:
    """Sent to 刘师傅 at 09:00 and passed on to 王师傅 at 10:00: a close --at 09:30 was accepted, and a close --at that
    day alone was kept at 09:00, so that list --as-of 09:45 saw the order finished before 王师傅 had it.  A completion
    or a further reassignment before the last hand-over is refused; a day alone on its day is kept at that moment."""
    add = ("workorder", "add", "--type", "报修", "--category", "水电", "--desc", "厨房漏水")
    # 水电: dispatched within 4 hours (12:30), finished within 24 (2026-11-06 08:30)
    assert run_cli(*add, "--unit", "1-1-101", "--at", "2026-11-05 08:30").exit_code == 0
    assert run_cli("workorder", "assign", "GD2026-1", "--to", "刘师傅", "--at", "2026-11-05 09:00").exit_code == 0
    assert run_cli("workorder", "assign", "GD2026-1", "--to", "王师傅", "--at", "2026-11-05 10:00").exit_code == 0
    early = run_cli("workorder", "close", "GD2026-1", "--result", "已修好", "--at", "2026-11-05 09:30")
    assert (early.exit_code, early.stderr.strip()) == (
        5,
        "错误：完成时间 2026-11-05 09:30 早于改派时间 2026-11-05 10:00：请检查 --at",
    )
    day_before = run_cli("workorder", "close", "GD2026-1", "--result", "已修好", "--at", "2026-11-04")
    assert (day_before.exit_code, day_before.stderr.strip()) == (
        5,
        "错误：完成时间 2026-11-04 早于改派时间 2026-11-05 10:00：请检查 --at",
    )
    again = run_cli("workorder", "assign", "GD2026-1", "--to", "李师傅", "--at", "2026-11-05 09:45")
    assert (again.exit_code, again.stderr.strip()) == (
        5,
        "错误：改派时间 2026-11-05 09:45 早于上次改派时间 2026-11-05 10:00：请检查 --at",
    )
    closed = run_cli("workorder", "close", "GD2026-1", "--result", "已修好", "--at", "2026-11-05")
    assert lines(closed)[0] == "工单 GD2026-000001 已完成（2026-11-05），按时完成：已修好"
    listed = run_cli("workorder", "list", "--as-of", "2026-11-05 09:45")
    assert [(r[0], r[-1]) for r in _table_rows(listed)] == [("GD2026-000001", "未超时")]
    listed = run_cli("workorder", "list", "--as-of", "2026-11-05 10:00")
    assert [(r[0], r[-1]) for r in _table_rows(listed)] == [("GD2026-000001", "按时完成")]
    assert "完成：2026-11-05：已修好" in lines(run_cli("workorder", "show", "GD2026-1"))

    # A reassignment written as a day alone: kept at the last hand-over on that day, and the one after it not before.
    assert run_cli(*add, "--unit", "1-1-102", "--at", "2026-11-05 08:30").exit_code == 0
    assert run_cli("workorder", "assign", "GD2026-2", "--to", "刘师傅", "--at", "2026-11-05 09:00").exit_code == 0
    assert run_cli("workorder", "assign", "GD2026-2", "--to", "王师傅", "--at", "2026-11-05 11:00").exit_code == 0
    by_day = run_cli("workorder", "assign", "GD2026-2", "--to", "李师傅", "--at", "2026-11-05")
    assert lines(by_day) == ["工单 GD2026-000002 已改派给“李师傅”（2026-11-05；首次派工 2026-11-05 09:00 不变）"]
    early = run_cli("workorder", "close", "GD2026-2", "--result", "已修好", "--at", "2026-11-05 10:30")
    assert (early.exit_code, early.stderr.strip()) == (
        5,
        "错误：完成时间 2026-11-05 10:30 早于改派时间 2026-11-05：请检查 --at",
    )
    # An order never passed on: its completion is checked against its dispatch, as before.
    assert run_cli(*add, "--unit", "3-2-1201", "--at", "2026-11-05 08:30").exit_code == 0
    assert run_cli("workorder", "assign", "GD2026-3", "--to", "刘师傅", "--at", "2026-11-05 09:00").exit_code == 0
    early = run_cli("workorder", "close", "GD2026-3", "--result", "已修好", "--at", "2026-11-05 08:45")
    assert "完成时间 2026-11-05 08:45 早于派工时间 2026-11-05 09:00" in early.stderr
    assert run_cli("workorder", "close", "GD2026-3", "--result", "已修好", "--at", "2026-11-05 09:30").exit_code == 0


def test_the_same_worker_written_another_way_is_no_reassignment(estate: Workspace, run_cli: Any) -> None:
    """assign --to 刘师傅 of an order with 刘师傅 kept with a trailing space (as an earlier version kept it), or --to
    ⽔电班 (a Kangxi radical copied from a PDF) of one with 水电班, was journalled as a reassignment to the worker it
    was with.  Names are compared as NFKC-folded and trimmed: 没有改动, nothing written."""
    from tests.conftest import last_journal_entry

    add = ("workorder", "add", "--type", "报修", "--category", "水电", "--desc", "漏水", "--at", "2026-10-03 09:00")
    assert run_cli(*add, "--unit", "1-1-101").exit_code == 0
    assert run_cli(*add, "--unit", "1-1-102").exit_code == 0
    assert run_cli("workorder", "assign", "GD2026-1", "--to", "刘师傅", "--at", "2026-10-03 09:30").exit_code == 0
    assert run_cli("workorder", "assign", "GD2026-2", "--to", "水电班", "--at", "2026-10-03 09:30").exit_code == 0
    with open_ledger(estate.database_url) as ledger, ledger.write() as conn:
        conn.execute(sa.text("UPDATE work_orders SET assignee = '刘师傅 ' WHERE number = 'GD2026-000001'"))
    same = run_cli("workorder", "assign", "GD2026-1", "--to", "刘师傅", "--at", "2026-10-03 15:00")
    assert (same.exit_code, lines(same)) == (
        0,
        ["没有改动：工单 GD2026-000001 已派给“刘师傅”（首次派工 2026-10-03 09:30）"],
    )
    same = run_cli("workorder", "assign", "GD2026-2", "--to", "\u2f54电班", "--at", "2026-10-03 15:00")
    assert (same.exit_code, lines(same)) == (
        0,
        ["没有改动：工单 GD2026-000002 已派给“水电班”（首次派工 2026-10-03 09:30）"],
    )
    for number in ("GD2026-000001", "GD2026-000002"):
        assert last_journal_entry(estate, number).action == "workorder.assign"
    # Another worker is still a reassignment.
    other = run_cli("workorder", "assign", "GD2026-1", "--to", "王师傅", "--at", "2026-10-03 15:00")
    assert lines(other) == ["工单 GD2026-000001 已改派给“王师傅”（2026-10-03 15:00；首次派工 2026-10-03 09:30 不变）"]


def test_a_grown_logbook_skips_orders_whose_day_alone_steps_an_earlier_version_kept_at_midnight(
    estate: Workspace, run_cli: Any, tmp_path: Path
) -> None:
    """A logbook imported before steps written as a date alone were kept at the step before them (and flagged) left
    完成时间/回访时间 at 00:00 of their day, unflagged.  Imported again grown with --skip-known, those orders were
    named as differing in 完成时间、回访时间 and nothing was imported; a step flagged or read as a date alone compares
    by its date."""
    known = [
        row(类型="报修", 房号="1-1-101", 类别="门窗", 内容="窗户关不上", 报修时间="2026-11-05 09:00", 派工="刘师傅",
            派工时间="2026-11-05 15:00", 完成时间="2026-11-05", 处理结果="已修好"),
        row(类型="报修", 房号="1-1-102", 类别="水电", 内容="水管漏水", 报修时间="2026-11-05 09:00", 派工="王师傅",
            派工时间="2026-11-05 10:00", 完成时间="2026-11-05 16:00", 处理结果="已修好", 回访时间="2026-11-05",
            满意度="满意"),
    ]  # fmt: skip
    assert run_cli("workorder", "import", str(write_logbook(tmp_path / "十一月.xlsx", known))).exit_code == 0
    with open_ledger(estate.database_url) as ledger, ledger.write() as conn:  # as the earlier version kept them
        conn.execute(
            sa.text("UPDATE work_orders SET closed_at = :at, closed_day_only = false WHERE number = 'GD2026-000001'"),
            {"at": dt.datetime(2026, 11, 5, 0, 0)},
        )
        conn.execute(
            sa.text("UPDATE work_orders SET visited_at = :at, visited_day_only = false WHERE number = 'GD2026-000002'"),
            {"at": dt.datetime(2026, 11, 5, 0, 0)},
        )
    new = row(类型="报修", 房号="3-2-1201", 类别="门窗", 内容="门锁坏", 报修时间="2026-11-20 09:00")
    grown = write_logbook(tmp_path / "十二月.xlsx", [*known, new])
    result = run_cli("workorder", "import", str(grown), "--skip-known")
    assert (result.exit_code, lines(result)) == (
        0,
        [
            "已导入工单 1 张（报修 1 张，投诉 0 张），编号 GD2026-000003 至 GD2026-000003",
            "跳过已导入过、内容相同的工单 2 张",
        ],
    )
    # Another day is still another completion.
    changed = [list(r) for r in known]
    changed[0][10] = "2026-11-06"
    refused = run_cli(
        "workorder", "import", str(write_logbook(tmp_path / "改过.xlsx", [*changed, new])), "--skip-known"
    )
    assert refused.exit_code == 5
    assert "但完成时间与台账中的不同" in refused.output
