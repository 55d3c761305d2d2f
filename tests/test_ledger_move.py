"""``recordkit db move``: an office's whole ledger into another database (issue 17's "how to move": an office
that starts on one PC's SQLite file and grows to several PCs on PostgreSQL; an estate's own database into its
schema on the group's server; back into a file).

What a user would check, read straight from each database with its own driver (sqlite3, psycopg), never through
recordkit: every row of every table the same after the move, the journal continued, new numbers continuing after
the old ones, the old ledger refusing writes, and nothing written at all when the move cannot finish — a target
that already holds data, a row it cannot hold, the process killed halfway, a clerk writing meanwhile.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa

from recordkit.core.errors import LedgerError
from recordkit.core.workspace import Workspace, init_workspace, open_workspace
from recordkit.ledger.db import display_url, normalise_url, open_workspace_ledger
from recordkit.ledger.schema import HEAD_REVISION
from tests.conftest import SERVER_LANGUAGES, as_admin, database_of, driver_url, set_database, speaking
from tests.fees_fixtures import bill_months, small_estate
from tests.search_helpers import write_docx
from tests.server_helpers import Relay
from tests.test_estates_postgres import YEAR, cli, estate, tables_by_schema

pytestmark = pytest.mark.postgres

#: Tables that are not the ledger's data: Alembic's stamp, and the search index (moved by ``index --to``).
NOT_LEDGER = ("alembic_version", "search_")


def _plain(value: Any) -> Any:
    """A value as both drivers can be compared: SQLite keeps dates as text and booleans as 0/1."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def raw_rows(url: str, schema: str = "") -> dict[str, list[tuple[Any, ...]]]:
    """Every ledger table's rows (columns by name, rows sorted), read with the database's own driver."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url[len("sqlite:///") :]) as conn:
            names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            for name in names:
                if name.startswith(NOT_LEDGER) or name.startswith("sqlite_"):
                    continue
                columns = sorted(r[1] for r in conn.execute(f"PRAGMA table_info({name})"))
                rows = conn.execute(f"SELECT {', '.join(columns)} FROM {name}").fetchall()
                found[name] = sorted(tuple(_plain(v) for v in row) for row in rows)
        return found
    with psycopg.connect(driver_url(url), client_encoding="UTF8") as conn:
        where = schema or "public"
        names = [
            r[0]
            for r in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (where,)
            ).fetchall()
        ]
        for name in names:
            if name.startswith(NOT_LEDGER):
                continue
            columns = sorted(
                r[0]
                for r in conn.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = %s AND table_name = %s",
                    (where, name),
                ).fetchall()
            )
            rows = conn.execute(f'SELECT {", ".join(columns)} FROM "{where}"."{name}"').fetchall()
            found[name] = sorted(tuple(_plain(v) for v in row) for row in rows)
    return found


def search_rows(url: str) -> list[tuple[str, str, str]]:
    """The search index's rows as (档号, signature, state), read with the database's own driver."""
    with psycopg.connect(driver_url(url)) as conn:
        rows = conn.execute("SELECT archive_no, signature, state FROM search_items ORDER BY archive_no").fetchall()
    return [(str(number), str(signature), str(state)) for number, signature, state in rows]


def journal_actions(url: str, schema: str = "") -> list[str]:
    """The journal's actions in id order."""
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url[len("sqlite:///") :]) as conn:
            return [r[0] for r in conn.execute("SELECT action FROM journal ORDER BY id")]
    with psycopg.connect(driver_url(url)) as conn:
        table = f'"{schema}".journal' if schema else "journal"
        return [r[0] for r in conn.execute(f"SELECT action FROM {table} ORDER BY id").fetchall()]


def setting(workspace: Workspace, key: str) -> str | None:
    """``[database] key`` as written in recordkit.toml now (read with tomllib, not recordkit's settings)."""
    import tomllib

    data = tomllib.loads(workspace.config_file.read_text(encoding="utf-8"))
    value = data.get("database", {}).get(key)
    return None if value is None else str(value)


