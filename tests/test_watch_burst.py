"""A burst of scans (issue 20, item 11): validated in one round trip per reader process, filed with a few
ledger statements per batch, moved (not copied) from the inbox into the archive, and indexed in a second
stage that never holds up filing.  Crash safety of the same path: tests/test_archive_crash.py."""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

import recordkit.archive.archivist as archivist_module
import recordkit.archive.scans as scans_module
import recordkit.archive.watcher as watcher_module
from recordkit.archive.archivist import Archivist, FilingOutcome, list_items, sidecar_json
from recordkit.archive.watcher import FileStabilityTracker, InboxWatcher
from recordkit.core.workspace import Workspace, open_workspace
from recordkit.demo.scans import scan_bytes, write_scan
from recordkit.ledger.db import Ledger
from recordkit.search.indexer import verify_index
from tests.archive_helpers import archive_ledger as ledger  # noqa: F401  (fixtures)
from tests.archive_helpers import archive_ws as ws  # noqa: F401
from tests.archive_helpers import tree

KINDS = (".pdf", ".png", ".jpg", ".tif")


def _inbox(ws: Workspace) -> Path:
    return ws.root / "records" / "inbox"


def _burst(ws: Workspace, count: int, start: int = 0) -> list[Path]:
    """``count`` distinct scans of every kind in the inbox's 合同 folder."""
    return [
        write_scan(_inbox(ws) / "合同" / f"扫描{number:03d}{KINDS[number % len(KINDS)]}", number + 1)
        for number in range(start, start + count)
    ]


def test_an_inbox_scan_is_moved_into_the_archive_not_copied(ws: Workspace, ledger: Ledger, tmp_path: Path) -> None:
    scan = write_scan(_inbox(ws) / "合同" / "保洁合同.pdf", 1)
    inode = scan.stat().st_ino
    outside = write_scan(tmp_path / "合同" / "绿化合同.pdf", 2)
    clerk = Archivist(ws, ledger, "档案员")
    moved, copied = clerk.file_many([(scan, None), (outside, tmp_path)])
    archived = ws.root / moved.item.path  # type: ignore[union-attr]
    # The very file, under its archive name; its inbox name is gone.
    assert archived.stat().st_ino == inode and archived.stat().st_nlink == 1
    assert not scan.exists()
    # A file from elsewhere is copied, and stays where it was.
    assert outside.exists() and (ws.root / copied.item.path).stat().st_ino != outside.stat().st_ino  # type: ignore[union-attr]
    assert oct(archived.stat().st_mode & 0o777) == "0o444"


