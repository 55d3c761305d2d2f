"""Rosters the way other systems export them, driven through the CLI (``owners import``, then
``owners list --json`` or ``owners show``): a stale recorded sheet size, a group-header row above the
headers, a bare number in a phase column, full unit names beside a 类型 column, one owner on two rows."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SAMPLE_ROWS, write_sheet


def with_dimension(path: Path, ref: str) -> Path:
    """Rewrite the size each sheet of ``path`` records (``<dimension ref=…>``), as other systems' exports
    often get it wrong: openpyxl writes the true one."""
    with zipfile.ZipFile(path) as archive:
        parts = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in parts:
            if info.filename.startswith("xl/worksheets/sheet"):
                data, count = re.subn(rb'<dimension ref="[^"]*"/>', f'<dimension ref="{ref}"/>'.encode(), data)
                assert count == 1, info.filename
            archive.writestr(info, data)
    return path


def roster(path: Path, rows: list[list[Any]]) -> Path:
    """A one-sheet roster typed row by row (headers included), merged cells and all left to the caller."""
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def units(run_cli: Any) -> list[dict[str, Any]]:
    result = run_cli("owners", "list", "--json")
    assert result.exit_code == 0, result.output
    return list(json.loads(result.stdout))


# -- a stale recorded size ---------------------------------------------------------------


FIFTH_ROW = ["5", "1", "1201", 99.5, "赵强", "13611112222", None, None, "已交付"]


@pytest.mark.parametrize("ref", ["A1:I4", "A1"])
def test_rows_past_the_recorded_sheet_size_are_all_imported(run_cli: Any, tmp_path: Path, ref: str) -> None:
    """A title row, the headers and five units (seven rows) in a file claiming A1:I4 (the first two units)
    or just A1 (no headers at all): every unit is imported."""
    path = write_sheet(tmp_path / "名册.xlsx", [*SAMPLE_ROWS, FIFTH_ROW], title="测试小区业主名册")
    with_dimension(path, ref)
    result = run_cli("owners", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "导入完成：共 5 行；新增房屋 5 户，更新 0 户，未变 0 户；新增业主 3 人，更新业主 0 人" in result.stdout
    assert [(u["unit"], u["owner"]) for u in units(run_cli)] == [
        ("1-1-101", "张伟"),
        ("1-1-102", "李秀英"),
        ("3-2-1201", "李秀英"),
        ("3-2-1202", None),
        ("5-1-1201", "赵强"),
    ]


# -- one owner on two rows ----------------------------------------------------------------

ONE_OWNER_HEADERS = ["房号", "建筑面积", "业主姓名", "联系电话", "身份证号"]
ID_NUMBER = "11010119800101103X"


@pytest.mark.parametrize("phones", [("13500000009", None), (None, "13500000009")])
def test_one_owner_on_two_rows_with_the_phone_on_either(
    run_cli: Any, tmp_path: Path, phones: tuple[str | None, str | None]
) -> None:
    """The same ID number on two rows, the phone written on only one of them (either): one owner, who
    keeps the phone.  With the phone on the second row only this was refused as a contradiction."""
    rows = [
        [code, 50, "周多房", phone, ID_NUMBER] for code, phone in zip(("30-1-101", "30-1-102"), phones, strict=True)
    ]
    result = run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", [ONE_OWNER_HEADERS, *rows])))
    assert result.exit_code == 0, result.output
    assert "新增房屋 2 户，更新 0 户，未变 0 户；新增业主 1 人，更新业主 0 人" in result.stdout
    assert [(u["unit"], u["owner"], u["phone"]) for u in units(run_cli)] == [
        ("30-1-101", "周多房", "135****0009"),
        ("30-1-102", "周多房", "135****0009"),
    ]


def test_one_owner_written_two_ways_names_the_column_that_differs(run_cli: Any, tmp_path: Path) -> None:
    rows = [
        ["30-1-101", 50, "周多房", "13500000009", ID_NUMBER],
        ["30-1-102", 50, "周多房", "13600000006", ID_NUMBER],  # another phone
        ["30-1-103", 50, "周多芳", None, ID_NUMBER],  # another name, no phone
    ]
    result = run_cli("owners", "import", str(roster(tmp_path / "名册.xlsx", [ONE_OWNER_HEADERS, *rows])))
    assert result.exit_code == 5
    assert result.stderr.splitlines() == [
        "错误：有 2 处业主信息前后矛盾，没有导入任何数据",
        "  第 3 行 D 列（联系电话）：与第 2 行是同一身份证号（同一位业主），但电话不同：请核对后写成一样的",
        "  第 4 行 C 列（业主姓名）：与第 2 行是同一身份证号（同一位业主），但姓名不同：请核对后写成一样的",
    ]
    assert units(run_cli) == []
