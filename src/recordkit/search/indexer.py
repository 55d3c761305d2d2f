"""Keeping the search index current with the archive catalogue: the nightly run, the filing hook, the check.

``update_index`` compares each catalogued item's signature (metadata, owners, file size and time)
with what the index holds and (re)indexes what changed; text comes from ``archive.extract``
(stored by SHA-256, so nothing is read or OCR'd twice).  ``index_filed`` is the filing hook;
``verify_index`` the read-only check.  What a query means is ``query``; the index store is ``backends``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import logging
import os
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from recordkit.archive import extract
from recordkit.archive.archivist import ArchiveItem, former_numbers, former_numbers_in, list_items, renumbered_as
from recordkit.archive.archivist import archive_elsewhere as elsewhere
from recordkit.archive.contained import ReaderStopped
from recordkit.core.config import SEARCH_BACKENDS, load_settings, search_backend, spaced, write_setting
from recordkit.core.errors import ConfigError, IntegrityError, NotFoundError, UsageError, WorkspaceError
from recordkit.core.workspace import add_rotating_log
from recordkit.ledger.db import in_batches
from recordkit.ledger.schema import archive_items
from recordkit.owners.contacts import owner_names_in
from recordkit.search.backends import open_index, preparer
from recordkit.search.backends.base import IndexBackend, IndexDoc, IndexUnusable, cores
from recordkit.search.backends.postgresql import PostgresIndex
from recordkit.search.text import fold, join_fields, token_stream

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from recordkit.archive.extract import ItemText
    from recordkit.core.workspace import Workspace
    from recordkit.ledger.db import Ledger

log = logging.getLogger(__name__)

#: A clerk at the counter waits this long for the nightly run or the watcher to finish writing.
LOCK_TIMEOUT = 120.0
#: The watcher waits only briefly: the nightly run catches up with what it could not index.
WATCH_LOCK_TIMEOUT = 5.0
INDEX_LOG = "index.log"
#: From this many items to (re)index on, their tokens are made in ``workers()`` processes beside the writer.
PARALLEL_FROM = 1000
#: At most this many: past it the writer's single connection (its COPY, or SQLite's one writer) is the limit.
MAX_WORKERS = 4
#: The parts of a run after the texts are extracted, as ``update_index``'s ``stage`` names them (a progress bar's
#: words): the items written, then, without a count, a rebuild's index built and swapped in, or the nightly
#: run's merge of the day's writes.
WRITING, FINISHING, MERGING = "写入索引", "建立全文索引并换上（最后一步）", "整理索引"
#: Items between two reports of ``progress`` while writing (a rebuild of a million: a thousand reports).
PROGRESS_EVERY = 1000


def workers() -> int:
    """How many processes make a big build's tokens: a core each but one, left to the writer and the server's
    side of its writes (on two cores both: two workers kept both busy, docs/benchmarks.md), ``MAX_WORKERS`` at
    most."""
    return min(MAX_WORKERS, max(2, cores() - 1))


@dataclass
class IndexReport:
    """What one run of ``update_index`` did."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (archive_no, Chinese reason)
    ocr_pending: int = 0
    seconds: float = 0.0
    rebuilt: bool = False
    upgraded: bool = False  # rebuilt because an older recordkit had built it
    caught_up: int = 0  # items filed, corrected or removed while a rebuild or the nightly run worked, indexed after it
    kept_text: list[str] = field(default_factory=list)  # of ``failed``: file not here, the text indexed before kept

    @property
    def summary(self) -> str:
        what = "重建索引" if self.rebuilt else "索引更新"
        if self.upgraded:
            what = "重建索引（原索引是旧版本的 recordkit 建的）"
        pending = f"，{self.ocr_pending} 件待 OCR" if self.ocr_pending else ""
        during = "重建期间" if self.rebuilt else "更新期间"
        meanwhile = f"，{during}归档、修改或删除的 {self.caught_up} 件已随后补上" if self.caught_up else ""
        return (
            f"{what}：新增 {self.added} 件，更新 {self.updated} 件，删除 {self.removed} 件，"
            f"失败 {len(self.failed)} 件{pending}{meanwhile}，耗时 {self.seconds:.2f} 秒"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "updated": self.updated,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "failed": [{"archive_no": no, "reason": reason} for no, reason in self.failed],
            "ocr_pending": self.ocr_pending,
            "seconds": round(self.seconds, 3),
            "rebuilt": self.rebuilt,
            "upgraded": self.upgraded,
            "caught_up": self.caught_up,
            "kept_text": self.kept_text,
        }


