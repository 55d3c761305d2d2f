"""Shared fixtures: temporary workspaces, and the ledger on SQLite and on PostgreSQL.

PostgreSQL tests use the server named by RECORDKIT_TEST_POSTGRES_URL (an admin URL; each test gets a
database of its own: a copy of one migrated once per test process, or an empty one for the tests of
first use and migrations).  Without that server they skip locally, and fail under CI=true: CI must
exercise both backends.  SQLite ledgers are likewise copies of one file migrated once per process, and
the demo estate is built once per process and copied (``make test`` runs several processes).
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import os
import shutil
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from recordkit.cli import app
from recordkit.core.workspace import Workspace, init_workspace, open_workspace
from recordkit.ledger import journal
from recordkit.ledger.db import Ledger, open_ledger

#: The moment the suite runs at, whatever the machine's calendar says: its fixed dates (a bill of 2026-11, a
#: payment on 2026-11-23, archive numbers GC-2026-…, "not in the future") were written for late 2026, and a
#: suite that passes today must pass next year.  The clock ticks on from it (timeouts and waits still work);
#: processes a test starts (the watch service, the web server, ``recordkit`` in a pipe) run on the real clock
#: and are given their dates.  A test of the calendar's own edges moves it with ``time_machine.travel``.
SUITE_CLOCK = dt.datetime(2026, 12, 5, 10, 0, tzinfo=dt.UTC)
CLOCK_SITE = Path(__file__).with_name("clock")


@pytest.fixture(autouse=True, scope="session")
def suite_clock() -> Iterator[None]:
    import time

    import time_machine

    # The processes a test starts take the same clock (tests/clock/sitecustomize.py): how far it is behind.
    os.environ["TESTS_SUITE_CLOCK_OFFSET"] = repr(time.time() - SUITE_CLOCK.timestamp())
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(CLOCK_SITE), os.environ.get("PYTHONPATH")]))
    with time_machine.travel(SUITE_CLOCK, tick=True):
        yield


@pytest.fixture
def undeletable(monkeypatch: pytest.MonkeyPatch) -> set[Path]:
    """Folders whose files may not be deleted, as an inbox folder of another account (mode 0755) refuses the service:
    the suite runs as root, which removes any file, so ``Path.unlink`` refuses (``PermissionError``) where the
    operating system would.  Add folders to the set; empty it to let deletions through again."""
    import pathlib

    real_unlink = pathlib.Path.unlink
    refusing: set[Path] = set()

    def unlink(self: pathlib.Path, missing_ok: bool = False) -> None:
        if self.parent in refusing:
            raise PermissionError(13, "Permission denied", str(self))
        real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(pathlib.Path, "unlink", unlink)
    return refusing


PG_ENV = "RECORDKIT_TEST_POSTGRES_URL"


def _postgres_admin_url() -> str:
    url = os.environ.get(PG_ENV)
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {PG_ENV} is not set: the PostgreSQL tests must run in CI")
        pytest.skip(f"{PG_ENV} not set (PostgreSQL tests run in CI)")
    return url


PGBOUNCER_ENV = "RECORDKIT_TEST_PGBOUNCER_URL"


def through_pgbouncer(url: str) -> str:
    """The test database at ``url`` reached through the pgbouncer .ci/run starts in front of the test server, set
    up as an IT person would: transaction mode, and ``options`` in ``ignore_startup_parameters`` (pgbouncer
    refuses a client that sends them otherwise)."""
    import sqlalchemy as sa

    bouncer = os.environ.get(PGBOUNCER_ENV)
    if not bouncer:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {PGBOUNCER_ENV} is not set: the tests through pgbouncer must run in CI")
        pytest.skip(f"{PGBOUNCER_ENV} not set (the tests through pgbouncer run in CI)")
    pooled = sa.engine.make_url(bouncer)
    return sa.engine.make_url(url).set(host=pooled.host, port=pooled.port).render_as_string(hide_password=False)


def driver_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def as_admin(*statements: str) -> None:
    """Statements of the test server's administrator (accounts, grants, a database's settings), in autocommit."""
    import psycopg

    with psycopg.connect(driver_url(os.environ[PG_ENV]), autocommit=True) as admin:
        for statement in statements:
            admin.execute(statement)


def database_of(url: str) -> str:
    return driver_url(url).rsplit("/", 1)[1]


def set_database(url: str, setting: str) -> None:
    """``ALTER DATABASE`` the test database at ``url`` ``setting`` (as its administrator would): sessions opened
    after it have it."""
    as_admin(f'ALTER DATABASE "{database_of(url)}" {setting}')


#: The languages a test server may speak: a server installed on a Chinese system speaks Simplified Chinese
#: (initdb takes ``lc_messages`` from the system's locale), and recordkit must read its refusals as well as the
#: English ones.  .ci/run makes the zh_CN.UTF-8 locale the server needs for it.
SERVER_LANGUAGES = {"en": "C", "zh_CN": "zh_CN.UTF-8"}


def speaking(url: str, language: str) -> None:
    """The test database at ``url`` set to answer in ``language`` (a ``SERVER_LANGUAGES`` key), checked by an
    error it then gives; fails in CI, skips elsewhere, where the server's machine lacks that locale."""
    import psycopg

    set_database(url, f"SET lc_messages = '{SERVER_LANGUAGES[language]}'")
    with psycopg.connect(driver_url(url), autocommit=True) as conn:
        try:
            conn.execute("SELECT 1 / 0")
        except psycopg.errors.DivisionByZero as err:
            said = str(err)
    if ("division by zero" in said) != (language == "en"):
        if os.environ.get("CI") == "true":
            pytest.fail(f"the test server does not speak {language} (it said {said!r}): is its locale made?")
        pytest.skip(f"the test server does not speak {language} here (it said {said!r})")


