"""The filing rules as plain functions: every metadata source, their order, names, numbers, retention."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from recordkit.archive.rules import (
    FilingRules,
    Metadata,
    check_place_label,
    find_date,
    format_archive_no,
    is_ignored,
    is_system_file,
    metadata_from_folder,
    metadata_from_name,
    metadata_from_sidecar,
    numbers_in_name,
    parse_archive_no,
    parse_retention,
    parse_sidecar,
    remade_title,
    resolve,
    safe_extension,
    safe_title,
    scan_as_matched,
    sequence_year,
    sidecar_as_read,
)
from recordkit.core.config import ArchiveSettings
from recordkit.core.errors import ConfigError, ValidationError

RULES = FilingRules.from_settings(ArchiveSettings())


@pytest.mark.parametrize(
    ("stem", "category", "unit", "title", "date"),
    [
        ("3-2-1201_产权证明_20261102", "业主档案", "3-2-1201", "产权证明", dt.date(2026, 11, 2)),
        ("3栋2单元1201 装修协议", "业主档案", "3-2-1201", "装修协议", None),
        ("3#2-1201 身份证复印件 2026-11-02", "业主档案", "3-2-1201", "身份证复印件", dt.date(2026, 11, 2)),
        ("３栋２单元１２０１　入住登记表", "业主档案", "3-2-1201", "入住登记表", None),
        ("1号楼消防竣工验收图纸_20190301", "工程档案", None, "1号楼消防竣工验收图纸", dt.date(2019, 3, 1)),
        ("保洁服务合同 2026年1月5日", "合同协议档案", None, "保洁服务合同", dt.date(2026, 1, 5)),
        ("2026年10月收据存根", "财务档案", None, "2026年10月收据存根", dt.date(2026, 10, 1)),  # issue 16: the month
        ("IMG_0001", None, None, None, None),  # a camera's counter: no words (it was titled IMG 0001)
        ("3-2-1201", "业主档案", "3-2-1201", None, None),
        # A category's own name tells it (a file named for its category, as a Windows zip of the office's folders
        # holds them), before another category's keyword (装修 is one of 业主档案's).  Its name alone is no title of its
        # own: titled as a unit alone is (业主档案, 3-2-1201 业主档案).
        ("业主档案", "业主档案", None, None, None),
        ("3-2-1201_业主档案", "业主档案", "3-2-1201", None, None),
        ("工程档案 3号楼装修验收", "工程档案", None, "工程档案 3号楼装修验收", None),
        ("财务档案_2025年度", "财务档案", None, "财务档案 2025年度", None),
        ("合同协议档案 保洁", "合同协议档案", None, "合同协议档案 保洁", None),
    ],
)
def test_the_file_name_tells_category_unit_title_and_date(
    stem: str, category: str | None, unit: str | None, title: str | None, date: dt.date | None
) -> None:
    assert metadata_from_name(stem, RULES) == Metadata(category=category, unit=unit, title=title, doc_date=date)


# An estate whose phase 二期 is also written 2期 and 二区 (recordkit.toml's [[office.phases]]).
PHASED_RULES = FilingRules.from_settings(ArchiveSettings(), {"二期": "二期", "2期": "二期", "二区": "二期"})


@pytest.mark.parametrize(
    ("stem", "unit"),
    [
        ("二期·1-101_产权证明", "二期·1-101"),  # the canonical code of a flat without 单元
        ("二期1-101 产权证明", "二期·1-101"),
        ("二区1-202_装修协议", "二期·1-202"),  # a spelling of the estate's phase
        ("2期3栋2单元1201室 入住登记表", "二期·3-2-1201"),
        ("三期1-101_产权证明", None),  # no phase of this estate
    ],
)
def test_a_unit_in_a_phase_is_read_from_a_file_name_with_the_estates_phases(stem: str, unit: str | None) -> None:
    assert metadata_from_name(stem, PHASED_RULES).unit == unit


def test_a_phase_written_apart_from_its_unit_in_any_case_is_that_phases() -> None:
    lettered = FilingRules.from_settings(ArchiveSettings(), {"B区": "B区", "乙区": "B区"})
    assert metadata_from_name("b区 3-2-1201 产权证明", lettered).unit == "B区·3-2-1201"
    assert metadata_from_name("乙区_3栋2单元1201_产权证明", lettered).unit == "B区·3-2-1201"
    assert metadata_from_folder(["业主档案", "b区", "3-2-1201 张伟"], lettered).unit == "B区·3-2-1201"
    assert metadata_from_folder(["b区", "电梯"], lettered) == Metadata(
        topic="b区/电梯", phase="b区"
    )  # no unit: the phase is a topic, and the phase of a unit the file name writes without one
    below = resolve(
        Metadata(), Metadata(), metadata_from_folder(["b区"], lettered), metadata_from_name("3-2-1201 产权证明", lettered),
        lettered, "3-2-1201 产权证明",
    )  # fmt: skip
    assert (below.metadata.unit, below.metadata.topic, below.review_reasons) == ("B区·3-2-1201", None, ())


def test_a_unit_in_a_phase_is_read_from_a_folder_and_a_sidecar_with_the_estates_phases() -> None:
    assert metadata_from_folder(["业主档案", "二区1-302"], PHASED_RULES).unit == "二期·1-302"
    meta, problems = metadata_from_sidecar({"房号": "2期1-301"}, PHASED_RULES.phases)
    assert (meta.unit, problems) == ("二期·1-301", [])


# An estate of two named phases, each with an alias: 香榭丽舍 (二期) and 巴塞罗纳 (三期).
NAMED_PHASES = FilingRules.from_settings(
    ArchiveSettings(), {"香榭丽舍": "香榭丽舍", "二期": "香榭丽舍", "巴塞罗纳": "巴塞罗纳", "三期": "巴塞罗纳"}
)


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        # a folder whose name begins with a phase's name or alias is that phase's, the rest of its name a topic
        (["二期交房资料", "1-202"], Metadata(unit="香榭丽舍·1-202", topic="二期交房资料")),
        (["二期 交房资料", "1-202"], Metadata(unit="香榭丽舍·1-202", topic="二期 交房资料")),
        (
            ["巴塞罗纳_交房资料", "3栋", "2单元", "1201室"],
            Metadata(unit="巴塞罗纳·3-2-1201", topic="巴塞罗纳_交房资料"),
        ),
        # the rest a category: that category's
        (["香榭丽舍业主档案", "1-202"], Metadata(category="业主档案", unit="香榭丽舍·1-202")),
        # the rest a unit: that phase's unit, as 二期1-202
        (["二期 1-202 张伟"], Metadata(unit="香榭丽舍·1-202")),
        # no unit below: the phase of a unit the file name writes without one
        (["二期交房资料"], Metadata(topic="二期交房资料", phase="二期")),
        # a phase's name inside a word is no phase's (交房资料二期 does not begin with it)
        (["交房资料二期", "3-2-1201"], Metadata(unit="3-2-1201", topic="交房资料二期")),
    ],
)
def test_a_folder_whose_name_begins_with_a_phase_is_that_phases(parts: list[str], expected: Metadata) -> None:
    assert metadata_from_folder(parts, NAMED_PHASES) == expected


# An estate whose phases are written with a letter alone too: A区 (A) and B区 (B).
LETTERED_PHASES = FilingRules.from_settings(ArchiveSettings(), {"A区": "A区", "A": "A区", "B区": "B区", "B": "B区"})


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        # a phase written with a letter begins a folder's name only when no letter or digit follows it
        (["A区交房资料", "1-202"], Metadata(unit="A区·1-202", topic="A区交房资料")),
        # AB栋资料 is no folder of phase A naming phase B, nor A3栋 one of phase A
        (["AB栋资料", "3-2-1201"], Metadata(unit="3-2-1201", topic="AB栋资料")),
        (["A3栋资料", "3-2-1201"], Metadata(unit="3-2-1201", topic="A3栋资料")),
        (["A区AB栋资料", "1-202"], Metadata(unit="A区·1-202", topic="A区AB栋资料")),
        # the phase's letter alone, or a word apart, above the unit: that phase's unit, never building A3's or A1's
        (["A", "3-2-1201"], Metadata(unit="A区·3-2-1201")),
        (["A 交房资料", "1-202"], Metadata(unit="A区·1-202", topic="A 交房资料")),
        # a letter before 栋, 座, 幢, # or 号楼 is the building's, no phase's
        (["A栋资料", "3-2-1201"], Metadata(unit="3-2-1201", topic="A栋资料")),
        (["B座", "3-2-1201"], Metadata(unit="3-2-1201", topic="B座")),
    ],
)
def test_a_phase_written_with_a_letter_begins_a_folder_only_as_a_word(parts: list[str], expected: Metadata) -> None:
    assert metadata_from_folder(parts, LETTERED_PHASES) == expected


@pytest.mark.parametrize(
    ("stem", "unit", "title"),
    [
        # a letter a blank before a whole code: the phase it is an alias of, never building A1's or B3's unit
        ("A 1-1-202 产权证明", "A区·1-1-202", "产权证明"),
        ("B 3-1-101 产权证明", "B区·3-1-101", "产权证明"),
        ("B区 3-1-101 产权证明", "B区·3-1-101", "产权证明"),
        ("A_1-1-202 入住登记表", "A区·1-1-202", "入住登记表"),
        ("产权证明 b 3栋1单元101室", "B区·3-1-101", "产权证明"),
        # a flat without 单元 after the letter: that phase's flat, as 二期 1-101 is
        ("A 1-202 产权证明", "A区·1-202", "产权证明"),
        # the letter written joined to the code is the building's: A1栋
        ("A1-1-202 产权证明", "A1-1-202", "产权证明"),
        # a letter before 座 or 栋 is the building's, not phase A's building A (A区·A-1202, titled 座1202 产权证明)
        ("A座1202 产权证明", "A-1202", "产权证明"),
        ("B栋1单元101室 入住登记表", "B-1-101", "入住登记表"),
    ],
)
def test_a_letter_phase_a_blank_before_a_unit_is_that_phases_unit(stem: str, unit: str, title: str) -> None:
    said = metadata_from_name(stem, LETTERED_PHASES)
    assert (said.unit, said.title, said.doubt) == (unit, title, None)


def test_a_phase_written_its_usual_way_a_blank_before_a_unit_is_that_phases_unit() -> None:
    # 第二期 is 二期 in a code (第二期1-1-101), but a blank apart it was no phase's word: 一期's 1-1-101 was taken.
    said = metadata_from_name("第二期 1-1-101 产权证明", PHASED_RULES)
    assert (said.unit, said.title, said.doubt) == ("二期·1-1-101", "产权证明", None)


@pytest.mark.parametrize(
    ("rules", "stem", "reason"),
    [
        (
            LETTERED_PHASES,
            "C 1-1-202 产权证明",
            "文件名“C 1-1-202 产权证明”在房号 1-1-202 前写了“C”，不是本小区的分区（A区、B区），没有按它判断房号："
            "请核对是哪个分区、哪栋楼的房屋",
        ),
        (
            RULES,
            "A 1-1-202 产权证明",
            "文件名“A 1-1-202 产权证明”在房号 1-1-202 前写了“A”，本小区没有设分区，没有按它判断房号："
            "请核对是哪个分区、哪栋楼的房屋",
        ),
        # a phase of another estate's, written apart from the unit or joined to it: filed as 一期's 1-1-101 before
        (
            PHASED_RULES,
            "三期 1-1-101 产权证明",
            "文件名“三期 1-1-101 产权证明”在房号 1-1-101 前写了“三期”，不是本小区的分区（二期），没有按它判断房号："
            "请核对是哪个分区、哪栋楼的房屋",
        ),
        (
            PHASED_RULES,
            "三期1-1-101_产权证明",
            "文件名“三期1-1-101_产权证明”在房号 1-1-101 前写了“三期”，不是本小区的分区（二期），没有按它判断房号："
            "请核对是哪个分区、哪栋楼的房屋",
        ),
        (
            RULES,
            "第3期 1-1-101 产权证明",
            "文件名“第3期 1-1-101 产权证明”在房号 1-1-101 前写了“第3期”，本小区没有设分区，没有按它判断房号："
            "请核对是哪个分区、哪栋楼的房屋",
        ),
        (
            RULES,
            "B区_3-1-101_产权证明",
            "文件名“B区_3-1-101_产权证明”在房号 3-1-101 前写了“B区”，本小区没有设分区，没有按它判断房号："
            "请核对是哪个分区、哪栋楼的房屋",
        ),
    ],
)
def test_a_letter_before_a_unit_that_is_no_phase_of_the_estate_leaves_the_unit_to_review(
    rules: FilingRules, stem: str, reason: str
) -> None:
    # C 1-1-202 was filed as 1-1-202 (the C in the title), A 1-1-202 in an estate without phases as 1-1-202 too: a
    # phase or building written beside the code, no one can tell whose flat it is.
    resolved = resolve(Metadata(), Metadata(), Metadata(), metadata_from_name(stem, rules), rules, stem)
    assert (resolved.metadata.unit, resolved.review_reasons) == (None, (reason,))


@pytest.mark.parametrize(
    ("rules", "parts", "reason"),
    [
        (
            PHASED_RULES,
            ["业主档案", "三期", "1-1-101"],
            "文件夹“三期/1-1-101”在房号 1-1-101 前写了“三期”，不是本小区的分区（二期），没有按它判断房号："
            "请核对是哪个分区、哪栋楼的房屋",
        ),
        (
            LETTERED_PHASES,
            ["C", "3栋", "2单元", "1201室"],
            "文件夹“C/3栋/2单元/1201室”在房号 3-2-1201 前写了“C”，不是本小区的分区（A区、B区），没有按它判断房号："
            "请核对是哪个分区、哪栋楼的房屋",
        ),
        (
            PHASED_RULES,
            ["三期", "5栋1201室"],
            "文件夹“三期/5栋1201室”在房号 5-1201 前写了“三期”，不是本小区的分区（二期），没有按它判断房号："
            "请核对是哪个分区、哪栋楼的房屋",
        ),
        (
            PHASED_RULES,
            ["第3期", "交房资料", "1-1-101 张伟"],
            "文件夹“第3期/交房资料/1-1-101 张伟”在房号 1-1-101 前写了“第3期”，不是本小区的分区（二期），没有按它判断房号："
            "请核对是哪个分区、哪栋楼的房屋",
        ),
    ],
)
def test_a_unit_folder_below_a_folder_of_a_phase_that_is_none_of_the_estates_is_left_to_review(
    rules: FilingRules, parts: list[str], reason: str
) -> None:
    # 三期/1-1-101/ in an estate whose only phase is 二期 was filed under the 1-1-101 of no phase, another owner's,
    # as 三期 1-1-101/ was: the folder above is the blank before the unit.
    said = (metadata_from_folder(parts, rules), metadata_from_name("产权证明", rules))
    resolved = resolve(Metadata(), Metadata(), *said, rules, "产权证明")
    assert (resolved.metadata.unit, resolved.review_reasons) == (None, (reason,))


@pytest.mark.parametrize(
    ("rules", "parts", "stem", "reason", "title"),
    [
        (
            PHASED_RULES,
            ["业主档案", "三期"],
            "1-1-101 产权证明",
            "文件夹和文件名“三期/1-1-101”在房号 1-1-101 前写了“三期”，不是本小区的分区（二期），没有按它判断房号："
            "请核对是哪个分区、哪栋楼的房屋",
            "1-1-101 产权证明",
        ),
        (
            LETTERED_PHASES,
            ["二期", "C"],
            "3栋2单元1201室_购房合同",
            "文件夹和文件名“C/3-2-1201”在房号 3-2-1201 前写了“C”，不是本小区的分区（A区、B区），没有按它判断房号："
            "请核对是哪个分区、哪栋楼的房屋",
            "3栋2单元1201室 购房合同",
        ),
    ],
)
def test_a_unit_a_file_name_writes_below_a_folder_of_a_phase_that_is_none_of_the_estates_is_left_to_review(
    rules: FilingRules, parts: list[str], stem: str, reason: str, title: str
) -> None:
    # inbox/三期/1-1-101 产权证明.pdf was filed under the 1-1-101 of no phase, as 二期/1-1-101 … is 二期's.
    said = (metadata_from_folder(parts, rules), metadata_from_name(stem, rules))
    resolved = resolve(Metadata(), Metadata(), *said, rules, stem)
    assert (resolved.metadata.unit, resolved.review_reasons) == (None, (reason,))
    # the title keeps the unit the clerk wrote (it was 产权证明, as if the unit had been taken), as the file name
    # 三期 1-1-101 产权证明 alone keeps its words
    assert resolved.metadata.title == title
    # a name writing the unit with one of the estate's phases says which: no doubt
    said = (metadata_from_folder(["三期"], PHASED_RULES), metadata_from_name("二期1-1-101 产权证明", PHASED_RULES))
    resolved = resolve(Metadata(), Metadata(), *said, PHASED_RULES, "二期1-1-101 产权证明")
    assert (resolved.metadata.unit, resolved.review_reasons) == ("二期·1-1-101", ())


def test_a_folder_named_for_a_phase_says_nothing_where_the_estate_has_none() -> None:
    """Decided (round eight): in an estate without phases a phase's word written with the unit, in one name
    (``三期 1-1-101/``, ``三期 1-1-101 产权证明``), is the unit's address as the clerk wrote it — 三期's 1-1-101, which
    this estate has not (another estate's scan, phases missing from recordkit.toml): a review.  A folder of its own
    above the unit's (``二期/1-1-101/``, ``第3期/交房资料/``) is a clerk's batch (二期交房, a second delivery), not the
    address of each unit in it: the estate's only 1-1-101 (test_archive's
    test_a_phase_folders_name_is_no_phase_where_the_estate_has_none); sending a whole batch to review would bury the
    doubts worth a look.  Where the estate has phases the same folder is another phase's (``_other_phase``)."""
    assert metadata_from_folder(["第3期", "1-1-101"], RULES) == Metadata(unit="1-1-101", topic="第3期")
    assert metadata_from_folder(["二期"], RULES) == Metadata(topic="二期")  # a name's 1-1-101 below it: the estate's
    joined = metadata_from_folder(["三期 1-1-101"], RULES)
    assert (joined.unit, joined.doubt) == (
        None,
        "文件夹“三期 1-1-101”在房号 1-1-101 前写了“三期”，本小区没有设分区，没有按它判断房号：请核对是哪个分区、哪栋楼的房屋",
    )


