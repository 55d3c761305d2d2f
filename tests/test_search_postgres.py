"""The PostgreSQL index: the tsvector and tsquery it is fed (pure), the setting and doctor, filing and indexing
in one transaction, the rebuild beside the live table, moving an index between backends, and the watcher, the
nightly run and two clerks searching at once on one PostgreSQL ledger."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import html
import json
import logging
import multiprocessing
import os
import random
import re
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import psycopg
import pytest
import sqlalchemy as sa

from recordkit.archive import intake
from recordkit.archive.archivist import Archivist
from recordkit.archive.rules import Metadata
from recordkit.core.config import load_settings, search_backend
from recordkit.core.errors import ConfigError, ConflictError, IntegrityError, LedgerError
from recordkit.core.workspace import Workspace, init_workspace, setup_logging
from recordkit.ledger import journal
from recordkit.ledger.db import Ledger, display_url, normalise_url, open_ledger
from recordkit.ledger.schema import HEAD_REVISION, archive_items
from recordkit.owners.roster import import_owners
from recordkit.search import indexer
from recordkit.search.backends import PostgresIndex, SqliteIndex, open_index, postgresql
from recordkit.search.backends.base import Filters, IndexDoc, Phrase, SearchRequest
from recordkit.search.backends.postgresql import (
    INDEX_GROUPS,
    SHADOW,
    WIDE_INDEX_GROUPS,
    candidate_phrase,
    compile_tsquery,
    neighbour_tsqueries,
    tsvectors,
)
from recordkit.search.indexer import move_index, update_index, verify_index
from recordkit.search.query import search
from tests.archive_helpers import archive_ledger, archive_workspace  # noqa: F401  (fixture ledger)
from tests.conftest import (
    PGBOUNCER_ENV,
    SAMPLE_ROWS,
    driver_url,
    run_at_once,
    set_database,
    through_pgbouncer,
    write_sheet,
)
from tests.log_helpers import log_size, messages_since
from tests.revisions import undo_layout_after
from tests.search_helpers import (
    file_documents,
    filed_during_rebuild,
    nightly_run_held,
    search_ws,  # noqa: F401  (fixture ws: each backend in turn)
    use_postgres_ledger,
    write_docx,
)
from tests.server_helpers import Relay

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from pg_literals import literals  # noqa: E402  (the rules applied one token at a time; also a benchmark's baseline)

# -- what PostgreSQL is fed (pure) ---------------------------------------------------------------------------


def _literal(binary: bytes) -> str:
    """A tsvector in PostgreSQL's binary form (read by the layout of the server's ``tsvectorrecv``, not by the
    project's code) as a literal: each lexeme in the order sent, quoted, with its positions and weights
    (``'电梯':1A,11D``)."""
    count, at, entries = int.from_bytes(binary[:4], "big"), 4, []
    for _ in range(count):
        end = binary.index(b"\0", at)
        lexeme = binary[at:end].decode().replace("\\", "\\\\").replace("'", "''")
        npos, at = int.from_bytes(binary[end + 1 : end + 3], "big"), end + 3
        codes = [int.from_bytes(binary[at + 2 * i : at + 2 * i + 2], "big") for i in range(npos)]
        at += 2 * npos
        labels = ",".join(f"{code & 0x3FFF}{'DCBA'[code >> 14]}" for code in codes)
        entries.append(f"'{lexeme}'" + (f":{labels}" if labels else ""))
    assert at == len(binary), "nothing after the last lexeme"
    return " ".join(entries)


def tsvector_literals(columns: list[tuple[str, str]]) -> tuple[str, str, str]:
    """``tsvectors`` of ``columns`` as literals (``_literal``)."""
    tsv, tri, pairs = tsvectors(columns)
    return _literal(tsv), _literal(tri), _literal(pairs)


def tsvector_literal(columns: list[tuple[str, str]]) -> str:
    return tsvector_literals(columns)[0]


def test_the_tsvector_keeps_every_token_whole_at_its_position_with_its_weight() -> None:
    literal, trigrams, pairs = tsvector_literals(
        [("A", "电梯 梯维 维修 修"), ("B", "u:3-2-1201"), ("D", "it's a\\b - 电梯")]
    )
    # title 1-4, a gap at 5, unit 6, a gap at 7, text 8-11 (the field separator at 10 keeps its place unindexed);
    # each CJK trigram once, without positions, in a tsvector of its own (the ``tri`` column), each pair of other
    # neighbours in another (``pairs``)
    assert literal == "'电梯':1A,11D '梯维':2A '维修':3A '修':4A 'u:3-2-1201':6B 'it''s':8D 'a\\\\b':9D"
    assert trigrams == "'3:电梯维' '3:梯维修'"
    assert pairs == "'2:it''s a\\\\b'"
    # only bigrams next to each other in one run: not across a field separator, a column or a single character;
    # other neighbours are pairs (``2:``), but for a run's last bigram and its last character (电梯 梯, 维修 修)
    assert tsvector_literals([("A", "电梯 梯"), ("D", "梯维 - 维修 修 修理 ab bc")]) == (
        "'电梯':1A '梯':2A '梯维':4D '维修':6D '修':7D '修理':8D 'ab':9D 'bc':10D",
        "",
        "'2:修 修理' '2:修理 ab' '2:ab bc'",
    )


def test_neighbouring_words_are_pairs_in_the_pairs_column() -> None:
    """Two words next to each other share no character (维修 保养: the tokens 维修 修 保养 养): no trigram stands for
    them, a pair lexeme does, once, without positions, the first word's last token and the next one's first."""
    vector, tri, pairs = tsvector_literals(
        [("B", "u:3-2-1201"), ("D", "维修 修 保养 养 - 保养 养 维修 修 u 3 2 1201 漏水 水")]
    )
    assert vector.startswith("'u:3-2-1201':1B '维修':3D,10D '修':4D,11D '保养':5D,8D '养':6D,9D 'u':12D ")
    assert tri == ""
    assert pairs == "'2:修 保养' '2:养 维修' '2:修 u' '2:u 3' '2:3 2' '2:2 1201' '2:1201 漏水'"
    # the phrase asks for its pairs in ``pairs`` (none across its prefix), beside its lexemes in ``tsv``
    words = Phrase(("维修", "修", "保养"))
    assert candidate_phrase(words) == "('维修' & '修' & '保养')"
    assert neighbour_tsqueries([[words]]) == [("pairs", "((('2:修 保养')) | '2:')")]
    assert neighbour_tsqueries([[Phrase(("修", "保养", "养"), prefix=True)]]) == [("pairs", "((('2:修 保养')) | '2:')")]
    assert neighbour_tsqueries([[Phrase(("1201", "漏"), prefix=True)]]) == []
    assert neighbour_tsqueries([[Phrase(("u", "3", "2", "1201", "漏水"))]]) == [
        ("pairs", "((('2:u 3' & '2:3 2' & '2:2 1201' & '2:1201 漏水')) | '2:')")
    ]
    # a very long token is cut in a pair as in a lexeme (the same on both sides); quotes are doubled
    run = "a" * 3000
    assert tsvector_literals([("D", f"{run} it's")])[2] == f"'2:{'a' * 2044}'"
    assert neighbour_tsqueries([[Phrase((run, "it's"))]]) == [("pairs", f"((('2:{'a' * 2044}')) | '2:')")]
    assert tsvector_literals([("D", "it's x")])[2] == "'2:it''s x'"


def test_a_canonical_code_makes_no_pair() -> None:
    """A unit code, an archive number or a date (``u:`` ``n:`` ``d:``) is as rare in ``tsv`` as any pair of it
    would be: it pairs with neither neighbour, in a text as in a phrase (the same rule on both sides)."""
    _, tri, pairs = tsvector_literals([("D", "修 u:3-2-1201 漏水 水 n:gc-2024-00001 d:2024-05-01 停水 水 a1 b2")])
    assert (tri, pairs) == ("", "'2:水 a1' '2:a1 b2'")
    assert neighbour_tsqueries([[Phrase(("u:3-2-1201", "漏水"))]]) == []
    assert neighbour_tsqueries([[Phrase(("d:2024-05-01", "停水", "水", "a1"))]]) == [
        ("pairs", "((('2:水 a1')) | '2:')")
    ]


def test_the_tsquery_has_phrases_prefixes_and_groups() -> None:
    phrase = Phrase(("竣工", "工资"), prefix=False)
    single = Phrase(("梯",), prefix=True)
    code = Phrase(("u:3-2-1201",))
    assert compile_tsquery([[phrase, single], [code]]) == "(('竣工' <-> '工资') | ('梯':*)) & (('u:3-2-1201'))"
    # GIN's candidates: what holding a phrase implies, without positions: each lexeme in ``tsv``, and in ``tri``
    # the trigrams of its neighbouring CJK bigrams or the mark of a text whose trigrams were left out (for the
    # groups whose phrases all have trigrams: a group with ``梯`` alone asks nothing of ``tri``).
    assert compile_tsquery([[phrase, single], [code]], candidates=True) == (
        "(('竣工' & '工资') | ('梯':*)) & (('u:3-2-1201'))"
    )
    assert neighbour_tsqueries([[phrase, single], [code]]) == []
    lift = Phrase(("电梯", "梯维", "维修", "修"), prefix=True)
    assert candidate_phrase(lift) == "('电梯' & '梯维' & '维修' & '修':*)"
    assert neighbour_tsqueries([[phrase], [code], [lift, phrase]]) == [
        ("tri", "((('3:竣工资')) | '3:') & ((('3:电梯维' & '3:梯维修') | ('3:竣工资')) | '3:')")
    ]
    # a phrase of both asks both columns; a group asks a column only if each of its phrases has lexemes there
    both = Phrase(("电梯", "梯维", "维修", "修", "保养"))
    assert neighbour_tsqueries([[both]]) == [
        ("tri", "((('3:电梯维' & '3:梯维修')) | '3:')"),
        ("pairs", "((('2:修 保养')) | '2:')"),
    ]
    assert neighbour_tsqueries([[both, phrase]]) == [("tri", "((('3:电梯维' & '3:梯维修') | ('3:竣工资')) | '3:')")]


@pytest.mark.postgres
def test_postgresql_reads_the_literals_as_written(postgres_url: str) -> None:
    """The server's own reading of the literals: no token is split again, phrases need their neighbours."""
    engine = sa.create_engine(normalise_url(postgres_url))
    vector, trigrams, pairs = tsvector_literals([("A", "u:3-2-1201 电梯 梯维 维修 修"), ("D", "维修 - 保养")])
    with engine.connect() as conn:
        lexemes = conn.exec_driver_sql("SELECT tsvector_to_array(%s::tsvector)", (vector,)).scalar()
        assert sorted(lexemes or []) == sorted(["u:3-2-1201", "电梯", "梯维", "维修", "修", "保养"])
        lexemes = conn.exec_driver_sql("SELECT tsvector_to_array(%s::tsvector)", (trigrams,)).scalar()
        assert sorted(lexemes or []) == ["3:梯维修", "3:电梯维"]
        # no pair across the separator, nor of the canonical code and its neighbour
        assert conn.exec_driver_sql("SELECT tsvector_to_array(%s::tsvector)", (pairs,)).scalar() == []

        def matches(*groups: list[Phrase]) -> bool:
            query = compile_tsquery(groups)
            return bool(conn.exec_driver_sql("SELECT %s::tsvector @@ %s::tsquery", (vector, query)).scalar())

        assert matches([Phrase(("电梯", "梯维", "维修"))])
        assert matches([Phrase(("u:3-2-1201",))])
        assert matches([Phrase(("梯",), prefix=True)])
        assert not matches([Phrase(("维修", "保养"))])  # across the field separator
        assert not matches([Phrase(("修", "维修"))])  # across the columns
    engine.dispose()


def test_the_tsvector_stays_within_postgresql_limits() -> None:
    # Positions past 16383 stand at 16383; a lexeme keeps its first 256 positions (PostgreSQL would drop the rest).
    literal = tsvector_literal([("D", " ".join(["电梯"] * 300 + ["维修"] * 16400 + ["末尾"]))])
    lift, repair, end = literal.split(" ")
    assert lift == "'电梯':" + ",".join(f"{p}D" for p in range(1, 257))
    assert repair.endswith(",256D") or repair.count(",") == 255
    assert end == "'末尾':16383D"
    # A token too long for a lexeme is cut, the same in the tsquery, so that it is still found.
    run = "a" * 3000
    assert tsvector_literal([("D", run)]) == f"'{'a' * 2046}':1D"
    assert compile_tsquery([[Phrase((run,))]]) == f"(('{'a' * 2046}'))"
    assert len(tsvector_literal([("D", "鲲" * 1000)]).encode()) == len("'':1D") + 2046 // 3 * 3
    # Too many different tokens for one tsvector: those seen last are left out.
    many, trigrams, pairs = tsvector_literals([("D", " ".join(f"x{i}" for i in range(200_000)))])
    assert many.startswith("'x0':1D 'x1':2D ") and "'x199999'" not in many
    assert (trigrams, pairs) == ("", "'2:'")  # too many pairs: none, but the mark of a text without its pairs
    assert 900_000 < len(many.encode()) < 2_000_000
    # Too many trigrams for one tsvector: none, but the mark of a text without its trigrams.
    vector, trigrams, pairs = tsvector_literals([("D", _crowded())])
    assert (trigrams, pairs) == ("'3:'", "") and vector.startswith("'电梯':1D '梯维':2D '维修':3D '修':4D ")


def test_the_tsvectors_follow_the_rules_token_by_token() -> None:
    """Random columns of the tokens a text makes (CJK runs as bigrams and a last character, letter and digit runs,
    canonical codes, field separators, repeats, blanks of every width), against the rules applied one token at a
    time; and one column longer than 16,383 positions, and a token seen more than 256 times."""
    rng = random.Random(17)
    runs = [
        "电梯 梯维 维修 修",
        "保养 养",
        "漏 ",
        "水",
        "梯",
        "ab",
        "3",
        "1201",
        "u:3-2-1201",
        "d:2024-05-01",
        "-",
        "修理 理",
    ]
    for _ in range(400):
        columns = [
            (weight, rng.choice([" ", "  ", "\t"]).join(rng.choice(runs) for _ in range(rng.randrange(0, 40))))
            for weight in rng.sample("ABCD", rng.randrange(1, 5))
        ]
        assert tsvector_literals(columns) == literals(columns), columns
    long = [("A", "电梯 梯"), ("D", " ".join(rng.choice(runs) for _ in range(12000)))]
    assert tsvector_literals(long) == literals(long)


