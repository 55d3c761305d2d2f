"""What every index backend offers the search package, and the values that cross that line.

A backend stores one ``IndexDoc`` per archive item (token streams per weighted column, filter fields,
what results show), answers a ``SearchRequest`` ranked by relevance or sorted, and keeps one writer
at a time.  Tokens are made by ``search.text`` on this side of the line, so every backend indexes
and matches the very same tokens; a backend only stores them with their positions.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

from recordkit.core.errors import IntegrityError
from recordkit.core.personal import mask_in_text

#: The weighted columns, most telling first: a hit in the title or the 档号 outranks one deep in a scan.
COLUMNS = ("title", "number", "unit", "owners", "meta", "body")
SORTS = ("relevance", "date", "number")
#: The advice after a damaged index: a rebuild replaces the index only once the new one is whole.
REBUILD_MESSAGE = "请运行 recordkit index --rebuild 重建索引（新索引建好后才替换原索引，原索引不会先被删除）"
#: The same as the web page says it (``RecordkitError.form_message``): in words, the page has no command line.
REBUILD_FORM = "请管理员在服务器上重建检索索引（新索引建好后才替换原索引，原索引不会先被删除）"
#: An index not built yet, as the command line and the web page say it.
NOT_BUILT = "检索索引还没有建立：请先运行 recordkit index"
NOT_BUILT_FORM = "检索索引还没有建立：请管理员在服务器上建立检索索引"


def asked_for(query: str) -> str:
    """A search's ``query`` as its failure's log line names it: as typed, its numbers masked (a phone or ID number
    typed into it is personal data) — ``query '水泵 138****5678'``."""
    return f"query {mask_in_text(query)!r}"


def cores() -> int:
    """The cores this process may run on (those a server's ``taskset`` or cpuset gives it, not all the host's):
    what a big build's worker processes and index connections are counted from."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # (not on every system)
        return os.cpu_count() or 1


@dataclass(frozen=True)
class IndexDoc:
    """One archive item as an index holds it."""

    archive_no: str
    columns: Mapping[str, str]  # column (COLUMNS) → its tokens in order, joined by spaces
    text: str  # metadata lines then the document's text, as written (what snippets are cut from)
    body_start: int  # where the document's own text starts in ``text``
    signature: str  # changes whenever what is indexed of the item would change
    state: str  # "ok", "pending" (OCR not done yet) or "failed" (metadata only)
    unit: str = ""
    category: str = ""
    date: str = ""  # ISO
    owners: tuple[str, ...] = ()  # folded names
    filed_at: str = ""  # ISO: ties in relevance show the newest filed first
    shown: Mapping[str, Any] = field(default_factory=dict)  # title, path, source_name, … for results
    #: The document in one backend's own form (PostgreSQL: its row in COPY's binary form), made by its ``prepare``
    #: where the tokens are made (a rebuild's worker processes), so that the single writer only sends it; None:
    #: the backend makes it when writing.
    prepared: Any = None


@dataclass(frozen=True)
class Phrase:
    """Tokens that must stand in this order, next to each other; with ``prefix`` the last one may be the
    start of a longer token (a term ending inside a run of CJK characters)."""

    tokens: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class Filters:
    unit: str | None = None  # canonical code
    category: str | None = None
    owner: str | None = None  # folded name
    date_from: str | None = None  # ISO, inclusive
    date_to: str | None = None

    def __bool__(self) -> bool:
        return any((self.unit, self.category, self.owner, self.date_from, self.date_to))


def filter_conditions(
    filters: Filters, mark: str, owner_condition: str, table: str = ""
) -> tuple[list[str], list[Any]]:
    """The SQL conditions of ``filters`` on an index's filter columns (``category``, ``unit``, ``date`` of
    ``table``; the owner by ``owner_condition``) with their parameters, ``mark`` being the driver's placeholder."""
    table = f"{table}." if table else ""
    where: list[str] = []
    params: list[Any] = []
    for column, value in (("category", filters.category), ("unit", filters.unit)):
        if value:
            where.append(f"{table}{column} = {mark}")
            params.append(value)
    if filters.owner:
        where.append(owner_condition)
        params.append(filters.owner)
    for bound, value in ((">=", filters.date_from), ("<=", filters.date_to)):
        if value:
            where.append(f"{table}date != '' AND {table}date {bound} {mark}")
            params.append(value)
    return where, params


def writer_busy(timeout: float) -> str:
    return (
        f"检索索引正由另一个进程更新（归档服务、夜间任务或其他文员），等了 {timeout:g} 秒"
        "仍未结束：请稍后再运行 recordkit index"
    )


def older_version(stored: str | None, current: int) -> bool:
    """An index of version ``stored`` was built by an older recordkit than this one (of version ``current``): the
    nightly run rebuilds it.  A missing or unreadable version counts as older; the same or a higher one never does
    (a higher one: the program on this computer is the older one, and rebuilding would take the index away from
    the newer program)."""
    return stored != str(current) and not (stored is not None and stored.isdigit() and int(stored) > current)


