"""Atomic file writes: a temporary file beside the target, fsync, then rename over it (``replacing``), or give it a
name still free (``creating``: never over an existing file).

A crash or ``kill -9`` leaves either the old file or the new one, never half of one.
What is written is the caller's business, and so is who may read it: a file gets the mode any new
file gets under the process's umask (the office's other accounts read what it made), or ``PRIVATE``.
"""

from __future__ import annotations

import errno
import io
import os
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Protocol

try:
    import fcntl
except ImportError:  # Windows: no flock; a killed writer's temporary file is left where it is
    fcntl = None  # type: ignore[assignment]

from recordkit.core.errors import NotFoundError, UsageError
from recordkit.core.filenames import printable

#: The mode of a file holding personal data unmasked (an export made with ``--show-private``, the text of
#: scans): only the account that wrote it reads it.
PRIVATE = 0o600
#: Temporary names taken before giving up (each is random: a clash is a one in 2**48 chance).
_TEMP_TRIES = 100
#: How every temporary file's name starts: a file so named in an output folder is recordkit's, not finished.
TEMP_PREFIX = ".~recordkit-"
#: link() errors of file systems without hard links (a U disk's FAT32 or exFAT, some network shares).
_NO_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK, errno.ENOSYS}


def _new_temp(folder: Path, suffix: str, mode: int | None, prefix: str = TEMP_PREFIX) -> Path:
    """A new empty file in ``folder``, created exclusively under a random name: with ``mode`` exactly, else
    0666 less the umask — the mode every new file of the process gets (0644 under umask 022)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    for _ in range(_TEMP_TRIES):
        temp = folder / f"{prefix}{secrets.token_hex(6)}{suffix}"
        try:
            os.close(os.open(temp, flags, 0o666 if mode is None else PRIVATE))
        except FileExistsError:
            continue
        if mode is not None:
            os.chmod(temp, mode)  # exactly: the umask takes nothing from a mode asked for
        return temp
    raise FileExistsError(f"no free temporary name in {folder}")


@contextmanager
def replacing(target: Path, suffix: str = "", *, durable: bool = True, mode: int | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success fsync it and rename it over ``target``.

    On any exception the temporary file is removed and ``target`` is untouched.  Without
    ``durable`` nothing is fsynced: a ``kill -9`` still leaves the old file or the new one, a power
    cut may leave an empty one; for derived data that is checked when read and made again.
    The file gets ``mode`` (``PRIVATE``, or the mode of a file it stands for), else the mode of any
    new file under the process's umask, whatever the file it replaces had.
    """
    temp = _temp_beside(target, suffix, mode)
    try:
        yield temp
        if durable:
            with temp.open("rb") as stream:
                os.fsync(stream.fileno())
        os.replace(temp, target)
    except BaseException as err:
        temp.unlink(missing_ok=True)
        if isinstance(err, OSError) and err.errno and err.filename is None:  # a write the disk refused: say where
            raise OSError(err.errno, err.strerror, str(target)) from err
        raise
    if durable:
        fsync_directory(target.parent)


@contextmanager
def creating(target: Path, suffix: str = "", *, mode: int | None = None, prefix: str = TEMP_PREFIX) -> Iterator[Path]:
    """Yield a temporary path beside ``target`` (named ``prefix``, random letters, ``suffix``); on success fsync it
    and give it the name ``target``, which must be free: never over an existing file (a hard link, which fails on
    a name taken; where the file system has none, a rename once the name is seen free).  ``FileExistsError`` when
    ``target`` exists by then.  On any exception the temporary file is removed and ``target`` is untouched.

    The temporary file is locked (``flock``) until it is published or removed, so that ``remove_leftovers`` tells
    the file of a writer killed with -9 (its lock gone with it) from one still being written."""
    temp, descriptor = _locked_temp(target, suffix, mode, prefix)
    try:
        try:
            yield temp
            fsync_path(temp)
            _publish_new(temp, target)
        finally:
            temp.unlink(missing_ok=True)  # (published: the target's other name), removed under the lock
            if descriptor is not None:
                os.close(descriptor)
    except BaseException as err:
        if isinstance(err, OSError) and err.errno and err.filename is None:  # a write the disk refused: say where
            raise OSError(err.errno, err.strerror, str(target)) from err
        raise
    fsync_directory(target.parent)


def _publish_new(temp: Path, target: Path) -> None:
    try:
        os.link(temp, target)
    except OSError as err:
        if isinstance(err, FileExistsError) or err.errno not in _NO_LINKS:
            raise
        if os.path.lexists(target):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(target)) from None
        os.rename(temp, target)  # (Windows refuses a name taken; elsewhere the name was free a moment ago)


