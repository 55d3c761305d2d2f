"""Helpers for the archive tests: a workspace with the sample units and an Archivist on it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from recordkit.archive.archivist import Archivist
from recordkit.core.workspace import Workspace, open_workspace
from recordkit.ledger.db import Ledger, open_ledger
from recordkit.owners.roster import import_owners
from tests.conftest import SAMPLE_ROWS, write_sheet

FAST = {"RECORDKIT_ARCHIVE_STABILITY_SECONDS": "0", "RECORDKIT_ARCHIVE_POLL_INTERVAL": "0.05"}


def archive_workspace(root: Path, database_url: str | None = None, import_units: bool = True) -> Workspace:
    environ = dict(FAST)
    if database_url:
        environ["RECORDKIT_DATABASE_URL"] = database_url
    workspace = open_workspace(root, environ=environ)
    if import_units:
        with open_ledger(workspace.database_url) as ledger:
            import_owners(ledger, write_sheet(root / "名册.xlsx", SAMPLE_ROWS), "测试员")
    return workspace


def archivist(workspace: Workspace, ledger: Ledger, operator: str = "档案员") -> Archivist:
    return Archivist(workspace, ledger, operator)


def sidecar_of(workspace: Workspace, relative: str) -> dict[str, Any]:
    return json.loads((workspace.root / (relative + ".json")).read_text(encoding="utf-8"))


def tree(folder: Path) -> list[str]:
    """Every file below ``folder``, relative, sorted."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


# Fixtures of the archive tests (imported by them under the names ws and ledger).
@pytest.fixture(name="ws")
def archive_ws(workspace: Workspace) -> Workspace:
    """A workspace whose ledger holds the sample units."""
    return archive_workspace(workspace.root)


@pytest.fixture(name="ledger")
def archive_ledger(ws: Workspace) -> Iterator[Ledger]:
    with open_ledger(ws.database_url) as opened:
        yield opened
