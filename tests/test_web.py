"""The archive room in a browser, through Flask's test client on the demo estate: what each page shows,
that it agrees with the command line, that every form is checked, and that nothing leaks."""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import json
import re
import shutil
import socket
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from recordkit.archive.archivist import ArchiveItem, Archivist, get_item, list_items, list_loans, update_item
from recordkit.cli import app as cli_app
from recordkit.core.errors import LedgerError, UsageError
from recordkit.core.workspace import Workspace, setup_logging
from recordkit.demo.scans import write_scan
from recordkit.ledger import journal
from recordkit.ledger.db import Ledger, display_url, open_ledger
from recordkit.web.app import SECRET_FILE, accounts_required, create_app
from tests.archive_helpers import archive_ledger  # noqa: F401  (fixture ledger)
from tests.conftest import as_admin, database_of, set_database
from tests.search_helpers import (
    file_documents,
    search_ws,  # noqa: F401  (fixture ws: each backend in turn)
)
from tests.web_helpers import Browser, add_user, demo, demo_ledger, text_of  # noqa: F401


def local_app(workspace: Workspace, ledger: Ledger) -> Any:
    return create_app(workspace, accounts_required=False, ledger=ledger)


def cli_search(workspace: Workspace, *args: str) -> dict[str, Any]:
    result = CliRunner().invoke(
        cli_app, ["search", *args, "--json"], env={"RECORDKIT_HOME": str(workspace.root), "COLUMNS": "200"}
    )
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


@contextlib.contextmanager
def _closed_to_connections(url: str) -> Iterator[None]:
    """The ledger's database closed to connections and its sessions ended (an outage as the web sees one), opened
    again on leaving, whatever the test asserted inside."""
    set_database(url, "ALLOW_CONNECTIONS false")
    try:
        as_admin(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            f" WHERE datname = '{database_of(url)}' AND pid <> pg_backend_pid()"
        )
        yield
    finally:
        set_database(url, "ALLOW_CONNECTIONS true")


def hits_on_page(response: Any) -> list[dict[str, str]]:
    """Each result as the page shows it: its 档号, title and snippet (words only), in order."""
    html = response.get_data(as_text=True)
    found = []
    for block in re.findall(r'<li class="hit" data-archive-no="([^"]+)">(.*?)</li>', html, flags=re.S):
        number, body = block
        title = re.search(r'class="title"[^>]*>([^<]*)</a>', body)
        snippet = re.search(r'<p class="snippet">(.*?)</p>', body, flags=re.S)
        assert title and snippet
        found.append({
            "archive_no": number,
            "title": title.group(1),
            "snippet": re.sub(r"<[^>]+>", "", snippet.group(1)).replace("&#34;", '"').replace("&amp;", "&"),
            "marked": re.findall(r"<mark>(.*?)</mark>", snippet.group(1)),
        })  # fmt: skip
    return found


# -- search -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "params", "cli_flags"),
    [
        ("梯维修", {}, []),
        ("维保记录", {"category": "工程档案", "sort": "日期"}, ["--category", "工程档案", "--sort", "日期"]),
        ("产权 OR 身份证", {"sort": "档号"}, ["--sort", "档号"]),
        ("产权 或 身份证", {"sort": "档号"}, ["--sort", "档号"]),
    ],
)
def test_search_page_shows_what_recordkit_search_json_finds(
    demo: Workspace, demo_ledger: Ledger, query: str, params: dict[str, str], cli_flags: list[str]
) -> None:
    expected = cli_search(demo, query, *cli_flags)
    assert expected["hits"], "the demo estate holds documents for each query"
    page = Browser(local_app(demo, demo_ledger)).get("/search", query_string={"q": query, **params})
    assert page.status_code == 200
    shown = hits_on_page(page)
    assert [hit["archive_no"] for hit in shown] == [hit["archive_no"] for hit in expected["hits"]]
    assert [hit["title"] for hit in shown] == [hit["title"] for hit in expected["hits"]]
    assert [hit["snippet"] for hit in shown] == [hit["snippet"] for hit in expected["hits"]]
    for hit, wanted in zip(shown, expected["hits"], strict=True):
        assert hit["marked"] == [wanted["snippet"][start:end] for start, end in wanted["highlights"]]
    words = text_of(page)
    assert f"找到 {expected['total']} 条" in words
    assert f"另有 {expected['ocr_pending']} 件扫描件尚未识别文字" in words


def test_search_results_carry_box_shelf_and_a_thumbnail(demo: Workspace, demo_ledger: Ledger) -> None:
    browser = Browser(local_app(demo, demo_ledger))
    page = browser.get("/search?q=梯维修")
    html = page.get_data(as_text=True)
    for label in ("档号", "类别", "房号", "日期", "盒号/架位"):
        assert f"<dt>{label}</dt>" in html
    thumb = re.search(r'<img src="([^"]+)" alt="GC-2026-00004 第 1 页"', html)
    assert thumb is not None
    image = browser.get(thumb.group(1).replace("&amp;", "&"))
    assert image.status_code == 200 and image.mimetype.startswith("image/")
    assert len(image.data) > 100


def _hit_blocks(page: Any) -> dict[str, str]:
    """Each result's HTML on the search page, by its 档号."""
    html = page.get_data(as_text=True)
    return dict(re.findall(r'<li class="hit" data-archive-no="([^"]+)">(.*?)</li>', html, flags=re.S))


def _as_a_clerks_pc(demo: Workspace) -> None:
    """A clerk's PC sharing the ledger and its search index (the demo's index file stands for it): the archive, the
    extracted texts, the quarantine and the page images rendered so far are on the server (moved away here), an empty
    archive folder in their place."""
    server = demo.root / "on-the-server"
    server.mkdir()
    for folder in ("archive", "index/text", "quarantine", "cache"):
        if (demo.records_dir / folder).exists():
            shutil.move(demo.records_dir / folder, server / folder.replace("/", "-"))
    (demo.records_dir / "archive").mkdir()


def test_search_results_show_no_thumbnail_of_a_file_not_on_this_computer(demo: Workspace, demo_ledger: Ledger) -> None:
    """On a clerk's PC (the archive on the server) each result carried the thumbnail of its first page, which
    answers 404 there: broken images.  A result whose file is not here shows no image, and says where it is; on
    the server the thumbnails stay, and one whose file the server lost shows none either."""
    browser = Browser(local_app(demo, demo_ledger))
    scans = [
        number for number, block in _hit_blocks(browser.get("/search?q=category:工程档案")).items() if "<img" in block
    ]
    assert len(scans) >= 2, "the demo estate has engineering scans"
    for number in scans:
        assert browser.get(f"/item/{number}/page/1?w=240").status_code == 200

    lost = get_item(demo_ledger, scans[0])
    (demo.root / lost.path).rename(demo.root / "kept-aside")  # the server lost this one file
    at_server = _hit_blocks(browser.get("/search?q=category:工程档案"))
    assert "<img" not in at_server[scans[0]] and "文件不在档案库中" in at_server[scans[0]]
    for number in scans[1:]:
        assert f'<img src="/item/{number}/page/1?w=240"' in at_server[number]

    _as_a_clerks_pc(demo)
    page = browser.get("/search?q=category:工程档案")
    assert page.status_code == 200
    at_pc = _hit_blocks(page)
    assert set(scans) <= set(at_pc)
    assert "<img" not in page.get_data(as_text=True)
    for number in scans:
        assert "原件在服务器上" in at_pc[number]
        assert browser.get(f"/item/{number}/page/1?w=240").status_code == 404  # what the image would have been


def test_paging_follows_the_ranked_list(demo: Workspace, demo_ledger: Ledger) -> None:
    expected = cli_search(demo, "category:业主档案", "--sort", "档号", "--limit", "40")
    assert expected["total"] > 20
    browser = Browser(local_app(demo, demo_ledger))
    first = browser.get("/search", query_string={"q": "category:业主档案", "sort": "档号"})
    second = browser.get("/search", query_string={"q": "category:业主档案", "sort": "档号", "page": "2"})
    numbers = [hit["archive_no"] for hit in expected["hits"]]
    assert [hit["archive_no"] for hit in hits_on_page(first)] == numbers[:20]
    assert [hit["archive_no"] for hit in hits_on_page(second)] == numbers[20:40]
    assert "下一页" in text_of(first) and "上一页" in text_of(second)


def test_a_sort_the_page_does_not_know_is_refused_as_on_the_command_line(demo: Workspace, demo_ledger: Ledger) -> None:
    """``sort=时间`` in a typed or bookmarked address was answered by relevance without a word, where
    ``recordkit search --sort 时间`` is refused; the page answers 400 with the terminal's words, nothing found."""
    said = "排序“时间”无法识别，应为 相关度、日期、档号 之一"
    browser = Browser(local_app(demo, demo_ledger))
    for query in ({"q": "电梯", "sort": "时间"}, {"sort": "时间"}, {"q": "电梯", "sort": "relevance"}):
        refused = browser.get("/search", query_string=query)
        assert refused.status_code == 400, query
        assert said.replace("时间", query["sort"]) in text_of(refused), query
        assert hits_on_page(refused) == []
    terminal = CliRunner().invoke(cli_app, ["search", "电梯", "--sort", "时间"], env={"RECORDKIT_HOME": str(demo.root)})
    assert (terminal.exit_code, terminal.stderr) == (2, f"错误：{said}\n")
    # An empty sort= (a form sent without choosing) is the default order.
    assert browser.get("/search", query_string={"q": "电梯", "sort": ""}).status_code == 200


def test_a_page_past_the_last_shows_the_last_page_not_nothing_found(demo: Workspace, demo_ledger: Ledger) -> None:
    """A bookmarked or typed page number past the end of the list (39 items: two pages) goes to the last page,
    never "没有符合筛选条件的档案" under "找到 39 条"."""
    expected = cli_search(demo, "category:业主档案", "--sort", "档号", "--limit", "100")
    total = expected["total"]
    assert 20 < total <= 40
    browser = Browser(local_app(demo, demo_ledger))
    past = browser.get("/search", query_string={"category": "业主档案", "sort": "档号", "page": "7"})
    assert past.status_code == 302
    target = urlsplit(past.headers["Location"])
    assert (target.path, parse_qs(target.query)) == (
        "/search",
        {"category": ["业主档案"], "sort": ["档号"], "page": ["2"]},
    )
    last = browser.get(past.headers["Location"])
    words = text_of(last)
    assert f"找到 {total} 条，第 2/2 页" in words and "没有符合筛选条件的档案" not in words
    numbers = [hit["archive_no"] for hit in expected["hits"]]
    assert [hit["archive_no"] for hit in hits_on_page(last)] == numbers[20:]
    # A search that finds little, asked for page 3: its one page.
    few = browser.get("/search", query_string={"q": "电梯", "page": "3"}, follow_redirects=True)
    assert [hit["archive_no"] for hit in hits_on_page(few)] == [
        hit["archive_no"] for hit in cli_search(demo, "电梯")["hits"]
    ]
    assert "没有找到包含" not in text_of(few)


def test_a_bad_query_is_a_chinese_message_not_a_crash(demo: Workspace, demo_ledger: Ledger) -> None:
    page = Browser(local_app(demo, demo_ledger)).get("/search?q=date:2024-13")
    assert page.status_code == 400
    assert "日期" in text_of(page) or "月" in text_of(page)


def test_a_query_over_500_characters_gets_the_command_lines_message_not_a_cut_search(
    demo: Workspace, demo_ledger: Ledger
) -> None:
    too_long = "电梯" * 300  # 600 characters
    page = Browser(local_app(demo, demo_ledger)).get("/search", query_string={"q": too_long})
    assert page.status_code == 400
    assert "检索词太长（600 个字，最多 500 个字）：请摘取其中几个词检索" in text_of(page)
    assert hits_on_page(page) == []


def test_a_query_longer_than_200_characters_is_searched_whole(demo: Workspace, demo_ledger: Ledger) -> None:
    # The words past the 200th character narrow the search down to nothing: a cut query would find the lifts.
    query = "梯维修" + " " * 250 + "没有这个词"
    assert cli_search(demo, "梯维修")["hits"] and cli_search(demo, query)["hits"] == []
    page = Browser(local_app(demo, demo_ledger)).get("/search", query_string={"q": query})
    assert page.status_code == 200 and hits_on_page(page) == []


