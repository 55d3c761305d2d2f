"""The index as a store: one writer at a time, a killed writer, the rebuild's replacement under a searching
process, schema version and damage, and the watcher making a filed .docx searchable at once."""

from __future__ import annotations

import multiprocessing
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from recordkit.archive.archivist import Archivist, list_items
from recordkit.archive.rules import Metadata
from recordkit.core.errors import ConflictError, IntegrityError, LedgerError, NotFoundError
from recordkit.core.workspace import Workspace
from recordkit.ledger.db import Ledger, open_ledger
from recordkit.search.backends.sqlite import DATABASE, SqliteIndex
from recordkit.search.indexer import update_index, verify_index
from recordkit.search.query import search
from tests.archive_helpers import archive_ledger, archive_workspace, archive_ws  # noqa: F401  (fixtures ws, ledger)
from tests.conftest import run_at_once
from tests.log_helpers import log_size, messages_since
from tests.search_helpers import file_documents, filed_during_rebuild, nightly_run_held, write_docx

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def indexed(ws: Workspace, ledger: Ledger, tmp_path: Path) -> Workspace:
    file_documents(ws, ledger, tmp_path / "扫描件")
    update_index(ws, ledger)
    return ws


def hits(ws: Workspace, query: str) -> list[str]:
    return sorted(hit.archive_no for hit in search(ws, query).hits)


# -- one writer at a time ---------------------------------------------------------------------------------


def _file_and_index(root: str, database_url: str, count: int) -> None:
    word = multiprocessing.current_process().name
    workspace = archive_workspace(Path(root), database_url, import_units=False)
    with open_ledger(workspace.database_url) as ledger:
        clerk = Archivist(workspace, ledger, word)
        for number in range(count):
            path = write_docx(
                Path(root) / f"来件-{word}" / f"{word}{number}.docx", f"{word}第{number}份记录，电梯维修。"
            )
            clerk.file(path, Metadata(category="工程档案", title=f"{word}{number}"))
            update_index(workspace, ledger, lock_timeout=60)


def test_two_writers_at_once(tmp_path: Path, ledger_url: str) -> None:
    from recordkit.core.workspace import init_workspace

    root = init_workspace(tmp_path / "ws")
    workspace = archive_workspace(root, ledger_url)
    run_at_once(_file_and_index, (str(root), ledger_url, 4), ["甲方", "乙方"], timeout=180)
    with open_ledger(workspace.database_url) as ledger:
        assert verify_index(workspace, ledger).ok
    assert len(search(workspace, "电梯维修", limit=50).hits) == 8
    assert [h.title for h in search(workspace, "甲方第3份").hits] == ["甲方3"]
    assert [h.title for h in search(workspace, "乙方第0份").hits] == ["乙方0"]


def test_a_writer_waits_for_the_lock_then_gives_a_clear_message(indexed: Workspace, ledger: Ledger) -> None:
    index = SqliteIndex(indexed.records_subdir("index"))
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sys, time; from pathlib import Path; from recordkit.search.backends.sqlite import SqliteIndex\n"
                "with SqliteIndex(Path(sys.argv[1])).lock(5):\n    print('held', flush=True); time.sleep(60)\n"
            ),
            str(index.index_dir),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(ConflictError) as raised:
            update_index(indexed, ledger, lock_timeout=0.3)
        assert raised.value.message == (
            "检索索引正由另一个进程更新（归档服务、夜间任务或其他文员），等了 0.3 秒仍未结束："
            "请稍后再运行 recordkit index"
        )
        assert hits(indexed, "梯维") == ["GC-2024-00001"]  # readers take no lock
        holder.send_signal(signal.SIGKILL)  # a killed holder's lock is released with it
        holder.wait(10)
        assert update_index(indexed, ledger, lock_timeout=10).unchanged == 5
    finally:
        holder.kill()


