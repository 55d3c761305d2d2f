"""Helpers for the archive tests: a workspace with the sample units and an Archivist on it."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from recordkit.archive.archivist import Archivist
from recordkit.core.workspace import Workspace, open_workspace
from recordkit.demo.scans import scan_bytes
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


def scans_with_sidecars(folder: Path, count: int) -> None:
    """``count`` scans ``扫描001.pdf`` … in ``folder``, each with its scanner's sidecar ``扫描001.txt`` (unit 3-2-1201,
    title 产权证明第1份 …): one PDF, each copy made distinct by a comment after its end."""
    folder.mkdir(parents=True, exist_ok=True)
    pdf = scan_bytes("pdf", 1)
    for number in range(1, count + 1):
        (folder / f"扫描{number:03}.pdf").write_bytes(pdf + f"\n% {number}\n".encode())
        (folder / f"扫描{number:03}.txt").write_text(f"房号: 3-2-1201\n题名: 产权证明第{number}份\n", encoding="utf-8")


def count_listings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every folder listed from now on (``os.scandir``, which ``os.walk`` uses too, and ``os.listdir``), by its path
    as given, once a listing."""
    listed: list[str] = []
    real_scandir, real_listdir = os.scandir, os.listdir

    def scandir(*args: Any) -> Any:
        listed.append(os.fspath(args[0]) if args else ".")
        return real_scandir(*args)

    def listdir(*args: Any) -> Any:
        listed.append(os.fspath(args[0]) if args else ".")
        return real_listdir(*args)

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(os, "listdir", listdir)
    return listed


def count_stats(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every path stat-ed from now on (``os.stat`` and ``os.lstat``, which ``os.path.realpath``, ``Path.resolve``,
    ``Path.exists`` and ``Path.is_symlink`` use), as given, once a call."""
    stated: list[str] = []
    real_stat, real_lstat = os.stat, os.lstat

    def stat(path: Any, *args: Any, **kwargs: Any) -> Any:
        stated.append(os.fspath(path))
        return real_stat(path, *args, **kwargs)

    def lstat(path: Any, *args: Any, **kwargs: Any) -> Any:
        stated.append(os.fspath(path))
        return real_lstat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", stat)
    monkeypatch.setattr(os, "lstat", lstat)
    return stated


# Fixtures of the archive tests (imported by them under the names ws and ledger).
@pytest.fixture(name="ws")
def archive_ws(workspace: Workspace) -> Workspace:
    """A workspace whose ledger holds the sample units."""
    return archive_workspace(workspace.root)


@pytest.fixture(name="ledger")
def archive_ledger(ws: Workspace) -> Iterator[Ledger]:
    with open_ledger(ws.database_url) as opened:
        yield opened
