"""One filing service per workspace: ``recordkit watch`` holds an OS lock (``flock``) on ``records/watch.lock``.

The lock goes with its process — an exit, a crash, ``kill -9`` — so a second service is refused only while the
first one lives, and no stale holder is ever guessed from a process id.  The file also says who holds it (host,
process id, since when) for the refusal, or, for ``recordkit watch --wait`` (the systemd unit, which a clerk's
terminal watcher would otherwise have refused and systemd restarted every few seconds), for its word that it waits.
``recordkit file`` takes no such lock: a clerk files by hand while the service runs, from anywhere but the inbox,
which it leaves to a running service (``running_service``).  Where the file system refuses ``flock`` (some network
shares) or there is none (Windows), the service runs unguarded and says so.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import logging
import os
import signal
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from recordkit.core.errors import WorkspaceError

try:
    import fcntl
except ImportError:  # Windows: no flock
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

#: The lock's file, in records/ (beside the ledger of a SQLite workspace, outside every folder that is filed).
LOCK_FILE_NAME = "watch.lock"
#: What of the lock's file is read: the holder writes a line of a hundred bytes or so.
_MAX_HOLDER_BYTES = 4096
#: How often, and how long apart, an empty file is read again: the holder writes it just after it took the lock.
_HOLDER_READS = 20
_HOLDER_READ_PAUSE = 0.05
#: How often, and how long apart, a starting service tries a lock that clerks' looks hold (at most 5 s in all).
_LOOK_TRIES = 500
_LOOK_PAUSE = 0.01


@dataclass(frozen=True)
class WatchHolder:
    """The running service as its lock's file says it."""

    host: str
    pid: int
    since: str  # its start, in the office's time, as written: 2026-12-06 13:43:21


def holder_line(host: str, pid: int, since: dt.datetime) -> bytes:
    """What a service writes into the lock's file once it holds the lock."""
    stamp = since.strftime("%Y-%m-%d %H:%M:%S")
    return json.dumps({"host": host, "pid": pid, "since": stamp}, ensure_ascii=False).encode("utf-8") + b"\n"


def read_holder(raw: bytes) -> WatchHolder | None:
    """The holder a lock's file names, or None when it names none that can be read (being written, damaged)."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    host, pid, since = data.get("host"), data.get("pid"), data.get("since")
    if not isinstance(host, str) or not isinstance(pid, int) or isinstance(pid, bool) or not isinstance(since, str):
        return None
    return WatchHolder(host[:255], pid, since[:40])


def holder_words(holder: WatchHolder | None) -> str:
    """The running service as a clerk is told of it: （电脑 …，进程号 …，… 起）, or nothing when no file names it."""
    return f"（电脑 {holder.host}，进程号 {holder.pid}，{holder.since} 起）" if holder is not None else ""


def refusal_message(holder: WatchHolder | None) -> str:
    """The clerk's line when another service holds the lock."""
    return (
        f"这个工作区已有归档服务在运行{holder_words(holder)}，没有再启动一个：同一工作区只能有一个归档服务，收件箱里的文件由它归档；"
        "要改用这一个，请先停下正在运行的那个（systemd 服务：sudo systemctl stop recordkit-watch）。"
        "手工归档仍可用 recordkit file"
    )


class ServiceRunning(WorkspaceError):
    """Another live service holds the workspace's lock (``refusal_message``); ``holder`` as its file names it."""

    def __init__(self, holder: WatchHolder | None) -> None:
        super().__init__(refusal_message(holder))
        self.holder = holder


def served_once_message(holder: WatchHolder | None) -> str:
    """``recordkit watch --once``'s line when a service runs: no failure (cron mails each), nothing done."""
    return f"这个工作区的归档服务正在运行{holder_words(holder)}，收件箱由它归档，这次没有做任何事"


def served_message(holder: WatchHolder | None, named: str, relation: str) -> str:
    """``recordkit file``'s refusal of ``named`` (``relation``: 就是收件箱 or 在收件箱里) while a service runs."""
    return (
        f"这个工作区的归档服务正在运行{holder_words(holder)}，收件箱里的文件由它自动归档："
        f"recordkit file 不归档收件箱里的文件，这次什么也没有归档（{named} {relation}）；"
        "收件箱以外的文件仍可用 recordkit file 归档"
    )


