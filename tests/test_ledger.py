"""The ledger on SQLite and PostgreSQL: migrations, the write lock, the tamper-evident journal."""

from __future__ import annotations

import json
import multiprocessing
import os
import sqlite3
from contextlib import ExitStack, closing
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from recordkit.core.errors import ConfigError, LedgerError
from recordkit.demo.scans import write_scan
from recordkit.ledger import journal
from recordkit.ledger.db import Ledger, alembic_config, display_url, open_ledger
from recordkit.ledger.schema import HEAD_REVISION, metadata
from tests.conftest import SAMPLE_ROWS, migrated_sqlite, run_at_once, set_database, through_pgbouncer, write_sheet
from tests.revisions import mark_as_of


def without_its_ledger_file(workspace: Any) -> Path:
    """``workspace`` with its SQLite ledger file (and the -wal/-shm beside it) gone, as a lost file leaves it: the
    path where the ledger was."""
    for file in workspace.records_dir.glob("ledger.sqlite3*"):
        file.unlink()
    return workspace.records_dir / "ledger.sqlite3"


@pytest.mark.fresh_ledger
def test_first_use_migrates_to_the_newest_schema(ledger: Ledger) -> None:
    assert ledger.revision() == HEAD_REVISION
    with ledger.read() as conn:
        inspector = sa.inspect(conn)
        for table in metadata.sorted_tables:
            columns = {c["name"] for c in inspector.get_columns(table.name)}
            assert columns == {c.name for c in table.columns}, table.name


def test_head_revision_constant_matches_the_migrations() -> None:
    from alembic.script import ScriptDirectory

    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD_REVISION


@pytest.mark.fresh_ledger
def test_upgrade_twice_is_harmless(ledger: Ledger) -> None:
    assert ledger.upgrade() == HEAD_REVISION
    assert ledger.revision() == HEAD_REVISION


def test_a_ledger_newer_than_the_program_is_refused(ledger_url: str) -> None:
    with open_ledger(ledger_url) as ledger, ledger.write() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(LedgerError, match="比本程序新，请升级 recordkit"):
        open_ledger(ledger_url)


def test_unsupported_database_url() -> None:
    with pytest.raises(ConfigError, match="不支持的数据库 mysql"):
        open_ledger("mysql://u@localhost/db")


def test_a_ledger_is_named_as_the_office_writes_its_address_without_the_password() -> None:
    """Screens and logs show the address as recordkit.toml has it (``postgresql://``, not the driver's
    ``postgresql+psycopg://``), the password hidden; a SQLite file by its path, Chinese folders as written."""
    assert (
        display_url("postgresql://rk:mima@192.168.1.10:5432/recordkit")
        == "postgresql://rk:***@192.168.1.10:5432/recordkit"
    )
    assert (
        display_url("postgresql+psycopg://rk:mima@192.168.1.10/recordkit")
        == "postgresql://rk:***@192.168.1.10/recordkit"
    )
    assert display_url("postgresql://rk@db/recordkit") == "postgresql://rk@db/recordkit"
    # libpq also reads a password written as a parameter; a socket folder is shown as written
    assert (
        display_url("postgresql://rk@192.168.1.10/recordkit?password=mima&sslmode=require")
        == "postgresql://rk@192.168.1.10/recordkit?password=***&sslmode=require"
    )
    assert (
        display_url("postgresql://rk@/recordkit?host=/var/run/postgresql")
        == "postgresql://rk@/recordkit?host=/var/run/postgresql"
    )
    assert (
        display_url("sqlite:////home/wuye/幸福里/records/ledger.sqlite3")
        == "sqlite:////home/wuye/幸福里/records/ledger.sqlite3"
    )


def test_unreachable_postgres_is_a_clear_error() -> None:
    with pytest.raises(LedgerError, match="无法访问台账数据库 postgresql://u:\\*\\*\\*@127.0.0.1:1/x"):
        open_ledger("postgresql://u:secret@127.0.0.1:1/x")


#: What a PostgreSQL 15 server (or the client library) says when it refuses a connection, as psycopg reports it
#: (copied from real refusals: a wrong password, a missing pg_hba.conf line, …), in English and, for the server's
#: own words, in its Simplified Chinese (the zh_CN catalogue's translations); and the advice the clerk must read.
_AT = 'connection failed: connection to server at "192.168.1.10", port 5432 failed: '
REFUSALS = [
    (_AT + 'FATAL:  password authentication failed for user "rk"', "数据库账户或密码不对"),
    (_AT + 'FATAL:  用户 "rk" Password 认证失败', "数据库账户或密码不对"),
    (
        _AT + 'FATAL:  no pg_hba.conf entry for host "192.168.1.23", user "rk", database "recordkit", no encryption',
        "数据库服务器不允许这台电脑用这个账户连这个数据库",
    ),
    (
        _AT + 'FATAL:  没有用于主机 "192.168.1.23", 用户 "rk", 数据库 "recordkit", no encryption 的 pg_hba.conf 记录',
        "数据库服务器不允许这台电脑用这个账户连这个数据库",
    ),
    (_AT + 'FATAL:  database "recordkit" does not exist', "服务器上没有这个数据库"),
    (_AT + 'FATAL:  数据库 "recordkit" 不存在', "服务器上没有这个数据库"),
    (_AT + 'FATAL:  role "rk" does not exist', "服务器上没有这个数据库账户"),
    (_AT + 'FATAL:  角色 "rk" 不存在', "服务器上没有这个数据库账户"),
    (_AT + 'FATAL:  role "rk" is not permitted to log in', "这个数据库账户不能登录"),
    (_AT + "FATAL:  sorry, too many clients already", "数据库服务器的连接已满"),
    (
        _AT + "Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?",
        "连不上数据库服务器",
    ),
    (_AT + "timeout expired", "连接数据库服务器超时"),
    (_AT + "server closed the connection unexpectedly", None),  # (a restart: nothing to advise)
    # pgbouncer's own (pgbouncer 1.18's words)
    (_AT + 'FATAL:  "trust" authentication failed', "连接池（pgbouncer）不认识这个账户"),
    (_AT + "FATAL:  no such database: recordkit", "连接池（pgbouncer）里没有这个库"),
    (_AT + "FATAL:  no more connections allowed (max_client_conn)", "连接池（pgbouncer）的连接已满"),
    (_AT + "ERROR:  pgbouncer cannot connect to server", "连接池（pgbouncer）连不上后面的数据库服务器"),
]


@pytest.mark.parametrize(("said", "advice"), REFUSALS)
def test_a_refused_connection_says_what_to_do_about_it(said: str, advice: str | None) -> None:
    from recordkit.ledger.db import connection_advice

    told = connection_advice(RuntimeError(said))
    assert told.startswith(f"：{advice}") if advice else told == ""