def _locked_temp(target: Path, suffix: str, mode: int | None, prefix: str) -> tuple[Path, int | None]:
    """A new temporary file beside ``target`` and a descriptor holding an exclusive ``flock`` on it (None where the
    system has no flock).  A file ``remove_leftovers`` took for a dead writer's before it was locked (it was gone
    when the lock came) is given up for another."""
    for _ in range(_TEMP_TRIES):
        temp = _temp_beside(target, suffix, mode, prefix)
        if fcntl is None:
            return temp, None
        try:
            # (for writing: NFS emulates flock with fcntl, whose exclusive lock needs a descriptor that may write)
            descriptor = os.open(temp, os.O_RDWR)
        except FileNotFoundError:
            continue
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        except OSError:  # a file system without flock (some network shares): nothing locked, nothing removed there
            os.close(descriptor)
            return temp, None
        try:
            if os.path.samestat(os.fstat(descriptor), temp.stat()):
                return temp, descriptor
        except FileNotFoundError:
            pass
        os.close(descriptor)
    raise FileExistsError(f"no free temporary name beside {target}")


def remove_leftovers(folder: Path, prefix: str, suffix: str, companions: Sequence[str] = ()) -> list[Path]:
    """Remove the temporary files ``creating`` left in ``folder`` under ``prefix`` when its process was killed:
    those no live writer holds locked (and their ``companions``, the names with these endings: a database's
    journal).  The files removed; none where the system has no flock."""
    removed: list[Path] = []
    if fcntl is None:
        return removed
    for stale in sorted(folder.glob(f"{prefix}*{suffix}")):
        with suppress(OSError):
            if stale.is_symlink() or not stale.is_file():
                continue
            descriptor = os.open(stale, os.O_RDWR | getattr(os, "O_NOFOLLOW", 0))
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)  # (BlockingIOError: a writer holds it)
                if not os.path.samestat(os.fstat(descriptor), stale.stat()):
                    continue
                for ending in companions:
                    stale.with_name(stale.name + ending).unlink(missing_ok=True)
                stale.unlink()
                removed.append(stale)
            finally:
                os.close(descriptor)
    return removed


def _temp_beside(target: Path, suffix: str, mode: int | None, prefix: str = TEMP_PREFIX) -> Path:
    """A new temporary file in ``target``'s folder (made with its parents): ``UsageError`` when a file stands where
    a folder should be; an ``OSError`` naming ``target`` when the folder takes no new file."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as err:  # a file where a folder of the path should be
        raise UsageError(
            f"无法写入 {printable(str(target))}：{printable(str(_file_in_the_way(target.parent)))} 是文件，不是文件夹，"
            "请换一个输出位置"
        ) from err
    try:
        return _new_temp(target.parent, suffix or target.suffix, mode, prefix)
    except OSError as err:  # a folder that takes no new file: say the file the clerk asked for, not our temporary one
        raise OSError(err.errno, err.strerror, str(target)) from err


def require_folder(folder: Path) -> Path:
    """``folder``, where a command is to write what the clerk named (``fees register 导出/收费台账.xlsx``'s 导出; for
    ``report monthly --out 导出/报表``, which makes the folder it names, 导出), when it is there; ``NotFoundError``
    naming it when it is not, so that a folder typed wrong is never made with the file put into it unseen (``db
    backup`` refuses so too), and nothing is written.  A file where the folder should be is left to the writer, which
    says so (``_temp_beside``); the workspace's own folders (records/generated/…) are made as they are needed."""
    folder = folder.expanduser()
    if not folder.is_dir() and not _file_in_the_way(folder).is_file():
        raise NotFoundError(
            f"文件夹 {printable(str(folder))} 不存在，什么也没有写入：请检查路径是否写错，或先建好这个文件夹"
        )
    return folder


def _file_in_the_way(folder: Path) -> Path:
    """The nearest of ``folder`` and its parents that exists (a file, when its folders cannot be made)."""
    while not folder.exists() and folder.parent != folder:
        folder = folder.parent
    return folder


def write_bytes(target: Path, data: bytes, *, durable: bool = True, mode: int | None = None) -> Path:
    """Write ``data`` to ``target`` atomically (see ``replacing`` for ``durable`` and ``mode``)."""
    with replacing(target, durable=durable, mode=mode) as temp:
        temp.write_bytes(data)
    return target


class Saveable(Protocol):
    def save(self, stream: IO[bytes]) -> object: ...


def saved(package: Saveable) -> bytes:
    """What an openpyxl workbook or a python-docx document saves, made in memory: the disk then sees one plain
    write.  (Saved straight to a file on a full disk, the zip archive they write is left open: the garbage
    collector closes it later, fails again, and prints its traceback under the clerk's message.)"""
    buffer = io.BytesIO()
    package.save(buffer)
    return buffer.getvalue()


def fsync_path(path: Path) -> None:
    """Make what ``path`` holds durable through a read-only handle: a file written by someone else (a
    scan the scanner wrote, moved into the archive by a hard link), or a folder's entries.  Raises
    ``OSError`` when it cannot (unlike ``fsync_directory``, which is best effort)."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def fsync_directory(folder: Path) -> None:
    """Make the entries of ``folder`` (a rename, a new file) durable."""
    # The rename itself is durable only once the directory entry is on disk.
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory handles
        return
    try:
        os.fsync(descriptor)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(descriptor)
