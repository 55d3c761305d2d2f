"""Search of a small archive of known .docx files: exact hit lists for every group of Chinese query,
the query language, snippets and masking, and keeping the index current (add, change, remove)."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recordkit.archive.archivist import ArchiveItem, update_item
from recordkit.core.dates import parse_period
from recordkit.core.errors import UsageError
from recordkit.core.personal import mask_in_text
from recordkit.core.workspace import Workspace
from recordkit.ledger.db import Ledger, open_ledger
from recordkit.search import indexer
from recordkit.search import query as query_module
from recordkit.search.indexer import move_index, update_index, verify_index
from recordkit.search.query import (
    Term,
    make_term,
    parse_query,
    search,
    snippet,
)
from tests.archive_helpers import archive_ledger, archive_workspace  # noqa: F401  (fixture ledger)
from tests.conftest import new_workspace, postgres_database
from tests.search_helpers import (
    PAGE_PIECES,
    file_documents,
    search_ws,  # noqa: F401  (fixture ws: each backend in turn)
    use_postgres_ledger,
    write_docx,
)

ELEVATOR, AGREEMENT, DEED, FUND, FIRE = (
    "GC-2024-00001",
    "HT-2025-00001",
    "YZ-2020-00001",
    "CW-2024-00001",
    "GC-2023-00001",
)


@pytest.fixture
def indexed(ws: Workspace, ledger: Ledger, tmp_path: Path) -> dict[str, ArchiveItem]:
    items = file_documents(ws, ledger, tmp_path / "扫描件")
    update_index(ws, ledger)
    return items


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def searched(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, _sqlite_template: Path
) -> Iterator[Workspace]:
    """The same documents as ``indexed``, filed and indexed once per backend for the tests that only
    search (they change nothing; the others file their own)."""
    base = tmp_path_factory.mktemp("searched")
    workspace = new_workspace(base / "ws", _sqlite_template)
    with contextlib.ExitStack() as stack:
        if request.param == "postgresql":
            template = request.getfixturevalue("_postgres_template")
            use_postgres_ledger(workspace, stack.enter_context(postgres_database(template=template)))
        filed = archive_workspace(workspace.root)
        with open_ledger(filed.database_url) as ledger:
            file_documents(filed, ledger, base / "扫描件")
            update_index(filed, ledger)
        yield filed


def numbers(ws: Workspace, query: str, **flags: object) -> list[str]:
    return sorted(hit.archive_no for hit in search(ws, query, **flags).hits)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # whole words and part-words across word boundaries
        ("电梯", [ELEVATOR]),
        ("维修", [FUND, ELEVATOR]),
        ("梯维", [ELEVATOR]),  # inside 电梯维修
        ("修保", [ELEVATOR]),  # inside 维修保养
        ("钢丝绳", [ELEVATOR]),
        ("装修管理协议", [AGREEMENT]),
        # names, also glued to the words around them
        ("张伟", [AGREEMENT, DEED]),
        ("业主张伟于", [AGREEMENT]),
        ("李秀英", [AGREEMENT, FUND]),  # FUND by its text, 3-2-1201 is hers in the ledger
        # single characters, also a lone one at the end of a text
        ("梯", [FIRE, ELEVATOR]),
        ("绳", [ELEVATOR]),
        # unit codes, every spelling finds every spelling
        ("3-2-1201", [AGREEMENT]),
        ("3栋2单元1201", [AGREEMENT]),
        ("3#2-1201", [AGREEMENT]),
        ("1-1-101", [DEED]),
        ("1栋1单元101室", [DEED]),
        # archive numbers (in the text of another item, and an item's own 档号)
        ("YZ-2026-00001", [FUND]),
        ("yz-2020-00001", [DEED]),
        # dates in both spellings find each other
        ("2025-03-15", [AGREEMENT, FUND]),
        ("2025年3月15日", [AGREEMENT, FUND]),
        ("2025/03/15", [AGREEMENT, FUND]),
        ("2025.3.15", [AGREEMENT, FUND]),
        # full-width and case folded on both sides
        ("ＡＢ１２", [DEED]),
        ("ab12", [DEED]),
        ("AB1", []),  # runs of letters and digits are whole tokens
        # metadata: title, category, original file name
        ("收缴台账", [FUND]),
        ("合同协议档案", [AGREEMENT]),
        ("消防检查.docx", [FIRE]),
        ("没有这个词", []),
        # punctuation copied around a word (a title in 《》, a name before a comma, a word at a sentence's end)
        # is no part of what is searched for: 装修协议 stands in AGREEMENT's title, 张伟 in two texts
        ("《装修协议》", [AGREEMENT]),
        ("张伟，", [AGREEMENT, DEED]),
        ("电梯。", [ELEVATOR]),
        ("（钢丝绳）", [ELEVATOR]),
        ("【3栋2单元1201】", [AGREEMENT]),
        ("2025年3月15日，", [AGREEMENT, FUND]),
        ("'ab12'", [DEED]),
        # punctuation between two words is still looked for as written: no text holds 维修。保养
        ("维修。保养", []),
    ],
)
def test_exact_hit_lists(searched: Workspace, query: str, expected: list[str]) -> None:
    assert numbers(searched, query) == sorted(expected)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("张伟 装修", [AGREEMENT]),  # AND by default
        ("张伟 OR 李秀英", [AGREEMENT, FUND, DEED]),
        ("钢丝绳 OR 水泵 张三", [FIRE]),  # (钢丝绳 OR 水泵) AND 张三
        # or typed in lower case and 或, each a word of its own between two terms, are OR as well
        ("张伟 or 李秀英", [AGREEMENT, FUND, DEED]),
        ("张伟 Or 李秀英", [AGREEMENT, FUND, DEED]),
        ("张伟 或 李秀英", [AGREEMENT, FUND, DEED]),
        ("钢丝绳 或 水泵 张三", [FIRE]),
        ('"张伟 or 李秀英"', []),  # in quotes as written: no text holds it
        ("张伟或李秀英", []),  # glued to the words, 或 is a character like any other
        ("电梯 or", []),  # not between two terms: the word "or", in no text
        ("维修 -基金", [ELEVATOR]),
        ("梯 -电梯", [FIRE]),
        ("张伟 -3-2-1201", [DEED]),
        ('"维修保养"', [ELEVATOR]),
        ('"维修 保养"', [ELEVATOR]),  # a blank between two Chinese characters is no boundary (张 伟): 维修保养
        ("unit:3-2-1201", [AGREEMENT]),
        ("张伟 unit:1栋1单元101", [DEED]),
        ("category:工程档案", [FIRE, ELEVATOR]),
        ("category:工程档案 梯 -电梯", [FIRE]),
        ("date:2024", [FUND, ELEVATOR]),
        ("date:2024-01..2024-06", [ELEVATOR]),
        ("date:..2023-12", [FIRE, DEED]),
        ("date:2025-03-15", [AGREEMENT]),
        ("owner:张伟", [DEED]),  # 1-1-101 is 张伟's unit in the ledger
        ("owner:李秀英 装修", [AGREEMENT]),  # 3-2-1201 is 李秀英's
        # typed with a Chinese input method: the keys in Chinese, full-width colons, curly quotes
        ("房号：3-2-1201", [AGREEMENT]),
        ("类别:工程档案 梯 -电梯", [FIRE]),
        ("业主：张伟", [DEED]),
        ("日期：2024-01..2024-06", [ELEVATOR]),
        ("Category:工程档案", [FIRE, ELEVATOR]),
        ("“维修保养”", [ELEVATOR]),
        ("“维修 保养”", [ELEVATOR]),
    ],
)
def test_query_language(searched: Workspace, query: str, expected: list[str]) -> None:
    assert numbers(searched, query) == sorted(expected)


def test_flags_filter_like_the_query_language(searched: Workspace) -> None:
    assert numbers(searched, "维修", category="工程档案") == [ELEVATOR]
    assert numbers(searched, "张伟", unit="3栋2单元1201") == [AGREEMENT]
    assert numbers(searched, "维修", date_from="2024-06", date_to="2024-12") == [FUND]
    assert numbers(searched, "张伟", owner="李秀英") == [AGREEMENT]


def test_limit_and_totals(searched: Workspace) -> None:
    either = search(searched, "张伟 OR 李秀英", limit=1)  # 张伟: AGREEMENT, DEED; 李秀英: AGREEMENT, FUND
    assert len(either.hits) == 1 and either.total == 3 and either.total_text == "3 条"
    counted = search(searched, "维修", limit=1)  # one bigram: the index's count is exact
    assert len(counted.hits) == 1 and counted.exact_total and counted.total_text == "2 条"


def test_title_hits_rank_first(searched: Workspace) -> None:
    # 维修 is in the title of the elevator record and the fund register, only in the fund's text too.
    hits = search(searched, "收到").hits
    assert [hit.archive_no for hit in hits] == [FUND]
    assert [hit.archive_no for hit in search(searched, "电梯").hits] == [ELEVATOR]
    assert search(searched, "维修记录").hits[0].title == "3号楼电梯维修记录"


def test_snippet_highlights_and_masks(searched: Workspace) -> None:
    hit = search(searched, "装修管理协议").hits[0]
    assert "联系电话138****5678" in hit.snippet
    assert "13812345678" not in hit.snippet
    assert [hit.snippet[s:e] for s, e in hit.highlights] == ["装修管理协议"]
    private = search(searched, "身份证号", show_private=True).hits[0]
    assert "身份证号110101199003071233" in private.snippet
    masked = search(searched, "身份证号").hits[0]
    assert "身份证号110101********1233" in masked.snippet
    unit = search(searched, "3-2-1201").hits[0]  # found by its canonical token, shown as written
    assert "3栋2单元1201" in [unit.snippet[s:e] for s, e in unit.highlights]
    date = search(searched, "2025-03-15").hits
    assert {d.snippet[s:e] for d in date for s, e in d.highlights} == {"2025年3月15日", "2025-03-15"}


def test_snippet_shows_the_text_as_written() -> None:
    text, spans = snippet("题名\n全角ＡＢ１２，和 3-2-1201。", 3, [make_term("ab12")])
    assert text == "全角ＡＢ１２，和 3-2-1201。"
    assert [text[s:e] for s, e in spans] == ["ＡＢ１２"]


@given(
    pieces=st.lists(st.sampled_from(PAGE_PIECES), min_size=1, max_size=400),
    where=st.integers(0, 400),
    query=st.sampled_from(["维修记录", "8666 1234", "13800138000", "业主"]),
)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_snippet_is_what_masking_the_whole_text_shows_around_the_match(
    pieces: list[str], where: int, query: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A long scan: numbers of every kind at and across the edges of the piece the snippet cuts around the match.
    pieces.insert(min(where, len(pieces)), "维修记录")
    header = "档号YZ-2026-00001 电话 8666 1234\n"
    text = header + "".join(pieces)
    terms = [term for group in parse_query(query).groups for term in group]
    shown = snippet(text, len(header), terms)
    with monkeypatch.context() as whole:  # the text masked whole, then cut where the snippet cuts
        whole.setattr(query_module, "mask_in_text_between", lambda text, start, end: mask_in_text(text)[start:end])
        assert shown == snippet(text, len(header), terms)


def test_a_title_hit_shows_the_opening_of_the_text_not_the_title_again(
    indexed: dict[str, ArchiveItem], ws: Workspace
) -> None:
    hit = search(ws, "维修记录").hits[0]  # in the title 3号楼电梯维修记录 only; the text says 维修保养
    assert hit.title == "3号楼电梯维修记录"
    assert hit.snippet == "3号楼电梯维修保养，维保单位安达电梯公司，更换曳引钢丝绳。"
    assert hit.highlights == ()
    # An item without text of its own (a scan waiting for OCR) shows where its metadata matched.
    text, spans = snippet("GC-2026-00001\n电梯维保记录\n工程档案", 34, [make_term("维保")])
    assert [text[s:e] for s, e in spans] == ["维保"]
    assert text == "电梯维保记录"


def test_parse_query_is_pure() -> None:
    query = parse_query('张伟 OR 李秀英 "维修 基金" -钢丝绳 unit:3栋2单元1201 category:工程档案 date:2024-01..2024-12')
    assert [[term.text for term in group] for group in query.groups] == [["张伟", "李秀英"], ["维修 基金"]]
    assert [term.text for term in query.excluded] == ["钢丝绳"]
    assert (query.unit, query.category) == ("3-2-1201", "工程档案")
    assert (query.date_from, query.date_to) == (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    groups = parse_query("装修 or 异响 或 钢丝绳 Or 张伟").groups
    assert [[term.text for term in group] for group in groups] == [["装修", "异响", "钢丝绳", "张伟"]]
    assert [[term.text for term in group] for group in parse_query('或 装修 "a or b" or').groups] == [
        ["或"],
        ["装修"],
        ["a or b"],
        ["or"],
    ]
    assert make_term("3#2-1201") == Term("3#2-1201", ("u:3-2-1201",), "u:3-2-1201")
    # A CJK run: its bigrams (the term may end inside a longer run, so not its closing character) ...
    assert make_term("电梯维修") == Term("电梯维修", ("电梯", "梯维", "维修"))
    # ... a lone character: a prefix (first of a bigram, or the closing character of a run).
    assert make_term("梯") == Term("梯", ("梯",), prefix=True)
    # A run inside the term keeps its closing character: the next token must follow it at once.
    assert make_term("电梯3号") == Term("电梯3号", ("电梯", "梯", "3", "号"), prefix=True)
    assert make_term("ab12") == Term("ab12", ("ab12",))
    assert parse_period("2024-02", end=True) == dt.date(2024, 2, 29)
    assert parse_period("2024年3月") == dt.date(2024, 3, 1)


@pytest.mark.parametrize(
    ("query", "flags", "expected"),
    [
        # a control character (a NUL from %00 in the page's URL, \x01, DEL, a C1 control) is read as a blank, as in
        # the documents: the same hits as the query written with a blank there, on either backend
        ("电梯", {"category": "工程\x00档案"}, None),  # = category "工程 档案": no such category, said so
        ("电梯", {"category": "工程档案\x00"}, [ELEVATOR]),  # a blank at the end is dropped
        ("category:工程\x00档案 电梯", {}, [ELEVATOR]),  # = category:工程 档案 电梯 (工程: 工程档案's alias)
        ("category:业主\x00档案 电梯", {}, []),  # = category:业主 档案 电梯
        ('category:"工程档案\x7f" 电梯', {}, [ELEVATOR]),
        ("owner:张\x00伟", {}, []),  # = owner:张 伟
        ("owner:张伟\x01", {}, [DEED]),
        ("", {"owner": "张\x00伟"}, [DEED]),  # = --owner "张 伟": an owner's name is read without blanks
        ("", {"owner": "张\x9b伟"}, [DEED]),
        ("张伟", {"unit": "3-2-1201\x00"}, [AGREEMENT]),
        ("维修", {"date_from": "2024-06\x00", "date_to": "\x002024-12"}, [FUND]),
        ("钢丝\x00绳", {}, [ELEVATOR]),  # = 钢丝 绳: both words
        ('"钢丝\x00绳"', {}, [ELEVATOR]),  # = "钢丝 绳": a blank between two Chinese characters, no boundary
        ("钢丝绳\x00", {}, [ELEVATOR]),
        ('"维修\x00保养"', {}, [ELEVATOR]),
        ("电梯\x00维修", {}, [ELEVATOR]),  # = 电梯 维修: both words
        ("\x00", {"category": "工程档案"}, [FIRE, ELEVATOR]),
    ],
)
def test_control_characters_are_blanks_on_either_backend(
    searched: Workspace, query: str, flags: dict[str, str], expected: list[str] | None
) -> None:
    """PostgreSQL refuses a NUL in any text: a filter value holding one failed there as an unreadable index ("请运行
    recordkit index --rebuild", an ERROR in the log) where SQLite found nothing.  (None: refused as a category the
    office does not have, on either backend.)"""
    if expected is None:
        with pytest.raises(UsageError, match="^没有“工程 档案”这个档案类别"):
            numbers(searched, query, **flags)
        return
    assert numbers(searched, query, **flags) == sorted(expected)


def test_the_web_page_refuses_a_nul_in_its_url_plainly(
    indexed: dict[str, ArchiveItem], ws: Workspace, ledger: Ledger
) -> None:
    """``%00`` in the search page's URL (a broken link, a probe): PostgreSQL said "请运行 recordkit index --rebuild"
    (and logged an ERROR).  The web page refuses a control character in any field (400, what to do), on either
    backend, before the search; the command line reads one as a blank (``test_control_characters_are_blanks_on_either_backend``)."""
    from recordkit.web.app import create_app
    from tests.web_helpers import Browser, text_of

    browser = Browser(create_app(ws, accounts_required=False, ledger=ledger))
    for url in (
        "/search?q=电梯&category=工程%00档案",
        "/search?q=owner:张%00伟",
        "/search?owner=张%00伟",
        "/search?q=%00%01&category=财务档案",
    ):
        page = browser.get(url)
        assert page.status_code == 400, (url, text_of(page))
        assert "提交的内容或地址里有控制字符（如 NUL），没有处理：请重新输入后再提交" in text_of(page)
        assert "rebuild" not in text_of(page)
    assert browser.get("/search?q=电梯&category=工程档案").status_code == 200


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("date:2024-13", "月份“2024-13”无效：月份应为 1 至 12"),
        ("date:昨天", "日期“昨天”无法识别，应写成 2026-12-05 或 2026年12月5日"),
        ("date:2024-02-30", "日期“2024-02-30”不存在：请检查年月日"),
        ("unit:十二楼", "房号“十二楼”无法识别，应写成 楼栋-单元-房号，例如 unit:3-2-1201"),
        ("，。", "检索词“，。”里没有可以检索的文字或数字"),
        ("", "请输入检索词，例如 recordkit search 电梯维修"),
    ],
)
def test_bad_queries(searched: Workspace, query: str, message: str) -> None:
    with pytest.raises(UsageError) as raised:
        search(searched, query)
    assert raised.value.message == message


def test_incremental_add_change_remove(
    indexed: dict[str, ArchiveItem], ws: Workspace, ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patched:  # nothing changed: no whole catalogue row is read, no text
        patched.setattr(ArchiveItem, "from_row", None)
        patched.setattr("recordkit.archive.extract.stored_text", None)
        again = update_index(ws, ledger)
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 5)
    # add
    file_documents(
        ws,
        ledger,
        tmp_path / "新扫描件",
        [("绿化.docx", "工程档案", None, "绿化养护合同", dt.date(2024, 4, 1), "草坪修剪与乔木养护。")],
    )
    report = update_index(ws, ledger)
    assert (report.added, report.updated, report.removed, report.unchanged) == (1, 0, 0, 5)
    assert numbers(ws, "乔木") == ["GC-2024-00002"]
    # change: the metadata of an item (its title and unit)
    update_item(ws, ledger, FIRE, "档案员", title="消防泵房巡检", unit="3-2-1202")
    report = update_index(ws, ledger)
    assert (report.added, report.updated, report.removed) == (0, 1, 0)
    assert numbers(ws, "泵房巡检") == [FIRE]
    assert numbers(ws, "3-2-1202") == [FIRE]
    # remove: an item gone from the catalogue
    import sqlalchemy as sa

    from recordkit.ledger.schema import archive_items

    with ledger.write() as conn:
        conn.execute(sa.delete(archive_items).where(archive_items.c.archive_no == ELEVATOR))
    assert verify_index(ws, ledger).orphaned == [ELEVATOR]
    report = update_index(ws, ledger)
    assert (report.added, report.updated, report.removed) == (0, 0, 1)
    assert numbers(ws, "钢丝绳") == []
    assert verify_index(ws, ledger).ok


def test_verify_lists_missing_and_stale(
    indexed: dict[str, ArchiveItem], ws: Workspace, ledger: Ledger, tmp_path: Path
) -> None:
    from recordkit.archive.archivist import Archivist
    from recordkit.archive.rules import Metadata

    # Filed without the hook (as a crashed watcher would leave it): missing from the index.
    Archivist(ws, ledger, "档案员").file(write_docx(tmp_path / "a.docx", "甲"), Metadata(category="财务档案"))
    update_item(ws, ledger, DEED, "档案员", title="产权证明（复核）")
    check = verify_index(ws, ledger)
    assert (check.missing, check.stale, check.orphaned) == (["CW-2026-00001"], [DEED], [])
    update_index(ws, ledger)
    assert verify_index(ws, ledger).ok


def test_metadata_is_searchable_when_extraction_failed(
    ws: Workspace, ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from recordkit.archive import extract

    def crash(*_: object) -> None:
        raise MemoryError("a hostile file")

    monkeypatch.setattr(extract, "_read", crash)
    items = file_documents(ws, ledger, tmp_path / "扫描件")
    report = update_index(ws, ledger)
    assert sorted(number for number, _ in report.failed) == sorted(item.archive_no for item in items.values())
    assert "读取文字时出错（MemoryError）" in report.failed[0][1]
    assert numbers(ws, "维修记录") == [ELEVATOR]  # by its title
    assert numbers(ws, "钢丝绳") == []  # its text could not be read
    assert "失败 5 件" in (ws.records_subdir("logs") / "index.log").read_text(encoding="utf-8")


def test_a_run_names_each_part_of_its_work_and_counts_the_items_written(
    ws: Workspace, ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebuild of a big archive takes minutes: the progress bar hears each part's name and the items written,
    then the last part (the index built and swapped in), so that it never sits at 提取文字与 OCR 0/? the whole
    time.  ``index --to`` tells the same; a nightly run with nothing to do tells nothing."""
    count = len(file_documents(ws, ledger, tmp_path / "扫描件"))
    monkeypatch.setattr(indexer, "PROGRESS_EVERY", 2)
    heard: list[tuple[Any, Any]] = []

    def told() -> dict[str, Any]:
        heard.clear()
        return {"progress": lambda done, total: heard.append((done, total)), "stage": lambda *said: heard.append(said)}

    written = [(2, count), (4, count), (5, count)]  # every second item, then the last one
    for run in (
        lambda: update_index(ws, ledger, rebuild=True, **told()),
        lambda: move_index(ws, ledger, ledger.dialect, **told()),
    ):
        run()
        # (first the texts extracted, when some were not stored yet: counted as before, without a stage)
        writing = heard.index(("写入索引", count))
        assert heard[writing:] == [("写入索引", count), *written, ("建立全文索引并换上（最后一步）", None)]
        assert all(isinstance(done, int) for done, _total in heard[:writing])
    update_index(ws, ledger, **told())
    assert heard == []