@pytest.mark.postgres
def test_a_wrong_password_is_told_in_chinese_with_what_to_do(postgres_url: str, run_cli: Any) -> None:
    """A clerk's PC with a mistyped password, on a server that checks passwords for this database and account (a
    line put first in the test server's pg_hba.conf for them alone, taken out again; the rest of the server's
    lines, which trust every local connection, are left as they are)."""
    import os
    import uuid

    import psycopg

    from tests.conftest import database_of, driver_url

    role, database = f"rk_pw_{uuid.uuid4().hex[:8]}", database_of(postgres_url)
    with psycopg.connect(driver_url(postgres_url), autocommit=True) as admin:
        hba = Path(str(admin.execute("SHOW hba_file").fetchone()[0]))  # type: ignore[index]
        if not os.access(hba, os.W_OK):
            if os.environ.get("CI"):
                pytest.fail(f"CI=true but {hba} cannot be written: the password test must run in CI")
            pytest.skip(f"{hba} cannot be written by this user")
        admin.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'P#ss%41x'")
        before = hba.read_text(encoding="utf-8")
        try:
            hba.write_text(f"host {database} {role} 127.0.0.1/32 scram-sha-256\n" + before, encoding="utf-8")
            assert admin.execute("SELECT pg_reload_conf()").fetchone() == (True,)
            url = make_url(postgres_url).set(host="127.0.0.1", username=role)
            wrong = run_cli(
                "owners",
                "list",
                env={"RECORDKIT_DATABASE_URL": url.set(password="wrong-pass").render_as_string(hide_password=False)},
            )
            assert wrong.exit_code == LedgerError.exit_code, wrong.output
            assert wrong.stderr.startswith(f"错误：无法访问台账数据库 postgresql://{role}:***@127.0.0.1:")
            assert "wrong-pass" not in wrong.stderr
            advice = (
                "：数据库账户或密码不对：请核对环境变量 RECORDKIT_DATABASE_URL 中的账户和密码"
                "（密码里的 @ # / : % 要写成 %40 %23 %2F %3A %25）"
            )
            assert wrong.stderr.strip().endswith(advice)
            # the search index's own connection (search reads the index before the ledger) names it alike
            searched = run_cli(
                "search",
                "电梯",
                env={
                    "RECORDKIT_DATABASE_URL": url.set(password="wrong-pass").render_as_string(hide_password=False),
                    "RECORDKIT_SEARCH_BACKEND": "postgresql",
                },
            )
            assert searched.exit_code == LedgerError.exit_code, searched.output
            assert searched.stderr.startswith("错误：无法连接台账数据库（检索索引在其中）：")
            assert searched.stderr.strip().endswith(advice) and "wrong-pass" not in searched.stderr
            # The right password written as typed: its # and % (%41 is read as "A") are what the advice must name.
            port = url.port or 5432
            raw = run_cli(
                "owners",
                "list",
                env={"RECORDKIT_DATABASE_URL": f"postgresql://{role}:P#ss%41x@127.0.0.1:{port}/{database}"},
            )
            assert raw.exit_code == LedgerError.exit_code, raw.output
            assert raw.stderr.strip().endswith(advice) and "P#ss" not in raw.stderr
            encoded = run_cli(
                "owners",
                "list",
                env={"RECORDKIT_DATABASE_URL": f"postgresql://{role}:P%23ss%2541x@127.0.0.1:{port}/{database}"},
            )
            assert "密码不对" not in encoded.stderr  # (it reached the empty database: no ledger there yet)
        finally:
            hba.write_text(before, encoding="utf-8")
            admin.execute("SELECT pg_reload_conf()")
            admin.execute(f"DROP ROLE {role}")


@pytest.mark.postgres
def test_a_write_refused_by_a_read_only_ledger_names_the_variable_that_gave_its_address(
    postgres_ledger_url: str, run_cli: Any
) -> None:
    """A clerk's PC pointed at a replica by RECORDKIT_DATABASE_URL (a variable left exported): a work order said
    请把这台电脑的 [database] url 改为主库的地址, where recordkit.toml's url was not the one in use.  It names the
    variable now, as every message about the ledger's address does."""
    set_database(postgres_ledger_url, "SET default_transaction_read_only = on")
    try:
        result = run_cli(
            "workorder", "add", "--type", "报修", "--place", "大堂", "--category", "水电", "--desc", "漏水",
            env={"RECORDKIT_DATABASE_URL": postgres_ledger_url},
        )  # fmt: skip
    finally:
        set_database(postgres_ledger_url, "RESET default_transaction_read_only")
    assert result.exit_code == LedgerError.exit_code, result.output
    assert result.stderr == (
        f"错误：台账数据库 {display_url(postgres_ledger_url)} 只能读（从库，或设置了 default_transaction_read_only）："
        "检索和查看可以，收款、归档、借阅等写入要连主库，"
        "请把这台电脑上环境变量 RECORDKIT_DATABASE_URL 改为主库的地址；什么也没有写入\n"
    )


@pytest.mark.postgres
def test_a_missing_database_or_account_is_told_in_chinese_with_what_to_do(
    postgres_url: str, tmp_path: Path, run_cli: Any
) -> None:
    """First install of a clerk's PC: the address names a database or an account the server does not have."""
    url = make_url(postgres_url)
    missing_database = url.set(database="rk_never_made").render_as_string(hide_password=False)
    missing_account = url.set(username="rk_nobody").render_as_string(hide_password=False)
    for address, advice in (
        (missing_database, "服务器上没有这个数据库：请数据库管理员先建库（CREATE DATABASE 库名 ENCODING 'UTF8'"),
        (missing_account, "服务器上没有这个数据库账户：请数据库管理员先建（CREATE ROLE 账户 LOGIN"),
    ):
        result = run_cli("owners", "list", env={"RECORDKIT_DATABASE_URL": address})
        assert result.exit_code == LedgerError.exit_code, result.output
        assert result.stderr.startswith("错误：无法访问台账数据库 postgresql://")
        assert advice in result.stderr
        doctor = run_cli("doctor", "--json", env={"RECORDKIT_DATABASE_URL": address})
        ledger_line = next(check for check in json.loads(doctor.stdout) if check["name"] == "台账数据库")
        assert advice in ledger_line["detail"]
        assert ledger_line["fix"] == "按说明中的做法改好后，再运行 recordkit doctor"


@pytest.mark.postgres
def test_an_account_pgbouncer_does_not_know_is_told_in_chinese(postgres_url: str, run_cli: Any) -> None:
    """pgbouncer set up with ``auth_type = trust`` (as .ci/run sets it up) refuses an account missing from its
    auth_file with its own words, ``"trust" authentication failed``, which recordkit passed on unexplained."""
    address = make_url(through_pgbouncer(postgres_url)).set(username="rk_not_in_userlist")
    result = run_cli("owners", "list", env={"RECORDKIT_DATABASE_URL": address.render_as_string(hide_password=False)})
    assert result.exit_code == LedgerError.exit_code, result.output
    assert (
        '"trust" authentication failed：连接池（pgbouncer）不认识这个账户：请管理员把这个账户写进 pgbouncer 的 auth_file'
        in (result.stderr.replace("\n", ""))
    )


def test_sqlite_pragmas(tmp_path: Path) -> None:
    with open_ledger(f"sqlite:///{tmp_path / 'l.sqlite3'}") as ledger, ledger.read() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000


