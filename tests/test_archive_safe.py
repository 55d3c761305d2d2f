"""Issue 20 for the archive: an archived file is never overwritten (a ledger restored from an older
copy, a new empty ledger beside a full archive), sidecars are data and not instructions, and one bad
file never loses a batch."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from recordkit.archive.archivist import ArchiveMismatch, Archivist, list_items, verify
from recordkit.core.workspace import Workspace
from recordkit.demo.scans import write_scan
from recordkit.ledger.db import Ledger
from tests.archive_helpers import FAST, archive_workspace, tree
from tests.archive_helpers import archive_ledger as ledger  # noqa: F401  (fixtures)
from tests.archive_helpers import archive_ws as ws

MISMATCH_ADVICE = "为免覆盖已归档的文件，已停止归档：请先核对数据库地址，再运行 recordkit archive verify --repair"


@pytest.fixture
def archivist_cli(run_cli: Any, workspace: Workspace) -> Any:
    archive_workspace(workspace.root)

    def run(*args: str, env: dict[str, str] | None = None) -> Any:
        return run_cli(*args, env=FAST | (env or {}))

    return run


def inbox(workspace: Workspace) -> Path:
    return workspace.root / "records" / "inbox"


def archived(workspace: Workspace) -> dict[str, str]:
    """Every file below records/archive/ and its SHA-256."""
    folder = workspace.root / "records" / "archive"
    return {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in tree(folder)}


def backup(database: Path, copy: Path) -> None:
    with sqlite3.connect(database) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    target.close()
    source.close()


# -- a. never overwrite ----------------------------------------------------------------------------


def test_file_after_restoring_an_older_ledger_is_refused_and_overwrites_nothing(
    archivist_cli: Any, workspace: Workspace, tmp_path: Path
) -> None:
    database = workspace.root / "records" / "ledger.sqlite3"
    for seed in (1, 2):
        write_scan(inbox(workspace) / f"1-1-101_产权证明{seed}_20261101.pdf", seed)
    assert archivist_cli("file", str(inbox(workspace))).exit_code == 0
    backup(database, tmp_path / "昨天的台账.sqlite3")
    for seed in (3, 4):
        write_scan(inbox(workspace) / f"1-1-101_身份证{seed}_20261101.pdf", seed)
    assert archivist_cli("file", str(inbox(workspace))).exit_code == 0
    before = archived(workspace)
    assert len(before) == 8  # four files, four sidecars
    shutil.copyfile(tmp_path / "昨天的台账.sqlite3", database)  # the ledger restored from yesterday's copy

    new = write_scan(inbox(workspace) / "1-1-101_装修协议_20261101.pdf", 5)
    refused = archivist_cli("file", str(new))
    assert refused.exit_code == 9
    assert refused.stderr.strip() == (
        "错误：台账与档案目录不一致：档案目录中有 2 个文件在台账中没有记录"
        "（如 records/archive/业主档案/2026/YZ-2026-00003_身份证3.pdf），"
        f"台账可能是从旧备份恢复的，或数据库地址指向了新的空台账。{MISMATCH_ADVICE}"
    )
    assert archived(workspace) == before and new.exists()
    watch = archivist_cli("watch", "--once")  # the service refuses the same way, and leaves the inbox alone
    assert (watch.exit_code, watch.stderr.strip()) == (9, refused.stderr.strip())
    assert archived(workspace) == before and new.exists()
    # verify does not call such an archive whole; --repair rebuilds the missing rows from the tree.
    problems = archivist_cli("archive", "verify")
    assert problems.exit_code == 9
    assert "问题：records/archive/业主档案/2026/YZ-2026-00003_身份证3.pdf：没有台账记录" in problems.stderr
    assert archivist_cli("archive", "verify", "--repair").exit_code == 0
    filed = archivist_cli("file", str(new))
    assert filed.exit_code == 0, filed.output
    assert "→ YZ-2026-00005（业主档案，1 页）" in filed.stdout
    after = archived(workspace)
    assert {name: after[name] for name in before} == before


def test_a_new_empty_ledger_beside_a_full_archive_stops_filing(archivist_cli: Any, workspace: Workspace) -> None:
    write_scan(inbox(workspace) / "1-1-101_产权证明_20261101.pdf", 1)
    assert archivist_cli("watch", "--once").exit_code == 0
    before = archived(workspace)
    other = {"RECORDKIT_DATABASE_URL": f"sqlite:///{workspace.root / 'records' / '写错的台账.sqlite3'}"}
    new = write_scan(inbox(workspace) / "1-1-101_身份证_20261101.pdf", 2)
    refused = archivist_cli("file", str(new), env=other)
    assert refused.exit_code == 9
    assert refused.stderr.startswith("错误：台账与档案目录不一致：档案目录中有 1 个文件在台账中没有记录")
    assert archived(workspace) == before and new.exists()


def test_a_number_already_in_the_tree_is_never_handed_out(ws: Workspace, ledger: Ledger) -> None:
    # Even without the recovery pass (as when two checks race), the number is checked against the tree.
    clerk = Archivist(ws, ledger, "档案员")
    clerk.file(write_scan(inbox(ws) / "1-1-101_产权证明_20261101.pdf", 1))
    folder = ws.root / "records" / "archive" / "业主档案" / "2026"
    planted = folder / "YZ-2026-00002_别人的文件.pdf.json"
    planted.write_text('{"archive_no": "YZ-2026-00002"}', encoding="utf-8")
    before = archived(ws)
    source = write_scan(inbox(ws) / "1-1-101_身份证_20261101.pdf", 2)
    with pytest.raises(ArchiveMismatch) as raised:
        clerk.file_many([(source, None)])
    assert raised.value.message == (
        "台账与档案目录不一致：档号 YZ-2026-00002 在档案目录中已有文件，台账中却没有这个档号"
        f"（台账可能是从旧备份恢复的，或数据库地址指向了新的空台账）。{MISMATCH_ADVICE}"
    )
    assert archived(ws) == before and source.exists()
    assert [item.archive_no for item in list_items(ledger)] == ["YZ-2026-00001"]


def test_placing_refuses_an_existing_name_and_its_rollback_removes_only_its_own(
    ws: Workspace, ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    clerk = Archivist(ws, ledger, "档案员")
    monkeypatch.setattr(clerk, "_numbers_in_tree", lambda folder: set())  # the tree check is not there
    folder = ws.root / "records" / "archive" / "业主档案" / "2026"
    folder.mkdir(parents=True)
    existing = folder / "YZ-2026-00001_产权证明.pdf"
    existing.write_bytes(b"%PDF the archived original")
    existing.with_name(existing.name + ".json").write_bytes(b'{"archive_no": "YZ-2026-00001"}')
    before = archived(ws)
    source = write_scan(inbox(ws) / "1-1-101_产权证明_20261101.pdf", 1)
    with pytest.raises(ArchiveMismatch) as raised:
        clerk.file_many([(source, None)])
    assert raised.value.message.startswith("台账与档案目录不一致：档案目录中已有 YZ-2026-00001_产权证明.pdf.json")
    assert archived(ws) == before and source.exists() and list_items(ledger) == []
    # The sidecar's name free, the file's taken: the new sidecar is removed again, the old file stays.
    existing.with_name(existing.name + ".json").unlink()
    with pytest.raises(ArchiveMismatch):
        clerk.file_many([(source, None)])
    assert tree(folder) == ["YZ-2026-00001_产权证明.pdf"] and existing.read_bytes() == b"%PDF the archived original"


def test_file_runs_the_services_recovery_first(ws: Workspace, ledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
    from recordkit.archive.intake import file_paths

    clerk = Archivist(ws, ledger, "档案员")
    source = write_scan(inbox(ws) / "1-1-101_产权证明_20261101.pdf", 1)
    monkeypatch.setattr(clerk, "_remove_source", lambda path, in_inbox: None)
    clerk.file(source)
    monkeypatch.undo()
    temp = ws.root / "records" / "archive" / "业主档案" / "2026" / ".~recordkit-99-YZ-2026-00002_x.pdf"
    temp.write_bytes(b"half")  # a killed filer's temporary file
    outcomes = file_paths(clerk, [inbox(ws)])
    assert [(o.status, o.item.archive_no) for o in outcomes] == [("already_filed", "YZ-2026-00001")]  # type: ignore[union-attr]
    assert not temp.exists() and tree(inbox(ws)) == []
    assert verify(ws, ledger, "检查").ok
