"""The ledger's fair write queue: clerks get the write lock in the order they asked for it.

SQLite's own lock (``BEGIN IMMEDIATE`` with a busy timeout) is a free-for-all: a waiting writer
sleeps and retries, and a clerk can lose every retry to the others until the timeout (issue 20:
3 of 200 payments refused on a busy machine).  Here each writer takes a numbered ticket, a file in
a folder beside the ledger on which it holds an exclusive ``flock`` while it waits and writes, and
it writes when no lower ticket is held: the eighth cashier waits behind seven, not for ever.  A
writer killed with -9 loses its ``flock`` with its process, so the next waiter sees its ticket dead
and removes it.  Where ``fcntl`` is missing (Windows) there is no queue: SQLite's lock alone.
PostgreSQL queues its advisory locks itself; this module is for SQLite files.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from recordkit.core.errors import LedgerError, StorageError, storage_error, system_account, write_refusal

try:
    import fcntl
except ImportError:  # Windows: no flock
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

_TICKET = ".ticket"
_NEW = ".new"
_MUTEX = "queue.lock"
# The next writer looks again after 0.5 ms, backing off to 5 ms: a hand-over costs less than a commit's fsync.
_FIRST_DELAY = 0.0005
_MAX_DELAY = 0.005


class _NoFlock(Exception):
    """The file system of the ledger's folder refuses ``flock``."""


def busy_message(ahead: int, timeout: float) -> str:
    """The clerk's line when the wait runs out."""
    queued = f"前面还有 {ahead} 个操作在排队，" if ahead else ""
    return f"台账正忙：{queued}等了 {timeout:g} 秒仍未轮到，请稍后再试（别的电脑或服务正在大量写台账）"


def flock_available() -> bool:
    """Whether this system has ``flock`` (POSIX): the queue works only there."""
    return fcntl is not None


class WriteQueue:
    """Tickets in ``folder`` (created on first use), waited for at most ``timeout`` seconds."""

    def __init__(self, folder: Path, timeout: float) -> None:
        self.folder = folder
        self.timeout = timeout

    @contextmanager
    def turn(self) -> Iterator[float]:
        """Wait for this writer's turn and hold it for the block; yields the seconds waited.

        ``LedgerError`` (``busy_message``) when the turn has not come within ``timeout``; the
        ticket is given back then, so the writers behind move up."""
        assert fcntl is not None
        started = time.monotonic()
        try:
            number, descriptor, path = self._take()
        except BlockingIOError:
            raise
        except OSError as err:  # (a folder another account made, a full disk): said, nothing written
            raise self._refusal(err) from err
        except _NoFlock as err:
            # A file system without flock (some network shares): SQLite's own lock still keeps
            # writers apart, only not in order.
            log.warning("ledger write queue: no flock in %s (%s); writers are not queued in order", self.folder, err)
            yield 0.0
            return
        try:
            self._wait(number, started)
            yield time.monotonic() - started
        finally:
            # Unlinked before the flock is dropped: a waiter never mistakes a finished ticket for a dead one.
            path.unlink(missing_ok=True)
            os.close(descriptor)

    def _refusal(self, err: OSError) -> StorageError | LedgerError:
        """What a writer is told when the queue's folder refuses it: a full or read-only disk, or a folder this
        account may not write (made by another: a command once run with sudo leaves it root's)."""
        account = system_account()
        fix = f"请让这个账户能写入它（例如 sudo chown -R {account}: {self.folder}）"
        said = f"台账旁的排队文件夹 {self.folder} 不能写入：{write_refusal(err, account, fix)}；这一步什么也没有写入"
        return StorageError(said) if storage_error(err) is not None else LedgerError(said)

    @contextmanager
    def _mutex(self) -> Iterator[None]:
        """A short lock around taking a ticket and clearing dead ones (microseconds, never a wait)."""
        assert fcntl is not None
        descriptor = os.open(self.folder / _MUTEX, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX)
            except OSError as err:
                raise _NoFlock(err.strerror) from err
            yield
        finally:
            os.close(descriptor)

    def _take(self) -> tuple[int, int, Path]:
        assert fcntl is not None
        self.folder.mkdir(exist_ok=True)
        with self._mutex():
            number = max(self._numbers(), default=0) + 1
            # Locked under a temporary name, then renamed: a ticket is never seen without its flock.
            temp = self.folder / f"{number:012d}.{os.getpid()}.{threading.get_ident()}{_NEW}"
            descriptor = os.open(temp, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
            try:
                try:
                    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    raise
                except OSError as err:
                    raise _NoFlock(err.strerror) from err
                path = self.folder / f"{number:012d}{_TICKET}"
                os.rename(temp, path)  # free: numbers are handed out under the mutex, above every ticket
            except BaseException:
                os.close(descriptor)
                temp.unlink(missing_ok=True)
                raise
        return number, descriptor, path

    def _numbers(self) -> list[int]:
        numbers = []
        for entry in os.scandir(self.folder):
            stem, dot, suffix = entry.name.partition(".")
            if dot and "." + suffix == _TICKET and stem.isdigit():
                numbers.append(int(stem))
        return numbers

    def _wait(self, number: int, started: float) -> None:
        assert fcntl is not None
        while True:
            with self._mutex():
                ahead = self._live_ahead(number)
            if not ahead:
                return
            # Watch the writer just ahead: its flock goes when it finishes (or dies), and looking
            # costs one system call, so the turn passes within a millisecond or so.
            try:
                descriptor = os.open(self.folder / f"{max(ahead):012d}{_TICKET}", os.O_RDONLY)
            except FileNotFoundError:  # it finished meanwhile
                continue
            try:
                delay = _FIRST_DELAY
                while True:
                    try:
                        fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
                        break
                    except BlockingIOError:
                        pass
                    if time.monotonic() - started >= self.timeout:
                        log.warning(
                            "ledger write queue: gave up after %.1f s, %d writers ahead", self.timeout, len(ahead)
                        )
                        raise LedgerError(busy_message(len(ahead), self.timeout))
                    time.sleep(delay)
                    delay = min(delay * 1.5, _MAX_DELAY)
            finally:
                os.close(descriptor)

    def _live_ahead(self, number: int) -> list[int]:
        """The lower tickets held by a live writer; dead ones (and stray temporaries, which exist
        only under the mutex we hold) are removed."""
        assert fcntl is not None
        ahead = []
        for entry in os.scandir(self.folder):
            if entry.name.endswith(_NEW):
                Path(entry.path).unlink(missing_ok=True)  # left by a writer killed while taking a ticket
                continue
            stem, _, suffix = entry.name.partition(".")
            if "." + suffix != _TICKET or not stem.isdigit() or int(stem) >= number:
                continue
            try:
                descriptor = os.open(entry.path, os.O_RDONLY)
            except FileNotFoundError:  # its writer just finished
                continue
            try:
                fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                ahead.append(int(stem))
            else:
                log.warning("ledger write queue: removed the ticket of a writer that died (%s)", entry.name)
                Path(entry.path).unlink(missing_ok=True)
            finally:
                os.close(descriptor)
        return ahead
