"""Helpers for the search tests: .docx files of known text, filed into an archive with the sample units."""

from __future__ import annotations

import datetime as dt
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from recordkit.archive.archivist import ArchiveItem, Archivist
from recordkit.archive.rules import Metadata
from recordkit.core.workspace import Workspace
from recordkit.ledger.db import Ledger
from recordkit.search.indexer import IndexReport
from tests.archive_helpers import archive_workspace


def write_docx(path: Path, *paragraphs: str) -> Path:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


# The archive of the search tests: (file name, category, unit, title, date, the document's text).
DOCUMENTS: list[tuple[str, str, str | None, str, dt.date | None, str]] = [
    (
        "电梯维修记录.docx",
        "工程档案",
        None,
        "3号楼电梯维修记录",
        dt.date(2024, 5, 20),
        "3号楼电梯维修保养，维保单位安达电梯公司，更换曳引钢丝绳。",
    ),
    (
        "装修协议.docx",
        "合同协议档案",
        "3-2-1201",
        "装修协议",
        dt.date(2025, 3, 15),
        "业主张伟于2025年3月15日签订装修管理协议，房号3栋2单元1201，联系电话13812345678，身份证号110101199003071233。",
    ),
    (
        "产权证明.docx",
        "业主档案",
        "1-1-101",
        "产权证明",
        dt.date(2020, 5, 1),
        "兹证明1#1-101房屋产权人为张伟，建筑面积89.35平方米。设备编号ＡＢ１２。",
    ),
    (
        "维修基金.docx",
        "财务档案",
        None,
        "维修基金收缴台账",
        dt.date(2024, 12, 31),
        "2025-03-15 收到维修基金，经办人李秀英。参见档号YZ-2026-00001。",
    ),
    ("消防检查.docx", "工程档案", None, "消防设施检查", dt.date(2023, 8, 8), "消防水泵房巡检正常，张三签字。梯"),
]


def cli_hits(run_cli: Any, query: str, *flags: str) -> list[str]:
    """The archive numbers ``recordkit search query --json`` lists, in its order (``flags``: ``--sort 档号`` …); found
    nothing (exit 1) is an empty list."""
    result = run_cli("search", query, "--json", *flags)
    assert result.exit_code in (0, 1), result.output
    return [hit["archive_no"] for hit in json.loads(result.stdout)["hits"]]


def file_documents(
    workspace: Workspace,
    ledger: Ledger,
    folder: Path,
    documents: list[tuple[str, str, str | None, str, dt.date | None, str]] | None = None,
) -> dict[str, ArchiveItem]:
    """File each document (by its flags) and return the items by title."""
    clerk = Archivist(workspace, ledger, "档案员")
    items: dict[str, ArchiveItem] = {}
    for name, category, unit, title, date, text in documents or DOCUMENTS:
        path = write_docx(folder / name, text)
        outcome = clerk.file(path, Metadata(category=category, unit=unit, title=title, doc_date=date))
        assert outcome.status == "filed", outcome
        assert outcome.item is not None
        items[title] = outcome.item
    return items


# The README's searches (tests/test_readme.py writes them into 文书/).
README_DOCUMENTS = [
    ("电梯维修记录_20240520.docx", "3号楼电梯维修保养记录。维保单位：安达电梯公司。更换曳引钢丝绳，试运行正常。"),
    (
        "3-2-1201_装修协议_20250315.docx",
        "业主张伟于2025年3月15日签订装修管理协议，房号3栋2单元1201，联系电话13812345678。",
    ),
    # Ranking and --sort in the README: 电梯 only in its text, a newer date than the 电梯维修记录.
    ("工作月报_202406.docx", "六月份工作：完成3号楼电梯年检，处理装修噪音投诉2起，回访满意度100%。"),
]


def use_postgres_ledger(workspace: Workspace, url: str) -> None:
    """Point the workspace's recordkit.toml at a PostgreSQL ledger (the library and the CLI both read it)."""
    config = workspace.config_file
    config.write_text(config.read_text(encoding="utf-8").replace('url = ""', f'url = "{url}"', 1), encoding="utf-8")


