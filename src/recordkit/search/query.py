"""Full-text search of the archive: the query language, the search itself, and keeping the index current.

A search asks the index (``searchindex``) for candidates — documents holding every token of the
query, no positions — and keeps only those whose text really contains each term (``searchtext``:
folded substring; unit codes, dates and 档号 by their canonical token), best first, until ``limit``
are found.  ``update_index`` brings the index up to date with the ledger's archive catalogue;
text comes from ``extract``.  ID and phone numbers are masked in what is shown unless asked for.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from recordkit.core.errors import UsageError
from recordkit.core.personal import mask_in_text
from recordkit.search.text import (
    DATE_PREFIX,
    UNIT_PREFIX,
    canonical_term,
    fold,
    fold_with_offsets,
    join_fields,
    term_pattern,
    term_tokens,
    token_set,
)

if TYPE_CHECKING:
    from recordkit.archive.archivist import ArchiveItem
    from recordkit.archive.extract import ItemText
    from recordkit.core.workspace import Workspace
    from recordkit.ledger.db import Ledger
    from recordkit.search.index import Candidate, Filters, IndexDoc, IndexSearcher, SearchIndex

log = logging.getLogger(__name__)

DEFAULT_LIMIT = 20
#: A clerk at the counter waits this long for the nightly run or the watcher to finish writing.
LOCK_TIMEOUT = 120.0
#: The watcher waits only briefly: the nightly run catches up with what it could not index.
WATCH_LOCK_TIMEOUT = 5.0
INDEX_LOG = "index.log"
_SNIPPET_BEFORE, _SNIPPET_AFTER = 20, 60


# -- the query language (pure) ---------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One search term: its folded text, the tokens every matching document has, and how to check it."""

    text: str
    tokens: tuple[str, ...]
    canonical: str | None = None  # u:3-2-1201, d:2025-03-15, n:yz-2026-00001

    @property
    def exact(self) -> bool:
        """True when holding the tokens already means containing the term (no check of the text needed)."""
        return self.canonical is not None or self.tokens == (self.text,)

    def found_in(self, folded: str, canonical: frozenset[str]) -> bool:
        if self.canonical is not None:
            return self.canonical in canonical
        return term_pattern(self.text).search(folded) is not None


@dataclass(frozen=True)
class Query:
    """A parsed query: every group must match (one of its terms), no excluded term may, and the filters."""

    groups: tuple[tuple[Term, ...], ...] = ()
    excluded: tuple[Term, ...] = ()
    unit: str | None = None
    category: str | None = None
    owner: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


_QUERY_PARTS = re.compile(r'(?P<neg>-)?(?:(?P<key>[a-z]+):)?(?:"(?P<quoted>[^"]*)"?|(?P<bare>\S+))')
_PERIOD = re.compile(
    r"(?P<y>[12][0-9]{3})(?:\s*[-./年]\s*(?P<m>[0-9]{1,2})(?:\s*[-./月]\s*(?P<d>[0-9]{1,2})\s*[日号]?"
    r"|\s*月)?)?(?:\s*年)?"
)
_FILTER_KEYS = {
    "unit": "unit",
    "房号": "unit",
    "category": "category",
    "类别": "category",
    "owner": "owner",
    "业主": "owner",
    "date": "date",
    "日期": "date",
}


def make_term(text: str) -> Term:
    """A query term from what was typed; ``UsageError`` when it holds nothing searchable."""
    folded = fold(text)
    canonical = canonical_term(folded)
    if canonical is not None:
        return Term(folded, (canonical,), canonical)
    tokens = tuple(term_tokens(folded))
    if not tokens:
        raise UsageError(f"检索词“{text}”里没有可以检索的文字或数字")
    return Term(folded, tokens)


def parse_period(text: str, end: bool = False) -> dt.date:
    """``2024``, ``2024-03``, ``2024-03-15`` (also 2024年3月15日): the first day, or with ``end`` the last day."""
    match = _PERIOD.fullmatch(fold(text))
    if match is None:
        raise UsageError(f"日期“{text}”无法识别：应写成 2024、2024-03 或 2024-03-15")
    year, month, day = int(match["y"]), match["m"], match["d"]
    try:
        if month is None:
            return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
        if day is None:
            first = dt.date(year, int(month), 1)
            following = dt.date(year + (first.month == 12), first.month % 12 + 1, 1)
            return following - dt.timedelta(days=1) if end else first
        return dt.date(year, int(month), int(day))
    except ValueError:
        raise UsageError(f"日期“{text}”不存在：请检查年月日") from None


