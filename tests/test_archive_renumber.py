"""Correcting an item's category and date (issue 16): a new category gives a new number and moves the file,
the old number still finds the item (show, search, loans), journalled; a bad category or date changes nothing;
a renumbering killed half-way is finished or undone by the recovery every filing runs first."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from recordkit.archive import archivist as archivist_module
from recordkit.archive.archivist import (
    Archivist,
    former_numbers,
    get_item,
    items_by_number,
    lend,
    return_item,
    update_item,
    verify,
)
from recordkit.archive.intake import update_and_index
from recordkit.archive.rules import Metadata
from recordkit.core.workspace import Workspace
from recordkit.demo.scans import write_scan
from recordkit.ledger import journal
from recordkit.ledger.db import Ledger, open_ledger
from recordkit.ledger.reconcile import check_tables
from recordkit.ledger.schema import archive_aliases, archive_items
from recordkit.search.indexer import update_index, verify_index
from recordkit.search.query import search
from tests.archive_helpers import FAST, archive_workspace, sidecar_of, tree
from tests.conftest import sqlite_parameters_at_most
from tests.search_helpers import write_docx

TEXT = "曳引机减速箱漏油，已更换油封，试运行正常。"


@pytest.fixture
def both(workspace: Workspace, ledger_url: str) -> Iterator[tuple[Workspace, Ledger]]:
    """The workspace's archive on SQLite and on PostgreSQL in turn."""
    ws = archive_workspace(workspace.root, None if ledger_url.startswith("sqlite") else ledger_url)
    with open_ledger(ws.database_url) as ledger:
        yield ws, ledger


def file_unclassified(ws: Workspace, ledger: Ledger, name: str = "杂项.docx", text: str = TEXT) -> str:
    path = write_docx(ws.root / "scans" / name, text)
    outcome = Archivist(ws, ledger, "档案员").file(path, Metadata())
    assert outcome.status == "filed" and outcome.item is not None
    return outcome.item.archive_no


def hits(ws: Workspace, query: str) -> list[str]:
    return [hit.archive_no for hit in search(ws, query).hits]


def test_a_new_category_gives_a_new_number_and_the_old_one_still_finds_the_item(
    both: tuple[Workspace, Ledger],
) -> None:
    ws, ledger = both
    assert file_unclassified(ws, ledger) == "WF-2026-00001"
    update_index(ws, ledger)
    item = update_and_index(ws, ledger, "wf-2026-00001", "档案员", category="工程")  # an alias of 工程档案

    assert (item.archive_no, item.category, item.prefix, item.seq) == ("GC-2026-00001", "工程档案", "GC", 1)
    assert item.path == "records/archive/工程档案/2026/GC-2026-00001_杂项.docx"
    assert (item.needs_review, item.review_reasons) == (False, ())  # "无法判断档案类别" is settled
    archive = ws.root / "records" / "archive"
    assert tree(archive) == ["工程档案/2026/GC-2026-00001_杂项.docx", "工程档案/2026/GC-2026-00001_杂项.docx.json"]
    sidecar = sidecar_of(ws, item.path)
    assert (sidecar["archive_no"], sidecar["category"], sidecar["former_numbers"]) == (
        "GC-2026-00001",
        "工程档案",
        ["WF-2026-00001"],
    )
    # The old number finds the item: the catalogue, and search at once (no nightly run in between).
    assert get_item(ledger, "WF-2026-00001") == item
    assert former_numbers(ledger) == {"GC-2026-00001": ("WF-2026-00001",)}
    assert hits(ws, "WF-2026-00001") == ["GC-2026-00001"]
    assert hits(ws, "GC-2026-00001") == ["GC-2026-00001"]
    assert hits(ws, "减速箱 category:工程档案") == ["GC-2026-00001"]
    assert hits(ws, "减速箱 category:未分类") == []
    assert verify_index(ws, ledger).ok
    assert verify(ws, ledger, "档案员").ok
    with ledger.read() as conn:
        entry = journal.recent(conn, 1)[0]
        assert (entry.action, entry.key) == ("archive.renumber", "GC-2026-00001")
        assert entry.before is not None and entry.after is not None
        assert (entry.before["archive_no"], entry.before["category"]) == ("WF-2026-00001", "未分类")
        assert (entry.after["former_archive_no"], entry.after["path"]) == ("WF-2026-00001", item.path)
        assert journal.verify(conn).ok
    # The old number is never handed out again: the next unclassified file gets the one after it.
    assert file_unclassified(ws, ledger, "另一件.docx", "另一件的文字") == "WF-2026-00002"
    # A second correction keeps both former numbers, oldest first.
    again = update_and_index(ws, ledger, "GC-2026-00001", "档案员", category="合同协议档案")
    assert again.archive_no == "HT-2026-00001"
    assert former_numbers(ledger, ["HT-2026-00001"]) == {"HT-2026-00001": ("WF-2026-00001", "GC-2026-00001")}
    assert hits(ws, "WF-2026-00001") == hits(ws, "GC-2026-00001") == ["HT-2026-00001"]
    # The nightly run: only WF-2026-00002 (filed without the filing hook) is new; nothing else left to do.
    report = update_index(ws, ledger)
    assert (report.added, report.updated, report.removed, report.unchanged) == (1, 0, 0, 1)


