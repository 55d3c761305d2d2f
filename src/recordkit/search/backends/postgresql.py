"""The index in PostgreSQL full-text search: tables in the ledger's own database, beside the ledger.

Owns the table layout (also what migration 0014 creates), the ``tsvector`` made from the project's own tokens
(``search.text``: CJK bigrams, letter and digit runs, canonical codes) with their positions and weights — title
and 档号 A, unit and owners B, other metadata C, the text D — and, in two columns of their own, the CJK
trigrams of neighbouring bigrams and the pairs of the other neighbouring tokens (without positions: what GIN
needs to offer a phrase's texts nearly alone), sent in PostgreSQL's binary form (a row in COPY's) so that its
parser never splits them again; a ``SearchRequest`` compiled to a ``tsquery`` literal (phrases with ``<->``,
``:*`` prefixes, ``!`` exclusions), filters as indexed columns, ranking by ``ts_rank_cd`` with the weights of
SQLite's bm25 and the same ties and sorts, over matches read newest first or taken from GIN's candidates,
whichever an estimate of their number makes cheaper.  Snippets and masking stay in ``search.query``.

One writer at a time: an advisory lock per schema, held by a transaction left open.  A rebuild COPYs into a
shadow table made in the same transaction (its rows written frozen and all visible: ``COPY … FREEZE``), indexes it
after the load (in two connections at once: PostgreSQL builds a GIN index in one process) and swaps it in with one
transaction; searches answer from the old table until then.  On a PostgreSQL ledger the filing transaction writes
its items' rows itself (``write``), so that filing and indexing commit together.
"""

from __future__ import annotations

import functools
import itertools
import json
import logging
import math
import re
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed, wait
from contextlib import contextmanager
from dataclasses import replace
from typing import Any, TypeVar

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from recordkit.core.config import DatabaseSettings
from recordkit.core.errors import ConflictError, IntegrityError, LedgerError, NotFoundError
from recordkit.ledger.db import (
    PG_LOCK_NOT_AVAILABLE,
    PG_SERIALIZATION_FAILURE,
    PG_UNDEFINED_TABLE,
    READ_ONLY,
    STATEMENT_TIMEOUT_SAID,
    TAKES_NO_WRITES,
    OutageWatch,
    cause_of,
    connection_advice,
    cut_short,
    driver_errors_wrapped,
    ledger_where,
    no_time_limit,
    server_at_least,
    server_said,
    server_says,
    server_unreachable,
)
from recordkit.search.backends.base import (
    COLUMNS,
    NOT_BUILT,
    NOT_BUILT_FORM,
    REBUILD_FORM,
    REBUILD_MESSAGE,
    IndexDamaged,
    IndexDoc,
    IndexedItem,
    IndexUnusable,
    MovedAway,
    Phrase,
    SearchPage,
    SearchRequest,
    asked_for,
    cores,
    filter_conditions,
    older_version,
    rebuild_room,
    version_error,
    writer_busy,
)

log = logging.getLogger(__name__)
_T = TypeVar("_T")

#: Bump when the layout or the tokens change: an index of another version is never read, it is rebuilt.
SCHEMA_VERSION = 18
TABLE, SHADOW, META = "search_items", "search_items_new", "search_index_meta"
#: The META key of an index the server moved to another backend (``recordkit index --to sqlite``): JSON
#: ``{"to": …, "at": …}``.  Rows here are no longer kept up to date; a PC still searching them is told so.  A
#: rebuild or an update here (this is the server's index again) removes it.
MOVED_KEY = "moved_to"
#: The weight letter of each column (COLUMNS order): title and 档号 A, unit and owners B, other metadata C, text D.
COLUMN_WEIGHTS = ("A", "A", "B", "B", "C", "D")
#: ts_rank_cd's weights of D, C, B, A: SQLite's bm25 weights (10, 6, 3, 1) scaled to at most 1.
RANK_WEIGHTS = "{0.1, 0.3, 0.6, 1.0}"
#: tsvector positions stop at 16383: later tokens all stand at the last one (a phrase that far into a very
#: long text is not found; its single tokens are).
MAX_POSITION = 16383
#: PostgreSQL keeps a lexeme's first 256 positions and drops the rest (a phrase through a later occurrence of a
#: token that common in one text is not found); ``tsvectors`` leaves them out itself.
MAX_POSITIONS = 256
#: A lexeme of more bytes is refused by PostgreSQL ("word is too long"), and with it the whole row: a longer
#: token (a run of letters and digits thousands long: a barcode or base64 read by OCR) is cut to this many
#: bytes, in the tsvector and in the tsquery alike, so it is still found.
MAX_LEXEME_BYTES = 2046
#: Of a tsvector's 1 MB (lexemes and positions; more is refused, and the row with it), what ``tsvectors`` may use:
#: past it, the tokens first seen later in the text are left out (a text with ~70,000 different tokens), after
#: its canonical tokens (``CANONICAL_MARK``), which are kept first.
MAX_TSVECTOR_BYTES = 1_000_000
#: Field separator ``search.indexer`` puts between two fields of a column: a position no phrase runs through.
FIELD_SEPARATOR = "-"
#: A CJK trigram's lexeme starts with this (no token of ``search.text`` holds a ``:`` but the canonical ones,
#: ``u:`` and the like, and a prefix query is always one CJK character): ``3:电梯维``.
TRIGRAM_PREFIX = "3:"
#: A pair lexeme starts with this: two neighbouring tokens that are not overlapping CJK bigrams (no trigram
#: stands for them) and neither of them a canonical code, the first, a space (no token holds one), the second:
#: ``2:维修 保养``, ``2:1201 漏水``.
PAIR_PREFIX = "2:"
#: What every canonical token (``u:3-2-1201``, ``n:gc-2024-00001``, ``d:2024-05-01``) holds and no other does:
#: such a token makes no pair (it is about as rare in ``tsv`` as any pair of it would be in ``pairs``, so the
#: pair narrows GIN's candidates by nothing, and at a million items it was a quarter of the pairs' entries and
#: three quarters of their different keys: each one a key of its own for GIN to build).
CANONICAL_MARK = ":"
#: A ``tsv`` lexeme without positions holding the month its item was filed (``f:202508``, from ``filed_at``, the
#: catalogue's ISO time): no token of ``search.text`` starts so, so no query asks for it but the newest months of
#: a ranked search (``_newest_months``), which GIN then answers from the index alone.  Eight bytes: a lexeme of
#: even length without positions leaves every other one's alignment as the server lays them out, so that the
#: binary form stays byte for byte what the server makes of the same tsvector written as a literal.
FILED_PREFIX = "f:"
#: The lexeme of a text whose trigrams did not fit in its ``tri`` tsvector (tens of thousands of different
#: tokens), and the one of a text whose pairs did not fit in ``pairs``.
TRIGRAMS_LEFT_OUT = TRIGRAM_PREFIX
PAIRS_LEFT_OUT = PAIR_PREFIX
#: The columns of neighbours (``tsvectors``' second and third), each with its left-out mark.
NEIGHBOUR_COLUMNS = (("tri", TRIGRAMS_LEFT_OUT), ("pairs", PAIRS_LEFT_OUT))
#: CJK characters (``search.text.CJK``) all come from here on: a cheap first test before a trigram is made.
CJK_FROM = "\u3040"
#: Advisory lock keys: (this constant, the schema's hash) is the index writer lock of one estate's schema.
_LOCK_KEY = 7_270_017
_LOCK_ARGS = f"{_LOCK_KEY}, hashtext(current_schema())"
#: A writer whose lock's connection was ended (by an administrator, by the network) while it worked.
LOCK_LOST = (
    "检索索引已写入，但写入锁所在的数据库连接中途断了（服务器说：{said}）："
    "这期间别的程序也可能写了索引，请再运行一次 recordkit index 核对"
)
#: What a writer is told on a database that takes reads only (a replica a clerk's PC searches on): the index lives
#: in it, so only a computer connected to the primary updates it.
INDEX_READ_ONLY = (
    "台账数据库 {where} {read_only}：检索索引就在这个数据库里，更新、重建或搬入索引都要连主库，"
    "请在连着主库的电脑上运行（一般是办公室服务器每晚的 recordkit index）；什么也没有写入"
)
_COLUMNS = (
    "archive_no",
    "signature",
    "state",
    "category",
    "unit",
    "date",
    "owners",
    "filed_at",
    "body_start",
    "shown",
    "text",
    "tsv",
    "tri",
    "pairs",
)
#: Rows made before each COPY or executemany sends them (bounds the memory of a big build, not its transaction).
BATCH = 2000
#: The server's memory for building a rebuild's indexes, per connection (its session only, while they are
#: built): two or three connections build at once (``index_groups``), so three times this at most (and the
#: server's parallel btree workers share their leader's).
REBUILD_MEMORY = "256MB"
#: The seconds between a rebuild's tries at the swap when an administrator's ``lock_timeout`` cut its wait for
#: the live table short (the new table kept; after the last, the rebuild gives up and drops it).
SWAP_PAUSES = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0)
#: A reading the server ended for a reason of its own, not the request's, is asked again after these pauses: on a
#: replica (a clerk's PC on a hot standby) the primary's nightly work is replayed, and a search holding a table
#: whose old version the primary dropped (a rebuild's swap) or whose rows it vacuumed is cancelled, or its
#: connection ended ("conflict with recovery", SQLSTATE 40001; then the connection is gone).  Asked once more it
#: finds the new table.  A search changes nothing, so asking again is always safe.
READ_AGAIN_PAUSES = (0.2, 1.0)
#: A rebuild's indexes, built by two connections at once (PostgreSQL 15 builds a GIN index in one process, so
#: one connection leaves a core idle): the two big GIN indexes one each, the small one of the pairs after
#: ``tsv``, the btree indexes shared out.  At 100,000 items: tsv 10.2 s then pairs 4.0 s, beside tri 11.3 s,
#: 14.3 s in all; three connections at once took 14.7 s (the three GIN builds sharing two cores).
INDEX_GROUPS = (("tsv", "pairs", "owners", "pending"), ("tri", "category_date", "date", "unit", "filed"))
#: On three cores or more, three connections, each GIN index in its own: the index phase as long as the biggest
#: (``tri``'s) instead of ``tsv``'s and the pairs' one after the other.
WIDE_INDEX_GROUPS = (("tsv", "owners", "pending"), ("tri", "category_date", "date"), ("pairs", "unit", "filed"))


def index_groups() -> tuple[tuple[str, ...], ...]:
    """The connections a rebuild's indexes are built in, counted from the cores of the machine recordkit runs on
    (the nightly run's: the database server's own where it runs there; three connections on a two-core server
    cost ~3 %, see ``INDEX_GROUPS``)."""
    return WIDE_INDEX_GROUPS if cores() >= 3 else INDEX_GROUPS


def schema_statements(table: str) -> list[str]:
    """The table and its indexes under the name ``table`` (``TABLE``, or ``SHADOW`` while rebuilding: its
    indexes carry the suffix ``_new`` until the swap renames them)."""
    suffix = "_new" if table == SHADOW else ""
    return [
        f"""CREATE TABLE {table} (
            archive_no text COLLATE "C" NOT NULL,
            signature text NOT NULL,
            state text NOT NULL,
            category text COLLATE "C" NOT NULL,
            unit text COLLATE "C" NOT NULL,
            date text COLLATE "C" NOT NULL,
            owners text[] NOT NULL,
            filed_at text COLLATE "C" NOT NULL,
            body_start integer NOT NULL,
            shown text NOT NULL,
            text text NOT NULL,
            tsv tsvector NOT NULL,
            tri tsvector NOT NULL DEFAULT '',
            pairs tsvector NOT NULL DEFAULT '',
            CONSTRAINT {TABLE}_pkey{suffix} PRIMARY KEY (archive_no)
        )""",
        *index_statements(table),
    ]


