"""The watch service: the stability rule without a clock, slow writers, temporary files, errors that
never stop the service, polling and inotify, SIGTERM, and the log under records/logs/."""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from recordkit.archive.archivist import Archivist, list_items
from recordkit.archive.watcher import FileStabilityTracker, InboxWatcher
from recordkit.core.workspace import Workspace, init_workspace, open_workspace
from recordkit.demo.scans import write_scan
from recordkit.ledger.db import Ledger, open_ledger
from tests.archive_helpers import archive_ledger as ledger  # noqa: F401  (fixtures)
from tests.archive_helpers import archive_workspace, count_listings, scans_with_sidecars, tree
from tests.archive_helpers import archive_ws as ws
from tests.conftest import migrated_sqlite
from tests.search_helpers import use_postgres_ledger
from tests.server_helpers import Relay

# -- the rule, as a plain function of what was seen and when -------------------------------------


def test_a_file_is_stable_once_unchanged_for_the_window() -> None:
    tracker = FileStabilityTracker(window=2.0)
    assert tracker.observe("a.pdf", 100, 1, now=10.0) is False  # first sight
    assert tracker.observe("a.pdf", 100, 1, now=11.9) is False  # not long enough
    assert tracker.observe("a.pdf", 100, 1, now=12.0) is True  # two seconds unchanged
    assert tracker.seconds_to_next(12.0) == 0.0


def test_a_growing_or_touched_file_starts_the_window_again() -> None:
    tracker = FileStabilityTracker(window=2.0)
    tracker.observe("scan.tif", 10, 1, now=0.0)
    assert tracker.observe("scan.tif", 20, 2, now=1.5) is False  # grew
    assert tracker.observe("scan.tif", 20, 3, now=3.0) is False  # same size, new mtime
    assert tracker.seconds_to_next(3.0) == 2.0
    assert tracker.observe("scan.tif", 20, 3, now=4.9) is False
    assert tracker.observe("scan.tif", 20, 3, now=5.0) is True


def test_each_file_has_its_own_window_and_forgetting_resets_it() -> None:
    tracker = FileStabilityTracker(window=1.0)
    tracker.observe("a", 1, 1, now=0.0)
    tracker.observe("b", 1, 1, now=0.5)
    assert tracker.seconds_to_next(0.5) == 0.5
    assert (tracker.observe("a", 1, 1, now=1.0), tracker.observe("b", 1, 1, now=1.0)) == (True, False)
    tracker.forget("a")
    assert tracker.pending() == ["b"]
    assert tracker.observe("a", 1, 1, now=5.0) is False


def test_a_zero_window_files_at_first_sight() -> None:
    assert FileStabilityTracker(window=0).observe("a", 1, 1, now=0.0) is True
    assert FileStabilityTracker(window=0).seconds_to_next(0.0) is None


def test_an_empty_file_is_stable_only_once_empty_for_its_own_longer_window() -> None:
    # A scanner saving to a slow share creates the file long before it writes it.
    tracker = FileStabilityTracker(window=2.0, empty_window=600.0)
    assert tracker.observe("scan.pdf", 0, 1, now=0.0) is False
    assert tracker.observe("scan.pdf", 0, 1, now=2.0) is False  # the scan's window is not the empty file's
    assert tracker.due(2.0) == []  # not looked at again and again meanwhile
    assert tracker.seconds_to_next(2.0) == 598.0
    assert tracker.observe("scan.pdf", 0, 1, now=600.0) is True
    # Written at last, five minutes on: the scan's own window from then on.
    tracker.observe("late.pdf", 0, 1, now=0.0)
    assert tracker.observe("late.pdf", 5000, 2, now=300.0) is False
    assert tracker.observe("late.pdf", 5000, 2, now=302.0) is True
    # Empty since its modification time, 11 minutes ago (a restarted service, a cron run): stable at first sight.
    assert tracker.observe("old.pdf", 0, 1, now=0.0, age=660.0) is True


# -- the service ------------------------------------------------------------------------------


def inbox(ws: Workspace) -> Path:
    return ws.root / "records" / "inbox"


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _watcher(ws: Workspace, ledger: Ledger, window: float, clock: FakeClock) -> InboxWatcher:
    slow = open_workspace(ws.root, environ={"RECORDKIT_ARCHIVE_STABILITY_SECONDS": str(window)})
    return InboxWatcher(Archivist(slow, ledger, "归档服务"), clock=clock)


def test_once_files_what_is_complete_and_leaves_a_slow_writer_and_temporary_files(
    ws: Workspace, ledger: Ledger
) -> None:
    done = write_scan(inbox(ws) / "3-2-1201_产权证明_20261102.pdf", 1)
    growing = inbox(ws) / "正在扫描.tif"
    growing.write_bytes(b"II*\x00")
    for name in ("~$合同.docx", "扫描.tmp", "大图.pdf.part", "Thumbs.db", ".DS_Store"):
        (inbox(ws) / name).write_bytes(b"temporary")
    clock = FakeClock()

    def scanner_keeps_writing(seconds: float) -> None:
        clock.now += seconds
        with growing.open("ab") as stream:  # the scanner writes more while we wait
            stream.write(b"\0" * 1000)

    watcher = _watcher(ws, ledger, 2.0, clock)
    outcomes = watcher.run_once(sleep=scanner_keeps_writing)
    assert [(o.source, o.status) for o in outcomes] == [("3-2-1201_产权证明_20261102.pdf", "filed")]
    assert not done.exists()
    assert tree(inbox(ws)) == sorted(
        [".DS_Store", "Thumbs.db", "~$合同.docx", "大图.pdf.part", "扫描.tmp", "正在扫描.tif"]
    )
    assert watcher.still_written() == ["正在扫描.tif"]  # the temporary files are never watched


def test_a_sidecar_written_before_its_scan_waits_for_it_within_the_window(ws: Workspace, ledger: Ledger) -> None:
    """A scanner that writes 扫描001.pdf.json first and 扫描001.pdf three seconds later (a five-second window): once
    the sidecar's window ran, it was quarantined as 说明文件，但旁边没有这个扫描件 though the scan lay beside it, and the
    scan filed without it as 未分类.  Now the sidecar waits for its scan and goes with it; one whose scan never comes
    is quarantined once its window has run, as before."""
    clock = FakeClock()
    watcher = _watcher(ws, ledger, 5.0, clock)
    sidecar = {"房号": "3-2-1201", "题名": "产权证明"}
    (inbox(ws) / "扫描001.pdf.json").write_text(json.dumps(sidecar, ensure_ascii=False), encoding="utf-8")
    (inbox(ws) / "扫描002.pdf.json").write_text(json.dumps(sidecar, ensure_ascii=False), encoding="utf-8")
    assert watcher.check(set(watcher.scan())) == []
    clock.now += 3
    write_scan(inbox(ws) / "扫描001.pdf", 1)
    assert watcher.check(set(watcher.scan())) == []
    clock.now += 2.5  # the sidecars' window has run, not the scan's
    outcomes = watcher.check(set(watcher.scan()))
    assert [(o.source, o.status) for o in outcomes] == [("扫描002.pdf.json", "quarantined")]
    clock.now += 3
    outcomes = watcher.check(set(watcher.scan()))
    assert [(o.source, o.status) for o in outcomes] == [("扫描001.pdf", "filed")]
    item = outcomes[0].item
    assert item is not None
    assert (item.archive_no, item.unit, item.title) == ("YZ-2026-00001", "3-2-1201", "产权证明")
    assert tree(inbox(ws)) == []
    quarantined = [name.split("_", 1)[1] for name in tree(ws.root / "records" / "quarantine")]
    assert quarantined == ["扫描002.pdf.json", "扫描002.pdf.json.原因.txt"]


def test_the_desktop_ini_windows_leaves_in_a_folder_is_neither_filed_nor_quarantined(
    ws: Workspace, ledger: Ledger
) -> None:
    # Explorer writes desktop.ini into a folder given an icon, and a clerk copies it along with the scans.
    note = b"[.ShellClassInfo]\r\nIconResource=C:\\Windows\\System32\\shell32.dll,4\r\n"
    (inbox(ws) / "desktop.ini").write_bytes(note)
    (inbox(ws) / "业主档案" / "1-1-101").mkdir(parents=True)
    (inbox(ws) / "业主档案" / "1-1-101" / "Desktop.ini").write_bytes(note)
    write_scan(inbox(ws) / "业主档案" / "1-1-101" / "产权证明.pdf", 1)
    outcomes = _watcher(ws, ledger, 0, FakeClock()).run_once(sleep=lambda _: None)
    assert [(o.source, o.status) for o in outcomes] == [("业主档案/1-1-101/产权证明.pdf", "filed")]
    # The unit's folder, emptied of its scan, went with its Desktop.ini; the inbox's own stays.
    assert tree(inbox(ws)) == ["desktop.ini"]
    assert tree(ws.root / "records" / "quarantine") == []