def inbox_left_message(holder: WatchHolder | None) -> str:
    """``recordkit file``'s line when a folder it walked holds the inbox, left to the running service."""
    return f"已跳过收件箱 records/inbox：归档服务正在运行{holder_words(holder)}，收件箱里的文件由它自动归档"


def waiting_message(holder: WatchHolder | None) -> str:
    """What ``recordkit watch --wait`` says, once, when another service holds the lock."""
    return (
        f"另一个归档服务正在运行{holder_words(holder)}，这一个等它停下后接手，此前不归档；"
        "不想等了可以按 Ctrl+C（systemd 服务：sudo systemctl stop recordkit-watch）"
    )


@dataclass(frozen=True)
class WatchLock:
    """What taking the lock gave: ``guarded`` is False where the file system has no ``flock``; ``why`` says why.
    ``stopped``: SIGTERM or SIGINT came while waiting for the lock, which was not taken (the service ends at once)."""

    guarded: bool
    why: str = ""
    stopped: bool = False


def unguarded_message(why: str) -> str:
    """The service's line on screen when it runs without the lock."""
    return f"注意：records/ 上加不了文件锁：{why}，无法防止同一工作区再启动一个归档服务；请确认只有这一个归档服务在运行"


#: Why ``flock`` refused, by the errors it gives (a share without locks, mostly): the words, and the errno's name for
#: the IT person.  EOPNOTSUPP and ENOTSUP are one number on Linux, named as the file systems' documents name it.
_FLOCK_REFUSALS = {
    errno.ENOLCK: ("ENOLCK", "网络存储没有提供文件锁服务"),
    errno.EOPNOTSUPP: ("EOPNOTSUPP", "这种文件系统不支持文件锁"),
    errno.ENOTSUP: ("EOPNOTSUPP" if errno.ENOTSUP == errno.EOPNOTSUPP else "ENOTSUP", "这种文件系统不支持文件锁"),
    errno.EINVAL: ("EINVAL", "这种文件系统不接受文件锁"),
    errno.EACCES: ("EACCES", "文件系统不允许这个账户加锁"),
    errno.EBADF: ("EBADF", "网络存储上只读打开的文件加不了锁"),  # NFS: an exclusive lock needs a file open to write
    errno.ENOSYS: ("ENOSYS", "这种文件系统没有实现文件锁"),
    errno.EIO: ("EIO", "加锁时存储读写出错"),
}


def flock_refusal(err: OSError) -> str:
    """Why ``flock`` refused, in Chinese, the errno's name in brackets (never the OS's English sentence)."""
    if err.errno in _FLOCK_REFUSALS:
        name, words = _FLOCK_REFUSALS[err.errno]
        return f"{words}（{name}）"
    named = errno.errorcode.get(err.errno, f"错误码 {err.errno}") if err.errno is not None else "没有错误码"
    return f"加锁出错（{named}）"


@contextmanager
def sole_watcher(
    records: Path, now: dt.datetime, waiting: Callable[[WatchHolder | None], None] | None = None
) -> Iterator[WatchLock]:
    """Hold the workspace's service lock for the block; ``now`` is when this service started (the office's time).

    Raises ``ServiceRunning`` (``refusal_message``) at once when another live process holds it, unless ``waiting``
    is given: then it is told the holder, once, and the lock is waited for (``_wait_for``; the service named from
    when it took the lock) — a SIGTERM or SIGINT meanwhile yields a lock ``stopped``, not held."""
    if fcntl is None:
        yield WatchLock(False, "这台电脑的系统没有 flock")
        return
    path = records / LOCK_FILE_NAME
    descriptor, writable = _open_lock(path)
    started = time.monotonic()
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not _taken_after_looks(descriptor):
                holder = _holder(descriptor)
                if waiting is None:
                    raise ServiceRunning(holder) from None
                if not _wait_for(descriptor, lambda: waiting(holder)):
                    yield WatchLock(False, stopped=True)
                    return
            now += dt.timedelta(seconds=time.monotonic() - started)
        except OSError as err:  # ENOLCK, EOPNOTSUPP …: a share that keeps no locks
            log.warning("watch lock: no flock on %s (%s); the service runs unguarded", path, err)
            yield WatchLock(False, flock_refusal(err))
            return
        if writable:
            os.ftruncate(descriptor, 0)
            try:
                os.pwrite(descriptor, holder_line(socket.gethostname(), os.getpid(), now), 0)
            except OSError:  # a full disk: the service runs (and says why the inbox waits), named by no file
                os.ftruncate(descriptor, 0)
        try:
            yield WatchLock(True)
        finally:
            if writable:
                os.ftruncate(descriptor, 0)  # a holder that has stopped is named by no one
    finally:
        os.close(descriptor)


