"""Generated documents: unique readable names under records/generated, a ledger row, a journal entry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from docx import Document

from recordkit.core.workspace import Workspace, open_workspace
from recordkit.documents.generated import (
    DocumentRequest,
    common_context,
    generate,
    generate_many,
    generate_merged,
    list_documents,
    safe_file_stem,
)
from recordkit.documents.templates.engine import TemplateError
from recordkit.ledger import journal
from recordkit.ledger.db import open_ledger
from recordkit.ledger.schema import documents
from tests.test_templates import WATER


@pytest.fixture
def ws(workspace: Workspace, ledger_url: str) -> Workspace:
    """The test workspace, its ledger on each backend in turn."""
    return open_workspace(workspace.root, environ={"RECORDKIT_DATABASE_URL": ledger_url})


def test_common_context_names_the_office(workspace: Workspace) -> None:
    import datetime as dt

    assert common_context(workspace, dt.date(2026, 11, 23)) == {
        "物业服务中心": "测试物业服务中心",
        "小区": "测试小区",
        "小区地址": "测试小区",
        "物业电话": "",
        "日期": "2026年11月23日",
    }


def test_safe_file_stem_never_leaves_the_folder() -> None:
    assert safe_file_stem("../../etc/passwd") == "etc-passwd"
    assert "/" not in safe_file_stem("a/b\\c:d*e?f\x00g")
    assert safe_file_stem("///") == "文书"


def test_generate_writes_records_and_journals(ws: Workspace) -> None:
    with open_ledger(ws.database_url) as ledger:
        first = generate(
            ws, ledger, "停水通知", WATER, operator="王芳", kind="通知", subject="3-2-1201", title="停水通知"
        )
        second = generate(
            ws, ledger, "停水通知", WATER, operator="王芳", kind="通知", subject="3-2-1201", title="停水通知"
        )
        assert first.path.name == "停水通知_3-2-1201.docx"
        assert second.path.name == "停水通知_3-2-1201_2.docx"
        assert first.path.parent.parent.parent == ws.records_subdir("generated")
        assert "尊敬的张伟业主：" in [p.text for p in Document(str(first.path)).paragraphs]
        listed = list_documents(ws, ledger, subject="3-2-1201")
        assert [d.path for d in listed] == [second.path, first.path]
        with ledger.read() as conn:
            row = conn.execute(sa.select(documents).where(documents.c.id == first.id)).one()
            assert json.loads(row.values_json)["停水时间"] == "11月25日8:00"
            assert row.operator == "王芳" and row.origin == "内置"
            entries = journal.recent(conn, limit=5)
            assert journal.verify(conn).ok
        actions = [e.action for e in entries]
        assert actions.count("document.generate") == 2
        assert all("停水时间" not in (e.after or "") for e in entries)


def test_a_bad_request_in_a_batch_writes_nothing(ws: Workspace) -> None:
    bad = dict(WATER)
    del bad["恢复时间"]
    with open_ledger(ws.database_url) as ledger:
        with pytest.raises(TemplateError, match="恢复时间"):
            generate_many(
                ws,
                ledger,
                "停水通知",
                [DocumentRequest(WATER, "3-2-1201", "停水通知"), DocumentRequest(bad, "3-2-1202", "停水通知")],
                operator="王芳",
                kind="通知",
            )
        assert list_documents(ws, ledger) == []
    assert not any(ws.records_subdir("generated").rglob("*.docx"))


def test_failed_ledger_write_removes_the_files(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    import recordkit.documents.generated as module

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(module, "_insert", broken)
    with open_ledger(ws.database_url) as ledger, pytest.raises(RuntimeError):
        generate(ws, ledger, "停水通知", WATER, operator="王芳", kind="通知", subject="3-2-1201", title="停水通知")
    assert not any(ws.records_subdir("generated").rglob("*.docx"))


def test_merged_print_file_is_one_document(ws: Workspace) -> None:
    people = [
        DocumentRequest({**WATER, "称呼": f"尊敬的{n}业主"}, code, "停水通知")
        for n, code in (("张伟", "1-1-101"), ("李秀英", "3-2-1201"))
    ]
    with open_ledger(ws.database_url) as ledger:
        [merged] = generate_merged(
            ws, ledger, "停水通知", people, operator="王芳", kind="通知", subject="3栋", title="停水通知（合并打印）"
        )
        assert [d.id for d in list_documents(ws, ledger)] == [merged.id]
    assert merged.path.name == "停水通知（合并打印）_3栋.docx"
    lines = [p.text for p in Document(str(merged.path)).paragraphs]
    assert "尊敬的张伟业主：" in lines and "尊敬的李秀英业主：" in lines


def test_generated_file_hash_matches_the_ledger(ws: Workspace) -> None:
    import hashlib

    with open_ledger(ws.database_url) as ledger:
        made = generate(
            ws, ledger, "停水通知", WATER, operator="王芳", kind="通知", subject="3-2-1201", title="停水通知"
        )
    assert hashlib.sha256(Path(made.path).read_bytes()).hexdigest() == made.sha256