def test_a_search_does_not_load_jieba_or_the_ocr_engine(indexed: dict[str, ArchiveItem], ws: Workspace) -> None:
    code = (
        "import sys; from recordkit.cli import main; sys.argv = ['recordkit', 'search', '梯维']\n"
        "try:\n    main()\nexcept SystemExit as e:\n    code = e.code\n"
        "print(code, [m for m in ('jieba', 'onnxruntime', 'rapidocr_onnxruntime') if m in sys.modules])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        env={"RECORDKIT_HOME": str(ws.root), "PATH": "/usr/bin:/bin", "PYTHONPATH": os.environ.get("PYTHONPATH", "")},
    )
    assert done.stdout.strip().splitlines()[-1] == "0 []", done.stderr


def test_many_small_updates_are_merged_by_the_nightly_run(
    indexed: dict[str, ArchiveItem], ws: Workspace, ledger: Ledger, tmp_path: Path
) -> None:
    from recordkit.search.indexer import index_filed

    batches = 17
    for number in range(batches):  # the watcher's filing batches, one small write each
        filed = file_documents(
            ws,
            ledger,
            tmp_path / f"批次{number}",
            [
                (
                    f"巡检{number}.docx",
                    "工程档案",
                    None,
                    f"水泵巡检{number}",
                    dt.date(2024, 6, 1),
                    f"第{number}次水泵巡检，压力正常。",
                )
            ],
        )
        index_filed(ws, ledger, filed.values())
    update_item(ws, ledger, FIRE, "档案员", title="消防泵房巡检")  # a change: its old postings are dead
    report = update_index(ws, ledger)  # the nightly run: re-indexes the change and merges FTS5's segments
    assert (report.added, report.updated) == (0, 1)
    assert len(search(ws, "水泵巡检", limit=50).hits) == batches
    assert [hit.title for hit in search(ws, "消防水泵房").hits] == ["消防泵房巡检"]  # (its text)
    assert search(ws, "消防设施").hits == []  # the old title is gone, from the renamed file's path too
    assert numbers(ws, "泵房巡检") == [FIRE]  # once: the old version is gone
    assert numbers(ws, "第3次水泵") == ["GC-2024-00005"]
    assert verify_index(ws, ledger).ok