def _writes_denied(monkeypatch: pytest.MonkeyPatch, *denied: Path) -> None:
    """``os.access`` says no to writing ``denied`` (as it does to a service account given them to read only; these
    tests run as root, where it says yes to everything)."""
    real = os.access

    def access(path: Any, mode: int, **kwargs: Any) -> bool:
        return not (mode & os.W_OK and Path(path) in denied) and real(path, mode, **kwargs)

    monkeypatch.setattr(os, "access", access)


@pytest.mark.parametrize(
    ("denied", "wal_open", "read_only"),
    [
        ((), False, False),
        (("ledger.sqlite3",), False, True),
        (("ledger.sqlite3",), True, True),
        ((".",), False, True),  # SQLite must make its -wal and -shm files in the folder, even to read
        ((".",), True, False),  # … which are there while another connection holds the ledger open
        (("ledger.sqlite3-shm",), True, True),
        (("ledger.sqlite3-wal",), True, True),
    ],
    ids=["writable", "file", "file-wal-open", "folder", "folder-wal-open", "shm", "wal"],
)
def test_a_sqlite_ledger_this_account_cannot_write_is_read_only(
    tmp_path: Path,
    _sqlite_template: Path,
    monkeypatch: pytest.MonkeyPatch,
    denied: tuple[str, ...],
    wal_open: bool,
    read_only: bool,
) -> None:
    """``read_only`` was never true on SQLite: a page served under an account that may only read the ledger offered
    sign-in and failed on it with a generic ledger error."""
    folder = tmp_path / "records"
    folder.mkdir()
    url = migrated_sqlite(_sqlite_template, folder / "ledger.sqlite3")
    with open_ledger(url) as ledger, open_ledger(url) as other, ExitStack() as held:
        if wal_open:  # another clerk's reading keeps the WAL files there
            held.enter_context(other.read()).exec_driver_sql("SELECT count(*) FROM journal").scalar()
        else:
            other.close()
            ledger.close()  # the last connection closed: SQLite removes its -wal and -shm files
        assert (folder / "ledger.sqlite3-shm").exists() is wal_open
        _writes_denied(monkeypatch, *(folder / name for name in denied))
        assert ledger.read_only() is read_only