def owner_names(ledger: Ledger) -> dict[str, tuple[str, ...]]:
    """Unit code → the names of its owners of record (co-owners too), from the ledger."""
    with ledger.read() as conn:
        return owner_names_in(conn)


@dataclass(frozen=True)
class _Planned:
    item: ArchiveItem
    signature: str
    present: bool  # the archived file is where the catalogue says


#: The catalogue columns an item's signature is made of (the nightly run reads only these of every item).
_SIGNED = (
    archive_items.c.archive_no,
    archive_items.c.sha256,
    archive_items.c.path,
    archive_items.c.title,
    archive_items.c.category,
    archive_items.c.unit,
    archive_items.c.topic,
    archive_items.c.doc_date,
    archive_items.c.original_name,
)


def _sign(root: str, values: Sequence[Any], owners: tuple[str, ...], former: tuple[str, ...] = ()) -> tuple[str, bool]:
    """The signature of an item from its ``_SIGNED`` values, its owners, its former numbers and its file's
    size and time, and whether the file is there.  One string hashed: cheap enough for every item of a
    nightly run.  (An item without former numbers signs as before they existed: no index is stale for it.)"""
    try:
        status = os.stat(os.path.join(root, values[2]))
        stat_part = f"{status.st_size}:{status.st_mtime_ns}"
    except OSError:
        stat_part = ""
    described = "\x1f".join(
        ["" if value is None else str(value) for value in values] + ["\x1e".join(owners), stat_part]
    )
    if former:
        described += "\x1d" + "\x1e".join(former)
    return hashlib.blake2b(described.encode("utf-8"), digest_size=16).hexdigest(), bool(stat_part)


def archive_elsewhere(catalogued: int, verify: bool = False) -> WorkspaceError:
    """The refusal of an index run, or check, on a computer where not one of the ``catalogued`` items' files is
    (``archivist.archive_elsewhere``): indexed there, every item would lose its text to a metadata-only row (in a
    shared index, on every PC); checked there, every item would look changed."""
    if verify:
        return elsewhere(catalogued, "recordkit index --verify", "在这里核对，每件都会显示为过期")
    return elsewhere(catalogued, "recordkit index", "在这里更新会把各件档案的正文从检索索引里去掉，什么也没有改动")


def _item_values(item: ArchiveItem) -> tuple[Any, ...]:
    return tuple(getattr(item, column.name) for column in _SIGNED)


def _signature(
    workspace: Workspace, item: ArchiveItem, owners: tuple[str, ...], former: tuple[str, ...] = ()
) -> _Planned:
    signature, present = _sign(str(workspace.root), _item_values(item), owners, former)
    return _Planned(item, signature, present)


def _catalogue_signatures(
    workspace: Workspace, ledger: Ledger, owners: dict[str, tuple[str, ...]], former: dict[str, tuple[str, ...]]
) -> dict[str, tuple[str, bool]]:
    """archive_no → (signature, file present) of every catalogued item, from a narrow read of the catalogue
    (no ``ArchiveItem`` is made: the nightly run with nothing changed stays well under a second)."""
    with ledger.read() as conn:
        rows = conn.execute(sa.select(*_SIGNED)).all()
    root = str(workspace.root)
    return {row[0]: _sign(root, row, owners.get(row[5] or "", ()), former.get(row[0], ())) for row in rows}


def _load_items(ledger: Ledger, numbers: Sequence[str]) -> list[ArchiveItem]:
    """The catalogue items of ``numbers`` (in no particular order)."""
    found: list[ArchiveItem] = []
    with ledger.read() as conn:
        for batch in in_batches(numbers):
            rows = conn.execute(sa.select(archive_items).where(archive_items.c.archive_no.in_(batch))).all()
            found += [ArchiveItem.from_row(row) for row in rows]
    return found


def _as_catalogued(ledger: Ledger, items: Sequence[ArchiveItem]) -> tuple[list[ArchiveItem], list[str]]:
    """``items`` as the catalogue holds them now (read under the index lock, like the rest of the run), and the
    numbers of theirs no item has any more: an item renumbered since it was handed over is returned under its
    new number and its old number is among those; one no longer catalogued only has its number there."""
    numbers = list(dict.fromkeys(item.archive_no for item in items))
    current = _load_items(ledger, numbers)
    held = {item.archive_no for item in current}
    gone = [number for number in numbers if number not in held]
    renumbered = set(renumbered_as(ledger, gone).values())
    if renumbered - held:
        current += _load_items(ledger, sorted(renumbered - held))
    return current, gone


