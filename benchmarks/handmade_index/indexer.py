"""Keeping the search index current with the archive catalogue: the nightly run, the filing hook, the check.

``update_index`` compares each catalogued item's signature (metadata, owners, file size and time)
with what the index holds and (re)indexes what changed; text comes from ``archive.extract``
(stored by SHA-256, so nothing is read or OCR'd twice).  ``index_filed`` is the filing hook;
``verify_index`` the read-only check.  What a query means is ``query``; the index store is ``index``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from handmade_index.index import IndexDoc, SearchIndex
from handmade_index.text import fold_unpadded, token_set
from recordkit.archive import extract
from recordkit.archive.archivist import ArchiveItem, list_items
from recordkit.core.workspace import add_rotating_log
from recordkit.search.indexer import IndexReport, owner_names
from recordkit.search.text import fold, join_fields

if TYPE_CHECKING:
    from recordkit.archive.extract import ItemText
    from recordkit.core.workspace import Workspace
    from recordkit.ledger.db import Ledger

log = logging.getLogger(__name__)

#: A clerk at the counter waits this long for the nightly run or the watcher to finish writing.
LOCK_TIMEOUT = 120.0
#: The watcher waits only briefly: the nightly run catches up with what it could not index.
WATCH_LOCK_TIMEOUT = 5.0
INDEX_LOG = "index.log"


def _index(workspace: Workspace) -> SearchIndex:
    return SearchIndex(workspace.records_subdir("index"))


@dataclass(frozen=True)
class _Planned:
    item: ArchiveItem
    signature: str
    present: bool  # the archived file is where the catalogue says


def _signature(workspace: Workspace, item: ArchiveItem, owners: tuple[str, ...]) -> _Planned:
    try:
        status = os.stat(workspace.root / item.path)
        stat_part: list[Any] = [status.st_size, status.st_mtime_ns]
    except OSError:
        stat_part = ["missing"]
    described = [
        item.archive_no,
        item.sha256,
        item.path,
        item.title,
        item.category,
        item.unit,
        item.topic,
        item.doc_date.isoformat() if item.doc_date else None,
        item.original_name,
        list(owners),
        *stat_part,
    ]
    digest = hashlib.blake2b(json.dumps(described, ensure_ascii=False).encode("utf-8"), digest_size=16).hexdigest()
    return _Planned(item, digest, stat_part != ["missing"])


def make_doc(
    item: ArchiveItem, owners: tuple[str, ...], text: ItemText | None, signature: str, present: bool = True
) -> IndexDoc:
    """What the index holds of one item: its metadata always, its text when there is one."""
    date = item.doc_date.isoformat() if item.doc_date else ""
    meta = join_fields(
        [
            item.archive_no,
            item.title,
            item.category,
            item.unit,
            " ".join(owners),
            date,
            item.original_name,
            item.path,
            item.topic,
        ]
    )
    body = join_fields([text.text]) if text is not None and text.text.strip() else ""
    stored = meta + "\n" + body if body else meta
    folded_meta = fold_unpadded(meta)
    folded = folded_meta + "\n" + fold_unpadded(body) if body else folded_meta
    meta_tokens = token_set(folded_meta)
    if not present or (text is not None and text.error):
        state = "failed"
    elif text is not None and text.ocr_pending:
        state = "pending"
    else:
        state = "ok"
    shown = {
        "title": item.title,
        "category": item.category,
        "unit": item.unit,
        "date": date or None,
        "path": item.path,
        "source_name": item.original_name,
        "owner": "、".join(owners),
    }
    return IndexDoc(
        item.archive_no,
        frozenset(token_set(folded)),
        frozenset(meta_tokens),
        stored,
        folded,
        len(meta) + 1 if body else len(stored),
        signature,
        state,
        unit=item.unit or "",
        category=item.category,
        date=date,
        owners=tuple(fold(name).replace(" ", "") for name in owners),
        shown=shown,
    )


def _texts(
    workspace: Workspace, items: Sequence[ArchiveItem], ocr: bool, progress: Callable[[int, int | None], None] | None
) -> dict[str, ItemText]:
    """The text of each item: stored when current, else extracted now (OCR only with ``ocr``)."""
    texts: dict[str, ItemText] = {}
    needed: list[ArchiveItem] = []
    for item in items:
        stored = extract.stored_text(workspace, item)
        if stored is None or (ocr and stored.ocr_pending):
            needed.append(item)
        else:
            texts[item.archive_no] = stored
    if needed:
        for item, text in extract.extract_items(workspace, needed, ocr=ocr, progress=progress):
            texts[item.archive_no] = text
    return texts


def update_index(
    workspace: Workspace,
    ledger: Ledger,
    *,
    rebuild: bool = False,
    ocr: bool = True,
    items: Sequence[ArchiveItem] | None = None,
    lock_timeout: float = LOCK_TIMEOUT,
    progress: Callable[[int, int | None], None] | None = None,
) -> IndexReport:
    """Bring the index up to date with the archive catalogue: index new and changed items, drop removed ones.

    An unchanged item costs a stat of its file.  With ``items`` only those are (re)indexed (the
    watcher's hook; nothing is removed).  ``rebuild`` builds a new index beside the live one and
    swaps it in.  One writer at a time: ``ConflictError`` when another holds the lock past
    ``lock_timeout``; ``IntegrityError`` when the live index is damaged or of another version.
    Items whose text could not be read are indexed by their metadata and listed in ``failed``.
    """
    started = time.monotonic()
    index = _index(workspace)
    report = IndexReport()
    owners = owner_names(ledger)
    catalogue = list(items) if items is not None else list_items(ledger)
    with index.lock(lock_timeout):
        rebuild = rebuild or not index.exists()
        if rebuild and items is not None:
            catalogue = list_items(ledger)  # a first index holds the whole archive
        report.rebuilt = rebuild
        # The filing hook reads the signatures of its own items only, not of the whole archive.
        existing = {} if rebuild else index.signatures(None if items is None else [i.archive_no for i in catalogue])
        planned = [_signature(workspace, item, owners.get(item.unit or "", ())) for item in catalogue]
        todo: list[_Planned] = []
        for plan in planned:
            old = existing.get(plan.item.archive_no)
            if old is None:
                report.added += 1
            elif old[0] != plan.signature or (ocr and old[1] == "pending"):
                report.updated += 1
            else:
                report.unchanged += 1
                continue
            todo.append(plan)
        removed = [] if items is not None else sorted(set(existing) - {p.item.archive_no for p in planned})
        report.removed = len(removed)
        texts = _texts(workspace, [plan.item for plan in todo if plan.present], ocr, progress)

        def docs() -> Iterator[IndexDoc]:
            for plan in todo:
                text = texts.get(plan.item.archive_no)
                doc = make_doc(plan.item, owners.get(plan.item.unit or "", ()), text, plan.signature, plan.present)
                if not plan.present:
                    report.failed.append(
                        (plan.item.archive_no, f"档案文件 {plan.item.path} 不见了：请运行 recordkit archive verify")
                    )
                elif text is not None and text.error:
                    report.failed.append((plan.item.archive_no, text.error))
                if doc.state == "pending":
                    report.ocr_pending += 1
                yield doc

        if rebuild:
            index.rebuild(docs())
        elif todo or removed:
            index.update(
                docs(), removed, compact=items is None, current={number: found[2] for number, found in existing.items()}
            )
    report.seconds = time.monotonic() - started
    _log_run(workspace, report)
    return report


def _log_run(workspace: Workspace, report: IndexReport) -> None:
    add_rotating_log(workspace.records_subdir("logs") / INDEX_LOG, "recordkit-index")
    log.info("%s", report.summary)
    for number, reason in report.failed:
        log.warning("索引失败 %s：%s", number, reason)