def test_a_wal_file_holding_transactions_is_never_advised_removed(
    tmp_path: Path, _sqlite_template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The advice for -wal and -shm files a reader left read-only is to remove them or make them writable, but a
    -wal still holding transactions not copied into the ledger file loses them when removed: for it, writable only."""
    url = migrated_sqlite(_sqlite_template, tmp_path / "ledger.sqlite3")
    wal, shm = tmp_path / "ledger.sqlite3-wal", tmp_path / "ledger.sqlite3-shm"
    with open_ledger(url) as ledger, open_ledger(url) as holder, holder.read() as held:
        held.exec_driver_sql("SELECT count(*) FROM journal").scalar()  # a reader keeps the WAL from its checkpoint
        with ledger.write() as conn:
            conn.exec_driver_sql("UPDATE alembic_version SET version_num = version_num")
        assert wal.stat().st_size > 0
        _writes_denied(monkeypatch, wal, shm)
        assert ledger.read_only()
        assert ledger.writes_need() == (
            f"在没有 recordkit 运行时（先停下 recordkit watch 和 recordkit serve）让运行 recordkit 的系统账户能写入 "
            f"{wal}、{shm}（chmod，或改为这个账户所有）；不要删除 {wal}：里面有还没写进台账文件的记录"
        )


# -- the journal ------------------------------------------------------------------------


def _append(ledger: Ledger, count: int, who: str = "测试员") -> None:
    with ledger.write() as conn:
        journal.record(
            conn,
            who,
            [
                journal.Change("unit.update", "unit", f"1-1-{100 + i}", {"status": "vacant"}, {"status": "occupied"})
                for i in range(count)
            ],
        )


def test_journal_chain_verifies(ledger: Ledger) -> None:
    _append(ledger, 5)
    _append(ledger, 3, who="另一位")
    with ledger.read() as conn:
        result = journal.verify(conn)
        entries = journal.recent(conn, limit=2)
    assert result.ok and result.rows_checked == 8
    assert [e.id for e in entries] == [8, 7]
    assert entries[0].operator == "另一位"
    assert entries[0].before == {"status": "vacant"}


def _tamper(ledger: Ledger, sql: str, **params: str) -> journal.VerifyResult:
    """Edit the journal by hand, as someone with database access might, then verify it."""
    with ledger.write() as conn:
        conn.execute(sa.text(sql), params)
    with ledger.read() as conn:
        return journal.verify(conn)


def test_an_edited_row_is_found(ledger: Ledger) -> None:
    _append(ledger, 6)
    result = _tamper(ledger, 'UPDATE journal SET after = \'{"status":"vacant"}\' WHERE id = 4')
    assert (result.ok, result.broken_id, result.rows_checked) == (False, 4, 3)
    assert result.reason == "第 4 条记录的内容与校验值不符（记录被改动）"


def test_an_edited_row_with_a_recomputed_hash_breaks_the_next_link(ledger: Ledger) -> None:
    _append(ledger, 6)
    with ledger.read() as conn:
        row = conn.execute(sa.text("SELECT * FROM journal WHERE id = 2")).mappings().one()
    forged = journal.row_hash(
        2,
        row["at"],
        "冒充者",
        row["action"],
        row["entity"],
        row["entity_key"],
        row["before"],
        row["after"],
        row["prev_hash"],
    )
    result = _tamper(ledger, "UPDATE journal SET operator = '冒充者', hash = :h WHERE id = 2", h=forged)
    assert result.broken_id == 3
    assert "链接不符" in result.reason


def test_a_deleted_row_is_found(ledger: Ledger) -> None:
    _append(ledger, 6)
    result = _tamper(ledger, "DELETE FROM journal WHERE id = 3")
    assert result.broken_id == 3
    assert result.reason == "缺少第 3 至 3 条记录（被删除）"


def _writer(url: str, rounds: int) -> None:
    with open_ledger(url) as ledger:
        for _ in range(rounds):
            _append(ledger, 3, who=multiprocessing.current_process().name)


def test_two_processes_append_at_once_and_the_chain_holds(ledger_url: str) -> None:
    open_ledger(ledger_url).close()  # migrate first, so the race is about the journal
    run_at_once(_writer, (ledger_url, 15), ["writer-0", "writer-1"])
    with open_ledger(ledger_url) as ledger, ledger.read() as conn:
        result = journal.verify(conn)
        operators = conn.execute(sa.text("SELECT operator, COUNT(*) FROM journal GROUP BY operator")).all()
    assert result.ok and result.rows_checked == 90
    assert sorted(operators) == [("writer-0", 45), ("writer-1", 45)]


def _first_user(url: str) -> None:
    open_ledger(url).close()


@pytest.mark.fresh_ledger
def test_two_first_uses_at_once_migrate_once(ledger_url: str) -> None:
    run_at_once(_first_user, (ledger_url,), ["first-0", "first-1"])
    with open_ledger(ledger_url) as ledger:
        assert ledger.revision() == HEAD_REVISION


@pytest.mark.postgres
@pytest.mark.parametrize("level", ["repeatable read", "serializable"])
def test_a_databases_default_isolation_level_changes_nothing(postgres_url: str, level: str) -> None:
    """A DBA's ``default_transaction_isolation``: two first uses and two writers at once, as on any database."""
    set_database(postgres_url, f"SET default_transaction_isolation = '{level}'")
    run_at_once(_first_user, (postgres_url,), ["first-0", "first-1"])
    run_at_once(_writer, (postgres_url, 15), ["writer-0", "writer-1"])
    with open_ledger(postgres_url) as ledger, ledger.read() as conn:
        assert conn.exec_driver_sql("SHOW default_transaction_isolation").scalar() == level
        result = journal.verify(conn)
    assert result.ok and result.rows_checked == 90


def test_a_read_sees_the_ledger_at_one_moment_however_many_statements_it_makes(ledger: Ledger) -> None:
    """A report reads its figures in several statements; a payment committed meanwhile must not be in some of
    them and missing from others."""
    _append(ledger, 1)
    with ledger.read() as conn:
        before = conn.exec_driver_sql("SELECT count(*) FROM journal").scalar()
        _append(ledger, 3)  # another writer commits while the read is open
        again = conn.exec_driver_sql("SELECT count(*) FROM journal").scalar()
    assert (before, again) == (1, 1)
    with ledger.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM journal").scalar() == 4


def test_bulk_insert_reads_back_exactly_like_sqlalchemy_inserts(ledger: Ledger) -> None:
    import datetime as dt

    from recordkit.ledger.db import bulk_insert

    probe = sa.Table(
        "bulk_probe",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("day", sa.Date),
        sa.Column("at", sa.DateTime),
        sa.Column("note", sa.String(20)),
    )
    rows = [
        {"id": 1, "day": dt.date(2026, 11, 23), "at": dt.datetime(2026, 11, 23, 9, 30), "note": "整点"},
        {"id": 2, "day": None, "at": dt.datetime(2026, 11, 23, 9, 30, 0, 125), "note": None},
    ]
    with ledger.write() as conn:
        probe.create(conn)
        bulk_insert(conn, probe, rows)
        conn.execute(probe.insert(), [{**rows[0], "id": 3}])  # the ordinary way, for comparison
        read = [r._asdict() for r in conn.execute(sa.select(probe).order_by(probe.c.id))]
        raw = conn.execute(sa.text("SELECT CAST(at AS TEXT) FROM bulk_probe WHERE id IN (1, 3)")).scalars().all()
    assert read[:2] == rows
    assert {**read[2], "id": 1} == rows[0]
    assert raw[0] == raw[1]  # stored in the very same form


def test_a_ledger_path_into_a_missing_folder_is_refused_and_nothing_is_made(tmp_path: Path) -> None:
    wanted = tmp_path / "没有这个文件夹" / "ledger.sqlite3"
    with pytest.raises(ConfigError) as caught:
        open_ledger(f"sqlite:///{wanted}")
    assert caught.value.message == (
        f"台账数据库 sqlite:///{wanted} 所在的文件夹不存在：请检查 recordkit.toml 的 [database] url"
    )
    assert not wanted.parent.exists()


def test_opening_to_read_never_creates_a_ledger(tmp_path: Path) -> None:
    wanted = tmp_path / "ledger.sqlite3"
    with pytest.raises(LedgerError, match="不见了.*：这个命令不会新建台账：请先找回原来的台账"):
        open_ledger(f"sqlite:///{wanted}", create=False)
    assert list(tmp_path.iterdir()) == []


def test_a_mistyped_database_url_stops_every_command_with_a_message(run_cli: Any, workspace: Any) -> None:
    """A typo in the address (here RECORDKIT_DATABASE_URL's, named as such) used to create a second, empty ledger,
    even from `receipt list`."""
    typo = workspace.root / "recrods" / "ledger.sqlite3"
    for args in (("receipt", "list"), ("owners", "list"), ("fees", "arrears")):
        result = run_cli(*args, env={"RECORDKIT_DATABASE_URL": f"sqlite:///{typo}"})
        assert result.exit_code == 3, args
        assert result.stderr.strip() == (
            f"错误：台账数据库 sqlite:///{typo} 所在的文件夹不存在：请检查环境变量 RECORDKIT_DATABASE_URL"
        )
    assert not typo.parent.exists()


def test_a_password_with_an_at_sign_not_written_as_percent_40_is_refused_without_showing_it(
    run_cli: Any, workspace: Any
) -> None:
    """An IT person's password "P@ss#2026" pasted into the address as it is: the password's @ was taken for the
    end of the account and the rest for the host, so every message showed "rk:***@ss#2026@192.168.1.10" (most
    of the password) and said the host could not be found.  Now it says how to write it, before any connection;
    the password is never shown; written as the message says, it is read back whole."""
    url = "postgresql://rk:P@ss#2026@192.168.1.10:5432/recordkit"
    result = run_cli("owners", "list", env={"RECORDKIT_DATABASE_URL": url})
    assert result.exit_code == ConfigError.exit_code
    assert result.stderr.startswith(
        "错误：数据库地址 postgresql://rk:***@192.168.1.10:5432/recordkit 的密码（或账户）里有 @，要写成 %40"
    )
    assert "postgresql://recordkit:P%40ss%231@192.168.1.10/recordkit" in result.stderr
    assert "ss#2026" not in result.output
    assert display_url(url) == "postgresql://rk:***@192.168.1.10:5432/recordkit"
    written = make_url("postgresql://rk:P%40ss%232026@192.168.1.10:5432/recordkit")
    assert (written.username, written.password, written.host) == ("rk", "P@ss#2026", "192.168.1.10")


@pytest.mark.parametrize("port", ["54x32", "abc", "[::1"])
def test_an_address_whose_port_is_not_a_number_is_refused_as_a_setting_without_showing_the_password(
    run_cli: Any, workspace: Any, port: str
) -> None:
    """A port mistyped in the address ("54x32"): SQLAlchemy's ValueError was "程序内部错误（ValueError）", exit 70,
    for every command, doctor and ``db move --to`` alike."""
    url = f"postgresql://rk:Secret2026@192.168.1.10:{port}/recordkit"
    said = (
        "数据库地址无法解析：'（无法解析的地址）'：PostgreSQL 地址写成 postgresql://账户:密码@主机:端口/库名"
        "（端口是数字，例如 5432，可以不写），SQLite 写 sqlite:///文件路径"
    )
    for args, env in (
        (("owners", "list"), {"RECORDKIT_DATABASE_URL": url}),
        (("db", "move", "--to", url), {}),
    ):
        result = run_cli(*args, env=env)
        assert result.exit_code == ConfigError.exit_code, result.output
        assert said in result.stderr
        assert "Secret2026" not in result.output
    doctor = run_cli("doctor", "--json", env={"RECORDKIT_DATABASE_URL": url})
    assert doctor.exit_code != 70, doctor.output
    assert "Secret2026" not in doctor.output and "ValueError" not in doctor.output


def test_a_command_that_only_reads_does_not_create_the_ledger(run_cli: Any, workspace: Any, tmp_path: Path) -> None:
    elsewhere = tmp_path / "other.sqlite3"
    result = run_cli("receipt", "list", env={"RECORDKIT_DATABASE_URL": f"sqlite:///{elsewhere}"})
    assert result.exit_code == 7
    assert result.stderr.startswith(f"错误：台账文件 {elsewhere} 不见了")
    assert "地址写错了的，请检查环境变量 RECORDKIT_DATABASE_URL" in result.stderr
    assert not elsewhere.exists()


def test_a_command_that_only_reads_on_a_workspace_whose_ledger_file_is_gone_sends_to_its_backup(
    run_cli: Any, workspace: Any
) -> None:
    """records/ledger.sqlite3 gone: owners list said 台账数据库 … 还不存在 …或先导入业主名册 — an import there makes an
    empty ledger, numbering receipts from 1.  It now says what a payment says: the file is gone, restore it."""
    ledger_file = without_its_ledger_file(workspace)
    result = run_cli("owners", "list")
    assert result.exit_code == LedgerError.exit_code, result.output
    assert result.stderr == (
        f"错误：台账文件 {ledger_file}{GONE_SAID}"
        "确是新的工作区，先运行 recordkit db upgrade 或导入业主名册（recordkit owners import）建立台账\n"
    )
    assert not ledger_file.exists()


#: What a command that writes says of a workspace whose records/ledger.sqlite3 is gone, after the file's name.
GONE_SAID = (
    " 不见了（被删除或挪走、从备份恢复时漏了它，或者它所在的磁盘没有挂载）：这个命令不会新建台账："
    "请先找回原来的台账：从备份恢复到这个位置，或挂载好它所在的磁盘；"
)
NEW_WORKSPACE_SAID = (
    "确是新的工作区，先运行 recordkit db upgrade 或导入业主名册（recordkit owners import）建立台账；什么也没有写入\n"
)


def test_a_missing_ledger_file_is_not_made_anew_by_a_command_that_writes(run_cli: Any, workspace: Any) -> None:
    """records/ledger.sqlite3 deleted, left out of a restore, or on a disk that did not mount: ``fees pay``,
    ``workorder add``, ``renovation register`` … made a new, empty ledger there, and the office worked on, its
    receipt numbers starting again from 1.  Only the commands meant to make a ledger make it now (``db upgrade``
    here); the others are refused (exit 3), naming the file and what to do, and nothing is made."""
    ledger_file = without_its_ledger_file(workspace)
    before = sorted(path.name for path in workspace.records_dir.iterdir())
    for args in (
        ("fees", "pay", "1-1-101", "--amount", "100"),
        ("workorder", "add", "--type", "报修", "--unit", "1-1-101", "--category", "水电", "--desc", "厨房漏水"),
        (
            "renovation",
            "register",
            "1-1-101",
            "--contractor",
            "安达装饰",
            "--manager",
            "王强",
            "--phone",
            "13600001111",
            "--start",
            "2026-12-01",
            "--end",
            "2027-01-31",
        ),
        ("watch", "--once"),
    ):
        result = run_cli(*args)
        assert result.exit_code == 3, (args, result.output)
        assert result.stderr == f"错误：台账文件 {ledger_file}{GONE_SAID}{NEW_WORKSPACE_SAID}", args
        assert sorted(path.name for path in workspace.records_dir.iterdir()) == before, args
    made = run_cli("db", "upgrade")
    assert made.exit_code == 0, made.output
    assert made.stdout == f"台账数据库 sqlite:///{ledger_file} 已从 空库 升级到 {HEAD_REVISION}\n"
    assert run_cli("owners", "list").exit_code == 0


def test_the_services_beside_a_filed_archive_say_the_workspaces_own_ledger_file_is_gone(
    run_cli: Any, workspace: Any
) -> None:
    """records/ledger.sqlite3 gone beside an archive holding filed documents: the filing service and the web page
    refused to start saying 多半是 recordkit.toml 的 [database] url 写错了 — a setting the workspace never wrote.  They
    now say the file is gone and to restore it, or, where it is truly lost, to rebuild the archive's registrations."""
    ledger_file = without_its_ledger_file(workspace)
    filed = workspace.records_dir / "archive" / "业主档案" / "2026"
    filed.mkdir(parents=True)
    (filed / "YZ-2026-00001_购房合同.pdf").write_bytes(b"%PDF-1.4 filed before")
    for args, service in ((("watch", "--once"), "归档服务"), (("serve", "--port", "0"), "档案室网页")):
        result = run_cli(*args)
        assert result.exit_code == 3, result.output
        assert result.stderr == (
            f"错误：台账文件 {ledger_file} 不见了（被删除或挪走、从备份恢复时漏了它，或者它所在的磁盘没有挂载），"
            "而 records/archive 里已经有归档的文件：请先找回原来的台账：从备份恢复到这个位置，或挂载好它所在的磁盘；"
            "台账确实丢失、又没有备份的，档案登记可以用 recordkit archive verify --repair 按档案目录重建"
            f"（收费记录只能从备份恢复）；{service}没有启动，这里什么也没有新建\n"
        )
    assert not ledger_file.exists()


def test_an_import_beside_a_filed_archive_does_not_make_a_new_ledger_for_a_lost_one(
    run_cli: Any, workspace: Any
) -> None:
    """records/ledger.sqlite3 gone beside an archive holding filed documents (the sign that this workspace had a
    ledger): ``owners import`` made a new, empty ledger there, receipts numbered from 1 again.  It is refused now,
    like a payment, and says how to make a new ledger on purpose: ``db upgrade`` first, then the import."""
    ledger_file = without_its_ledger_file(workspace)
    filed = workspace.records_dir / "archive" / "业主档案" / "2026"
    filed.mkdir(parents=True)
    (filed / "YZ-2026-00001_购房合同.pdf").write_bytes(b"%PDF-1.4 filed before")
    sheet = write_sheet(workspace.root / "名册.xlsx", SAMPLE_ROWS)
    result = run_cli("owners", "import", str(sheet))
    assert result.exit_code == 3, result.output
    assert result.stderr == (
        f"错误：台账文件 {ledger_file} 不见了（被删除或挪走、从备份恢复时漏了它，或者它所在的磁盘没有挂载），"
        "而 records/archive 里已经有归档的文件：请先找回原来的台账：从备份恢复到这个位置，或挂载好它所在的磁盘；"
        "台账确实丢失、又没有备份的，档案登记可以用 recordkit archive verify --repair 按档案目录重建"
        "（收费记录只能从备份恢复）；确要在这里新建台账的，先运行 recordkit db upgrade，再导入；"
        "名册没有导入，这里什么也没有新建\n"
    )
    assert not ledger_file.exists()
    assert run_cli("db", "upgrade").exit_code == 0
    imported = run_cli("owners", "import", str(sheet))
    assert imported.exit_code == 0, imported.output


def test_the_import_and_the_filing_service_beside_a_filed_archive_say_an_empty_ledger_file_is_no_new_ledger(
    run_cli: Any, workspace: Any
) -> None:
    """records/ledger.sqlite3 of 0 bytes beside a filed archive: the filing service and the import said only that the
    file was empty and to run an import (exit 7); they say what it most likely is and how to find the ledger again,
    and that the archive's registrations can be rebuilt where it is truly lost."""
    ledger_file = without_its_ledger_file(workspace)
    ledger_file.touch()
    filed = workspace.records_dir / "archive" / "业主档案" / "2026"
    filed.mkdir(parents=True)
    (filed / "YZ-2026-00001_购房合同.pdf").write_bytes(b"%PDF-1.4 filed before")
    sheet = write_sheet(workspace.root / "名册.xlsx", SAMPLE_ROWS)
    for args, not_done in (
        (("watch", "--once"), "归档服务没有启动"),
        (("owners", "import", str(sheet)), "名册没有导入"),
    ):
        result = run_cli(*args)
        assert result.exit_code == 3, result.output
        anew = "确要在这里新建台账的，先运行 recordkit db upgrade，再导入；" if args[0] == "owners" else ""
        assert result.stderr == (
            f"错误：台账文件 {ledger_file} 是个空文件（0 字节），里面没有台账：多半是复制没有完成，或者磁盘写满时留下的，"
            "不是新的台账，而 records/archive 里已经有归档的文件：请先看看它所在的磁盘是否已满，"
            "再从备份把台账恢复到这个位置（替换这个空文件）；"
            "台账确实丢失、又没有备份的，档案登记可以用 recordkit archive verify --repair 按档案目录重建"
            f"（收费记录只能从备份恢复）；{anew}{not_done}，这里什么也没有新建\n"
        )
    assert ledger_file.stat().st_size == 0


@pytest.mark.parametrize("empty", [True, False], ids=["0-byte", "gone"])
def test_a_repair_says_it_made_a_new_ledger_in_place_of_an_empty_or_missing_file(
    run_cli: Any, workspace: Any, empty: bool
) -> None:
    """records/ledger.sqlite3 of 0 bytes (or gone) beside a filed archive: every other command calls it a bad copy and
    names ``archive verify --repair`` as the way on where the ledger is truly lost.  The repair made a new ledger
    there without a word, saying only 已修复：补全中断的归档 …; it now says which file it wrote the new ledger into,
    that it replaced the empty file, and that fees and the roster come only from a backup."""
    scan = write_scan(workspace.root / "扫描" / "1-1-101_产权证明_20261101.pdf", 1)
    assert run_cli("file", str(scan)).exit_code == 0
    ledger_file = workspace.records_dir / "ledger.sqlite3"
    for file in workspace.records_dir.glob("ledger.sqlite3*"):
        if file.is_file():
            file.unlink()
    if empty:
        ledger_file.touch()
    result = run_cli("archive", "verify", "--repair")
    assert result.exit_code == 0, result.output
    was = (
        "是个空文件（0 字节），里面没有台账：已把这个空文件换成新建的台账" if empty else "不见了：已在这个位置新建台账"
    )
    assert result.stdout.splitlines()[0] == (
        f"注意：台账文件 {ledger_file} {was}，按 records/archive 里的说明文件重建档案登记；"
        "收费记录和业主名册不在档案里，只能从备份恢复"
    )
    # the registration rebuilt from the sidecar, not "补全中断的归档": no filing was cut short
    assert result.stdout.splitlines()[1:] == [
        "已修复：按说明文件重建档案登记 YZ-2026-00001（records/archive/业主档案/2026/YZ-2026-00001_产权证明.pdf）",
        "档案完好：共 1 件，文件、说明文件与台账记录一致",
    ]
    listed = run_cli("archive", "show", "YZ-2026-00001")
    assert listed.exit_code == 0 and "产权证明" in listed.stdout
    again = run_cli("archive", "verify", "--repair")
    assert again.stdout == "档案完好：共 1 件，文件、说明文件与台账记录一致\n"


def test_a_repair_with_nothing_filed_does_not_write_a_ledger_into_an_empty_file(run_cli: Any, workspace: Any) -> None:
    """records/ledger.sqlite3 of 0 bytes and nothing filed: ``archive verify --repair`` wrote a new, empty ledger into
    it (there was nothing to rebuild), while every other command calls it a bad copy.  It now refuses as they do (exit
    3), the file left at 0 bytes."""
    ledger_file = workspace.records_dir / "ledger.sqlite3"
    for file in workspace.records_dir.glob("ledger.sqlite3*"):
        if file.is_file():
            file.unlink()
    ledger_file.touch()
    result = run_cli("archive", "verify", "--repair")
    assert result.exit_code == 3, result.output
    assert result.stderr == (
        f"错误：台账文件 {ledger_file} 是个空文件（0 字节），里面没有台账：多半是复制没有完成，或者磁盘写满时留下的，"
        "不是新的台账，而 records/archive 里没有归档的文件，没有可以重建的档案登记：请先看看它所在的磁盘是否已满，"
        "再从备份把台账恢复到这个位置（替换这个空文件）；确是新的工作区，先运行 recordkit db upgrade 建立台账；"
        "这里什么也没有新建\n"
    )
    assert ledger_file.stat().st_size == 0


def test_an_import_into_a_workspace_with_nothing_filed_still_makes_its_ledger(run_cli: Any, workspace: Any) -> None:
    """A new estate (nothing in records/archive) whose ledger file is not made yet: the import makes it."""
    ledger_file = without_its_ledger_file(workspace)
    result = run_cli("owners", "import", str(write_sheet(workspace.root / "名册.xlsx", SAMPLE_ROWS)))
    assert result.exit_code == 0, result.output
    assert ledger_file.stat().st_size > 0


def test_a_dry_run_of_the_import_on_a_workspace_whose_ledger_file_is_gone_makes_no_ledger(
    run_cli: Any, workspace: Any
) -> None:
    """records/ledger.sqlite3 gone: ``owners import --dry-run`` made a new, empty ledger file there (a dry run that
    wrote to the disk).  With no ledger to compare the roster with, it now says so, as a command that only reads does,
    and leaves records/ as it was: the import without --dry-run, or db upgrade, makes the ledger."""
    ledger_file = without_its_ledger_file(workspace)
    before = sorted(path.name for path in workspace.records_dir.iterdir())
    sheet = write_sheet(workspace.root / "名册.xlsx", SAMPLE_ROWS)
    result = run_cli("owners", "import", str(sheet), "--dry-run")
    assert result.exit_code == 7, result.output
    assert result.stderr == (
        f"错误：台账文件 {ledger_file}{GONE_SAID}"
        "确是新的工作区，先运行 recordkit db upgrade 或导入业主名册（recordkit owners import）建立台账\n"
    )
    assert not ledger_file.exists()
    assert sorted(path.name for path in workspace.records_dir.iterdir()) == before


def test_a_dry_run_of_the_import_beside_a_filed_archive_is_refused_as_the_import_itself(
    run_cli: Any, workspace: Any
) -> None:
    """records/ledger.sqlite3 gone beside an archive holding filed documents: ``owners import --dry-run`` said only
    that the file was gone and to make a new ledger by ``db upgrade`` or the import (exit 7), while the import itself
    says a ledger was here, how to find it again and how to make a new one on purpose (exit 3).  The dry run now
    says the same as the run it checks, and makes nothing."""
    ledger_file = without_its_ledger_file(workspace)
    filed = workspace.records_dir / "archive" / "业主档案" / "2026"
    filed.mkdir(parents=True)
    (filed / "YZ-2026-00001_购房合同.pdf").write_bytes(b"%PDF-1.4 filed before")
    before = sorted(path.name for path in workspace.records_dir.iterdir())
    sheet = write_sheet(workspace.root / "名册.xlsx", SAMPLE_ROWS)
    result = run_cli("owners", "import", str(sheet), "--dry-run")
    assert result.exit_code == 3, result.output
    assert result.stderr == (
        f"错误：台账文件 {ledger_file} 不见了（被删除或挪走、从备份恢复时漏了它，或者它所在的磁盘没有挂载），"
        "而 records/archive 里已经有归档的文件：请先找回原来的台账：从备份恢复到这个位置，或挂载好它所在的磁盘；"
        "台账确实丢失、又没有备份的，档案登记可以用 recordkit archive verify --repair 按档案目录重建"
        "（收费记录只能从备份恢复）；确要在这里新建台账的，先运行 recordkit db upgrade，再导入；"
        "名册没有导入，这里什么也没有新建\n"
    )
    assert sorted(path.name for path in workspace.records_dir.iterdir()) == before


def test_a_dry_run_of_the_import_does_not_upgrade_an_older_ledger(run_cli: Any, workspace: Any) -> None:
    """A ledger an older recordkit left (as of migration 0027): ``owners import --dry-run`` upgraded it to the newest
    layout before checking the roster — a dry run that changed the ledger.  It now leaves the ledger as it found it
    and says to upgrade it first (exit 7, as a ledger of another version is); after ``db upgrade`` it checks."""
    ledger_file = workspace.records_dir / "ledger.sqlite3"
    engine = sa.create_engine(f"sqlite:///{ledger_file}")
    with engine.begin() as conn:
        mark_as_of(conn, "0027")
    engine.dispose()
    before = sorted(path.name for path in workspace.records_dir.iterdir())
    sheet = write_sheet(workspace.root / "名册.xlsx", SAMPLE_ROWS)
    result = run_cli("owners", "import", str(sheet), "--dry-run")
    assert result.exit_code == 7, result.output
    assert result.stderr == (
        f"错误：台账数据库 sqlite:///{ledger_file} 的表结构版本是 0027，这一版 recordkit 要 {HEAD_REVISION}，要先升级："
        "这个命令只读取、不改动台账，不会替你升级：请先运行 recordkit db upgrade，再运行这个命令；什么也没有写入\n"
    )
    with closing(sqlite3.connect(ledger_file)) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("0027",)]
        assert "id_number" not in [row[1] for row in conn.execute("PRAGMA table_info(unit_contacts)")]
    assert sorted(path.name for path in workspace.records_dir.iterdir()) == before
    assert run_cli("db", "upgrade").exit_code == 0
    checked = run_cli("owners", "import", str(sheet), "--dry-run")
    assert checked.exit_code == 0, checked.output


