"""``recordkit workorder`` end to end: exact output lines, exit codes, and the logbook import's
row-and-column errors with nothing written."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from recordkit.core.config import WorkOrderSettings
from recordkit.core.errors import ValidationError
from recordkit.core.workspace import Workspace
from recordkit.ledger.db import open_ledger
from recordkit.owners.roster import import_owners
from recordkit.workorders import logbook as workorder_logbook
from recordkit.workorders.logbook import LOGBOOK_HEADERS
from tests.conftest import SAMPLE_ROWS, write_sheet
from tests.test_unit_kinds import import_two_phases
from tests.workorder_fixtures import (
    BAD_LOGBOOK_ROWS,
    LOGBOOK_HEADERS,
    LOGBOOK_ROWS,
    left_at_0025,
    pass_on_the_old_way,
    write_logbook,
)

NOW = dt.datetime(2026, 11, 30, 12, 0)


@pytest.fixture
def estate(workspace: Workspace, tmp_path: Path) -> Workspace:
    with open_ledger(workspace.database_url) as ledger:
        import_owners(ledger, write_sheet(tmp_path / "名册.xlsx", SAMPLE_ROWS), "测试员")
    return workspace


def _count(workspace: Workspace, table: str) -> int:
    with open_ledger(workspace.database_url) as ledger, ledger.read() as conn:
        return int(conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one())


def lines(result: Any) -> list[str]:
    return result.output.splitlines()


def test_add_assign_close_visit_show(estate: Workspace, run_cli: Any) -> None:
    added = run_cli(
        "workorder",
        "add",
        "--type",
        "报修",
        "--unit",
        "3栋2单元1201",
        "--category",
        "电梯",
        "--desc",
        "电梯异响",
        "--reported-by",
        "李秀英",
        "--phone",
        "13987654321",
        "--at",
        "2026-10-03 09:15",
    )
    assert added.exit_code == 0, added.output
    assert lines(added) == [
        "已登记工单 GD2026-000001：报修 · 电梯，3-2-1201，报修时间 2026-10-03 09:15",
        "时限：2026-10-03 11:15 前派工，2026-10-04 09:15 前完成",
    ]
    assigned = run_cli("workorder", "assign", "GD2026-1", "--to", "电梯公司", "--at", "2026-10-03 12:00")
    assert lines(assigned) == [
        "工单 GD2026-000001 已派给“电梯公司”（2026-10-03 12:00）",
        "派工超时：应在 2026-10-03 11:15 前派工",
    ]
    closed = run_cli("workorder", "close", "GD2026-000001", "--result", "更换导靴", "--at", "2026-10-04 10:00")
    assert lines(closed) == [
        "工单 GD2026-000001 已完成（2026-10-04 10:00），超时完成（时限 2026-10-04 09:15）：更换导靴",
        "请回访：recordkit workorder visit GD2026-000001 --satisfaction 满意",
    ]
    visited = run_cli(
        "workorder",
        "visit",
        "GD2026-000001",
        "--satisfaction",
        "不满意",
        "--notes",
        "修得太慢",
        "--at",
        "2026-10-05 09:00",
    )
    assert lines(visited) == ["工单 GD2026-000001 已回访（2026-10-05 09:00）：不满意，修得太慢"]
    shown = run_cli("workorder", "show", "GD2026-000001")
    assert lines(shown) == [
        "工单编号：GD2026-000001",
        "类型：报修 · 电梯",
        "房号/地点：3-2-1201",
        "内容：电梯异响",
        "报修人：李秀英 139****4321",
        "报修时间：2026-10-03 09:15（测试员 登记）",
        "状态：已回访",
        "时限：2026-10-03 11:15 前派工，2026-10-04 09:15 前完成；超时完成",
        "派工：电梯公司（2026-10-03 12:00）",
        "完成：2026-10-04 10:00：更换导靴",
        "回访：2026-10-05 09:00：不满意，修得太慢",
        "重复投诉：否",
    ]
    private = run_cli("workorder", "show", "GD2026-000001", "--show-private")
    assert "报修人：李秀英 13987654321" in lines(private)
    assert "13987654321" not in run_cli("workorder", "list").output
    assert run_cli("journal", "verify").exit_code == 0


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ("add", "--type", "维修", "--unit", "1-1-101", "--category", "水电", "--desc", "漏水"),
            5,
            "错误：工单类型“维修”无效，应为 报修、投诉 之一",
        ),
        (
            ("add", "--type", "报修", "--category", "水电", "--desc", "漏水"),
            2,
            "错误：请用 --unit 写房号；公共区域没有房号时用 --place 写地点，例如 --place 3栋大堂",
        ),
        (
            ("add", "--type", "报修", "--unit", "9-9-909", "--category", "水电", "--desc", "漏水"),
            6,
            "错误：台账中没有房屋 9-9-909：请用 recordkit owners list 查看已有房号，公共区域请用 --place",
        ),
        (
            ("add", "--type", "报修", "--unit", "1-1-101", "--category", "水电", "--desc", "漏水", "--at", "昨天"),
            5,
            "错误：报修时间“昨天”无法识别，应写成 2026-12-05 09:15 这样的日期和时刻",
        ),
        (
            ("close", "GD2026-000009", "--result", "已修"),
            6,
            "错误：没有编号为 GD2026-000009 的工单：请用 recordkit workorder list 查看",
        ),
        (("list", "--month", "2026-13"), 5, "错误：月份“2026-13”无效：月份应为 1 至 12"),
        (
            (
                "add",
                "--type",
                "报修",
                "--unit",
                "1-1-101",
                "--category",
                "水电",
                "--desc",
                "漏水",
                "--phone",
                "0755-12345678",
            ),
            5,
            "错误：--phone 的联系电话“0755-12345678”的号码“12345678”不存在：区号后面的号码以 2–9 开头，"
            "不以 0 或 1 开头，请核对后改正",
        ),
        (  # what was typed before what it names: a phone written wrong is said before a unit the ledger does not have
            ("add", "--type", "报修", "--unit", "9-9-909", "--category", "水电", "--desc", "漏水", "--phone", "110"),
            5,
            "错误：--phone 的联系电话“110”不是有效的手机号或固定电话",
        ),
    ],
)
def test_bad_commands_say_what_to_do(
    estate: Workspace, run_cli: Any, args: tuple[str, ...], code: int, message: str
) -> None:
    result = run_cli("workorder", *args)
    assert result.exit_code == code, result.output
    assert result.output.splitlines()[-1] == message
    assert _count(estate, "work_orders") == 0


def test_a_text_of_punctuation_alone_or_a_name_without_a_letter_is_refused(estate: Workspace, run_cli: Any) -> None:
    # ",," for the complaint, "。" for who reported it, the worker or the result: the order, its list and the
    # monthly report would show them as if they said something.
    add = ("workorder", "add", "--type", "报修", "--category", "水电", "--at", "2026-11-30 09:00")
    for args, message in (
        (
            ("--unit", "1-1-101", "--desc", ",,"),
            "错误：工单内容不能只有标点：请用 --desc 写明报修或投诉的事情，例如 --desc 厨房水管漏水",
        ),
        (("--place", "——", "--desc", "漏水"), "错误：地点不能只有标点：请用 --place 写明地点，例如 --place 3栋大堂"),
        (
            ("--unit", "1-1-101", "--desc", "漏水", "--reported-by", "。"),
            "错误：报修人“。”没有汉字或字母，不是姓名：请用 --reported-by 写报修人或投诉人的姓名，不知道的不写",
        ),
    ):
        refused = run_cli(*add, *args)
        assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (5, "", message)
    assert _count(estate, "work_orders") == 0
    assert run_cli(*add, "--unit", "1-1-101", "--desc", "漏水", "--reported-by", "张伟").exit_code == 0
    journalled = _count(estate, "journal")
    to = run_cli("workorder", "assign", "GD2026-000001", "--to", ",,", "--at", "2026-11-30 09:30")
    assert (to.exit_code, to.stderr.strip()) == (
        5,
        "错误：派工对象“,,”没有汉字或字母，不是姓名：请用 --to 写明派给谁（维修工或负责人姓名）",
    )
    assert run_cli("workorder", "assign", "GD2026-000001", "--to", "王师傅", "--at", "2026-11-30 09:30").exit_code == 0
    result = run_cli("workorder", "close", "GD2026-000001", "--result", "。", "--at", "2026-11-30 10:00")
    assert (result.exit_code, result.stderr.strip()) == (
        5,
        "错误：处理结果不能只有标点：请用 --result 写明处理结果，例如 --result 已更换水龙头",
    )
    assert _count(estate, "journal") == journalled + 1  # the assignment only
    [order] = json.loads(run_cli("workorder", "list", "--json").stdout)
    assert (order["status"], order["assignee"], order["result"]) == ("处理中", "王师傅", None)


def test_a_latin_worker_is_quoted_where_the_assignment_note_names_him(estate: Workspace, run_cli: Any) -> None:
    """assign said 已派给 Wang Wu（…）, 已改派给 Tran Van Nam（…）, 没有改动：… 已派给 Tran Van Nam（…）: a Latin name ran
    into the Chinese words; it is quoted (core.personal.named_in_sentence), as the counter's sentences quote names."""
    add = ("workorder", "add", "--type", "报修", "--category", "水电", "--unit", "1-1-101", "--desc", "漏水")
    assert run_cli(*add, "--at", "2026-10-03 09:15").exit_code == 0
    assign = ("workorder", "assign", "GD2026-000001", "--to")
    first = run_cli(*assign, "Wang Wu", "--at", "2026-10-03 10:00")
    assert (first.exit_code, lines(first)) == (0, ["工单 GD2026-000001 已派给“Wang Wu”（2026-10-03 10:00）"])
    handed = run_cli(*assign, "Tran Van Nam", "--at", "2026-10-03 15:00")
    assert (handed.exit_code, lines(handed)) == (
        0,
        ["工单 GD2026-000001 已改派给“Tran Van Nam”（2026-10-03 15:00；首次派工 2026-10-03 10:00 不变）"],
    )
    same = run_cli(*assign, "Tran Van Nam", "--at", "2026-10-03 16:00")
    assert (same.exit_code, lines(same)) == (
        0,
        ["没有改动：工单 GD2026-000001 已派给“Tran Van Nam”（首次派工 2026-10-03 10:00）"],
    )