# -- ranking and sorting (issue 16) -------------------------------------------------------------------------

RANKED = [
    # (file name, category, unit, title, date, text)
    (
        "总结.docx",
        "工程档案",
        None,
        "月度工作总结",
        dt.date(2024, 3, 1),
        "本月完成绿化修剪、路灯更换。" * 20 + "另：电梯年检。",
    ),
    ("台账.docx", "工程档案", None, "设备台账", dt.date(2024, 9, 1), "电梯一台，电梯二台，电梯三台，均已维保。"),
    ("合同.docx", "合同协议档案", None, "电梯维保合同", dt.date(2023, 5, 1), "甲乙双方就维保服务达成一致。"),
    ("巡检甲.docx", "工程档案", None, "水泵巡检", dt.date(2024, 1, 1), "水泵运行正常。"),
    ("巡检乙.docx", "工程档案", None, "水泵巡检", dt.date(2022, 1, 1), "水泵运行平稳。"),
]


@pytest.fixture
def ranked(ws: Workspace, ledger: Ledger, tmp_path: Path) -> dict[str, str]:
    items = file_documents(ws, ledger, tmp_path / "排序", RANKED)
    update_index(ws, ledger)
    return {title: item.archive_no for title, item in items.items()}


def test_a_title_hit_ranks_above_mentions_in_the_text(ranked: dict[str, str], ws: Workspace) -> None:
    result = search(ws, "电梯")
    assert [hit.title for hit in result.hits] == ["电梯维保合同", "设备台账", "月度工作总结"]
    scores = [hit.score for hit in result.hits]
    assert scores == sorted(scores, reverse=True) and scores[0] > scores[1] > scores[2] > 0


