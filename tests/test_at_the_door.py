"""Issue 20, item 10: what is refused at the door, with a message and nothing written — a workbook with a
DOCTYPE, money dated outside the office's years, names with control characters or longer than the ledger
keeps — and what is cleaned with a note: hidden direction characters in a scan's file name."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from recordkit.archive.archivist import Archivist
from recordkit.core.errors import ValidationError
from recordkit.core.workspace import Workspace
from recordkit.demo.scans import write_scan
from recordkit.ledger.db import Ledger, open_ledger
from recordkit.owners.roster import import_owners, list_units
from tests.archive_helpers import archive_ledger as ledger  # noqa: F401  (fixtures)
from tests.archive_helpers import archive_ws as ws  # noqa: F401
from tests.conftest import SAMPLE_ROWS, write_sheet
from tests.test_fees_cli import cashier  # noqa: F401  (fixture)

BILLION_LAUGHS = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n'
)


def with_doctype(source: Path, target: Path, part: str) -> Path:
    """A copy of the workbook whose ``part`` starts with a DTD declaring entities."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in original.infolist():
            data = original.read(info)
            if info.filename == part:
                body = data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data
                data = BILLION_LAUGHS + body
            copy.writestr(info, data)
    return target


# openpyxl writes inline strings (no sharedStrings.xml), so the parts are ones every workbook has.
@pytest.mark.parametrize(
    "part", ["xl/worksheets/sheet1.xml", "xl/workbook.xml", "xl/styles.xml", "[Content_Types].xml"]
)
def test_a_workbook_with_a_doctype_is_refused_unread(tmp_path: Path, ledger_url: str, part: str) -> None:
    sheet = write_sheet(tmp_path / "名册.xlsx", SAMPLE_ROWS)
    assert part in zipfile.ZipFile(sheet).namelist()
    hostile = with_doctype(sheet, tmp_path / "恶意名册.xlsx", part)
    with open_ledger(ledger_url) as opened:
        with pytest.raises(ValidationError) as err:
            import_owners(opened, hostile, "测试员")
        assert err.value.message == (
            "恶意名册.xlsx 含有 DOCTYPE/实体声明，Excel 和 WPS 保存的表格不会有（可能是恶意文件），已拒绝："
            "请在 Excel/WPS 中打开后“另存为”新的 Excel 工作簿再导入"
        )
        assert list_units(opened) == []


def test_the_owners_import_command_says_so_and_exits_5(run_cli: Any, workspace: Workspace, tmp_path: Path) -> None:
    hostile = with_doctype(
        write_sheet(tmp_path / "名册.xlsx", SAMPLE_ROWS), tmp_path / "恶意名册.xlsx", "xl/worksheets/sheet1.xml"
    )
    result = run_cli("owners", "import", str(hostile))
    assert result.exit_code == 5
    assert "含有 DOCTYPE/实体声明" in result.stderr
    assert json.loads(run_cli("owners", "list", "--json").stdout) == []


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("张" * 5000, "姓名太长（5000 个字）：最多 64 个字"),
        ("张\n伟", "姓名里有换行、控制字符或不可见的格式字符（如从右到左覆盖）：请只写姓名"),
        ("张\u202e伟", "姓名里有换行、控制字符或不可见的格式字符（如从右到左覆盖）：请只写姓名"),
    ],
    ids=["5000 characters", "newline", "right-to-left override"],
)
def test_an_owner_name_the_ledger_cannot_keep_is_refused_with_its_cell(
    tmp_path: Path, ledger_url: str, name: str, problem: str
) -> None:
    rows = [list(SAMPLE_ROWS[0])]
    rows[0][4] = name
    with open_ledger(ledger_url) as opened:
        with pytest.raises(ValidationError) as err:
            import_owners(opened, write_sheet(tmp_path / "名册.xlsx", rows), "测试员")
        assert [(p.row, p.column, p.reason) for p in err.value.problems] == [(2, "E", problem)]
        assert list_units(opened) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--date", "1999-12-31"), "错误：收款日期 1999-12-31 不在 2000–2099 年之间：请检查年份"),
        (("--date", "2100-01-01"), "错误：收款日期 2100-01-01 不在 2000–2099 年之间：请检查年份"),
        (("--payer", "王\n芳"), "错误：交款人：姓名里有换行、控制字符或不可见的格式字符（如从右到左覆盖）：请只写姓名"),
        (("--payer", "王" * 65), "错误：交款人：姓名太长（65 个字）：最多 64 个字"),
        (("--payer", "。"), "错误：交款人：“。”没有汉字或字母，不是姓名：请写姓名"),
    ],
    ids=["1999", "2100", "newline in payer", "65-character payer", "punctuation for a payer"],
)
def test_money_outside_the_years_or_from_an_unkeepable_name_is_refused(
    cashier: Any,
    args: tuple[str, ...],
    message: str,  # noqa: F811
) -> None:
    result = cashier("fees", "pay", "1-1-101", "--amount", "100", *args)
    assert result.exit_code == 5
    assert result.stderr.strip().startswith(message)
    assert json.loads(cashier("receipt", "list", "--json").stdout) == []