CRASH_IN_COMMIT = """
import os, signal, sys
from pathlib import Path
from recordkit.search.backends import sqlite
from recordkit.archive.archivist import Archivist, list_items
from recordkit.archive.rules import Metadata
from recordkit.search.indexer import update_index
from recordkit.ledger.db import open_ledger
from recordkit.core.workspace import open_workspace
from tests.search_helpers import write_docx

def killed(conn):  # every row of the new item is written, the transaction not yet committed
    os.kill(os.getpid(), signal.SIGKILL)

workspace = open_workspace(Path(sys.argv[1]), environ={})
with open_ledger(workspace.database_url) as ledger:
    path = write_docx(Path(sys.argv[2]), "新到的水箱清洗记录。")
    Archivist(workspace, ledger, "档案员").file(path, Metadata(category="工程档案", title="水箱清洗"))
    sqlite._commit = killed
    update_index(workspace, ledger)
"""


def test_a_writer_killed_mid_commit_leaves_the_previous_index_usable(
    indexed: Workspace, ledger: Ledger, tmp_path: Path
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", CRASH_IN_COMMIT, str(indexed.root), str(tmp_path / "水箱.docx")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert hits(indexed, "梯维") == ["GC-2024-00001"]  # the index as it was before answers
    assert hits(indexed, "水箱清洗") == []
    check = verify_index(indexed, ledger)
    assert check.missing == ["GC-2026-00001"]
    report = update_index(indexed, ledger, lock_timeout=10)  # the next run finishes the job
    assert report.added == 1
    assert hits(indexed, "水箱清洗") == ["GC-2026-00001"]
    assert verify_index(indexed, ledger).ok


SEARCH_LOOP = """
import sys, time
from pathlib import Path
from recordkit.search.query import search
from recordkit.core.workspace import open_workspace

workspace = open_workspace(Path(sys.argv[1]), environ={})
stop = Path(sys.argv[2])
answers = 0
while not stop.exists() or answers < 3:
    found = [hit.archive_no for hit in search(workspace, "梯维").hits]
    assert found == ["GC-2024-00001"], found
    answers += 1
print(answers)
"""


def test_searches_in_another_process_answer_during_rebuilds(indexed: Workspace, ledger: Ledger, tmp_path: Path) -> None:
    stop = tmp_path / "stop"
    searcher = subprocess.Popen(
        [sys.executable, "-c", SEARCH_LOOP, str(indexed.root), str(stop)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for _ in range(6):
            report = update_index(indexed, ledger, rebuild=True)
            assert report.rebuilt and report.added == 5
        stop.touch()
        out, err = searcher.communicate(timeout=120)
        assert searcher.returncode == 0, err
        assert int(out) >= 3
    finally:
        searcher.kill()
    index_dir = indexed.records_subdir("index")
    assert not list(index_dir.glob(DATABASE + ".new-*"))  # each new file replaced the live one whole


def test_the_nightly_run_removes_a_killed_rebuilds_half_built_file_even_when_nothing_changed(
    indexed: Workspace, ledger: Ledger
) -> None:
    """A rebuild killed (``kill -9``, a power cut) leaves its new file beside the live one: the next nightly run
    removes it, also on a night when nothing was filed; the live index is untouched."""
    index_dir = indexed.records_subdir("index")
    before = hits(indexed, "张伟")
    leftover = index_dir / f"{DATABASE}.new-4242"
    leftover.write_bytes((index_dir / DATABASE).read_bytes())  # (as far as the killed rebuild had got)
    report = update_index(indexed, ledger)
    assert (report.added, report.rebuilt) == (0, False)
    assert not leftover.exists()
    assert hits(indexed, "张伟") == before
    assert verify_index(indexed, ledger).ok


def test_what_is_filed_during_a_rebuild_is_found_when_it_ends(
    indexed: Workspace, ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Any
) -> None:
    """A scan the watcher files while ``index --rebuild`` builds the new index (its hook cannot wait for the lock)
    is indexed when the rebuild ends, under the same lock: found at once, not after the next nightly run."""
    filed = filed_during_rebuild(indexed, ledger, tmp_path / "重建时的扫描件", SqliteIndex, monkeypatch)
    result = run_cli("index", "--rebuild", "--no-ocr")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(
        "重建索引：新增 6 件，更新 0 件，删除 0 件，失败 0 件，重建期间归档、修改或删除的 1 件已随后补上，"
    )
    assert hits(indexed, "水箱清洗") == [filed["二次供水水箱清洗记录"].archive_no]
    assert hits(indexed, "梯维") == ["GC-2024-00001"]  # (the rebuilt items are there too)
    assert verify_index(indexed, ledger).ok
    assert run_cli("index", "--no-ocr").stdout.startswith("索引更新：新增 0 件，更新 0 件，删除 0 件，")


def test_what_is_filed_or_renumbered_during_the_nightly_run_is_found_when_it_ends(
    indexed: Workspace, ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A scan filed and an item renumbered while the nightly ``recordkit index`` reads texts (its OCR holds the
    lock for minutes: their hooks give up) are indexed when it ends, under the same lock, as after a rebuild."""
    run = nightly_run_held(indexed, ledger, tmp_path, monkeypatch)
    # The waited-for scan, then the one filed, and the renumbered item: its new number added, its old one removed.
    assert run.report.caught_up == 3
    assert run.report.summary.startswith(
        "索引更新：新增 3 件，更新 0 件，删除 1 件，失败 0 件，更新期间归档、修改或删除的 3 件已随后补上，"
    )
    assert hits(indexed, "水箱清洗") == [run.filed.archive_no]
    assert hits(indexed, run.renumbered.archive_no) == [run.renumbered.archive_no]
    assert hits(indexed, "房产证复印件") == [run.renumbered.archive_no]
    assert hits(indexed, "YZ-2020-00001") == [run.renumbered.archive_no]  # its former number, as elsewhere
    assert hits(indexed, "压力正常") == [run.waited.archive_no]  # (what the run itself was reading)
    assert verify_index(indexed, ledger).ok
    assert update_index(indexed, ledger).summary.startswith(
        "索引更新：新增 0 件，更新 0 件，删除 0 件，失败 0 件，耗时"
    )


def test_an_index_of_an_older_version_says_rebuild_and_the_nightly_run_rebuilds_it(
    indexed: Workspace, ledger: Ledger, run_cli: Any
) -> None:
    with sqlite3.connect(indexed.records_subdir("index") / DATABASE) as conn:
        conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")  # the Whoosh-era version
    message = (
        "检索索引的版本（1）与本程序（15）不符：索引是旧版本的 recordkit 建的，"
        "请运行 recordkit index --rebuild 重建（夜间的 recordkit index 也会自动重建）"
    )
    with pytest.raises(IntegrityError) as raised:
        search(indexed, "梯维")
    assert raised.value.message == message
    result = run_cli("search", "梯维")
    assert result.exit_code == 9
    assert result.stderr.strip() == "错误：" + message
    # The filing hook (a few items) leaves it alone; the nightly run rebuilds the whole index and says why.
    with pytest.raises(IntegrityError):
        update_index(indexed, ledger, items=list_items(ledger))
    nightly = run_cli("index", "--no-ocr")
    assert nightly.exit_code == 0, nightly.stderr
    assert nightly.stdout.startswith("重建索引（原索引是旧版本的 recordkit 建的）：新增 5 件，")
    assert hits(indexed, "梯维") == ["GC-2024-00001"]
    assert run_cli("index", "--no-ocr").stdout.startswith("索引更新：新增 0 件，更新 0 件，删除 0 件，")


def test_an_index_of_a_newer_version_is_never_rebuilt_by_the_nightly_run(
    indexed: Workspace, ledger: Ledger, run_cli: Any
) -> None:
    """A newer recordkit built it (this computer's program is older): the message says to upgrade the program, and
    the nightly run refuses instead of taking the index away from the newer program."""
    live = indexed.records_subdir("index") / DATABASE
    with sqlite3.connect(live) as conn:
        conn.execute("UPDATE meta SET value = '16' WHERE key = 'schema_version'")
    before = live.read_bytes()
    message = (
        "错误：检索索引的版本（16）与本程序（15）不符：索引是更新版本的 recordkit 建的，"
        "请把这台电脑上的 recordkit 升级到建索引的那个版本"
    )
    result = run_cli("search", "梯维")
    assert (result.exit_code, result.stderr.strip()) == (9, message)
    nightly = run_cli("index")
    assert (nightly.exit_code, nightly.stderr.strip()) == (9, message)
    assert live.read_bytes() == before
    # Asked for in so many words, a rebuild is still done (going back to an older program on purpose).
    assert run_cli("index", "--rebuild").exit_code == 0
    assert hits(indexed, "梯维") == ["GC-2024-00001"]


def test_a_corrupt_index_is_logged_once_with_the_masked_query(indexed: Workspace, run_cli: Any) -> None:
    """``recordkit search`` on a damaged index wrote two lines to the log: the index's (its file and SQLite's words)
    and the command's failure (its Chinese message), and neither said what was searched.  It now writes one, with
    the query as typed, its phone number masked."""
    live = indexed.records_subdir("index") / DATABASE
    live.write_bytes(b"\x00garbage" * 10 + live.read_bytes()[80:])
    start = log_size(indexed)
    result = run_cli("search", "梯维 13812345678")
    assert result.exit_code == 9, result.output
    assert messages_since(indexed, start) == [
        f"search index {live} unreadable (query '梯维 138****5678'): DatabaseError('file is not a database')"
    ]


def test_a_corrupt_index_is_reported_and_kept(indexed: Workspace, ledger: Ledger, run_cli: Any) -> None:
    live = indexed.records_subdir("index") / DATABASE
    damaged = b"\x00garbage" * 10 + live.read_bytes()[80:]
    live.write_bytes(damaged)
    result = run_cli("search", "梯维")
    assert result.exit_code == 9
    assert result.stderr.startswith("错误：检索索引已损坏，无法读取（")
    assert result.stderr.strip().endswith(
        "请运行 recordkit index --rebuild 重建索引（新索引建好后才替换原索引，原索引不会先被删除）"
    )
    assert run_cli("index").exit_code == 9
    assert live.read_bytes() == damaged  # nothing deleted behind the clerk's back
    assert run_cli("index", "--rebuild").exit_code == 0
    assert hits(indexed, "梯维") == ["GC-2024-00001"]


def test_no_index_yet(ws: Workspace) -> None:
    with pytest.raises(NotFoundError) as raised:
        search(ws, "梯维")
    assert raised.value.message == "检索索引还没有建立：请先运行 recordkit index"


def test_the_watcher_makes_a_filed_docx_searchable_at_once(indexed: Workspace, ledger: Ledger) -> None:
    from recordkit.archive.watcher import InboxWatcher

    write_docx(indexed.records_subdir("inbox") / "工程档案" / "水泵房巡检记录.docx", "二次供水泵房巡检，压力正常。")
    outcomes = InboxWatcher(Archivist(indexed, ledger, "归档服务"), interval=0.05).run_once(sleep=lambda _: None)
    assert [outcome.status for outcome in outcomes] == ["filed"]
    assert hits(indexed, "供水泵") == [outcomes[0].item.archive_no]  # type: ignore[union-attr]
    assert verify_index(indexed, ledger).ok


def test_an_item_renumbered_before_the_watchers_index_step_is_found_once(
    indexed: Workspace, ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The watcher indexes what it filed in a later step; an item renumbered by ``archive update`` in between is
    indexed as it is then, under its new number only (the step wrote the item as filed: a second hit under the
    old number, title and path)."""
    from recordkit.archive.intake import update_and_index
    from recordkit.archive.watcher import InboxWatcher

    write_docx(indexed.records_subdir("inbox") / "工程档案" / "水泵房巡检记录.docx", "二次供水泵房巡检，压力正常。")
    watcher = InboxWatcher(Archivist(indexed, ledger, "归档服务"), interval=0.05)
    monkeypatch.setattr(watcher, "index_step", lambda limit=None: 1)  # the step comes after the next pass
    outcomes = watcher.run_once(sleep=lambda _: None)
    filed = outcomes[0].item
    assert filed is not None and watcher.unindexed == 1
    moved = update_and_index(indexed, ledger, filed.archive_no, "档案员", category="合同协议档案", title="水泵维保合同")
    assert moved.archive_no != filed.archive_no
    monkeypatch.undo()
    assert watcher.index_step(None) == 0
    assert hits(indexed, filed.archive_no) == [moved.archive_no]  # its former number, as elsewhere; no row of its own
    assert hits(indexed, "水泵维保合同") == [moved.archive_no]
    assert hits(indexed, "压力正常") == [moved.archive_no]
    assert verify_index(indexed, ledger).ok


def test_a_failing_index_never_stops_filing(
    indexed: Workspace, ledger: Ledger, caplog: pytest.LogCaptureFixture
) -> None:
    from recordkit.archive.watcher import InboxWatcher

    with sqlite3.connect(indexed.records_subdir("index") / DATABASE) as conn:
        conn.execute("DELETE FROM meta")  # a version the program does not know
    write_docx(indexed.records_subdir("inbox") / "工程档案" / "水泵房巡检记录.docx", "二次供水泵房巡检。")
    outcomes = InboxWatcher(Archivist(indexed, ledger, "归档服务"), interval=0.05).run_once(sleep=lambda _: None)
    assert [outcome.status for outcome in outcomes] == ["filed"]
    assert "could not index 1 filed items now" in caplog.text
    assert not list(indexed.records_subdir("inbox").rglob("*.docx"))


def test_a_big_build_makes_tokens_in_worker_processes_with_the_same_result(
    indexed: Workspace, ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    from recordkit.search import indexer

    alone = {query: search(indexed, query).to_dict() for query in ("梯维", "张伟", "3#2-1201", "2025年3月")}
    monkeypatch.setattr(indexer, "PARALLEL_FROM", 2)
    monkeypatch.setattr(indexer, "CHUNK", 2)  # three tasks, at most two in flight: the window is used
    monkeypatch.setattr(indexer, "AHEAD", 1)
    monkeypatch.setattr(indexer, "cores", lambda: 2)
    assert update_index(indexed, ledger, rebuild=True).added == 5
    assert {query: search(indexed, query).to_dict() for query in alone} == alone
    assert verify_index(indexed, ledger).ok


def test_the_worker_processes_end_with_a_big_build_whose_writer_failed(
    indexed: Workspace, ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The index's writer failing half-way (its database restarted): the token-making processes are shut down at
    once, in order.  They were left to the garbage collector, which ran their shutdown whenever and in whichever
    thread it came ("Exception ignored … cannot join current thread" under the command's message, seen on
    40,000 items when PostgreSQL restarted under a rebuild)."""
    from recordkit.search import indexer

    monkeypatch.setattr(indexer, "PARALLEL_FROM", 2)
    monkeypatch.setattr(indexer, "CHUNK", 1)
    monkeypatch.setattr(indexer, "cores", lambda: 2)

    def cut_after_one(self: SqliteIndex, docs: Any) -> int:
        next(iter(docs))
        raise LedgerError("重建检索索引没有做完：台账数据库中止了它")

    monkeypatch.setattr(SqliteIndex, "rebuild", cut_after_one)
    before = multiprocessing.active_children()  # (the archive's reader processes, started by other tests)
    with pytest.raises(LedgerError) as failed:
        update_index(indexed, ledger, rebuild=True)
    # while the failure (and all it refers to) is still held
    assert [child for child in multiprocessing.active_children() if child not in before] == []
    assert failed.value.message == "重建检索索引没有做完：台账数据库中止了它"


@pytest.mark.parametrize(("cores", "workers"), [(2, 2), (3, 2), (4, 3), (5, 4), (8, 4), (64, 4)])
def test_a_big_build_takes_a_worker_a_core_but_one_for_the_writer(
    monkeypatch: pytest.MonkeyPatch, cores: int, workers: int
) -> None:
    from recordkit.search import indexer

    monkeypatch.setattr(indexer, "cores", lambda: cores)
    assert indexer.workers() == workers


def test_on_one_core_a_big_build_makes_its_tokens_in_the_writer(
    indexed: Workspace, ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    from recordkit.search import indexer

    alone = {query: search(indexed, query).to_dict() for query in ("梯维", "张伟")}
    monkeypatch.setattr(indexer, "PARALLEL_FROM", 2)
    monkeypatch.setattr(indexer, "cores", lambda: 1)
    pools: list[int] = []
    monkeypatch.setattr(indexer, "ProcessPoolExecutor", lambda max_workers: pools.append(max_workers))
    assert update_index(indexed, ledger, rebuild=True).added == 5
    assert pools == []
    assert {query: search(indexed, query).to_dict() for query in alone} == alone