def test_a_pass_over_a_folder_of_scans_with_their_sidecars_lists_it_a_few_times_not_once_a_file(
    ws: Workspace, ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The rescan asked of each 扫描001.txt whether it was a scan's sidecar by listing its whole folder: a rescan of
    # 1,000 scans with their sidecars took 4–5 s.  Now the rescan lists each folder once, and each batch once.
    folder = inbox(ws) / "楼栋扫描"
    scans_with_sidecars(folder, 300)
    watcher = _watcher(ws, ledger, 0.0, FakeClock())
    listed = count_listings(monkeypatch)
    outcomes = watcher.run_once()
    monkeypatch.undo()
    assert sorted((o.source, o.status, o.item and o.item.title) for o in outcomes) == [
        (f"楼栋扫描/扫描{number:03}.pdf", "filed", f"产权证明第{number}份") for number in range(1, 301)
    ]
    # The rescan's walk and its listing; a batch of 250 and one of 50, a listing each; the folder emptied: once more.
    assert listed.count(str(folder)) <= 6, listed.count(str(folder))
    assert tree(inbox(ws)) == []  # every sidecar went with its scan


def test_a_quarantined_scan_put_back_with_its_note_is_filed_and_the_note_is_no_file_of_its_own(
    ws: Workspace, ledger: Ledger
) -> None:
    # A clerk selects the scan and its note in the quarantine and moves both back into the inbox.
    empty = inbox(ws) / "3-2-1201_购房合同_20190915.pdf"
    empty.write_bytes(b"not a pdf")
    watcher = _watcher(ws, ledger, 0.0, FakeClock())
    [first] = watcher.run_once()
    quarantined = ws.root / first.quarantine_path  # type: ignore[operator]
    quarantine = quarantined.parent

    def put_back() -> None:
        for moved in (quarantined, quarantined.with_name(quarantined.name + ".原因.txt")):
            moved.rename(inbox(ws) / moved.name)

    put_back()  # not rescanned yet: quarantined again, once, with a new note; the old note is no file to file
    again = watcher.run_once()
    assert [(o.source, o.status) for o in again] == [(quarantined.name, "quarantined")]
    assert tree(inbox(ws)) == []
    # Only the scan and the new note lie in the quarantine, which says why now (the old one was put back).
    again_path = ws.root / again[0].quarantine_path  # type: ignore[operator]
    assert sorted(p.name for p in quarantine.iterdir()) == [again_path.name, again_path.name + ".原因.txt"]
    note = again_path.with_name(again_path.name + ".原因.txt").read_text(encoding="utf-8")
    assert "原因：文件内容不是 PDF（扩展名是 .pdf）：文件已损坏或扩展名写错" in note

    quarantined = again_path
    write_scan(quarantined, 2)  # rescanned into the same file
    put_back()
    filed = watcher.run_once()
    assert [(o.source, o.status) for o in filed] == [(quarantined.name, "filed")]
    item = filed[0].item
    assert item is not None and (item.archive_no, item.title, item.unit) == ("YZ-2019-00001", "购房合同", "3-2-1201")
    assert item.needs_review is False  # the note was not read as the scanner's sidecar
    assert tree(inbox(ws)) == []  # the note went with its scan
    assert [o.source for o in watcher.run_once()] == []


def test_nothing_is_filed_before_the_window_has_passed(ws: Workspace, ledger: Ledger) -> None:
    write_scan(inbox(ws) / "产权证明.pdf", 1)
    clock = FakeClock()
    watcher = _watcher(ws, ledger, 5.0, clock)
    assert watcher.check(set(watcher.scan())) == []
    clock.now += 4.9
    assert watcher.check(set()) == []
    clock.now += 0.1
    assert [o.status for o in watcher.check(set())] == ["filed"]


def test_a_scan_the_service_may_not_read_is_said_once_and_filed_once_it_can_be_read(
    ws: Workspace, ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A clerk's account copied the scan in with mode 0600: the service's account cannot open it.  It waited in the
    # inbox without a word, and `--once` called it a file still being written.  (The test runs as root, who
    # opens any file: the refusal is the operating system's, as can_open meets it.)
    from recordkit.archive import watcher as watcher_module

    locked = write_scan(inbox(ws) / "1-1-101_产权证明_20261101.pdf", 1)
    write_scan(inbox(ws) / "1-1-102_产权证明_20261101.pdf", 2)
    readable = {"yes": False}
    real_can_open = watcher_module.can_open
    monkeypatch.setattr(
        watcher_module, "can_open", lambda path: readable["yes"] or path != locked and real_can_open(path)
    )
    said: list[str] = []
    clock = FakeClock()
    slow = open_workspace(ws.root, environ={"RECORDKIT_ARCHIVE_STABILITY_SECONDS": "2"})
    watcher = InboxWatcher(Archivist(slow, ledger, "归档服务"), clock=clock, say=said.append)
    assert watcher.check(set(watcher.scan())) == []
    clock.now += 2
    assert [o.source for o in watcher.check(set())] == ["1-1-102_产权证明_20261101.pdf"]
    for _ in range(3):  # looked at again and again, said once
        clock.now += 1
        assert watcher.check(set()) == []
    assert said == [
        "1-1-101_产权证明_20261101.pdf 打不开（没有读取权限，或还被别的程序占用），留在收件箱，能打开后自动归档"
    ]
    assert (watcher.still_unopened(), watcher.still_written()) == (["1-1-101_产权证明_20261101.pdf"], [])
    readable["yes"] = True  # its rights put right
    clock.now += 1
    assert [(o.source, o.status) for o in watcher.check(set())] == [("1-1-101_产权证明_20261101.pdf", "filed")]
    assert tree(inbox(ws)) == []
    assert watcher.still_unopened() == []


def test_a_scan_filed_from_a_folder_the_service_may_not_delete_from_is_filed_once_and_left_alone(
    ws: Workspace, ledger: Ledger, undeletable: set[Path]
) -> None:
    # An inbox folder of another account (mode 0755): the scan was filed, its inbox name could not be removed, and the
    # service held it as if the archive's disk refused, trying again and again.  (Root removes any file: the
    # refusal is simulated where the operating system gives it.)
    locked = inbox(ws) / "他人的文件夹"
    scan = write_scan(locked / "1-1-101_产权证明_20261101.pdf", 1)
    undeletable.add(locked)
    clock = FakeClock()
    watcher = _watcher(ws, ledger, 2.0, clock)
    assert watcher.check(set(watcher.scan())) == []
    clock.now += 2
    [outcome] = watcher.check(set())
    assert (outcome.source, outcome.status, outcome.left_behind) == (
        "他人的文件夹/1-1-101_产权证明_20261101.pdf",
        "filed",
        True,
    )
    assert watcher.refusal is None and watcher.held == {}
    for _ in range(3):  # the rescans find it again: it is neither filed again nor said again
        clock.now += 31
        assert watcher.check(set(watcher.scan())) == []
    assert scan.exists()
    # A restarted service: the ledger knows the file (its SHA-256, name and mtime), it is not filed twice.
    again = _watcher(ws, ledger, 0.0, clock)
    [outcome] = again.check(set(again.scan()))
    assert (outcome.status, outcome.left_behind) == ("already_filed", True)
    assert again.check(set(again.scan())) == []
    assert len(list_items(ledger)) == 1


def test_an_error_in_one_file_never_stops_the_service(
    ws: Workspace, ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_scan(inbox(ws) / "1-1-101_产权证明_20261101.pdf", 1)
    write_scan(inbox(ws) / "坏的那个.pdf", 2)
    watcher = _watcher(ws, ledger, 0, FakeClock())
    real_prepared = watcher.archivist._prepared

    def flaky(path: Path, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        if path.name == "坏的那个.pdf":
            raise RuntimeError("disk hiccup")
        return real_prepared(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(watcher.archivist, "_prepared", flaky)
    first = watcher.check(set(watcher.scan()))
    assert [o.status for o in first] == ["filed"]
    assert (inbox(ws) / "坏的那个.pdf").exists()  # retried later, not lost
    watcher.check(set(watcher.scan()))
    last = watcher.check(set(watcher.scan()))  # the third failure: quarantined with a note
    assert [(o.status, o.reason) for o in last] == [
        ("quarantined", "归档时多次出错（RuntimeError），详情见 records/logs/watch.log")
    ]
    assert not (inbox(ws) / "坏的那个.pdf").exists()
    assert len(list(ws.root.joinpath("records", "quarantine").glob("*坏的那个.pdf.原因.txt"))) == 1


def test_a_ledger_away_is_tried_again_after_growing_pauses_and_the_files_wait_in_the_inbox(
    ws: Workspace, ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The office server's database restarting, or away for a while: the scans stay in the inbox, the service
    says so once, tries again after 1, 2, 4, 8, 16 seconds (not at every pass: ~20 tries a second filled and
    rotated the whole log within two minutes), and files them once the ledger is back."""
    from recordkit.archive import watcher as watcher_module
    from recordkit.core.errors import LedgerError

    write_scan(inbox(ws) / "1-1-101_产权证明_20261101.pdf", 1)
    write_scan(inbox(ws) / "1-1-102_产权证明_20261101.pdf", 2)
    taken_away = write_scan(inbox(ws) / "1-1-103_产权证明_20261101.pdf", 3)
    clock = FakeClock()
    said: list[str] = []
    watcher = InboxWatcher(Archivist(ws, ledger, "归档服务"), clock=clock, say=said.append)
    away, tries = [True], []
    real_file_batch = watcher_module.file_batch

    def file_batch(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        tries.append(clock.now)
        if away[0]:
            raise LedgerError("无法访问台账数据库 postgresql://rk@db/estate：Connection refused")
        return real_file_batch(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(watcher_module, "file_batch", file_batch)
    candidates = set(watcher.scan())
    for _ in range(80):  # 20 seconds of passes a quarter of a second apart
        assert watcher.check(candidates) == []
        candidates = set()
        clock.now += 0.25
        if clock.now >= 110:
            taken_away.unlink(missing_ok=True)  # a clerk takes one scan back meanwhile
    assert [at - 100 for at in tries] == [0, 1, 3, 7, 15]
    assert said == [
        "台账数据库暂时不能写入，3 个文件先留在收件箱，恢复后自动归档："
        "无法访问台账数据库 postgresql://rk@db/estate：Connection refused"
    ]
    assert sorted(path.name for path in watcher.held) == [
        "1-1-101_产权证明_20261101.pdf",
        "1-1-102_产权证明_20261101.pdf",
    ]
    away[0] = False
    clock.now = 100 + 15 + 16 - 0.25
    assert watcher.check(set()) == []  # still resting
    clock.now += 0.25
    assert [(o.source, o.status) for o in watcher.check(set())] == [
        ("1-1-101_产权证明_20261101.pdf", "filed"),
        ("1-1-102_产权证明_20261101.pdf", "filed"),
    ]
    assert said[1:] == ["台账数据库已恢复（约 31 秒不能写入），继续归档"]
    assert watcher.held == {}
    assert tree(inbox(ws)) == []
    assert [(i.unit, i.source) for i in list_items(ledger)] == [
        ("1-1-101", "records/inbox/1-1-101_产权证明_20261101.pdf"),
        ("1-1-102", "records/inbox/1-1-102_产权证明_20261101.pdf"),
    ]
    tries.clear()
    write_scan(inbox(ws) / "1-1-103_产权证明_20261101.pdf", 3)  # brought back: filed at its first sight
    assert [o.status for o in watcher.check(set(watcher.scan()))] == ["filed"]
    assert tries == [clock.now]


def test_scans_that_wait_for_the_ledger_are_read_once_not_at_every_try(
    ws: Workspace, ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the ledger (or the disk) refuses, a try every 30 s at most must not hash every waiting scan again (a
    morning's scans, hundreds of megabytes, read twice a minute for hours): each is read once, again only when it
    changes; the batch read beside the refused one is kept too."""
    from recordkit.archive import archivist as archivist_module
    from recordkit.archive import watcher as watcher_module
    from recordkit.core.errors import LedgerError

    names = [f"1-1-10{n}_产权证明_20261101.pdf" for n in range(1, 6)]
    for number, name in enumerate(names):
        write_scan(inbox(ws) / name, number)
    hashed: list[str] = []
    real_sha = archivist_module.sha256_of

    def sha256_of(path: Path, *args: object) -> str:
        hashed.append(path.name)
        return real_sha(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(archivist_module, "sha256_of", sha256_of)
    monkeypatch.setattr(watcher_module, "BATCH_SIZE", 2)  # three batches: the second is read beside the first
    clock = FakeClock()
    watcher = InboxWatcher(Archivist(ws, ledger, "归档服务"), clock=clock, say=lambda _: None)
    away, tries = [True], [0]
    real_file_batch = watcher_module.file_batch

    def file_batch(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        tries[0] += 1
        if away[0]:
            raise LedgerError("无法访问台账数据库 postgresql://rk@db/estate：Connection refused")
        return real_file_batch(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(watcher_module, "file_batch", file_batch)
    real_prepared = watcher.archivist._prepared

    sidecar = inbox(ws) / f"{names[1]}.json"
    sidecar.write_text(json.dumps({"题名": "旧题名"}, ensure_ascii=False), "utf-8")

    def understood_then_sidecar(path: Path, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        # the scanner rewrites its sidecar just after the scan was understood at the first try: that scan is taken
        # for what the sidecar says at the next, not for what it was taken for then (nor read again)
        taken = real_prepared(path, *args, **kwargs)  # type: ignore[arg-type]
        if path.name == names[1] and "旧题名" in sidecar.read_text("utf-8"):
            sidecar.write_text(json.dumps({"题名": "补写的题名"}, ensure_ascii=False), "utf-8")
        return taken

    monkeypatch.setattr(watcher.archivist, "_prepared", understood_then_sidecar)
    candidates = set(watcher.scan())
    for _ in range(6):
        assert watcher.check(candidates) == []
        candidates = set()
        clock.now += 40
    assert tries[0] == 6 and len(watcher.held) == 5
    # the first two batches once each (the third is read at the first try that reaches it), nothing twice
    assert sorted(hashed) == sorted(names[:4])
    write_scan(inbox(ws) / names[0], 9)  # rescanned meanwhile: read again, and filed as it is now
    changed = (inbox(ws) / names[0]).read_bytes()
    assert watcher.check({inbox(ws) / names[0]}) == []  # a changed file waits its stability window again
    away[0] = False
    clock.now += 40
    filed = watcher.check(set())
    clock.now += 40
    filed += watcher.check(set(watcher.scan()))
    assert sorted((o.source, o.status) for o in filed) == [(name, "filed") for name in names]
    assert sorted(hashed) == sorted([*names, names[0]])  # each once, the rescanned one twice
    items = {i.unit: i for i in list_items(ledger)}
    assert items["1-1-101"].sha256 == hashlib.sha256(changed).hexdigest()
    assert (items["1-1-102"].title, items["1-1-103"].title) == ("补写的题名", "产权证明")


@pytest.mark.parametrize("polling", [True, False], ids=["polling", "inotify"])
def test_the_running_service_files_new_scans_until_stopped(ws: Workspace, ledger: Ledger, polling: bool) -> None:
    # A real window: a scan being written (0 bytes at first) must not be taken for an empty file.
    steady = open_workspace(ws.root, environ={"RECORDKIT_ARCHIVE_STABILITY_SECONDS": "0.3"})
    watcher = InboxWatcher(Archivist(steady, ledger, "归档服务"), polling=polling, interval=0.05)
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    try:
        for number in range(3):
            write_scan(inbox(ws) / "业主档案" / "1-1-101" / f"资料{number}.pdf", number)
        _wait_for(lambda: len(list_items(ledger)) == 3)
    finally:
        watcher.stop()
        thread.join(10)
    assert not thread.is_alive()
    assert tree(inbox(ws)) == []
    assert [i.archive_no for i in list_items(ledger)] == ["YZ-2026-00001", "YZ-2026-00002", "YZ-2026-00003"]


@pytest.mark.parametrize(
    ("how", "polling"),
    [("recreated", False), ("moved aside", False), ("deleted", False), ("moved aside", True), ("a file", False)],
    ids=["recreated", "moved-aside", "deleted", "moved-aside-polling", "a-file-in-its-place"],
)
def test_an_inbox_deleted_or_replaced_while_the_service_runs_is_watched_again(
    ws: Workspace,
    ledger: Ledger,
    tmp_path: Path,
    how: str,
    polling: bool,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A clerk deleted the inbox folder and made it again (or moved it aside and made a new one): the change
    # notification stayed with the old folder, and new scans were found only by the rescan every 30 seconds.
    # The rescan never comes here: a scan filed at all was found by the notification, however slow the machine.
    import shutil

    from recordkit.archive import watcher as watcher_module

    monkeypatch.setattr(watcher_module, "RESCAN_SECONDS", 3600.0)
    steady = open_workspace(ws.root, environ={"RECORDKIT_ARCHIVE_STABILITY_SECONDS": "0.3"})
    said: list[str] = []
    watcher = InboxWatcher(Archivist(steady, ledger, "归档服务"), polling=polling, interval=0.05, say=said.append)
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    try:
        write_scan(inbox(ws) / "1-1-101_产权证明_20261101.pdf", 1)
        _wait_for(lambda: len(list_items(ledger)) == 1)
        if how == "moved aside":
            inbox(ws).rename(tmp_path / "旧收件箱")
        elif how == "a file":  # a file under its name for a while: the inbox is made again once it is gone
            # The folder becomes a file at once for the service, which waits on its lock to look again: a slow test
            # thread would otherwise find the folder made again already, where it meant to put the file.
            with watcher._lock:
                shutil.rmtree(inbox(ws))
                inbox(ws).write_bytes(b"not a folder")
            _wait_for(lambda: "cannot make" in caplog.text)
            inbox(ws).unlink()
        else:
            shutil.rmtree(inbox(ws))
        if how not in ("deleted", "a file"):
            inbox(ws).mkdir(exist_ok=True)  # (the service may have seen it gone, and made it, in between)
        _wait_for(lambda: inbox(ws).is_dir() and bool(said))
        write_scan(inbox(ws) / "1-1-102_产权证明_20261101.pdf", 2)
        _wait_for(lambda: len(list_items(ledger)) == 2)
    finally:
        watcher.stop()
        thread.join(10)
    assert not thread.is_alive()
    assert tree(inbox(ws)) == []
    again = {"被删除了，已重新建立"} if how in ("deleted", "a file") else {"换成了新的", "被删除了，已重新建立"}
    assert len(said) == 1 and said[0] in {f"收件箱文件夹{words}，继续监视新的文件夹" for words in again}


def test_the_old_folders_loss_its_stopped_observer_reports_late_is_not_told_twice(
    ws: Workspace, ledger: Ledger, tmp_path: Path
) -> None:
    # The inbox moved aside: the service said so once and stopped the old folder's observer, but a polling observer
    # still busy with its last look delivered the old folder's deletion while it stopped; the next pass took it for a
    # new loss and said 收件箱文件夹换成了新的 a second time (a full test run under load, moved-aside-polling).
    said: list[str] = []
    watcher = InboxWatcher(Archivist(ws, ledger, "归档服务"), polling=True, interval=0.05, say=said.append)
    before = watcher._root_identities()
    inbox(ws).rename(tmp_path / "旧收件箱")
    inbox(ws).mkdir()

    class LateObserver:
        def stop(self) -> None:  # its last look's deletion of the old folder, delivered while it stops
            with watcher._lock:
                watcher._lost_roots.add(inbox(ws))

        def join(self, timeout: float) -> None:
            pass

    observer = watcher._watch_again(LateObserver(), before)
    try:
        assert said == ["收件箱文件夹换成了新的，继续监视新的文件夹"]
        assert watcher._lost_roots == set()  # the next pass has nothing to watch again
    finally:
        observer.stop()
        observer.join(timeout=5)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify tells a writer's closing")
def test_a_scan_its_writer_still_holds_open_is_filed_only_once_closed_and_the_archived_file_stays_as_filed(
    ws: Workspace, ledger: Ledger, tmp_path: Path
) -> None:
    # A scanner wrote a whole PDF, kept the file open through a pause longer than the window (OCR), then appended:
    # filed during the pause through a hard link, the later bytes landed in the archived file, whose SHA-256 no
    # longer matched the ledger's (`archive verify`).
    whole = write_scan(tmp_path / "扫描.pdf", 1).read_bytes()
    later = b"\n% incremental update appended by the scanner after OCR\n"
    steady = open_workspace(ws.root, environ={"RECORDKIT_ARCHIVE_STABILITY_SECONDS": "0.2"})
    watcher = InboxWatcher(Archivist(steady, ledger, "归档服务"), interval=0.05)
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    try:
        write_scan(inbox(ws) / "1-1-102_产权证明_20261101.pdf", 2)
        _wait_for(lambda: len(list_items(ledger)) == 1)  # the service runs
        with (inbox(ws) / "1-1-101_产权证明_20261101.pdf").open("wb") as scanner:
            scanner.write(whole)
            scanner.flush()
            write_scan(inbox(ws) / "1-1-103_产权证明_20261101.pdf", 3)  # written and closed meanwhile: filed
            _wait_for(lambda: len(list_items(ledger)) == 2)
            time.sleep(1.0)  # the pause: five windows, the file unchanged and still held open
            assert "1-1-101_产权证明_20261101.pdf" not in {item.original_name for item in list_items(ledger)}
            scanner.write(later)
        _wait_for(lambda: len(list_items(ledger)) == 3)
    finally:
        watcher.stop()
        thread.join(10)
    [item] = [item for item in list_items(ledger) if item.original_name == "1-1-101_产权证明_20261101.pdf"]
    assert item.sha256 == hashlib.sha256(whole + later).hexdigest()
    assert hashlib.sha256((ws.root / item.path).read_bytes()).hexdigest() == item.sha256
    assert tree(inbox(ws)) == []


def test_a_scan_whose_times_and_rights_are_set_after_it_was_closed_is_filed(ws: Workspace, ledger: Ledger) -> None:
    # A copy that keeps the original's time sets it after closing the file (cp -p, robocopy, a Windows copy over
    # Samba), and a chmod follows some: no writer holds the file, and no close will come after those changes.
    steady = open_workspace(ws.root, environ={"RECORDKIT_ARCHIVE_STABILITY_SECONDS": "0.2"})
    watcher = InboxWatcher(Archivist(steady, ledger, "归档服务"), interval=0.05)
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    try:
        copied = write_scan(inbox(ws) / "1-1-101_产权证明_20261101.pdf", 1)
        os.utime(copied, (1_700_000_000, 1_700_000_000))
        copied.chmod(0o640)
        _wait_for(lambda: len(list_items(ledger)) == 1, limit=10.0)
    finally:
        watcher.stop()
        thread.join(10)
    assert [item.original_name for item in list_items(ledger)] == ["1-1-101_产权证明_20261101.pdf"]


def _wait_for(condition, limit: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, "the service did not file the scans"
        time.sleep(0.05)


def test_once_counts_every_file_left_when_the_ledger_is_away_and_tries_it_once(
    ws: Workspace, ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``watch --once`` (a cron job) with more files than one batch and the ledger away: one try, and every file
    it left in the inbox counted in the message, not only the first batch's."""
    from recordkit.archive import watcher as watcher_module
    from recordkit.core.errors import LedgerError

    monkeypatch.setattr(watcher_module, "BATCH_SIZE", 1)  # three batches
    tries: list[object] = []

    def file_batch(*args: object, **kwargs: object) -> None:
        tries.append(args)
        raise LedgerError("无法访问台账数据库 postgresql://rk@db/estate：Connection refused")

    monkeypatch.setattr(watcher_module, "file_batch", file_batch)
    for number in (1, 2, 3):
        write_scan(inbox(ws) / f"1-1-10{number}_产权证明_20261101.pdf", number)
    watcher = _watcher(ws, ledger, 0, FakeClock())
    assert watcher.run_once(sleep=lambda _: None) == []
    assert len(tries) == 1
    assert sorted(path.name for path in watcher.held) == [
        "1-1-101_产权证明_20261101.pdf",
        "1-1-102_产权证明_20261101.pdf",
        "1-1-103_产权证明_20261101.pdf",
    ]


def start_service(ws: Workspace) -> subprocess.Popen[str]:
    """`recordkit watch` on ``ws`` in a process of its own, as systemd starts it (a short stability window)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("RECORDKIT_")}
    env |= {
        "RECORDKIT_HOME": str(ws.root),
        "RECORDKIT_ARCHIVE_STABILITY_SECONDS": "0.2",
        "RECORDKIT_OPERATOR": "归档服务",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "recordkit", "watch", "--interval", "0.1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_sigterm_finishes_and_exits_zero_with_a_log(ws: Workspace) -> None:
    service = start_service(ws)
    try:
        write_scan(inbox(ws) / "3-2-1201_产权证明_20261102.pdf", 1)
        archived = ws.root / "records" / "archive" / "业主档案" / "2026" / "YZ-2026-00001_产权证明.pdf"
        _wait_for(lambda: archived.exists() and not (inbox(ws) / "3-2-1201_产权证明_20261102.pdf").exists())
    finally:
        service.send_signal(signal.SIGTERM)
        out, err = service.communicate(timeout=30)
    assert service.returncode == 0, err
    assert "已归档 3-2-1201_产权证明_20261102.pdf → YZ-2026-00001" in out
    assert out.strip().endswith("归档服务已停止")
    log = (ws.root / "records" / "logs" / "watch.log").read_text(encoding="utf-8")
    assert "filed 1: 3-2-1201_产权证明_20261102.pdf → YZ-2026-00001" in log


def test_generated_documents_are_filed_once_when_the_setting_is_on(ws: Workspace, ledger: Ledger) -> None:
    from docx import Document

    generated = ws.root / "records" / "generated" / "2026" / "11"
    generated.mkdir(parents=True)
    Document().save(generated / "停水通知_3栋.docx")
    on = open_workspace(
        ws.root, environ={"RECORDKIT_ARCHIVE_FILE_GENERATED": "true", "RECORDKIT_ARCHIVE_STABILITY_SECONDS": "0"}
    )
    watcher = InboxWatcher(Archivist(on, ledger, "归档服务"), clock=FakeClock())
    assert [o.status for o in watcher.check(set(watcher.scan()))] == ["filed"]
    assert watcher.check(set(watcher.scan())) == []  # settled: not hashed again
    assert (generated / "停水通知_3栋.docx").exists()  # the document stays where it is
    again = InboxWatcher(Archivist(on, ledger, "归档服务"), clock=FakeClock())  # a restart
    assert [o.status for o in again.check(set(again.scan()))] == ["already_filed"]
    assert [i.title for i in list_items(ledger)] == ["停水通知 3栋"]


def test_a_fifo_in_the_inbox_is_quarantined_unopened_and_the_rest_filed(tmp_path: Path, _sqlite_template: Path) -> None:
    """Reading a FIFO blocks until a writer comes: the service must never open one."""
    root = init_workspace(tmp_path / "ws", operator="档案员")
    migrated_sqlite(_sqlite_template, root / "records" / "ledger.sqlite3")  # the ledger `recordkit init` makes
    inbox = root / "records" / "inbox"
    os.mkfifo(inbox / "扫描仪管道.pdf")
    write_scan(inbox / "3-2-1201_购房合同_20190915.pdf", 1)
    env = {key: value for key, value in os.environ.items() if not key.startswith("RECORDKIT_")}
    done = subprocess.run(
        [sys.executable, "-m", "recordkit", "watch", "--once"],
        cwd=root, env={**env, "RECORDKIT_ARCHIVE_STABILITY_SECONDS": "0"}, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "已隔离 扫描仪管道.pdf：不是普通文件（管道、设备或套接字），没有打开，无法归档" in done.stdout
    assert "收件箱处理完毕：归档 1 个，隔离 1 个" in done.stdout
    assert list(inbox.iterdir()) == []


def test_a_mistyped_sqlite_ledger_beside_a_filed_archive_is_refused_before_the_service_makes_one(
    tmp_path: Path,
) -> None:
    """A ledger's address mistyped in recordkit.toml (ledgr.sqlite3) on a workspace whose archive holds filed
    documents: the service made a new, empty ledger there and then stopped on the archive as not its own (exit 9).
    It refuses before making anything now, as doctor explains it, exit 3; no file is made, the scan stays."""
    root = init_workspace(tmp_path / "ws", operator="档案员")
    filed = root / "records" / "archive" / "业主档案" / "2026"
    filed.mkdir(parents=True)
    write_scan(filed / "YZ-2026-00001_购房合同.pdf", 1)
    scan = root / "records" / "inbox" / "3-2-1201_购房合同_20190915.pdf"
    write_scan(scan, 1)
    mistyped = root / "records" / "ledgr.sqlite3"
    env = {key: value for key, value in os.environ.items() if not key.startswith("RECORDKIT_")}
    done = subprocess.run(
        [sys.executable, "-m", "recordkit", "watch", "--once"],
        cwd=root, env={**env, "RECORDKIT_DATABASE_URL": f"sqlite:///{mistyped}"}, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert (done.returncode, done.stdout) == (3, "")
    assert done.stderr.replace("\n", "") == (
        f"错误：sqlite:///{mistyped}：这里还没有台账，而 records/archive 里已经有归档的文件：它们的台账在别处，"
        "多半是环境变量 RECORDKIT_DATABASE_URL 写错了：把环境变量 RECORDKIT_DATABASE_URL 改成这些档案所在的台账"
        "；台账确实丢失、又没有备份的，档案登记可以用 recordkit archive verify --repair 按档案目录重建"
        "（收费记录只能从备份恢复）；归档服务没有启动，这里什么也没有新建"
    )
    assert not mistyped.exists()
    assert scan.is_file()


def test_stopping_a_watcher_that_has_ended_leaves_readers_to_the_rest_of_the_process(
    ws: Workspace, ledger: Ledger
) -> None:
    # A stop that comes after the loop ended (a second Ctrl-C, a thread joined late) must not leave the
    # process's shared readers refused: the next filing in the same process reads its PDFs as usual.
    watcher = _watcher(ws, ledger, 0.0, FakeClock())
    assert watcher.run_once() == []
    watcher.stop()
    write_scan(inbox(ws) / "1-1-101_产权证明_20261102.pdf", 1)
    later = Archivist(ws, ledger, "归档服务").file_paths([inbox(ws)])
    assert [(o.source, o.status) for o in later] == [("1-1-101_产权证明_20261102.pdf", "filed")]


# -- the service through a PostgreSQL server's restart ------------------------------------------------------------


@pytest.mark.postgres
def test_the_service_keeps_filing_through_a_restart_of_the_postgresql_server(
    workspace: Workspace, postgres_ledger_url: str
) -> None:
    """`recordkit watch` on an office server whose PostgreSQL restarts (updates at night, a reboot): it stays up,
    says once that the scans wait, files them once the server is back, and fills no log with the tries."""
    relay = Relay(postgres_ledger_url)
    use_postgres_ledger(workspace, relay.url(postgres_ledger_url))
    ws = archive_workspace(workspace.root)
    service = start_service(ws)
    archived = ws.root / "records" / "archive" / "业主档案" / "2026"
    try:
        write_scan(inbox(ws) / "3-2-1201_产权证明_20261102.pdf", 1)
        _wait_for(lambda: (archived / "YZ-2026-00001_产权证明.pdf").exists() and tree(inbox(ws)) == [])
        relay.stop()
        write_scan(inbox(ws) / "3-2-1202_产权证明_20261102.pdf", 2)
        time.sleep(8)
        assert service.poll() is None  # still running
        assert tree(inbox(ws)) == ["3-2-1202_产权证明_20261102.pdf"]  # waiting, not quarantined
        relay.start()
        _wait_for(lambda: (archived / "YZ-2026-00002_产权证明.pdf").exists() and tree(inbox(ws)) == [], limit=40)
    finally:
        service.send_signal(signal.SIGTERM)
        out, err = service.communicate(timeout=30)
        relay.stop()
    assert service.returncode == 0, err
    lines = out.strip().splitlines()
    assert lines[1] == "已归档 3-2-1201_产权证明_20261102.pdf → YZ-2026-00001（业主档案，1 页）：" + (
        "records/archive/业主档案/2026/YZ-2026-00001_产权证明.pdf"
    )
    assert lines[2].startswith("台账数据库暂时不能写入，1 个文件先留在收件箱，恢复后自动归档：无法访问台账数据库 ")
    assert re.fullmatch(r"台账数据库已恢复（约 \d+ 秒不能写入），继续归档", lines[3])
    assert lines[4].startswith("已归档 3-2-1202_产权证明_20261102.pdf → YZ-2026-00002（业主档案，1 页）")
    assert lines[5:] == ["归档服务已停止"]
    with open_ledger(postgres_ledger_url) as ledger:
        assert [(i.archive_no, i.unit) for i in list_items(ledger)] == [
            ("YZ-2026-00001", "3-2-1201"),
            ("YZ-2026-00002", "3-2-1202"),
        ]
    # Eight seconds away: tried at 0, 1, 3 and 7 s (each try one line in the log), not twenty times a second.
    log = (ws.root / "records" / "logs" / "watch.log").read_text(encoding="utf-8")
    assert 3 <= log.count("ledger operation failed") <= 6, log
    assert "Traceback" not in log


class WallClock(FakeClock):
    def __init__(self) -> None:
        self.now = 1_796_000_000.0  # an epoch moment: a file's modification time is on this clock


def test_an_empty_scan_waits_in_the_inbox_and_is_quarantined_only_after_ten_minutes(
    ws: Workspace, ledger: Ledger
) -> None:
    clock, wall = FakeClock(), WallClock()
    slow = open_workspace(ws.root, environ={"RECORDKIT_ARCHIVE_STABILITY_SECONDS": "2"})
    watcher = InboxWatcher(Archivist(slow, ledger, "归档服务"), clock=clock, wall_clock=wall)
    late, never = inbox(ws) / "合同扫描.pdf", inbox(ws) / "空白.pdf"
    for path in (late, never):
        path.write_bytes(b"")  # the scanner made the file; its pages come over the share later
        os.utime(path, (wall.now, wall.now))

    def later(seconds: float) -> list[str]:
        clock.now += seconds
        wall.now += seconds
        return [(o.source, o.status, o.reason) for o in watcher.check(set(watcher.scan()))]

    assert later(0) == []
    assert later(3) == []  # past the 2-second window: still left in the inbox, not quarantined
    assert sorted(tree(inbox(ws))) == ["合同扫描.pdf", "空白.pdf"]
    assert watcher.tracker.seconds_to_next(clock.now) == 597.0  # the next look is not before ten minutes
    assert watcher.tracker.due(clock.now) == []
    write_scan(late, 1)  # five minutes on, the scanner writes it
    os.utime(late, (wall.now + 300, wall.now + 300))
    assert later(300) == []
    assert [status for _, status, _ in later(2)] == ["filed"]
    assert later(290) == []  # 595 seconds empty
    assert later(5) == [("空白.pdf", "quarantined", "空文件（扫描仪没有写入内容），请重新扫描")]
    assert tree(inbox(ws)) == []


def test_once_leaves_a_new_empty_scan_in_the_inbox_and_quarantines_one_empty_for_ten_minutes(
    ws: Workspace, ledger: Ledger
) -> None:
    wall = WallClock()
    watcher = InboxWatcher(Archivist(ws, ledger, "归档服务"), clock=FakeClock(), wall_clock=wall)
    new, old = inbox(ws) / "刚建的.pdf", inbox(ws) / "早就空着.pdf"
    for path, age in ((new, 30), (old, 601)):
        path.write_bytes(b"")
        os.utime(path, (wall.now - age, wall.now - age))
    slept: list[float] = []
    outcomes = watcher.run_once(sleep=slept.append)
    assert [(o.source, o.status) for o in outcomes] == [("早就空着.pdf", "quarantined")]
    assert slept == []  # --once never waits ten minutes for an empty file
    assert tree(inbox(ws)) == ["刚建的.pdf"]
    assert (watcher.still_empty(), watcher.still_written()) == (["刚建的.pdf"], [])


def test_the_archive_disk_dropped_while_the_service_runs_keeps_the_scans_in_the_inbox_until_it_is_back(
    ws: Workspace, ledger: Ledger, tmp_path: Path
) -> None:
    """The NAS holding records/archive dropped mid-day, the empty mount point left: the running service filed the
    next scans into it, on the server's own disk, where nothing found them once the NAS was back.  Now it files
    nothing, quarantines nothing, says so once, and files them when the archive's files are there again."""
    clock = FakeClock()
    said: list[str] = []
    watcher = InboxWatcher(Archivist(ws, ledger, "归档服务"), clock=clock, say=said.append)
    write_scan(inbox(ws) / "1-1-101_产权证明_20261101.pdf", 1)
    assert [o.status for o in watcher.check(set(watcher.scan()))] == ["filed"]
    archive, nas = ws.root / "records" / "archive", tmp_path / "nas"
    archive.rename(nas)  # the mount dropped: an empty folder where the archive was
    archive.mkdir()
    names = ["1-1-102_产权证明_20261101.pdf", "1-1-103_产权证明_20261101.pdf"]
    for number, name in enumerate(names, start=2):
        write_scan(inbox(ws) / name, number)
    candidates = set(watcher.scan())
    for _ in range(240):  # a minute of passes a quarter of a second apart
        assert watcher.check(candidates) == []
        candidates = set()
        clock.now += 0.25
    assert said == ["档案目录里一个文件也没有（存放档案的磁盘可能没有接好），收件箱里的文件先不归档"]
    assert tree(inbox(ws)) == names
    assert tree(archive) == [] and tree(ws.root / "records" / "quarantine") == []
    assert [i.archive_no for i in list_items(ledger)] == ["YZ-2026-00001"]
    archive.rmdir()
    nas.rename(archive)  # mounted again
    clock.now += 30
    assert sorted((o.source, o.status) for o in watcher.check(set())) == [(name, "filed") for name in names]
    assert said[1:] == ["档案目录里又有文件了（约 90 秒没有归档），继续归档"]
    assert tree(inbox(ws)) == []
    assert [(i.archive_no, i.unit) for i in list_items(ledger)] == [
        ("YZ-2026-00001", "1-1-101"),
        ("YZ-2026-00002", "1-1-102"),
        ("YZ-2026-00003", "1-1-103"),
    ]
    assert tree(archive) == [
        f"业主档案/2026/YZ-2026-0000{n}_产权证明.pdf{suffix}" for n in (1, 2, 3) for suffix in ("", ".json")
    ]


def test_the_service_started_before_the_archive_disk_is_mounted_waits_for_it(
    ws: Workspace, ledger: Ledger, tmp_path: Path
) -> None:
    """A server rebooted, the service started before the NAS holding records/archive was mounted: it stopped with
    exit 4, and systemd (Restart=on-failure) started it again every few seconds, each time refused.  It now says
    so once, keeps the scans in the inbox, and files them once the archive is there."""
    steady = open_workspace(ws.root, environ={"RECORDKIT_ARCHIVE_STABILITY_SECONDS": "0.1"})
    said: list[str] = []
    write_scan(inbox(ws) / "1-1-101_产权证明_20261101.pdf", 1)
    InboxWatcher(Archivist(steady, ledger, "归档服务")).run_once()
    archive, nas = ws.root / "records" / "archive", tmp_path / "nas"
    archive.rename(nas)  # not mounted: the empty mount point
    archive.mkdir()
    watcher = InboxWatcher(Archivist(steady, ledger, "归档服务"), polling=True, interval=0.05, say=said.append)
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    try:
        write_scan(inbox(ws) / "1-1-102_产权证明_20261101.pdf", 2)
        time.sleep(1.0)
        assert thread.is_alive()
        assert said[:1] == ["档案目录里一个文件也没有（存放档案的磁盘可能没有接好），收件箱里的文件先不归档"]
        assert tree(inbox(ws)) == ["1-1-102_产权证明_20261101.pdf"] and tree(archive) == []
        archive.rmdir()
        nas.rename(archive)  # mounted
        _wait_for(lambda: len(list_items(ledger)) == 2)
    finally:
        watcher.stop()
        thread.join(10)
    assert not thread.is_alive()
    assert tree(inbox(ws)) == [] and tree(ws.root / "records" / "quarantine") == []
    assert [i.unit for i in list_items(ledger)] == ["1-1-101", "1-1-102"]


def test_once_on_a_server_whose_archive_disk_is_not_mounted_refuses_and_leaves_the_inbox(
    ws: Workspace, ledger: Ledger, run_cli: Any, tmp_path: Path
) -> None:
    """``watch --once`` (cron) on a server whose archive disk drops between its check and its filing: exit 4, the
    scan left in the inbox and counted (it was filed onto the empty mount point); run again with the disk still
    not mounted: exit 4 with the refusal, as before."""
    from recordkit.archive import watcher as watcher_module

    fast = {"RECORDKIT_ARCHIVE_STABILITY_SECONDS": "0"}
    write_scan(inbox(ws) / "1-1-101_产权证明_20261101.pdf", 1)
    assert run_cli("watch", "--once", env=fast).exit_code == 0
    archive = ws.root / "records" / "archive"
    write_scan(inbox(ws) / "1-1-102_产权证明_20261101.pdf", 2)
    real_recover = watcher_module.InboxWatcher.recover

    def recover_then_drop(self: InboxWatcher) -> None:
        real_recover(self)  # the check at the start finds the archive ...
        archive.rename(tmp_path / "nas")  # ... and the disk drops before the batch is filed
        archive.mkdir()

    refusal = (
        "这台电脑上找不到档案文件：台账里的 1 件档案，records/archive 里一件也没有。"
        "请在存放档案的电脑（一般是办公室服务器）上运行 recordkit file 或归档服务（在这里归档，文件会留在这台电脑上，"
        "档案网页、档案检查和夜间索引都找不到它；扫描件请放进服务器的收件箱 records/inbox；这台电脑照常检索）。"
        "如果这台就是存放档案的电脑，请检查 records/archive 所在的磁盘是否接好"
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(watcher_module.InboxWatcher, "recover", recover_then_drop)
        result = run_cli("watch", "--once", env=fast)
    assert result.exit_code == 4, result.output
    assert result.stderr == f"错误：1 个文件留在收件箱，没有归档（档案目录里一个文件也没有）：{refusal}\n"
    assert tree(inbox(ws)) == ["1-1-102_产权证明_20261101.pdf"] and tree(archive) == []
    result = run_cli("watch", "--once", env=fast)
    assert (result.exit_code, result.stderr) == (4, f"错误：{refusal}\n")
    assert tree(inbox(ws)) == ["1-1-102_产权证明_20261101.pdf"] and tree(archive) == []
    assert tree(ws.root / "records" / "quarantine") == []
    assert [i.unit for i in list_items(ledger)] == ["1-1-101"]


# -- hidden names and broken links: never filed, never quarantined, said ------------------------------

HIDDEN_SAID = "文件名以“.”开头，是隐藏文件，可能是同步软件还没写完的，不归档：要归档请去掉文件名开头的“.”"
BROKEN_SAID = "链接指向的文件不存在，不归档：请放入文件本身"


def _other_computers_and_hidden(ws: Workspace) -> list[str]:
    """An inbox holding what other computers leave, a hidden scan and a broken link; its names, sorted."""
    (inbox(ws) / "3-2-1201").mkdir()
    (inbox(ws) / ".DS_Store").write_bytes(b"\0\0\0\x01Bud1")
    (inbox(ws) / "._扫描001.pdf").write_bytes(b"\0\x05\x16\x07\0\x02\0\0Mac OS X")  # AppleDouble's magic
    (inbox(ws) / ".~lock.合同.docx#").write_text(",张伟,前台电脑,06.12.2026 08:00,file:///home/前台;\n", "utf-8")
    write_scan(inbox(ws) / "3-2-1201" / ".扫描001.pdf", 1)
    (inbox(ws) / "坏链接.pdf").symlink_to(ws.root / "没有这个文件.pdf")
    return sorted(["._扫描001.pdf", ".DS_Store", ".~lock.合同.docx#", "3-2-1201/.扫描001.pdf", "坏链接.pdf"])


def _names(folder: Path) -> list[str]:
    """Every name below ``folder`` but folders, links included, relative, sorted."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_symlink() or p.is_file())


def test_once_lists_a_hidden_scan_and_a_broken_link_and_says_nothing_of_other_computers_files(
    ws: Workspace, run_cli: Any
) -> None:
    names = _other_computers_and_hidden(ws)
    for _ in range(2):  # listed at each run, for as long as they lie there; nothing moved, nothing deleted
        result = run_cli("watch", "--once", env={"RECORDKIT_ARCHIVE_STABILITY_SECONDS": "0"})
        assert result.exit_code == 0, result.output
        assert result.output == (
            "收件箱处理完毕：归档 0 个，隔离 0 个\n"
            "还有 2 个文件不归档，留在收件箱：3-2-1201/.扫描001.pdf（"
            + HIDDEN_SAID
            + "）、坏链接.pdf（"
            + BROKEN_SAID
            + "）\n"
        )
        assert _names(inbox(ws)) == names
        assert tree(ws.root / "records" / "quarantine") == []


def test_the_service_says_a_hidden_scan_and_a_broken_link_once_and_files_the_scan_once_renamed(
    ws: Workspace, ledger: Ledger
) -> None:
    names = _other_computers_and_hidden(ws)
    said: list[str] = []
    watcher = InboxWatcher(Archivist(ws, ledger, "归档服务"), say=said.append)
    for _ in range(3):  # the start's scan, then the rescans every 30 s
        assert watcher.check(set(watcher.scan())) == []
    assert said == [f"坏链接.pdf：{BROKEN_SAID}", f"3-2-1201/.扫描001.pdf：{HIDDEN_SAID}"]
    assert _names(inbox(ws)) == names
    (inbox(ws) / "3-2-1201" / ".扫描001.pdf").rename(inbox(ws) / "3-2-1201" / "扫描001.pdf")
    outcomes = watcher.check(set(watcher.scan()))
    assert [(o.source, o.status) for o in outcomes] == [("3-2-1201/扫描001.pdf", "filed")]
    assert len(said) == 2  # nothing more said: the link still lies there, said once


# -- folders the filing emptied -----------------------------------------------------------------------------


def _folders(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_dir())


def test_once_removes_a_unit_folder_it_emptied_and_keeps_every_other_folder(ws: Workspace, run_cli: Any) -> None:
    for name in (
        "3-2-1201/3-2-1201_产权证明_20261102.pdf",
        "二期/1-1-101/购房合同_20190915.pdf",
        "业主档案/1-1-102_产权证明.pdf",
    ):
        (inbox(ws) / name).parent.mkdir(parents=True, exist_ok=True)
        write_scan(inbox(ws) / name, len(name))
    (inbox(ws) / "新建文件夹").mkdir()  # a scanner's folder not written into yet: it held nothing filed
    (inbox(ws) / "1-1-102").mkdir()
    write_scan(inbox(ws) / "1-1-102" / "收据_20261101.pdf", 7)
    (inbox(ws) / "1-1-102" / "~$收据.docx").write_bytes(b"owner")  # Word has a document open: the folder is not empty
    result = run_cli("watch", "--once", env={"RECORDKIT_ARCHIVE_STABILITY_SECONDS": "0"})
    assert result.exit_code == 0, result.output
    assert "收件箱处理完毕：归档 4 个，隔离 0 个" in result.output
    # The unit folders emptied by the filing are gone, and the phase's folder they emptied in turn; the category
    # folder, the scanner's new folder and a folder still holding a file stay.
    assert _folders(inbox(ws)) == ["1-1-102", "业主档案", "新建文件夹"]
    assert tree(inbox(ws)) == ["1-1-102/~$收据.docx"]


def test_an_emptied_folder_that_changed_within_the_window_stays_until_it_has_been_still_for_it(
    ws: Workspace, ledger: Ledger
) -> None:
    folder = inbox(ws) / "3-2-1201"
    folder.mkdir()
    write_scan(folder / "产权证明_20261102.pdf", 1)
    clock = FakeClock()
    watcher = _watcher(ws, ledger, 2.0, clock)
    assert watcher.check(set(watcher.scan())) == []
    clock.now += 2
    assert [o.status for o in watcher.check(set())] == ["filed"]
    watcher.remove_emptied_folders()  # its file was just taken away
    clock.now += 1.5
    watcher.remove_emptied_folders()
    assert folder.is_dir()
    os.utime(folder, ns=(0, folder.stat().st_mtime_ns + 1_000_000))  # a scanner touched it meanwhile
    clock.now += 1
    watcher.remove_emptied_folders()
    assert folder.is_dir()
    clock.now += 1.9
    watcher.remove_emptied_folders()
    assert folder.is_dir()
    clock.now += 0.1
    watcher.remove_emptied_folders()
    assert not folder.exists()
    assert inbox(ws).is_dir()


def test_once_removes_an_emptied_unit_folder_holding_only_other_computers_system_files(
    ws: Workspace, run_cli: Any
) -> None:
    # Explorer wrote Thumbs.db and desktop.ini into the folders it showed; a Mac on the share its .DS_Store and ._.
    for unit, leftovers in (
        ("3-2-1201", ("Thumbs.db", "desktop.ini")),
        ("3-2-1202", (".DS_Store", "._3-2-1202_产权证明_20261102.pdf", "thumbs.db")),
        ("3-2-1203", ("Thumbs.db", ".扫描002.pdf")),  # a hidden scan is no system file: the folder stays whole
        ("3-2-1204", ("Thumbs.db", "~$合同.docx")),  # nor Word's mark of a document open: ignored, not a system file
    ):
        (inbox(ws) / unit).mkdir()
        write_scan(inbox(ws) / unit / f"{unit}_产权证明_20261102.pdf", int(unit[-1]))
        for name in leftovers:
            (inbox(ws) / unit / name).write_bytes(b"left by another computer")
    (inbox(ws) / "3-2-1205").mkdir()
    write_scan(inbox(ws) / "3-2-1205" / "3-2-1205_产权证明_20261102.pdf", 5)
    (inbox(ws) / "3-2-1205" / "Thumbs.db").mkdir()  # a folder of that name is not Explorer's: never recursive
    (inbox(ws) / "业主档案").mkdir()
    (inbox(ws) / "业主档案" / "Thumbs.db").write_bytes(b"thumbnails")  # a category's folder: never removed
    write_scan(inbox(ws) / "业主档案" / "1-1-102_产权证明.pdf", 6)
    (inbox(ws) / "Thumbs.db").write_bytes(b"thumbnails")  # the inbox's own: the inbox stays, and so does it
    result = run_cli("watch", "--once", env={"RECORDKIT_ARCHIVE_STABILITY_SECONDS": "0"})
    assert result.exit_code == 0, result.output
    assert "收件箱处理完毕：归档 6 个，隔离 0 个" in result.output
    assert _folders(inbox(ws)) == ["3-2-1203", "3-2-1204", "3-2-1205", "3-2-1205/Thumbs.db", "业主档案"]
    assert tree(inbox(ws)) == [
        "3-2-1203/.扫描002.pdf",
        "3-2-1203/Thumbs.db",
        "3-2-1204/Thumbs.db",
        "3-2-1204/~$合同.docx",
        "Thumbs.db",
        "业主档案/Thumbs.db",
    ]


def test_file_removes_the_inbox_folders_it_emptied_as_the_service_does_and_never_a_folder_outside_the_inbox(
    ws: Workspace, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `recordkit file records/inbox/…` filed the scans and left their emptied folders (and Explorer's Thumbs.db in
    # them) for ever, where the service and `watch --once` remove them.  It removes them the same way now; a folder
    # the clerk keeps outside the inbox is never touched (its files are copied, not moved).
    for unit, leftovers in (("3-2-1201", ("Thumbs.db", "desktop.ini")), ("3-2-1202", ()), ("3-2-1203", (".扫描.pdf",))):
        (inbox(ws) / "二期" / unit).mkdir(parents=True)
        write_scan(inbox(ws) / "二期" / unit / f"{unit}_产权证明_20261102.pdf", int(unit[-1]))
        for name in leftovers:
            (inbox(ws) / "二期" / unit / name).write_bytes(b"left by another computer")
    (inbox(ws) / "业主档案").mkdir()  # a category's folder: never removed
    write_scan(inbox(ws) / "业主档案" / "1-1-102_产权证明.pdf", 6)
    (inbox(ws) / "1-1-101").mkdir()
    write_scan(inbox(ws) / "1-1-101" / "1-1-101_购房合同_20261101.pdf", 7)
    own = ws.root / "扫描件" / "1-1-103"
    own.mkdir(parents=True)
    write_scan(own / "1-1-103_装修协议_20261101.pdf", 8)
    fast = {"RECORDKIT_ARCHIVE_STABILITY_SECONDS": "0"}
    result = run_cli("file", str(inbox(ws) / "二期"), str(inbox(ws) / "业主档案"), str(ws.root / "扫描件"), env=fast)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-2] == "共 5 个文件：归档 5 个，未归档 0 个"
    # 二期 held no file itself and stays, as the service leaves it; 3-2-1203 keeps its hidden scan.
    assert _folders(inbox(ws)) == ["1-1-101", "业主档案", "二期", "二期/3-2-1203"]
    assert tree(inbox(ws)) == ["1-1-101/1-1-101_购房合同_20261101.pdf", "二期/3-2-1203/.扫描.pdf"]
    assert tree(ws.root / "扫描件") == ["1-1-103/1-1-103_装修协议_20261101.pdf"]
    monkeypatch.chdir(ws.root)
    whole = run_cli("file", "records/inbox", env=fast)  # the inbox itself, as typed: its emptied folders go, it stays
    assert whole.exit_code == 0, whole.output
    assert _folders(inbox(ws)) == ["业主档案", "二期", "二期/3-2-1203"]
    assert tree(inbox(ws)) == ["二期/3-2-1203/.扫描.pdf"]


def test_the_folders_above_an_emptied_folder_go_with_it_up_to_the_inbox(ws: Workspace, run_cli: Any) -> None:
    """Filing the last scan of inbox/3号楼/3-2-1201/ removed the unit's folder but left inbox/3号楼/ empty for ever.
    The folders above go too, each once it holds nothing but other computers' system files, up to the inbox: never
    the inbox, a category's folder, nor a folder that still holds something else."""
    scans = (
        "3号楼/3-2-1201/产权证明_20261102.pdf",
        "3号楼/3-2-1202/产权证明_20261102.pdf",
        "二期/5号楼/1-1-101/购房合同_20190915.pdf",
        "4号楼/3-2-1203/产权证明_20261102.pdf",
        "业主档案/1号楼/1-1-102/产权证明_20261102.pdf",
    )
    for number, name in enumerate(scans, 1):
        (inbox(ws) / name).parent.mkdir(parents=True, exist_ok=True)
        write_scan(inbox(ws) / name, number)
    (inbox(ws) / "二期" / "5号楼" / "Thumbs.db").write_bytes(b"thumbnails")  # Explorer's: deleted with its folder
    (inbox(ws) / "4号楼" / ".扫描002.pdf").write_bytes(b"%PDF-1.4 a sync tool still writing it")  # not filed: stays
    result = run_cli("watch", "--once", env={"RECORDKIT_ARCHIVE_STABILITY_SECONDS": "0"})
    assert result.exit_code == 0, result.output
    assert "收件箱处理完毕：归档 5 个，隔离 0 个" in result.output
    assert _folders(inbox(ws)) == ["4号楼", "业主档案"]
    assert tree(inbox(ws)) == ["4号楼/.扫描002.pdf"]

    # `recordkit file` of the inbox, or of a folder in it, removes them as the service does
    (inbox(ws) / "6号楼" / "6-1-601").mkdir(parents=True)
    write_scan(inbox(ws) / "6号楼" / "6-1-601" / "产权证明_20261102.pdf", 6)
    (inbox(ws) / "7号楼" / "7-1-701").mkdir(parents=True)
    write_scan(inbox(ws) / "7号楼" / "7-1-701" / "产权证明_20261102.pdf", 7)
    fast = {"RECORDKIT_ARCHIVE_STABILITY_SECONDS": "0"}
    assert run_cli("file", str(inbox(ws) / "6号楼" / "6-1-601"), env=fast).exit_code == 0
    assert _folders(inbox(ws)) == ["4号楼", "7号楼", "7号楼/7-1-701", "业主档案"]
    assert run_cli("file", str(inbox(ws)), env=fast).exit_code == 0
    assert _folders(inbox(ws)) == ["4号楼", "业主档案"]
    assert inbox(ws).is_dir()


def test_the_folder_above_an_emptied_folder_goes_only_once_still_for_the_window(ws: Workspace, ledger: Ledger) -> None:
    building = inbox(ws) / "3号楼"
    (building / "3-2-1201").mkdir(parents=True)
    write_scan(building / "3-2-1201" / "产权证明_20261102.pdf", 1)
    clock = FakeClock()
    watcher = _watcher(ws, ledger, 2.0, clock)
    assert watcher.check(set(watcher.scan())) == []
    clock.now += 2
    assert [o.status for o in watcher.check(set())] == ["filed"]
    watcher.remove_emptied_folders()  # its scan was just taken away
    clock.now += 2
    watcher.remove_emptied_folders()
    assert not (building / "3-2-1201").exists()
    assert building.is_dir()  # emptied just now
    watcher.remove_emptied_folders()  # looked at: its window starts
    assert building.is_dir()
    clock.now += 1.9
    (building / "desktop.ini").write_bytes(b"[.ShellClassInfo]")  # an Explorer window still open on it
    watcher.remove_emptied_folders()
    clock.now += 1.9
    watcher.remove_emptied_folders()
    assert (building / "desktop.ini").is_file()
    clock.now += 0.1
    watcher.remove_emptied_folders()
    assert not building.exists()
    assert inbox(ws).is_dir()


def test_an_emptied_folder_whose_thumbnails_are_rewritten_within_the_window_stays_until_still_for_it(
    ws: Workspace, ledger: Ledger
) -> None:
    folder = inbox(ws) / "3-2-1201"
    folder.mkdir()
    write_scan(folder / "产权证明_20261102.pdf", 1)
    thumbs = folder / "Thumbs.db"
    thumbs.write_bytes(b"thumbnails")
    clock = FakeClock()
    watcher = _watcher(ws, ledger, 2.0, clock)
    assert watcher.check(set(watcher.scan())) == []
    clock.now += 2
    assert [o.status for o in watcher.check(set())] == ["filed"]
    watcher.remove_emptied_folders()  # its scan was just taken away
    clock.now += 1.5
    thumbs.write_bytes(b"thumbnails of an Explorer window still open on it")
    watcher.remove_emptied_folders()
    clock.now += 1.9
    watcher.remove_emptied_folders()
    assert thumbs.read_bytes() == b"thumbnails of an Explorer window still open on it"
    clock.now += 0.1
    watcher.remove_emptied_folders()
    assert not folder.exists()