@dataclass(frozen=True)
class RunningService:
    """A live service holds the workspace's lock; ``holder`` is None where no file names it."""

    holder: WatchHolder | None


def running_service(records: Path) -> RunningService | None:
    """The service holding the lock of the workspace whose records/ is ``records``, or None when none runs (or the
    file system keeps no locks).  Nothing is made or written: the lock is only tried, shared, for an instant."""
    if fcntl is None:
        return None
    # records/ too: a service locks it where the lock's file could not be made or opened (``_open_lock``).
    named, folder = _opened(records / LOCK_FILE_NAME, os.O_NOFOLLOW), _opened(records, 0)
    try:
        for descriptor in (named, folder):
            if descriptor is not None and _locked(descriptor):
                return RunningService(_holder(descriptor) if descriptor == named else None)
        return None
    finally:
        for descriptor in (named, folder):
            if descriptor is not None:
                os.close(descriptor)


def _opened(path: Path, flags: int) -> int | None:
    """``path`` opened to read, or None (not there: no service ever ran; a link in its place)."""
    try:
        return os.open(path, os.O_RDONLY | flags)
    except OSError:
        return None


def _locked(descriptor: int) -> bool:
    """Whether a live process holds the lock on ``descriptor``'s file (tried shared and let go at once)."""
    try:
        fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:  # a share that keeps no locks: no service is guarded there
        return False
    fcntl.flock(descriptor, fcntl.LOCK_UN)
    return False


def _taken(descriptor: int) -> bool:
    """The lock tried once more, without waiting: whether it is this process's now."""
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _taken_after_looks(descriptor: int) -> bool:
    """The lock taken once the looks holding it are over, or False at once while a service holds it.

    A service holds it exclusively; a clerk's ``recordkit file`` only shared, for an instant (``running_service``):
    a lock that can be shared is held by looks alone, whatever holder a service killed with ``kill -9`` left named
    in the file, and is tried again until they are done."""
    for _ in range(_LOOK_TRIES):
        if _locked(descriptor):
            return False
        if _taken(descriptor):
            return True
        time.sleep(_LOOK_PAUSE)
    return False


class _StopWaiting(Exception):
    """SIGTERM or SIGINT while waiting for the lock."""


def _wait_for(descriptor: int, announce: Callable[[], None]) -> bool:
    """``announce`` that it waits, then block until the lock is this process's (True), or until SIGTERM or SIGINT
    (False: then not held).  The handlers are in place before the word is out (a stop that follows it at once ends
    the wait, not the process), and raise out of the blocking ``flock``, which Python would otherwise start again."""

    def stop(*_: object) -> None:
        raise _StopWaiting

    try:
        previous = {number: signal.signal(number, stop) for number in (signal.SIGTERM, signal.SIGINT)}
        try:
            announce()
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)
    except _StopWaiting:  # (also one come just after the lock was taken: closed with its descriptor, it goes)
        return False
    return True


def _open_lock(path: Path) -> tuple[int, bool]:
    """The lock's file opened (created if need be), and whether the holder can write its name into it."""
    try:
        # Never through a link: one put at records/watch.lock would have the holder's name written over its target.
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o666), True
    except PermissionError:
        if path.exists():
            # Made by the service's account (its umask: 0640): another account in its group locks it read-only,
            # which flock allows, and so is still refused while the service runs.
            return os.open(path, os.O_RDONLY | os.O_NOFOLLOW), False
        return os.open(path.parent, os.O_RDONLY), False
    except OSError:
        # Not to be made (a full or read-only disk; a link in its place): records/ itself is locked, the service named by no file —
        # it still starts and says why the inbox waits (a full disk) rather than failing on its lock.
        return os.open(path.parent, os.O_RDONLY), False


def _holder(descriptor: int) -> WatchHolder | None:
    """The holder as the lock's file names it; an empty file read again for a moment (written just after locking)."""
    for _ in range(_HOLDER_READS):
        try:
            raw = os.pread(descriptor, _MAX_HOLDER_BYTES, 0)
        except OSError:  # records/ itself locked (``_open_lock``): no file names the holder
            return None
        if raw:
            return read_holder(raw)
        time.sleep(_HOLDER_READ_PAUSE)
    return None