@pytest.fixture(name="ws", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def search_ws(request: pytest.FixtureRequest, workspace: Workspace) -> Workspace:
    """A workspace with the sample units on each backend in turn: a SQLite ledger with the FTS5 index, then a
    PostgreSQL ledger with the index in its database (the default that goes with it)."""
    if request.param == "postgresql":
        use_postgres_ledger(workspace, str(request.getfixturevalue("postgres_ledger_url")))
    return archive_workspace(workspace.root)


#: A scan the watcher files while a rebuild holds the index (``filed_during_rebuild``).
DURING_REBUILD = (
    "水箱清洗.docx",
    "工程档案",
    None,
    "二次供水水箱清洗记录",
    dt.date(2026, 11, 30),
    "生活水箱清洗消毒，水质送检合格。",
)


def filed_during_rebuild(
    workspace: Workspace, ledger: Ledger, folder: Path, backend: type, monkeypatch: pytest.MonkeyPatch
) -> dict[str, ArchiveItem]:
    """Make ``backend``'s next rebuild file ``DURING_REBUILD`` first, with the lock already held (its filing hook
    gives up at once, as the watcher's does after its few seconds); the items it filed are filled in then."""
    from recordkit.search import indexer

    monkeypatch.setattr(indexer, "WATCH_LOCK_TIMEOUT", 0.1)
    real = backend.rebuild
    filed: dict[str, ArchiveItem] = {}

    def rebuild(self: object, docs: object) -> int:
        filed.update(file_documents(workspace, ledger, folder, [DURING_REBUILD]))
        return int(real(self, docs))

    monkeypatch.setattr(backend, "rebuild", rebuild)
    return filed


@dataclass
class HeldRun:
    """What ``nightly_run_held`` did: the run's report, the item it was reading, the scan filed and the item
    renumbered while it read."""

    report: IndexReport
    waited: ArchiveItem
    filed: ArchiveItem
    renumbered: ArchiveItem


def nightly_run_held(workspace: Workspace, ledger: Ledger, folder: Path, monkeypatch: pytest.MonkeyPatch) -> HeldRun:
    """Run the nightly ``update_index`` in a thread and hold it inside its text extraction (the lock held, as
    by minutes of OCR) while a scan is filed and 产权证明 (YZ-2020-00001) renumbered by a correction of its
    category and title; their indexing hooks give up waiting for the lock (WATCH_LOCK_TIMEOUT made short), as
    the watcher's and ``archive update``'s do.  The run is let go then and its report returned."""
    from recordkit.archive import extract
    from recordkit.archive.intake import file_paths, update_and_index
    from recordkit.ledger.db import open_ledger
    from recordkit.search import indexer

    monkeypatch.setattr(indexer, "WATCH_LOCK_TIMEOUT", 0.2)
    waited = file_documents(
        workspace,
        ledger,
        folder / "夜间前",
        [("巡检.docx", "工程档案", None, "水泵房巡检记录", dt.date(2026, 11, 2), "二次供水水泵房巡检，压力正常。")],
    )["水泵房巡检记录"]
    reading, release = threading.Event(), threading.Event()
    real = extract.extract_items

    def held(*args: Any, **kwargs: Any) -> Any:
        if threading.current_thread() is not threading.main_thread():  # the nightly run's
            reading.set()
            assert release.wait(60)
        return real(*args, **kwargs)

    monkeypatch.setattr(extract, "extract_items", held)
    reports: list[IndexReport] = []

    def nightly() -> None:
        with open_ledger(workspace.database_url) as own:
            reports.append(indexer.update_index(workspace, own, ocr=False))

    runner = threading.Thread(target=nightly)
    runner.start()
    try:
        assert reading.wait(60)
        name, category, unit, title, date, text = DURING_REBUILD
        outcomes = file_paths(
            Archivist(workspace, ledger, "档案员"),
            [write_docx(folder / "夜间" / name, text)],
            Metadata(category=category, unit=unit, title=title, doc_date=date),
        )
        assert [outcome.status for outcome in outcomes] == ["filed"]
        renumbered = update_and_index(
            workspace, ledger, "YZ-2020-00001", "档案员", category="工程档案", title="房产证复印件"
        )
        assert renumbered.archive_no != "YZ-2020-00001"
    finally:
        release.set()
        runner.join(120)
    assert reports, "the nightly run failed"
    filed = outcomes[0].item
    assert filed is not None
    return HeldRun(reports[0], waited, filed, renumbered)


# Pieces of pages as the office's scans read: every kind of number whole and in parts (so that joined they cross a line
# end or a window's edge), the labels and separators of a phone list, dates and times, words, blanks and line ends.
PAGE_PIECES = (
    "13800138000", "138 0013 8000", "138-0013-8000", "+86 138 0013 8000", "１３８００１３８０００", "138", "0013", "8000",
    "0755 8888 6666", "(0755)88886666", "075588886666", "0755-8888-6666", "+86 755 8888 6666", "0755", "8888", "6666",
    "8666 1234", "86661234", "8666", "1234", "5678", "电话：", "联系电话 ", "座机 ", "传真", "、", "，", " 或 ", "/",
    "110101 19900307 1233", "110101199003071233", "110101900307123", "110101", "19900307", "1233",
    "6222 0212 3456 7890 123", "6222 138 0013 8000", "6222021234567890123", "6222", "0212",
    "2026-12-08", "12:30", "护照号 E12345678", "证件号码", "业主", "维修记录", "房号1201", "元",
    " ", "  ", "\u3000", "\t", "\n", "\n\n", "-\n", " \n ", "-", ".",
)  # fmt: skip
