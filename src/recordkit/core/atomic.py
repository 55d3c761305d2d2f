"""Atomic file writes: a temporary file beside the target, fsync, then rename over it.

A crash or ``kill -9`` leaves either the old file or the new one, never half of one.
What is written is the caller's business, and so is who may read it: a file gets the mode any new
file gets under the process's umask (the office's other accounts read what it made), or ``PRIVATE``.
"""

from __future__ import annotations

import io
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Protocol

from recordkit.core.errors import UsageError
from recordkit.core.filenames import printable

#: The mode of a file holding personal data unmasked (an export made with ``--show-private``, the text of
#: scans): only the account that wrote it reads it.
PRIVATE = 0o600
#: Temporary names taken before giving up (each is random: a clash is a one in 2**48 chance).
_TEMP_TRIES = 100


def _new_temp(folder: Path, suffix: str, mode: int | None) -> Path:
    """A new empty file in ``folder``, created exclusively under a random name: with ``mode`` exactly, else
    0666 less the umask — the mode every new file of the process gets (0644 under umask 022)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    for _ in range(_TEMP_TRIES):
        temp = folder / f".~recordkit-{secrets.token_hex(6)}{suffix}"
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
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as err:  # a file where a folder of the path should be
        raise UsageError(
            f"无法写入 {printable(str(target))}：{printable(str(_file_in_the_way(target.parent)))} 是文件，不是文件夹，"
            "请换一个输出位置"
        ) from err
    try:
        temp = _new_temp(target.parent, suffix or target.suffix, mode)
    except OSError as err:  # a folder that takes no new file: say the file the clerk asked for, not our temporary one
        raise OSError(err.errno, err.strerror, str(target)) from err
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
