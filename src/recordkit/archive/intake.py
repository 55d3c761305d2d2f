"""Changing the archive and its index in one step: filing (``recordkit file`` and the watcher) and
correcting an item (``recordkit archive update``).

What changes is searchable at once (issues 7 and 16): text documents with their text, scans by their
metadata until the nightly ``recordkit index`` has OCR'd them.  A change never fails because of the
index: ``index_filed`` logs and leaves the item for the nightly run.  Filing and editing themselves
are ``archivist``; the index is ``search.indexer``.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from recordkit.archive.archivist import (
    ArchiveItem,
    Archivist,
    FilingOutcome,
    FolderListings,
    PreparedBatch,
    former_numbers,
    update_item,
)
from recordkit.archive.contained import ReaderStopped
from recordkit.archive.emptied import EmptiedFolders
from recordkit.archive.rules import Metadata
from recordkit.archive.watch_lock import running_service, served_message
from recordkit.core.errors import WorkspaceError
from recordkit.core.filenames import readable_name
from recordkit.search.indexer import index_filed, index_in_transaction

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from recordkit.core.workspace import Workspace
    from recordkit.ledger.db import Ledger

log = logging.getLogger(__name__)


def file_batch(
    archivist: Archivist,
    files: Sequence[tuple[Path, Path | None]],
    flags: Metadata | None = None,
    *,
    index: bool = True,
    prepared: PreparedBatch | None = None,
    listings: FolderListings | None = None,
) -> list[FilingOutcome]:
    """File ``files`` in one ledger transaction (``Archivist.file_many``, or ``file_prepared`` when the
    watcher has ``prepared`` them already) and index those filed: in that same transaction when the ledger
    is PostgreSQL and holds the index (``index_in_transaction``), else, with ``index``, just after (the
    watcher indexes later, in its second stage: ``index_items``).  ``listings``: the folders listed in the pass
    the batch is part of (``FolderListings``).

    Raises what ``file_many`` raises (``LedgerError`` when the ledger cannot be written); never
    raises because of the index.
    """
    in_transaction: set[str] = set()

    def index_with_filing(conn: Connection, items: list[ArchiveItem]) -> None:
        if index_in_transaction(archivist.workspace, conn, items):
            in_transaction.update(item.archive_no for item in items)

    if prepared is not None:
        outcomes = archivist.file_prepared(prepared, before_commit=index_with_filing)
    else:
        outcomes = archivist.file_many(files, flags, before_commit=index_with_filing, listings=listings)
    if index:
        filed = [outcome.item for outcome in outcomes if outcome.status == "filed" and outcome.item is not None]
        index_items(archivist, [item for item in filed if item.archive_no not in in_transaction])
    return outcomes


def index_items(archivist: Archivist, items: Sequence[ArchiveItem | None]) -> None:
    """Make filed items searchable now (their text; OCR is the nightly run's).  Never raises because of
    the index; SIGTERM while a text is read leaves the items to the nightly ``recordkit index``."""
    try:
        index_filed(archivist.workspace, archivist.ledger, items)
    except ReaderStopped:  # filed all the same; the nightly index catches up
        log.info("stopping: %d filed items left for the nightly index", len(items))


def file_paths(
    archivist: Archivist,
    paths: Iterable[Path],
    flags: Metadata | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> list[FilingOutcome]:
    """File and index every given file (folders: every file below them), ``BATCH_SIZE`` per transaction; each folder
    listed once for the whole filing (``FolderListings``: a file that arrives meanwhile waits for the next).

    First the same recovery as the filing service (``Archivist.recover``): a filing a killed process
    left half-done is finished or rolled back, and ``ArchiveMismatch`` stops everything when the ledger
    does not match the archive.  ``NotFoundError`` for a path that does not exist, before anything is filed.
    An empty file is neither filed nor quarantined: it is left where it is (outcome ``empty``), in the inbox for
    the service, which waits for a scanner still writing it.  ``WorkspaceError`` before anything at all, when a
    path is or lies in the inbox while a filing service runs, which files it (``leave_inbox_to_service``).
    The inbox's subfolders the filing emptied are removed as the service removes them (``EmptiedFolders``: once
    still for the stability window, which it waits out with ``sleep``); a folder outside the inbox never is.
    """
    paths = list(paths)
    leave_inbox_to_service(archivist, paths)
    archivist.quarantine_empty = False
    emptied = EmptiedFolders(archivist, archivist.settings.stability_seconds)

    def file_and_index(batch: Sequence[tuple[Path, Path | None]], listings: FolderListings) -> list[FilingOutcome]:
        filed = file_batch(archivist, batch, flags, listings=listings)
        for (path, _), outcome in zip(batch, filed, strict=True):
            emptied.taken(path, outcome)
        return filed

    outcomes = archivist.file_paths(paths, flags, progress=progress, file_batch=file_and_index, recover=True)
    emptied.remove_once_still(sleep, lambda: False)
    return outcomes


def leave_inbox_to_service(archivist: Archivist, paths: Sequence[Path]) -> None:
    """While a filing service (``recordkit watch``) runs on the workspace, the inbox is its own: raise
    ``WorkspaceError`` (``served_message``) when a path is the inbox or lies in it; a folder holding it is walked
    without it (``Archivist.inbox_served``).  A clerk's filing of the same scans would race the service for each
    (nothing lost, but the service would say of dozens 文件已不在原处)."""
    reaching = [(path, relation) for path in paths if (relation := inbox_relation(path, archivist.inbox))]
    if not reaching or (service := running_service(archivist.workspace.records_dir)) is None:
        return
    for path, relation in reaching:
        if relation != HOLDS_INBOX:
            raise WorkspaceError(served_message(service.holder, readable_name(str(path)), relation))
    archivist.inbox_served = service


#: How a path named to ``recordkit file`` reaches the inbox (``inbox_relation``), as the refusal says it.
IS_INBOX, IN_INBOX, HOLDS_INBOX = "就是收件箱", "在收件箱里", "含有收件箱"


def inbox_relation(path: Path, inbox: Path) -> str | None:
    """How a path as named reaches ``inbox`` (resolved): ``IS_INBOX``, ``IN_INBOX``, ``HOLDS_INBOX`` (a folder whose
    walk goes into it), or None.  Both the path as named (a link in the inbox) and where it leads (a link to the inbox)."""
    named = os.path.abspath(path)
    for where in {Path(os.path.realpath(os.path.dirname(named))) / os.path.basename(named), path.resolve()}:
        if where == inbox:
            return IS_INBOX
        if where.is_relative_to(inbox):
            return IN_INBOX
        if inbox.is_relative_to(where):
            return HOLDS_INBOX
    return None


def update_and_index(
    workspace: Workspace, ledger: Ledger, archive_no: str, operator: str, **changes: Any
) -> ArchiveItem:
    """``archivist.update_item`` (same arguments, same errors), the item re-indexed at once: a search shows the
    corrected unit, title, date, category or 盒号 straight away, not after the nightly run (a renumbered item
    under its new number, found by its old one too).  As in filing, in the correction's own transaction when
    the ledger is PostgreSQL and holds the index (``index_in_transaction``), else just after its commit."""
    in_transaction: list[bool] = []

    def index_with_update(conn: Connection, items: list[ArchiveItem]) -> None:
        in_transaction.append(index_in_transaction(workspace, conn, items))

    item = update_item(workspace, ledger, archive_no, operator, before_commit=index_with_update, **changes)
    if not any(in_transaction):
        remove = former_numbers(ledger, [item.archive_no]).get(item.archive_no, ())
        index_filed(workspace, ledger, [item], remove=remove)
    return item


__all__ = [
    "file_batch",
    "file_paths",
    "inbox_relation",
    "index_items",
    "leave_inbox_to_service",
    "update_and_index",
]
