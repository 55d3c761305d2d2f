"""Reading hostile files in a worker process with a time limit and a memory limit.

The readers of scans (pdfium for PDFs, Pillow for images) parse whatever the scanner — or anyone
with access to the inbox — drops there.  A PDF whose stream inflates to gigabytes, a reader that
loops or crashes must cost one file, never the service: each reading runs in a worker process
(``concurrent.futures`` over ``forkserver``, or ``spawn`` where there is none) whose address space is
capped (``RLIMIT_AS``) and which is killed by its own alarm when the reading takes too long (POSIX);
elsewhere the caller stops waiting after the time limit.  What the reading returns or raises comes back
as if it had run here.  It owns no files and no ledger: callers turn ``ReaderFailed`` into their own
outcome (a quarantine note, an extraction error).
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.util
import os
import signal
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

try:
    import resource
except ImportError:  # not POSIX: no memory limit, the time limit is kept by the caller
    resource = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

T = TypeVar("T")

#: The caller waits this much longer than the limit before it kills the worker itself (the worker's own
#: alarm normally ends it first; without one, on Windows, this is the limit).
GRACE_SECONDS = 5.0
#: How often the worker looks whether its parent is still alive.
PARENT_CHECK_SECONDS = 0.5
#: How often a waiting caller looks whether the service is being stopped.
POLL_SECONDS = 0.2


@dataclass(frozen=True)
class ReaderLimits:
    seconds: float
    memory_mb: int


class ReaderFailed(Exception):
    """The reading was stopped: ``kind`` is "timeout", "memory" or "crash"; ``reason`` is Chinese."""

    def __init__(self, reason: str, kind: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind

    def __reduce__(self) -> Any:
        return (type(self), (self.reason, self.kind))


class ReaderStopped(BaseException):
    """The process is being stopped (SIGTERM): the reading in hand was abandoned, the file is untouched.
    A BaseException, like KeyboardInterrupt: no ``except Exception`` turns it into one file's failure."""


def _context() -> Any:
    # "spawn", never "fork": the service has threads (watchdog, the index), and a forked copy of them may
    # deadlock; and unlike "forkserver" no server process is left behind when the caller is killed.
    return multiprocessing.get_context("spawn")


def _init_worker(memory_bytes: int, parent_pid: int) -> None:
    """In the worker: cap its address space; leave SIGINT and SIGTERM to the parent, which decides
    whether the reading in hand is abandoned (a systemd stop signals the whole group); end with the
    parent (a kill -9 of a filer must not leave a reader behind)."""
    if resource is not None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    threading.Thread(target=_end_with_parent, args=(parent_pid,), daemon=True).start()


def _end_with_parent(parent_pid: int) -> None:
    while True:
        time.sleep(PARENT_CHECK_SECONDS)
        if os.getppid() != parent_pid:
            os._exit(1)


def _ready() -> int:
    """In a new worker, before its first reading: load the readers' libraries (pdfium, Pillow), so that
    a fresh worker's start-up, seconds on a busy machine, is never counted as a file's reading time."""
    import pypdfium2  # noqa: F401  # loaded on first use: in the worker only, never by its caller
    from PIL import Image  # noqa: F401  # loaded on first use: in the worker only, never by its caller

    return os.getpid()


def _run_with_alarm(seconds: float, function: Callable[..., T], args: tuple[Any, ...]) -> T:
    """In the worker: the alarm's default action ends the process, even inside pdfium's C code."""
    alarm = hasattr(signal, "setitimer")
    if alarm:
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return function(*args)
    finally:
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)


