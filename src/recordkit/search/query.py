"""Full-text search of the archive: the query language and the search itself.

A query's terms become phrases of the project's own tokens (``text``): holding a term's phrase in
the index means containing the term (folded; a line break between CJK characters is no boundary;
unit codes, days, months, 档号 and phone numbers by their canonical token).  The index backend (``backends``)
finds and ranks the items (bm25, metadata above text) or sorts them by date or 档号; this module
cuts the snippets and masks ID and phone numbers in what is shown unless asked for.  Keeping the
index current is ``indexer``.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from recordkit.archive.numbers import SAID_ALOUD
from recordkit.archive.rules import FilingRules, format_archive_no, parse_archive_no
from recordkit.core.dates import DateError, chinese_date, office_time, parse_period
from recordkit.core.errors import NotFoundError, UsageError, ValidationError
from recordkit.core.personal import (
    NOT_ONE_MORE_GROUP,
    area_codes_taking,
    listed_local_numbers,
    local_number_groups,
    mask_in_text,
    mask_in_text_between,
    phone_spans_in_folded,
    phones_in_folded,
)
from recordkit.core.unitcodes import KIND_WORDS, parse_unit_code
from recordkit.core.unitcodes import KINDS as UNIT_KINDS
from recordkit.ledger.db import Ledger, read_workspace_ledger, refuse_unknown_unit
from recordkit.owners.contacts import owner_names_in
from recordkit.search.backends import BACKEND_NAMES, open_index
from recordkit.search.backends.base import Filters, IndexedItem, MovedAway, Phrase, SearchRequest
from recordkit.search.backends.postgresql import NoIndexTables
from recordkit.search.text import (
    CODE_LINE_END,
    DATE_PREFIX,
    ID_NUMBER_PREFIX,
    MONTH_PREFIX,
    PHONE_PREFIX,
    UNIT_PREFIX,
    canonical_term,
    fold,
    fold_with_offsets,
    has_separators,
    term_pattern,
    term_stream,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from recordkit.core.workspace import Workspace

log = logging.getLogger(__name__)

DEFAULT_LIMIT = 20
#: The most results ``recordkit search --limit`` asks for (``check_limit``): refused past it rather than cut, so
#: that a script asking for every hit is told it did not get them (the web page asks for at most 50 pages of 20).
#: PostgreSQL's LIMIT is a bigint (a limit from 2^61 on overflowed it and was told as a damaged index), and each
#: result carries its text.  ``search`` itself takes any limit (a benchmark asks for every hit of 20,000 items).
MAX_LIMIT = 10_000
#: The most characters a query may have, refused past it the same on both backends: a pasted passage's terms
#: become a PostgreSQL phrase of thousands of ``<->`` that the server gives up on ("stack depth limit exceeded",
#: measured on PostgreSQL 15 with the default max_stack_depth of 2 MB: from 3,640 different CJK characters in one
#: run; 13,090 as an excluded term, 28,000 in a quoted phrase of two-character words), seven times this.
MAX_QUERY_CHARS = 500
#: ``--sort`` as the clerk writes it → the backend's sort.
SORT_NAMES = {"相关度": "relevance", "日期": "date", "档号": "number"}
_SNIPPET_BEFORE, _SNIPPET_AFTER = 20, 60


# -- the query language (pure) ---------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One search term: its folded text and the phrase of tokens a document containing it holds."""

    text: str
    tokens: tuple[str, ...]
    canonical: str | None = None  # u:3-2-1201, d:2025-03-15, m:2025-03, n:yz-2026-00001, t:13800138000, i:1101…
    prefix: bool = False  # the last token may start a longer one (the term ends inside a CJK run)
    checked: bool = False  # blanks or punctuation inside: a phrase match is checked against the text
    local: bool = False  # a local number's paper groups (``_term_forms``): found only as a number of its own

    @property
    def pattern(self) -> re.Pattern[str] | None:
        """Where the term stands in a folded text, however it was spelled (``found_in``, the snippet's marks)."""
        if self.canonical:
            return _canonical_pattern(self.canonical)
        return _local_number_pattern(self.text) if self.local else term_pattern(self.text)

    def found_in(self, folded: str) -> bool:
        """The folded text holds the term as written (only ``checked`` terms need asking); a local number's groups
        also as the number of a landline the text holds, or one of a list after a phone label (``_local_numbers``)."""
        pattern = self.pattern
        if pattern is not None and pattern.search(folded) is not None:
            return True
        return self.local and _RUN_SEPARATORS.sub("", self.text) in _local_numbers(folded)

    def spans(self, folded: str, start: int, end: int) -> list[tuple[int, int]]:
        """Where the term stands in ``folded[start:end]`` (the snippet's marks): its pattern's matches, a phone's
        only where the text is read as that phone (``_read_phone_spans``: a copy of its digits that is no phone is
        shown as written, never marked as the hit), and a local number's in a list after a phone label
        (``core.personal.listed_local_numbers``)."""
        pattern = self.pattern
        found = [] if pattern is None else [m.span() for m in pattern.finditer(folded, start, end)]
        if self.canonical is not None and self.canonical.startswith(PHONE_PREFIX):
            read = [span for phone, span in _read_phone_spans(folded) if PHONE_PREFIX + phone == self.canonical]
            found = [(s, e) for s, e in found if any(s < read_end and read_start < e for read_start, read_end in read)]
        if self.local:
            digits = _RUN_SEPARATORS.sub("", self.text)
            found += [span for number, span in listed_local_numbers(folded) if number == digits and start <= span[0]]
        return found

    @property
    def phrase(self) -> Phrase:
        return Phrase(self.tokens, self.prefix)


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