def test_a_folder_of_the_estates_phase_nearer_than_one_that_is_none_of_its_decides() -> None:
    assert metadata_from_folder(["三期", "二期", "1-1-101"], PHASED_RULES) == Metadata(
        unit="二期·1-1-101", topic="三期"
    )


@pytest.mark.parametrize(
    ("parts", "stem", "topic"),
    [
        (["二期三期交房资料", "香榭丽舍", "1-1-101"], "产权证明", "二期三期交房资料"),
        (["二期三期交房资料", "二期"], "1-1-101 产权证明", "二期三期交房资料"),
        (["二期三期交房资料", "二期孙丽 1-1-101"], "产权证明", "二期三期交房资料"),
        # a unit's folder that writes its phase says which, too
        (["二期三期交房资料", "二期 1-1-101"], "产权证明", "二期三期交房资料"),
        (["二期三期交房资料", "香榭丽舍·1-1-101 张伟"], "产权证明", "二期三期交房资料"),
    ],
)
def test_a_folder_naming_one_phase_below_one_naming_two_decides_the_phase(
    parts: list[str], stem: str, topic: str
) -> None:
    # The nearer folder says which phase: the unit was taken (or, for a name's unit, left out) with the far folder's
    # 写了两个分区 still among the review reasons.
    said = (metadata_from_folder(parts, NAMED_PHASES), metadata_from_name(stem, NAMED_PHASES))
    resolved = resolve(Metadata(), Metadata(), *said, NAMED_PHASES, stem)
    assert (resolved.metadata.unit, resolved.metadata.topic, resolved.review_reasons) == ("香榭丽舍·1-1-101", topic, ())


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        # a person's name between the phase's folder and the unit (no one is named 二期…): that phase's unit, the
        # phase's folder no topic, as 二期/1-1-101 张伟/ is
        (["二期", "孙丽 1-1-101"], Metadata(unit="二期·1-1-101")),
        (["业主档案", "二期", "孙丽_1-1-101"], Metadata(category="业主档案", unit="二期·1-1-101")),
        # the phase, a name and the unit in one folder's name
        (["二期孙丽 1-1-101"], Metadata(unit="二期·1-1-101")),
        (["业主档案", "2期 孙丽 1-1-101"], Metadata(category="业主档案", unit="二期·1-1-101")),
    ],
)
def test_a_name_between_a_phase_and_a_unit_in_folders_leaves_the_unit_that_phases(
    parts: list[str], expected: Metadata
) -> None:
    # 二期/孙丽 1-1-101/ and 二期孙丽 1-1-101/ were read as the 1-1-101 of no phase, another owner's.
    assert metadata_from_folder(parts, PHASED_RULES) == expected
    resolved = resolve(
        Metadata(), Metadata(), metadata_from_folder(parts, PHASED_RULES), metadata_from_name("1-1-101 产权证明", PHASED_RULES),
        PHASED_RULES, "1-1-101 产权证明",
    )  # fmt: skip
    assert (resolved.metadata.unit, resolved.metadata.title, resolved.review_reasons) == (
        "二期·1-1-101",
        "产权证明",
        (),
    )