def _stream(*fields: str | None) -> str:
    """The tokens of some fields in order, a ``-`` between two fields (no phrase runs from one into the next)."""
    return " - ".join(
        (_short_field(value) if len(value) <= _SHORT else _field(value)) for value in fields if value and value.strip()
    )


def _field(value: str) -> str:
    return " ".join(token_stream(fold(value)))


#: Categories, dates, units, owners and many titles recur from item to item: their tokens are made once.
_SHORT = 48
_short_field = functools.lru_cache(maxsize=8192)(_field)


def make_doc(
    item: ArchiveItem,
    owners: tuple[str, ...],
    text: ItemText | None,
    signature: str,
    present: bool = True,
    former: tuple[str, ...] = (),
) -> IndexDoc:
    """What the index holds of one item: its metadata always (its former numbers weighted as its 档号), its
    text when there is one."""
    date = item.doc_date.isoformat() if item.doc_date else ""
    meta = join_fields(
        [
            item.archive_no,
            " ".join(former),
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
    # A NUL (some PDFs' extracted text holds them) stands as a blank: PostgreSQL refuses it in any text, and a
    # single one would fail a whole rebuild; it separated the words on both sides of it already.
    body = join_fields([text.text.replace("\0", " ")]) if text is not None and text.text.strip() else ""
    stored = meta + "\n" + body if body else meta
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
    columns = {
        "title": _stream(item.title, item.topic),
        "number": _stream(item.archive_no, *former),
        "unit": _stream(item.unit),
        "owners": _stream(*owners),
        "meta": _stream(item.category, date, item.original_name, item.path),
        "body": _stream(body),
    }
    return IndexDoc(
        item.archive_no,
        columns,
        stored,
        len(meta) + 1 if body else len(stored),
        signature,
        state,
        unit=item.unit or "",
        category=item.category,
        date=date,
        owners=tuple(fold(name).replace(" ", "") for name in owners),
        filed_at=item.filed_at,
        shown=shown,
    )


def _extract_missing(
    workspace: Workspace, items: Sequence[ArchiveItem], ocr: bool, progress: Callable[[int, int | None], None] | None
) -> dict[str, ItemText]:
    """The items whose text is not stored yet (or still waits for OCR, with ``ocr``) extracted now, before any
    index transaction; only these are returned and held: the stored texts are read again where the tokens are
    made, so that a rebuild of a big archive never holds every text at once."""
    if len(items) < PARALLEL_FROM or cores() < 2:
        lacking = [_lacks_text(workspace, ocr, item) for item in items]
    else:  # reading every stored text is a big rebuild's first pass: beside the writer, not in it
        with ProcessPoolExecutor(max_workers=workers()) as pool:
            lacking = list(pool.map(functools.partial(_lacks_text, workspace, ocr), items, chunksize=4 * CHUNK))
    needed = [item for item, lacks in zip(items, lacking, strict=True) if lacks]
    if not needed:
        return {}
    return {
        item.archive_no: text for item, text in extract.extract_items(workspace, needed, ocr=ocr, progress=progress)
    }


def _kept_texts(
    index: IndexBackend,
    items: Sequence[ArchiveItem],
    former: dict[str, tuple[str, ...]],
    unusable_raised: bool = False,
) -> dict[str, ItemText]:
    """The text ``index`` holds for each of ``items`` whose file is not on this computer, from its row or its
    former numbers' rows: indexed again here, such an item keeps it instead of being cut back to its metadata.
    (The nightly run on a clerk's PC sharing a PostgreSQL ledger that holds a few of the archive's files, or on
    the server after a file went missing, rewrote every item whose file it lacked by its title alone.)  Nothing
    for an index not built or not readable: a rebuild replaces it — but with ``unusable_raised`` an index the
    administrator must act on first (``IndexUnusable``: its tables missing, a newer recordkit's) is raised."""
    if not items:
        return {}
    wanted = {item.archive_no: (item.archive_no, *former.get(item.archive_no, ())) for item in items}
    try:
        rows = index.texts(sorted({number for numbers in wanted.values() for number in numbers}))
    except IndexUnusable:
        if unusable_raised:
            raise
        return {}
    except (NotFoundError, IntegrityError):
        return {}
    kept = {}
    for number, candidates in wanted.items():
        row = next((rows[candidate] for candidate in candidates if candidate in rows), None)
        if row is not None:
            page = extract.PageText(1, row[0], "text", None)
            kept[number] = extract.ItemText("", (page,), ocr_pending=row[1] == "pending")
    return kept


def indexed_text(workspace: Workspace, ledger: Ledger, item: ArchiveItem) -> ItemText | None:
    """The text the search index holds for ``item`` (its row's, or a former number's), unmasked, as one page — the
    index keeps no page breaks —, waiting for OCR as its row says: what the item page shows where neither the file
    nor its extracted text is on this computer (a clerk's PC sharing the PostgreSQL ledger and its index).  None
    when the index holds no text for it, or is not built here (a SQLite index is the server's).  ``IndexUnusable``
    for one the administrator must act on (its tables missing, damaged, a newer recordkit's), as a search says it:
    the text is not known to be on the server then."""
    former = former_numbers(ledger, [item.archive_no])
    return _kept_texts(open_index(workspace, ledger), [item], former, unusable_raised=True).get(item.archive_no)


def waits_for_ocr(workspace: Workspace, ledger: Ledger, item: ArchiveItem) -> bool:
    """Whether the search index holds ``item`` as a scan still waiting for OCR (the server has no text of it yet
    either): asked where the index holds no text of it and its file is not on this computer.  False when the index
    is not built or not readable here."""
    try:
        row = open_index(workspace, ledger).signatures([item.archive_no]).get(item.archive_no)
    except (NotFoundError, IntegrityError):
        return False
    return row is not None and row[1] == "pending"


def _lacks_text(workspace: Workspace, ocr: bool, item: ArchiveItem) -> bool:
    """No current text is stored for the item, or (with ``ocr``) its stored text still waits for OCR."""
    stored = extract.stored_text(workspace, item)
    return stored is None or (ocr and stored.ocr_pending)


#: What the tokens of one item are made from: the item, its owners, its text when just extracted (else read
#: from the store), its signature, whether its file is there, its former numbers.
_DocArguments = tuple[ArchiveItem, tuple[str, ...], "ItemText | None", str, bool, tuple[str, ...]]
#: Items per task of a worker, and tasks in flight a worker (a bounded window: the texts of a big rebuild stream
#: through).
CHUNK, AHEAD = 128, 4


def _docs_of(
    workspace: Workspace, arguments: Sequence[_DocArguments], prepare: Callable[[IndexDoc], IndexDoc] | None = None
) -> list[tuple[IndexDoc, str | None]]:
    """Each item's ``IndexDoc`` (``prepare``d for its backend), and why its text could not be read (None: it
    could, or there is none)."""
    made = []
    for item, names, text, signature, present, former in arguments:
        if text is None and present:
            text = extract.stored_text(workspace, item)
        doc = make_doc(item, names, text, signature, present, former)
        made.append((doc if prepare is None else prepare(doc), text.error if text else None))
    return made


def _made(
    workspace: Workspace,
    chunks: Iterable[Sequence[_DocArguments]],
    count: int,
    prepare: Callable[[IndexDoc], IndexDoc] | None = None,
) -> Generator[tuple[IndexDoc, str | None], None, None]:
    """``_docs_of`` every item of ``chunks`` (``count`` items in all, CHUNK a chunk), in order.  Reading texts and
    making tokens (and the backend's own form of them, ``prepare``) is the slow part of a big build: from
    PARALLEL_FROM items on it runs in ``workers()`` processes, a chunk a task and at most AHEAD tasks a worker
    ahead, while this process writes what they made into the index.  ``chunks`` is read no further ahead."""
    if count < PARALLEL_FROM or cores() < 2:
        for chunk in chunks:
            yield from _docs_of(workspace, chunk, prepare)
        return
    busy = workers()
    with ProcessPoolExecutor(max_workers=busy) as pool:
        waiting: deque[Future[list[tuple[IndexDoc, str | None]]]] = deque()
        try:
            for chunk in chunks:
                waiting.append(pool.submit(_docs_of, workspace, chunk, prepare))
                if len(waiting) >= AHEAD * busy:
                    yield from waiting.popleft().result()
            while waiting:
                yield from waiting.popleft().result()
        except GeneratorExit:  # the writer failed (or was stopped): the tasks not started are dropped
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def update_index(
    workspace: Workspace,
    ledger: Ledger,
    *,
    rebuild: bool = False,
    ocr: bool = True,
    items: Sequence[ArchiveItem] | None = None,
    remove: Sequence[str] = (),
    lock_timeout: float = LOCK_TIMEOUT,
    progress: Callable[[int, int | None], None] | None = None,
    backend: str | None = None,
    stage: Callable[[str, int | None], None] | None = None,
) -> IndexReport:
    """Bring the index up to date with the archive catalogue: index new and changed items, drop removed ones.

    An unchanged item costs a stat of its file.  With ``items`` only those are (re)indexed (the
    watcher's hook; only the ``remove`` numbers are removed: the former numbers of a renumbered item).  ``rebuild`` builds a new index beside the live one and
    swaps it in, as does the nightly run (no ``items``) when an older recordkit built the index.  One writer at a
    time: ``ConflictError`` when another holds the lock past ``lock_timeout``; ``IntegrityError`` when the live
    index is damaged or was built by a newer recordkit.
    ``backend`` names the index to write instead of the one the settings name (``index --to``).
    Items whose text could not be read are indexed by their metadata and listed in ``failed``; ``WorkspaceError``,
    nothing written, when the nightly run or a rebuild finds not one catalogued item's file on this computer
    (``archive_elsewhere``).
    ``progress`` hears (done, total) of each part of the work; ``stage`` (a name and its size, when known) when
    the next part begins: extracting texts (``progress`` alone), then ``WRITING``, then ``FINISHING`` (a
    rebuild's index build and swap) or ``MERGING`` (the nightly run's merge).
    """
    started = time.monotonic()
    index = open_index(workspace, ledger, backend)
    report = IndexReport()
    with index.lock(lock_timeout):
        # The catalogue is read under the lock: read before it, a writer that waited would drop
        # the items another process filed and indexed meanwhile, as if they had been removed.
        owners = owner_names(ledger)
        former = former_numbers(ledger)
        rebuild = rebuild or not index.exists()
        if items is None and not rebuild and index.outdated():
            # Built by an older recordkit (after an upgrade): the nightly run rebuilds it rather than stop each
            # night until someone types --rebuild.  Never one built by a newer program (its message says why).
            rebuild = report.upgraded = True
        report.rebuilt = rebuild
        catalogue: list[ArchiveItem] = []
        if items is None and not rebuild:
            index.clear_leftovers()  # (whatever else changed: a rebuild's half-made copy is gigabytes at a million)
            todo, removed = _changed(workspace, ledger, index, owners, former, ocr, report)
        else:
            gone: list[str] = []
            if rebuild:
                catalogue = list_items(ledger)  # (with ``items``: a first index holds the whole archive)
            else:
                # The hook's items as they are now, not as they were filed: the watcher indexes a while after
                # filing, and ``archive update`` may have renumbered or corrected one in between.
                catalogue, gone = _as_catalogued(ledger, items or ())
            # The filing hook reads the signatures of its own items only, not of the whole archive.
            existing = {} if rebuild else index.signatures([i.archive_no for i in catalogue])
            todo = []
            for item in catalogue:
                plan = _signature(workspace, item, owners.get(item.unit or "", ()), former.get(item.archive_no, ()))
                if _counted(existing.get(item.archive_no), plan.signature, ocr, report):
                    todo.append(plan)
            if rebuild and todo and not any(plan.present for plan in todo):
                raise archive_elsewhere(len(todo))
            removed = [] if rebuild else sorted(set(remove) | set(gone))
        if rebuild:
            # Written in the order they were filed, the rows lie as the newest-first scan that ranking starts from
            # reads them (PostgreSQL: the (filed_at, archive_no) index), neighbours on neighbouring pages instead
            # of one page each (200,000 documents, p95: 101 and 169 ms against 327 and 229; docs/benchmarks.md).
            todo.sort(key=lambda plan: (plan.item.filed_at, plan.item.archive_no))
        report.removed = len(removed)
        _write(workspace, index, todo, removed, (owners, former), report, ocr, (progress, stage), backend, rebuild)
        wrote = bool(todo or removed)
        if rebuild or (items is None and wrote):
            # What was filed, corrected or removed while this run extracted, OCR'd and wrote (the watcher's and
            # ``archive update``'s hook gave up waiting for the lock after WATCH_LOCK_TIMEOUT): caught up now,
            # under the same lock, so that a scan filed during an hour-long rebuild or the nightly run's OCR is
            # found when it ends, not after the next nightly run.  (A nightly run that wrote nothing held the lock
            # only for its comparison.)  The run's catalogue is let go first: the comparison reads the whole
            # catalogue again, and a million items held twice is gigabytes.
            catalogue.clear()
            todo.clear()
            _catch_up(workspace, ledger, index, report, ocr, (progress, stage), backend)
        if items is None and not rebuild and (wrote or report.caught_up):
            if stage is not None:
                stage(MERGING, None)
            index.optimize()  # the nightly run merges what the day's small writes left
    report.seconds = time.monotonic() - started
    _log_run(workspace, report)
    return report


def _catch_up(
    workspace: Workspace,
    ledger: Ledger,
    index: IndexBackend,
    report: IndexReport,
    ocr: bool,
    told: tuple[Callable[[int, int | None], None] | None, Callable[[str, int | None], None] | None],
    backend: str | None,
) -> None:
    """The comparison of the catalogue with the index made again at the end of a run, and what differs written,
    counted in ``report`` and in its ``caught_up``.  Pending OCR is not asked again: the run has just tried it."""
    owners, former = owner_names(ledger), former_numbers(ledger)
    meanwhile = IndexReport()
    todo, removed = _changed(workspace, ledger, index, owners, former, False, meanwhile)
    if not (todo or removed):
        return
    meanwhile.removed = len(removed)
    _write(workspace, index, todo, removed, (owners, former), meanwhile, ocr, told, backend, False)
    report.caught_up = meanwhile.added + meanwhile.updated + meanwhile.removed
    report.added += meanwhile.added
    report.updated += meanwhile.updated
    report.removed += meanwhile.removed
    report.failed += meanwhile.failed
    report.ocr_pending += meanwhile.ocr_pending


def _counted(old: tuple[str, str] | None, signature: str, ocr: bool, report: IndexReport) -> bool:
    """Whether an item whose index row has ``old`` (signature, state; None: no row) is (re)indexed, counted in
    ``report``: a new one, a changed one, and with ``ocr`` one whose OCR is pending."""
    if old is None:
        report.added += 1
    elif old[0] != signature or (ocr and old[1] == "pending"):
        report.updated += 1
    else:
        report.unchanged += 1
        return False
    return True


def _changed(
    workspace: Workspace,
    ledger: Ledger,
    index: IndexBackend,
    owners: dict[str, tuple[str, ...]],
    former: dict[str, tuple[str, ...]],
    ocr: bool,
    report: IndexReport,
) -> tuple[list[_Planned], list[str]]:
    """What the nightly run (re)indexes and removes: signatures compared first, whole catalogue rows read only of
    what changed."""
    existing = index.signatures()
    current = _catalogue_signatures(workspace, ledger, owners, former)
    if current and not any(present for _, present in current.values()):
        raise archive_elsewhere(len(current))
    changed = [
        number for number, (signature, _) in current.items() if _counted(existing.get(number), signature, ocr, report)
    ]
    todo = []
    if changed:
        loaded = {item.archive_no: item for item in _load_items(ledger, changed)}
        for number in sorted(changed):
            if number in loaded:  # else removed from the catalogue since it was read: next run
                signature, present = current[number]
                todo.append(_Planned(loaded[number], signature, present))
    return todo, sorted(set(existing) - set(current))


def _write(
    workspace: Workspace,
    index: IndexBackend,
    todo: list[_Planned],
    removed: list[str],
    names: tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]],
    report: IndexReport,
    ocr: bool,
    told: tuple[Callable[[int, int | None], None] | None, Callable[[str, int | None], None] | None],
    backend: str | None,
    rebuild: bool,
) -> None:
    """Index ``todo`` and remove ``removed``: a new index of them alone swapped in (``rebuild``), or an update of
    the live one; what failed or waits for OCR counted in ``report``.  ``names``: the units' owners and the items'
    former numbers; ``told``: ``update_index``'s ``progress`` and ``stage``."""
    owners, former = names
    progress, stage = told
    extracted = _extract_missing(workspace, [plan.item for plan in todo if plan.present], ocr, progress)
    kept: set[str] = set()

    def chunks() -> Generator[list[_DocArguments], None, None]:
        """The items' arguments a chunk at a time, with the text the index keeps for those whose file is not here
        read a chunk at a time too: read all at once, a rebuild on a PC holding a few of a million items' files
        held every text of the index in memory (gigabytes)."""
        for start in range(0, len(todo), CHUNK):
            plans = todo[start : start + CHUNK]
            texts = _kept_texts(index, [plan.item for plan in plans if not plan.present], former)
            kept.update(texts)
            yield [
                (
                    plan.item,
                    owners.get(plan.item.unit or "", ()),
                    texts.get(plan.item.archive_no) or extracted.get(plan.item.archive_no),
                    plan.signature,
                    plan.present,
                    former.get(plan.item.archive_no, ()),
                )
                for plan in plans
            ]

    def docs() -> Generator[IndexDoc, None, None]:
        made = _made(workspace, chunks(), len(todo), preparer(workspace, backend))
        if stage is not None:
            stage(WRITING, len(todo))
        with contextlib.closing(made):  # (its worker processes end here, even when the writer failed)
            for done, (plan, (doc, error)) in enumerate(zip(todo, made, strict=True), 1):
                if not plan.present:
                    report.failed.append(
                        (plan.item.archive_no, f"档案文件 {plan.item.path} 不见了：请运行 recordkit archive verify")
                    )
                    if plan.item.archive_no in kept:
                        report.kept_text.append(plan.item.archive_no)
                elif error:
                    report.failed.append((plan.item.archive_no, error))
                if doc.state == "pending":
                    report.ocr_pending += 1
                yield doc
                if progress is not None and (done % PROGRESS_EVERY == 0 or done == len(todo)):
                    progress(done, len(todo))
        if stage is not None and rebuild:  # every item handed over: the backend builds its index and swaps it in
            stage(FINISHING, None)

    # Closed when the backend stops reading it (a failure, a server that went away): its worker processes end
    # then, in order, not when the garbage collector finds it (that printed "Exception ignored … Bad file
    # descriptor" under the command's error).
    with contextlib.closing(docs()) as stream:
        if rebuild:
            index.rebuild(stream)
        elif todo or removed:
            index.update(stream, removed)


