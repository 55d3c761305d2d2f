"""Several estates on one PostgreSQL database, one schema each (issue 17): what one estate files,
bills and journals is never seen from the other, each is migrated and verified whole, a command
that only reads never makes a schema, and a schema name PostgreSQL would not take is refused."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from recordkit.cli import app
from recordkit.core.errors import ConfigError, LedgerError
from recordkit.core.workspace import Workspace, init_workspace, open_workspace
from recordkit.ledger.db import display_url, normalise_url, open_ledger, open_workspace_ledger
from recordkit.ledger.schema import HEAD_REVISION
from tests.conftest import (
    SERVER_LANGUAGES,
    SUITE_CLOCK,
    as_admin,
    database_of,
    driver_url,
    postgres_database,
    set_database,
    speaking,
    through_pgbouncer,
    write_sheet,
)
from tests.fees_fixtures import bill_months, small_estate
from tests.search_helpers import write_docx

# Receipt and archive numbers carry the year they are made in (today, in the office's zone).
YEAR = SUITE_CLOCK.astimezone(ZoneInfo("Asia/Shanghai")).year

# Estate B: two units and owners of its own, none shared with the sample rows of estate A.
EAST_ROWS: list[list[Any]] = [
    ["9", "1", "901", 120.5, "赵敏", "13700001111", None, dt.date(2021, 3, 1), "已入住"],
    ["9", "1", "902", 98.0, "钱进", "13700002222", None, None, "已交付"],
]


def estate(root: Path, name: str, url: str, schema: str) -> Workspace:
    """A workspace whose recordkit.toml names the shared database and its own schema."""
    workspace = estate_settings(root, name, url, schema)
    open_workspace_ledger(workspace).close()  # as `recordkit init` does
    return workspace


def estate_settings(root: Path, name: str, url: str, schema: str) -> Workspace:
    """``estate``'s workspace, its ledger not opened yet (nothing made in the database)."""
    init_workspace(root, office=f"{name}物业服务中心", estate=name)
    config = root / "recordkit.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('url = ""', f'url = "{url}"\nschema = "{schema}"', 1), encoding="utf-8")
    return open_workspace(root, environ={})


def cli(workspace: Workspace, *args: str, env: dict[str, str] | None = None, input: str | None = None) -> Any:
    """``recordkit`` run in ``workspace`` as a clerk there would (its own recordkit.toml, nothing else); ``input``
    is typed at its prompt."""
    base = {
        "RECORDKIT_HOME": str(workspace.root),
        "RECORDKIT_OPERATOR": "测试员",
        "RECORDKIT_DATABASE_URL": None,
        "RECORDKIT_DATABASE_SCHEMA": None,
        "COLUMNS": "200",
    }
    return CliRunner().invoke(app, list(args), env={**base, **(env or {})}, input=input)  # type: ignore[dict-item]


def tables_by_schema(url: str) -> dict[str, set[str]]:
    """Every table of the database by schema, read straight from the server's catalogue."""
    engine = sa.create_engine(normalise_url(url))
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT table_schema, table_name FROM information_schema.tables "
                    "WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
                )
            ).all()
    finally:
        engine.dispose()
    found: dict[str, set[str]] = {}
    for schema, table in rows:
        found.setdefault(schema, set()).add(table)
    return found


def file_for_1201(workspace: Workspace, document: Path, title: str) -> None:
    """``recordkit file`` the owner's ``document`` of 3-2-1201 under ``title``, as a clerk does."""
    filed = cli(workspace, "file", str(document), "--category", "业主档案", "--unit", "3-2-1201", "--title", title)
    assert filed.exit_code == 0, filed.output


@pytest.fixture
def estates(postgres_url: str, tmp_path: Path) -> tuple[Workspace, Workspace]:
    """West (schema estate_west: the sample units, fees billed, one payment, one filed document) and
    East (schema estate_east: two units of its own, nothing else), in one database."""
    west = estate(tmp_path / "west", "西区", postgres_url, "estate_west")
    east = estate(tmp_path / "east", "东区", postgres_url, "estate_east")
    with open_workspace_ledger(west) as ledger:
        small_estate(ledger, tmp_path)
        bill_months(ledger, "2026-10")
    paid = cli(west, "fees", "pay", "1-1-101", "--amount", "369.97")
    assert paid.exit_code == 0, paid.output
    file_for_1201(
        west,
        write_docx(tmp_path / "装修协议.docx", "西区3栋2单元1201装修管理协议，施工单位：安达装饰。"),
        "装修管理协议",
    )
    imported = cli(east, "owners", "import", str(write_sheet(tmp_path / "东区名册.xlsx", EAST_ROWS)))
    assert imported.exit_code == 0, imported.output
    return west, east