def test_a_reporter_or_worker_typed_with_blanks_is_kept_with_one(estate: Workspace, run_cli: Any) -> None:
    # --reported-by "Li  Si" was kept with both blanks (only a receipt's payer was cleaned): now one rule for both
    add = ("workorder", "add", "--type", "报修", "--category", "水电", "--unit", "1-1-101", "--desc", "漏水")
    added = run_cli(*add, "--reported-by", " Li\u3000 Si ", "--at", "2026-10-03 09:15")
    assert added.exit_code == 0, added.output
    assigned = run_cli("workorder", "assign", "GD2026-1", "--to", "Wang   Wu", "--at", "2026-10-03 10:00")
    assert lines(assigned) == ["工单 GD2026-000001 已派给“Wang Wu”（2026-10-03 10:00）"]
    [order] = json.loads(run_cli("workorder", "list", "--json").stdout)
    assert (order["reported_by"], order["assignee"]) == ("Li Si", "Wang Wu")


def test_state_errors_are_conflicts(estate: Workspace, run_cli: Any) -> None:
    run_cli(
        "workorder",
        "add",
        "--type",
        "投诉",
        "--place",
        "1栋大堂",
        "--category",
        "卫生",
        "--desc",
        "地面脏",
        "--at",
        "2026-10-03 09:15",
    )
    result = run_cli("workorder", "visit", "GD2026-000001", "--satisfaction", "满意")
    assert (result.exit_code, lines(result)[-1]) == (
        8,
        "错误：工单 GD2026-000001 尚未完成（现为待派工），不能回访：完成后再回访",
    )
    result = run_cli("workorder", "close", "GD2026-000001", "--result", "已清扫")
    assert (result.exit_code, lines(result)[-1]) == (
        8,
        "错误：工单 GD2026-000001 尚未派工，不能完工：请先运行 recordkit workorder assign GD2026-000001 --to 维修工姓名",
    )


def test_list_overdue_and_json(estate: Workspace, run_cli: Any) -> None:
    for args in (
        ("--type", "投诉", "--unit", "1-1-102", "--category", "噪音", "--desc", "夜间装修", "--at", "2026-10-05 22:00"),
        ("--type", "投诉", "--unit", "1-1-102", "--category", "噪音", "--desc", "又在装修", "--at", "2026-10-20 21:00"),
        (
            "--type",
            "报修",
            "--unit",
            "1-1-101",
            "--category",
            "门窗",
            "--desc",
            "门锁坏",
            "--phone",
            "13812345678",
            "--at",
            "2026-10-31 09:00",
        ),
    ):
        assert run_cli("workorder", "add", *args).exit_code == 0
    repeat = run_cli("workorder", "show", "GD2026-000002")
    assert "重复投诉：是（前次 GD2026-000001）" in lines(repeat)
    # A complaint is labelled as one, never 报修时间 / 报修人.
    assert "投诉时间：2026-10-20 21:00（测试员 登记）" in lines(repeat)
    assert not any(line.startswith("报修") for line in lines(repeat))
    overdue = run_cli("workorder", "list", "--overdue", "--as-of", "2026-10-31 18:00", "--wide")
    assert overdue.exit_code == 0
    assert "超时工单 2 张（截至 2026-10-31 18:00）" in overdue.output
    rows = [line for line in lines(overdue) if line.startswith("│ GD")]
    assert [row.split("│")[1].strip() for row in rows] == ["GD2026-000001", "GD2026-000002"]
    assert "派工超时、完成超时" in rows[0] and rows[1].rstrip("│ ").endswith("重复")
    listed = json.loads(run_cli("workorder", "list", "--as-of", "2026-10-31 18:00", "--json").output)
    assert [(o["number"], o["overdue"], o["repeat"], o["phone"]) for o in listed] == [
        ("GD2026-000001", ["派工超时", "完成超时"], False, None),
        ("GD2026-000002", ["派工超时", "完成超时"], True, None),
        ("GD2026-000003", [], False, "138****5678"),
    ]
    private = json.loads(run_cli("workorder", "list", "--unit", "1-1-101", "--json", "--show-private").output)
    assert [o["phone"] for o in private] == ["13812345678"]


@pytest.mark.parametrize("overdue", [False, True])
def test_list_as_of_a_moment_leaves_out_the_orders_reported_after_it(
    estate: Workspace, run_cli: Any, overdue: bool
) -> None:
    """``workorder list --as-of 2026-10-10`` listed the orders reported after that day too (工单 3 张), their 时限
    judged at a moment before they existed; only ``--overdue`` left them out.  With or without it, an order reported
    after the moment is not listed, in the table as in ``--json``."""
    for desc, at in (("漏水", "2026-10-01 09:00"), ("门锁坏", "2026-10-05 09:00"), ("灯不亮", "2026-10-10 00:01")):
        add = ("workorder", "add", "--type", "报修", "--unit", "1-1-101", "--category", "水电", "--desc", desc)
        assert run_cli(*add, "--at", at).exit_code == 0
    # None was dispatched: the first two are late by 2026-10-10, the third, reported at 00:01, is not yet late then.
    cases = [
        ("2026-10-10 00:00", ["GD2026-000001", "GD2026-000002"]),
        ("2026-10-05 08:59", ["GD2026-000001"]),
        ("2026-10-01 08:59", []),
    ]
    if not overdue:
        cases.append(("2026-10-10 00:01", ["GD2026-000001", "GD2026-000002", "GD2026-000003"]))
    only = ("--overdue",) if overdue else ()
    for as_of, wanted in cases:
        table = run_cli("workorder", "list", *only, "--as-of", as_of)
        assert table.exit_code == 0, table.output
        assert [row.split("│")[1].strip() for row in lines(table) if row.startswith("│ GD")] == wanted, as_of
        # The title says the moment, with or without --overdue: a printed list as of a day is not today's.
        assert lines(table)[0].strip() == f"{'超时工单' if overdue else '工单'} {len(wanted)} 张（截至 {as_of}）"
        listed = run_cli("workorder", "list", *only, "--as-of", as_of, "--json")
        assert [order["number"] for order in json.loads(listed.stdout)] == wanted, as_of


# -- the logbook import ---------------------------------------------------------------------------------


def test_import_the_logbook(estate: Workspace, run_cli: Any, tmp_path: Path) -> None:
    book = write_logbook(tmp_path / "工单登记簿.xlsx")
    result = run_cli("workorder", "import", str(book))
    assert result.exit_code == 0, result.output
    assert lines(result) == ["已导入工单 3 张（报修 2 张，投诉 1 张），编号 GD2026-000001 至 GD2026-000003"]
    listed = json.loads(run_cli("workorder", "list", "--json", "--show-private", "--as-of", "2026-09-30 18:00").output)
    assert [(o["number"], o["unit"], o["place"], o["status"], o["satisfaction"], o["overdue"]) for o in listed] == [
        ("GD2026-000001", "1-1-101", None, "已回访", "满意", []),
        ("GD2026-000002", "3-2-1201", None, "已回访", "基本满意", []),
        ("GD2026-000003", None, "3栋大堂", "处理中", None, ["完成超时"]),
    ]
    assert listed[1]["opened_at"] == "2026-09-10 22:15" and listed[0]["phone"] == "13812345678"
    assert listed[0]["visit_notes"] == "业主表示满意"
    # A second import of the same book is refused, row by row; nothing doubles.
    again = run_cli("workorder", "import", str(book))
    assert again.exit_code == 5
    assert (
        "  第 3 行：与已登记的工单 GD2026-000001 相同（这一行已经导入过；只导入新增的工单请加 --skip-known）"
        in lines(again)
    )
    assert _count(estate, "work_orders") == 3


def test_a_logbooks_footer_ends_its_orders_and_is_named(estate: Workspace, run_cli: Any, tmp_path: Path) -> None:
    # A real export's footer (制表人：李文    审核：王经理, 备注：…) was read as an order and refused, nothing imported
    footer = [
        ["制表人：李文    审核：王经理"],
        ["备注：本表由客服中心导出"],
        ["填表人：张敏"],
        ["注意：以上为九月工单"],
    ]
    book = write_logbook(tmp_path / "工单登记簿.xlsx", [*LOGBOOK_ROWS, *footer])
    result = run_cli("workorder", "import", str(book))
    assert result.exit_code == 0, result.output
    assert lines(result) == [
        "已导入工单 3 张（报修 2 张，投诉 1 张），编号 GD2026-000001 至 GD2026-000003",
        "提醒：第 6、7、8、9 行是表尾（制表人、审核、备注、说明等），不是工单，没有导入",
    ]
    assert _count(estate, "work_orders") == 3


def test_a_footer_line_between_orders_is_refused_by_row_and_column(
    estate: Workspace, run_cli: Any, tmp_path: Path
) -> None:
    rows = [LOGBOOK_ROWS[0], ["备注：以下为补录"], *LOGBOOK_ROWS[1:]]
    result = run_cli("workorder", "import", str(write_logbook(tmp_path / "工单登记簿.xlsx", rows)))
    assert (result.exit_code, result.stdout) == (5, "")
    assert result.stderr.splitlines() == [
        "错误：工单登记簿.xlsx 有 1 处错误，没有导入任何工单",
        f"  第 4 行 A 列（{LOGBOOK_HEADERS[0]}）：“备注：以下为补录”是表尾的说明行，但它下面还有工单行（第 6 行）："
        "请删去这一行，或把它移到最后一行工单的下面",
    ]
    assert _count(estate, "work_orders") == 0


def test_a_bad_logbook_names_every_bad_cell_and_imports_nothing(
    estate: Workspace, run_cli: Any, tmp_path: Path
) -> None:
    journal_before = _count(estate, "journal")
    result = run_cli(
        "workorder", "import", str(write_logbook(tmp_path / "坏.xlsx", [*LOGBOOK_ROWS, *BAD_LOGBOOK_ROWS]))
    )
    assert result.exit_code == 5
    assert lines(result) == [
        "错误：坏.xlsx 有 3 处错误，没有导入任何工单",
        "  第 6 行 A 列（类型）：工单类型“维修”无效，应为 报修、投诉 之一",
        "  第 7 行 B 列（房号）：台账中没有房屋 9-9-909，公共区域请把房号留空，写在“地点”列",
        "  第 8 行 K 列（完成时间）：完成时间 2026-09-04 12:00 早于派工时间 2026-09-05 10:30",
    ]
    assert _count(estate, "work_orders") == 0 and _count(estate, "journal") == journal_before