def test_a_name_between_a_phase_and_a_unit_in_a_file_name_leaves_the_unit_that_phases() -> None:
    said = metadata_from_name("二期孙丽 1-1-101 产权证明", PHASED_RULES)
    assert (said.unit, said.title, said.doubt) == ("二期·1-1-101", "孙丽 产权证明", None)


@pytest.mark.parametrize(
    ("rules", "parts", "reason"),
    [
        (
            LETTERED_PHASES,
            ["C 1-1-202"],
            "文件夹“C 1-1-202”在房号 1-1-202 前写了“C”，不是本小区的分区（A区、B区），没有按它判断房号："
            "请核对是哪个分区、哪栋楼的房屋",
        ),
        (
            PHASED_RULES,
            ["业主档案", "三期 1-1-101 张伟"],
            "文件夹“三期 1-1-101 张伟”在房号 1-1-101 前写了“三期”，不是本小区的分区（二期），没有按它判断房号："
            "请核对是哪个分区、哪栋楼的房屋",
        ),
        (
            RULES,
            ["三期_1-1-101"],
            "文件夹“三期_1-1-101”在房号 1-1-101 前写了“三期”，本小区没有设分区，没有按它判断房号："
            "请核对是哪个分区、哪栋楼的房屋",
        ),
    ],
)
def test_a_folder_writing_a_phase_that_is_none_of_the_estates_before_a_unit_leaves_it_to_review(
    rules: FilingRules, parts: list[str], reason: str
) -> None:
    # The folder C 1-1-202/ filed its scans under 1-1-202 (no phase), another owner's, where the file name
    # C 1-1-202 产权证明 was left to review; so does a file name of the unit without the phase below it.
    for stem in ("产权证明", "1-1-202 产权证明" if "1-1-202" in parts[-1] else "1-1-101 产权证明"):
        said = (metadata_from_folder(parts, rules), metadata_from_name(stem, rules))
        resolved = resolve(Metadata(), Metadata(), *said, rules, stem)
        assert (resolved.metadata.unit, resolved.review_reasons) == (None, (reason,))


def test_a_unit_below_a_folder_beginning_with_a_phase_is_that_phases_unit() -> None:
    said = (
        metadata_from_folder(["二期交房资料"], NAMED_PHASES),
        metadata_from_name("3-2-1201 交房确认书", NAMED_PHASES),
    )
    resolved = resolve(Metadata(), Metadata(), *said, NAMED_PHASES, "3-2-1201 交房确认书")
    assert (resolved.metadata.unit, resolved.review_reasons) == ("香榭丽舍·3-2-1201", ())


