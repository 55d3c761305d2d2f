"""A command that only reads never writes the ledger: not a row, not a fee rule from recordkit.toml.

The whole ledger is dumped (every table, every row) before and after each command, with fee
items waiting in recordkit.toml that a writing command would sync.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from recordkit.core.workspace import Workspace
from recordkit.ledger.db import open_ledger
from recordkit.owners.roster import import_owners
from tests.conftest import SAMPLE_ROWS, write_sheet

READ_ONLY = [
    ("owners", "list"),
    ("owners", "show", "3-2-1201"),
    ("fees", "rules", "list"),
    ("fees", "arrears"),
    ("receipt", "list"),
    ("docs", "list"),
    ("workorder", "list"),
    ("archive", "list"),
    ("archive", "loans"),
    ("journal", "list"),
    ("journal", "verify"),
    ("templates", "list"),
]


def _dump(database: Path) -> list[str]:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
        return list(conn.iterdump())


@pytest.fixture
def office(workspace: Workspace, tmp_path: Path, run_cli: Any) -> Workspace:
    with open_ledger(workspace.database_url) as ledger:
        import_owners(ledger, write_sheet(tmp_path / "名册.xlsx", SAMPLE_ROWS), "王芳")
    assert (
        run_cli("fees", "rules", "add", "物业服务费", "--kind", "area", "--rate", "2.35", "--from", "2026-01").exit_code
        == 0
    )
    assert run_cli("fees", "bill", "--month", "2026-10").exit_code == 0
    config = workspace.root / "recordkit.toml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + '\n[[fees.items]]\nname = "垃圾清运费"\nkind = "fixed"\nrate = "10"\neffective_from = "2026-01"\n',
        encoding="utf-8",
    )
    return workspace


@pytest.mark.parametrize("args", READ_ONLY, ids=" ".join)
def test_a_command_that_only_reads_leaves_the_ledger_as_it_was(
    office: Workspace, run_cli: Any, args: tuple[str, ...]
) -> None:
    database = office.records_dir / "ledger.sqlite3"
    before = _dump(database)
    result = run_cli(*args)
    assert result.exit_code == 0, result.stderr
    assert _dump(database) == before


def test_the_check_sees_a_write(office: Workspace, run_cli: Any) -> None:
    """The same dump notices a command that does write (here: the sync of 垃圾清运费 and new bills)."""
    database = office.records_dir / "ledger.sqlite3"
    before = _dump(database)
    assert run_cli("fees", "bill", "--month", "2026-11").exit_code == 0
    after = _dump(database)
    assert after != before
    assert any("垃圾清运费" in line for line in after) and not any("垃圾清运费" in line for line in before)