#: Control characters other than blanks (a NUL from ``%00`` in the web page's URL, ESC, DEL, the C1 controls): in
#: a query and its filters each is read as a blank, as in the documents (``indexer.make_doc``), before anything
#: else, so that every backend answers alike (PostgreSQL refuses a NUL in any text it is sent).
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")


def blank_controls(text: str) -> str:
    """``text`` with each control character but the blanks (``_CONTROLS``) as a space."""
    return _CONTROLS.sub(" ", text)


# A filter's key as clerks type it: English or Chinese (房号:3-2-1201), with the Chinese input method's full-width
# colon too (类别：工程档案); a phrase in straight quotes or the input method's curly ones (“电梯 维修”).
_QUERY_PARTS = re.compile(
    r"(?P<neg>-)?(?:(?P<key>[A-Za-z]+|房号|类别|业主|日期)(?P<colon>[:：]))?"
    r'(?:["“](?P<quoted>[^"”]*)["”]?|(?P<bare>\S+))'
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


#: Punctuation and symbols at either end of a term: copied with the word (《装修协议》, 张伟，, a word at a
#: sentence's end), never part of what is looked for; between two words they stay (``"维修 保养"`` as written).
#: A hyphen stays too: ``HT-2018-`` is the start of a number cut at the line end, which ``HT-2018`` is not.
_SURROUNDING = re.compile(r"^(?:[^\w-]|_)+|(?:[^\w-]|_)+$")


def make_term(text: str) -> Term:
    """A query term from what was typed, without the punctuation around it (``_SURROUNDING``); ``UsageError``
    when it holds nothing searchable."""
    written = fold(text)
    folded = _SURROUNDING.sub("", written) or written
    # A landline's area code in brackets, (0755)88886666, and a phone after the country code, +86 755 8888 6666,
    # start with what _SURROUNDING takes off.
    canonical = canonical_term(folded) or (canonical_term(written) if written[:1] in "(+" else None)
    if canonical is not None:
        return Term(folded, (canonical,), canonical)
    tokens, prefix = term_stream(folded)
    if not tokens:
        raise UsageError(f"检索词“{text}”里没有可以检索的文字或数字")
    return Term(folded, tuple(tokens), prefix=prefix, checked=has_separators(folded))


def _term_forms(text: str) -> list[Term]:
    """What a typed term finds (``make_term``); a local number without its area code typed as one run of digits
    (``86661234``: ``core.personal.local_number_groups``) also as paper writes it in groups, ``8666 1234`` and
    ``8666-1234`` (inside a landline, ``0571 8666 1234``, too): the index holds a number written in groups as its
    groups, not as the run, and reads no phone in a local number, so the query asks for each form."""
    term = make_term(text)
    groups = local_number_groups(term.text)
    if groups is None:
        return [term]
    return [term, *(replace(make_term(separator.join(groups)), local=True) for separator in (" ", "-"))]


_RUN_SEPARATORS = re.compile("[ -]")
# A local number's groups stand as a number of their own when no other group of digits or letters stands a blank or
# a dash before or after them (the bank card 6222 8666 1234 5678, the serial 0755 8888 6666 0132 hold them), as
# ``core.personal`` reads a local number after a phone label; but for an area code before them, itself after no
# group (0571 8666 1234, 0571-8666-1234: an area code as masking reads one, ``core.personal.AREA_CODES_BY_WIDTH``,
# taking a number of their length, ``_area_code_before``; in 0211 8666 1234 and 010 588 1234 the groups are no
# phone), and a mobile after them, a second phone (8666 1234 139 1234 5678), or a date (8666 1234 2026-12-08:
# ``core.personal.NOT_ONE_MORE_GROUP``, as masking reads them).  A landline written otherwise (after a mobile, the
# country code, the trunk prefix) is found by its number (``_local_numbers``), as is one of a list after a phone
# label after another number.
_NO_GROUP_BEFORE = r"(?<![0-9a-z][ -])"


def _area_code_before(digits: int) -> str:
    """An area code before a local number of ``digits`` digits, itself after no group: one that takes a number of its
    length (``core.personal.area_codes_taking``: 010 588 1234 is a run of groups, 0571 588 1234 a landline)."""
    return "|".join(rf"(?<=(?<![0-9a-z][ -])(?<![0-9a-z]){code}[ -])" for code in area_codes_taking(digits))


@functools.lru_cache(maxsize=64)
def _local_number_pattern(folded: str) -> re.Pattern[str]:
    """Where a local number's paper groups (``8666 1234``, ``8666-1234``) stand in a folded text as a number of their
    own (``_NO_GROUP_BEFORE``).  (The look-ahead for the number's first digit lets the engine skip the look-behinds
    elsewhere: 60 -> 4 ms over 500 texts of 1,200 characters.)"""
    digits = len(_RUN_SEPARATORS.sub("", folded))
    return re.compile(
        rf"(?={re.escape(folded[:1])})(?<![0-9a-z])(?:{_NO_GROUP_BEFORE}|{_area_code_before(digits)})"
        rf"{term_pattern(folded).pattern}"
        rf"(?![ -](?!{NOT_ONE_MORE_GROUP})[0-9a-z])(?!\.[0-9])"
    )


@functools.lru_cache(maxsize=4)
def _local_numbers(folded: str) -> frozenset[str]:
    """The local numbers of the landlines a folded text holds (``core.personal.phones_in_folded``: 86661234 of
    0571-86661234), and those of a list after a phone label (``core.personal.listed_local_numbers``: 86661234 of
    电话 138 0013 8000 8666 1234).  Read once a candidate: each local number term of a query (its groups a blank or
    a dash apart) asks it of the same text."""
    landlines = {phone.split("-")[1] for phone in phones_in_folded(folded) if phone.startswith("0")}
    return frozenset(landlines | {number for number, _ in listed_local_numbers(folded)})


@functools.lru_cache(maxsize=4)
def _read_phone_spans(folded: str) -> list[tuple[str, tuple[int, int]]]:
    """The phones a folded text holds and where (``core.personal.phone_spans_in_folded``), read once a snippet: each
    phone term of a query asks it of the same text."""
    return phone_spans_in_folded(folded)


def query_period(text: str, end: bool = False) -> dt.date:
    """A ``date:`` filter's year, month or day (``core.dates.parse_period``): a bad one is a bad query
    (``UsageError``, exit code 2), with the date parser's message."""
    try:
        return parse_period(text, end)
    except DateError as err:
        raise UsageError(err.message) from None


def _date_range(text: str) -> tuple[dt.date | None, dt.date | None]:
    low, dots, high = text.partition("..")
    if not dots:
        return query_period(text), query_period(text, end=True)
    if not low and not high:
        raise UsageError("日期范围应写成 date:2024-01..2024-12（可以省略一头）")
    return (query_period(low) if low else None), (query_period(high, end=True) if high else None)


#: ``OR`` as typed, and the other ways of writing it a clerk uses: ``or``/``Or`` and ``或`` (a word of their own).
_OR_WORDS = frozenset({"or", "或"})


@dataclass(frozen=True)
class _QueryPart:
    """One part of a query as typed: a term (``key`` None), a filter or an excluded term."""

    negative: bool
    key: str | None  # a filter's key, lower case (``_FILTER_KEYS``)
    value: str
    quoted: bool

    @classmethod
    def read(cls, match: re.Match[str]) -> _QueryPart:
        key, quoted = match["key"], match["quoted"] is not None
        value = match["quoted"] if quoted else match["bare"]
        if key is not None and key.lower() not in _FILTER_KEYS:  # "http:" or "a:b" is a term like any other
            value, key = f"{key}{match['colon']}{value}", None
        return cls(bool(match["neg"]), key.lower() if key is not None else None, value, quoted)

    @property
    def term(self) -> bool:
        """A term that must be found (not a filter, not excluded)."""
        return self.key is None and not self.negative

    def joins(self, after_term: bool, following: Sequence[_QueryPart]) -> bool:
        """This part is the OR joining two terms: ``OR`` anywhere (a dangling one is dropped, as it always was);
        ``or``/``Or``/``或`` only between a term and the next one — elsewhere the word itself is searched for, as
        it is in quotes."""
        if not self.term or self.quoted or fold(self.value) not in _OR_WORDS:
            return False
        return self.value == "OR" or (after_term and bool(following) and following[0].term)


#: The most bare terms one phone or ID number typed in groups is (+86 755 8888 6666).
_MOST_GROUPS = 4
#: A part that may be a group of a phone or ID number typed with blanks (``_numbers_joined``).
_NUMBER_GROUP = re.compile(r"[(+]?[0-9０-９]+[)）xX]?|[（＋][0-9０-９]+[)）]?")


def _numbers_joined(parts: list[_QueryPart]) -> list[_QueryPart]:
    """``parts`` with each run of bare terms that together are one phone or ID number as written with blanks
    (``138 0013 8000``, ``110101 19900307 1233``) made one term, so that it finds the number however the document
    writes it, as the quoted ``"138 0013 8000"`` does; any other run of terms stays as typed."""
    joined: list[_QueryPart] = []
    place = 0
    while place < len(parts):
        for count in range(min(_MOST_GROUPS, len(parts) - place), 1, -1):
            run = parts[place : place + count]
            if all(part.term and not part.quoted and _NUMBER_GROUP.fullmatch(part.value) for part in run):
                value = " ".join(part.value for part in run)
                canonical = canonical_term(fold(value))
                if canonical is not None and canonical.startswith((PHONE_PREFIX, ID_NUMBER_PREFIX)):
                    joined.append(replace(run[0], value=value))
                    place += count
                    break
        else:
            joined.append(parts[place])
            place += 1
    return joined


def parse_query(text: str, phases: Mapping[str, str] | None = None) -> Query:
    """Read the query language: terms AND by default (but a phone or ID number typed in groups, ``138 0013 8000``, is
    one: ``_numbers_joined``; a local number typed as one run is also its groups: ``_term_forms``), ``A OR B`` (``or``, ``或`` too: ``_QueryPart.joins``),
    ``-exclude``, ``"quoted phrase"``, and the filters ``unit:3-2-1201 category:工程档案 owner:张伟
    date:2024-01..2024-12`` (a unit read with the estate's ``phases``, ``OfficeSettings.phase_table``:
    ``unit:二区1-202`` is 二期·1-202, as ``--unit`` reads it).

    A control character is read as a blank (``blank_controls``).  A pure function; ``UsageError`` for a filter
    it cannot read or a term with nothing to search.
    """
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    filters: dict[str, Any] = {}
    join_next = False
    parts = _numbers_joined([_QueryPart.read(match) for match in _QUERY_PARTS.finditer(blank_controls(text).strip())])
    for place, part in enumerate(parts):
        negative, key, value = part.negative, part.key, part.value
        if part.joins(bool(groups), parts[place + 1 : place + 2]):
            join_next = bool(groups)
            continue
        if key is not None:
            name = _FILTER_KEYS[key]
            if name == "date":
                filters["date_from"], filters["date_to"] = _date_range(value)
            elif name == "unit":
                try:
                    filters["unit"] = str(parse_unit_code(value, phases=phases or None))
                except ValidationError as err:
                    if phases and "分区" in err.message:  # a phase this estate does not have: say which it has
                        raise UsageError(err.message, form_message=err.form_message) from None
                    raise UsageError(f"房号“{value}”无法识别，应写成 楼栋-单元-房号，例如 unit:3-2-1201") from None
            else:
                filters[name] = value.strip()
            join_next = False
            continue
        if not value.strip():
            continue
        terms = _term_forms(value)
        if negative:
            excluded += terms
        elif join_next:
            groups[-1] += terms
        else:
            groups.append(terms)
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
    total: int  # every matching item (``hits`` holds at most ``limit`` of them)
    exact_total: bool = True
    ocr_pending: int = 0  # scans in the index whose text waits for OCR (``recordkit index``)
    index_warning: str | None = None  # the index read here is no longer kept up to date (``moved_warning``)
    #: Where that index went and when (``index_warning`` is said of it), for a page's own words; not in ``to_dict``.
    moved_away: MovedAway | None = field(default=None, compare=False)
    #: Whether the query had words to find (False for filters alone: ``owner:王芳``), for what "nothing" says.
    words: bool = field(default=True, compare=False)

    def nothing_found(self, text: str) -> str:
        """What a search of ``text`` that found nothing says: the words it looked for, or, for filters alone, that
        no item meets them (never 「没有找到包含“owner:王芳”的档案」 nor 「包含“”」)."""
        return f"没有找到包含“{text.strip()}”的档案" if self.words else "没有符合筛选条件的档案"

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "total_exact": self.exact_total,
            "ocr_pending": self.ocr_pending,
            "index_warning": self.index_warning,
            "hits": [hit.to_dict() for hit in self.hits],
        }

    @property
    def total_text(self) -> str:
        return f"{self.total} 条" if self.exact_total else f"至少 {self.total} 条"


