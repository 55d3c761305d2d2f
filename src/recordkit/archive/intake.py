"""Changing the archive and its index in one step: filing (``recordkit file`` and the watcher) and
correcting an item (``recordkit archive update``).

What changes is searchable at once (issues 7 and 16): text documents with their text, scans by their
metadata until the nightly ``recordkit index`` has OCR'd them.  A change never fails because of the
index: ``index_filed`` logs and leaves the item for the nightly run.  Filing and editing themselves
are ``archivist``; the index is ``search.indexer``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from recordkit.archive.archivist import (
    BATCH_SIZE,
    ArchiveItem,
    Archivist,
    FilingOutcome,
    PreparedBatch,
    former_numbers,
    update_item,
)
from recordkit.archive.contained import ReaderStopped
from recordkit.archive.rules import Metadata
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
) -> list[FilingOutcome]:
    """File ``files`` in one ledger transaction (``Archivist.file_many``, or ``file_prepared`` when the
    watcher has ``prepared`` them already) and index those filed: in that same transaction when the ledger
    is PostgreSQL and holds the index (``index_in_transaction``), else, with ``index``, just after (the
    watcher indexes later, in its second stage: ``index_items``).

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
        outcomes = archivist.file_many(files, flags, before_commit=index_with_filing)
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
) -> list[FilingOutcome]:
    """File and index every given file (folders: every file below them), ``BATCH_SIZE`` per transaction.

    First the same recovery as the filing service (``Archivist.recover``): a filing a killed process
    left half-done is finished or rolled back, and ``ArchiveMismatch`` stops everything when the ledger
    does not match the archive.  ``NotFoundError`` for a path that does not exist, before anything is filed.
    An empty file is neither filed nor quarantined: it is left where it is (outcome ``empty``), in the inbox for
    the service, which waits for a scanner still writing it.
    """
    archivist.quarantine_empty = False
    files = list(archivist.expand(paths))
    archivist.recover()
    outcomes: list[FilingOutcome] = []
    for start in range(0, len(files), BATCH_SIZE):
        outcomes += file_batch(archivist, files[start : start + BATCH_SIZE], flags)
        if progress:
            progress(len(outcomes), len(files))
    return outcomes


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


__all__ = ["file_batch", "file_paths", "index_items", "update_and_index"]