def test_equal_scores_show_the_newest_filed_first(ranked: dict[str, str], ws: Workspace, ledger: Ledger) -> None:
    from recordkit.archive.archivist import list_items

    hits = search(ws, "水泵运行").hits
    filed = {item.archive_no: item.filed_at for item in list_items(ledger)}
    # Newest filed first; items filed in the same second, the higher number first.
    expected = sorted((hit.archive_no for hit in hits), key=lambda number: (filed[number], number), reverse=True)
    assert [hit.archive_no for hit in hits] == expected
    assert hits[0].score == hits[1].score


def test_sort_by_date_and_by_number(ranked: dict[str, str], ws: Workspace) -> None:
    by_date = search(ws, "电梯", sort="日期").hits
    assert [hit.date for hit in by_date] == ["2024-09-01", "2024-03-01", "2023-05-01"]
    by_number = [hit.archive_no for hit in search(ws, "电梯 OR 水泵", sort="档号").hits]
    assert by_number == ["GC-2022-00001", "GC-2024-00001", "GC-2024-00002", "GC-2024-00003", "HT-2023-00001"]
    with pytest.raises(UsageError) as raised:
        search(ws, "电梯", sort="热度")
    assert raised.value.message == "排序“热度”无法识别，应为 相关度、日期、档号 之一"