# What may stand between a phone's digits in a text (blanks, dashes, brackets, a line end), and where a landline
# after the country code starts (86 and such separators before it: a look-behind has one width, one each).
_PHONE_SEPARATORS = r"[\s()-]{0,3}"
_AFTER_86 = "|".join(rf"(?<=86[\s()-]{{{width}}})" for width in range(4))


@functools.lru_cache(maxsize=1024)
def _canonical_pattern(canonical: str) -> re.Pattern[str] | None:
    """Where a unit code, date, 档号, phone or ID number stands in a text, however it was spelled (for the snippet)."""
    value = canonical[2:]
    if canonical.startswith(UNIT_PREFIX):
        return _unit_pattern(value)
    # A phone: its digits, grouped by blanks, dashes or brackets, maybe cut by a line end; a landline's first 0
    # dropped after the country code (+86 755 8888 6666, marked from its 7) or kept there in brackets as the trunk
    # prefix (+86 (0)755 8888 6666, marked from the bracket).
    if canonical.startswith(PHONE_PREFIX):
        digits = value.replace("-", "")
        if not digits.startswith("0"):
            return re.compile(r"(?<![0-9])" + _PHONE_SEPARATORS.join(digits) + r"(?![0-9])")
        rest = _PHONE_SEPARATORS.join(digits[1:])
        return re.compile(rf"(?:(?<![0-9])(?:\(0\)|0){_PHONE_SEPARATORS}|{_AFTER_86}){rest}(?![0-9])")
    # An ID number: its digits, grouped by blanks or dashes, maybe cut by a line end; one born in the 1900s also as
    # its first-generation number (without the 19 of the year and the check character: 110101 900307 123).
    if canonical.startswith(ID_NUMBER_PREFIX):
        forms = [value, value[:6] + value[8:17]] if value[6:8] == "19" else [value]
        written = "|".join(r"[\s-]{0,3}".join(form) for form in forms)
        return re.compile(rf"(?<![0-9a-z])(?:{written})(?![0-9a-z])")
    if canonical.startswith(DATE_PREFIX):
        year, month, day = value.split("-")
        return re.compile(
            rf"(?<![0-9]){year}(?:\s*[-./年]\s*0?{int(month)}\s*[-./月]\s*0?{int(day)}(?:日|号)?|{month}{day})(?![0-9])"
        )
    if canonical.startswith(MONTH_PREFIX):
        year, month = value.split("-")
        return re.compile(rf"(?<![0-9]){year}\s*[-./年]\s*0?{int(month)}(?![0-9])")
    return re.compile(f"-{CODE_LINE_END}".join(re.escape(part) for part in value.split("-")))  # a 档号