def _log_run(workspace: Workspace, report: IndexReport) -> None:
    add_rotating_log(workspace.records_subdir("logs") / INDEX_LOG, "recordkit-index")
    log.info("%s", report.summary)
    for number, reason in report.failed:
        log.warning("索引失败 %s：%s", number, reason)


def index_filed(
    workspace: Workspace, ledger: Ledger, items: Iterable[ArchiveItem | None], remove: Sequence[str] = ()
) -> None:
    """The hook after filing or correcting items: make them searchable at once (text now, OCR left for the
    nightly run); ``remove``: numbers no item has any more (a renumbered item's former numbers).

    Never raises: a failure is logged and the nightly ``recordkit index`` catches up.
    """
    filed = [item for item in items if item is not None]
    if not filed:
        return
    try:
        update_index(workspace, ledger, ocr=False, items=filed, remove=remove, lock_timeout=WATCH_LOCK_TIMEOUT)
    except Exception as err:  # noqa: BLE001 - filing never fails because of the index
        log.warning("could not index %d filed items now (the nightly recordkit index will): %s", len(filed), err)


@dataclass(frozen=True)
class IndexMove:
    """What ``recordkit index --to`` did: the new index built, and how the setting now names it."""

    report: IndexReport
    backend: str
    setting: str  # Chinese: the setting written, or exactly what the user still has to set

    def to_dict(self) -> dict[str, Any]:
        return {**self.report.to_dict(), "backend": self.backend, "setting": self.setting}