def test_a_filter_only_search_lists_the_newest_filed_first(
    ranked: dict[str, str], ws: Workspace, ledger: Ledger
) -> None:
    from recordkit.archive.archivist import list_items

    # Newest filed first; filed in the same second, the higher 档号 first.
    newest = sorted(list_items(ledger, category="工程档案"), key=lambda i: (i.filed_at, i.archive_no), reverse=True)
    hits = search(ws, "category:工程档案").hits
    assert [hit.archive_no for hit in hits] == [item.archive_no for item in newest]
    assert [hit.date for hit in search(ws, "category:工程档案", sort="日期").hits] == [
        "2024-09-01",
        "2024-03-01",
        "2024-01-01",
        "2022-01-01",
    ]


# -- phrases of common bigrams (issue 17: PostgreSQL also indexes CJK trigrams) ------------------------------

PHRASES = [
    # (file name, category, unit, title, date, text): every text holds 电梯, 梯维 and 维修; only some in order.
    ("甲.docx", "工程档案", None, "巡检甲", dt.date(2024, 1, 1), "今日电梯维修完毕。"),
    ("乙.docx", "工程档案", None, "巡检乙", dt.date(2024, 1, 2), "电梯运行正常，楼梯维护，水泵维修。"),
    (
        "丙.docx",
        "工程档案",
        None,
        "巡检丙",
        dt.date(2024, 1, 3),
        "电梯维护后楼梯维修。",
    ),  # both trigrams, not the phrase
    ("丁.docx", "工程档案", None, "巡检丁", dt.date(2024, 1, 4), "电梯\n维修记录。"),  # across a line break
    ("戊.docx", "工程档案", None, "巡检戊", dt.date(2024, 1, 5), "电梯、维修，梯维。"),  # a 、 between: no
]


