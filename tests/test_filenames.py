"""GBK file names from Windows scanners: readable in messages, usable as paths."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from recordkit.core.errors import ValidationError
from recordkit.core.filenames import readable_name
from recordkit.core.workspace import Workspace
from tests.conftest import SAMPLE_ROWS, write_sheet


def gbk_name(text: str) -> str:
    """What Python makes of a GBK-encoded name on a UTF-8 Linux system."""
    return os.fsdecode(text.encode("gbk"))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (gbk_name("业主名册.xlsx"), "业主名册.xlsx"),
        ("3-2-1201_" + gbk_name("产权证明") + ".pdf", "3-2-1201_产权证明.pdf"),
        ("已经是UTF-8的名字.xlsx", "已经是UTF-8的名字.xlsx"),
        (os.fsdecode(b"\xff.xlsx"), "\ufffd.xlsx"),
    ],
)
def test_readable_name(raw: str, expected: str) -> None:
    assert readable_name(raw) == expected


def test_error_messages_never_carry_unprintable_text() -> None:
    undecodable = os.fsdecode(b"\xff")
    message = ValidationError(f"无法打开 {undecodable}.xlsx").message
    assert message == "无法打开 \ufffd.xlsx"
    message.encode("utf-8")  # prints and logs


def test_error_messages_never_carry_control_characters() -> None:
    # A NUL, BEL, ESC (a terminal's escape sequence), CR, DEL and the C1 controls NEL and CSI are dropped;
    # tab and line feed stay (a message may list problems line by line).
    message = ValidationError("说明文件中的盒号“业\x00主\x07-0\x1b09\r”\x7f\x85\x9b无效\n\t请改正").message
    assert message == "说明文件中的盒号“业主-009”无效\n\t请改正"


def test_import_and_export_with_gbk_file_names(run_cli: Any, workspace: Workspace) -> None:
    good = workspace.root / gbk_name("业主名册.xlsx")
    write_sheet(good, SAMPLE_ROWS)
    result = run_cli("owners", "import", str(good))
    assert result.exit_code == 0 and "新增房屋 4 户" in result.stdout

    bad = workspace.root / gbk_name("坏名册.xlsx")
    bad.write_bytes(b"not a workbook")
    failed = run_cli("owners", "import", str(bad))
    assert failed.exit_code == 5
    assert "无法打开 坏名册.xlsx：文件已损坏" in failed.stderr

    target = workspace.root / gbk_name("导出.xlsx")
    exported = run_cli("owners", "export", str(target))
    assert exported.exit_code == 0 and exported.stdout.strip().endswith("导出.xlsx（电话、身份证号已打码）")
    assert Path(target).exists()