def test_logbook_cell_checks(tmp_path: Path) -> None:
    bad = [
        [
            "报修",
            None,
            None,
            "水电",
            "漏水",
            None,
            "12345",
            "2026-09-02 08:30",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ],
        ["投诉", "1-1-101", None, None, None, None, None, None, None, None, None, None, None, None, None],
        [
            "报修",
            "1-1-101",
            None,
            "水电",
            "漏水",
            None,
            None,
            "2026-09-02 08:30",
            "刘师傅",
            None,
            "2026-09-02 09:00",
            None,
            None,
            "很好",
            None,
        ],
        [
            "报修",
            "1-1-101",
            None,
            "水电",
            "漏水",
            None,
            None,
            "2030-01-01 08:30",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ],
    ]
    with pytest.raises(ValidationError) as caught:
        workorder_logbook.read_logbook(write_logbook(tmp_path / "坏.xlsx", bad), now=NOW)
    assert [str(p) for p in caught.value.problems] == [
        "第 3 行 B 列（房号）：房号和地点都没有填写：公共区域请写地点，例如 3栋大堂",
        "第 3 行 G 列（电话）：联系电话“12345”不是有效的手机号或固定电话",
        "第 4 行 D 列（类别）：类别不能为空",
        "第 4 行 E 列（内容）：内容不能为空",
        "第 4 行 H 列（报修时间）：报修时间不能为空",
        "第 5 行 N 列（满意度）：满意度“很好”无效，应为 满意、基本满意、不满意 之一",
        "第 6 行 H 列（报修时间）：报修时间 2030-01-01 08:30 晚于现在",
    ]


def test_a_big_logbook_reports_progress(estate: Workspace, tmp_path: Path) -> None:
    rows = [
        [
            "报修",
            "1-1-101",
            None,
            "水电",
            f"第 {i} 次漏水",
            None,
            None,
            dt.datetime(2026, 1, 1) + dt.timedelta(hours=i),
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ]
        for i in range(2500)
    ]
    seen: list[tuple[int, int | None]] = []
    with open_ledger(estate.database_url) as ledger:
        summary = workorder_logbook.import_logbook(
            ledger,
            WorkOrderSettings(),
            "测试员",
            write_logbook(tmp_path / "大.xlsx", rows),
            progress=lambda done, total: seen.append((done, total)),
            now=NOW,
        )
    assert summary.count == 2500 and summary.numbers[-1] == "GD2026-002500"
    assert seen and all(total == 2500 for _, total in seen)


def test_a_pasted_escape_sequence_or_right_to_left_override_is_refused_in_every_typed_text(
    estate: Workspace, run_cli: Any
) -> None:
    # Pasted from a chat or a web page: an ESC sequence would repaint the clerk's terminal when the order is shown,
    # a NUL is refused by PostgreSQL as a database error, a right-to-left override turns the text around.
    add = ("workorder", "add", "--type", "报修", "--unit", "1-1-101", "--category", "水电", "--at", "2026-10-03 09:15")
    journal_before = _count(estate, "journal")
    for extra, message in (
        (("--desc", "厨房\x1b[2J\x1b[31m漏水"), "错误：内容有控制字符或不可见的格式字符（U+001B），"),
        (("--desc", "厨房\x00漏水"), "错误：内容有控制字符或不可见的格式字符（U+0000），"),
        (("--desc", "漏水", "--reported-by", "张伟\u202e"), "错误：报修人有控制字符或不可见的格式字符（U+202E），"),
        (("--desc", "漏水", "--place", "3栋\u200b大堂"), "错误：地点有控制字符或不可见的格式字符（U+200B），"),
    ):
        refused = run_cli(*add, *extra)
        assert (refused.exit_code, refused.stdout) == (5, "")
        assert refused.stderr.strip() == message + "多半是从聊天记录或网页复制来的：请删掉后重新输入"
    assert _count(estate, "work_orders") == 0 and _count(estate, "journal") == journal_before

    assert run_cli(*add, "--desc", "厨房漏水\n水槽下面").exit_code == 0  # a line break is the text's own
    for args, what in (
        (("assign", "GD2026-1", "--to", "王师傅\x1b[0m", "--at", "2026-10-03 10:00"), "派工对象"),
        (("close", "GD2026-1", "--result", "已更换\u202e角阀", "--at", "2026-10-03 11:00"), "处理结果"),
    ):
        refused = run_cli("workorder", *args)
        assert (refused.exit_code, refused.stderr.split("有控制字符")[0]) == (5, f"错误：{what}")
    shown = json.loads(run_cli("workorder", "show", "GD2026-1", "--json").stdout)
    assert (shown["status"], shown["description"]) == ("待派工", "厨房漏水\n水槽下面")
    assert run_cli("workorder", "assign", "GD2026-1", "--to", "王师傅", "--at", "2026-10-03 10:00").exit_code == 0
    assert (
        run_cli("workorder", "close", "GD2026-1", "--result", "已更换角阀", "--at", "2026-10-03 11:00").exit_code == 0
    )
    refused = run_cli("workorder", "visit", "GD2026-1", "--satisfaction", "满意", "--notes", "很好\x07")
    assert (refused.exit_code, refused.stderr.split("有控制字符")[0]) == (5, "错误：回访意见")


def test_visit_notes_of_punctuation_alone_are_refused_and_nothing_is_recorded(estate: Workspace, run_cli: Any) -> None:
    """``workorder visit --notes ——`` was kept: —— stood as the owner's words on the order.  Refused as a reason of
    punctuation alone is (``reason_problem``); the order stays finished, not visited, and the journal unchanged."""
    add = ("workorder", "add", "--type", "报修", "--category", "水电", "--unit", "1-1-101", "--desc", "漏水")
    assert run_cli(*add, "--at", "2026-11-30 09:00").exit_code == 0
    assert run_cli("workorder", "assign", "GD2026-1", "--to", "王师傅", "--at", "2026-11-30 09:30").exit_code == 0
    assert run_cli("workorder", "close", "GD2026-1", "--result", "已修好", "--at", "2026-11-30 10:00").exit_code == 0
    journalled = _count(estate, "journal")
    for notes in ("——", ",,", "。"):
        refused = run_cli("workorder", "visit", "GD2026-1", "--satisfaction", "满意", "--notes", notes)
        assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (
            5,
            "",
            "错误：回访意见不能只有标点：请在 --notes 后用文字写明回访意见",
        )
    assert _count(estate, "journal") == journalled
    shown = json.loads(run_cli("workorder", "show", "GD2026-1", "--json").stdout)
    assert shown["status"] == "已完成"
    assert (
        run_cli("workorder", "visit", "GD2026-1", "--satisfaction", "满意", "--notes", "业主表示已不漏").exit_code == 0
    )


def test_a_logbook_cell_with_a_right_to_left_override_is_named_and_nothing_imported(
    estate: Workspace, run_cli: Any, tmp_path: Path
) -> None:
    rows = [list(row) for row in LOGBOOK_ROWS]
    rows[1][4] = "电梯\u202e异响"  # 内容, the logbook's second order (sheet row 4)
    result = run_cli("workorder", "import", str(write_logbook(tmp_path / "登记簿.xlsx", rows)))
    assert (result.exit_code, lines(result)) == (
        5,
        [
            "错误：登记簿.xlsx 有 1 处错误，没有导入任何工单",
            "  第 4 行 E 列（内容）：内容有控制字符或不可见的格式字符（U+202E），"
            "多半是从聊天记录或网页复制来的：请删掉后重新输入",
        ],
    )
    assert _count(estate, "work_orders") == 0


