"""Full-text search of the archive: the query language and the search itself.

A search asks the index (``index``) for candidates — documents holding every token of the
query, no positions — and keeps only those whose text really contains each term (``text``:
folded substring; unit codes, dates and 档号 by their canonical token), best first, until ``limit``
are found.  Keeping the index current is ``indexer``.  ID and phone numbers are masked in what is
shown unless asked for.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from handmade_index.index import Candidate, Filters, IndexSearcher, SearchIndex
from handmade_index.text import (
    DATE_PREFIX,
    UNIT_PREFIX,
    canonical_term,
    fold_unpadded,
    term_pattern,
    term_tokens,
)
from recordkit.archive.rules import FilingRules
from recordkit.core.errors import UsageError
from recordkit.core.personal import mask_in_text
from recordkit.search import query as recordkit_query
from recordkit.search.query import Hit, SearchResult, query_period
from recordkit.search.text import fold, fold_with_offsets

if TYPE_CHECKING:
    from recordkit.core.workspace import Workspace

log = logging.getLogger(__name__)

DEFAULT_LIMIT = 20
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


def make_term(text: str) -> Term:
    """A query term from what was typed; ``UsageError`` when it holds nothing searchable."""
    folded = fold_unpadded(text)
    canonical = canonical_term(folded)
    if canonical is not None:
        return Term(folded, (canonical,), canonical)
    tokens = tuple(term_tokens(folded))
    if not tokens:
        raise UsageError(f"检索词“{text}”里没有可以检索的文字或数字")
    return Term(folded, tokens)


@dataclass(frozen=True)
class Query:
    """A parsed query (``recordkit.search.query.Query``) holding this index's own terms."""

    groups: tuple[tuple[Term, ...], ...] = ()
    excluded: tuple[Term, ...] = ()
    unit: str | None = None
    category: str | None = None
    owner: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def parse_query(text: str) -> Query:
    """recordkit's query language (``recordkit.search.query.parse_query``) with this index's own terms."""
    query = recordkit_query.parse_query(text)
    return Query(
        groups=tuple(tuple(make_term(term.text) for term in group) for group in query.groups),
        excluded=tuple(make_term(term.text) for term in query.excluded),
        unit=query.unit,
        category=query.category,
        owner=query.owner,
        date_from=query.date_from,
        date_to=query.date_to,
    )


# -- searching ---------------------------------------------------------------------------------------------


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
        changes["date_from"] = query_period(date_from)
    if date_to:
        changes["date_to"] = query_period(date_to, end=True)
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
