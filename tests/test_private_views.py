"""Every --show-private leaves a journal row saying who saw which records unmasked (issue 20, item 8)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from recordkit.core.workspace import Workspace
from recordkit.ledger.db import open_ledger
from recordkit.owners.roster import import_owners
from tests.conftest import SAMPLE_ROWS, write_sheet
from tests.search_helpers import write_docx

PHONE = "13987654321"


@pytest.fixture
def office(workspace: Workspace, tmp_path: Path, run_cli: Any) -> Workspace:
    with open_ledger(workspace.database_url) as ledger:
        import_owners(ledger, write_sheet(tmp_path / "名册.xlsx", SAMPLE_ROWS), "王芳")
    letter = write_docx(tmp_path / "3-2-1201_业主来函_20261102.docx", f"业主李秀英来函，联系电话 {PHONE}，请回电。")
    filed = run_cli("file", str(letter), "--category", "业主档案", "--unit", "3-2-1201", "--title", "业主来函")
    assert filed.exit_code == 0, filed.stderr
    added = run_cli(
        "workorder", "add", "--type", "报修", "--unit", "3-2-1201", "--category", "水电", "--desc", "厨房水管漏水",
        "--reported-by", "李秀英", "--phone", PHONE, "--at", "2026-10-03 09:15",
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    return workspace


def _private_views(run_cli: Any) -> list[dict[str, Any]]:
    rows = json.loads(run_cli("journal", "list", "--json", "--limit", "1000").stdout)
    return [row for row in rows if row["action"] == "private.view"]


def _archive_no(run_cli: Any) -> str:
    return str(json.loads(run_cli("archive", "list", "--json").stdout)[0]["archive_no"])


@pytest.mark.parametrize(
    ("command", "entity"),
    [
        (("search", "来函", "--show-private", "--json"), "archive_item"),
        (("workorder", "list", "--show-private", "--json"), "workorder"),
        (("workorder", "show", "GD2026-000001", "--show-private", "--json"), "workorder"),
    ],
)
def test_show_private_is_journalled(office: Workspace, run_cli: Any, command: tuple[str, ...], entity: str) -> None:
    masked = run_cli(*[word for word in command if word != "--show-private"])
    assert masked.exit_code == 0 and PHONE not in masked.stdout
    assert _private_views(run_cli) == []  # masked output is not a private view
    shown = run_cli(*command)
    assert shown.exit_code == 0 and PHONE in shown.stdout
    views = _private_views(run_cli)
    assert len(views) == 1 and views[0]["operator"] == "测试员"
    assert views[0]["action_label"] == "查看未打码个人信息"
    with open_ledger(office.database_url) as ledger, ledger.read() as conn:
        from recordkit.ledger import journal

        entry = next(e for e in journal.recent(conn, limit=5) if e.action == "private.view")
    assert entry.entity == entity and entry.after is not None and entry.after["count"] >= 1


def test_archive_text_show_private_is_journalled(office: Workspace, run_cli: Any) -> None:
    number = _archive_no(run_cli)
    assert PHONE not in run_cli("archive", "text", number).stdout
    assert _private_views(run_cli) == []
    assert PHONE in run_cli("archive", "text", number, "--show-private").stdout
    views = _private_views(run_cli)
    assert [(v["key"], v["operator"]) for v in views] == [("archive text", "测试员")]
