"""The inbox's subfolders a filing emptied — by the service, ``watch --once`` or ``recordkit file`` —, removed once
they hold nothing but other computers' system files and have stood still for the stability window; then the folders
above them, up to the inbox, with the same care.  Never the inbox, a category's folder, nor any folder outside the
inbox (a clerk's own: its files are copied, never moved)."""

from __future__ import annotations

import contextlib
import logging
import os
import stat
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from recordkit.archive.rules import is_system_file
from recordkit.core.filenames import printable

if TYPE_CHECKING:
    from recordkit.archive.archivist import Archivist, FilingOutcome

log = logging.getLogger(__name__)

#: What an emptied inbox folder holds as it stands (``_left_in``): its modification time, and the name, size and
#: modification time of each of other computers' system files in it.
FolderLeft = tuple[int, tuple[tuple[str, int, int], ...]]


class EmptiedFolders:
    """Folders of the inbox whose files a filing took away (filed or quarantined), each with what it held when last
    looked at (``FolderLeft``) and since when (``clock``) it has held that: the file server's clock (a share) is never
    compared with this one.  The category folders an office drops scans into are never among them."""

    def __init__(self, archivist: Archivist, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        settings = archivist.settings
        self.archivist, self.window, self.clock = archivist, window, clock
        self._emptied: dict[Path, tuple[FolderLeft, float] | None] = {}
        self._kept = {archivist.inbox / category.name for category in settings.categories} | {
            archivist.inbox / settings.unknown_category
        }

    def taken(self, path: Path, outcome: FilingOutcome) -> None:
        """``path`` was filed, found filed or quarantined: its folder, a subfolder of the inbox, is removed once empty
        (``remove``) — a per-unit folder would otherwise stay for ever, and the next scan's folder be read wrongly by a
        clerk.  Not when the file stayed (``left_behind``: a folder of another account)."""
        folder = self.archivist.as_inbox_sees(path).parent  # (a path as typed: relative, or through a link)
        if outcome.status in ("filed", "already_filed", "quarantined") and not outcome.left_behind:
            self._emptied_now(folder)

    def _emptied_now(self, folder: Path) -> None:
        """``folder`` may have been emptied just now: looked at (again) by ``remove`` when it is one to remove — below
        the inbox, not a category's folder."""
        if self.archivist.in_inbox(folder) and folder != self.archivist.inbox and folder not in self._kept:
            self._emptied[folder] = None

    def remove(self) -> bool:
        """Remove each folder a filing emptied that holds nothing but other computers' system files (``Thumbs.db`` …,
        ``_left_in``) and has not changed for the stability window as seen here (a scanner may be about to write the
        next scan into it, an Explorer window still showing it rewrite its thumbnails): those files are deleted, then
        the folder (``os.rmdir``: never a folder that is not empty, never recursively).  One that holds anything else
        now is forgotten (emptied again, it is looked at again).  The folder above one removed is emptied by it
        (``inbox/3号楼/`` of ``inbox/3号楼/3-2-1201/``): looked at in turn, as the next calls come, with the same care.
        Whether any folder was removed."""
        now, removed = self.clock(), False
        for folder, seen in sorted(self._emptied.items()):
            left = _left_in(folder)
            if left is None:
                del self._emptied[folder]
                continue
            if seen is None or seen[0] != left:  # first looked at, or changed since: its window starts now
                self._emptied[folder] = seen = (left, now)
            if now - seen[1] < self.window:
                continue
            del self._emptied[folder]
            if _remove_emptied(folder, [name for name, _, _ in left[1]]):
                removed = True
                self._emptied_now(folder.parent)
        return removed

    def remove_once_still(self, sleep: Callable[[float], None], stopped: Callable[[], bool]) -> None:
        """``remove``, and for a run that ends (``watch --once``, ``recordkit file``) again after the window, the
        folders left then being still for it, for as long as that removes one (the folders above it its removal
        emptied: a window each) — unless ``stopped``."""
        self.remove()
        while self._emptied and not stopped():
            sleep(self.window)
            if not self.remove():
                break


def _left_in(folder: Path) -> FolderLeft | None:
    """What ``folder`` holds when that is nothing but other computers' system files (``rules.is_system_file``, each a
    regular file), or None when it holds anything else — a scan, a hidden file, a folder, a link — or is gone."""
    try:
        with os.scandir(folder) as entries:
            found = [(entry.name, entry.stat(follow_symlinks=False)) for entry in entries]
        changed = folder.stat().st_mtime_ns
    except OSError:  # gone already (a clerk), or not ours to read
        return None
    if not all(is_system_file(name) and stat.S_ISREG(seen.st_mode) for name, seen in found):
        return None
    return changed, tuple(sorted((name, seen.st_size, seen.st_mtime_ns) for name, seen in found))


def _remove_emptied(folder: Path, system_files: list[str]) -> bool:
    """Delete ``system_files`` in ``folder``, then the folder itself, if nothing else was written into it meanwhile;
    whether it was removed."""
    try:
        for name in system_files:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(folder / name)
        os.rmdir(folder)
    except OSError as err:  # a file written into it meanwhile, or a folder of another account
        log.info("emptied inbox folder %s kept: %s", printable(str(folder)), err.strerror or err)
        return False
    log.info("removed the emptied inbox folder %s", printable(str(folder)))
    return True


__all__ = ["EmptiedFolders", "FolderLeft"]
