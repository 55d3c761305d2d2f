"""Shared fixtures: temporary workspaces, and the ledger on SQLite and on PostgreSQL.

PostgreSQL tests use the server named by RECORDKIT_TEST_POSTGRES_URL (an admin
URL; each test gets a fresh database).  Without it they skip locally, and fail
under CI=true: CI must exercise both backends.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from recordkit.cli import app
from recordkit.core.workspace import Workspace, init_workspace, open_workspace
from recordkit.ledger.db import Ledger, open_ledger

PG_ENV = "RECORDKIT_TEST_POSTGRES_URL"


def _postgres_admin_url() -> str:
    url = os.environ.get(PG_ENV)
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {PG_ENV} is not set: the PostgreSQL tests must run in CI")
        pytest.skip(f"{PG_ENV} not set (PostgreSQL tests run in CI)")
    return url


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    import sqlalchemy as sa

    from recordkit.ledger.db import normalise_url

    admin_url = normalise_url(_postgres_admin_url())
    name = f"rk_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except Exception as err:  # the server must be there in CI
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL at {PG_ENV} is unreachable: {err}")
        pytest.skip(f"PostgreSQL unreachable: {err}")
    url = sa.engine.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def ledger_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The ledger URL of each backend in turn: every test using it runs on both."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def ledger(ledger_url: str) -> Iterator[Ledger]:
    with open_ledger(ledger_url) as opened:
        yield opened


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    """A new workspace with default settings and its SQLite ledger, isolated from the environment."""
    root = init_workspace(tmp_path / "ws", office="测试物业服务中心", estate="测试小区")
    workspace = open_workspace(root, environ={})
    open_ledger(workspace.database_url).close()  # as `recordkit init` does
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


OWNER_HEADERS = ("楼栋", "单元", "房号", "建筑面积", "业主姓名", "联系电话", "身份证号", "入住日期", "状态")

# Three units, two owners; 李秀英 holds two units.  ID numbers carry valid check digits.
SAMPLE_ROWS: list[list[Any]] = [
    ["1", "1", "101", 89.35, "张伟", "13812345678", "110101199003071233", dt.date(2020, 5, 1), "已入住"],
    ["1", "1", "102", 118.62, "李秀英", "13987654321", "310104198506120027", None, "已交付"],
    ["3", "2", "1201", 143.8, "李秀英", "13987654321", "310104198506120027", dt.date(2019, 10, 1), "已入住"],
    ["3", "2", "1202", 143.8, None, None, None, None, "空置"],
]


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
