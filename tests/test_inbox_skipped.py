"""Files nobody files: other computers' system files (``rules.SYSTEM_FILES``: Thumbs.db, desktop.ini, .DS_Store,
``._*``) are skipped without a word whatever ``[archive] ignore_patterns`` says — they are no office's choice —, and
the office's patterns add to them.  ``file``, ``watch``, ``watch --once`` and ``doctor`` read that alike: an office
whose list omits Thumbs.db had it quarantined by the service as a file of another kind, refused by ``file`` (exit 5),
and its .DS_Store reported as a hidden scan a sync tool may still be writing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from recordkit.archive.archivist import Archivist
from recordkit.archive.watcher import InboxWatcher
from recordkit.core.workspace import Workspace, open_workspace
from recordkit.demo.scans import write_scan
from recordkit.doctor import check_inbox
from recordkit.ledger.db import open_ledger
from tests.archive_helpers import FAST, archive_workspace, tree

#: An office's own list, without any of other computers' system files.
OFFICE_PATTERNS = '\n[archive]\nignore_patterns = ["~$*", "*.tmp"]\n'
#: What Windows Explorer and a Mac leave in a folder they showed, and Word's mark of a document open.
LEFT_BY_OTHERS = ("Thumbs.db", "desktop.ini", ".DS_Store", "._3-2-1201_产权证明_20261102.pdf", "~$合同.docx")


@pytest.fixture
def office(workspace: Workspace) -> Workspace:
    archive_workspace(workspace.root)
    toml = workspace.root / "recordkit.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + OFFICE_PATTERNS, encoding="utf-8")
    return open_workspace(workspace.root, environ=FAST)


def inbox(workspace: Workspace) -> Path:
    return workspace.root / "records" / "inbox"


def _drop(folder: Path) -> None:
    """A scan and what other computers left beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    write_scan(folder / "3-2-1201_产权证明_20261102.pdf", 1)
    for name in LEFT_BY_OTHERS:
        (folder / name).write_bytes(b"left by another computer")


FILED = "已归档 3-2-1201_产权证明_20261102.pdf → YZ-2026-00001（业主档案，1 页）："


def test_watch_once_skips_other_computers_system_files_without_a_word(office: Workspace, run_cli: Any) -> None:
    _drop(inbox(office))
    result = run_cli("watch", "--once", env=FAST)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        FILED + "records/archive/业主档案/2026/YZ-2026-00001_产权证明.pdf",
        "收件箱处理完毕：归档 1 个，隔离 0 个",
    ]
    assert tree(inbox(office)) == sorted(LEFT_BY_OTHERS)
    assert tree(office.root / "records" / "quarantine") == []


def test_the_service_says_nothing_of_other_computers_system_files(office: Workspace) -> None:
    _drop(inbox(office))
    said: list[str] = []
    with open_ledger(office.database_url) as ledger:
        watcher = InboxWatcher(Archivist(office, ledger, "归档服务"), say=said.append)
        outcomes = watcher.check(set(watcher.scan()))
    assert [(outcome.source, outcome.status) for outcome in outcomes] == [("3-2-1201_产权证明_20261102.pdf", "filed")]
    assert said == []
    assert watcher.not_filed() == []
    assert tree(inbox(office)) == sorted(LEFT_BY_OTHERS)


def test_file_of_a_folder_skips_other_computers_system_files_without_a_word(office: Workspace, run_cli: Any) -> None:
    _drop(office.root / "扫描件")
    result = run_cli("file", str(office.root / "扫描件"), env=FAST)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        "已归档 扫描件/" + FILED.removeprefix("已归档 ") + "records/archive/业主档案/2026/YZ-2026-00001_产权证明.pdf",
        "共 1 个文件：归档 1 个，未归档 0 个",
    ]
    assert tree(office.root / "扫描件") == sorted([*LEFT_BY_OTHERS, "3-2-1201_产权证明_20261102.pdf"])


def test_doctor_counts_other_computers_system_files_among_the_names_skipped(office: Workspace) -> None:
    check = check_inbox(office)
    assert (check.ok, check.detail, check.fix) == (
        True,
        "不处理的临时文件名 6 种（别的电脑留下的系统文件 Thumbs.db、desktop.ini、.DS_Store、._* 总是不处理，"
        "[archive] ignore_patterns 另加 2 种）；其他以“.”开头的文件不归档，归档服务会提到",
        "",
    )