def listed(workspace: Workspace, *args: str, env: dict[str, str] | None = None) -> Any:
    result = cli(workspace, *args, "--json", env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def office(tmp_path: Path) -> Workspace:
    """One PC's office on the default SQLite ledger: the sample units billed for October, one payment with its
    receipt, one filed document, lent out."""
    root = init_workspace(tmp_path / "office", office="幸福里物业服务中心", estate="幸福里小区")
    workspace = open_workspace(root, environ={})
    with open_workspace_ledger(workspace) as ledger:
        small_estate(ledger, tmp_path)
        bill_months(ledger, "2026-10")
    assert cli(workspace, "fees", "pay", "1-1-101", "--amount", "369.97").exit_code == 0
    agreement = write_docx(tmp_path / "装修协议.docx", "3栋2单元1201装修管理协议，施工单位：安达装饰。")
    filed = cli(workspace, "file", str(agreement), "--category", "业主档案", "--unit", "3-2-1201")
    assert filed.exit_code == 0, filed.output
    lent = cli(workspace, "archive", "lend", f"YZ-{YEAR}-00001", "--to", "王工", "--due", "2027-01-01")
    assert lent.exit_code == 0, lent.output
    return workspace


def sqlite_url(workspace: Workspace) -> str:
    return f"sqlite:///{workspace.records_dir / 'ledger.sqlite3'}"


def test_an_office_moves_its_sqlite_ledger_into_postgresql_and_goes_on_working(
    office: Workspace, postgres_url: str, tmp_path: Path
) -> None:
    old = sqlite_url(office)
    before = raw_rows(old)
    hits_before = [hit["archive_no"] for hit in listed(office, "search", "安达装饰")["hits"]]
    assert hits_before == [f"YZ-{YEAR}-00001"]

    moved = cli(office, "db", "move", "--to", postgres_url)
    assert moved.exit_code == 0, moved.output
    assert "逐表核对无误" in moved.output
    assert "下一步：recordkit index --to postgresql" in moved.output
    assert setting(office, "url") == postgres_url

    # Every row of every table, the same in both; each journal has one entry more, saying where it went.
    after_old, new = raw_rows(old), raw_rows(postgres_url)
    assert set(new) == set(before)
    assert {name: rows for name, rows in new.items() if name != "journal"} == {
        name: rows for name, rows in before.items() if name != "journal"
    }
    assert len([rows for rows in before.values() if rows]) >= 10  # owners, units, bills, receipts, archive, loans…

    def without(action: str, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        assert [row for row in rows if row[0] == action] != []  # columns by name: "action" first
        return [row for row in rows if row[0] != action]

    assert without("ledger.move", after_old["journal"]) == before["journal"]
    assert without("ledger.move_in", new["journal"]) == before["journal"]
    assert journal_actions(old)[-1] == "ledger.move"
    assert journal_actions(postgres_url)[-1] == "ledger.move_in"
    assert {name: rows for name, rows in after_old.items() if name != "journal"} == {
        name: rows for name, rows in before.items() if name != "journal"
    }
    verified = cli(office, "journal", "verify")
    assert verified.exit_code == 0, verified.output
    assert f"共 {len(before['journal']) + 1} 条记录" in verified.output

    # The search index follows with `index --to` (no OCR again); the same hits.
    assert cli(office, "index", "--to", "postgresql").exit_code == 0
    assert [hit["archive_no"] for hit in listed(office, "search", "安达装饰")["hits"]] == hits_before

    # New rows continue the old numbers: the next receipt, the next archive number, the next loan's id.
    assert cli(office, "fees", "pay", "1-1-102", "--amount", "100").exit_code == 0
    numbers = sorted(r["number"] for r in listed(office, "receipt", "list"))
    assert len(numbers) == 2 and numbers[0][:-1] == numbers[1][:-1]
    assert int(numbers[1][-6:]) == int(numbers[0][-6:]) + 1
    second = write_docx(tmp_path / "验收单.docx", "1栋1单元101装修验收单。")
    assert cli(office, "file", str(second), "--category", "业主档案", "--unit", "1-1-101").exit_code == 0
    assert [a["archive_no"] for a in listed(office, "archive", "list")] == [
        f"YZ-{YEAR}-00001",
        f"YZ-{YEAR}-00002",
    ]
    assert cli(office, "archive", "lend", f"YZ-{YEAR}-00002", "--to", "李工", "--due", "2027-01-01").exit_code == 0
    loans = raw_rows(postgres_url)["archive_loans"]
    assert len(loans) == 2

    # The old ledger is kept as a backup but takes no more writes: a watcher or PC still on the old address
    # is told where the ledger went, and writes nothing.
    on_old = {"RECORDKIT_DATABASE_URL": old, "RECORDKIT_SEARCH_BACKEND": "sqlite"}
    refused = cli(office, "fees", "pay", "3-2-1201", "--amount", "50", env=on_old)
    assert refused.exit_code == 7, refused.output
    assert "已于" in refused.output and "搬到" in refused.output and "不能再写入" in refused.output
    assert raw_rows(old) == after_old
    # The filing service still on the old address stops (its supervisor starts it again on the new one) and
    # leaves the scan in the inbox; started on the new address, it files it there.
    scan = write_docx(office.records_dir / "inbox" / "楼道照明维修单.docx", "3栋楼道照明维修单，已修复。")
    stopped = cli(office, "watch", "--once", env=on_old)
    assert stopped.exit_code == 7, stopped.output
    assert "搬到" in stopped.output and scan.exists()
    assert raw_rows(old) == after_old
    restarted = cli(office, "watch", "--once")
    assert restarted.exit_code == 0, restarted.output
    assert not scan.exists()
    assert len(raw_rows(postgres_url)["archive_items"]) == 3
    # A PC still on the old address reads the ledger as of the move: it is told so; and the web page on it
    # shows no page at all (every one would be stale).
    stale = cli(office, "fees", "arrears", "--json", env=on_old)
    assert stale.exit_code == 0, stale.output
    assert "注意" in stale.stderr and "搬到" in stale.stderr and "搬走时的内容" in stale.stderr
    json.loads(stale.stdout)  # what scripts read stays clean
    assert "注意" not in cli(office, "fees", "arrears").output  # not on the new ledger
    # A search there too (it said nothing: its index opens no ledger, and nothing filed since the move is in it).
    searched = cli(office, "search", "安达装饰", "--json", env=on_old)
    assert searched.exit_code == 0, searched.output
    assert "注意" in searched.stderr and "搬到" in searched.stderr and "搬走时的内容" in searched.stderr
    assert [hit["archive_no"] for hit in json.loads(searched.stdout)["hits"]] == hits_before
    assert "注意" not in cli(office, "search", "安达装饰").stderr  # not on the new ledger
    # A nightly backup still on the old address copies the ledger as of the move, and says so (it said nothing).
    backed = cli(office, "db", "backup", str(tmp_path / "旧台账备份.sqlite3"), env=on_old)
    assert backed.exit_code == 0, backed.output
    assert "注意" in backed.stderr and "搬到" in backed.stderr and "搬走时的内容" in backed.stderr
    # The nightly index of a server still on the old address indexed the old ledger and ended well (exit 0).
    for args in (("index",), ("index", "--rebuild")):
        indexed = cli(office, *args, env=on_old)
        assert indexed.exit_code == 7, indexed.output
        assert "搬到" in indexed.output and "不能再写入" in indexed.output
    from recordkit.ledger.db import open_ledger
    from recordkit.web.app import create_app

    with open_ledger(old) as old_ledger:
        web = create_app(office, accounts_required=False, ledger=old_ledger).test_client()
        page = web.get("/")
        assert page.status_code == 503
        assert "搬到" in page.get_data(as_text=True) and "改为新地址后重启网页服务" in page.get_data(as_text=True)
        assert "recordkit serve" not in page.get_data(as_text=True)  # words for the page, no command
    doctor = cli(office, "doctor", env=on_old)
    assert doctor.exit_code != 0
    assert "搬到" in doctor.output and "把环境变量" in doctor.output and "改为新地址" in doctor.output
    # A second move of the old ledger is refused the same way, and leaves no new file behind.
    again = tmp_path / "again.sqlite3"
    twice = cli(office, "db", "move", "--to", f"sqlite:///{again}", env=on_old)
    assert twice.exit_code == 7, twice.output
    assert not again.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("again")) == []


def test_a_database_that_already_holds_a_ledger_is_never_mixed_into(
    office: Workspace, postgres_ledger_url: str, tmp_path: Path
) -> None:
    other = estate(tmp_path / "other", "东区", postgres_ledger_url, "")
    assert cli(other, "owners", "import", str(tmp_path / "名册.xlsx")).exit_code == 0
    old = sqlite_url(office)
    before, config = raw_rows(old), office.config_file.read_text(encoding="utf-8")
    theirs = raw_rows(postgres_ledger_url)

    refused = cli(office, "db", "move", "--to", postgres_ledger_url)
    assert refused.exit_code == 8, refused.output
    assert "已有台账数据" in refused.output and "owners" in refused.output
    assert raw_rows(old) == before and raw_rows(postgres_ledger_url) == theirs
    assert office.config_file.read_text(encoding="utf-8") == config
    assert cli(office, "fees", "pay", "1-1-102", "--amount", "100").exit_code == 0  # still the office's ledger


def test_a_database_holding_another_programs_table_of_the_same_name_is_refused_and_left_as_it_was(
    office: Workspace, postgres_url: str
) -> None:
    """A database an IT person shares with another program that has an ``owners`` table: the first migration failed
    on it with "台账数据库出错（详情见日志）：DuplicateTable" (exit 7).  Now it says what is in the way and what to
    write, and leaves the database as it was."""
    engine = sa.create_engine(normalise_url(postgres_url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text("CREATE TABLE owners (id integer PRIMARY KEY, name text)"))
        conn.execute(sa.text("INSERT INTO owners VALUES (1, '门禁系统的业主')"))
    engine.dispose()
    config = office.config_file.read_text(encoding="utf-8")

    refused = cli(office, "db", "move", "--to", postgres_url)
    assert refused.exit_code == 8, refused.output
    assert '里已有别的程序的同名表（服务器说：relation "owners" already exists' in refused.stderr
    # (not "write schema = … in recordkit.toml": beside the SQLite ledger still in use, every command refuses it)
    assert "请在 recordkit db move 命令后加上 --schema recordkit（recordkit 自己建这个模式，只用它）" in refused.stderr
    assert "recordkit.toml" not in refused.stderr
    assert tables_by_schema(postgres_url) == {"public": {"owners"}}
    assert raw_rows(postgres_url) == {"owners": [(1, "门禁系统的业主")]}
    assert office.config_file.read_text(encoding="utf-8") == config
    moved = cli(office, "db", "move", "--to", postgres_url, "--schema", "recordkit")
    assert moved.exit_code == 0, moved.output


def test_doctor_finds_another_programs_tables_before_the_first_use(office: Workspace, postgres_url: str) -> None:
    """doctor said "新的空台账，首次使用时自动建表" (ok) of a database holding another program's ``owners`` and
    ``journal``, whose first use is then refused; and its index line sent to ``index --rebuild``, which makes no
    ledger.  Now the ledger's line says what is in the way and what to write, the index's to make the ledger
    first; written as said, nothing is in the way, and the office's own SQLite ledger, left behind by the address
    alone, is named with the move that brings it over."""
    engine = sa.create_engine(normalise_url(postgres_url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for table in ("owners", "journal", "erp_orders"):
            conn.execute(sa.text(f"CREATE TABLE {table} (id integer PRIMARY KEY)"))
    engine.dispose()

    def doctor(env: dict[str, str]) -> dict[str, dict[str, Any]]:
        checks = json.loads(cli(office, "doctor", "--json", env={"RECORDKIT_DATABASE_URL": postgres_url, **env}).stdout)
        return {check["name"]: check for check in checks}

    said = doctor({})
    database = said["台账数据库"]
    assert database["ok"] is False
    assert database["detail"].endswith(
        "：新的空台账，但库里已有别的程序的同名表（journal、owners），首次使用时不能建表"
    )
    assert (
        database["fix"]
        == '在 recordkit.toml 的 [database] 写 schema = "recordkit"（recordkit 自己建这个模式，只用它），或换一个新建的数据库'
    )
    # (no ledger there: the ledger's line says what to do; an upgrade would be refused for those tables)
    assert said["检索索引"]["fix"] == "先按“台账数据库”一项的修复方法处理"
    assert tables_by_schema(postgres_url) == {"public": {"owners", "journal", "erp_orders"}}
    # Written as said, the schema is no one else's; but this office has filed into its SQLite ledger, which only
    # changing the address leaves behind: doctor says so, and names the move that brings it over.
    written = doctor({"RECORDKIT_DATABASE_SCHEMA": "recordkit"})["台账数据库"]
    assert written["ok"] is False
    assert written["detail"].endswith(
        "（模式 recordkit）：这里还没有台账，而 records/archive 里已经有归档的文件：它们的台账在别处——"
        "环境变量 RECORDKIT_DATABASE_URL 和 RECORDKIT_DATABASE_SCHEMA 写错了，或者这个工作区原来的台账 records/ledger.sqlite3 "
        "还没有用 recordkit db move 搬过来"
    )
    assert written["fix"] == (
        "把环境变量 RECORDKIT_DATABASE_URL 和 RECORDKIT_DATABASE_SCHEMA 改成这些档案所在的台账；要把 records/ledger.sqlite3 的台账搬到这里的，"
        "先删去环境变量 RECORDKIT_DATABASE_URL 和 RECORDKIT_DATABASE_SCHEMA，再运行 recordkit db move --to 这里的地址 --schema recordkit"
        "；台账确实丢失、又没有备份的，档案登记可以用 recordkit archive verify --repair 按档案目录重建（收费记录只能从备份恢复）；"
        "改好之前不要启动归档服务、不要收款（会在这里新建一个空台账，收据号从 1 编起）"
    )
    assert tables_by_schema(postgres_url) == {"public": {"owners", "journal", "erp_orders"}}
    moved = cli(office, "db", "move", "--to", postgres_url, "--schema", "recordkit")
    assert moved.exit_code == 0, moved.output
    after = doctor({"RECORDKIT_DATABASE_SCHEMA": "recordkit"})["台账数据库"]
    assert after["ok"] is True, after
    assert "（模式 recordkit）（表结构版本" in after["detail"]


def test_a_row_the_new_database_cannot_hold_is_named_and_nothing_is_moved(office: Workspace, postgres_url: str) -> None:
    old = sqlite_url(office)
    # SQLite does not enforce a column's length; PostgreSQL does (owners.name is 64 characters at most).
    with sqlite3.connect(old[len("sqlite:///") :]) as conn:
        conn.execute("UPDATE owners SET name = ? WHERE id = 2", ("李秀英" * 30,))
    before, config = raw_rows(old), office.config_file.read_text(encoding="utf-8")

    refused = cli(office, "db", "move", "--to", postgres_url)
    assert refused.exit_code == 5, refused.output
    assert "owners 表" in refused.output and "id=2" in refused.output and "什么也没有写入" in refused.output
    assert all(rows == [] for rows in raw_rows(postgres_url).values())
    assert raw_rows(old) == before
    assert office.config_file.read_text(encoding="utf-8") == config
    assert "ledger.move" not in journal_actions(old)


def test_a_file_path_or_nothing_given_for_the_new_address_is_told_what_to_write(office: Workspace) -> None:
    """``--to records/新台账.sqlite3`` (a SQLite file written as a path) said 数据库地址无法解析：'（无法解析的地址）',
    the clerk's own words hidden as if they held a password; ``--to ""`` said the same."""
    config = office.config_file.read_text(encoding="utf-8")
    path = cli(office, "db", "move", "--to", "records/新台账.sqlite3")
    assert (path.exit_code, path.stderr) == (
        3,
        "错误：新台账（--to records/新台账.sqlite3）打不开：数据库地址无法解析：'records/新台账.sqlite3'："
        "SQLite 文件要写成 sqlite:///records/新台账.sqlite3；PostgreSQL 地址写成 "
        "postgresql://账户:密码@主机:端口/库名（端口是数字，例如 5432，可以不写）\n",
    )
    empty = cli(office, "db", "move", "--to", " ")
    assert (empty.exit_code, empty.stderr) == (
        2,
        "错误：--to 没有写新台账的地址：例如 --to postgresql://账户:密码@主机/库名 或 --to sqlite:///文件路径\n",
    )
    # an address without its scheme but with a password in it stays hidden
    hidden = cli(office, "db", "move", "--to", "rk:Secret2026@192.168.1.10/recordkit")
    assert hidden.exit_code == 3 and "Secret2026" not in hidden.output and "（无法解析的地址）" in hidden.stderr
    assert office.config_file.read_text(encoding="utf-8") == config
    assert not (office.root / "records" / "新台账.sqlite3").exists()


def test_moving_a_ledger_onto_itself_or_to_an_address_that_cannot_be_opened_is_refused(
    office: Workspace, tmp_path: Path
) -> None:
    config = office.config_file.read_text(encoding="utf-8")
    same = cli(office, "db", "move", "--to", sqlite_url(office))
    assert same.exit_code == 2, same.output
    assert "就是现在的台账" in same.output
    garbled = cli(office, "db", "move", "--to", "192.168.1.10/recordkit")
    assert garbled.exit_code == 3, garbled.output
    assert "新台账" in garbled.output and "无法解析" in garbled.output
    unreachable = cli(office, "db", "move", "--to", "postgresql://recordkit@127.0.0.1:1/recordkit")
    assert unreachable.exit_code == 7, unreachable.output
    assert "无法访问" in unreachable.output
    a_file_with_a_schema = cli(office, "db", "move", "--to", f"sqlite:///{tmp_path / 'x.sqlite3'}", "--schema", "west")
    assert a_file_with_a_schema.exit_code == 3, a_file_with_a_schema.output
    assert a_file_with_a_schema.stderr == (
        f"错误：新台账（--to sqlite:///{tmp_path / 'x.sqlite3'}）打不开：--schema 写的模式 'west' 只用于 PostgreSQL 台账，"
        f"sqlite:///{tmp_path / 'x.sqlite3'} 不是：请去掉 --schema，或在 --to 写 PostgreSQL 地址\n"
    )
    assert list(tmp_path.glob("x.sqlite3*")) == []
    assert office.config_file.read_text(encoding="utf-8") == config
    assert "ledger.move" not in journal_actions(sqlite_url(office))


def test_the_same_database_spelled_another_way_is_the_ledger_itself(office: Workspace, postgres_url: str) -> None:
    """``--to`` the ledger's own database written with ``?host=…&port=…`` (or ``localhost`` for ``127.0.0.1``):
    the move held the ledger's write lock and waited 30 s for its own lock on the target, then said "台账正忙"
    (exit 7) while every clerk's write waited with it.  It is the ledger itself (exit 2), at once."""
    assert cli(office, "db", "move", "--to", postgres_url).exit_code == 0
    url = sa.engine.make_url(postgres_url)
    spelled = f"postgresql://{url.username}@/{url.database}?host={url.host}&port={url.port or 5432}"
    same = cli(office, "db", "move", "--to", spelled)
    assert same.exit_code == 2, same.output  # (not 7, "台账正忙", after the write lock's 30 s)
    assert "就是现在的台账" in same.stderr


@pytest.mark.parametrize("memory", ["sqlite://", "sqlite:///", "sqlite:///:memory:"])
def test_a_ledger_is_never_moved_into_or_kept_in_a_database_in_memory(office: Workspace, memory: str) -> None:
    """``--to sqlite://`` "moved" the ledger into memory (exit 0, "逐表核对无误"), wrote that address into
    recordkit.toml and marked the old ledger moved: the next command found an empty ledger (numbers from 1 again)
    and the real one could no longer be written or moved.  A database in memory is refused as a ledger's address,
    here and in recordkit.toml."""
    config = office.config_file.read_text(encoding="utf-8")
    said = "是内存里的临时库（命令结束内容就没有了），不能作台账：SQLite 台账写 sqlite:/// 加文件的完整路径"
    moved = cli(office, "db", "move", "--to", memory)
    assert moved.exit_code == 3, moved.output
    assert said in moved.stderr and "新台账" in moved.stderr
    assert office.config_file.read_text(encoding="utf-8") == config
    assert "ledger.move" not in journal_actions(sqlite_url(office))
    assert cli(office, "fees", "pay", "1-1-102", "--amount", "100").exit_code == 0  # still the office's ledger
    listed_there = cli(office, "owners", "list", env={"RECORDKIT_DATABASE_URL": memory})
    assert listed_there.exit_code == 3, listed_there.output
    assert said in listed_there.stderr


def test_an_estate_moves_from_its_own_database_into_a_schema_of_the_group_server_and_back_into_a_file(
    postgres_ledger_url: str, postgres_url: str, tmp_path: Path
) -> None:
    west = estate(tmp_path / "west", "西区", postgres_ledger_url, "")
    with open_workspace_ledger(west) as ledger:
        small_estate(ledger, tmp_path)
        bill_months(ledger, "2026-10")
    assert cli(west, "fees", "pay", "1-1-101", "--amount", "369.97").exit_code == 0
    owners, arrears = listed(west, "owners", "list"), listed(west, "fees", "arrears")
    before = raw_rows(postgres_ledger_url)

    moved = listed(west, "db", "move", "--to", postgres_url, "--schema", "estate_west")
    assert moved["total"] == sum(map(len, before.values()))
    assert moved["rows"]["receipts"] == 1 and moved["rows"]["owners"] == 2
    assert setting(west, "url") == postgres_url and setting(west, "schema") == "estate_west"
    assert "estate_west" in tables_by_schema(postgres_url)
    in_schema = raw_rows(postgres_url, "estate_west")
    assert {n: r for n, r in in_schema.items() if n != "journal"} == {n: r for n, r in before.items() if n != "journal"}
    assert listed(west, "owners", "list") == owners and listed(west, "fees", "arrears") == arrears
    assert cli(west, "fees", "pay", "1-1-102", "--amount", "100").exit_code == 0  # the sequences go on
    assert cli(west, "index", "--to", "postgresql").exit_code == 0  # writes [search] backend = "postgresql"

    # And out again into a SQLite file of its own (the schema setting cleared; the index cannot stay behind in
    # PostgreSQL: the backend setting goes back to sqlite, and the clerk is told to rebuild it there).
    file_url = f"sqlite:///{tmp_path / 'west' / 'records' / '西区台账.sqlite3'}"
    back = cli(west, "db", "move", "--to", file_url)
    assert back.exit_code == 0, back.output
    assert setting(west, "url") == file_url and setting(west, "schema") == ""
    assert 'backend = "sqlite"' in back.output and "下一步：recordkit index --to sqlite" in back.output
    assert cli(west, "index", "--to", "sqlite").exit_code == 0
    assert listed(west, "owners", "list") == owners
    assert len(listed(west, "receipt", "list")) == 2
    assert cli(west, "fees", "pay", "3-2-1201", "--amount", "10").exit_code == 0
    assert cli(west, "journal", "verify").exit_code == 0
    assert journal_actions(file_url).count("ledger.move_in") == 2


_MOVER = """
import sys, time
from pathlib import Path
from recordkit.ledger.db import open_ledger
from recordkit.ledger.move import move_ledger

source_url, target_url, signal_file = sys.argv[1], sys.argv[2], Path(sys.argv[3])

def progress(done, total):
    if done:  # the first batch is in the new database, not committed
        print("copying", flush=True)
        while not signal_file.exists():
            time.sleep(0.05)

with open_ledger(source_url) as source, open_ledger(target_url) as target:
    move_ledger(source, target, "测试员", progress=progress)
print("moved", flush=True)
"""


def start_mover(source: str, target: str, release: Path) -> subprocess.Popen[str]:
    mover = subprocess.Popen(
        [sys.executable, "-c", _MOVER, source, target, str(release)], stdout=subprocess.PIPE, text=True
    )
    assert mover.stdout is not None
    assert mover.stdout.readline().strip() == "copying"
    return mover


def test_a_move_killed_halfway_leaves_the_new_database_empty_and_the_old_ledger_in_use(
    office: Workspace, postgres_url: str, tmp_path: Path
) -> None:
    old = sqlite_url(office)
    before = raw_rows(old)
    mover = start_mover(old, postgres_url, tmp_path / "never")
    os.kill(mover.pid, signal.SIGKILL)
    mover.wait(timeout=30)

    assert all(rows == [] for rows in raw_rows(postgres_url).values())
    assert raw_rows(old) == before
    assert cli(office, "fees", "pay", "1-1-102", "--amount", "100").exit_code == 0  # still the office's ledger
    again = cli(office, "db", "move", "--to", postgres_url)
    assert again.exit_code == 0, again.output
    assert len(raw_rows(postgres_url)["receipts"]) == 2


def test_a_clerk_paying_during_the_move_waits_and_is_told_where_the_ledger_went(
    office: Workspace, postgres_url: str, tmp_path: Path
) -> None:
    old = sqlite_url(office)
    release = tmp_path / "release"
    mover = start_mover(old, postgres_url, release)
    env = {
        **os.environ,
        "RECORDKIT_HOME": str(office.root),
        "RECORDKIT_OPERATOR": "测试员",
        "RECORDKIT_DATABASE_URL": old,
        "RECORDKIT_SEARCH_BACKEND": "sqlite",
    }
    clerk = subprocess.Popen(
        [sys.executable, "-m", "recordkit", "fees", "pay", "1-1-102", "--amount", "100"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    time.sleep(1.5)  # the clerk's payment is waiting for the ledger's write lock
    assert clerk.poll() is None
    release.touch()
    assert mover.wait(timeout=60) == 0
    output, _ = clerk.communicate(timeout=60)
    assert clerk.returncode == 7, output
    assert "搬到" in output
    # The payment is in neither ledger: the clerk was told, nothing was lost silently.
    assert len(raw_rows(old)["receipts"]) == 1
    assert len(raw_rows(postgres_url)["receipts"]) == 1


def test_the_running_filing_service_stops_when_its_ledger_is_moved_and_leaves_the_scan_in_the_inbox(
    office: Workspace, postgres_url: str
) -> None:
    import threading

    from recordkit.archive.archivist import Archivist
    from recordkit.archive.watcher import InboxWatcher
    from recordkit.core.errors import LedgerMoved
    from recordkit.demo.scans import write_scan
    from recordkit.ledger.db import open_ledger
    from recordkit.ledger.move import move_ledger

    inbox = office.records_dir / "inbox"
    steady = open_workspace(office.root, environ={"RECORDKIT_ARCHIVE_STABILITY_SECONDS": "0.3"})
    stopped_by: list[BaseException] = []
    with open_ledger(sqlite_url(office)) as ledger:
        watcher = InboxWatcher(Archivist(steady, ledger, "归档服务"), polling=True, interval=0.05)

        def service() -> None:
            try:
                watcher.run()
            except BaseException as err:  # noqa: BLE001 - what ends the service is the point
                stopped_by.append(err)

        thread = threading.Thread(target=service, daemon=True)
        thread.start()
        try:
            write_scan(inbox / "业主档案" / "1-1-101" / "产权证明.pdf", 1)
            deadline = time.monotonic() + 30
            while len(raw_rows(sqlite_url(office))["archive_items"]) < 2 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert len(raw_rows(sqlite_url(office))["archive_items"]) == 2  # filed while the ledger is here
            with open_ledger(postgres_url) as target:
                move_ledger(ledger, target, "测试员")
            late = write_scan(inbox / "业主档案" / "1-1-102" / "购房合同.pdf", 2)
            thread.join(30)
        finally:
            watcher.stop()
            thread.join(10)
    assert not thread.is_alive()
    assert [type(err) for err in stopped_by] == [LedgerMoved]
    assert late.exists()
    assert len(raw_rows(sqlite_url(office))["archive_items"]) == 2
    assert len(raw_rows(postgres_url)["archive_items"]) == 2


def test_a_copy_that_reads_back_different_is_not_committed(
    office: Workspace, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fault injection: a value changed on its way into the new database (a driver's or server's conversion)
    must be caught by reading the copy back, before anything commits."""
    import recordkit.ledger.move as move
    from recordkit.core.errors import ValidationError
    from recordkit.ledger.db import open_ledger

    sent = move._copy

    def altered(conn: Any, table: Any, rows: Any) -> None:
        if table.name == "owners":
            rows = [{**row, "name": row["name"] + " "} if row["id"] == 1 else row for row in rows]
        sent(conn, table, rows)

    monkeypatch.setattr(move, "_copy", altered)
    before = raw_rows(sqlite_url(office))
    with (
        open_ledger(sqlite_url(office)) as source,
        open_ledger(postgres_url) as target,
        pytest.raises(ValidationError, match="owners 表复制后读回的内容与原台账不同"),
    ):
        move.move_ledger(source, target, "测试员")
    assert all(rows == [] for rows in raw_rows(postgres_url).values())
    assert raw_rows(sqlite_url(office)) == before


def cut_short_move(office: Workspace, target_url: str) -> tuple[str, str]:
    """The office as a crash between the move's two commits leaves it: the copy committed in ``target_url``, the
    old ledger's closing journal entry and the settings not written.  The old ledger's URL and the settings."""
    old, config = sqlite_url(office), office.config_file.read_text(encoding="utf-8")
    assert cli(office, "db", "move", "--to", target_url).exit_code == 0
    with sqlite3.connect(old[len("sqlite:///") :]) as conn:
        (action,) = conn.execute("SELECT action FROM journal ORDER BY id DESC LIMIT 1").fetchone()
        assert action == "ledger.move"
        conn.execute("DELETE FROM journal WHERE id = (SELECT MAX(id) FROM journal)")
    office.config_file.write_text(config, encoding="utf-8")
    return old, config


def test_a_move_cut_short_between_its_two_commits_is_finished_by_moving_again(
    office: Workspace, postgres_url: str
) -> None:
    old, _ = cut_short_move(office, postgres_url)
    copied = raw_rows(postgres_url)

    again = cli(office, "db", "move", "--to", postgres_url)
    assert again.exit_code == 0, again.output
    assert "没来得及收尾" in again.output and "补上了收尾" in again.output
    assert raw_rows(postgres_url) == copied  # nothing copied twice: one move-in entry
    assert journal_actions(postgres_url).count("ledger.move_in") == 1
    assert journal_actions(old)[-1] == "ledger.move"
    assert setting(office, "url") == postgres_url


def test_a_move_stopped_before_its_settings_were_written_is_finished_by_moving_again(
    office: Workspace, postgres_url: str
) -> None:
    config = office.config_file.read_text(encoding="utf-8")
    assert cli(office, "db", "move", "--to", postgres_url).exit_code == 0
    office.config_file.write_text(config, encoding="utf-8")  # Ctrl+C after both commits, before the settings
    copied = raw_rows(postgres_url)

    again = cli(office, "db", "move", "--to", postgres_url)
    assert again.exit_code == 0, again.output
    assert "上次没来得及写 recordkit.toml" in again.output and "没有再复制" in again.output
    assert setting(office, "url") == postgres_url
    assert raw_rows(postgres_url) == copied
    assert journal_actions(sqlite_url(office)).count("ledger.move") == 1
    # Into another database it is still refused: the old ledger is closed.
    elsewhere = cli(office, "db", "move", "--to", f"sqlite:///{office.root / '别处.sqlite3'}", env={
        "RECORDKIT_DATABASE_URL": sqlite_url(office), "RECORDKIT_SEARCH_BACKEND": "sqlite"})  # fmt: skip
    assert elsewhere.exit_code == 7, elsewhere.output


def test_a_move_finished_again_into_a_database_made_anew_since_is_refused(office: Workspace, postgres_url: str) -> None:
    """The ledger moved, recordkit.toml not yet written (Ctrl+C), then the new database dropped and made again by
    its administrator: moving again only wrote the address of that empty database (exit 0), and the next receipt
    was number 1.  Now it is refused, nothing changed."""
    config = office.config_file.read_text(encoding="utf-8")
    assert cli(office, "db", "move", "--to", postgres_url).exit_code == 0
    office.config_file.write_text(config, encoding="utf-8")
    engine = sa.create_engine(normalise_url(postgres_url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()

    again = cli(office, "db", "move", "--to", postgres_url)
    assert again.exit_code == 8, again.output
    assert f"搬到 {display_url(postgres_url)}，但那里没有它（没有从 " in again.stderr
    assert "recordkit.toml 没有改动" in again.stderr
    assert office.config_file.read_text(encoding="utf-8") == config
    assert all(rows == [] for rows in raw_rows(postgres_url).values())


def test_a_database_holding_a_ledger_moved_away_from_it_is_refused_as_filled(
    office: Workspace, postgres_url: str, tmp_path: Path
) -> None:
    """Into a database whose ledger was moved on elsewhere: its own refusal came first ("这个台账已于 … 搬到 …，
    不能再写入：请把 recordkit.toml 的 [database] url 改为新地址", exit 7), pointing the clerk at another estate's
    ledger.  It is a database that holds a ledger (exit 8)."""
    assert cli(office, "db", "move", "--to", postgres_url).exit_code == 0
    assert cli(office, "db", "move", "--to", f"sqlite:///{tmp_path / '回到文件.sqlite3'}").exit_code == 0
    fresh = init_workspace(tmp_path / "新小区", office="新小区物业服务中心", estate="新小区")
    newcomer = open_workspace(fresh, environ={})
    open_workspace_ledger(newcomer).close()
    config = newcomer.config_file.read_text(encoding="utf-8")

    refused = cli(newcomer, "db", "move", "--to", postgres_url)
    assert refused.exit_code == 8, refused.output
    assert "已有台账数据" in refused.stderr and "搬到" not in refused.stderr
    assert newcomer.config_file.read_text(encoding="utf-8") == config


def test_ctrl_c_before_the_settings_are_written_says_to_move_again(
    office: Workspace, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl+C in the moment between the old ledger's closing entry and recordkit.toml: "已中断；此前的操作已经完成并
    保存", exit 0, and the next command refused by the closed ledger.  Now the clerk is told to move again (which
    only writes the address), exit 3 (recordkit.toml names a ledger closed now)."""
    import recordkit.core.config

    config = office.config_file.read_text(encoding="utf-8")

    def interrupted(*_args: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(recordkit.core.config, "write_setting", interrupted)
    stopped = cli(office, "db", "move", "--to", postgres_url)
    assert stopped.exit_code == 3, stopped.output
    assert stopped.stderr.strip() == (
        f"错误：已中断：台账已经搬到 {display_url(postgres_url)}，但新地址还没有写进 recordkit.toml："
        "请再运行一次同一条 recordkit db move（只补写新地址，不再复制）"
    )
    assert office.config_file.read_text(encoding="utf-8") == config
    monkeypatch.undo()
    again = cli(office, "db", "move", "--to", postgres_url)
    assert again.exit_code == 0, again.output
    assert setting(office, "url") == postgres_url


def test_a_copy_cut_short_is_never_finished_once_the_old_ledger_has_changed(
    office: Workspace, postgres_url: str
) -> None:
    old, config = cut_short_move(office, postgres_url)
    assert cli(office, "fees", "pay", "1-1-102", "--amount", "100").exit_code == 0  # the office went on working
    copied, before = raw_rows(postgres_url), raw_rows(old)

    refused = cli(office, "db", "move", "--to", postgres_url)
    assert refused.exit_code == 8, refused.output
    assert "较早的一份副本" in refused.output
    assert raw_rows(postgres_url) == copied and raw_rows(old) == before
    assert office.config_file.read_text(encoding="utf-8") == config


def test_a_date_typed_by_hand_into_the_old_ledger_stops_the_move_and_names_its_table(
    office: Workspace, postgres_url: str
) -> None:
    old = sqlite_url(office)
    with sqlite3.connect(old[len("sqlite:///") :]) as conn:  # an IT person's edit in a SQLite browser
        conn.execute("UPDATE units SET move_in_date = '2020/5/1' WHERE code = '1-1-101'")
    before = raw_rows(old)

    refused = cli(office, "db", "move", "--to", postgres_url)
    assert refused.exit_code == 5, refused.output
    assert "units 表中的“2020/5/1”不是这一列应有的格式" in refused.output
    assert all(rows == [] for rows in raw_rows(postgres_url).values())
    assert raw_rows(old) == before


def test_ctrl_c_after_the_move_committed_never_takes_the_new_file_with_it(office: Workspace, tmp_path: Path) -> None:
    from recordkit.ledger.db import open_ledger
    from recordkit.ledger.move import move_ledger, open_target

    new_file = tmp_path / "新台账.sqlite3"
    with (
        open_ledger(sqlite_url(office)) as source,
        pytest.raises(KeyboardInterrupt),
        open_target(f"sqlite:///{new_file}") as target,
    ):
        move_ledger(source, target, "测试员")
        raise KeyboardInterrupt  # the clerk presses Ctrl+C as the progress bar closes
    assert journal_actions(f"sqlite:///{new_file}")[-1] == "ledger.move_in"
    # Before anything committed, the file it made is removed again.
    unused = tmp_path / "未用.sqlite3"
    with pytest.raises(KeyboardInterrupt), open_target(f"sqlite:///{unused}"):
        raise KeyboardInterrupt
    assert list(tmp_path.glob("未用.sqlite3*")) == []


#: A database made as many offices' PostgreSQL is installed: with the system's Chinese locale, whose collation
#: sorts text by pinyin (ICU's zh-CN here, which needs no locale of the operating system); SQLite sorts by the
#: characters' code points.
CHINESE_LOCALE = "LOCALE_PROVIDER icu ICU_LOCALE 'zh-CN' LOCALE 'C.UTF-8'"


def report_read(workspace: Workspace, month: str) -> tuple[dict[str, list[tuple[Any, ...]]], list[str]]:
    """The monthly report as a clerk reads it: every sheet's cells, and the summary's paragraphs."""
    import docx
    from openpyxl import load_workbook

    made = cli(workspace, "report", "monthly", "--month", month)
    assert made.exit_code == 0, made.output
    folder = workspace.records_dir / "generated" / "报表" / month
    book = load_workbook(folder / f"月度报表-{month}.xlsx")
    cells = {  # (but the minute it was made, in its last line)
        sheet.title: [row for row in sheet.iter_rows(values_only=True) if "根据台账于" not in str(row[0])]
        for sheet in book.worksheets
    }
    summary = [p.text for p in docx.Document(str(folder / f"月度工作总结-{month}.docx")).paragraphs]
    return cells, summary


def test_a_ledger_moved_into_a_database_with_a_chinese_locale_reads_the_same(office: Workspace, tmp_path: Path) -> None:
    from tests.conftest import postgres_database

    drawings = write_docx(tmp_path / "竣工图纸.docx", "3栋给排水竣工图纸。")
    assert cli(office, "file", str(drawings), "--category", "工程档案").exit_code == 0
    for name, password in (("张伟", "zhangwei-2026"), ("李明", "liming-2026")):
        added = cli(office, "users", "add", name, "--role", "查阅", "--password-stdin", input=password + "\n")
        assert added.exit_code == 0, added.output
    listings = [
        ("owners", "list"),
        ("fees", "arrears"),
        ("fees", "rules", "list"),
        ("receipt", "list"),
        ("archive", "list"),
        ("archive", "loans"),
        ("users", "list"),
    ]
    before = {args: listed(office, *args) for args in listings}
    month = dt.date.today().strftime("%Y-%m")
    cells, summary = report_read(office, month)
    # What the clerk expects, not read through recordkit: recordkit.toml's categories in their order (业主档案
    # before 工程档案, as every message lists them), the accounts by their characters.
    assert [row for row in cells["档案"] if row[0] in ("业主档案", "工程档案")] == [("业主档案", 1), ("工程档案", 1)]
    assert any("本月归档2件（业主档案1件、工程档案1件）" in paragraph for paragraph in summary)
    assert [account["name"] for account in before[("users", "list")]] == sorted(["李明", "张伟"])

    with postgres_database(template="template0", options=CHINESE_LOCALE) as url:
        with psycopg.connect(driver_url(url)) as conn:  # the material is what it claims: pinyin's order
            assert conn.execute("SELECT '工程档案' < '业主档案', '李明' < '张伟'").fetchone() == (True, True)
        moved = cli(office, "db", "move", "--to", url)
        assert moved.exit_code == 0, moved.output
        assert {args: listed(office, *args) for args in listings} == before
        assert report_read(office, month) == (cells, summary)


def public_tables(url: str) -> int:
    with psycopg.connect(driver_url(url), client_encoding="UTF8") as conn:
        found = conn.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
        return int(found.fetchone()[0])  # type: ignore[index]


def test_a_postgresql_database_not_in_utf8_is_refused_before_anything_is_written_there(office: Workspace) -> None:
    """An old Chinese install's database in EUC_CN (GB2312) cannot hold ㎡ or many characters of names: the move
    stopped halfway with an internal error (exit 70).  Now it is refused as it opens, with what to do."""
    from tests.conftest import postgres_database

    before, address = raw_rows(sqlite_url(office)), setting(office, "url")
    with postgres_database(template="template0", options="ENCODING 'EUC_CN' LOCALE 'C'") as url:
        moved = cli(office, "db", "move", "--to", url)
        assert moved.exit_code == 3, moved.output
        assert "字符编码是 EUC_CN" in moved.output and "需要 UTF8 编码的数据库" in moved.output
        assert "ENCODING 'UTF8'" in moved.output and "内部错误" not in moved.output
        assert public_tables(url) == 0
        assert setting(office, "url") == address and raw_rows(sqlite_url(office)) == before
        # Named as the ledger itself: every command stops with the same words, and makes no table there.
        listed_there = cli(office, "owners", "list", env={"RECORDKIT_DATABASE_URL": url})
        assert listed_there.exit_code == 3 and "字符编码是 EUC_CN" in listed_there.output
        # doctor sends the IT person to the message's own fix, for the index too (a rebuild would not help)
        doctor = cli(office, "doctor", "--json", env={"RECORDKIT_DATABASE_URL": url})
        checks = {check["name"]: check for check in json.loads(doctor.stdout)}
        for name in ("台账数据库", "检索索引"):
            assert "字符编码是 EUC_CN" in checks[name]["detail"]
            assert (checks[name]["ok"], checks[name]["fix"]) == (False, "按说明中的做法改好后，再运行 recordkit doctor")
        assert public_tables(url) == 0
    assert cli(office, "fees", "pay", "1-1-102", "--amount", "100").exit_code == 0  # the office goes on


def test_a_pc_whose_client_encoding_is_gbk_still_files_every_character(
    office: Workspace, postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``PGCLIENTENCODING=GBK`` (left by another program on a Chinese PC) made psycopg send text as GBK: a name
    with a character GBK lacks (𠮷, U+20BB7) could not be filed (UnicodeEncodeError).  recordkit's connections
    speak UTF-8 whatever the environment says."""
    monkeypatch.setenv("PGCLIENTENCODING", "GBK")
    assert cli(office, "db", "move", "--to", postgres_url).exit_code == 0
    scan = write_docx(tmp_path / "王𠮷入住登记表.docx", "3栋2单元1201业主王𠮷，建筑面积 143.80㎡。")
    filed = cli(office, "file", str(scan), "--category", "业主档案", "--unit", "3-2-1201")
    assert filed.exit_code == 0, filed.output
    titles = [row for row in raw_rows(postgres_url)["archive_items"] if any("𠮷" in str(v) for v in row)]
    assert len(titles) == 1
    assert [hit["archive_no"] for hit in listed(office, "search", "王𠮷")["hits"]] == [f"YZ-{YEAR}-00002"]


@pytest.mark.parametrize("language", SERVER_LANGUAGES)
def test_an_account_that_may_not_make_tables_is_told_what_to_ask_for(office: Workspace, language: str) -> None:
    """PostgreSQL 15 on lets only a database's owner make tables in its ``public`` schema: an account given
    CONNECT alone got "台账数据库出错（详情见日志）：InsufficientPrivilege".  Now the account, the database and
    the grant to ask for are named; nothing is made; once granted, the same move works.  A server speaking
    Chinese names the same grants (its "对数据库 … 权限不够" was taken for the schema's refusal)."""
    denied = {
        "en": ("permission denied for schema public", "permission denied for database"),
        "zh_CN": ("对模式 public 权限不够", "对数据库"),
    }[language]
    import uuid

    import sqlalchemy as sa

    from tests.conftest import postgres_database

    role = f"rk_clerk_{uuid.uuid4().hex[:8]}"
    as_admin(f"CREATE ROLE {role} LOGIN PASSWORD 'clerk-2026'")
    try:
        with postgres_database() as url:
            database = database_of(url)
            as_clerk = sa.engine.make_url(url).set(username=role, password="clerk-2026")
            clerk_url = as_clerk.render_as_string(hide_password=False)
            as_admin(f'GRANT CONNECT ON DATABASE "{database}" TO {role}')
            speaking(url, language)
            refused = cli(office, "db", "move", "--to", clerk_url)
            assert refused.exit_code == 7, refused.output
            assert f"数据库账户 {role} 在 {database}（模式 public）里没有所需的权限" in refused.output
            assert f"ALTER DATABASE {database} OWNER TO {role}" in refused.output
            assert denied[0] in refused.output
            assert public_tables(url) == 0
            # recordkit doctor on that address says so before any first use fails, with the same grants.
            doctor = cli(office, "doctor", "--json", env={"RECORDKIT_DATABASE_URL": clerk_url})
            assert doctor.exit_code != 0
            ledger_check = next(check for check in json.loads(doctor.stdout) if check["name"] == "台账数据库")
            assert not ledger_check["ok"] and "这个数据库账户不能在这里建表" in ledger_check["detail"]
            assert f"ALTER DATABASE {database} OWNER TO {role}" in ledger_check["fix"]
            # An estate's schema not made yet: the right to make schemas in the database is what to ask for.
            in_schema = cli(office, "db", "move", "--to", clerk_url, "--schema", "estate_west")
            assert in_schema.exit_code == 7, in_schema.output
            assert f"GRANT ALL ON DATABASE {database} TO {role}" in in_schema.output
            assert denied[1] in in_schema.output
            assert tables_by_schema(url).get("estate_west") is None
            # An estate's schema an administrator made without granting it to the account: the server leaves it out
            # of the search_path ("no schema has been selected to create in"), which was told as
            # "台账数据库出错（详情见日志）：InvalidSchemaName".
            admin = sa.create_engine(normalise_url(url), isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(sa.text("CREATE SCHEMA estate_east"))
            admin.dispose()
            unusable = cli(office, "db", "move", "--to", clerk_url, "--schema", "estate_east")
            assert unusable.exit_code == 7, unusable.output
            assert f"数据库账户 {role} 不能使用 {database} 里的模式 estate_east" in unusable.output
            assert (
                f"GRANT ALL ON SCHEMA estate_east TO {role}，或 ALTER SCHEMA estate_east OWNER TO {role}"
                in unusable.output
            )
            assert tables_by_schema(url).get("estate_east") is None
            set_database(url, f"OWNER TO {role}")
            moved = cli(office, "db", "move", "--to", clerk_url)
            assert moved.exit_code == 0, moved.output
            assert public_tables(url) > 20
    finally:
        as_admin(f"DROP ROLE IF EXISTS {role}")


@pytest.mark.parametrize("language", SERVER_LANGUAGES)
def test_doctor_tells_an_account_that_may_only_read_the_ledgers_tables(
    office: Workspace, postgres_url: str, language: str
) -> None:
    """A clerk's PC given an account an administrator granted SELECT alone: doctor said "正常" (the ledger current,
    its tables readable), and the first payment at the counter failed.  Doctor now says the account may only read
    which tables, what still works, and the grants to ask for (a 提醒: a PC kept for searching needs no more), and
    the refused payment names those grants (it asked for the database's ownership or ``GRANT ALL ON SCHEMA``,
    neither of which lets an account write tables already made); once granted, the line is 正常 again and the
    payment goes through."""
    import uuid

    assert cli(office, "db", "move", "--to", postgres_url).exit_code == 0
    role = f"rk_reader_{uuid.uuid4().hex[:8]}"
    as_admin(f"CREATE ROLE {role} LOGIN PASSWORD 'reader-2026'")
    try:
        admin = sa.create_engine(normalise_url(postgres_url), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f"GRANT USAGE ON SCHEMA public TO {role}"))
            conn.execute(sa.text(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}"))
        reader_url = sa.engine.make_url(postgres_url).set(username=role, password="reader-2026").render_as_string(False)
        at_pc = {"RECORDKIT_DATABASE_URL": reader_url}

        def ledger_line() -> dict[str, Any]:
            doctor = cli(office, "doctor", "--json", env=at_pc)
            return next(check for check in json.loads(doctor.stdout) if check["name"] == "台账数据库")

        line = ledger_line()
        assert (line["ok"], line["required"]) == (False, False)
        assert line["detail"].startswith(
            "环境变量 RECORDKIT_DATABASE_URL 改了 recordkit.toml 的台账设置："  # (this PC's address: the environment's)
            f"{display_url(reader_url)}（表结构版本 {HEAD_REVISION}）：数据库账户 {role} 对台账的全部 "
        )
        assert re.search(f"数据库账户 {role} 对台账的全部 [0-9]+ 张表只能读：", line["detail"])
        assert line["detail"].endswith("检索和查看可以，收款、归档、借阅等写入会被拒绝")
        grants = (
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}; "
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}"
        )
        assert line["fix"] == f"这台电脑只用来检索时可以不管；否则请数据库管理员执行 {grants}"
        speaking(postgres_url, language)
        refused = cli(office, "fees", "pay", "1-1-101", "--amount", "10", "--prepay", env=at_pc)
        assert refused.exit_code == 7, refused.output
        denied = {"en": "permission denied for table", "zh_CN": "对表"}[language]
        assert refused.stderr.startswith(
            f"错误：数据库账户 {role} 在 {database_of(postgres_url)}（模式 public）里没有所需的权限"
        )
        assert denied in refused.stderr
        assert refused.stderr.endswith(f"：请数据库管理员执行 {grants}\n")

        with admin.connect() as conn:
            conn.execute(sa.text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}"))
            conn.execute(sa.text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}"))
        admin.dispose()
        line = ledger_line()
        assert line["ok"] is True and "只能读" not in line["detail"]
        paid = cli(office, "fees", "pay", "1-1-101", "--amount", "10", "--prepay", env=at_pc)
        assert paid.exit_code == 0, paid.output
    finally:
        admin = sa.create_engine(normalise_url(postgres_url), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP OWNED BY {role}"))
        admin.dispose()
        as_admin(f"DROP ROLE IF EXISTS {role}")


def test_a_pc_on_a_read_only_database_searches_and_is_told_where_to_write(
    office: Workspace, postgres_url: str, tmp_path: Path
) -> None:
    """A clerk's PC pointed at a replica (or a database set read-only) searches and lists; a payment or a filing is
    refused with where to write (was "台账数据库出错：ReadOnlySqlTransaction"), and ``watch --once`` no longer says
    all was well (exit 0) while it left a scan in the inbox: it says so and fails; the scan is filed once the
    database takes writes again, never quarantined.  Updating or rebuilding the index there is refused the same
    way (was "程序内部错误（ReadOnlySqlTransaction）", exit 70), and so is a web page that needs signing in (each
    sign-in writes: it answered every one with an error page).  (Checked by hand on a real hot standby too.)"""
    assert cli(office, "db", "move", "--to", postgres_url).exit_code == 0
    assert cli(office, "index", "--to", "postgresql").exit_code == 0
    assert (
        cli(office, "users", "add", "王芳", "--role", "查阅", "--password-stdin", input="mima-12345678\n").exit_code
        == 0
    )
    set_database(postgres_url, "SET default_transaction_read_only = on")
    receipts = raw_rows(postgres_url)["receipts"]
    index_rows = search_rows(postgres_url)

    for args in (["index"], ["index", "--rebuild"], ["index", "--to", "postgresql"]):
        refused = cli(office, *args)
        assert refused.exit_code == 7, refused.output
        assert refused.output.startswith(
            f"错误：台账数据库 {display_url(postgres_url)} 只能读（从库，或设置了 default_transaction_read_only）："
            "检索索引就在这个数据库里，更新、重建或搬入索引都要连主库"
        ), refused.output
    assert search_rows(postgres_url) == index_rows
    served = subprocess.run(
        [sys.executable, "-m", "recordkit", "serve", "--port", "0"],
        env={
            **{name: value for name, value in os.environ.items() if not name.startswith("RECORDKIT_")},
            "RECORDKIT_HOME": str(office.root),
            "RECORDKIT_OPERATOR": "测试员",
        },
        capture_output=True,
        text=True,
        timeout=120,  # (a page that started instead would run until killed: the test fails here)
        check=False,
    )
    assert served.returncode == 7, served.stdout + served.stderr
    assert (
        "只能读" in served.stderr
        and "登录要写入台账" in served.stderr
        and "请让 recordkit serve 连主库" in served.stderr
    )

    assert [hit["archive_no"] for hit in listed(office, "search", "安达装饰")["hits"]] == [f"YZ-{YEAR}-00001"]
    paid = cli(office, "fees", "pay", "1-1-102", "--amount", "100")
    assert paid.exit_code == 7, paid.output
    assert "只能读" in paid.output and "主库" in paid.output and "ReadOnlySqlTransaction" not in paid.output
    scan = write_docx(office.records_dir / "inbox" / "楼道照明维修单.docx", "3栋楼道照明维修单，已修复。")
    os.utime(scan, (time.time() - 60, time.time() - 60))  # written a minute ago: settled
    waited = cli(office, "watch", "--once")
    assert waited.exit_code == 7, waited.output
    assert "1 个文件留在收件箱，没有归档" in waited.output and "只能读" in waited.output
    assert scan.exists() and list((office.records_dir / "quarantine").iterdir()) == []
    assert raw_rows(postgres_url)["receipts"] == receipts
    # recordkit doctor says so before anything is refused (searching there is what such a PC is for: not a fault)
    assert ledger_check(office) == (
        True,
        f"{display_url(postgres_url)}：只能读（从库，或设置了 default_transaction_read_only）（表结构版本 "
        f"{HEAD_REVISION}）：检索和查看可以，收款、归档、借阅等写入要连主库",
    )

    set_database(postgres_url, "RESET default_transaction_read_only")
    assert ledger_check(office) == (True, f"{display_url(postgres_url)}（表结构版本 {HEAD_REVISION}）")
    filed = cli(office, "watch", "--once")
    assert filed.exit_code == 0, filed.output
    assert "归档 1 个" in filed.output and not scan.exists()


def ledger_check(office: Workspace) -> tuple[bool, str]:
    """What ``recordkit doctor --json`` says of the ledger: whether it is fine, and its words."""
    checks = json.loads(cli(office, "doctor", "--json").stdout)
    found = next(check for check in checks if check["name"] == "台账数据库")
    return found["ok"], found["detail"]


@contextmanager
def lock_held(url: str, statement: str) -> Iterator[None]:
    """Another session's transaction holding a lock taken by ``statement`` for as long as the block runs (what the
    block does waits for it however slowly the machine runs)."""
    with psycopg.connect(driver_url(url), client_encoding="UTF8") as conn:
        conn.execute(statement)
        try:
            yield
        finally:
            conn.rollback()


def hold_lock(url: str, statement: str, seconds: float) -> threading.Thread:
    """Another session's transaction that takes a lock by ``statement`` and keeps it ``seconds`` (a long search, a
    DBA's maintenance); returned once the lock is held."""
    held = threading.Event()

    def hold() -> None:
        with psycopg.connect(driver_url(url), client_encoding="UTF8") as conn:
            conn.execute(statement)
            held.set()
            time.sleep(seconds)
            conn.rollback()

    holder = threading.Thread(target=hold)
    holder.start()
    assert held.wait(10)
    return holder


@pytest.mark.parametrize("language", SERVER_LANGUAGES)
def test_an_administrators_statement_timeout_cancels_a_search_plainly_and_never_a_rebuild(
    office: Workspace, postgres_url: str, language: str
) -> None:
    """A DBA's ``statement_timeout`` on the account (here half a second): a search past it was told "检索索引无法
    读取：请重建" — rebuilding would not help; a rebuild (minutes at a million, its swap waiting for the searches in
    hand) was cancelled near its end.  Now the search says what happened, and the rebuild runs to its end.  The
    same on a server that speaks Chinese (its "由于语句执行超时，正在取消查询命令" was only quoted)."""
    assert cli(office, "db", "move", "--to", postgres_url).exit_code == 0
    assert cli(office, "index", "--to", "postgresql").exit_code == 0
    speaking(postgres_url, language)
    set_database(postgres_url, "SET statement_timeout = '500ms'")

    with lock_held(postgres_url, "LOCK TABLE search_items IN ACCESS EXCLUSIVE MODE"):
        stopped = cli(office, "search", "安达装饰")
    assert stopped.exit_code == 7, stopped.output
    assert "超过了数据库为这个账户设定的时限（statement_timeout）" in stopped.output
    assert "rebuild" not in stopped.output and "重建" not in stopped.output

    searching = hold_lock(postgres_url, "SELECT count(*) FROM search_items", 4)  # a search in hand, 4 s long
    rebuilt = cli(office, "index", "--rebuild")
    searching.join()
    assert rebuilt.exit_code == 0, rebuilt.output
    assert [hit["archive_no"] for hit in listed(office, "search", "安达装饰")["hits"]] == [f"YZ-{YEAR}-00001"]


def test_a_move_runs_to_its_end_under_an_administrators_statement_timeout(
    office: Workspace, postgres_ledger_url: str
) -> None:
    """The move's copy into a table another session holds a while (a DBA's backup taking SHARE locks) waited past
    the account's ``statement_timeout`` and was cancelled, nothing moved; the move now runs as long as it needs."""
    set_database(postgres_ledger_url, "SET statement_timeout = '500ms'")
    holder = hold_lock(postgres_ledger_url, "LOCK TABLE owners IN SHARE MODE", 3)
    moved = cli(office, "db", "move", "--to", postgres_ledger_url)
    holder.join()
    assert moved.exit_code == 0, moved.output
    assert len(raw_rows(postgres_ledger_url)["owners"]) == len(raw_rows(sqlite_url(office))["owners"]) > 0


@pytest.mark.parametrize("cut_at", ["_insert", "_read"])
def test_a_move_whose_new_database_restarts_half_way_says_so_and_moves_nothing(
    office: Workspace, postgres_url: str, monkeypatch: pytest.MonkeyPatch, cut_at: str
) -> None:
    """The new database restarting during the move (60,000 rows, its server restarted at 1, 2 or 2.8 s): the move
    ended in "程序内部错误（PendingRollbackError）" (exit 70; its COPY failed, then the rows were tried one by one on
    the dead connection), or, cut while the copy was read back, in "现在的台账 archive_items 表中的一个值不是这一列
    应有的格式……请先在现在的台账里更正" (exit 5), sending the IT person to look for a wrong date that is not there.
    Now: what happened, nothing written, the old ledger still the office's; the next try moves it all."""
    from recordkit.ledger import move

    before = raw_rows(sqlite_url(office))
    relay = Relay(postgres_url)
    real = getattr(move, cut_at)
    calls: list[str] = []

    def cut_then(conn: Any, table: Any, *args: Any) -> Any:
        calls.append(table.name)
        if len(calls) == 3:
            relay.cut()  # every connection to the new database ends, as at its server's restart
        return real(conn, table, *args)

    monkeypatch.setattr(move, cut_at, cut_then)
    moved = cli(office, "db", "move", "--to", relay.url(postgres_url))
    assert moved.exit_code == LedgerError.exit_code, moved.output
    assert moved.stderr.startswith("错误：搬迁没有做完：新数据库中止了它（服务器说：")
    assert moved.stderr.strip().endswith("）；什么也没有写入，原台账照常可用，请稍后再试")
    assert setting(office, "url") == "" and raw_rows(sqlite_url(office)) == before
    assert all(rows == [] for rows in raw_rows(postgres_url).values())
    assert cli(office, "fees", "pay", "1-1-102", "--amount", "100").exit_code == 0  # the office goes on
    monkeypatch.setattr(move, cut_at, real)
    assert cli(office, "db", "move", "--to", postgres_url).exit_code == 0
    moved_in, kept = raw_rows(postgres_url), raw_rows(sqlite_url(office))
    assert {name: rows for name, rows in moved_in.items() if name != "journal"} == {
        name: rows for name, rows in kept.items() if name != "journal"
    }  # (the journals differ by their last entry: moved in, moved out)


def test_a_move_that_waits_too_long_for_a_table_says_so_and_moves_nothing(
    office: Workspace, postgres_ledger_url: str
) -> None:
    """Past ``busy_timeout`` (here 1 s) waiting for a table another session holds, the server stops the copy: that
    was reported as a row the new database refused ("目标数据库不接受 owners 表的一行"), sending the clerk to
    correct a row that was never wrong.  Now: the server's words, nothing written, try again later."""
    config = office.config_file
    config.write_text(config.read_text(encoding="utf-8").replace("busy_timeout = 30", "busy_timeout = 1"), "utf-8")
    assert "busy_timeout = 1" in config.read_text(encoding="utf-8")
    with lock_held(postgres_ledger_url, "LOCK TABLE owners IN SHARE MODE"):
        stopped = cli(office, "db", "move", "--to", postgres_ledger_url)
    assert stopped.exit_code == 7, stopped.output
    assert "搬迁没有做完" in stopped.output and "不接受" not in stopped.output
    assert "lock timeout" in stopped.output or "锁超时" in stopped.output  # the server's words, in its language
    assert raw_rows(postgres_ledger_url)["owners"] == [] and setting(office, "url") == ""
    assert cli(office, "db", "move", "--to", postgres_ledger_url).exit_code == 0  # later, it moves