def move_index(
    workspace: Workspace,
    ledger: Ledger,
    target: str,
    *,
    lock_timeout: float = LOCK_TIMEOUT,
    progress: Callable[[int, int | None], None] | None = None,
    stage: Callable[[str, int | None], None] | None = None,
) -> IndexMove:
    """Build the whole index in the ``target`` backend ("sqlite" or "postgresql") from the catalogue and the
    texts already extracted (nothing is OCR'd again; a scan still waiting for OCR stays waiting for the nightly
    run), then set ``[search] backend`` in recordkit.toml.  The old index is left as it was; one in PostgreSQL is
    marked moved (``PostgresIndex.mark_moved``), so that clerks' PCs still searching it are told.

    ``UsageError`` for an unknown backend, ``ConfigError`` for postgresql without a PostgreSQL ledger; the
    errors of ``update_index``.
    """
    if target not in SEARCH_BACKENDS:
        raise UsageError(f"--to 应为 {' 或 '.join(SEARCH_BACKENDS)}，而不是“{target}”")
    if target == "postgresql" and ledger.dialect != "postgresql":
        raise ConfigError(
            "检索索引只能放进 PostgreSQL 台账所在的数据库：这个工作区的台账是 SQLite。"
            f"请先在{spaced(ledger.given_by.named('url'))} 写 PostgreSQL 地址"
        )
    report = update_index(
        workspace,
        ledger,
        rebuild=True,
        ocr=False,
        lock_timeout=lock_timeout,
        progress=progress,
        backend=target,
        stage=stage,
    )
    if target != "postgresql" and ledger.dialect == "postgresql":
        # The old index stays (the way back without OCR), but clerks' PCs that search it are told it stopped here.
        PostgresIndex(ledger.engine, ledger.given_by).mark_moved(
            target, dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        )
    write_setting(workspace.config_file, "search", "backend", target)
    now = search_backend(load_settings(workspace.config_file))
    if now == target:
        setting = f'已在 recordkit.toml 的 [search] 中写入 backend = "{target}"'
    else:  # the environment overrides the file
        setting = (
            f'已在 recordkit.toml 的 [search] 中写入 backend = "{target}"，但环境变量 RECORDKIT_SEARCH_BACKEND'
            f" 仍指向 {now}：请把它改为 {target} 或删除它"
        )
    return IndexMove(report, target, setting)


