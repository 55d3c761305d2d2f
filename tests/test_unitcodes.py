"""Unit codes: every spelling the office writes, parts from Excel, codes in file names."""

from __future__ import annotations

import dataclasses
import random

import pytest

from recordkit.core.errors import ValidationError
from recordkit.core.unitcodes import (
    UnitCode,
    find_unit_code,
    parse_unit_code,
    unit_code_from_parts,
)

EXPECTED_FORM = (
    "应写成 楼栋-单元-房号，例如 3-2-1201 或 5栋1201室（别墅、商铺、车位如 12号别墅、商铺S-101、车位B1-023）"
)
PART_HINT = "房号可写成 3-2-1201 或 3栋2单元1201室"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3-2-1201", "3-2-1201"),
        ("3-2-1201室", "3-2-1201"),
        ("3栋2单元1201", "3-2-1201"),
        ("3栋2单元1201室", "3-2-1201"),
        ("3幢2单元1201", "3-2-1201"),
        ("3号楼2单元1201", "3-2-1201"),
        ("3号楼2单元1201室", "3-2-1201"),
        ("3#2-1201", "3-2-1201"),
        ("3#楼2单元1201", "3-2-1201"),
        ("3栋-2单元-1201", "3-2-1201"),
        ("3 栋 2 单元 1201 室", "3-2-1201"),
        ("3_2_1201", "3-2-1201"),
        ("3/2/1201", "3-2-1201"),
        ("  3-2-1201  ", "3-2-1201"),
        ("3 - 2 - 1201", "3-2-1201"),
        ("\u30003-2-1201\u3000", "3-2-1201"),  # ideographic spaces
        # full width: digits, dash, number sign, letters
        ("３－２－１２０１", "3-2-1201"),
        ("３栋２单元１２０１室", "3-2-1201"),
        ("３＃２－１２０１", "3-2-1201"),
        ("Ａ３－２－１２０１", "A3-2-1201"),
        # dashes copied from Word or typed with a Chinese input method
        ("3—2—1201", "3-2-1201"),
        ("3–2–1201", "3-2-1201"),
        ("3－2－1201", "3-2-1201"),
        ("3——2——1201", "3-2-1201"),
        ("3−2−1201", "3-2-1201"),
        # lettered buildings, rooms with a letter
        ("A3-2-1201", "A3-2-1201"),
        ("a3栋2单元1201", "A3-2-1201"),
        ("B栋2单元301", "B-2-301"),
        ("A座2单元1201", "A-2-1201"),
        ("3-2-1201A", "3-2-1201A"),
        ("3-2-1201a", "3-2-1201A"),
        ("3栋2单元1201A室", "3-2-1201A"),
        # leading zeros
        ("03-02-0101", "3-2-101"),
        ("A03-02-0101", "A3-2-101"),
        ("10-12-2", "10-12-2"),
        # first part of 4 digits, but month 13 is no date: a unit code
        ("2026-13-02", "2026-13-2"),
    ],
)
def test_parse_unit_code_accepts_every_office_spelling(text: str, expected: str) -> None:
    assert str(parse_unit_code(text)) == expected


def test_parse_unit_code_returns_the_parts() -> None:
    assert parse_unit_code("A03栋02单元0101b室") == UnitCode("A3", "2", "101B")