@pytest.mark.postgres
def test_each_estate_sees_only_its_own_owners_fees_archive_and_journal(estates: tuple[Workspace, Workspace]) -> None:
    west, east = estates

    def listed(workspace: Workspace, *args: str) -> Any:
        result = cli(workspace, *args, "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    assert [u["unit"] for u in listed(west, "owners", "list")] == ["1-1-101", "1-1-102", "3-2-1201", "3-2-1202"]
    assert [(u["unit"], u["owner"]) for u in listed(east, "owners", "list")] == [
        ("9-1-901", "赵敏"),
        ("9-1-902", "钱进"),
    ]

    assert [(r["unit"], r["total_fen"]) for r in listed(west, "receipt", "list")] == [("1-1-101", 36997)]
    assert listed(east, "receipt", "list") == []
    assert {row["unit"] for row in listed(west, "fees", "arrears")} == {"1-1-102", "3-2-1201", "3-2-1202"}
    assert listed(east, "fees", "arrears") == []

    assert [(a["unit"], a["title"]) for a in listed(west, "archive", "list")] == [("3-2-1201", "装修管理协议")]
    assert listed(east, "archive", "list") == []
    assert cli(west, "archive", "verify").exit_code == 0
    # The search index lives in the estate's schema too (a PostgreSQL ledger keeps it there by default).
    assert [hit["archive_no"] for hit in listed(west, "search", "安达装饰")["hits"]] == [f"YZ-{YEAR}-00001"]
    assert cli(east, "index").exit_code == 0
    assert cli(east, "search", "安达装饰").exit_code == 1  # no hits
    assert cli(east, "archive", "verify").exit_code == 0

    west_journal = listed(west, "journal", "list", "--limit", "500")
    east_journal = listed(east, "journal", "list", "--limit", "500")
    assert sorted((e["action"], e["key"]) for e in east_journal) == [
        ("owner.create", "1"), ("owner.create", "2"), ("unit.create", "9-1-901"), ("unit.create", "9-1-902")
    ]  # fmt: skip
    west_actions = {(e["action"], e["key"]) for e in west_journal}
    assert {
        ("receipt.issue", f"SJ{YEAR}-000001"),
        ("archive.file", f"YZ-{YEAR}-00001"),
        ("bill.month", "2026-10"),
    } <= west_actions
    assert {key for action, key in west_actions if action == "unit.create"} == {
        "1-1-101",
        "1-1-102",
        "3-2-1201",
        "3-2-1202",
    }
    # Each chain is whole and counts its own estate's actions only.
    for workspace, entries in ((west, west_journal), (east, east_journal)):
        verified = cli(workspace, "journal", "verify", "--tables")
        assert verified.exit_code == 0, verified.output
        assert f"操作日志完好：共 {len(entries)} 条记录，哈希链完整" in verified.stdout


@pytest.mark.postgres
def test_the_web_page_opened_on_a_workspace_reads_its_estates_schema(estates: tuple[Workspace, Workspace]) -> None:
    """``create_app`` given a workspace alone opened its ledger without ``[database] schema``: the page of 西区 read
    no ledger (or another estate's).  It opens the one the settings name, as every command does."""
    from recordkit.web.app import create_app
    from tests.web_helpers import text_of

    west, east = estates
    [number] = [item["archive_no"] for item in json.loads(cli(west, "archive", "list", "--json").stdout)]
    for workspace, status in ((west, 200), (east, 404)):  # 西区's item, not in 东区's catalogue
        page = create_app(workspace, accounts_required=False).test_client().get(f"/item/{number}")
        assert page.status_code == status, text_of(page)
    assert "装修管理协议" in text_of(create_app(west, accounts_required=False).test_client().get(f"/item/{number}"))


def _postgres_tool(name: str) -> str:
    """The path of PostgreSQL's client program ``name`` (pg_dump, pg_restore); .ci/run installs them with the server."""
    found = shutil.which(name)
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is not installed: .ci/run installs PostgreSQL's client programs with the server")
        pytest.skip(f"{name} is not installed")
    return found


@pytest.mark.postgres
def test_an_estate_backed_up_with_pg_dump_goes_on_where_it_left_off_once_restored(
    estates: tuple[Workspace, Workspace], tmp_path: Path
) -> None:
    """The README's backup of a PostgreSQL ledger: the estate's schema dumped as an IT person does
    (``pg_dump -Fc -n``) and restored into another database after a server is lost.  Everything is there,
    the search index with it (no rebuild, no OCR again), and numbering goes on after the last receipt and
    archive number, never again from 1 or onto one already issued."""
    west, _east = estates
    old_url = setting_url(west)
    dump = tmp_path / "西区.dump"
    dumped = subprocess.run(
        [_postgres_tool("pg_dump"), "-Fc", "-n", "estate_west", "-f", str(dump), "-d", driver_url(old_url)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert dumped.returncode == 0, dumped.stderr
    with postgres_database() as new_url:
        restored = subprocess.run(
            [_postgres_tool("pg_restore"), "--no-owner", "-d", driver_url(new_url), str(dump)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert restored.returncode == 0, restored.stderr
        config = west.config_file
        config.write_text(
            config.read_text(encoding="utf-8").replace(f'url = "{old_url}"', f'url = "{new_url}"', 1), "utf-8"
        )
        assert setting_url(west) == new_url

        found = cli(west, "search", "安达装饰", "--json")
        assert found.exit_code == 0, found.output
        assert [hit["archive_no"] for hit in json.loads(found.stdout)["hits"]] == [f"YZ-{YEAR}-00001"]
        for check in (["index", "--verify"], ["archive", "verify"], ["journal", "verify", "--tables"]):
            checked = cli(west, *check)
            assert checked.exit_code == 0, (check, checked.output)
        paid = cli(west, "fees", "pay", "1-1-102", "--amount", "100")
        assert paid.exit_code == 0, paid.output
        assert f"收据编号 SJ{YEAR}-000002" in paid.output
        file_for_1201(
            west, write_docx(tmp_path / "验收单.docx", "西区3栋2单元1201装修验收单，验收合格。"), "装修验收单"
        )
        found = cli(west, "search", "3-2-1201", "--json")  # filed and indexed in one transaction
        assert sorted(hit["archive_no"] for hit in json.loads(found.stdout)["hits"]) == [
            f"YZ-{YEAR}-00001",
            f"YZ-{YEAR}-00002",
        ]
        assert cli(west, "journal", "verify", "--tables").exit_code == 0


def setting_url(workspace: Workspace) -> str:
    """``[database] url`` as written in recordkit.toml (read with tomllib, not recordkit's settings)."""
    return str(tomllib.loads(workspace.config_file.read_text(encoding="utf-8"))["database"]["url"])


@pytest.mark.postgres
def test_each_schema_is_migrated_and_nothing_lands_in_public(
    estates: tuple[Workspace, Workspace], postgres_url: str
) -> None:
    west, east = estates
    tables = tables_by_schema(postgres_url)
    assert set(tables) == {"estate_west", "estate_east"}  # the default schema stays empty
    assert tables["estate_west"] == tables["estate_east"]
    assert {
        "alembic_version",
        "units",
        "owners",
        "bills",
        "receipts",
        "archive_items",
        "journal",
        "search_items",
    } <= tables["estate_west"]
    for workspace, schema in ((west, "estate_west"), (east, "estate_east")):
        with open_workspace_ledger(workspace, migrate=False, create=False) as ledger:
            assert ledger.revision() == HEAD_REVISION
        doctor = cli(workspace, "doctor", "--json")
        database = next(c for c in json.loads(doctor.stdout) if c["name"] == "台账数据库")
        assert database["ok"] is True
        assert database["detail"].endswith(f"（模式 {schema}）（表结构版本 {HEAD_REVISION}）")


@pytest.mark.postgres
def test_doctor_tells_a_mistyped_schema_of_an_estate_whose_archive_holds_files(
    estates: tuple[Workspace, Workspace], postgres_url: str
) -> None:
    """West's recordkit.toml with its schema mistyped (estate_wset): doctor said "模式还不存在，首次写入台账时自动建立
    并建表", all well, though records/archive holds what West filed; the filing service started on it made an empty
    estate_wset and refused the archive as not its ledger's, restarted every few seconds, and a payment would have
    numbered receipts from 1.  Doctor now fails that line (exit 1), naming the setting and the schemas of the
    database that hold a ledger; it makes nothing.  East, which has filed nothing, may be a new estate: its line is
    a reminder only (exit 0), naming the database's ledgers."""
    west, east = estates
    mistyped = {"RECORDKIT_DATABASE_SCHEMA": "estate_wset"}
    doctor = cli(west, "doctor", "--json", env=mistyped)
    assert doctor.exit_code == 1, doctor.output
    database = next(c for c in json.loads(doctor.stdout) if c["name"] == "台账数据库")
    assert (database["ok"], database["required"]) == (False, True)
    assert database["detail"] == (
        "环境变量 RECORDKIT_DATABASE_SCHEMA 改了 recordkit.toml 的台账设置："
        f"{display_url(postgres_url)}（模式 estate_wset）：这里还没有台账，而 records/archive 里已经有归档的文件："
        "它们的台账在别处，多半是 recordkit.toml 的 [database] url 和环境变量 RECORDKIT_DATABASE_SCHEMA 写错了"
        "（这个数据库里有台账的模式：estate_east、estate_west）"
    )
    assert database["fix"] == (
        "把 recordkit.toml 的 [database] url 和环境变量 RECORDKIT_DATABASE_SCHEMA 改成这些档案所在的台账"
        "；台账确实丢失、又没有备份的，档案登记可以用 recordkit archive verify --repair 按档案目录重建（收费记录只能从备份恢复）；改好之前不要启动归档服务、不要收款"
        "（会在这里新建一个空台账，收据号从 1 编起）"
    )
    assert set(tables_by_schema(postgres_url)) == {"estate_west", "estate_east"}

    new_estate = cli(east, "doctor", "--json", env={"RECORDKIT_DATABASE_SCHEMA": "estate_south"})
    assert new_estate.exit_code == 0, new_estate.output
    database = next(c for c in json.loads(new_estate.stdout) if c["name"] == "台账数据库")
    assert (database["ok"], database["required"]) == (False, False)  # a reminder only
    assert database["detail"].endswith(
        "（模式 estate_south）：模式还不存在，recordkit db upgrade 或导入业主名册（recordkit owners import）时建立；这个数据库里已有别的台账（模式 estate_east、estate_west）"
    )


@pytest.mark.postgres
@pytest.mark.parametrize(
    "command",
    [
        ["fees", "pay", "1-1-101", "--amount", "200"],
        ["owners", "contact", "add", "1-1-101", "赵磊", "--relation", "租户"],
        ["workorder", "add", "--type", "报修", "--unit", "1-1-101", "--category", "水电", "--desc", "厨房水管漏水"],
    ],
)
def test_a_command_not_meant_to_make_a_ledger_refuses_a_schema_not_made_yet_naming_the_ledgers_beside(
    estates: tuple[Workspace, Workspace], postgres_url: str, tmp_path: Path, command: list[str]
) -> None:
    """A second clerk's PC for West, West's schema mistyped (estate_wset), nothing filed there: the clerk's first
    payment (a contact added, a work order) made the schema with an empty ledger, numbering from 1.  A command not
    meant to make a ledger now refuses, naming the schema and the database's schemas that hold a ledger, with the
    settings' exit code (3); nothing is made.  ``owners import`` and ``db upgrade`` still make a new estate's."""
    clerk = estate_settings(tmp_path / "前台2", "西区", postgres_url, "estate_wset")
    ran = cli(clerk, *command)
    assert ran.exit_code == ConfigError.exit_code, ran.output
    assert ran.stderr.replace("\n", "") == (
        f"错误：台账数据库 {display_url(postgres_url)}（模式 estate_wset）：模式还不存在；"
        "这个数据库里已有别的台账（模式 estate_east、estate_west）：这个命令不会新建台账："
        "请检查 recordkit.toml 的 [database] schema，要用其中一个的，改成它；"
        "是新的小区，先运行 recordkit db upgrade 或导入业主名册（recordkit owners import）建立台账；什么也没有写入"
    )
    assert set(tables_by_schema(postgres_url)) == {"estate_west", "estate_east"}
    # a new estate's roster, imported as the refusal says, makes its ledger
    imported = cli(clerk, "owners", "import", str(write_sheet(tmp_path / "南区名册.xlsx", EAST_ROWS)))
    assert imported.exit_code == 0, imported.output
    assert set(tables_by_schema(postgres_url)) == {"estate_west", "estate_east", "estate_wset"}


@pytest.mark.postgres
def test_a_schema_an_administrator_made_empty_is_made_a_ledger_only_by_a_command_meant_to(
    estates: tuple[Workspace, Workspace], postgres_url: str, tmp_path: Path
) -> None:
    """The database administrator made the schema estate_south for a new estate (or for nothing: a schema named
    wrong in recordkit.toml): a clerk's first payment there made it an empty ledger, as a schema not made yet is
    no longer.  Only a command meant to make a ledger makes one in it now; the others are refused (exit 3), the
    schema left empty."""
    engine = sa.create_engine(normalise_url(postgres_url))
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE SCHEMA estate_south")
    finally:
        engine.dispose()
    south = estate_settings(tmp_path / "南区", "南区", postgres_url, "estate_south")
    for command in (
        ["fees", "pay", "9-1-901", "--amount", "200"],
        ["workorder", "add", "--type", "报修", "--unit", "9-1-901", "--category", "水电", "--desc", "厨房水管漏水"],
    ):
        ran = cli(south, *command)
        assert ran.exit_code == ConfigError.exit_code, ran.output
        assert ran.stderr.replace("\n", "") == (
            f"错误：台账数据库 {display_url(postgres_url)}（模式 estate_south）：模式里还没有台账；"
            "这个数据库里已有别的台账（模式 estate_east、estate_west）：这个命令不会新建台账："
            "请检查 recordkit.toml 的 [database] schema，要用其中一个的，改成它；"
            "是新的小区，先运行 recordkit db upgrade 或导入业主名册（recordkit owners import）建立台账；什么也没有写入"
        )
        assert set(tables_by_schema(postgres_url)) == {"estate_west", "estate_east"}
    imported = cli(south, "owners", "import", str(write_sheet(tmp_path / "南区名册.xlsx", EAST_ROWS)))
    assert imported.exit_code == 0, imported.output
    assert set(tables_by_schema(postgres_url)) == {"estate_west", "estate_east", "estate_south"}


@pytest.mark.postgres
def test_a_schema_given_by_the_environment_is_named_as_the_environments_not_recordkit_toml(
    estates: tuple[Workspace, Workspace], postgres_url: str
) -> None:
    """RECORDKIT_DATABASE_SCHEMA left in a service's drop-in (or exported to look at a backup) with a typo: every
    refusal sent the IT person to recordkit.toml's [database] schema, which was right.  They now name the variable
    that gave the value; recordkit.toml's url, which the environment left alone, is still named as recordkit.toml's."""
    west, east = estates
    mistyped = {"RECORDKIT_DATABASE_SCHEMA": "estate_wset"}
    paid = cli(east, "fees", "pay", "9-1-901", "--amount", "200", env=mistyped)
    assert paid.exit_code == ConfigError.exit_code, paid.output
    assert paid.stderr.replace("\n", "").endswith(
        "：这个命令不会新建台账：请检查环境变量 RECORDKIT_DATABASE_SCHEMA，要用其中一个的，改成它；"
        "是新的小区，先运行 recordkit db upgrade 或导入业主名册（recordkit owners import）建立台账；什么也没有写入"
    )
    listed = cli(east, "owners", "list", env=mistyped)
    assert listed.exit_code == LedgerError.exit_code, listed.output
    assert listed.stderr.replace("\n", "").endswith(
        "这个命令不会新建台账。请检查 recordkit.toml 的 [database] url 和环境变量 RECORDKIT_DATABASE_SCHEMA，"
        "或先导入业主名册（recordkit owners import）"
    )
    watched = cli(west, "watch", "--once", env=mistyped)
    assert watched.exit_code == ConfigError.exit_code, watched.output
    assert (
        "多半是 recordkit.toml 的 [database] url 和环境变量 RECORDKIT_DATABASE_SCHEMA 写错了"
        in watched.stderr.replace("\n", "")
    )
    assert set(tables_by_schema(postgres_url)) == {"estate_west", "estate_east"}


@pytest.mark.postgres
def test_doctor_on_a_clerks_pc_with_nothing_filed_reminds_of_the_ledgers_beside_a_schema_not_made_yet(
    estates: tuple[Workspace, Workspace], postgres_url: str, tmp_path: Path
) -> None:
    """A second clerk's PC for West: a workspace of its own, nothing in its records/archive, the shared database and
    West's schema mistyped (estate_wset).  Doctor said "模式还不存在，首次写入台账时自动建立并建表", all well; the
    clerk's first payment then made an empty estate_wset ledger (and was refused the unit), and an import there would
    have started a second West.  Doctor now reminds (exit 0: a new estate is right to start so) of the schemas of the
    database that hold a ledger, and what not to do before the setting is checked; it makes nothing."""
    clerk = estate_settings(tmp_path / "前台2", "西区", postgres_url, "estate_wset")
    doctor = cli(clerk, "doctor", "--json")
    assert doctor.exit_code == 0, doctor.output
    database = next(c for c in json.loads(doctor.stdout) if c["name"] == "台账数据库")
    assert (database["ok"], database["required"]) == (False, False)
    assert database["detail"] == (
        f"{display_url(postgres_url)}（模式 estate_wset）：模式还不存在，recordkit db upgrade 或导入业主名册（recordkit owners import）时建立；"
        "这个数据库里已有别的台账（模式 estate_east、estate_west）"
    )
    assert database["fix"] == (
        "是新的小区就不用管；要用其中一个的，把 recordkit.toml 的 [database] schema 改成它，"
        "改好之前不要导入名册、不要运行 recordkit db upgrade（会在这里新建一个空台账，收据号从 1 编起）"
    )
    # The index's line sent the IT person to `recordkit db upgrade`, which makes that empty ledger: it now points at
    # the ledger's line, as the other lines reading the ledger do
    index = next(c for c in json.loads(doctor.stdout) if c["name"] == "检索索引")
    assert (index["detail"], index["fix"]) == (
        "PostgreSQL 全文检索（台账数据库）：还没有台账，没有检查",
        "先按“台账数据库”一项的修复方法处理",
    )
    assert set(tables_by_schema(postgres_url)) == {"estate_west", "estate_east"}


@pytest.mark.postgres
@pytest.mark.parametrize("command", [["watch", "--once"], ["watch", "--wait"]])
def test_the_filing_service_refuses_a_mistyped_schema_of_an_estate_whose_archive_holds_files(
    estates: tuple[Workspace, Workspace], postgres_url: str, command: list[str]
) -> None:
    """The same mistyped schema (estate_wset) under the filing service: it made an empty ledger in estate_wset, then
    refused the archive as not that ledger's (exit 9), and systemd started it again every five seconds.  It now
    refuses before it makes anything, with doctor's explanation, exit 3 (a settings mistake: the unit's
    RestartPreventExitStatus stops restarting it); the scan stays in the inbox, the database keeps its two schemas."""
    west, east = estates
    scan = west.records_dir / "inbox" / "3-2-1202 房产证.docx"
    write_docx(scan, "西区3栋2单元1202房产证。")
    ran = cli(west, *command, env={"RECORDKIT_DATABASE_SCHEMA": "estate_wset"})
    assert ran.exit_code == ConfigError.exit_code, ran.output
    assert ran.stdout == ""
    assert ran.stderr.replace("\n", "") == (
        f"错误：{display_url(postgres_url)}（模式 estate_wset）：这里还没有台账，而 records/archive 里已经有归档的文件："
        "它们的台账在别处，多半是 recordkit.toml 的 [database] url 和环境变量 RECORDKIT_DATABASE_SCHEMA 写错了"
        "（这个数据库里有台账的模式：estate_east、estate_west）："
        "把 recordkit.toml 的 [database] url 和环境变量 RECORDKIT_DATABASE_SCHEMA 改成这些档案所在的台账"
        "；台账确实丢失、又没有备份的，档案登记可以用 recordkit archive verify --repair 按档案目录重建（收费记录只能从备份恢复）；归档服务没有启动，这里什么也没有新建"
    )
    assert set(tables_by_schema(postgres_url)) == {"estate_west", "estate_east"}
    assert scan.is_file()
    # East, which has filed nothing, may be a new estate, or a mistyped one: its service makes no schema either, and
    # is not started again by systemd (exit 3, not 7) until the setting is checked
    write_docx(east.records_dir / "inbox" / "9-1-901 房产证.docx", "东区9栋1单元901房产证。")
    started = cli(east, *command, env={"RECORDKIT_DATABASE_SCHEMA": "estate_south"})
    assert started.exit_code == ConfigError.exit_code, started.output
    assert started.stderr.replace("\n", "") == (
        f"错误：台账数据库 {display_url(postgres_url)}（模式 estate_south）：模式还不存在；"
        "这个数据库里已有别的台账（模式 estate_east、estate_west）："
        "请检查环境变量 RECORDKIT_DATABASE_SCHEMA，要用其中一个的，改成它；"
        "是新的小区，先运行 recordkit db upgrade 或导入业主名册（recordkit owners import）建立台账；"
        "归档服务没有启动，这里什么也没有新建"
    )
    assert set(tables_by_schema(postgres_url)) == {"estate_west", "estate_east"}


@pytest.mark.postgres
def test_the_web_page_refuses_a_mistyped_schema_of_an_estate_whose_archive_holds_files_as_a_settings_mistake(
    estates: tuple[Workspace, Workspace], postgres_url: str
) -> None:
    """``recordkit serve`` (recordkit-serve@west) on West's mistyped schema said "台账数据库 … 还不存在：…或先导入业主
    名册", exit 7, which systemd restarts every five seconds for ever.  It is refused as the filing service refuses
    it: doctor's explanation, exit 3 (a settings mistake: the unit stops), nothing made."""
    west, east = estates
    ran = cli(west, "serve", "--port", "0", env={"RECORDKIT_DATABASE_SCHEMA": "estate_wset"})
    assert ran.exit_code == ConfigError.exit_code, ran.output
    assert ran.stderr.replace("\n", "") == (
        f"错误：{display_url(postgres_url)}（模式 estate_wset）：这里还没有台账，而 records/archive 里已经有归档的文件："
        "它们的台账在别处，多半是 recordkit.toml 的 [database] url 和环境变量 RECORDKIT_DATABASE_SCHEMA 写错了"
        "（这个数据库里有台账的模式：estate_east、estate_west）："
        "把 recordkit.toml 的 [database] url 和环境变量 RECORDKIT_DATABASE_SCHEMA 改成这些档案所在的台账"
        "；台账确实丢失、又没有备份的，档案登记可以用 recordkit archive verify --repair 按档案目录重建（收费记录只能从备份恢复）；档案室网页没有启动，这里什么也没有新建"
    )
    assert set(tables_by_schema(postgres_url)) == {"estate_west", "estate_east"}
    # East, which has filed nothing: "台账数据库 … 还不存在" (exit 7) was restarted every five seconds for ever too
    ran = cli(east, "serve", "--port", "0", env={"RECORDKIT_DATABASE_SCHEMA": "estate_south"})
    assert ran.exit_code == ConfigError.exit_code, ran.output
    assert ran.stderr.replace("\n", "") == (
        f"错误：台账数据库 {display_url(postgres_url)}（模式 estate_south）：模式还不存在；"
        "这个数据库里已有别的台账（模式 estate_east、estate_west）："
        "请检查环境变量 RECORDKIT_DATABASE_SCHEMA，要用其中一个的，改成它；"
        "是新的小区，先运行 recordkit db upgrade 或导入业主名册（recordkit owners import）建立台账；"
        "档案室网页没有启动，这里什么也没有新建"
    )
    assert set(tables_by_schema(postgres_url)) == {"estate_west", "estate_east"}


@pytest.mark.postgres
def test_the_filing_service_on_an_account_not_granted_the_estates_schema_is_told_the_grant_not_a_mistyped_schema(
    estates: tuple[Workspace, Workspace], postgres_url: str
) -> None:
    """A service's database account that may connect but was never granted West's schema sees no ledger there: the
    refusal of a ledger not made yet took that for a mistyped schema (exit 3, "这里还没有台账", naming estate_west
    itself as the schema with a ledger).  Its first use says what it is, with the grant to ask for (exit 7, the
    service waits for it), and nothing is made."""
    import uuid

    west, _east = estates
    role = f"rk_service_{uuid.uuid4().hex[:8]}"
    as_admin(f"CREATE ROLE {role} LOGIN PASSWORD 'service-2026'")
    try:
        as_admin(f'GRANT CONNECT ON DATABASE "{database_of(postgres_url)}" TO {role}')
        url = sa.engine.make_url(postgres_url).set(username=role, password="service-2026")
        ran = cli(west, "watch", "--once", env={"RECORDKIT_DATABASE_URL": url.render_as_string(hide_password=False)})
        assert ran.exit_code == LedgerError.exit_code, ran.output
        assert ran.stderr.replace("\n", "").endswith(
            f"（模式 estate_west）：已有台账，但数据库账户 {role} 没有使用它的权限：请数据库管理员执行 "
            f"GRANT USAGE ON SCHEMA estate_west TO {role}; "
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA estate_west TO {role}; "
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA estate_west TO {role}；什么也没有写入"
        )
        assert set(tables_by_schema(postgres_url)) == {"estate_west", "estate_east"}
    finally:
        as_admin(f"DROP OWNED BY {role}", f"DROP ROLE IF EXISTS {role}")


@pytest.mark.postgres
def test_a_search_path_without_a_schema_to_make_tables_in_is_named_with_what_to_write(
    postgres_url: str, tmp_path: Path
) -> None:
    """A DBA who keeps accounts out of ``public`` (``search_path = "$user"``, no such schema): ``recordkit init``
    printed a whole traceback and "台账数据库出错（详情见日志）：InvalidSchemaName", and doctor had said all was
    well ("首次使用时自动建表").  Now both name the setting and what to write; ``schema`` in recordkit.toml, as
    advised, then works."""
    set_database(postgres_url, """SET search_path = '"$user"'""")
    root = tmp_path / "北区"
    env = {"RECORDKIT_DATABASE_URL": postgres_url, "RECORDKIT_DATABASE_SCHEMA": None, "RECORDKIT_OPERATOR": "测试员"}
    made = CliRunner().invoke(app, ["init", str(root), "--estate", "北区"], env=env)  # type: ignore[arg-type]
    assert made.exit_code == LedgerError.exit_code
    [said] = made.stderr.splitlines()  # one line: no traceback above it
    assert re.fullmatch(
        re.escape(
            f"错误：已新建工作区 {root}，但台账没有建立：台账数据库 {display_url(postgres_url)}："
            "数据库给这个账户设的 search_path 里没有可以建表的模式（服务器说："
        )
        + "[^）]+"  # the server's own words, in its language
        + re.escape(
            '）：在 recordkit.toml 的 [database] 写 schema = "recordkit"（recordkit 自己建这个模式，只用它），'
            "或请数据库管理员去掉给这个账户或库设的 search_path（ALTER ROLE 账户 RESET search_path，"
            "或 ALTER DATABASE 库名 RESET search_path）；什么也没有写入。解决后在工作区里运行 recordkit db upgrade 建立台账"
        ),
        said,
    ), said
    assert tables_by_schema(postgres_url) == {}
    workspace = open_workspace(root, environ={})
    doctor = cli(workspace, "doctor", "--json", env={"RECORDKIT_DATABASE_URL": postgres_url})
    database = next(c for c in json.loads(doctor.stdout) if c["name"] == "台账数据库")
    assert database["ok"] is False
    assert database["detail"].endswith("：新的空台账，但数据库给这个账户设的 search_path 里没有可以建表的模式")
    assert database["fix"].startswith('在 recordkit.toml 的 [database] 写 schema = "recordkit"')

    config = workspace.config_file
    config.write_text(
        config.read_text(encoding="utf-8").replace('url = ""', f'url = "{postgres_url}"\nschema = "recordkit"', 1),
        "utf-8",
    )
    upgraded = cli(workspace, "db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    imported = cli(workspace, "owners", "import", str(write_sheet(tmp_path / "北区名册.xlsx", EAST_ROWS)))
    assert imported.exit_code == 0, imported.output
    assert set(tables_by_schema(postgres_url)) == {"recordkit"}


@pytest.mark.postgres
def test_a_command_that_only_reads_never_makes_a_schema(postgres_url: str, tmp_path: Path) -> None:
    north = estate(tmp_path / "north", "北区", postgres_url, "estate_north")
    # `init` made the ledger; a second estate named only by the environment has none yet.
    south_env = {"RECORDKIT_DATABASE_SCHEMA": "estate_south"}
    doctor = cli(north, "doctor", "--json", env=south_env)
    database = next(c for c in json.loads(doctor.stdout) if c["name"] == "台账数据库")
    assert database["detail"].endswith(
        "（模式 estate_south）：模式还不存在，recordkit db upgrade 或导入业主名册（recordkit owners import）时建立；这个数据库里已有别的台账（模式 estate_north）"
    )

    listed = cli(north, "owners", "list", env=south_env)
    assert listed.exit_code == LedgerError.exit_code
    assert "（模式 estate_south） 还不存在：这个命令不会新建台账。" in listed.stderr
    assert "请检查 recordkit.toml 的 [database] url 和环境变量 RECORDKIT_DATABASE_SCHEMA，" in listed.stderr
    # The index is made from a ledger, never one for it: `index --verify` (a check) and the nightly `index` made
    # the whole empty ledger of the mistyped estate, which every command then took for its own (numbers from 1).
    # A search there said "no index tables: run db upgrade, then index --rebuild" (exit 9): the upgrade made the
    # empty estate.  It says what every command that only reads says.
    for args in (("search", "电梯"), ("index", "--verify"), ("index",), ("index", "--rebuild")):
        indexed = cli(north, *args, env=south_env)
        assert indexed.exit_code == LedgerError.exit_code, indexed.output
        assert "（模式 estate_south） 还不存在：这个命令不会新建台账。" in indexed.stderr
    assert set(tables_by_schema(postgres_url)) == {"estate_north"}
    with open_ledger(postgres_url, migrate=False, create=False, schema="estate_south") as ledger:
        assert not ledger.schema_exists()

    upgraded = cli(north, "db", "upgrade", env=south_env)
    assert upgraded.exit_code == 0, upgraded.output
    assert f"（模式 estate_south） 已从 空库 升级到 {HEAD_REVISION}" in upgraded.stdout
    assert set(tables_by_schema(postgres_url)) == {"estate_north", "estate_south"}


@pytest.mark.postgres
def test_an_estate_reached_through_pgbouncer_is_refused_rather_than_read_in_the_default_schema(
    estates: tuple[Workspace, Workspace], postgres_url: str, tmp_path: Path
) -> None:
    """pgbouncer passes no ``options`` on (it refuses a client that sends them unless told to ignore them, as the
    pgbouncer in front of the test server is): such a connection is in the default schema, where an older
    single-estate ledger may be; the estate's commands must not read or write it as theirs."""
    west, _east = estates
    older = estate(tmp_path / "older", "老区", postgres_url, "")  # the database's default schema, public
    assert cli(older, "owners", "import", str(write_sheet(tmp_path / "老区名册.xlsx", EAST_ROWS))).exit_code == 0
    before = tables_by_schema(postgres_url)
    assert {"estate_west", "estate_east", "public"} <= set(before)
    config = west.root / "recordkit.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace(postgres_url, through_pgbouncer(postgres_url), 1), encoding="utf-8")
    for args in (("owners", "list"), ("fees", "pay", "9-1-901", "--amount", "100")):
        refused = cli(west, *args)
        assert refused.exit_code == ConfigError.exit_code, refused.output
        assert (
            '连到 PostgreSQL 的连接没有进入这个小区的模式 estate_west（数据库说 search_path 是 "$user", public）'
            in (refused.stderr)
        )
        assert "请让 recordkit.toml 的 [database] url 直连 PostgreSQL（不经连接池）" in refused.stderr
        assert "赵敏" not in refused.output
    assert tables_by_schema(postgres_url) == before
    listed = cli(older, "owners", "list", "--json")
    assert sorted(unit["owner"] for unit in json.loads(listed.stdout)) == ["赵敏", "钱进"]


def owner_names(ledger: Any) -> list[str]:
    """The owners' names in ``ledger``, read through its own connections, in Python's order."""
    with ledger.read() as conn:
        return sorted(conn.execute(sa.text("SELECT name FROM owners")).scalars())


@pytest.mark.postgres
def test_an_estate_without_a_schema_never_takes_the_ledger_in_the_schema_named_like_its_account(
    postgres_url: str, tmp_path: Path
) -> None:
    """PostgreSQL looks for a table first in the schema named like the account (``"$user", public``): an estate
    without a schema (its ledger in public) read and wrote, as its own, the ledger of an estate whose schema was
    named like the account — the README's own advice for a search path without public (``schema = "recordkit"``
    for the account recordkit) — from the moment that schema was made: the other estate's owners listed, its work
    order filed there.  Now a connection that sees two ledgers is refused, naming the setting to write; one opened
    before stays in its own schema; with the setting the estate reads its own ledger again."""
    account = sa.engine.make_url(postgres_url).username
    assert account
    older = estate(tmp_path / "older", "老区", postgres_url, "")
    assert cli(older, "owners", "import", str(write_sheet(tmp_path / "老区名册.xlsx", EAST_ROWS))).exit_code == 0
    with open_workspace_ledger(older) as running:  # the older estate's filing service, running all along
        assert owner_names(running) == sorted(["赵敏", "钱进"])
        newer = estate(tmp_path / "newer", "新区", postgres_url, account)
        with open_workspace_ledger(newer) as ledger:
            small_estate(ledger, tmp_path)
        assert set(tables_by_schema(postgres_url)) == {"public", account}
        assert owner_names(running) == sorted(["赵敏", "钱进"])  # its connection stays in public
    with open_workspace_ledger(newer) as ledger:
        newer_owners = owner_names(ledger)
    assert sorted(newer_owners) == sorted(["张伟", "李秀英"])

    add = ("workorder", "add", "--unit", "9-1-901", "--type", "报修", "--category", "水电", "--desc", "漏水")
    for args in (("owners", "list"), add):
        refused = cli(older, *args)
        assert refused.exit_code == ConfigError.exit_code, refused.output
        assert refused.stderr.strip() == (
            f'错误：数据库账户 {account} 连上后，search_path（"$user", public）里有 2 个模式都存着台账：'
            f"{account}、public。recordkit.toml 的 [database] schema 没有写明模式时 PostgreSQL 用排在前面的 {account}"
            "（与账户同名的模式排在 public 前面），那可能是别的小区的台账：recordkit 不使用这个连接，什么也没有读写。"
            "请在 recordkit.toml 的 [database] schema 写明本小区台账所在的模式（一直没写 schema 的小区，台账在 public）"
        )
    # a service's drop-in that emptied the schema (RECORDKIT_DATABASE_SCHEMA=) is named, not recordkit.toml
    emptied = cli(older, "owners", "list", env={"RECORDKIT_DATABASE_SCHEMA": ""})
    assert emptied.exit_code == ConfigError.exit_code, emptied.output
    assert emptied.stderr.strip().endswith(
        "什么也没有读写。请在环境变量 RECORDKIT_DATABASE_SCHEMA 写明本小区台账所在的模式（一直没写 schema 的小区，台账在 public）"
    )
    for name in ("public", account):
        with sa.create_engine(normalise_url(postgres_url)).connect() as conn:
            assert conn.execute(sa.text(f'SELECT count(*) FROM "{name}".work_orders')).scalar() == 0

    config = older.config_file
    config.write_text(
        config.read_text(encoding="utf-8").replace('schema = ""', 'schema = "public"', 1),
        "utf-8",
    )
    listed = cli(older, "owners", "list", "--json")
    assert listed.exit_code == 0, listed.output
    assert sorted(unit["owner"] for unit in json.loads(listed.stdout)) == ["赵敏", "钱进"]
    assert cli(older, *add).exit_code == 0


@pytest.mark.postgres
@pytest.mark.parametrize("language", SERVER_LANGUAGES)
def test_estates_write_without_waiting_for_each_other(postgres_url: str, language: str) -> None:
    # The write lock is per schema: a long write in one estate (a nightly rebuild) never makes the
    # other estate's clerks wait, while a second writer in the same estate still queues — and is told
    # "台账正忙" whatever language the server speaks (a Chinese server's "由于锁超时，取消语句操作" was
    # "无法访问台账数据库").
    speaking(postgres_url, language)
    with (
        open_ledger(postgres_url, schema="estate_west") as west,
        open_ledger(postgres_url, schema="estate_east", busy_timeout=1) as east,
        open_ledger(postgres_url, schema="estate_west", busy_timeout=1) as west_again,
        west.write(),
    ):
        with east.write() as conn:
            conn.execute(sa.text("SELECT 1"))
        with pytest.raises(LedgerError, match="台账正忙"), west_again.write():
            pass


@pytest.mark.parametrize(
    "name", ["Estate_A", "estate-a", "1estate", "pg_estate", "information_schema", "东区", "a" * 64]
)
def test_a_schema_name_postgresql_would_not_take_is_refused(workspace: Workspace, name: str) -> None:
    result = cli(workspace, "owners", "list", env={"RECORDKIT_DATABASE_SCHEMA": name})
    assert result.exit_code == ConfigError.exit_code
    assert f"[database] schema 的值 {name!r} 不能用作 PostgreSQL 模式名" in result.stderr
    assert "以字母开头" in result.stderr


def test_a_schema_name_in_recordkit_toml_is_checked_too(workspace: Workspace) -> None:
    config = workspace.config_file
    config.write_text(config.read_text(encoding="utf-8").replace('url = ""', 'url = ""\nschema = "东区"'), "utf-8")
    with pytest.raises(ConfigError, match="schema 的值 '东区' 不能用作 PostgreSQL 模式名"):
        open_workspace(workspace.root, environ={})


def test_a_schema_with_a_sqlite_ledger_is_refused(workspace: Workspace) -> None:
    # Two workspaces on one SQLite file with different schemas would share every table.
    # The variable that gave the schema is the one to delete, not recordkit.toml's [database] schema never written.
    address = f"sqlite:///{workspace.records_dir / 'ledger.sqlite3'}"
    result = cli(workspace, "owners", "list", env={"RECORDKIT_DATABASE_SCHEMA": "estate_a"})
    assert result.exit_code == ConfigError.exit_code
    assert result.stderr == (
        f"错误：环境变量 RECORDKIT_DATABASE_SCHEMA 写的模式 'estate_a' 只用于 PostgreSQL 台账，{address} 不是："
        "请删去环境变量 RECORDKIT_DATABASE_SCHEMA，或把 recordkit.toml 的 [database] url 改为 PostgreSQL 地址\n"
    )
    config = workspace.config_file
    config.write_text(config.read_text(encoding="utf-8").replace('url = ""', 'url = ""\nschema = "estate_a"'), "utf-8")
    elsewhere = workspace.root / "other.sqlite3"
    result = cli(workspace, "owners", "list", env={"RECORDKIT_DATABASE_URL": f"sqlite:///{elsewhere}"})
    assert result.exit_code == ConfigError.exit_code
    assert result.stderr == (
        f"错误：recordkit.toml 的 [database] schema 写的模式 'estate_a' 只用于 PostgreSQL 台账，sqlite:///{elsewhere} 不是："
        "请删去 recordkit.toml 的 [database] schema，或把环境变量 RECORDKIT_DATABASE_URL 改为 PostgreSQL 地址\n"
    )


@pytest.mark.postgres
def test_doctor_and_the_web_page_on_an_account_not_granted_the_estates_schema_name_the_grants_to_run(
    estates: tuple[Workspace, Workspace], postgres_url: str
) -> None:
    """An account that may connect but was never granted West's schema: doctor said "新的空台账，但这个数据库账户不能在
    这里建表" and ``serve`` "台账数据库 … 还不存在 … 或先导入业主名册", though the schema holds West's ledger.  Both say
    now that the ledger is there and this account has no right to it, with the grants to run; nothing is made."""
    import uuid

    west, _east = estates
    role = f"it11_clerk_{uuid.uuid4().hex[:8]}"
    as_admin(f"CREATE ROLE {role} LOGIN PASSWORD 'clerk-2026'")
    try:
        as_admin(f'GRANT CONNECT ON DATABASE "{database_of(postgres_url)}" TO {role}')
        url = sa.engine.make_url(postgres_url).set(username=role, password="clerk-2026")
        env = {"RECORDKIT_DATABASE_URL": url.render_as_string(hide_password=False)}
        where = f"{display_url(url.render_as_string(hide_password=False))}（模式 estate_west）"
        said = f"{where}：已有台账，但数据库账户 {role} 没有使用它的权限"
        grants = (
            f"请数据库管理员执行 GRANT USAGE ON SCHEMA estate_west TO {role}; "
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA estate_west TO {role}; "
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA estate_west TO {role}"
        )
        doctor = cli(west, "doctor", "--json", env=env)
        database = next(c for c in json.loads(doctor.stdout) if c["name"] == "台账数据库")
        environment = "环境变量 RECORDKIT_DATABASE_URL 改了 recordkit.toml 的台账设置："
        assert (database["ok"], database["detail"], database["fix"]) == (False, environment + said, grants)
        # The lines that read the ledger said "台账不是最新的表结构" and the index's sent him to db upgrade, which
        # this account may not run: each now says why it did not read, and points at the ledger's line.
        lines = {c["name"]: (c["detail"], c["fix"]) for c in json.loads(doctor.stdout)}
        first = "先按“台账数据库”一项的修复方法处理"
        assert lines["检索索引"] == (
            f"PostgreSQL 全文检索（台账数据库）：数据库账户 {role} 没有使用台账的权限，没有检查",
            first,
        )
        for name in ("结账月份", "业主证件号码", "业主和联系人姓名", "联系人证件号码", "房屋编号"):
            assert lines[name] == (f"数据库账户 {role} 没有使用台账的权限，没有检查", first), name
        served = cli(west, "serve", "--port", "0", env=env)
        assert served.exit_code == LedgerError.exit_code, served.output
        assert served.stderr.replace("\n", "") == f"错误：台账数据库 {said}：{grants}；什么也没有写入"
        assert set(tables_by_schema(postgres_url)) == {"estate_west", "estate_east"}
    finally:
        as_admin(f"DROP OWNED BY {role}", f"DROP ROLE IF EXISTS {role}")


def in_database(url: str, *statements: str) -> None:
    """The administrator's ``statements`` in the test database at ``url`` itself (grants on its schemas)."""
    import psycopg

    with psycopg.connect(driver_url(url), autocommit=True) as admin:
        for statement in statements:
            admin.execute(statement)


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("revoked", "said"),
    [
        ("tables", "网页的数据库账户没有使用台账的权限（数据库管理员收回了授权，或没有授予）"),
        ("schema", "网页的数据库账户没有使用台账的权限（数据库管理员收回了授权，或没有授予）"),
        ("writes", "网页的数据库账户在台账数据库里没有所需的权限"),
    ],
)
def test_the_web_page_of_an_account_whose_grant_is_revoked_while_it_runs_tells_the_clerk_to_ask_the_it_person(
    estates: tuple[Workspace, Workspace], postgres_url: str, caplog: pytest.LogCaptureFixture, revoked: str, said: str
) -> None:
    """The web page runs on an account granted West's schema; a database administrator revokes the grant while it
    runs (the tables', the schema's too, or the tables' writes alone).  The pages showed the ledger's address, the
    account, the schema and three GRANT lines (and the server's English for a write refused).  Now a page says in
    Chinese that the page's account lacks the right and that the clerk should ask the IT person — no SQL, no GRANT
    line, no server's English —, and the grants to run are in the log for the IT person."""
    import uuid

    from recordkit.web.app import create_app

    west, _east = estates
    role = f"it12_clerk_{uuid.uuid4().hex[:8]}"
    as_admin(f"CREATE ROLE {role} LOGIN PASSWORD 'clerk-2026'")
    try:
        as_admin(f'GRANT CONNECT ON DATABASE "{database_of(postgres_url)}" TO {role}')
        in_database(
            postgres_url,
            f"GRANT USAGE ON SCHEMA estate_west TO {role}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA estate_west TO {role}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA estate_west TO {role}",
        )
        url = sa.engine.make_url(postgres_url).set(username=role, password="clerk-2026")
        workspace = open_workspace(west.root, environ={"RECORDKIT_DATABASE_URL": url.render_as_string(False)})
        app = create_app(workspace, accounts_required=False)
        client = app.test_client()
        item = f"/item/YZ-{YEAR}-00001"
        pages = ["/search?q=装修", item, "/loans", "/archive?category=业主档案", "/review"]
        assert [client.get(page).status_code for page in pages] == [200] * len(pages)
        revokes = {
            "tables": [f"REVOKE ALL ON ALL TABLES IN SCHEMA estate_west FROM {role}"],
            "schema": [
                f"REVOKE ALL ON ALL TABLES IN SCHEMA estate_west FROM {role}",
                f"REVOKE USAGE ON SCHEMA estate_west FROM {role}",
            ],
            "writes": [f"REVOKE INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA estate_west FROM {role}"],
        }
        in_database(postgres_url, *revokes[revoked])
        if revoked == "writes":  # it still reads: a loan refused
            token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(item).get_data(as_text=True))
            answers = [
                client.post(
                    f"{item}/lend",
                    data={"borrower": "王工", "due": "明天", "reason": "核对", "csrf_token": token[1] if token else ""},
                )
            ]
        else:
            answers = [client.get(page) for page in pages]
        for answer in answers:
            shown = answer.get_data(as_text=True)
            assert answer.status_code == 503, shown
            assert (
                f"{said}：请找 IT 人员处理（要执行的授权语句见 recordkit doctor 和网页服务的日志）；什么也没有写入"
                in shown
            )
            for unwanted in ("GRANT", "SELECT", "permission", "denied", "Traceback", role, "estate_west"):
                assert unwanted not in shown, (unwanted, shown)
        logged = "\n".join(record.getMessage() for record in caplog.records)
        assert f"ON ALL TABLES IN SCHEMA estate_west TO {role}" in logged
        app.extensions["recordkit"].ledger.close()
    finally:
        in_database(postgres_url, f"DROP OWNED BY {role}")
        as_admin(f"DROP OWNED BY {role}", f"DROP ROLE IF EXISTS {role}")


@pytest.mark.postgres
def test_a_repair_on_a_schema_not_made_yet_says_it_rebuilt_the_ledger_from_the_archive(
    postgres_url: str, tmp_path: Path
) -> None:
    """West's schema dropped (a lost ledger) beside its filed archive: ``archive verify --repair`` made a new schema
    and ledger without a word, as it did for a SQLite file gone or of 0 bytes until it said so.  It now says first
    where it made the new ledger, and that fees and the roster come only from a backup — one rule for both backends."""
    west = estate(tmp_path / "west", "西区", postgres_url, "estate_west")
    with open_workspace_ledger(west) as ledger:
        small_estate(ledger, tmp_path)
    file_for_1201(west, write_docx(tmp_path / "装修协议.docx", "西区3栋2单元1201装修管理协议。"), "装修管理协议")
    in_database(postgres_url, "DROP SCHEMA estate_west CASCADE")
    repaired = cli(west, "archive", "verify", "--repair")
    assert repaired.exit_code == 0, repaired.output
    lines = repaired.stdout.splitlines()
    assert lines[0] == (
        f"注意：台账数据库 {display_url(postgres_url)}（模式 estate_west）：模式还不存在：已在这里新建台账，"
        "按 records/archive 里的说明文件重建档案登记；收费记录和业主名册不在档案里，只能从备份恢复"
    )
    assert lines[-1] == "档案完好：共 1 件，文件、说明文件与台账记录一致"
    assert cli(west, "archive", "verify", "--repair").stdout == "档案完好：共 1 件，文件、说明文件与台账记录一致\n"


@pytest.mark.postgres
def test_a_repair_on_a_schema_not_made_yet_with_nothing_filed_makes_no_ledger(
    postgres_url: str, tmp_path: Path
) -> None:
    """A schema not made yet (a name mistyped, or a new estate) and nothing in records/archive: ``archive verify
    --repair`` made the schema and an empty ledger, with nothing to rebuild.  It now refuses as every command not
    meant to make a ledger does (exit 3), as it refuses a SQLite file of 0 bytes with nothing filed; nothing made."""
    west = estate(tmp_path / "west", "西区", postgres_url, "estate_west")
    south = estate_settings(tmp_path / "south", "南区", postgres_url, "estate_south")
    refused = cli(south, "archive", "verify", "--repair")
    assert refused.exit_code == ConfigError.exit_code, refused.output
    assert refused.stderr.replace("\n", "") == (
        f"错误：台账数据库 {display_url(postgres_url)}（模式 estate_south）：模式还不存在；"
        "这个数据库里已有别的台账（模式 estate_west），而 records/archive 里没有归档的文件，没有可以重建的档案登记："
        "请检查 recordkit.toml 的 [database] schema，要用其中一个的，改成它；"
        "是新的小区，先运行 recordkit db upgrade 或导入业主名册（recordkit owners import）建立台账；这里什么也没有新建"
    )
    assert set(tables_by_schema(postgres_url)) == {"estate_west"}
    assert west.root.is_dir()


@pytest.mark.postgres
def test_a_repair_on_a_mistyped_schema_beside_the_estates_ledgers_is_refused_until_a_new_ledger_is_made_on_purpose(
    estates: tuple[Workspace, Workspace], postgres_url: str
) -> None:
    """West's recordkit.toml with its schema mistyped (estate_wset) beside West's and East's ledgers, its archive filed:
    ``archive verify --repair`` made a new schema and ledger there, and rebuilt West's registrations into it (receipts
    numbered from 1 again).  It now refuses (exit 3), naming the schemas that hold a ledger and how to make a new one on
    purpose; nothing is made.  Made on purpose (``db upgrade``), the repair rebuilds the registrations into it."""
    west, _east = estates
    config = west.config_file
    config.write_text(
        config.read_text(encoding="utf-8").replace('schema = "estate_west"', 'schema = "estate_wset"'), "utf-8"
    )
    refused = cli(west, "archive", "verify", "--repair")
    assert refused.exit_code == ConfigError.exit_code, refused.output
    assert refused.stdout == ""
    assert refused.stderr.replace("\n", "") == (
        f"错误：{display_url(postgres_url)}（模式 estate_wset）：这里还没有台账，"
        "而 records/archive 里已经有归档的文件：它们的台账在别处，多半是 recordkit.toml 的 [database] url 和 schema 写错了"
        "（这个数据库里有台账的模式：estate_east、estate_west）：把 recordkit.toml 的 [database] url 和 schema "
        "改成这些档案所在的台账；"
        "这个小区的台账确实丢失、又没有备份的，先运行 recordkit db upgrade 在这里新建台账，"
        "再运行 recordkit archive verify --repair 按档案目录重建档案登记（收费记录只能从备份恢复）；"
        "档案登记没有重建，这里什么也没有新建"
    )
    assert set(tables_by_schema(postgres_url)) == {"estate_west", "estate_east"}

    assert cli(west, "db", "upgrade").exit_code == 0
    repaired = cli(west, "archive", "verify", "--repair")
    assert repaired.exit_code == 0, repaired.output
    assert repaired.stdout.splitlines()[-1] == "档案完好：共 1 件，文件、说明文件与台账记录一致"
    assert set(tables_by_schema(postgres_url)) == {"estate_west", "estate_east", "estate_wset"}


@pytest.mark.postgres
def test_a_repair_with_nothing_filed_by_an_account_that_may_not_make_the_ledger_is_told_the_grants_first(
    postgres_url: str, tmp_path: Path
) -> None:
    """An account that may only connect, a schema not made yet, nothing filed: ``archive verify --repair`` said there
    was nothing to rebuild, and the grants the IT person must give in any case came only at the next try.  It now
    names the account and the grants first (exit 7); nothing is made."""
    import uuid

    estate(tmp_path / "west", "西区", postgres_url, "estate_west")
    south = estate_settings(tmp_path / "south", "南区", postgres_url, "estate_south")
    role = f"it24_clerk_{uuid.uuid4().hex[:8]}"
    as_admin(f"CREATE ROLE {role} LOGIN PASSWORD 'clerk-2026'")
    try:
        as_admin(f'GRANT CONNECT ON DATABASE "{database_of(postgres_url)}" TO {role}')
        url = sa.engine.make_url(postgres_url).set(username=role, password="clerk-2026")
        env = {"RECORDKIT_DATABASE_URL": url.render_as_string(hide_password=False)}
        refused = cli(south, "archive", "verify", "--repair", env=env)
        assert refused.exit_code == LedgerError.exit_code, refused.output
        database = database_of(postgres_url)
        assert refused.stderr.replace("\n", "") == (
            f"错误：台账数据库 {display_url(url.render_as_string(hide_password=False))}（模式 estate_south）：模式还不存在；"
            f"这个数据库里已有别的台账（模式 estate_west），数据库账户 {role} 不能在这里建台账："
            f"请数据库管理员把这个库交给它，例如 ALTER DATABASE {database} OWNER TO {role}，"
            f"或授予 GRANT ALL ON DATABASE {database} TO {role}；这里什么也没有新建"
        )
        assert set(tables_by_schema(postgres_url)) == {"estate_west"}
    finally:
        as_admin(f"DROP OWNED BY {role}", f"DROP ROLE IF EXISTS {role}")


@pytest.mark.postgres
def test_a_repair_on_postgresql_beside_the_workspaces_own_sqlite_ledger_is_refused(
    postgres_url: str, tmp_path: Path
) -> None:
    """recordkit.toml names a PostgreSQL schema holding no ledger, while records/ledger.sqlite3 still holds the one-PC
    ledger (the address changed without ``db move``): ``archive verify --repair`` built a new ledger in PostgreSQL.
    It now refuses (exit 3), saying how to move that ledger, or to make a new one on purpose; nothing is made."""
    west = estate(tmp_path / "west", "西区", postgres_url, "estate_west")
    with open_workspace_ledger(west) as ledger:
        small_estate(ledger, tmp_path)
    file_for_1201(west, write_docx(tmp_path / "装修协议.docx", "西区3栋2单元1201装修管理协议。"), "装修管理协议")
    in_database(postgres_url, "DROP SCHEMA estate_west CASCADE")
    with open_ledger(f"sqlite:///{west.records_dir / 'ledger.sqlite3'}"):
        pass  # the one-PC ledger left behind
    refused = cli(west, "archive", "verify", "--repair")
    assert refused.exit_code == ConfigError.exit_code, refused.output
    assert refused.stderr.replace("\n", "") == (
        f"错误：{display_url(postgres_url)}（模式 estate_west）：这里还没有台账，而 records/archive 里已经有归档的文件："
        "它们的台账在别处——recordkit.toml 的 [database] url 和 schema 写错了，"
        "或者这个工作区原来的台账 records/ledger.sqlite3 还没有用 recordkit db move 搬过来："
        "把 recordkit.toml 的 [database] url 和 schema 改成这些档案所在的台账；要把 records/ledger.sqlite3 的台账搬到这里的，"
        "先删去 recordkit.toml 的 [database] url 和 schema，再运行 recordkit db move --to 这里的地址 --schema estate_west；"
        "这个小区的台账确实丢失、又没有备份的，先运行 recordkit db upgrade 在这里新建台账，"
        "再运行 recordkit archive verify --repair 按档案目录重建档案登记（收费记录只能从备份恢复）；"
        "档案登记没有重建，这里什么也没有新建"
    )
    assert tables_by_schema(postgres_url) == {}