@pytest.mark.postgres
def test_postgresql_reads_the_binary_form_as_it_reads_the_rules_literals(postgres_url: str) -> None:
    """What the server makes of ``tsvectors``' binary form (sent by a binary COPY, as a rebuild sends it) equals
    what it makes of the literals written by the rules one token at a time: random columns, and the edges where
    PostgreSQL itself tidies a literal: a token repeated past position 16383 (one position kept, with the heaviest
    weight), long tokens cut alike (one lexeme), quotes and backslashes; every other row with its filing month.
    Equal as tsvectors too (the server compares their sizes first): the month's lexeme shifts no alignment."""
    rng = random.Random(5)
    runs = ["电梯 梯维 维修 修", "保养 养", "水", "ab", "it's", "a\\b", "1201", "u:3-2-1201", "-", "修理 理"]
    cases = [
        [(weight, " ".join(rng.choice(runs) for _ in range(rng.randrange(0, 60)))) for weight in "ABD"]
        for _ in range(40)
    ]
    cases += [
        [("A", "电梯 梯维"), ("D", " ".join(["修"] * 17_000))],
        [("C", " ".join(["y"] * 16_390 + ["a"])), ("D", "a b a")],  # a at 16383 in C and in D: C is kept
        [("D", f"{'a' * 3000}1 {'a' * 3000}2 x {'a' * 3000}1 {'鲲' * 700} {'鲲' * 690}")],
    ]
    header, end = b"PGCOPY\n\xff\r\n\0" + bytes(8), b"\xff\xff"
    filed = [f"20{number + 10}-{number % 12 + 1:02d}-03T10:00:00+08:00" if number % 2 else "" for number in range(99)]
    rows = b""
    for number, columns in enumerate(cases):
        fields = [number.to_bytes(4, "big"), *tsvectors(columns, postgresql.filed_month(filed[number]))]
        rows += len(fields).to_bytes(2, "big") + b"".join(len(f).to_bytes(4, "big") + f for f in fields)
    engine = sa.create_engine(normalise_url(postgres_url))
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TEMPORARY TABLE sent (number int, tsv tsvector, tri tsvector, pairs tsvector)")
        raw = conn.connection.driver_connection
        with raw.cursor() as cursor, cursor.copy("COPY sent FROM STDIN WITH (FORMAT binary)") as copy:  # type: ignore[union-attr]
            copy.write(header + rows + end)
        for number, columns in enumerate(cases):
            written = literals(columns, filed[number])
            read = conn.exec_driver_sql(
                "SELECT tsv::text, tri::text, pairs::text, tsv = %s::tsvector FROM sent WHERE number = %s",
                (written[0], number),
            ).one()
            as_literals = conn.exec_driver_sql(
                "SELECT %s::tsvector::text, %s::tsvector::text, %s::tsvector::text, true", written
            ).one()
            assert tuple(read) == tuple(as_literals), columns[0][1][:80]
            assert ("'f:20" in read[0]) == bool(filed[number])
        kept = conn.exec_driver_sql("SELECT tsv::text FROM sent WHERE number = %s", (len(cases) - 2,)).scalar()
        assert kept is not None and kept.startswith("'a':16383C 'b':16383 'f:205106' 'y':1C,2C,")  # (D is not written)
    engine.dispose()


def _crowded() -> str:
    """A text of 64,000 different CJK trigrams (each a run of two bigrams) after ``电梯维修``."""
    chars = [chr(0x4E00 + i) for i in range(40)]
    return "电梯 梯维 维修 修 - " + " - ".join(f"{a}{b} {b}{c}" for a in chars for b in chars for c in chars)


@pytest.mark.postgres
def test_postgresql_accepts_any_text_and_finds_what_it_can(postgres_url: str) -> None:
    """A text past every limit is still indexed (a refused row would fail a whole rebuild): its single tokens are
    found anywhere, a phrase beyond position 16383 or through a token's 257th occurrence is not."""
    engine = sa.create_engine(normalise_url(postgres_url))
    long_text = " ".join(["电梯 梯"] * 300 + ["维修"] * 16400 + ["鲲鹏 鹏展 展翅 翅", "a" * 3000])
    huge = " ".join(f"x{i}" for i in range(200_000))
    with engine.connect() as conn:
        for text in (long_text, huge):
            vector = tsvector_literal([("A", "标题"), ("D", text)])
            assert conn.exec_driver_sql("SELECT length(%s::tsvector) > 0", (vector,)).scalar()

        def found(text: str, *phrase: str) -> bool:
            vector, query = tsvector_literal([("D", text)]), compile_tsquery([[Phrase(phrase)]])
            return bool(conn.exec_driver_sql("SELECT %s::tsvector @@ %s::tsquery", (vector, query)).scalar())

        assert found(long_text, "a" * 3000) and found(long_text, "鲲鹏") and found(long_text, "展翅")
        assert not found(long_text, "鲲鹏", "鹏展", "展翅")  # past 16383: every token at one position
        common = " ".join(["电梯"] * 300 + ["维修"])
        assert found(common, "电梯", "电梯") and not found(common, "电梯", "维修")  # 电梯 positions stop at 256
        assert found(huge, "x0") and not found(huge, "x199999")
        # A text too big for its trigrams is still a candidate of its phrases (the mark stands for them).
        vector, trigrams, _ = tsvector_literals([("D", _crowded())])
        assert trigrams == "'3:'"
        phrase = [[Phrase(("电梯", "梯维", "维修"))]]
        [(column, asked)] = neighbour_tsqueries(phrase)
        assert (
            column == "tri"
            and conn.exec_driver_sql(
                "SELECT %s::tsvector @@ %s::tsquery AND %s::tsvector @@ %s::tsquery",
                (vector, compile_tsquery(phrase, candidates=True), trigrams, asked),
            ).scalar()
        )
    engine.dispose()


@pytest.mark.postgres
def test_the_candidates_of_a_phrase_of_common_bigrams_are_its_matches(postgres_url: str) -> None:
    """GIN keeps no positions: for ``电梯维修`` it offers every text holding 电梯, 梯维 and 维修 anywhere, each
    read again (from TOAST) to check the order.  Asked for the candidates (the lexemes in ``tsv``, the trigrams in
    ``tri``: two GIN indexes), it offers only the texts holding the phrase, and reads none of them again."""
    engine = sa.create_engine(normalise_url(postgres_url))
    texts = ["电梯 梯维 维修 修"] + ["电梯 梯 楼梯 梯维 维护 护 水泵 泵维 维修 修"] * 30
    with engine.connect() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE docs (id serial PRIMARY KEY, tsv tsvector NOT NULL, tri tsvector NOT NULL, pairs tsvector)"
        )
        for text in texts:
            conn.exec_driver_sql(
                "INSERT INTO docs (tsv, tri, pairs) VALUES (%s, %s, %s)", tsvector_literals([("D", text)])
            )
        conn.exec_driver_sql("CREATE INDEX ON docs USING gin (tsv)")
        conn.exec_driver_sql("CREATE INDEX ON docs USING gin (tri)")
        conn.exec_driver_sql("SET enable_seqscan = off")

        def rechecked(query: str, trigrams: str = "") -> tuple[int, int]:
            plan = conn.exec_driver_sql(
                "EXPLAIN (ANALYZE, FORMAT JSON) SELECT id FROM docs WHERE tsv @@ %s::tsquery"
                + (" AND tri @@ %s::tsquery" if trigrams else ""),
                (query, trigrams) if trigrams else (query,),
            ).scalar()
            scan = plan[0]["Plan"]  # type: ignore[index]
            assert scan["Node Type"] == "Bitmap Heap Scan"
            return scan["Actual Rows"], scan.get("Rows Removed by Index Recheck", 0)

        phrase = [[Phrase(("电梯", "梯维", "维修"))]]
        assert rechecked(compile_tsquery(phrase)) == (1, 30)
        [(column, asked)] = neighbour_tsqueries(phrase)
        assert column == "tri" and rechecked(compile_tsquery(phrase, candidates=True), asked) == (1, 0)
    engine.dispose()


@pytest.mark.postgres
def test_the_candidates_of_two_neighbouring_words_are_their_matches(postgres_url: str) -> None:
    """维修 保养 share no character: no trigram stands for them, and before the pairs every text holding both words
    apart was a candidate read again.  With the pair lexeme in ``pairs`` only the texts holding them in order are."""
    engine = sa.create_engine(normalise_url(postgres_url))
    texts = ["维修 修 保养 养"] + ["保养 养 - 维修 修"] * 15 + ["维修 修 电梯 梯 保养 养"] * 15
    with engine.connect() as conn:
        conn.exec_driver_sql(
            "CREATE TEMP TABLE docs (id serial PRIMARY KEY, tsv tsvector NOT NULL, tri tsvector, pairs tsvector)"
        )
        for text in texts:
            conn.exec_driver_sql(
                "INSERT INTO docs (tsv, tri, pairs) VALUES (%s, %s, %s)", tsvector_literals([("D", text)])
            )
        conn.exec_driver_sql("CREATE INDEX ON docs USING gin (tsv)")
        conn.exec_driver_sql("CREATE INDEX ON docs USING gin (pairs)")
        conn.exec_driver_sql("ANALYZE docs")
        conn.exec_driver_sql("SET enable_seqscan = off")
        phrase = [[Phrase(("维修", "修", "保养"))]]
        [(column, pairs)] = neighbour_tsqueries(phrase)
        assert column == "pairs"
        plan = conn.exec_driver_sql(
            "EXPLAIN (ANALYZE, FORMAT JSON) SELECT id FROM docs WHERE tsv @@ %s::tsquery AND pairs @@ %s::tsquery",
            (compile_tsquery(phrase, candidates=True), pairs),
        ).scalar()
        scan = plan[0]["Plan"]  # type: ignore[index]
        assert scan["Node Type"] == "Bitmap Heap Scan"
        assert (scan["Actual Rows"], scan.get("Rows Removed by Index Recheck", 0)) == (1, 0)
        held = "SELECT count(*) FROM docs WHERE tsv @@ %s::tsquery"
        assert conn.exec_driver_sql(held, (compile_tsquery(phrase),)).scalar() == 1
    engine.dispose()


def _owners_register() -> tuple[str, list[str], list[str]]:
    """An owners' register of 31,680 rows (30 buildings of 4 entrances, 33 floors of 8 rooms), each row a unit, a
    phone, an ID number and a date: ~1.7 million characters, ~100,000 different tokens (past the tsvector's
    1 MB); with its units' codes and its dates, in row order."""
    rows, units, dates = [], [], []
    day = dt.date(2001, 1, 1)
    for number in range(31_680):
        building, rest = divmod(number, 4 * 33 * 8)
        entrance, rest = divmod(rest, 33 * 8)
        floor, room = divmod(rest, 8)
        unit = f"{building + 1}-{entrance + 1}-{floor + 1}{room + 1:02d}"
        date = day + dt.timedelta(days=number % 8000)
        written = f"{date.year}年{date.month}月{date.day}日" if number % 2 else date.isoformat()
        rows.append(
            f"{building + 1}栋{entrance + 1}单元{floor + 1}{room + 1:02d}室 139{number:08d} "
            f"{110101 + number // 1000}{1950 + number % 50}0{number % 9 + 1}1{number % 10}{number % 1000:03d}X {written}"
        )
        units.append(unit)
        dates.append(date.isoformat())
    return "\n".join(rows), units, dates


def test_a_tsvector_past_its_size_keeps_the_canonical_tokens_first() -> None:
    """Cut to its size, a tsvector keeps the canonical tokens (unit codes, days, months, 档号: last in a text's
    stream) before the other tokens, which it keeps in the order first seen; canonical tokens that alone would not
    fit are kept in their order as far as they fit (and then no other token)."""
    words = " ".join(f"x{i}" for i in range(200_000))
    codes = " ".join(f"u:1-1-{i}" for i in range(1, 1001))
    vector, _, _ = tsvector_literals([("A", "标题"), ("D", words + " " + codes)])
    lexemes = [entry.split("'")[1] for entry in vector.split(" ")]
    assert lexemes[:1001] == [f"u:1-1-{i}" for i in range(1, 1001)] + ["标题"]
    assert lexemes[1001:1003] == ["x0", "x1"] and "x199999" not in lexemes
    assert 900_000 < len(vector.encode()) < 2_000_000
    assert tsvectors([("D", words + " " + codes)]) == tsvectors([("D", words + " " + codes)])  # the same every time
    too_many = " ".join(f"u:{i}-1-101" for i in range(100_000))
    crowded = tsvector_literal([("A", "标题"), ("D", too_many)])
    assert crowded.startswith("'u:0-1-101':") and "标题" not in crowded and "'u:99999-1-101'" not in crowded
    assert len(tsvectors([("D", too_many)])[0]) <= 1_000_000


def test_a_long_register_keeps_its_unit_codes_and_dates(ws: Workspace, ledger: Ledger, tmp_path: Path) -> None:
    """An owners' register of 31,680 rows (~1.7 million characters): PostgreSQL's tsvector holds at most 1 MB, and
    the tokens first seen late in the text are left out, but never its unit codes, days and 档号, which both
    backends find alike: the first rows' units and the last's, days, and a word of the first row (SQLite finds every
    word; PostgreSQL not the last row's phone).  On PostgreSQL the row written when it was filed (in the filing
    transaction) and the one of a rebuild hold the same."""
    register, units, dates = _owners_register()
    assert len(register) > 1_650_000
    update_index(ws, ledger)  # an index already there: on PostgreSQL the filing writes the register's row
    path = write_docx(tmp_path / "来件" / "业主名册.docx", register)
    flags = Metadata(category="业主档案", title="业主名册", doc_date=dt.date(2024, 5, 20))
    [outcome] = intake.file_batch(Archivist(ws, ledger, "档案员"), [(path, tmp_path / "来件")], flags)
    assert outcome.status == "filed" and outcome.item is not None
    item = outcome.item
    on_postgresql = ws.database_url.startswith("postgresql")
    read = "SELECT tsv::text FROM search_items WHERE archive_no = %s"
    if on_postgresql:
        with ledger.engine.connect() as conn:
            written = conn.exec_driver_sql(read, (item.archive_no,)).scalar()
        assert written is not None and "'u:30-4-3308'" in written
    update_index(ws, ledger)

    def found(query: str) -> list[str]:
        return [hit.archive_no for hit in search(ws, query).hits]

    queries = (units[0], units[1], units[-1], "1栋1单元102室", dates[0], dates[-1], "2001年1月2日", "13900000000")
    assert {query: found(query) for query in queries} == dict.fromkeys(queries, [item.archive_no])
    assert found("没有这个词") == []
    # the last row's phone: a word first seen past the tsvector's 1 MB, left out on PostgreSQL (README)
    assert found("13900031679") == ([] if on_postgresql else [item.archive_no])
    if on_postgresql:
        update_index(ws, ledger, rebuild=True)
        with ledger.engine.connect() as conn:
            assert conn.exec_driver_sql(read, (item.archive_no,)).scalar() == written
        assert found(units[-1]) == [item.archive_no]


# -- the setting and doctor ---------------------------------------------------------------------------------


def test_the_backend_follows_the_ledger_unless_set(tmp_path: Path) -> None:
    config = tmp_path / "recordkit.toml"
    assert search_backend(load_settings(config, environ={})) == "sqlite"
    postgres = {"RECORDKIT_DATABASE_URL": "postgresql://office@10.0.0.5/recordkit"}
    assert search_backend(load_settings(config, environ=postgres)) == "postgresql"
    chosen = {**postgres, "RECORDKIT_SEARCH_BACKEND": "sqlite"}
    assert search_backend(load_settings(config, environ=chosen)) == "sqlite"
    with pytest.raises(ConfigError) as unknown:
        load_settings(config, environ={"RECORDKIT_SEARCH_BACKEND": "elastic"})
    assert unknown.value.message == "[search] backend 的值“elastic”无法识别：应为 sqlite 或 postgresql（留空则随台账）"
    with pytest.raises(ConfigError) as without:
        load_settings(config, environ={"RECORDKIT_SEARCH_BACKEND": "postgresql"})
    assert "需要 PostgreSQL 台账" in without.value.message


@pytest.fixture
def pg_ws(workspace: Workspace, postgres_url: str) -> Workspace:
    """A workspace on a PostgreSQL ledger with the sample units (its index in that database by default)."""
    use_postgres_ledger(workspace, postgres_url)
    return archive_workspace(workspace.root)


@pytest.fixture
def pg_ledger(pg_ws: Workspace) -> Any:
    with open_ledger(pg_ws.database_url) as opened:
        yield opened


@pytest.mark.postgres
def test_no_index_yet(pg_ws: Workspace, pg_ledger: Ledger) -> None:
    from recordkit.core.errors import NotFoundError

    with pytest.raises(NotFoundError) as raised:
        search(pg_ws, "梯维")
    assert raised.value.message == "检索索引还没有建立：请先运行 recordkit index"
    assert not open_index(pg_ws).exists()


