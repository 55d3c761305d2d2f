"""Watch-service benchmark: a burst of mixed scans dropped at once, the real service against a naive filer.

The real service is ``InboxWatcher`` (watchdog inotify, the stability window — during which a still file
is read ahead: validation and page counts in the reader processes, SHA-256, its data fsynced —, the
scan moved into the archive by hard link, sidecar, ledger row and journal under the write lock).  A file counts as filed when it is: archive number given,
in the archive tree durably (file, sidecar and folder fsynced), ledger and journal rows committed.
Indexing follows in the service's second stage and is not part of the figure.
The naive baseline, in the same run on the same files, sleeps a fixed interval, then for each file
in the inbox copies it into the archive, inserts one row and commits, and deletes it: no
validation, no fsync, no sidecar, no journal, not crash-safe.

A third filer is the real service filing one file per ledger transaction (``BATCH_SIZE`` 1), the
baseline for group commit (issue 20, item 11): the same checks, one commit and one folder fsync per
file instead of per batch (up to ``BATCH_SIZE``), one round trip to the reader process per file.

Reported: files/s over the burst, the p95 time from a file being complete (renamed into the inbox)
to being filed minus the stability window, the fsyncs recordkit makes itself (files, sidecars,
folders; SQLite's own commit fsync is inside the commit) per file and per batch with their time,
memory growth of the service over ``--files`` files, the CPU seconds a burst costs (from the drop to
the last file filed: this process, its threads and its live child processes — the reader processes —,
median of the runs), and the CPU the service uses while the inbox is idle.  Making the scans is not timed.  Before any PASS: every filer filed every scan of the burst
exactly once (the SHA-256 of each staged scan against what the filer recorded), and for the real
service each ledger row's file is in the archive with that SHA-256.  The burst is run ``--runs``
times (3 by default) and the medians are shown.

    python benchmarks/bench_watch.py                    # 1,000-file burst, 10,000 files for memory
    python benchmarks/bench_watch.py --burst 200 --files 1000 --idle 3 --runs 1  # a quick look
    PYTHONPATH=../other/src python benchmarks/bench_watch.py --files 1000 --filers service  # A/B: another checkout
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from recordkit.archive import archivist as archivist_module
from recordkit.archive import watcher as watcher_module
from recordkit.archive.archivist import Archivist, FilingOutcome, list_items
from recordkit.archive.watcher import InboxWatcher
from recordkit.core.workspace import init_workspace, open_workspace
from recordkit.demo.scans import scan_bytes
from recordkit.ledger.db import open_ledger

if TYPE_CHECKING:
    from _typeshed import FileDescriptorLike

WINDOW = 1.0  # stability window of the benchmark (the office default is 2 s)
GOAL_P95_OVER_WINDOW = 1.0
WARM = 4  # scans filed before the burst, not timed: a running service's reader processes are up
GOAL_MEMORY_MB = 20.0


def cpu_seconds() -> float:
    """CPU time (user + system) of this process, its threads and its live child processes (the service's
    reader processes), from /proc: the work a burst costs, less dependent on the load than wall time."""
    total = time.process_time()
    ticks = os.sysconf("SC_CLK_TCK")
    for child in multiprocessing.active_children():
        try:
            with open(f"/proc/{child.pid}/stat", encoding="ascii") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


# -- the scans ----------------------------------------------------------------------------------


class ScanPool:
    """Mixed scans (PDF 1-3 pages, JPG, PNG, multi-page TIFF, DOCX, XLSX), each file unique."""

    def __init__(self, size: int = 60) -> None:
        kinds = ("pdf", "jpg", "png", "tiff")
        self.bases = [
            (kind, scan_bytes(kind, number, pages=1 + number % 3))
            for number in range(size)
            for kind in (kinds[number % len(kinds)],)
        ]
        self.office = [("docx", _docx_bytes()), ("xlsx", _xlsx_bytes())]

    def file(self, number: int) -> tuple[str, bytes]:
        if number % 10 == 9:  # one in ten an office file
            kind, data = self.office[number % 2]
            return kind, _unique_zip(data, number)
        kind, data = self.bases[number % len(self.bases)]
        # Trailing bytes after the end of the image or PDF make each file unique; readers ignore them.
        return kind, data + b"\n%% scan %d\n" % number


def _docx_bytes() -> bytes:
    import io

    from docx import Document

    document = Document()
    document.add_paragraph("保洁服务合同")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _xlsx_bytes() -> bytes:
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["收据号", "金额"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _unique_zip(data: bytes, number: int) -> bytes:
    import io
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr("customXml/scan.txt", f"scan {number}")
    return buffer.getvalue()


def stage(pool: ScanPool, folder: Path, start: int, count: int) -> list[Path]:
    """Write scans to a staging folder on the same file system (not timed)."""
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    extension = {"tiff": "tif"}
    for number in range(start, start + count):
        kind, data = pool.file(number)
        category = ("业主档案/1-1-101", "工程档案/电梯", "合同", "财务档案")[number % 4]
        path = folder / category / f"扫描{number:05d}.{extension.get(kind, kind)}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        made.append(path)
    return made


def drop(staged: list[Path], staging: Path, inbox: Path) -> dict[str, float]:
    """Rename every staged scan into the inbox at once; returns when each became complete there."""
    complete = {}
    for path in staged:
        target = inbox / path.relative_to(staging)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
        complete[target.name] = time.monotonic()
    return complete


# -- the two filers -----------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    files: int
    seconds: float
    latencies: list[float]
    memory_growth_mb: float | None = None
    idle_cpu_percent: float | None = None
    fsyncs: int = 0
    fsync_seconds: float = 0.0
    fsync_wall: float = 0.0
    commits: int | None = None
    problems: list[str] | None = None
    cpu: float = 0.0

    @property
    def files_per_second(self) -> float:
        return self.files / self.seconds

    @property
    def p95(self) -> float:
        return statistics.quantiles(self.latencies, n=20)[-1]


class RealService:
    name = "recordkit watch（inotify）"

    def __init__(self, root: Path) -> None:
        self.workspace = open_workspace(root, environ={"RECORDKIT_ARCHIVE_STABILITY_SECONDS": str(WINDOW)})
        self.ledger = open_ledger(self.workspace.database_url)
        self.filed: dict[str, float] = {}
        self.watcher = InboxWatcher(Archivist(self.workspace, self.ledger, "bench"), report=self._record)
        self.thread = threading.Thread(target=self.watcher.run, daemon=True)

    def _record(self, outcome: FilingOutcome) -> None:
        if outcome.status == "filed":
            self.filed[Path(outcome.source).name] = time.monotonic()
        else:
            print(f"  ! {outcome.source}: {outcome.status} {outcome.reason}", file=sys.stderr)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.watcher.stop()
        self.thread.join(30)
        self.ledger.close()

    def commits(self) -> int:
        return self.ledger.commits

    def digests(self) -> list[str]:
        return [item.sha256 for item in list_items(self.ledger)]

    def misplaced(self) -> list[str]:
        """Ledger rows whose file is not in the archive with the recorded SHA-256 (none, when filed)."""
        wrong = []
        for item in list_items(self.ledger):
            path = self.workspace.root / item.path
            if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != item.sha256:
                wrong.append(item.archive_no)
        return wrong

    def settled(self) -> bool:
        """The second stage (indexing) has caught up: the service is idle."""
        return self.watcher.unindexed == 0


class OneByOneService(RealService):
    """The real service, one file per ledger transaction: the baseline for group commit."""

    name = "recordkit watch，每个文件一次提交"

    def start(self) -> None:
        self.batch = archivist_module.BATCH_SIZE
        archivist_module.BATCH_SIZE = watcher_module.BATCH_SIZE = 1
        super().start()

    def stop(self) -> None:
        super().stop()
        archivist_module.BATCH_SIZE = watcher_module.BATCH_SIZE = self.batch


class NaiveFiler:
    """Copy, then one INSERT and commit per file, polling with a fixed sleep of the window."""

    name = "naive: sleep-poll, copy, insert per file"

    def __init__(self, root: Path) -> None:
        self.inbox = root / "records" / "inbox"
        self.archive = root / "records" / "archive"
        self.db = root / "naive.sqlite3"
        self.filed: dict[str, float] = {}
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        conn = sqlite3.connect(self.db)
        conn.execute("CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, name TEXT, sha256 TEXT, path TEXT)")
        while not self.stopped.wait(WINDOW):  # "wait until the scanner is surely done"
            for folder, _dirs, names in os.walk(self.inbox):
                for name in names:
                    source = Path(folder) / name
                    target = self.archive / source.relative_to(self.inbox)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(source, target)
                    digest = hashlib.sha256(target.read_bytes()).hexdigest()
                    conn.execute("INSERT INTO items (name, sha256, path) VALUES (?, ?, ?)", (name, digest, str(target)))
                    conn.commit()
                    source.unlink()
                    self.filed[name] = time.monotonic()
        conn.close()

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(30)

    def commits(self) -> int | None:
        return None

    def digests(self) -> list[str]:
        with sqlite3.connect(self.db) as conn:
            return [row[0] for row in conn.execute("SELECT sha256 FROM items")]

    def misplaced(self) -> list[str]:
        with sqlite3.connect(self.db) as conn:
            rows = conn.execute("SELECT path, sha256 FROM items").fetchall()
        return [path for path, digest in rows if hashlib.sha256(Path(path).read_bytes()).hexdigest() != digest]

    def settled(self) -> bool:
        return True


def wait_until(condition: Callable[[], bool], limit: float = 3600) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("the filer did not finish")
        time.sleep(0.02)


def idle_cpu(seconds: float) -> float:
    """CPU percent this process used over ``seconds`` of doing nothing but running the filer's thread."""
    start_cpu, start = time.process_time(), time.monotonic()
    time.sleep(seconds)
    return 100 * (time.process_time() - start_cpu) / (time.monotonic() - start)