def test_a_dry_run_leaves_a_ledger_in_the_rollback_journals_mode_as_it_found_it(run_cli: Any, workspace: Any) -> None:
    """A ledger file in the rollback journal's mode (``db backup``'s copy, one a tool left so): ``owners import
    --dry-run`` switched it to WAL as it opened it — its header rewritten, a dry run that changed the ledger file.
    It now reads it in the mode it is in: the file's bytes are as they were, nothing left beside it; the import
    itself still switches it (the mode every writer of the office uses)."""
    ledger_file = workspace.records_dir / "ledger.sqlite3"
    with closing(sqlite3.connect(ledger_file)) as conn:
        assert conn.execute("PRAGMA journal_mode=DELETE").fetchone() == ("delete",)
    before = ledger_file.read_bytes()
    assert before[18:20] == b"\x01\x01"  # the rollback journal's mode, by the file's header
    beside = sorted(path.name for path in workspace.records_dir.iterdir())
    sheet = write_sheet(workspace.root / "名册.xlsx", SAMPLE_ROWS)
    checked = run_cli("owners", "import", str(sheet), "--dry-run")
    assert checked.exit_code == 0, checked.output
    assert ledger_file.read_bytes() == before
    # no -wal, -shm or -journal left beside it, nor the writers' queue
    assert sorted(path.name for path in workspace.records_dir.iterdir()) == beside
    assert run_cli("owners", "import", str(sheet)).exit_code == 0
    assert ledger_file.read_bytes()[18:20] == b"\x02\x02"  # WAL