_COVERING = "INCLUDE (filed_at, archive_no)"


def index_statements(table: str) -> list[str]:
    suffix = "_new" if table == SHADOW else ""
    return [
        f"CREATE INDEX ix_{TABLE}_tsv{suffix} ON {table} USING gin (tsv)",
        f"CREATE INDEX ix_{TABLE}_tri{suffix} ON {table} USING gin (tri)",
        f"CREATE INDEX ix_{TABLE}_pairs{suffix} ON {table} USING gin (pairs)",
        f"CREATE INDEX ix_{TABLE}_owners{suffix} ON {table} USING gin (owners)",
        # the filters' indexes carry what a search by filters alone reads: an index-only scan (migration 0019)
        f"CREATE INDEX ix_{TABLE}_category_date{suffix} ON {table} (category, date) {_COVERING}",
        f"CREATE INDEX ix_{TABLE}_unit{suffix} ON {table} (unit) {_COVERING}",
        f"CREATE INDEX ix_{TABLE}_date{suffix} ON {table} (date) {_COVERING}",
        f"CREATE INDEX ix_{TABLE}_filed{suffix} ON {table} (filed_at, archive_no)",
        f"CREATE INDEX ix_{TABLE}_pending{suffix} ON {table} (state) WHERE state = 'pending'",
    ]


_INDEX_NAMES = ("tsv", "tri", "pairs", "owners", "category_date", "unit", "date", "filed", "pending")


# -- tokens to tsvector, phrases to tsquery (pure) -----------------------------------------------------------


def _cut(token: str) -> str:
    """``token`` as PostgreSQL can hold it: at most ``MAX_LEXEME_BYTES`` bytes, cut at a character's end."""
    return token.encode()[:MAX_LEXEME_BYTES].decode(errors="ignore")


def _lexeme(token: str) -> str:
    """A token as a quoted tsquery lexeme: kept whole, whatever it holds (``u:3-2-1201``, ``'``), but for a very
    long one's cut (``_cut``)."""
    if len(token) > MAX_LEXEME_BYTES // 4:
        token = _cut(token)
    if "'" in token or "\\" in token:
        token = token.replace("\\", "\\\\").replace("'", "''")
    return "'" + token + "'"


# A tsvector is sent in PostgreSQL's binary form, what ``tsvectorrecv`` reads: the number of lexemes, then each
# lexeme's UTF-8 ending in a NUL, its number of positions and the positions, two bytes each (network order), a
# position's weight in its top two bits.  The server reads it without parsing (it sorts the lexemes, nothing
# else): its COPY of 100,000 rows from a file took 5.3 s so, 17.2 s with literals.  It is written as a str and
# encoded once: the lexemes as themselves, every other byte as the character that UTF-8 with
# ``surrogateescape`` encodes to it (itself below 0x80, a lone surrogate from 0x80 on).


def _byte(value: int) -> str:
    return chr(value) if value < 0x80 else chr(0xDC00 + value)


def _uint16(value: int) -> str:
    return _byte(value >> 8) + _byte(value & 0xFF)


def _tsvector(entries: str, count: int) -> bytes:
    return count.to_bytes(4, "big") + entries.encode("utf-8", "surrogateescape")


#: A tsvector without lexemes.
EMPTY_TSVECTOR = _tsvector("", 0)
#: A position's weight, in its two top bits.
_WEIGHT_BITS = {"A": 3, "B": 2, "C": 1, "D": 0}
#: What follows a lexeme: its end and its number of positions (of 0 to ``MAX_POSITIONS``); then its positions.
_COUNTS = ["\0" + _uint16(count) for count in range(MAX_POSITIONS + 1)]


@functools.cache
def _positions(weight: str) -> list[str]:
    """Each position with ``weight`` in binary form (positions past 16383 at 16383).  Made once per weight: a
    rebuild writes millions of them."""
    bits = _WEIGHT_BITS[weight] << 14
    return [_uint16(bits | min(position, MAX_POSITION)) for position in range(MAX_POSITION + 1)]


@functools.cache
def _labels(weight: str) -> list[str]:
    """What follows a lexeme seen once at each position with ``weight``: its end, one position, the position."""
    return [_COUNTS[1] + position for position in _positions(weight)]


def _distinct(positions: list[str]) -> list[str]:
    """``positions`` (in order, the last ones perhaps all 16383, where the positions past it stand) with 16383
    once, with the heaviest of its weights: as PostgreSQL keeps a literal's."""
    heaviest: dict[int, str] = {}  # a position → the greatest of its two bytes (the same position, the weight)
    for both in positions:
        position = int.from_bytes(both.encode("utf-8", "surrogateescape"), "big") & MAX_POSITION
        if position not in heaviest or both > heaviest[position]:
            heaviest[position] = both
    return list(heaviest.values())


def _trigram(first: str, second: str) -> str | None:
    """The trigram lexeme of two bigrams that follow each other in one CJK run (``电梯``, ``梯维`` → ``3:电梯维``),
    or None.  Both sides use this one rule: a document on each pair of neighbouring tokens, a phrase on its own."""
    if len(first) == 2 and len(second) == 2 and first[1] == second[0] and second[0] >= CJK_FROM:
        return TRIGRAM_PREFIX + first + second[1]
    return None


def _pair(first: str, second: str) -> str | None:
    """The pair lexeme's text of two neighbouring tokens that no trigram stands for (``修``, ``保养`` →
    ``2:修 保养``: the end of one run and the start of the next, a letter/digit run and a word), or None: for
    overlapping bigrams (their trigram), for a run's last bigram and its last character (``维修``, ``修``: in
    every run ending so, it would tell nothing) and when either is a canonical token (``CANONICAL_MARK``).  Both
    sides use this one rule (``tsvectors`` inlines it)."""
    if len(first) == 2 and first[1] == second[:1] and second[0] >= CJK_FROM and len(second) <= 2:
        return None
    if CANONICAL_MARK in first or CANONICAL_MARK in second:
        return None
    return PAIR_PREFIX + first + " " + second


def _neighbours(lexemes: dict[str, None], prefix: str) -> bytes:
    """The tsvector, without positions, of ``lexemes`` (trigrams or pairs, each without its ``prefix``), or,
    when they would not fit in one (``MAX_TSVECTOR_BYTES``), the mark of a text without them: the ``prefix``
    alone (a phrase then asks for its other lexemes alone)."""
    if not lexemes:
        return EMPTY_TSVECTOR
    # Bytes in a tsvector: a lexeme's text (at most 4 bytes a character), an alignment byte and its entry.
    size = 4 * sum(map(len, lexemes)) + (5 + 4 * len(prefix)) * len(lexemes)
    if size > MAX_TSVECTOR_BYTES:  # a bound: counted byte by byte only when it is too much (letters and digits)
        size = sum(len((prefix + lexeme).encode()) + 5 for lexeme in lexemes)
    if size > MAX_TSVECTOR_BYTES:
        return _tsvector(prefix + _COUNTS[0], 1)
    if max(map(len, lexemes)) > MAX_LEXEME_BYTES // 4 - len(prefix):  # cut alike, one lexeme
        lexemes = dict.fromkeys(_cut(prefix + lexeme)[len(prefix) :] for lexeme in lexemes)
    return _tsvector(prefix + (_COUNTS[0] + prefix).join(lexemes) + _COUNTS[0], len(lexemes))


def filed_month(filed_at: str) -> str:
    """The filing-month lexeme of an item filed at ``filed_at`` (``2025-08-04T15:29:08+08:00`` → ``f:202508``), or
    of a month (``2025-08``); none for an item without a filing time."""
    return FILED_PREFIX + filed_at[:4] + filed_at[5:7] if len(filed_at) >= 7 else ""