class FsyncCount:
    """Counts and times ``os.fsync`` in every thread while it is on (recordkit's own fsyncs): ``seconds``
    summed over the calls, ``wall`` the time during which at least one was under way (side by side in
    threads, many fsyncs cost about one)."""

    def __init__(self) -> None:
        self.calls = 0
        self.seconds = 0.0
        self.wall = 0.0
        self.real = os.fsync
        self._lock = threading.Lock()
        self._running = 0
        self._since = 0.0

    def __enter__(self) -> FsyncCount:
        def counted(fd: FileDescriptorLike) -> None:
            started = time.perf_counter()
            with self._lock:
                if self._running == 0:
                    self._since = started
                self._running += 1
            try:
                self.real(fd)
            finally:
                ended = time.perf_counter()
                with self._lock:
                    self.seconds += ended - started
                    self.calls += 1
                    self._running -= 1
                    if self._running == 0:
                        self.wall += ended - self._since

        os.fsync = counted
        return self

    def __exit__(self, *exc: object) -> None:
        os.fsync = self.real


def filed_at_least(filer: RealService | NaiveFiler, count: int) -> bool:
    """Whether ``filer`` has filed ``count`` scans (``wait_until``'s condition)."""
    return len(filer.filed) >= count


def measure(
    make: Callable[[Path], RealService | NaiveFiler], pool: ScanPool, burst: int, total: int, idle_seconds: float
) -> Result:
    root = init_workspace(Path(tempfile.mkdtemp(prefix="bench-watch-")) / "ws")
    staging = root / "staging"
    inbox = root / "records" / "inbox"
    filer = make(root)
    filer.start()
    time.sleep(0.5)  # the observer is up
    # A running service has filed something before: its reader processes are up (started once, ~0.15 s
    # on a quiet machine, seconds on a busy one), so a few scans go first, not timed or counted.
    warm = stage(pool, staging / "warm", burst + total, WARM)
    drop(warm, staging / "warm", inbox)
    wait_until(lambda: len(filer.filed) >= WARM)
    filer.filed.clear()
    staged = stage(pool, staging, 0, burst)
    expected = sorted(hashlib.sha256(path.read_bytes()).hexdigest() for path in staged)
    commits_before = filer.commits()
    cpu_before = cpu_seconds()
    with FsyncCount() as fsyncs:
        complete = drop(staged, staging, inbox)
        started = min(complete.values())
        wait_until(lambda: len(filer.filed) >= burst)
    cpu = cpu_seconds() - cpu_before
    seconds = max(filer.filed.values()) - started
    latencies = [filer.filed[name] - done for name, done in complete.items()]
    commits_after = filer.commits()
    commits = None if commits_after is None or commits_before is None else commits_after - commits_before
    warmed = {hashlib.sha256(pool.file(number)[1]).hexdigest() for number in range(burst + total, burst + total + WARM)}
    problems = (
        []
        if sorted(d for d in filer.digests() if d not in warmed) == expected
        else [f"{filer.name}: the filed scans differ from the burst"]
    )
    if misplaced := filer.misplaced():
        problems.append(f"{filer.name}: {len(misplaced)} ledger rows without their file in the archive")
    wait_until(filer.settled)  # the idle figure is taken once the second stage (indexing) is done
    idle = idle_cpu(idle_seconds)
    growth = None
    if total > burst:
        baseline = rss_mb()
        done = burst
        while done < total:
            batch = min(1000, total - done)
            staged = stage(pool, staging, done, batch)
            drop(staged, staging, inbox)
            done += batch
            wait_until(partial(filed_at_least, filer, done))
        growth = rss_mb() - baseline
    filer.stop()
    shutil.rmtree(root.parent, ignore_errors=True)
    return Result(
        filer.name,
        burst,
        seconds,
        latencies,
        growth,
        idle,
        fsyncs.calls,
        fsyncs.seconds,
        fsyncs.wall,
        commits,
        problems,
        cpu,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--burst", type=int, default=1000, help="files dropped at once")
    parser.add_argument("--files", type=int, default=10_000, help="files filed in all, for the memory figure")
    parser.add_argument("--idle", type=float, default=10.0, help="seconds of idle inbox for the CPU figure")
    parser.add_argument("--runs", type=int, default=3, help="bursts per filer; the run with the median p95 is shown")
    parser.add_argument(
        "--filers", default="service,one-by-one,naive", help="which filers, comma-separated (A/B runs of the service)"
    )
    args = parser.parse_args()
    chosen: dict[str, Callable[[Path], RealService | NaiveFiler]]
    chosen = {"service": RealService, "one-by-one": OneByOneService, "naive": NaiveFiler}
    makers = [chosen[name.strip()] for name in args.filers.split(",")]
    pool = ScanPool()
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, burst of {args.burst} mixed files "
        f"(PDF, JPG, PNG, TIFF, DOCX, XLSX), stability window {WINDOW:g} s, memory over {args.files} files"
    )
    runs: list[list[Result]] = []
    for make in makers:
        # The memory figure (``--files``) once, with the real service's first run.
        totals = [args.files if make is RealService and run == 0 else args.burst for run in range(args.runs)]
        runs.append([measure(make, pool, args.burst, total, args.idle) for total in totals])
    results = [_median_run(filer_runs) for filer_runs in runs]
    table = Table(title=f"归档服务 watch burst（{args.runs} 次中 p95 居中的一次）", header_style="bold")
    headers = (
        "filer", "files", "files/s", "p50 s", "p95 s", "p95 − window s", "p95 − window, each run", "CPU s", "commits",
        "fsyncs/file", "fsync ms/file", "fsync ms/batch", "fsync wall ms/file", "fsync wall ms/batch",
        "memory growth MB", "idle CPU %",
    )  # fmt: skip
    for header in headers:
        table.add_column(header, justify="right" if header != "filer" else "left")
    for result, filer_runs in zip(results, runs, strict=True):
        per_batch = "—" if not result.commits else f"{1000 * result.fsync_seconds / result.commits:.1f}"
        wall_per_batch = "—" if not result.commits else f"{1000 * result.fsync_wall / result.commits:.1f}"
        table.add_row(
            result.name,
            str(result.files),
            f"{result.files_per_second:.0f}",
            f"{statistics.median(result.latencies):.2f}",
            f"{result.p95:.2f}",
            f"{result.p95 - WINDOW:.2f}",
            " ".join(f"{run.p95 - WINDOW:.2f}" for run in filer_runs),
            f"{statistics.median(run.cpu for run in filer_runs):.2f}",
            "—" if result.commits is None else str(result.commits),
            f"{result.fsyncs / result.files:.2f}",
            f"{1000 * result.fsync_seconds / result.files:.2f}",
            per_batch,
            f"{1000 * result.fsync_wall / result.files:.2f}",
            wall_per_batch,
            "—" if result.memory_growth_mb is None else f"{result.memory_growth_mb:.1f}",
            f"{result.idle_cpu_percent:.2f}",
        )
    Console(width=260).print(table)
    problems = [problem for filer_runs in runs for result in filer_runs for problem in result.problems or []]
    if problems:
        for problem in problems:
            print(f"FAIL  {problem}")
        raise SystemExit(1)
    print(
        f"OK    in every run every filer filed each of the {args.burst} scans exactly once, each ledger row's "
        "file in the archive (SHA-256 checked)"
    )
    if RealService not in makers:
        return
    real = results[makers.index(RealService)]
    memory = next(
        (run.memory_growth_mb for run in runs[makers.index(RealService)] if run.memory_growth_mb is not None), None
    )
    print(
        f"{'PASS' if real.p95 - WINDOW < GOAL_P95_OVER_WINDOW else 'MISS'}  p95 complete→filed "
        f"{real.p95 - WINDOW:.2f} s above the window (aim: under {GOAL_P95_OVER_WINDOW:g} s)"
    )
    if memory is not None:
        print(
            f"{'PASS' if memory < GOAL_MEMORY_MB else 'MISS'}  memory growth "
            f"{memory:.1f} MB over {args.files} files (aim: under {GOAL_MEMORY_MB:g} MB)"
        )


def _median_run(runs: list[Result]) -> Result:
    """The run whose p95 is the median of the runs' (the lower middle one of an even number)."""
    ordered = sorted(runs, key=lambda run: run.p95)
    return ordered[(len(ordered) - 1) // 2]


if __name__ == "__main__":
    main()