class _Worker:
    """One worker process behind an executor, started on first use and replaced after a failure."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # one reading at a time: a kill must never hit another caller's reading
        self._pool: ProcessPoolExecutor | None = None
        self._memory_mb: int | None = None
        self._processes: list[BaseProcess] = []
        self._stopping = threading.Event()
        self._finalizer_pid: int | None = None

    def run(self, function: Callable[..., T], args: tuple[Any, ...], limits: ReaderLimits) -> T:
        with self._lock:
            if self._stopping.is_set():
                raise ReaderStopped()
            pool = self._pool_for(limits.memory_mb)
            started = time.monotonic()
            try:
                future: Future[T] = pool.submit(_run_with_alarm, limits.seconds, function, args)
            except BrokenProcessPool:  # the idle worker died (killed by a stop, or by the system): a new one
                self._discard()
                pool = self._pool_for(limits.memory_mb)
                future = pool.submit(_run_with_alarm, limits.seconds, function, args)
            deadline = started + limits.seconds + GRACE_SECONDS
            try:
                while True:
                    try:
                        return future.result(timeout=POLL_SECONDS)
                    except FutureTimeout:
                        if self._stopping.is_set():
                            self._discard()
                            raise ReaderStopped() from None
                        if time.monotonic() >= deadline:
                            self._discard()
                            raise _timeout(limits) from None
            except BrokenProcessPool:
                self._discard()
                if self._stopping.is_set():
                    raise ReaderStopped() from None
                if time.monotonic() - started >= limits.seconds * 0.95:
                    raise _timeout(limits) from None
                raise ReaderFailed(
                    f"读取程序在读这个文件时异常退出（文件可能有害或已损坏，或读取所需内存超过上限"
                    f" {limits.memory_mb} MB，见 [limits] reader_memory_mb）",
                    "crash",
                ) from None
            except KeyboardInterrupt:  # Ctrl+C: the reading is abandoned now, not waited for at exit
                self._discard()
                raise
            except MemoryError:
                self._discard()  # a worker that ran out may be left in a poor state: start afresh
                raise ReaderFailed(
                    f"读取这个文件所需内存超过上限 {limits.memory_mb} MB（可能是解压炸弹或文件已损坏；"
                    f"上限见 [limits] reader_memory_mb）",
                    "memory",
                ) from None

    def forget(self) -> None:
        """In a forked child: the parent's worker and executor are not this process's to use or kill."""
        self._lock = threading.Lock()
        self._pool, self._memory_mb, self._processes = None, None, []
        self._stopping = threading.Event()

    def resume(self) -> None:
        self._stopping.clear()

    def shutdown(self) -> None:
        with self._lock:
            self._discard()

    def stop(self) -> None:
        """From a signal handler: the reading in hand is abandoned at once (its worker killed), and
        every later reading is refused until ``resume``."""
        self._stopping.set()
        for process in list(self._processes):
            try:
                process.kill()
            except (OSError, ValueError, AttributeError):  # already gone, or not started
                pass

    def _pool_for(self, memory_mb: int) -> ProcessPoolExecutor:
        if self._pool is not None and self._memory_mb == memory_mb:
            return self._pool
        self._discard()
        pool = ProcessPoolExecutor(
            max_workers=1, mp_context=_context(), initializer=_init_worker, initargs=(memory_mb << 20, os.getpid())
        )
        # The worker is started; its process object, to kill it, is found by the pid it gave: never by which
        # children appeared meanwhile, which would take in the other reader's worker when both start at once
        # (``run_contained_split``), and a timeout here would then kill a good reading there.
        pid = pool.submit(_ready).result()
        self._processes = [p for p in multiprocessing.active_children() if p.pid == pid]
        self._pool, self._memory_mb = pool, memory_mb
        # A process started by multiprocessing ends through its own exit function, not atexit, and that
        # joins every child first: the worker is ended before, or such a process would wait for ever.
        # (Registered once per process: a forked child starts with the registry emptied.)
        if self._finalizer_pid != os.getpid():
            multiprocessing.util.Finalize(self, self.shutdown, exitpriority=100)
            self._finalizer_pid = os.getpid()
        return pool

    def _discard(self) -> None:
        for process in self._processes:
            try:
                process.kill()
            except (OSError, ValueError, AttributeError):
                pass
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        for process in self._processes:
            process.join(timeout=5)
        self._pool, self._memory_mb, self._processes = None, None, []


def _timeout(limits: ReaderLimits) -> ReaderFailed:
    return ReaderFailed(
        f"读取这个文件超过 {limits.seconds:g} 秒仍未完成（文件可能有害或已损坏；上限见 [limits] reader_seconds）",
        "timeout",
    )


#: Worker processes: the first serves every reading; ``run_contained_split`` uses them all, one part
#: each, so that a burst of scans is read on two cores.
READERS = 2
_workers = [_Worker() for _ in range(READERS)]
if hasattr(os, "register_at_fork"):
    for _one in _workers:
        os.register_at_fork(after_in_child=_one.forget)


def run_contained(function: Callable[..., T], *args: Any, limits: ReaderLimits) -> T:
    """``function(*args)`` in the worker process, within ``limits``; its result, or what it raised.

    ``function`` and its arguments must be picklable (module-level functions, plain values).
    Raises ``ReaderFailed`` when the worker ran out of time or memory or died, and ``ReaderStopped``
    when ``stop_readers`` was called meanwhile (the service is stopping).
    """
    return _workers[0].run(function, args, limits)


def run_contained_split(function: Callable[..., T], parts: Sequence[tuple[Any, ...]], limits: ReaderLimits) -> list[T]:
    """``function(*part)`` for each of up to ``READERS`` parts, each in its own worker process at the same
    time, each within ``limits``; their results in order.  Raises as ``run_contained`` does (the first
    part's failure when several fail); the other parts are waited for all the same."""
    if len(parts) > len(_workers):
        raise ValueError(f"at most {len(_workers)} parts")
    if len(parts) <= 1:
        return [_workers[0].run(function, part, limits) for part in parts]
    with ThreadPoolExecutor(max_workers=len(parts)) as pool:
        futures = [
            pool.submit(worker.run, function, part, limits) for worker, part in zip(_workers, parts, strict=False)
        ]
    return [future.result() for future in futures]


def stop_readers() -> None:
    """Abandon the readings in hand now (safe from a signal handler): their callers, and every caller until
    ``resume_readers``, get ``ReaderStopped``."""
    for worker in _workers:
        worker.stop()


def resume_readers() -> None:
    """Readings are allowed again (a service starting)."""
    for worker in _workers:
        worker.resume()


def shutdown_readers() -> None:
    """End the worker processes (each is started again when needed)."""
    for worker in _workers:
        worker.shutdown()


__all__ = [
    "ReaderFailed",
    "ReaderLimits",
    "ReaderStopped",
    "resume_readers",
    "run_contained",
    "run_contained_split",
    "shutdown_readers",
    "stop_readers",
]