@pytest.mark.postgres
def test_doctor_names_the_backend_and_the_index_state(pg_ws: Workspace, pg_ledger: Ledger, run_cli: Any) -> None:
    before = json.loads(run_cli("doctor", "--json").stdout)[2]
    assert before["name"] == "检索索引" and before["detail"] == "PostgreSQL 全文检索（台账数据库）：还没有建立"
    assert before["fix"] == "recordkit index"
    file_documents(pg_ws, pg_ledger, pg_ws.root / "来件")
    assert run_cli("index").exit_code == 0
    after = json.loads(run_cli("doctor", "--json").stdout)[2]
    assert after == {
        "name": "检索索引",
        "ok": True,
        "detail": "PostgreSQL 全文检索（台账数据库）：5 件",
        "fix": "",
        "required": False,
    }
    # The database out of reach (stopped, the address wrong): the ledger's own line says what to do; rebuilding
    # the index (the advice this line gave) could not help.
    gone = json.loads(
        run_cli("doctor", "--json", env={"RECORDKIT_DATABASE_URL": "postgresql://rk@127.0.0.1:1/x"}).stdout
    )
    assert [(check["name"], check["ok"], check["fix"]) for check in gone[1:3]] == [
        ("台账数据库", False, "按说明中的做法改好后，再运行 recordkit doctor"),
        ("检索索引", False, "先按“台账数据库”一项的修复方法处理"),
    ]
    assert "Connection refused：连不上数据库服务器：请检查地址和端口、数据库服务是否在运行" in gone[1]["detail"]


# -- writes ---------------------------------------------------------------------------------------------------