def test_a_work_order_dated_before_2000_is_refused(cashier: Any) -> None:  # noqa: F811
    result = cashier(
        "workorder", "add", "--unit", "1-1-101", "--type", "报修", "--category", "水电", "--desc", "漏水",
        "--at", "1999-12-31 10:00",
    )  # fmt: skip
    assert (result.exit_code, result.stderr.strip()) == (
        5,
        "错误：报修时间 1999-12-31 不在 2000–2099 年之间：请检查年份",
    )
    assert json.loads(cashier("workorder", "list", "--json").stdout) == []


def test_a_work_order_keeps_to_the_same_years_as_money(
    cashier: Any,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One window for money and work orders: an office that starts its books in 2026 sets
    ``[receipt] first_year`` once, and both refuse 2025.  (Since the counter takes a report time of the last year
    at the earliest, the office's books start this year here.)"""
    monkeypatch.setenv("RECORDKIT_RECEIPT_FIRST_YEAR", "2026")
    add = ("workorder", "add", "--unit", "1-1-101", "--type", "报修", "--category", "水电", "--desc", "漏水")
    result = cashier(*add, "--at", "2025-12-31 10:00")
    assert (result.exit_code, result.stderr.strip()) == (
        5,
        "错误：报修时间 2025-12-31 不在 2026–2099 年之间：请检查年份",
    )
    paid = cashier("fees", "pay", "1-1-101", "--amount", "100", "--date", "2025-12-31")
    assert (paid.exit_code, paid.stderr.strip()[:46]) == (
        5,
        "错误：收款日期 2025-12-31 不在 2026–2099 年之间：请检查年份",
    )
    assert cashier(*add, "--at", "2026-01-04 10:00").exit_code == 0


def test_hidden_direction_characters_in_a_scan_name_are_stripped_from_the_title_with_a_note(
    ws: Workspace, ledger: Ledger
) -> None:
    """Stripped, not quarantined: the scan is good; only its name would mislead (U+202E shows
    “合同\u202efdp.exe” as “合同exe.pdf”).  The original name is kept with the character written out."""
    scan = write_scan(ws.root / "records" / "inbox" / "3-2-1201_购房\u202e合同_20190915.pdf", 1)
    outcome = Archivist(ws, ledger, "档案员").file(scan)
    assert outcome.status == "filed" and outcome.item is not None
    assert outcome.item.title == "购房合同"
    assert outcome.item.original_name == "3-2-1201_购房<U+202E>合同_20190915.pdf"
    assert outcome.source == "3-2-1201_购房<U+202E>合同_20190915.pdf"
    assert outcome.item.review_reasons == (
        "原文件名含有不可见的控制或排版方向字符（U+202E，如从右到左覆盖），已从题名中去掉：请核对题名",
    )
    assert "\u202e" not in outcome.item.path