def _unit_pattern(value: str) -> re.Pattern[str]:
    """Where a unit code (folded: 3-2-1201, 5-1201, 车位b1-023) stands in a folded text, however spelled."""
    kind = next((k for k in UNIT_KINDS if value.startswith(k)), None)
    if kind is not None:
        label = r"\s*[-_/]\s*".join(re.escape(part) for part in value[len(kind) :].split("-"))
        words = "|".join(sorted(KIND_WORDS[kind], key=len, reverse=True))
        after = rf"|(?<![0-9a-z-]){label}\s*号?\s*(?:{words})" if kind == "别墅" else ""
        return re.compile(rf"(?:{words})\s*[-_:：]?\s*{label}(?![0-9a-z]){after}")
    parts = [re.escape(part) for part in value.split("-")]
    if len(parts) == 2:
        building, room = parts
        return re.compile(rf"(?<![0-9a-z])0?{building}\s*(?:号楼|栋|幢|座)\s*0?{room}\s*室")
    building, entrance, room = parts
    return re.compile(
        rf"(?<![0-9a-z])0?{building}\s*(?:#楼|号楼|栋|幢|座|#|楼|[-_/])\s*[-_/]?\s*0?{entrance}"
        rf"\s*(?:单元|[-_/])\s*[-_/]?\s*0?{room}(?:室|号)?(?![0-9a-z])"
    )


