"""Codes, dates and words a PDF's line end falls inside (the closing note: ``HT-2026-`` at the end of one line and
``00003`` at the start of the next was not found by ``recordkit search HT-2026-00003``).

The PDFs are made here with a real Chinese text layer, filed and searched through the commands, on both index
backends.  A line ending in a code's separator (``3-2-``, ``HT-2018-``, ``2026年11``) goes on in the next one; two
numbers that only stand on neighbouring lines — table columns, a page number, a year above a room number — are
never one code or date.  The expected hits are written out by hand.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from recordkit.core.workspace import Workspace
from recordkit.ledger.db import open_ledger
from recordkit.search.backends import postgresql, sqlite
from recordkit.search.text import fold, token_stream
from tests.extract_helpers import cjk_text_pdf
from tests.search_helpers import cli_hits, search_ws  # noqa: F401  (fixture ws: each backend in turn)

#: (file name, category, date, pages of lines): each line as the PDF's text layer holds it.
PDFS = [
    (
        "竣工报告.pdf",
        "工程档案",
        "2026-11-20",
        [
            [
                "二期给排水工程竣工报告",
                "施工合同见档号HT-2018-",  # an archive number cut after its year
                "00417，涉及房号3-2-",  # a unit code cut after its entrance
                "1201的管井改造，竣工验收日期2026年11",  # a date cut before 月
                "月3日，原件存工程部。",
            ]
        ],
    ),
    (
        "移交清单.pdf",
        "合同协议档案",
        "2026-11-21",
        [["物业移交清单：业主档-", "案两卷，装修申 ", "请表一份，设备说明书三册。"]],  # words cut by a hyphen, a blank
    ),
    (
        "收费明细.pdf",
        "财务档案",
        "2026-11-22",
        [
            [
                "收费明细表",
                "单元 3-2",  # a column of 单元, then a refund of -1201.00: no unit 3-2-1201
                "-1201.00 退款",
                "合同号HT-2018",  # a number cut where no separator ends the line: not HT-2018-00417
                "00417",
                "联系电话 0571-",  # a telephone number cut after its area code
                "88886666",
                "业主手机1381234",  # a mobile and an ID number a narrow cell cut: masked in the snippet all the same
                "5678，身份证号11010119900307",
                "1233",
                "年度 2026",  # a year above a room: not the day 2026-11-03
                "1103 室",
                "本页小计 3",
                "- 1 -",  # the page number, then the next page: not the unit 3-1-1201
            ],
            ["1201室业主已缴清。"],
        ],
    ),
]


@pytest.fixture
def numbers(ws: Workspace, tmp_path: Path, run_cli: Any) -> dict[str, str]:
    """The PDFs filed by ``recordkit file`` (which indexes them): 档号 by file name."""
    filed: dict[str, str] = {}
    for name, category, date, pages in PDFS:
        path = tmp_path / "来件" / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(cjk_text_pdf(pages))
        result = run_cli("file", str(path), "--category", category, "--date", date, "--json")
        assert result.exit_code == 0, result.output
        [outcome] = json.loads(result.stdout)
        filed[name] = outcome["archive_no"]
    assert filed == {"竣工报告.pdf": "GC-2026-00001", "移交清单.pdf": "HT-2026-00001", "收费明细.pdf": "CW-2026-00001"}
    return filed


def hits(run_cli: Any, query: str) -> list[str]:
    return cli_hits(run_cli, query)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("HT-2018-00417", ["GC-2026-00001"]),
        ("ht-2018-00417", ["GC-2026-00001"]),
        ("3-2-1201", ["GC-2026-00001"]),
        ("3栋2单元1201室", ["GC-2026-00001"]),
        ("2026-11-03", ["GC-2026-00001"]),
        ("2026年11月3日", ["GC-2026-00001"]),
        ("业主档案", ["HT-2026-00001"]),
        ("装修申请", ["HT-2026-00001"]),
        ("装修申请表", ["HT-2026-00001"]),
        ("0571-88886666", ["CW-2026-00001"]),
        ("3-1-1201", []),
    ],
)
def test_what_a_line_end_cut_is_found_whole(
    numbers: dict[str, str], run_cli: Any, query: str, expected: list[str]
) -> None:
    assert hits(run_cli, query) == expected


def test_the_closing_notes_search_says_what_it_found(numbers: dict[str, str], run_cli: Any) -> None:
    result = run_cli("search", "HT-2018-00417")
    assert result.exit_code == 0, result.output
    assert "找到 1 条" in result.stdout and "GC-2026-00001" in result.stdout
    assert "CW-2026-00001" not in result.stdout
    missing = run_cli("search", "3-1-1201")
    assert (missing.exit_code, missing.stdout.strip()) == (1, "没有找到包含“3-1-1201”的档案")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('"HT-2018- 00417"', ["GC-2026-00001"]),  # a blank typed inside the number: still the number
        ('"HT-2018-\n00417"', ["GC-2026-00001"]),  # a line break pasted from the PDF
        ("HT-2018- 00417", ["GC-2026-00001"]),  # two terms, both in the report (HT-2018 in the table has no -)
        ('"3-2- 1201"', ["GC-2026-00001"]),
        ('"业主档 案"', ["HT-2026-00001"]),  # a blank inside a word, quoted: no boundary, as in the texts (张 伟)
    ],
)
def test_a_query_cut_by_a_blank_or_a_line_break(
    numbers: dict[str, str], run_cli: Any, query: str, expected: list[str]
) -> None:
    assert hits(run_cli, query) == expected


def test_the_snippet_shows_the_cut_number_marked(numbers: dict[str, str], run_cli: Any) -> None:
    [hit] = json.loads(run_cli("search", "HT-2018-00417", "--json").stdout)["hits"]
    start, end = hit["highlights"][0]
    assert hit["snippet"][start:end] == "HT-2018- 00417"  # the line end shown as a blank, the whole number marked
    [hit] = json.loads(run_cli("search", "业主档案", "--json").stdout)["hits"]
    assert hit["snippet"] == "物业移交清单：业主档- 案两卷，装修申  请表一份，设备说明书三册。"
    start, end = hit["highlights"][0]
    assert hit["snippet"][start:end] == "业主档- 案"  # the hyphen the PDF printed at the line end, not U+FFFE


def test_an_office_upgrading_gets_its_index_rebuilt_by_the_nightly_run(
    ws: Workspace, numbers: dict[str, str], run_cli: Any
) -> None:
    """The tokens change with a version (a landline a date or time stands beside read as a phone, a list's landline
    after +86): an index the version before built (in an SQLite file, in the PostgreSQL ledger) is told to be
    rebuilt by search, ``index --verify`` and ``doctor``, and the nightly run rebuilds it once, after which the cut
    archive number and the cut phone number are found by their tokens."""
    if ws.database_url.startswith("postgresql"):
        previous, current = str(postgresql.SCHEMA_VERSION - 1), str(postgresql.SCHEMA_VERSION)
        with open_ledger(ws.database_url) as ledger, ledger.write() as conn:
            conn.exec_driver_sql("UPDATE search_index_meta SET value = %s WHERE key = 'schema_version'", (previous,))
    else:
        previous, current = str(sqlite.SCHEMA_VERSION - 1), str(sqlite.SCHEMA_VERSION)
        with sqlite3.connect(ws.records_subdir("index") / "search.sqlite3") as conn:
            conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (previous,))
    message = (
        f"错误：检索索引的版本（{previous}）与本程序（{current}）不符：索引是旧版本的 recordkit 建的，"
        "请运行 recordkit index --rebuild 重建（夜间的 recordkit index 也会自动重建）"
    )
    for command in (("search", "HT-2018-00417"), ("index", "--verify")):
        result = run_cli(*command)
        assert (result.exit_code, result.stderr.strip()) == (9, message), command
    [check] = [check for check in json.loads(run_cli("doctor", "--json").stdout) if check["name"] == "检索索引"]
    assert (check["ok"], check["fix"]) == (False, "recordkit index --rebuild")
    nightly = run_cli("index", "--no-ocr")
    assert nightly.exit_code == 0, nightly.output
    assert nightly.stdout.startswith("重建索引（原索引是旧版本的 recordkit 建的）：新增 3 件，")
    assert hits(run_cli, "HT-2018-00417") == ["GC-2026-00001"]
    assert hits(run_cli, '"0571-8888 6666"') == ["CW-2026-00001"]  # the phone's token: 0571-↵88886666
    assert run_cli("index", "--verify").exit_code == 0
    assert run_cli("index", "--no-ocr").stdout.startswith("索引更新：新增 0 件，更新 0 件，删除 0 件，")


def test_a_phone_and_an_id_number_a_line_end_cut_are_masked(numbers: dict[str, str], run_cli: Any) -> None:
    [hit] = json.loads(run_cli("search", "业主手机", "--json").stdout)["hits"]
    assert hit["snippet"] == (
        "…联系电话 0571- ****6666 业主手机138**** 5678，身份证号110101******** 1233 年度 2026 1103 室 本页小计…"
    )
    [hit] = json.loads(run_cli("search", "业主手机", "--json", "--show-private").stdout)["hits"]
    assert "业主手机1381234 5678，身份证号11010119900307 1233" in hit["snippet"]


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("HT-2026-\n00003", ["ht", "2026", "00003", "n:ht-2026-00003"]),
        ("HT-\n2026-00003", ["ht", "2026", "00003", "n:ht-2026-00003"]),
        ("HT-2026- \n 00003", ["ht", "2026", "00003", "n:ht-2026-00003"]),
        ("HT-2026\n00003", ["ht", "2026", "00003"]),
        ("HT-2026\n-00003", ["ht", "2026", "00003"]),
        ("HT\ufffe2026-00003", ["ht", "2026", "00003", "n:ht-2026-00003"]),  # pdfium's mark of a line-end hyphen
        ("3-2-\n1201", ["3", "2", "1201", "u:3-2-1201"]),
        ("3-2\n1201", ["3", "2", "1201"]),
        ("3-2\n-1201", ["3", "2", "1201"]),
        ("小计 3\n- 1 -\n1201室", ["小计", "计", "3", "1", "1201", "室"]),
        ("2026年11\n月3日", ["2026", "年", "11", "月", "3", "日", "d:2026-11-03", "m:2026-11"]),
        ("2026-11-\n03", ["2026", "11", "03", "d:2026-11-03", "m:2026-11"]),
        ("2026\n1103", ["2026", "1103"]),
        ("2026-11\n-03", ["2026", "11", "03", "m:2026-11"]),
        ("电话 0571-\n88886666", ["电话", "话", "0571", "88886666", "t:0571-88886666"]),
        ("业主档-\n案", ["业主", "主档", "档案", "案"]),
        ("业主档\ufffe案", ["业主", "主档", "档案", "案"]),
        ("装修申\u00ad\n请", ["装修", "修申", "申请", "请"]),
        ("装修申 - \n请", ["装修", "修申", "申请", "请"]),
        ("装修\u00ad申请", ["装修", "修申", "申请", "请"]),
        ("第一期-\n2栋", ["第一", "一期", "期", "2", "栋"]),
    ],
)
def test_the_tokens_of_a_cut_line(text: str, tokens: list[str]) -> None:
    assert token_stream(fold(text)) == tokens


def test_the_text_shows_a_hyphen_that_ended_a_line_as_printed(
    numbers: dict[str, str], ws: Workspace, run_cli: Any
) -> None:
    # pdfium reads "业主档-↵案" as "业主档\ufffe案": the page printed a hyphen and a line end, and so does the text.
    def pages() -> list[str]:
        result = run_cli("archive", "text", numbers["移交清单.pdf"], "--json")
        assert result.exit_code == 0, result.output
        return [page["text"] for page in json.loads(result.stdout)["pages"]]

    assert pages() == ["物业移交清单：业主档-\n案两卷，装修申 \n请表一份，设备说明书三册。"]  # the blank the line holds
    # A text kept by an earlier version holds the mark itself: it is shown as printed all the same.
    texts = (ws.root / "records" / "index" / "text").rglob("*.json")
    kept = next(path for path in texts if "移交" in path.read_text(encoding="utf-8"))
    data = json.loads(kept.read_text(encoding="utf-8"))
    data["pages"][0]["text"] = "物业移交清单：业主档\ufffe案两卷"
    kept.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert pages() == ["物业移交清单：业主档-\n案两卷"]