def test_a_new_date_changes_ledger_sidecar_and_index_but_not_the_number(both: tuple[Workspace, Ledger]) -> None:
    ws, ledger = both
    number = file_unclassified(ws, ledger)
    update_index(ws, ledger)
    assert hits(ws, "2019年5月8日") == []
    item = update_and_index(ws, ledger, number, "档案员", doc_date=dt.date(2019, 5, 8))
    assert (item.archive_no, item.doc_date, item.path) == (number, dt.date(2019, 5, 8), get_item(ledger, number).path)
    with ledger.read() as conn:
        stored = conn.execute(sa.select(archive_items.c.doc_date).where(archive_items.c.archive_no == number)).scalar()
    assert stored == dt.date(2019, 5, 8)
    assert sidecar_of(ws, item.path)["doc_date"] == "2019-05-08"
    assert hits(ws, "2019年5月8日") == hits(ws, "20190508") == [number]
    assert [hit.date for hit in search(ws, "减速箱", date_from="2019-05", date_to="2019-05").hits] == ["2019-05-08"]
    assert verify(ws, ledger, "档案员").ok and verify_index(ws, ledger).ok
    # Category and date at once: the number's year is the document's new year, and so is its folder.
    moved = update_and_index(ws, ledger, number, "档案员", category="工程档案", doc_date=dt.date(2024, 5, 8))
    assert (moved.archive_no, moved.path) == ("GC-2024-00001", "records/archive/工程档案/2024/GC-2024-00001_杂项.docx")
    assert verify(ws, ledger, "档案员").ok


def test_a_loan_follows_the_item_to_its_new_number(both: tuple[Workspace, Ledger]) -> None:
    ws, ledger = both
    number = file_unclassified(ws, ledger)
    lend(ledger, number, "王工", dt.date.today() + dt.timedelta(days=7), "档案员", "工程部")
    update_item(ws, ledger, number, "档案员", category="工程档案")
    with ledger.read() as conn:
        assert check_tables(conn) == []  # the journal's loans and the ledger's agree under the new number
    returned = return_item(ledger, "WF-2026-00001", "档案员")  # the paper folder still shows the old number
    assert (returned.archive_no, returned.borrower) == ("GC-2026-00001", "王工")
    with ledger.read() as conn:
        assert check_tables(conn) == []


@pytest.fixture
def cli(run_cli: Any, workspace: Workspace) -> Any:
    archive_workspace(workspace.root)

    def run(*args: str) -> Any:
        return run_cli(*args, env={**FAST, "RECORDKIT_OPERATOR": "档案员"})

    return run