def _spans(folded: str, terms: Sequence[Term], start: int = 0) -> list[tuple[int, int]]:
    return sorted(span for term in terms for span in term.spans(folded, start, len(folded)))


def _window(text: str, body_start: int, terms: Sequence[Term], reach: int = 240) -> slice:
    """Where a long text's body is cut around the first plain match (the metadata before ``body_start`` is kept
    whole): folding every character with its offset costs milliseconds on a long scan."""
    whole = slice(body_start, None)
    if len(text) - body_start <= 3 * reach:
        return whole
    lowered = text[body_start:].casefold()
    positions = [lowered.find(term.text) for term in terms if term.canonical is None]
    found = [position for position in positions if position >= 0]
    if not found:
        return whole
    anchor = body_start + min(found)
    return slice(max(body_start, anchor - reach), anchor + reach)


def snippet(
    text: str, body_start: int, terms: Sequence[Term], show_private: bool = False
) -> tuple[str, list[tuple[int, int]]]:
    """A short piece of ``text`` (as written) around the first match in the document's own text, with the
    matched spans.  When only the metadata matched (the title, the 档号, the unit), the opening of the text,
    which the result does not show otherwise, rather than the title again; the metadata only for an item
    without text (a scan waiting for OCR).  ID and phone numbers masked unless asked."""
    # Matches are looked for in the text as written (a phone number searched for is masked in what is shown),
    # and stand at the same places in the masked text (masking keeps every offset).  Only the metadata and the
    # window are masked, with the lines they stand on: a long scan's every page masked cost most of a search.
    window = _window(text, body_start, terms)
    parts = [(0, body_start), window.indices(len(text))[:2]]
    shown = "".join(text[a:b] if show_private else mask_in_text_between(text, a, b) for a, b in parts)
    text = "".join(text[a:b] for a, b in parts)
    body_start = min(body_start, len(shown))
    folded, origins = fold_with_offsets(text)
    folded_body = next((i for i, origin in enumerate(origins) if origin >= body_start), len(folded))
    found = _spans(folded, terms, folded_body)
    if not found and body_start >= len(shown):  # no text of its own: where the metadata matched
        found = _spans(folded, terms)
    spans = [(origins[s], origins[e - 1] + 1) for s, e in found]
    anchor = spans[0][0] if spans else body_start
    floor = body_start if anchor >= body_start else shown.rfind("\n", 0, anchor) + 1  # a metadata line alone
    begin = max(floor, anchor - _SNIPPET_BEFORE)
    line_end = shown.find("\n", anchor)
    finish = min(len(shown) if line_end < 0 or anchor >= body_start else line_end, anchor + _SNIPPET_AFTER)
    prefix = "…" if begin > floor else ""
    suffix = "…" if finish < len(shown) and shown[finish : finish + 1] != "\n" else ""
    # A line end shown as a blank; pdfium's mark of a hyphen that ended a line (U+FFFE) as the hyphen printed there.
    piece = shown[begin:finish].replace("\n", " ").replace("\ufffe", "-")
    merged = _merged([(max(s, begin), min(e, finish)) for s, e in spans])
    offset = len(prefix) - begin
    return prefix + piece + suffix, [(s + offset, e + offset) for s, e in merged]