def _date_range(text: str) -> tuple[dt.date | None, dt.date | None]:
    low, dots, high = text.partition("..")
    if not dots:
        return parse_period(text), parse_period(text, end=True)
    if not low and not high:
        raise UsageError("日期范围应写成 date:2024-01..2024-12（可以省略一头）")
    return (parse_period(low) if low else None), (parse_period(high, end=True) if high else None)


def parse_query(text: str) -> Query:
    """Read the query language: terms AND by default, ``A OR B``, ``-exclude``, ``"quoted phrase"``,
    and the filters ``unit:3-2-1201 category:工程档案 owner:张伟 date:2024-01..2024-12``.

    A pure function; ``UsageError`` for a filter it cannot read or a term with nothing to search.
    """
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    filters: dict[str, Any] = {}
    join_next = False
    for match in _QUERY_PARTS.finditer(text.strip()):
        negative, key = bool(match["neg"]), match["key"]
        value = match["quoted"] if match["quoted"] is not None else match["bare"]
        if key is not None and key not in _FILTER_KEYS:  # "http:" or "a:b" is a term like any other
            value, key = f"{key}:{value}", None
        if key is None and not negative and match["quoted"] is None and value == "OR":
            join_next = bool(groups)
            continue
        if key is not None:
            name = _FILTER_KEYS[key]
            if name == "date":
                filters["date_from"], filters["date_to"] = _date_range(value)
            elif name == "unit":
                from recordkit.core.unitcodes import parse_unit_code

                try:
                    filters["unit"] = str(parse_unit_code(value))
                except Exception:
                    raise UsageError(f"房号“{value}”无法识别，应写成 楼栋-单元-房号，例如 unit:3-2-1201") from None
            else:
                filters[name] = value.strip()
            join_next = False
            continue
        if not value.strip():
            continue
        term = make_term(value)
        if negative:
            excluded.append(term)
        elif join_next:
            groups[-1].append(term)
        else:
            groups.append([term])
        join_next = False
    return Query(tuple(tuple(group) for group in groups), tuple(excluded), **filters)


# -- searching ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    archive_no: str
    title: str
    category: str
    unit: str | None
    date: str | None
    path: str
    source_name: str
    owner: str
    score: float
    snippet: str
    highlights: tuple[tuple[int, int], ...]  # [start, end) of the matched words inside ``snippet``

    def to_dict(self) -> dict[str, Any]:
        return {
            "archive_no": self.archive_no,
            "title": self.title,
            "category": self.category,
            "unit": self.unit,
            "date": self.date,
            "path": self.path,
            "source_name": self.source_name,
            "owner": self.owner,
            "score": round(self.score, 4),
            "snippet": self.snippet,
            "highlights": [list(span) for span in self.highlights],
        }


@dataclass(frozen=True)
class SearchResult:
    hits: list[Hit]
    total: int  # exact when ``exact_total``, otherwise a lower bound (more were not checked)
    exact_total: bool

    @property
    def total_text(self) -> str:
        return f"{self.total} 条" if self.exact_total else f"至少 {self.total} 条"


def _canonical_pattern(canonical: str) -> re.Pattern[str] | None:
    """Where a unit code or date stands in a text, however it was spelled (for the snippet)."""
    value = canonical[2:]
    if canonical.startswith(UNIT_PREFIX):
        building, entrance, room = (re.escape(part) for part in value.split("-"))
        return re.compile(
            rf"(?<![0-9a-z])0?{building}\s*(?:#楼|号楼|栋|幢|座|#|楼|[-_/])\s*[-_/]?\s*0?{entrance}"
            rf"\s*(?:单元|[-_/])\s*[-_/]?\s*0?{room}(?:室|号)?(?![0-9a-z])"
        )
    if canonical.startswith(DATE_PREFIX):
        year, month, day = value.split("-")
        return re.compile(rf"(?<![0-9]){year}\s*[-./年]\s*0?{int(month)}\s*[-./月]\s*0?{int(day)}(?:日|号)?(?![0-9])")
    return re.compile(re.escape(value))


