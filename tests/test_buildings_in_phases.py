"""``--building`` in an estate with phases (issue 15): 1栋 of 一期 and 1栋 of 二期 are two buildings.

A water-cut notice for 1栋 must not reach 二期's 1栋, a reminder batch for 二期1栋 must not reach the
first phase, and a building number that only exists in other phases says which ones.  Every expected
unit list below is written by hand from the roster in ``ROSTER``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook

from recordkit.core.errors import ValidationError
from recordkit.core.unitcodes import Building, parse_building
from recordkit.core.workspace import Workspace
from tests.conftest import write_sheet
from tests.documents_fixtures import works_under_way_in
from tests.test_unit_kinds import import_two_phases

# 一期 has no name in its codes (1-1-101); 二期 writes its name first (二期·1-101, 二期·别墅3).
ROSTER: list[list[Any]] = [
    [1, 1, 101, 90.0, "张伟", "13800000001", None, "2020-05-01", "已入住"],
    [1, 1, 102, 90.0, "李娜", "13800000002", None, "2020-05-01", "已入住"],
    [2, 1, 101, 90.0, "王强", "13800000003", None, "2020-05-01", "已入住"],
    [None, None, "二期·1-101", 100.0, "赵敏", "13800000004", None, "2024-07-01", "已入住"],
    [None, None, "二期·1-102", 100.0, "钱坤", "13800000005", None, "2024-07-01", "已入住"],
    [None, None, "二期·别墅3", 300.0, "孙丽", "13800000006", None, "2024-07-01", "已入住"],
]

WATER = ["--set", "停水原因=管道检修", "--set", "停水范围=本楼", "--set", "停水时间=8:00", "--set", "恢复时间=18:00"]


@pytest.fixture
def estate(run_cli: Any, workspace: Workspace) -> Workspace:
    sheet = write_sheet(workspace.root / "名册.xlsx", ROSTER)
    imported = run_cli("owners", "import", str(sheet))
    assert imported.exit_code == 0, imported.output
    return workspace


@pytest.mark.parametrize(
    ("text", "phase", "number", "display"),
    [
        ("1", "", "1", "1栋"),
        ("1栋", "", "1", "1栋"),
        ("A座", "", "A", "A栋"),
        ("九幢", "", "9", "9栋"),
        ("03号楼", "", "3", "3栋"),
        ("二期1", "二期", "1", "二期1栋"),
        ("二期·1栋", "二期", "1", "二期1栋"),
        ("第二期3号楼", "二期", "3", "二期3栋"),
        ("２期Ｂ２", "二期", "B2", "二期B2栋"),
    ],
)
def test_a_building_as_clerks_write_it(text: str, phase: str, number: str, display: str) -> None:
    assert parse_building(text) == Building(phase, number)
    assert parse_building(text).display == display


def test_a_building_read_with_the_estates_phase_names() -> None:
    phases = {"香榭丽舍": "香榭丽舍", "香榭": "香榭丽舍", "巴塞罗纳": "巴塞罗纳"}
    assert parse_building("香榭B", phases=phases) == Building("香榭丽舍", "B")
    assert str(parse_building("巴塞罗纳·B栋", phases=phases)) == "巴塞罗纳·B"


@pytest.mark.parametrize("text", ["0", "栋", "1-1-101", "abc", "1单元", "住宅", "二期住宅"])
def test_what_is_no_building_is_refused(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_building(text)
    assert str(caught.value) == (
        f"楼栋“{text}”无效，应写楼栋号，例如 3、3栋、A座，分区的楼写作 二期1；别墅、商铺、车位、储藏室写作 别墅、二期商铺"
    )


# Units in no building: a shop and a parking space without a phase, a parking space of 二期.
NO_BUILDING: list[list[Any]] = [
    [None, None, "商铺S-101", 60.0, "吴刚", "13800000007", None, "2024-07-01", "已入住"],
    [None, None, "车位B1-023", 12.0, "陈静", "13800000008", None, "2024-07-01", "已入住"],
    [None, None, "二期·车位12", 12.0, "郑爽", "13800000009", None, "2024-07-01", "已入住"],
]


def test_every_group_the_monthly_report_prints_is_a_building_arrears_takes(run_cli: Any, estate: Workspace) -> None:
    for args in (
        ("owners", "import", str(write_sheet(estate.root / "车位商铺.xlsx", NO_BUILDING))),
        ("fees", "rules", "add", "公共能耗分摊", "--kind", "fixed", "--rate", "5", "--from", "2026-01"),
        ("fees", "bill", "--month", "2026-11"),
        ("report", "monthly", "--month", "2026-11", "--out", str(estate.root / "报表")),
    ):
        result = run_cli(*args)
        assert result.exit_code == 0, result.output
    [workbook] = (estate.root / "报表").glob("*.xlsx")
    column = [row[0] for row in load_workbook(workbook)["收费汇总"].values]
    first = column.index("楼栋") + 1
    labels = column[first : column.index("合计", first)]
    assert labels == ["1", "2", "商铺", "车位", "二期1", "二期别墅", "二期车位"]  # as the lists: no phase first
    units = {
        "1": ["1-1-101", "1-1-102"],
        "2": ["2-1-101"],
        "二期1": ["二期·1-101", "二期·1-102"],
        "二期别墅": ["二期·别墅3"],
        "二期车位": ["二期·车位12"],
        "商铺": ["商铺S-101"],
        "车位": ["车位B1-023"],
    }
    for label in labels:
        result = run_cli("fees", "arrears", "--as-of", "2026-11-30", "--building", label, "--json")
        assert result.exit_code == 0, (label, result.output)
        assert sorted(row["unit"] for row in json.loads(result.stdout)) == units[label], label
        listed = run_cli("owners", "list", "--building", label, "--json")
        assert sorted(row["unit"] for row in json.loads(listed.stdout)) == units[label], label
    assert [
        row["unit"] for row in json.loads(run_cli("owners", "list", "--building", "二期停车位", "--json").stdout)
    ] == ["二期·车位12"]
    villas = run_cli("owners", "list", "--building", "别墅")
    assert (villas.exit_code, villas.stderr.strip()) == (
        5,
        "错误：台账中没有别墅（本小区有 二期别墅）：请写明分区，例如 --building 二期别墅",
    )


def test_owners_list_keeps_the_phases_apart(run_cli: Any, estate: Workspace) -> None:
    def listed(building: str) -> list[str]:
        result = run_cli("owners", "list", "--building", building, "--json")
        assert result.exit_code == 0, result.output
        return [row["unit"] for row in json.loads(result.stdout)]

    assert listed("1") == ["1-1-101", "1-1-102"]
    assert listed("二期1") == ["二期·1-101", "二期·1-102"]
    assert listed("二期·1栋") == ["二期·1-101", "二期·1-102"]
    assert listed("2") == ["2-1-101"]


def test_a_building_only_in_another_phase_names_it(run_cli: Any, estate: Workspace) -> None:
    result = run_cli("owners", "list", "--building", "二期2")
    assert result.exit_code == 5
    assert result.stderr.strip() == "错误：台账中没有二期2栋（本小区有 2栋）：不分区的楼直接写楼号，例如 --building 2"
    bad = run_cli("owners", "list", "--building", "1-1-101")
    assert bad.exit_code == 5
    assert "楼栋“1-1-101”无效" in bad.stderr


def test_a_building_the_estate_does_not_have_is_named_not_shown_empty(run_cli: Any, estate: Workspace) -> None:
    """A typo in ``--building`` (9 for 1): ``owners list`` showed 房屋 0 户, ``fees arrears`` 欠费 0 户 and
    ``notice remind`` 「9栋没有欠费的房屋」 (exit 0) — as if the building owed nothing.  Each says the ledger has no such
    building and names the estate's (exit 5, nothing made); a building that is there but owes nothing still shows
    its empty list."""
    said = "错误：台账中没有9栋（本小区有 1栋、2栋、二期1栋、二期别墅）：请检查楼号，例如 --building 1"
    for args in (
        ("owners", "list"),
        ("fees", "arrears", "--as-of", "2026-11-30"),
        ("notice", "remind"),
        ("notice", "make", "停水通知", *WATER),
    ):
        result = run_cli(*args, "--building", "9")
        assert (result.exit_code, result.stderr.strip()) == (5, said), args
    assert not list((estate.records_dir / "generated").rglob("*.docx"))
    owing = run_cli("fees", "arrears", "--as-of", "2026-11-30", "--building", "二期别墅", "--json")
    assert (owing.exit_code, json.loads(owing.stdout)) == (0, [])  # there, and owes nothing: no bill yet


def test_an_estate_whose_every_unit_has_a_phase_asks_which(run_cli: Any, workspace: Workspace) -> None:
    import_two_phases(run_cli, workspace)
    result = run_cli("owners", "list", "--building", "B")
    assert result.exit_code == 5
    assert result.stderr.strip() == (
        "错误：台账中没有B栋（本小区有 巴塞罗纳B栋、香榭丽舍B栋）：请写明分区，例如 --building 巴塞罗纳B"
    )
    named = run_cli("owners", "list", "--building", "香榭B", "--json")
    assert named.exit_code == 0, named.output
    assert [row["unit"] for row in json.loads(named.stdout)] == ["香榭丽舍·B-1-2004"]


def test_a_water_cut_notice_for_1_building_reaches_only_its_phase(run_cli: Any, estate: Workspace) -> None:
    first = run_cli("notice", "make", "停水通知", "--building", "1", *WATER)
    assert first.exit_code == 0, first.output
    lines = first.stdout.splitlines()
    assert lines[0].startswith("已生成停水通知 2 份")
    assert lines[1:3] == ["  停水通知_1-1-101.docx", "  停水通知_1-1-102.docx"]
    assert lines[3].endswith("/停水通知送达签收表_1栋.xlsx")
    second = run_cli("notice", "make", "停水通知", "--building", "二期1", *WATER)
    assert second.exit_code == 0, second.output
    lines = second.stdout.splitlines()
    assert lines[0].startswith("已生成停水通知 2 份")
    assert lines[1:3] == ["  停水通知_二期·1-101.docx", "  停水通知_二期·1-102.docx"]
    assert lines[3].endswith("/停水通知送达签收表_二期1栋.xlsx")
    paper = estate.root / "records" / "generated"
    notice = next(paper.rglob("停水通知_二期·1-101.docx"))
    assert Document(str(notice)).paragraphs[1].text == "尊敬的赵敏业主："


def test_arrears_and_reminders_of_one_building_of_a_phase(run_cli: Any, estate: Workspace, tmp_path: Path) -> None:
    assert (
        run_cli("fees", "rules", "add", "物业服务费", "--kind", "area", "--rate", "2.00", "--from", "2026-01").exit_code
        == 0
    )
    assert run_cli("fees", "bill", "--month", "2026-10").exit_code == 0
    arrears = run_cli("fees", "arrears", "--building", "1", "--as-of", "2026-11-30", "--json")
    assert arrears.exit_code == 0, arrears.output
    # 90 ㎡ × 2.00 元 = 180.00 元 each, by hand.
    assert sorted((row["unit"], row["arrears_fen"]) for row in json.loads(arrears.stdout)) == [
        ("1-1-101", 18000),
        ("1-1-102", 18000),
    ]
    second = run_cli("fees", "arrears", "--building", "二期1", "--as-of", "2026-11-30", "--json")
    assert sorted((row["unit"], row["arrears_fen"]) for row in json.loads(second.stdout)) == [
        ("二期·1-101", 20000),
        ("二期·1-102", 20000),
    ]
    reminded = run_cli("notice", "remind", "--building", "二期1", "--as-of", "2026-11-30")
    assert reminded.exit_code == 0, reminded.output
    assert reminded.stdout.splitlines()[-1] == "欠费合计 400.00 元"
    names = sorted(p.name for p in (estate.root / "records" / "generated").rglob("催缴通知书_*.docx"))
    assert names == ["催缴通知书_二期·1-101.docx", "催缴通知书_二期·1-102.docx"]
    # 二期 has no 2栋 (一期 has): said so, not 「二期2栋没有欠费的房屋」 as if it owed nothing
    nobody = run_cli("notice", "remind", "--building", "2期2", "--as-of", "2026-11-30")
    assert (nobody.exit_code, nobody.stderr.strip()) == (
        5,
        "错误：台账中没有二期2栋（本小区有 2栋）：不分区的楼直接写楼号，例如 --building 2",
    )


def test_a_notice_batch_sheet_reads_the_units_with_the_estates_phases(run_cli: Any, workspace: Workspace) -> None:
    # The sheet's 房号 written as the clerk types --unit: 二期 is 巴塞罗纳's other spelling, 香榭 香榭丽舍's.
    # It was "台账中没有房屋 二期·B-1-2004" and no notice at all.
    import_two_phases(run_cli, workspace)
    works_under_way_in(workspace, "香榭丽舍·B-1-2004", "巴塞罗纳·B-1-2004")
    sheet = write_sheet(
        workspace.root / "整改名单.xlsx",
        [["二期B-1-2004", "阳台违规搭建", "2027年1月31日"], ["香榭B栋1单元2004室", "夜间施工", "2027年1月15日"]],
        headers=("房号", "违规事项", "整改期限"),
    )
    result = run_cli("notice", "batch", "装修违规整改通知", str(sheet))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:3] == [
        "  装修违规整改通知_巴塞罗纳·B-1-2004.docx",
        "  装修违规整改通知_香榭丽舍·B-1-2004.docx",
    ]
    notice = next((workspace.root / "records" / "generated").rglob("装修违规整改通知_巴塞罗纳·B-1-2004.docx"))
    assert "阳台违规搭建" in "\n".join(p.text for p in Document(str(notice)).paragraphs)


def test_a_search_filter_reads_the_unit_with_the_estates_phases(run_cli: Any, workspace: Workspace) -> None:
    # `unit:二期B-1-2004` typed in the query, as `--unit` is typed: 巴塞罗纳·B-1-2004 (二期 is its other spelling).
    from recordkit.demo.scans import write_scan

    import_two_phases(run_cli, workspace)
    scans = workspace.root / "扫描件"
    scans.mkdir()
    write_scan(scans / "巴塞罗纳·B-1-2004_产权证明.pdf", 1)
    write_scan(scans / "香榭丽舍·B-1-2004_产权证明.pdf", 2)
    filed = run_cli("file", str(scans))
    assert filed.exit_code == 0, filed.output
    for query in ("unit:二期B-1-2004", "unit:巴塞罗纳·B-1-2004 产权证明", "房号:二期B栋1单元2004室"):
        found = run_cli("search", query, "--json")
        assert found.exit_code == 0, (query, found.output)
        assert [hit["unit"] for hit in json.loads(found.stdout)["hits"]] == ["巴塞罗纳·B-1-2004"], query
    unknown = run_cli("search", "unit:三期B-1-2004")
    assert (unknown.exit_code, unknown.stdout) == (2, "")
    assert unknown.stderr.strip() == (
        "错误：房号“三期B-1-2004”中的分区“三期”不在本小区的分区中（香榭丽舍、巴塞罗纳），请检查 recordkit.toml 的 [[office.phases]]"
    )
