"""Issue 20 for the archive: an archived file is never overwritten (a ledger restored from an older
copy, a new empty ledger beside a full archive), sidecars are data and not instructions, and one bad
file never loses a batch."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy as sa
from PIL import Image

from recordkit.archive.archivist import (
    ArchiveItem,
    ArchiveMismatch,
    Archivist,
    get_item,
    list_items,
    update_item,
    verify,
)
from recordkit.archive.rules import Metadata
from recordkit.archive.watcher import InboxWatcher
from recordkit.core.errors import UsageError
from recordkit.core.workspace import Workspace
from recordkit.demo.scans import write_scan
from recordkit.ledger.db import Ledger, open_ledger
from recordkit.ledger.schema import HEAD_REVISION, archive_items
from recordkit.owners.roster import import_owners
from tests.archive_helpers import FAST, archive_workspace, tree
from tests.archive_helpers import archive_ledger as ledger  # noqa: F401  (fixtures)
from tests.archive_helpers import archive_ws as ws
from tests.conftest import write_sheet
from tests.revisions import mark_as_of

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
        "台账可能是从旧备份恢复的，或数据库地址指向了新的空台账；"
        f"上次用 recordkit file 归档收件箱以外的文件时被强行终止，也会这样。{MISMATCH_ADVICE}"
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
    mistyped = workspace.root / "records" / "写错的台账.sqlite3"
    other = {"RECORDKIT_DATABASE_URL": f"sqlite:///{mistyped}"}
    new = write_scan(inbox(workspace) / "1-1-101_身份证_20261101.pdf", 2)
    # filing makes no ledger at the mistyped address (only a command meant to make one does) …
    assert archivist_cli("file", str(new), env=other).exit_code == 3
    assert not mistyped.exists()
    # … and one made there (``db upgrade``, as its refusal says for a new workspace) is not the archive's
    assert archivist_cli("db", "upgrade", env=other).exit_code == 0
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
    monkeypatch.setattr(clerk, "_remove_source", lambda path, in_inbox, filed, listing=None: None)
    clerk.file(source)
    monkeypatch.undo()
    temp = ws.root / "records" / "archive" / "业主档案" / "2026" / ".~recordkit-99-YZ-2026-00002_x.pdf"
    temp.write_bytes(b"half")  # a killed filer's temporary file
    outcomes = file_paths(clerk, [inbox(ws)])
    assert [(o.status, o.item.archive_no) for o in outcomes] == [("already_filed", "YZ-2026-00001")]  # type: ignore[union-attr]
    assert not temp.exists() and tree(inbox(ws)) == []
    assert verify(ws, ledger, "检查").ok


# -- b. sidecars are data, not instructions ----------------------------------------------------------


def _edit_sidecar(workspace: Workspace, relative: str, **changes: Any) -> Path:
    sidecar = workspace.root / (relative + ".json")
    data = json.loads(sidecar.read_text(encoding="utf-8"))
    sidecar.chmod(0o644)
    sidecar.write_text(json.dumps(data | changes, ensure_ascii=False), encoding="utf-8")
    return sidecar


def _file_one(ws: Workspace, ledger: Ledger, **flags: Any) -> ArchiveItem:
    clerk = Archivist(ws, ledger, "档案员")
    outcome = clerk.file(write_scan(inbox(ws) / "1-1-101_产权证明_20261101.pdf", 1), Metadata(**flags))
    assert outcome.item is not None
    return outcome.item


@pytest.mark.parametrize("hostile", ["/some/where", "../../x"])
def test_a_sidecar_path_is_never_believed(ws: Workspace, ledger: Ledger, tmp_path: Path, hostile: str) -> None:
    item = _file_one(ws, ledger)
    outside = tmp_path / "别处" / "x.pdf"
    hostile = str(outside) if hostile.startswith("/") else hostile
    sidecar = _edit_sidecar(ws, item.path, path=hostile)
    assert verify(ws, ledger, "档案员").problems == [
        "YZ-2026-00001：台账记录与说明文件不一致：位置（运行 recordkit archive verify --repair）"
    ]
    repaired = verify(ws, ledger, "档案员", repair=True)
    assert repaired.repaired == [f"YZ-2026-00001：说明文件中的位置“{hostile}”与台账不符，未采用，说明文件已按台账改正"]
    assert repaired.ok and get_item(ledger, "YZ-2026-00001").path == item.path
    assert json.loads(sidecar.read_text(encoding="utf-8"))["path"] == item.path
    update_item(ws, ledger, "YZ-2026-00001", "档案员", box="业主-001")  # writes the sidecar where the ledger says
    again = verify(ws, ledger, "档案员", repair=True)  # a second repair finds nothing to do
    assert (again.ok, again.repaired) == (True, [])
    assert (ws.root / item.path).is_file() and tree(ws.root / "records" / "quarantine") == []
    assert not outside.parent.exists() and not (ws.root.parent / "x").exists() and not (ws.root / "x").exists()


def test_repair_rebuilds_a_row_from_the_tree_not_from_the_sidecars_path(
    ws: Workspace, ledger: Ledger, tmp_path: Path
) -> None:
    item = _file_one(ws, ledger)
    _edit_sidecar(ws, item.path, path=str(tmp_path / "别处.pdf"))
    with ledger.write() as conn:  # the row lost: the catalogue is rebuilt from the tree
        conn.execute(sa.delete(archive_items))
    repaired = verify(ws, ledger, "档案员", repair=True)
    assert repaired.repaired == [
        f"YZ-2026-00001：说明文件中的位置“{tmp_path / '别处.pdf'}”不可信，未采用，按文件实际位置 {item.path} 登记，说明文件已改正",
        f"按说明文件重建档案登记 YZ-2026-00001（{item.path}）",
    ]
    assert get_item(ledger, "YZ-2026-00001").path == item.path and repaired.ok
    assert not (tmp_path / "别处.pdf").exists() and not (tmp_path / "别处.pdf.json").exists()


def test_a_ledger_path_outside_the_archive_is_set_back_to_where_the_file_lies(
    ws: Workspace, ledger: Ledger, tmp_path: Path
) -> None:
    item = _file_one(ws, ledger)
    outside = tmp_path / "别处.pdf"
    with ledger.write() as conn:  # as an older repair that believed an edited sidecar left it
        conn.execute(archive_items.update().values(path=str(outside)))
    problems = verify(ws, ledger, "档案员").problems
    assert problems[0] == (
        f"YZ-2026-00001：台账中登记的位置“{outside}”不在档案目录内"
        "（运行 recordkit archive verify --repair，按档案目录中的文件改正）"
    )
    repaired = verify(ws, ledger, "档案员", repair=True)
    assert repaired.repaired == [
        f"YZ-2026-00001：台账中登记的位置“{outside}”没有这个文件，已改为文件实际位置 {item.path}"
    ]
    assert repaired.ok and get_item(ledger, "YZ-2026-00001").path == item.path
    assert not outside.exists() and not outside.with_name("别处.pdf.json").exists()
    assert (ws.root / item.path).is_file() and tree(ws.root / "records" / "quarantine") == []


def test_repair_never_clears_the_confidential_flag(ws: Workspace, ledger: Ledger) -> None:
    item = _file_one(ws, ledger, confidential=True)
    sidecar = _edit_sidecar(ws, item.path, confidential=False, box="业主-009")
    assert verify(ws, ledger, "档案员").problems == [
        "YZ-2026-00001：台账记录与说明文件不一致：盒号、保密（运行 recordkit archive verify --repair）"
    ]
    repaired = verify(ws, ledger, "档案员", repair=True)
    assert repaired.repaired == [
        "YZ-2026-00001：台账记录已按说明文件重建（盒号：（空） → 业主-009）",
        "YZ-2026-00001：说明文件中去掉了保密标记，未采用：仍是保密档案，说明文件已改正",
    ]
    after = get_item(ledger, "YZ-2026-00001")
    assert (after.confidential, after.box) == (True, "业主-009")
    assert json.loads(sidecar.read_text(encoding="utf-8"))["confidential"] is True
    assert verify(ws, ledger, "档案员").ok


def test_a_repair_reads_a_hand_written_confidential_flag_and_date_as_filing_reads_them(
    ws: Workspace, ledger: Ledger
) -> None:
    # "保密": "是" and "日期": 20261201 written by hand made the whole sidecar count as damaged: rewritten from the
    # ledger with no word, the 架位 written beside them lost too.
    item = _file_one(ws, ledger)
    sidecar = _edit_sidecar(ws, item.path, confidential="是", doc_date=20261201, shelf="A-1")
    repaired = verify(ws, ledger, "档案员", repair=True)
    assert repaired.repaired == [
        "YZ-2026-00001：台账记录已按说明文件重建（文件日期：2026-11-01 → 2026-12-01；架位：（空） → A-1；保密：否 → 是）"
    ]
    with ledger.read() as conn:  # read back with plain SQL
        row = conn.execute(sa.text("SELECT doc_date, shelf, confidential FROM archive_items")).one()
    assert tuple(row) == ("2026-12-01", "A-1", 1)
    on_disk = json.loads(sidecar.read_text(encoding="utf-8"))
    assert (on_disk["doc_date"], on_disk["shelf"], on_disk["confidential"]) == ("2026-12-01", "A-1", True)
    assert verify(ws, ledger, "档案员").ok


def test_a_repair_refuses_a_confidential_flag_or_date_it_cannot_read_and_takes_the_rest(
    ws: Workspace, ledger: Ledger
) -> None:
    item = _file_one(ws, ledger)
    sidecar = _edit_sidecar(ws, item.path, confidential="也许", doc_date="下周", shelf="A-1")
    repaired = verify(ws, ledger, "档案员", repair=True)
    assert repaired.repaired == [
        "YZ-2026-00001：台账记录已按说明文件重建（架位：（空） → A-1）",
        "YZ-2026-00001：说明文件中 文件日期：日期“下周”无法识别，应写成 2026-12-05 或 2026年12月5日；"
        "台账仍是“2026-11-01”，说明文件已按台账改正（改正请用 recordkit archive update YZ-2026-00001 --date）",
        "YZ-2026-00001：说明文件中 保密：保密“也许”无效，应为 是 或 否；台账仍是“否”，说明文件已按台账改正"
        "（改正请用 recordkit archive update YZ-2026-00001 --confidential 或 --not-confidential）",
    ]
    with ledger.read() as conn:
        row = conn.execute(sa.text("SELECT doc_date, shelf, confidential FROM archive_items")).one()
    assert tuple(row) == ("2026-11-01", "A-1", 0)
    on_disk = json.loads(sidecar.read_text(encoding="utf-8"))
    assert (on_disk["doc_date"], on_disk["shelf"], on_disk["confidential"]) == ("2026-11-01", "A-1", False)
    assert verify(ws, ledger, "档案员").ok


def test_a_repair_never_clears_a_confidential_flag_written_as_a_word(ws: Workspace, ledger: Ledger) -> None:
    item = _file_one(ws, ledger, confidential=True)
    sidecar = _edit_sidecar(ws, item.path, confidential="否", doc_date="2026年11月1日")
    repaired = verify(ws, ledger, "档案员", repair=True)
    assert repaired.repaired == [
        "YZ-2026-00001：说明文件中文件日期“2026年11月1日”的写法已按台账统一为 2026-11-01",
        "YZ-2026-00001：说明文件中去掉了保密标记，未采用：仍是保密档案，说明文件已改正",
    ]
    on_disk = json.loads(sidecar.read_text(encoding="utf-8"))
    assert (on_disk["doc_date"], on_disk["confidential"]) == ("2026-11-01", True)
    with ledger.read() as conn:
        assert conn.execute(sa.text("SELECT confidential FROM archive_items")).scalar_one() == 1


def test_a_repair_refuses_a_date_after_today_as_filing_does(ws: Workspace, ledger: Ledger) -> None:
    # An ISO date after today was taken into the ledger as written, where filing and `archive update --date` take none.
    item = _file_one(ws, ledger)
    _edit_sidecar(ws, item.path, doc_date="2099-01-01")
    repaired = verify(ws, ledger, "档案员", repair=True)
    today = dt.date.today().isoformat()
    assert repaired.repaired == [
        f"YZ-2026-00001：说明文件中 文件日期：日期 2099-01-01 晚于今天（{today}）：请核对后改正日期；"
        "台账仍是“2026-11-01”，说明文件已按台账改正（改正请用 recordkit archive update YZ-2026-00001 --date）"
    ]
    assert get_item(ledger, "YZ-2026-00001").doc_date == dt.date(2026, 11, 1)


def test_a_row_rebuilt_from_a_sidecar_whose_flag_or_date_cannot_be_read_stays_confidential_for_review(
    ws: Workspace, ledger: Ledger
) -> None:
    # The sidecar was read as damaged: the row not rebuilt at all.  A 保密 that cannot be read keeps the item
    # confidential until a person looks (it may say 机密 in another word); the date is left out.
    item = _file_one(ws, ledger)
    _edit_sidecar(ws, item.path, confidential="也许", doc_date="下周", shelf="A-1")
    with ledger.write() as conn:
        conn.execute(sa.delete(archive_items))
    repaired = verify(ws, ledger, "档案员", repair=True)
    date_refused = "说明文件中 文件日期：日期“下周”无法识别，应写成 2026-12-05 或 2026年12月5日"
    flag_refused = "说明文件中 保密：保密“也许”无效，应为 是 或 否"
    hint = "（改正请用 recordkit archive update YZ-2026-00001"
    assert repaired.repaired == [
        f"YZ-2026-00001：{date_refused}{hint} --date）；{flag_refused}{hint} --confidential 或 --not-confidential），"
        "说明文件已改正",
        f"按说明文件重建档案登记 YZ-2026-00001（{item.path}）",
    ]
    with ledger.read() as conn:
        row = conn.execute(
            sa.text("SELECT doc_date, shelf, confidential, needs_review, review_reasons FROM archive_items")
        ).one()
    assert tuple(row[:4]) == (None, "A-1", 1, 1)
    assert json.loads(row[4])[-2:] == [date_refused, flag_refused]
    assert verify(ws, ledger, "档案员").ok


def test_a_repair_report_never_prints_a_sidecars_control_characters(ws: Workspace, ledger: Ledger) -> None:
    item = _file_one(ws, ledger)
    _edit_sidecar(ws, item.path, box="业主\x00-009\x07")
    repaired = verify(ws, ledger, "档案员", repair=True)
    assert repaired.repaired == ["YZ-2026-00001：台账记录已按说明文件重建（盒号：（空） → 业主-009）"]


REFUSED_TITLE = (
    "YZ-2026-00001：说明文件中 题名：题名“产权<U+202E>证明”里有控制字符（如换行）或不可见的格式字符（U+202E），"
    "没有采用：请核对原件后改正；台账仍是“产权证明”，说明文件已按台账改正"
    "（改正请用 recordkit archive update YZ-2026-00001 --title）"
)
REFUSED_BOX = (
    "YZ-2026-00001：说明文件中 盒号：盒号“，，”没有字母、数字或汉字：请写明盒号，例如 B-12；"
    "台账仍是“业主-009”，说明文件已按台账改正（改正请用 recordkit archive update YZ-2026-00001 --box）"
)


def test_a_repair_refuses_what_filing_refuses_and_keeps_the_ledgers_value(ws: Workspace, ledger: Ledger) -> None:
    """A sidecar edited by hand to hold a right-to-left override in 题名 and "，，" as 盒号 was written into the ledger
    by ``--repair`` as it stood, where filing and ``archive update`` refuse both: now the ledger keeps its values, the
    sidecar is set back to them, and the repair says which value was not taken and why; a good change is taken."""
    item = _file_one(ws, ledger, box="业主-009")
    sidecar = _edit_sidecar(ws, item.path, title="产权\u202e证明", box="，，", shelf="A-1")
    repaired = verify(ws, ledger, "档案员", repair=True)
    assert repaired.repaired == [
        "YZ-2026-00001：台账记录已按说明文件重建（架位：（空） → A-1）",
        REFUSED_TITLE,
        REFUSED_BOX,
    ]
    with ledger.read() as conn:  # read back with plain SQL
        row = conn.execute(sa.text("SELECT title, box, shelf FROM archive_items")).one()
    assert tuple(row) == ("产权证明", "业主-009", "A-1")
    on_disk = json.loads(sidecar.read_text(encoding="utf-8"))
    assert (on_disk["title"], on_disk["box"], on_disk["shelf"]) == ("产权证明", "业主-009", "A-1")
    assert verify(ws, ledger, "档案员").ok


def test_a_row_rebuilt_from_a_hand_edited_sidecar_leaves_out_what_filing_refuses(ws: Workspace, ledger: Ledger) -> None:
    """The row lost and the sidecar edited by hand: there is no ledger value to keep, so a refused value is left out
    (the title the file's name holds), the item is listed for review with the reason, and the repair says so."""
    item = _file_one(ws, ledger)
    sidecar = _edit_sidecar(ws, item.path, title="产权\u202e证明", box="，，", shelf="A-1")
    with ledger.write() as conn:
        conn.execute(sa.delete(archive_items))
    repaired = verify(ws, ledger, "档案员", repair=True)
    title_refused = "说明文件中 题名：题名“产权<U+202E>证明”里有控制字符（如换行）或不可见的格式字符（U+202E），没有采用：请核对原件后改正"
    box_refused = "说明文件中 盒号：盒号“，，”没有字母、数字或汉字：请写明盒号，例如 B-12"
    hint = "（改正请用 recordkit archive update YZ-2026-00001"
    assert repaired.repaired == [
        f"YZ-2026-00001：{title_refused}{hint} --title）；{box_refused}{hint} --box），说明文件已改正",
        f"按说明文件重建档案登记 YZ-2026-00001（{item.path}）",
    ]
    with ledger.read() as conn:
        row = conn.execute(sa.text("SELECT title, box, shelf, needs_review, review_reasons FROM archive_items")).one()
    assert tuple(row[:4]) == ("产权证明", None, "A-1", 1)
    assert json.loads(row[4])[-2:] == [title_refused, box_refused]
    on_disk = json.loads(sidecar.read_text(encoding="utf-8"))
    assert (on_disk["title"], on_disk["box"], on_disk["needs_review"]) == ("产权证明", None, True)
    assert verify(ws, ledger, "档案员").ok


def test_a_row_rebuilt_without_a_title_anywhere_is_titled_as_filing_titles_one(ws: Workspace, ledger: Ledger) -> None:
    """The row lost, the sidecar's title refused and the file's name holding none after its number
    (``YZ-2026-00001_.pdf``): the rebuilt item was titled 扫描件, though its unit and category are known; now as filing
    titles a scan whose name says nothing else, ``1-1-101 业主档案``."""
    item = _file_one(ws, ledger)
    placed = ws.root / item.path
    bare = placed.with_name("YZ-2026-00001_.pdf")
    placed.rename(bare)
    placed.with_name(placed.name + ".json").rename(bare.with_name(bare.name + ".json"))
    _edit_sidecar(ws, "records/archive/业主档案/2026/YZ-2026-00001_.pdf", title="。。")
    with ledger.write() as conn:
        conn.execute(sa.delete(archive_items))
    verify(ws, ledger, "档案员", repair=True)
    with ledger.read() as conn:  # read back with plain SQL
        row = conn.execute(sa.text("SELECT unit, category, title FROM archive_items")).one()
    assert tuple(row) == ("1-1-101", "业主档案", "1-1-101 业主档案")


def test_a_row_rebuilt_from_a_sidecar_with_a_field_of_the_wrong_type_takes_the_rest(
    ws: Workspace, ledger: Ledger
) -> None:
    # The sidecar was read as damaged: the file's row was not rebuilt at all.
    item = _file_one(ws, ledger)
    _edit_sidecar(ws, item.path, box=True, shelf="A-1")
    with ledger.write() as conn:
        conn.execute(sa.delete(archive_items))
    repaired = verify(ws, ledger, "档案员", repair=True)
    box_refused = (
        '说明文件中 盒号：盒号写的是 true（真假值），不是文字，没有采用：请写成带引号的文字，例如 "盒号": "B-12"'
    )
    assert repaired.repaired == [
        f"YZ-2026-00001：{box_refused}（改正请用 recordkit archive update YZ-2026-00001 --box），说明文件已改正",
        f"按说明文件重建档案登记 YZ-2026-00001（{item.path}）",
    ]
    with ledger.read() as conn:
        row = conn.execute(sa.text("SELECT title, box, shelf, needs_review, review_reasons FROM archive_items")).one()
    assert tuple(row[:4]) == ("产权证明", None, "A-1", 1)
    assert json.loads(row[4])[-1] == box_refused
    assert verify(ws, ledger, "档案员").ok


def test_a_row_rebuilt_with_a_unit_of_a_phase_renamed_since_keeps_no_unit_and_says_what_to_do(
    workspace: Workspace,
) -> None:
    # Filed for 二期·1-1-101; the phase has since been renamed 东区 in recordkit.toml and the row lost.  Today's phases
    # cannot read the 房号 the sidecar holds: the rebuilt row keeps none, and the repair names it and the command.
    config = workspace.root / "recordkit.toml"
    plain = config.read_text(encoding="utf-8")
    config.write_text(plain + '\n[[office.phases]]\nname = "二期"\n', encoding="utf-8")
    phased = archive_workspace(workspace.root)
    with open_ledger(phased.database_url) as ledger:
        rows = [[None, None, "二期·1-1-101", 90.0, "孙丽", None, None, None, "已入住"]]
        import_owners(ledger, write_sheet(workspace.root / "二期.xlsx", rows), "测试员")
        outcome = Archivist(phased, ledger, "档案员").file(write_scan(inbox(phased) / "二期·1-1-101_产权证明.pdf", 1))
        assert outcome.item is not None and outcome.item.unit == "二期·1-1-101"
        with ledger.write() as conn:
            conn.execute(sa.delete(archive_items))
    config.write_text(plain + '\n[[office.phases]]\nname = "东区"\n', encoding="utf-8")
    renamed = archive_workspace(workspace.root, import_units=False)
    with open_ledger(renamed.database_url) as ledger:
        repaired = verify(renamed, ledger, "档案员", repair=True)
        with ledger.read() as conn:
            row = conn.execute(sa.text("SELECT unit, needs_review, review_reasons FROM archive_items")).one()
    unit_refused = (
        "说明文件中 房号：房号“二期·1-1-101”中的分区“二期”不在本小区的分区中（东区），"
        "请检查 recordkit.toml 的 [[office.phases]]"
    )
    assert repaired.repaired == [
        f"YZ-2026-00001：{unit_refused}（改正请用 recordkit archive update YZ-2026-00001 --unit），说明文件已改正",
        f"按说明文件重建档案登记 YZ-2026-00001（{outcome.item.path}）",
    ]
    assert tuple(row[:2]) == (None, 1)
    assert unit_refused in json.loads(row[2])  # the review reason names it, without the command the page has not


def test_a_repair_refuses_a_topic_or_note_of_punctuation_alone(ws: Workspace, ledger: Ledger) -> None:
    item = _file_one(ws, ledger)
    _edit_sidecar(ws, item.path, topic="——", note="，，")
    repaired = verify(ws, ledger, "档案员", repair=True)
    assert repaired.repaired == [
        "YZ-2026-00001：说明文件中 主题：主题“——”只有标点，没有采用：请写明主题，例如 电梯；"
        "台账仍是“（空）”，说明文件已按台账改正",
        "YZ-2026-00001：说明文件中 备注：备注“，，”只有标点，没有采用：请写明备注，例如 业主自带原件核对；"
        "台账仍是“（空）”，说明文件已按台账改正",
    ]
    with ledger.read() as conn:
        assert tuple(conn.execute(sa.text("SELECT topic, note FROM archive_items")).one()) == (None, None)
    assert verify(ws, ledger, "档案员").ok


def test_verify_repair_at_the_command_line_says_what_it_did_not_take(archivist_cli: Any, workspace: Workspace) -> None:
    write_scan(inbox(workspace) / "1-1-101_产权证明_20261101.pdf", 1)
    assert archivist_cli("file", str(inbox(workspace)), "--box", "业主-009").exit_code == 0
    _edit_sidecar(
        workspace, "records/archive/业主档案/2026/YZ-2026-00001_产权证明.pdf", title="产权\u202e证明", box="，，"
    )
    mended = archivist_cli("archive", "verify", "--repair")
    assert (mended.exit_code, mended.stdout.splitlines()) == (
        0,
        [f"已修复：{REFUSED_TITLE}", f"已修复：{REFUSED_BOX}", "档案完好：共 1 件，文件、说明文件与台账记录一致"],
    )
    shown = json.loads(archivist_cli("archive", "show", "YZ-2026-00001", "--json").stdout)
    assert (shown["title"], shown["box"]) == ("产权证明", "业主-009")


@pytest.fixture
def either(workspace: Workspace, ledger_url: str) -> Iterator[tuple[Workspace, Ledger]]:
    """The workspace's archive on SQLite and on PostgreSQL in turn."""
    both = archive_workspace(workspace.root, None if ledger_url.startswith("sqlite") else ledger_url)
    with open_ledger(both.database_url) as opened:
        yield both, opened


def test_a_repair_never_takes_a_sidecars_control_characters_into_the_ledger(
    either: tuple[Workspace, Ledger],
) -> None:
    """A NUL would be kept by SQLite (and stop ``db move`` on the row later) and stopped the whole repair
    on PostgreSQL ("台账数据库出错"); ESC would reach the screen with the row."""
    ws, ledger = either
    item = _file_one(ws, ledger)
    _edit_sidecar(ws, item.path, box="业主\x00-009\x1b[2J", title="产权\x00证明", review_reasons=["核对\x07"])
    repaired = verify(ws, ledger, "档案员", repair=True)
    assert repaired.repaired == [
        "YZ-2026-00001：台账记录已按说明文件重建（盒号：（空） → 业主-009[2J；复核原因：（空） → 核对）"
    ]
    after = get_item(ledger, "YZ-2026-00001")
    assert (after.box, after.title, after.review_reasons) == ("业主-009[2J", "产权证明", ("核对",))
    assert verify(ws, ledger, "档案员").ok
    # The catalogue rebuilt from the sidecars alone: the same.
    with ledger.write() as conn:
        conn.execute(sa.delete(archive_items))
    assert verify(ws, ledger, "档案员", repair=True).ok
    rebuilt = get_item(ledger, "YZ-2026-00001")
    assert (rebuilt.box, rebuilt.title, rebuilt.review_reasons) == ("业主-009[2J", "产权证明", ("核对",))


@pytest.mark.parametrize(("name", "label"), [("box", "盒号"), ("shelf", "架位")])
def test_update_counts_a_box_or_shelf_as_stored_and_refuses_one_folded_too_long(
    either: tuple[Workspace, Ledger], name: str, label: str
) -> None:
    """``archive update --box`` checked its 32 characters on the label as typed, then stored it folded: B-㍿㍿… (10
    characters) became B-株式会社…, 34, which PostgreSQL refused in its own words and SQLite kept.  Now the label is
    counted as stored and refused, the message naming the stored length and why; nothing is changed."""
    ws, ledger = either
    item = _file_one(ws, ledger)
    sidecar = ws.root / (item.path + ".json")
    before = sidecar.read_bytes()
    with pytest.raises(UsageError) as refused:
        update_item(ws, ledger, item.archive_no, "档案员", **{name: "B-" + "㍿" * 8})
    assert refused.value.message == (
        f"{label}最多 32 个字，现在 34 个字（输入的是 10 个字，按存放的写法计：“㍿”存为“株式会社”，4 个字）：请改短一些"
    )
    column = archive_items.c[name]
    with ledger.read() as conn:
        assert conn.execute(sa.select(column)).scalars().all() == [None]
    assert sidecar.read_bytes() == before
    update_item(ws, ledger, item.archive_no, "档案员", **{name: " B-" + "㍿" * 7 + "-1 "})  # 32 as stored: kept
    with ledger.read() as conn:
        assert conn.execute(sa.select(column)).scalars().all() == ["B-" + "株式会社" * 7 + "-1"]


def test_filing_cuts_a_box_counted_as_stored(either: tuple[Workspace, Ledger]) -> None:
    """A 盒号 given to the library's filing as 9 ㍿ was kept whole by the 32-character cut and stored folded, 36
    characters: PostgreSQL refused the batch, SQLite kept them.  It is cut as stored, with its reason for review."""
    ws, ledger = either
    item = _file_one(ws, ledger, box="㍿" * 9)
    with ledger.read() as conn:
        assert conn.execute(sa.select(archive_items.c.box)).scalars().all() == ["株式会社" * 8]
    assert item.review_reasons == ("盒号超过 32 个字，已截断",)


def test_a_repair_refuses_a_box_longer_than_the_ledger_keeps(either: tuple[Workspace, Ledger]) -> None:
    """A hand-edited 盒号 of 40 characters stopped the repair on PostgreSQL (the column holds 32) and was kept whole by
    SQLite, where filing cuts it and ``archive update`` refuses it: now it is not taken, and said."""
    ws, ledger = either
    item = _file_one(ws, ledger)
    _edit_sidecar(ws, item.path, box="B" * 40)
    repaired = verify(ws, ledger, "档案员", repair=True)
    assert repaired.repaired == [
        "YZ-2026-00001：说明文件中 盒号：盒号最多 32 个字，现在 40 个字，没有采用：请改短一些；"
        "台账仍是“（空）”，说明文件已按台账改正（改正请用 recordkit archive update YZ-2026-00001 --box）"
    ]
    assert get_item(ledger, "YZ-2026-00001").box is None and verify(ws, ledger, "档案员").ok


def test_a_repair_refuses_a_text_too_long_alone_and_takes_the_rest(ws: Workspace, ledger: Ledger) -> None:
    # A 备注 of 1,100 characters (pasted from a letter) made the whole sidecar count as damaged: rewritten from the
    # ledger with no word, the 架位 written beside it lost.
    item = _file_one(ws, ledger)
    sidecar = _edit_sidecar(ws, item.path, note="函" * 1100, title="证" * 1100, shelf="A-1")
    repaired = verify(ws, ledger, "档案员", repair=True)
    assert repaired.repaired == [
        "YZ-2026-00001：台账记录已按说明文件重建（架位：（空） → A-1）",
        "YZ-2026-00001：说明文件中 题名：题名最多 60 个字，现在 1100 个字，没有采用：请改短一些；"
        "台账仍是“产权证明”，说明文件已按台账改正（改正请用 recordkit archive update YZ-2026-00001 --title）",
        "YZ-2026-00001：说明文件中 备注：备注最多 1024 个字，现在 1100 个字，没有采用：请改短一些；"
        "台账仍是“（空）”，说明文件已按台账改正",
    ]
    with ledger.read() as conn:
        row = conn.execute(sa.text("SELECT title, shelf, note FROM archive_items")).one()
    assert tuple(row) == ("产权证明", "A-1", None)
    on_disk = json.loads(sidecar.read_text(encoding="utf-8"))
    assert (on_disk["title"], on_disk["shelf"], on_disk["note"]) == ("产权证明", "A-1", None)
    assert verify(ws, ledger, "档案员").ok


@pytest.mark.parametrize(
    ("title", "why"),
    [
        ("证" * 80, "题名最多 60 个字，现在 80 个字"),
        (
            "\U00020000" * 50,  # 50 rare characters of four bytes: 200 bytes, more than a file name holds
            "题名太长：生僻字和表情符号在文件名里占的位置多，这个题名放不进文件名（最多相当于 60 个常用字，现在相当于 67 个）",
        ),
    ],
)
def test_a_repair_never_cuts_a_hand_edited_title_unsaid(ws: Workspace, ledger: Ledger, title: str, why: str) -> None:
    # A title too long for the file name was cut and taken without a word, where `archive update --title` refuses it.
    item = _file_one(ws, ledger)
    _edit_sidecar(ws, item.path, title=title)
    repaired = verify(ws, ledger, "档案员", repair=True)
    assert repaired.repaired == [
        f"YZ-2026-00001：说明文件中 题名：{why}，没有采用：请改短一些；"
        "台账仍是“产权证明”，说明文件已按台账改正（改正请用 recordkit archive update YZ-2026-00001 --title）"
    ]
    assert get_item(ledger, "YZ-2026-00001").title == "产权证明"


def test_a_row_rebuilt_from_a_sidecar_with_a_note_too_long_leaves_it_out_for_review(
    ws: Workspace, ledger: Ledger
) -> None:
    item = _file_one(ws, ledger)
    _edit_sidecar(ws, item.path, note="函" * 1100, shelf="A-1")
    with ledger.write() as conn:
        conn.execute(sa.delete(archive_items))
    repaired = verify(ws, ledger, "档案员", repair=True)
    note_refused = "说明文件中 备注：备注最多 1024 个字，现在 1100 个字，没有采用：请改短一些"
    assert repaired.repaired == [
        f"YZ-2026-00001：{note_refused}，说明文件已改正",
        f"按说明文件重建档案登记 YZ-2026-00001（{item.path}）",
    ]
    with ledger.read() as conn:
        row = conn.execute(sa.text("SELECT shelf, note, needs_review, review_reasons FROM archive_items")).one()
    assert tuple(row[:3]) == ("A-1", None, 1)
    assert json.loads(row[3])[-1] == note_refused
    assert verify(ws, ledger, "档案员").ok


def test_a_row_that_holds_a_control_character_is_cleaned_by_a_repair_which_says_so(
    ws: Workspace, ledger: Ledger
) -> None:
    item = _file_one(ws, ledger)
    with ledger.write() as conn:  # as an older archive update stored it (SQLite keeps a NUL)
        conn.execute(archive_items.update().values(box="业主\x00-009"))
    _edit_sidecar(ws, item.path, box="业主\x00-009")
    repaired = verify(ws, ledger, "档案员", repair=True)
    assert repaired.repaired == ["YZ-2026-00001：台账记录已按说明文件重建（盒号：业主<U+0000>-009 → 业主-009）"]
    assert get_item(ledger, "YZ-2026-00001").box == "业主-009" and verify(ws, ledger, "档案员").ok


def test_a_hostile_sidecar_in_the_archive_is_only_data(ws: Workspace, ledger: Ledger) -> None:
    item = _file_one(ws, ledger)
    sidecar = ws.root / (item.path + ".json")
    sidecar.chmod(0o644)
    sidecar.write_text('{"archive_no": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    with ledger.write() as conn:
        conn.execute(sa.delete(archive_items))
    repaired = verify(ws, ledger, "档案员", repair=True)  # no crash: the file is moved aside, with a note
    assert repaired.repaired[0].startswith(f"{item.path}：没有登记的文件（也没有有效说明文件），已移到隔离区")
    notes = list((ws.root / "records" / "quarantine").glob("*.原因.txt"))
    assert len(notes) == 1 and "也没有有效说明文件" in notes[0].read_text(encoding="utf-8")


def test_verify_repair_at_the_command_line_reports_an_edited_sidecar(archivist_cli: Any, workspace: Workspace) -> None:
    write_scan(inbox(workspace) / "1-1-101_产权证明_20261101.pdf", 1)
    assert archivist_cli("file", str(inbox(workspace)), "--confidential").exit_code == 0
    relative = "records/archive/业主档案/2026/YZ-2026-00001_产权证明.pdf"
    _edit_sidecar(workspace, relative, path="/some/where", confidential=False)
    checked = archivist_cli("archive", "verify")
    assert checked.exit_code == 9
    assert checked.stderr.splitlines()[0] == (
        "问题：YZ-2026-00001：台账记录与说明文件不一致：位置、保密（运行 recordkit archive verify --repair）"
    )
    mended = archivist_cli("archive", "verify", "--repair")
    assert (mended.exit_code, mended.stdout.splitlines()) == (
        0,
        [
            "已修复：YZ-2026-00001：说明文件中的位置“/some/where”与台账不符，未采用，说明文件已按台账改正",
            "已修复：YZ-2026-00001：说明文件中去掉了保密标记，未采用：仍是保密档案，说明文件已改正",
            "档案完好：共 1 件，文件、说明文件与台账记录一致",
        ],
    )
    shown = json.loads(archivist_cli("archive", "show", "YZ-2026-00001", "--json").stdout)
    assert (shown["path"], shown["confidential"]) == (relative, True)
    assert not Path("/some/where").exists() and not Path("/some/where.json").exists()


def test_verify_repair_says_a_long_wrong_value_was_cut_and_how_long_it_was(
    archivist_cli: Any, workspace: Workspace
) -> None:
    """A wrong sidecar value longer than 200 characters was listed cut at 200 with a bare "…", which a value may end
    with itself: the line did not say it was cut, nor how much was left out.  Now a cut value ends with …（共 N 字）;
    one of 200 characters is listed whole."""
    write_scan(inbox(workspace) / "1-1-101_产权证明_20261101.pdf", 1)
    assert archivist_cli("file", str(inbox(workspace))).exit_code == 0
    relative = "records/archive/业主档案/2026/YZ-2026-00001_产权证明.pdf"
    refused = "”与台账不符，未采用，说明文件已按台账改正"
    long_path = "/some/" + "where" * 60  # 306 characters
    _edit_sidecar(workspace, relative, path=long_path)
    mended = archivist_cli("archive", "verify", "--repair")
    assert mended.exit_code == 0, mended.output
    assert mended.stdout.splitlines()[0] == (
        f"已修复：YZ-2026-00001：说明文件中的位置“{long_path[:200]}…（共 306 字）{refused}"
    )
    whole_path = "/" + "w" * 199  # 200 characters
    _edit_sidecar(workspace, relative, path=whole_path)
    mended = archivist_cli("archive", "verify", "--repair")
    assert mended.stdout.splitlines()[0] == f"已修复：YZ-2026-00001：说明文件中的位置“{whole_path}{refused}"


def test_verify_repair_counts_a_cut_value_as_it_is_shown_with_its_hidden_characters_written_out(
    archivist_cli: Any, workspace: Workspace
) -> None:
    """A cut value's （共 N 字） counted the value as stored, while its invisible characters are shown written out
    (U+202E as <U+202E>, eight characters): 200 characters shown, then （共 246 字）, which cannot be.  N is now the
    length of the value as shown, of which the first 200 are listed (never cut inside a <U+…>)."""
    write_scan(inbox(workspace) / "1-1-101_产权证明_20261101.pdf", 1)
    assert archivist_cli("file", str(inbox(workspace))).exit_code == 0
    relative = "records/archive/业主档案/2026/YZ-2026-00001_产权证明.pdf"
    _edit_sidecar(workspace, relative, path="/some/" + "where\u202e" * 40)  # 246 characters as stored
    mended = archivist_cli("archive", "verify", "--repair")
    assert mended.exit_code == 0, mended.output
    # as shown: "/some/" and 40 times "where<U+202E>" (13 characters): 526; the 15th <U+202E> would be cut at 200
    assert mended.stdout.splitlines()[0] == (
        "已修复：YZ-2026-00001：说明文件中的位置“/some/" + "where<U+202E>" * 14 + "where…（共 526 字）"
        "”与台账不符，未采用，说明文件已按台账改正"
    )


def test_verify_repair_refuses_a_hand_edited_sidecars_field_of_the_wrong_type_and_takes_the_others(
    archivist_cli: Any, workspace: Workspace
) -> None:
    # "盒号": true written by hand made the whole sidecar unreadable: rewritten from the ledger, the archivist's 备注
    # lost and no word of the 盒号; and a 房号 in another spelling was set back without a word.
    write_scan(inbox(workspace) / "1-1-101_产权证明_20261101.pdf", 1)
    assert archivist_cli("file", str(inbox(workspace)), "--box", "业主-003").exit_code == 0
    relative = "records/archive/业主档案/2026/YZ-2026-00001_产权证明.pdf"
    sidecar = _edit_sidecar(workspace, relative, box=True, unit="1栋1单元101", note="业主自带原件核对")
    mended = archivist_cli("archive", "verify", "--repair")
    assert (mended.exit_code, mended.stdout.splitlines()) == (
        0,
        [
            "已修复：YZ-2026-00001：台账记录已按说明文件重建（备注：（空） → 业主自带原件核对）",
            "已修复：YZ-2026-00001：说明文件中房号“1栋1单元101”的写法已按台账统一为 1-1-101",
            "已修复：YZ-2026-00001：说明文件中 盒号：盒号写的是 true（真假值），不是文字，没有采用："
            '请写成带引号的文字，例如 "盒号": "B-12"；台账仍是“业主-003”，说明文件已按台账改正'
            "（改正请用 recordkit archive update YZ-2026-00001 --box）",
            "档案完好：共 1 件，文件、说明文件与台账记录一致",
        ],
    )
    written = json.loads(sidecar.read_text(encoding="utf-8"))
    assert (written["box"], written["unit"], written["note"]) == ("业主-003", "1-1-101", "业主自带原件核对")
    with sqlite3.connect(workspace.root / "records" / "ledger.sqlite3") as db:
        row = db.execute("SELECT box, unit, note FROM archive_items WHERE archive_no = 'YZ-2026-00001'").fetchone()
    assert row == ("业主-003", "1-1-101", "业主自带原件核对")


def test_verify_repair_names_a_fraction_or_a_list_in_a_sidecar_as_written(
    archivist_cli: Any, workspace: Workspace
) -> None:
    write_scan(inbox(workspace) / "1-1-101_产权证明_20261101.pdf", 1)
    assert archivist_cli("file", str(inbox(workspace))).exit_code == 0
    relative = "records/archive/业主档案/2026/YZ-2026-00001_产权证明.pdf"
    sidecar = _edit_sidecar(workspace, relative, title=["产权证明"], shelf=0)
    sidecar.write_text(sidecar.read_text(encoding="utf-8").replace('"shelf": 0', '"shelf": 1.5e3'), encoding="utf-8")
    mended = archivist_cli("archive", "verify", "--repair")
    assert (mended.exit_code, mended.stdout.splitlines()) == (
        0,
        [
            '已修复：YZ-2026-00001：说明文件中 题名：题名写的是 ["产权证明"]（列表），不是文字，没有采用：'
            '请写成带引号的文字，例如 "题名": "3号楼给排水竣工图纸"；台账仍是“产权证明”，说明文件已按台账改正'
            "（改正请用 recordkit archive update YZ-2026-00001 --title）",
            "已修复：YZ-2026-00001：说明文件中 架位：架位写的是 1.5e3（小数），不是文字，没有采用："
            '请写成带引号的文字，例如 "架位": "3排2层"；台账仍是“（空）”，说明文件已按台账改正'
            "（改正请用 recordkit archive update YZ-2026-00001 --shelf）",
            "档案完好：共 1 件，文件、说明文件与台账记录一致",
        ],
    )
    written = json.loads(sidecar.read_text(encoding="utf-8"))
    assert (written["title"], written["shelf"]) == ("产权证明", None)


def test_verify_at_the_command_line_reads_a_hand_written_flag_and_refuses_a_date_and_a_note_it_cannot_take(
    archivist_cli: Any, workspace: Workspace
) -> None:
    # "保密": "是", "日期": false and a 备注 of 1,100 characters each made the sidecar count as damaged: verify said
    # only 缺失或与台账不符, and --repair rewrote it from the ledger, the 架位 written beside them lost.
    write_scan(inbox(workspace) / "1-1-101_产权证明_20261101.pdf", 1)
    assert archivist_cli("file", str(inbox(workspace))).exit_code == 0
    relative = "records/archive/业主档案/2026/YZ-2026-00001_产权证明.pdf"
    sidecar = _edit_sidecar(workspace, relative, confidential="是", doc_date=False, note="函" * 1100, shelf="A-1")
    checked = archivist_cli("archive", "verify")
    assert (checked.exit_code, checked.stderr.splitlines()[0]) == (
        9,
        "问题：YZ-2026-00001：台账记录与说明文件不一致：文件日期、架位、保密、备注（运行 recordkit archive verify --repair）",
    )
    mended = archivist_cli("archive", "verify", "--repair")
    assert (mended.exit_code, mended.stdout.splitlines()) == (
        0,
        [
            "已修复：YZ-2026-00001：台账记录已按说明文件重建（架位：（空） → A-1；保密：否 → 是）",
            "已修复：YZ-2026-00001：说明文件中 文件日期：日期写的是 false（真假值），不是文字，没有采用："
            '请写成带引号的文字，例如 "日期": "2026-11-02"；台账仍是“2026-11-01”，说明文件已按台账改正'
            "（改正请用 recordkit archive update YZ-2026-00001 --date）",
            "已修复：YZ-2026-00001：说明文件中 备注：备注最多 1024 个字，现在 1100 个字，没有采用：请改短一些；"
            "台账仍是“（空）”，说明文件已按台账改正",
            "档案完好：共 1 件，文件、说明文件与台账记录一致",
        ],
    )
    written = json.loads(sidecar.read_text(encoding="utf-8"))
    assert (written["doc_date"], written["shelf"], written["confidential"], written["note"]) == (
        "2026-11-01",
        "A-1",
        True,
        None,
    )
    with sqlite3.connect(workspace.root / "records" / "ledger.sqlite3") as db:
        row = db.execute("SELECT doc_date, shelf, confidential, note FROM archive_items").fetchone()
    assert row == ("2026-11-01", "A-1", 1, None)


# -- c. one bad file never loses a batch ---------------------------------------------------------------

LONG_NAME = "长" * 83 + "x.pdf"  # 254 bytes: its sidecar's name would be too long to exist


def _hostile_inbox(workspace: Workspace) -> None:
    folder = inbox(workspace)
    write_scan(folder / "数字.pdf", 1)
    (folder / "数字.pdf.json").write_text('{"盒号": ' + "9" * 5000 + "}", encoding="utf-8")
    write_scan(folder / "嵌套.pdf", 2)
    (folder / "嵌套.pdf.json").write_text('{"x": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    write_scan(folder / "浅一些的嵌套.pdf", 3)
    (folder / "浅一些的嵌套.pdf.json").write_text('{"x": ' + "[" * 20_000 + "]" * 20_000 + "}", encoding="utf-8")
    write_scan(folder / LONG_NAME, 4)
    Image.new("1", (20_000, 20_000)).save(folder / "巨幅.png")
    write_scan(folder / "1-1-101_产权证明_20261101.pdf", 5)


EXPECTED_REVIEW = {
    "数字.pdf": "说明文件 数字.pdf.json：说明文件中有过长的数字，没有读取",
    "嵌套.pdf": "说明文件 嵌套.pdf.json：说明文件太大（超过 64 KB），没有读取",
    "浅一些的嵌套.pdf": "说明文件 浅一些的嵌套.pdf.json：说明文件的 JSON 嵌套过深，没有读取",
}
TOO_BIG = (
    "图片尺寸过大（20000×20000，400 百万像素，上限 100 百万像素），没有打开：请用较低的分辨率重新扫描，或分成几张扫描"
)


def test_file_reports_each_bad_file_and_files_the_rest(archivist_cli: Any, workspace: Workspace) -> None:
    _hostile_inbox(workspace)
    result = archivist_cli("file", str(inbox(workspace)), "--json")
    assert result.exit_code == 5, result.output  # some files not filed: never 70
    rows = {row["source"]: row for row in json.loads(result.stdout)}
    assert {name: row["status"] for name, row in rows.items()} == {
        "1-1-101_产权证明_20261101.pdf": "filed",
        "巨幅.png": "quarantined",
        "嵌套.pdf": "filed",
        "数字.pdf": "filed",
        "浅一些的嵌套.pdf": "filed",
        LONG_NAME: "filed",
    }
    assert rows["巨幅.png"]["reason"] == TOO_BIG
    for name, reason in EXPECTED_REVIEW.items():  # a bad sidecar is a reason for review, not a lost scan
        assert reason in rows[name]["item"]["review_reasons"]
    assert result.stderr.strip() == "错误：有 1 个文件未归档，每个文件的原因已列出"
    assert tree(inbox(workspace)) == []
    quarantine = tree(workspace.root / "records" / "quarantine")
    assert [name.split("_", 1)[1] for name in quarantine] == ["巨幅.png", "巨幅.png.原因.txt"]


def test_watch_once_quarantines_each_bad_file_once_and_counts_it(archivist_cli: Any, workspace: Workspace) -> None:
    _hostile_inbox(workspace)
    first = archivist_cli("watch", "--once")
    assert first.exit_code == 0, first.output
    assert first.stdout.splitlines()[-1] == "收件箱处理完毕：归档 5 个，隔离 1 个"
    assert f"已隔离 巨幅.png：{TOO_BIG} → records/quarantine/" in first.stdout
    assert tree(inbox(workspace)) == []
    again = archivist_cli("watch", "--once")  # nothing is left to retry
    assert again.stdout.splitlines() == ["收件箱处理完毕：归档 0 个，隔离 0 个"]


def test_a_sidecar_with_half_an_emoji_is_filed_with_a_replacement_mark(
    archivist_cli: Any, workspace: Workspace
) -> None:
    # A scanner's software that cuts a title at a count of UTF-16 units leaves half of 😀's pair ("\\ud83d") in its
    # JSON, and a C1 control (CSI, U+009B) pasted from a terminal: neither can go into a UTF-8 file or the ledger.
    write_scan(inbox(workspace) / "产权证明.pdf", 1)
    (inbox(workspace) / "产权证明.pdf.json").write_text(
        '{"房号": "1-1-101", "题名": "张伟产权证明\\ud83d", "备注": "复印件\\u009b2J", "\\udc80键": "值"}',
        encoding="utf-8",
    )
    result = archivist_cli("file", str(inbox(workspace)), "--json")
    assert result.exit_code == 0, result.output  # filed, not quarantined with a UnicodeEncodeError
    (row,) = json.loads(result.stdout)
    assert row["status"] == "filed"
    assert (row["item"]["title"], row["item"]["note"]) == ("张伟产权证明\ufffd", "复印件2J")
    (sidecar,) = [name for name in tree(workspace.root / "records" / "archive") if name.endswith(".json")]
    kept = json.loads((workspace.root / "records" / "archive" / sidecar).read_text(encoding="utf-8"))
    assert kept["scanner_sidecar"] == {
        "房号": "1-1-101",
        "题名": "张伟产权证明\ufffd",
        "备注": "复印件2J",
        "\ufffd键": "值",
    }


def test_an_unexpected_failure_of_one_file_quarantines_it_and_files_the_others(
    ws: Workspace, ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    import recordkit.archive.archivist as archivist_module

    real = archivist_module.read_pages

    def reader(entries: list[tuple[str, Path]], limits: Any) -> list[Any]:
        found = real(entries, limits)
        return [
            RuntimeError("a reader gave up") if path.name == "坏.pdf" else n
            for (_, path), n in zip(entries, found, strict=True)
        ]

    monkeypatch.setattr(archivist_module, "read_pages", reader)
    clerk = Archivist(ws, ledger, "档案员")
    files = [write_scan(inbox(ws) / name, seed) for seed, name in enumerate(("好1.pdf", "坏.pdf", "好2.pdf"), 1)]
    outcomes = clerk.file_many([(path, None) for path in files])
    assert [o.status for o in outcomes] == ["filed", "quarantined", "filed"]
    assert outcomes[1].reason == "读取或归档这个文件时出错（RuntimeError），无法归档：详情见 records/logs/ 中的日志"


def test_the_watcher_quarantines_a_file_that_keeps_failing_on_the_first_once_run(
    ws: Workspace, ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    import recordkit.archive.watcher as watcher_module

    def broken(archivist: Archivist, files: Any, flags: Any = None, **options: Any) -> Any:
        raise RuntimeError("unexpected")

    monkeypatch.setattr(watcher_module, "file_batch", broken)
    write_scan(inbox(ws) / "总是出错.pdf", 1)
    outcomes = InboxWatcher(Archivist(ws, ledger, "归档服务")).run_once(sleep=lambda seconds: None)
    assert [(o.status, o.reason) for o in outcomes] == [
        ("quarantined", "归档时多次出错（RuntimeError），详情见 records/logs/watch.log")
    ]
    assert outcomes[0].quarantine_path is not None and outcomes[0].quarantine_path.startswith("records/quarantine/")
    assert tree(inbox(ws)) == []


class _Frozen(dt.datetime):
    @classmethod
    def now(cls, tz: Any = None) -> Any:  # type: ignore[override]
        # 01:30 UTC: 09:30 in the office (Asia/Shanghai), whose clock the quarantine's names are on
        return cls(2026, 11, 2, 1, 30, 0, tzinfo=dt.UTC).astimezone(tz) if tz else cls(2026, 11, 2, 9, 30, 0)


def test_files_of_the_same_name_in_the_same_second_get_their_own_note(
    ws: Workspace, ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    import recordkit.archive.archivist as archivist_module

    monkeypatch.setattr(archivist_module, "dt", SimpleNamespace(datetime=_Frozen, date=dt.date, UTC=dt.UTC))
    quarantine = ws.root / "records" / "quarantine"
    quarantine.mkdir(parents=True, exist_ok=True)
    # Another process holds the third name already (its note is there, its file not yet).
    (quarantine / "20261102-093000-3_扫描.pdf.原因.txt").write_text("别的进程", encoding="utf-8")
    files = []
    for folder in ("甲", "乙", "丙"):
        path = inbox(ws) / folder / "扫描.pdf"
        path.parent.mkdir(parents=True)
        path.write_bytes(b"")
        (path.parent / "扫描.pdf.json").write_text(f'{{"备注": "{folder}"}}', encoding="utf-8")
        files.append(path)
    outcomes = Archivist(ws, ledger, "档案员").file_many([(path, None) for path in files])
    assert [o.quarantine_path for o in outcomes] == [
        "records/quarantine/20261102-093000_扫描.pdf",
        "records/quarantine/20261102-093000-2_扫描.pdf",
        "records/quarantine/20261102-093000-4_扫描.pdf",
    ]
    for outcome, folder in zip(outcomes, ("甲", "乙", "丙"), strict=True):
        target = ws.root / str(outcome.quarantine_path)
        note = target.with_name(target.name + ".原因.txt").read_text(encoding="utf-8")
        assert note.startswith(f"文件：{folder}/扫描.pdf\n原因：空文件（扫描仪没有写入内容），请重新扫描\n")
        assert json.loads(target.with_name(target.name + ".json").read_text(encoding="utf-8")) == {"备注": folder}
    assert (quarantine / "20261102-093000-3_扫描.pdf.原因.txt").read_text(encoding="utf-8") == "别的进程"
    assert tree(inbox(ws)) == []


def test_a_file_quarantined_twice_or_second_of_its_name_is_still_dated_and_titled_by_its_own_name(
    ws: Workspace, ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    import recordkit.archive.archivist as archivist_module

    monkeypatch.setattr(archivist_module, "dt", SimpleNamespace(datetime=_Frozen, date=dt.date, UTC=dt.UTC))
    clerk = Archivist(ws, ledger, "档案员")
    # Two empty scans of one name quarantined in the same second; the first put back before it was rescanned,
    # and quarantined again.  Neither the quarantine's times nor its count is the document's date or title.
    name = "3-2-1201_购房合同_20190915.pdf"
    scans = [inbox(ws) / folder / name for folder in ("甲", "乙")]
    for path in scans:
        path.parent.mkdir()
        path.write_bytes(b"")
    quarantined = [ws.root / str(o.quarantine_path) for o in clerk.file_many([(path, None) for path in scans])]
    quarantined[0].rename(inbox(ws) / quarantined[0].name)
    quarantined[0] = ws.root / str(clerk.file(inbox(ws) / quarantined[0].name).quarantine_path)
    # And one that an earlier recordkit quarantined twice, stamp after stamp.
    older = ws.root / "records" / "quarantine" / f"20261101-080000_20261030-170000_{name}"
    quarantined.append(older)
    for seed, path in enumerate(quarantined, start=2):
        write_scan(path, seed)  # rescanned into the same file, and put back
        path.rename(inbox(ws) / path.name)
    items = [clerk.file(inbox(ws) / path.name).item for path in quarantined]
    assert [(i.archive_no, i.doc_date, i.title, i.unit) for i in items if i is not None] == [
        (f"YZ-2019-0000{seq}", dt.date(2019, 9, 15), "购房合同", "3-2-1201") for seq in (1, 2, 3)
    ]
    assert tree(inbox(ws)) == []


def test_update_never_writes_a_sidecar_where_a_damaged_row_points(
    ws: Workspace, ledger: Ledger, tmp_path: Path
) -> None:
    """A row left pointing outside the archive (by an older repair) makes update stop, not write there."""
    from recordkit.core.errors import IntegrityError

    _file_one(ws, ledger)
    outside = tmp_path / "别处.pdf"
    with ledger.write() as conn:
        conn.execute(archive_items.update().values(path=str(outside)))
    with pytest.raises(IntegrityError) as caught:
        update_item(ws, ledger, "YZ-2026-00001", "档案员", title="改过的题名")
    assert caught.value.message == (
        f"YZ-2026-00001 在台账里的位置 {outside} 不在档案目录中：请先运行 recordkit archive verify --repair"
    )
    assert not outside.with_name("别处.pdf.json").exists()


# -- d. recovery never deletes the only copy of a document, nor hands out a former number ---------------------


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _hits(archivist_cli: Any, query: str, env: dict[str, str] | None = None) -> list[str]:
    found = archivist_cli("search", query, "--json", env=env)
    assert found.exit_code in (0, 1), found.output
    return [hit["archive_no"] for hit in json.loads(found.stdout)["hits"]]


def _renumbered_scan(archivist_cli: Any, workspace: Workspace) -> Path:
    """A scan filed by the service as WF-2026-00001, then moved to 工程档案 (GC-2026-00001); its archived file."""
    write_scan(inbox(workspace) / "扫描0001_20261101.pdf", 1)
    assert archivist_cli("watch", "--once").exit_code == 0
    assert archivist_cli("archive", "show", "WF-2026-00001").exit_code == 0
    moved = archivist_cli("archive", "update", "WF-2026-00001", "--category", "工程档案", "--title", "水泵房巡检记录")
    assert moved.exit_code == 0, moved.output
    path = workspace.root / "records/archive/工程档案/2026/GC-2026-00001_水泵房巡检记录.pdf"
    assert path.is_file() and tree(inbox(workspace)) == []
    return path


def test_repair_after_restoring_a_ledger_older_than_a_renumbering_keeps_the_file(
    archivist_cli: Any, workspace: Workspace, tmp_path: Path
) -> None:
    # The restored row (WF-2026-00001) names a file that is gone; the only copy of the scan lies under its
    # new number, and its sidecar lists WF-2026-00001 as a former number: repair catches the row up with it.
    database = workspace.root / "records" / "ledger.sqlite3"
    write_scan(inbox(workspace) / "扫描0001_20261101.pdf", 1)
    assert archivist_cli("watch", "--once").exit_code == 0
    backup(database, tmp_path / "备份.sqlite3")
    moved = archivist_cli("archive", "update", "WF-2026-00001", "--category", "工程档案", "--title", "水泵房巡检记录")
    assert moved.exit_code == 0, moved.output
    path = workspace.root / "records/archive/工程档案/2026/GC-2026-00001_水泵房巡检记录.pdf"
    digest = _digest(path)
    for name in ("ledger.sqlite3-wal", "ledger.sqlite3-shm"):
        (workspace.root / "records" / name).unlink(missing_ok=True)
    shutil.copyfile(tmp_path / "备份.sqlite3", database)  # the ledger restored from the backup

    refused = archivist_cli("watch", "--once")  # filing stops first, as the README says
    assert refused.exit_code == 9 and MISMATCH_ADVICE in refused.stderr
    assert _digest(path) == digest
    repaired = archivist_cli("archive", "verify", "--repair")
    assert (repaired.exit_code, repaired.stdout.splitlines()) == (
        0,
        [
            "已修复：WF-2026-00001：台账记录早于改类别重新编号（台账从旧备份恢复），已按档案目录中的文件和说明文件"
            "改为 GC-2026-00001（records/archive/工程档案/2026/GC-2026-00001_水泵房巡检记录.pdf）",
            "已修复：GC-2026-00001：按说明文件恢复曾用档号 WF-2026-00001",
            "档案完好：共 1 件，文件、说明文件与台账记录一致",
        ],
    )
    assert repaired.stderr == ""
    assert path.is_file() and _digest(path) == digest
    assert tree(workspace.root / "records" / "quarantine") == []
    shown = json.loads(archivist_cli("archive", "show", "WF-2026-00001", "--json").stdout)
    assert (shown["archive_no"], shown["category"], shown["title"], shown["former_numbers"]) == (
        "GC-2026-00001",
        "工程档案",
        "水泵房巡检记录",
        ["WF-2026-00001"],
    )
    assert _hits(archivist_cli, "WF-2026-00001") == ["GC-2026-00001"]
    # Neither number is handed out again.
    write_scan(inbox(workspace) / "扫描0002_20261101.pdf", 2)
    again = archivist_cli("watch", "--once")
    assert again.exit_code == 0, again.output
    assert "→ WF-2026-00002" in again.stdout
    assert archivist_cli("archive", "verify").exit_code == 0
    assert archivist_cli("journal", "verify").exit_code == 0


def test_a_new_empty_ledger_stops_filing_a_clerks_file_and_deletes_nothing(
    archivist_cli: Any, workspace: Workspace, tmp_path: Path
) -> None:
    # `recordkit file` leaves a file outside the inbox where it is: its being there does not mean it waits
    # to be filed again, so an archived file made from it and unknown to the ledger is not rolled back.
    sources = tmp_path / "U盘"
    scans = [write_scan(sources / f"扫描000{letter}_20261101.pdf", seed) for seed, letter in enumerate("ABC", 1)]
    assert "→ WF-2026-00001" in archivist_cli("file", str(scans[0])).stdout
    assert "→ WF-2026-00002" in archivist_cli("file", str(scans[1])).stdout
    assert archivist_cli("archive", "update", "WF-2026-00001", "--category", "工程档案").exit_code == 0
    before = archived(workspace)
    assert sorted(before) == [
        "工程档案/2026/GC-2026-00001_扫描000A.pdf",
        "工程档案/2026/GC-2026-00001_扫描000A.pdf.json",
        "未分类/2026/WF-2026-00002_扫描000B.pdf",
        "未分类/2026/WF-2026-00002_扫描000B.pdf.json",
    ]
    other = {"RECORDKIT_DATABASE_URL": f"sqlite:///{workspace.root / 'records' / 'other.sqlite3'}"}
    assert archivist_cli("file", str(scans[2]), env=other).exit_code == 3  # (no ledger made there by filing)
    assert archivist_cli("db", "upgrade", env=other).exit_code == 0  # (one made as for a new workspace)
    refused = archivist_cli("file", str(scans[2]), env=other)
    assert refused.exit_code == 9
    assert refused.stdout == ""
    assert refused.stderr.strip() == (
        "错误：台账与档案目录不一致：档案目录中有 2 个文件在台账中没有记录"
        "（如 records/archive/工程档案/2026/GC-2026-00001_扫描000A.pdf），"
        "台账可能是从旧备份恢复的，或数据库地址指向了新的空台账；"
        f"上次用 recordkit file 归档收件箱以外的文件时被强行终止，也会这样。{MISMATCH_ADVICE}"
    )
    assert archived(workspace) == before
    assert all(scan.exists() for scan in scans)
    # Back on the right ledger nothing is missing, and the next number follows the last one given out.
    filed = archivist_cli("file", str(scans[2]))
    assert filed.exit_code == 0, filed.output
    assert "→ WF-2026-00003" in filed.stdout
    after = archived(workspace)
    assert {name: after[name] for name in before} == before
    assert archivist_cli("archive", "verify").exit_code == 0


def test_repair_from_the_tree_keeps_former_numbers_and_never_gives_them_out_again(
    archivist_cli: Any, workspace: Workspace
) -> None:
    path = _renumbered_scan(archivist_cli, workspace)
    digest = _digest(path)
    other = {"RECORDKIT_DATABASE_URL": f"sqlite:///{workspace.root / 'records' / 'other.sqlite3'}"}
    write_scan(inbox(workspace) / "扫描0002_20261101.pdf", 2)
    # The ledger at that address is not made yet: the service makes none beside what was filed, and names the
    # repair from the tree as the way on when the ledger is truly lost.
    refused = archivist_cli("watch", "--once", env=other)
    assert refused.exit_code == 3
    assert "档案登记可以用 recordkit archive verify --repair 按档案目录重建" in refused.stderr.replace("\n", "")
    assert not (workspace.root / "records" / "other.sqlite3").exists()
    repaired = archivist_cli("archive", "verify", "--repair", env=other)
    assert (repaired.exit_code, repaired.stdout.splitlines()) == (
        0,
        [
            f"注意：台账文件 {workspace.root / 'records' / 'other.sqlite3'} 不见了：已在这个位置新建台账，"
            "按 records/archive 里的说明文件重建档案登记；收费记录和业主名册不在档案里，只能从备份恢复",
            "已修复：按说明文件重建档案登记 GC-2026-00001（records/archive/工程档案/2026/GC-2026-00001_水泵房巡检记录.pdf）",
            "已修复：GC-2026-00001：按说明文件恢复曾用档号 WF-2026-00001",
            "档案完好：共 1 件，文件、说明文件与台账记录一致",
        ],
    )
    assert _digest(path) == digest
    shown = json.loads(archivist_cli("archive", "show", "WF-2026-00001", "--json", env=other).stdout)
    assert (shown["archive_no"], shown["former_numbers"]) == ("GC-2026-00001", ["WF-2026-00001"])
    filed = archivist_cli("watch", "--once", env=other)
    assert filed.exit_code == 0, filed.output
    assert "→ WF-2026-00002" in filed.stdout
    assert _hits(archivist_cli, "WF-2026-00001", env=other) == ["GC-2026-00001"]
    assert archivist_cli("archive", "verify", env=other).exit_code == 0


def test_migration_0027_folds_the_boxes_and_shelves_stored_full_width_before(
    either: tuple[Workspace, Ledger],
) -> None:
    """Before 74d76a4 a 盒号 or 架位 typed full-width (the input method left so) was stored as typed, ``Ａ－１－２``:
    ``archive list --box A-1-2`` did not find it.  Upgraded, such rows hold the half-width label (the others are left
    as they are); the sidecars written then still say ``Ａ－１－２``, which ``archive verify`` names and ``--repair``
    sets right from the ledger, never back to full width."""
    ws, ledger = either
    clerk = Archivist(ws, ledger, "档案员")
    first = clerk.file(write_scan(inbox(ws) / "1-1-101_产权证明_20261101.pdf", 1)).item
    second = clerk.file(write_scan(inbox(ws) / "1-1-102_产权证明_20261101.pdf", 2), Metadata(box="业主-009")).item
    assert first is not None and second is not None
    # As filing and ``archive update`` left them before 74d76a4: the row and the sidecar as typed.
    _edit_sidecar(ws, first.path, box="Ａ－１－２", shelf="３排２层")
    with ledger.write() as conn:
        conn.execute(
            sa.update(archive_items)
            .where(archive_items.c.archive_no == "YZ-2026-00001")
            .values(box="Ａ－１－２", shelf="３排２层")
        )
        mark_as_of(conn, "0026")
    with open_ledger(ws.database_url) as upgraded, upgraded.read() as conn:
        assert upgraded.revision() == HEAD_REVISION
        rows = conn.exec_driver_sql("SELECT archive_no, box, shelf FROM archive_items ORDER BY seq").all()
    assert [tuple(row) for row in rows] == [("YZ-2026-00001", "A-1-2", "3排2层"), ("YZ-2026-00002", "业主-009", None)]
    assert [item.archive_no for item in list_items(ledger, box="A-1-2")] == ["YZ-2026-00001"]
    assert verify(ws, ledger, "档案员").problems == [
        "YZ-2026-00001：台账记录与说明文件不一致：盒号、架位（运行 recordkit archive verify --repair）"
    ]
    assert verify(ws, ledger, "档案员", repair=True).repaired == [
        "YZ-2026-00001：说明文件中盒号“Ａ－１－２”的写法已按台账统一为 A-1-2",
        "YZ-2026-00001：说明文件中架位“３排２层”的写法已按台账统一为 3排2层",
    ]
    on_disk = json.loads((ws.root / (first.path + ".json")).read_text(encoding="utf-8"))
    assert (on_disk["box"], on_disk["shelf"]) == ("A-1-2", "3排2层")
    assert (get_item(ledger, "YZ-2026-00001").box, get_item(ledger, "YZ-2026-00001").shelf) == ("A-1-2", "3排2层")
    assert verify(ws, ledger, "档案员").ok


def test_a_sidecar_box_edited_full_width_is_taken_half_width(ws: Workspace, ledger: Ledger) -> None:
    """A hand-edited sidecar's 盒号 is taken as filing and ``archive update`` take one: ``Ｂ－７`` is the box B-7 (a
    repair kept it full-width, a box ``archive list --box B-7`` does not find)."""
    item = _file_one(ws, ledger)
    _edit_sidecar(ws, item.path, box="Ｂ－７")
    assert verify(ws, ledger, "档案员", repair=True).repaired == [
        "YZ-2026-00001：台账记录已按说明文件重建（盒号：（空） → B-7）"
    ]
    with ledger.read() as conn:
        assert conn.exec_driver_sql("SELECT box FROM archive_items").scalar_one() == "B-7"
    assert verify(ws, ledger, "档案员").ok