def _create_database(admin: Any, name: str, template: str = "", options: str = "") -> None:
    """CREATE DATABASE on the test server (from ``template`` when given, with ``options`` such as a locale);
    fails in CI, skips elsewhere."""
    clause = (f' TEMPLATE "{template}"' if template else "") + (f" {options}" if options else "")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"{clause}')
    except Exception as err:  # the server must be there in CI (and able to: a server built without ICU is not)
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL at {PG_ENV} could not make the test's database: {err}")
        pytest.skip(f"PostgreSQL could not make the test's database: {err}")


def _drop_database(admin: Any, name: str) -> None:
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def postgres_database(template: str = "", options: str = "") -> Iterator[str]:
    """A database of its own on the test server, dropped afterwards: empty, or a copy of ``template``
    (``options``: the rest of its CREATE DATABASE, a locale say)."""
    import sqlalchemy as sa

    from recordkit.ledger.db import normalise_url

    admin_url = normalise_url(_postgres_admin_url())
    name = f"rk_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        _create_database(admin, name, template, options)
        try:
            yield sa.engine.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        finally:
            _drop_database(admin, name)
    finally:
        admin.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards: for the tests of first use,
    migrations and schemas."""
    with postgres_database() as url:
        yield url


@pytest.fixture(scope="session")
def _postgres_template() -> Iterator[str]:
    """One database migrated to the newest schema, made once per test process; tests get copies of it
    (CREATE DATABASE … TEMPLATE costs ~0.05 s, migrating ~1 s)."""
    with postgres_database() as url:
        open_ledger(url).close()  # migrated, and no connection left: a template must have none
        yield sa_url_database(url)


@pytest.fixture
def postgres_ledger_url(_postgres_template: str) -> Iterator[str]:
    """A PostgreSQL database of this test's own, already migrated to the newest schema (a copy of the
    session's template): what a ledger looks like after ``recordkit init``."""
    with postgres_database(template=_postgres_template) as url:
        yield url


