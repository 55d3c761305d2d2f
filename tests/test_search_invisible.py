"""Invisible characters inside a document's words or a query's: a zero-width blank (U+200B), a BOM (U+FEFF), a word
joiner (U+2060), a zero-width joiner (U+200D) — text pasted from a web page or a chat into Word keeps them, and a
name copied out of a file name brings them into a query.  They are no word boundary: the words are found whole, on
both index backends, and the snippet shows the text as written.  The expected hits are written out by hand.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from recordkit.core.workspace import Workspace
from tests.search_helpers import (
    cli_hits,
    search_ws,  # noqa: F401  (fixture ws: each backend in turn)
    write_docx,
)

#: (file name, category, title, text): each title holds none of the words searched for.
DOCUMENTS = [
    ("通知.docx", "工程档案", "甲", "停车\u200b管理\u200b通知：地下车库\ufeff充电桩\u2060安装申请须经物业审批。"),
    ("回执.docx", "业主档案", "乙", "回执：业主张\u200b伟已收到钥匙，联系人王\u200d芳。"),
    ("对照.docx", "业主档案", "丙", "停车场收费标准另行通知。"),
]


@pytest.fixture
def numbers(ws: Workspace, tmp_path: Path, run_cli: Any) -> dict[str, str]:
    """The documents filed by ``recordkit file`` (which indexes them): 档号 by file name."""
    filed: dict[str, str] = {}
    for name, category, title, text in DOCUMENTS:
        path = write_docx(tmp_path / "来件" / name, text)
        result = run_cli("file", str(path), "--category", category, "--title", title, "--json")
        assert result.exit_code == 0, result.output
        [outcome] = json.loads(result.stdout)
        filed[name] = outcome["archive_no"]
    assert filed == {"通知.docx": "GC-2026-00001", "回执.docx": "YZ-2026-00001", "对照.docx": "YZ-2026-00002"}
    return filed


def hits(run_cli: Any, query: str) -> list[str]:
    return cli_hits(run_cli, query)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("停车管理", ["GC-2026-00001"]),
        ("管理通知", ["GC-2026-00001"]),
        ("车库充电桩", ["GC-2026-00001"]),
        ("充电桩安装", ["GC-2026-00001"]),
        ("张伟", ["YZ-2026-00001"]),
        ("王芳", ["YZ-2026-00001"]),
        # A query pasted with the invisible characters in it.
        ("停车\u200b管理", ["GC-2026-00001"]),
        ("\ufeff张\u200b伟", ["YZ-2026-00001"]),
        ("车\u2060库", ["GC-2026-00001"]),
    ],
)
def test_an_invisible_character_inside_a_word_is_no_word_boundary(
    numbers: dict[str, str], run_cli: Any, query: str, expected: list[str]
) -> None:
    assert hits(run_cli, query) == expected


def test_the_snippet_marks_the_word_found_across_an_invisible_character(numbers: dict[str, str], run_cli: Any) -> None:
    result = run_cli("search", "张伟", "--json")
    [hit] = json.loads(result.stdout)["hits"]
    [(start, end)] = hit["highlights"]
    assert hit["snippet"][start:end] == "张\u200b伟"