def test_the_item_page_marks_the_words_of_a_query_longer_than_200_characters(
    demo: Workspace, demo_ledger: Ledger
) -> None:
    browser = Browser(local_app(demo, demo_ledger))
    page = browser.get("/item/GC-2026-00004", query_string={"q": "梯维修" + " " * 250 + "检查"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<mark>梯维修</mark>" in html and "<mark>检查</mark>结果" in html


def test_filters_alone_list_items(demo: Workspace, demo_ledger: Ledger) -> None:
    expected = cli_search(demo, "", "--category", "工程档案", "--from", "2026-10", "--to", "2026-10")
    page = Browser(local_app(demo, demo_ledger)).get(
        "/search", query_string={"category": "工程档案", "from": "2026-10", "to": "2026-10"}
    )
    assert [hit["archive_no"] for hit in hits_on_page(page)] == [hit["archive_no"] for hit in expected["hits"]]


# -- the catalogue ------------------------------------------------------------------------------------


def rows_on_page(response: Any) -> list[tuple[str, ...]]:
    """Each row of the 档案目录 as the page shows it: its cells' words, in order."""
    html = response.get_data(as_text=True)
    return [
        tuple(re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td>(.*?)</td>", row))
        for row in re.findall(r'<tr data-archive-no="[^"]+">(.*?)</tr>', html, flags=re.S)
    ]


def test_the_catalogue_page_lists_what_a_box_or_shelf_holds_as_archive_list_does(
    ws: Workspace, ledger: Ledger, tmp_path: Path, run_cli: Any
) -> None:
    """The web page could not say what a box holds (``archive list --box`` could).  Its 档案目录 (/archive) takes
    box=, shelf=, category= and unit= as the command takes them: a label typed full-width is the half-width one,
    exactly that label (never a part of another's); the titles masked unless 显示完整号码, which is journalled."""
    items = file_documents(ws, ledger, tmp_path / "扫描件")
    for title, box, shelf in (
        ("装修协议", "A-1-2", "3排2层"),
        ("产权证明", "Ａ－１－２", "3排3层"),
        ("维修基金收缴台账", "A-1", "３排２层"),
    ):
        update_item(ws, ledger, items[title].archive_no, "档案员", box=box, shelf=shelf)
    deed = items["产权证明"].archive_no
    update_item(ws, ledger, deed, "档案员", title="张伟 13812345678 产权证明")
    contract, fund = items["装修协议"].archive_no, items["维修基金收缴台账"].archive_no
    browser = Browser(local_app(ws, ledger))

    box = browser.get("/archive", query_string={"box": "Ａ－１－２"})
    assert box.status_code == 200 and "档案 2 件" in text_of(box)
    assert rows_on_page(box) == [
        (contract, "合同协议档案", "3-2-1201", "装修协议", "2025-03-15", "A-1-2/3排2层"),
        (deed, "业主档案", "1-1-101", "张伟 138****5678 产权证明", "2020-05-01", "A-1-2/3排3层"),
    ]
    # in 档号 order, as archive list: CW before HT
    shelf = browser.get("/archive", query_string={"shelf": "3排2层"})
    assert [row[0] for row in rows_on_page(shelf)] == [fund, contract]
    both = browser.get("/archive", query_string={"box": "A-1-2", "shelf": "３排３层", "category": "业主档案"})
    assert [row[0] for row in rows_on_page(both)] == [deed]
    assert "档案 0 件" in text_of(browser.get("/archive", query_string={"box": "A-1-"}))
    listed = run_cli("archive", "list", "--box", "Ａ－１－２", "--json")
    assert [item["archive_no"] for item in json.loads(listed.stdout)] == [contract, deed]

    private = browser.get("/archive", query_string={"box": "A-1-2", "private": "1"})
    assert rows_on_page(private)[1][3] == "张伟 13812345678 产权证明"
    with ledger.read() as conn:
        what, viewed = conn.exec_driver_sql(
            "SELECT entity_key, after FROM journal WHERE action = 'private.view' ORDER BY id DESC LIMIT 1"
        ).one()
    assert what == "网页档案目录" and json.loads(viewed) == {"count": 2, "first": [contract, deed]}

    typo = browser.get("/archive", query_string={"category": "工程档按"})
    assert typo.status_code == 400 and "没有“工程档按”这个档案类别" in text_of(typo)
    assert "写盒号、架位、房号或选类别" in text_of(browser.get("/archive")) and not rows_on_page(
        browser.get("/archive")
    )


# -- an item ----------------------------------------------------------------------------------------


def test_item_page_shows_metadata_pages_text_loans_and_journal(demo: Workspace, demo_ledger: Ledger) -> None:
    item = get_item(demo_ledger, "GC-2026-00004")
    browser = Browser(local_app(demo, demo_ledger))
    page = browser.get("/item/GC-2026-00004?q=梯维修")
    assert page.status_code == 200
    html, words = page.get_data(as_text=True), text_of(page)
    assert "电梯维保记录" in words and "工程档案" in words and "2026-11-15" in words
    images = re.findall(r'<img class="page-image" src="([^"]+)"', html)
    assert len(images) == item.pages
    for url in images:
        assert browser.get(url.replace("&amp;", "&")).status_code == 200
    assert "<mark>梯维修</mark>" in html  # the recognised text, search words marked
    assert "归档" in words and item.filed_by in words  # the journal's filing entry
    assert "没有借阅记录" in words


def test_item_page_shows_the_topic_and_the_note_masked(demo: Workspace, demo_ledger: Ledger) -> None:
    """An item's 主题 and 备注 (a scanner sidecar's, or the folder's topic) were shown by ``archive show`` but not on the
    item page; now the page shows both, a phone in them masked unless the full numbers are asked for."""
    with demo_ledger.write() as conn:
        conn.exec_driver_sql(
            "UPDATE archive_items SET topic = '3号楼', note = '缺第3页 维保单位13912344321' "
            "WHERE archive_no = 'GC-2026-00004'"
        )
    browser = Browser(local_app(demo, demo_ledger))
    words = text_of(browser.get("/item/GC-2026-00004"))
    assert "主题 3号楼" in words and "备注 缺第3页 维保单位139****4321" in words
    assert "备注 缺第3页 维保单位13912344321" in text_of(browser.get("/item/GC-2026-00004?private=1"))
    assert "备注" not in text_of(browser.get("/item/GC-2026-00003"))  # none written: no empty row


def test_item_page_says_a_unit_is_unrecognised_only_where_one_is_expected(demo: Workspace, demo_ledger: Ledger) -> None:
    """The item page said 房号 （未识别） of an engineering record, which has no unit to recognise; now 无, and
    （未识别） only of an owner's file without one (listed for review), as ``archive show`` says it."""
    with demo_ledger.write() as conn:
        conn.exec_driver_sql("UPDATE archive_items SET unit = NULL WHERE archive_no = 'YZ-2026-00001'")
    browser = Browser(local_app(demo, demo_ledger))
    assert "房号 无 " in text_of(browser.get("/item/GC-2026-00004"))
    assert "房号 （未识别） " in text_of(browser.get("/item/YZ-2026-00001"))


def test_zoom_asks_for_a_wider_page_image(demo: Workspace, demo_ledger: Ledger) -> None:
    from recordkit.web.views import ZOOM_WIDTHS

    browser = Browser(local_app(demo, demo_ledger))
    html = browser.get("/item/GC-2026-00004?zoom=1").get_data(as_text=True)
    assert f"w={ZOOM_WIDTHS[1]}" in re.search(r'<img class="page-image" src="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def test_a_page_is_shown_when_the_disk_will_not_take_its_cached_image(
    demo: Workspace, demo_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The office server's disk full: the archivist still sees the page (made in memory, not kept), not a
    server error; it is made again, and kept, once there is room."""
    import errno
    import io
    import os

    from PIL import Image

    from recordkit.archive import pages

    def refused(target: Path, *args: Any, **kwargs: Any) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))

    monkeypatch.setattr(pages, "write_bytes", refused)
    browser = Browser(local_app(demo, demo_ledger))
    shown = browser.get("/item/GC-2026-00004/page/1?w=800")
    assert (shown.status_code, shown.mimetype) == (200, "image/jpeg")
    assert Image.open(io.BytesIO(shown.data)).size[0] == 800
    item = get_item(demo_ledger, "GC-2026-00004")
    assert not (pages.cache_folder(demo, item.sha256) / "1-800.jpg").exists()
    monkeypatch.undo()
    again = browser.get("/item/GC-2026-00004/page/1?w=800")
    assert again.data == shown.data
    assert (pages.cache_folder(demo, item.sha256) / "1-800.jpg").exists()


def test_download_of_the_original_by_archive_number(demo: Workspace, demo_ledger: Ledger) -> None:
    item = get_item(demo_ledger, "GC-2026-00004")
    response = Browser(local_app(demo, demo_ledger)).get("/item/GC-2026-00004/original")
    assert response.status_code == 200
    assert response.data == (demo.root / item.path).read_bytes()
    assert "attachment" in response.headers["Content-Disposition"]


def test_the_original_downloads_under_its_archive_number_where_a_browser_cannot_read_its_chinese_name(
    demo: Workspace, demo_ledger: Ledger
) -> None:
    """A browser that reads only the plain ``filename`` saves the file as its 档号 (not ``.pdf``, the Chinese
    dropped); one that reads ``filename*`` saves it under the scan's own name."""
    response = Browser(local_app(demo, demo_ledger)).get("/item/GC-2026-00004/original")
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=GC-2026-00004.pdf; "
        "filename*=UTF-8''%E7%94%B5%E6%A2%AF%E7%BB%B4%E4%BF%9D%E8%AE%B0%E5%BD%95_20261115.pdf"
    )


@pytest.mark.parametrize("scan", ["扫描\u200b009.pdf", "\ufeff扫描009.pdf", "扫描009\u202e.pdf"])
def test_the_original_of_a_scan_named_with_an_invisible_character_downloads_under_its_name_as_seen(
    demo: Workspace, demo_ledger: Ledger, scan: str
) -> None:
    """A scan whose name held a zero-width blank, a BOM or a direction override: its original downloaded as
    扫描<U+200B>009.pdf (the ledger's way of showing the character), which a browser saves as 扫描_U+200B_009.pdf; now
    under the name as it is seen, 扫描009.pdf."""
    outcome = Archivist(demo, demo_ledger, "本机管理员").file(write_scan(demo.records_dir / "inbox" / scan, 91))
    assert outcome.item is not None
    response = Browser(local_app(demo, demo_ledger)).get(f"/item/{outcome.item.archive_no}/original")
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename={outcome.item.archive_no}.pdf; filename*=UTF-8''%E6%89%AB%E6%8F%8F009.pdf"
    )


def _side_of(page: Any) -> str:
    """The words of the item page's side column (its facts, the original's download, lending, review)."""
    found = re.search(r'<section class="side">(.*?)</section>', page.get_data(as_text=True), flags=re.S)
    assert found is not None
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip()


def test_an_item_whose_file_is_not_here_offers_no_download_nor_correction(demo: Workspace, demo_ledger: Ledger) -> None:
    """The item page of an item whose file is not on this computer (a server that lost it; a clerk's PC, the archive
    on the server) offered 下载原件 and the review form, both refused only once clicked.  It offers neither now and
    says why where they were, in the download's own words; both links still refuse if asked directly."""
    number = "GC-2026-00004"
    item = get_item(demo_ledger, number)
    browser = Browser(local_app(demo, demo_ledger))
    download, correction = f'href="/item/{number}/original"', f'action="/item/{number}/update"'
    here = browser.get(f"/item/{number}")
    assert download in here.get_data(as_text=True) and correction in here.get_data(as_text=True)
    assert "复核与改正" in _side_of(here) and "不在档案库中" not in _side_of(here)

    kept = demo.root / "kept-aside"
    (demo.root / item.path).rename(kept)  # the server lost this one file
    lost_said = f"{number} 的文件不在档案库中：请管理员在服务器上检查档案文件"
    pc_said = (
        f"这台电脑上没有档案文件，{number} 的原件存放在服务器上：请打开服务器上的档案网页查看。"
        "如果这就是服务器上的档案网页，请管理员检查存放档案的磁盘是否接好"
    )
    lost = browser.get(f"/item/{number}")
    shutil.move(demo.records_dir / "archive", demo.root / "archive-on-the-server")  # a clerk's PC: no archive here
    (demo.records_dir / "archive").mkdir()
    at_pc = browser.get(f"/item/{number}")
    for page, said in ((lost, lost_said), (at_pc, pc_said)):
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert download not in html and correction not in html and "下载原件" not in text_of(page)
        assert "复核与改正" not in _side_of(page)
        # said once: above the pages, where the scan cannot be shown, not again beside them
        assert text_of(page).count(said.split("：")[1]) == 1, text_of(page)
        assert "借阅" in _side_of(page)  # the paper original is lent as before
    refused = browser.get(f"/item/{number}/original")
    assert refused.status_code == 404 and pc_said in text_of(refused)


#: The text of the filed 装修协议 (tests/search_helpers.py), its phone and ID numbers masked as the page masks them.
CONTRACT_MASKED = (
    "业主张伟于2025年3月15日签订装修管理协议，房号3栋2单元1201，联系电话138****5678，身份证号110101********1233。"
)
CONTRACT_PLAIN = "联系电话13812345678，身份证号110101199003071233"
TEXT_FROM_INDEX = "原件不在这台电脑上，下面是检索索引里保存的这件档案的文字（不分页）"
TEXT_ON_THE_SERVER = "这台电脑上没有档案文件，文字存放在服务器上：请打开服务器上的档案网页查看"


def _at_a_clerks_pc(ws: Workspace) -> None:
    """A clerk's PC sharing the ledger: records/archive empty, the extracted texts on the server; a SQLite index is
    a file on the server too (a PostgreSQL one is in the shared database)."""
    server = ws.root / "on-the-server"
    server.mkdir()
    shutil.move(ws.records_dir / "archive", server / "archive")
    (ws.records_dir / "archive").mkdir()
    shared = ws.database_url.startswith("postgresql")
    shutil.move(ws.records_dir / "index" / "text" if shared else ws.records_dir / "index", server / "index")


def test_the_item_page_on_a_clerks_pc_shows_the_text_the_search_index_holds(
    ws: Workspace, ledger: Ledger, tmp_path: Path, run_cli: Any
) -> None:
    """On a clerk's PC the item page said 尚未提取文字（每晚更新检索索引时提取）: false, the text was extracted on the
    server, and the shared index holds it.  The page shows that text now, masked as the stored text is (in full
    with 显示完整号码), the search words marked; a SQLite index is the server's file, so a PC has none: the page
    says the text is on the server."""
    number = file_documents(ws, ledger, tmp_path / "扫描件")["装修协议"].archive_no
    assert run_cli("index").exit_code == 0
    browser = Browser(local_app(ws, ledger))
    at_server = browser.get(f"/item/{number}")
    assert "第 1 页 " + CONTRACT_MASKED in text_of(at_server) and TEXT_FROM_INDEX not in text_of(at_server)

    _at_a_clerks_pc(ws)
    page = browser.get(f"/item/{number}")
    assert page.status_code == 200
    words, html = text_of(page), page.get_data(as_text=True)
    assert "尚未提取文字" not in words and "13812345678" not in html and "110101199003071233" not in html
    if not ws.database_url.startswith("postgresql"):
        assert TEXT_ON_THE_SERVER in words and CONTRACT_MASKED not in words
        return
    assert TEXT_FROM_INDEX + " " + CONTRACT_MASKED in words and TEXT_ON_THE_SERVER not in words
    assert "第 1 页" not in words  # the index keeps no page breaks: none is made up
    searched = browser.get(f"/item/{number}", query_string={"q": "装修管理协议"}).get_data(as_text=True)
    assert "签订<mark>装修管理协议</mark>，房号" in searched
    shown = text_of(browser.get(f"/item/{number}", query_string={"private": "1"}))
    assert CONTRACT_PLAIN in shown and TEXT_FROM_INDEX in shown


@pytest.mark.postgres
@pytest.mark.parametrize("ws", ["postgresql"], indirect=True)
def test_the_item_page_on_a_clerks_pc_says_the_text_is_on_the_server_when_the_index_holds_none(
    ws: Workspace, ledger: Ledger, tmp_path: Path, run_cli: Any
) -> None:
    """An item the shared index holds no text of (its row gone: not indexed yet) said 尚未提取文字 on a clerk's PC;
    it says the text is on the server."""
    number = file_documents(ws, ledger, tmp_path / "扫描件")["装修协议"].archive_no
    assert run_cli("index").exit_code == 0
    with ledger.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM search_items WHERE archive_no = %s", (number,))
    _at_a_clerks_pc(ws)
    words = text_of(Browser(local_app(ws, ledger)).get(f"/item/{number}"))
    assert TEXT_ON_THE_SERVER in words and "尚未提取文字" not in words and TEXT_FROM_INDEX not in words


@pytest.mark.postgres
@pytest.mark.parametrize("ws", ["postgresql"], indirect=True)
@pytest.mark.parametrize(
    ("broken", "said"),
    [
        (
            "DROP TABLE search_items, search_index_meta",  # a ledger older than the index tables
            "台账数据库里没有检索索引的表：请管理员在服务器上升级台账数据库（recordkit db upgrade），"
            "再重建检索索引（recordkit index --rebuild）",
        ),
        (
            "UPDATE search_index_meta SET value = '99' WHERE key = 'schema_version'",
            "检索索引的版本（99）与本程序（18）不符：索引是更新版本的 recordkit 建的，"
            "请管理员把服务器上运行网页的 recordkit 升级到建索引的那个版本，再重启网页服务（recordkit serve）",
        ),
    ],
    ids=["no index tables", "a newer index"],
)
def test_the_item_page_on_a_clerks_pc_answers_an_unusable_index_as_the_search_page_does(
    ws: Workspace, ledger: Ledger, tmp_path: Path, run_cli: Any, broken: str, said: str
) -> None:
    """On a clerk's PC whose PostgreSQL ledger lacks the index tables, or holds an index a newer recordkit built,
    the item page said the text was on the server (200), while the search page answered 503 with what the
    administrator must do.  The item page answers the same."""
    number = file_documents(ws, ledger, tmp_path / "扫描件")["装修协议"].archive_no
    assert run_cli("index").exit_code == 0
    with ledger.engine.begin() as conn:
        conn.exec_driver_sql(broken)
    _at_a_clerks_pc(ws)
    browser = Browser(local_app(ws, ledger))
    for page in (browser.get("/search?q=装修"), browser.get(f"/item/{number}")):
        assert (page.status_code, said in text_of(page)) == (503, True), text_of(page)
        assert TEXT_ON_THE_SERVER not in text_of(page)


@pytest.mark.postgres
@pytest.mark.parametrize("ws", ["postgresql"], indirect=True)
def test_the_item_page_on_a_clerks_pc_says_a_scan_waiting_for_ocr_has_no_text_yet(
    ws: Workspace, ledger: Ledger, tmp_path: Path, run_cli: Any
) -> None:
    """A scan the shared index holds as waiting for OCR (no text on the server either) was said to have its text on
    the server, where the clerk would find none: it says the text is not extracted yet, as the server's page does."""
    number = file_documents(ws, ledger, tmp_path / "扫描件")["装修协议"].archive_no
    assert run_cli("index").exit_code == 0
    with ledger.engine.begin() as conn:  # as the index keeps a scan without a text layer before its OCR
        conn.exec_driver_sql(
            "UPDATE search_items SET state = 'pending', text = substr(text, 1, body_start) WHERE archive_no = %s",
            (number,),
        )
    _at_a_clerks_pc(ws)
    words = text_of(Browser(local_app(ws, ledger)).get(f"/item/{number}"))
    assert "尚未提取文字（每晚更新检索索引时提取）" in words and TEXT_ON_THE_SERVER not in words


@pytest.mark.parametrize(
    "url",
    [
        "/item/../../recordkit.toml",
        "/item/..%2F..%2Frecordkit.toml/original",
        "/item/%2E%2E%2F%2E%2E%2Frecordkit.toml/original",
        "/item/%2Fetc%2Fpasswd/original",
        "//etc/passwd",
        "/static/../recordkit.toml",
        "/static/..%2F..%2F..%2Frecordkit.toml",
        "/item/recordkit.toml/original",
        "/item/GC-2026-00004/page/1?w=13",
        "/item/GC-2026-00004/page/99",
        "/item/GC-2026-00004/page/0",
        "/records/ledger.sqlite3",
        "/item/NO-SUCH-1/original",
    ],
)
def test_paths_from_the_request_never_reach_a_file(demo: Workspace, demo_ledger: Ledger, url: str) -> None:
    browser = Browser(local_app(demo, demo_ledger))
    # the test client reads "//etc/passwd" as the address of a host "etc": a browser sends it as the path
    response = browser.get("/", environ_overrides={"PATH_INFO": url}) if url.startswith("//") else browser.get(url)
    assert response.status_code == 404
    assert "[database]" not in response.get_data(as_text=True)
    assert response.mimetype == "text/html"


# -- lending ----------------------------------------------------------------------------------------


def test_lend_and_return_from_the_item_page_are_journalled_with_the_web_user(
    demo: Workspace, demo_ledger: Ledger
) -> None:
    browser = Browser(local_app(demo, demo_ledger))
    browser.get("/item/GC-2026-00004")
    due = (dt.date.today() + dt.timedelta(days=7)).isoformat()
    lent = browser.post(
        "/item/GC-2026-00004/lend", {"borrower": "王工", "dept": "工程部", "due": due, "reason": "电梯年检"}
    )
    assert lent.status_code == 302
    page = browser.get("/item/GC-2026-00004")
    assert f"已借出 GC-2026-00004（电梯维保记录）给“王工”，应还日期 {due}" in text_of(page)
    assert f"已借出：王工，应还 {due}" in text_of(page)
    [loan] = [loan for loan in list_loans(demo_ledger) if loan.archive_no == "GC-2026-00004"]
    assert (loan.borrower, loan.dept, loan.due.isoformat(), loan.lent_by) == ("王工", "工程部", due, "本机管理员")
    assert browser.post("/item/GC-2026-00004/return", {}).status_code == 302
    assert not [loan for loan in list_loans(demo_ledger) if loan.archive_no == "GC-2026-00004"]
    with demo_ledger.read() as conn:
        entries = journal.recent(conn, 5, entity_key="GC-2026-00004")
    assert [(entry.action, entry.operator) for entry in entries[:2]] == [
        ("archive.return", "本机管理员"),
        ("archive.lend", "本机管理员"),
    ]
    history = text_of(browser.get("/item/GC-2026-00004"))
    assert "王工 工程部" in history and "借出档案" in history and "归还档案" in history


def form_fields(page: Any, action: str) -> dict[str, str]:
    """What a browser sends of the form posting to ``action`` on ``page``, untouched (its hidden fields)."""
    found = re.search(
        rf'<form method="post" action="{re.escape(action)}"[^>]*>(.*?)</form>', page.get_data(as_text=True), re.S
    )
    assert found is not None
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', found.group(1)))


def out_to(ledger: Ledger, borrower: str) -> str:
    """The 档号 of the original the demo has out to ``borrower`` (demo/estate.py lends the first two owner files it
    files to 王工 and 李会计): the tests return it, lend it again, or are refused to touch it."""
    [number] = [loan.archive_no for loan in list_loans(ledger) if loan.borrower == borrower]
    return number


def test_a_return_form_left_open_never_returns_the_next_borrowers_loan(demo: Workspace, demo_ledger: Ledger) -> None:
    """Two clerks: one opens the page of an original out to 王工; meanwhile the other takes it back and lends it
    to 李四.  The first clerk's 归还（借阅人 王工） is refused: 李四 still has it."""
    number = out_to(demo_ledger, "王工")
    app = local_app(demo, demo_ledger)
    first, second = Browser(app), Browser(app)
    page = first.get(f"/item/{number}")
    assert "归还（借阅人 王工）" in text_of(page)
    stale = form_fields(page, f"/item/{number}/return")
    second.get(f"/item/{number}")
    assert second.post(f"/item/{number}/return", {}).status_code == 302
    due = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    assert second.post(f"/item/{number}/lend", {"borrower": "李四", "due": due}).status_code == 302
    refused = first.client.post(f"/item/{number}/return", data=stale)
    assert refused.status_code == 409
    assert f"{number} 的纸质原件已归还后又借给了“李四”（{dt.date.today().isoformat()} 借出），没有归还" in text_of(
        refused
    )
    [loan] = [loan for loan in list_loans(demo_ledger) if loan.archive_no == number]
    assert (loan.borrower, loan.due.isoformat(), loan.returned_at) == ("李四", due, None)
    # The page as it is now returns 李四's loan.
    page = first.get(f"/item/{number}")
    assert (
        first.client.post(f"/item/{number}/return", data=form_fields(page, f"/item/{number}/return")).status_code == 302
    )
    assert not [loan for loan in list_loans(demo_ledger) if loan.archive_no == number]


def test_a_latin_borrower_is_quoted_where_a_sentence_names_them_and_labelled_where_a_list_does(
    demo: Workspace, demo_ledger: Ledger
) -> None:
    """The lend note said 给 Tran Van Nam，应还日期 … and a stale return form's refusal 又借给了 Tran Van Nam（… 借出）:
    a Latin name ran into the Chinese words; a sentence now quotes it.  A labelled entry (借阅人 X，…) keeps it as
    the counter's 交款人 X does."""
    number = out_to(demo_ledger, "王工")
    app = local_app(demo, demo_ledger)
    first, second = Browser(app), Browser(app)
    stale = form_fields(first.get(f"/item/{number}"), f"/item/{number}/return")
    second.get(f"/item/{number}")
    assert second.post(f"/item/{number}/return", {}).status_code == 302
    due = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    assert second.post(f"/item/{number}/lend", {"borrower": "Tran Van Nam", "due": due}).status_code == 302
    assert f"）给“Tran Van Nam”，应还日期 {due}" in text_of(second.get(f"/item/{number}"))
    refused = first.client.post(f"/item/{number}/return", data=stale)
    assert refused.status_code == 409
    today = dt.date.today().isoformat()
    assert f"{number} 的纸质原件已归还后又借给了“Tran Van Nam”（{today} 借出），没有归还" in text_of(refused)
    again = second.post(f"/item/{number}/lend", {"borrower": "李四", "due": due})
    assert again.status_code == 409 and f"已借出（借阅人 Tran Van Nam，应还日期 {due}）" in text_of(again)
    assert second.post(f"/item/{number}/return", {}).status_code == 302
    assert "），借阅人 Tran Van Nam" in text_of(second.get(f"/item/{number}"))


def journal_details(page: Any) -> list[str]:
    """The 内容 cells of the item page's 操作日志, newest first."""
    return re.findall(r'<td class="details">([^<]*)</td>', page.get_data(as_text=True))


def test_the_item_pages_journal_speaks_chinese(demo: Workspace, demo_ledger: Ledger) -> None:
    """The 操作日志 of an item names each field in Chinese, says 是/否, and gives a moment on the office's clock,
    not borrower：王工；confidential：False；returned_at：2026-12-05T13:32:06+00:00."""
    browser = Browser(local_app(demo, demo_ledger))
    browser.get("/item/GC-2026-00004")
    due = (dt.date.today() + dt.timedelta(days=7)).isoformat()
    browser.post("/item/GC-2026-00004/lend", {"borrower": "王工", "dept": "工程部", "due": due, "reason": "电梯年检"})
    browser.post("/item/GC-2026-00004/return", {})
    returned, lent, filed = journal_details(browser.get("/item/GC-2026-00004"))[:3]
    assert lent == f"借阅人：王工；保密：否；部门：工程部；应还日期：{due}；借阅原因：电梯年检"
    assert re.fullmatch(r"归还时间：\d{4}-\d\d-\d\d \d\d:\d\d", returned)
    [loan] = list_loans(demo_ledger, include_returned=True, archive_no="GC-2026-00004")
    assert loan.returned_at is not None
    clock = dt.datetime.fromisoformat(loan.returned_at).astimezone(ZoneInfo(demo.settings.office.time_zone))
    assert returned == f"归还时间：{clock:%Y-%m-%d %H:%M}"
    assert filed.startswith("类别：工程档案；") and "待复核：否" in filed and "保密：否" in filed
    assert not re.search(r"[a-z_]+：", filed + lent + returned)


def test_a_due_day_written_without_its_year_is_the_next_such_day_as_on_the_command_line(
    demo: Workspace, demo_ledger: Ledger
) -> None:
    """A browser without a date field (an old one in the office) takes 应还日期 as typed: 12月20日 is read as
    ``archive lend --due 12月20日`` reads it."""
    due = dt.date.today() + dt.timedelta(days=10)
    browser = Browser(local_app(demo, demo_ledger))
    browser.get("/item/GC-2026-00004")
    lent = browser.post("/item/GC-2026-00004/lend", {"borrower": "王工", "due": f"{due.month}月{due.day}日"})
    assert lent.status_code == 302
    assert f"应还日期 {due.isoformat()}" in text_of(browser.get(lent.headers["Location"]))
    [loan] = [loan for loan in list_loans(demo_ledger) if loan.archive_no == "GC-2026-00004"]
    assert loan.due == due


def test_a_due_day_typed_as_tomorrow_is_read_as_on_the_command_line(demo: Workspace, demo_ledger: Ledger) -> None:
    """应还日期 明天 (a browser without a date field) was refused as 无法识别; it is the day after today."""
    browser = Browser(local_app(demo, demo_ledger))
    browser.get("/item/GC-2026-00004")
    lent = browser.post("/item/GC-2026-00004/lend", {"borrower": "王工", "due": "明天"})
    assert lent.status_code == 302
    [loan] = [loan for loan in list_loans(demo_ledger) if loan.archive_no == "GC-2026-00004"]
    assert loan.due == dt.date.today() + dt.timedelta(days=1)


def test_returning_an_overdue_original_says_how_late_as_the_command_line_does(
    demo: Workspace, demo_ledger: Ledger
) -> None:
    number = out_to(demo_ledger, "李会计")
    [loan] = [loan for loan in list_loans(demo_ledger) if loan.archive_no == number]
    days = (dt.date.today() - loan.due).days
    assert days > 0  # the demo lends it with a due day past
    browser = Browser(local_app(demo, demo_ledger))
    browser.get(f"/item/{number}")
    back = browser.post(f"/item/{number}/return", {})
    words = text_of(browser.get(back.headers["Location"]))
    assert f"已归还 {number}（入住登记表），借阅人 李会计，逾期 {days} 天" in words
    # on time: nothing about lateness
    browser.post(f"/item/{number}/lend", {"borrower": "李会计", "due": dt.date.today().isoformat()})
    back = browser.post(f"/item/{number}/return", {})
    words = text_of(browser.get(back.headers["Location"]))
    assert f"已归还 {number}（入住登记表），借阅人 李会计" in words and "逾期" not in words


def test_a_confidential_item_needs_a_reason(demo: Workspace, demo_ledger: Ledger) -> None:
    browser = Browser(local_app(demo, demo_ledger))
    number = "HT-2026-00001"
    browser.get(f"/item/{number}")
    # It is out in the demo: take it back first, then lend it without a reason.
    assert browser.post(f"/item/{number}/return", {}).status_code == 302
    refused = browser.post(
        f"/item/{number}/lend", {"borrower": "张经理", "due": (dt.date.today() + dt.timedelta(days=3)).isoformat()}
    )
    assert refused.status_code == 400
    assert f"{number} 是保密档案，借阅必须写明原因" in text_of(refused)
    assert not [loan for loan in list_loans(demo_ledger) if loan.archive_no == number]


def test_lending_twice_and_a_past_due_date_are_refused(demo: Workspace, demo_ledger: Ledger) -> None:
    browser, lent = Browser(local_app(demo, demo_ledger)), out_to(demo_ledger, "李会计")
    browser.get(f"/item/{lent}")
    again = browser.post(f"/item/{lent}/lend", {"borrower": "赵六", "due": "2027-01-01"})
    assert again.status_code == 409 and "已借出（借阅人 李会计" in text_of(again)
    browser.get("/item/GC-2026-00004")
    past = browser.post("/item/GC-2026-00004/lend", {"borrower": "赵六", "due": "2020-01-01"})
    assert past.status_code == 400
    assert f"应还日期 2020-01-01 早于今天（{dt.date.today().isoformat()}）：应还日期应是今天或以后的日期" in text_of(
        past
    )
    # A year typed wrong the other way (a browser without a date field, or one that lets any year through).
    far = browser.post("/item/GC-2026-00004/lend", {"borrower": "赵六", "due": "2099-01-01"})
    assert far.status_code == 400 and "应还日期最迟为借出后一年" in text_of(far)
    assert not [loan for loan in list_loans(demo_ledger) if loan.archive_no == "GC-2026-00004"]
    today = dt.date.today()  # the suite's clock: 5 December
    field = browser.get("/item/GC-2026-00004").get_data(as_text=True)
    assert f'max="{dt.date(today.year + 1, today.month, today.day).isoformat()}"' in field


def test_the_pages_refusals_name_its_fields_not_the_command_lines_options(demo: Workspace, demo_ledger: Ledger) -> None:
    """借出 with 借阅人 left blank said 请用 --to 写明借阅人姓名: words for the command line, on a page that has no
    --to.  The same refusals of the library are worded for the form; the command line keeps its own words."""
    browser = Browser(local_app(demo, demo_ledger))
    browser.get("/item/GC-2026-00004")
    blank = browser.post("/item/GC-2026-00004/lend", {"borrower": " ", "due": "2027-01-01"})
    assert blank.status_code == 400 and "请在“借阅人”一栏写明借阅人姓名" in text_of(blank)
    number = "HT-2026-00001"  # confidential, and out in the demo: taken back first
    browser.get(f"/item/{number}")
    assert browser.post(f"/item/{number}/return", {}).status_code == 302
    no_reason = browser.post(f"/item/{number}/lend", {"borrower": "张经理", "due": "2027-01-01"})
    assert no_reason.status_code == 400
    assert f"{number} 是保密档案，借阅必须写明原因：请在“原因”一栏写明" in text_of(no_reason)
    said_nothing = browser.post(f"/item/{number}/lend", {"borrower": "张经理", "due": "2099-01-01", "reason": ",,"})
    assert said_nothing.status_code == 400
    assert "借阅原因不能只有标点：请用文字写明借阅原因" in text_of(said_nothing)
    no_dept = browser.post(
        f"/item/{number}/lend", {"borrower": "张经理", "due": "2027-01-01", "dept": ",,", "reason": "审计"}
    )
    assert no_dept.status_code == 400
    assert "部门“,,”没有汉字或字母，不是部门名称：请在“部门”一栏写借阅人的部门，例如 工程部；不知道的不写" in text_of(
        no_dept
    )
    assert not [loan for loan in list_loans(demo_ledger) if loan.archive_no == number]
    lent = out_to(demo_ledger, "李会计")
    browser.get(f"/item/{lent}")
    out = browser.post(f"/item/{lent}/lend", {"borrower": "赵六", "due": "2027-01-01"})
    assert out.status_code == 409 and "归还后才能再借：请先点本页的“归还”" in text_of(out)
    missing = browser.get("/item/YZ-2026-09999")
    assert missing.status_code == 404 and "没有档号为 YZ-2026-09999 的档案：请在检索页查找" in text_of(missing)
    nothing = browser.get("/search?q=-电梯")
    assert nothing.status_code == 400 and "请输入检索词，例如 电梯维修" in text_of(nothing)
    for page in (blank, no_reason, said_nothing, out, missing, nothing):
        assert "--" not in text_of(page) and "recordkit archive" not in text_of(page)
        assert "recordkit search" not in text_of(page)
    assert not [loan for loan in list_loans(demo_ledger) if loan.archive_no in ("GC-2026-00004", number)]
    lent = CliRunner().invoke(
        cli_app,
        ["archive", "lend", "GC-2026-00004", "--to", " ", "--due", "2027-01-01"],
        env={"RECORDKIT_HOME": str(demo.root)},
    )
    assert (lent.exit_code, lent.stderr.strip()) == (2, "错误：请用 --to 写明借阅人姓名")


#: A command or an option as the command line names them (``recordkit archive verify``, ``--repair``): words a person
#: at the page can do nothing with.
_COMMAND_NAMED = re.compile(r"recordkit [a-z]|(?<![\w-])--[a-z]")


def test_the_pages_problems_say_what_to_do_in_words_not_commands(demo: Workspace, demo_ledger: Ledger) -> None:
    """An item whose text is not extracted yet said 尚未提取文字（运行 recordkit index）, one whose file is gone said
    请运行 recordkit archive verify, a search without an index said 请先运行 recordkit index, another address said to
    type what recordkit serve showed: commands, on a page that has none.  The page says what to do in words; the
    command line keeps its own."""
    from recordkit.archive.extract import text_path
    from recordkit.archive.pages import cache_folder

    browser = Browser(local_app(demo, demo_ledger))
    item = get_item(demo_ledger, "GC-2026-00004")
    text_path(demo, item.sha256).unlink()
    pending = browser.get(f"/item/{item.archive_no}")
    assert pending.status_code == 200 and "尚未提取文字（每晚更新检索索引时提取）" in text_of(pending)

    (demo.root / item.path).unlink()
    shutil.rmtree(cache_folder(demo, item.sha256), ignore_errors=True)  # its page images made before
    gone = browser.get(f"/item/{item.archive_no}/page/1?w=800")  # (what opening a page's image alone shows)
    assert gone.status_code == 404  # the file is not there, as its download says (a server error, 500, before)
    assert f"{item.archive_no} 的文件不在档案库中：请管理员在服务器上检查档案文件" in text_of(gone)
    download = browser.get(f"/item/{item.archive_no}/original")
    assert download.status_code == 404
    assert f"{item.archive_no} 的文件不在档案库中：请管理员在服务器上检查档案文件" in text_of(download)

    (demo.records_dir / "index" / "search.sqlite3").unlink()
    unindexed = browser.get("/search?q=电梯")
    assert unindexed.status_code == 400
    assert "检索索引还没有建立：请管理员在服务器上建立检索索引" in text_of(unindexed)

    elsewhere = browser.get("/search?q=电梯", headers={"Host": "archive.example:8080"})
    assert (
        elsewhere.status_code == 400
        and "请在地址栏输入网页服务启动时显示的地址（以 http://127.0.0.1 开头）" in text_of(elsewhere)
    )
    for page in (pending, gone, download, unindexed, elsewhere):
        assert _COMMAND_NAMED.search(text_of(page)) is None, text_of(page)

    said = CliRunner().invoke(cli_app, ["search", "电梯"], env={"RECORDKIT_HOME": str(demo.root)})
    assert (said.exit_code, said.stderr.strip()) == (6, "错误：检索索引还没有建立：请先运行 recordkit index")
    text_said = CliRunner().invoke(
        cli_app, ["archive", "text", item.archive_no], env={"RECORDKIT_HOME": str(demo.root), "COLUMNS": "200"}
    )
    assert text_said.exit_code != 0 and "recordkit archive verify" in text_said.output


#: A recordkit.toml setting named as it is written there (``[limits] max_file_mb``, ``[[office.phases]]``).
_SETTING_NAMED = re.compile(r"recordkit\.toml|\[\[?[a-z_.]+\]\]?")


def test_the_pages_name_no_setting_of_recordkit_toml_and_ask_for_the_administrator(
    demo: Workspace, demo_ledger: Ledger
) -> None:
    """A 查阅 account searching a unit of a phase the estate does not have was told 请检查 recordkit.toml 的
    [[office.phases]]; the review page gave a scan too big to read as 或请管理员调整 recordkit.toml 的 [limits]
    max_file_mb: settings of a file the page's users never edit.  The page says what is wrong and asks the
    administrator to check the settings; the command line keeps the setting's name."""
    from recordkit.archive.archivist import Archivist
    from recordkit.core.workspace import open_workspace

    reader = signed_in(demo, demo_ledger, "李查阅", "reader")
    for url, unit in (
        ("/search?unit=三期 1-1-101", "三期 1-1-101"),
        ("/search?q=产权 unit:三期-1-1-101", "三期-1-1-101"),
    ):
        page = reader.get(url)
        assert page.status_code == 400
        assert (
            f"房号“{unit}”中的分区“三期”不在本小区的分区中（二期），请核对房号；本小区的分区如有遗漏，请管理员检查设置"
            in text_of(page)
        )
        assert _SETTING_NAMED.search(text_of(page)) is None, text_of(page)

    # a scan of 2 MB where the office allows 1 MB, quarantined by the filing service with its note
    small = open_workspace(demo.root, environ={"RECORDKIT_OPERATOR": "本机管理员", "RECORDKIT_LIMITS_MAX_FILE_MB": "1"})
    scan = demo.records_dir / "inbox" / "5-1-101_产权证明.pdf"
    scan.write_bytes(b"%PDF-1.4\n" + b"0" * (2 << 20))
    outcome = Archivist(small, demo_ledger, "本机管理员").file(scan)
    assert outcome.status == "quarantined", outcome
    review = text_of(reader.get("/review"))
    assert (
        "5-1-101_产权证明.pdf 文件过大（2 MB，上限 1 MB），没有读取：请分成几个文件扫描，或请管理员调整设置中的文件大小上限"
        in review
    )
    assert _SETTING_NAMED.search(review) is None, review

    env = {"RECORDKIT_HOME": str(demo.root), "COLUMNS": "400"}
    said = CliRunner().invoke(cli_app, ["archive", "review", "--quarantine", "--json"], env=env)
    assert any(
        entry["reason"].endswith("或请管理员调整 recordkit.toml 的 [limits] max_file_mb")
        for entry in json.loads(said.stdout)
    )
    searched = CliRunner().invoke(cli_app, ["search", "产权", "--unit", "三期 1-1-101"], env=env)
    assert searched.exit_code == 5 and searched.stderr.strip().endswith("请检查 recordkit.toml 的 [[office.phases]]")


def test_a_page_the_reader_gave_up_on_says_so_on_the_item_page_without_the_setting(
    demo: Workspace, demo_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page image the reader process gave up on (past its time) named ``[limits] reader_seconds``."""
    from recordkit.archive import pages as archive_pages
    from recordkit.archive.contained import ReaderFailed

    item = get_item(demo_ledger, "GC-2026-00004")
    shutil.rmtree(archive_pages.cache_folder(demo, item.sha256), ignore_errors=True)  # its pages counted before

    def stopped(*_args: Any, **_kwargs: Any) -> Any:
        raise ReaderFailed(
            "读取这个文件超过 60 秒仍未完成（文件可能有害或已损坏；上限见 [limits] reader_seconds）", "timeout"
        )

    monkeypatch.setattr(archive_pages, "run_contained", stopped)
    page = Browser(local_app(demo, demo_ledger)).get(f"/item/{item.archive_no}/page/1?w=800")
    assert page.status_code == 400
    assert (
        f"档案 {item.archive_no} 的页面无法显示：读取这个文件超过 60 秒仍未完成（文件可能有害或已损坏；"
        "上限可请管理员在设置中调整）" in text_of(page)
    )
    assert _SETTING_NAMED.search(text_of(page)) is None


def test_a_password_the_database_refuses_is_told_on_the_page_without_the_setting(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ledger's password changed on the database server while the page ran: every page told whoever opened it
    to 核对 recordkit.toml 里 [database] url 中的账户和密码.  The page now asks the administrator; the command line
    keeps the setting's name."""
    from sqlalchemy.exc import OperationalError

    from recordkit.core.errors import LedgerError

    said = 'connection failed: FATAL: password authentication failed for user "recordkit"'

    def refused(*_args: Any, **_kwargs: Any) -> Any:
        raise OperationalError("SELECT 1", {}, Exception(said))

    where = f"sqlite:///{workspace.records_dir / 'ledger.sqlite3'}"
    with open_ledger(workspace.database_url) as ledger:
        browser = Browser(local_app(workspace, ledger))
        assert browser.get("/loans").status_code == 200
        monkeypatch.setattr(ledger.engine, "connect", refused)  # (a new connection, after a server restart)
        page = browser.get("/loans")
        with pytest.raises(LedgerError) as caught:
            get_item(ledger, "YZ-2026-00001")
    shown = html.unescape(text_of(page))
    assert page.status_code == 503
    assert (
        f"无法访问台账数据库 {where}（详情见日志）：数据库账户或密码不对：请管理员核对设置中的数据库账户和密码" in shown
    )
    assert _SETTING_NAMED.search(shown) is None, shown
    assert caught.value.message == (
        f"无法访问台账数据库 {where}：{said}：数据库账户或密码不对：请核对 recordkit.toml 的 [database] url 中的账户和密码"
        "（密码里的 @ # / : % 要写成 %40 %23 %2F %3A %25）"
    )


@pytest.mark.parametrize(
    ("stored", "on_page"),
    [
        (
            "读取程序在读这个文件时异常退出（文件可能有害或已损坏，或读取所需内存超过上限 512 MB，见 [limits] reader_memory_mb）",
            "读取程序在读这个文件时异常退出（文件可能有害或已损坏，或读取所需内存超过上限 512 MB；上限可请管理员在设置中调整）",
        ),
        (
            "读取这个文件所需内存超过上限 512 MB（可能是解压炸弹或文件已损坏；上限见 [limits] reader_memory_mb）",
            "读取这个文件所需内存超过上限 512 MB（可能是解压炸弹或文件已损坏；上限可请管理员在设置中调整）",
        ),
        (
            "读取这个文件超过 60 秒仍未完成（文件可能有害或已损坏；上限见 [limits] reader_seconds）",
            "读取这个文件超过 60 秒仍未完成（文件可能有害或已损坏；上限可请管理员在设置中调整）",
        ),
        (
            "页数过多（900 页，上限 500 页），没有归档：请分成几个文件扫描，或请管理员调整 [limits] max_pages",
            "页数过多（900 页，上限 500 页），没有归档：请分成几个文件扫描，或请管理员调整设置中的页数上限",
        ),
        (
            "说明文件中 房号：房号“三期 1-1-101”中的分区“三期”不在本小区的分区中（二期），请检查 recordkit.toml 的 [[office.phases]]",
            "说明文件中 房号：房号“三期 1-1-101”中的分区“三期”不在本小区的分区中（二期），请核对房号；本小区的分区如有遗漏，请管理员检查设置",
        ),
    ],
    ids=["reader-crashed", "reader-memory", "reader-seconds", "max-pages", "sidecar-phase"],
)
def test_a_stored_reason_naming_a_setting_is_said_on_the_page_as_what_it_limits(stored: str, on_page: str) -> None:
    """Quarantine notes and review reasons keep the words the command line prints (a limit's setting named); the
    page, whose users never edit recordkit.toml, says what the limit is and whom to ask."""
    from recordkit.archive.rules import reason_on_page

    assert reason_on_page(stored) == on_page


@pytest.mark.parametrize("borrower", ["王工\u202e", "王\u200b工", "王" * 65], ids=["rlo", "zwsp", "65-chars"])
def test_a_borrower_that_is_no_persons_name_is_refused_as_on_the_command_line(
    demo: Workspace, demo_ledger: Ledger, borrower: str
) -> None:
    browser = Browser(local_app(demo, demo_ledger))
    browser.get("/item/GC-2026-00004")
    refused = browser.post("/item/GC-2026-00004/lend", {"borrower": borrower, "due": "2027-01-01"})
    assert refused.status_code == 400 and "借阅人：姓名" in text_of(refused)
    assert not [loan for loan in list_loans(demo_ledger) if loan.archive_no == "GC-2026-00004"]


def _pages_of_a_ledger_never_set_up(workspace: Workspace, ledger: Ledger, address: str, said: str) -> None:
    """Every page of a web app on ``ledger`` (one whose tables were never made) answers 503 with ``said``, the
    ledger's ``address`` and no other Latin word but the site's name: no exception of the driver's."""
    browser = Browser(local_app(workspace, ledger))
    for url in ("/search", "/search?q=电梯", "/item/GC-2026-00004", "/review", "/loans?overdue=1"):
        page = browser.get(url)
        assert page.status_code == 503, url
        assert said in text_of(page), text_of(page)
        assert re.findall(r"[A-Za-z]{3,}", text_of(page).replace(address, "")) == ["recordkit"], text_of(page)


def test_a_page_on_a_sqlite_ledger_never_set_up_says_it_does_not_exist(workspace: Workspace, tmp_path: Path) -> None:
    """A page on an empty SQLite file (a ledger whose tables were never made) answered 503 with the database's own
    words, 无法访问台账数据库 …：no such table: journal.  It says the ledger does not exist yet, as a command that
    only reads says it, in the page's words."""
    empty = tmp_path / "ledger-never-set-up.sqlite3"
    with contextlib.closing(sqlite3.connect(empty)) as made:  # a SQLite database without tables (not 0 bytes)
        made.execute("PRAGMA journal_mode=WAL")
    address = f"sqlite:///{empty}"
    with open_ledger(address, create=False, migrate=False) as ledger:
        _pages_of_a_ledger_never_set_up(
            workspace,
            ledger,
            address,
            f"台账数据库 {address} 还不存在：请管理员检查设置中的台账数据库地址，或先导入业主名册",
        )


@pytest.mark.postgres
def test_a_page_on_an_empty_postgresql_schema_says_the_ledger_does_not_exist(
    workspace: Workspace, postgres_url: str
) -> None:
    """A page on a PostgreSQL schema that holds no ledger (made by an administrator, never set up) answered 503
    台账数据库出错（详情见日志）：UndefinedTable.  It says the ledger does not exist yet, as a command that only reads
    says it, in the page's words."""
    import psycopg

    from tests.conftest import driver_url

    with psycopg.connect(driver_url(postgres_url), autocommit=True) as admin:
        admin.execute("CREATE SCHEMA estate_east")
    address = f"{driver_url(postgres_url)}（模式 estate_east）"
    with open_ledger(postgres_url, schema="estate_east", create=False, migrate=False) as ledger:
        _pages_of_a_ledger_never_set_up(
            workspace,
            ledger,
            address,
            f"台账数据库 {address} 还不存在：请管理员检查设置中的台账数据库地址和模式，或先导入业主名册",
        )


def test_a_busy_ledger_answers_503_with_what_happened_and_lends_nothing(demo: Workspace, demo_ledger: Ledger) -> None:
    """Another writer holds the ledger (the nightly run, a big import): the lend waits its turn, then the item page
    says "台账正忙" as a 503, the service's state, not a 500 that reads like a fault in recordkit."""
    with open_ledger(demo_ledger.url, busy_timeout=0.3) as impatient:
        browser = Browser(local_app(demo, impatient))
        browser.get("/item/GC-2026-00004")
        with demo_ledger.write():
            busy = browser.post("/item/GC-2026-00004/lend", {"borrower": "赵六", "due": "2027-01-01"})
    assert busy.status_code == 503
    assert "台账正忙：前面还有 1 个操作在排队" in text_of(busy)
    assert not [loan for loan in list_loans(demo_ledger) if loan.archive_no == "GC-2026-00004"]


@pytest.mark.postgres
def test_a_ledger_outage_is_logged_with_its_traceback_once_then_one_line_a_request(
    workspace: Workspace, postgres_ledger_url: str
) -> None:
    """The ledger's database closed for a while under ``recordkit serve`` (an administrator's maintenance: ALLOW
    CONNECTIONS false, its sessions ended; a server restarting says "the database system is starting up" alike):
    every request wrote the driver's whole traceback into records/logs/recordkit.log, pages of it for every click
    of every clerk.  Now the first failure's traceback is written once, each later request one line, and one line
    says when the ledger answers again."""
    log_file = setup_logging(workspace)
    assert log_file is not None
    start = log_file.stat().st_size if log_file.exists() else 0
    with open_ledger(postgres_ledger_url) as ledger:
        client = local_app(workspace, ledger).test_client()
        assert client.get("/loans").status_code == 200
        with _closed_to_connections(postgres_ledger_url):
            for _ in range(3):
                assert client.get("/loans").status_code == 503
        assert client.get("/loans").status_code == 200
    with log_file.open(encoding="utf-8") as log:
        log.seek(start)
        written = log.read()
    records = [record for record in re.split(r"^(?=\d{4}-\d\d-\d\d )", written, flags=re.MULTILINE) if record]
    failed = [record.splitlines()[0] for record in records if " ERROR recordkit." in record]
    assert len(failed) == 3, written
    # the first failure's traceback (the driver's, under the page's error) and no other
    assert [record.splitlines()[0] for record in records if "Traceback (most recent call last)" in record] == [
        failed[0]
    ]
    where = display_url(postgres_ledger_url)
    assert failed[0].endswith(
        f"ledger {where} out of reach (/loans): pages answer 503 until it answers again: connection failed: connection"
        f' to server at "127.0.0.1", port {make_url(postgres_ledger_url).port} failed: FATAL:  database'
        f' "{database_of(postgres_ledger_url)}" is not currently accepting connections'
    )
    assert [line.split(": ", 1)[1].split(": ")[0] for line in failed[1:]] == [
        f"ledger {where} still out of reach (/loans, request 2)",
        f"ledger {where} still out of reach (/loans, request 3)",
    ]
    [answered] = [line for line in written.splitlines() if " WARNING " in line]
    assert re.search(
        f"WARNING recordkit.web.context: ledger {re.escape(where)} answers again after \\d+ s and 3 failed requests$",
        answered,
    )


@pytest.mark.postgres
def test_a_ledger_out_of_reach_is_told_on_the_page_in_chinese_and_in_the_log_in_the_servers_words(
    workspace: Workspace, postgres_ledger_url: str
) -> None:
    """The ledger's database closed to connections under ``recordkit serve``: the page said 无法访问台账数据库 … followed
    by the driver's English (connection failed: connection to server at "127.0.0.1", port …  failed: FATAL: …).  The
    page now says it in Chinese alone, and that the details are in the log, which keeps the server's words."""
    log_file = setup_logging(workspace)
    assert log_file is not None
    start = log_file.stat().st_size if log_file.exists() else 0
    where = display_url(postgres_ledger_url)
    with open_ledger(postgres_ledger_url) as ledger:
        client = local_app(workspace, ledger).test_client()
        assert client.get("/loans").status_code == 200
        with _closed_to_connections(postgres_ledger_url):
            page = client.get("/loans")
    assert page.status_code == 503
    [told] = re.findall(r'<p class="problem" role="alert">(.*?)</p>', page.get_data(as_text=True), flags=re.S)
    assert html.unescape(told) == f"无法访问台账数据库 {where}（详情见日志）"
    with log_file.open(encoding="utf-8") as log:
        log.seek(start)
        written = log.read()
    assert f'database "{database_of(postgres_ledger_url)}" is not currently accepting connections' in written


@pytest.mark.postgres
def test_every_page_answers_a_ledger_outage_alike(workspace: Workspace, postgres_ledger_url: str) -> None:
    """The ledger's database closed for a while: /loans answered 503, but /archive answered 200 with its empty form,
    as if nothing were wrong (its list, asked for, an error in the form's words).  Every page that reads the ledger
    now answers the outage the same way, before it reads anything: 503 and the ledger's own sentence."""
    with open_ledger(postgres_ledger_url) as ledger:
        client = local_app(workspace, ledger).test_client()
        assert client.get("/archive").status_code == 200
        with _closed_to_connections(postgres_ledger_url):
            asked = ("/archive", "/archive?category=业主档案", "/loans", "/review", "/search?q=电梯")
            pages = {url: client.get(url) for url in asked}
        assert client.get("/archive").status_code == 200
    assert {url: page.status_code for url, page in pages.items()} == dict.fromkeys(pages, 503)
    said = f"出错了（503） 无法访问台账数据库 {display_url(postgres_ledger_url)}（详情见日志）"
    for url, page in pages.items():
        assert said in text_of(page), (url, text_of(page))
        assert "没有找到" not in text_of(page), url


@pytest.mark.postgres
def test_the_search_indexs_own_failed_connections_are_logged_as_the_ledgers_outage(
    workspace: Workspace, postgres_ledger_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The search index in the ledger's PostgreSQL database: its own connections, failing while the database was
    closed, wrote nothing to the page's log at all.  They are told as the ledger's outage now: the first with its
    traceback, then a line each, then the line that it answers again."""
    from recordkit.search.backends import open_index
    from recordkit.web.context import LedgerOutage

    with open_ledger(postgres_ledger_url) as ledger:
        ledger.outage = LedgerOutage(ledger.where)
        index = open_index(workspace, ledger, backend="postgresql")
        with _closed_to_connections(postgres_ledger_url):
            for _ in range(2):
                with pytest.raises(LedgerError, match="无法连接台账数据库（检索索引在其中）"):
                    index.exists()
        assert index.exists() is False  # (never built here)
    where = display_url(postgres_ledger_url)
    told = [
        (r.levelname, r.getMessage().split(": ")[0], r.exc_info is not None)
        for r in caplog.records
        if r.name == "recordkit.web.context"
    ]
    assert [(level, said.split(" after ")[0], traceback) for level, said, traceback in told] == [
        ("ERROR", f"ledger {where} out of reach (-)", True),
        ("ERROR", f"ledger {where} still out of reach (-, request 2)", False),
        ("WARNING", f"ledger {where} answers again", False),
    ]


@pytest.mark.postgres
def test_the_search_indexs_failed_connection_is_told_on_the_page_in_chinese_and_in_the_log_in_the_servers_words(
    workspace: Workspace, postgres_ledger_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The search index in the ledger's PostgreSQL database, closed to connections: the page (``form_message``, what
    the search page shows) said 无法连接台账数据库（检索索引在其中）：connection failed: … FATAL: … — the driver's
    English.  It now says it in Chinese alone, and that the details are in the log, which keeps the server's words;
    the command line keeps them too."""
    from recordkit.search.backends import open_index

    with open_ledger(postgres_ledger_url) as ledger:
        index = open_index(workspace, ledger, backend="postgresql")
        with _closed_to_connections(postgres_ledger_url), pytest.raises(LedgerError) as caught:
            index.exists()
    assert caught.value.form_message == "无法连接台账数据库（检索索引在其中）（详情见日志）"
    assert caught.value.message.startswith("无法连接台账数据库（检索索引在其中）：connection failed")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert f'database "{database_of(postgres_ledger_url)}" is not currently accepting connections' in logged


@pytest.mark.postgres
def test_a_search_path_naming_no_schema_is_told_on_the_page_in_chinese_alone(
    postgres_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A database whose ``search_path`` names no schema that exists (``"$user"``, no such schema), the ledger without
    ``[database] schema``: its refusal had no page version, so the page (``form_message``) showed the command line's,
    with 服务器说：no schema has been selected to create in and the settings to write.  The page now says it in Chinese
    alone and sends the clerk to the IT person; the command line and the log keep the server's words and the fix."""
    set_database(postgres_url, """SET search_path = '"$user"'""")
    where = display_url(postgres_url)
    with (
        open_ledger(postgres_url, migrate=False) as ledger,
        pytest.raises(LedgerError) as caught,
        ledger.read() as conn,
    ):
        conn.exec_driver_sql("CREATE TABLE probe (x integer)")  # (a table made in no schema)
    assert caught.value.form_message == (
        f"台账数据库 {where}：数据库给这个账户设的 search_path 里没有可以建表的模式（详情见日志）："
        "请找 IT 人员处理（要改的设置见 recordkit doctor 和网页服务的日志）；什么也没有写入"
    )
    assert caught.value.message.startswith(
        f"台账数据库 {where}：数据库给这个账户设的 search_path 里没有可以建表的模式（服务器说："
    )
    # One line in the log, the cause in it (the server's words and the fix), not the traceback besides.
    [line] = [record for record in caplog.records if record.name.startswith("recordkit")]
    assert line.getMessage() == caught.value.message and line.exc_info is None
    assert 'schema = "recordkit"' in line.getMessage()


def test_the_overdue_list(demo: Workspace, demo_ledger: Ledger) -> None:
    today = dt.date.today()
    expected = [loan.archive_no for loan in list_loans(demo_ledger, overdue=True, today=today)]
    assert expected
    page = Browser(local_app(demo, demo_ledger)).get("/loans?overdue=1")
    html = page.get_data(as_text=True)
    assert re.findall(r'<tr class="late">\s*<td><a [^>]*>([^<]+)</a>', html) == expected
    assert f"逾期未还 {len(expected)} 件" in text_of(page)


# -- review -----------------------------------------------------------------------------------------


def test_review_lists_the_queue_and_the_quarantine(demo: Workspace, demo_ledger: Ledger) -> None:
    from recordkit.archive.archivist import list_items, list_quarantined

    page = Browser(local_app(demo, demo_ledger)).get("/review")
    words = text_of(page)
    for item in list_items(demo_ledger, review=True):
        assert item.archive_no in words and "；".join(item.review_reasons) in words
    quarantined = list_quarantined(demo, demo_ledger)
    assert quarantined and f"隔离区文件 {len(quarantined)} 个" in words
    for entry in quarantined:
        assert entry.reason in words


def test_the_review_page_offers_no_correction_of_an_item_whose_file_is_not_here(
    demo: Workspace, demo_ledger: Ledger
) -> None:
    """A clerk's PC (records/archive empty, the archive on the server): the review page offered each item's
    correction form, refused once saved.  Each item now says why instead, in the words of the item page."""
    from recordkit.archive.archivist import list_items

    browser = Browser(local_app(demo, demo_ledger))
    numbers = [item.archive_no for item in list_items(demo_ledger, review=True)]
    assert numbers
    here = browser.get("/review").get_data(as_text=True)
    assert all(f'action="/item/{number}/update"' in here for number in numbers)
    shutil.move(demo.records_dir / "archive", demo.root / "archive-on-the-server")
    (demo.records_dir / "archive").mkdir()
    page = browser.get("/review")
    assert page.status_code == 200
    html, words = page.get_data(as_text=True), text_of(page)
    for number in numbers:
        assert f'action="/item/{number}/update"' not in html
        assert (
            f"这台电脑上没有档案文件，{number} 的原件存放在服务器上：请打开服务器上的档案网页查看。"
            "如果这就是服务器上的档案网页，请管理员检查存放档案的磁盘是否接好"
        ) in words


def test_the_review_page_on_a_clerks_pc_says_the_quarantine_is_on_the_server(
    demo: Workspace, demo_ledger: Ledger
) -> None:
    """A clerk's PC (records/archive empty, the archive and its quarantine on the server): the review page said
    隔离区文件 0 个 and 隔离区没有文件 while the server's quarantine held files.  It says the quarantine is on the
    server now; on the server the quarantine's files are listed as before."""
    quarantined = sorted(path.name for path in (demo.records_dir / "quarantine").glob("*.原因.txt"))
    assert quarantined, "the demo estate quarantines a few scans"
    browser = Browser(local_app(demo, demo_ledger))
    at_server = text_of(browser.get("/review"))
    assert f"隔离区文件 {len(quarantined)} 个（未归档）" in at_server and "隔离区在服务器上" not in at_server
    _as_a_clerks_pc(demo)
    page = browser.get("/review")
    assert page.status_code == 200
    words = text_of(page)
    assert "隔离区没有文件" not in words and "隔离区文件 0 个" not in words
    assert (
        "这台电脑上没有档案文件，隔离区在服务器上：请打开服务器上的档案网页查看隔离区中的文件"
        "（如果这就是服务器上的档案网页，请管理员检查存放档案的磁盘是否接好）"
    ) in words


def test_a_new_archive_with_nothing_filed_says_its_quarantine_is_empty(workspace: Workspace) -> None:
    """An office that has filed nothing yet holds no archive file either: its quarantine is its own, empty."""
    with open_ledger(workspace.database_url) as ledger:
        words = text_of(Browser(local_app(workspace, ledger)).get("/review"))
    assert "隔离区文件 0 个（未归档）" in words and "隔离区没有文件" in words and "服务器" not in words


def _filed_copy_left_in_the_quarantine(demo: Workspace, demo_ledger: Ledger) -> tuple[list[str], Path, ArchiveItem]:
    """A scan quarantined, then filed from the quarantine by a run cut short right after its commit (the copy and its
    note left there): the quarantine's names before, the copy, and the item it was filed as."""
    from recordkit.archive.archivist import Archivist
    from recordkit.demo.scans import write_scan

    before = sorted(path.name for path in (demo.records_dir / "quarantine").iterdir())
    clerk = Archivist(demo, demo_ledger, "本机管理员")
    copy = clerk.quarantine(write_scan(demo.records_dir / "inbox" / "5-1-101_产权证明.pdf", 77), "测试：先隔离")
    assert copy is not None
    with pytest.MonkeyPatch.context() as patch:  # killed right after the commit
        patch.setattr(Archivist, "_remove_source", lambda *args, **kwargs: None)
        outcome = clerk.file(copy)
    assert outcome.status == "filed" and outcome.item is not None and copy.exists()
    return before, copy, outcome.item


def test_the_review_page_removes_a_quarantine_copy_already_filed_and_says_so_once(
    demo: Workspace, demo_ledger: Ledger
) -> None:
    """A filing from the quarantine cut short after its commit left the copy there, listed on the page as not filed:
    the page finds it filed, removes it and says 已归档，已从隔离区移除 with its 档号, once."""
    from recordkit.archive.archivist import list_quarantined

    quarantine = demo.records_dir / "quarantine"
    before, copy, filed = _filed_copy_left_in_the_quarantine(demo, demo_ledger)
    shown = f"records/quarantine/{copy.name}"

    browser = Browser(local_app(demo, demo_ledger))
    page = text_of(browser.get("/review"))
    assert page.count("已归档，已从隔离区移除") == 1
    assert f"{shown}：已归档，已从隔离区移除（档号 {filed.archive_no}" in page
    assert f"隔离区文件 {len(before) // 2} 个（未归档）" in page
    assert sorted(path.name for path in quarantine.iterdir()) == before  # the copy and its note gone, nothing else
    again = text_of(browser.get("/review"))
    assert "已从隔离区移除" not in again and shown not in again
    assert len(list_quarantined(demo, demo_ledger)) == len(before) // 2


def test_a_reader_looking_at_the_review_page_removes_nothing_and_an_archivist_removes_the_filed_copy(
    demo: Workspace, demo_ledger: Ledger
) -> None:
    """The review page removed a quarantine copy already filed on a GET, whoever opened it: a 查阅 account's look
    changed the quarantine.  A 查阅 account's page now leaves the copy (and its note) where it is and does not list it
    among the files waiting; the next archivist's page removes it and says so once."""
    quarantine = demo.records_dir / "quarantine"
    before, copy, filed = _filed_copy_left_in_the_quarantine(demo, demo_ledger)
    left = sorted(path.name for path in quarantine.iterdir())
    assert left == sorted([*before, copy.name, f"{copy.name}.原因.txt"])
    shown = f"records/quarantine/{copy.name}"

    looked = text_of(signed_in(demo, demo_ledger, "李查阅", "reader").get("/review"))
    assert shown not in looked and "已从隔离区移除" not in looked
    assert f"隔离区文件 {len(before) // 2} 个（未归档）" in looked
    assert sorted(path.name for path in quarantine.iterdir()) == left  # nothing removed

    page = text_of(signed_in(demo, demo_ledger, "王档案", "archivist").get("/review"))
    assert f"{shown}：已归档，已从隔离区移除（档号 {filed.archive_no}" in page
    assert page.count("已归档，已从隔离区移除") == 1
    assert sorted(path.name for path in quarantine.iterdir()) == before  # the copy and its note gone, nothing else


def test_review_reasons_stored_with_command_line_options_read_in_words_for_the_page(
    demo: Workspace, demo_ledger: Ledger
) -> None:
    """A reason stored by an older version (请核对后用 archive update --date 改正; a quarantine note's 请按说明文件核对后用
    recordkit archive update … 改正) named command-line options on the page, which has none: shown in words."""
    import sqlalchemy as sa

    from recordkit.ledger.schema import archive_items

    old = "文件日期 2030-01-01 晚于今天，没有采用：请核对后用 archive update --date 改正"
    with demo_ledger.write() as conn:
        conn.execute(
            sa.update(archive_items)
            .where(archive_items.c.archive_no == "WF-2026-00001")
            .values(needs_review=True, review_reasons=json.dumps([old], ensure_ascii=False))
        )
    note = sorted((demo.records_dir / "quarantine").glob("*.原因.txt"))[0]
    lines = note.read_text(encoding="utf-8").splitlines()
    lines = [
        "原因：这是扫描件 a.pdf 的说明文件，但扫描件在它之前已归档为 WF-2026-00001（a），说明文件没有用上："
        "请按说明文件核对后用 recordkit archive update WF-2026-00001 改正"
        if line.startswith("原因：")
        else line
        for line in lines
    ]
    note.write_text("\n".join(lines) + "\n", encoding="utf-8")
    browser = Browser(local_app(demo, demo_ledger))
    for url in ("/review", "/item/WF-2026-00001"):
        words = text_of(browser.get(url))
        assert "文件日期 2030-01-01 晚于今天，没有采用：请核对后改正日期" in words, url
        assert "archive update" not in words and "--date" not in words, url
    assert "说明文件没有用上：请按说明文件核对后改正 WF-2026-00001 的登记" in text_of(browser.get("/review"))


def test_the_quarantine_says_when_on_the_offices_clock(demo: Workspace, demo_ledger: Ledger) -> None:
    """A quarantine note keeps its moment in UTC (时间：2026-12-05T13:30:53+00:00); the page shows 21:30 in Beijing."""
    notes = sorted((demo.records_dir / "quarantine").glob("*.原因.txt"))
    assert notes
    page = Browser(local_app(demo, demo_ledger)).get("/review")
    cells = re.findall(r"<tr><td>.*?</td><td>.*?</td><td>.*?</td><td>([^<]*)</td></tr>", page.get_data(as_text=True))
    zone = ZoneInfo(demo.settings.office.time_zone)
    expected = []
    for note in notes:
        [written] = [line[3:] for line in note.read_text(encoding="utf-8").splitlines() if line.startswith("时间：")]
        expected.append(f"{dt.datetime.fromisoformat(written).astimezone(zone):%Y-%m-%d %H:%M}")
    assert cells == expected


def test_review_sets_category_title_date_and_is_searchable_at_once(demo: Workspace, demo_ledger: Ledger) -> None:
    browser = Browser(local_app(demo, demo_ledger))
    browser.get("/review")
    done = browser.post(
        "/item/WF-2026-00001/update",
        {"category": "工程档案", "unit": "", "title": "水泵房巡检照片", "date": "2026-11-20", "reviewed": "1",
         "back": "review"},
    )  # fmt: skip
    assert done.status_code == 302 and done.headers["Location"].endswith("/review")
    item = get_item(demo_ledger, "WF-2026-00001")  # found by its former number
    assert item.archive_no.startswith("GC-") and item.title == "水泵房巡检照片"
    assert item.doc_date == dt.date(2026, 11, 20) and not item.needs_review
    after = text_of(browser.get("/review"))
    assert f"已更新 {item.archive_no}（原档号 WF-2026-00001）：工程档案" in after
    assert "待复核档案 0 件" in after and "没有待复核的档案" in after
    found = Browser(local_app(demo, demo_ledger)).get("/search?q=水泵房巡检照片")
    assert [hit["archive_no"] for hit in hits_on_page(found)] == [item.archive_no]
    # The old number leads to the new one.
    moved = browser.get("/item/WF-2026-00001?q=水泵")
    assert moved.status_code == 302
    assert moved.headers["Location"].endswith(f"/item/{item.archive_no}?q=%E6%B0%B4%E6%B3%B5")
    with demo_ledger.read() as conn:
        assert {entry.operator for entry in journal.recent(conn, 3, entity_key=item.archive_no)} == {"本机管理员"}


def test_a_new_title_whose_file_name_a_killed_rename_left_is_refused_on_the_page_in_words(
    demo: Workspace, demo_ledger: Ledger
) -> None:
    """A title saved on the form whose new file name a killed rename left in the archive's folder is refused, as
    ``archive update`` refuses it, in the page's words (no command: the administrator checks the files on the
    server); the item, its file and sidecar stay as they were."""
    before = get_item(demo_ledger, "WF-2026-00001")
    archived = demo.root / before.path
    leftover = archived.with_name("WF-2026-00001_水泵房巡检照片.jpg")
    leftover.hardlink_to(archived)
    folder = sorted(path.name for path in archived.parent.iterdir())
    browser = Browser(local_app(demo, demo_ledger))
    browser.get("/item/WF-2026-00001")
    refused = browser.post("/item/WF-2026-00001/update", {"title": "水泵房巡检照片"})
    assert refused.status_code == 409  # a refusal the office acts on, no server error (500 before)
    said = text_of(refused)
    assert (
        "档案目录中已有 WF-2026-00001_水泵房巡检照片.jpg，WF-2026-00001 的文件不能改成这个名字"
        "（多半是上次改题名中断时留下的，或是同名的另一个文件），什么也没有修改：请管理员在服务器上检查档案文件"
    ) in said
    assert "archive verify" not in said and "--repair" not in said
    assert get_item(demo_ledger, "WF-2026-00001") == before
    assert sorted(path.name for path in archived.parent.iterdir()) == folder


def test_the_review_form_reads_a_unit_with_the_estates_phases_as_archive_update_does(
    demo: Workspace, demo_ledger: Ledger
) -> None:
    """A unit typed on the review form in another spelling of the demo's 二期 (二区…) is that phase's unit, on the page
    as on the command line: both pass it as typed to ``archive update``'s one reader, the estate's phases in hand."""
    with demo_ledger.read() as conn:
        code = conn.exec_driver_sql(
            "SELECT code FROM units WHERE code LIKE '二期·%' ORDER BY code LIMIT 1"
        ).scalar_one()
    typed = "二区" + code.removeprefix("二期·")
    browser = Browser(local_app(demo, demo_ledger))
    browser.get("/item/WF-2026-00001")
    done = browser.post("/item/WF-2026-00001/update", {"unit": typed})
    assert done.status_code == 302
    assert get_item(demo_ledger, "WF-2026-00001").unit == code
    result = CliRunner().invoke(
        cli_app, ["archive", "update", "WF-2026-00001", "--unit", typed], env={"RECORDKIT_HOME": str(demo.root)}
    )
    assert (result.exit_code, result.stdout) == (
        0,
        "没有改动：WF-2026-00001（" + get_item(demo_ledger, "WF-2026-00001").title + "）已是这样\n",
    )


def test_a_unit_typed_on_the_review_form_that_the_ledger_lacks_is_refused(demo: Workspace, demo_ledger: Ledger) -> None:
    """A unit typed on the review form that the ledger does not have (9-9-909) was stored and, with 已复核, the
    review cleared; it is refused as the command line refuses it, nothing changed."""
    before = get_item(demo_ledger, "WF-2026-00001")
    browser = Browser(local_app(demo, demo_ledger))
    browser.get("/item/WF-2026-00001")
    refused = browser.post("/item/WF-2026-00001/update", {"unit": "9-9-909", "reviewed": "1"})
    assert refused.status_code == 404
    assert "台账中没有房屋 9-9-909：请核对房号" in text_of(refused)
    assert get_item(demo_ledger, "WF-2026-00001") == before


def test_the_review_form_saved_with_the_unit_left_on_one_the_ledger_lacks_does_not_clear_the_review(
    demo: Workspace, demo_ledger: Ledger
) -> None:
    """A scan the service filed under 9-9-909 (the ledger lacks it): the review form saved with the unit left as it
    is and 已复核 ticked (as the form ticks it) cleared the review with no warning.  The form comes back with the
    message, nothing changed, as ``archive update N --reviewed`` is refused."""
    write_scan(demo.records_dir / "inbox" / "9-9-909 产权证明.jpg", 2)
    env = {"RECORDKIT_HOME": str(demo.root)}
    assert CliRunner().invoke(cli_app, ["watch", "--once"], env=env).exit_code == 0
    [filed] = [item for item in list_items(demo_ledger, review=True) if item.unit == "9-9-909"]
    browser = Browser(local_app(demo, demo_ledger))
    form = text_of(browser.get(f"/item/{filed.archive_no}"))
    assert "已复核" in form
    refused = browser.post(
        f"/item/{filed.archive_no}/update",
        {"category": filed.category, "was_category": filed.category, "unit": "9-9-909", "was_unit": "9-9-909",
         "title": "孙丽产权证明", "was_title": filed.title, "date": "", "was_date": "", "reviewed": "1"},
    )  # fmt: skip
    assert refused.status_code == 404
    words = text_of(refused)
    assert (
        "台账中没有房屋 9-9-909：请核对房号，这件档案登记的已是这一户：房号没错的，请先在业主名册中加上这一户并导入，再复核；"
        "现在只改题名等其他内容的，请取消勾选“已复核”再保存" in words
    )
    assert "--reviewed" not in words
    assert 'value="孙丽产权证明"' in refused.get_data(as_text=True)  # the form again, as typed
    assert get_item(demo_ledger, filed.archive_no) == filed
    # 已复核 unticked, as the message says: the title is fixed, the item stays in the review on its unit
    saved = browser.post(
        f"/item/{filed.archive_no}/update",
        {"category": filed.category, "was_category": filed.category, "unit": "9-9-909", "was_unit": "9-9-909",
         "title": "孙丽产权证明", "was_title": filed.title, "date": "", "was_date": ""},
    )  # fmt: skip
    assert saved.status_code == 302
    kept = get_item(demo_ledger, filed.archive_no)
    assert (kept.unit, kept.title, kept.needs_review, kept.review_reasons) == (
        "9-9-909",
        "孙丽产权证明",
        True,
        ("台账中没有房屋 9-9-909",),
    )


def test_a_review_with_a_bad_date_changes_nothing(demo: Workspace, demo_ledger: Ledger) -> None:
    browser = Browser(local_app(demo, demo_ledger))
    browser.get("/item/WF-2026-00001")
    refused = browser.post(
        "/item/WF-2026-00001/update", {"category": "未分类", "title": "新题名", "date": "2026-02-30"}
    )
    assert refused.status_code == 400 and "文件日期" in text_of(refused)
    assert get_item(demo_ledger, "WF-2026-00001").title != "新题名"


def test_a_review_date_after_today_is_refused_as_filing_refuses_it(demo: Workspace, demo_ledger: Ledger) -> None:
    """文件日期 2099-01-01 (a year mistyped) was kept, and a new category then numbered the item HT-2099-00001 for
    good; it is refused with what to do, nothing changed, on the page as on the command line."""
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    before = get_item(demo_ledger, "GC-2026-00004")
    browser = Browser(local_app(demo, demo_ledger))
    browser.get("/item/GC-2026-00004")
    refused = browser.post("/item/GC-2026-00004/update", {"date": tomorrow.isoformat(), "category": "合同协议档案"})
    assert refused.status_code == 400
    assert (
        f"文件日期 {tomorrow.isoformat()} 晚于今天（{dt.date.today().isoformat()}）：请按文件上写的日期改正"
        in text_of(refused)
    )
    assert get_item(demo_ledger, "GC-2026-00004") == before
    result = CliRunner().invoke(
        cli_app, ["archive", "update", "GC-2026-00004", "--date", "2099-01-01"], env={"RECORDKIT_HOME": str(demo.root)}
    )
    assert result.exit_code == 5 and "文件日期 2099-01-01 晚于今天" in result.output
    assert get_item(demo_ledger, "GC-2026-00004") == before
    # today is a day the document may carry
    assert browser.post("/item/GC-2026-00004/update", {"date": dt.date.today().isoformat()}).status_code == 302
    assert get_item(demo_ledger, "GC-2026-00004").doc_date == dt.date.today()


def test_a_review_with_a_right_to_left_override_in_the_title_changes_nothing(
    demo: Workspace, demo_ledger: Ledger
) -> None:
    before = get_item(demo_ledger, "WF-2026-00001")
    browser = Browser(local_app(demo, demo_ledger))
    browser.get("/item/WF-2026-00001")
    refused = browser.post("/item/WF-2026-00001/update", {"title": "收据\u202efdp.exe"})
    assert refused.status_code == 400
    assert "题名里有控制字符（如 NUL、换行）或不可见的格式字符，没有修改：请重新输入" in text_of(refused)
    assert get_item(demo_ledger, "WF-2026-00001").title == before.title


# -- safety -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/item/GC-2026-00004/lend", {"borrower": "王工", "due": "2027-01-01"}),
        ("/item/{lent}/return", {}),  # the original the demo has out to 李会计 (``out_to``)
        ("/item/WF-2026-00001/update", {"title": "改了"}),
    ],
)
def test_a_form_without_its_csrf_token_is_refused(
    demo: Workspace, demo_ledger: Ledger, url: str, data: dict[str, str]
) -> None:
    before, url = list_loans(demo_ledger, include_returned=True), url.format(lent=out_to(demo_ledger, "李会计"))
    browser = Browser(local_app(demo, demo_ledger))
    browser.get("/item/GC-2026-00004")
    refused = browser.post(url, data, token=False)
    assert refused.status_code == 400
    assert "表单缺少安全校验码或已过期" in text_of(refused)
    forged = browser.post(url, {**data, "csrf_token": "forged"}, token=False)
    assert forged.status_code == 400
    assert list_loans(demo_ledger, include_returned=True) == before
    assert get_item(demo_ledger, "WF-2026-00001").title != "改了"


def signed_in(demo: Workspace, demo_ledger: Ledger, name: str, role: str) -> Browser:
    add_user(demo, demo_ledger, name, role, "correct horse 1")
    browser = Browser(create_app(demo, accounts_required=True, ledger=demo_ledger))
    assert browser.login(name, "correct horse 1").status_code == 302
    return browser


def test_a_reader_can_search_and_view_but_not_lend_review_or_unmask(demo: Workspace, demo_ledger: Ledger) -> None:
    reader = signed_in(demo, demo_ledger, "小李", "reader")
    assert reader.get("/search?q=梯维修").status_code == 200
    page = reader.get("/item/GC-2026-00004")
    assert page.status_code == 200
    assert 'id="lend-button"' not in page.get_data(as_text=True)  # no lending form shown
    before = list_loans(demo_ledger, include_returned=True)
    for url, data in (
        ("/item/GC-2026-00004/lend", {"borrower": "小李", "due": "2027-01-01", "reason": "看看"}),
        (f"/item/{out_to(demo_ledger, '李会计')}/return", {}),
        ("/item/WF-2026-00001/update", {"title": "改了", "reviewed": "1"}),
    ):
        refused = reader.post(url, data)
        assert refused.status_code == 403
        assert "您的账户（查阅）不能" in text_of(refused)
    assert list_loans(demo_ledger, include_returned=True) == before
    assert get_item(demo_ledger, "WF-2026-00001").title != "改了"
    unmasked = reader.get("/search?q=梯维修&private=1")
    assert unmasked.status_code == 403
    assert "您的账户（查阅）不能查看完整的身份证号、电话号码和银行卡号，请找档案管理员" in text_of(unmasked)


def test_login_is_required_when_accounts_are_on(demo: Workspace, demo_ledger: Ledger) -> None:
    add_user(demo, demo_ledger, "王档案", "archivist", "correct horse 1")
    browser = Browser(create_app(demo, accounts_required=True, ledger=demo_ledger))
    for url in ("/search?q=梯维修", "/item/GC-2026-00004", "/item/GC-2026-00004/original", "/review", "/loans"):
        response = browser.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    browser.get("/login")
    assert browser.post("/item/GC-2026-00004/lend", {"borrower": "x", "due": "2027-01-01"}).status_code == 302
    assert not [loan for loan in list_loans(demo_ledger) if loan.archive_no == "GC-2026-00004"]
    wrong = browser.login("王档案", "wrong")
    assert wrong.status_code == 403 and "登录" in text_of(wrong)
    assert browser.login("王档案", "correct horse 1").headers["Location"].endswith("/search")
    assert "王档案（档案管理员）" in text_of(browser.get("/search"))
    browser.post("/logout", {})
    assert browser.get("/search").status_code == 302


def test_login_throttling_is_visible(demo: Workspace, demo_ledger: Ledger) -> None:
    add_user(demo, demo_ledger, "王档案", "archivist", "correct horse 1")
    browser = Browser(create_app(demo, accounts_required=True, ledger=demo_ledger))
    messages = [text_of(browser.login("王档案", f"guess {n}")) for n in range(12)]
    last = browser.login("王档案", "correct horse 1")
    assert last.status_code == 403, "a throttled account is refused even with the right password"
    assert 'id="login-problem"' in last.get_data(as_text=True)
    assert len(set(messages)) >= 2, "the page says when the account is being throttled"


def test_the_next_page_after_login_stays_on_this_site(demo: Workspace, demo_ledger: Ledger) -> None:
    add_user(demo, demo_ledger, "王档案", "archivist", "correct horse 1")
    browser = Browser(create_app(demo, accounts_required=True, ledger=demo_ledger))
    browser.get("/login")
    done = browser.post("/login", {"name": "王档案", "password": "correct horse 1", "next": "//evil.example/x"})
    assert done.headers["Location"].endswith("/search")


def test_masking_holds_unless_an_archivist_asks_and_asking_is_journalled(demo: Workspace, demo_ledger: Ledger) -> None:
    from recordkit.search.indexer import update_index

    file_documents(
        demo, demo_ledger, demo.root / "新文件",
        [("业主联系单.docx", "业主档案", None, "业主联系单", dt.date(2026, 11, 1),
          "业主王芳，联系电话13812345678，身份证号110101199003071233，房屋维修联系。")],
    )  # fmt: skip
    update_index(demo, demo_ledger, ocr=False)
    archivist = signed_in(demo, demo_ledger, "王档案", "archivist")
    for url in ("/search?q=业主联系单", "/item/" + cli_search(demo, "业主联系单")["hits"][0]["archive_no"]):
        html = archivist.get(url).get_data(as_text=True)
        assert "13812345678" not in html and "110101199003071233" not in html, url
        assert "138****5678" in html
        shown = archivist.get(url + ("&" if "?" in url else "?") + "private=1").get_data(as_text=True)
        assert "13812345678" in shown, url
    with demo_ledger.read() as conn:
        views = [entry for entry in journal.recent(conn, 10) if entry.action == "private.view"]
    assert len(views) == 2 and {entry.operator for entry in views} == {"王档案"}


# -- the server's rules -----------------------------------------------------------------------------


def test_accounts_are_required_beyond_this_computer() -> None:
    assert accounts_required("127.0.0.1", False) is False
    assert accounts_required("localhost", False) is False
    assert accounts_required("::1", False) is False
    assert accounts_required("127.0.0.1", True) is True
    assert accounts_required("0.0.0.0", True) is True
    with pytest.raises(UsageError, match="请先建立账户"):
        accounts_required("0.0.0.0", False)
    with pytest.raises(UsageError):
        accounts_required("192.168.1.20", False)


def test_serve_on_the_network_without_accounts_refuses_to_start(demo: Workspace) -> None:
    result = CliRunner().invoke(
        cli_app, ["serve", "--host", "0.0.0.0", "--port", "0"], env={"RECORDKIT_HOME": str(demo.root)}
    )
    assert result.exit_code == 2
    assert "请先建立账户" in result.output


def test_serve_on_a_port_another_program_holds_says_so(demo: Workspace) -> None:
    """A second ``recordkit serve`` (or another program on 8080): the port named, what to do, exit 8 — not
    程序内部错误（OSError）."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli_app, ["serve", "--port", str(port)], env={"RECORDKIT_HOME": str(demo.root)})
    assert result.exit_code == 8, result.output
    assert f"端口 {port} 已被占用（另一个 recordkit serve 或别的程序正在用）：请先停掉它，或换一个端口" in result.output
    assert "内部错误" not in result.output


def test_serve_on_an_address_this_computer_does_not_have_says_so(demo: Workspace, demo_ledger: Ledger) -> None:
    add_user(demo, demo_ledger, "王档案", "archivist", "correct horse 1")
    result = CliRunner().invoke(
        cli_app, ["serve", "--host", "192.0.2.1", "--port", "0"], env={"RECORDKIT_HOME": str(demo.root)}
    )
    assert result.exit_code == 2, result.output
    assert "这台电脑没有地址 192.0.2.1：请写这台电脑的局域网 IP 地址" in result.output


def test_the_session_key_is_kept_private_in_the_workspace(demo: Workspace, demo_ledger: Ledger) -> None:
    create_app(demo, accounts_required=False, ledger=demo_ledger)
    key_file = demo.records_dir / SECRET_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_bytes()
    assert create_app(demo, accounts_required=False, ledger=demo_ledger).secret_key == key
    assert key.hex() not in (demo.root / "recordkit.toml").read_text(encoding="utf-8")


def test_pages_are_chinese_and_carry_safety_headers(demo: Workspace, demo_ledger: Ledger) -> None:
    browser = Browser(local_app(demo, demo_ledger))
    for url in ("/search", "/search?q=梯维修", "/item/GC-2026-00004", "/review", "/loans", "/nowhere"):
        response = browser.get(url)
        assert '<html lang="zh-CN">' in response.get_data(as_text=True)
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "no-store"
    css = browser.get("/static/recordkit.css")
    assert css.status_code == 200 and "@media" in css.get_data(as_text=True)


def test_the_templates_and_the_style_sheet_live_inside_the_package() -> None:
    # The wheel takes the whole src/recordkit folder (pyproject's hatch packages), these files with it.
    package = Path(__file__).resolve().parents[1] / "src" / "recordkit" / "web"
    for name in ("base.html", "search.html", "item.html", "review.html", "loans.html", "login.html", "error.html"):
        assert (package / "templates" / name).is_file()
    assert (package / "static" / "recordkit.css").is_file()


def test_a_word_file_has_no_page_images_but_can_be_downloaded(demo: Workspace, demo_ledger: Ledger) -> None:
    [item] = file_documents(
        demo, demo_ledger, demo.root / "新文件",
        [("会议纪要.docx", "工程档案", None, "电梯改造会议纪要", dt.date(2026, 11, 3), "电梯改造方案讨论。")],
    ).values()  # fmt: skip
    from recordkit.search.indexer import update_index

    update_index(demo, demo_ledger, ocr=False)
    browser = Browser(local_app(demo, demo_ledger))
    found = browser.get("/search?q=电梯改造会议纪要").get_data(as_text=True)
    assert f'alt="{item.archive_no} 第 1 页"' not in found and 'class="no-thumb">DOCX<' in found
    page = browser.get(f"/item/{item.archive_no}")
    assert "这件档案是 Word 或 Excel 文件，没有页面图像" in text_of(page)
    image = browser.get(f"/item/{item.archive_no}/page/1?w=800")
    assert image.status_code == 404 and "Word 文档，没有页面图像" in text_of(image)
    assert browser.get(f"/item/{item.archive_no}/original").data == (demo.root / item.path).read_bytes()


def test_a_request_before_signing_in_keeps_the_login_forms_token(demo: Workspace, demo_ledger: Ledger) -> None:
    # A browser asks for /favicon.ico right after the login page: that must not void the form's CSRF token.
    add_user(demo, demo_ledger, "王档案", "archivist", "correct horse 1")
    browser = Browser(create_app(demo, accounts_required=True, ledger=demo_ledger))
    browser.get("/login")
    token = browser.token
    assert browser.client.get("/favicon.ico").status_code == 302
    browser.token = token
    done = browser.post("/login", {"name": "王档案", "password": "correct horse 1"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/search")


def test_a_signed_in_users_changes_carry_their_name(demo: Workspace, demo_ledger: Ledger) -> None:
    archivist = signed_in(demo, demo_ledger, "王档案", "archivist")
    archivist.get("/item/GC-2026-00004")
    assert archivist.post("/item/GC-2026-00004/lend", {"borrower": "王工", "due": "2027-01-01"}).status_code == 302
    archivist.get("/item/WF-2026-00001")
    assert archivist.post("/item/WF-2026-00001/update", {"title": "水泵房照片"}).status_code == 302
    with demo_ledger.read() as conn:
        newest = journal.recent(conn, 2)
    assert [(entry.action, entry.operator) for entry in newest] == [
        ("archive.update", "王档案"),
        ("archive.lend", "王档案"),
    ]


def test_the_web_app_on_a_workspace_whose_ledger_file_is_gone_makes_no_ledger(workspace: Workspace) -> None:
    """``create_app`` opened the workspace's ledger as a ledger-making command does: on a workspace whose
    records/ledger.sqlite3 was gone it made a new, empty one (only ``serve``'s own refusal, before it, kept that from
    happening).  The page now opens it as a command that only reads: refused, the file named, nothing made."""
    ledger_file = workspace.records_dir / "ledger.sqlite3"
    for file in workspace.records_dir.glob("ledger.sqlite3*"):
        file.unlink()
    with pytest.raises(LedgerError) as refused:
        create_app(workspace, accounts_required=False)
    assert refused.value.message == (
        f"台账文件 {ledger_file} 不见了（被删除或挪走、从备份恢复时漏了它，或者它所在的磁盘没有挂载）：这个命令不会新建台账："
        "请先找回原来的台账：从备份恢复到这个位置，或挂载好它所在的磁盘；"
        "确是新的工作区，先运行 recordkit db upgrade 或导入业主名册（recordkit owners import）建立台账"
    )
    assert not ledger_file.exists()


def test_an_index_of_a_newer_recordkit_answers_503_with_what_the_administrator_must_do(
    demo: Workspace, demo_ledger: Ledger
) -> None:
    """An index a newer recordkit built answered the search page with 400, as if the query were wrong, and told the
    clerk to upgrade the recordkit "on this computer" (the command line's words).  It is the service unavailable
    until the administrator upgrades the program that serves the page: 503, said as the page says it."""
    with sqlite3.connect(demo.records_dir / "index" / "search.sqlite3") as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    page = Browser(local_app(demo, demo_ledger)).get("/search?q=电梯")
    assert page.status_code == 503
    assert (
        "检索索引的版本（99）与本程序（15）不符：索引是更新版本的 recordkit 建的，"
        "请管理员把服务器上运行网页的 recordkit 升级到建索引的那个版本，再重启网页服务（recordkit serve）"
    ) in text_of(page)
    assert "这台电脑" not in text_of(page)


@pytest.mark.postgres
@pytest.mark.parametrize("ws", ["postgresql"], indirect=True)
def test_a_ledger_without_the_index_tables_answers_503_with_the_commands_to_run(
    ws: Workspace, ledger: Ledger, tmp_path: Path, run_cli: Any
) -> None:
    """A PostgreSQL ledger without the index's tables (a ledger older than them, the tables dropped) answered the
    search page with 400, as if the query were wrong.  It is the service unavailable until the administrator
    upgrades the ledger and builds the index: 503, with the commands to run on the server."""
    file_documents(ws, ledger, tmp_path / "扫描件")
    assert run_cli("index").exit_code == 0
    with ledger.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE search_items")
    said = (
        "台账数据库里没有检索索引的表：请管理员在服务器上升级台账数据库（recordkit db upgrade），"
        "再重建检索索引（recordkit index --rebuild）"
    )
    searched = Browser(local_app(ws, ledger)).get("/search?q=装修")
    assert (searched.status_code, said in text_of(searched)) == (503, True), text_of(searched)


def test_a_damaged_index_and_a_file_outside_the_archive_answer_as_the_service_and_the_download_do(
    demo: Workspace, demo_ledger: Ledger
) -> None:
    """A damaged search index (whose message asks for a rebuild) answered 500, a server error; it is the service
    unavailable until the administrator rebuilds it: 503, with the advice in words.  Correcting an item whose ledger
    path points outside the archive answered 500 while its page image and download said 404: all three say 404."""
    import sqlalchemy as sa

    from recordkit.ledger.schema import archive_items

    browser = Browser(local_app(demo, demo_ledger))
    index = demo.records_dir / "index" / "search.sqlite3"
    kept = index.read_bytes()
    index.write_bytes(b"this is no sqlite database, a disk's bad sector" * 100)
    damaged = browser.get("/search?q=电梯")
    assert damaged.status_code == 503
    assert "检索索引已损坏，无法读取" in text_of(damaged)
    assert "请管理员在服务器上重建检索索引（新索引建好后才替换原索引，原索引不会先被删除）" in text_of(damaged)
    index.write_bytes(kept)

    number = "GC-2026-00004"
    outside = demo.root / "outside.pdf"
    shutil.copy(demo.root / get_item(demo_ledger, number).path, outside)
    with demo_ledger.write() as conn:
        conn.execute(sa.update(archive_items).where(archive_items.c.archive_no == number).values(path=str(outside)))
    browser.get(f"/item/{number}")
    said = f"{number} 的文件不在档案库中：请管理员在服务器上检查档案文件"
    corrected = browser.post(f"/item/{number}/update", {"title": "电梯维保合同（改）"})
    # the path as the workspace names it, never the server's folders
    assert f"{number} 在台账里的位置 outside.pdf 不在档案目录中：请管理员在服务器上检查并修复档案文件后再改" in (
        text_of(corrected)
    )
    assert str(demo.root) not in corrected.get_data(as_text=True)
    assert get_item(demo_ledger, number).title == "电梯维保记录"  # nothing changed
    for response in (
        corrected,
        browser.get(f"/item/{number}/page/1?w=800"),
        browser.get(f"/item/{number}/original"),
    ):
        assert (response.status_code, said in text_of(response)) == (404, True), text_of(response)