@pytest.mark.parametrize(
    ("parts", "stem"),
    [(["二期三期交房资料", "1-202"], "交房确认书"), (["二期三期交房资料"], "3-2-1201 交房确认书")],
)
def test_a_folder_naming_two_phases_leaves_the_unit_to_review(parts: list[str], stem: str) -> None:
    said = (metadata_from_folder(parts, NAMED_PHASES), metadata_from_name(stem, NAMED_PHASES))
    resolved = resolve(Metadata(), Metadata(), *said, NAMED_PHASES, stem)
    assert (resolved.metadata.unit, resolved.review_reasons) == (
        None,
        ("文件夹“二期三期交房资料”写了两个分区（香榭丽舍、巴塞罗纳），没有按它判断房号：请核对是哪个分区的房屋",),
    )


@pytest.mark.parametrize("folder", ["二期三期 1-1-101", "二期三期交房资料 1-1-101"])
def test_a_units_folder_writing_two_phases_leaves_the_unit_to_review(folder: str) -> None:
    # inbox/二期三期 1-1-101/ was filed as the 1-1-101 of no phase, another owner's, with no review reason
    for stem in ("产权证明", "1-1-101 产权证明"):
        said = (metadata_from_folder([folder], NAMED_PHASES), metadata_from_name(stem, NAMED_PHASES))
        resolved = resolve(Metadata(), Metadata(), *said, NAMED_PHASES, stem)
        assert resolved.metadata.title == stem  # the unit not taken stays in the title, for the review to see
        assert (resolved.metadata.unit, resolved.review_reasons) == (
            None,
            (f"文件夹“{folder}”写了两个分区（香榭丽舍、巴塞罗纳），没有按它判断房号：请核对是哪个分区的房屋",),
        )


@pytest.mark.parametrize(
    "stem",
    [
        "Scan_2026-11-02_15-30-12",  # a scanner's date and time of day
        "Scan 2026-11-02 10-05-33-001",
        "CamScanner 11-02-2026 15.30",  # the phone app's month-day-year
    ],
)
def test_a_scanner_time_or_date_in_the_name_is_no_unit(stem: str) -> None:
    found = metadata_from_name(stem, RULES)
    assert (found.unit, found.category) == (None, None)


def test_units_like_a_time_or_a_day_are_still_units() -> None:
    assert metadata_from_name("12-1-2001 产权证明", RULES).unit == "12-1-2001"  # room 2001, on the 20th floor
    assert metadata_from_name("10-2-305_装修协议", RULES).unit == "10-2-305"


def test_a_wechat_exports_day_is_the_offices() -> None:
    """``mmexport1795105800000`` is 16:30 on 2026-11-19 in UTC, 00:30 on the 20th in Shanghai: the office's day."""
    assert metadata_from_name("mmexport1795105800000", RULES).doc_date == dt.date(2026, 11, 20)
    in_london = replace(RULES, time_zone="Europe/London")
    assert metadata_from_name("mmexport1795105800000", in_london).doc_date == dt.date(2026, 11, 19)


def test_a_pixels_moment_is_utc_and_its_day_the_offices() -> None:
    """A Pixel names its photo by the moment in UTC: ``PXL_20261119_163000123`` is 00:30 on the 20th in Shanghai."""
    assert metadata_from_name("PXL_20261119_163000123.MP", RULES).doc_date == dt.date(2026, 11, 20)
    in_london = replace(RULES, time_zone="Europe/London")
    assert metadata_from_name("PXL_20261119_163000123.MP", in_london).doc_date == dt.date(2026, 11, 19)
    # a Samsung's and a screenshot's moment is the phone's own clock: their day as written
    assert metadata_from_name("20261119_233000", RULES).doc_date == dt.date(2026, 11, 19)
    assert metadata_from_name("Screenshot 2026-11-19 at 11.30.00 PM", RULES).doc_date == dt.date(2026, 11, 19)


def test_a_scan_serial_or_a_date_is_not_a_unit() -> None:
    assert metadata_from_name("SCAN20261102-0001", RULES).unit is None
    assert metadata_from_name("2026-11-02 说明书", RULES).unit is None


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (["业主档案", "3-2-1201"], Metadata(category="业主档案", unit="3-2-1201")),
        (["业主", "3栋2单元1201"], Metadata(category="业主档案", unit="3-2-1201")),
        (["工程档案", "电梯"], Metadata(category="工程档案", topic="电梯")),
        (["工程", "电梯", "3号梯"], Metadata(category="工程档案", topic="电梯/3号梯")),
        (["HT"], Metadata(category="合同协议档案")),
        (["今天扫的"], Metadata(topic="今天扫的")),
        # an archivist's folder named for the unit and its owner
        (["业主档案", "1-1-101 张伟"], Metadata(category="业主档案", unit="1-1-101")),
        (["3-2-1201_李秀英"], Metadata(unit="3-2-1201")),
        (["工程档案", "Scan 2026-11-02 10-05-33"], Metadata(category="工程档案", topic="Scan 2026-11-02 10-05-33")),
        ([], Metadata()),
        # a hidden folder is a program's: neither it nor what lies in it is read, but the file's own folder
        ([".cache", "x", "3-2-1201"], Metadata(unit="3-2-1201")),
        (["工程档案", ".同步", "电梯"], Metadata(topic="电梯")),
        (["业主档案", ".备份"], Metadata()),
    ],
)
def test_the_inbox_folders_tell_category_unit_and_topic(parts: list[str], expected: Metadata) -> None:
    assert metadata_from_folder(parts, RULES) == expected


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_a_sidecar_saved_as_unicode_by_notepad_or_powershell_is_read(encoding: str) -> None:
    # Notepad's "Unicode" and Windows PowerShell's Out-File write UTF-16 with a BOM.
    bom = b"\xfe\xff" if encoding.endswith("be") else b""
    scanner = bom + "房号: 3栋2单元1201\r\n题名: 装修协议\r\n".encode(encoding)
    assert parse_sidecar(scanner, ".txt") == {"房号": "3栋2单元1201", "题名": "装修协议"}
    json_sidecar = bom + '{"房号": "3-2-1201", "盒号": "业主-003"}'.encode(encoding)
    assert parse_sidecar(json_sidecar, ".json") == {"房号": "3-2-1201", "盒号": "业主-003"}


def test_a_json_sidecar_in_chinese_or_english_keys() -> None:
    pairs = parse_sidecar(
        '{"房号": "3栋2单元1201", "类别": "业主", "盒号": "业主-003", "架位": "A-2-3", '
        '"保密": true, "保管期限": "30", "日期": "2026/11/02", "scanner": {"dpi": 300}}'.encode(),
        ".json",
    )
    meta, problems = metadata_from_sidecar(pairs)
    assert problems == []
    assert meta == Metadata(
        category="业主",
        unit="3-2-1201",
        box="业主-003",
        shelf="A-2-3",
        confidential=True,
        retention="30年",
        doc_date=dt.date(2026, 11, 2),
    )


def test_the_scanners_txt_sidecar_in_gbk() -> None:
    text = "# 扫描仪 Fujitsu fi-7160\n题名：产权证明（复印件）\n房号 = 1-1-101\n备注: 业主自带原件核对\n"
    meta, problems = metadata_from_sidecar(parse_sidecar(text.encode("gbk"), ".txt"))
    assert problems == []
    assert meta == Metadata(title="产权证明（复印件）", unit="1-1-101", note="业主自带原件核对")


def test_bad_values_in_a_sidecar_are_reasons_for_review_not_failures() -> None:
    meta, problems = metadata_from_sidecar({"房号": "不知道", "日期": "2026-02-30", "保密": "也许"})
    assert meta == Metadata()
    assert problems == [
        "说明文件中 房号：房号“不知道”无法识别，应写成 楼栋-单元-房号，例如 3-2-1201 或 5栋1201室（别墅、商铺、车位如 12号别墅、商铺S-101、车位B1-023）",
        "说明文件中 日期：日期“2026-02-30”不存在：请检查年月日",
        "说明文件中 保密：保密“也许”无效，应为 是 或 否",
    ]