def test_a_phrase_of_common_bigrams_finds_only_the_texts_holding_it_in_order(
    ws: Workspace, ledger: Ledger, tmp_path: Path
) -> None:
    items = file_documents(ws, ledger, tmp_path / "短语", PHRASES)
    update_index(ws, ledger)

    def titles(query: str) -> set[str]:
        return {hit.title for hit in search(ws, query, limit=50).hits}

    assert titles("电梯维修") == {"巡检丁", "巡检甲"}
    assert titles("梯维修") == {"巡检丁", "巡检丙", "巡检甲"}
    assert titles("电梯维") == {"巡检丁", "巡检丙", "巡检甲"}
    assert titles("电梯维修完毕") == {"巡检甲"}
    assert titles("电梯维修 -完毕") == {"巡检丁"}
    assert titles("电梯维修 OR 楼梯维护") == {"巡检丁", "巡检乙", "巡检甲"}
    assert titles("梯维") == {"巡检丁", "巡检乙", "巡检丙", "巡检甲", "巡检戊"}
    assert titles('"电梯、维修"') == {"巡检戊"}
    assert len(items) == 5


WORDS = [
    ("甲.docx", "工程档案", None, "记录甲", dt.date(2024, 2, 1), "每月维修、保养一次。"),  # in order, a 、 between
    ("乙.docx", "工程档案", None, "记录乙", dt.date(2024, 2, 2), "水泵维修、保养记录。"),  # in order, in longer runs
    ("丙.docx", "工程档案", None, "记录丙", dt.date(2024, 2, 3), "保养后维修。"),  # both words, the other way
    ("丁.docx", "工程档案", None, "记录丁", dt.date(2024, 2, 4), "维修电梯，保养水泵。"),  # both words apart
    ("戊.docx", "工程档案", None, "记录戊", dt.date(2024, 2, 5), "维修、保，养护。"),  # the second word not whole
]


def test_a_quoted_phrase_of_two_words_finds_only_the_texts_holding_them_next_to_each_other(
    ws: Workspace, ledger: Ledger, tmp_path: Path
) -> None:
    """Two words sharing no character: on PostgreSQL their pair lexeme offers the candidates (no trigram does)."""
    file_documents(ws, ledger, tmp_path / "两个词", WORDS)
    update_index(ws, ledger)

    def titles(query: str) -> list[str]:
        return sorted(hit.title for hit in search(ws, query, limit=50).hits)

    assert titles('"维修、保养"') == ["记录乙", "记录甲"]
    assert [hit.title for hit in search(ws, '"维修、保养"', sort="日期").hits] == ["记录乙", "记录甲"]
    assert [hit.title for hit in search(ws, '"维修、保养"', sort="档号").hits] == ["记录甲", "记录乙"]
    assert titles('"维修、保养" -每月') == ["记录乙"]
    assert titles("维修 保养") == ["记录丁", "记录丙", "记录乙", "记录甲"]
    assert titles('"修、保"') == ["记录乙", "记录戊", "记录甲"]
    assert titles('"电梯、保养"') == []  # across a comma