def _spans(folded: str, terms: Sequence[Term], start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for term in terms:
        pattern = _canonical_pattern(term.canonical) if term.canonical else term_pattern(term.text)
        if pattern is not None:
            spans += [m.span() for m in pattern.finditer(folded, start, len(folded) if end is None else end)]
    return sorted(spans)


def _window(text: str, body_start: int, terms: Sequence[Term], reach: int = 240) -> str:
    """A long text cut to the metadata and the part of the body around the first plain match (folding
    every character with its offset costs milliseconds on a long scan)."""
    if len(text) - body_start <= 3 * reach:
        return text
    lowered = text[body_start:].casefold()
    positions = [lowered.find(term.text) for term in terms if term.canonical is None]
    found = [position for position in positions if position >= 0]
    if not found:
        return text
    anchor = body_start + min(found)
    start = max(body_start, anchor - reach)
    return text[:body_start] + text[start : anchor + reach]


def snippet(
    text: str, body_start: int, terms: Sequence[Term], show_private: bool = False
) -> tuple[str, list[tuple[int, int]]]:
    """A short piece of ``text`` (as written) around the first match — in the document's own text when it
    matches there, else in its metadata — with the matched spans; ID and phone numbers masked unless asked."""
    shown = text if show_private else mask_in_text(text)
    shown = _window(shown, body_start, terms)
    body_start = min(body_start, len(shown))
    folded, origins = fold_with_offsets(shown)
    folded_body = next((i for i, origin in enumerate(origins) if origin >= body_start), len(folded))
    spans = [(origins[s], origins[e - 1] + 1) for s, e in _spans(folded, terms, folded_body) or _spans(folded, terms)]
    anchor = spans[0][0] if spans else body_start
    floor = body_start if anchor >= body_start else 0
    begin = max(floor, anchor - _SNIPPET_BEFORE)
    line_end = shown.find("\n", anchor)
    finish = min(len(shown) if line_end < 0 or anchor >= body_start else line_end, anchor + _SNIPPET_AFTER)
    prefix = "…" if begin > floor else ""
    suffix = "…" if finish < len(shown) and shown[finish : finish + 1] != "\n" else ""
    piece = shown[begin:finish].replace("\n", " ")
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        s, e = max(s, begin), min(e, finish)
        if s >= e:
            continue
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    offset = len(prefix) - begin
    return prefix + piece + suffix, [(s + offset, e + offset) for s, e in merged]


def _filters(query: Query, rules: Any) -> Filters:
    from recordkit.search.index import Filters

    category = query.category
    if category and rules is not None and (found := rules.category(category)) is not None:
        category = found.name
    return Filters(
        unit=query.unit,
        category=category,
        owner=fold(query.owner).replace(" ", "") if query.owner else None,
        date_from=query.date_from.isoformat() if query.date_from else None,
        date_to=query.date_to.isoformat() if query.date_to else None,
    )


def _apply_flags(
    query: Query, category: str | None, unit: str | None, owner: str | None, date_from: str | None, date_to: str | None
) -> Query:
    changes: dict[str, Any] = {}
    if unit:
        changes["unit"] = parse_query(f'unit:"{unit}"').unit
    if category:
        changes["category"] = category.strip()
    if owner:
        changes["owner"] = owner.strip()
    if date_from:
        changes["date_from"] = parse_period(date_from)
    if date_to:
        changes["date_to"] = parse_period(date_to, end=True)
    from dataclasses import replace

    return replace(query, **changes)


def search(
    workspace: Workspace,
    text: str,
    *,
    category: str | None = None,
    unit: str | None = None,
    owner: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    limit: int = DEFAULT_LIMIT,
    show_private: bool = False,
) -> SearchResult:
    """The archive items whose text or metadata contain the query, best first, at most ``limit``.

    Raises ``UsageError`` for a query it cannot read, ``NotFoundError`` when the index was never
    built and ``IntegrityError`` when it is damaged or of another version (rebuild it).
    """
    from recordkit.archive.rules import FilingRules
    from recordkit.search.index import SearchIndex

    if limit < 1:
        raise UsageError("--limit 至少为 1")
    query = _apply_flags(parse_query(text), category, unit, owner, date_from, date_to)
    filters = _filters(query, FilingRules.from_settings(workspace.settings.archive))
    if not query.groups and not any(
        (filters.unit, filters.category, filters.owner, filters.date_from, filters.date_to)
    ):
        raise UsageError("请输入检索词，例如 recordkit search 电梯维修")
    positive = [term for group in query.groups for term in group]
    checked_excluded = [term for term in query.excluded if not term.exact]
    check = bool(checked_excluded) or any(not term.exact for term in positive)
    with SearchIndex(workspace.records_subdir("index")).searcher() as searcher:
        found = _candidates(searcher, query, filters)
        meta_first = _meta_hits(searcher, query, found)
        # Cheap ranking before any text is read: metadata hits first, then the newest filed.
        ranked = sorted(found, key=lambda iid: (iid not in meta_first, -iid))
        if not check:
            hits = [_hit(searcher.item(iid), positive, show_private, iid in meta_first) for iid in ranked[:limit]]
            return SearchResult(hits, len(ranked), True)
        hits = []
        verified = 0
        for iid in ranked:
            candidate = searcher.item(iid)
            if not _verified(candidate, query.groups, checked_excluded):
                continue
            verified += 1
            if verified > limit:
                return SearchResult(hits, verified, False)
            hits.append(_hit(candidate, positive, show_private, iid in meta_first))
    return SearchResult(hits, verified, True)


def _tokens_items(
    searcher: IndexSearcher, tokens: Sequence[str], meta: bool = False, within: set[int] | None = None
) -> set[int]:
    """Items holding every one of ``tokens``, rarest list first."""
    lists = sorted((searcher.postings(token, meta) for token in tokens), key=len)
    found = set(lists[0]) if within is None else lists[0] & within
    for more in lists[1:]:
        if not found:
            break
        found &= more
    return found


def _candidates(searcher: IndexSearcher, query: Query, filters: Filters) -> set[int]:
    found: set[int] | None = searcher.filtered(filters) if filters else None
    # The most selective group first, so that later ones only narrow a small set.
    for group in query.groups:
        union: set[int] = set()
        for term in group:
            union |= _tokens_items(searcher, term.tokens, within=found)
        found = union
        if not found:
            return set()
    if found is None:
        found = searcher.filtered(filters)
    for term in query.excluded:
        if term.exact and found:
            found -= searcher.postings(term.tokens[0])
    return found


def _meta_hits(searcher: IndexSearcher, query: Query, found: set[int]) -> set[int]:
    """Of ``found``, the items whose metadata hold the tokens of every group (ranked first)."""
    if not found or not query.groups:
        return set()
    hits = set(found)
    for group in query.groups:
        union: set[int] = set()
        for term in group:
            union |= _tokens_items(searcher, term.tokens, meta=True, within=hits)
        hits = union
        if not hits:
            break
    return hits


def _verified(candidate: Candidate, groups: Sequence[Sequence[Term]], excluded: Sequence[Term]) -> bool:
    folded = candidate.folded
    return all(any(term.found_in(folded, candidate.canonical) for term in group) for group in groups) and not any(
        term.found_in(folded, candidate.canonical) for term in excluded
    )


def _hit(candidate: Candidate, terms: Sequence[Term], show_private: bool, meta_hit: bool) -> Hit:
    archive_no, stored = candidate.shown()
    # The cheap score the ranking used: 10 for a hit in the metadata, plus how often the terms occur.
    score = (10.0 if meta_hit else 0.0) + len(_spans(candidate.folded, terms))
    text, spans = snippet(candidate.text, candidate.body_start, terms, show_private)

    def shown(value: Any) -> str:
        return str(value or "") if show_private else mask_in_text(str(value or ""))

    return Hit(
        archive_no,
        shown(stored.get("title")),
        stored.get("category") or "",
        stored.get("unit"),
        stored.get("date"),
        shown(stored.get("path")),
        shown(stored.get("source_name")),
        stored.get("owner") or "",
        score,
        text,
        tuple(spans),
    )


# -- keeping the index current -----------------------------------------------------------------------------


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

    @property
    def summary(self) -> str:
        what = "重建索引" if self.rebuilt else "索引更新"
        pending = f"，{self.ocr_pending} 件待 OCR" if self.ocr_pending else ""
        return (
            f"{what}：新增 {self.added} 件，更新 {self.updated} 件，删除 {self.removed} 件，"
            f"失败 {len(self.failed)} 件{pending}，耗时 {self.seconds:.2f} 秒"
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
        }


def _index(workspace: Workspace) -> SearchIndex:
    from recordkit.search.index import SearchIndex

    return SearchIndex(workspace.records_subdir("index"))


def owner_names(ledger: Ledger) -> dict[str, tuple[str, ...]]:
    """Unit code → the names of its owners, from the ledger."""
    import sqlalchemy as sa

    from recordkit.ledger.schema import owners, units

    query = sa.select(units.c.code, owners.c.name).join(owners, units.c.owner_id == owners.c.id)
    names: dict[str, list[str]] = {}
    with ledger.read() as conn:
        for code, name in conn.execute(query):
            names.setdefault(code, []).append(name)
    return {code: tuple(found) for code, found in names.items()}


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
    from recordkit.search.index import IndexDoc

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
    folded_meta = fold(meta)
    folded = folded_meta + "\n" + fold(body) if body else folded_meta
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
    from recordkit.archive import extract

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
    from recordkit.archive.archivist import list_items

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
    from recordkit.core.workspace import add_rotating_log

    add_rotating_log(workspace.records_subdir("logs") / INDEX_LOG, "recordkit-index")
    log.info("%s", report.summary)
    for number, reason in report.failed:
        log.warning("索引失败 %s：%s", number, reason)


def index_filed(workspace: Workspace, ledger: Ledger, items: Iterable[ArchiveItem | None]) -> None:
    """The filing hook: make just-filed items searchable at once (text now, OCR left for the nightly run).

    Never raises: a failure is logged and the nightly ``recordkit index`` catches up.
    """
    filed = [item for item in items if item is not None]
    if not filed:
        return
    try:
        update_index(workspace, ledger, ocr=False, items=filed, lock_timeout=WATCH_LOCK_TIMEOUT)
    except Exception as err:  # noqa: BLE001 - filing never fails because of the index
        log.warning("could not index %d filed items now (the nightly recordkit index will): %s", len(filed), err)


@dataclass(frozen=True)
class IndexCheck:
    """``recordkit index --verify``: items missing from the index, stale in it, or orphaned there."""

    missing: list[str]
    stale: list[str]
    orphaned: list[str]
    checked: int

    @property
    def ok(self) -> bool:
        return not (self.missing or self.stale or self.orphaned)

    def rows(self) -> list[tuple[str, str]]:
        return (
            [(no, "缺失") for no in self.missing]
            + [(no, "过期") for no in self.stale]
            + [(no, "多余") for no in self.orphaned]
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "missing": self.missing,
            "stale": self.stale,
            "orphaned": self.orphaned,
            "checked": self.checked,
            "ok": self.ok,
        }


def verify_index(workspace: Workspace, ledger: Ledger) -> IndexCheck:
    """Compare the index with the catalogue (stat only, nothing read or written).

    ``stale`` are items changed since they were indexed or with OCR still pending.
    """
    from recordkit.archive.archivist import list_items

    owners = owner_names(ledger)
    catalogue = list_items(ledger)
    existing = _index(workspace).signatures()
    missing, stale = [], []
    for item in catalogue:
        old = existing.get(item.archive_no)
        if old is None:
            missing.append(item.archive_no)
        elif old[0] != _signature(workspace, item, owners.get(item.unit or "", ())).signature or old[1] == "pending":
            stale.append(item.archive_no)
    orphaned = sorted(set(existing) - {item.archive_no for item in catalogue})
    return IndexCheck(missing, stale, orphaned, len(catalogue))