def test_a_box_or_shelf_of_punctuation_alone_in_a_sidecar_is_a_reason_for_review() -> None:
    meta, problems = metadata_from_sidecar({"档案盒": "——", "位置": "。", "备注": "复印件"})
    assert meta == Metadata(note="复印件")
    assert problems == [
        "说明文件中 档案盒：盒号“——”没有字母、数字或汉字：请写明盒号，例如 B-12",
        "说明文件中 位置：架位“。”没有字母、数字或汉字：请写明架位，例如 3排2层",
    ]
    assert metadata_from_sidecar({"盒号": "B-12", "架位": "3排2层"}) == (Metadata(box="B-12", shelf="3排2层"), [])
    # a title's line break is tidied as a file name's is; a 盒号 keeps none
    meta, problems = metadata_from_sidecar({"题名": "竣工\n图纸", "盒号": "B-12\n第二行"})
    assert (meta.title, meta.box) == ("竣工\n图纸", None)
    assert (
        resolve(Metadata(), meta, Metadata(category="工程档案"), Metadata(), RULES, "x").metadata.title == "竣工-图纸"
    )
    assert problems == [
        "说明文件中 盒号：盒号“B-12<U+000A>第二行”里有控制字符（如换行）或不可见的格式字符（U+000A），没有采用：请核对原件后改正"
    ]


def test_a_topic_or_note_of_punctuation_alone_in_a_sidecar_is_a_reason_for_review() -> None:
    """``{"主题": "——", "备注": "，，"}`` was filed as written, as a title of punctuation alone no longer is."""
    meta, problems = metadata_from_sidecar({"主题": "——", "说明": "，，", "题名": "竣工图纸"})
    assert meta == Metadata(title="竣工图纸")
    assert problems == [
        "说明文件中 主题：主题“——”只有标点，没有采用：请写明主题，例如 电梯",
        "说明文件中 说明：备注“，，”只有标点，没有采用：请写明备注，例如 业主自带原件核对",
    ]


def test_a_topic_or_note_with_an_invisible_format_character_is_a_reason_for_review_a_notes_lines_are_kept() -> None:
    meta, problems = metadata_from_sidecar({"主题": "电梯\n维保", "备注": "复印件\u202e核对"})
    assert meta == Metadata()
    assert problems == [
        "说明文件中 主题：主题“电梯<U+000A>维保”里有控制字符（如换行）或不可见的格式字符（U+000A），没有采用：请核对原件后改正",
        "说明文件中 备注：备注“复印件<U+202E>核对”里有控制字符（如换行）或不可见的格式字符（U+202E），没有采用：请核对原件后改正",
    ]
    assert metadata_from_sidecar({"备注": "业主自带原件核对\n\t复印件两份"}) == (
        Metadata(note="业主自带原件核对\n\t复印件两份"),
        [],
    )


def test_an_invisible_format_character_in_a_sidecars_title_box_or_shelf_is_a_reason_for_review() -> None:
    meta, problems = metadata_from_sidecar({"title": "竣工\u200f图纸", "box": "B-12", "架号": "\u202e3排"})
    assert meta == Metadata(box="B-12")
    assert problems == [
        "说明文件中 title：题名“竣工<U+200F>图纸”里有控制字符（如换行）或不可见的格式字符（U+200F），没有采用：请核对原件后改正",
        "说明文件中 架号：架位“<U+202E>3排”里有控制字符（如换行）或不可见的格式字符（U+202E），没有采用：请核对原件后改正",
    ]


def test_a_sidecar_value_of_the_wrong_json_type_is_left_out_and_said_as_written() -> None:
    """``{"盒号": true}`` was filed as 盒号 "true", ``{"架位": 1.5e3}`` as "1500.0", a list or an object left out unsaid:
    now each is a reason for review naming the field and the JSON as the station wrote it."""
    raw = (
        '{"盒号": true, "架位": 1.5e3, "题名": ["竣工", "图纸"], "备注": {"页": 2}, "主题": false, '
        '"房号": 3.5, "日期": true, "保管期限": 2.5, "类别": true, "保密": [1]}'
    )
    meta, problems = metadata_from_sidecar(parse_sidecar(raw.encode(), ".json"))
    assert meta == Metadata()
    assert problems == [
        '说明文件中 盒号：盒号写的是 true（真假值），不是文字，没有采用：请写成带引号的文字，例如 "盒号": "B-12"',
        '说明文件中 架位：架位写的是 1.5e3（小数），不是文字，没有采用：请写成带引号的文字，例如 "架位": "3排2层"',
        '说明文件中 题名：题名写的是 ["竣工", "图纸"]（列表），不是文字，没有采用：'
        '请写成带引号的文字，例如 "题名": "3号楼给排水竣工图纸"',
        '说明文件中 备注：备注写的是 {"页": 2}（对象），不是文字，没有采用：请写成带引号的文字，例如 "备注": "业主自带原件核对"',
        '说明文件中 主题：主题写的是 false（真假值），不是文字，没有采用：请写成带引号的文字，例如 "主题": "电梯"',
        '说明文件中 房号：房号写的是 3.5（小数），不是文字，没有采用：请写成带引号的文字，例如 "房号": "3-2-1201"',
        '说明文件中 日期：日期写的是 true（真假值），不是文字，没有采用：请写成带引号的文字，例如 "日期": "2026-11-02"',
        '说明文件中 保管期限：保管期限写的是 2.5（小数），不是文字，没有采用：请写成带引号的文字，例如 "保管期限": "30年"',
        '说明文件中 类别：类别写的是 true（真假值），不是文字，没有采用：请写成带引号的文字，例如 "类别": "业主档案"',
        '说明文件中 保密：保密写的是 [1]（列表），没有采用：请写 "保密": "是" 或 "保密": "否"',
    ]


def test_a_sidecars_whole_number_is_taken_as_its_digits_and_null_says_nothing() -> None:
    raw = '{"盒号": 12, "架位": 305, "保管期限": 30, "保密": true, "题名": null, "备注": null}'
    meta, problems = metadata_from_sidecar(parse_sidecar(raw.encode(), ".json"))
    assert (meta, problems) == (Metadata(box="12", shelf="305", retention="30年", confidential=True), [])
    meta, problems = metadata_from_sidecar(parse_sidecar(b'{"box": -7, "confidential": false}', ".json"))
    assert (meta, problems) == (Metadata(box="-7", confidential=False), [])


def test_json_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(ValidationError, match="应为一个对象"):
        parse_sidecar(b"[1, 2]", ".json")
    with pytest.raises(ValidationError, match="不是有效的 JSON"):
        parse_sidecar(b"{oops", ".json")


@pytest.mark.parametrize("source", ["name", "flags"])
def test_a_document_date_after_today_is_not_taken_and_flagged(source: str) -> None:
    # 图纸_20300101.pdf: a serial number read as a date, or --date 2036 typed for 2026; the archive number's
    # year would follow it (GC-2030-…) and never change.
    later = Metadata(title="图纸", doc_date=dt.date(2030, 1, 1))
    name, flags = (later, Metadata()) if source == "name" else (Metadata(title="图纸"), later)
    resolved = resolve(flags, Metadata(), Metadata(), name, RULES, "图纸_20300101", today=dt.date(2026, 12, 5))
    assert resolved.metadata.doc_date is None
    assert resolved.review_reasons == ("文件日期 2030-01-01 晚于今天，没有采用：请核对后改正日期",)
    same_day = resolve(
        Metadata(),
        Metadata(),
        Metadata(),
        replace(later, doc_date=dt.date(2026, 12, 5)),
        RULES,
        "x",
        today=dt.date(2026, 12, 5),
    )
    assert (same_day.metadata.doc_date, same_day.review_reasons) == (dt.date(2026, 12, 5), ())


def test_flags_beat_the_sidecar_beat_the_folder_beat_the_name() -> None:
    name = Metadata(category="财务档案", unit="9-9-909", title="名字里的题名", doc_date=dt.date(2020, 1, 1))
    folder = Metadata(category="工程档案", unit="8-8-808", topic="电梯")
    sidecar = Metadata(unit="3-2-1201", box="盒-1")
    flags = Metadata(title="命令行的题名")
    resolved = resolve(flags, sidecar, folder, name, RULES, "原始文件名")
    assert resolved.category.name == "工程档案" and resolved.category.prefix == "GC"
    assert resolved.metadata == Metadata(
        category="工程档案",
        unit="3-2-1201",
        title="命令行的题名",
        doc_date=dt.date(2020, 1, 1),
        topic="电梯",
        box="盒-1",
        confidential=False,
        retention="永久",
    )
    assert resolved.review_reasons == ()