@pytest.mark.parametrize(
    "text",
    [
        "3-2",  # a building without 单元 numbers its rooms with three digits or more
        "3-2-1201-5",
        "3栋",
        "3栋2单元",
        "3 2 1201",  # spaces alone do not separate parts
        "3-2-12 01",
        "2024-1201",  # a building without 单元 has at most three digits: no year-and-number
        "3+2+1201",
        "2026-11-02",  # a date is not a unit code
        "2026/11/02",
        "2026_1_2",
        "3-2-1201 装修协议",
    ],
)
def test_parse_unit_code_refuses_with_input_and_expected_form(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_unit_code(text)
    assert caught.value.message == f"房号“{text}”无法识别，{EXPECTED_FORM}"


BUILDING_PART = "应为数字或一个字母加数字，例如 3、A3 或 B"
ENTRANCE_PART = "应为数字，例如 2"
ROOM_PART = "应为数字，末尾可带一个字母，例如 1201 或 1201A"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("3-2-1201AB", f"房号“3-2-1201AB”中的房号“1201AB”无效，{ROOM_PART}；{PART_HINT}"),
        ("AB-2-101", f"房号“AB-2-101”中的楼栋“AB”无效，{BUILDING_PART}；{PART_HINT}"),
        ("3A-2-101", f"房号“3A-2-101”中的楼栋“3A”无效，{BUILDING_PART}；{PART_HINT}"),
        ("0-1-101", f"房号“0-1-101”中的楼栋“0”无效，{BUILDING_PART}；{PART_HINT}"),
        ("3-2-0", f"房号“3-2-0”中的房号“0”无效，{ROOM_PART}；{PART_HINT}"),
        ("3-123-101", f"房号“3-123-101”中的单元“123”无效，{ENTRANCE_PART}；{PART_HINT}"),
        ("12345-1-101", f"房号“12345-1-101”中的楼栋“12345”无效，{BUILDING_PART}；{PART_HINT}"),
        ("3-2-123456", f"房号“3-2-123456”中的房号“123456”无效，{ROOM_PART}；{PART_HINT}"),
        # The part is quoted as typed (full-width, lower case), not as it is compared.
        ("3栋二单元x", f"房号“3栋二单元x”中的房号“x”无效，{ROOM_PART}；{PART_HINT}"),
        ("３－２－１２０ＸＹ", f"房号“３－２－１２０ＸＹ”中的房号“１２０ＸＹ”无效，{ROOM_PART}；{PART_HINT}"),
        ("３栋Ｚ单元１０１", f"房号“３栋Ｚ单元１０１”中的单元“Ｚ”无效，{ENTRANCE_PART}；{PART_HINT}"),
        (
            "车位ｂ１－０２３４５６７",
            "房号“车位ｂ１－０２３４５６７”中的车位编号“ｂ１－０２３４５６７”无效，应为字母和数字（可用横线分成至多三段，每段至多5位），"
            "例如 车位B1-023 或 地下车位023",
        ),
        ("车位", "房号“车位”缺少车位编号，例如 车位B1-023 或 地下车位023"),
        (
            "车位@@",
            "房号“车位@@”中的车位编号“@@”无效，应为字母和数字（可用横线分成至多三段，每段至多5位），"
            "例如 车位B1-023 或 地下车位023",
        ),
        ("别墅", "房号“别墅”缺少别墅编号，例如 12号别墅 或 别墅A12"),
    ],
)
def test_parse_unit_code_names_the_wrong_part_with_two_examples(text: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_unit_code(text)
    assert caught.value.message == message
    assert caught.value.exit_code == 5


def test_a_phase_the_estate_lacks_is_quoted_as_typed() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_unit_code("Ｘ区·３－２－１０１", phases={"二期": "二期"})
    assert caught.value.message == (
        "房号“Ｘ区·３－２－１０１”中的分区“Ｘ区”不在本小区的分区中（二期），请检查 recordkit.toml 的 [[office.phases]]"
    )


@pytest.mark.parametrize(
    ("text", "phase", "code"),
    [
        # A code with its dot, as the ledger keeps it, is read back unchanged without the estate's phases: a phase
        # named 第一期 or 2期 stays so (it was read as the generic 一期, 二期: a unit the ledger lacks).
        ("第一期·1-1-101", "第一期", "第一期·1-1-101"),
        ("2期·3-2-1201", "2期", "2期·3-2-1201"),
        ("香榭丽舍·B-1-2004", "香榭丽舍", "香榭丽舍·B-1-2004"),
        ("二期·3-2-1201", "二期", "二期·3-2-1201"),
        # Written without the dot, a common spelling of a phase is still that phase.
        ("第二期3-2-1201", "二期", "二期·3-2-1201"),
        ("2期3栋2单元1201室", "二期", "二期·3-2-1201"),
    ],
)
def test_a_code_with_its_dot_keeps_the_phase_as_named(text: str, phase: str, code: str) -> None:
    parsed = parse_unit_code(text)
    assert (parsed.phase, str(parsed)) == (phase, code)


def test_parse_unit_code_message_example_from_the_brief() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_unit_code("3-2")
    assert str(caught.value) == f"房号“3-2”无法识别，{EXPECTED_FORM}"
    assert caught.value.exit_code == 5


def test_parse_unit_code_quotes_input_without_surrounding_spaces() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_unit_code("  3-2  ")
    assert caught.value.message == f"房号“3-2”无法识别，{EXPECTED_FORM}"


@pytest.mark.parametrize("text", ["", "   ", "\u3000"])
def test_parse_unit_code_refuses_empty_text(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_unit_code(text)
    assert caught.value.message == f"房号不能为空，{EXPECTED_FORM}"


def test_unit_code_str_and_value_semantics() -> None:
    code = UnitCode("3", "2", "1201")
    assert str(code) == "3-2-1201"
    assert code == parse_unit_code("3栋2单元1201室")
    assert len({code, parse_unit_code("3#2-1201"), parse_unit_code("3-2-1202")}) == 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        code.room = "1202"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("building", "entrance", "room"),
    [
        ("03", "2", "1201"),
        ("3", "02", "1201"),
        ("3", "2", "01201"),
        ("3栋", "2", "1201"),
        ("a3", "2", "1201"),
        ("0", "2", "1201"),
        ("", "2", "1201"),
        ("3", "", "12"),  # without 单元 a room has three digits or more
        ("1001", "", "1201"),  # ... and the building at most three
        ("3", "2", "1201a"),
    ],
)
def test_unit_code_refuses_non_canonical_parts(building: str, entrance: str, room: str) -> None:
    with pytest.raises(ValueError):
        UnitCode(building, entrance, room)


def test_sort_key_orders_naturally() -> None:
    natural = [
        "2-1-201",
        "2-1-1201",
        "2-2-101",
        "2-10-101",
        "3-2-201",
        "3-2-1201",
        "3-2-1201A",
        "3-2-1201B",
        "3-2-1202",
        "10-1-101",
        "A1-1-101",
        "A2-1-101",
        "A10-1-101",
        "B-1-101",
    ]
    codes = [parse_unit_code(text) for text in natural]
    shuffled = codes[:]
    random.Random(20261102).shuffle(shuffled)
    assert shuffled != codes
    assert [str(c) for c in sorted(shuffled, key=lambda c: c.sort_key)] == natural


def test_sort_key_orders_phases_by_their_number() -> None:
    # 三期 came before 二期 and 十期 before 第一期: phases were ordered by their characters (三 U+4E09 < 二 U+4E8C)
    natural = [
        "1-1-101",
        "一期·1-1-101",
        "第一期·2-1-101",
        "二期·1-1-101",
        "三期·1-1-101",
        "十期·1-1-101",
        "十一期·1-1-101",
        "二十期·1-1-101",
        "二十三期·1-1-101",
        "A区·1-1-101",
        "B区·1-1-101",
        "巴塞罗纳·1-1-101",
        "香榭丽舍·1-1-101",
    ]
    codes = [parse_unit_code(text) for text in natural]
    shuffled = codes[:]
    random.Random(20261207).shuffle(shuffled)
    assert [str(c) for c in sorted(shuffled, key=lambda c: c.sort_key)] == natural


def test_sort_key_value() -> None:
    # (phase's place, kind, building letter, building number, entrance, room number, room letter, other number)
    none = (0, 0, 0, "", "")
    assert parse_unit_code("3-2-1201").sort_key == (none, 0, "", 3, 2, 1201, "", ())
    assert parse_unit_code("A10-2-1201B").sort_key == (none, 0, "A", 10, 2, 1201, "B", ())
    assert parse_unit_code("B-2-301").sort_key == (none, 0, "B", 0, 2, 301, "", ())


def test_unit_codes_are_not_orderable_by_themselves() -> None:
    # String order would put building 10 before 2; callers must use sort_key.
    with pytest.raises(TypeError):
        sorted([parse_unit_code("10-1-101"), parse_unit_code("2-1-101")])  # type: ignore[type-var]


@pytest.mark.parametrize(
    ("building", "entrance", "room", "expected"),
    [
        ("3", "2", "1201", "3-2-1201"),
        (3, 2, 1201, "3-2-1201"),
        (3.0, 2.0, 1201.0, "3-2-1201"),  # how openpyxl hands numbers over
        ("3栋", "2单元", "1201室", "3-2-1201"),
        ("3幢", "2单元", "1201号", "3-2-1201"),
        ("3号楼", "2", "1201", "3-2-1201"),
        ("3#", "2", "1201", "3-2-1201"),
        ("3#楼", "2", "1201", "3-2-1201"),
        ("3楼", "2", "1201", "3-2-1201"),
        (" 3 栋 ", " 2 单元 ", " 1201 室 ", "3-2-1201"),
        ("３栋", "２单元", "１２０１", "3-2-1201"),
        ("03", "02", "0101", "3-2-101"),
        ("a3", 2, "1201a", "A3-2-1201A"),
        ("b栋", 1, "101", "B-1-101"),
        ("A座", "1", 101.0, "A-1-101"),
        # a CSV's text as pandas and some systems write a number: read as the number cell 101.0 is
        ("3.0", "2.0", "101.0", "3-2-101"),
        ("3", "2", "1201.00", "3-2-1201"),
        ("3", "２", "１２０１.０", "3-2-1201"),
    ],
)
def test_unit_code_from_parts(
    building: str | int | float,
    entrance: str | int | float,
    room: str | int | float,
    expected: str,
) -> None:
    assert str(unit_code_from_parts(building, entrance, room)) == expected


BUILDING_FORM = "应为数字或一个字母加数字，例如 3、A3 或 B"
ENTRANCE_FORM = "应为数字，例如 2"
ROOM_FORM = "应为数字，末尾可带一个字母，例如 1201 或 1201A"


@pytest.mark.parametrize(
    ("building", "entrance", "room", "message"),
    [
        (3.5, 2, 1201, f"楼栋“3.5”无效，{BUILDING_FORM}"),
        (3, 2.5, 1201, f"单元“2.5”无效，{ENTRANCE_FORM}"),
        (3, 2, 1201.5, f"房号“1201.5”无效，{ROOM_FORM}"),
        ("", 2, 1201, "楼栋不能为空，请填写楼栋"),
        (None, 2, 1201, "楼栋不能为空，请填写楼栋"),
        (3, None, 1201, "单元不能为空，请填写单元"),
        (3, "  ", 1201, "单元不能为空，请填写单元"),
        (3, 2, "", "房号不能为空，请填写房号"),
        (0, 2, 1201, f"楼栋“0”无效，{BUILDING_FORM}"),
        (-3, 2, 1201, f"楼栋“-3”无效，{BUILDING_FORM}"),
        (True, 2, 1201, f"楼栋“True”无效，{BUILDING_FORM}"),
        ("栋", 2, 1201, f"楼栋“栋”无效，{BUILDING_FORM}"),
        ("AB", 2, 1201, f"楼栋“AB”无效，{BUILDING_FORM}"),
        ("3-2", 2, 1201, f"楼栋“3-2”无效，{BUILDING_FORM}"),
        (3, "二", 1201, f"单元“二”无效，{ENTRANCE_FORM}"),
        (3, "2栋", 1201, f"单元“2栋”无效，{ENTRANCE_FORM}"),
        (3, 100, 1201, f"单元“100”无效，{ENTRANCE_FORM}"),
        (3, 2, "1201AB", f"房号“1201AB”无效，{ROOM_FORM}"),
        (3, 2, " 12-01 ", f"房号“12-01”无效，{ROOM_FORM}"),
        (3, 2, 0.0, f"房号“0.0”无效，{ROOM_FORM}"),
        (3, 2, "101.5", f"房号“101.5”无效，{ROOM_FORM}"),
        (3, 2, "0.0", f"房号“0.0”无效，{ROOM_FORM}"),
        ("3.50", 2, 1201, f"楼栋“3.50”无效，{BUILDING_FORM}"),
        (3, 2, "101.", f"房号“101.”无效，{ROOM_FORM}"),
        # the first bad part is the one named
        (3.5, "", "x", f"楼栋“3.5”无效，{BUILDING_FORM}"),
    ],
)
def test_unit_code_from_parts_names_the_bad_part(
    building: str | int | float | None,
    entrance: str | int | float | None,
    room: str | int | float | None,
    message: str,
) -> None:
    with pytest.raises(ValidationError) as caught:
        unit_code_from_parts(building, entrance, room)
    assert caught.value.message == message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3-2-1201_产权证明_20261102.pdf", "3-2-1201"),
        ("3栋2单元1201 装修协议.jpg", "3-2-1201"),
        ("业主档案/3#2-1201/产权证明.pdf", "3-2-1201"),
        ("3-2-1201.pdf", "3-2-1201"),
        ("产权证明_3_2_1201.pdf", "3-2-1201"),
        ("20261102_3号楼2单元1201室_装修押金.pdf", "3-2-1201"),
        ("2026-11-02 3-2-1201 收据.pdf", "3-2-1201"),
        ("2026-11-02-3-2-1201.pdf", "3-2-1201"),  # the date does not lend it parts
        ("IMG-20261102-3-2-1201.jpg", "3-2-1201"),
        ("收据SJ2026-000001_3-2-1201.docx", "3-2-1201"),  # a serial with zeros is no building
        ("扫描00001_2-1-301.pdf", "2-1-301"),
        ("扫描件（３－２－１２０１）.pdf", "3-2-1201"),
        ("A3-2-1201A 入伙资料.pdf", "A3-2-1201A"),
        ("第二期B栋1单元0301装修登记.docx", "B-1-301"),
        ("3-2-1201_3-2-1202.pdf", "3-2-1201"),  # the first one wins
    ],
)
def test_find_unit_code_in_file_names(text: str, expected: str) -> None:
    found = find_unit_code(text)
    assert found is not None
    assert str(found) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "20261102",
        "2026-11-02",
        "2026/11/02",
        "2026_11_02",
        "2026-1-2",
        "产权证明_20261102.pdf",
        "扫描_2026-11-02.pdf",
        "2026—11—02 会议纪要.docx",
        "装修协议.pdf",
        "IMG3-2-1201.jpg",  # glued to letters
        "3-2-1201X2.pdf",  # the room runs on into letters and digits
        "联系电话 138-1234-5678.txt",
        "0755-1234-5678",
    ],
)
def test_find_unit_code_finds_nothing(text: str) -> None:
    assert find_unit_code(text) is None


def test_a_phase_number_below_a_hundred_is_read_and_written_as_cn2an_does() -> None:
    """Phases are numbered and named without loading cn2an (every command reads the estate's phases): the same
    numerals as cn2an's, for every number a phase has."""
    import cn2an  # loaded on first use: the truth these readers are held to

    from recordkit.core.unitcodes import _below_a_hundred, _chinese_below_a_hundred

    for number in range(1, 100):
        numeral = cn2an.an2cn(str(number))
        assert (_chinese_below_a_hundred(number), _below_a_hundred(numeral)) == (numeral, str(number))