class IndexUnusable(IntegrityError):
    """The index cannot be used until the administrator acts on the server (rebuilds it, upgrades the ledger or the
    program): searching is unavailable meanwhile, the service's state, not the request's fault (the web page's 503)."""


class IndexDamaged(IndexUnusable):
    """The index cannot be read (damaged, or built by an older recordkit): searching waits for a rebuild."""


class NewerIndexError(IndexUnusable):
    """The index was built by a newer recordkit than this one: the program is to be upgraded, not the index."""


def version_error(stored: str | None, current: int) -> IntegrityError:
    """The error of an index of version ``stored`` (not ``current``) to a program of version ``current``."""
    versions = f"检索索引的版本（{'未知' if stored is None else stored}）与本程序（{current}）不符"
    if older_version(stored, current):
        return IndexDamaged(
            f"{versions}：索引是旧版本的 recordkit 建的，请运行 recordkit index --rebuild 重建（夜间的 recordkit index 也会自动重建）",
            form_message=f"{versions}：索引是旧版本的 recordkit 建的，请管理员在服务器上重建检索索引（每晚的索引更新也会自动重建）",
        )
    return NewerIndexError(
        f"{versions}：索引是更新版本的 recordkit 建的，请把这台电脑上的 recordkit 升级到建索引的那个版本",
        form_message=f"{versions}：索引是更新版本的 recordkit 建的，"
        "请管理员把服务器上运行网页的 recordkit 升级到建索引的那个版本，再重启网页服务（recordkit serve）",
    )


@dataclass(frozen=True)
class SearchRequest:
    """Every group must match (one of its phrases), no excluded phrase may; then the filters."""

    groups: tuple[tuple[Phrase, ...], ...] = ()
    excluded: tuple[Phrase, ...] = ()
    filters: Filters = Filters()
    sort: str = "relevance"  # one of SORTS
    limit: int | None = 20  # None: every match
    #: The query as it was typed, for a log line only (masked there: it may hold a phone or ID number); "" unknown.
    typed: str = field(default="", compare=False)


@dataclass(frozen=True)
class IndexedItem:
    """One result row: what the index stored of the item, and its ranking score (higher is better)."""

    archive_no: str
    score: float
    text: str
    body_start: int
    shown: Mapping[str, Any]


@dataclass(frozen=True)
class SearchPage:
    items: list[IndexedItem]
    total: int  # every matching item, not only those returned (at least this many when not ``exact``)
    ocr_pending: int  # items in the index whose scans wait for OCR
    exact: bool = True  # False: more than ``total`` items match (a backend that counts only so far)
    moved_away: MovedAway | None = None  # an index its server left for another backend (``index --to``)


class MovedAway(NamedTuple):
    """An index the server moved to another backend (``recordkit index --to``) and no longer keeps up to date:
    what a PC still reading it is told (``search.query.moved_warning``)."""

    to: str  # the backend it went to: "sqlite" or "postgresql"
    at: str  # ISO, UTC


def rebuild_room(size: int) -> str:
    """What a rebuild that found no room says it needs: as much free space again as the index it replaces, of
    ``size`` bytes (the new one is built beside it); nothing when there is no index yet."""
    if not size:
        return ""
    return f"新的索引先建在原来的旁边，要有与原来的差不多大的空余空间（原来的索引占 {size / 1e6:,.0f} MB）；"


class IndexBackend(Protocol):
    """The index of one workspace.  Readers need no lock; one writer at a time (``lock``)."""

    def exists(self) -> bool: ...

    def outdated(self) -> bool:
        """The index exists and was built by an older recordkit (``older_version``); False when it is current,
        missing or unreadable."""

    def lock(self, timeout: float) -> AbstractContextManager[None]:
        """The one writer lock; ``ConflictError`` when another writer holds it past ``timeout``."""

    def signatures(self, numbers: Iterable[str] | None = None) -> dict[str, tuple[str, str]]:
        """archive_no → (signature, state) of every item, or only of ``numbers``."""

    def texts(self, numbers: Iterable[str]) -> dict[str, tuple[str, str]]:
        """archive_no → (text, state) of those of ``numbers`` whose row holds text besides the metadata: what an
        item whose file is not on this computer keeps when it is indexed here."""

    def update(self, docs: Iterable[IndexDoc], delete: Iterable[str] = ()) -> int:
        """Add or replace ``docs`` and delete ``delete`` in one transaction (under ``lock``); how many written."""

    def rebuild(self, docs: Iterable[IndexDoc]) -> int:
        """Build a whole new index beside the live one and replace it atomically (under ``lock``)."""

    def optimize(self) -> None:
        """Merge the index's internal segments (the nightly run, when something changed)."""

    def clear_leftovers(self) -> None:
        """Remove what a rebuild that was killed, or whose database went away, left beside the index (its
        half-made copy: gigabytes at a million items); under ``lock``, so no rebuild is using it."""

    def search(self, request: SearchRequest) -> SearchPage:
        """``NotFoundError`` when never built, ``IntegrityError`` when damaged or of another version."""

    def count(self) -> tuple[int, int]:
        """(items in the index, of which waiting for OCR); the errors of ``search``."""
