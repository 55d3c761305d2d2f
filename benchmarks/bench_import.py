"""Owners-import benchmark: the real import against a naive row-at-a-time importer, same sheet, same run.

The sheet mixes kinds as real rosters do (issue 15): flats with 单元, flats without (5-1201), villas,
shops, parking spaces and storerooms written as whole codes in the 房号 column, and one unit in
twenty held by two co-owners written in one owner cell ("王建国、李秀兰").

Times ``recordkit owners import`` (a subprocess on a fresh workspace, start-up
included), the library's ``import_owners`` in-process, optionally the library on
PostgreSQL, and a naive importer that commits once per row.  Before comparing
speeds it checks that every ledger ends up with the same units, owners and
journal rows, so the comparison is honest.  Writing the sheet is not timed.

    python benchmarks/bench_import.py            # the issue's 20,000 rows
    python benchmarks/bench_import.py --rows 2000 --repeat 3   # median of three runs
    RECORDKIT_TEST_POSTGRES_URL=postgresql://user:pw@host/postgres python benchmarks/bench_import.py
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from rich.console import Console
from rich.table import Table

from recordkit.core.dates import parse_date
from recordkit.core.unitcodes import parse_unit_code, unit_code_from_parts
from recordkit.demo.roster import generate_estate
from recordkit.ledger import journal
from recordkit.ledger.db import Ledger, display_url, normalise_url, open_ledger
from recordkit.ledger.schema import journal as journal_table
from recordkit.ledger.schema import owners, unit_co_owners, units
from recordkit.owners.contacts import split_owner_names
from recordkit.owners.roster import import_owners, write_owner_sheet
from recordkit.owners.roster_sheet import parse_area, parse_status

ISSUE_ROWS = 20_000
GOAL_SPEEDUP = 5.0  # times faster than the naive importer
GOAL_SECONDS = 10.0  # wall time of `recordkit owners import` on the 2-core machine
SEED = 2026
OPERATOR = "bench"
POSTGRES_ENV = "RECORDKIT_TEST_POSTGRES_URL"


@dataclass(frozen=True)
class LedgerContent:
    """What an import left in a ledger, independent of row ids and timestamps."""

    units: int
    owners: int
    journal_rows: int
    fingerprint: str  # SHA-256 over every unit with its owner, in code order


@dataclass(frozen=True)
class Measurement:
    method: str
    rows: int
    samples: tuple[float, ...]  # one per repeat, each on a fresh ledger
    contents: tuple[LedgerContent, ...]

    @property
    def seconds(self) -> float:
        return statistics.median(self.samples)

    @property
    def content(self) -> LedgerContent:
        return self.contents[-1]


# -- the sheet and the ledgers ------------------------------------------------------------


#: One row in ten is not a flat with 单元: (how the 房号 cell writes it, from the row's index).
OTHER_KINDS: tuple[Callable[[int], str], ...] = (
    lambda i: f"{i // 100 + 100}栋{i % 100 + 1001}",  # a flat without 单元: 100-1001
    lambda i: f"{i // 10 + 1}号别墅",
    lambda i: f"商铺S-{i + 1}",
    lambda i: f"车位B1-{i + 1:03d}",
    lambda i: f"储藏室{i // 100 + 1}-{i % 100 + 1}",
)


def sheet_rows(rows: int) -> list[list[Any]]:
    """``rows`` demo units (the generator rounds up to whole buildings), of mixed kinds, some co-owned."""
    estate = generate_estate(seed=SEED, min_units=rows)[:rows]
    if len(estate) != rows:
        raise SystemExit(f"generate_estate gave {len(estate)} units, wanted {rows}")
    result = []
    for index, u in enumerate(estate):
        building: str | None
        entrance: str | None
        building, entrance, room = u.building, u.entrance, u.room
        if index % 10 == 9:
            building, entrance, room = None, None, OTHER_KINDS[(index // 10) % len(OTHER_KINDS)](index)
        owner = u.owner_name
        if owner and index % 20 == 3:
            owner = f"{owner}、{estate[(index + 7) % rows].owner_name or '李秀兰'}"
        result.append([building, entrance, room, u.floor_area, owner, u.phone, u.id_number, u.move_in_date, u.status])
    return result


def write_sheet(directory: Path, rows: int) -> Path:
    path = directory / "业主名册.xlsx"
    write_owner_sheet(path, sheet_rows(rows))
    return path


def ledger_content(url: str) -> LedgerContent:
    with open_ledger(url) as ledger, ledger.read() as conn:
        count = lambda table: conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()  # noqa: E731
        digest = hashlib.sha256()
        query = (
            sa.select(
                units.c.code,
                units.c.building,
                units.c.entrance,
                units.c.room,
                units.c.floor_area_hundredths,
                units.c.status,
                units.c.move_in_date,
                owners.c.name,
                owners.c.phone,
                owners.c.id_number,
            )
            .select_from(units.outerjoin(owners, units.c.owner_id == owners.c.id))
            .order_by(units.c.code)
        )
        for row in conn.execute(query.add_columns(units.c.kind, units.c.phase)):
            digest.update(repr(tuple(row)).encode("utf-8"))
        co_owned = (
            sa.select(units.c.code, unit_co_owners.c.position, owners.c.name)
            .select_from(
                unit_co_owners.join(units, units.c.id == unit_co_owners.c.unit_id).join(
                    owners, owners.c.id == unit_co_owners.c.owner_id
                )
            )
            .order_by(units.c.code, unit_co_owners.c.position)
        )
        for row in conn.execute(co_owned):
            digest.update(repr(tuple(row)).encode("utf-8"))
        return LedgerContent(count(units), count(owners), count(journal_table), digest.hexdigest()[:12])


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


# -- the three ways of importing -----------------------------------------------------------


def recordkit_command() -> list[str]:
    script = Path(sys.executable).parent / "recordkit"
    return [str(script)] if script.exists() else [sys.executable, "-m", "recordkit"]


def run_cli_import(directory: Path, sheet: Path) -> tuple[float, str]:
    """``recordkit init`` a fresh workspace (untimed), then time ``recordkit owners import``."""
    workspace = directory / "cli-workspace"
    # The benchmark's own environment must not redirect the workspace or its ledger.
    env = {key: value for key, value in os.environ.items() if not key.startswith("RECORDKIT_")}
    command = recordkit_command()
    subprocess.run([*command, "init", str(workspace)], check=True, capture_output=True, env=env)
    start = time.perf_counter()
    done = subprocess.run(
        [*command, "--workspace", str(workspace), "--operator", OPERATOR, "owners", "import", str(sheet)],
        capture_output=True,
        text=True,
        env=env,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"recordkit owners import failed ({done.returncode}):\n{done.stderr}")
    return seconds, sqlite_url(workspace / "records" / "ledger.sqlite3")


def run_library_import(url: str, sheet: Path) -> float:
    """``import_owners`` on a freshly migrated ledger; only the import is timed."""
    with open_ledger(url) as ledger:
        start = time.perf_counter()
        import_owners(ledger, sheet, OPERATOR)
        return time.perf_counter() - start


def inserted_id(conn: sa.Connection, statement: sa.Insert) -> int:
    """Run ``statement`` and return the id of the row it made."""
    key = conn.execute(statement).inserted_primary_key
    assert key is not None
    return int(key[0])


def naive_import(ledger: Ledger, sheet: Path, operator: str) -> int:
    """The importer a first-time developer writes: one transaction, and so one fsync, per row.

    For each row: look the unit up, look each owner up (owners holding several units
    must not be duplicated), insert an owner if new, insert the unit and its co-owners,
    journal the row's changes, commit.  It parses cells with the library's own helpers
    but skips the phone/ID checks, so it does less work than the real import, not more.
    """
    from openpyxl import load_workbook

    workbook = load_workbook(sheet, read_only=True, data_only=True)
    imported = 0
    try:
        for building, entrance, room, area, cell, phone, id_number, move_in, status in workbook.worksheets[0].iter_rows(
            min_row=2,
            max_col=9,
            values_only=True,  # the export's 关系 and later columns are left empty
        ):
            unit_code = (
                parse_unit_code(str(room))
                if building is None and entrance is None
                else unit_code_from_parts(building, entrance, room)
            )
            code = str(unit_code)
            names = split_owner_names(cell) if cell else []
            name = names[0] if names else None
            move_in_date = parse_date(move_in) if move_in is not None else None
            unit_status = (
                parse_status(status) if status else ("occupied" if move_in_date else "delivered" if name else "vacant")
            )
            with ledger.write() as conn:
                if conn.execute(sa.select(units.c.id).where(units.c.code == code)).first() is not None:
                    continue
                changes: list[journal.Change] = []
                owner_ids = []
                for position, person_name in enumerate(names):
                    person = (
                        {"name": person_name, "phone": phone, "id_number": id_number}
                        if position == 0
                        else {"name": person_name, "phone": None, "id_number": None}
                    )
                    match = (
                        owners.c.id_number == person["id_number"]
                        if person["id_number"]
                        else sa.and_(
                            owners.c.name == person_name,
                            owners.c.phone == person["phone"]
                            if person["phone"]
                            else sa.or_(owners.c.phone.is_(None), owners.c.phone == ""),
                            owners.c.id_number.is_(None),
                        )
                    )
                    owner_id = conn.execute(sa.select(owners.c.id).where(match).limit(1)).scalar()
                    if owner_id is None:
                        owner_id = inserted_id(conn, owners.insert().values(**person))
                        changes.append(journal.Change("owner.create", "owner", str(owner_id), None, person))
                    owner_ids.append(owner_id)
                values: dict[str, Any] = {
                    "code": code,
                    "kind": unit_code.kind,
                    "phase": unit_code.phase,
                    "building": unit_code.building,
                    "entrance": unit_code.entrance,
                    "room": unit_code.room,
                    "floor_area_hundredths": parse_area(area),
                    "status": unit_status,
                    "owner_id": owner_ids[0] if owner_ids else None,
                    "move_in_date": move_in_date,
                }
                unit_id = inserted_id(conn, units.insert().values(**values))
                changes.append(
                    journal.Change(
                        "unit.create",
                        "unit",
                        code,
                        None,
                        {
                            "floor_area": f"{values['floor_area_hundredths'] / 100:.2f}",
                            "status": unit_status,
                            "owner": name,
                            "owner_id_number": id_number,
                            "move_in_date": move_in_date.isoformat() if move_in_date else None,
                        },
                    )
                )
                for position, owner_id in enumerate(owner_ids[1:], start=2):
                    conn.execute(unit_co_owners.insert().values(unit_id=unit_id, owner_id=owner_id, position=position))
                if len(owner_ids) > 1:
                    changes.append(journal.Change("unit.co_owners", "unit", code, None, {"co_owners": names[1:]}))
                journal.record(conn, operator, changes)
            imported += 1
    finally:
        workbook.close()
    return imported


def run_naive_import(url: str, sheet: Path) -> float:
    with open_ledger(url) as ledger:
        start = time.perf_counter()
        naive_import(ledger, sheet, OPERATOR)
        return time.perf_counter() - start


def run_postgres_import(server_url: str, sheet: Path) -> tuple[float, LedgerContent]:
    """The library import on a database created for this run (and dropped after it)."""
    server = sa.engine.make_url(normalise_url(server_url))
    name = f"recordkit_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        url = server.set(database=name).render_as_string(hide_password=False)
        try:
            seconds = run_library_import(url, sheet)
            return seconds, ledger_content(url)
        finally:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


# -- report ----------------------------------------------------------------------------


def check_content(measurements: list[Measurement], rows: int) -> list[str]:
    """Each ledger holds ``rows`` units and the same owners and journal as the naive one (measured last)."""
    problems = []
    reference = measurements[-1].content
    for m in measurements:
        for content in m.contents:
            if content.units != rows:
                problems.append(f"{m.method}: {content.units} units in the ledger, expected {rows}")
            for field_name in ("owners", "journal_rows", "fingerprint"):
                mine, theirs = getattr(content, field_name), getattr(reference, field_name)
                if mine != theirs:
                    problems.append(f"{m.method}: {field_name} is {mine}, the naive ledger has {theirs}")
    return problems


def print_report(console: Console, measurements: list[Measurement], rows: int) -> bool:
    naive = measurements[-1]
    table = Table(title=f"业主名册导入 owners import — {rows:,} rows", header_style="bold")
    for header in ("method", "rows", "seconds", "rows/s", "speed-up vs naive", "units", "owners", "journal"):
        table.add_column(header, justify="left" if header == "method" else "right")
    for m in measurements:
        table.add_row(
            m.method,
            f"{m.rows:,}",
            f"{m.seconds:.2f}",
            f"{m.rows / m.seconds:,.0f}",
            f"{naive.seconds / m.seconds:.1f}x",
            f"{m.content.units:,}",
            f"{m.content.owners:,}",
            f"{m.content.journal_rows:,}",
        )
    console.print(table)
    if len(naive.samples) > 1:
        console.print(f"seconds are the median of {len(naive.samples)} runs, each on a fresh ledger")
    console.print(f"ledger fingerprint (units + owners): {naive.content.fingerprint} — identical in every ledger")

    cli, library = measurements[0], measurements[1]
    goals = [
        (
            f"≥ {GOAL_SPEEDUP:g}x faster than naive, end to end (CLI, incl. start-up and first-use migration)",
            naive.seconds / cli.seconds >= GOAL_SPEEDUP,
            f"{naive.seconds / cli.seconds:.1f}x",
        ),
        (
            f"≥ {GOAL_SPEEDUP:g}x faster than naive, like for like (library, in-process, ledger already open)",
            naive.seconds / library.seconds >= GOAL_SPEEDUP,
            f"{naive.seconds / library.seconds:.1f}x",
        ),
        (f"< {GOAL_SECONDS:g} s for recordkit owners import", cli.seconds < GOAL_SECONDS, f"{cli.seconds:.2f} s"),
    ]
    for text, ok, value in goals:
        console.print(f"{'PASS' if ok else 'FAIL'}  {text}: {value}")
    if rows != ISSUE_ROWS:
        console.print(f"(the goals are stated for {ISSUE_ROWS:,} rows; this run used {rows:,})")
    return all(ok for _, ok, _ in goals)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ISSUE_ROWS, help=f"sheet rows (default {ISSUE_ROWS})")
    parser.add_argument("--repeat", type=int, default=1, help="runs per method; the table shows the median")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and print its path")
    args = parser.parse_args(argv)
    console = Console(width=None if sys.stdout.isatty() else 120, highlight=False)

    directory = Path(tempfile.mkdtemp(prefix="recordkit-bench-import-"))
    try:
        started = time.perf_counter()
        sheet = write_sheet(directory, args.rows)
        console.print(
            f"sheet: {args.rows:,} rows, {sheet.stat().st_size / 1e6:.1f} MB, "
            f"written in {time.perf_counter() - started:.1f} s (not timed); "
            f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, SQLAlchemy {sa.__version__}"
        )

        measurements: list[Measurement] = []

        def measure(method: str, run: Callable[[int], tuple[float, LedgerContent]]) -> None:
            console.print(f"running: {method} …")
            results = [run(attempt) for attempt in range(args.repeat)]
            measurements.append(
                Measurement(method, args.rows, tuple(s for s, _ in results), tuple(c for _, c in results))
            )

        def cli(attempt: int) -> tuple[float, LedgerContent]:
            seconds, url = run_cli_import(directory / f"cli-{attempt}", sheet)
            return seconds, ledger_content(url)

        def library(attempt: int) -> tuple[float, LedgerContent]:
            url = sqlite_url(directory / f"library-{attempt}.sqlite3")
            return run_library_import(url, sheet), ledger_content(url)

        def naive(attempt: int) -> tuple[float, LedgerContent]:
            url = sqlite_url(directory / f"naive-{attempt}.sqlite3")
            return run_naive_import(url, sheet), ledger_content(url)

        measure("CLI: recordkit owners import (SQLite)", cli)
        measure("library: import_owners (SQLite)", library)
        if server_url := os.environ.get(POSTGRES_ENV):
            console.print(f"PostgreSQL: {display_url(server_url)}")
            measure("library: import_owners (PostgreSQL)", lambda _attempt: run_postgres_import(server_url, sheet))
        measure("naive: commit per row (SQLite)", naive)

        problems = check_content(measurements, args.rows)
        if problems:
            for problem in problems:
                console.print(f"[red]ledger mismatch[/]: {problem}")
            return 2
        print_report(console, measurements, args.rows)
        return 0
    finally:
        if args.keep:
            console.print(f"kept: {directory}")
        else:
            shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