def sa_url_database(url: str) -> str:
    import sqlalchemy as sa

    return str(sa.engine.make_url(url).database)


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite ledger migrated to the newest schema, made once per test process; tests copy it."""
    path = tmp_path_factory.mktemp("ledger-template") / "ledger.sqlite3"
    open_ledger(f"sqlite:///{path}").close()  # the last connection closed: the WAL is folded into the file
    assert not Path(f"{path}-wal").exists()
    return path


def migrated_sqlite(template: Path, path: Path) -> str:
    """A copy of the migrated template at ``path``: what ``recordkit init`` leaves there; its URL."""
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def ledger_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The ledger URL of each backend in turn, already migrated: every test using it runs on both.
    A test of first use or of migrations marked ``fresh_ledger`` gets an empty database instead."""
    fresh = request.node.get_closest_marker("fresh_ledger") is not None
    if request.param == "sqlite":
        path = tmp_path / "ledger.sqlite3"
        return f"sqlite:///{path}" if fresh else migrated_sqlite(request.getfixturevalue("_sqlite_template"), path)
    return str(request.getfixturevalue("postgres_url" if fresh else "postgres_ledger_url"))


@pytest.fixture
def ledger(ledger_url: str) -> Iterator[Ledger]:
    with open_ledger(ledger_url) as opened:
        yield opened


