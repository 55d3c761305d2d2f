"""Atomic file writes: a temporary file beside the target, fsync, then rename over it.

A crash or ``kill -9`` leaves either the old file or the new one, never half of one.
What is written is the caller's business.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Protocol

from recordkit.core.errors import UsageError
from recordkit.core.filenames import printable


@contextmanager
def replacing(target: Path, suffix: str = "", *, durable: bool = True) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success fsync it and rename it over ``target``.

    On any exception the temporary file is removed and ``target`` is untouched.  Without
    ``durable`` nothing is fsynced: a ``kill -9`` still leaves the old file or the new one, a power
    cut may leave an empty one; for derived data that is checked when read and made again.
    """
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as err:  # a file where a folder of the path should be
        raise UsageError(
            f"无法写入 {printable(str(target))}：{printable(str(_file_in_the_way(target.parent)))} 是文件，不是文件夹，"
            "请换一个输出位置"
        ) from err
    try:
        handle, temp_name = tempfile.mkstemp(prefix=".~recordkit-", suffix=suffix or target.suffix, dir=target.parent)
    except OSError as err:  # a folder that takes no new file: say the file the clerk asked for, not our temporary one
        raise OSError(err.errno, err.strerror, str(target)) from err
    os.close(handle)
    temp = Path(temp_name)
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


def write_bytes(target: Path, data: bytes, *, durable: bool = True) -> Path:
    """Write ``data`` to ``target`` atomically (see ``replacing`` for ``durable``)."""
    with replacing(target, durable=durable) as temp:
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