def test_what_cannot_be_told_is_filed_under_the_unknown_category_for_review() -> None:
    resolved = resolve(Metadata(), Metadata(), Metadata(), Metadata(), RULES, "IMG_0001")
    assert (resolved.category.name, resolved.category.prefix) == ("未分类", "WF")
    assert resolved.metadata.title == "扫描件"  # a camera's counter is no title (it was IMG_0001)
    assert resolved.review_reasons == ("无法判断档案类别",)
    unknown = resolve(Metadata(), Metadata(category="人事档案"), Metadata(), Metadata(), RULES, "x")
    assert unknown.review_reasons == (
        "类别“人事档案”不是已配置的档案类别（业主档案、工程档案、合同协议档案、财务档案）",
    )
    no_unit = resolve(Metadata(), Metadata(), Metadata(category="业主档案"), Metadata(), RULES, "x")
    assert no_unit.review_reasons == ("业主档案没有识别出房号",)


@pytest.mark.parametrize("source", ["flags", "sidecar", "folder"])
def test_the_unknown_category_named_outright_is_filed_for_review_too(source: str) -> None:
    # `file --category 未分类`, a sidecar's "类别": "未分类", an inbox folder 未分类/: still to be classified.
    said = {"flags": Metadata(), "sidecar": Metadata(), "folder": Metadata()} | {source: Metadata(category="未分类")}
    resolved = resolve(said["flags"], said["sidecar"], said["folder"], Metadata(), RULES, "x")
    assert resolved.category.name == "未分类"
    assert resolved.review_reasons == (
        "类别“未分类”只用于暂时无法判断类别的档案：请改为 业主档案、工程档案、合同协议档案、财务档案 之一",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("../../etc/passwd", "etc-passwd"),
        ("/abs/path", "abs-path"),
        ("a\x00b", "a-b"),
        ("..", ""),
        ("  产权证明 ", "产权证明"),
        ("C:\\Windows\\x", "C-Windows-x"),
        ("名" * 200, "名" * 60),
    ],
)
def test_titles_can_never_name_another_folder(text: str, expected: str) -> None:
    assert safe_title(text) == expected
    assert "/" not in safe_title(text) and "\x00" not in safe_title(text)


def test_a_title_fits_a_file_name_in_bytes() -> None:
    assert len(safe_title("𠀀" * 60).encode()) <= 180


@pytest.mark.parametrize(
    ("name", "ignored"),
    [
        ("~$合同.docx", True),
        ("扫描.tmp", True),
        ("scan.pdf.part", True),
        ("Thumbs.db", True),
        (".DS_Store", True),
        ("THUMBS.DB", True),
        ("desktop.ini", True),
        ("Desktop.ini", True),
        (".~recordkit-1-x.pdf", True),
        ("._扫描001.pdf", True),  # a Mac's AppleDouble companion on a share
        (".~lock.合同.docx#", True),  # LibreOffice's lock while a document is open
        (".扫描001.pdf", False),  # a hidden scan: not filed, but said (the watcher)
        (".hidden", False),
        ("产权证明.pdf", False),
        ("tmp.pdf", False),
    ],
)
def test_temporary_files_are_ignored(name: str, ignored: bool) -> None:
    assert is_ignored(name, ArchiveSettings().ignore_patterns) is ignored


@pytest.mark.parametrize(
    ("name", "system"),
    [
        ("Thumbs.db", True),
        ("THUMBS.DB", True),
        ("Desktop.ini", True),
        (".DS_Store", True),
        ("._扫描001.pdf", True),
        ("~$合同.docx", False),  # Word has the document open now
        (".~lock.合同.docx#", False),  # so has LibreOffice
        ("scan.pdf.part", False),  # a download still running
        (".扫描001.pdf", False),  # a hidden scan
        ("Thumbs.db.pdf", False),
    ],
)
def test_only_what_other_computers_write_into_a_folder_they_showed_is_a_system_file(name: str, system: bool) -> None:
    assert is_system_file(name) is system


def test_extensions_and_dates() -> None:
    assert safe_extension("A.PDF") == ".pdf" and safe_extension("x.jpeg") == ".jpeg" and safe_extension("x.doc") == ""
    assert find_date("扫描 20261340 20261102") == (dt.date(2026, 11, 2), "20261102")
    assert find_date("无日期") is None


def test_numbers_and_retention() -> None:
    assert format_archive_no("{prefix}-{year}-{seq:05d}", "YZ", 2026, 7) == "YZ-2026-00007"
    assert sequence_year("{prefix}-{year}-{seq:05d}", 2026) == 2026
    assert sequence_year("{prefix}{seq:06d}", 2026) == 0
    assert [parse_retention(t) for t in ("永久", "长期", "短期", "30", "10年", "３０年")] == [
        "永久",
        "长期",
        "短期",
        "30年",
        "10年",
        "30年",
    ]
    with pytest.raises(ValidationError, match="保管期限“一百年”无效"):
        parse_retention("一百年")


@pytest.mark.parametrize("pattern", ["{year}-{seq}", "{prefix}-{year}", "{prefix}-{nope}-{seq}", "{prefix"])
def test_a_pattern_that_cannot_number_is_a_config_error(pattern: str) -> None:
    with pytest.raises(ConfigError, match="无法生成档号"):
        FilingRules.from_settings(ArchiveSettings(number_pattern=pattern))


def test_overlong_values_are_cut_and_control_characters_dropped() -> None:
    meta, problems = metadata_from_sidecar({"盒号": "盒" * 40, "备注": "第一行\x00第二行"})
    assert problems == [] and meta.note == "第一行第二行"
    resolved = resolve(Metadata(), meta, Metadata(category="工程档案"), Metadata(), RULES, "x")
    assert resolved.metadata.box == "盒" * 32
    assert resolved.review_reasons == ("盒号超过 32 个字，已截断",)


def test_a_box_and_shelf_are_counted_as_stored_before_they_are_cut() -> None:
    """A 盒号 of 9 ㍿ (9 characters) was within the 32 the ledger keeps, so it was not cut, and was then stored folded,
    株式会社 nine times: 36 characters (PostgreSQL refused them).  Box and shelf are counted as stored, and cut there."""
    flags = Metadata(box="㍿" * 9, shelf="Ａ" * 40)
    resolved = resolve(flags, Metadata(), Metadata(category="工程档案"), Metadata(), RULES, "x")
    assert (resolved.metadata.box, resolved.metadata.shelf) == ("株式会社" * 8, "A" * 32)
    assert resolved.review_reasons == ("盒号超过 32 个字，已截断", "架位超过 32 个字，已截断")


def test_a_box_is_judged_as_stored_whether_it_says_something() -> None:
    """``--box ㍿`` was refused as punctuation alone, though it is stored as 株式会社: a box is judged as stored."""
    check_place_label("box", "㍿")
    with pytest.raises(ValidationError, match="盒号“。”没有字母、数字或汉字"):
        check_place_label("box", "。")


@pytest.mark.parametrize(
    ("pattern", "number", "parts"),
    [
        ("{prefix}-{year}-{seq:05d}", "WF-2026-00001", ("WF", 2026, 1)),
        ("{prefix}-{year}-{seq:05d}", "A-B-2026-00012", ("A-B", 2026, 12)),
        ("{prefix}{seq:04d}", "GC0012", ("GC", 0, 12)),  # no year in the pattern: one sequence, year 0
        ("{prefix}-{year}-{seq:05d}", "WF-2026-1", None),  # another pattern's number
        ("{prefix}-{year}-{seq:05d}", "../../x", None),
        ("{prefix}-{year}-{seq:05d}", "WF-２０２６-00001", None),  # full-width digits are not a number's
    ],
)
def test_a_former_number_is_read_back_by_the_pattern_that_made_it(
    pattern: str, number: str, parts: tuple[str, int, int] | None
) -> None:
    assert parse_archive_no(pattern, number) == parts
    if parts is not None:
        assert format_archive_no(pattern, parts[0], parts[1] or 2026, parts[2]) == number


