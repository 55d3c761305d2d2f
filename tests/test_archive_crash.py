"""Crash safety and concurrency: the watcher killed (-9) at random points during a burst, and a
watcher and a clerk filing at once (SQLite and PostgreSQL): every scan is filed exactly once or
still waiting in the inbox, numbers have no gaps, and the archive and the journal verify."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import random
import signal
from pathlib import Path
from typing import Any

import pytest

from recordkit.archive.archivist import Archivist, list_items, verify
from recordkit.archive.watcher import InboxWatcher
from recordkit.core.workspace import Workspace
from recordkit.demo.scans import scan_bytes
from recordkit.ledger import journal
from recordkit.ledger.db import open_ledger
from tests.archive_helpers import archive_workspace, tree
from tests.conftest import run_at_once

KILLS = 50


def _burst(inbox: Path, start: int, count: int) -> dict[str, bytes]:
    """Drop scans the way a scanner does: written under a temporary name, then renamed."""
    made = {}
    kinds = ("pdf", "jpg", "png", "tiff")
    for number in range(start, start + count):
        kind = kinds[number % len(kinds)]
        data = scan_bytes(kind, number, pages=1 + number % 3 if kind in ("pdf", "tiff") else 1)
        folder = inbox / ("业主档案/1-1-101" if number % 2 else "工程档案/电梯")
        folder.mkdir(parents=True, exist_ok=True)
        name = f"扫描{number:04d}.{'tif' if kind == 'tiff' else kind}"
        (folder / (name + ".part")).write_bytes(data)
        os.replace(folder / (name + ".part"), folder / name)
        made[hashlib.sha256(data).hexdigest()] = data
    return made


def _watch_once(root: str, url: str | None) -> None:
    workspace = archive_workspace(Path(root), url, import_units=False)
    with open_ledger(workspace.database_url) as ledger:
        InboxWatcher(Archivist(workspace, ledger, "归档服务")).run_once()


def _check_exactly_once(workspace: Workspace, expected: dict[str, bytes], strict: bool = True) -> None:
    """Each scan filed once or waiting.  Not ``strict``: a scan killed after its commit but before its
    inbox copy was removed may be in both places, and then its row names that very copy (the next
    run recognises it and removes it instead of filing it again)."""
    with open_ledger(workspace.database_url) as ledger:
        items = list_items(ledger)
        report = verify(workspace, ledger, "检查")
        with ledger.read() as conn:
            assert journal.verify(conn).ok
    assert report.ok, report.problems
    filed = [item.sha256 for item in items]
    assert len(filed) == len(set(filed)), "a scan was filed twice"
    waiting = {
        hashlib.sha256(p.read_bytes()).hexdigest()
        for p in (workspace.root / "records" / "inbox").rglob("*")
        if p.is_file() and not p.name.endswith(".part")
    }
    assert set(filed) | waiting == set(expected), "a scan was lost"
    both = set(filed) & waiting
    if strict:
        assert not both, "a scan is both filed and still in the inbox"
    inbox = workspace.root / "records" / "inbox"
    sources = {item.sha256: item.source for item in items}
    for path in inbox.rglob("*"):
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
        if digest in both:
            assert sources[digest] == path.relative_to(workspace.root).as_posix()
    assert tree(workspace.root / "records" / "quarantine") == []
    for prefix in {item.prefix for item in items}:
        seqs = sorted(item.seq for item in items if item.prefix == prefix)
        assert seqs == list(range(1, len(seqs) + 1)), f"gaps in the {prefix} numbers"


def test_kill_minus_nine_at_random_points_during_a_burst_loses_and_duplicates_nothing(workspace: Workspace) -> None:
    ws = archive_workspace(workspace.root, import_units=False)
    open_ledger(ws.database_url).close()  # migrated first: the kills are to land in filing, not in set-up
    inbox = ws.root / "records" / "inbox"
    rng = random.Random(6)
    fork = multiprocessing.get_context("fork")  # a forked filer starts at once, so 50 kills take seconds
    expected: dict[str, bytes] = {}
    killed = round_number = 0
    # Until 50 kills have landed while a filer was running (one that finished first was not killed).
    while killed < KILLS and round_number < 4 * KILLS:
        round_number += 1
        expected |= _burst(inbox, round_number * 3, 3)
        child = fork.Process(target=_watch_once, args=(str(ws.root), None))
        child.start()
        child.join(rng.uniform(0.0, 0.12))  # a filing takes ~25 ms: kills land all through it
        if child.is_alive():
            os.kill(child.pid, signal.SIGKILL)  # type: ignore[arg-type]
            killed += 1
        child.join()
        if round_number % 10 == 0:  # as after any restart: half-done filings finished or rolled back first
            with open_ledger(ws.database_url) as ledger:
                Archivist(ws, ledger, "归档服务").recover()
            _check_exactly_once(ws, expected, strict=False)
    assert killed >= 50, f"only {killed} kills landed while the filer was running"
    last = fork.Process(target=_watch_once, args=(str(ws.root), None))
    last.start()
    last.join(120)
    assert last.exitcode == 0
    _check_exactly_once(ws, expected)
    assert tree(inbox) == [], "after a clean run the inbox is empty"


def _clerk_files(root: str, url: str | None) -> None:
    workspace = archive_workspace(Path(root), url, import_units=False)
    with open_ledger(workspace.database_url) as ledger:
        clerk = Archivist(workspace, ledger, "文员")
        clerk.file_paths([workspace.root / "records" / "inbox"])
        clerk.file_paths([workspace.root / "扫描"])


def _watcher_files(root: str, url: str | None) -> None:
    workspace = archive_workspace(Path(root), url, import_units=False)
    with open_ledger(workspace.database_url) as ledger:
        watcher = InboxWatcher(Archivist(workspace, ledger, "归档服务"))
        for _ in range(3):
            watcher.run_once()


def test_a_watcher_and_a_clerk_filing_at_once_give_each_scan_one_gap_free_number(
    workspace: Workspace, ledger_url: str
) -> None:
    url = None if ledger_url.startswith("sqlite") else ledger_url
    ws = archive_workspace(workspace.root, url, import_units=False)
    open_ledger(ws.database_url).close()  # migrated first (two first uses at once are test_ledger's subject)
    inbox = ws.root / "records" / "inbox"
    expected = _burst(inbox, 0, 40)
    expected |= _burst(ws.root / "扫描", 100, 20)  # the clerk's own folder, filed beside the watcher
    run_at_once(_watcher_and_clerk, (str(ws.root), url), ["归档服务", "文员"], timeout=180)
    with open_ledger(ws.database_url) as ledger:
        items = list_items(ledger)
    assert sorted(item.sha256 for item in items) == sorted(expected)
    assert tree(inbox) == []
    _check_exactly_once(ws, expected)


def _watcher_and_clerk(root: str, url: str | None) -> None:
    # Both start filing at the same moment (a barrier of two files), whichever was quicker to start.
    import time

    me = multiprocessing.current_process().name
    (Path(root) / f"ready-{me}").touch()
    while len(list(Path(root).glob("ready-*"))) < 2:
        time.sleep(0.01)
    if me == "归档服务":
        _watcher_files(root, url)
    else:
        _clerk_files(root, url)


#: The batches of the kill test: small, so that three of them are a quick burst.
BATCH_SIZE = 25


def _watch_once_dying(root: str, point: str, after: int) -> None:
    """A watcher that kills itself (-9) at ``point`` of a burst filed in batches: the ``after``-th
    file published into the archive (mid-batch, before its commit), the first folder fsync of a
    batch (all placed, not committed), or the ``after``-th inbox copy removed (committed, the inbox
    not yet cleared)."""
    from recordkit.archive import archivist as module
    from recordkit.archive import watcher

    module.BATCH_SIZE = watcher.BATCH_SIZE = BATCH_SIZE  # type: ignore[misc]
    calls = 0

    def dying(real: Any) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            nonlocal calls
            calls += 1
            if calls >= after:
                os.kill(os.getpid(), signal.SIGKILL)
            return real(*args, **kwargs)

        return call

    if point == "placing":  # a sidecar published, or a scan linked into the archive
        module._publish_new = dying(module._publish_new)  # type: ignore[attr-defined]
        module._link_new = dying(module._link_new)  # type: ignore[attr-defined]
    elif point == "before-commit":
        module.fsync_directory = dying(module.fsync_directory)  # type: ignore[attr-defined]
    else:
        module.Archivist._remove_source = dying(module.Archivist._remove_source)  # type: ignore[method-assign]
    _watch_once(root, None)


@pytest.mark.parametrize(("point", "after"), [("placing", 40), ("before-commit", 1), ("after-commit", 28)])
def test_a_kill_inside_a_batch_loses_and_duplicates_nothing(workspace: Workspace, point: str, after: int) -> None:
    ws = archive_workspace(workspace.root, import_units=False)
    open_ledger(ws.database_url).close()
    inbox = ws.root / "records" / "inbox"
    expected = _burst(inbox, 0, 2 * BATCH_SIZE + 10)  # three batches: 25, 25 and 10 files
    fork = multiprocessing.get_context("fork")
    child = fork.Process(target=_watch_once_dying, args=(str(ws.root), point, after))
    child.start()
    child.join(120)
    assert child.exitcode == -signal.SIGKILL
    with open_ledger(ws.database_url) as ledger:
        filed = len(list_items(ledger))
    # Placing or before the commit: the batch in hand rolled back with the process, nothing filed yet.
    # After the commit: the first batch filed, the second committed with 2 of its 25 inbox copies removed.
    assert filed == {"placing": 0, "before-commit": 0, "after-commit": 2 * BATCH_SIZE}[point]
    last = fork.Process(target=_watch_once, args=(str(ws.root), None))
    last.start()
    last.join(120)
    assert last.exitcode == 0
    _check_exactly_once(ws, expected)
    with open_ledger(ws.database_url) as ledger:
        assert len(list_items(ledger)) == len(expected)
    assert tree(inbox) == [], "after a clean run the inbox is empty"
