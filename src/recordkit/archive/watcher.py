"""``recordkit watch``: the service that files whatever the scanner drops into records/inbox/.

The stability rule (``FileStabilityTracker``) is pure: it is told sizes, mtimes and the time.
The service around it takes watchdog's events (inotify, or polling for network shares), asks
the tracker, and hands stable files to ``intake.file_batch`` in batches (the next one read while
the one before is committed).  A file that has been still for a part of its window is read ahead
(validated, pages counted, hashed) while the rest of the window runs, so that once stable it is only
numbered, placed and committed; the reading stands only if the file is still the one that was read.
What it filed is indexed in a second stage, in steps between passes over the inbox.  An error in one file is logged and never stops the service.  Files are read in a contained reader process
(``contained``): SIGTERM abandons a reading in hand, lets a commit in hand finish, and the service exits 0.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import stat
import sys
import threading
import time
import warnings
from collections import deque
from collections.abc import Callable, Collection, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from watchdog import events as watchdog_events
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from recordkit.archive.archivist import (
    BATCH_SIZE,
    ArchiveAway,
    ArchiveMismatch,
    FilingOutcome,
    FolderListings,
    PreparedBatch,
    ReadAhead,
    is_sidecar_of_a_scan,
)
from recordkit.archive.contained import ReaderStopped, resume_readers, stop_readers
from recordkit.archive.emptied import EmptiedFolders
from recordkit.archive.intake import file_batch, index_items
from recordkit.archive.rules import HIDDEN_FILE
from recordkit.core.errors import LedgerError, LedgerMoved, RecordkitError, StorageError, storage_error
from recordkit.core.filenames import printable, readable_name
from recordkit.core.workspace import add_rotating_log

if TYPE_CHECKING:
    from recordkit.archive.archivist import ArchiveItem, Archivist

log = logging.getLogger(__name__)

#: A full rescan of the inbox this often even when no event came (a missed event never strands a file).
RESCAN_SECONDS = 30.0
#: The watched folders are looked at this often (one stat each): a clerk who deleted the inbox and made it again, or
#: moved it aside and made a new one, left the change notification on a folder that is no longer the inbox.
ROOT_CHECK_SECONDS = 2.0
#: After this many unexpected errors on one file it goes to quarantine instead of being retried for ever.
MAX_FAILURES = 3
#: Filed items indexed per step of the second stage: between two steps the inbox is looked at again,
#: so indexing a burst delays the filing of what arrives next by one step at most.
INDEX_STEP = 50
#: No step of the second stage when a file becomes stable sooner than this: filing comes first.
INDEX_CLEARANCE = 0.2
#: A file still for this share of the stability window is read ahead while the rest of the window runs
#: (a file being written changes sooner than that, and is not read again and again).
READ_AHEAD_SHARE = 0.1
#: When the ledger cannot take the files (its server restarting or away, busy, read-only, its disk full), or this
#: machine's disk refuses them (full, read-only, not ours to write), or the archive folder holds no file at all
#: (its disk not mounted, a NAS mount dropped while the service runs), they stay in the inbox
#: and are tried again after this many seconds, the pause doubling up to ``RETRY_MAX``: an hour's outage
#: of a PostgreSQL server costs ~120 tries, each logged, where trying at every pass made ~20 a second and rotated
#: the service's whole log away within two minutes.
RETRY_FIRST = 1.0
RETRY_MAX = 30.0
#: While they cannot be taken, the log says so again this often (the tries between are logged at debug level).
REMINDER_SECONDS = 600.0
#: An empty file waits this long in the inbox before it is quarantined: a scanner saving to a slow network share
#: creates the file long before it writes the pages.  Counted from the file's modification time (a restarted
#: service, ``--once`` from cron, see how long it has been empty), else from when the service first saw it.
EMPTY_SECONDS = 600.0


# -- the stability rule (pure) ----------------------------------------------------------------


@dataclass(frozen=True)
class Observation:
    size: int
    mtime_ns: int
    since: float  # when this size and mtime were first seen


@dataclass
class Held:
    """The files could not be filed since ``since`` (``what`` refused them: the ledger, the disk, or the archive
    folder without its files): they are tried again at ``retry_at``."""

    what: str
    since: float
    pause: float
    retry_at: float
    reminded: float  # when the log last said so


#: What refused the files, as the service says it, and as its log does.
LEDGER, DISK, ARCHIVE = "台账数据库", "归档所在的磁盘", "档案目录"
_ENGLISH = {LEDGER: "the ledger", DISK: "the disk", ARCHIVE: "the archive folder"}
#: What the service says when the archive folder is found without a file while it runs.
ARCHIVE_AWAY = "档案目录里一个文件也没有（存放档案的磁盘可能没有接好），收件箱里的文件先不归档"


def _refusal(err: BaseException) -> RecordkitError | None:
    """What makes files wait in the inbox rather than fail: the ledger busy, away or read-only (``LedgerError``),
    a disk full, read-only or not ours to write (``StorageError``, or the ``OSError`` it stands for), or the
    archive folder without a file while the catalogue has items (``ArchiveAway``: its disk dropped while the
    service runs) — a scan is never quarantined for it.  None for any other error (the file's own)."""
    if isinstance(err, LedgerError | StorageError | ArchiveAway):
        return err
    return storage_error(err) if isinstance(err, OSError) else None


def refused_by(err: RecordkitError) -> str:
    """``LEDGER``, ``DISK`` or ``ARCHIVE``: what refused the files (a ledger whose disk is full is the ledger)."""
    if isinstance(err, ArchiveAway):
        return ARCHIVE
    return LEDGER if isinstance(err, LedgerError) else DISK


def held_because(err: RecordkitError) -> str:
    """Why files were left in the inbox, in a few words (``--once``'s message)."""
    what = refused_by(err)
    return "档案目录里一个文件也没有" if what == ARCHIVE else f"{what}现在不能写入"


class FileStabilityTracker:
    """Decides when a file the scanner writes is complete: its size and mtime have not changed
    for ``window`` seconds — an empty file for ``empty_window`` (the scanner may not have begun writing it).
    Knows no clock and no disk: the caller passes what it saw and when."""

    def __init__(self, window: float, empty_window: float = EMPTY_SECONDS) -> None:
        self.window = window
        self.empty_window = max(window, empty_window)
        self._seen: dict[Any, Observation] = {}

    def window_of(self, seen: Observation) -> float:
        """How long a file seen as ``seen`` must stay unchanged."""
        return self.empty_window if seen.size == 0 else self.window

    def observe(self, key: Any, size: int, mtime_ns: int, now: float, age: float = 0.0) -> bool:
        """Record what was seen of ``key`` at ``now``; True when it has been unchanged for its window.  ``age``: how
        long an empty file has been as it is already (since its modification time), counted in its window."""
        previous = self._seen.get(key)
        if previous is None or (previous.size, previous.mtime_ns) != (size, mtime_ns):
            seen = self._seen[key] = Observation(size, mtime_ns, now - max(0.0, age) if size == 0 else now)
            return now - seen.since >= self.window_of(seen)
        return now - previous.since >= self.window_of(previous)

    def due(self, now: float) -> list[Any]:
        """The keys that were unchanged for their window when last seen, as of ``now``: to be looked at
        again, once, to confirm it (a change in between moves the mtime or the size, and is seen then)."""
        return [key for key, seen in self._seen.items() if now - seen.since >= self.window_of(seen)]

    def seen(self, key: Any) -> Observation | None:
        """What was last seen of ``key``, and since when (None: not being watched)."""
        return self._seen.get(key)

    def forget(self, key: Any) -> None:
        self._seen.pop(key, None)

    def pending(self) -> list[Any]:
        return list(self._seen)

    def seconds_to_next(self, now: float, empty: bool = True) -> float | None:
        """How long until the earliest pending file could be stable (without ``empty``: of those not empty); None
        when nothing is pending."""
        ends = [seen.since + self.window_of(seen) for seen in self._seen.values() if empty or seen.size]
        return max(0.0, min(ends) - now) if ends else None


#: Why a file still for its window may not open, as the service and ``--once`` say it.
CANNOT_OPEN = "没有读取权限，或还被别的程序占用"


def can_open(path: Path) -> bool:
    """The file can be opened for reading (a Windows share refuses while the scanner holds it)."""
    try:
        with path.open("rb"):
            return True
    except OSError:
        return False


# -- the service --------------------------------------------------------------------------------


class InboxWatcher:
    """Watches the inbox (and records/generated/ when ``[archive] file_generated``) and files what is stable."""

    def __init__(
        self,
        archivist: Archivist,
        *,
        polling: bool = False,
        interval: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        report: Callable[[FilingOutcome], None] | None = None,
        say: Callable[[str], None] | None = None,
        wall_clock: Callable[[], float] = time.time,
        empty_seconds: float = EMPTY_SECONDS,
    ) -> None:
        settings = archivist.settings
        self.archivist = archivist
        self.polling = polling
        self.interval = settings.poll_interval if interval is None else interval
        self.tracker = FileStabilityTracker(settings.stability_seconds, empty_seconds)
        self.clock = clock
        self.wall_clock = wall_clock  # the clock of files' modification times: how long an empty file has been
        self.report = report or (lambda outcome: None)
        self.say = say or (lambda line: None)  # what the service tells whoever watches it (Chinese)
        self.roots = [archivist.inbox]
        if settings.file_generated:
            self.roots.append(archivist.workspace.records_subdir("generated").resolve())
        self.stop_event = threading.Event()
        self._wake = threading.Event()
        # Set while a pass or the watch loop reads files: only then may ``stop`` abandon the reading in
        # hand.  Readers are shared by the whole process; a stop after the watcher ended must not leave
        # them refused for whatever else the process files (the demo, ``recordkit file``).
        # The lock makes "still reading? then stop the readers" one step against the loop's "done
        # reading: resume them" (re-entrant: a signal handler may run on the thread that holds it).
        self._reading = threading.Event()
        self._reading_lock = threading.RLock()
        self._dirty: set[Path] = set()
        self._lock = threading.Lock()
        # Watched folders the change notification saw deleted (it ends with them): watched again by the loop, also
        # when made again at once under the same inode number, which the loop's look at the folders cannot tell.
        self._lost_roots: set[Path] = set()
        self._observers_started = 0  # how many change notifications were started: an old one's events are dropped
        # Files the change notification saw written and not yet closed by their writer (inotify's IN_MODIFY, then
        # IN_CLOSE_WRITE): a scanner that keeps the file open through a pause (OCR) and then writes more.  Not stable
        # while in here, however long they stay unchanged: filed by a hard link, the later bytes would land in the
        # archived file.  Known only of files written while the service runs, and only with inotify (polling sees no
        # closes; a file opened before the service started is judged by the stability window alone).
        self._held_open: set[Path] = set()
        # Files still for their window that cannot be opened (no right to read them: a scan copied in by another
        # account), with the size and mtime they had when the service said so: said once, not taken for files
        # still being written.
        self._unopened: dict[Path, tuple[int, int]] = {}
        self._once = False  # ``run_once``: its summary names them, nothing is said on the way
        # Hidden files and broken links met in the watched folders, with why they are left there: said once each.
        self._not_filed: dict[Path, str] = {}
        # Folders of the inbox whose files a pass took away (filed or quarantined): removed once empty and still for
        # the stability window (``remove_emptied_folders``).
        self.emptied = EmptiedFolders(archivist, self.tracker.window, clock)
        self._failures: dict[Path, int] = {}
        #: Files left in the inbox because they could not be filed now (the ledger busy, away or read-only; a disk
        #: full or refusing), with why:
        #: ``--once`` says so and fails (a cron job must not read "nothing to file"); the service retries.
        self.held: dict[Path, RecordkitError] = {}
        self._pause: Held | None = None  # since when they could not be filed, and when to try again
        self._recover_when_back = False  # the archive folder held no file as the service started (``run``)
        self.max_failures = MAX_FAILURES
        archivist.quarantine_on_error = False  # the service retries a failing file, MAX_FAILURES times
        # Files outside the inbox (records/generated/) stay where they are: once handled, they are
        # skipped until they change, instead of being hashed again at every rescan.
        self._settled: dict[Path, tuple[int, int]] = {}
        # The second stage: items filed (numbered, in the archive, committed) and not yet indexed.
        self._unindexed: list[ArchiveItem] = []
        # Reading ahead: files read while their window runs (``Archivist.read_ahead``), by path; one
        # reading at a time in its own thread, whose end wakes the loop.
        self.read_ahead_after = settings.stability_seconds * READ_AHEAD_SHARE
        self._read: dict[Path, ReadAhead] = {}
        self._ahead: Future[dict[Path, ReadAhead]] | None = None
        self._ahead_paths: frozenset[Path] = frozenset()
        self._ahead_pool: ThreadPoolExecutor | None = None

    # -- discovering files --------------------------------------------------------------------

    def scan(self) -> Iterator[Path]:
        """Every file below the watched folders that may be filed (temporary files and sidecars skipped); each folder
        listed once for the rescan (``FolderListings``)."""
        listings = FolderListings()
        self._not_filed = {path: why for path, why in self._not_filed.items() if os.path.lexists(path)}
        for root in self.roots:
            for folder, dirs, names in os.walk(root):
                dirs[:] = sorted(d for d in dirs if not self.archivist.hidden_folder(d))
                for name in sorted(names):
                    path = Path(folder) / name
                    if self._watched(path, listings):
                        yield path

    def _watched(self, path: Path, listings: FolderListings) -> bool:
        """Whether a file met in a watched folder is watched to be filed.  A hidden file or a broken link is not, and
        is said once while it lies there (``left_alone``; ``--once`` lists them, ``not_filed``).  ``listings``: the
        folders the pass has listed."""
        if why := self.archivist.left_alone(path, listings=listings):
            if path not in self._not_filed:
                log.info("not filed: %s (%s)", printable(str(path)), "hidden" if why == HIDDEN_FILE else "broken link")
                if not self._once:
                    self.say(f"{self._shown(path)}：{why}")
            self._not_filed[path] = why
            return False
        return why is None

    def not_filed(self) -> list[tuple[str, str]]:
        """The hidden files and broken links met at the last look, each named as ``still_written`` names files, with
        why it is left in the inbox."""
        return sorted((self._shown(path), why) for path, why in self._not_filed.items() if os.path.lexists(path))

    def notify(self, path: str | bytes) -> None:
        """Called from watchdog's thread: a file was created, changed or moved in."""
        with self._lock:
            self._dirty.add(Path(os.fsdecode(path)))
        self._wake.set()

    def written(
        self, path: str | bytes, event_type: str, is_directory: bool = False, moved_to: str | bytes = ""
    ) -> None:
        """Called from watchdog's thread (inotify only) with each event: a file written to (``modified``) is held open
        until a writer closes it (``closed``) — renamed meanwhile (``scan.pdf.tmp`` to ``scan.pdf``), under its new
        name; one deleted or moved away (a folder: all below it) is no longer; when events were lost, none is
        (closings may be among them: the stability window alone judges)."""
        name = Path(os.fsdecode(path))
        with self._lock:
            if event_type == "events_lost":
                self._held_open.clear()
            elif event_type == "modified" and not is_directory:
                self._held_open.add(name)
            elif event_type == "moved" and not is_directory and name in self._held_open:
                self._held_open.discard(name)
                if moved_to:
                    self._held_open.add(Path(os.fsdecode(moved_to)))
            elif event_type == "closed" or (event_type in ("deleted", "moved") and not is_directory):
                self._held_open.discard(name)
            elif event_type in ("deleted", "moved"):
                self._held_open = {held for held in self._held_open if not held.is_relative_to(name)}

    def _take_dirty(self) -> set[Path]:
        with self._lock:
            dirty, self._dirty = self._dirty, set()
        listings = FolderListings()  # (a burst's events name a folder's files by the thousand)
        return {
            path
            for path in dirty
            if (path.is_file() or path.is_symlink() and not path.exists()) and self._watched(path, listings)
        }

    # -- one pass ------------------------------------------------------------------------------

    def check(self, candidates: set[Path]) -> list[FilingOutcome]:
        """Observe every candidate (a file an event or a rescan named) and every pending file whose window
        has run; file those that are stable.  A pending file with no event is not looked at before its
        window has run: a burst of a thousand scans costs a thousand looks per pass only when it is due.
        Files that become stable while the pass files the others join it, batch after batch."""
        stable = self._stable(candidates | set(self.tracker.due(self.clock())))
        if self._resting(self.clock()):  # the ledger or the disk refused a moment ago: the files wait for the next try
            return []
        if self._ahead is not None and not self._ahead_paths.isdisjoint(stable):
            self._take_read_ahead()  # the reading in hand is of files now stable: theirs is not done twice
        queue = deque(stable)
        busy = set(stable)  # read (or read again) in this pass, not ahead

        def take() -> list[Path]:
            return [queue.popleft() for _ in range(min(BATCH_SIZE, len(queue)))]

        outcomes: list[FilingOutcome] = []
        # A pipeline of two: the next batch is read and validated (reader processes, hashing) while the
        # one before it is numbered, placed and committed, so that a burst keeps both cores busy.  A batch
        # read ahead whole is prepared in turn instead: what is left of it is a little Python, which beside
        # the placing threads would only take turns with them.
        with ThreadPoolExecutor(max_workers=1) as ahead:

            def start(paths: list[Path]) -> Future[PreparedBatch | Exception] | None:
                return ahead.submit(self._prepare, paths) if any(path not in self._read for path in paths) else None

            paths = take()
            upcoming = start(paths) if paths else None
            while paths:
                try:
                    prepared = upcoming.result() if upcoming is not None else self._prepare(paths)
                except ReaderStopped:  # SIGTERM while a file was being read: the batch waits, untouched
                    log.info("stopping: the batch in hand stays in the inbox")
                    break
                if self.stop_event.is_set():  # SIGTERM: the batch in hand is finished, the rest waits
                    break
                # The files that became stable meanwhile (a burst becomes stable over a while) join the pass,
                # so that the next batch is read beside this one's filing instead of after the pass; those
                # being read ahead join once that reading is in.
                if self._ahead is not None and self._ahead.done():
                    self._take_read_ahead()
                joining = set(self.tracker.due(self.clock())) - busy - self._ahead_paths
                for path in self._stable(joining):
                    queue.append(path)
                    busy.add(path)
                following = take()
                upcoming = start(following) if following else None
                # The reading ahead goes on beside the filing (the readers are other processes): the files
                # of a burst that are not stable yet are read while the stable ones are filed.
                self._start_read_ahead(busy)
                outcomes += self._file_batch(paths, prepared)
                if self._resting(self.clock()):  # the ledger or the disk refused this batch: the rest waits too
                    self._waiting_too([*following, *queue])
                    if upcoming is not None:  # the next batch, read meanwhile, is not read again at the next try
                        self._keep(upcoming.result())
                    break
                paths = following
        self._start_read_ahead()
        return outcomes

    def _stable(self, paths: set[Path]) -> list[Path]:
        """Of ``paths``, in order, those stable now (and every file that is not a regular one); each is
        observed, a file that is gone forgotten, and so is a sidecar whose scan now lies beside it."""
        stable = []
        listings = FolderListings()
        for path in sorted(paths):
            if is_sidecar_of_a_scan(path, listings):
                # Written before its scan (a scanner that writes the sidecar first) and watched as a file of its own
                # until the scan came: the scan's now, filed with it, never quarantined as a sidecar without one.
                self.tracker.forget(path)
                continue
            try:
                status = path.stat()
            except OSError:  # gone (taken by a clerk), or unreadable: nothing to file now
                with self._lock:
                    self._held_open.discard(path)
                self.tracker.forget(path)
                self.held.pop(path, None)
                self._unopened.pop(path, None)
                continue
            if self._settled.get(path) == (status.st_size, status.st_mtime_ns):
                continue
            if not stat.S_ISREG(status.st_mode):
                # A FIFO, device or socket is never opened (reading a FIFO blocks the service for
                # good): the archivist quarantines it at once as not a regular file.
                stable.append(path)
                continue
            age = max(0.0, self.wall_clock() - status.st_mtime_ns / 1e9) if status.st_size == 0 else 0.0
            with self._lock:
                held_open = path in self._held_open
            if held_open:  # its writer still holds it: its window runs from the last look before it is closed
                self.tracker.forget(path)
                self.tracker.observe(path, status.st_size, status.st_mtime_ns, self.clock(), age)
                self._unopened.pop(path, None)
                continue
            if not self.tracker.observe(path, status.st_size, status.st_mtime_ns, self.clock(), age):
                self._unopened.pop(path, None)
            elif can_open(path):
                self._unopened.pop(path, None)
                stable.append(path)
            elif self._unopened.get(path) != (seen := (status.st_size, status.st_mtime_ns)):
                self._unopened[path] = seen
                self._cannot_open(path)
        return stable

    def _cannot_open(self, path: Path) -> None:
        """Said once of a file still for its window that cannot be opened: it waits in the inbox, looked at again,
        and is filed once it can be read (its rights changed, or the program holding it let it go)."""
        log.warning("cannot open %s: it stays in the inbox until it can be read", printable(str(path)))
        if not self._once:
            self.say(f"{self._shown(path)} 打不开（{CANNOT_OPEN}），留在收件箱，能打开后自动归档")

    def _prepare(self, paths: list[Path]) -> PreparedBatch | Exception:
        """A batch read and validated (what was read ahead of these very files not read again); an
        unexpected error is handed to the filing (one by one then)."""
        try:
            return self.archivist.prepare([(path, None) for path in paths], read=self._read)
        except Exception as err:  # noqa: BLE001 - the batch is then filed one file at a time
            return err

    # -- reading ahead -------------------------------------------------------------------------

    def _due_for_reading(self, now: float, busy: Collection[Path] = ()) -> list[tuple[float, Path]]:
        """The watched files still for ``read_ahead_after`` whose window has not run yet, that have no
        reading of what they are now (and are not ``busy``: being filed), each with the time it became
        due, the earliest first.  A file whose window has run is read by the pass that files it, in the
        pipeline beside the batch before it, not ahead: the pass would only wait for that reading."""
        due = []
        for path in self.tracker.pending():
            seen = self.tracker.seen(path)
            if seen is None or path in self._ahead_paths or path in busy or now - seen.since >= self.tracker.window:
                continue
            if seen.size == 0:  # nothing to read yet: an empty file is only looked at again
                continue
            read = self._read.get(path)
            if read is not None and read.key[2:] == (seen.size, seen.mtime_ns):
                continue
            due.append((seen.since + self.read_ahead_after, path))
        return sorted(due, key=lambda entry: entry[0])

    def _start_read_ahead(self, busy: Collection[Path] = ()) -> None:
        """Read ahead (in the reading thread) up to a batch of the files due and not ``busy`` (being filed
        in the pass in hand), unless a reading is in hand; forget the readings of files no longer
        watched (filed, quarantined, gone)."""
        if self._ahead is not None and self._ahead.done():
            self._take_read_ahead()
        watched = set(self.tracker.pending())
        self._read = {path: read for path, read in self._read.items() if path in watched}
        if self._ahead is not None or self.stop_event.is_set() or not self._reading.is_set():
            return
        now = self.clock()
        paths = [path for at, path in self._due_for_reading(now, busy) if at <= now][:BATCH_SIZE]
        if not paths:
            return
        if self._ahead_pool is None:
            self._ahead_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="recordkit-read-ahead")
        self._ahead_paths = frozenset(paths)
        self._ahead = self._ahead_pool.submit(self.archivist.read_ahead, paths)
        self._ahead.add_done_callback(lambda _: self._wake.set())  # the loop looks for the next ones

    def _take_read_ahead(self) -> None:
        """Wait for the reading in hand and keep what it found."""
        if self._ahead is None:
            return
        try:
            self._read.update(self._ahead.result())
        except ReaderStopped:  # the service is stopping: the files are read again when it starts
            pass
        except Exception:  # noqa: BLE001 - only a head start lost: the files are read when stable
            log.exception("reading ahead failed; the files are read once stable")
        self._ahead, self._ahead_paths = None, frozenset()

    def _seconds_to_read_ahead(self, now: float) -> float | None:
        """How long until a file is due to be read ahead (None: none, or a reading in hand, whose end
        wakes the loop)."""
        if self._ahead is not None:
            return None
        due = self._due_for_reading(now)
        return max(0.0, due[0][0] - now) if due else None

    def _end_read_ahead(self) -> None:
        """The reading thread ended, its reading (stopped with the readers on SIGTERM) waited for."""
        if self._ahead_pool is not None:
            self._ahead_pool.shutdown(wait=True, cancel_futures=True)
            self._ahead_pool = None
        self._ahead, self._ahead_paths, self._read = None, frozenset(), {}

    def _file_batch(self, paths: list[Path], prepared: PreparedBatch | Exception | None = None) -> list[FilingOutcome]:
        try:
            if isinstance(prepared, Exception):
                raise prepared
            outcomes = file_batch(self.archivist, [(path, None) for path in paths], index=False, prepared=prepared)
        except LedgerMoved:  # the service stops; started again, it reads the new address in recordkit.toml
            raise
        except ArchiveMismatch:  # the ledger is older than the archive: filing stops, nothing is touched
            raise
        except Exception as err:  # noqa: BLE001 - one by one, so that only the bad file fails
            if (refused := _refusal(err)) is not None:  # the ledger or the disk: the files wait in the inbox
                self._keep(prepared)
                self._hold(paths, refused)
                return []
            singly = []
            for number, path in enumerate(paths):
                if self._resting(self.clock()):
                    self._waiting_too(paths[number:])
                    break
                if (outcome := self._file_one(path)) is not None:
                    singly.append(outcome)
            return singly
        self._resume()
        for path, outcome in zip(paths, outcomes, strict=True):
            self._done(path, outcome)
        return outcomes

    def _keep(self, prepared: PreparedBatch | Exception | None) -> None:
        """What a batch that now waits (its ledger or its disk refused) read of its files, kept as readings: they are
        not read again (hashed, their pages counted) at every try while they wait, only when they change."""
        if isinstance(prepared, PreparedBatch):
            self._read.update(self.archivist.readings(prepared))

    def _done(self, path: Path, outcome: FilingOutcome) -> None:
        self.held.pop(path, None)
        self.emptied.taken(path, outcome)
        if outcome.status == "filed" and outcome.item is not None:
            self._unindexed.append(outcome.item)
        if outcome.status != "waiting":
            self.tracker.forget(path)
            self._failures.pop(path, None)
            # A file outside the inbox stays where it is; a filed or quarantined one this account may not remove from
            # the inbox (a folder of another account) too: neither is read again until it changes.
            if not self.archivist.in_inbox(path) or outcome.left_behind:
                try:
                    status = path.stat()
                    self._settled[path] = (status.st_size, status.st_mtime_ns)
                except FileNotFoundError:
                    self._settled.pop(path, None)
        if outcome.status == "already_filed" and not self.archivist.in_inbox(path):
            return  # a generated document filed before: nothing to say
        self.report(outcome)  # outcomes are reported, never kept: memory stays flat all day

    def _file_one(self, path: Path) -> FilingOutcome | None:
        try:
            outcome = file_batch(self.archivist, [(path, None)], index=False)[0]
        except LedgerMoved:
            raise
        except ArchiveMismatch:
            raise
        except Exception as err:  # one bad file never stops the service
            if (refused := _refusal(err)) is not None:  # the ledger or the disk: the file waits in the inbox
                self._hold([path], refused)
                return None
            failures = self._failures.get(path, 0) + 1
            self._failures[path] = failures
            log.exception("filing %s failed (%d of %d)", printable(str(path)), failures, self.max_failures)
            if failures < self.max_failures:
                return None
            self.tracker.forget(path)
            self._failures.pop(path, None)
            reason = f"归档时多次出错（{type(err).__name__}），详情见 records/logs/watch.log"
            moved = self.archivist.quarantine(path, reason) if self.archivist.in_inbox(path) else None
            shown = moved.relative_to(self.archivist.workspace.root).as_posix() if moved else None
            left = moved is not None and os.path.lexists(path)
            outcome = FilingOutcome(path.name, "quarantined", reason=reason, quarantine_path=shown, left_behind=left)
        else:
            self._resume()
        self._done(path, outcome)
        return outcome

    # -- folders the filing emptied -----------------------------------------------------------

    def remove_emptied_folders(self) -> None:
        """Remove the inbox folders a pass emptied, once still for the stability window (``EmptiedFolders.remove``)."""
        self.emptied.remove()

    # -- a ledger or a disk that cannot take the files ---------------------------------------

    def _hold(self, paths: list[Path], err: RecordkitError) -> None:
        """``paths`` stay in the inbox: the ledger or the disk could not take them.  The first failure is logged
        and said; the next try waits a pause that doubles up to ``RETRY_MAX``."""
        self.held.update(dict.fromkeys(paths, err))
        now, pause, waiting = self.clock(), self._pause, len(self.held)
        if pause is None:
            what = refused_by(err)
            log.warning("%s refuses, %d files stay in the inbox: %s", _ENGLISH[what], waiting, err.message)
            if what == ARCHIVE:  # (its message is the one for a clerk's PC, where the service refuses to start)
                self.say(ARCHIVE_AWAY)
            else:
                self.say(f"{what}暂时不能写入，{waiting} 个文件先留在收件箱，恢复后自动归档：{err.message}")
            self._pause = Held(what, now, RETRY_FIRST, now + RETRY_FIRST, now)
            return
        pause.pause = min(pause.pause * 2, RETRY_MAX)
        pause.retry_at = now + pause.pause
        if now - pause.reminded >= REMINDER_SECONDS:
            pause.reminded = now
            log.warning(
                "files still held back after %.0f s, %d files wait: %s", now - pause.since, waiting, err.message
            )
        else:
            log.debug("files still held back, next try in %.0f s: %s", pause.pause, err.message)

    @property
    def refusal(self) -> RecordkitError | None:
        """Why files are held now: the latest refusal (None when none are)."""
        return next(reversed(self.held.values()), None)

    def _waiting_too(self, paths: list[Path]) -> None:
        """``paths``, not tried, wait as the files just refused do (``--once`` counts them)."""
        why = self.refusal
        assert why is not None  # (called right after a refusal)
        self.held.update(dict.fromkeys(paths, why))

    def _resume(self) -> None:
        """A batch was taken (or a file answered for): filing goes on as usual."""
        if self._pause is not None:
            seconds, what = self.clock() - self._pause.since, self._pause.what
            self._pause = None
            log.info("%s takes files again after %.0f s", _ENGLISH[what], seconds)
            if what == ARCHIVE:
                self.say(f"档案目录里又有文件了（约 {seconds:.0f} 秒没有归档），继续归档")
            else:
                self.say(f"{what}已恢复（约 {seconds:.0f} 秒不能写入），继续归档")

    def _resting(self, now: float) -> bool:
        """Whether the ledger or the disk refused a moment ago and its pause has not run (files that waited and were
        taken away from the inbox meanwhile leave nothing to wait for: the next file is tried at once)."""
        if self._pause is not None and not self.held:
            self._pause = None
        return self._pause is not None and now < self._pause.retry_at

    @property
    def unindexed(self) -> int:
        """How many filed items wait for the second stage (indexing)."""
        return len(self._unindexed)

    def index_step(self, limit: int | None = INDEX_STEP) -> int:
        """The second stage: index up to ``limit`` (None: all) of the items filed and not yet indexed;
        returns how many are left.  Filing never waits for it: the service runs a step only between
        passes over the inbox."""
        step = self._unindexed[:limit]
        if step:
            index_items(self.archivist, step)
        del self._unindexed[: len(step)]  # counted as waiting until indexed (``unindexed``)
        return len(self._unindexed)

    # -- running -------------------------------------------------------------------------------

    def run_once(self, sleep: Callable[[float], None] = time.sleep) -> list[FilingOutcome]:
        """File what is in the inbox now and return (``--once``): files still being written stay.

        A file that fails in an unexpected way is quarantined at once: the next run (cron) would
        meet it again, and it must not be retried for ever."""
        self.max_failures = 1
        self.archivist.quarantine_on_error = True
        self._once = True
        resume_readers()
        self._reading.set()
        try:
            self.recover()
            found = set(self.scan())
            outcomes = self.check(found)
            # (an empty file is not waited for: it stays in the inbox, the next run or the service looks again)
            wait = self.tracker.seconds_to_next(self.clock(), empty=False)
            if wait is not None and not self.stop_event.is_set():
                sleep(wait)
                outcomes += self.check(set())
            self.emptied.remove_once_still(sleep, self.stop_event.is_set)
            if not self.stop_event.is_set():
                self.index_step(None)
            return outcomes
        finally:
            self._end_read_ahead()
            self._done_reading()

    def still_written(self) -> list[str]:
        """The files still changing at the last look (``--once`` leaves them in the inbox), as the clerk sees
        their names: relative to the inbox, read as GBK where they are not UTF-8.  Not those the ledger or the disk
        refused (``held``): they had stopped changing, and ``--once`` says why they wait."""
        return self._pending_names(empty=False)

    def still_unopened(self) -> list[str]:
        """The files that had stopped changing but could not be opened at the last look (left in the inbox), named
        as ``still_written`` names files."""
        return sorted(self._shown(path) for path in self._unopened if path.exists())

    def _shown(self, path: Path) -> str:
        inbox = self.archivist.inbox
        return readable_name(str(path.relative_to(inbox)) if path.is_relative_to(inbox) else path.name)

    def still_empty(self) -> list[str]:
        """The empty files left in the inbox at the last look, not yet empty for ``EMPTY_SECONDS`` (the scanner may
        write them yet), named as ``still_written`` names files."""
        return self._pending_names(empty=True)

    def _pending_names(self, empty: bool) -> list[str]:
        return sorted(
            self._shown(path)
            for path, seen in ((Path(key), self.tracker.seen(key)) for key in self.tracker.pending())
            if seen is not None
            and (seen.size == 0) == empty
            and path.exists()
            and path not in self._unopened
            and path not in self.held
        )

    def recover(self) -> None:
        self.archivist.recover()  # logs what it finished or rolled back

    def run(self) -> None:
        """Watch until ``stop_event`` is set (SIGTERM, SIGINT).  A batch being committed is finished; a file
        being read is abandoned (its reader process killed) and stays in the inbox."""
        resume_readers()
        try:
            self.recover()
        except ArchiveAway as away:
            # A server whose archive disk is not mounted yet as the service starts (a NAS after a reboot): it waits
            # for it as for a disk dropped while it runs — refused at start, it would be started again every few
            # seconds by systemd — and finishes what a killed filing left there once the archive is back.
            log.warning("the archive folder holds no file: waiting for it (%s)", away.message)
            self.say(ARCHIVE_AWAY)
            self._recover_when_back = True
        observer = self._start_observer()
        self._reading.set()
        try:
            candidates = set(self.scan())
            last_scan = self.clock()
            roots = self._root_identities()
            while not self.stop_event.is_set():
                filed = False
                if self._lost_roots or (now_roots := self._root_identities()) != roots or None in now_roots:
                    # the inbox deleted, or replaced (or not made again yet: a file in its place)
                    observer = self._watch_again(observer, roots)
                    roots, candidates = self._root_identities(), candidates | set(self.scan())
                try:
                    if self._recover_when_back and self.archivist.holds_files():
                        self.recover()
                        self._recover_when_back = False
                    filed = bool(self.check(candidates | self._take_dirty()))
                    self.remove_emptied_folders()
                except (ArchiveMismatch, LedgerMoved):  # the service stops: filing on would overwrite archived
                    raise  # files, or file into a ledger nobody reads any more
                except Exception:  # noqa: BLE001 - the service keeps running; the next pass tries again
                    log.exception("inbox check failed; trying again")
                    self.stop_event.wait(self.interval)
                if self.stop_event.is_set():
                    break
                now = self.clock()
                due = self.tracker.seconds_to_next(now)
                if self._resting(now) and self._pause is not None:  # nothing is filed before the next try
                    due = max(due or 0.0, self._pause.retry_at - now)
                if filed and due == 0:  # more became stable while a burst was filed: on with them at once
                    candidates = set()
                    continue
                if self._unindexed and self._pause is None and (due is None or due > INDEX_CLEARANCE or due == 0):
                    # A step of the second stage, then the inbox again at once; none while files are about
                    # to become stable: they are filed first.  (Due now and not filed: a file that cannot
                    # be opened yet, which must not hold the index up.)
                    self.index_step()
                    candidates = set()
                    continue
                reading = self._seconds_to_read_ahead(now)
                if reading is not None:
                    due = reading if due is None else min(due, reading)
                timeout = ROOT_CHECK_SECONDS if due is None else max(min(due, self.interval, ROOT_CHECK_SECONDS), 0.05)
                self._wake.wait(timeout)
                self._wake.clear()
                candidates = set()
                if self.clock() - last_scan >= RESCAN_SECONDS:
                    candidates, last_scan = set(self.scan()), self.clock()
        finally:
            if self._unindexed:
                log.info("stopping: %d filed items left for the nightly index", len(self._unindexed))
            observer.stop()
            observer.join(timeout=5)
            self._end_read_ahead()
            self._done_reading()  # stopping this watcher never stops readings elsewhere in the process

    def stop(self, *_: Any) -> None:
        """Safe from a signal handler: the loop ends, and a file being read is abandoned at once."""
        self.stop_event.set()
        self._wake.set()
        with self._reading_lock:
            if self._reading.is_set():
                stop_readers()

    def _done_reading(self) -> None:
        with self._reading_lock:
            self._reading.clear()
            resume_readers()

    def _root_identities(self) -> list[tuple[int, int] | None]:
        """Which folder each watched root is now (device and inode; None: gone)."""
        identities: list[tuple[int, int] | None] = []
        for root in self.roots:
            try:
                status = root.stat()
            except OSError:
                identities.append(None)
                continue
            identities.append((status.st_dev, status.st_ino) if stat.S_ISDIR(status.st_mode) else None)
        return identities

    def _watch_again(self, observer: Any, before: list[tuple[int, int] | None]) -> Any:
        """A watched folder was deleted or replaced while the service runs (``before``: which folders they were): a
        deleted one is made again (as at start), and the change notification, which stayed with the old folder (or
        ended with it), is moved to the new one."""
        with self._lock:
            lost, self._lost_roots = self._lost_roots, set()
        changed = False
        for root, was, now in zip(self.roots, before, self._root_identities(), strict=True):
            if now == was and now is not None and root not in lost:
                continue
            gone = now is None
            try:
                root.mkdir(parents=True, exist_ok=True)
            except OSError as err:  # (a file in its place, a disk that refuses: tried again at each pass, said once)
                if was is not None:
                    log.warning("cannot make %s again: %s", printable(str(root)), err)
                continue
            changed = True
            log.warning(
                "%s was %s while the service runs: watching the new one", root, "deleted" if gone else "replaced"
            )
            shown = "收件箱" if root == self.archivist.inbox else "records/generated"
            self.say(f"{shown}文件夹{'被删除了，已重新建立' if gone else '换成了新的'}，继续监视新的文件夹")
        if not changed:
            return observer
        observer.stop()
        observer.join(timeout=5)
        with self._lock:  # a loss the stopped observer delivered late is the old folder's, handled above
            self._lost_roots.clear()
        return self._start_observer()

    def _start_observer(self) -> Any:
        watcher = self
        # Each observer's events are its own: one stopped for a replaced inbox may still deliver what it had queued
        # (the old folder's deletion), which would be taken for the new folder's.
        self._observers_started = generation = self._observers_started + 1

        class _Handler(FileSystemEventHandler):
            def on_any_event(self, event: FileSystemEvent) -> None:
                if generation != watcher._observers_started:
                    return
                if (
                    event.is_directory
                    and event.event_type == "deleted"
                    and (gone := Path(os.fsdecode(event.src_path))) in roots
                ):
                    with watcher._lock:
                        watcher._lost_roots.add(gone)
                    watcher._wake.set()
                    return
                if sees_closes:
                    watcher.written(event.src_path, event.event_type, event.is_directory, event.dest_path)
                if event.is_directory and event.event_type != "moved":
                    return
                if event.event_type in ("created", "modified", "closed", "moved"):
                    target = getattr(event, "dest_path", "") or event.src_path
                    if event.is_directory:  # a whole folder moved in: rescan it
                        for path in Path(os.fsdecode(target)).rglob("*"):
                            watcher.notify(str(path))
                    else:
                        watcher.notify(target)

        # watchdog's inotify observer, walking a folder just made while also told of it, adds the same
        # watch twice and warns (a multi-kilobyte line in the service's log); the watch is simply reused.
        warnings.filterwarnings(
            "ignore", message="Callback with id .* already exists for watch", category=RuntimeWarning
        )
        roots = set(self.roots)
        # Only inotify tells a writer's closing (IN_CLOSE_WRITE) from its writing; polling sees changes alone.  And
        # only a watchdog that reports a change of a file's times or rights (IN_ATTRIB: a copy that sets its time
        # after closing, a chmod) as an event of its own, not as ``modified``: an older one would hold such a file
        # open for ever, no close to follow.
        sees_closes = (
            not self.polling and sys.platform.startswith("linux") and hasattr(watchdog_events, "FileAttribEvent")
        )
        if self.polling:
            observer: Any = PollingObserver(timeout=self.interval)
        else:
            observer = Observer()
        for root in self.roots:
            observer.schedule(_Handler(), str(root), recursive=True)
        observer.daemon = True
        observer.start()
        return observer


@contextlib.contextmanager
def signal_handlers(watcher: InboxWatcher) -> Iterator[None]:
    """While inside: SIGTERM (systemd stop) and SIGINT (Ctrl+C) end the service after the current file.
    The handlers before are put back on the way out, so a process that goes on (a test, a caller
    embedding the service) is not left with a handler of a watcher that has ended."""
    previous = {number: signal.signal(number, watcher.stop) for number in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


_WATCH_LOG_HANDLER = "recordkit-watch"


def setup_watch_log(logs_dir: Path) -> Path:
    """The service's own rotating log, records/logs/watch.log (5 x 2 MB), beside recordkit.log."""
    return add_rotating_log(logs_dir / "watch.log", _WATCH_LOG_HANDLER)
