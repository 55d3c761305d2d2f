"""Notices, reminders and templates as the office checks them: the sign sheet is recorded with its
notices or not at all, co-owners are addressed, a unit twice in a batch sheet is refused, what the
sandbox refuses never reaches paper, and a reminder tells of money paid ahead."""

from __future__ import annotations

import datetime as dt
import errno
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from recordkit.core.workspace import Workspace
from recordkit.documents.generated import list_documents
from recordkit.documents.notices import make_notices, select_recipients
from recordkit.ledger import journal
from recordkit.ledger.db import Ledger
from tests.conftest import SAMPLE_ROWS, write_sheet
from tests.documents_fixtures import estate, generated, ws  # noqa: F401 (fixtures)
from tests.fees_fixtures import CASHIER

TODAY = dt.date(2026, 11, 23)
TIP = {"提示内容": "冬季请关好门窗"}


def journal_size(run_cli: Any) -> int:
    return len(json.loads(run_cli("journal", "list", "--limit", "100000", "--json").stdout))


@pytest.fixture
def imported(run_cli: Any, workspace: Workspace) -> Workspace:
    sheet = write_sheet(workspace.root / "名册.xlsx", SAMPLE_ROWS)
    assert run_cli("owners", "import", str(sheet)).exit_code == 0
    return workspace


# -- the 送达签收表 is one unit of work with its notices ------------------------------------------


@pytest.mark.parametrize("merge", [False, True])
def test_a_sign_sheet_the_ledger_refuses_leaves_no_notice(
    ws: Workspace, estate: Ledger, monkeypatch: pytest.MonkeyPatch, merge: bool
) -> None:
    # The notices were committed first and the sheet recorded in a write of its own: when that
    # write failed, the notices stood in the ledger and on disk without their sign sheet.
    record = journal.record

    def refusing(conn: Any, operator: str, changes: Any) -> Any:
        if any((change.after or {}).get("kind") == "送达签收表" for change in changes):
            raise OSError(errno.ENOSPC, "No space left on device")
        return record(conn, operator, changes)

    monkeypatch.setattr(journal, "record", refusing)
    recipients = select_recipients(estate, everyone=True)
    with pytest.raises(OSError):
        make_notices(ws, estate, "温馨提示", recipients, TIP, CASHIER, merge=merge, scope="全体", today=TODAY)
    assert list_documents(ws, estate) == []
    assert generated(ws) == []  # nor a temporary waiting in records/generated/.pending


def test_notice_make_when_the_sign_sheet_cannot_be_saved(
    run_cli: Any, imported: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    journalled = journal_size(run_cli)

    def full_disk(self: Workbook, filename: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Workbook, "save", full_disk)
    result = run_cli("notice", "make", "温馨提示", "--all", "--set", "提示内容=冬季请关好门窗")
    assert result.exit_code == 10
    assert result.stderr.strip().splitlines()[0] == "错误：无法写入：磁盘已满：请清理磁盘空间后重试"
    monkeypatch.undo()
    assert json.loads(run_cli("docs", "list", "--json").stdout) == []
    assert sorted(p for p in imported.records_subdir("generated").rglob("*") if p.is_file()) == []
    assert journal_size(run_cli) == journalled