@pytest.mark.parametrize(
    ("folder", "name", "unit", "reasons"),
    [
        (["1-1-101"], "3-2-1201 购房合同", None, ("文件夹写的是 1-1-101，文件名写的是 3-2-1201",)),
        (["业主档案", "1栋1单元101室"], "1-1-101 产权证明", "1-1-101", ()),
        (["二期", "1-1-101"], "1-1-101 购房合同", "二期·1-1-101", ()),  # the name leaves the folder's phase out
        (["二期", "1-1-101"], "二期 1-1-102 购房合同", None, ("文件夹写的是 二期·1-1-101，文件名写的是 二期·1-1-102",)),
    ],
)
def test_a_folder_and_a_name_of_different_units_leave_the_unit_to_review(
    folder: list[str], name: str, unit: str | None, reasons: tuple[str, ...]
) -> None:
    rules = PHASED_RULES
    said = (metadata_from_folder(folder, rules), metadata_from_name(name, rules))
    resolved = resolve(Metadata(), Metadata(), *said, rules, name)
    assert (resolved.metadata.unit, resolved.review_reasons) == (unit, reasons)
    # A unit given by the clerk or the scanner's sidecar settles it: the folder and the name are not asked.
    told = resolve(Metadata(unit="1-1-102"), Metadata(), *said, rules, name)
    assert (told.metadata.unit, told.review_reasons) == ("1-1-102", ())


@pytest.mark.parametrize(
    ("folder", "name", "unit", "title", "reasons"),
    [
        # the folder gives the unit's code alone: the phase the name writes is its phase, and no word of the title
        (["1-1-101"], "二期 产权证明", "香榭丽舍·1-1-101", "产权证明", ()),
        (["业主档案", "1-1-101"], "巴塞罗纳_产权证明", "巴塞罗纳·1-1-101", "产权证明", ()),
        (["1-1-101"], "二期产权证明", "香榭丽舍·1-1-101", "产权证明", ()),
        (["1-1-101"], "产权证明 三期", "巴塞罗纳·1-1-101", "产权证明", ()),
        (["1-1-101"], "二期", "香榭丽舍·1-1-101", "香榭丽舍·1-1-101 业主档案", ()),
        # the folder's phase, written in the name too (an alias of it): agreed
        (["香榭丽舍", "1-1-101"], "二期 产权证明", "香榭丽舍·1-1-101", "产权证明", ()),
        # the name writes another phase than the folder's: neither's, for review
        (
            ["香榭丽舍", "1-1-101"],
            "三期 产权证明",
            None,
            "三期 产权证明",
            ("文件夹写的是 香榭丽舍·1-1-101，文件名写的是 三期",),
        ),
        (
            ["巴塞罗纳·1-1-101"],
            "香榭丽舍产权证明",
            None,
            "香榭丽舍产权证明",
            ("文件夹写的是 巴塞罗纳·1-1-101，文件名写的是 香榭丽舍",),
        ),
        # the name writes the phase with the unit the folder gives without one: that phase's, no conflict
        (["1-1-101"], "二期 1-1-101 产权证明", "香榭丽舍·1-1-101", "产权证明", ()),
        (["1栋1单元101室"], "巴塞罗纳1-1-101", "巴塞罗纳·1-1-101", "巴塞罗纳·1-1-101 业主档案", ()),
        # the name writes two phases: whose unit, no one can tell
        (
            ["1-1-101"],
            "二期三期 产权证明",
            None,
            "二期三期 产权证明",
            ("文件名“二期三期 产权证明”写了两个分区（香榭丽舍、巴塞罗纳），没有按它判断房号：请核对是哪个分区的房屋",),
        ),
        (
            ["1-1-101"],
            "二期 产权证明 三期",
            None,
            "二期 产权证明 三期",
            ("文件名“二期 产权证明 三期”写了两个分区（香榭丽舍、巴塞罗纳），没有按它判断房号：请核对是哪个分区的房屋",),
        ),
        # no unit to put in the phase: the name is left as it is
        (["业主档案"], "二期 产权证明", None, "二期 产权证明", ("业主档案没有识别出房号",)),
        # nor in a folder of no unit: the phase is the only place the item names, and tells one phase's lifts from
        # another's (``recordkit search 二期`` finds them by their titles)
        ([], "二期 缴费 2026-11", None, "二期 缴费", ("无法判断档案类别",)),
        ([], "巴塞罗纳 电梯维保记录", None, "巴塞罗纳 电梯维保记录", ()),
    ],
)
def test_a_phase_written_in_the_name_places_the_unit_of_the_folder_in_it(
    folder: list[str], name: str, unit: str | None, title: str, reasons: tuple[str, ...]
) -> None:
    """``inbox/1-1-101/二期 产权证明.jpg`` was filed under 1-1-101 in no phase (another owner's, or none) and titled
    "二期 产权证明": a phase the name writes decides the phase of a unit the folder gives without one."""
    rules = NAMED_PHASES
    resolved = resolve(
        Metadata(), Metadata(), metadata_from_folder(folder, rules), metadata_from_name(name, rules), rules, name
    )
    assert (resolved.metadata.unit, resolved.metadata.title, resolved.review_reasons) == (unit, title, reasons)


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        # a scanner profile that makes one folder per level
        (["1栋", "1单元", "101室"], Metadata(unit="1-1-101")),
        (["业主档案", "3号楼", "2单元", "1201"], Metadata(category="业主档案", unit="3-2-1201")),
        (["二期", "1栋", "1单元", "101室"], Metadata(unit="二期·1-1-101")),
        (
            ["业主档案", "二期", "3栋", "2单元", "1201室", "补扫"],
            Metadata(category="业主档案", unit="二期·3-2-1201", topic="补扫"),
        ),
        (["5栋", "1201室"], Metadata(unit="5-1201")),
        # what does not make one unit is left as it was: a topic, and no unit
        (["1栋", "1单元"], Metadata(topic="1栋/1单元")),
        (["1栋", "电梯"], Metadata(topic="1栋/电梯")),
        (["工程档案", "1栋", "2024"], Metadata(category="工程档案", topic="1栋/2024")),
    ],
)
def test_one_folder_per_level_of_a_unit_names_that_unit(parts: list[str], expected: Metadata) -> None:
    assert metadata_from_folder(parts, PHASED_RULES) == expected


@pytest.mark.parametrize(
    ("stem", "numbers"),
    [
        ("YZ-2026-0012 补充材料", ("YZ-2026-0012",)),
        ("补充材料_yz2026-12", ("YZ2026-12",)),
        ("ＧＣ－２０２６－００００３ 图纸", ("GC-2026-00003",)),  # full-width, as typed with a Chinese input method
        ("收据SJ2026-000001_3-2-1201", ()),  # a receipt's number is no 档号
        ("3-2-1201_产权证明_20261102", ()),
    ],
)
def test_the_archive_numbers_a_file_name_carries(stem: str, numbers: tuple[str, ...]) -> None:
    assert numbers_in_name(stem, RULES) == numbers


@pytest.mark.parametrize(
    ("stem", "number", "date"),
    [
        # A 档号 read off a box label, its sequence short: 2015-1 was read as January 2015 and the scan filed as
        # WF-2015-00001.  The number is the item it belongs to, never the document's date.
        ("YZ-2015-1 补充材料", "YZ-2015-1", None),
        ("补充材料_YZ2015-1", "YZ2015-1", None),
        ("ＹＺ－２０１５－１ 补充材料", "YZ-2015-1", None),  # full-width
        ("GC-2026-3", "GC-2026-3", None),
        ("HT-2024-12 合同", "HT-2024-12", None),
        ("YZ-2015-00001 补充材料", "YZ-2015-00001", None),
        # a real day or month beside it is still the document's
        ("YZ-2015-1 补充材料 2024-03-05", "YZ-2015-1", dt.date(2024, 3, 5)),
        ("HT-2024-12_续签合同_2025年3月", "HT-2024-12", dt.date(2025, 3, 1)),
        # not a configured prefix: a word and a month, as before
        ("AB-2015-1 材料", None, dt.date(2015, 1, 1)),
    ],
)
def test_an_archive_number_in_a_file_name_is_no_date(stem: str, number: str | None, date: dt.date | None) -> None:
    read = metadata_from_name(stem, RULES)
    assert (numbers_in_name(stem, RULES), read.doc_date) == ((number,) if number else (), date)
    assert read.unit is None


