"""``recordkit db move`` of the demo estate's SQLite ledger into PostgreSQL: how long the office's writes wait.

recordkit sends each table's rows by ``COPY`` (``ledger.move._copy``); the baseline is what a careful engineer
would write first with SQLAlchemy: ``conn.execute(table.insert(), rows)`` for each batch of the same rows
(psycopg's pipelined executemany).  Everything else — reading the old ledger, reading the copy back and comparing
it, the journal's check, the sequences — is the same code in both.  Before any timing line the two new ledgers are
compared on the server, every table row by row in primary-key order: a difference ends the run with 1.  Medians
of ``--repeat`` runs, each into a new database, from a fresh copy of the old ledger.  No issue names a goal for
this command: the table says what a clerk waits.

    python benchmarks/bench_ledger_move.py --admin-url postgresql://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy as sa
from rich.console import Console
from rich.table import Table

import recordkit.ledger.move as move
from recordkit.demo.estate import build_demo
from recordkit.ledger.db import open_ledger
from recordkit.ledger.schema import metadata


def insert_batch(conn: sa.Connection, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
    """The baseline: SQLAlchemy's own executemany INSERT."""
    conn.execute(table.insert(), list(rows))


@contextmanager
def scratch_database(admin_url: str) -> Iterator[str]:
    name = f"rk_bench_move_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield str(sa.engine.make_url(admin_url).set(database=name).render_as_string(hide_password=False))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_once(ledger_file: Path, target_url: str, copy: Callable[..., None], folder: Path) -> float:
    """Seconds of ``move_ledger`` (the write lock held), from a fresh copy of the old ledger."""
    source_file = folder / f"source-{uuid.uuid4().hex[:6]}.sqlite3"
    shutil.copyfile(ledger_file, source_file)
    move._copy = copy
    with open_ledger(f"sqlite:///{source_file}") as source, open_ledger(target_url) as target:
        started = time.perf_counter()
        move.move_ledger(source, target, "基准测试")
        return time.perf_counter() - started


def table_rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every ledger table of ``url``, rows in primary-key order (the journal without its move-in entry's time)."""
    found = {}
    with psycopg.connect(url) as conn:
        for table in metadata.sorted_tables:
            key = ", ".join(column.name for column in table.primary_key.columns)
            rows = conn.execute(f"SELECT * FROM {table.name} ORDER BY {key}").fetchall()
            if table.name == "journal":  # the move-in entry is stamped with its own time and hash
                rows = rows[:-1]
            found[table.name] = rows
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--admin-url", default=os.environ.get("RECORDKIT_TEST_POSTGRES_URL", ""))
    parser.add_argument("--units", type=int, default=0, help="demo units (0: the demo's own size)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not args.admin_url:
        parser.error("--admin-url (or RECORDKIT_TEST_POSTGRES_URL) is needed")
    admin_url = args.admin_url.replace("postgresql+psycopg://", "postgresql://", 1)
    console = Console()
    ours = move._copy
    variants: dict[str, Callable[..., None]] = {"recordkit (COPY)": ours, "baseline (INSERT executemany)": insert_batch}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        console.print("building the demo estate …")
        build_demo(folder / "demo", **({"min_units": args.units} if args.units else {}))
        ledger_file = folder / "demo" / "records" / "ledger.sqlite3"
        with open_ledger(f"sqlite:///{ledger_file}") as ledger, ledger.read() as conn:
            total = sum(
                conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one() for t in metadata.tables.values()
            )

        # Same output first: one move of each, compared table by table on the server.
        contents = []
        for copy in variants.values():
            with scratch_database(admin_url) as url:
                run_once(ledger_file, url, copy, folder)
                contents.append(table_rows(url))
        if contents[0] != contents[1]:
            differing = [name for name in contents[0] if contents[0][name] != contents[1][name]]
            console.print(f"[red]the two moves differ in {differing}: no timing[/red]")
            return 1
        console.print(f"both moves identical: {total:,} rows in {len(contents[0])} tables")

        seconds: dict[str, list[float]] = {name: [] for name in variants}
        for _ in range(args.repeat):
            for name, copy in variants.items():  # interleaved: a slow minute hits both
                with scratch_database(admin_url) as url:
                    seconds[name].append(run_once(ledger_file, url, copy, folder))
        move._copy = ours

    table = Table(title=f"db move: the demo ledger ({total:,} rows) into PostgreSQL, median of {args.repeat}")
    for column in ("way", "median s", "runs s", "rows/s"):
        table.add_column(column, justify="right" if column != "way" else "left")
    for name, runs in seconds.items():
        median = statistics.median(runs)
        table.add_row(name, f"{median:.2f}", " ".join(f"{s:.2f}" for s in runs), f"{total / median:,.0f}")
    console.print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
