"""Filing and indexing as one step: what ``recordkit file`` and the watcher both do with new files.

A filed item is searchable at once (issue 7): its text is indexed in the same call, OCR waits for
the nightly ``recordkit index``.  Filing never fails because of the index: ``index_filed`` logs and
leaves the item for the nightly run.  Filing itself is ``archivist``; the index is ``search.indexer``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from recordkit.archive.archivist import BATCH_SIZE, Archivist, FilingOutcome
from recordkit.archive.rules import Metadata
from recordkit.search.indexer import index_filed


def file_batch(
    archivist: Archivist, files: Sequence[tuple[Path, Path | None]], flags: Metadata | None = None
) -> list[FilingOutcome]:
    """File ``files`` in one ledger transaction (``Archivist.file_many``) and index those filed.

    Raises what ``file_many`` raises (``LedgerError`` when the ledger cannot be written); never
    raises because of the index.
    """
    outcomes = archivist.file_many(files, flags)
    index_filed(
        archivist.workspace, archivist.ledger, [outcome.item for outcome in outcomes if outcome.status == "filed"]
    )
    return outcomes


def file_paths(
    archivist: Archivist,
    paths: Iterable[Path],
    flags: Metadata | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> list[FilingOutcome]:
    """File and index every given file (folders: every file below them), ``BATCH_SIZE`` per transaction.

    ``NotFoundError`` for a path that does not exist, before anything is filed.
    """
    files = list(archivist.expand(paths))
    outcomes: list[FilingOutcome] = []
    for start in range(0, len(files), BATCH_SIZE):
        outcomes += file_batch(archivist, files[start : start + BATCH_SIZE], flags)
        if progress:
            progress(len(outcomes), len(files))
    return outcomes


__all__ = ["file_batch", "file_paths"]