def test_a_moment_or_month_still_to_come_is_refused_not_listed_as_fact(estate: Workspace, run_cli: Any) -> None:
    """`workorder list --overdue --as-of 2027-…` (a year typed one too many) listed every open order as 超时工单 then,
    and `list --month` of a month not begun said 工单 0 张, exit 0 both: as `fees arrears --as-of` and
    `fees register --month`, a day after today and a month to come are refused (exit 5), nothing listed."""
    add = ("workorder", "add", "--type", "报修", "--unit", "1-1-101", "--category", "水电", "--desc", "漏水")
    assert run_cli(*add, "--at", "2026-10-03 09:15").exit_code == 0
    today = dt.date.today()
    tomorrow = today + dt.timedelta(days=1)
    next_month = dt.date(today.year + today.month // 12, today.month % 12 + 1, 1)
    for args in (
        ("list", "--overdue", "--as-of", f"{tomorrow.isoformat()} 09:00"),
        ("list", "--as-of", tomorrow.isoformat(), "--json"),
        ("show", "GD2026-1", "--as-of", f"{tomorrow.isoformat()} 09:00"),
    ):
        refused = run_cli("workorder", *args)
        assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (
            5,
            "",
            f"错误：--as-of 的日期 {tomorrow.isoformat()} 晚于今天（{today.isoformat()}）："
            "只能按今天或以前的时刻判断工单是否超时",
        )
    refused = run_cli("workorder", "list", "--month", next_month.strftime("%Y-%m"))
    assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (
        5,
        "",
        f"错误：月份 {next_month.strftime('%Y-%m')} 还没有到：只能列出 {today.strftime('%Y-%m')} 及以前月份的工单",
    )
    # A month of a year outside the books (1999 for 2019) holds no order either: refused as a month to come is.
    refused = run_cli("workorder", "list", "--month", "1999-01")
    assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (
        5,
        "",
        "错误：工单月份 1999-01 不在 2000–2099 年之间：请检查年份",
    )
    # Today and this month are still asked about.
    assert run_cli("workorder", "list", "--overdue", "--as-of", today.isoformat()).exit_code == 0
    assert run_cli("workorder", "list", "--month", today.strftime("%Y-%m")).exit_code == 0


def test_an_as_of_moment_before_the_month_listed_is_refused_not_listed_as_none(estate: Workspace, run_cli: Any) -> None:
    """``workorder list --month 2026-11 --as-of 2026-10-31`` said 工单 0 张, exit 0, though November has orders: at the
    end of October none of them existed, so the answer read as a fact was no answer.  A moment before the month's first
    day is refused (exit 2) naming both, nothing listed; a moment inside the month still lists what existed by then."""
    add = ("workorder", "add", "--type", "报修", "--unit", "1-1-101", "--category", "水电", "--desc", "漏水")
    assert run_cli(*add, "--at", "2026-11-03 09:15").exit_code == 0
    assert run_cli(*add, "--at", "2026-11-20 09:15").exit_code == 0
    for as_of, shown in (("2026-10-31", "2026-10-31 当天结束"), ("2026-10-31 23:59", "2026-10-31 23:59")):
        for extra in ((), ("--json",), ("--overdue", "--open")):
            refused = run_cli("workorder", "list", "--month", "2026-11", "--as-of", as_of, *extra)
            assert (refused.exit_code, refused.stdout, refused.stderr) == (
                2,
                "",
                f"错误：--as-of {shown} 早于 --month 2026-11 的第一天（2026-11-01）：那时这个月还没有工单；"
                "请写 2026-11-01 以后的时刻，或不加 --as-of\n",
            ), (as_of, extra)
    inside = json.loads(run_cli("workorder", "list", "--month", "2026-11", "--as-of", "2026-11-10", "--json").stdout)
    assert [order["number"] for order in inside] == ["GD2026-000001"]
    at_first_minute = run_cli("workorder", "list", "--month", "2026-11", "--as-of", "2026-11-01 00:00", "--json")
    assert (at_first_minute.exit_code, json.loads(at_first_minute.stdout)) == (0, [])


def test_a_name_or_place_longer_than_the_ledger_keeps_is_refused_in_chinese(estate: Workspace, run_cli: Any) -> None:
    """A 报修人 or 派工对象 over 64 characters (a pasted paragraph), a 地点 over 128: SQLite kept it, PostgreSQL refused
    it as a database error (exit 7) — the same order, another answer by ledger.  Both refuse it in words (exit 5)."""
    add = ("workorder", "add", "--type", "报修", "--unit", "1-1-101", "--category", "水电", "--at", "2026-10-03 09:15")
    journal_before = _count(estate, "journal")
    for extra, message in (
        (("--desc", "漏水", "--reported-by", "张" * 65), "错误：报修人太长（65 个字）：最多 64 个字"),
        (("--desc", "漏水", "--place", "大" * 129), "错误：地点太长（129 个字）：最多 128 个字"),
    ):
        refused = run_cli(*add, *extra)
        assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (5, "", message)
    assert _count(estate, "work_orders") == 0 and _count(estate, "journal") == journal_before

    # The longest the ledger keeps are taken.
    assert run_cli(*add, "--desc", "漏水", "--reported-by", "张" * 64, "--place", "大" * 128).exit_code == 0
    refused = run_cli("workorder", "assign", "GD2026-1", "--to", "王" * 65, "--at", "2026-10-03 10:00")
    assert (refused.exit_code, refused.stderr.strip()) == (5, "错误：派工对象太长（65 个字）：最多 64 个字")
    shown = json.loads(run_cli("workorder", "show", "GD2026-1", "--json").stdout)
    assert (shown["status"], shown["assignee"], shown["reported_by"]) == ("待派工", None, "张" * 64)


def test_a_logbook_name_longer_than_the_ledger_keeps_is_named_and_nothing_imported(
    estate: Workspace, run_cli: Any, tmp_path: Path
) -> None:
    rows = [list(row) for row in LOGBOOK_ROWS]
    rows[0][5] = "张" * 70  # 报修人, the logbook's first order (sheet row 3)
    rows[1][8] = "秩序部" * 30  # 派工, its second (row 4): 90 characters
    result = run_cli("workorder", "import", str(write_logbook(tmp_path / "登记簿.xlsx", rows)))
    assert (result.exit_code, lines(result)) == (
        5,
        [
            "错误：登记簿.xlsx 有 2 处错误，没有导入任何工单",
            "  第 3 行 F 列（报修人）：报修人太长（70 个字）：最多 64 个字",
            "  第 4 行 I 列（派工）：派工对象太长（90 个字）：最多 64 个字",
        ],
    )
    assert _count(estate, "work_orders") == 0


def test_a_logbook_row_dated_outside_the_books_years_is_named_and_nothing_imported(
    estate: Workspace, run_cli: Any, tmp_path: Path
) -> None:
    """The logbook keeps to the same years as ``workorder add`` (and money): a year typed 1926 for 2026 would
    number the order GD1926-000001; an office whose books start in 2026 refuses a 2025 row."""
    rows = [list(row) for row in LOGBOOK_ROWS]
    rows[0][7] = "1926-09-02 08:30"  # 报修时间 of the first order (sheet row 3)
    journal_before = _count(estate, "journal")
    result = run_cli("workorder", "import", str(write_logbook(tmp_path / "登记簿.xlsx", rows)))
    assert (result.exit_code, lines(result)) == (
        5,
        [
            "错误：登记簿.xlsx 有 1 处错误，没有导入任何工单",
            "  第 3 行 H 列（报修时间）：报修时间 1926-09-02 不在 2000–2099 年之间：请检查年份",
        ],
    )
    assert _count(estate, "work_orders") == 0 and _count(estate, "journal") == journal_before

    rows[0][7] = "2025-12-31 08:30"
    result = run_cli(
        "workorder",
        "import",
        str(write_logbook(tmp_path / "登记簿2.xlsx", rows)),
        env={"RECORDKIT_RECEIPT_FIRST_YEAR": "2026"},
    )
    assert (result.exit_code, lines(result)[1:]) == (
        5,
        ["  第 3 行 H 列（报修时间）：报修时间 2025-12-31 不在 2026–2099 年之间：请检查年份"],
    )
    assert _count(estate, "work_orders") == 0


def test_a_phone_or_id_number_written_inside_a_work_orders_texts_is_masked_unless_asked_for(
    estate: Workspace, run_cli: Any
) -> None:
    """Clerks write the caller's number into the description (“业主电话 13912345678”), the reporter column or
    the visit notes; like the 电话 field it is personal data, shown whole only with --show-private."""
    added = run_cli(
        "workorder", "add", "--type", "报修", "--unit", "1-1-101", "--category", "水电",
        "--desc", "厨房漏水，业主电话13912345678，身份证110101199003071233", "--reported-by", "张伟 13812345678",
        "--place", "卫生间（租户 13987654321）", "--at", "2026-10-03 09:15",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    for step in (
        ("assign", "GD2026-1", "--to", "刘师傅", "--at", "2026-10-03 09:30"),
        ("close", "GD2026-1", "--result", "已修好，请回电 025-84561234", "--at", "2026-10-03 11:00"),
        ("visit", "GD2026-1", "--satisfaction", "满意", "--notes", "家属 139 8765 4321 接的电话", "--at", "2026-10-04 10:00"),
    ):  # fmt: skip
        assert run_cli("workorder", *step).exit_code == 0

    masked = {
        "description": "厨房漏水，业主电话139****5678，身份证110101********1233",
        "reported_by": "张伟 138****5678",
        "place": "卫生间（租户 139****4321）",
        "result": "已修好，请回电 025-****1234",
        "visit_notes": "家属 139 **** 4321 接的电话",
    }
    shown = json.loads(run_cli("workorder", "show", "GD2026-1", "--json").stdout)
    assert {key: shown[key] for key in masked} == masked
    [listed] = json.loads(run_cli("workorder", "list", "--json").stdout)
    assert {key: listed[key] for key in masked} == masked
    table = run_cli("workorder", "list", "--wide").stdout
    assert "139****5678" in table and "138****5678" in table and "13912345678" not in table
    show = run_cli("workorder", "show", "GD2026-1").stdout
    assert "内容：厨房漏水，业主电话139****5678，身份证110101********1233" in show
    assert "完成：2026-10-03 11:00：已修好，请回电 025-****1234" in show
    assert "回访：2026-10-04 10:00：满意，家属 139 **** 4321 接的电话" in show
    assert "13912345678" not in show and "84561234" not in show and "8765" not in show

    private = json.loads(run_cli("workorder", "show", "GD2026-1", "--json", "--show-private").stdout)
    assert (private["description"], private["visit_notes"]) == (
        "厨房漏水，业主电话13912345678，身份证110101199003071233",
        "家属 139 8765 4321 接的电话",
    )
    assert "业主电话13912345678" in run_cli("workorder", "list", "--show-private").stdout


def test_a_logbook_whose_times_are_excels_day_numbers_is_read_to_the_minute(
    estate: Workspace, run_cli: Any, tmp_path: Path
) -> None:
    """A time column another system exported, or one whose date format was lost, holds Excel's day count with the
    time of day as its fraction (the README: 报修时间 may be written in Excel's date-time form)."""
    rows = [list(row) for row in LOGBOOK_ROWS[:1]]
    # 2026-09-02 08:30, 09:30 and 11:00 as Excel stores them (openpyxl's from_excel reads them so); the visit as
    # the eight digits of a day in a number cell: a day alone, shown as the day.
    rows[0][7:11] = [46267.3541666667, "刘师傅", 46267.3958333333, 46267.4583333333]
    rows[0][12] = 20260903.0
    result = run_cli("workorder", "import", str(write_logbook(tmp_path / "导出.xlsx", rows)))
    assert result.exit_code == 0, result.output
    [order] = json.loads(run_cli("workorder", "list", "--json").stdout)
    assert [order[key] for key in ("opened_at", "assigned_at", "closed_at", "visited_at")] == [
        "2026-09-02 08:30",
        "2026-09-02 09:30",
        "2026-09-02 11:00",
        "2026-09-03",
    ]

    rows[0][7] = 123.5  # a number that is no day of the books
    refused = run_cli("workorder", "import", str(write_logbook(tmp_path / "坏.xlsx", rows)))
    assert (refused.exit_code, lines(refused)[1:]) == (
        5,
        ["  第 3 行 H 列（报修时间）：报修时间“123.5”无法识别，应写成 2026-12-05 09:15 这样的日期和时刻"],
    )


def test_a_logbook_reads_its_units_with_the_estates_phases(run_cli: Any, workspace: Workspace, tmp_path: Path) -> None:
    """In an estate of named phases the logbook's 房号 is read as --unit reads it: 香榭B-1-2004 is 香榭丽舍·B-1-2004,
    二期B栋1单元2004室 is 巴塞罗纳·B-1-2004 (README: every command that takes a unit reads the phases)."""
    import_two_phases(run_cli, workspace)
    rows = [list(row) for row in LOGBOOK_ROWS[:2]]
    rows[0][1], rows[1][1] = "香榭B-1-2004", "二期B栋1单元2004室"
    result = run_cli("workorder", "import", str(write_logbook(tmp_path / "登记簿.xlsx", rows)))
    assert result.exit_code == 0, result.output
    listed = json.loads(run_cli("workorder", "list", "--json").stdout)
    assert [(o["unit"], o["description"]) for o in listed] == [
        ("香榭丽舍·B-1-2004", "卫生间下水堵塞"),
        ("巴塞罗纳·B-1-2004", "楼下商铺夜间施工"),
    ]


@pytest.mark.parametrize(
    ("prefix", "short", "number"), [("gd", "GD2026-1", "gd2026-000001"), ("报修-", "报修-2026-1", "报修-2026-000001")]
)
def test_an_order_numbered_with_the_offices_own_prefix_is_found_by_its_number(
    estate: Workspace, run_cli: Any, prefix: str, short: str, number: str
) -> None:
    """``[workorders] prefix`` written in lower case, or with a dash: add printed 没有编号为 GD2026-000001 的工单
    (exit 6) after making the order, and the number as typed, short or whole, found nothing."""
    env = {"RECORDKIT_WORKORDERS_PREFIX": prefix}
    add = ("workorder", "add", "--type", "报修", "--unit", "1-1-101", "--category", "水电", "--desc", "漏水")
    added = run_cli(*add, "--at", "2026-10-03 09:15", env=env)
    assert (added.exit_code, lines(added)[0]) == (
        0,
        f"已登记工单 {number}：报修 · 水电，1-1-101，报修时间 2026-10-03 09:15",
    )
    assigned = run_cli("workorder", "assign", short, "--to", "刘师傅", "--at", "2026-10-03 09:30", env=env)
    assert (assigned.exit_code, lines(assigned)) == (0, [f"工单 {number} 已派给“刘师傅”（2026-10-03 09:30）"])
    shown = json.loads(run_cli("workorder", "show", number, "--json", env=env).stdout)
    assert (shown["number"], shown["assignee"]) == (number, "刘师傅")
    other = run_cli("workorder", "show", "XX2026-1", env=env)
    assert (other.exit_code, other.stderr.strip()) == (
        6,
        "错误：没有编号为 XX2026-1 的工单：请用 recordkit workorder list 查看",
    )


@pytest.mark.parametrize("prefix", ["GD", "gd"])
def test_journal_list_finds_an_order_by_every_number_the_commands_take(
    estate: Workspace, run_cli: Any, prefix: str
) -> None:
    """``journal list --key GD2025-1`` (the number as the clerk says it) found nothing while ``workorder show
    GD2025-1`` found the order: its history is listed by every spelling the work-order commands take."""
    env = {"RECORDKIT_WORKORDERS_PREFIX": prefix}
    add = ("workorder", "add", "--type", "报修", "--unit", "1-1-101", "--category", "水电", "--desc", "漏水")
    assert run_cli(*add, "--at", "2025-12-08 09:15", env=env)  # within a year of the suite's today.exit_code == 0
    assert (
        run_cli("workorder", "assign", "GD2025-1", "--to", "刘师傅", "--at", "2025-12-08 09:30", env=env).exit_code == 0
    )

    def history(key: str) -> list[tuple[str, str]]:
        listed = run_cli("journal", "list", "--key", key, "--json", env=env)
        assert listed.exit_code == 0, listed.output
        return [(entry["action"], entry["key"]) for entry in json.loads(listed.stdout)]

    number = f"{prefix}2025-000001"
    printed = history(number)
    assert printed == [("workorder.assign", number), ("workorder.add", number)]
    for typed in ("GD2025-1", "gd2025-1", "ＧＤ２０２５－１", "GD2025—000001"):
        assert history(typed) == printed, typed
    for typed in ("GD2025-1abc", "GD2025-2", "GD2026-1", "SJ2025-1"):
        assert history(typed) == [], typed


@pytest.mark.parametrize(
    "args",
    [
        ("show", " "),
        ("show", ""),
        ("assign", "", "--to", "刘师傅"),
        ("close", "", "--result", "已修好"),
        ("visit", "", "--satisfaction", "满意"),
    ],
)
def test_a_blank_order_number_is_refused_as_a_blank_argument(
    estate: Workspace, run_cli: Any, args: tuple[str, ...]
) -> None:
    """``workorder show ""`` (a script's variable left unset) said 没有编号为  的工单 (a blank where the number
    should be, exit 6); it is refused as a blank argument is, exit 2, nothing written."""
    add = ("workorder", "add", "--type", "报修", "--unit", "1-1-101", "--category", "水电", "--desc", "漏水")
    assert run_cli(*add, "--at", "2026-10-03 09:15").exit_code == 0
    before = _count(estate, "journal")
    refused = run_cli("workorder", *args)
    assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (
        2,
        "",
        "错误：工单编号是空的：请写明工单编号，例如 GD2026-000123",
    )
    assert _count(estate, "journal") == before


def test_one_order_written_twice_in_a_logbook_is_named_and_nothing_imported(
    estate: Workspace, run_cli: Any, tmp_path: Path
) -> None:
    """Two months' sheets put together, or a row pasted twice: the same order (its unit spelled otherwise) would be
    imported twice and counted twice in the monthly report, though importing it a second time is refused."""
    again = list(LOGBOOK_ROWS[0])
    again[1], again[4] = "1栋1单元101室", "卫生间下水堵塞 "
    journal_before = _count(estate, "journal")
    result = run_cli("workorder", "import", str(write_logbook(tmp_path / "合并.xlsx", [*LOGBOOK_ROWS, again])))
    assert (result.exit_code, lines(result)) == (
        5,
        [
            "错误：合并.xlsx 有 1 处错误，没有导入任何工单",
            "  第 6 行：与第 3 行是同一张工单（报修时间、房号、类别和内容都相同）：请删去重复的一行",
        ],
    )
    assert _count(estate, "work_orders") == 0 and _count(estate, "journal") == journal_before
    # The same words at another time are another order.
    again[7:] = ["2026-09-20 08:30", *[None] * 7]
    assert (
        run_cli("workorder", "import", str(write_logbook(tmp_path / "两次.xlsx", [*LOGBOOK_ROWS, again]))).exit_code
        == 0
    )
    assert _count(estate, "work_orders") == 4


def test_a_logbooks_totals_row_is_left_out(estate: Workspace, run_cli: Any, tmp_path: Path) -> None:
    """A logbook kept by hand, or another system's export, ends with 合计 and the count (under a 序号 column no order
    needs): not an order with its type, category, content and time missing.  It is named in a 提醒 line, as the
    roster import names its own (it was left out without a word)."""
    rows = [[number, *row] for number, row in enumerate(LOGBOOK_ROWS, start=1)]
    rows.append(["合计", "3 件", *[None] * 14])
    book = write_sheet(tmp_path / "登记簿.xlsx", rows, headers=("序号", *LOGBOOK_HEADERS), title="工单登记簿")
    result = run_cli("workorder", "import", str(book))
    assert (result.exit_code, lines(result)) == (
        0,
        [
            "已导入工单 3 张（报修 2 张，投诉 1 张），编号 GD2026-000001 至 GD2026-000003",
            "提醒：第 6 行是合计/小计行，不是工单，没有导入",
        ],
    )
    # A row of 报修 or 投诉 is an order whatever another cell says.
    order = ["小计", "报修", "1-1-102", None, "门窗", "窗户关不上", *[None] * 2, "2026-09-20 08:30", *[None] * 7]
    book = write_sheet(tmp_path / "登记簿2.xlsx", [order], headers=("序号", *LOGBOOK_HEADERS))
    assert lines(run_cli("workorder", "import", str(book))) == [
        "已导入工单 1 张（报修 1 张，投诉 0 张），编号 GD2026-000004 至 GD2026-000004"
    ]


def test_the_time_limit_column_says_how_an_order_stood_at_the_moment_asked(estate: Workspace, run_cli: Any) -> None:
    """``--as-of`` judges lateness at that moment: an order dispatched late and finished in time since is listed by
    ``--overdue --as-of`` as late then, and its 时限 says 派工超时 there, not 按时完成 (what it says now)."""
    add = ("workorder", "add", "--type", "报修", "--unit", "1-1-101", "--category", "水电", "--desc", "漏水")
    assert run_cli(*add, "--at", "2026-10-03 09:00").exit_code == 0  # 水电: dispatch within 4 hours, finish within 24
    assert run_cli("workorder", "assign", "GD2026-1", "--to", "刘师傅", "--at", "2026-10-03 15:00").exit_code == 0
    assert run_cli("workorder", "close", "GD2026-1", "--result", "已修好", "--at", "2026-10-03 18:00").exit_code == 0

    listed = run_cli("workorder", "list", "--overdue", "--as-of", "2026-10-03 14:00")
    assert "超时工单 1 张（截至 2026-10-03 14:00）" in listed.stdout
    [row] = [line for line in lines(listed) if line.startswith("│ GD")]
    # As it stood then: not dispatched yet (待派工), not today's 已完成.
    assert [cell.strip() for cell in row.strip("│").split("│")][-2:] == ["待派工", "派工超时"]
    then = run_cli("workorder", "show", "GD2026-1", "--as-of", "2026-10-03 14:00")
    assert "时限：2026-10-03 13:00 前派工，2026-10-04 09:00 前完成；派工超时" in lines(then)
    before = run_cli("workorder", "show", "GD2026-1", "--as-of", "2026-10-03 12:00")
    assert "时限：2026-10-03 13:00 前派工，2026-10-04 09:00 前完成；未超时" in lines(before)
    now = run_cli("workorder", "show", "GD2026-1")
    assert "时限：2026-10-03 13:00 前派工，2026-10-04 09:00 前完成；按时完成" in lines(now)


def test_a_moment_before_the_order_was_reported_is_refused_not_judged(estate: Workspace, run_cli: Any) -> None:
    """``workorder show GD2026-1 --as-of`` a moment before the order was reported said 未超时, exit 0, as if the order
    had stood in time then: it did not exist.  The moment is refused (exit 5), naming the report time; the very
    minute it was reported is judged."""
    add = ("workorder", "add", "--type", "投诉", "--unit", "1-1-101", "--category", "噪音", "--desc", "夜间装修")
    assert run_cli(*add, "--at", "2026-10-03 09:00").exit_code == 0
    said = (
        "错误：--as-of 2026-10-03 08:59 早于工单 GD2026-000001 的投诉时间 2026-10-03 09:00："
        "那时还没有这张工单，请写投诉时间以后的时刻\n"
    )
    for extra in ((), ("--json",)):
        result = run_cli("workorder", "show", "GD2026-1", "--as-of", "2026-10-03 08:59", *extra)
        assert (result.exit_code, result.stdout, result.stderr) == (5, "", said), extra
    at_once = run_cli("workorder", "show", "GD2026-1", "--as-of", "2026-10-03 09:00")
    assert at_once.exit_code == 0
    assert [line for line in lines(at_once) if line.startswith("时限：")][0].endswith("；未超时")


def test_a_day_alone_as_of_is_the_end_of_that_day(estate: Workspace, run_cli: Any) -> None:
    """``workorder list --as-of 2026-10-10`` read the day as its first minute, 00:00: the orders reported during
    10-10 were left out and 时限 was judged at midnight.  A day alone is the end of that day, as ``fees arrears
    --as-of`` counts that day's payments; a moment with a time of day stays that moment."""
    add = ("workorder", "add", "--type", "报修", "--unit", "1-1-101", "--category", "水电")
    assert run_cli(*add, "--desc", "漏水", "--at", "2026-10-09 09:00").exit_code == 0
    assert run_cli(*add, "--desc", "灯不亮", "--at", "2026-10-10 09:00").exit_code == 0
    assert run_cli(*add, "--desc", "门锁坏", "--at", "2026-10-11 00:00").exit_code == 0
    # 水电: dispatch within 4 hours, finish within 24.  At the end of 10-10 the first is late on both, the second
    # (reported at 09:00 that day, due for dispatch at 13:00) on its dispatch; the third did not exist yet.
    table = run_cli("workorder", "list", "--as-of", "2026-10-10")
    assert table.exit_code == 0, table.output
    rows = [[cell.strip() for cell in row.strip("│").split("│")] for row in lines(table) if row.startswith("│ GD")]
    assert [(row[0], row[-1]) for row in rows] == [
        ("GD2026-000001", "派工超时、完成超时"),
        ("GD2026-000002", "派工超时"),
    ]
    listed = json.loads(run_cli("workorder", "list", "--as-of", "2026-10-10", "--json").stdout)
    assert [(order["number"], order["overdue"]) for order in listed] == [
        ("GD2026-000001", ["派工超时", "完成超时"]),
        ("GD2026-000002", ["派工超时"]),
    ]
    overdue = run_cli("workorder", "list", "--overdue", "--as-of", "2026-10-10")
    assert lines(overdue)[0].strip() == "超时工单 2 张（截至 2026-10-10 当天结束）"
    # A moment with its time stays that moment: at 10-10 09:00 the first is due to be finished that very minute,
    # not yet late on it, and the second was just reported.
    at_nine = json.loads(run_cli("workorder", "list", "--as-of", "2026-10-10 09:00", "--json").stdout)
    assert [(order["number"], order["overdue"]) for order in at_nine] == [
        ("GD2026-000001", ["派工超时"]),
        ("GD2026-000002", []),
    ]
    # show: the day the order was reported is no moment before it; its end is judged.
    shown = run_cli("workorder", "show", "GD2026-2", "--as-of", "2026-10-10")
    assert shown.exit_code == 0, shown.output
    assert "时限：2026-10-10 13:00 前派工，2026-10-11 09:00 前完成；派工超时" in lines(shown)
    before = run_cli("workorder", "show", "GD2026-3", "--as-of", "2026-10-10")
    assert (before.exit_code, before.stderr) == (
        5,
        "错误：--as-of 2026-10-10 当天结束 早于工单 GD2026-000003 的报修时间 2026-10-11 00:00："
        "那时还没有这张工单，请写报修时间以后的时刻\n",
    )


def test_as_of_a_moment_each_order_is_listed_as_it_stood_then(estate: Workspace, run_cli: Any) -> None:
    """``workorder list --open --as-of 2026-10-31`` left out an order open at the end of October and finished in
    November, and 状态 said today's status (已回访) beside a 时限 judged at the moment.  With ``--as-of`` each order is
    as it stood then: its status from its own steps, ``--open`` = not finished then; table and ``--json`` agree."""
    add = ("workorder", "add", "--type", "报修", "--unit", "1-1-101", "--category", "门窗")
    steps = [  # (report, dispatch, finish, visit): 门窗 is dispatched within 24 hours, finished within 72
        ("2026-10-01 09:00", "2026-10-01 10:00", "2026-10-02 09:00", "2026-10-25 09:00"),
        ("2026-10-05 09:00", "2026-10-05 10:00", "2026-11-05 09:00", "2026-11-10 09:00"),
        ("2026-10-10 09:00", "2026-11-02 09:00", None, None),
        ("2026-10-12 09:00", None, None, None),
        ("2026-11-03 09:00", "2026-11-03 10:00", None, None),
    ]
    for number, (reported, dispatched, finished, visited) in enumerate(steps, start=1):
        assert run_cli(*add, "--desc", f"门锁坏{number}", "--at", reported).exit_code == 0
        if dispatched:
            assert (
                run_cli("workorder", "assign", f"GD2026-{number}", "--to", "刘师傅", "--at", dispatched).exit_code == 0
            )
        if finished:
            done = run_cli("workorder", "close", f"GD2026-{number}", "--result", "已修好", "--at", finished)
            assert done.exit_code == 0
        if visited:
            seen = run_cli("workorder", "visit", f"GD2026-{number}", "--satisfaction", "满意", "--at", visited)
            assert seen.exit_code == 0

    def table(*args: str) -> list[tuple[str, str, str]]:
        result = run_cli("workorder", "list", *args, "--wide")
        assert result.exit_code == 0, result.output
        rows = [[cell.strip() for cell in row.strip("│").split("│")] for row in lines(result) if row.startswith("│ GD")]
        return [(row[0], row[7], row[8]) for row in rows]  # 工单编号, 状态, 派工

    def listed(*args: str) -> list[tuple[str, str, str | None, str | None]]:
        result = run_cli("workorder", "list", *args, "--json")
        return [(o["number"], o["status"], o["assignee"], o["closed_at"]) for o in json.loads(result.stdout)]

    # The end of October: the first finished (and visited), the second dispatched and finished in November, the
    # third dispatched in November, the fourth never; the fifth not reported yet.
    october = [
        ("GD2026-000001", "已回访", "刘师傅"),
        ("GD2026-000002", "处理中", "刘师傅"),
        ("GD2026-000003", "待派工", "—"),
        ("GD2026-000004", "待派工", "—"),
    ]
    assert table("--as-of", "2026-10-31") == october
    assert table("--open", "--as-of", "2026-10-31") == october[1:]
    assert listed("--open", "--as-of", "2026-10-31") == [
        ("GD2026-000002", "处理中", "刘师傅", None),
        ("GD2026-000003", "待派工", None, None),
        ("GD2026-000004", "待派工", None, None),
    ]
    # On 10-20 the first was finished and not yet visited.
    assert listed("--as-of", "2026-10-20 12:00")[0] == ("GD2026-000001", "已完成", "刘师傅", "2026-10-02 09:00")
    # Now: today's statuses, the orders finished since left out of --open.
    assert table("--open") == [
        ("GD2026-000003", "处理中", "刘师傅"),
        ("GD2026-000004", "待派工", "—"),
        ("GD2026-000005", "处理中", "刘师傅"),
    ]


def _reassigned_and_finished(run_cli: Any) -> None:
    """GD2026-1 (门窗): dispatched to 刘师傅, passed on to 王师傅 and then 张师傅, finished and visited; GD2026-2 (水电):
    dispatched to 刘师傅, passed on to 王师傅 on a day written alone (kept at that day's 00:00)."""
    add = ("workorder", "add", "--type", "报修", "--unit", "1-1-101")
    steps = [
        (*add, "--category", "门窗", "--desc", "门锁坏", "--at", "2026-10-01 09:00"),
        ("workorder", "assign", "GD2026-1", "--to", "刘师傅", "--at", "2026-10-01 10:00"),
        ("workorder", "assign", "GD2026-1", "--to", "王师傅", "--at", "2026-10-02 09:00"),
        ("workorder", "assign", "GD2026-1", "--to", "张师傅", "--at", "2026-10-03 09:00"),
        ("workorder", "close", "GD2026-1", "--result", "已换锁", "--at", "2026-10-03 15:00"),
        ("workorder", "visit", "GD2026-1", "--satisfaction", "满意", "--at", "2026-10-05 09:00"),
        (*add, "--category", "水电", "--desc", "漏水", "--at", "2026-10-10 09:00"),
        ("workorder", "assign", "GD2026-2", "--to", "刘师傅", "--at", "2026-10-10 10:00"),
        ("workorder", "assign", "GD2026-2", "--to", "王师傅", "--at", "2026-10-11"),
    ]
    for step in steps:
        done = run_cli(*step)
        assert done.exit_code == 0, (step, done.output)


def test_show_as_of_a_moment_shows_the_order_as_it_stood_then(estate: Workspace, run_cli: Any) -> None:
    """``workorder show GD2026-1 --as-of 2026-10-02 12:00`` said today's 已回访 and listed the reassignment, completion
    and visit recorded after that moment, beside a 时限 judged then.  It shows the order as ``list --as-of`` does: the
    status then, the worker then, the steps after the moment left out, and at the end how many later records there
    are; ``--json`` the same, with ``later_records``."""
    _reassigned_and_finished(run_cli)
    then = run_cli("workorder", "show", "GD2026-1", "--as-of", "2026-10-02 12:00")
    assert then.exit_code == 0, then.output
    assert lines(then)[6:] == [
        "状态：处理中（截至 2026-10-02 12:00）",
        "时限：2026-10-02 09:00 前派工，2026-10-04 09:00 前完成；未超时",
        "派工：王师傅（2026-10-01 10:00）",
        "首次派工：2026-10-01 10:00 刘师傅",
        "改派：2026-10-02 09:00 王师傅",
        "完成：—",
        "回访：—",
        "重复投诉：否",
        "此后另有 3 条记录（不加 --as-of 可查看）",
    ]
    shown = json.loads(run_cli("workorder", "show", "GD2026-1", "--as-of", "2026-10-02 12:00", "--json").stdout)
    assert {key: shown[key] for key in ("status", "assignee", "closed_at", "result", "visited_at", "satisfaction")} == {
        "status": "处理中",
        "assignee": "王师傅",
        "closed_at": None,
        "result": None,
        "visited_at": None,
        "satisfaction": None,
    }
    assert shown["dispatches"] == [
        {"step": "首次派工", "at": "2026-10-01 10:00", "assignee": "刘师傅"},
        {"step": "改派", "at": "2026-10-02 09:00", "assignee": "王师傅"},
    ]
    assert shown["later_records"] == 3
    # Before the dispatch: nobody had it, and every step is later.
    early = lines(run_cli("workorder", "show", "GD2026-1", "--as-of", "2026-10-01 09:30"))
    assert ("状态：待派工（截至 2026-10-01 09:30）" in early, "派工：—" in early, early[-1]) == (
        True,
        True,
        "此后另有 5 条记录（不加 --as-of 可查看）",
    )
    assert not [line for line in early if line.startswith(("首次派工", "改派"))]
    # Finished, not yet visited: one later record.
    finished = lines(run_cli("workorder", "show", "GD2026-1", "--as-of", "2026-10-04"))
    assert {
        "状态：已完成（截至 2026-10-04 当天结束）",
        "派工：张师傅（2026-10-01 10:00）",
        "完成：2026-10-03 15:00：已换锁",
    } <= set(finished)
    assert finished[-3:] == ["回访：—", "重复投诉：否", "此后另有 1 条记录（不加 --as-of 可查看）"]
    # After its last step, and without --as-of: nothing later, no such line; --json says 0.
    for args, status in ((("--as-of", "2026-10-06"), "已回访（截至 2026-10-06 当天结束）"), ((), "已回访")):
        whole = lines(run_cli("workorder", "show", "GD2026-1", *args))
        assert whole[6:9] == [f"状态：{status}", "时限：2026-10-02 09:00 前派工，2026-10-04 09:00 前完成；按时完成",
                              "派工：张师傅（2026-10-01 10:00）"], args  # fmt: skip
        assert whole[-1] == "重复投诉：否", args
        assert json.loads(run_cli("workorder", "show", "GD2026-1", *args, "--json").stdout)["later_records"] == 0


def test_as_of_a_moment_the_worker_is_the_one_who_had_the_order_then(estate: Workspace, run_cli: Any) -> None:
    """``workorder list --as-of`` (and ``show``) named today's worker under 派工 for an order passed on after the moment:
    the worker then, from the reassignments the journal keeps — a reassignment written as a day alone from that day's
    start."""
    _reassigned_and_finished(run_cli)

    def workers(as_of: str) -> list[tuple[str, str]]:
        table = run_cli("workorder", "list", "--wide", "--as-of", as_of)
        assert table.exit_code == 0, table.output
        rows = [[cell.strip() for cell in row.strip("│").split("│")] for row in lines(table) if row.startswith("│ GD")]
        listed = json.loads(run_cli("workorder", "list", "--json", "--as-of", as_of).stdout)
        assert [row[8] for row in rows] == [order["assignee"] or "—" for order in listed], as_of
        return [(row[0], row[8]) for row in rows]

    assert workers("2026-10-01 12:00") == [("GD2026-000001", "刘师傅")]
    assert workers("2026-10-02 08:59") == [("GD2026-000001", "刘师傅")]
    assert workers("2026-10-02 09:00") == [("GD2026-000001", "王师傅")]
    assert workers("2026-10-10 09:30") == [("GD2026-000001", "张师傅"), ("GD2026-000002", "—")]
    assert workers("2026-10-10") == [("GD2026-000001", "张师傅"), ("GD2026-000002", "刘师傅")]
    assert workers("2026-10-11 00:00") == [("GD2026-000001", "张师傅"), ("GD2026-000002", "王师傅")]
    assert workers(dt.date.today().isoformat()) == [("GD2026-000001", "张师傅"), ("GD2026-000002", "王师傅")]
    shown = lines(run_cli("workorder", "show", "GD2026-2", "--as-of", "2026-10-10"))
    assert "派工：刘师傅（2026-10-10 10:00）" in shown
    assert shown[-1] == "此后另有 1 条记录（不加 --as-of 可查看）"
    # --open --as-of names the worker then too.
    still_open = json.loads(run_cli("workorder", "list", "--open", "--json", "--as-of", "2026-10-02 12:00").stdout)
    assert [(order["number"], order["assignee"]) for order in still_open] == [("GD2026-000001", "王师傅")]


def test_as_of_a_moment_before_an_old_reassignment_the_first_worker_had_the_order(
    estate: Workspace, run_cli: Any
) -> None:
    """An order passed on before reassignments were journalled as such kept only the new dispatch time, and the
    journal's ``workorder.assign`` its first worker: ``list|show --as-of`` a moment between showed 待派工 and no worker.
    Upgraded (0026), the row holds the first dispatch again and the entry is read as a reassignment: 刘师傅 had the
    order from 2026-10-01 10:00 until 2026-10-02 09:00."""
    add = ("workorder", "add", "--type", "报修", "--unit", "1-1-101", "--category", "门窗", "--desc", "门锁坏")
    for step in (
        (*add, "--at", "2026-10-01 09:00"),
        ("workorder", "assign", "GD2026-1", "--to", "刘师傅", "--at", "2026-10-01 10:00"),
    ):
        done = run_cli(*step)
        assert done.exit_code == 0, (step, done.output)
    with open_ledger(estate.database_url) as ledger:
        pass_on_the_old_way(ledger, "GD2026-000001", ("刘师傅", "2026-10-01 10:00"), ("王师傅", "2026-10-02 09:00"))
        left_at_0025(ledger)
    assert run_cli("db", "upgrade").exit_code == 0  # (0026: the first dispatch back in its row)

    def stood(as_of: str) -> tuple[str, str | None]:
        (order,) = json.loads(run_cli("workorder", "list", "--json", "--as-of", as_of).stdout)
        return order["status"], order["assignee"]

    assert stood("2026-10-01 09:30") == ("待派工", None)
    assert stood("2026-10-01 12:00") == ("处理中", "刘师傅")
    assert stood("2026-10-02 08:59") == ("处理中", "刘师傅")
    assert stood("2026-10-02 09:00") == ("处理中", "王师傅")
    then = run_cli("workorder", "show", "GD2026-1", "--as-of", "2026-10-01 12:00")
    assert then.exit_code == 0, then.output
    assert lines(then)[6:10] == [
        "状态：处理中（截至 2026-10-01 12:00）",
        "时限：2026-10-02 09:00 前派工，2026-10-04 09:00 前完成；未超时",
        "派工：刘师傅（2026-10-01 10:00）",
        "完成：—",
    ]
    assert lines(then)[-1] == "此后另有 1 条记录（不加 --as-of 可查看）"
    # Passed on again since, journalled as 改派: each worker in turn.
    done = run_cli("workorder", "assign", "GD2026-1", "--to", "张师傅", "--at", "2026-10-03 09:00")
    assert done.exit_code == 0, done.output
    assert [stood(as_of)[1] for as_of in ("2026-10-01 12:00", "2026-10-02 12:00", "2026-10-03 09:00")] == [
        "刘师傅",
        "王师傅",
        "张师傅",
    ]
    # Without --as-of the hand-overs are the first dispatch and the reassignments, the old entry's among them.
    shown = json.loads(run_cli("workorder", "show", "GD2026-1", "--json").stdout)
    assert shown["dispatches"] == [
        {"step": "首次派工", "at": "2026-10-01 10:00", "assignee": "刘师傅"},
        {"step": "改派", "at": "2026-10-02 09:00", "assignee": "王师傅"},
        {"step": "改派", "at": "2026-10-03 09:00", "assignee": "张师傅"},
    ]


def test_add_refuses_a_report_time_more_than_a_year_ago(estate: Workspace, run_cli: Any, tmp_path: Path) -> None:
    """``workorder add … --at "2016-01-01 09:00"`` (2026 typed wrong) made GD2016-000001, exit 0.  The counter refuses
    a report time more than a year before now (exit 5, nothing written); the logbook import still back-fills older
    rows within the books' years."""
    today = dt.date.today()
    a_year_ago = dt.date(today.year - 1, today.month, min(today.day, 28))
    too_old = a_year_ago - dt.timedelta(days=1)
    add = ("workorder", "add", "--type", "报修", "--unit", "1-1-101", "--category", "水电", "--desc", "漏水")
    for typed in ("2016-01-01 09:00", f"{too_old.isoformat()} 09:00", too_old.isoformat()):
        refused = run_cli(*add, "--at", typed)
        assert (refused.exit_code, refused.stdout, refused.stderr) == (
            5,
            "",
            f"错误：报修时间 {typed} 早于一年前（今天是 {today.isoformat()}）：请检查年份；"
            "补录旧的登记本请用 workorder import\n",
        ), typed
    assert _count(estate, "work_orders") == 0
    kept = run_cli(*add, "--at", f"{a_year_ago.isoformat()} 09:00")
    assert kept.exit_code == 0, kept.output
    assert lines(kept)[0].startswith(f"已登记工单 GD{a_year_ago.year}-000001：")
    old_row = [["报修", "1-1-101", None, "水电", "水管漏水", None, None, "2016-03-02 08:30", *[None] * 7]]
    imported = run_cli("workorder", "import", str(write_logbook(tmp_path / "旧登记簿.xlsx", old_row)))
    assert imported.exit_code == 0, imported.output
    assert lines(imported) == ["已导入工单 1 张（报修 1 张，投诉 0 张），编号 GD2016-000001 至 GD2016-000001"]


@pytest.mark.parametrize(
    ("typed", "named"),
    [
        ("SJ2026-6", "SJ2026-6"),
        ("  gd2026-9 ", "gd2026-9"),
        ("ＧＤ２０２６－９", "ＧＤ２０２６－９"),
        ("GD2026-1-1", "GD2026-1-1"),
    ],
)
def test_a_number_not_found_is_named_as_typed(estate: Workspace, run_cli: Any, typed: str, named: str) -> None:
    """``workorder show SJ2026-6`` (a receipt's number) said 没有编号为 SJ2026-000006 的工单, the number reshaped to an
    order's width, which the clerk never typed: a number not found is named as typed (trimmed), exit 6."""
    add = ("workorder", "add", "--type", "报修", "--unit", "1-1-101", "--category", "水电", "--desc", "漏水")
    assert run_cli(*add, "--at", "2026-10-03 09:15").exit_code == 0
    for args in (("show", typed), ("assign", typed, "--to", "刘师傅"), ("close", typed, "--result", "已修好")):
        result = run_cli("workorder", *args)
        assert (result.exit_code, result.stdout, result.stderr) == (
            6,
            "",
            f"错误：没有编号为 {named} 的工单：请用 recordkit workorder list 查看\n",
        ), args


@pytest.mark.parametrize("option", ["--type", "--category", "--unit", "--month", "--as-of"])
def test_an_empty_filter_is_refused_not_read_as_no_filter(estate: Workspace, run_cli: Any, option: str) -> None:
    """``workorder list --unit "$UNIT"`` with the variable unset listed every order, as if no filter had been asked
    for: an empty (or blank) filter option is refused, exit 2, nothing listed."""
    add = ("workorder", "add", "--type", "报修", "--unit", "1-1-101", "--category", "水电", "--desc", "漏水")
    assert run_cli(*add, "--at", "2026-10-03 09:00").exit_code == 0
    for typed in ("", " "):
        result = run_cli("workorder", "list", option, typed)
        assert (result.exit_code, result.stdout) == (2, ""), typed
        assert result.stderr == f"错误：{option} 是空的：请写明要筛选的值；不筛选就不写 {option}\n"


def test_a_moment_in_a_year_outside_the_books_is_refused_not_listed_as_fact(estate: Workspace, run_cli: Any) -> None:
    """``workorder list --as-of 1926-10-31`` (2026 typed wrong) listed every order as 未超时 then, exit 0: a year
    outside the books' years ([receipt] first_year–last_year, as an order's own time) is refused (exit 5)."""
    add = ("workorder", "add", "--type", "报修", "--unit", "1-1-101", "--category", "水电", "--desc", "漏水")
    assert run_cli(*add, "--at", "2026-10-03 09:15").exit_code == 0
    for args in (("list", "--as-of", "1926-10-31 18:00"), ("list", "--overdue", "--as-of", "1926-10-31", "--json")):
        refused = run_cli("workorder", *args)
        assert (refused.exit_code, refused.stdout, refused.stderr) == (
            5,
            "",
            "错误：--as-of 的日期 1926-10-31 不在 2000–2099 年之间：请检查年份\n",
        )


def test_lateness_as_of_today_is_lateness_now(estate: Workspace, run_cli: Any) -> None:
    """At 15:00 on 2026-12-05, an order dispatched and not finished, due to be finished at 20:00 that day, was 未超时 in
    ``workorder list`` and 完成超时 in ``list --as-of 2026-12-05`` (judged at 23:59:59, hours still to come), which
    also took ``--as-of "2026-12-05 19:00"``.  Lateness is one definition: today as a day alone is now, a time later
    than now is refused as a day to come is (exit 5); an order dispatched and past its close limit is 完成超时 with
    and without ``--as-of``."""
    import time_machine

    add = ("workorder", "add", "--type", "报修", "--unit", "1-1-101", "--category", "水电")  # dispatch 4 h, finish 24 h
    with time_machine.travel(dt.datetime(2026, 12, 5, 15, 0).astimezone(), tick=False):
        assert run_cli(*add, "--desc", "漏水", "--at", "2026-12-03 09:00").exit_code == 0
        assert run_cli("workorder", "assign", "GD2026-1", "--to", "刘师傅", "--at", "2026-12-03 10:00").exit_code == 0
        assert run_cli(*add, "--desc", "灯不亮", "--at", "2026-12-04 20:00").exit_code == 0
        assert run_cli("workorder", "assign", "GD2026-2", "--to", "刘师傅", "--at", "2026-12-04 21:00").exit_code == 0
        wanted = [("GD2026-000001", "处理中", "完成超时"), ("GD2026-000002", "处理中", "未超时")]
        for as_of, title in (((), "工单 2 张"), (("--as-of", "2026-12-05"), "工单 2 张（截至 2026-12-05 15:00）")):
            table = run_cli("workorder", "list", *as_of)
            assert table.exit_code == 0, table.output
            rows = [
                [cell.strip() for cell in row.strip("│").split("│")] for row in lines(table) if row.startswith("│ GD")
            ]
            assert (lines(table)[0].strip(), [(row[0], row[-2], row[-1]) for row in rows]) == (title, wanted)
            listed = json.loads(run_cli("workorder", "list", "--json", *as_of).stdout)
            assert [order["overdue"] for order in listed] == [["完成超时"], []]
            overdue = run_cli("workorder", "list", "--overdue", *as_of)
            assert lines(overdue)[0].strip() == "超时工单 1 张（截至 2026-12-05 15:00）"
            shown = run_cli("workorder", "show", "GD2026-2", *as_of)
            assert "时限：2026-12-05 00:00 前派工，2026-12-05 20:00 前完成；未超时" in lines(shown)
        for args in (("list", "--as-of", "2026-12-05 19:00"), ("show", "GD2026-2", "--as-of", "2026-12-05 15:01")):
            refused = run_cli("workorder", *args)
            assert (refused.exit_code, refused.stdout, refused.stderr) == (
                5,
                "",
                f"错误：--as-of {args[-1]} 晚于现在（2026-12-05 15:00）：只能按现在或以前的时刻判断工单是否超时\n",
            )


def test_a_complaints_refusals_say_complaint_not_repair(estate: Workspace, run_cli: Any) -> None:
    """``workorder add --type 投诉`` refused its time as 报修时间“11月3日 9:15”… and its name as 报修人“,,”…, where the
    order, its list and show all say 投诉时间 and 投诉人; now the refusal says what the order is (exit 5 as before)."""
    import time_machine

    add = ("workorder", "add", "--unit", "1-1-101", "--category", "噪音", "--desc", "楼上装修噪音")
    with time_machine.travel(dt.datetime(2026, 12, 5, 10, 0).astimezone(), tick=False):
        _refusals_say_the_kind(add, run_cli)
    assert _count(estate, "work_orders") == 0


def _refusals_say_the_kind(add: tuple[str, ...], run_cli: Any) -> None:
    for kind in ("投诉", "报修"):
        for extra, said in (
            (
                ("--at", "11月3日 9:15"),
                f"{kind}时间“11月3日 9:15”没有写年份，不能确定是哪一年：应写成 2026-11-03 或 2026年11月3日",
            ),
            (
                ("--at", "2026-12-05 23:00"),
                f"{kind}时间 2026-12-05 23:00 晚于现在（2026-12-05 10:00）：请检查日期和时刻",
            ),
            (
                ("--reported-by", ",,"),
                f"{kind}人“,,”没有汉字或字母，不是姓名：请用 --reported-by 写报修人或投诉人的姓名，不知道的不写",
            ),
        ):
            refused = run_cli(*add, "--type", kind, *extra)
            assert (refused.exit_code, refused.stdout, refused.stderr) == (5, "", f"错误：{said}\n"), (kind, extra)


def test_a_logbook_row_of_a_unit_without_its_phase_names_the_units_in_the_phases(
    run_cli: Any, workspace: Workspace, tmp_path: Path
) -> None:
    """A logbook row 房号 B-1-2004 in an estate of phases said only 台账中没有房屋 B-1-2004（公共区域…）, as for a typo,
    though 香榭丽舍 and 巴塞罗纳 each have one: the row now asks which was meant, as ``workorder add --unit`` does —
    the advice a sentence of its own before the question (it was glued after the ？)."""
    import_two_phases(run_cli, workspace)
    rows = [list(row) for row in LOGBOOK_ROWS[:2]]
    rows[0][1], rows[1][1] = "B-1-2004", "9-9-909"
    result = run_cli("workorder", "import", str(write_logbook(tmp_path / "登记簿.xlsx", rows)))
    assert result.exit_code == 5
    assert lines(result) == [
        "错误：登记簿.xlsx 有 2 处错误，没有导入任何工单",
        "  第 3 行 B 列（房号）：台账中没有房屋 B-1-2004，公共区域请把房号留空，写在“地点”列。"
        "是不是指 巴塞罗纳·B-1-2004 或 香榭丽舍·B-1-2004？",
        "  第 4 行 B 列（房号）：台账中没有房屋 9-9-909，公共区域请把房号留空，写在“地点”列",
    ]


def test_the_show_private_help_names_every_kind_of_number_masked_in_the_texts(run_cli: Any) -> None:
    """``workorder show --help`` said only 电话和身份证号 were masked in what the texts say, though a bank card number
    written in a visit's notes is masked too; the help names all three (read with the words folded as rich folds
    them)."""
    for command in ("show", "list"):
        shown = "".join(run_cli("workorder", command, "--help").stdout.split())
        assert "内容、回访意见等里写的身份证号、电话号码和银行卡号也打码" in shown, command