@pytest.fixture(autouse=True)
def _log_handlers_as_found() -> Iterator[None]:
    """Each test leaves recordkit's loggers as it found them: a command run in the test's process (``index``, a repair,
    ``watch``) adds its log file's handler (index.log …), as a command's process keeps it to its end; a later test in
    the same process would write there too, and an unexpected error's message would name another test's log."""
    loggers = (logging.getLogger("recordkit"), logging.getLogger("psycopg"))
    found = [list(logger.handlers) for logger in loggers]
    yield
    for logger, kept in zip(loggers, found, strict=True):
        for handler in [handler for handler in logger.handlers if handler not in kept]:
            logger.removeHandler(handler)
            handler.close()


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The demo estate (80 units, as of today), built once per test process: tests get copies."""
    from recordkit.demo.estate import build_demo

    log, driver = logging.getLogger("recordkit"), logging.getLogger("psycopg")
    before = set(log.handlers)
    built = build_demo(tmp_path_factory.mktemp("demo-template") / "demo", min_units=80)
    # The build's index run left its log (records/logs/index.log) on recordkit's logger, as a command's process
    # keeps it to its end: a later test's unexpected error in this process would name that file, not its own.
    for handler in set(log.handlers) - before:
        log.removeHandler(handler)
        driver.removeHandler(handler)
        handler.close()
    return built


@pytest.fixture
def demo_estate(_demo_template: Any, tmp_path: Path) -> Any:
    """A copy of the demo estate of this test's own (at tmp_path / "demo"), with the report of its build
    (``DemoReport``: its root and files point into the copy)."""
    return copy_demo(_demo_template, tmp_path / "demo")


def copy_demo(template: Any, target: Path) -> Any:
    """A copy of the built demo estate at ``target``; the ``DemoReport`` of the copy."""
    import dataclasses

    shutil.copytree(template.root, target, symlinks=True)
    files = [target / path.relative_to(template.root) for path in template.files]
    return dataclasses.replace(template, root=target, files=files)


@pytest.fixture
def workspace(tmp_path: Path, _sqlite_template: Path) -> Workspace:
    """A new workspace with default settings and its SQLite ledger, isolated from the environment."""
    return new_workspace(tmp_path / "ws", _sqlite_template)


def new_workspace(root: Path, sqlite_template: Path) -> Workspace:
    """A new workspace at ``root`` with its migrated SQLite ledger, as ``recordkit init`` leaves it (the
    ledger copied from the session's template)."""
    workspace = open_workspace(init_workspace(root, office="测试物业服务中心", estate="测试小区"), environ={})
    migrated_sqlite(sqlite_template, Path(sa_url_database(workspace.database_url)))
    return workspace


@pytest.fixture
def cli_env(workspace: Workspace) -> dict[str, str]:
    """Environment for CliRunner: the workspace, no stray RECORDKIT_* settings, a fixed operator."""
    return {
        "RECORDKIT_HOME": str(workspace.root),
        "RECORDKIT_OPERATOR": "测试员",
        "RECORDKIT_DATABASE_URL": None,
        "COLUMNS": "200",
    }  # type: ignore[dict-item]


@pytest.fixture
def run_cli(cli_env: dict[str, str]) -> Any:
    runner = CliRunner()

    def run(*args: str, env: dict[str, str] | None = None) -> Any:
        return runner.invoke(app, list(args), env={**cli_env, **(env or {})})

    return run


def last_journal_entry(workspace: Workspace, key: str) -> journal.JournalEntry:
    """The newest journal entry about ``key`` in ``workspace``'s ledger (what a command recorded)."""
    with open_ledger(workspace.database_url) as ledger, ledger.read() as conn:
        [entry] = journal.recent(conn, limit=1, entity_key=key)
    return entry


OWNER_HEADERS = ("楼栋", "单元", "房号", "建筑面积", "业主姓名", "联系电话", "身份证号", "入住日期", "状态")

# Three units, two owners; 李秀英 holds two units.  ID numbers carry valid check digits.
SAMPLE_ROWS: list[list[Any]] = [
    ["1", "1", "101", 89.35, "张伟", "13812345678", "110101199003071233", dt.date(2020, 5, 1), "已入住"],
    ["1", "1", "102", 118.62, "李秀英", "13987654321", "310104198506120027", None, "已交付"],
    ["3", "2", "1201", 143.8, "李秀英", "13987654321", "310104198506120027", dt.date(2019, 10, 1), "已入住"],
    ["3", "2", "1202", 143.8, None, None, None, None, "空置"],
]


def names_by_unit(conn: Any) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The ledger's owners read back with plain SQL: (unit code, first owner) by unit, (unit code, co-owner) in deed
    order, (unit code, contact, relation)."""
    from sqlalchemy import text

    first = conn.execute(text("SELECT u.code, o.name FROM units u JOIN owners o ON o.id = u.owner_id ORDER BY u.code"))
    co = conn.execute(
        text(
            "SELECT u.code, o.name FROM unit_co_owners c JOIN units u ON u.id = c.unit_id"
            " JOIN owners o ON o.id = c.owner_id ORDER BY u.code, c.position"
        )
    )
    contacts = conn.execute(
        text("SELECT u.code, c.name, c.relation FROM unit_contacts c JOIN units u ON u.id = c.unit_id ORDER BY c.id")
    )
    return [tuple(r) for r in first], [tuple(r) for r in co], [tuple(r) for r in contacts]


def write_sheet(
    path: Path, rows: Sequence[Sequence[Any]], headers: Sequence[str] = OWNER_HEADERS, title: str | None = None
) -> Path:
    """A hand-made owners sheet, the way a clerk would type it in Excel."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


def run_at_once(target: Any, args: Sequence[Any], names: Sequence[str], timeout: float = 120) -> None:
    """Start one fresh process per name running ``target(*args)``, all at once; each must exit 0."""
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=target, args=tuple(args), name=name) for name in names]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout)
        assert worker.exitcode == 0, f"{worker.name} exited with {worker.exitcode}"


@contextmanager
def sqlite_parameters_at_most(limit: int) -> Iterator[None]:
    """Every SQLite connection opened inside takes at most ``limit`` parameters in one statement (999, as the oldest
    builds; 32,766 in many): a roster of a few thousand units meets what a property group's meets."""
    import sqlite3

    def lowered(dbapi_connection: Any, _record: Any) -> None:
        if isinstance(dbapi_connection, sqlite3.Connection):
            dbapi_connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, limit)

    sa.event.listen(sa.engine.Engine, "connect", lowered)
    try:
        yield
    finally:
        sa.event.remove(sa.engine.Engine, "connect", lowered)