def test_an_import_does_not_make_a_ledger_in_an_empty_ledger_file(run_cli: Any, workspace: Any) -> None:
    """records/ledger.sqlite3 of 0 bytes, nothing filed yet: ``owners import`` wrote a new ledger into it, while every
    other command calls such a file a bad copy.  The import now says so too (exit 3), the file left at 0 bytes;
    ``db upgrade`` is the way to start a new ledger there on purpose, and the import works after it."""
    ledger_file = without_its_ledger_file(workspace)
    ledger_file.touch()
    sheet = write_sheet(workspace.root / "名册.xlsx", SAMPLE_ROWS)
    result = run_cli("owners", "import", str(sheet))
    assert result.exit_code == 3, result.output
    assert result.stderr == (
        f"错误：台账文件 {ledger_file} 是个空文件（0 字节），里面没有台账：多半是复制没有完成，或者磁盘写满时留下的，"
        "不是新的台账：请先看看它所在的磁盘是否已满，再从备份把台账恢复到这个位置（替换这个空文件）；"
        "确是新的工作区，先运行 recordkit db upgrade 建立台账；名册没有导入，这里什么也没有新建\n"
    )
    assert ledger_file.stat().st_size == 0
    assert run_cli("db", "upgrade").exit_code == 0
    imported = run_cli("owners", "import", str(sheet))
    assert imported.exit_code == 0, imported.output