def snapshot(workspace: Workspace) -> tuple[dict[str, bytes], list[tuple[Any, ...]], int]:
    archive = workspace.root / "records" / "archive"
    files = {name: (archive / name).read_bytes() for name in tree(archive)}
    with open_ledger(workspace.database_url) as ledger, ledger.read() as conn:
        rows = [tuple(row) for row in conn.execute(sa.select(archive_items).order_by(archive_items.c.id))]
        aliases = conn.execute(sa.select(sa.func.count()).select_from(archive_aliases)).scalar_one()
    return files, rows, aliases


def test_update_category_and_date_at_the_command_line(cli: Any, workspace: Workspace) -> None:
    write_scan(workspace.root / "records" / "inbox" / "IMG_0001.jpg", 2)
    cli("watch", "--once")
    assert cli("index").exit_code == 0
    result = cli("archive", "update", "WF-2026-00001", "--category", "工程档案")
    assert (result.exit_code, result.stdout.splitlines()) == (
        0,
        [
            # the title recordkit made (扫描件: the camera's name held no words) follows its category
            "已更新 GC-2026-00001（工程档案），原档号 WF-2026-00001：工程档案，房号 无，盒号/架位 未登记",
            "文件已移到 records/archive/工程档案/2026/GC-2026-00001_工程档案.jpg",
        ],
    )
    shown = json.loads(cli("archive", "show", "WF-2026-00001", "--json").stdout)
    assert (shown["archive_no"], shown["former_numbers"]) == ("GC-2026-00001", ["WF-2026-00001"])
    assert "│ 曾用档号 │ WF-2026-00001" in cli("archive", "show", "GC-2026-00001").stdout
    found = json.loads(cli("search", "WF-2026-00001", "--json").stdout)
    assert [hit["archive_no"] for hit in found["hits"]] == ["GC-2026-00001"]
    dated = cli("archive", "update", "WF-2026-00001", "--date", "2024年5月8日")
    assert (dated.exit_code, dated.stdout.strip()) == (
        0,
        "已更新 GC-2026-00001（工程档案）：日期 2024-05-08，房号 无，盒号/架位 未登记",
    )
    found = json.loads(cli("search", "GC-2026-00001", "--json").stdout)
    assert [hit["date"] for hit in found["hits"]] == ["2024-05-08"]
    assert cli("archive", "verify").exit_code == 0
    assert cli("index", "--verify").exit_code == 0
    assert cli("journal", "verify").exit_code == 0
    assert "改档案类别（重新编号）" in cli("journal", "list").stdout


@pytest.mark.parametrize(
    ("args", "code", "line"),
    [
        (
            ("--category", "杂项"),
            2,
            "错误：档案类别“杂项”不存在，应为 业主档案、工程档案、合同协议档案、财务档案 之一",
        ),
        (
            ("--category", "未分类"),
            2,
            "错误：“未分类”只用于无法判断类别的档案，不能把档案改为这一类：应为 业主档案、工程档案、合同协议档案、财务档案 之一",
        ),
        (("--date", "2024-02-30"), 5, "错误：文件日期“2024-02-30”不存在：请检查年月日"),
        (("--category", "工程档案", "--date", "明年"), 5, None),
        (("--category", "工程档案", "--unit", "十二楼"), 5, None),
    ],
)
def test_a_bad_category_or_date_changes_nothing(
    cli: Any, workspace: Workspace, args: tuple[str, ...], code: int, line: str | None
) -> None:
    write_scan(workspace.root / "records" / "inbox" / "IMG_0001.jpg", 2)
    cli("watch", "--once")
    before = snapshot(workspace)
    result = cli("archive", "update", "WF-2026-00001", *args)
    assert result.exit_code == code
    assert result.stderr.startswith("错误：") and len(result.stderr.strip().splitlines()) == 1
    if line is not None:
        assert result.stderr.strip() == line
    assert snapshot(workspace) == before
    assert cli("archive", "show", "WF-2026-00001", "--json").exit_code == 0