def _merged(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans with the empty ones dropped and the overlapping ones joined."""
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if s >= e:
            continue
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def highlight_spans(text: str, query_text: str) -> list[tuple[int, int]]:
    """Where the search words of ``query_text`` stand in ``text`` (as written, however folded or spelled):
    sorted [start, end) spans, joined where they overlap.  None for a query without search words or one
    that cannot be read (the page shows the text plain rather than refuse it)."""
    try:
        query = parse_query(query_text)
    except UsageError:
        return []
    terms = [term for group in query.groups for term in group]
    if not terms or not text:
        return []
    folded, origins = fold_with_offsets(text)
    return _merged([(origins[s], origins[e - 1] + 1) for s, e in _spans(folded, terms)])


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
    query: Query,
    category: str | None,
    unit: str | None,
    owner: str | None,
    date_from: str | None,
    date_to: str | None,
    phases: Mapping[str, str] | None = None,
) -> Query:
    changes: dict[str, Any] = {}
    category, unit, owner, date_from, date_to = (
        blank_controls(value).strip() if value else value for value in (category, unit, owner, date_from, date_to)
    )
    if unit:
        changes["unit"] = parse_query(f'unit:"{unit}"', phases).unit
    if category:
        changes["category"] = category.strip()
    if owner:
        changes["owner"] = owner.strip()
    if date_from:
        changes["date_from"] = query_period(date_from)
    if date_to:
        changes["date_to"] = query_period(date_to, end=True)
    return replace(query, **changes)


def numbers_as_printed(query: Query, rules: FilingRules) -> Query:
    """``query`` with each term that is a 档号 of a configured category written as said aloud (``YZ-2026-4``,
    ``yz2026-004``) also finding that number as printed (``YZ-2026-00004``, by ``[archive] number_pattern``), as
    ``archive show`` reads it; the term as typed still finds itself (another paper's number written so).  A pure
    function."""
    prefixes = {entry.prefix.upper() for entry in rules.categories} | {rules.unknown.prefix.upper()}

    def printed(term: Term) -> Term | None:
        said = SAID_ALOUD.fullmatch(term.text.upper())  # (a term is folded: lower case)
        if said is None or said["prefix"] not in prefixes:
            return None
        number = format_archive_no(rules.number_pattern, said["prefix"], int(said["year"]), int(said["seq"]))
        if parse_archive_no(rules.number_pattern, number) is None or fold(number) == term.text:
            return None  # (a pattern without the year: the number as said is not one of its)
        return make_term(number)

    def widened(terms: Sequence[Term]) -> tuple[Term, ...]:
        return tuple(dict.fromkeys([*terms, *(found for term in terms if (found := printed(term)) is not None)]))

    return replace(query, groups=tuple(widened(group) for group in query.groups), excluded=widened(query.excluded))


def check_date_range(query: Query) -> None:
    """``UsageError`` for a date range that ends before it begins (``--from 2026-12 --to 2026-01``, the two typed the
    wrong way round, or ``date:2026-12..2026-01``): no document can be in it, and 「没有找到」 would read as if the
    archive held nothing of those months."""
    if query.date_from is not None and query.date_to is not None and query.date_from > query.date_to:
        low, high = query.date_from.isoformat(), query.date_to.isoformat()
        raise UsageError(
            f"日期范围的开始 {low} 晚于结束 {high}：请检查 --from 和 --to（或 date:开始..结束），开始的日期应在前",
            form_message=f"日期范围的开始 {low} 晚于结束 {high}：请检查“日期从”和“到”，开始的日期应在前",
        )


def check_limit(limit: int) -> int:
    """``limit`` as asked by a clerk or a script: ``UsageError`` past ``MAX_LIMIT``."""
    if limit > MAX_LIMIT:
        raise UsageError(f"--limit 最多为 {MAX_LIMIT}：要看更多的结果，请加上类别、房号或日期等筛选条件分几次检索")
    return limit


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
    sort: str = "相关度",
    show_private: bool = False,
    ledger: Ledger | None = None,
) -> SearchResult:
    """The archive items whose text or metadata contain the query: at most ``limit``, ranked by relevance
    (bm25, a hit in the title, 档号, unit or owners before one in the text; ties newest filed first), or
    newest document date first (``sort="日期"``), or in 档号 order (``sort="档号"``).  The PostgreSQL index ranks
    only the newest filed of very many matches (``backends.postgresql.RANKED``) and then counts "at least"
    (``exact_total`` False); the SQLite index ranks and counts every match.

    Raises ``UsageError`` for a query or sort it cannot read, a query longer than ``MAX_QUERY_CHARS`` or a limit
    below 1, ``NotFoundError`` when the index was never built, ``IntegrityError`` when it is
    damaged or of another version (rebuild it), ``LedgerError`` when its PostgreSQL ledger does not exist.
    A PostgreSQL index is read through ``ledger``'s connections when given (the web page's: a database out of reach
    told once by its outage watch, ``Ledger.outage``).
    """
    if limit < 1:
        raise UsageError("--limit 至少为 1")
    if len(text.strip()) > MAX_QUERY_CHARS:
        raise UsageError(f"检索词太长（{len(text.strip())} 个字，最多 {MAX_QUERY_CHARS} 个字）：请摘取其中几个词检索")
    if sort not in SORT_NAMES:
        raise UsageError(f"排序“{sort}”无法识别，应为 {'、'.join(SORT_NAMES)} 之一")
    phases = workspace.settings.office.phase_table()
    query = _apply_flags(parse_query(text, phases), category, unit, owner, date_from, date_to, phases)
    check_date_range(query)
    rules = FilingRules.from_settings(workspace.settings.archive)
    query = numbers_as_printed(query, rules)
    filters = _filters(query, rules)
    if not query.groups and not filters:
        raise UsageError("请输入检索词，例如 recordkit search 电梯维修", form_message="请输入检索词，例如 电梯维修")
    # A term with blanks or punctuation inside ("维修 保养") is found as written: its phrase finds the few
    # candidates, the text of each is checked.  Such an excluded term is checked too, never trusted.
    checked_groups = [group for group in query.groups if any(term.checked for term in group)]
    checked_excluded = [term for term in query.excluded if term.checked]
    check = bool(checked_groups or checked_excluded)
    request = SearchRequest(
        tuple(tuple(term.phrase for term in group) for group in query.groups),
        tuple(term.phrase for term in query.excluded if not term.checked),
        filters,
        SORT_NAMES[sort],
        None if check else limit,
        typed=text,
    )
    try:
        page = open_index(workspace, ledger).search(request)
    except NoIndexTables:
        # No index tables may mean no ledger there at all (a mistyped schema or database): said as every command
        # that only reads says it, not "run db upgrade", which would make an empty ledger (another estate) there.
        with read_workspace_ledger(workspace) as ledger:
            ledger.require_existing()
        raise
    items, total, exact = page.items, page.total, page.exact
    if check:
        items = [item for item in items if _holds(fold(item.text), checked_groups, checked_excluded)]
        total, items = len(items), items[:limit]
    if not total and query.category and rules.category(query.category) is None:
        # nothing found in a category the office does not have (a typo): said so, never 「没有找到」
        raise rules.no_such_category(query.category)
    if not total and query.unit:
        # nothing found for a unit neither the ledger nor any item has (a typo, 3-2-1210 for 3-2-1201): said so,
        # as ``archive list --unit`` and ``receipt list --unit`` say it, never 「没有找到」
        with read_workspace_ledger(workspace) as ledger, ledger.read() as conn:
            refuse_unknown_unit(conn, query.unit, filed=True)
    if not total and query.owner and filters.owner:
        # nothing found for a name no owner or co-owner has even a part of (a typo, 张伪 for 张伟): said so, as a unit
        # the ledger does not have is, never 「没有找到」
        with read_workspace_ledger(workspace) as ledger, ledger.read() as conn:
            _refuse_unknown_owner(conn, filters.owner, query.owner)
    positive = [term for group in query.groups for term in group]
    hits = [_hit(item, positive, show_private) for item in items]
    warning = None if page.moved_away is None else moved_warning(page.moved_away, workspace.settings.office.time_zone)
    return SearchResult(hits, total, exact, page.ocr_pending, warning, page.moved_away, bool(query.groups))


def _refuse_unknown_owner(conn: Connection, folded: str, typed: str) -> None:
    """``NotFoundError`` when no owner of record of a unit (first owners and co-owners alike, ``owner_names_in``)
    has a name that, read as the owner filter reads it (``fold``, without blanks), contains ``folded``.  An owner
    record holding no unit (renamed or replaced by a re-import, kept for the journal) is no owner here."""
    for name in {name for names in owner_names_in(conn).values() for name in names}:
        if name and folded in fold(name).replace(" ", ""):
            return
    shown = "".join(typed.split())
    raise NotFoundError(
        f"台账中没有姓名包含“{shown}”的业主：请用 recordkit owners list 查看业主",
        form_message=f"台账中没有姓名包含“{shown}”的业主：请核对业主姓名",
    )


def moved_warning(moved: MovedAway, zone: str, *, for_page: bool = False) -> str:
    """What a PC still reading an index its server moved to another backend is told with every search (and by
    doctor): the results are as of the move.  A clerk's PC cannot read the server's SQLite file (no shared
    folder), so the way back is the administrator's ``index --to postgresql``.  ``for_page``: as the web page says
    it, without the commands (the page has no command line)."""
    when = ""
    if moved.at:
        try:
            when = f"于 {chinese_date(office_time(moved.at, zone))} "
        except ValueError:
            when = ""
    where = BACKEND_NAMES.get(moved.to, "另一种索引")
    if for_page:
        return (
            f"这里查的是台账数据库里的旧检索索引：服务器已{when}把索引搬到服务器上的 {where}，"
            "此后归档或改动的档案在这里查不到。请到服务器上检索，"
            "或请管理员在服务器上把索引搬回台账数据库，各台电脑就都能检索"
        )
    return (
        f"这里查的是台账数据库里的旧检索索引：服务器已{when}把索引搬到服务器上的 {where}（recordkit index --to {moved.to or '…'}），"
        "此后归档或改动的档案在这里查不到。请到服务器上检索，"
        "或请管理员在服务器上运行 recordkit index --to postgresql 把索引搬回台账数据库，各台电脑就都能检索"
    )


def _holds(folded: str, groups: Sequence[Sequence[Term]], excluded: Sequence[Term]) -> bool:
    return all(any(term.found_in(folded) for term in group) for group in groups) and not any(
        term.found_in(folded) for term in excluded
    )


def _hit(item: IndexedItem, terms: Sequence[Term], show_private: bool) -> Hit:
    stored = item.shown
    text, spans = snippet(item.text, item.body_start, terms, show_private)

    def shown(value: Any) -> str:
        return str(value or "") if show_private else mask_in_text(str(value or ""))

    return Hit(
        item.archive_no,
        shown(stored.get("title")),
        stored.get("category") or "",
        stored.get("unit"),
        stored.get("date"),
        shown(stored.get("path")),
        shown(stored.get("source_name")),
        stored.get("owner") or "",
        item.score,
        text,
        tuple(spans),
    )