@pytest.mark.parametrize(
    ("name", "read"),
    [
        ("扫描001.pdf .json", "扫描001.pdf.json"),
        ("扫描001.pdf\t.json", "扫描001.pdf.json"),
        ("扫描001.pdf\u3000\u200b.JSON", "扫描001.pdf.JSON"),
        ("扫描001 .txt", "扫描001.txt"),
        ("扫描001.pdf.json", "扫描001.pdf.json"),
        # a doubled dot, a blank at the end of the scan's stem, a name in NFD: as its scan's is matched
        ("扫描001.pdf..json", "扫描001.pdf.json"),
        ("扫描001..txt", "扫描001.txt"),
        ("扫描001 .pdf.json", "扫描001.pdf.json"),
        ("扫描001\u3000.PDF. .json", "扫描001.PDF.json"),
        ("Cafe\u0301.pdf.json", "Caf\u00e9.pdf.json"),
        # not a sidecar's name, or nothing before the suffix but blanks: as written
        ("合同 .pdf", "合同 .pdf"),
        (" .json", " .json"),
        ("说明", "说明"),
    ],
)
def test_a_sidecars_name_is_read_without_blanks_before_its_suffix(name: str, read: str) -> None:
    assert sidecar_as_read(name) == read


@pytest.mark.parametrize(
    ("name", "matched"),
    [
        ("扫描001 .pdf", "扫描001.pdf"),
        ("扫描001\u3000.pdf", "扫描001.pdf"),
        ("扫描001..pdf", "扫描001.pdf"),
        ("扫描001.pdf. ", "扫描001.pdf"),  # Windows drops the name's own trailing dot and blank
        ("Cafe\u0301.pdf", "Caf\u00e9.pdf"),
        ("扫描001.pdf", "扫描001.pdf"),
        # a stem of blanks and dots alone is kept as written
        (" .pdf", " .pdf"),
    ],
)
def test_a_scans_name_is_matched_to_its_sidecars_without_blanks_and_dots_at_the_end_of_its_stem(
    name: str, matched: str
) -> None:
    assert scan_as_matched(name) == matched


@pytest.mark.parametrize(
    ("parts", "stem", "title"),
    [
        # macOS Finder's copy of a camera's photo or of a scan recordkit would title by itself: " 2" is the copy's
        (["3-2-1201"], "IMG_1234 2", "3-2-1201 业主档案"),
        ([], "IMG_1234 2", "扫描件"),
        ([], "IMG_20261120_101500 2", "扫描件"),
        ([], "扫描件 2", "扫描件"),
        ([], "3-2-1201 业主档案 2", "3-2-1201 业主档案"),
        (["3-2-1201"], "业主档案 12", "3-2-1201 业主档案"),
        ([], "工程档案 2", "工程档案"),
        # a clerk's word followed by a number is the clerk's: kept
        ([], "附件 2", "附件 2"),
        ([], "第 2 页", "第 2 页"),
        (["3-2-1201"], "产权证明 2", "产权证明 2"),
        ([], "IMG_1234 产权证明 2", "产权证明 2"),
        ([], "扫描件_2", "扫描件 2"),  # no Finder copy: Finder writes a space
        ([], "IMG_1234 2026年度", "2026年度"),
    ],
)
def test_the_copy_counter_finder_adds_after_a_name_recordkit_would_make_is_no_title(
    parts: list[str], stem: str, title: str
) -> None:
    resolved = resolve(
        Metadata(), Metadata(), metadata_from_folder(parts, RULES), metadata_from_name(stem, RULES), RULES, stem
    )
    assert resolved.metadata.title == title


@pytest.mark.parametrize(
    ("folder", "name", "unit", "title", "reasons"),
    [
        # a phase written apart from the unit's code, as a folder's phase is read: that phase's unit, no title word
        ([], "二期 产权证明 1-1-101", "香榭丽舍·1-1-101", "产权证明", ()),
        (["业主档案"], "产权证明_巴塞罗纳_1-1-101", "巴塞罗纳·1-1-101", "产权证明", ()),
        ([], "二期产权证明 1-1-101", "香榭丽舍·1-1-101", "产权证明", ()),
        ([], "1-1-101 产权证明 三期", "巴塞罗纳·1-1-101", "产权证明", ()),
        ([], "产权证明 1-1-101 三期 复印件", "巴塞罗纳·1-1-101", "产权证明 复印件", ()),
        # a phase's name inside a word is no phase's
        ([], "交房资料二期 1-1-101", "1-1-101", "交房资料二期", ()),
        # the word writes another phase than the unit's, or two phases: whose unit, no one can tell
        (
            [],
            "三期 产权证明 二期1-1-101",
            None,
            "三期 产权证明 二期1-1-101",
            (
                "文件名“三期 产权证明 二期1-1-101”写了两个分区（巴塞罗纳、香榭丽舍），没有按它判断房号：请核对是哪个分区的房屋",
            ),
        ),
        (
            [],
            "二期 三期 产权证明 1-1-101",
            None,
            "二期 三期 产权证明 1-1-101",
            (
                "文件名“二期 三期 产权证明 1-1-101”写了两个分区（香榭丽舍、巴塞罗纳），没有按它判断房号：请核对是哪个分区的房屋",
            ),
        ),
        # below another phase's folder: neither's, the name's words kept for the review
        (
            ["香榭丽舍"],
            "三期 产权证明 1-1-101",
            None,
            "三期 产权证明 1-1-101",
            ("文件夹写的是 香榭丽舍，文件名写的是 巴塞罗纳·1-1-101",),
        ),
    ],
)
def test_a_phase_written_apart_from_the_units_code_in_the_name_is_its_phase(
    folder: list[str], name: str, unit: str | None, title: str, reasons: tuple[str, ...]
) -> None:
    """``二期 产权证明 1-1-101.jpg`` (not in a unit's folder) was filed under 1-1-101 in no phase, another owner's or
    none, titled "二期 产权证明": the phase word is read with the code."""
    rules = NAMED_PHASES
    resolved = resolve(
        Metadata(), Metadata(), metadata_from_folder(folder, rules), metadata_from_name(name, rules), rules, name
    )
    assert (resolved.metadata.unit, resolved.metadata.title, resolved.review_reasons) == (unit, title, reasons)


@pytest.mark.parametrize(
    ("title", "unit", "expected"),
    [
        # the unit's words kept in the title for want of a unit leave it once review gives that unit
        ("1-1-101 购房合同", "1-1-101", "购房合同"),
        ("3栋2单元1201室 购房合同", "3-2-1201", "购房合同"),
        ("购房合同 3#2-1201", "3-2-1201", "购房合同"),
        ("1-1-101 产权证明", "二期·1-1-101", "产权证明"),  # written without the phase the unit has
        ("二期1-1-101 购房合同", "二期·1-1-101", "购房合同"),
        ("二期 1-1-101 产权证明", "二期·1-1-101", "产权证明"),  # the phase's word goes with it, as alone
        ("二期 产权证明", "二期·1-1-101", "产权证明"),
        ("1-1-101", "1-1-101", "1-1-101 业主档案"),  # no word of its own left: titled as the unit alone is
        # another unit, or the unit of another phase: the title and the unit disagree, the clerk decides
        ("1-1-101 购房合同", "1-1-102", None),
        ("二期1-1-101 购房合同", "1-1-101", None),
        ("二期 1-1-101 产权证明", "1-1-101", None),
        ("购房合同", "1-1-101", None),
    ],
)
def test_a_title_made_without_a_unit_drops_the_units_words_when_review_gives_it(
    title: str, unit: str, expected: str | None
) -> None:
    owners = PHASED_RULES.category("业主档案")
    assert owners is not None
    assert remade_title(title, (owners, None), (owners, unit), PHASED_RULES.phases) == expected