def test_a_ledger_file_named_by_a_variable_and_missing_is_not_made_by_a_payment(
    run_cli: Any, workspace: Any, tmp_path: Path
) -> None:
    """RECORDKIT_DATABASE_URL naming a file that is not there (a mistyped name, a backup's copy not yet put back):
    a payment made an empty ledger of that name.  It is refused, the variable named."""
    elsewhere = tmp_path / "ledgr.sqlite3"
    result = run_cli(
        "fees", "pay", "1-1-101", "--amount", "100", env={"RECORDKIT_DATABASE_URL": f"sqlite:///{elsewhere}"}
    )
    assert result.exit_code == 3, result.output
    assert result.stderr == (
        f"错误：台账文件 {elsewhere}{GONE_SAID}地址写错了的，请检查环境变量 RECORDKIT_DATABASE_URL；{NEW_WORKSPACE_SAID}"
    )
    assert not elsewhere.exists()


def test_an_empty_ledger_file_is_not_made_a_ledger_by_a_command_that_writes(run_cli: Any, workspace: Any) -> None:
    """records/ledger.sqlite3 an empty file (a copy that went wrong): a payment made it a new, empty ledger.  It is
    refused, saying what an empty file most likely is, and to restore it (not to mount a disk)."""
    ledger_file = without_its_ledger_file(workspace)
    ledger_file.touch()
    result = run_cli("fees", "pay", "1-1-101", "--amount", "100")
    assert result.exit_code == 3, result.output
    assert result.stderr == (
        f"错误：台账文件 {ledger_file} 是个空文件（0 字节），里面没有台账：多半是复制没有完成，或者磁盘写满时留下的，"
        "不是新的台账：这个命令不会新建台账：请先看看它所在的磁盘是否已满，再从备份把台账恢复到这个位置（替换这个空文件）；"
        "确是新的工作区，先运行 recordkit db upgrade 建立台账；什么也没有写入\n"
    )
    assert ledger_file.stat().st_size == 0