def test_a_burst_is_read_in_one_call_per_reader_and_a_corrupt_scan_never_gets_a_number(
    ws: Workspace, ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real_split, real_single = scans_module.run_contained_split, scans_module.run_contained

    def split(function: Any, parts: Any, limits: Any) -> Any:
        calls.append(f"split {[len(part[0]) for part in parts]}")
        return real_split(function, parts, limits)

    def single(function: Any, *args: Any, limits: Any) -> Any:
        calls.append("single")
        return real_single(function, *args, limits=limits)

    monkeypatch.setattr(scans_module, "run_contained_split", split)
    monkeypatch.setattr(scans_module, "run_contained", single)
    scans = _burst(ws, 9)
    corrupt = _inbox(ws) / "合同" / "扫描坏.pdf"
    corrupt.write_bytes(b"%PDF-1.4\n" + os.urandom(2000))
    outcomes = Archivist(ws, ledger, "档案员").file_many([(path, None) for path in [*scans[:4], corrupt, *scans[4:]]])
    assert calls == ["split [5, 5]"]  # ten files, two reader processes, one round trip each
    assert [o.status for o in outcomes] == ["filed"] * 4 + ["quarantined"] + ["filed"] * 5
    assert outcomes[4].reason == "PDF 文件已损坏，无法打开：请重新扫描"
    numbers = sorted(item.archive_no for item in list_items(ledger))
    assert numbers == [f"HT-2026-{seq:05d}" for seq in range(1, 10)]  # gapless: the corrupt one took none


def _statements(ledger: Ledger, count: int, ws: Workspace, start: int) -> int:
    """The SQL statements of filing ``count`` scans in one batch."""
    paths = _burst(ws, count, start)
    seen: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    sa.event.listen(ledger.engine, "before_cursor_execute", note)
    try:
        outcomes = Archivist(ws, ledger, "档案员").file_many([(path, None) for path in paths])
    finally:
        sa.event.remove(ledger.engine, "before_cursor_execute", note)
    assert [o.status for o in outcomes] == ["filed"] * count
    return len(seen)


def test_a_batch_costs_the_same_few_statements_whatever_its_size(ws: Workspace, ledger: Ledger) -> None:
    _statements(ledger, 1, ws, 500)  # the ledger's and the year's first numbers are taken
    two = _statements(ledger, 2, ws, 600)
    forty = _statements(ledger, 40, ws, 700)
    assert forty == two < 20
    assert len(list_items(ledger)) == 43


def test_the_watcher_files_first_and_indexes_after(ws: Workspace, ledger: Ledger) -> None:
    watcher = InboxWatcher(Archivist(ws, ledger, "归档服务"))
    _burst(ws, 1, 100)  # a service that has filed before: its index exists
    watcher.check(set(watcher.scan()))
    watcher.index_step(None)
    _burst(ws, 12)
    outcomes = watcher.check(set(watcher.scan()))
    # Filed: numbered, in the archive, committed; not yet in the index (the second stage).
    assert [o.status for o in outcomes] == ["filed"] * 12
    assert tree(_inbox(ws)) == []
    assert all((ws.root / item.path).is_file() for item in list_items(ledger))
    assert len(verify_index(ws, ledger).missing) == 12
    assert watcher.unindexed == 12
    assert watcher.index_step(5) == 7  # a step of the second stage, then the inbox is looked at again
    assert len(verify_index(ws, ledger).missing) == 7
    assert watcher.index_step(None) == 0
    assert verify_index(ws, ledger).missing == []


def test_watch_once_indexes_what_it_filed_before_it_ends(ws: Workspace, ledger: Ledger) -> None:
    _burst(ws, 6)
    watcher = InboxWatcher(Archivist(ws, ledger, "归档服务"))
    assert [o.status for o in watcher.run_once(sleep=lambda seconds: None)] == ["filed"] * 6
    assert watcher.unindexed == 0
    check = verify_index(ws, ledger)
    assert (check.missing, check.checked) == ([], 6)


# -- reading ahead: the stability window is used to read, never to decide -------------------------


def test_the_tracker_tells_what_it_saw_of_a_file_and_since_when() -> None:
    tracker = FileStabilityTracker(window=2.0)
    assert tracker.seen("a") is None
    tracker.observe("a", 10, 5, now=1.0)
    tracker.observe("a", 10, 5, now=1.5)
    seen = tracker.seen("a")
    assert seen is not None and (seen.size, seen.mtime_ns, seen.since) == (10, 5, 1.0)
    tracker.observe("a", 11, 6, now=1.7)  # written to: seen anew
    assert tracker.seen("a").since == 1.7  # type: ignore[union-attr]


def test_only_files_whose_window_has_run_are_due_to_be_looked_at_again() -> None:
    tracker = FileStabilityTracker(window=1.0)
    tracker.observe("early", 10, 5, now=0.0)
    tracker.observe("late", 10, 5, now=0.5)
    assert tracker.due(0.9) == []  # nothing to look at again yet (an event names a file that changes)
    assert tracker.due(1.0) == ["early"]
    assert sorted(tracker.due(1.5)) == ["early", "late"]
    assert tracker.observe("early", 10, 5, now=1.0) is True  # looked at once more: stable


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files the archivist reads (pages counted, hashed), one entry per reading."""
    read: list[str] = []
    real = archivist_module.read_pages

    def counted(entries: Any, limits: Any) -> Any:
        read.extend(path.name for _, path in entries)
        return real(entries, limits)

    monkeypatch.setattr(archivist_module, "read_pages", counted)
    return read


def _read_ahead(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files whose reading ahead has ended and stands (the file unchanged meanwhile)."""
    done: list[str] = []
    real = Archivist.read_ahead

    def counted(self: Archivist, paths: Any) -> Any:
        found = real(self, paths)
        done.extend(path.name for path in found)
        return found

    monkeypatch.setattr(Archivist, "read_ahead", counted)
    return done


def _service(
    ws: Workspace, ledger: Ledger, window: float, clock: Callable[[], float] = time.monotonic
) -> tuple[InboxWatcher, list[FilingOutcome]]:
    steady = open_workspace(ws.root, environ={"RECORDKIT_ARCHIVE_STABILITY_SECONDS": str(window)})
    outcomes: list[FilingOutcome] = []
    watcher = InboxWatcher(Archivist(steady, ledger, "归档服务"), interval=0.05, clock=clock, report=outcomes.append)
    return watcher, outcomes


def _advancing(now: list[float], condition: Callable[[], bool]) -> Callable[[], bool]:
    """``condition``, asked while the service's stood-still clock ``now`` moves on half a second at each asking."""

    def later() -> bool:
        now[0] += 0.5
        return condition()

    return later


def _until(condition: Callable[[], bool], limit: float = 30.0) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, "the service did not get there"
        time.sleep(0.01)


def test_a_scan_read_while_its_window_runs_is_filed_once_stable_without_being_read_again(
    ws: Workspace, ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    read = _reads(monkeypatch)
    watcher, outcomes = _service(ws, ledger, 1.0)
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    try:
        scans = _burst(ws, 6)
        _until(lambda: len(outcomes) == 6)
    finally:
        watcher.stop()
        thread.join(10)
    assert not thread.is_alive()
    assert [o.status for o in outcomes] == ["filed"] * 6
    assert sorted(read) == sorted(path.name for path in scans)  # each read once, while its window ran
    for item in list_items(ledger):
        assert hashlib.sha256((ws.root / item.path).read_bytes()).hexdigest() == item.sha256


def test_a_scan_that_changes_after_it_was_read_ahead_is_judged_on_what_it_is_once_stable(
    ws: Workspace, ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    read, ahead = _reads(monkeypatch), _read_ahead(monkeypatch)
    # The service's clock stands still until the files were changed: they are changed after they were read ahead
    # and before they are stable, however slowly a loaded machine reads them.
    now = [0.0]
    watcher, outcomes = _service(ws, ledger, 3.0, clock=lambda: now[0])
    whole = scan_bytes("pdf", 7, pages=2)
    growing = _inbox(ws) / "合同" / "还在扫描.pdf"
    broken = _inbox(ws) / "合同" / "扫完又坏了.pdf"
    growing.parent.mkdir(parents=True, exist_ok=True)
    growing.write_bytes(whole[: len(whole) // 3])  # the scanner paused halfway: corrupt as it stands
    broken.write_bytes(scan_bytes("pdf", 8))  # whole as it stands
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    try:
        _until(lambda: len(watcher.tracker.due(1e9)) == 2)  # both seen at 0 s
        now[0] = 1.0  # past the tenth of the window when files are read ahead, before the window's end
        _until(lambda: sorted(ahead) == sorted([growing.name, broken.name]))  # both read ahead
        assert outcomes == []  # and nothing decided: neither is stable yet
        growing.write_bytes(whole)  # the scanner finishes
        with broken.open("r+b") as stream:  # and the other is cut short (a copy that failed)
            stream.truncate(broken.stat().st_size // 2)
        assert outcomes == []  # and still nothing decided: the clock stood still
        _until(_advancing(now, lambda: len(outcomes) == 2))
    finally:
        watcher.stop()
        thread.join(10)
    by_name = {Path(o.source).name: o for o in outcomes}
    assert by_name[growing.name].status == "filed"
    assert by_name[broken.name].status == "quarantined"
    assert by_name[broken.name].reason == "PDF 文件已损坏，无法打开：请重新扫描"
    (item,) = list_items(ledger)
    assert item.archive_no == "HT-2026-00001"  # the cut-short scan took no number
    assert (
        item.sha256
        == hashlib.sha256(whole).hexdigest()
        == hashlib.sha256((ws.root / item.path).read_bytes()).hexdigest()
    )
    assert sorted(read) == sorted([growing.name, broken.name] * 2)  # each read again once changed


def test_a_scanner_sidecar_that_comes_after_the_reading_ahead_still_says_what_the_scan_is(
    ws: Workspace, ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    read = _reads(monkeypatch)
    understood: list[str] = []  # the scans whose folder, name and sidecar were looked at
    real_metadata = Archivist._metadata

    def metadata(self: Archivist, path: Path, *args: Any) -> Any:
        understood.append(path.name)
        return real_metadata(self, path, *args)

    monkeypatch.setattr(Archivist, "_metadata", metadata)
    now = [0.0]  # the service's clock stands still while the sidecar is written, however loaded the machine
    watcher, outcomes = _service(ws, ledger, 3.0, clock=lambda: now[0])
    plain = write_scan(_inbox(ws) / "合同" / "保洁合同.pdf", 1)
    described = write_scan(_inbox(ws) / "合同" / "扫描0001.pdf", 2)
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    try:
        _until(lambda: len(watcher.tracker.due(1e9)) == 2)  # both seen at 0 s
        now[0] = 1.0  # past the tenth of the window when files are read ahead, before the window's end
        _until(lambda: sorted(understood) == sorted([plain.name, described.name]))  # both read ahead
        # The scanner writes its description of one scan after that scan was read (the scan is unchanged).
        sidecar = described.with_name(described.name + ".json")
        sidecar.write_text(json.dumps({"类别": "工程档案", "题名": "电梯维保记录"}, ensure_ascii=False), "utf-8")
        _until(_advancing(now, lambda: len(outcomes) == 2))
    finally:
        watcher.stop()
        thread.join(10)
    assert sorted(read) == sorted([plain.name, described.name])  # neither scan read twice
    # Understood once when read ahead; the described one again, once its sidecar had come.
    assert sorted(understood) == sorted([plain.name, described.name, described.name])
    items = {item.original_name: item for item in list_items(ledger)}
    assert (items["保洁合同.pdf"].category, items["保洁合同.pdf"].title) == ("合同协议档案", "保洁合同")
    assert (items["扫描0001.pdf"].category, items["扫描0001.pdf"].title) == ("工程档案", "电梯维保记录")
    assert tree(_inbox(ws)) == []  # the sidecar went with its scan


def test_files_that_become_stable_while_a_pass_files_the_others_join_that_pass(
    ws: Workspace, ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(watcher_module, "BATCH_SIZE", 2)
    steady = open_workspace(ws.root, environ={"RECORDKIT_ARCHIVE_STABILITY_SECONDS": "1"})
    now = [0.0]
    outcomes: list[FilingOutcome] = []
    watcher = InboxWatcher(Archivist(steady, ledger, "归档服务"), clock=lambda: now[0], report=outcomes.append)
    scans = _burst(ws, 6)
    for number, scan in enumerate(scans):  # four still since 0 s, the last two since 0.5 s
        status = scan.stat()
        watcher.tracker.observe(scan, status.st_size, status.st_mtime_ns, 0.0 if number < 4 else 0.5)
    real = InboxWatcher._file_batch

    def filing(self: InboxWatcher, *args: Any) -> list[FilingOutcome]:
        now[0] = 1.6  # while the first batch is filed, the last two scans' window runs out
        return real(self, *args)

    monkeypatch.setattr(InboxWatcher, "_file_batch", filing)
    now[0] = 1.2
    filed = watcher.check(set())
    # One pass: the four stable at its start in two batches, then the two that became stable meanwhile.
    assert [Path(o.source).name for o in filed] == [scan.name for scan in scans]
    assert [o.status for o in filed] == ["filed"] * 6 and len(list_items(ledger)) == 6
    assert watcher.tracker.pending() == []


def test_a_sidecar_is_the_text_json_dumps_with_an_indent_writes_in_a_fraction_of_its_time(
    ws: Workspace, ledger: Ledger
) -> None:
    values: dict[str, Any] = {
        "schema": 1,
        "title": '合同 "甲" \n\t\u202e',
        "pages": 3,
        "big": -(10**30),
        "share": 0.5,
        "confidential": False,
        "needs_review": True,
        "note": None,
        "review_reasons": [],
        "former_numbers": ["HT-2025-00001", "HT-2025-00002"],
        "scanner_sidecar": {"题名": "电梯", "页": [1, {"x": None}]},
        "empty": {},
    }
    assert sidecar_json(values) == json.dumps(values, ensure_ascii=False, indent=2)
    assert sidecar_json({}) == json.dumps({}, ensure_ascii=False, indent=2)
    scan = write_scan(_inbox(ws) / "合同" / "保洁合同.pdf", 1)
    (outcome,) = Archivist(ws, ledger, "档案员").file_many([(scan, None)])
    written = (ws.root / f"{outcome.item.path}.json").read_text("utf-8")  # type: ignore[union-attr]
    assert written == json.dumps(json.loads(written), ensure_ascii=False, indent=2)