def test_a_renumbering_killed_before_its_commit_is_undone(
    ws_ledger: tuple[Workspace, Ledger], monkeypatch: pytest.MonkeyPatch
) -> None:
    ws, ledger = ws_ledger
    number = file_unclassified(ws, ledger)
    archive = ws.root / "records" / "archive"
    before = tree(archive)

    def killed(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt  # stands for the kill: nothing after it runs ...

    monkeypatch.setattr(archivist_module.journal, "record", killed)
    monkeypatch.setattr(archivist_module, "_remove_published", lambda placed: None)  # ... not even the clean-up
    with pytest.raises(KeyboardInterrupt):
        update_item(ws, ledger, number, "档案员", category="工程档案")
    monkeypatch.undo()
    assert sorted(tree(archive)) == sorted(
        [*before, "工程档案/2026/GC-2026-00001_杂项.docx", "工程档案/2026/GC-2026-00001_杂项.docx.json"]
    )
    assert get_item(ledger, number).archive_no == "WF-2026-00001"  # the ledger was rolled back
    done = Archivist(ws, ledger, "档案员").recover()
    assert tree(archive) == before
    assert any("改类别或题名时中断留下的同一文件的另一个名字" in line for line in done)
    assert verify(ws, ledger, "档案员").ok


def test_a_renumbering_killed_after_its_commit_is_finished(
    ws_ledger: tuple[Workspace, Ledger], monkeypatch: pytest.MonkeyPatch
) -> None:
    ws, ledger = ws_ledger
    number = file_unclassified(ws, ledger)
    archive = ws.root / "records" / "archive"
    monkeypatch.setattr(archivist_module, "_remove_placed", lambda paths: None)  # killed before the old name goes
    item = update_item(ws, ledger, number, "档案员", category="工程档案")
    monkeypatch.undo()
    assert len(tree(archive)) == 4  # both names of the file, both sidecars
    assert not verify(ws, ledger, "档案员").ok
    Archivist(ws, ledger, "档案员").recover()
    assert tree(archive) == ["工程档案/2026/GC-2026-00001_杂项.docx", "工程档案/2026/GC-2026-00001_杂项.docx.json"]
    assert get_item(ledger, number) == item
    assert verify(ws, ledger, "档案员").ok


@pytest.fixture
def ws_ledger(workspace: Workspace) -> Iterator[tuple[Workspace, Ledger]]:
    ws = archive_workspace(workspace.root)
    with open_ledger(ws.database_url) as ledger:
        yield ws, ledger


def test_a_new_title_or_a_made_title_on_a_new_unit_renames_the_file(both: tuple[Workspace, Ledger]) -> None:
    # The file is named 档号_题名: only a new category renamed it, so after a new title (typed, or made anew of a new
    # unit) the archive folder still showed the old words: YZ-…_3-2-1201 业主档案.jpg titled 1-1-101 业主档案.
    ws, ledger = both
    number = file_unclassified(ws, ledger)
    update_index(ws, ledger)
    item = update_and_index(ws, ledger, number, "档案员", title="电梯维修记录")
    assert item.path == "records/archive/未分类/2026/WF-2026-00001_电梯维修记录.docx"
    archive = ws.root / "records" / "archive"
    assert tree(archive) == [
        "未分类/2026/WF-2026-00001_电梯维修记录.docx",
        "未分类/2026/WF-2026-00001_电梯维修记录.docx.json",
    ]
    assert sidecar_of(ws, item.path)["title"] == "电梯维修记录"
    assert hits(ws, "电梯维修记录") == hits(ws, "减速箱") == ["WF-2026-00001"]
    assert verify(ws, ledger, "档案员").ok and verify_index(ws, ledger).ok
    # a box alone leaves the name as it is
    assert update_item(ws, ledger, number, "档案员", box="A-01").path == item.path

    photo = write_scan(ws.root / "scans" / "3-2-1201" / "IMG_1234.jpg", 5)
    filed = Archivist(ws, ledger, "档案员").file(photo, base=ws.root / "scans")
    assert filed.item is not None and filed.item.title == "3-2-1201 业主档案"
    assert filed.item.path == "records/archive/业主档案/2026/YZ-2026-00001_3-2-1201 业主档案.jpg"
    moved = update_and_index(ws, ledger, "YZ-2026-00001", "档案员", unit="1-1-101")
    assert (moved.unit, moved.title) == ("1-1-101", "1-1-101 业主档案")
    assert moved.path == "records/archive/业主档案/2026/YZ-2026-00001_1-1-101 业主档案.jpg"
    assert [name for name in tree(archive) if name.startswith("业主档案")] == [
        "业主档案/2026/YZ-2026-00001_1-1-101 业主档案.jpg",
        "业主档案/2026/YZ-2026-00001_1-1-101 业主档案.jpg.json",
    ]
    assert verify(ws, ledger, "档案员").ok
    check = verify_index(ws, ledger)  # (the photo's text waits for OCR, off in tests)
    assert (check.missing, check.stale, check.orphaned) == ([], [], [])


def test_a_new_title_killed_after_its_commit_is_finished_and_before_it_undone(
    ws_ledger: tuple[Workspace, Ledger], monkeypatch: pytest.MonkeyPatch
) -> None:
    ws, ledger = ws_ledger
    number = file_unclassified(ws, ledger)
    archive = ws.root / "records" / "archive"
    before = tree(archive)
    monkeypatch.setattr(
        archivist_module.journal, "record", lambda *args, **kwargs: (_ for _ in ()).throw(KeyboardInterrupt)
    )
    monkeypatch.setattr(archivist_module, "_remove_published", lambda placed: None)
    with pytest.raises(KeyboardInterrupt):
        update_item(ws, ledger, number, "档案员", title="电梯维修记录")
    monkeypatch.undo()
    assert get_item(ledger, number).title == "杂项"
    done = Archivist(ws, ledger, "档案员").recover()
    assert tree(archive) == before
    assert any("改类别或题名时中断留下的同一文件的另一个名字" in line for line in done)

    monkeypatch.setattr(archivist_module, "_remove_placed", lambda paths: None)  # killed before the old name goes
    item = update_item(ws, ledger, number, "档案员", title="电梯维修记录")
    monkeypatch.undo()
    assert len(tree(archive)) == 4
    Archivist(ws, ledger, "档案员").recover()
    assert tree(archive) == [
        "未分类/2026/WF-2026-00001_电梯维修记录.docx",
        "未分类/2026/WF-2026-00001_电梯维修记录.docx.json",
    ]
    assert get_item(ledger, number) == item
    assert verify(ws, ledger, "档案员").ok


def test_the_former_numbers_and_items_of_more_numbers_than_sqlite_takes_parameters_are_read_at_once(
    ws_ledger: tuple[Workspace, Ledger],
) -> None:
    """The former numbers of many items at once (the filing transaction's index on PostgreSQL) and the items of many
    numbers (the web page's search hits) were read in one ``IN (…)`` of their numbers: more numbers than SQLite takes
    parameters in one statement (999 in the oldest builds) failed (too many SQL variables).  Each comes back; a
    number no item has is left out."""
    ws, ledger = ws_ledger
    file_unclassified(ws, ledger)
    update_item(ws, ledger, "WF-2026-00001", "档案员", category="工程档案")
    asked = [f"GC-2026-{seq:05d}" for seq in range(1, 1101)]
    with sqlite_parameters_at_most(999), open_ledger(ws.database_url) as limited:
        former = former_numbers(limited, asked)
        items = items_by_number(limited, asked)
    assert former == {"GC-2026-00001": ("WF-2026-00001",)}
    assert list(items) == ["GC-2026-00001"]
    assert items["GC-2026-00001"].title == "杂项"