@pytest.mark.postgres
def test_filing_and_indexing_commit_together(
    pg_ws: Workspace, pg_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    file_documents(pg_ws, pg_ledger, pg_ws.root / "来件")
    update_index(pg_ws, pg_ledger)
    after_commit: list[list[str]] = []
    monkeypatch.setattr(
        intake, "index_filed", lambda _ws, _ledger, items, **_: after_commit.append([i.archive_no for i in items])
    )
    clerk = Archivist(pg_ws, pg_ledger, "档案员")
    path = write_docx(pg_ws.root / "来件" / "工程档案" / "水泵房巡检记录.docx", "二次供水泵房巡检，压力正常。")
    [outcome] = intake.file_batch(clerk, [(path, pg_ws.root / "来件")])
    assert outcome.status == "filed" and outcome.item is not None
    assert after_commit == [[]]  # nothing left for after the commit: indexed inside it
    assert [hit.archive_no for hit in search(pg_ws, "供水泵").hits] == [outcome.item.archive_no]
    assert verify_index(pg_ws, pg_ledger).ok

    # A failure after the index rows were written rolls back the filing and its index rows alike.
    fail_after_indexing(monkeypatch)
    lost = write_docx(pg_ws.root / "来件" / "工程档案" / "消防泵巡检记录.docx", "消防稳压泵巡检。")
    [refused] = intake.file_batch(clerk, [(lost, pg_ws.root / "来件")])
    assert refused.status != "filed" and refused.item is None and "RuntimeError" in (refused.reason or "")
    assert lost.exists()
    assert search(pg_ws, "稳压泵").hits == []
    assert len(open_index(pg_ws).signatures()) == 6
    assert verify_index(pg_ws, pg_ledger).ok  # no index row without its item


@pytest.mark.postgres
def test_an_item_filed_for_a_co_owned_unit_is_found_by_each_owner_at_once(
    pg_ws: Workspace, pg_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Filing on a PostgreSQL ledger writes the item's index row in the filing transaction, with the unit's owners
    of record: the co-owner (李秀英、王芳 in the roster's cell) finds it before any nightly run, as the first does."""
    rows = [list(row) for row in SAMPLE_ROWS]
    rows[2][4] = "李秀英、王芳"
    import_owners(pg_ledger, write_sheet(pg_ws.root / "共有.xlsx", rows), "档案员")
    file_documents(pg_ws, pg_ledger, pg_ws.root / "来件")
    update_index(pg_ws, pg_ledger)
    after_commit: list[list[str]] = []
    monkeypatch.setattr(
        intake, "index_filed", lambda _ws, _ledger, items, **_: after_commit.append([i.archive_no for i in items])
    )
    path = write_docx(pg_ws.root / "来件" / "业主档案" / "3-2-1201_装修申请.docx", "申请室内装修，更换卫生间防水。")
    [outcome] = intake.file_batch(Archivist(pg_ws, pg_ledger, "档案员"), [(path, pg_ws.root / "来件")])
    assert outcome.status == "filed" and outcome.item is not None and outcome.item.unit == "3-2-1201"
    assert after_commit == [[]]  # indexed inside the filing's transaction
    for owner in ("王芳", "李秀英"):
        hits = search(pg_ws, "防水", owner=owner).hits
        assert [(hit.archive_no, hit.owner) for hit in hits] == [(outcome.item.archive_no, "李秀英、王芳")], owner
    assert verify_index(pg_ws, pg_ledger).ok


def fail_after_indexing(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on a transaction that writes index rows fails just after writing them (a disk gone)."""
    real = intake.index_in_transaction

    def written_then_failed(workspace: Workspace, conn: Any, items: Any) -> bool:
        assert real(workspace, conn, items)
        raise RuntimeError("disk gone")

    monkeypatch.setattr(intake, "index_in_transaction", written_then_failed)


@pytest.mark.postgres
def test_a_correction_and_its_index_rows_commit_together(
    pg_ws: Workspace, pg_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = file_documents(pg_ws, pg_ledger, pg_ws.root / "来件")
    update_index(pg_ws, pg_ledger)
    number = items["消防设施检查"].archive_no
    after_commit: list[list[str]] = []
    monkeypatch.setattr(
        intake, "index_filed", lambda _ws, _ledger, found, **_: after_commit.append([i.archive_no for i in found])
    )
    intake.update_and_index(pg_ws, pg_ledger, number, "档案员", title="消防水泵房年检")
    assert after_commit == []  # indexed inside the correction's transaction, nothing left for after it
    assert [hit.archive_no for hit in search(pg_ws, "年检").hits] == [number]
    # A new category: a new number, its row replaces the old one's in the same transaction, the old one finds it.
    moved = intake.update_and_index(pg_ws, pg_ledger, number, "档案员", category="合同协议档案")
    assert after_commit == [] and moved.archive_no != number
    assert [hit.archive_no for hit in search(pg_ws, "年检").hits] == [moved.archive_no]
    assert [hit.archive_no for hit in search(pg_ws, number).hits] == [moved.archive_no]
    assert number not in open_index(pg_ws).signatures()
    assert verify_index(pg_ws, pg_ledger).ok

    # A failure after the index rows were written rolls back the correction and its index rows alike.
    fail_after_indexing(monkeypatch)
    with pytest.raises(RuntimeError):
        intake.update_and_index(pg_ws, pg_ledger, moved.archive_no, "档案员", title="消防稳压泵更换")
    assert search(pg_ws, "稳压泵").hits == [] and search(pg_ws, "年检").total == 1
    assert verify_index(pg_ws, pg_ledger).ok


@pytest.mark.postgres
def test_filing_never_waits_for_the_nightly_run_and_is_caught_up(
    pg_ws: Workspace, pg_ledger: Ledger, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from recordkit.search import indexer

    file_documents(pg_ws, pg_ledger, pg_ws.root / "来件")
    update_index(pg_ws, pg_ledger)
    monkeypatch.setattr(indexer, "WATCH_LOCK_TIMEOUT", 0.2)
    clerk = Archivist(pg_ws, pg_ledger, "档案员")
    path = write_docx(pg_ws.root / "来件" / "工程档案" / "水泵房巡检记录.docx", "二次供水泵房巡检。")
    with open_index(pg_ws).lock(5):  # the nightly run holds the index
        [outcome] = intake.file_batch(clerk, [(path, pg_ws.root / "来件")])
    assert outcome.status == "filed" and outcome.item is not None
    assert "could not index 1 filed items now" in caplog.text
    assert verify_index(pg_ws, pg_ledger).missing == [outcome.item.archive_no]
    assert update_index(pg_ws, pg_ledger).added == 1
    assert [hit.archive_no for hit in search(pg_ws, "供水泵").hits] == [outcome.item.archive_no]


@pytest.mark.postgres
def test_a_second_writer_waits_then_gives_a_clear_message(pg_ws: Workspace, pg_ledger: Ledger) -> None:
    file_documents(pg_ws, pg_ledger, pg_ws.root / "来件")
    update_index(pg_ws, pg_ledger)
    with open_index(pg_ws).lock(5), pytest.raises(ConflictError) as raised:
        update_index(pg_ws, pg_ledger, lock_timeout=0.3)
    assert raised.value.message.startswith("检索索引正由另一个进程更新（归档服务、夜间任务或其他文员），等了 0.3 秒")


def _paused_rebuild(monkeypatch: pytest.MonkeyPatch, pause: Callable[[PostgresIndex], None]) -> None:
    """Rebuilds that call ``pause`` (with their index) after handing over three items, the lock held."""
    real_rebuild = PostgresIndex.rebuild

    def paused(self: PostgresIndex, docs: Any) -> int:
        def pausing() -> Any:
            for number, doc in enumerate(docs):
                if number == 3:
                    pause(self)
                yield doc

        return real_rebuild(self, pausing())

    monkeypatch.setattr(PostgresIndex, "rebuild", paused)


@pytest.mark.postgres
def test_the_writer_lock_outlives_an_administrators_time_limits(
    pg_ws: Workspace, pg_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A DBA's limits on idle connections, idle transactions and (PostgreSQL 17 on) a transaction's length end
    the connection that holds the lock while the work runs elsewhere; the lock must keep the other writers out
    to the end."""
    file_documents(pg_ws, pg_ledger, pg_ws.root / "来件")
    update_index(pg_ws, pg_ledger)
    limits = ["idle_in_transaction_session_timeout"]
    with pg_ledger.engine.connect() as conn:
        version = conn.dialect.server_version_info
    limits += ["idle_session_timeout"] if version >= (14,) else []
    limits += ["transaction_timeout"] if version >= (17,) else []
    for limit in limits:
        set_database(pg_ws.database_url, f"SET {limit} = '1s'")
    pg_ledger.engine.dispose()  # its next connections are new sessions, under the limits
    second_writer: list[str] = []

    def idle_then_try(index: PostgresIndex) -> None:
        time.sleep(2.5)  # the lock's connection idle past the administrator's limits
        try:
            with PostgresIndex(index.engine).lock(0.3):
                second_writer.append("let in")
        except ConflictError:
            second_writer.append("kept out")

    _paused_rebuild(monkeypatch, idle_then_try)
    assert update_index(pg_ws, pg_ledger, rebuild=True).added == 5
    assert second_writer == ["kept out"]
    with pg_ledger.engine.connect() as conn:  # the pooled connection that held the lock is as it came
        assert [conn.exec_driver_sql(f"SHOW {limit}").scalar() for limit in limits] == ["1s"] * len(limits)
    assert [hit.archive_no for hit in search(pg_ws, "张伟").hits]
    assert verify_index(pg_ws, pg_ledger).ok


@pytest.mark.postgres
def test_a_rebuild_asks_again_for_the_swap_when_an_administrators_lock_timeout_cut_its_wait(
    pg_ws: Workspace, pg_ledger: Ledger, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A search still reading the live table when the rebuild swaps (a common word at a million items takes a
    second or two), and a ``lock_timeout`` shorter than that: the new table is kept and the swap asked for again."""
    file_documents(pg_ws, pg_ledger, pg_ws.root / "来件")
    update_index(pg_ws, pg_ledger)
    set_database(pg_ws.database_url, "SET lock_timeout = '200ms'")
    pg_ledger.engine.dispose()  # its next connections are new sessions, under the limit
    reading, holders = threading.Event(), []

    def a_long_search(index: PostgresIndex) -> None:
        def read_for_a_while() -> None:
            with index.engine.connect() as conn, conn.begin():
                conn.exec_driver_sql("SELECT count(*) FROM search_items").scalar()
                reading.set()
                time.sleep(1.5)

        holder = threading.Thread(target=read_for_a_while)
        holder.start()
        holders.append(holder)
        assert reading.wait(10)

    _paused_rebuild(monkeypatch, a_long_search)
    with caplog.at_level(logging.INFO, logger="recordkit.search.backends.postgresql"):
        assert update_index(pg_ws, pg_ledger, rebuild=True).added == 5
    holders[0].join()
    waited = [record.getMessage() for record in caplog.records if "waited past lock_timeout" in record.getMessage()]
    assert waited and ("canceling statement due to lock timeout" in waited[0] or "由于锁超时" in waited[0])
    assert [hit.archive_no for hit in search(pg_ws, "张伟").hits]
    assert verify_index(pg_ws, pg_ledger).ok


@pytest.mark.postgres
def test_a_writer_whose_lock_was_cut_off_says_to_check_with_another_run(
    pg_ws: Workspace, pg_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    file_documents(pg_ws, pg_ledger, pg_ws.root / "来件")
    update_index(pg_ws, pg_ledger)

    def terminate_the_holder(index: PostgresIndex) -> None:
        with index.engine.connect() as conn:  # (as an administrator's pg_terminate_backend, or the network)
            holders = conn.exec_driver_sql(
                # (this test's database only: pg_locks is the whole server's, other tests' writers hold the key too)
                "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = %s AND granted"
                " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
                (postgresql._LOCK_KEY,),
            ).scalars()
            (holder,) = holders
            assert conn.exec_driver_sql("SELECT pg_terminate_backend(%s)", (holder,)).scalar()

    _paused_rebuild(monkeypatch, terminate_the_holder)
    with pytest.raises(LedgerError) as raised:
        update_index(pg_ws, pg_ledger, rebuild=True)
    assert raised.value.message.startswith("检索索引已写入，但写入锁所在的数据库连接中途断了（服务器说：")
    assert raised.value.message.endswith("这期间别的程序也可能写了索引，请再运行一次 recordkit index 核对")
    # the rebuild itself went through, and the run it asks for finds nothing to do
    assert verify_index(pg_ws, pg_ledger).ok
    report = update_index(pg_ws, pg_ledger)
    assert (report.added, report.updated, report.removed, report.unchanged) == (0, 0, 0, 5)


@pytest.mark.postgres
def test_a_rebuild_loads_beside_the_live_table_and_switches_at_once(
    pg_ws: Workspace, pg_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    file_documents(pg_ws, pg_ledger, pg_ws.root / "来件")
    update_index(pg_ws, pg_ledger)
    before = {query: search(pg_ws, query).to_dict() for query in ("梯维", "张伟", "3#2-1201", "2025年3月")}
    index = open_index(pg_ws)
    assert isinstance(index, PostgresIndex)
    seen_midway: list[tuple[bool, list[str]]] = []
    real_rebuild = PostgresIndex.rebuild

    def watched(self: PostgresIndex, docs: Any) -> int:
        def watching() -> Any:
            for number, doc in enumerate(docs):
                if number == 3:  # half loaded: the shadow table, not yet committed, is seen by none; searches
                    # answer from the old one
                    with self.engine.connect() as conn:
                        shadow = sa.inspect(conn).has_table(SHADOW)
                    seen_midway.append((shadow, [hit.archive_no for hit in search(pg_ws, "张伟").hits]))
                yield doc

        return real_rebuild(self, watching())

    monkeypatch.setattr(PostgresIndex, "rebuild", watched)
    assert update_index(pg_ws, pg_ledger, rebuild=True).added == 5
    assert seen_midway == [(False, [hit["archive_no"] for hit in before["张伟"]["hits"]])]
    assert {query: search(pg_ws, query).to_dict() for query in before} == before
    with pg_ledger.read() as conn:
        assert not sa.inspect(conn).has_table(SHADOW)
        # loaded frozen (COPY FREEZE): every page all-visible, nothing left for autovacuum to freeze; its TOAST
        # rows frozen too, and no vacuum started by their number
        pages, visible, toast = conn.exec_driver_sql(
            "SELECT main.relpages, main.relallvisible, toast.reloptions FROM pg_class AS main"
            " JOIN pg_class AS toast ON toast.oid = main.reltoastrelid WHERE main.relname = 'search_items'"
        ).one()
    assert pages > 0 and visible == pages
    assert toast == ["autovacuum_vacuum_insert_threshold=-1"]
    assert verify_index(pg_ws, pg_ledger).ok


class _CountedPool(concurrent.futures.ProcessPoolExecutor):
    """A process pool that notes how many workers it was asked for."""

    sizes: ClassVar[list[int]] = []

    def __init__(self, max_workers: int) -> None:
        self.sizes.append(max_workers)
        super().__init__(max_workers=max_workers)


@pytest.mark.postgres
def test_on_four_cores_a_rebuild_makes_tokens_in_three_workers_and_builds_each_gin_index_in_its_own_connection(
    pg_ws: Workspace, pg_ledger: Ledger, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The same rows and the same answers as a rebuild on two cores, made by more processes at once."""
    file_documents(pg_ws, pg_ledger, pg_ws.root / "来件")
    queries = ("梯维", "张伟", "3#2-1201", "2025年3月", '"二次供水"')
    rows = "SELECT archive_no, tsv::text, tri::text, pairs::text, text, shown FROM search_items ORDER BY archive_no"
    assert update_index(pg_ws, pg_ledger, rebuild=True).added == 5  # (this machine: two cores in CI)
    before = {query: search(pg_ws, query).to_dict() for query in queries}
    with pg_ledger.read() as conn:
        rows_before = conn.exec_driver_sql(rows).all()
    monkeypatch.setattr(indexer, "cores", lambda: 4)
    monkeypatch.setattr(postgresql, "cores", lambda: 4)
    monkeypatch.setattr(indexer, "PARALLEL_FROM", 2)
    monkeypatch.setattr(indexer, "CHUNK", 1)
    monkeypatch.setattr(indexer, "ProcessPoolExecutor", _CountedPool)
    monkeypatch.setattr(_CountedPool, "sizes", [])
    caplog.clear()
    with caplog.at_level(logging.INFO, logger=postgresql.__name__):
        assert update_index(pg_ws, pg_ledger, rebuild=True).added == 5
    assert _CountedPool.sizes == [3, 3]  # the stored texts looked at, then the tokens made
    said = next(record.getMessage() for record in caplog.records if "rebuilt" in record.getMessage())
    connections = said.split("indexes side by side: ")[1].rstrip(")").split(" | ")
    assert [group.split()[0] for group in connections] == ["tsv", "tri", "pairs"]
    assert {query: search(pg_ws, query).to_dict() for query in queries} == before
    with pg_ledger.read() as conn:
        assert conn.exec_driver_sql(rows).all() == rows_before
        names = conn.exec_driver_sql("SELECT indexname FROM pg_indexes WHERE tablename = 'search_items'").scalars()
        assert sorted(names) == sorted(
            ["search_items_pkey", *(f"ix_search_items_{name}" for name in postgresql._INDEX_NAMES)]
        )


@pytest.mark.postgres
def test_the_nightly_run_drops_a_leftover_shadow_even_when_nothing_changed(
    pg_ws: Workspace, pg_ledger: Ledger, run_cli: Any
) -> None:
    """A rebuild cut while its server was away leaves its shadow table (gigabytes at a million): the next
    ``recordkit index`` drops it, also on a night when nothing was filed (the merge then has nothing to do)."""
    file_documents(pg_ws, pg_ledger, pg_ws.root / "来件")
    update_index(pg_ws, pg_ledger)
    _leave_a_shadow(pg_ledger)
    nightly = run_cli("index", "--json")
    assert nightly.exit_code == 0, nightly.output
    assert json.loads(nightly.stdout)["added"] == 0
    with pg_ledger.read() as conn:
        assert not sa.inspect(conn).has_table(SHADOW)
    assert verify_index(pg_ws, pg_ledger).ok
    assert verify_index(pg_ws, pg_ledger).ok


@pytest.mark.postgres
def test_a_rebuild_writes_the_rows_in_the_order_they_were_filed(pg_ws: Workspace, pg_ledger: Ledger) -> None:
    """The rows lie as the newest-first scan reads them (the (filed_at, archive_no) index), whatever the order of
    the archive numbers: here filed in the reverse of it, two by two in the same second."""
    file_documents(pg_ws, pg_ledger, pg_ws.root / "来件")
    with pg_ledger.write() as conn:
        numbers = sorted(conn.execute(sa.select(archive_items.c.archive_no)).scalars())
        filed = {number: f"2026-03-{1 + k // 2:02d}T09:00:00+08:00" for k, number in enumerate(reversed(numbers))}
        for number, stamp in filed.items():
            conn.execute(sa.update(archive_items).where(archive_items.c.archive_no == number).values(filed_at=stamp))
    update_index(pg_ws, pg_ledger, rebuild=True)
    with pg_ledger.read() as conn:
        stored = conn.exec_driver_sql("SELECT archive_no FROM search_items ORDER BY ctid").scalars().all()
    assert len(numbers) == 5
    assert stored == sorted(numbers, key=lambda number: (filed[number], number))


@pytest.mark.postgres
def test_a_failed_rebuild_keeps_the_live_index(
    pg_ws: Workspace, pg_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    from recordkit.search import indexer

    file_documents(pg_ws, pg_ledger, pg_ws.root / "来件")
    update_index(pg_ws, pg_ledger)
    before = search(pg_ws, "张伟").to_dict()

    def broken(*_: Any) -> Any:
        raise RuntimeError("reader died")

    monkeypatch.setattr(indexer, "_docs_of", broken)
    with pytest.raises(RuntimeError):
        update_index(pg_ws, pg_ledger, rebuild=True)
    assert search(pg_ws, "张伟").to_dict() == before
    with pg_ledger.read() as conn:
        assert not sa.inspect(conn).has_table(SHADOW)


def _leave_a_shadow(pg_ledger: Ledger) -> None:
    """The shadow table a rebuild killed while its connections built the indexes leaves: some rows, one group's
    indexes committed."""
    with pg_ledger.write() as conn:
        conn.exec_driver_sql(postgresql.schema_statements(SHADOW)[0])
        conn.exec_driver_sql(f"INSERT INTO {SHADOW} SELECT * FROM search_items LIMIT 2")
        statements = dict(zip(postgresql._INDEX_NAMES, postgresql.index_statements(SHADOW), strict=True))
        for name in postgresql.index_groups()[0]:
            conn.exec_driver_sql(statements[name])


@pytest.mark.postgres
def test_a_leftover_shadow_with_some_indexes_built_is_replaced(pg_ws: Workspace, pg_ledger: Ledger) -> None:
    """A rebuild killed while its connections built the indexes leaves the shadow table with one group's
    indexes committed: the live index still answers and verifies, and the next rebuild starts afresh."""
    file_documents(pg_ws, pg_ledger, pg_ws.root / "来件")
    update_index(pg_ws, pg_ledger)
    before = search(pg_ws, "张伟").to_dict()
    _leave_a_shadow(pg_ledger)
    assert search(pg_ws, "张伟").to_dict() == before
    assert verify_index(pg_ws, pg_ledger).ok
    assert update_index(pg_ws, pg_ledger, rebuild=True).added == 5
    assert search(pg_ws, "张伟").to_dict() == before
    assert verify_index(pg_ws, pg_ledger).ok
    with pg_ledger.read() as conn:
        assert not sa.inspect(conn).has_table(SHADOW)
        names = conn.exec_driver_sql("SELECT indexname FROM pg_indexes WHERE tablename = 'search_items'").scalars()
        assert sorted(names) == sorted(
            ["search_items_pkey", *(f"ix_search_items_{name}" for name in postgresql._INDEX_NAMES)]
        )


def _rebuild_stuck_in_the_first_group(root: str) -> None:
    """A rebuild whose first index connection sleeps (the others build their indexes and commit them)."""
    real = postgresql.index_statements

    def stuck(table: str) -> list[str]:
        return [("SELECT pg_sleep(61)" if "_tsv" in statement else statement) for statement in real(table)]

    postgresql.index_statements = stuck  # type: ignore[assignment]
    workspace = archive_workspace(Path(root), import_units=False)
    with open_ledger(workspace.database_url) as ledger:
        update_index(workspace, ledger, rebuild=True)


@pytest.mark.postgres
def test_a_rebuild_killed_while_indexing_leaves_the_live_index_and_a_shadow_the_next_one_replaces(
    pg_ws: Workspace, pg_ledger: Ledger
) -> None:
    file_documents(pg_ws, pg_ledger, pg_ws.root / "来件")
    update_index(pg_ws, pg_ledger)
    before = search(pg_ws, "张伟").to_dict()
    process = multiprocessing.get_context("spawn").Process(
        target=_rebuild_stuck_in_the_first_group, args=(str(pg_ws.root),)
    )
    process.start()
    try:
        deadline = time.monotonic() + 120
        while True:  # the other groups committed, the first one busy
            with pg_ledger.read() as conn:
                built = conn.exec_driver_sql("SELECT count(*) FROM pg_indexes WHERE tablename = %s", (SHADOW,)).scalar()
                stuck = conn.exec_driver_sql(
                    "SELECT count(*) FROM pg_stat_activity WHERE query = %s AND datname = current_database()",
                    ("SELECT pg_sleep(61)",),
                ).scalar()
            if built == 1 + sum(map(len, postgresql.index_groups()[1:])) and stuck:
                break
            assert process.is_alive() and time.monotonic() < deadline
            time.sleep(0.1)
    finally:
        process.kill()
        process.join()
    deadline = time.monotonic() + 20
    while True:  # the server notices that the builder's client is gone and ends its statement (not after 61 s)
        with pg_ledger.read() as conn:
            running = conn.exec_driver_sql(
                "SELECT count(*) FROM pg_stat_activity WHERE query = %s AND datname = current_database()"
                " AND state = 'active'",
                ("SELECT pg_sleep(61)",),
            ).scalar()
        if not running:
            break
        assert time.monotonic() < deadline, "the killed rebuild's statement still runs"
        time.sleep(0.2)
    assert search(pg_ws, "张伟").to_dict() == before
    assert verify_index(pg_ws, pg_ledger).ok
    with pg_ledger.read() as conn:
        assert sa.inspect(conn).has_table(SHADOW)
    assert update_index(pg_ws, pg_ledger, rebuild=True, lock_timeout=30).added == 5
    assert search(pg_ws, "张伟").to_dict() == before
    assert verify_index(pg_ws, pg_ledger).ok
    with pg_ledger.read() as conn:
        assert not sa.inspect(conn).has_table(SHADOW)


def test_the_index_groups_hold_every_index_once() -> None:
    for groups in (INDEX_GROUPS, WIDE_INDEX_GROUPS):
        assert sorted(name for group in groups for name in group) == sorted(postgresql._INDEX_NAMES)
    # on two cores the two big GIN indexes side by side, the pairs' after tsv's; on more, each GIN in its own
    assert [group[:2] for group in INDEX_GROUPS] == [("tsv", "pairs"), ("tri", "category_date")]
    assert [group[0] for group in WIDE_INDEX_GROUPS] == ["tsv", "tri", "pairs"]


@pytest.fixture(params=["directly", "through pgbouncer"])
def reached_ws(request: pytest.FixtureRequest, workspace: Workspace, postgres_url: str) -> Workspace:
    """``pg_ws`` reached directly, then through the pgbouncer in front of the test server (transaction mode)."""
    use_postgres_ledger(workspace, postgres_url if request.param == "directly" else through_pgbouncer(postgres_url))
    return archive_workspace(workspace.root)


@pytest.mark.postgres
def test_doctor_says_when_the_ledger_is_reached_through_a_pool(reached_ws: Workspace, run_cli: Any) -> None:
    checks = json.loads(run_cli("doctor", "--json").stdout)
    [ledger_check] = [check for check in checks if check["name"] == "台账数据库"]
    assert ledger_check["ok"]
    assert ledger_check["detail"].startswith(f"{display_url(reached_ws.database_url)}（表结构版本 {HEAD_REVISION}）")
    bouncer = os.environ.get(PGBOUNCER_ENV)
    through = (
        bouncer is not None and sa.engine.make_url(reached_ws.database_url).port == sa.engine.make_url(bouncer).port
    )
    assert ledger_check["detail"].endswith("；经过连接池（如 pgbouncer），语句不在数据库里预编译") == through


@pytest.mark.postgres
def test_an_index_failing_in_one_connection_stops_the_other_and_keeps_the_live_index(
    reached_ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other connection's statement is cancelled through that connection (a pool in transaction mode lends
    a finished transaction's server process to another client: a cancel by its id would reach that one)."""
    with open_ledger(reached_ws.database_url) as ledger:
        _an_index_failing_in_one_connection(reached_ws, ledger, monkeypatch)


def _an_index_failing_in_one_connection(pg_ws: Workspace, pg_ledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
    file_documents(pg_ws, pg_ledger, pg_ws.root / "来件")
    update_index(pg_ws, pg_ledger)
    before = search(pg_ws, "张伟").to_dict()
    real = postgresql.index_statements

    def slow_and_broken(table: str) -> list[str]:
        statements = dict(zip(postgresql._INDEX_NAMES, real(table), strict=True))
        statements["tsv"] = "SELECT pg_sleep(60)"  # the first group's: cancelled, not waited for
        statements["tri"] = "SELECT pg_sleep(0.5); CREATE INDEX broken ON no_such_table (x)"
        return [statements[name] for name in postgresql._INDEX_NAMES]

    monkeypatch.setattr(postgresql, "index_statements", slow_and_broken)
    started = time.monotonic()
    with pytest.raises(sa.exc.ProgrammingError):
        update_index(pg_ws, pg_ledger, rebuild=True)
    assert time.monotonic() - started < 30
    assert search(pg_ws, "张伟").to_dict() == before
    with pg_ledger.read() as conn:
        assert not sa.inspect(conn).has_table(SHADOW)
        busy = conn.exec_driver_sql(
            "SELECT count(*) FROM pg_stat_activity WHERE query = %s AND datname = current_database()",
            ("SELECT pg_sleep(60)",),
        ).scalar()
    assert busy == 0
    monkeypatch.setattr(postgresql, "index_statements", real)
    assert update_index(pg_ws, pg_ledger, rebuild=True).added == 5
    assert verify_index(pg_ws, pg_ledger).ok


@pytest.mark.postgres
def test_an_older_version_is_rebuilt_by_the_nightly_run_and_a_newer_one_left_alone(
    pg_ws: Workspace, pg_ledger: Ledger, run_cli: Any
) -> None:
    file_documents(pg_ws, pg_ledger, pg_ws.root / "来件")
    update_index(pg_ws, pg_ledger)
    with pg_ledger.write() as conn:
        conn.exec_driver_sql("UPDATE search_index_meta SET value = '0' WHERE key = 'schema_version'")
    result = run_cli("search", "电梯")
    assert result.exit_code == IntegrityError.exit_code
    assert result.stderr.strip() == (
        "错误：检索索引的版本（0）与本程序（18）不符：索引是旧版本的 recordkit 建的，"
        "请运行 recordkit index --rebuild 重建（夜间的 recordkit index 也会自动重建）"
    )
    check = json.loads(run_cli("doctor", "--json").stdout)[2]
    assert (check["ok"], check["fix"]) == (False, "recordkit index --rebuild")
    # An index of an older layout is never brought up to date row by row: the nightly run rebuilds it whole.
    with pg_ledger.read() as conn:
        table = conn.exec_driver_sql("SELECT 'search_items'::regclass::oid").scalar()
    nightly = run_cli("index", "--json")
    assert nightly.exit_code == 0, nightly.stderr
    assert {key: json.loads(nightly.stdout)[key] for key in ("added", "rebuilt", "upgraded")} == {
        "added": 5,
        "rebuilt": True,
        "upgraded": True,
    }
    with pg_ledger.read() as conn:
        assert conn.exec_driver_sql("SELECT 'search_items'::regclass::oid").scalar() != table  # a new table
        assert conn.exec_driver_sql("SELECT value FROM search_index_meta").scalar() == "18"
    assert run_cli("search", "电梯").exit_code == 0
    # One built by a newer program is left as it is: this computer's program is the one to upgrade.
    with pg_ledger.write() as conn:
        conn.exec_driver_sql("UPDATE search_index_meta SET value = '19' WHERE key = 'schema_version'")
    newer = (
        "错误：检索索引的版本（19）与本程序（18）不符：索引是更新版本的 recordkit 建的，"
        "请把这台电脑上的 recordkit 升级到建索引的那个版本"
    )
    for command in (("search", "电梯"), ("index",)):
        result = run_cli(*command)
        assert (result.exit_code, result.stderr.strip()) == (IntegrityError.exit_code, newer)
    check = json.loads(run_cli("doctor", "--json").stdout)[2]
    assert (check["ok"], check["fix"]) == (False, "升级本机的 recordkit")
    assert check["detail"].endswith(newer.removeprefix("错误："))


@pytest.mark.postgres
def test_what_is_filed_during_a_rebuild_is_found_when_it_ends(
    pg_ws: Workspace, pg_ledger: Ledger, monkeypatch: pytest.MonkeyPatch, run_cli: Any
) -> None:
    """A scan filed while a rebuild holds the index (its filing transaction cannot take the index's lock, nor can
    the hook after it) is indexed when the new table is swapped in, under the same lock; the nightly run after it
    has nothing left to do."""
    file_documents(pg_ws, pg_ledger, pg_ws.root / "来件")
    update_index(pg_ws, pg_ledger)
    filed = filed_during_rebuild(pg_ws, pg_ledger, pg_ws.root / "重建时的扫描件", PostgresIndex, monkeypatch)
    result = run_cli("index", "--rebuild", "--no-ocr", "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert {key: report[key] for key in ("added", "updated", "removed", "caught_up", "rebuilt")} == {
        "added": 6,
        "updated": 0,
        "removed": 0,
        "caught_up": 1,
        "rebuilt": True,
    }
    found = search(pg_ws, "水箱清洗")
    assert [hit.archive_no for hit in found.hits] == [filed["二次供水水箱清洗记录"].archive_no]
    assert verify_index(pg_ws, pg_ledger).ok
    assert run_cli("index", "--no-ocr").stdout.startswith("索引更新：新增 0 件，更新 0 件，删除 0 件，")


@pytest.mark.postgres
def test_what_is_filed_or_renumbered_during_the_nightly_run_is_found_when_it_ends(
    pg_ws: Workspace, pg_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As on SQLite: a scan filed and an item renumbered while the nightly run reads texts (their filing and
    correction transactions cannot take the index's lock, nor can the hook after them) are indexed when it ends."""
    file_documents(pg_ws, pg_ledger, pg_ws.root / "来件")
    update_index(pg_ws, pg_ledger)
    run = nightly_run_held(pg_ws, pg_ledger, pg_ws.root, monkeypatch)
    assert (run.report.added, run.report.removed, run.report.caught_up) == (3, 1, 3)

    def found(query: str) -> list[str]:
        return [hit.archive_no for hit in search(pg_ws, query).hits]

    assert found("水箱清洗") == [run.filed.archive_no]
    assert found("房产证复印件") == [run.renumbered.archive_no]
    assert found("YZ-2020-00001") == [run.renumbered.archive_no]  # its former number
    assert found("压力正常") == [run.waited.archive_no]
    assert verify_index(pg_ws, pg_ledger).ok


@pytest.mark.postgres
def test_a_search_without_the_tables_says_upgrade(pg_ws: Workspace, pg_ledger: Ledger) -> None:
    """The first round trip of a ranked search carries the estimate's EXPLAIN too (one pipeline): when it fails,
    the error is still the opening's own."""
    file_documents(pg_ws, pg_ledger, pg_ws.root / "来件")
    update_index(pg_ws, pg_ledger)
    with pg_ledger.write() as conn:
        conn.exec_driver_sql("DROP TABLE search_items")
    index = PostgresIndex(pg_ledger.engine)
    for sort in ("relevance", "number"):
        with pytest.raises(IntegrityError) as raised:
            index.search(SearchRequest(((Phrase(("电梯", "梯维")),),), sort=sort, limit=20))
        assert raised.value.message == postgresql.NO_TABLES
    # The item page's text said 检索索引无法读取（ProgrammingError） while the search said the tables are missing.
    for reading in (lambda: index.texts(["YZ-2026-00001"]), lambda: index.signatures(None)):
        with pytest.raises(IntegrityError) as raised:
            reading()
        assert (raised.value.message, raised.value.form_message) == (postgresql.NO_TABLES, postgresql.NO_TABLES_FORM)


def undo_0022(conn: Any) -> None:
    """The bills and closing balances as a ledger before migration 0022 has them."""
    conn.exec_driver_sql("ALTER TABLE bills DROP COLUMN serial")  # its unique constraint goes with it
    conn.exec_driver_sql(
        "ALTER TABLE bills ADD CONSTRAINT bills_unit_id_item_id_month_key UNIQUE (unit_id, item_id, month)"
    )
    conn.exec_driver_sql("ALTER TABLE closing_balances DROP CONSTRAINT closing_balances_pkey")
    conn.exec_driver_sql("ALTER TABLE closing_balances ADD PRIMARY KEY (closed_month, unit_id, item_id, bill_month)")


def undo_since_0021(conn: Any) -> None:
    """The ledger's tables as they were before migration 0021, every later migration undone (a new migration adds
    its own undo here)."""
    conn.exec_driver_sql("ALTER TABLE closed_months DROP COLUMN workorder_figures_json")  # 0021
    undo_0022(conn)
    conn.exec_driver_sql("ALTER TABLE work_orders DROP COLUMN date_only")  # 0023
    for step_flag in ("assigned_day_only", "closed_day_only", "visited_day_only", "handed_at", "handed_day_only"):
        conn.exec_driver_sql(f"ALTER TABLE work_orders DROP COLUMN {step_flag}")  # 0024
    # 0025 back-fills work_orders.handed_at from the journal (0024's column, dropped above): no table of its own.
    # 0026 sets work_orders.assigned_at back to the journal's first dispatch (and handed_at): no table of its own.
    # 0027 folds archive_items.box and .shelf stored full-width (Ａ－１－２): no table of its own.
    undo_layout_after(conn, "0027")  # 0028 and later: tests/revisions.py


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("revision", "column", "version", "lexeme", "phrase"),
    [("0017", "tri", "2", "3:电梯维", "电梯维修"), ("0019", "pairs", "4", "2:3 号楼", "3号楼")],
)
def test_migrations_0018_and_0020_add_a_column_of_neighbours_and_a_rebuild_fills_it(
    pg_ws: Workspace,
    pg_ledger: Ledger,
    run_cli: Any,
    revision: str,
    column: str,
    version: str,
    lexeme: str,
    phrase: str,
) -> None:
    """A ledger of 0017 (its index without ``tri``, of version 2) or of 0019 (without ``pairs``, of version 4):
    upgraded, it gets the empty column and its GIN index, searching asks for a rebuild, and the rebuild's rows
    find a phrase through the GIN indexes."""
    file_documents(pg_ws, pg_ledger, pg_ws.root / "来件")
    update_index(pg_ws, pg_ledger)
    with pg_ledger.write() as conn:  # the layout of that revision, and its index's version
        conn.exec_driver_sql(f"DROP INDEX ix_search_items_{column}")
        conn.exec_driver_sql(f"ALTER TABLE search_items DROP COLUMN {column}")
        undo_since_0021(conn)
        conn.exec_driver_sql("UPDATE search_index_meta SET value = %s WHERE key = 'schema_version'", (version,))
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = %s", (revision,))
    with open_ledger(pg_ws.database_url) as upgraded, upgraded.read() as conn:
        assert upgraded.revision() == HEAD_REVISION
        assert {index["name"] for index in sa.inspect(conn).get_indexes("search_items")} >= {
            "ix_search_items_tsv",
            f"ix_search_items_{column}",
        }
        assert conn.exec_driver_sql(f"SELECT count(*) FROM search_items WHERE {column} = ''").scalar() == 5
    result = run_cli("search", "电梯")
    assert result.exit_code == IntegrityError.exit_code and f"（{version}）与本程序（18）" in result.stderr
    assert run_cli("index", "--rebuild").exit_code == 0
    with pg_ledger.read() as conn:
        found = f"SELECT count(*) FROM search_items WHERE {column} @@ %s::tsquery"
        assert conn.exec_driver_sql(found, (f"'{lexeme}'",)).scalar() == 1
        # the rebuilt table's big columns are compressed with lz4 where the server has it (CI's has)
        has_lz4 = conn.exec_driver_sql(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        ).scalar()
        methods = conn.exec_driver_sql(
            "SELECT attname, attcompression FROM pg_attribute WHERE attrelid = 'search_items'::regclass"
            " AND attname IN ('text', 'tsv', 'tri', 'pairs', 'shown')"
        ).all()
        expected = "l" if has_lz4 else ""
        assert sorted(methods) == [
            ("pairs", expected),
            ("shown", ""),
            ("text", expected),
            ("tri", expected),
            ("tsv", expected),
        ]
    assert [hit.archive_no for hit in search(pg_ws, phrase).hits] == ["GC-2024-00001"]


@pytest.mark.postgres
def test_migration_0019_makes_the_filter_indexes_carry_what_filters_alone_read(
    pg_ws: Workspace, pg_ledger: Ledger
) -> None:
    """A ledger of 0018 (plain filter indexes), upgraded: the three filter indexes INCLUDE filed_at and archive_no,
    and a search by filters alone, answered from one of them without reading the rows, finds what it found."""
    file_documents(pg_ws, pg_ledger, pg_ws.root / "来件")
    update_index(pg_ws, pg_ledger, rebuild=True)
    before = search(pg_ws, "category:业主档案").to_dict()
    assert [hit["archive_no"] for hit in before["hits"]] == ["YZ-2020-00001"]
    with pg_ledger.write() as conn:  # the layout of 0018
        for name, columns in {"category_date": "category, date", "date": "date", "unit": "unit"}.items():
            conn.exec_driver_sql(f"DROP INDEX ix_search_items_{name}")
            conn.exec_driver_sql(f"CREATE INDEX ix_search_items_{name} ON search_items ({columns})")
        undo_since_0021(conn)
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0018'")
    with open_ledger(pg_ws.database_url) as upgraded, upgraded.read() as conn:
        assert upgraded.revision() == HEAD_REVISION
        made = dict(
            conn.exec_driver_sql(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'search_items'"
                " AND indexname IN ('ix_search_items_category_date', 'ix_search_items_date', 'ix_search_items_unit')"
            ).all()
        )
        assert sorted(made) == ["ix_search_items_category_date", "ix_search_items_date", "ix_search_items_unit"]
        assert all(definition.endswith("INCLUDE (filed_at, archive_no)") for definition in made.values())
        conn.exec_driver_sql("SET enable_seqscan = off")  # five rows: the planner would rather read them all
        plan = conn.exec_driver_sql(
            "EXPLAIN (FORMAT JSON) SELECT archive_no, filed_at FROM search_items WHERE category = '业主档案'"
            " AND date >= '2019-01-01' ORDER BY filed_at DESC LIMIT 1001"
        ).scalar()
        assert "Index Only Scan" in json.dumps(plan)
    assert search(pg_ws, "category:业主档案").to_dict() == before


# -- a common word: only so many matches ranked -----------------------------------------------------------------


def _doc(number: str, filed_at: str, title: str, body: str, date: str) -> IndexDoc:
    return IndexDoc(
        number, {"title": title, "number": "", "unit": "", "owners": "", "meta": "", "body": body},
        f"{title}\n{body}", len(title) + 1, "s", "ok", date=date, filed_at=filed_at,
    )  # fmt: skip


@pytest.mark.postgres
def test_a_common_word_ranks_the_newest_matches_and_counts_at_least(
    pg_ws: Workspace, pg_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past ``RANKED`` matches, the newest filed ``RANKED`` are ranked and the count says "at least"; below it,
    or when the page asks for more, every match is ranked; the date and 档号 sorts stay exact."""
    index = PostgresIndex(pg_ledger.engine)
    docs = [
        _doc("GC-2026-00001", "2026-01-01", "电梯 梯", "电梯 梯", "2026-03-01"),  # the oldest: a title hit
        _doc("GC-2026-00002", "2026-01-02", "", "电梯 梯 水泵", "2026-01-05"),
        _doc("GC-2026-00003", "2026-01-03", "", "水泵", "2026-06-01"),  # no match
        _doc("GC-2026-00004", "2026-01-04", "", "电梯 梯 电梯 梯", "2025-12-01"),
        _doc("GC-2026-00005", "2026-01-05", "", "电梯 梯", "2026-02-01"),
    ]
    prepared = [postgresql.prepare(doc) for doc in docs[::2]]  # as a big rebuild's workers send them
    assert [doc.prepared for doc in prepared] == [postgresql.copy_row(doc) for doc in docs[::2]]
    assert all(doc.columns == {} for doc in prepared)
    with index.lock(5):
        index.rebuild([*prepared, *docs[1::2]])
    word = ((Phrase(("电梯",)),),)

    def page(sort: str = "relevance", limit: int | None = 2) -> tuple[list[str], int, bool]:
        found = index.search(SearchRequest(word, sort=sort, limit=limit))
        return [item.archive_no[-1] for item in found.items], found.total, found.exact

    assert page() == (["1", "4"], 4, True)  # every match ranked: the title hit first, then the denser text
    monkeypatch.setattr(postgresql, "RANKED", 3)
    assert page() == (["4", "5"], 3, False)  # the newest 3 ranked: 1, the oldest, is not among them
    assert page(limit=None) == (["1", "4", "5", "2"], 4, True)
    assert page(limit=4) == (["1", "4", "5", "2"], 4, True)  # a page as long as the matches: all ranked
    assert page("date") == (["1", "5"], 3, False)
    assert page("number", limit=3) == (["1", "2", "4"], 3, False)
    assert page("number", limit=20) == (["1", "2", "4", "5"], 4, True)
    with index.lock(5):  # an undated match: after every dated one in the date order
        index.update([_doc("GC-2026-00006", "2026-01-06", "", "电梯 梯", "")])
    assert page("date", limit=None) == (["1", "5", "2", "4", "6"], 5, True)
    assert page("date", limit=4) == (["1", "5", "2", "4"], 4, False)
    result = search(pg_ws, "电梯", limit=2)
    assert (result.total, result.exact_total, result.total_text) == (3, False, "至少 3 条")
    assert result.to_dict()["total_exact"] is False


@pytest.mark.postgres
def test_the_plan_of_a_ranked_search_follows_how_many_texts_can_match(
    pg_ws: Workspace, pg_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The planner multiplies a phrase's lexeme shares as if they were unrelated (a word in half the texts looks
    rare); the guess used instead is its rarest lexeme's.  Whichever way the candidates are read (GIN's
    bitmap, newest first, or GIN first and then newest first when there were more than the bound), the page and
    the count are the same."""
    index = PostgresIndex(pg_ledger.engine)
    docs = [
        _doc(f"GC-2026-{i:05d}", f"2026-01-01T{i // 60:02d}:{i % 60:02d}", "", body, "2026-01-01")
        for i in range(1, 601)
        for body in ["补偿 偿链 链 电梯 梯" if i % 6 == 0 else "补偿 偿 链条 条" if i % 6 == 1 else "水泵 泵"]
    ]
    with index.lock(5):
        index.rebuild(docs)
    word = (Phrase(("补偿", "偿链")),)
    with pg_ledger.engine.connect() as conn:
        planner = conn.exec_driver_sql(
            "EXPLAIN (FORMAT JSON) SELECT 1 FROM search_items WHERE tsv @@ %s::tsquery", (compile_tsquery([word]),)
        ).scalar()
        assert planner[0]["Plan"]["Plan Rows"] < 50  # type: ignore[index]  (100 hold it)
        assert 90 <= postgresql._expected_candidates(conn, SearchRequest((word,)), 600) <= 150
    monkeypatch.setattr(postgresql, "RANKED", 10)

    def page(limit: int = 20) -> tuple[list[str], int, bool]:
        found = index.search(SearchRequest((word,), limit=limit))
        return [item.archive_no for item in found.items], found.total, found.exact

    every = [f"GC-2026-{i:05d}" for i in range(600, 0, -6)]
    newest = every[:20]
    monkeypatch.setattr(postgresql, "GIN_FACTOR", 0)  # read newest first
    assert page() == (newest, 20, False)
    assert page(200) == (every, 100, True)
    monkeypatch.setattr(postgresql, "GIN_FACTOR", 10_000)  # GIN's bitmap
    assert page() == (newest, 20, False)
    assert page(200) == (every, 100, True)
    monkeypatch.setattr(postgresql, "GIN_SLACK", 0.001)  # GIN's bitmap, more than bound: then newest first
    assert page() == (newest, 20, False)
    assert index.search(SearchRequest(((Phrase(("无此",)),),))).total == 0


@pytest.mark.postgres
def test_gin_s_candidates_come_from_the_one_index_expected_to_give_the_fewest(
    pg_ws: Workspace, pg_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIN's candidates come from one index, never two ANDed: a name from its trigrams (``tri``), whose
    candidates hold the name in order; a common word with an archive number from ``tsv`` (the number is rare
    there; the word's trigram is in half the texts).  The planner could otherwise check the second column on
    each candidate, reading its tsvector (a name at a million items: 241 ms), or walk both posting lists.  The
    pages are those of the texts, in each sort."""
    index = PostgresIndex(pg_ledger.engine)
    bodies = {
        "name": "业主 主严 严磊 磊超 超",  # the name in order
        "apart": "严磊 磊 - 磊超 超",  # its two bigrams, apart
        "fee": "物业 业费 费",
        "other": "门窗 窗",
    }
    docs = []
    for i in range(1, 601):
        kind = "name" if i % 6 == 0 else "apart" if i % 6 == 1 else "fee" if i % 2 else "other"
        # two fee texts hold the contract number (and one other text)
        body = f"{bodies[kind]} n:ht-2024-00031" if i in (9, 303, 600) else bodies[kind]
        docs.append(_doc(f"GC-2026-{i:05d}", f"2026-01-01T{i // 60:02d}:{i % 60:02d}", "", body, "2026-01-01"))
    with index.lock(5):
        index.rebuild(docs)
    monkeypatch.setattr(postgresql, "GIN_FACTOR", 10_000)  # GIN's candidates, whatever the estimate
    sent: list[tuple[str, list[Any]]] = []  # the statements through psycopg's pipeline, with their parameters
    real_pipelined = postgresql._pipelined

    def watched(conn: Any, setting: str | None, statement: str, params: list[Any]) -> Any:
        sent.append((statement, params))
        return real_pipelined(conn, setting, statement, params)

    monkeypatch.setattr(postgresql, "_pipelined", watched)
    name = ((Phrase(("严磊", "磊超")),),)
    fee = ((Phrase(("物业", "业费")),), (Phrase(("n:ht-2024-00031",)),))
    named = [doc.archive_no for doc in docs if "严磊 磊超" in doc.columns["body"]]
    contract = [doc.archive_no for doc in docs if "物业 业费" in doc.columns["body"] and "n:ht" in doc.columns["body"]]
    assert len(named) == 100 and contract == ["GC-2026-00009", "GC-2026-00303"]
    for groups, truth, column in ((name, named, "tri"), (fee, contract, "tsv")):
        for sort, order in (("relevance", truth[::-1]), ("date", truth[::-1]), ("number", truth)):
            sent.clear()
            found = index.search(SearchRequest(groups, sort=sort, limit=20))
            assert [item.archive_no for item in found.items] == order[:20] and found.total == len(truth)
            [candidates] = [
                statement.split("found AS MATERIALIZED (", 1)[1].split(" LIMIT ", 1)[0]
                for statement, _params in sent
                if "found AS MATERIALIZED (" in statement
            ]
            assert [each for each in ("tsv @@", "tri @@", "pairs @@") if each in candidates] == [f"{column} @@"]
    # The candidates (a sixth of the items: the planner's estimate is right) are joined to their rows by the
    # primary key's lookups, never by hashing them against a walk of the whole table that reads every tsvector
    sent.clear()
    for sort in ("relevance", "number"):
        index.search(SearchRequest(name, sort=sort, limit=20))
    with pg_ledger.engine.connect() as conn:
        for statement, params in sent:
            with conn.begin():
                postgresql._opening(conn, True)
                conn.exec_driver_sql("SET LOCAL enable_bitmapscan = on")
                plan = conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}", tuple(params)).scalar()
            nodes, joins = [plan[0]["Plan"]], []  # type: ignore[index]
            while nodes:
                node = nodes.pop()
                nodes += node.get("Plans", [])
                joins += [node["Node Type"]] if "Join" in node["Node Type"] or "Nested" in node["Node Type"] else []
            assert joins and set(joins) == {"Nested Loop"}


@pytest.mark.postgres
def test_a_ranked_page_from_the_newest_months_is_the_page_read_newest_first(
    pg_ws: Workspace, pg_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A word in too many texts for all of GIN's candidates to be read, and in too few for reading newest first to
    be cheap, takes GIN's candidates filed in the newest months alone (each row's filing month is a lexeme of
    its own); when those months hold too few of its matches, all of GIN's candidates when few enough are
    expected, else it is read newest first.  Either way the newest ``RANKED`` matches are ranked: the page and
    the count the rules give."""
    index = PostgresIndex(pg_ledger.engine)
    docs = []
    for i in range(1, 721):  # 24 months of 30 items, 2025-01 to 2026-12
        year, month = 2025 + (i - 1) // 360, (i - 1) // 30 % 12 + 1
        lift = "电梯 梯井 井 电梯 梯井 井" if i % 15 == 0 else "电梯 梯井 井" if i % 5 == 0 else ""
        pump = "水泵 泵" if i % 3 == 0 and year == 2025 else ""  # only in the older year
        filed = f"{year}-{month:02d}-{(i - 1) % 30 // 2 + 1:02d}T09:{i % 60:02d}:00+08:00"
        docs.append(_doc(f"GC-{year}-{i:05d}", filed, "", f"{lift} 门窗 窗 {pump}", ""))
    with index.lock(5):
        index.rebuild(docs)
    monkeypatch.setattr(postgresql, "RANKED", 10)
    months: list[list[str]] = []
    real_months = postgresql._newest_months
    monkeypatch.setattr(postgresql, "_newest_months", lambda *args: months.append(real_months(*args)) or months[-1])
    reads: list[str] = []  # how each reading went: GIN's candidates in the newest months, all of them, newest first
    real_ranked = postgresql._ranked

    def watched(*args: Any, **kwargs: Any) -> Any:
        gin = args[5] if len(args) > 5 else kwargs.get("gin")
        if gin is None:
            reads.append("newest")
        else:  # the newest months' lexemes in tsv, or a filing time from the first of them
            reads.append("months" if "'f:20" in gin[1][0] else "filed" if "filed_at >= %s" in gin[0] else "gin")
        return real_ranked(*args, **kwargs)

    monkeypatch.setattr(postgresql, "_ranked", watched)

    def page(word: str) -> tuple[list[str], int, bool]:
        found = index.search(SearchRequest(((Phrase((word,)),),), limit=10))
        return [item.archive_no for item in found.items], found.total, found.exact

    def expected(word: str, doubled: int) -> list[str]:
        """The newest 10 holding ``word``: those holding it twice (``i % doubled == 0``) first, newest first each."""
        holding = [doc for doc in docs if word in doc.columns["body"]]
        newest = sorted(holding, key=lambda doc: (doc.filed_at, doc.archive_no), reverse=True)[:10]
        twice = [doc.archive_no for doc in newest if int(doc.archive_no[-5:]) % doubled == 0]
        return twice + [doc.archive_no for doc in newest if doc.archive_no not in twice]

    assert page("电梯") == (expected("电梯", 15), 10, False)  # 144 hold it: "at least" RANKED
    assert months[-1][0] >= "2026-06" and months[-1][-1] == "2027-01" and reads == ["months"]  # they held 11
    # The phrase 电梯井 (in the same texts) takes its candidates from the trigrams' index: the newest months are
    # then a filing time from the first of them (a column of the row, not a lexeme of ``tsv``)
    months.clear(), reads.clear()
    found = index.search(SearchRequest(((Phrase(("电梯", "梯井")),),), limit=10))
    assert ([item.archive_no for item in found.items], found.total) == (expected("电梯", 15), 10)
    assert months[-1][0] >= "2026-06" and reads == ["filed"]
    months.clear(), reads.clear()
    assert page("水泵") == (expected("水泵", 10**9), 10, False)  # 120 hold it, none in 2026: newest first
    assert months[-1][0] >= "2026-06" and reads == ["months", "newest"]
    monkeypatch.setattr(postgresql, "GIN_FACTOR", 10)  # 120 are few enough to read all of GIN's candidates
    reads.clear()
    assert page("水泵") == (expected("水泵", 10**9), 10, False) and reads == ["months", "gin"]
    monkeypatch.setattr(postgresql, "GIN_FACTOR", 1)
    # A prefix is never sliced (GIN gathers every lexeme under it), whatever its estimate (the planner's is 14 here)
    months.clear(), reads.clear()
    real_expected = postgresql._expected_from
    monkeypatch.setattr(postgresql, "_expected_from", lambda *args: 144.0)
    found = index.search(SearchRequest(((Phrase(("电",), prefix=True),),), limit=10))
    assert [item.archive_no for item in found.items] == expected("电梯", 15) and months == [] and reads == ["newest"]
    monkeypatch.setattr(postgresql, "_expected_from", real_expected)
    monkeypatch.setattr(postgresql, "GIN_FACTOR", 0)  # read newest first at once: the same pages
    months.clear(), reads.clear()
    assert page("电梯") == (expected("电梯", 15), 10, False)
    assert page("水泵") == (expected("水泵", 10**9), 10, False)
    assert months == [] and reads == ["newest", "newest"]


@pytest.mark.postgres
def test_a_search_is_planned_for_its_own_words_however_often_it_runs(pg_ws: Workspace, pg_ledger: Ledger) -> None:
    """psycopg prepares a statement run five times on one connection, and PostgreSQL may then plan it without its
    tsquery (generically): a search's statements are never prepared, on a long-lived connection too (the web
    page's), and the connection keeps its own setting for the ledger's statements."""
    index = PostgresIndex(pg_ledger.engine)
    with index.lock(5):
        index.rebuild([_doc(f"GC-2026-{i:05d}", f"2026-01-{i:02d}", "", "电梯 梯井 井", "") for i in range(1, 21)])
    pg_ledger.engine.dispose()  # (the rebuild's connections closed: the searches then share one)
    for sort in ("relevance", "date", "number") * 4:
        assert index.search(SearchRequest(((Phrase(("电梯", "梯井")),),), sort=sort, limit=5)).total == 20
    with pg_ledger.engine.connect() as conn:  # the pool's one connection: the searches' own
        prepared = conn.exec_driver_sql(
            "SELECT count(*) FROM pg_prepared_statements WHERE strpos(statement, 'search_items') > 0"
        ).scalar()
        assert prepared == 0 and conn.connection.driver_connection.prepare_threshold == 5


@pytest.mark.postgres
def test_a_search_turns_jit_off_for_its_transaction(pg_ws: Workspace, pg_ledger: Ledger) -> None:
    """The server's JIT compiled a phrase's plan at a million items for up to 190 ms of a 300 ms search: a search
    turns it off, for its own transaction only."""
    index = PostgresIndex(pg_ledger.engine)
    with index.lock(5):
        index.rebuild([_doc("GC-2026-00001", "2026-01-01", "", "电梯 梯", "")])
    with pg_ledger.engine.connect() as conn:
        server = conn.exec_driver_sql("SHOW jit").scalar()
        conn.rollback()
        for ranked in (False, True):
            with conn.begin():
                conn.exec_driver_sql("SET LOCAL jit = on")
                postgresql._opening(conn, ranked)
                assert conn.exec_driver_sql("SHOW jit").scalar() == "off"
            assert conn.exec_driver_sql("SHOW jit").scalar() == server  # the server's own setting again
            conn.rollback()


@pytest.mark.postgres
def test_a_sorted_page_is_the_same_from_gin_candidates_and_from_the_order_s_index(
    pg_ws: Workspace, pg_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page sorted by date or 档号 of a rare phrase is taken from GIN's candidates, sorted by their rows and
    checked in that order; of a common one, by walking the order's index.  Both give the page the sort rules
    give (dated newest first, ties by filing time and 档号, the undated last; 档号 ascending), with the same
    count, exact or "at least"."""
    index = PostgresIndex(pg_ledger.engine)
    docs = [
        _doc(
            f"GC-2026-{i:05d}",
            f"2026-01-01T{i // 60:02d}:{i % 60:02d}",
            "",
            "电梯 梯 水泵 泵" if i % 9 == 0 else "电梯 梯" if i % 3 == 0 else "门窗 窗",
            "" if i % 7 == 0 else f"2025-{i % 4 + 1:02d}-01",  # many ties in date; some undated
        )
        for i in range(1, 121)
    ]
    with index.lock(5):
        index.rebuild(docs)
    lift, pump = Phrase(("电梯",)), Phrase(("水泵",))
    matches = [doc for doc in docs if "电梯" in doc.columns["body"] and "水泵" not in doc.columns["body"]]
    by_date = [
        doc.archive_no
        for doc in sorted(matches, key=lambda doc: (doc.date != "", doc.date, doc.filed_at, doc.archive_no))[::-1]
    ]
    by_number = sorted(doc.archive_no for doc in matches)
    assert len(matches) == 27 and by_date[-1] in {doc.archive_no for doc in matches if doc.date == ""}
    monkeypatch.setattr(postgresql, "RANKED", 10)
    used: list[Any] = []
    real_sorted = postgresql._sorted

    def watched(*args: Any, **kwargs: Any) -> Any:
        found = real_sorted(*args, **kwargs)
        used.append(found[0][-1])  # the candidates
        return found

    monkeypatch.setattr(postgresql, "_sorted", watched)

    def page(sort: str, limit: int) -> tuple[list[str], int, bool]:
        found = index.search(SearchRequest(((lift,),), (pump,), sort=sort, limit=limit))
        return [item.archive_no for item in found.items], found.total, found.exact

    # (the bound at 0.001: 0.001 × √(16 × 10,000 × page × 120 items) candidates, 9 for a page of 5 and 24 for 30;
    # one more is taken to tell it was passed)
    for factor, slack, candidates in ((0, 4, []), (10_000, 4, [40] * 4), (10_000, 0.001, [10, 10, 25, 25])):
        monkeypatch.setattr(postgresql, "GIN_FACTOR", factor)  # 0: the order's index; else GIN's candidates ...
        monkeypatch.setattr(postgresql, "GIN_SLACK", slack)  # ... or more of them than the bound: the index then
        used.clear()
        assert page("date", 5) == (by_date[:5], 10, False)  # 27 match: "at least" RANKED
        assert page("number", 5) == (by_number[:5], 10, False)
        assert page("date", 30) == (by_date, 27, True)
        assert page("number", 30) == (by_number, 27, True)
        assert used == candidates  # 40 texts hold 电梯 (水泵 is checked on them)
    # The order's index is walked among the filters' items on purpose, at most WALK_SLACK times the items the
    # page needs at the expected share (40 of 120: 3 an item); when fewer than the page match there (the slack at
    # 0.001: the page's 5 items alone), the planner's own plan.  The same pages either way.
    monkeypatch.setattr(postgresql, "GIN_FACTOR", 0)
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith("SELECT archive_no, 0.0"):
            statements.append("walk" if " AS walked " in statement else "planner")

    sa.event.listen(pg_ledger.engine, "before_cursor_execute", seen)
    try:
        for slack, first_pages in ((4, ["walk"] * 2), (0.001, ["walk", "planner"] * 2)):
            monkeypatch.setattr(postgresql, "WALK_SLACK", slack)
            statements.clear()
            assert page("date", 5) == (by_date[:5], 10, False)
            assert page("number", 5) == (by_number[:5], 10, False)
            assert statements == first_pages
            # a page longer than the matches: each part's walk finds too few, the planner's plan gives them all
            statements.clear()
            assert page("date", 30) == (by_date, 27, True)
            assert page("number", 30) == (by_number, 27, True)
            assert statements == ["walk", "planner"] * 3
    finally:
        sa.event.remove(pg_ledger.engine, "before_cursor_execute", seen)
    # The walk's bound counts the filters' items alone (the phrase's share among them): the planner's estimate of
    # the filters is the last part of the estimate's plan
    plan = [{"Plan": {"Node Type": "Append", "Plans": [{"Plan Rows": 40.0}, {"Plan Rows": 30.0}]}}]
    assert postgresql._filtered_from(SearchRequest(((lift,),), filters=Filters(unit="3-2-1201")), plan, 120) == 30
    assert postgresql._filtered_from(SearchRequest(((lift,),)), plan[:1], 120) == 120
    # Filters alone in 档号 order: every match of the filters sorted (a walk of the 档号 index could read nearly all
    # rows first: numbers follow their category), whatever the estimate
    spring = Filters(date_from="2025-02-01", date_to="2025-03-31")
    dated = sorted(doc.archive_no for doc in docs if "2025-02-01" <= doc.date <= "2025-03-31")
    used.clear()
    found = index.search(SearchRequest(filters=spring, sort="number", limit=5))
    assert ([item.archive_no for item in found.items], found.total, found.exact) == (dated[:5], 10, False)
    found = index.search(SearchRequest(filters=spring, sort="number", limit=100))
    assert ([item.archive_no for item in found.items], found.total, found.exact) == (dated, len(dated), True)
    assert used == [len(dated)] * 2 and len(dated) == 52


@pytest.mark.postgres
def test_every_match_of_a_phrase_comes_from_the_index_of_its_neighbours(
    pg_ws: Workspace, pg_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When every match is wanted (a quoted phrase checked against the text), GIN's candidates come from the
    ``pairs`` and ``tri`` indexes alone (with the filters) and each is checked on its own tsvector, never by a
    second walk of ``tsv``'s posting lists; the matches, their order by each sort and their count are those of
    the documents."""
    index = PostgresIndex(pg_ledger.engine)
    bodies = ["维修 修 保养 养", "保养 养 - 维修 修", "维修 修 电梯 梯 保养 养", "门窗 窗"]
    docs = [
        _doc(f"GC-2026-{i:05d}", f"2026-01-01T{i // 60:02d}:{i % 60:02d}", "", bodies[i % 4],
             "" if i % 5 == 0 else f"2025-{i % 3 + 1:02d}-01")
        for i in range(1, 81)
    ]  # fmt: skip
    with index.lock(5):
        index.rebuild(docs)
    statements: list[str] = []  # what was sent through psycopg's pipeline (GIN's candidates)
    real_pipelined = postgresql._pipelined

    def watched(conn: Any, setting: str | None, statement: str, params: list[Any]) -> Any:
        statements.append(statement)
        return real_pipelined(conn, setting, statement, params)

    monkeypatch.setattr(postgresql, "_pipelined", watched)
    held = [doc for doc in docs if doc.columns["body"] == bodies[0]]  # the two words next to each other
    spring = [doc for doc in held if "2025-02-01" <= doc.date <= "2025-03-31"]
    truth = {
        "relevance": [doc.archive_no for doc in sorted(held, key=lambda doc: doc.filed_at, reverse=True)],
        "date": [doc.archive_no for doc in sorted(held, key=lambda doc: (doc.date != "", doc.date, doc.filed_at))][
            ::-1
        ],
        "number": [doc.archive_no for doc in held],
    }
    phrase = Phrase(("维修", "修", "保养"))
    for sort, expected in truth.items():
        statements.clear()
        found = index.search(SearchRequest(((phrase,),), sort=sort, limit=None))
        assert [item.archive_no for item in found.items] == expected and (found.total, found.exact) == (20, True)
        [statement] = statements
        candidates = statement.split("found AS MATERIALIZED (", 1)[1].split(" LIMIT ", 1)[0]
        assert "pairs @@" in candidates and "tsv" not in candidates
        assert "(tsv @@ %s::tsquery) IS TRUE" in statement
    found = index.search(
        SearchRequest(((phrase,),), filters=Filters(date_from="2025-02-01", date_to="2025-03-31"), limit=None)
    )
    assert sorted(item.archive_no for item in found.items) == sorted(doc.archive_no for doc in spring)
    assert found.total == len(spring) > 0
    # A phrase without neighbours (one bigram): the planner's own plan over tsv, as before
    statements.clear()
    found = index.search(SearchRequest(((Phrase(("门窗",)),),), sort="number", limit=None))
    assert [item.archive_no for item in found.items] == [doc.archive_no for doc in docs if "门窗" in doc.text]
    assert all("found AS MATERIALIZED" not in statement for statement in statements)


@pytest.mark.postgres
def test_gin_is_asked_for_the_estimated_groups_and_the_others_are_checked_on_the_text(
    pg_ws: Workspace, pg_ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A query of many words asks GIN only for the groups whose estimates were read (a few index entries walked,
    not twenty words' worth); the other words are checked on the candidates' texts, so the hits are exactly the
    texts holding every word."""
    index = PostgresIndex(pg_ledger.engine)
    docs = [
        _doc(f"GC-2026-{i:05d}", f"2026-01-01T{i // 60:02d}:{i % 60:02d}", "", body, "2026-01-01")
        for i in range(1, 301)
        for body in [
            "电梯 梯 水泵 泵 井盖 盖"
            if i in (7, 70, 170)
            else "电梯 梯 水泵 泵"
            if i % 3 == 0
            else "电梯 梯"
            if i % 2
            else "门窗 窗"
        ]
    ]
    with index.lock(5):
        index.rebuild(docs)
    request = SearchRequest(tuple((Phrase((word,)),) for word in ("电梯", "水泵", "井盖")), limit=20)
    monkeypatch.setattr(postgresql, "ESTIMATED_LEXEMES", 1)  # only the first group estimated, and asked of GIN
    monkeypatch.setattr(postgresql, "GIN_FACTOR", 10_000)  # GIN's candidates, whatever the estimate
    asked: list[Any] = []
    real_ranked = postgresql._ranked

    def watched(*args: Any, **kwargs: Any) -> Any:
        asked.append(kwargs.get("gin", args[5] if len(args) > 5 else None))
        return real_ranked(*args, **kwargs)

    monkeypatch.setattr(postgresql, "_ranked", watched)
    found = index.search(request)
    assert sorted(item.archive_no for item in found.items) == ["GC-2026-00007", "GC-2026-00070", "GC-2026-00170"]
    assert (found.total, found.exact) == (3, True)
    condition, params, _bound = asked[0]
    assert params[0] == "(('电梯'))"  # the first group alone: 水泵 and 井盖 were checked on the texts
    assert len(asked) == 1  # GIN's candidates were within the bound: no second reading newest first


# -- moving an index ------------------------------------------------------------------------------------------


@pytest.mark.postgres
def test_index_to_moves_between_backends_without_ocr_again(
    pg_ws: Workspace, pg_ledger: Ledger, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from recordkit.archive import extract

    config = pg_ws.config_file
    config.write_text(config.read_text(encoding="utf-8").replace('backend = ""', 'backend = "sqlite"'), "utf-8")
    file_documents(pg_ws, pg_ledger, pg_ws.root / "来件")
    assert run_cli("index").exit_code == 0
    assert isinstance(open_index(archive_workspace(pg_ws.root, import_units=False)), SqliteIndex)
    queries = ("梯维", "张伟", "3#2-1201", "2025年3月", "维修 -电梯")
    on_sqlite = {query: run_cli("search", query, "--json").stdout for query in queries}

    def no_reading(*_: Any, **__: Any) -> Any:
        raise AssertionError("a text was read again")

    monkeypatch.setattr(extract, "_extract", no_reading)
    moved = run_cli("index", "--to", "postgresql")
    assert moved.exit_code == 0, moved.output
    assert moved.stdout.splitlines()[-1] == '已在 recordkit.toml 的 [search] 中写入 backend = "postgresql"'
    assert '\nbackend = "postgresql"\n' in config.read_text(encoding="utf-8")
    moved_ws = archive_workspace(pg_ws.root, import_units=False)
    assert isinstance(open_index(moved_ws), PostgresIndex)
    on_postgres = {query: run_cli("search", query, "--json").stdout for query in queries}
    assert _without_scores(on_postgres) == _without_scores(on_sqlite)
    assert json.loads(run_cli("index", "--verify", "--json").stdout)["ok"]

    back = run_cli("index", "--to", "sqlite", "--json")
    assert back.exit_code == 0 and json.loads(back.stdout)["added"] == 5
    assert _without_scores({query: run_cli("search", query, "--json").stdout for query in queries}) == (
        _without_scores(on_sqlite)
    )


@pytest.mark.postgres
def test_a_clerks_pc_is_told_when_the_server_moved_the_index_to_sqlite(
    pg_ws: Workspace, pg_ledger: Ledger, run_cli: Any, tmp_path: Path
) -> None:
    """After ``index --to sqlite`` on the server, a clerk's PC (the same PostgreSQL ledger, no shared folder)
    still searched the index left in the database, which nothing updates any more: the scans filed since were
    "not found", with no word of why.  Every search there now says so (stderr, the JSON, the web page) and so does
    doctor; moving the index back ends it."""
    file_documents(pg_ws, pg_ledger, pg_ws.root / "来件")
    assert run_cli("index").exit_code == 0
    pc = init_workspace(tmp_path / "文员电脑", office="测试物业服务中心", estate="测试小区")
    config = pc / "recordkit.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace('url = ""', f'url = "{pg_ws.database_url}"', 1), encoding="utf-8"
    )
    at_pc = {"RECORDKIT_HOME": str(pc)}
    before = run_cli("search", "曳引钢丝绳", env=at_pc)
    assert before.exit_code == 0 and before.stderr == ""

    moved = run_cli("index", "--to", "sqlite")
    assert moved.exit_code == 0, moved.output
    later = write_docx(tmp_path / "水泵房巡检记录.docx", "地下一层水泵房巡检，二号泵轴承异响，已报修。")
    assert run_cli("file", str(later), "--category", "工程档案", "--title", "水泵房巡检记录").exit_code == 0
    assert [hit["title"] for hit in json.loads(run_cli("search", "轴承异响", "--json").stdout)["hits"]] == [
        "水泵房巡检记录"
    ]  # on the server: its SQLite index

    warning = (
        "这里查的是台账数据库里的旧检索索引：服务器已于 2026年12月5日 把索引搬到服务器上的 SQLite FTS5"
        "（records/index/search.sqlite3）（recordkit index --to sqlite），此后归档或改动的档案在这里查不到。"
        "请到服务器上检索，或请管理员在服务器上运行 recordkit index --to postgresql 把索引搬回台账数据库，"
        "各台电脑就都能检索"
    )
    old = run_cli("search", "曳引钢丝绳", env=at_pc)
    assert old.exit_code == 0 and "电梯维修记录" in old.stdout
    assert old.stderr == f"注意：{warning}\n"
    new = run_cli("search", "轴承异响", env=at_pc)
    assert new.exit_code == 1
    assert new.stdout == "没有找到包含“轴承异响”的档案\n" and new.stderr == f"注意：{warning}\n"
    assert json.loads(run_cli("search", "曳引钢丝绳", "--json", env=at_pc).stdout)["index_warning"] == warning
    doctor = run_cli("doctor", "--json", env=at_pc)
    [check] = [check for check in json.loads(doctor.stdout) if check["name"] == "检索索引"]
    assert check["ok"] is False and check["detail"].endswith(warning)
    assert json.loads(run_cli("search", "曳引钢丝绳", "--json").stdout)["index_warning"] is None  # the server
    from recordkit.core.workspace import open_workspace
    from recordkit.web.app import create_app
    from tests.web_helpers import Browser, text_of

    pc_ws = open_workspace(pc, environ={})
    with open_ledger(pc_ws.database_url) as pc_ledger:
        page = Browser(create_app(pc_ws, accounts_required=False, ledger=pc_ledger)).get("/search?q=曳引钢丝绳")
        assert page.status_code == 200 and f"注意：{warning}" not in text_of(page)
        assert (
            "注意：这里查的是台账数据库里的旧检索索引：服务器已于 2026年12月5日 把索引搬到服务器上的 SQLite FTS5"
            "（records/index/search.sqlite3），此后归档或改动的档案在这里查不到。请到服务器上检索，"
            "或请管理员在服务器上把索引搬回台账数据库，各台电脑就都能检索"
        ) in text_of(page)  # the same, in words: the page has no command line

    back = run_cli("index", "--to", "postgresql")
    assert back.exit_code == 0, back.output
    found = run_cli("search", "轴承异响", "--json", env=at_pc)
    assert found.exit_code == 0 and found.stderr == ""
    result = json.loads(found.stdout)
    assert [hit["title"] for hit in result["hits"]] == ["水泵房巡检记录"] and result["index_warning"] is None


def _without_scores(outputs: dict[str, str]) -> dict[str, Any]:
    found = {}
    for query, output in outputs.items():
        result = json.loads(output)
        for hit in result["hits"]:
            del hit["score"]
        found[query] = result
    return found


def test_index_to_postgresql_needs_a_postgresql_ledger(workspace: Workspace, run_cli: Any) -> None:
    result = run_cli("index", "--to", "postgresql")
    assert result.exit_code == ConfigError.exit_code
    assert result.stderr.strip().startswith("错误：检索索引只能放进 PostgreSQL 台账所在的数据库")
    assert run_cli("index", "--to", "elastic").stderr.strip() == "错误：--to 应为 sqlite 或 postgresql，而不是“elastic”"
    assert result.stderr == (
        "错误：检索索引只能放进 PostgreSQL 台账所在的数据库：这个工作区的台账是 SQLite。"
        "请先在 recordkit.toml 的 [database] url 写 PostgreSQL 地址\n"
    )


def test_index_to_postgresql_on_a_sqlite_ledger_given_by_the_environment_names_the_variable(
    workspace: Workspace, run_cli: Any
) -> None:
    """RECORDKIT_DATABASE_URL (a service's drop-in) naming the SQLite ledger: ``index --to postgresql`` sent the IT
    person to recordkit.toml's [database] url, which the variable overrides."""
    result = run_cli("index", "--to", "postgresql", env={"RECORDKIT_DATABASE_URL": workspace.database_url})
    assert result.exit_code == ConfigError.exit_code, result.output
    assert result.stderr == (
        "错误：检索索引只能放进 PostgreSQL 台账所在的数据库：这个工作区的台账是 SQLite。"
        "请先在环境变量 RECORDKIT_DATABASE_URL 写 PostgreSQL 地址\n"
    )


# -- everyone at once -------------------------------------------------------------------------------------------

WORDS = ("甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸", "子", "丑")


def _watcher(root: str, rounds: int) -> None:
    """The filing service: every round drops a .docx into the inbox and files it."""
    from recordkit.archive.watcher import InboxWatcher

    workspace = archive_workspace(Path(root), import_units=False)
    with open_ledger(workspace.database_url) as ledger:
        watcher = InboxWatcher(Archivist(workspace, ledger, "归档服务"), interval=0.01)
        for number in range(rounds):
            write_docx(
                workspace.records_subdir("inbox") / "工程档案" / f"巡检{number}.docx",
                f"巡检记录{WORDS[number]}字第{number}号，水泵运行正常。",
            )
            outcomes = watcher.run_once(sleep=lambda _: None)
            assert [outcome.status for outcome in outcomes] == ["filed"], outcomes


def _nightly(root: str, rounds: int) -> None:
    """The nightly run, again and again, one of them a rebuild."""
    workspace = archive_workspace(Path(root), import_units=False)
    with open_ledger(workspace.database_url) as ledger:
        for number in range(rounds):
            update_index(workspace, ledger, rebuild=number == 1, lock_timeout=60)
            time.sleep(0.05)


def _clerk(root: str, rounds: int) -> None:
    """A clerk searching: every hit is a filed item, found by what it holds, and the old documents always."""
    workspace = archive_workspace(Path(root), import_units=False)
    with open_ledger(workspace.database_url) as ledger:
        for _ in range(rounds):
            result = search(workspace, "水泵", limit=50)
            with ledger.read() as conn:
                catalogue = set(conn.exec_driver_sql("SELECT archive_no FROM archive_items").scalars())
            assert {hit.archive_no for hit in result.hits} <= catalogue
            assert all("水泵" in hit.snippet for hit in result.hits)
            assert [hit.title for hit in search(workspace, "钢丝绳").hits] == ["3号楼电梯维修记录"]


def _everyone(role: str, root: str, rounds: int) -> None:
    {"watcher": _watcher, "nightly": _nightly}.get(role, _clerk)(root, rounds)


def _run_role(root: str, rounds: int) -> None:
    _everyone(multiprocessing.current_process().name.split("-")[0], root, rounds)


@pytest.mark.postgres
@pytest.mark.parametrize("reached", ["directly", "through pgbouncer"])
def test_the_watcher_the_nightly_run_and_two_clerks_at_once(tmp_path: Path, postgres_url: str, reached: str) -> None:
    """Four processes at once, each running the same statements again and again: through pgbouncer in
    transaction mode too, where a statement prepared on one server connection is missing on the next, or is
    another process's statement of the same name."""
    url = postgres_url if reached == "directly" else through_pgbouncer(postgres_url)
    root = init_workspace(tmp_path / "ws")
    workspace = archive_workspace(root, url)
    use_postgres_ledger(workspace, url)
    workspace = archive_workspace(root, import_units=False)
    with open_ledger(workspace.database_url) as ledger:
        file_documents(workspace, ledger, tmp_path / "来件")
        update_index(workspace, ledger)
    rounds = len(WORDS)
    run_at_once(_run_role, (str(root), rounds), ["watcher", "nightly", "clerk-1", "clerk-2"], timeout=300)
    with open_ledger(workspace.database_url) as ledger:
        update_index(workspace, ledger)  # whatever was filed while the nightly run held the index
        assert verify_index(workspace, ledger).ok
    for number, word in enumerate(WORDS):
        assert [hit.title for hit in search(workspace, f"巡检记录{word}字").hits] == [f"巡检{number}"]
    assert search(workspace, "水泵", limit=50).total == rounds + 1  # and the 消防水泵房 of the first documents


# -- a search the server ends for a reason of its own ------------------------------------------------------------


@pytest.fixture
def relayed(tmp_path: Path, workspace: Workspace, postgres_ledger_url: str) -> tuple[Relay, Workspace]:
    """The sample documents filed and indexed on a PostgreSQL ledger reached through a ``Relay`` (which the test
    may cut or stop, as the server's restart does)."""
    relay = Relay(postgres_ledger_url)
    use_postgres_ledger(workspace, relay.url(postgres_ledger_url))
    ws = archive_workspace(workspace.root)
    with open_ledger(ws.database_url) as ledger:
        file_documents(ws, ledger, tmp_path / "来件")
        update_index(ws, ledger)
    return relay, ws


@pytest.mark.postgres
def test_a_search_the_server_ended_for_a_reason_of_its_own_is_asked_again(
    relayed: tuple[Relay, Workspace], monkeypatch: pytest.MonkeyPatch, run_cli: Any
) -> None:
    """A clerk's PC on a hot standby while the primary rebuilds the index: the replica cancels a search that holds
    the old table ("canceling statement due to conflict with recovery", SQLSTATE 40001), or ends its connection.
    Tried on a real standby (max_standby_streaming_delay 0, eight rebuilds in 40 s): 7 of 11,000 searches failed,
    5 of them as internal errors (exit 70: the dead connection failed again at the rollback, outside the search's
    own error handling).  Now such a search is asked again (twice at most), as is one whose connection was cut;
    a statement timeout is not (it would be cut again), nor a search whose server is gone."""
    relay, ws = relayed
    real_search = postgresql._search

    def searched(fail: Callable[[int], None]) -> tuple[Any, int]:
        """``recordkit search 水泵`` with each try of the search's statements failing as ``fail`` says (given the
        try's number); its result and how many tries were made."""
        tries: list[SearchRequest] = []

        def search_once(conn: Any, request: SearchRequest) -> Any:
            tries.append(request)
            fail(len(tries))
            return real_search(conn, request)

        monkeypatch.setattr(postgresql, "_search", search_once)
        return run_cli("search", "水泵", "--json"), len(tries)

    def conflict(attempt: int) -> None:
        if attempt == 1:
            raise psycopg.errors.SerializationFailure("canceling statement due to conflict with recovery")

    def cut(attempt: int) -> None:
        if attempt == 1:
            relay.cut()  # the connection this search holds, mid-way

    for fail in (conflict, cut):
        answered, tries = searched(fail)
        assert [hit["title"] for hit in json.loads(answered.stdout)["hits"]] == ["消防设施检查"]
        assert tries == 2

    def always(attempt: int) -> None:
        raise psycopg.errors.SerializationFailure("terminating connection due to conflict with recovery")

    failed, tries = searched(always)
    assert failed.exit_code == LedgerError.exit_code, failed.output  # not an internal error (70)
    assert failed.stderr.strip() == (
        "错误：检索没有做完：台账数据库中止了它（服务器说：terminating connection due to conflict with recovery）；"
        "请稍后再试"
    )
    assert tries == 3

    def timeout(attempt: int) -> None:
        raise psycopg.errors.QueryCanceled("canceling statement due to statement timeout")

    failed, tries = searched(timeout)
    assert failed.exit_code == LedgerError.exit_code
    assert "超过了数据库为这个账户设定的时限（statement_timeout）" in failed.stderr
    assert tries == 1

    monkeypatch.setattr(postgresql, "_search", real_search)
    relay.stop()
    gone = run_cli("search", "水泵")
    assert gone.exit_code == LedgerError.exit_code
    assert gone.stderr.startswith("错误：无法连接台账数据库（检索索引在其中）：connection failed")


@pytest.mark.postgres
def test_a_rebuild_or_an_update_cut_off_by_the_server_says_so_and_keeps_the_index(
    relayed: tuple[Relay, Workspace], postgres_ledger_url: str, monkeypatch: pytest.MonkeyPatch, run_cli: Any
) -> None:
    """The server restarting under the nightly run (an unattended minor update restarts PostgreSQL): tried on
    40,000 items, a rebuild cut at 5 s or at 22 s and an update cut half-way each ended in "程序内部错误
    （OperationalError）" (exit 70: the dead connection failed again in the clean-up, and COPY's errors came
    unwrapped from the driver).  Now: what happened, that the index is as it was, exit 7 (and the token-making
    processes end in order: ``test_the_worker_processes_end_with_a_big_build_whose_writer_failed``)."""
    relay, ws = relayed
    monkeypatch.setattr(indexer, "PARALLEL_FROM", 1)  # the worker processes of a big build too
    real_copy_rows = postgresql.copy_rows

    def cut_then_copy(cursor: Any, table: str, rows: Any, freeze: bool = False) -> None:
        relay.cut()  # every connection through the relay ends, as at a server's restart
        real_copy_rows(cursor, table, rows, freeze)

    monkeypatch.setattr(postgresql, "copy_rows", cut_then_copy)
    rebuilt = run_cli("index", "--rebuild")
    assert rebuilt.exit_code == LedgerError.exit_code, rebuilt.output
    said = "错误：重建检索索引没有做完：台账数据库中止了它（服务器说：[^）]+）；原来的索引照常可用，请稍后再运行 recordkit index --rebuild"
    assert re.fullmatch(said, rebuilt.stderr.strip()), rebuilt.stderr
    with psycopg.connect(driver_url(postgres_ledger_url), autocommit=True) as conn:
        tables = conn.execute("SELECT tablename FROM pg_tables WHERE tablename LIKE 'search_items%' ORDER BY 1")
        assert [name for (name,) in tables] == ["search_items"]  # the shadow dropped on a new connection
        conn.execute("DELETE FROM search_items WHERE archive_no = (SELECT min(archive_no) FROM search_items)")
    assert [hit.title for hit in search(ws, "水泵").hits] == ["消防设施检查"]

    updated = run_cli("index")
    assert updated.exit_code == LedgerError.exit_code, updated.output
    said = "错误：更新检索索引没有做完：台账数据库中止了它（服务器说：[^）]+）；这次什么也没有写入，请稍后再运行 recordkit index"
    assert re.fullmatch(said, updated.stderr.strip()), updated.stderr
    assert run_cli("index", "--verify").exit_code == 9  # the one missing item still missing

    monkeypatch.setattr(postgresql, "copy_rows", real_copy_rows)  # the server back: the next night's run
    assert run_cli("index").exit_code == 0
    assert run_cli("index", "--verify").exit_code == 0


@pytest.mark.postgres
def test_the_web_search_shows_full_numbers_for_a_long_query_on_postgresql(pg_ws: Workspace, pg_ledger: Ledger) -> None:
    """显示完整号码 ticked with a query of some 150 characters: the search was made, then journalling it failed
    (StringDataRightTruncation: the journal's key holds 128) and the page said 台账数据库出错 (503).  It shows the
    results, and the journal keeps the whole query."""
    from recordkit.web.app import create_app
    from tests.web_helpers import Browser, text_of

    file_documents(pg_ws, pg_ledger, pg_ws.root / "来件")
    update_index(pg_ws, pg_ledger)
    query = "水泵" + "".join(f" OR 没有这个词{n}" for n in range(16))
    assert len(f"网页检索 {query}") > 128
    page = Browser(create_app(pg_ws, accounts_required=False, ledger=pg_ledger)).get(
        "/search", query_string={"q": query, "private": "1"}
    )
    assert page.status_code == 200, text_of(page)
    assert "消防设施检查" in text_of(page)
    with pg_ledger.read() as conn:
        [entry] = [entry for entry in journal.recent(conn, 5) if entry.action == "private.view"]
    assert entry.after is not None and entry.after["what"] == f"网页检索 {query}"
    assert entry.key == f"网页检索 {query}"[:127] + "…"


@pytest.mark.postgres
def test_a_search_the_server_cut_short_is_told_on_the_page_in_chinese_and_logged_once(
    relayed: tuple[Relay, Workspace], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A search the server cancelled (an administrator's pg_cancel_backend, a statement_timeout) or ended with its
    connection (the server shutting down): the archive room's page quoted the server's English (服务器说：canceling
    statement due to user request), and the log said only "PostgreSQL search did not finish" — a server shutting
    down told there too, not as the ledger out of reach (and back) as every other page's failure is.  The page now
    says it in Chinese alone; the log has one line of it, with the server's words, the page and the query (masked:
    the line said neither, and a clerk's phone number in the query is no log's to keep); a server going away
    is logged as the ledger's outage."""
    from recordkit.web.app import create_app
    from tests.web_helpers import Browser

    _relay, ws = relayed
    log_file = setup_logging(ws)
    assert log_file is not None
    where = display_url(ws.database_url)
    cases = (
        (
            psycopg.errors.QueryCanceled("canceling statement due to user request"),
            "检索没有做完：台账数据库中止了它（详情见日志）；请稍后再试",
            "PostgreSQL search cut short by the server (/search, query '水泵 138****5678'): "
            "canceling statement due to user request",
        ),
        (
            psycopg.errors.QueryCanceled("canceling statement due to statement timeout"),
            "这次检索超过了数据库为这个账户设定的时限，已被数据库取消：请把检索词写得具体一些、加上筛选条件，"
            "或请管理员放宽数据库的这个时限",
            "PostgreSQL search cut short by the server (/search, query '水泵 138****5678'): "
            "canceling statement due to statement timeout",
        ),
        (
            psycopg.errors.AdminShutdown("terminating connection due to administrator command"),
            "检索没有做完：台账数据库中止了它（详情见日志）；请稍后再试",
            f"ledger {where} out of reach (/search): pages answer 503 until it answers again: "
            "terminating connection due to administrator command",
        ),
    )
    for error, told, logged in cases:

        def cut_short(_conn: Any, _request: Any, error: Exception = error) -> Any:
            raise error

        monkeypatch.setattr(postgresql, "_search", cut_short)
        start = log_file.stat().st_size if log_file.exists() else 0
        with open_ledger(ws.database_url) as ledger:
            # (the page and the query in the log's line: the query masked, a phone number typed in it too)
            page = Browser(create_app(ws, accounts_required=False, ledger=ledger)).get("/search?q=水泵 13812345678")
        assert page.status_code == 503
        [shown] = re.findall(r'<p class="problem"[^>]*>(.*?)</p>', page.get_data(as_text=True), flags=re.S)
        assert html.unescape(shown).strip() == told
        with log_file.open(encoding="utf-8") as log:
            log.seek(start)
            written = [line for line in log.read().splitlines() if re.match(r"\d{4}-\d\d-\d\d ", line)]
        assert [line.split(": ", 1)[1] for line in written] == [logged], written


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("error", "exit_code", "told", "logged"),
    [
        (
            psycopg.errors.QueryCanceled("canceling statement due to user request"),
            LedgerError.exit_code,
            None,
            "PostgreSQL search cut short by the server (query '水泵 138****5678'): "
            "canceling statement due to user request",
        ),
        (
            psycopg.errors.DataCorrupted("invalid page in block 3 of relation base/16384/16397"),
            IntegrityError.exit_code,
            "PostgreSQL 中的检索索引无法读取（InternalError）",
            "PostgreSQL search index unreadable (query '水泵 138****5678'): DataCorrupted: invalid page in block 3 of"
            " relation base/16384/16397",
        ),
    ],
    ids=["cut short", "damaged index"],
)
def test_a_search_command_that_failed_on_the_server_is_logged_in_one_line(
    relayed: tuple[Relay, Workspace],
    monkeypatch: pytest.MonkeyPatch,
    run_cli: Any,
    error: Exception,
    exit_code: int,
    told: str | None,
    logged: str,
) -> None:
    """``recordkit search`` cancelled by the server, or on an index the server cannot read (a damaged page), wrote
    two lines to the log: the search's or the index's (the driver's words) and the command's failure (with its
    message), and the damaged index's said nothing of what was searched.  It now writes one, with the query, its
    numbers masked."""
    _relay, ws = relayed

    def failing(_conn: Any, _request: Any) -> Any:
        raise error

    monkeypatch.setattr(postgresql, "_search", failing)
    start = log_size(ws)
    failed = run_cli("search", "水泵 13812345678")
    assert failed.exit_code == exit_code, failed.output
    assert told is None or told in failed.stderr
    assert messages_since(ws, start) == [logged]


@pytest.mark.postgres
def test_the_archive_web_page_goes_on_through_a_restart_of_the_postgresql_server(
    relayed: tuple[Relay, Workspace],
) -> None:
    """`recordkit serve` runs for months; its database restarts now and then (updates, a reboot).  Between two
    searches the server ended every connection: the next search answers as before; while the server is away
    the page says so (503, not an error of recordkit's); once it is back, the page answers again, without
    restarting the service."""
    from recordkit.web.app import create_app
    from tests.web_helpers import Browser, text_of

    relay, ws = relayed
    with open_ledger(ws.database_url) as ledger:
        browser = Browser(create_app(ws, accounts_required=False, ledger=ledger))

        def found() -> list[str]:
            page = browser.get("/search?q=水泵")
            assert page.status_code == 200, text_of(page)
            return re.findall(r"消防设施检查", text_of(page))

        assert found()
        assert browser.get('/search?q="').status_code == 400  # a query the clerk must correct
        relay.cut()  # every connection ended between two requests
        assert found()
        relay.stop()
        away = browser.get("/search?q=水泵")
        assert away.status_code == 503  # the service's state, not the clerk's query (400)
        # (said before the page, as every page says the ledger's database away: the index is in it)
        assert "出错了（503） 无法访问台账数据库 postgresql://" in text_of(away)
        assert "（详情见日志）" in text_of(away) and "connection failed" not in text_of(away)
        relay.start()
        assert found()