def index_in_transaction(workspace: Workspace, conn: Connection, items: Sequence[ArchiveItem]) -> bool:
    """Index newly filed or corrected ``items`` inside the transaction ``conn`` that files or corrects them, so
    that they and their index rows commit together (a PostgreSQL ledger holding its own index): a renumbered
    item under its new number, found by its former ones too, and its rows under those former numbers gone.
    Text now, OCR left for the nightly run.

    False when nothing was written and the caller indexes after the commit as before: another index (SQLite),
    an index not built yet, the index busy with the nightly run or a rebuild (never waited for inside the
    ledger's write lock), or a failure, which is rolled back to before the index rows and logged.
    """
    if search_backend(workspace.settings) != "postgresql" or conn.dialect.name != "postgresql" or not items:
        return False
    index = PostgresIndex(conn.engine, workspace.settings.database)
    try:
        with conn.begin_nested():
            if not index.is_current(conn) or not index.try_lock_in(conn):
                return False
            names = owner_names_in(conn, [item.unit for item in items if item.unit])
            former = former_numbers_in(conn, [item.archive_no for item in items])
            texts = {item.archive_no: text for item, text in extract.extract_items(workspace, items, ocr=False)}
            docs = []
            for item in items:
                unit_owners = names.get(item.unit or "", ())
                earlier = former.get(item.archive_no, ())
                plan = _signature(workspace, item, unit_owners, earlier)
                text = texts.get(item.archive_no)
                docs.append(make_doc(item, unit_owners, text, plan.signature, plan.present, earlier))
            index.write(conn, docs, [number for numbers in former.values() for number in numbers])
    except (Exception, ReaderStopped) as err:  # noqa: BLE001 - filing never fails because of the index
        log.warning("could not index %d filed items in their filing transaction: %r", len(items), err)
        return False
    return True