def tsvectors(columns: Iterable[tuple[str, str]], filed: str = "") -> tuple[bytes, bytes, bytes]:
    """The tsvector of (weight letter, tokens joined by spaces) columns, in order, and the ones of their CJK
    trigrams (the ``tri`` column) and of their pairs (``pairs``), in PostgreSQL's binary form.  The first holds
    each token at its position, a column starting one position after the last one's end (no phrase runs from
    one column into the next), field separators (``-``) keeping their place without being indexed; the others
    each CJK trigram (``_trigram``), or each pair of other neighbours (``_pair``), once, without positions (GIN's
    candidates need only whether a text holds it), in columns of their own so that ranking reads neither and
    each has a GIN index of its own (a rebuild builds ``tsv``'s then ``pairs``' in one connection beside
    ``tri``'s).  Within PostgreSQL's limits, so that no text is ever refused: positions past 16383 at 16383, at
    most 256 positions a lexeme, a very long token cut (two cut alike are one lexeme), the tokens first seen
    last left out of a text of too many different tokens (but the canonical ones, unit codes, dates and 档号,
    kept first), and a text of too many trigrams or pairs without them
    (``TRIGRAMS_LEFT_OUT`` or ``PAIRS_LEFT_OUT`` instead).  (Written for speed: a big rebuild's workers spend
    half their time here, so as little as can be is done token by token in Python.)  ``filed``, when given (the
    ``filed_month`` lexeme), is in the first without positions, kept whatever else is left out."""
    tokens: list[str] = []  # every column's, in order
    labels: list[str] = []  # what follows each in the tsvector if it is seen once: its position and weight
    positions: list[str] = []  # each one's position and weight alone
    trigrams: list[str] = []  # of neighbouring bigrams, in order, as often as seen
    pairs: list[str] = []  # "first second" of neighbouring tokens no trigram stands for, in order
    position = 0  # before the column's first token
    for weight, column in columns:
        split = column.replace("\0", "").split()  # (no token holds a NUL: it would end its lexeme early)
        for made, table in ((labels, _labels(weight)), (positions, _positions(weight))):
            found = table[position + 1 : position + 1 + len(split)]
            made += found + table[-1:] * (len(split) - len(found))  # positions past 16383 all at 16383
        tokens += split
        position += len(split) + 1  # the next column one position further
        # The rules of _trigram and _pair, inlined (millions of neighbours in a big build): a field separator
        # and a canonical token are in none.
        for first, second in zip(split, split[1:], strict=False):
            if len(first) == 2 and first[1] == second[0] >= CJK_FROM and len(second) <= 2:
                if len(second) == 2:
                    trigrams.append(first + second[1])
            elif first != FIELD_SEPARATOR != second and CANONICAL_MARK not in first and CANONICAL_MARK not in second:
                pairs.append(first + " " + second)
    tri = _neighbours(dict.fromkeys(trigrams), TRIGRAM_PREFIX)
    paired = _neighbours(dict.fromkeys(pairs), PAIR_PREFIX)
    if max(map(len, tokens), default=0) > MAX_LEXEME_BYTES // 4:  # cut alike, one lexeme
        tokens = [_cut(token) if len(token) > MAX_LEXEME_BYTES // 4 else token for token in tokens]
    # Each token's positions, in the order first seen: its last one (all that most tokens have), then, for those
    # seen more than once, all of them.
    found_at = dict(zip(tokens, labels, strict=True))
    if len(found_at) < len(tokens):
        repeated = {token for token, count in Counter(tokens).items() if count > 1 and token != FIELD_SEPARATOR}
        every: defaultdict[str, list[str]] = defaultdict(list)
        for token, at in itertools.compress(zip(tokens, positions, strict=True), map(repeated.__contains__, tokens)):
            every[token].append(at)
        if position > MAX_POSITION:  # (the tokens past the last position all stand at it)
            every = defaultdict(list, ((token, _distinct(at[:MAX_POSITIONS])) for token, at in every.items()))
        found_at.update(
            (token, _COUNTS[min(len(at), MAX_POSITIONS)] + "".join(at[:MAX_POSITIONS])) for token, at in every.items()
        )
    found_at.pop(FIELD_SEPARATOR, None)  # (its place was counted)
    # Bytes of a lexeme in a tsvector: its text, an alignment byte, a count of positions and two bytes a
    # position; a bound first, counted one by one only when it is too much.
    if 4 * sum(map(len, found_at)) + 3 * len(found_at) + 2 * len(tokens) > MAX_TSVECTOR_BYTES:
        # Cut: the canonical tokens first (unit codes, days, months, 档号: what a register is looked up by, and
        # last in a text's stream, so the first left out), then the others in the order first seen, until the
        # size is reached (canonical ones too many to fit are kept in their order as far as they fit).  One rule
        # of the tokens alone: a rebuild and a filing's write make the same tsvector.
        canonical = [item for item in found_at.items() if CANONICAL_MARK in item[0]]
        ordinary = (item for item in found_at.items() if CANONICAL_MARK not in item[0])
        kept, used = {}, 0
        for token, at in itertools.chain(canonical, ordinary):
            used += len(token.encode()) + 5 + len(at) - len(_COUNTS[0])
            if used > MAX_TSVECTOR_BYTES:
                break
            kept[token] = at
        found_at = kept
    if filed:  # (after the cut: always kept; 13 bytes within the server's 1 MB, past MAX_TSVECTOR_BYTES)
        found_at[filed] = _COUNTS[0]
    return _tsvector("".join(itertools.chain.from_iterable(found_at.items())), len(found_at)), tri, paired


def doc_tsvectors(doc: IndexDoc) -> tuple[bytes, bytes, bytes]:
    """The ``tsv`` (with the month ``doc`` was filed), ``tri`` and ``pairs`` of ``doc``."""
    return tsvectors(
        ((weight, doc.columns.get(column, "")) for column, weight in zip(COLUMNS, COLUMN_WEIGHTS, strict=True)),
        filed_month(doc.filed_at),
    )


# A row is sent as COPY's binary form too (its header and end once a COPY): the number of fields, then each
# field's length and bytes, as its type's binary input reads them.
_COPY_HEADER = b"PGCOPY\n\xff\r\n\0" + bytes(8)
_COPY_END = b"\xff\xff"
_TEXT_OID = 25


def _text_array(values: Iterable[str]) -> bytes:
    """A one-dimensional ``text[]`` (no NULLs) in binary form; none: no dimension."""
    encoded = [value.encode() for value in values]
    if not encoded:
        return b"".join(number.to_bytes(4, "big") for number in (0, 0, _TEXT_OID))
    head = (1, 0, _TEXT_OID, len(encoded), 1)  # dimensions, has NULLs, element type, length, lower bound
    return b"".join(
        [*(number.to_bytes(4, "big") for number in head), *(len(each).to_bytes(4, "big") + each for each in encoded)]
    )


def copy_row(doc: IndexDoc) -> bytes:
    """``doc``'s row of the index table (``_COLUMNS``) in COPY's binary form."""
    fields = (
        doc.archive_no.encode(),
        doc.signature.encode(),
        doc.state.encode(),
        doc.category.encode(),
        doc.unit.encode(),
        doc.date.encode(),
        _text_array(doc.owners),
        doc.filed_at.encode(),
        doc.body_start.to_bytes(4, "big", signed=True),
        json.dumps(dict(doc.shown), ensure_ascii=False).encode(),
        doc.text.encode(),
        *doc_tsvectors(doc),
    )
    return len(fields).to_bytes(2, "big") + b"".join(len(field).to_bytes(4, "big") + field for field in fields)


def prepare(doc: IndexDoc) -> IndexDoc:
    """``doc`` with its row made (``IndexDoc.prepared``: ``copy_row``) and its token columns dropped (this backend
    needs only the row): called where the tokens are made, so that a big build's single writer only sends
    bytes.  Pure, and cheap to send between processes."""
    return replace(doc, columns={}, prepared=copy_row(doc))


def compile_phrase(phrase: Phrase) -> str:
    """``'竣工' <-> '工资' <-> '资料' <-> '料'``; with ``prefix`` the last lexeme is ``:*``."""
    lexemes = [_lexeme(token) for token in phrase.tokens]
    if phrase.prefix:
        lexemes[-1] += ":*"
    return "(" + " <-> ".join(lexemes) + ")"


def candidate_phrase(phrase: Phrase) -> str:
    """What every text holding ``phrase`` holds in its ``tsv``, without positions: each of its lexemes (GIN
    answers that from the index alone, no text read again to check an order): ``('电梯' & '梯维' & '维修')``."""
    return "(" + " & ".join(_phrase_lexemes(phrase, trigrams=False)) + ")"


def compile_tsquery(groups: Iterable[Iterable[Phrase]], candidates: bool = False) -> str:
    """``(a | b) & c``: every group, one of its phrases (with ``candidates``, what holding it implies in ``tsv``:
    ``candidate_phrase``)."""
    phrase = candidate_phrase if candidates else compile_phrase
    return " & ".join("(" + " | ".join(phrase(each) for each in group) + ")" for group in groups)


def neighbour_tsqueries(groups: Iterable[Iterable[Phrase]]) -> list[tuple[str, str]]:
    """What every text holding the groups holds in its columns of neighbours, as (column, tsquery): in ``tri``,
    for each group whose phrases all have trigrams (of neighbouring CJK bigrams), one phrase's trigrams or the
    mark of a text whose trigrams were left out; in ``pairs`` the same of pairs (of other neighbouring tokens:
    ``_pair``).  A column no group asks anything of is left out.  Its GIN index gives nearly only the texts
    holding the phrases (``_candidate_column``): ``tri @@ ((('3:电梯维' & '3:梯维修')) | '3:')``.
    (A group of several phrases asks each column for one of them: the texts holding one phrase's trigrams and
    another's pairs are offered too, and checked on ``tsv`` like every candidate.)"""
    groups = [list(group) for group in groups]
    asked = []
    for column, left_out in NEIGHBOUR_COLUMNS:
        wanted = []
        for group in groups:
            phrases = [[lexeme for lexeme in _phrase_lexemes(each) if _column_of(lexeme) == column] for each in group]
            if phrases and all(phrases):
                ors = " | ".join("(" + " & ".join(lexemes) + ")" for lexemes in phrases)
                wanted.append(f"(({ors}) | '{left_out}')")
        if wanted:
            asked.append((column, " & ".join(wanted)))
    return asked


def neighbour_conditions(groups: Iterable[Iterable[Phrase]]) -> tuple[list[str], list[str]]:
    """``neighbour_tsqueries`` as SQL conditions (``tri @@ %s::tsquery``) and their parameters."""
    asked = neighbour_tsqueries(groups)
    return [f"{column} @@ %s::tsquery" for column, _ in asked], [query for _, query in asked]


# -- the backend ---------------------------------------------------------------------------------------------


NO_TABLES = "台账数据库里没有检索索引的表：请先运行 recordkit db upgrade，再运行 recordkit index --rebuild"
NO_TABLES_FORM = (
    "台账数据库里没有检索索引的表：请管理员在服务器上升级台账数据库（recordkit db upgrade），"
    "再重建检索索引（recordkit index --rebuild）"
)


class NoIndexTables(IndexUnusable):
    """The database has no index tables: a ledger older than migration 0014, or no ledger there at all (which the
    search tells as such: ``query.search``)."""


#: The columns TOAST compresses (a row of a few hundred characters is past its 2 kB): with lz4 where the server
#: has it (PostgreSQL 14 on, built with it, as Debian's and the official images are), not pglz: less of the
#: server's time in a rebuild's COPY, and a smaller table (963 → 853 MB at 100,000 items).
COMPRESSED = ("text", "tsv", "tri", "pairs")


#: Whether the server can compress a column with lz4: true, false (built without it), or no row (before 14).
HAS_LZ4 = "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"


def _lz4(conn: Connection) -> bool:
    """Whether the server of ``conn`` can compress a column with lz4."""
    return bool(conn.exec_driver_sql(HAS_LZ4).scalar())


def _size(conn: Connection, table: str) -> int | None:
    """The bytes of ``table`` with its indexes and TOAST; None when there is no such table."""
    return conn.exec_driver_sql(f"SELECT pg_total_relation_size(to_regclass('{table}'))").scalar()


def _interrupted(err: DBAPIError, outage: OutageWatch | None, query: str | None = None) -> LedgerError | None:
    """The search statement's failure when the index is not to blame: the server cancelled the statement (the
    account's ``statement_timeout`` set by an administrator, or a cancel) or lost the connection — nothing to
    rebuild then; None for any other.  Logged in one line with the server's words (the clerk's page says it in
    Chinese alone), the page asking (``outage``'s, the web page's) and the search's ``query`` as typed, masked (a phone or ID
    number typed into it is personal data); a server gone away, by ``outage`` where there is one, as the ledger's
    outage.  That line is the failure's only one (``RecordkitError.logged``: the command's line would repeat it)."""
    import psycopg  # loaded on first use: the driver of a PostgreSQL ledger, an optional dependency

    cause = cause_of(err)
    if not isinstance(cause, psycopg.OperationalError):
        return None
    if outage is not None and server_unreachable(err):
        outage.failed(err)
    else:
        asked = [outage.asking()] if outage is not None else []
        if query is not None:
            asked.append(asked_for(query))
        log.warning(
            "PostgreSQL search cut short by the server%s: %s",
            f" ({', '.join(asked)})" if asked else "",
            server_said(cause),
        )
    if isinstance(cause, psycopg.errors.QueryCanceled) and server_says(cause, STATEMENT_TIMEOUT_SAID):
        cancelled = "这次检索超过了数据库为这个账户设定的时限{}，已被数据库取消：请把检索词写得具体一些、加上筛选条件，"
        refusal = LedgerError(
            cancelled.format("（statement_timeout）") + "或请数据库管理员放宽这个时限",
            form_message=cancelled.format("") + "或请管理员放宽数据库的这个时限",
        )
    else:
        refusal = cut_short("检索", cause, "", "再试")
    refusal.logged = True
    return refusal


def _read_again(read: Callable[[], _T], outage: OutageWatch | None, query: str | None = None) -> _T:
    """``read()`` (a reading of the index: a search, the signatures, the counts), asked again after each of
    ``READ_AGAIN_PAUSES`` when the server ended it for a reason of its own (a replica's conflict with recovery)
    or its connection was cut: none of the server's refusals, a statement timeout or a missing table, which would
    fail again.  Its last failure is told as ``_corrupt`` tells it, outside the reading's transaction: a
    connection the server ended fails again at the rollback, and that is not what the clerk must be told."""
    for pause in (*READ_AGAIN_PAUSES, None):
        try:
            return read()
        except DBAPIError as err:
            again = isinstance(err, OperationalError) and getattr(err.orig, "sqlstate", None) in (
                PG_SERIALIZATION_FAILURE,
                None,
            )
            if pause is None or not again:
                raise _corrupt(err, outage, query) from None
            log.info("PostgreSQL reading asked again in %.1f s after: %s", pause, server_said(err))
        time.sleep(pause)
    raise AssertionError("unreachable")


def _corrupt(err: DBAPIError, outage: OutageWatch | None, query: str | None = None) -> IntegrityError | LedgerError:
    """What a search statement's failure tells the clerk: ``_interrupted``'s, else that the index cannot be read
    (rebuild it), logged in the failure's one line (``RecordkitError.logged``) with the server's words — never the
    statement's parameters, the query's tokens unmasked — and the search's ``query``, masked.  A table of the index
    missing (its meta table still there) is ``NoIndexTables``, as a search's opening says it."""
    interrupted = _interrupted(err, outage, query)
    if interrupted is not None:
        return interrupted
    if getattr(err.orig, "sqlstate", None) == PG_UNDEFINED_TABLE:
        return NoIndexTables(NO_TABLES, form_message=NO_TABLES_FORM)
    log.error(
        "PostgreSQL search index unreadable%s: %s: %s",
        f" ({asked_for(query)})" if query is not None else "",
        type(cause_of(err)).__name__,
        server_said(err),
    )
    said = f"PostgreSQL 中的检索索引无法读取（{type(err).__name__}）："
    refusal = IndexDamaged(said + REBUILD_MESSAGE, form_message=said + REBUILD_FORM)
    refusal.logged = True
    return refusal


def _row(doc: IndexDoc) -> bytes:
    return doc.prepared if doc.prepared is not None else copy_row(doc)


def copy_rows(cursor: Any, table: str, rows: Iterable[bytes], freeze: bool = False) -> None:
    """``copy_row`` rows into ``table`` by one binary COPY on the psycopg ``cursor`` (its header, the rows, its
    end); with ``freeze`` written frozen (the table made in the same transaction)."""
    options = "FORMAT binary, FREEZE" if freeze else "FORMAT binary"
    with (
        driver_errors_wrapped(),
        cursor.copy(f"COPY {table} ({', '.join(_COLUMNS)}) FROM STDIN WITH ({options})") as copy,
    ):
        copy.write(_COPY_HEADER + b"".join(rows) + _COPY_END)


class PostgresIndex:
    """The index of one workspace in its PostgreSQL ledger's database (the schema its connections use)."""

    def __init__(
        self, engine: Engine, given_by: DatabaseSettings = DatabaseSettings(), outage: OutageWatch | None = None
    ) -> None:
        self.engine = engine
        #: Where the ledger's address was given (recordkit.toml, or a variable), as a refused connection's advice
        #: names it (``connection_advice``).
        self.given_by = given_by
        #: Who says the database out of reach and back (the ledger's ``Ledger.outage``: the web page's), told of
        #: this index's own connections too — the database is the ledger's; None: the refusal says it alone.
        self.outage = outage

    # -- state -------------------------------------------------------------------------------------

    @contextmanager
    def _connect(self) -> Iterator[Connection]:
        """A connection; ``LedgerError`` when the database cannot be reached (it is the ledger's)."""
        try:
            conn = self.engine.connect()
        except DBAPIError as err:
            if self.outage is not None and server_unreachable(err):
                self.outage.failed(err)
            else:  # (the web page's outage watch logs a server out of reach; anything else is logged here, once)
                log.error("search index could not connect to the ledger's database: %s", server_said(err))
            failed = "无法连接台账数据库（检索索引在其中）"
            # (the page in Chinese alone: the driver's words, in English or a server's own language, went to the log)
            raise LedgerError(
                f"{failed}：{server_said(err)}" + connection_advice(err, given_by=self.given_by),
                form_message=f"{failed}（详情见日志）" + connection_advice(err, on_page=True),
            ) from err
        if self.outage is not None:
            self.outage.answered()
        with conn:
            yield conn

    def _version(self, conn: Connection) -> str | None:
        """The stored schema version; None before the first build.  ``IntegrityError`` without the tables (a
        connection ended or a statement cancelled is not that: it is raised as it is)."""
        try:
            with conn.begin_nested():
                return conn.exec_driver_sql(f"SELECT value FROM {META} WHERE key = 'schema_version'").scalar()
        except OperationalError:
            raise
        except DBAPIError as err:
            raise NoIndexTables(NO_TABLES, form_message=NO_TABLES_FORM) from err

    def is_current(self, conn: Connection) -> bool:
        """The index is built and of this version (seen from ``conn``'s transaction)."""
        return self._version(conn) == str(SCHEMA_VERSION)

    def exists(self) -> bool:
        return _read_again(lambda: self._stored_version() is not None, self.outage)

    def outdated(self) -> bool:
        stored = _read_again(self._stored_version, self.outage)
        return stored is not None and older_version(stored, SCHEMA_VERSION)

    def _stored_version(self) -> str | None:
        with self._connect() as conn:
            return self._version(conn)

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        """A transaction on a built index of this version (inside ``_read_again``, which tells its failures)."""
        with self._connect() as conn, conn.begin():
            stored = self._version(conn)
            if stored is None:
                raise NotFoundError(NOT_BUILT, form_message=NOT_BUILT_FORM)
            if stored != str(SCHEMA_VERSION):
                raise version_error(stored, SCHEMA_VERSION)
            yield conn

    # -- writing -----------------------------------------------------------------------------------

    @contextmanager
    def lock(self, timeout: float) -> Iterator[None]:
        """The one writer lock of this schema's index: a transaction advisory lock, in a transaction of its own
        left open while the work runs in other connections.  It ends with its holder's connection (a killed
        writer frees it), and a connection pool that lends a server connection a transaction at a time
        (pgbouncer's transaction mode) lends this one for the whole work: a session lock's unlock could reach
        another server connection there, and the lock stay held by nobody's work.  ``ConflictError`` on timeout;
        ``LedgerError`` when the holder's connection was ended before the work was done (another writer may have
        come in meanwhile)."""
        with self._connect() as conn:
            deadline = time.monotonic() + timeout
            while True:
                holding = conn.begin()
                # A replica takes the lock (advisory locks are no writes) but no row after it: told at once, before
                # any OCR or catalogue read, instead of the server's refusal of the first write.
                taken, read_only, schema = conn.exec_driver_sql(
                    f"SELECT pg_try_advisory_xact_lock({_LOCK_ARGS}), {TAKES_NO_WRITES}, current_schema()"
                ).one()
                if read_only:
                    holding.rollback()
                    where = ledger_where(
                        self.engine.url.render_as_string(hide_password=False), "" if schema == "public" else schema
                    )
                    raise LedgerError(INDEX_READ_ONLY.format(where=where, read_only=READ_ONLY))
                if taken:
                    break
                holding.rollback()
                if time.monotonic() >= deadline:
                    raise ConflictError(writer_busy(timeout))
                time.sleep(0.1)
            # Idle in this transaction while the work runs elsewhere (OCR, a rebuild's minutes): an administrator's
            # limits on idle transactions, and on a transaction's length, would end it and let the next writer in
            # halfway through.  It writes nothing and holds no snapshot meanwhile.
            no_time_limit(conn)
            done = False
            try:
                yield
                done = True
            finally:
                try:
                    conn.exec_driver_sql("SELECT 1")  # still there: the lock was held to the end
                except DBAPIError as err:
                    log.warning("the search index's writer lock was lost with its connection: %s", err)
                    if done:  # (else the work's own error says more)
                        raise LedgerError(LOCK_LOST.format(said=server_said(err))) from err
                else:
                    holding.rollback()  # (the lock goes with it)

    def try_lock_in(self, conn: Connection) -> bool:
        """Take the writer lock for ``conn``'s transaction if nobody holds it now (the filing transaction
        never waits for the nightly run: it leaves its items to the hook after the commit, or to that run)."""
        return bool(conn.exec_driver_sql(f"SELECT pg_try_advisory_xact_lock({_LOCK_ARGS})").scalar())

    def signatures(self, numbers: Iterable[str] | None = None) -> dict[str, tuple[str, str]]:
        wanted = None if numbers is None else list(numbers)

        def read() -> Sequence[Any]:
            with self._reading() as conn:
                if wanted is None:
                    return conn.exec_driver_sql(f"SELECT archive_no, signature, state FROM {TABLE}").all()
                return conn.exec_driver_sql(
                    f"SELECT archive_no, signature, state FROM {TABLE} WHERE archive_no = ANY(%s)", (wanted,)
                ).all()

        return {number: (signature, state) for number, signature, state in _read_again(read, self.outage)}

    def texts(self, numbers: Iterable[str]) -> dict[str, tuple[str, str]]:
        wanted = list(numbers)

        def read() -> Sequence[Any]:
            with self._reading() as conn:
                return conn.exec_driver_sql(
                    f"SELECT archive_no, substr(text, body_start + 1), state FROM {TABLE}"
                    " WHERE archive_no = ANY(%s) AND body_start < length(text)",
                    (wanted,),
                ).all()

        return {number: (text, state) for number, text, state in _read_again(read, self.outage)}

    def update(self, docs: Iterable[IndexDoc], delete: Iterable[str] = ()) -> int:
        """Replace or add ``docs`` and delete the ``delete`` numbers in one transaction (under ``lock``)."""
        try:
            with self._connect() as conn, conn.begin():
                if (stored := self._version(conn)) != str(SCHEMA_VERSION):
                    raise version_error(stored, SCHEMA_VERSION)
                conn.exec_driver_sql(f"DELETE FROM {META} WHERE key = %s", (MOVED_KEY,))  # kept here again
                return self.write(conn, docs, delete)
        except OperationalError as err:  # (outside the transaction: a connection ended fails its rollback too)
            raise cut_short("更新检索索引", err, "这次什么也没有写入，", "再运行 recordkit index") from err

    def write(self, conn: Connection, docs: Iterable[IndexDoc], delete: Iterable[str] = ()) -> int:
        """``update`` inside the caller's transaction ``conn`` (the filing transaction of a PostgreSQL ledger),
        ``BATCH`` items per statement."""
        written = 0
        batch: list[tuple[str, bytes]] = []
        with conn.connection.driver_connection.cursor() as cursor, driver_errors_wrapped():  # type: ignore[union-attr]
            removed = list(delete)
            if removed:
                cursor.execute(f"DELETE FROM {TABLE} WHERE archive_no = ANY(%s)", (removed,))

            def flush() -> None:
                cursor.execute(f"DELETE FROM {TABLE} WHERE archive_no = ANY(%s)", ([number for number, _ in batch],))
                copy_rows(cursor, TABLE, [row for _, row in batch])
                batch.clear()

            for doc in docs:
                batch.append((doc.archive_no, _row(doc)))
                written += 1
                if len(batch) >= BATCH:
                    flush()
            if batch:
                flush()
        return written

    def rebuild(self, docs: Iterable[IndexDoc]) -> int:
        """COPY every item into a shadow table, index it after the load, then swap it in with one transaction
        (under ``lock``).  Searches answer from the live table until the swap; a failure drops the shadow."""
        written, room = 0, ""
        with self._connect() as conn:
            try:
                raw = conn.connection.driver_connection
                batch: list[bytes] = []

                def flush() -> None:
                    with raw.cursor() as cursor:  # type: ignore[union-attr]
                        copy_rows(cursor, SHADOW, batch, freeze=True)
                    batch.clear()

                phases = {"started": time.perf_counter()}
                # The shadow is made in the COPYs' own transaction, so that they write its rows frozen and all
                # visible (FREEZE): no autovacuum then reads the whole new table again to freeze it, and a count
                # can be answered from an index alone.
                with conn.begin():
                    no_time_limit(conn)  # (each transaction of a rebuild: a million items take minutes)
                    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {SHADOW}")  # left by a killed rebuild
                    room = rebuild_room(_size(conn, TABLE) or 0)
                    conn.exec_driver_sql(schema_statements(SHADOW)[0])
                    if server_at_least(conn, 13):
                        # The TOAST rows are written frozen too, but without the visibility map: the vacuum that
                        # so many inserts would start reads the whole TOAST table (gigabytes, minutes, beside the
                        # index builds) to set it, which nothing needs (no index-only scan reads TOAST).  Deleted
                        # and replaced rows still start a vacuum as before.
                        conn.exec_driver_sql(
                            f"ALTER TABLE {SHADOW} SET (toast.autovacuum_vacuum_insert_threshold = -1)"
                        )
                    if _lz4(conn):
                        conn.exec_driver_sql(
                            f"ALTER TABLE {SHADOW} "
                            + ", ".join(f"ALTER COLUMN {column} SET COMPRESSION lz4" for column in COMPRESSED)
                        )
                    for doc in docs:
                        batch.append(_row(doc))
                        written += 1
                        if len(batch) >= BATCH:
                            flush()
                    flush()
                phases["copied"] = time.perf_counter()
                # The indexes once, after the load (far cheaper than kept up row by row), in two connections at
                # once: the shadow table is committed, so they see it; each commits its own, and a failure (or a
                # kill) leaves a shadow with some of them, which the next rebuild drops like any leftover.
                took = self._build_indexes()
                phases["indexed"] = time.perf_counter()
                with conn.begin():
                    no_time_limit(conn)
                    conn.exec_driver_sql(f"ANALYZE {SHADOW}")
                phases["analyzed"] = time.perf_counter()
                self._swap_in_turn(conn)
                phases["swapped"] = time.perf_counter()
                log.info(
                    "search index rebuilt: %d items; made and COPYed %.1f s, indexes %.1f s, ANALYZE %.1f s, swap %.1f s"
                    " (indexes side by side: %s)",
                    written,
                    *(later - earlier for earlier, later in itertools.pairwise(phases.values())),
                    " | ".join(
                        ", ".join(f"{name} {took[name]:.1f} s" for name in group if name in took)
                        for group in index_groups()
                    ),
                )
            except BaseException as err:
                self._drop_shadow(conn)
                if isinstance(err, OperationalError):  # cancelled by an administrator, a lock waited for too long,
                    # the server restarted
                    raise cut_short(
                        "重建检索索引", err, "原来的索引照常可用，", "再运行 recordkit index --rebuild", room=room
                    ) from err
                raise
        return written

    def _drop_shadow(self, conn: Connection) -> None:
        """Drop a failed rebuild's shadow table, on ``conn`` or, when the server ended that connection (a restart),
        on a new one; when the server cannot be reached at all, the next rebuild drops it (``DROP … IF EXISTS``)."""
        try:
            conn.rollback()
            with conn.begin():
                conn.exec_driver_sql(f"DROP TABLE IF EXISTS {SHADOW}")
            return
        except DBAPIError as err:
            log.warning("the rebuild's connection is gone (%s): its shadow table is dropped on a new one", err)
        try:
            with self._connect() as fresh, fresh.begin():
                fresh.exec_driver_sql(f"DROP TABLE IF EXISTS {SHADOW}")
        except (DBAPIError, LedgerError) as err:
            log.warning("the rebuild's shadow table is left for the next rebuild to drop: %s", err)

    def _build_indexes(self) -> dict[str, float]:
        """The shadow table's indexes, ``index_groups()`` in connections of their own at once.  On the first
        failure (or an interrupt) the others' statements are cancelled before it is raised.  Returns the seconds
        each index took, in the order they were done."""
        statements = dict(zip(_INDEX_NAMES, index_statements(SHADOW), strict=True))
        # The builders' connections while their transactions last: a cancel goes through the connection itself
        # (the protocol's cancel request), never by a server process id, which behind a pool in transaction mode
        # may be serving another client by then; and never to a connection back in the pool.
        building: set[Any] = set()
        guard = threading.Lock()
        took: dict[str, float] = {}
        stop = threading.Event()

        def build(names: tuple[str, ...]) -> None:
            with self._connect() as builder:
                raw = builder.connection.driver_connection
                with guard:
                    building.add(raw)
                try:
                    with builder.begin():
                        no_time_limit(builder)
                        # A GIN index is built in memory up to this much, flushed each time it fills (the server's
                        # default, 64 MB, flushes a million documents' lexemes many times).
                        builder.exec_driver_sql(f"SET LOCAL maintenance_work_mem = '{REBUILD_MEMORY}'")
                        # A killed rebuild's CREATE INDEX would otherwise run on to its end (minutes at a million
                        # items, a core and the shadow's lock held): the server looks every second whether this
                        # client is still there (PostgreSQL 14 on; an older server keeps going as before).
                        if server_at_least(builder, 14):
                            builder.exec_driver_sql("SET LOCAL client_connection_check_interval = '1s'")
                        for name in names:
                            if stop.is_set():
                                return
                            started = time.perf_counter()
                            builder.exec_driver_sql(statements[name])
                            took[name] = time.perf_counter() - started
                finally:
                    with guard:
                        building.discard(raw)

        groups = index_groups()
        pool = ThreadPoolExecutor(max_workers=len(groups), thread_name_prefix="search-index")
        futures = [pool.submit(build, group) for group in groups]
        try:
            for future in as_completed(futures):
                future.result()
        except BaseException:
            stop.set()
            while not all(future.done() for future in futures):  # again until they end: a statement sent
                with guard:  # just after a cancel would run to its end
                    for raw in building:
                        raw.cancel_safe(timeout=5)
                wait(futures, timeout=0.5)
            raise
        finally:
            pool.shutdown(wait=True)
        return took

    def _swap_in_turn(self, conn: Connection) -> None:
        """``_swap`` once the searches in hand have let go of the live table: asked again, the new table kept
        meanwhile, when an administrator's ``lock_timeout`` ended the wait (a search of a common word at a million
        items takes a second or two; losing a rebuild of a quarter of an hour to it would be absurd)."""
        for pause in (*SWAP_PAUSES, None):
            try:
                with conn.begin():
                    no_time_limit(conn)
                    self._swap(conn)
                return
            except OperationalError as err:
                if getattr(err.orig, "sqlstate", None) != PG_LOCK_NOT_AVAILABLE or pause is None:
                    raise
                log.info("search index swap waited past lock_timeout (again in %.1f s): %s", pause, server_said(err))
                time.sleep(pause)

    def _swap(self, conn: Connection) -> None:
        """The shadow table becomes the index, its indexes take the live names, the version is stamped."""
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {TABLE}")
        conn.exec_driver_sql(f"ALTER TABLE {SHADOW} RENAME TO {TABLE}")
        conn.exec_driver_sql(f"ALTER INDEX {TABLE}_pkey_new RENAME TO {TABLE}_pkey")
        for name in _INDEX_NAMES:
            conn.exec_driver_sql(f"ALTER INDEX ix_{TABLE}_{name}_new RENAME TO ix_{TABLE}_{name}")
        conn.exec_driver_sql(
            f"INSERT INTO {META} (key, value) VALUES ('schema_version', %s)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (str(SCHEMA_VERSION),),
        )
        conn.exec_driver_sql(f"DELETE FROM {META} WHERE key = %s", (MOVED_KEY,))  # this is the index again

    def mark_moved(self, to: str, at: str) -> bool:
        """Say in the index that the server moved it to the ``to`` backend at ``at`` (ISO, UTC) and keeps it there
        from now on: searches here tell whoever still reads it (a clerk's PC).  False when there is no index here
        to mark."""
        value = json.dumps({"to": to, "at": at})
        try:
            with self._connect() as conn, conn.begin():
                if self._version(conn) is None:
                    return False
                conn.exec_driver_sql(
                    f"INSERT INTO {META} (key, value) VALUES (%s, %s)"
                    " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (MOVED_KEY, value),
                )
        except NoIndexTables:
            return False
        return True

    def moved_away(self) -> MovedAway | None:
        """Where the server moved this index (``mark_moved``), or None while it is the one kept up to date."""

        def read() -> str | None:
            with self._connect() as conn:
                try:
                    with conn.begin_nested():
                        return conn.exec_driver_sql(f"SELECT value FROM {META} WHERE key = %s", (MOVED_KEY,)).scalar()
                except OperationalError:
                    raise
                except DBAPIError:
                    return None

        return _moved(_read_again(read, self.outage))

    def clear_leftovers(self) -> None:
        """Drop a shadow table a rebuild could not drop (its server gone meanwhile, or the rebuild killed)."""
        try:
            with self.engine.connect() as conn, conn.begin():
                if (size := _size(conn, SHADOW)) is not None:
                    conn.exec_driver_sql(f"DROP TABLE {SHADOW}")
                    log.info("dropped a failed rebuild's shadow table (%d bytes)", size)
        except OperationalError as err:
            raise cut_short("删除上次重建留下的半张新表", err, "检索索引照常可用，", "再运行 recordkit index") from err

    def optimize(self) -> None:
        """The nightly run: fold the GIN indexes' pending lists into the indexes and refresh the planner's
        figures."""
        statements = [
            *(
                f"SELECT gin_clean_pending_list('ix_{TABLE}_{name}'::regclass)"
                for name in ("tsv", *(column for column, _ in NEIGHBOUR_COLUMNS))
            ),
            f"ANALYZE {TABLE}",
        ]
        try:
            with self.engine.connect() as conn:
                for statement in statements:  # each in a transaction of its own, its locks let go at once; its
                    with conn.begin():  # limits lifted for it alone (a session's SET would stay with a pool's
                        no_time_limit(conn)  # server connection in transaction mode)
                        conn.exec_driver_sql(statement)
        except OperationalError as err:
            raise cut_short(
                "整理检索索引", err, "索引已更新，只是没有整理完（不影响检索结果），", "再运行 recordkit index"
            ) from err

    # -- searching ---------------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchPage:
        return _read_again(lambda: self._search_once(request), self.outage, request.typed or None)

    def _search_once(self, request: SearchRequest) -> SearchPage:
        with self._connect() as conn, conn.begin():
            raw: Any = conn.connection.driver_connection
            # every statement planned for its own values, never prepared: psycopg prepares a statement run five
            # times on one connection (the web page's, a benchmark's), and PostgreSQL may then plan it generically,
            # without the tsquery's estimates the plan needs (an archive number and a word: 8 ms, generically 175)
            threshold, raw.prepare_threshold = raw.prepare_threshold, None
            try:
                with driver_errors_wrapped():  # (its pipelines' errors are the driver's own)
                    return _search(conn, request)
            finally:
                raw.prepare_threshold = threshold

    def count(self) -> tuple[int, int]:
        def read() -> tuple[int, int]:
            with self._reading() as conn:
                items, pending = conn.exec_driver_sql(
                    f"SELECT count(*), count(*) FILTER (WHERE state = 'pending') FROM {TABLE}"
                ).one()
            return int(items), int(pending)

        return _read_again(read, self.outage)


_ORDER = {
    "relevance": "score DESC, filed_at DESC, archive_no DESC",
    "date": "date = '', date DESC, filed_at DESC, archive_no DESC",
    "number": "archive_no",
}
#: The "date" order in its two parts (``date = ''`` first in ``_ORDER`` is no index's order).
_DATED, _UNDATED = "date DESC, filed_at DESC, archive_no DESC", "filed_at DESC, archive_no DESC"
#: No bound: every candidate.
ALL = 2**62
#: GIN's candidates for a sorted page: the columns of its order (plain columns, so that the candidates sorted
#: once stay in that order through the join that checks them, read until the page and the count are found),
#: and the order.
_SORT_KEYS = {
    "date": (
        "archive_no, date = '' AS undated, date AS dated, filed_at AS filed",
        "undated, dated DESC, filed DESC, archive_no DESC",
    ),
    "number": ("archive_no", "archive_no"),
}
#: Matches ranked at most: the newest filed this many (or the page, when it asks for more).  Ranking costs a
#: read of each match's tsvector (TOASTed: kilobytes) and ``ts_rank_cd`` over it, tens of microseconds a row,
#: so a word in half of a million documents cannot be ranked whole within a clerk's wait; beyond this many
#: matches the count is "at least" (``SearchPage.exact``).  Below it every match is ranked, as on SQLite.
RANKED = 1000
#: The score of a search without words (filters, or exclusions alone): every match alike, newest first.
UNSCORED = "0.0"


#: Reading the matches newest first costs a read of each item's tsvector from TOAST, match or not: about
#: ``RANKED / share`` of them for a word in ``share`` of the archive.  Taking GIN's candidates costs a read of
#: each candidate's row (no tsvector: ``candidate_phrase`` needs no check) and a sort of their dates, about as
#: much each (measured at 200,000 items: 4–5 µs a row with the data in memory), then the newest read until
#: ``RANKED`` match: GIN is the cheaper way while ``candidates² < GIN_FACTOR × RANKED × items``.
GIN_FACTOR = 1
#: A sorted page read in its index's order costs a read of a text per row (``limit / share`` of them), GIN's
#: candidates a read of their rows alone: many times less each (a rough guess, not measured).  It also lifts
#: the bound over the planner's figure for any rare lexeme (a floor of thousands at a million items): at 1 an
#: archive number sorted by date walked the whole date index (8.5 s); 4, 16 and 64 gave the same p95 there
#: (73–80 ms, the query set sorted by date).
SORTED_READS = 16.0
#: A sorted page of a common phrase read in its order's index (``_walked``) reads at most this many times the
#: filters' items its expected share needs, then leaves the page to the planner: a phrase rarer than expected
#: costs that many texts read (the planner's own plan could walk the whole index: 8.5 s, see above).
WALK_SLACK = 4
#: How far past that limit (or past ``RANKED``) GIN's candidates may go before reading newest first takes over
#: (the estimate below is a guess from the planner's figures).
GIN_SLACK = 4
#: A ranked search takes GIN's candidates among the items filed in the newest months alone (``_newest_months``:
#: ``FILED_PREFIX`` lexemes, intersected by GIN with the phrase's, no row read for the others): months holding
#: about ``SLICE_SLACK`` times ``RANKED`` matches at the estimated share.  So when those months are at most
#: ``SLICE_MAX`` of the index (8,000 texts or more expected), and up to where GIN's posting lists cost more to walk
#: than reading newest first (GIN ~0.14 µs an entry, a tsvector ~5.5 µs, measured at a million: the rule of
#: ``GIN_FACTOR`` with ``SLICED_UP_TO`` as the factor, ~126,000 of a million).  A word in 5 % of a million texts
#: read ~20,000 tsvectors newest first (~120 ms), or ~30,000 candidates' rows from GIN (~160 ms); its newest
#: months' candidates are ~2,000 rows.  When the months hold fewer than ``RANKED`` + 1 matches (a word more common
#: in older years), the matches are read newest first.  Not
#: for a prefix (a single character, ``票``): GIN gathers every lexeme under it into one bitmap, lossy past
#: ``work_mem`` for a character in half the texts, whose pages are then read whole (0.36–5.8 s at a million
#: against ~20 ms newest first), and the planner's estimate of a prefix is far too low (110,000 for 502,000).
SLICE_SLACK = 2.0
SLICE_MAX = 0.25
SLICED_UP_TO = 16.0
#: Months a slice may name (its tsquery's lexemes), at most.
MAX_MONTHS = 120
_MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")
#: Lexemes whose planner's estimate is asked for, at most (one EXPLAIN; a long query's other groups are left out,
#: which only makes the bound looser).
ESTIMATED_LEXEMES = 16


def _phrase_lexemes(phrase: Phrase, trigrams: bool = True) -> list[str]:
    """The lexemes of ``phrase`` as a tsquery writes them (a prefix with ``:*``), then its trigrams and pairs
    (lexemes of the ``tri`` and ``pairs`` columns)."""
    lexemes = [_lexeme(token) for token in phrase.tokens]
    if phrase.prefix:
        lexemes[-1] += ":*"
    if not trigrams:
        return list(dict.fromkeys(lexemes))
    found = []
    for index, (first, second) in enumerate(zip(phrase.tokens, phrase.tokens[1:], strict=False)):
        if (trigram := _trigram(first, second)) is not None:
            found.append(f"'{trigram}'")
        elif (pair := _pair(first, second)) is not None and not (phrase.prefix and index == len(phrase.tokens) - 2):
            found.append(_lexeme(pair))  # (a prefix is no whole token: the last pair of a prefix phrase is not asked)
    return [*dict.fromkeys(lexemes), *dict.fromkeys(found)]


def _column_of(lexeme: str) -> str:
    """The column holding ``lexeme`` (a quoted lexeme of ``_phrase_lexemes``): ``tri`` for a trigram, ``pairs``
    for a pair."""
    if lexeme.startswith("'" + TRIGRAM_PREFIX):
        return "tri"
    return "pairs" if lexeme.startswith("'" + PAIR_PREFIX) else "tsv"


def _estimated(request: SearchRequest) -> tuple[list[list[list[str]]], list[str]]:
    """The groups whose lexemes are estimated (each a list of its phrases' lexemes), and those lexemes."""
    chosen = _estimated_groups(request)
    lexemes = dict.fromkeys(lexeme for _, phrases in chosen for phrase in phrases for lexeme in phrase)
    return [phrases for _, phrases in chosen], list(lexemes)


def _estimated_groups(request: SearchRequest) -> list[tuple[tuple[Phrase, ...], list[list[str]]]]:
    """The groups whose lexemes are estimated, each with its phrases' lexemes: in the query's order, as many as
    ``ESTIMATED_LEXEMES`` lexemes allow (the first one always).  They are also all that GIN is asked for a
    ranked search's candidates (``_search``): the other groups are checked on the candidates' texts with the
    rest of the query, so that a query of twenty common words walks the index entries of a few of them, not of
    all (at 300,000 items, 77 of its 104 ms were in GIN)."""
    chosen: list[tuple[tuple[Phrase, ...], list[list[str]]]] = []
    lexemes: dict[str, None] = {}
    for group in request.groups:
        phrases = [_phrase_lexemes(phrase) for phrase in group]
        wanted = dict.fromkeys(lexeme for phrase in phrases for lexeme in phrase)
        if len(lexemes) + len(wanted.keys() - lexemes.keys()) > ESTIMATED_LEXEMES and chosen:
            continue
        lexemes.update(wanted)
        chosen.append((group, phrases))
    return chosen


def _estimate_statement(request: SearchRequest) -> tuple[str, list[Any]]:
    """The ``EXPLAIN`` whose plan ``_expected_from`` reads: one ``SELECT`` per lexeme (its column's GIN index) and
    one of the filters, in one statement, its parts in order: an Append, not a parallel one (``_opening`` turned
    those off: it orders its parts by cost)."""
    _, lexemes = _estimated(request)
    where, params = filter_conditions(request.filters, "%s", "owners @> ARRAY[%s]::text[]")
    selects = [f"SELECT 1 FROM {TABLE} WHERE {_column_of(lexeme)} @@ %s::tsquery" for lexeme in lexemes]
    if where:
        selects.append(f"SELECT 1 FROM {TABLE} WHERE {' AND '.join(where)}")
    return "EXPLAIN (FORMAT JSON) " + " UNION ALL ".join(selects), [*lexemes, *params]


def _expected_from(request: SearchRequest, plan: Any, items: float) -> float:
    """How many items the request's GIN candidates are expected to be, from the planner's estimate of each lexeme
    (ANALYZE's most common lexemes) and of the filters (``plan``: ``_estimate_statement``'s): a phrase has as many
    texts as its rarest lexeme (its bigrams and trigrams go together), a group as its phrases together; the
    groups and the filters are taken as unrelated.  (The planner's own estimate of a phrase multiplies its
    lexemes' shares as if they were unrelated too: 20 for a word in 9,500 of 200,000 texts.)  Groups past
    ``ESTIMATED_LEXEMES`` lexemes are left out."""
    estimate = _lexeme_estimates(request, plan)
    if estimate is None:
        return math.inf  # a plan of another shape: no bound (read newest first, as for a common word)
    groups = [group for group, _ in _estimated_groups(request)]
    return _column_share(groups, None, estimate, items) * _filtered_from(request, plan, items)


def _plan_rows(request: SearchRequest, plan: Any) -> tuple[list[float] | None, bool]:
    """The planner's rows of each part of ``plan`` (``_estimate_statement``'s: each estimated lexeme's, then the
    filters' when there are filters), None when the plan is of another shape; and whether there are filters."""
    _, lexemes = _estimated(request)
    filtered = bool(filter_conditions(request.filters, "%s", "owners @> ARRAY[%s]::text[]")[0])
    parts = len(lexemes) + filtered
    top = plan[0]["Plan"]
    rows = [float(part["Plan Rows"]) for part in top.get("Plans", [])] if parts > 1 else [top["Plan Rows"]]
    if top["Node Type"] != ("Append" if parts > 1 else top["Node Type"]) or len(rows) != parts:
        return None, filtered
    return rows, filtered


def _lexeme_estimates(request: SearchRequest, plan: Any) -> dict[str, float] | None:
    """The planner's estimate of each estimated lexeme (``plan``: ``_estimate_statement``'s), None when the plan
    is of another shape."""
    _, lexemes = _estimated(request)
    rows, _filtered = _plan_rows(request, plan)
    return None if rows is None else dict(zip(lexemes, rows, strict=False))


def _column_share(
    groups: Iterable[Iterable[Phrase]], column: str | None, estimate: dict[str, float], items: float
) -> float:
    """The share of the items expected to hold what ``groups`` imply in ``column`` (any column: None), from the
    planner's ``estimate`` of each lexeme: a phrase as common as its rarest lexeme there, a group as its phrases
    together, the groups unrelated (a group with a phrase of no lexeme there is not asked there)."""
    share = 1.0
    for group in groups:
        phrases = [[each for each in _phrase_lexemes(phrase) if column in (None, _column_of(each))] for phrase in group]
        if phrases and all(phrases):
            share *= min(1.0, sum(min(estimate[each] for each in lexemes) for lexemes in phrases) / max(items, 1.0))
    return share


def _candidate_column(
    groups: list[tuple[Phrase, ...]], estimate: dict[str, float] | None, items: float
) -> tuple[str, str]:
    """The one GIN index asked for the candidates of the estimated ``groups``, and its tsquery: ``tsv`` with what
    every group implies there (``candidate_phrase``), or ``tri`` or ``pairs`` with what the groups it can ask
    imply there (``neighbour_tsqueries``: nearly only the texts holding those phrases), whichever the planner's
    ``estimate`` of the lexemes (``_lexeme_estimates``; ``tsv`` without one) expects in the fewest items.  One index, not a
    BitmapAnd of two: the planner, whose estimate of a phrase multiplies its lexemes' shares as if they were
    unrelated (25 texts for a name in 6,414), would take one index alone and check the other column on each
    candidate, reading its tsvector from TOAST (241 ms for that name at a million items); and two indexes ANDed
    each walk their whole posting lists (a common trigram beside an archive number: 89 ms for 11 texts)."""
    chosen = ("tsv", compile_tsquery(groups, True))
    if estimate is None:
        return chosen
    fewest = _column_share(groups, "tsv", estimate, items)
    for column, query in neighbour_tsqueries(groups):
        # (a tie: both lexemes rarer than ANALYZE's most common ones; a trigram or a pair tells the phrase's order)
        if (share := _column_share(groups, column, estimate, items)) <= fewest:
            chosen, fewest = (column, query), share
    return chosen


def _filtered_from(request: SearchRequest, plan: Any, items: float) -> float:
    """How many items the request's filters alone are expected to hold (the last part of ``plan``, as in
    ``_expected_from``): ``items`` without filters, or when the plan is of another shape."""
    if not request.filters:
        return items
    rows, filtered = _plan_rows(request, plan)
    return min(rows[-1], items) if rows is not None and filtered else items


def _expected_candidates(conn: Connection, request: SearchRequest, items: float) -> float:
    """``_expected_from`` the plan of ``_estimate_statement`` asked on ``conn``."""
    statement, params = _estimate_statement(request)
    return _expected_from(request, conn.exec_driver_sql(statement, tuple(params)).scalar(), items)


def _gin_limit(cap: int, items: float, factor: float = 1.0) -> float:
    """How many GIN candidates are cheaper to read than the matches in an index's order, for the newest ``cap`` of
    ``items``."""
    return max(math.sqrt(factor * GIN_FACTOR * cap * max(items, 1.0)), cap)


def _gin_bound(expected: float, cap: int, items: float, factor: float = 1.0) -> int | None:
    """How many GIN candidates the request may take (``GIN_SLACK`` times ``_gin_limit``) when so few are
    ``expected`` (``_expected_from``) that GIN is the cheaper way to the newest ``cap`` of ``items``; None when
    more are.  A wrong guess costs at most that bound's rows before the newest-first reading; the other way it
    would cost a reading of every tsvector, so the guess leans to GIN: groups unrelated, a phrase as common as its
    rarest lexeme."""
    limit = _gin_limit(cap, items, factor)
    return int(GIN_SLACK * limit) if expected <= limit else None


def _newest_months(conn: Connection, share: float) -> list[str]:
    """The months (``YYYY-MM``, in order) whose items are about the newest ``share`` of the index, from ANALYZE's
    histogram of filing times, through the month after the newest filing (one filed meanwhile is in it):
    ``FILED_PREFIX`` lexemes.  Empty without a histogram (never analysed), or past ``MAX_MONTHS`` months."""
    bounds, newest = conn.exec_driver_sql(
        "SELECT (SELECT histogram_bounds::text::text[] FROM pg_stats WHERE schemaname = current_schema()"
        f" AND tablename = '{TABLE}' AND attname = 'filed_at'), (SELECT max(filed_at) FROM {TABLE})"
    ).one()
    if not bounds or not newest:
        return []
    edge = bounds[int((1.0 - share) * (len(bounds) - 1))][:7]
    if not (_MONTH.fullmatch(edge) and _MONTH.fullmatch(newest[:7])):
        return []
    months: list[str] = []
    year, month = int(edge[:4]), int(edge[5:])
    while len(months) <= MAX_MONTHS and (not months or months[-1] <= newest[:7]):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months if len(months) <= MAX_MONTHS else []


def _ranked(
    conn: Connection,
    condition: tuple[str, list[Any]],
    score: tuple[str, list[Any]],
    cap: int | None,
    limit: str,
    gin: tuple[str, list[Any], int] | None = None,
    bitmaps: bool | None = None,
) -> list[Any]:
    """The page ranked by relevance among the newest ``cap`` matches of ``condition``, each row with the count of
    the matches (at most ``cap + 1``).  The matches are read newest first in the order of an index (a common word
    stops after ``cap + 1`` of them); or, with ``gin`` (its condition, parameters and bound), GIN's candidates
    are taken, at most ``bound + 1`` of them, sorted by date, and read newest first until ``cap + 1`` match.
    Only those ranked; the page's stored text read for its rows alone.  The last column: how many candidates.
    ``bitmaps``: bitmap scans turned on or off for the rest of the transaction first, in the same round trip
    (``_opening`` turned them off for a ranked search)."""
    counted = "" if cap is None else f" LIMIT {cap + 1}"  # one more than ranked: is the count exact?
    ranked = "" if cap is None else f" WHERE newest <= {cap}"
    # the tsvector only when there is a score to read it from: filters alone are then answered from an index
    # (an index-only scan)
    read = "" if score[0] == UNSCORED else ", tsv"
    if gin is None:
        found, source, params = "", f"{TABLE} WHERE {condition[0]}", [*condition[1]]
        candidates = "0"
    else:
        # each candidate checked on its own row: ``IS TRUE`` (the same, the tsvector never NULL) is no condition an
        # index can answer, so that the join is the primary key's lookups in the candidates' order (the planner
        # once read the rows by ``tsv``'s index instead and joined them by a filter: 1 s for a name)
        found = (
            f"found AS MATERIALIZED (SELECT archive_no, filed_at FROM {TABLE} WHERE {gin[0]} LIMIT {gin[2] + 1}),"
            f" checked AS (SELECT item.archive_no, item.filed_at, item.tsv FROM"
            f" (SELECT * FROM found ORDER BY filed_at DESC, archive_no DESC) AS newest"
            f" JOIN {TABLE} AS item USING (archive_no) WHERE ({condition[0]}) IS TRUE"
            f" ORDER BY newest.filed_at DESC, newest.archive_no DESC{counted}), "
        )
        source, params, candidates = "checked", [*gin[1], *condition[1]], "(SELECT count(*) FROM found)"
    return _pipelined(
        conn,
        None if bitmaps is None else f"SELECT set_config('enable_bitmapscan', '{'on' if bitmaps else 'off'}', true)",
        f"WITH {found}matched AS MATERIALIZED (SELECT archive_no, filed_at{read},"
        f" row_number() OVER (ORDER BY filed_at DESC, archive_no DESC) AS newest FROM {source}"
        f" ORDER BY filed_at DESC, archive_no DESC{counted}),"
        f" page AS (SELECT archive_no, filed_at, {score[0]} AS score FROM matched{ranked}"
        f" ORDER BY {_ORDER['relevance']}{limit}),"
        f" listed AS (SELECT archive_no, page.score, page.filed_at, body_start, shown, text"
        f" FROM page JOIN {TABLE} USING (archive_no))"
        # the counts in a row of their own, so that they come back when nothing matched
        f" SELECT listed.archive_no, listed.score, body_start, shown, text, counts.matched, counts.candidates"
        f" FROM (SELECT (SELECT count(*) FROM matched) AS matched, {candidates} AS candidates) AS counts"
        f" LEFT JOIN listed ON true ORDER BY listed.score DESC, listed.filed_at DESC, listed.archive_no DESC",
        [*params, *score[1]],
    )


def _sorted(
    conn: Connection, condition: tuple[str, list[Any]], gin: tuple[str, list[Any], int], sort: str, cap: int, limit: int
) -> list[Any]:
    """The page in the ``sort`` order (``_ORDER``: date or 档号) from GIN's candidates (``gin``: its condition,
    parameters and bound, at most ``bound + 1`` of them taken; or the filters' matches, ``ALL``): sorted by
    their rows alone, then read in that order and checked with ``condition`` until ``cap + 1`` match, so that a
    rare phrase's page costs a read of a few texts, not a walk of the whole date index reading every text until
    the page is full (2.2 s at 300,000 items for a word and an archive number).  The page is exact: every
    candidate was sorted.  Each row with the count of the matches (at most ``cap + 1``) and, last, of the
    candidates."""
    columns, order = _SORT_KEYS[sort]
    ordered = ", ".join(f"ordered.{key}" for key in order.split(", "))
    listed = ", ".join(f"listed.{key}" for key in order.split(", "))
    return _pipelined(
        conn,
        "SELECT set_config('enable_bitmapscan', 'on', true)",  # (``_opening`` turned it off: GIN needs it)
        f"WITH found AS MATERIALIZED (SELECT {columns} FROM {TABLE} WHERE {gin[0]} LIMIT {gin[2] + 1}),"
        f" matched AS MATERIALIZED (SELECT ordered.* FROM (SELECT * FROM found ORDER BY {order}) AS ordered"
        f" JOIN {TABLE} AS item USING (archive_no) WHERE ({condition[0]}) IS TRUE ORDER BY {ordered} LIMIT {cap + 1}),"
        f" page AS (SELECT * FROM matched ORDER BY {order} LIMIT {limit}),"
        f" listed AS (SELECT page.*, body_start, shown, text FROM page JOIN {TABLE} USING (archive_no))"
        f" SELECT listed.archive_no, 0.0, body_start, shown, text, counts.matched, counts.candidates"
        f" FROM (SELECT (SELECT count(*) FROM matched) AS matched, (SELECT count(*) FROM found) AS candidates)"
        f" AS counts LEFT JOIN listed ON true ORDER BY {listed}",
        [*gin[1], *condition[1]],
    )


def _with_counts(rows: list[Any]) -> tuple[list[Any], int]:
    """The page's rows of ``_ranked`` or ``_sorted`` (the counts come in a row of their own when nothing matched)
    and the count of the matches."""
    return [row for row in rows if row[0] is not None], int(rows[0][-2] or 0)


def _walked(
    conn: Connection,
    condition: tuple[str, list[Any]],
    sort: str,
    limit: int | None,
    cap: int | None,
    walk: tuple[str, list[Any], float] | None = None,
) -> tuple[list[Any], int]:
    """The page in the ``sort`` order read in the order of an index, and the count of the matches (at most
    ``cap + 1``): dated items newest first, then the undated ones, each part in the order of an index (date, or
    filed_at; ties sorted as they come), so that a common word stops after the page instead of sorting every
    match.

    With ``walk`` (the filters' condition and parameters, and how many of their items there are for each match
    expected), each part is first read in its order's index on purpose: the filters' matches in the order, at most
    ``WALK_SLACK`` times as many as the page is expected to need, the phrase checked on them.  Left to itself the
    planner, whose estimate of a phrase multiplies its lexemes' shares (2,168 for ``缓冲器`` in 47,947 of a million
    texts), takes every match from GIN's bitmap and sorts them (0.6–0.8 s there, against 5 ms).  When fewer than
    the page come back (the phrase rarer than expected), the part is read as the planner chooses.  The page is
    the same: both are sorted by the whole order (its last key, 档号, unique)."""
    parts = [("", _ORDER[sort])]
    if sort == "date":
        parts = [(" AND date != ''", _DATED), (" AND date = ''", _UNDATED)]
    rows: list[Any] = []
    for part, order in parts:
        wanted = None if limit is None else int(limit) - len(rows)
        found: list[Any] = []
        if walk is not None and wanted is not None:
            filters, filter_params, per_match = walk
            scan = max(math.ceil(WALK_SLACK * wanted * per_match), wanted)
            found = list(
                conn.exec_driver_sql(
                    f"SELECT archive_no, 0.0, body_start, shown, text, 0 FROM (SELECT * FROM {TABLE}"
                    f" WHERE {filters}{part} ORDER BY {order} LIMIT {scan}) AS walked"
                    f" WHERE {condition[0]}{part} ORDER BY {order} LIMIT {wanted}",
                    (*filter_params, *condition[1]),
                ).all()
            )
        if wanted is None or len(found) < wanted:
            found = list(
                conn.exec_driver_sql(
                    f"SELECT archive_no, 0.0, body_start, shown, text, 0 FROM {TABLE} WHERE {condition[0]}{part}"
                    f" ORDER BY {order}{'' if wanted is None else f' LIMIT {wanted}'}",
                    tuple(condition[1]),
                ).all()
            )
        rows += found
        if limit is not None and len(rows) >= limit:
            break
    total = len(rows)
    if limit is not None and total >= limit:
        counted = "" if cap is None else f" LIMIT {cap + 1}"  # one more than ranked: is the count exact?
        total = conn.exec_driver_sql(
            f"SELECT count(*) FROM (SELECT 1 FROM {TABLE} WHERE {condition[0]}{counted}) AS matched",
            tuple(condition[1]),
        ).scalar_one()
    return rows, int(total)


def _pipelined(conn: Connection, setting: str | None, statement: str, params: list[Any]) -> list[Any]:
    """The rows of ``statement``, after ``setting`` (a ``set_config`` for the planner) when there is one: both
    sent at once (psycopg's pipeline mode), one round trip instead of two."""
    if setting is None:
        return list(conn.exec_driver_sql(statement, tuple(params)).all())

    raw: Any = conn.connection.driver_connection
    with raw.pipeline():  # (the driver's own errors: ``PostgresIndex.search`` wraps them)
        raw.execute(setting)
        cursor = raw.execute(statement, params)
    return list(cursor.fetchall())


def _moved(value: str | None) -> MovedAway | None:
    """The ``MOVED_KEY`` row as read, or None without one (or one a person edited past reading)."""
    if value is None:
        return None
    try:
        said = json.loads(value)
        return MovedAway(str(said["to"]), str(said["at"]))
    except (ValueError, TypeError, KeyError):
        return MovedAway("", "")


def _opening(
    conn: Connection, ranked: bool, estimate: tuple[str, list[Any]] | None = None
) -> tuple[float, int, Any, MovedAway | None]:
    """The first statement of a search: the index's version checked (``_version``'s errors), and the table's row
    count as ANALYZE left it, the OCR-pending items' count and the index's move away (``MOVED_KEY``) read.  A ``ranked`` search also sets its plan for
    the rest of the transaction (``_ranked``): no parallel plans (two cores: they only add start-up time), no seq
    scan (with a LIMIT the planner, whose costs count no TOAST reads, would start one to stop early, reading
    every tsvector), no bitmap scan until GIN's candidates are chosen (``_gin_bound``), no hash or merge join
    (GIN's candidates are joined to their rows by the primary key's lookups, in their order: with a realistic
    estimate of the candidates, 3,536 of 20,000 items, the planner hashed them and read every row's tsvector
    through a walk of the whole primary key, 51 → 336 ms for ``限速器``); and ``estimate``
    (``_estimate_statement``), when given, is asked after it in the same round trip (psycopg's pipeline mode,
    the transaction's BEGIN with them): its plan is the last value returned.  Every search turns JIT off: a
    plan past the server's ``jit_above_cost`` (a phrase read newest first at a million items) was compiled for
    10 ms, or for 150–190 ms with inlining and optimisation (``随行电缆``: 300 → 128 ms), and a search's work is
    reading TOAST, which compiled expressions do not speed up."""
    settings = ", set_config('jit', 'off', true)"
    if ranked:
        settings += (
            ", set_config('max_parallel_workers_per_gather', '0', true), set_config('enable_seqscan', 'off', true),"
            " set_config('enable_bitmapscan', 'off', true), set_config('enable_hashjoin', 'off', true),"
            " set_config('enable_mergejoin', 'off', true)"
        )
    opening = (
        f"SELECT (SELECT value FROM {META} WHERE key = 'schema_version'),"
        f" (SELECT reltuples FROM pg_class WHERE oid = '{TABLE}'::regclass),"
        f" (SELECT count(*) FROM {TABLE} WHERE state = 'pending'),"
        f" (SELECT value FROM {META} WHERE key = '{MOVED_KEY}'){settings}"
    )
    plan = None
    if estimate is None:
        try:  # no savepoint (two more round trips): a failure ends the search's transaction anyway
            stored, items, pending, moved, *_settings = conn.exec_driver_sql(opening).one()
        except OperationalError:  # ended or cut short, not a missing table: ``_read_again`` tells it
            raise
        except DBAPIError as err:
            raise NoIndexTables(NO_TABLES, form_message=NO_TABLES_FORM) from err
    else:
        import psycopg  # loaded on first use: the driver of a PostgreSQL ledger, an optional dependency

        raw: Any = conn.connection.driver_connection
        try:
            with raw.pipeline():
                first = raw.execute(opening)
                second = raw.execute(estimate[0], estimate[1])
            stored, items, pending, moved, *_settings = first.fetchone()
            plan = second.fetchone()[0]
        except psycopg.OperationalError:  # ended or cut short: ``_read_again`` tells it (wrapped by ``search``)
            raise
        except psycopg.Error:
            raw.rollback()  # then the opening alone, for its own error (no tables, no index, another version)
            _opening(conn, False)
            raise
    if stored is None:
        raise NotFoundError(NOT_BUILT, form_message=NOT_BUILT_FORM)
    if stored != str(SCHEMA_VERSION):
        raise version_error(stored, SCHEMA_VERSION)
    return max(float(items or 0), 0.0), int(pending or 0), plan, _moved(moved)


def _search(conn: Connection, request: SearchRequest) -> SearchPage:
    """The page's rows ranked or sorted, and the count of the matches (exact up to ``RANKED``, or up to the page
    when it asks for more; "at least" beyond).  Relevance ranks the newest ``RANKED`` matches (all of them when
    there are no more); the date and 档号 sorts are exact whatever the count.  (Read committed, not one snapshot:
    a repeatable-read snapshot taken before a rebuild's swap would see the swapped-in table empty.)"""
    where, params = filter_conditions(request.filters, "%s", "owners @> ARRAY[%s]::text[]")
    score = UNSCORED
    score_params: list[Any] = []
    every: tuple[str, list[Any], int] | None = None  # GIN's candidates of every match, when all are wanted
    if request.groups:
        positive = compile_tsquery(request.groups)
        matched = positive
        if request.excluded:
            matched = f"({positive}) & !({compile_tsquery([request.excluded])})"
        where.insert(0, "tsv @@ %s::tsquery")
        params.insert(0, matched)
        score = f"ts_rank_cd('{RANK_WEIGHTS}', tsv, %s::tsquery)"
        score_params = [positive]
        if request.limit is None:
            # every match wanted (a phrase checked against the text: "维修 保养"): what holding the phrases implies
            # in ``tri`` and ``pairs`` too, checked on each match, and GIN's candidates from those columns alone
            # (with the filters): nearly only the texts holding the phrases, all of which are read anyway.  Left to
            # the planner, it also walked ``tsv``'s posting lists of the phrases' common bigrams (at a million
            # items 40 of a 74 ms search for ``"业主 物业"``, whose pair the ``pairs`` index gave in 0.4 ms).
            conditions, queries = neighbour_conditions(request.groups)
            if conditions:
                every = (" AND ".join([*conditions, *where[1:]]), [*queries, *params[1:]], ALL)
    elif request.excluded:
        where.append("NOT (tsv @@ %s::tsquery)")
        params.append(compile_tsquery([request.excluded]))
    condition = " AND ".join(where) or "true"
    cap = None if request.limit is None else max(RANKED, request.limit)
    limit = "" if request.limit is None else f" LIMIT {int(request.limit)}"
    # The plan is chosen here, not by the planner, whose costs count no TOAST reads (``_opening``), where a page of
    # a search by words (ranked or sorted) reads tsvectors, and where every match is wanted (no ``cap``) of phrases
    # with neighbours (``every``); every match of phrases without them, or filters alone: the planner's choice.
    forced = bool(request.groups) and cap is not None
    table_rows, pending, plan, moved = _opening(
        conn, forced or every is not None, _estimate_statement(request) if forced else None
    )
    # GIN's candidates when so few are expected that taking them all is cheaper than reading in an index's order:
    # until the newest ``cap`` match for relevance, which ranks them; until the page is full for a sort.  For
    # relevance, those filed in the newest months first when that many are expected (``SLICE_SLACK``).
    tried: list[tuple[str, list[Any], int]] = []
    months: list[str] = []
    walk: tuple[str, list[Any], float] | None = None
    if forced and cap is not None and request.limit is not None:
        expected = _expected_from(request, plan, table_rows)
        size, factor = (cap, 1.0) if request.sort == "relevance" else (request.limit, SORTED_READS)
        if request.sort != "relevance":
            # a sorted page read in its order's index when GIN's candidates are too many (or more than expected):
            # the filters' items for each match expected (as few matches as GIN's candidates may be, at least)
            filtered = _filtered_from(request, plan, table_rows)
            walk = (
                " AND ".join(where[1:]) or "true",
                params[1:],
                filtered / max(expected, _gin_limit(size, table_rows, factor), 1),
            )
        asked = [group for group, _ in _estimated_groups(request)]
        # what holding the estimated groups implies in one GIN index (``_candidate_column``), and the filters (after
        # the tsquery in ``where``); the other groups are checked with the whole query on these candidates
        column, asked_query = _candidate_column(asked, _lexeme_estimates(request, plan), table_rows)

        def candidates(within: list[str], bound: int) -> tuple[str, list[Any], int]:
            """GIN's candidates, at most ``bound`` (+ 1), filed in one of the months ``within`` when given: in
            ``tsv`` their month lexemes (GIN ANDs them in the same index), else a filing time from the first."""
            conditions, queries = [f"{column} @@ %s::tsquery"], [asked_query]
            if within and column == "tsv":
                queries = [f"({asked_query}) & ({' | '.join(_lexeme(filed_month(month)) for month in within)})"]
            elif within:
                conditions.append("filed_at >= %s")
                queries.append(within[0])
            return " AND ".join([*conditions, *where[1:]]), [*queries, *params[1:]], bound

        slice_share = SLICE_SLACK * cap / max(expected, 1.0)
        if (
            request.sort == "relevance"
            and not any(phrase.prefix for group in asked for phrase in group)
            and slice_share <= SLICE_MAX
            and expected <= _gin_limit(cap, table_rows, SLICED_UP_TO)
            and (months := _newest_months(conn, slice_share))
        ):
            tried.append(candidates(months, int(GIN_SLACK * _gin_limit(cap, table_rows))))
        if (bound := _gin_bound(expected, size, table_rows, factor)) is not None:
            tried.append(candidates([], bound))
    if every is not None:
        if request.sort == "relevance":
            rows = _ranked(conn, (condition, params), (score, score_params), None, "", every, True)
        else:
            rows = _sorted(conn, (condition, params), every, request.sort, ALL, ALL)
        rows, total = _with_counts(rows)
    elif request.sort == "relevance":
        rows = None
        for gin in tried:
            rows = _ranked(conn, (condition, params), (score, score_params), cap, limit, gin, True)
            if rows[0][-1] <= gin[2] and not (gin is tried[0] and months and int(rows[0][-2] or 0) <= (cap or 0)):
                break
            # far more candidates than expected, or newest months without the newest ``cap`` + 1 matches (a
            # word more common in older years): all of GIN's candidates when few are expected, else newest first
            rows = None
        if rows is None:
            rows = _ranked(
                conn, (condition, params), (score, score_params), cap, limit, bitmaps=False if tried else None
            )
        rows, total = _with_counts(rows)
    else:
        found = None
        if tried and cap is not None and request.limit is not None:
            found = _sorted(conn, (condition, params), tried[0], request.sort, cap, request.limit)
            if found[0][-1] > tried[0][2]:  # far more than expected: as below
                found = None
        elif request.sort == "number" and where and not (request.groups or request.excluded) and cap and request.limit:
            # Filters alone in 档号 order: every match's number from the filter indexes (an index-only scan), then
            # sorted, never a walk of the 档号 index: numbers follow their category (YZ- for 业主档案), so that walk
            # read 234,000 rows before the first 业主档案 at 300,000 items (0.6 s; sorting its 9,000 numbers: ms)
            found = _sorted(conn, ("true", []), (condition, params, ALL), "number", cap, request.limit)
        if forced and found is None:
            # A common word: the planner's own plan again (``_opening`` chose one for a search through GIN): it
            # walks the order's index for the page and counts from GIN's bitmap
            conn.exec_driver_sql(
                "SELECT set_config(name, reset_val, true) FROM pg_settings WHERE name IN"
                " ('max_parallel_workers_per_gather', 'enable_seqscan', 'enable_bitmapscan', 'enable_hashjoin',"
                " 'enable_mergejoin')"
            ).all()
        if found is not None:
            rows, total = _with_counts(found)
        else:
            rows, total = _walked(conn, (condition, params), request.sort, request.limit, cap, walk)
    exact = cap is None or int(total or 0) <= cap
    items = [
        IndexedItem(number, float(value), text, body_start, json.loads(shown))
        for number, value, body_start, shown, text, *_counts in rows
    ]
    return SearchPage(
        items, min(int(total or 0), cap) if cap is not None else int(total or 0), int(pending or 0), exact, moved
    )


__all__ = [
    "SCHEMA_VERSION",
    "PostgresIndex",
    "candidate_phrase",
    "compile_phrase",
    "compile_tsquery",
    "copy_row",
    "copy_rows",
    "doc_tsvectors",
    "prepare",
    "schema_statements",
    "neighbour_conditions",
    "neighbour_tsqueries",
    "tsvectors",
]
