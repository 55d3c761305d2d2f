"""Kinds of unit (issue 15): every spelling of flats with and without 单元, villas, shops, parking spaces
and storerooms, phases, the display form on paper, and fees that apply to some kinds only."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from recordkit.billing.bills import bill_month
from recordkit.billing.rules import add_rule, list_rules, set_rule, sync_rules
from recordkit.core.config import FeeItemSettings, FeesSettings, PhaseSettings, load_settings
from recordkit.core.dates import parse_month
from recordkit.core.errors import ConfigError, ValidationError
from recordkit.core.unitcodes import (
    UnitCode,
    find_unit_code,
    find_unit_codes,
    parse_phase,
    parse_unit_code,
    parse_unit_kind,
    phase_spellings,
    unit_code_from_parts,
)
from recordkit.core.workspace import Workspace
from recordkit.documents.notices import Recipient, scope_label
from recordkit.ledger.db import Ledger
from recordkit.ledger.schema import bills, fee_items, units
from recordkit.owners.roster import import_owners, list_units, show_unit
from recordkit.reports.figures import fee_figures
from tests.conftest import write_sheet
from tests.extract_helpers import text_pdf

# (as written, canonical code, kind, display form on paper): every expected value written by hand.
SPELLINGS = [
    # 住宅 with 单元: the codes offices already use stay valid and canonical
    ("3-2-1201", "3-2-1201", "住宅", "3栋2单元1201室"),
    ("A3-1-502", "A3-1-502", "住宅", "A3栋1单元502室"),
    ("3栋2单元1201室", "3-2-1201", "住宅", "3栋2单元1201室"),
    ("3幢2单元1201", "3-2-1201", "住宅", "3栋2单元1201室"),
    ("3号楼2单元1201", "3-2-1201", "住宅", "3栋2单元1201室"),
    ("3#2-1201", "3-2-1201", "住宅", "3栋2单元1201室"),
    ("3#楼2单元1201号", "3-2-1201", "住宅", "3栋2单元1201室"),
    ("A座2单元1201", "A-2-1201", "住宅", "A栋2单元1201室"),
    ("１栋１单元１０１室", "1-1-101", "住宅", "1栋1单元101室"),
    ("３－２－１２０１", "3-2-1201", "住宅", "3栋2单元1201室"),
    ("a3-1-502", "A3-1-502", "住宅", "A3栋1单元502室"),
    ("03-02-0101", "3-2-101", "住宅", "3栋2单元101室"),
    ("3-2-1201A", "3-2-1201A", "住宅", "3栋2单元1201A室"),
    # Chinese numerals
    ("九幢二单元101", "9-2-101", "住宅", "9栋2单元101室"),
    ("三栋二单元1201室", "3-2-1201", "住宅", "3栋2单元1201室"),
    ("十二号楼三单元502", "12-3-502", "住宅", "12栋3单元502室"),
    ("二十一栋一单元101", "21-1-101", "住宅", "21栋1单元101室"),
    ("两栋一单元302", "2-1-302", "住宅", "2栋1单元302室"),
    # 住宅 without 单元
    ("5栋1201", "5-1201", "住宅", "5栋1201室"),
    ("5栋1201室", "5-1201", "住宅", "5栋1201室"),
    ("A座1201", "A-1201", "住宅", "A栋1201室"),
    ("B2栋1412室", "B2-1412", "住宅", "B2栋1412室"),
    ("5号楼302", "5-302", "住宅", "5栋302室"),
    ("5#1201", "5-1201", "住宅", "5栋1201室"),
    ("5-1201", "5-1201", "住宅", "5栋1201室"),
    ("2栋3楼5号", "2-305", "住宅", "2栋305室"),
    ("2栋12层3号", "2-1203", "住宅", "2栋1203室"),
    ("九栋1201", "9-1201", "住宅", "9栋1201室"),
    ("Ｂ２栋１４１２室", "B2-1412", "住宅", "B2栋1412室"),
    # 别墅
    ("别墅A12", "别墅A12", "别墅", "A12号别墅"),
    ("12号别墅", "别墅12", "别墅", "12号别墅"),
    ("别墅12号", "别墅12", "别墅", "12号别墅"),
    ("别墅 12", "别墅12", "别墅", "12号别墅"),
    ("联排别墅3-12", "别墅3-12", "别墅", "3-12号别墅"),
    ("独栋别墅8", "别墅8", "别墅", "8号别墅"),
    ("a12号别墅", "别墅A12", "别墅", "A12号别墅"),
    ("12栋别墅", "别墅12", "别墅", "12号别墅"),
    # 商铺
    ("商铺S-101", "商铺S-101", "商铺", "商铺S-101"),
    ("商铺 S－101", "商铺S-101", "商铺", "商铺S-101"),
    ("商铺S101", "商铺S101", "商铺", "商铺S101"),
    ("底商101", "商铺101", "商铺", "商铺101"),
    ("1栋底商101", "商铺1-101", "商铺", "商铺1-101"),
    ("1号楼商铺102", "商铺1-102", "商铺", "商铺1-102"),
    ("门面15号", "商铺15", "商铺", "商铺15"),
    ("101商铺", "商铺101", "商铺", "商铺101"),
    ("3-0-101", "商铺3-101", "商铺", "商铺3-101"),  # 单元 0: a ground-floor shop
    ("3栋0单元101", "商铺3-101", "商铺", "商铺3-101"),
    ("商铺1-101", "商铺1-101", "商铺", "商铺1-101"),
    # 车位
    ("车位B1-023", "车位B1-023", "车位", "地下车位B1-023"),
    ("车位 B1-023", "车位B1-023", "车位", "地下车位B1-023"),
    ("地下车位B1-023", "车位B1-023", "车位", "地下车位B1-023"),
    ("地下停车位 B1-023", "车位B1-023", "车位", "地下车位B1-023"),
    ("B1-023车位", "车位B1-023", "车位", "地下车位B1-023"),
    ("车位b2-105", "车位B2-105", "车位", "地下车位B2-105"),
    ("停车位088", "车位088", "车位", "车位088"),
    ("地面车位A-12", "车位A-12", "车位", "车位A-12"),
    ("车库12号", "车位12", "车位", "车位12"),
    ("车位：B1-023", "车位B1-023", "车位", "地下车位B1-023"),
    # 储藏室 / 地下室
    ("储藏室12", "储藏室12", "储藏室", "储藏室12"),
    ("地下室5", "储藏室5", "储藏室", "储藏室5"),
    ("3栋地下室05", "储藏室3-05", "储藏室", "储藏室3-05"),
    ("3栋储藏室12号", "储藏室3-12", "储藏室", "储藏室3-12"),
    ("储物间D12", "储藏室D12", "储藏室", "储藏室D12"),
    ("12号储藏室", "储藏室12", "储藏室", "储藏室12"),
    # phases written with 区/期 (no list needed)
    ("二期·3-2-1201", "二期·3-2-1201", "住宅", "二期3栋2单元1201室"),
    ("二期3栋2单元1201室", "二期·3-2-1201", "住宅", "二期3栋2单元1201室"),
    ("第二期3-2-1201", "二期·3-2-1201", "住宅", "二期3栋2单元1201室"),
    ("2期 3-2-1201", "二期·3-2-1201", "住宅", "二期3栋2单元1201室"),
    ("A区5栋1201", "A区·5-1201", "住宅", "A区5栋1201室"),
    ("一期12号别墅", "一期·别墅12", "别墅", "一期12号别墅"),
    ("二期车位B1-023", "二期·车位B1-023", "车位", "二期地下车位B1-023"),
]


def test_the_table_covers_every_kind_with_sixty_spellings() -> None:
    assert len(SPELLINGS) >= 60
    assert {kind for _, _, kind, _ in SPELLINGS} == {"住宅", "别墅", "商铺", "车位", "储藏室"}


@pytest.mark.parametrize(("text", "code", "kind", "display"), SPELLINGS)
def test_every_spelling_has_its_code_kind_and_display(text: str, code: str, kind: str, display: str) -> None:
    parsed = parse_unit_code(text)
    assert (str(parsed), parsed.kind, parsed.display) == (code, kind, display)


@pytest.mark.parametrize(("text", "code", "kind", "display"), SPELLINGS)
def test_round_trip_code_display_code(text: str, code: str, kind: str, display: str) -> None:
    assert str(parse_unit_code(code)) == code  # the canonical code reads back as itself
    assert str(parse_unit_code(display)) == code  # so does what the paper says


def test_the_parts_of_each_kind() -> None:
    assert parse_unit_code("5栋1201") == UnitCode("5", "", "1201")
    assert parse_unit_code("12号别墅") == UnitCode("", "", "12", kind="别墅")
    assert parse_unit_code("二期·地下车位B1-023") == UnitCode("", "", "B1-023", kind="车位", phase="二期")


# -- phases the estate names in recordkit.toml --------------------------------------------------

PHASES = phase_spellings(
    [
        PhaseSettings("香榭丽舍", ("香榭", "一期", "1期")),
        PhaseSettings("巴塞罗纳", ("巴塞", "二期")),
    ]
)


@pytest.mark.parametrize(
    ("text", "code", "display"),
    [
        ("香榭丽舍B-1-2004", "香榭丽舍·B-1-2004", "香榭丽舍B栋1单元2004室"),
        ("巴塞罗纳B-1-2004", "巴塞罗纳·B-1-2004", "巴塞罗纳B栋1单元2004室"),
        ("香榭B栋1单元2004室", "香榭丽舍·B-1-2004", "香榭丽舍B栋1单元2004室"),
        ("一期 B-1-2004", "香榭丽舍·B-1-2004", "香榭丽舍B栋1单元2004室"),
        ("第二期B-1-2004", "巴塞罗纳·B-1-2004", "巴塞罗纳B栋1单元2004室"),
        ("巴塞·12号别墅", "巴塞罗纳·别墅12", "巴塞罗纳12号别墅"),
        ("B-1-2004", "B-1-2004", "B栋1单元2004室"),  # a unit outside any phase
    ],
)
def test_phases_from_the_estate_list(text: str, code: str, display: str) -> None:
    parsed = parse_unit_code(text, phases=PHASES)
    assert (str(parsed), parsed.display) == (code, display)
    assert parse_unit_code(display, phases=PHASES) == parsed
    assert parse_unit_code(code, phases=PHASES) == parsed


def test_the_same_code_in_two_phases_is_two_units() -> None:
    first, second = parse_unit_code("香榭丽舍B-1-2004", phases=PHASES), parse_unit_code("巴塞B-1-2004", phases=PHASES)
    assert first != second
    assert len({first, second, parse_unit_code("一期B栋1单元2004", phases=PHASES)}) == 2


def test_an_unknown_phase_is_named_with_the_estate_phases() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_unit_code("三期3-2-1201", phases=PHASES)
    assert caught.value.message == (
        "房号“三期3-2-1201”中的分区“三期”不在本小区的分区中（香榭丽舍、巴塞罗纳），"
        "请检查 recordkit.toml 的 [[office.phases]]"
    )


def test_a_spelling_given_to_two_phases_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        phase_spellings([PhaseSettings("一期", ("东区",)), PhaseSettings("二期", ("东区",))])
    assert caught.value.message == "分区写法“东区”同时属于“一期”和“二期”"


@pytest.mark.parametrize(
    ("cell", "phases", "expected"),
    [
        (2, None, "二期"),  # a bare number in a 分期 column is that 期, never a phase called "2"
        (2.0, None, "二期"),
        ("２", None, "二期"),
        ("2期", None, "二期"),
        ("第二期", None, "二期"),
        ("A区", None, "A区"),
        (1, PHASES, "香榭丽舍"),
        (2, PHASES, "巴塞罗纳"),
        ("香榭", PHASES, "香榭丽舍"),
    ],
)
def test_a_phase_cell(cell: Any, phases: Any, expected: str) -> None:
    assert parse_phase(cell, phases) == expected


@pytest.mark.parametrize(
    ("cell", "phases", "message"),
    [
        ("B2", None, "分期“B2”无效，应写分区名称，例如 二期、第二期、2期 或 A区"),
        (3, PHASES, "分期“3”不在本小区的分区中（香榭丽舍、巴塞罗纳），请检查 recordkit.toml 的 [[office.phases]]"),
    ],
)
def test_a_phase_cell_naming_no_phase(cell: Any, phases: Any, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_phase(cell, phases)
    assert caught.value.message == message


# -- cells of a roster -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "options", "expected"),
    [
        (("九幢", "二单元", "101"), {}, "9-2-101"),
        ((3, 0, 101), {}, "商铺3-101"),  # 单元 0 is a number: a shop
        ((3.0, "0", "101室"), {}, "商铺3-101"),
        ((3, -1, 5), {}, "储藏室3-5"),  # 单元 -1: the basement storerooms
        (("3栋", "-1", "05"), {}, "储藏室3-05"),
        ((5, None, 1201), {"kind": "住宅"}, "5-1201"),
        (("A座", "", "1201室"), {"kind": "住宅"}, "A-1201"),
        ((None, None, "B1-023"), {"kind": "停车位"}, "车位B1-023"),
        ((None, None, "A12"), {"kind": "独栋别墅"}, "别墅A12"),
        (("1栋", None, "101"), {"kind": "底商"}, "商铺1-101"),
        (("B", 1, 2004), {"phase": "香榭", "phases": PHASES}, "香榭丽舍·B-1-2004"),
        (("B", 1, 2004), {"phase": "2期"}, "二期·B-1-2004"),
    ],
)
def test_unit_code_from_parts_of_every_kind(
    cells: tuple[Any, Any, Any], options: dict[str, Any], expected: str
) -> None:
    assert str(unit_code_from_parts(*cells, **options)) == expected


@pytest.mark.parametrize(
    ("cells", "options", "message"),
    [
        ((5, None, 1201), {}, "单元不能为空，请填写单元"),  # without a kind, 单元 is still asked for
        ((5, None, 12), {"kind": "住宅"}, "房号“12”无效：没有单元的楼栋，房号应至少三位，例如 1201 或 305"),
        ((5025, None, 1201), {"kind": "住宅"}, "楼栋“5025”无效：没有单元的楼栋号最多三位数字，例如 5、A12"),
        ((None, None, None), {"kind": "车位"}, "房号不能为空，请填写车位编号，例如 车位B1-023 或 地下车位023"),
        (
            (None, None, "B1-023"),
            {"kind": "车库位"},
            "房屋类型“车库位”无效，应为 住宅、别墅、商铺、车位、储藏室 之一（或 地下室、底商、停车位 等）",
        ),
    ],
)
def test_unit_code_from_parts_says_what_is_wrong(
    cells: tuple[Any, Any, Any], options: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        unit_code_from_parts(*cells, **options)
    assert caught.value.message == message


@pytest.mark.parametrize(
    ("text", "kind"),
    [("住宅", "住宅"), ("普通住宅", "住宅"), ("联排别墅", "别墅"), ("底商", "商铺"), ("门面", "商铺"),
     ("停车位", "车位"), ("车库", "车位"), ("地下室", "储藏室"), ("储物间", "储藏室"), (" 商 铺 ", "商铺")],
)  # fmt: skip
def test_parse_unit_kind(text: str, kind: str) -> None:
    assert parse_unit_kind(text) == kind


# -- codes inside file names and documents ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("车位B1-023_租赁合同.pdf", ["车位B1-023"]),
        ("地下车位 B1-023 产权证明.pdf", ["车位B1-023"]),
        ("12号别墅_装修申请.jpg", ["别墅12"]),
        ("商铺S-101 租赁合同.docx", ["商铺S-101"]),
        ("5栋1201室 入伙资料.pdf", ["5-1201"]),
        ("九幢二单元101 产权证明.pdf", ["9-2-101"]),
        ("储藏室12 购买合同.pdf", ["储藏室12"]),
        ("3-2-1201 与 车位B1-023 一并办理.pdf", ["3-2-1201", "车位B1-023"]),
        # A building without 单元 has at most three digits: codes run together yield what they can
        ("十二号楼3单元5025栋1201室", ["12-3-5025"]),
        ("5025栋1201室 和 3-2-1201", ["3-2-1201"]),
        ("999栋1201室", ["999-1201"]),
    ],
)
def test_find_unit_codes_of_new_kinds(text: str, expected: list[str]) -> None:
    assert [str(code) for code in find_unit_codes(text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "3号楼2026年维保记录.pdf",  # a building and a year: no unit without 室
        "5栋电梯 2026-11-02.pdf",
        "车位20261102.pdf",  # a date is no parking number
        "别墅区绿化养护.docx",
        "停车场 1201 收费标准.pdf",
        "巡检_2024-05.pdf",
        "SJ2026-000001.docx",
        "5-1201.pdf",  # building-room without markers is too weak inside a file name
    ],
)
def test_find_unit_code_takes_no_false_codes(text: str) -> None:
    assert find_unit_code(text) is None


@pytest.mark.parametrize("text", ["5025栋1201室", "1000栋101", "5025栋3楼5号"])
def test_a_four_digit_building_without_unit_is_refused_in_chinese(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_unit_code(text)
    assert caught.value.message.startswith(f"房号“{text}”无法识别，应写成 楼栋-单元-房号")


# -- the ledger: kinds stored, fees by kind --------------------------------------------------------

OPERATOR = "王芳"
# 楼栋 单元 房号 建筑面积 业主姓名 联系电话 身份证号 入住日期 状态
MIXED_ROWS: list[list[Any]] = [
    ["1", "1", "101", 100.0, "张伟", None, None, None, "已交付"],
    [None, None, "12号别墅", 320.5, "王建国", None, None, None, "已交付"],
    [None, None, "商铺S-101", 85.2, "刘洋", None, None, None, "已交付"],
    [None, None, "车位B1-023", 12.5, "陈静", None, None, None, "已交付"],  # owns no flat
    [None, None, "地下车位B1-024", 12.5, "张伟", None, None, None, "已交付"],
    [None, None, "5栋1201室", 90.0, "赵敏", None, None, None, "已交付"],
]


def _mixed_estate(ledger: Ledger, folder: Path) -> None:
    import_owners(ledger, write_sheet(folder / "名册.xlsx", MIXED_ROWS), OPERATOR)


def _bills_by_unit(ledger: Ledger, month: str) -> dict[tuple[str, str], int]:
    query = (
        sa.select(units.c.code, fee_items.c.name, bills.c.amount_fen)
        .select_from(
            bills.join(units, bills.c.unit_id == units.c.id).join(fee_items, bills.c.item_id == fee_items.c.id)
        )
        .where(bills.c.month == month)
    )
    with ledger.read() as conn:
        return {(row.code, row.name): row.amount_fen for row in conn.execute(query)}


def test_units_of_every_kind_are_stored_and_listed_with_their_display_form(ledger: Ledger, tmp_path: Path) -> None:
    _mixed_estate(ledger, tmp_path)
    with ledger.read() as conn:
        stored = {r.code: (r.kind, r.phase, r.building, r.entrance, r.room) for r in conn.execute(sa.select(units))}
    assert stored == {
        "1-1-101": ("住宅", "", "1", "1", "101"),
        "5-1201": ("住宅", "", "5", "", "1201"),
        "别墅12": ("别墅", "", "", "", "12"),
        "商铺S-101": ("商铺", "", "", "", "S-101"),
        "车位B1-023": ("车位", "", "", "", "B1-023"),
        "车位B1-024": ("车位", "", "", "", "B1-024"),
    }
    listed = [(v.to_dict()["unit"], v.to_dict()["display"]) for v in list_units(ledger)]
    assert listed == [
        ("1-1-101", "1栋1单元101室"),
        ("5-1201", "5栋1201室"),
        ("别墅12", "12号别墅"),
        ("商铺S-101", "商铺S-101"),
        ("车位B1-023", "地下车位B1-023"),
        ("车位B1-024", "地下车位B1-024"),
    ]
    view, holdings = show_unit(ledger, "地下车位 B1-024")
    assert (view.to_dict()["kind"], view.to_dict()["owner"], holdings) == ("车位", "张伟", ["1-1-101", "车位B1-024"])


def test_fees_by_kind_bill_each_kind_at_its_own_rate(ledger: Ledger, tmp_path: Path) -> None:
    _mixed_estate(ledger, tmp_path)
    add_rule(ledger, OPERATOR, "物业服务费", "area", "2.35", "2026-01", unit_kinds=["住宅"])
    add_rule(ledger, OPERATOR, "别墅物业服务费", "area", "3.20", "2026-01", unit_kinds=["别墅"])
    add_rule(ledger, OPERATOR, "商铺物业服务费", "area", "4.50", "2026-01", unit_kinds=["商铺"])
    add_rule(ledger, OPERATOR, "车位管理费", "fixed", "80", "2026-01", unit_kinds=["停车位"])
    add_rule(ledger, OPERATOR, "公共能耗分摊", "fixed", "5", "2026-01")  # every kind
    summary = bill_month(ledger, "2026-11", OPERATOR, advance=True)
    assert summary.created == 12
    assert _bills_by_unit(ledger, "2026-11") == {
        ("1-1-101", "物业服务费"): 23500,  # 100.00 ㎡ × 2.35
        ("5-1201", "物业服务费"): 21150,  # 90.00 ㎡ × 2.35
        ("别墅12", "别墅物业服务费"): 102560,  # 320.50 ㎡ × 3.20
        ("商铺S-101", "商铺物业服务费"): 38340,  # 85.20 ㎡ × 4.50
        ("车位B1-023", "车位管理费"): 8000,  # per parking space, its owner holds no flat
        ("车位B1-024", "车位管理费"): 8000,
        ("1-1-101", "公共能耗分摊"): 500,
        ("5-1201", "公共能耗分摊"): 500,
        ("别墅12", "公共能耗分摊"): 500,
        ("商铺S-101", "公共能耗分摊"): 500,
        ("车位B1-023", "公共能耗分摊"): 500,
        ("车位B1-024", "公共能耗分摊"): 500,
    }
    # A later rate keeps the kinds unless told otherwise; widening them bills the villa too.
    set_rule(ledger, OPERATOR, "车位管理费", "2026-12", rate_text="100")
    set_rule(ledger, OPERATOR, "商铺物业服务费", "2026-12", unit_kinds=["商铺", "别墅"])
    bill_month(ledger, "2026-12", OPERATOR, advance=True)
    december = _bills_by_unit(ledger, "2026-12")
    assert december[("车位B1-023", "车位管理费")] == 10000
    assert ("1-1-101", "车位管理费") not in december
    assert december[("别墅12", "商铺物业服务费")] == 144225  # 320.50 × 4.50 = 1442.25
    rates = {item.name: item.rates[-1].unit_kinds for item in list_rules(ledger)}
    assert rates["商铺物业服务费"] == frozenset({"商铺", "别墅"})
    assert rates["公共能耗分摊"] is None


def test_fee_kinds_from_recordkit_toml(ledger: Ledger, tmp_path: Path) -> None:
    _mixed_estate(ledger, tmp_path)
    settings = FeesSettings(
        items=(
            FeeItemSettings("车位管理费", "fixed", "60", "2026-01", unit_kinds=("车位",)),
            FeeItemSettings("商铺物业服务费", "area", "4.5", "2026-01", unit_kinds=("商铺", "底商")),
        )
    )
    assert sync_rules(ledger, settings, OPERATOR).added == ("车位管理费", "商铺物业服务费")
    bill_month(ledger, "2026-11", OPERATOR, advance=True)
    assert _bills_by_unit(ledger, "2026-11") == {
        ("车位B1-023", "车位管理费"): 6000,
        ("车位B1-024", "车位管理费"): 6000,
        ("商铺S-101", "商铺物业服务费"): 38340,
    }


def test_a_wrong_kind_in_recordkit_toml_names_the_item(ledger: Ledger) -> None:
    settings = FeesSettings(items=(FeeItemSettings("车位管理费", "fixed", "60", "2026-01", unit_kinds=("车库位",)),))
    with pytest.raises(ConfigError) as caught:
        sync_rules(ledger, settings, OPERATOR)
    assert caught.value.message == (
        "recordkit.toml 的第 1 个 [[fees.items]]（车位管理费）有误：房屋类型“车库位”无效，"
        "应为 住宅、别墅、商铺、车位、储藏室 之一（或 地下室、底商、停车位 等）"
    )


def test_two_phases_with_the_same_code_import_as_two_units(ledger: Ledger, tmp_path: Path) -> None:
    rows = [
        [None, None, "香榭丽舍·B-1-2004", 120.0, "孙丽", None, None, None, "已交付"],
        [None, None, "巴塞罗纳·B-1-2004", 130.0, "周强", None, None, None, "已交付"],
    ]
    import_owners(ledger, write_sheet(tmp_path / "两期.xlsx", rows), OPERATOR)
    listed = {v.to_dict()["unit"]: (v.to_dict()["phase"], v.to_dict()["display"]) for v in list_units(ledger)}
    assert listed == {
        "香榭丽舍·B-1-2004": ("香榭丽舍", "香榭丽舍B栋1单元2004室"),
        "巴塞罗纳·B-1-2004": ("巴塞罗纳", "巴塞罗纳B栋1单元2004室"),
    }


def test_messages_hold_no_english_word() -> None:
    texts = ["3-2", "AB-2-101", "3-123-101", "车位@@", "别墅", "3栋2单元"]
    for text in texts:
        with pytest.raises(ValidationError) as caught:
            parse_unit_code(text)
        # Only what the clerk wrote (quoted) and the examples' unit letters (A3, S-101, B1-023) may be Latin.
        words = re.findall(r"[A-Za-z]{2,}", re.sub("“[^”]*”", "", caught.value.message))
        assert words == [], caught.value.message


def test_phases_in_recordkit_toml(tmp_path: Path) -> None:
    config = tmp_path / "recordkit.toml"
    config.write_text(
        '[[office.phases]]\nname = "香榭丽舍"\nspellings = ["香榭", "一期"]\n\n'
        '[[office.phases]]\nname = "巴塞罗纳"\nspellings = ["二期"]\n',
        encoding="utf-8",
    )
    table = load_settings(config, environ={}).office.phase_table()
    assert str(parse_unit_code("一期B-1-2004", phases=table)) == "香榭丽舍·B-1-2004"
    assert str(parse_unit_code("二期B-1-2004", phases=table)) == "巴塞罗纳·B-1-2004"
    assert load_settings(None, environ={}).office.phase_table() == {}


def test_a_phase_spelt_twice_in_recordkit_toml_is_a_config_error(tmp_path: Path) -> None:
    config = tmp_path / "recordkit.toml"
    config.write_text(
        '[[office.phases]]\nname = "一期"\nspellings = ["东区"]\n\n[[office.phases]]\nname = "二期"\nspellings = ["东区"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(config, environ={})
    assert caught.value.message == "[[office.phases]] 有误：分区写法“东区”同时属于“一期”和“二期”"


def test_a_problem_in_a_column_the_sheet_lacks_is_named_in_chinese(ledger: Ledger, tmp_path: Path) -> None:
    # (A sheet without a 单元 column is an estate without 单元; one without 楼栋 lacks a part.)
    sheet = write_sheet(tmp_path / "无楼栋.xlsx", [[1, 1201, 90.0]], headers=("单元", "房号", "建筑面积"))
    with pytest.raises(ValidationError) as caught:
        import_owners(ledger, sheet, OPERATOR)
    assert [str(problem) for problem in caught.value.problems] == ["第 2 行（楼栋）：楼栋不能为空，请填写楼栋"]


def test_the_monthly_report_groups_units_without_a_building_by_kind(ledger: Ledger, tmp_path: Path) -> None:
    _mixed_estate(ledger, tmp_path)
    rows = [[None, None, "二期·1-1-101", 100.0, "孙丽", None, None, None, "已交付"]]
    import_owners(ledger, write_sheet(tmp_path / "二期.xlsx", rows), OPERATOR)
    add_rule(ledger, OPERATOR, "公共能耗分摊", "fixed", "5", "2026-01")
    bill_month(ledger, "2026-11", OPERATOR, advance=True)
    with ledger.read() as conn:
        figures = fee_figures(conn, parse_month("2026-11"))
    # 1-1-101 and 5-1201 under their buildings, the rest by kind, the phase's flat under 二期1 after (as the lists).
    assert [(line.label, line.billed) for line in figures.by_building] == [
        ("1", 500),
        ("5", 500),
        ("别墅", 500),
        ("商铺", 500),
        ("车位", 1000),
        ("二期1", 500),
    ]


def test_a_batch_to_villas_is_named_by_their_kind() -> None:
    villas = [Recipient("别墅12", "", "王建国"), Recipient("别墅A3", "", "李强")]
    assert scope_label(villas) == "别墅"
    assert scope_label([Recipient("3-2-1201", "3", "张伟"), Recipient("3-2-1202", "3", None)]) == "3栋"
    assert scope_label([*villas, Recipient("3-2-1201", "3", "张伟")]) == "全体"


def import_two_phases(run_cli: Any, workspace: Workspace) -> None:
    """An estate of two named phases (香榭丽舍, also 香榭/一期; 巴塞罗纳, also 二期), each with its B-1-2004."""
    config = workspace.root / "recordkit.toml"
    config.write_text(
        config.read_text(encoding="utf-8") + '\n[[office.phases]]\nname = "香榭丽舍"\nspellings = ["香榭", "一期"]\n'
        '\n[[office.phases]]\nname = "巴塞罗纳"\nspellings = ["二期"]\n',
        encoding="utf-8",
    )
    rows = [
        [None, None, "香榭丽舍·B-1-2004", 120.0, "孙丽", None, None, None, "已入住"],
        [None, None, "巴塞罗纳·B-1-2004", 120.0, "周强", None, None, None, "已入住"],
    ]
    sheet = write_sheet(workspace.root / "名册.xlsx", rows)
    assert run_cli("owners", "import", str(sheet)).exit_code == 0


def test_the_counter_reads_a_phase_written_without_its_dot(run_cli: Any, workspace: Workspace) -> None:
    # Clerks of an estate with phases type the phase's name (or another spelling) before the code,
    # as on the roster: every command that takes a unit reads it with the estate's phases.
    import_two_phases(run_cli, workspace)
    account = run_cli("fees", "account", "二期B-1-2004")
    assert account.exit_code == 0, account.output
    assert "对账单：房屋 巴塞罗纳·B-1-2004（业主 周强）" in account.stdout
    order = run_cli(
        "workorder", "add", "--type", "报修", "--unit", "香榭B栋1单元2004室", "--category", "门窗", "--desc", "门锁坏"
    )
    assert order.exit_code == 0, order.output
    listed = run_cli("workorder", "list", "--unit", "一期B-1-2004", "--json")
    assert [row["unit"] for row in json.loads(listed.stdout)] == ["香榭丽舍·B-1-2004"]
    unknown = run_cli("fees", "account", "三期B-1-2004")
    assert unknown.exit_code == 5
    assert "分区“三期”不在本小区的分区中（香榭丽舍、巴塞罗纳）" in unknown.stderr


def test_a_parking_space_without_an_area_is_imported_and_billed_at_its_fixed_fee(
    ledger: Ledger, tmp_path: Path
) -> None:
    """Parking spaces are exported from other systems with the area blank or 0 (they are sold and charged by
    the space): such a roster was refused row by row ("不能为空", "0 应大于 0").  A flat still needs its area;
    an area rule that reaches a parking space without one makes no bill and ``fees bill`` names the space."""
    rows = [
        ["1", "1", "101", 100.0, "张伟", None, None, None, "已交付"],
        [None, None, "车位B1-023", None, "陈静", None, None, None, "已交付"],
        [None, None, "车位B1-024", 0, "张伟", None, None, None, "已交付"],
        [None, None, "车位B1-025", "0.00", "刘洋", None, None, None, "已交付"],
    ]
    summary = import_owners(ledger, write_sheet(tmp_path / "名册.xlsx", rows), OPERATOR)
    assert summary.units_created == 4
    with ledger.read() as conn:
        areas = dict(conn.execute(sa.select(units.c.code, units.c.floor_area_hundredths)).all())
    assert areas == {"1-1-101": 10000, "车位B1-023": 0, "车位B1-024": 0, "车位B1-025": 0}
    add_rule(ledger, OPERATOR, "车位管理费", "fixed", "80", "2026-01", unit_kinds=["车位"])
    add_rule(ledger, OPERATOR, "物业服务费", "area", "2.35", "2026-01")  # every kind, parking spaces too
    billed = bill_month(ledger, "2026-11", OPERATOR, advance=True)
    assert _bills_by_unit(ledger, "2026-11") == {
        ("1-1-101", "物业服务费"): 23500,
        ("车位B1-023", "车位管理费"): 8000,
        ("车位B1-024", "车位管理费"): 8000,
        ("车位B1-025", "车位管理费"): 8000,
    }
    assert billed.without_area == {"物业服务费": ["车位B1-023", "车位B1-024", "车位B1-025"]}


@pytest.mark.parametrize("area", [None, 0])
def test_a_flat_villa_shop_or_storeroom_still_needs_its_area(ledger: Ledger, tmp_path: Path, area: Any) -> None:
    rows = [
        ["1", "1", "101", area, "张伟", None, None, None, "已交付"],
        [None, None, "12号别墅", area, "王建国", None, None, None, "已交付"],
        [None, None, "商铺S-101", area, "刘洋", None, None, None, "已交付"],
        [None, None, "储藏室12", area, "陈静", None, None, None, "已交付"],
    ]
    with pytest.raises(ValidationError) as caught:
        import_owners(ledger, write_sheet(tmp_path / "名册.xlsx", rows), OPERATOR)
    reason = "不能为空" if area is None else "0 应大于 0"
    assert [str(p) for p in caught.value.problems] == [f"第 {n} 行 D 列（建筑面积）：{reason}" for n in (2, 3, 4, 5)]


def test_fees_bill_names_the_parking_spaces_an_area_rule_did_not_bill(run_cli: Any, workspace: Workspace) -> None:
    rows = [["1", "1", "101", 100.0, "张伟", None, None, None, "已交付"]] + [
        [None, None, f"车位B1-0{n}", None, "陈静", None, None, None, "已交付"] for n in range(21, 25)
    ]
    assert run_cli("owners", "import", str(write_sheet(workspace.root / "名册.xlsx", rows))).exit_code == 0
    assert (
        run_cli("fees", "rules", "add", "物业服务费", "--kind", "area", "--rate", "2.35", "--from", "2026-01").exit_code
        == 0
    )
    result = run_cli("fees", "bill", "--month", "2026-11")
    assert result.exit_code == 0, result.stderr
    assert "物业服务费：4 户没有建筑面积，未按面积出账（车位B1-021、车位B1-022、车位B1-023 等）" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("owners", "show", "B-1-2004"),
        ("owners", "contact", "list", "--unit", "B-1-2004"),
        ("owners", "contact", "add", "B-1-2004", "李娜", "--relation", "家属"),
        ("fees", "account", "B-1-2004"),
        ("workorder", "list", "--unit", "B-1-2004"),
        ("receipt", "list", "--unit", "B-1-2004"),
        (
            "renovation",
            "register",
            "B-1-2004",
            "--contractor",
            "好家装饰",
            "--manager",
            "王强",
            "--phone",
            "13600001111",
        )
        + ("--start", "2026-12-10", "--end", "2027-01-10", "--date", "2026-12-01"),
    ],
)
def test_a_unit_without_its_phase_names_the_units_of_that_code_in_the_phases(
    run_cli: Any, workspace: Workspace, args: tuple[str, ...]
) -> None:
    """In an estate of phases, ``owners show B-1-2004`` said only 台账中没有房屋 B-1-2004 (as for a typo) though
    香榭丽舍 and 巴塞罗纳 each have one; every command refusing an unknown unit now names them."""
    import_two_phases(run_cli, workspace)
    result = run_cli(*args)
    assert (result.exit_code, result.stderr.strip()) == (
        6,
        "错误：台账中没有房屋 B-1-2004：是不是指 巴塞罗纳·B-1-2004 或 香榭丽舍·B-1-2004？",
    ), result.output


def test_a_unit_in_the_wrong_phase_names_the_one_in_the_right_phase(run_cli: Any, workspace: Workspace) -> None:
    import_two_phases(run_cli, workspace)
    assert run_cli("owners", "show", "香榭B-1-2004").exit_code == 0
    result = run_cli("fees", "account", "香榭B-1-2005")
    assert (result.exit_code, result.stderr.strip()) == (
        6,
        "错误：台账中没有房屋 香榭丽舍·B-1-2005：请用 recordkit owners list 查看已有房号",
    )


def test_a_work_order_for_a_unit_without_its_phase_names_the_units_in_the_phases(
    run_cli: Any, workspace: Workspace
) -> None:
    """``workorder add --unit B-1-2004`` words its refusal itself (公共区域请用 --place): it names them too, the advice
    a sentence of its own before the question (it was glued after the ？: …香榭丽舍·B-1-2004？公共区域请用 --place)."""
    import_two_phases(run_cli, workspace)
    args = ("workorder", "add", "--type", "报修", "--category", "门窗", "--desc", "门锁坏", "--unit")
    result = run_cli(*args, "B-1-2004")
    assert (result.exit_code, result.stderr.strip()) == (
        6,
        "错误：台账中没有房屋 B-1-2004，公共区域请用 --place。是不是指 巴塞罗纳·B-1-2004 或 香榭丽舍·B-1-2004？",
    )
    typo = run_cli(*args, "9-9-909")
    assert (typo.exit_code, typo.stderr.strip()) == (
        6,
        "错误：台账中没有房屋 9-9-909：请用 recordkit owners list 查看已有房号，公共区域请用 --place",
    )


def test_fees_bill_for_units_without_their_phase_names_the_units_in_the_phases(
    run_cli: Any, workspace: Workspace
) -> None:
    """``fees bill --unit B-1-2004`` worded its refusal itself: 台账中没有房屋 B-1-2004：请用 recordkit owners list…, as
    for a typo; now each unit of several is asked about, by the one refusal."""
    import_two_phases(run_cli, workspace)
    one = run_cli("fees", "bill", "--month", "2026-11", "--unit", "B-1-2004")
    assert (one.exit_code, one.stderr.strip()) == (
        6,
        "错误：台账中没有房屋 B-1-2004：是不是指 巴塞罗纳·B-1-2004 或 香榭丽舍·B-1-2004？",
    )
    several = run_cli("fees", "bill", "--month", "2026-11", "--unit", "B-1-2004", "--unit", "9-9-909")
    assert (several.exit_code, several.stderr.strip()) == (
        6,
        "错误：台账中没有房屋 9-9-909、B-1-2004（是不是指 巴塞罗纳·B-1-2004 或 香榭丽舍·B-1-2004？）："
        "请用 recordkit owners list 查看已有房号",
    )


def test_a_fee_rule_for_a_unit_without_its_phase_names_the_units_in_the_phases(
    run_cli: Any, workspace: Workspace
) -> None:
    import_two_phases(run_cli, workspace)
    args = ("fees", "rules", "add", "储藏室管理费", "--kind", "fixed", "--rate", "10", "--from", "2026-01", "--unit")
    result = run_cli(*args, "B-1-2004")
    assert (result.exit_code, result.stderr.strip()) == (
        6,
        "错误：台账中没有房屋 B-1-2004，--unit 只能写已有的房屋。是不是指 巴塞罗纳·B-1-2004 或 香榭丽舍·B-1-2004？",
    )
    typo = run_cli(*args, "9-9-909")
    assert (typo.exit_code, typo.stderr.strip()) == (
        6,
        "错误：台账中没有房屋 9-9-909：请用 recordkit owners list 查看已有房号，--unit 只能写已有的房屋",
    )


def test_a_readings_row_of_a_unit_without_its_phase_names_the_units_in_the_phases(
    run_cli: Any, workspace: Workspace
) -> None:
    import_two_phases(run_cli, workspace)
    assert (
        run_cli("fees", "rules", "add", "水费", "--kind", "metered", "--rate", "3.5", "--from", "2026-01").exit_code
        == 0
    )
    sheet = write_sheet(
        workspace.root / "水表.xlsx",
        [["B-1-2004", 10, 20], ["香榭B-1-2004", 10, 20]],
        headers=("房号", "上期读数", "本期读数"),
    )
    result = run_cli("fees", "readings", str(sheet), "--month", "2026-11", "--item", "水费")
    assert result.exit_code == 5
    assert result.stderr.splitlines() == [
        "错误：水表.xlsx 有 1 处错误，没有导入任何读数",
        "  第 2 行 A 列（房号）：台账中没有房屋 B-1-2004：是不是指 巴塞罗纳·B-1-2004 或 香榭丽舍·B-1-2004？",
    ]


def test_a_notice_row_of_a_unit_without_its_phase_names_the_units_in_the_phases(
    run_cli: Any, workspace: Workspace
) -> None:
    import_two_phases(run_cli, workspace)
    sheet = write_sheet(
        workspace.root / "整改名单.xlsx",
        [["B-1-2004", "噪音", "2026年12月10日"], ["9-9-909", "噪音", "2026年12月10日"]],
        headers=("房号", "违规事项", "整改期限"),
    )
    result = run_cli("notice", "batch", "装修违规整改通知", str(sheet))
    assert result.exit_code == 5
    assert result.stderr.splitlines() == [
        "错误：整改名单.xlsx 有 2 处错误，没有生成任何通知",
        "  第 2 行 A 列（房号）：台账中没有房屋 B-1-2004：是不是指 巴塞罗纳·B-1-2004 或 香榭丽舍·B-1-2004？",
        "  第 3 行 A 列（房号）：台账中没有房屋 9-9-909",
    ]


def test_a_scan_named_with_a_unit_without_its_phase_asks_in_its_review_reason(
    run_cli: Any, workspace: Workspace
) -> None:
    import_two_phases(run_cli, workspace)
    scan = workspace.root / "B-1-2004_产权证明_20261101.pdf"
    scan.write_bytes(text_pdf(["Certificate of title"]))
    filed = run_cli("file", str(scan))
    assert filed.exit_code == 0, filed.output
    review = run_cli("archive", "review", "--json")
    assert [item["review_reasons"] for item in json.loads(review.stdout)] == [
        ["台账中没有房屋 B-1-2004：是不是指 巴塞罗纳·B-1-2004 或 香榭丽舍·B-1-2004？"]
    ]


def test_a_fee_item_of_recordkit_toml_reads_its_units_with_the_estates_phases(
    run_cli: Any, workspace: Workspace
) -> None:
    """``units = ["香榭B-1-2004", "二期B栋1单元2004室"]`` of a ``[[fees.items]]`` was read without the estate's phases:
    the sync refused 香榭B as a building, though ``fees rules add --unit 香榭B-1-2004`` takes it; the phase-qualified
    form the refusals print (香榭丽舍·B-1-2004) is taken too."""
    import_two_phases(run_cli, workspace)
    config = workspace.root / "recordkit.toml"
    config.write_text(
        config.read_text(encoding="utf-8") + '\n[[fees.items]]\nname = "电梯费"\nkind = "fixed"\nrate = "20"\n'
        'effective_from = "2026-09"\nunits = ["香榭B-1-2004", "二期B栋1单元2004室"]\n',
        encoding="utf-8",
    )
    synced = run_cli("fees", "rules", "sync")
    assert synced.exit_code == 0, synced.output
    listed = json.loads(run_cli("fees", "rules", "list", "--json").stdout)
    assert [row["units"] for row in listed if row["item"] == "电梯费"] == [["巴塞罗纳·B-1-2004", "香榭丽舍·B-1-2004"]]