def test_serve_on_a_mistyped_ledger_address_makes_no_ledger(run_cli: Any, workspace: Any, tmp_path: Path) -> None:
    """``recordkit serve`` made the ledger it was pointed at (a mistyped file name or schema: a new empty ledger,
    which the page then searched and lent from).  It refuses as the commands that only read do, nothing made."""
    elsewhere = tmp_path / "ledgr.sqlite3"
    # (On the office network without accounts: a serve that got past the ledger is refused before it listens.)
    result = run_cli(
        "serve", "--host", "0.0.0.0", "--port", "0", env={"RECORDKIT_DATABASE_URL": f"sqlite:///{elsewhere}"}
    )
    assert result.exit_code == 7, result.output
    assert result.stderr == (
        f"错误：台账文件 {elsewhere}{GONE_SAID}地址写错了的，请检查环境变量 RECORDKIT_DATABASE_URL；"
        "确是新的工作区，先运行 recordkit db upgrade 或导入业主名册（recordkit owners import）建立台账\n"
    )
    assert not elsewhere.exists()


def test_search_on_an_empty_sqlite_file_says_the_ledger_does_not_exist(
    run_cli: Any, workspace: Any, tmp_path: Path
) -> None:
    """``recordkit search`` on an empty SQLite file (a ledger never set up) said 无法访问台账数据库 …：no such table:
    journal, the database's words for the first table its check of a moved ledger read; it now says the ledger does
    not exist, as every command that only reads does (the web page too); an empty (0-byte) file is said to be most
    likely a bad copy or a full disk's, as a payment says it, and is left as it is (SQLite wrote its header there)."""
    empty = tmp_path / "empty.sqlite3"
    empty.touch()
    result = run_cli("search", "电梯", env={"RECORDKIT_DATABASE_URL": f"sqlite:///{empty}"})
    assert result.exit_code == 7, result.output
    assert result.stderr == (
        f"错误：台账文件 {empty} 是个空文件（0 字节），里面没有台账：多半是复制没有完成，或者磁盘写满时留下的，"
        "不是新的台账：这个命令不会新建台账：请先看看它所在的磁盘是否已满，再从备份把台账恢复到这个位置（替换这个空文件）；"
        "地址写错了的，请检查环境变量 RECORDKIT_DATABASE_URL；"
        "确是新的工作区，先运行 recordkit db upgrade 建立台账\n"
    )
    assert empty.stat().st_size == 0


# -- the journal's anchor ------------------------------------------------------------------


def _anchor_now(ledger: Ledger) -> journal.Anchor:
    with ledger.read() as conn:
        return journal.anchor_of(journal.verify(conn))


def test_deleting_the_newest_rows_passes_the_chain_but_not_the_anchor(ledger: Ledger) -> None:
    _append(ledger, 60)
    anchor = journal.Anchor.from_json(_anchor_now(ledger).to_json())  # as saved to a file and read back
    assert anchor.rows == 60
    result = _tamper(ledger, "DELETE FROM journal WHERE id > 10")
    assert result.ok and result.rows_checked == 10  # the chain alone cannot tell
    with ledger.read() as conn:
        anchored = journal.verify(conn, anchor)
    assert (anchored.ok, anchored.reason) == (False, "锚点记录了第 60 条，现在的日志没有这一条（最新的记录被删除）")


def test_a_rewritten_and_rechained_journal_fails_the_anchor(ledger: Ledger) -> None:
    """Edit row 2, then recompute every later hash: the chain is whole again, the anchor is not."""
    _append(ledger, 5)
    anchor = _anchor_now(ledger)
    with ledger.write() as conn:
        rows = conn.execute(sa.text("SELECT * FROM journal ORDER BY id")).mappings().all()
        prev = journal.GENESIS_HASH
        for row in rows:
            operator = "冒充者" if row["id"] == 2 else row["operator"]
            digest = journal.row_hash(
                row["id"], row["at"], operator, row["action"], row["entity"], row["entity_key"], row["before"],
                row["after"], prev,
            )  # fmt: skip
            conn.execute(
                sa.text("UPDATE journal SET operator = :o, prev_hash = :p, hash = :h WHERE id = :i"),
                {"o": operator, "p": prev, "h": digest, "i": row["id"]},
            )
            prev = digest
    with ledger.read() as conn:
        assert journal.verify(conn).ok
        anchored = journal.verify(conn, anchor)
    assert anchored.reason == "第 5 条记录的校验值与锚点不符（日志被改写后重新计算了校验值）"


def test_appending_after_the_anchor_is_fine(ledger: Ledger) -> None:
    _append(ledger, 3)
    anchor = _anchor_now(ledger)
    _append(ledger, 4)
    with ledger.read() as conn:
        result = journal.verify(conn, anchor)
    assert result.ok and result.rows_checked == 7


def test_journal_anchor_and_verify_from_the_command_line(run_cli: Any, workspace: Any, tmp_path: Path) -> None:
    anchor_file = tmp_path / "U盘" / "日志锚点.json"
    anchor_file.parent.mkdir()
    written = run_cli("journal", "anchor", "--out", str(anchor_file))
    assert written.exit_code == 0, written.stderr
    saved = json.loads(anchor_file.read_text(encoding="utf-8"))
    assert written.stdout.splitlines()[0] == (
        f"已写出锚点 {anchor_file}：第 {saved['rows']} 条，校验值 {saved['head_hash']}"
    )
    checked = run_cli("journal", "verify", "--anchor", str(anchor_file))
    assert checked.exit_code == 0
    assert f"锚点：第 {saved['rows']} 条，校验值 {saved['head_hash']}" in checked.stdout
    assert "与锚点文件一致" in checked.stdout
    bad = tmp_path / "坏.json"
    bad.write_text("{}", encoding="utf-8")
    refused = run_cli("journal", "verify", "--anchor", str(bad))
    assert (refused.exit_code, refused.stderr.strip()) == (
        2,
        f"错误：锚点文件 {bad} 无法读取：应是 recordkit journal anchor 写出的文件",
    )
