"""How a rebuild's rows reach PostgreSQL (issue 17, the build rate): the binary form recordkit sends
(``postgresql.copy_row``: the tsvectors in PostgreSQL's binary form, the row in ``COPY … FORMAT binary``) beside
the baseline a careful engineer would write first: each tsvector as a literal, written token by token
(``'电梯':1A,12D``: the same rules of positions, weights, trigrams and pairs), the row sent by psycopg's
``write_row`` in COPY's text format.

The same documents (``bench_search``'s generator, ~300 characters, made by the indexer's own ``make_doc``) go
into two tables of a scratch database.  Before any timing line every row of the two tables is compared on the
server, column by column (``tsv``, ``tri``, ``pairs``, the text and the other columns): a difference ends the
run with 1.  Then, medians of ``--repeat`` runs: the client's CPU to make the rows (one process), and the wall
time of the COPY (psycopg writing them out, for the baseline escaping each value, and the server reading
them), with nothing else running.

    python benchmarks/bench_pg_copy.py --docs 20000 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from typing import Any

import bench_search as bench
import bench_search_pg as bench_pg
import psycopg
from pg_literals import literals
from rich.console import Console
from rich.table import Table

from recordkit.archive.extract import ItemText, PageText
from recordkit.search.backends import postgresql
from recordkit.search.backends.base import COLUMNS, IndexDoc
from recordkit.search.indexer import make_doc

WEIGHTS = postgresql.COLUMN_WEIGHTS


def text_row(doc: IndexDoc) -> tuple[Any, ...]:
    """The baseline's row: Python values for psycopg to write in COPY's text format."""
    return (
        doc.archive_no, doc.signature, doc.state, doc.category, doc.unit, doc.date, list(doc.owners), doc.filed_at,
        doc.body_start, json.dumps(dict(doc.shown), ensure_ascii=False), doc.text,
        *literals(
            [(weight, doc.columns.get(column, "")) for column, weight in zip(COLUMNS, WEIGHTS, strict=True)],
            doc.filed_at,
        ),
    )  # fmt: skip


def copy_literals(conn: psycopg.Connection[Any], table: str, rows: list[tuple[Any, ...]]) -> None:
    with conn.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(postgresql._COLUMNS)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def copy_binary(conn: psycopg.Connection[Any], table: str, rows: list[bytes]) -> None:
    with conn.cursor() as cursor:
        postgresql.copy_rows(cursor, table, rows)


def fresh_table(conn: psycopg.Connection[Any], name: str) -> None:
    """The index table as a rebuild makes it (its big columns compressed with lz4 where the server can)."""
    conn.execute(f"DROP TABLE IF EXISTS {name}")
    conn.execute(postgresql.schema_statements(name)[0].replace(f"{postgresql.TABLE}_pkey", f"{name}_pkey"))
    if (conn.execute(postgresql.HAS_LZ4).fetchone() or (False,))[0]:
        for column in postgresql.COMPRESSED:
            conn.execute(f"ALTER TABLE {name} ALTER COLUMN {column} SET COMPRESSION lz4")
    conn.commit()


def timed(make: Callable[[], Any], load: Callable[[Any], None]) -> tuple[float, float]:
    """(CPU seconds making the rows, wall seconds of the COPY)."""
    started = time.process_time()
    rows = make()
    made = time.process_time() - started
    started = time.perf_counter()
    load(rows)
    return made, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each timing; the median is shown")
    bench_pg.admin_url_argument(parser)
    args = parser.parse_args()
    console = Console(width=150)
    count = args.docs
    corpus = bench.generate(count, length=300)
    bench_pg._FILED[:] = bench_pg.filing_times(corpus, count)
    items = [
        (bench_pg._item(corpus, i), ItemText(f"{i:064x}", (PageText(1, corpus.texts[i], "text", None),)))
        for i in range(count)
    ]
    docs = [make_doc(item, (), text, "bench") for item, text in items]
    with bench_pg.scratch_database(args.admin_url) as url, psycopg.connect(url.replace("+psycopg", "")) as conn:
        # The same rows both ways, compared on the server before anything is timed.
        fresh_table(conn, "by_literals")
        copy_literals(conn, "by_literals", [text_row(doc) for doc in docs])
        fresh_table(conn, "by_binary")
        copy_binary(conn, "by_binary", [postgresql.copy_row(doc) for doc in docs])
        conn.commit()
        columns = " OR ".join(f"a.{column} IS DISTINCT FROM b.{column}" for column in postgresql._COLUMNS)
        differing = conn.execute(
            f"SELECT count(*) FROM by_literals a FULL JOIN by_binary b USING (archive_no) WHERE {columns}"
        ).fetchone()
        loaded = conn.execute("SELECT (SELECT count(*) FROM by_literals), (SELECT count(*) FROM by_binary)").fetchone()
        if differing != (0,) or loaded != (count, count):
            console.print(f"FAIL: rows differ between the two forms: {differing[0] if differing else '?'} of {count}")
            raise SystemExit(1)
        console.print(f"identical: 全部 {count:,} 行的每一列（tsv、tri、pairs、正文等）两种写法完全相同")

        results: dict[str, list[tuple[float, float]]] = {"literals": [], "binary": []}
        for _ in range(args.repeat):
            for name, make, load in (
                ("literals", lambda: [text_row(doc) for doc in docs], lambda rows: copy_literals(conn, "by_literals", rows)),
                ("binary", lambda: [postgresql.copy_row(doc) for doc in docs], lambda rows: copy_binary(conn, "by_binary", rows)),
            ):  # fmt: skip
                fresh_table(conn, f"by_{name}")
                results[name].append(timed(make, load))
                conn.commit()
    table = Table(title=f"写入 {count:,} 行检索索引（每项 {args.repeat} 次取中位数）")
    for header in ("写法", "生成行（客户端 CPU，毫秒/篇）", "COPY（写出并由服务器读入，秒）", "COPY（毫秒/篇）"):
        table.add_column(header, justify="right")
    medians = {}
    for name, label in (("literals", "基线：文本字面量 + write_row"), ("binary", "recordkit：二进制 COPY")):
        made = statistics.median(m for m, _ in results[name])
        copied = statistics.median(c for _, c in results[name])
        medians[name] = (made, copied)
        table.add_row(label, f"{made / count * 1000:.3f}", f"{copied:.2f}", f"{copied / count * 1000:.3f}")
    console.print(table)
    (made_l, copied_l), (made_b, copied_b) = medians["literals"], medians["binary"]
    console.print(
        f"binary / literals: client {made_b / made_l:.2f}×, COPY {copied_b / copied_l:.2f}×, "
        f"together {(made_b + copied_b) / (made_l + copied_l):.2f}×"
    )
    console.print(f"{'PASS' if made_b + copied_b < made_l + copied_l else 'MISS'}: the binary form costs less in all")


if __name__ == "__main__":
    main()