@dataclass(frozen=True)
class IndexCheck:
    """``recordkit index --verify``: items missing from the index, stale in it (changed since they were indexed),
    waiting there for OCR (a scan indexed by its metadata: the nightly run reads it), or orphaned there."""

    missing: list[str]
    stale: list[str]
    orphaned: list[str]
    checked: int
    ocr_pending: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.stale or self.ocr_pending or self.orphaned)

    @property
    def summary(self) -> str:
        return (
            f"索引缺失 {len(self.missing)} 件、过期 {len(self.stale)} 件、待 OCR {len(self.ocr_pending)} 件、"
            f"多余 {len(self.orphaned)} 件：请运行 recordkit index"
        )

    def rows(self) -> list[tuple[str, str]]:
        return (
            [(no, "缺失") for no in self.missing]
            + [(no, "过期") for no in self.stale]
            + [(no, "待 OCR") for no in self.ocr_pending]
            + [(no, "多余") for no in self.orphaned]
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "missing": self.missing,
            "stale": self.stale,
            "ocr_pending": self.ocr_pending,
            "orphaned": self.orphaned,
            "checked": self.checked,
            "ok": self.ok,
        }


def verify_index(workspace: Workspace, ledger: Ledger) -> IndexCheck:
    """Compare the index with the catalogue (stat only, nothing read or written).

    ``stale`` are items changed since they were indexed; ``ocr_pending`` unchanged ones whose OCR is still to do.
    ``WorkspaceError`` when not one catalogued item's file is on this computer (``archive_elsewhere``).
    """
    owners = owner_names(ledger)
    former = former_numbers(ledger)
    catalogue = list_items(ledger)
    plans = [
        _signature(workspace, item, owners.get(item.unit or "", ()), former.get(item.archive_no, ()))
        for item in catalogue
    ]
    if plans and not any(plan.present for plan in plans):
        raise archive_elsewhere(len(plans), verify=True)
    existing = open_index(workspace, ledger).signatures()
    missing, stale, pending = [], [], []
    for item, plan in zip(catalogue, plans, strict=True):
        old = existing.get(item.archive_no)
        if old is None:
            missing.append(item.archive_no)
        elif old[0] != plan.signature:
            stale.append(item.archive_no)
        elif old[1] == "pending":
            pending.append(item.archive_no)
    orphaned = sorted(set(existing) - {item.archive_no for item in catalogue})
    return IndexCheck(missing, stale, orphaned, len(catalogue), pending)
