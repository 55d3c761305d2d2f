"""The archivist at the command line: exact messages and exit codes; what the catalogue shows."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from recordkit.core.workspace import Workspace
from recordkit.demo.scans import encrypted_pdf, write_scan
from tests.archive_helpers import FAST, archive_workspace, tree
from tests.conftest import write_sheet


@pytest.fixture
def archivist_cli(run_cli: Any, workspace: Workspace) -> Any:
    archive_workspace(workspace.root)

    def run(*args: str) -> Any:
        return run_cli(*args, env=FAST)

    return run


def inbox(workspace: Workspace) -> Path:
    return workspace.root / "records" / "inbox"


def test_an_empty_path_is_refused_not_read_as_the_current_folder(
    archivist_cli: Any, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``recordkit file ""`` (a script's variable left unset) was ``file .``: run in the workspace, it filed the
    roster sheet lying there (名册.xlsx) into the archive; ``journal anchor --out ""`` ended in an internal error
    (exit 70).  An empty path is refused before anything is done (exit 2), among other paths too."""
    monkeypatch.chdir(workspace.root)
    assert (workspace.root / "名册.xlsx").is_file()
    for args in (("file", ""), ("file", "名册.xlsx", " "), ("journal", "anchor", "--out", "")):
        result = archivist_cli(*args)
        named = "--out" if "--out" in args else "文件"
        assert (result.exit_code, result.stdout, result.stderr) == (
            2,
            "",
            f"错误：路径是空的（{named}）：请写明文件或文件夹，当前文件夹写 .\n",
        ), args
    assert json.loads(archivist_cli("archive", "list", "--json").stdout) == []
    assert (workspace.root / "名册.xlsx").is_file()


def test_file_prints_each_outcome_and_a_summary(archivist_cli: Any, workspace: Workspace) -> None:
    write_scan(inbox(workspace) / "3-2-1201_产权证明_20261102.pdf", 1, pages=2)
    result = archivist_cli(
        "file", str(inbox(workspace) / "3-2-1201_产权证明_20261102.pdf"), "--box", "业主-003", "--shelf", "A-2-3"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "已归档 3-2-1201_产权证明_20261102.pdf → YZ-2026-00001（业主档案，2 页）："
        "records/archive/业主档案/2026/YZ-2026-00001_产权证明.pdf",
        "共 1 个文件：归档 1 个，未归档 0 个",
    ]
    shown = json.loads(archivist_cli("archive", "show", "YZ-2026-00001", "--json").stdout)
    assert (shown["box"], shown["shelf"], shown["pages"], shown["loans"]) == ("业主-003", "A-2-3", 2, [])


def test_a_document_date_after_today_typed_on_the_command_line_is_refused(
    archivist_cli: Any, workspace: Workspace
) -> None:
    # file --date 2099-01-01 filed the scan (exit 0) with the date dropped and a review reason, though the clerk
    # typed it: refused at the door, as archive update --date and every other command's day to come are.
    scan = inbox(workspace) / "3-2-1201_产权证明.pdf"
    write_scan(scan, 1)
    result = archivist_cli("file", str(scan), "--date", "2099-01-01")
    assert result.exit_code == 5, result.output
    assert result.stderr.strip().startswith("错误：文件日期 2099-01-01 晚于今天（")
    assert scan.exists() and archivist_cli("archive", "list", "--json").stdout.strip() == "[]"


def test_a_short_archive_number_in_a_file_name_is_not_the_documents_date(
    archivist_cli: Any, workspace: Workspace
) -> None:
    # YZ-2015-1 补充材料.pdf was filed as WF-2015-00001 with document date 2015-01-01: the 档号 read as a month.
    write_scan(inbox(workspace) / "YZ-2015-1 补充材料.pdf", 1)
    write_scan(inbox(workspace) / "HT-2024-12 续签 2025-03-05.pdf", 2)
    result = archivist_cli("file", str(inbox(workspace)))
    assert result.exit_code == 0, result.output
    listed = json.loads(archivist_cli("archive", "list", "--json").stdout)
    assert sorted((item["archive_no"], item["doc_date"], item["title"]) for item in listed) == [
        ("WF-2025-00001", "2025-03-05", "HT-2024-12 续签"),  # a real date beside the number is still taken
        ("WF-2026-00001", None, "YZ-2015-1 补充材料"),  # no date: numbered in the year it is filed
    ]


@pytest.mark.parametrize("said", ["YZ-2026-1", "yz-2026-001", "ＹＺ－２０２６－１", "YZ2026-1"])
def test_an_archive_number_said_aloud_finds_the_item(archivist_cli: Any, workspace: Workspace, said: str) -> None:
    # An archivist reads 档号 off a box label as "YZ 2026 1": archive show YZ-2026-1 said 没有档号为 YZ-2026-1 的档案
    # (exit 6), as receipt numbers once did; the leading zeros may be left out, as for SJ2026-6.
    write_scan(inbox(workspace) / "3-2-1201_产权证明_20261102.pdf", 1)
    assert archivist_cli("file", str(inbox(workspace) / "3-2-1201_产权证明_20261102.pdf")).exit_code == 0
    shown = archivist_cli("archive", "show", said, "--json")
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["archive_no"] == "YZ-2026-00001"
    lent = archivist_cli("archive", "lend", said, "--to", "王工", "--due", "2027-06-01")
    assert lent.exit_code == 0, lent.output
    assert "YZ-2026-00001" in lent.stdout
    assert archivist_cli("archive", "show", "YZ-2026-2").exit_code == 6  # no such item: still not found


def test_a_file_named_twice_on_the_command_line_is_filed_and_counted_once(
    archivist_cli: Any, workspace: Workspace, tmp_path: Path
) -> None:
    # A folder and a file inside it, or two patterns that match the same file (扫描件/*.pdf 扫描件/3-2-1201*).
    write_scan(inbox(workspace) / "3-2-1201_产权证明_20261102.pdf", 1)
    own = write_scan(tmp_path / "扫描件" / "1-1-101_购房合同_20190915.pdf", 2)
    result = archivist_cli(
        "file",
        str(inbox(workspace)),
        str(inbox(workspace) / "3-2-1201_产权证明_20261102.pdf"),
        str(own),
        str(own.parent / "." / own.name),
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "已归档 3-2-1201_产权证明_20261102.pdf → YZ-2026-00001（业主档案，1 页）："
        "records/archive/业主档案/2026/YZ-2026-00001_产权证明.pdf",
        f"已归档 {own} → YZ-2019-00001（业主档案，1 页）：records/archive/业主档案/2019/YZ-2019-00001_购房合同.pdf",
        "共 2 个文件：归档 2 个，未归档 0 个",
    ]


def test_brackets_in_a_file_name_are_shown_as_they_are(archivist_cli: Any, run_cli: Any, workspace: Workspace) -> None:
    """rich read ``[draft]`` in a title as its markup and dropped it from every listing (``[定稿]`` stayed):
    a listing shows what the catalogue holds."""
    name = "物业服务合同[draft]第2版[b].pdf"
    write_scan(inbox(workspace) / name, 1, pages=1)
    assert archivist_cli("file", str(inbox(workspace) / name), "--category", "合同协议档案").exit_code == 0
    listed = run_cli("archive", "list", env={**FAST, "COLUMNS": "200"})  # (one line a row)
    assert listed.exit_code == 0, listed.output
    assert "物业服务合同[draft]第2版[b]" in listed.stdout


EMPTY_LEFT = "空文件（0 字节），没有归档；扫描仪可能还没写完，请稍后再试或重新扫描"


def test_file_json_and_a_quarantined_file_exit_5(archivist_cli: Any, workspace: Workspace) -> None:
    write_scan(inbox(workspace) / "好.pdf", 1)
    (inbox(workspace) / "说明.exe").write_bytes(b"MZ")
    (inbox(workspace) / "空.pdf").write_bytes(b"")
    result = archivist_cli("file", str(inbox(workspace)), "--category", "工程档案", "--json")
    assert result.exit_code == 5
    rows = {r["source"]: r for r in json.loads(result.stdout)}
    assert sorted((r["source"], r["status"], r["archive_no"]) for r in rows.values()) == [
        ("好.pdf", "filed", "GC-2026-00001"),
        ("空.pdf", "empty", None),
        ("说明.exe", "quarantined", None),
    ]
    assert (rows["空.pdf"]["reason"], rows["空.pdf"]["quarantine_path"]) == (EMPTY_LEFT, None)
    assert rows["说明.exe"]["quarantine_path"].startswith("records/quarantine/")
    assert tree(inbox(workspace)) == ["空.pdf"]  # left for the service, which waits for the scanner


def test_file_leaves_an_empty_file_where_it_is_and_files_the_others(
    archivist_cli: Any, workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # recordkit file quarantined an empty file at once, though the scanner may still be writing it (the service
    # waits ten minutes for one): now it is refused and left where it is, in the inbox or elsewhere.
    outside = tmp_path / "U盘" / "合同.pdf"
    outside.parent.mkdir()
    outside.write_bytes(b"")
    alone = archivist_cli("file", str(outside))
    assert alone.exit_code == 5, alone.output
    assert alone.stdout.splitlines() == [
        f"{outside}：{EMPTY_LEFT}",
        f"共 1 个文件：归档 0 个，未归档 1 个（其中空文件 1 个，留在原处：{outside}）",
    ]
    assert outside.read_bytes() == b""
    write_scan(inbox(workspace) / "3-2-1201_产权证明_20261102.pdf", 1)
    (inbox(workspace) / "扫描仪").mkdir()
    (inbox(workspace) / "扫描仪" / "空.pdf").write_bytes(b"")
    monkeypatch.chdir(workspace.root)  # recordkit file . in the workspace: what waits in the inbox
    result = archivist_cli("file", ".")
    assert result.exit_code == 5, result.output
    lines = result.stdout.splitlines()
    assert [line for line in lines if "空" in line or line.startswith("共")] == [
        f"扫描仪/空.pdf：{EMPTY_LEFT}",
        # (the other one filed is the workspace's roster, 名册.xlsx, beside records/)
        "共 3 个文件：归档 2 个，未归档 1 个（其中空文件 1 个，留在原处：扫描仪/空.pdf）",
    ]
    assert "已归档 3-2-1201_产权证明_20261102.pdf → YZ-2026-00001（业主档案，1 页）" in result.stdout
    assert tree(inbox(workspace)) == ["扫描仪/空.pdf"]
    assert tree(workspace.root / "records" / "quarantine") == []


HIDDEN_LEFT = "文件名以“.”开头，是隐藏文件，可能是同步软件还没写完的，不归档：要归档请去掉文件名开头的“.”"
LINK_LEFT = "链接指向的文件不存在，不归档：请放入文件本身"


def _folder_with_a_hidden_scan_and_a_broken_link(workspace: Workspace) -> Path:
    folder = workspace.root / "扫描件" / "3-2-1201"
    folder.mkdir(parents=True)
    write_scan(folder / "3-2-1201_产权证明_20261102.pdf", 1)
    write_scan(folder / ".3-2-1201_购房合同_20190915.pdf", 2)  # a sync tool's name while it writes, or a clerk's
    (folder / "合同.pdf").symlink_to(workspace.root / "U盘" / "合同.pdf")  # the stick pulled out
    (folder / ".DS_Store").write_bytes(b"a Mac's")  # another computer's: said nowhere
    return folder


def test_file_lists_the_hidden_files_and_broken_links_of_a_folder_it_leaves_where_they_are(
    archivist_cli: Any, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # recordkit file skipped a hidden scan without a word, and called a broken link 文件已不在原处 (exit 5).
    folder = _folder_with_a_hidden_scan_and_a_broken_link(workspace)
    monkeypatch.chdir(workspace.root)
    result = archivist_cli("file", "扫描件")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == [
        "共 1 个文件：归档 1 个，未归档 0 个",
        "还有 2 个文件不归档，留在原处："
        f"扫描件/3-2-1201/.3-2-1201_购房合同_20190915.pdf（{HIDDEN_LEFT}）、扫描件/3-2-1201/合同.pdf（{LINK_LEFT}）",
    ]
    assert result.stdout.startswith("已归档 扫描件/3-2-1201/3-2-1201_产权证明_20261102.pdf → YZ-2026-00001")
    assert tree(folder) == [".3-2-1201_购房合同_20190915.pdf", ".DS_Store", "3-2-1201_产权证明_20261102.pdf"]
    assert (folder / "合同.pdf").is_symlink()  # (tree lists no link)


def test_file_json_gives_the_files_left_where_they_are_after_the_outcomes(
    archivist_cli: Any, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    _folder_with_a_hidden_scan_and_a_broken_link(workspace)
    monkeypatch.chdir(workspace.root)
    result = archivist_cli("file", "扫描件", "--json")
    assert result.exit_code == 0, result.output
    assert [(r["source"], r["status"], r["reason"], r["archive_no"]) for r in json.loads(result.stdout)] == [
        ("扫描件/3-2-1201/3-2-1201_产权证明_20261102.pdf", "filed", "", "YZ-2026-00001"),
        ("扫描件/3-2-1201/.3-2-1201_购房合同_20190915.pdf", "left_alone", HIDDEN_LEFT, None),
        ("扫描件/3-2-1201/合同.pdf", "left_alone", LINK_LEFT, None),
    ]


def test_file_of_a_broken_link_named_alone_is_refused_as_a_missing_file(
    archivist_cli: Any, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _folder_with_a_hidden_scan_and_a_broken_link(workspace)
    monkeypatch.chdir(workspace.root)
    result = archivist_cli("file", "扫描件/3-2-1201/3-2-1201_产权证明_20261102.pdf", "扫描件/3-2-1201/合同.pdf")
    assert result.exit_code == 6, result.output
    assert result.stderr.splitlines() == [f"错误：扫描件/3-2-1201/合同.pdf：{LINK_LEFT}"]
    assert (folder / "3-2-1201_产权证明_20261102.pdf").exists()  # nothing filed


def _filed_rows(workspace: Workspace) -> list[tuple[str, str, str | None, str | None, int]]:
    with sqlite3.connect(workspace.root / "records" / "ledger.sqlite3") as db:
        return db.execute(
            "SELECT archive_no, category, unit, topic, needs_review FROM archive_items ORDER BY archive_no"
        ).fetchall()


def test_a_file_named_below_the_current_folder_is_read_with_its_folders_as_file_dot_reads_it(
    archivist_cli: Any, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``recordkit file 扫描件/业主档案/1-1-101/产权证明_20200501.pdf`` filed it with no unit, for review (待复核：业主档案
    没有识别出房号), though the path typed names the unit; ``recordkit file 扫描件`` filed it under 1-1-101.  Named
    itself, a file below the current folder is read with the folders of the path as typed, as ``file .`` reads it
    (扫描件 its topic); ``--unit`` still wins over the folder."""
    scans = workspace.root / "扫描件"
    write_scan(scans / "业主档案" / "1-1-101" / "产权证明_20200501.pdf", 1)
    write_scan(scans / "业主档案" / "1-1-101" / "入住登记_20200601.pdf", 2)
    monkeypatch.chdir(workspace.root)
    result = archivist_cli("file", "扫描件/业主档案/1-1-101/产权证明_20200501.pdf")
    assert (result.exit_code, result.stdout.splitlines()) == (
        0,
        [
            "已归档 扫描件/业主档案/1-1-101/产权证明_20200501.pdf → YZ-2020-00001（业主档案，1 页）："
            "records/archive/业主档案/2020/YZ-2020-00001_产权证明.pdf",
            "共 1 个文件：归档 1 个，未归档 0 个",
        ],
    ), result.output
    flagged = archivist_cli("file", "扫描件/业主档案/1-1-101/入住登记_20200601.pdf", "--unit", "3栋2单元1201")
    assert flagged.exit_code == 0, flagged.output
    assert _filed_rows(workspace) == [
        ("YZ-2020-00001", "业主档案", "1-1-101", "扫描件", 0),
        ("YZ-2020-00002", "业主档案", "3-2-1201", "扫描件", 0),
    ]


def test_a_file_named_outside_the_current_folder_is_read_by_its_own_name_alone(
    archivist_cli: Any, workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Typed as ../U盘/业主档案/1-1-101/… from beside the stick, and by its absolute path from elsewhere: the folders
    # above the current one are no clerk's filing (the stick's own name, /media/…), only the file's name is read.
    stick = tmp_path / "U盘" / "业主档案" / "1-1-101"
    write_scan(stick / "产权证明_20200501.pdf", 1)
    write_scan(stick / "3-2-1201_购房合同_20190915.pdf", 2)
    (tmp_path / "别处").mkdir()
    monkeypatch.chdir(tmp_path / "别处")
    result = archivist_cli(
        "file", "../U盘/业主档案/1-1-101/产权证明_20200501.pdf", str(stick / "3-2-1201_购房合同_20190915.pdf")
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].endswith("；待复核：业主档案没有识别出房号")
    assert _filed_rows(workspace) == [
        ("YZ-2019-00001", "业主档案", "3-2-1201", None, 0),
        ("YZ-2020-00001", "业主档案", None, None, 1),
    ]


def test_a_hidden_folder_on_a_typed_path_is_never_read_only_the_files_own_folder(
    archivist_cli: Any, workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # From a home folder, ``recordkit file ~/.cache/x/3-2-1201/…`` (the shell writes it whole) and
    # ``recordkit file .cache/x/1-1-101/…`` were filed with the topic .cache/x: a program's hidden folder and what
    # lies in it are no filing of the office's; the file's own folder still names its unit.
    home = tmp_path / "家"
    write_scan(home / ".cache" / "x" / "3-2-1201" / "产权证明_20200501.pdf", 1)
    write_scan(home / ".cache" / "x" / "1-1-101" / "入住登记_20200601.pdf", 2)
    monkeypatch.chdir(home)
    result = archivist_cli(
        "file",
        str(home / ".cache" / "x" / "3-2-1201" / "产权证明_20200501.pdf"),
        ".cache/x/1-1-101/入住登记_20200601.pdf",
    )
    assert result.exit_code == 0, result.output
    assert _filed_rows(workspace) == [
        ("YZ-2020-00001", "业主档案", "3-2-1201", None, 0),
        ("YZ-2020-00002", "业主档案", "1-1-101", None, 0),
    ]


def test_a_file_typed_whole_from_the_root_or_a_home_folder_reads_no_folder_above_its_own_or_the_workspace(
    archivist_cli: Any, workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Run from / (or a home folder holding everything), an absolute path's every folder was read: the topic of a
    # stick's scan was tmp/pytest-of-…/U盘, of a scan in the workspace …/ws/扫描件/电梯.  Now a file outside the
    # workspace reads its own folder alone, a file in the workspace its folders below the workspace.
    stick = tmp_path / "U盘" / "业主档案" / "1-1-101"
    write_scan(stick / "产权证明_20200501.pdf", 1)
    write_scan(workspace.root / "扫描件" / "工程档案" / "电梯" / "维保记录_20261020.pdf", 2)
    monkeypatch.chdir("/")
    result = archivist_cli(
        "file", str(stick / "产权证明_20200501.pdf"), str(workspace.root / "扫描件/工程档案/电梯/维保记录_20261020.pdf")
    )
    assert result.exit_code == 0, result.output
    assert _filed_rows(workspace) == [
        ("GC-2026-00001", "工程档案", None, "扫描件/电梯", 0),
        ("YZ-2020-00001", "业主档案", "1-1-101", None, 0),
    ]


def test_a_folder_holding_the_workspace_reads_its_files_folders_below_the_workspace_only(
    archivist_cli: Any, workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ``recordkit file ..`` from the workspace (``recordkit file ~`` with the workspace in the home folder) filed its
    # 扫描件 under the topic ws/扫描件/电梯; a folder of the home folder's own still reads from the folder given (U盘/…:
    # U盘 its topic).
    write_scan(workspace.root / "扫描件" / "工程档案" / "电梯" / "维保记录_20261020.pdf", 2)
    write_scan(tmp_path / "U盘" / "业主档案" / "1-1-101" / "产权证明_20200501.pdf", 1)
    (workspace.root / "名册.xlsx").unlink()  # (the sample roster, imported: no paper of the office's)
    monkeypatch.chdir(workspace.root)
    result = archivist_cli("file", "..")
    assert result.exit_code == 0, result.output
    assert _filed_rows(workspace) == [
        ("GC-2026-00001", "工程档案", None, "扫描件/电梯", 0),
        ("YZ-2020-00001", "业主档案", "1-1-101", "U盘", 0),
    ]


def test_a_file_named_in_the_workspaces_own_folders_is_read_by_its_own_name_alone(
    archivist_cli: Any, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ``file .`` never reads records/ but its inbox: a generated paper named from the workspace has no topic
    # records/generated, and an inbox scan's folders count from the inbox, as the service reads them.
    generated = workspace.root / "records" / "generated"
    write_scan(generated / "3-2-1201_产权证明_20261102.pdf", 1)
    write_scan(inbox(workspace) / "工程档案" / "电梯" / "维保记录_20261020.pdf", 2)
    monkeypatch.chdir(workspace.root)
    result = archivist_cli(
        "file", "records/generated/3-2-1201_产权证明_20261102.pdf", "records/inbox/工程档案/电梯/维保记录_20261020.pdf"
    )
    assert result.exit_code == 0, result.output
    assert _filed_rows(workspace) == [
        ("GC-2026-00001", "工程档案", None, "电梯", 0),
        ("YZ-2026-00001", "业主档案", "3-2-1201", None, 0),
    ]


def test_a_sidecar_in_the_other_case_is_read_and_leaves_with_its_scan(archivist_cli: Any, workspace: Workspace) -> None:
    # Windows scanners and clerks mix cases (a share takes SCAN0001.TXT and scan0001.txt for one name).
    write_scan(inbox(workspace) / "SCAN0001.PDF", 1)
    (inbox(workspace) / "SCAN0001.TXT").write_bytes("房号: 3-2-1201\n题名: 产权证明\n".encode("gbk"))
    write_scan(inbox(workspace) / "SCAN0002.pdf", 2)
    (inbox(workspace) / "SCAN0002.PDF.JSON").write_text('{"房号": "3-2-1201", "题名": "购房合同"}', encoding="utf-8")
    result = archivist_cli("watch", "--once")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "已归档 SCAN0001.PDF → YZ-2026-00001（业主档案，1 页）：records/archive/业主档案/2026/YZ-2026-00001_产权证明.pdf",
        "已归档 SCAN0002.pdf → YZ-2026-00002（业主档案，1 页）：records/archive/业主档案/2026/YZ-2026-00002_购房合同.pdf",
        "收件箱处理完毕：归档 2 个，隔离 0 个",
    ]
    assert tree(inbox(workspace)) == []  # the sidecars went with their scans, none quarantined


def test_a_sidecar_named_with_a_blank_or_tab_before_its_suffix_is_read_and_leaves_with_its_scan(
    archivist_cli: Any, workspace: Workspace
) -> None:
    """A scanner's sidecar 扫描001.pdf .json (a blank before .json) or 扫描002.pdf<tab>.json was not matched to its
    scan: the scan was filed without the sidecar's unit and title, and the sidecar quarantined as a file of another
    kind.  It is read as 扫描001.pdf.json, by the watch service and by ``recordkit file`` of the scan alike."""
    write_scan(inbox(workspace) / "扫描001.pdf", 1)
    (inbox(workspace) / "扫描001.pdf .json").write_text('{"房号": "3-2-1201", "题名": "产权证明"}', encoding="utf-8")
    write_scan(inbox(workspace) / "扫描002.pdf", 2)
    (inbox(workspace) / "扫描002.pdf\t.json").write_text('{"房号": "3-2-1201", "题名": "购房合同"}', encoding="utf-8")
    write_scan(inbox(workspace) / "扫描003.pdf", 3)
    (inbox(workspace) / "扫描003\u3000.txt").write_bytes("房号: 1-1-101\n题名: 入住登记表\n".encode("gbk"))
    result = archivist_cli("watch", "--once")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "已归档 扫描001.pdf → YZ-2026-00001（业主档案，1 页）：records/archive/业主档案/2026/YZ-2026-00001_产权证明.pdf",
        "已归档 扫描002.pdf → YZ-2026-00002（业主档案，1 页）：records/archive/业主档案/2026/YZ-2026-00002_购房合同.pdf",
        "已归档 扫描003.pdf → YZ-2026-00003（业主档案，1 页）：records/archive/业主档案/2026/YZ-2026-00003_入住登记表.pdf",
        "收件箱处理完毕：归档 3 个，隔离 0 个",
    ]
    assert tree(inbox(workspace)) == []  # the sidecars went with their scans, none quarantined
    write_scan(inbox(workspace) / "扫描004.pdf", 4)
    (inbox(workspace) / "扫描004.pdf .json").write_text('{"房号": "1-1-101", "题名": "装修申请表"}', encoding="utf-8")
    result = archivist_cli("file", str(inbox(workspace) / "扫描004.pdf"))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == (
        "已归档 扫描004.pdf → YZ-2026-00004（业主档案，1 页）：records/archive/业主档案/2026/YZ-2026-00004_装修申请表.pdf"
    )
    assert tree(inbox(workspace)) == []
    units = {item["archive_no"]: item["unit"] for item in json.loads(archivist_cli("archive", "list", "--json").stdout)}
    assert units == {
        "YZ-2026-00001": "3-2-1201",
        "YZ-2026-00002": "3-2-1201",
        "YZ-2026-00003": "1-1-101",
        "YZ-2026-00004": "1-1-101",
    }


def _item_row(workspace: Workspace, archive_no: str) -> tuple[str, str | None, str, str, int]:
    with sqlite3.connect(workspace.root / "records" / "ledger.sqlite3") as db:
        return db.execute(
            "SELECT original_name, unit, title, path, needs_review FROM archive_items WHERE archive_no = ?",
            (archive_no,),
        ).fetchone()


def test_a_sidecar_whose_name_differs_from_its_scans_by_trailing_blanks_or_dots_is_matched(
    archivist_cli: Any, workspace: Workspace
) -> None:
    """A sidecar 扫描001.pdf..json (a doubled dot), or a scan 扫描002 .pdf (a blank before its extension, which Windows
    drops over the share) beside 扫描002.pdf.json, was not matched: the scan was filed without the sidecar's unit and
    title (needing review), and the sidecar quarantined.  The names are compared without the blanks and dots at the
    end of their stems, on both sides."""
    write_scan(inbox(workspace) / "扫描001.pdf", 1)
    (inbox(workspace) / "扫描001.pdf..json").write_text('{"房号": "3-2-1201", "题名": "产权证明"}', encoding="utf-8")
    write_scan(inbox(workspace) / "扫描002 .pdf", 2)
    (inbox(workspace) / "扫描002.pdf.json").write_text('{"房号": "1-1-101", "题名": "购房合同"}', encoding="utf-8")
    write_scan(inbox(workspace) / "扫描003\u3000.pdf", 3)  # a full-width blank, the sidecar's name in NFD
    (inbox(workspace) / "扫描003.pdf.json").write_text('{"房号": "1-1-101", "题名": "入住登记表"}', encoding="utf-8")
    write_scan(inbox(workspace) / "Café.pdf", 4)
    (inbox(workspace) / "Cafe\u0301.pdf. .json").write_text(
        '{"房号": "3-2-1201", "题名": "装修申请表"}', encoding="utf-8"
    )
    result = archivist_cli("watch", "--once")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "已归档 Café.pdf → YZ-2026-00001（业主档案，1 页）：records/archive/业主档案/2026/YZ-2026-00001_装修申请表.pdf",
        "已归档 扫描001.pdf → YZ-2026-00002（业主档案，1 页）：records/archive/业主档案/2026/YZ-2026-00002_产权证明.pdf",
        "已归档 扫描002 .pdf → YZ-2026-00003（业主档案，1 页）：records/archive/业主档案/2026/YZ-2026-00003_购房合同.pdf",
        "已归档 扫描003\u3000.pdf → YZ-2026-00004（业主档案，1 页）："
        "records/archive/业主档案/2026/YZ-2026-00004_入住登记表.pdf",
        "收件箱处理完毕：归档 4 个，隔离 0 个",
    ]
    assert tree(inbox(workspace)) == []  # the sidecars went with their scans
    assert tree(workspace.root / "records" / "quarantine") == []
    assert _item_row(workspace, "YZ-2026-00003") == (
        "扫描002 .pdf",
        "1-1-101",
        "购房合同",
        "records/archive/业主档案/2026/YZ-2026-00003_购房合同.pdf",
        0,
    )
    kept = json.loads(
        (workspace.root / "records/archive/业主档案/2026/YZ-2026-00002_产权证明.pdf.json").read_text(encoding="utf-8")
    )
    assert (kept["unit"], kept["title"], kept["scanner_sidecar"]) == (
        "3-2-1201",
        "产权证明",
        {"房号": "3-2-1201", "题名": "产权证明"},
    )
    write_scan(inbox(workspace) / "扫描005 .pdf", 5)
    (inbox(workspace) / "扫描005.pdf.json").write_text('{"房号": "3-2-1201", "题名": "维修记录"}', encoding="utf-8")
    result = archivist_cli("file", str(inbox(workspace) / "扫描005 .pdf"))
    assert result.exit_code == 0, result.output
    assert _item_row(workspace, "YZ-2026-00005")[1:3] == ("3-2-1201", "维修记录")
    assert tree(inbox(workspace)) == []


def test_a_sidecar_two_scans_claim_once_blanks_and_dots_are_ignored_is_taken_by_neither(
    archivist_cli: Any, workspace: Workspace
) -> None:
    """扫描001.pdf and 扫描001 .pdf (one name once the blank is dropped, as Windows drops it) beside one sidecar
    扫描001.pdf.json: which scan it describes cannot be told.  Neither takes it: both are filed for review, saying
    which sidecar and which other scan, and the sidecar stays in the inbox for the archivist."""
    write_scan(inbox(workspace) / "扫描001.pdf", 1)
    write_scan(inbox(workspace) / "扫描001 .pdf", 2)
    (inbox(workspace) / "扫描001.pdf.json").write_text('{"房号": "3-2-1201", "题名": "产权证明"}', encoding="utf-8")
    result = archivist_cli("watch", "--once")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "已归档 扫描001 .pdf → WF-2026-00001（未分类，1 页）：records/archive/未分类/2026/WF-2026-00001_扫描001.pdf；"
        "待复核：说明文件 扫描001.pdf.json 也对得上扫描件 扫描001.pdf，不知道是哪一个的，都没有采用："
        "请按说明文件核对后改正登记；无法判断档案类别",
        "已归档 扫描001.pdf → WF-2026-00002（未分类，1 页）：records/archive/未分类/2026/WF-2026-00002_扫描001.pdf；"
        "待复核：说明文件 扫描001.pdf.json 也对得上扫描件 扫描001 .pdf，不知道是哪一个的，都没有采用："
        "请按说明文件核对后改正登记；无法判断档案类别",
        "收件箱处理完毕：归档 2 个，隔离 0 个",
    ]
    assert tree(inbox(workspace)) == ["扫描001.pdf.json"]  # not deleted with either scan
    assert [_item_row(workspace, number)[1:] for number in ("WF-2026-00001", "WF-2026-00002")] == [
        (None, "扫描001", "records/archive/未分类/2026/WF-2026-00001_扫描001.pdf", 1),
        (None, "扫描001", "records/archive/未分类/2026/WF-2026-00002_扫描001.pdf", 1),
    ]
    # Alone now, it goes to the quarantine at the next pass, its note naming both items its name may describe (it
    # named only 扫描001.pdf's WF-2026-00002, looked up by the name as written, not as the blank-dropped one matched).
    result = archivist_cli("watch", "--once")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].startswith(
        "已隔离 扫描001.pdf.json：这是扫描件 扫描001 .pdf 或 扫描001.pdf 的说明文件，但扫描件在它之前已归档为"
        " WF-2026-00001（扫描001）、WF-2026-00002（扫描001），不知道说的是哪一件，说明文件没有用上："
        "请按说明文件核对是哪一件后改正它的登记 → records/quarantine/"
    )


def test_a_sidecar_without_the_scans_extension_beside_two_scans_of_that_name_is_taken_by_neither(
    archivist_cli: Any, workspace: Workspace
) -> None:
    """A scanner's 扫描003.txt beside 扫描003.pdf and 扫描003.jpg (a scan saved twice, as a PDF and as a photo)
    names no extension: it may describe either.  Both took it — two items under the one 房号 and 题名, the second
    perhaps another owner's paper; now neither takes it, both are filed for review saying so, and the sidecar stays
    in the inbox for the archivist."""
    write_scan(inbox(workspace) / "扫描003.pdf", 1)
    write_scan(inbox(workspace) / "扫描003.jpg", 2)
    (inbox(workspace) / "扫描003.txt").write_text("房号: 3-2-1201\n题名: 产权证明\n", encoding="utf-8")
    result = archivist_cli("watch", "--once")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "已归档 扫描003.jpg → WF-2026-00001（未分类，1 页）：records/archive/未分类/2026/WF-2026-00001_扫描003.jpg；"
        "待复核：说明文件 扫描003.txt 也对得上扫描件 扫描003.pdf，不知道是哪一个的，都没有采用："
        "请按说明文件核对后改正登记；无法判断档案类别",
        "已归档 扫描003.pdf → WF-2026-00002（未分类，1 页）：records/archive/未分类/2026/WF-2026-00002_扫描003.pdf；"
        "待复核：说明文件 扫描003.txt 也对得上扫描件 扫描003.jpg，不知道是哪一个的，都没有采用："
        "请按说明文件核对后改正登记；无法判断档案类别",
        "收件箱处理完毕：归档 2 个，隔离 0 个",
    ]
    assert tree(inbox(workspace)) == ["扫描003.txt"]  # not deleted with either scan
    assert [_item_row(workspace, number)[1:3] for number in ("WF-2026-00001", "WF-2026-00002")] == [
        (None, "扫描003"),
        (None, "扫描003"),
    ]
    # Alone now, it goes to the quarantine at the next pass, its note naming both items it may describe (it named
    # only the later, WF-2026-00002, and the archivist corrected the wrong one half the time).
    result = archivist_cli("watch", "--once")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].startswith(
        "已隔离 扫描003.txt：这是扫描件 扫描003.jpg 或 扫描003.pdf 的说明文件，但扫描件在它之前已归档为"
        " WF-2026-00001（扫描003）、WF-2026-00002（扫描003），不知道说的是哪一件，说明文件没有用上："
        "请按说明文件核对是哪一件后改正它的登记 → records/quarantine/"
    )


def test_a_sidecar_naming_its_scans_extension_goes_with_that_scan_alone(
    archivist_cli: Any, workspace: Workspace
) -> None:
    """扫描004.pdf.json names its scan whole: 扫描004.jpg beside it does not make it anyone else's."""
    write_scan(inbox(workspace) / "扫描004.pdf", 1)
    write_scan(inbox(workspace) / "扫描004.jpg", 2)
    (inbox(workspace) / "扫描004.pdf.json").write_text('{"房号": "3-2-1201", "题名": "产权证明"}', encoding="utf-8")
    result = archivist_cli("watch", "--once")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "已归档 扫描004.jpg → WF-2026-00001（未分类，1 页）：records/archive/未分类/2026/WF-2026-00001_扫描004.jpg；"
        "待复核：无法判断档案类别",
        "已归档 扫描004.pdf → YZ-2026-00001（业主档案，1 页）：records/archive/业主档案/2026/YZ-2026-00001_产权证明.pdf",
        "收件箱处理完毕：归档 2 个，隔离 0 个",
    ]
    assert tree(inbox(workspace)) == []


def test_ctrl_c_before_the_first_file_is_filed_says_nothing_was_saved(
    archivist_cli: Any, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_scan(inbox(workspace) / "3-2-1201_产权证明_20261102.pdf", 1)

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt  # the clerk presses Ctrl+C while the first batch is read

    monkeypatch.setattr("recordkit.archive.intake.file_batch", interrupted)
    result = archivist_cli("file", str(inbox(workspace)))
    assert (result.exit_code, result.stderr.strip()) == (130, "已取消，没有保存任何改动。")
    assert tree(workspace.root / "records" / "archive") == []


def test_file_of_the_workspace_folder_files_the_inbox_and_never_its_own_files(
    archivist_cli: Any, workspace: Workspace
) -> None:
    # `recordkit file .` typed in the workspace: the scan waiting in the inbox is filed; the ledger's database, the
    # archive's files, generated papers and templates are the workspace's own, never filed (again).
    write_scan(inbox(workspace) / "3-2-1201_产权证明_20261102.pdf", 1)
    assert archivist_cli("file", str(inbox(workspace))).exit_code == 0  # one archived file to meet later
    write_scan(inbox(workspace) / "1-1-101_购房合同_20190915.pdf", 2)
    (workspace.root / "templates").mkdir(exist_ok=True)
    (workspace.root / "templates" / "温馨提示.docx").write_bytes(b"PK\x03\x04 not filed")
    for name in os.listdir(workspace.root):  # the workspace holds only its own files now (a roster, say, is gone)
        if name not in ("records", "templates", "recordkit.toml"):
            os.remove(workspace.root / name)
    own = sorted(os.listdir(workspace.root / "records"))
    result = archivist_cli("file", str(workspace.root))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-2:] == [
        "共 1 个文件：归档 1 个，未归档 0 个",
        "已跳过工作区自己的文件：records/ 里收件箱以外的（台账、档案、生成的文书、隔离区）、templates/ 和 recordkit.toml",
    ]
    assert "ledger.sqlite3" in own  # the SQLite ledger's own database file was there, and is not filed
    listed = json.loads(archivist_cli("archive", "list", "--json").stdout)
    assert sorted(row["archive_no"] for row in listed) == ["YZ-2019-00001", "YZ-2026-00001"]
    assert tree(inbox(workspace)) == []


def test_watch_once_names_the_files_still_being_written(
    archivist_cli: Any, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A clerk runs it while the scanner still writes: "归档 0 个" alone would look as if the scan were lost.
    # (Which files are still changing is test_watcher's; here what the clerk is told.)
    from recordkit.archive.watcher import InboxWatcher

    monkeypatch.setattr(InboxWatcher, "still_written", lambda self: ["正在扫描.tif", "扫描仪/第二份.pdf"])
    result = archivist_cli("watch", "--once")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-2:] == [
        "收件箱处理完毕：归档 0 个，隔离 0 个",
        "还有 2 个文件正在写入（大小还在变化），留在收件箱没有归档：正在扫描.tif、扫描仪/第二份.pdf；"
        "扫描完成后再运行 recordkit watch --once（归档服务会自动归档）",
    ]


def test_watch_once_names_a_scan_it_cannot_open_as_such_not_as_one_still_being_written(
    archivist_cli: Any, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Copied in by another account with mode 0600, its size still for minutes: "正在写入（大小还在变化）" sent the
    # clerk to wait for a scanner that had finished long ago.  (Root opens any file: the refusal is simulated.)
    from recordkit.archive import watcher as watcher_module

    write_scan(inbox(workspace) / "扫描仪" / "3-2-1201_购房合同.pdf", 1)
    write_scan(inbox(workspace) / "1-1-101_产权证明_20261101.pdf", 2)
    monkeypatch.setattr(watcher_module, "can_open", lambda path: path.name != "3-2-1201_购房合同.pdf")
    result = archivist_cli("watch", "--once")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-2:] == [
        "收件箱处理完毕：归档 1 个，隔离 0 个",
        "还有 1 个文件打不开（没有读取权限，或还被别的程序占用），留在收件箱没有归档：扫描仪/3-2-1201_购房合同.pdf；"
        "请让放入文件的人改好权限或关掉占用它的程序，再运行 recordkit watch --once（归档服务会自动归档）",
    ]
    assert tree(inbox(workspace)) == ["扫描仪/3-2-1201_购房合同.pdf"]


def test_watch_once_does_not_call_the_scans_the_ledger_refused_still_being_written(
    archivist_cli: Any, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The ledger away at 06:00: the cron run's mail said the scans were still being written as well as why they
    # wait, and the clerk went to look at a scanner that had finished the night before.
    from recordkit.archive import watcher as watcher_module
    from recordkit.core.errors import LedgerError

    def ledger_away(*args: object, **kwargs: object) -> None:
        raise LedgerError("无法访问台账数据库 postgresql://rk@db/estate：Connection refused")

    monkeypatch.setattr(watcher_module, "file_batch", ledger_away)
    write_scan(inbox(workspace) / "1-1-101_产权证明_20261101.pdf", 1)
    write_scan(inbox(workspace) / "扫描仪" / "3-2-1201_购房合同.pdf", 2)
    result = archivist_cli("watch", "--once")
    assert result.exit_code == 7
    assert result.stdout.splitlines()[-1] == "收件箱处理完毕：归档 0 个，隔离 0 个"
    assert "正在写入" not in result.stdout
    assert result.stderr.strip() == (
        "错误：2 个文件留在收件箱，没有归档（台账数据库现在不能写入）："
        "无法访问台账数据库 postgresql://rk@db/estate：Connection refused"
    )
    assert tree(inbox(workspace)) == ["1-1-101_产权证明_20261101.pdf", "扫描仪/3-2-1201_购房合同.pdf"]


def test_watch_once_leaves_an_empty_scan_in_the_inbox_and_says_so(archivist_cli: Any, workspace: Workspace) -> None:
    # The scanner on a slow share made the file and has not written it yet: it is not quarantined by a cron run.
    (inbox(workspace) / "扫描仪").mkdir()
    (inbox(workspace) / "扫描仪" / "合同.pdf").write_bytes(b"")
    result = archivist_cli("watch", "--once")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-2:] == [
        "收件箱处理完毕：归档 0 个，隔离 0 个",
        "还有 1 个空文件（扫描仪可能还没写入内容），留在收件箱：扫描仪/合同.pdf；空了 10 分钟以上的才移到隔离区",
    ]
    assert tree(inbox(workspace)) == ["扫描仪/合同.pdf"]


@pytest.mark.parametrize("interval", ["0", "-1"])
def test_watch_refuses_an_interval_the_setting_refuses(archivist_cli: Any, interval: str) -> None:
    # [archive] poll_interval takes 0.01 to 3600 seconds; --interval 0 --polling made the service spin a core.
    result = archivist_cli("watch", "--once", "--polling", "--interval", interval)
    assert result.exit_code == 2
    assert result.stderr.strip() == f"错误：--interval 应在 0.01 到 3600 秒之间，例如 1（写的是 {interval}）"


def test_review_lists_the_quarantined_files_with_their_reasons(archivist_cli: Any, workspace: Workspace) -> None:
    write_scan(inbox(workspace) / "IMG_0001.jpg", 2)
    (inbox(workspace) / "空.pdf").write_bytes(b"")
    os.utime(inbox(workspace) / "空.pdf", (1_767_225_600, 1_767_225_600))  # empty since 2026-01-01
    (inbox(workspace) / "说明.exe").write_bytes(b"MZ")
    archivist_cli("watch", "--once")
    listed = json.loads(archivist_cli("archive", "review", "--quarantine", "--json").stdout)
    assert sorted((entry["source"], entry["reason"], entry["present"]) for entry in listed) == [
        ("空.pdf", "空文件（扫描仪没有写入内容），请重新扫描", True),
        ("说明.exe", "不支持的文件类型 .exe：只归档 PDF、JPG/PNG、TIFF、DOCX、XLSX", True),
    ]
    assert all(entry["path"].startswith("records/quarantine/") for entry in listed)
    # The default view: the review queue, then the quarantine.
    review = archivist_cli("archive", "review")
    assert review.exit_code == 0
    assert "待复核档案 1 件" in review.stdout and "WF-2026-00001" in review.stdout
    assert "隔离区文件 2 个" in review.stdout and "空文件（扫描仪没有写入内容）" in review.stdout
    # A file taken out of the quarantine (its note left behind) is still listed, marked as gone.
    (workspace.root / listed[0]["path"]).unlink()
    again = json.loads(archivist_cli("archive", "review", "--quarantine", "--json").stdout)
    assert [entry["present"] for entry in again] == [False, True]
    assert archivist_cli("archive", "review", "--quarantine", "--ocr").exit_code == 2


def test_a_quarantined_name_with_a_right_to_left_override_is_not_turned_around_on_screen(
    archivist_cli: Any, workspace: Workspace
) -> None:
    """A broken file named 收据\u202efdp.exe.docx went to the quarantine under that name, right-to-left override and
    all: ``watch`` said where it went, and ``archive review`` listed it, with the override raw on the screen, which
    shows the name turned around (收据exe.pdf…).  The quarantined copy is named without it (as a filed title is), and
    the name it came with is shown with the override written out."""
    (inbox(workspace) / "收据\u202efdp.exe.docx").write_bytes(b"not a word document")
    watched = archivist_cli("watch", "--once")
    assert watched.exit_code == 0, watched.output
    assert "\u202e" not in watched.stdout
    assert "已隔离 收据<U+202E>fdp.exe.docx：" in watched.stdout
    [quarantined] = [name for name in tree(workspace.root / "records" / "quarantine") if not name.endswith(".原因.txt")]
    assert quarantined.endswith("_收据fdp.exe.docx"), quarantined
    assert f"→ records/quarantine/{quarantined}" in watched.stdout
    review = archivist_cli("archive", "review", "--quarantine")
    assert review.exit_code == 0 and "\u202e" not in review.stdout
    [entry] = json.loads(archivist_cli("archive", "review", "--quarantine", "--json").stdout)
    assert (entry["path"], entry["source"]) == (f"records/quarantine/{quarantined}", "收据<U+202E>fdp.exe.docx")


def test_a_copy_filed_from_the_quarantine_by_a_run_cut_short_is_removed_by_the_listing_and_said_once(
    archivist_cli: Any, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``recordkit file records/quarantine/…`` killed after its commit, before it removed the copy: the copy stayed
    listed as not filed (filing it again said 已归档 and removed it).  The listing finds it filed (its source, time
    and SHA-256 in the ledger), removes it with its note, and says so once; a quarantined duplicate of a filed item
    (the same content sent again) stays listed."""
    from recordkit.archive.archivist import Archivist

    quarantine = workspace.root / "records" / "quarantine"
    (inbox(workspace) / "坏.pdf").write_bytes(b"%PDF-1.4 broken")
    write_scan(inbox(workspace) / "3-2-1201_产权证明.pdf", 1)
    assert archivist_cli("watch", "--once").exit_code == 0
    write_scan(inbox(workspace) / "再次扫描.pdf", 1)  # the same content as 产权证明: quarantined as a duplicate
    assert archivist_cli("watch", "--once").exit_code == 0
    [bad, duplicate] = sorted(tree(quarantine), key=lambda name: "再次扫描" in name)[::2]
    write_scan(quarantine / bad, 2)  # the clerk put a good scan in its place, and files it from there

    monkeypatch.setattr(Archivist, "_remove_source", lambda *args, **kwargs: None)  # killed right after the commit
    filed = archivist_cli("file", str(quarantine / bad), "--unit", "1-1-101")
    assert filed.exit_code == 0, filed.output
    monkeypatch.undo()
    assert bad in tree(quarantine) and f"{bad}.原因.txt" in tree(quarantine)

    listed = archivist_cli("archive", "review", "--quarantine")
    assert listed.exit_code == 0, listed.output
    assert f"records/quarantine/{bad}：已归档，已从隔离区移除（档号 YZ-2026-00002）" in listed.stdout
    assert "隔离区文件 1 个（未归档）" in listed.stdout and "内容完全相同" in listed.stdout
    assert tree(quarantine) == [duplicate, f"{duplicate}.原因.txt"]
    again = archivist_cli("archive", "review", "--quarantine")
    assert "已从隔离区移除" not in again.stdout and "隔离区文件 1 个（未归档）" in again.stdout
    [still] = json.loads(archivist_cli("archive", "review", "--quarantine", "--json").stdout)
    assert (still["path"], still["present"], still["filed_as"]) == (f"records/quarantine/{duplicate}", True, None)


def test_review_shows_when_a_file_was_quarantined_on_the_offices_clock(run_cli: Any, workspace: Workspace) -> None:
    # A server whose clock runs in UTC wrote the note at 13:30:38 UTC: 21:30:38 in the office (Asia/Shanghai).
    archive_workspace(workspace.root)
    quarantine = workspace.root / "records" / "quarantine"
    quarantine.mkdir(parents=True, exist_ok=True)
    for name, at in (("20261205-133038_空.pdf", "2026-12-05T13:30:38+00:00"), ("20261205-133039_坏.pdf", "昨天下午")):
        (quarantine / name).write_bytes(b"")
        (quarantine / f"{name}.原因.txt").write_text(
            f"文件：{name[16:]}\n原因：文件是空的（0 字节）：可能扫描中断，请重新扫描\n时间：{at}\n", encoding="utf-8"
        )
    result = run_cli("archive", "review", "--quarantine", env={**FAST, "COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    rows = [line for line in result.stdout.splitlines() if "records/quarantine/" in line]
    assert "2026-12-05 21:30:38" in rows[0] and "T13:30" not in rows[0]
    assert "昨天下午" in rows[1]  # a time edited by hand: as written
    listed = json.loads(run_cli("archive", "review", "--quarantine", "--json", env=FAST).stdout)
    assert listed[0]["at"] == "2026-12-05T13:30:38+00:00"  # the moment itself, for programs


def test_review_of_an_empty_quarantine(archivist_cli: Any) -> None:
    result = archivist_cli("archive", "review", "--quarantine")
    assert (result.exit_code, result.stdout.strip()) == (0, "隔离区没有文件")
    assert json.loads(archivist_cli("archive", "review", "--quarantine", "--json").stdout) == []


BAD = [
    (("file", "不存在.pdf"), 6, "错误：找不到文件 不存在.pdf：请检查路径"),
    (
        ("file", "x.pdf", "--category", "人事档案"),
        2,
        "错误：档案类别“人事档案”不存在，应为 业主档案、工程档案、合同协议档案、财务档案 之一",
    ),
    (
        ("file", "x.pdf", "--unit", "楼下"),
        5,
        "错误：房号“楼下”无法识别，应写成 楼栋-单元-房号，例如 3-2-1201 或 5栋1201室（别墅、商铺、车位如 12号别墅、商铺S-101、车位B1-023）",
    ),
    (("file", "x.pdf", "--date", "2026-13-01"), 5, "错误：文件日期“2026-13-01”不存在：请检查年月日"),
    # A box or shelf of punctuation alone would stand as where the paper original is, as archive update refuses it.
    (
        ("file", "x.pdf", "--category", "业主档案", "--box", "。"),
        5,
        "错误：盒号“。”没有字母、数字或汉字：请用 --box 写明盒号，例如 --box B-12",
    ),
    # A right-to-left override or a control character typed into a flag was filed, in the title and the file's name.
    (
        ("file", "x.pdf", "--category", "业主档案", "--title", "图纸\u202e说明"),
        5,
        "错误：题名里有控制字符（如 NUL、换行）或不可见的格式字符，没有归档：请重新输入",
    ),
    (
        ("file", "x.pdf", "--category", "业主档案", "--box", "A\x011"),
        5,
        "错误：盒号里有控制字符（如 NUL、换行）或不可见的格式字符，没有归档：请重新输入",
    ),
    (
        ("file", "x.pdf", "--category", "业主档案", "--shelf", "B\u200b2"),
        5,
        "错误：架位里有控制字符（如 NUL、换行）或不可见的格式字符，没有归档：请重新输入",
    ),
    (
        ("file", "x.pdf", "--category", "业主档案", "--title", ",,"),
        5,
        "错误：题名不能只有标点：请用 --title 写明题名，例如 --title 3号楼给排水竣工图纸",
    ),
    (
        ("file", "x.pdf", "--category", "业主档案", "--shelf", ",,"),
        5,
        "错误：架位“,,”没有字母、数字或汉字：请用 --shelf 写明架位，例如 --shelf 3排2层",
    ),
    (
        ("file", "x.pdf", "--retention", "很久"),
        5,
        "错误：保管期限“很久”无效，应为 永久、长期、短期 或年数（例如 30年）",
    ),
    # A 档号 left blank (a script's variable unset) said 没有档号为  的档案 (a blank where the number should be).
    *[
        (("archive", *args), 2, "错误：档号是空的：请写明档号，例如 YZ-2026-00001")
        for args in (
            ("show", ""),
            ("text", " "),
            ("return", ""),
            ("update", "", "--title", "产权证"),
            ("lend", "", "--to", "王工", "--due", "2026-12-01"),
        )
    ],  # fmt: skip
    (
        ("archive", "show", "YZ-2026-09999"),
        6,
        "错误：没有档号为 YZ-2026-09999 的档案：请用 recordkit archive list 查看已归档的档案",
    ),
    (
        ("archive", "lend", "YZ-2026-09999", "--to", "王工", "--due", "2027-06-01"),
        6,
        "错误：没有档号为 YZ-2026-09999 的档案：请用 recordkit archive list 查看已归档的档案",
    ),
    (
        ("archive", "lend", "YZ-2026-00001", "--to", "王工", "--due", "下周"),
        5,
        "错误：应还日期“下周”无法识别，应写成 2026-12-05 或 2026年12月5日",
    ),
    # A past day is a bad value, as a due day more than a year ahead and a past exit-pass day are (exit 5).
    (("archive", "lend", "YZ-2026-00001", "--to", "王工", "--due", "2020-01-01"), 5, None),
    # The borrower is held to a person's name, as an owner and a payer are (core.personal.name_problem).
    (
        ("archive", "lend", "YZ-2026-00001", "--to", "x\x01y", "--due", "2027-06-01"),
        5,
        "错误：借阅人：姓名里有换行、控制字符或不可见的格式字符（如从右到左覆盖）：请只写姓名",
    ),
    (
        ("archive", "lend", "YZ-2026-00001", "--to", "王\u200b工", "--due", "2027-06-01"),
        5,
        "错误：借阅人：姓名里有换行、控制字符或不可见的格式字符（如从右到左覆盖）：请只写姓名",
    ),
    (
        ("archive", "lend", "YZ-2026-00001", "--to", "王工\u202e", "--due", "2027-06-01"),
        5,
        "错误：借阅人：姓名里有换行、控制字符或不可见的格式字符（如从右到左覆盖）：请只写姓名",
    ),
    (
        ("archive", "lend", "YZ-2026-00001", "--to", "王" * 65, "--due", "2027-06-01"),
        5,
        "错误：借阅人：姓名太长（65 个字）：最多 64 个字",
    ),
    (
        ("archive", "lend", "YZ-2026-00001", "--to", "王工", "--reason", "。。", "--due", "2027-06-01"),
        5,
        "错误：借阅原因不能只有标点：请在 --reason 后用文字写明借阅原因",
    ),
    (
        ("archive", "lend", "YZ-2026-00001", "--to", ",,", "--due", "2027-06-01"),
        5,
        "错误：借阅人：“,,”没有汉字或字母，不是姓名：请写姓名",
    ),
    # A department of punctuation alone would stand beside the borrower in every list of loans.
    (
        ("archive", "lend", "YZ-2026-00001", "--to", "王工", "--dept", ",,", "--due", "2027-06-01"),
        5,
        "错误：部门“,,”没有汉字或字母，不是部门名称：请用 --dept 写借阅人的部门，例如 --dept 工程部；不知道的不写",
    ),
    (
        ("archive", "lend", "YZ-2026-00001", "--to", "王工", "--dept", "——", "--due", "2027-06-01"),
        5,
        "错误：部门“——”没有汉字或字母，不是部门名称：请用 --dept 写借阅人的部门，例如 --dept 工程部；不知道的不写",
    ),
    # A right-to-left override in the department turned the rest of its line around in every list of loans.
    (
        ("archive", "lend", "YZ-2026-00001", "--to", "王工", "--dept", "工程\u202e部", "--due", "2027-06-01"),
        5,
        "错误：部门里有不可见的格式字符（如从右到左覆盖），没有借出：请重新输入",
    ),
    (
        ("archive", "lend", "YZ-2026-00001", "--to", "王工", "--dept", "工程\x01部", "--due", "2027-06-01"),
        5,
        "错误：部门里有控制字符（如 NUL、换行），没有借出：请重新输入",
    ),
    (("archive", "return", "YZ-2026-00001"), 8, "错误：YZ-2026-00001 的纸质原件没有借出，不需要归还"),
    (
        ("archive", "list", "--unit", "abc"),
        5,
        "错误：房号“abc”无法识别，应写成 楼栋-单元-房号，例如 3-2-1201 或 5栋1201室（别墅、商铺、车位如 12号别墅、商铺S-101、车位B1-023）",
    ),
]


@pytest.mark.parametrize(("args", "code", "message"), BAD, ids=[" ".join(a[:3]) + f" → {c}" for a, c, _ in BAD])
def test_bad_commands_are_refused_with_one_chinese_line(
    archivist_cli: Any,
    workspace: Workspace,
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
    code: int,
    message: str | None,
) -> None:
    write_scan(workspace.root / "x.pdf", 9)
    write_scan(workspace.root / "one.pdf", 1)
    assert (
        archivist_cli(
            "file", str(workspace.root / "one.pdf"), "--category", "业主档案", "--date", "2026-01-01"
        ).exit_code
        == 0
    )
    journal_before = archivist_cli("journal", "list", "--limit", "1000", "--json").stdout
    monkeypatch.chdir(workspace.root)
    result = archivist_cli(*args)
    assert result.exit_code == code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误：")
    if message:
        assert lines[0] == message
    assert archivist_cli("journal", "list", "--limit", "1000", "--json").stdout == journal_before
    assert len(json.loads(archivist_cli("archive", "list", "--json").stdout)) == 1


def test_a_due_day_written_without_its_year_is_the_next_such_day(archivist_cli: Any, workspace: Workspace) -> None:
    # An archivist writes 12月20日, as the office writes dates on paper: the next 20 December from today.
    write_scan(workspace.root / "a.pdf", 1)
    assert archivist_cli("file", str(workspace.root / "a.pdf"), "--category", "业主档案").exit_code == 0
    today = dt.date.today()
    soon, past = today + dt.timedelta(days=10), today - dt.timedelta(days=10)
    lent = archivist_cli("archive", "lend", "YZ-2026-00001", "--to", "王工", "--due", f"{soon.month}月{soon.day}日")
    assert lent.exit_code == 0, lent.output
    assert lent.stdout.strip().endswith(f"应还日期 {soon.isoformat()}")
    assert archivist_cli("archive", "return", "YZ-2026-00001").exit_code == 0
    # Ten days ago, without the year, is this year's day (a mistake to point out, not next year's).
    if past.year == today.year:
        late = archivist_cli("archive", "lend", "YZ-2026-00001", "--to", "王工", "--due", f"{past.month}月{past.day}号")
        assert (late.exit_code, late.stderr.strip()) == (
            5,
            f"错误：应还日期 {past.isoformat()} 早于今天（{today.isoformat()}）：应还日期应是今天或以后的日期",
        )


def test_a_due_day_may_be_tomorrow_or_the_day_after(archivist_cli: Any, workspace: Workspace) -> None:
    """``--due 明天`` was answered 应还日期“明天”无法识别 (exit 5); 明天 and 后天 are the days after today."""
    write_scan(workspace.root / "a.pdf", 1)
    assert archivist_cli("file", str(workspace.root / "a.pdf"), "--category", "业主档案").exit_code == 0
    today = dt.date.today()
    for word, days in (("明天", 1), ("后天", 2), ("今天", 0)):
        lent = archivist_cli("archive", "lend", "YZ-2026-00001", "--to", "王工", "--due", word)
        assert lent.exit_code == 0, lent.output
        assert lent.stdout.strip().endswith(f"给“王工”，应还日期 {(today + dt.timedelta(days=days)).isoformat()}"), word
        assert archivist_cli("archive", "return", "YZ-2026-00001").exit_code == 0


def test_a_due_day_more_than_a_year_ahead_is_refused_and_nothing_is_lent(
    archivist_cli: Any, workspace: Workspace
) -> None:
    """``--due 2099-01-01`` (a year typed wrong) lent the original for 72 years: never overdue, never chased.  The
    same day a year on is the latest; the day after it is refused, as is 2099, and nothing is lent nor journalled."""
    write_scan(workspace.root / "a.pdf", 1)
    assert archivist_cli("file", str(workspace.root / "a.pdf"), "--category", "业主档案").exit_code == 0
    today = dt.date.today()  # the suite's clock: 5 December, no 29 February in sight
    a_year_on = dt.date(today.year + 1, today.month, today.day)
    journal_before = archivist_cli("journal", "list", "--limit", "1000", "--json").stdout
    for due in ("2099-01-01", (a_year_on + dt.timedelta(days=1)).isoformat()):
        refused = archivist_cli("archive", "lend", "YZ-2026-00001", "--to", "王工", "--due", due)
        assert (refused.exit_code, refused.stdout, refused.stderr.strip()) == (
            5,
            "",
            f"错误：应还日期最迟为借出后一年（{today.isoformat()} 借出，最迟 {a_year_on.isoformat()}）："
            f"{due} 请检查年份；借阅期满仍要用的，归还后再借",
        )
    assert archivist_cli("journal", "list", "--limit", "1000", "--json").stdout == journal_before
    assert json.loads(archivist_cli("archive", "loans", "--json").stdout) == []
    lent = archivist_cli("archive", "lend", "YZ-2026-00001", "--to", "王工", "--due", a_year_on.isoformat())
    assert (lent.exit_code, lent.stdout.strip().rsplit("，", 1)[-1]) == (0, f"应还日期 {a_year_on.isoformat()}")


def test_lend_return_and_loans_with_the_confidential_ones_apart(archivist_cli: Any, workspace: Workspace) -> None:
    write_scan(workspace.root / "a.pdf", 1)
    write_scan(workspace.root / "b.pdf", 2)
    archivist_cli(
        "file", str(workspace.root / "a.pdf"), "--unit", "3-2-1201", "--title", "产权证明", "--date", "2026-11-02"
    )
    archivist_cli(
        "file",
        str(workspace.root / "b.pdf"),
        "--unit",
        "1-1-101",
        "--title",
        "身份证",
        "--date",
        "2026-11-01",
        "--confidential",
    )
    lent = archivist_cli("archive", "lend", "YZ-2026-00001", "--to", "王工", "--dept", "工程部", "--due", "2027-06-01")
    assert (lent.exit_code, lent.stdout.strip()) == (
        0,
        "已借出 YZ-2026-00001（产权证明）给“王工”（工程部），应还日期 2027-06-01",
    )
    again = archivist_cli("archive", "lend", "YZ-2026-00001", "--to", "李四", "--due", "2027-06-01")
    assert (again.exit_code, again.stderr.strip()) == (
        8,
        "错误：YZ-2026-00001 的纸质原件已借出（借阅人 王工，应还日期 2027-06-01），归还后才能再借：recordkit archive return YZ-2026-00001",
    )
    secret = archivist_cli("archive", "lend", "YZ-2026-00002", "--to", "李四", "--due", "2027-06-01")
    assert (secret.exit_code, secret.stderr.strip()) == (
        2,
        "错误：YZ-2026-00002 是保密档案，借阅必须写明原因：--reason 借阅原因",
    )
    assert (
        archivist_cli(
            "archive", "lend", "YZ-2026-00002", "--to", "李四", "--due", "2027-06-01", "--reason", "办理过户"
        ).exit_code
        == 0
    )
    table = archivist_cli("archive", "loans").stdout
    assert "借出未还 1 件" in table and "保密档案借出未还 1 件" in table
    assert table.index("王工") < table.index("保密档案借出未还") < table.index("李四")
    loans = json.loads(archivist_cli("archive", "loans", "--json").stdout)
    assert [(loan["archive_no"], loan["borrower"], loan["overdue"], loan["confidential"]) for loan in loans] == [
        ("YZ-2026-00001", "王工", False, False),
        ("YZ-2026-00002", "李四", False, True),
    ]
    assert json.loads(archivist_cli("archive", "loans", "--overdue", "--json").stdout) == []
    assert "纸质原件 │ 已借出：王工，应还 2027-06-01" in archivist_cli("archive", "show", "YZ-2026-00001").stdout
    back = archivist_cli("archive", "return", "YZ-2026-00001")
    assert (back.exit_code, back.stdout.strip()) == (0, "已归还 YZ-2026-00001（产权证明），借阅人 王工")
    assert "纸质原件 │ 在库" in archivist_cli("archive", "show", "YZ-2026-00001").stdout
    assert archivist_cli("journal", "verify").exit_code == 0


def test_loans_overdue_is_headed_as_the_overdue_and_an_empty_list_says_so(
    archivist_cli: Any, workspace: Workspace
) -> None:
    """``archive loans --overdue`` headed its list 借出未还 N 件, the count of the overdue read as all that is out, and
    a list with nothing in it was an empty table; now it says 逾期未还 N 件, and 没有……未还的纸质原件 when there is
    none, as the web page's 借阅 page does."""
    from recordkit.archive.archivist import lend
    from recordkit.ledger.db import open_ledger

    none_out = archivist_cli("archive", "loans")
    assert (none_out.exit_code, none_out.stdout.strip()) == (0, "没有借出未还的纸质原件")
    for pages, name in enumerate(("a.pdf", "b.pdf"), start=1):
        write_scan(workspace.root / name, pages)
        assert archivist_cli("file", str(workspace.root / name), "--category", "业主档案").exit_code == 0
    today = dt.date.today()
    assert archivist_cli("archive", "lend", "YZ-2026-00001", "--to", "王工", "--due", "2027-06-01").exit_code == 0
    none_late = archivist_cli("archive", "loans", "--overdue")
    assert (none_late.exit_code, none_late.stdout.strip()) == (0, "没有逾期未还的纸质原件")
    with open_ledger(archive_workspace(workspace.root, import_units=False).database_url) as ledger:
        a_month_ago = today - dt.timedelta(days=30)
        lend(ledger, "YZ-2026-00002", "李四", today - dt.timedelta(days=3), "档案员", today=a_month_ago)
    late = archivist_cli("archive", "loans", "--overdue")
    assert late.exit_code == 0
    assert "逾期未还 1 件" in late.stdout and "借出未还" not in late.stdout
    assert "YZ-2026-00002" in late.stdout and "YZ-2026-00001" not in late.stdout
    assert "借出未还 2 件" in archivist_cli("archive", "loans").stdout


def test_list_show_and_loans_mask_the_numbers_written_in_a_title_or_a_loan_reason(
    archivist_cli: Any, workspace: Workspace
) -> None:
    """A title typed with the owner's mobile in it and a loan's reason naming an ID number were printed whole by
    ``archive list``, ``show``, ``loans``, ``review`` (table and --json), the lend and update lines, while ``search``
    and the web page mask them; now they are masked there too, whole only with --show-private, which is journalled."""
    write_scan(workspace.root / "a.pdf", 1)
    title, reason = "张伟 13912344321 身份证复印件", "核对身份证 110101199003071233"
    masked_title, masked_reason = "张伟 139****4321 身份证复印件", "核对身份证 110101********1233"
    filed = archivist_cli("file", str(workspace.root / "a.pdf"), "--unit", "3-2-1201", "--title", title)
    assert filed.exit_code == 0, filed.output
    write_scan(workspace.root / "b.pdf", 2)  # filed as 未分类: in the review list
    filed = archivist_cli("file", str(workspace.root / "b.pdf"), "--category", "未分类", "--title", title)
    assert filed.exit_code == 0, filed.output
    lent = archivist_cli("archive", "lend", "YZ-2026-00001", "--to", "王工", "--due", "2027-06-01", "--reason", reason)
    assert (lent.exit_code, lent.stdout.strip()) == (
        0,
        f"已借出 YZ-2026-00001（{masked_title}）给“王工”，应还日期 2027-06-01",
    )
    screens = [
        archivist_cli("archive", "list", "--wide").stdout,
        archivist_cli("archive", "show", "YZ-2026-00001").stdout,
        archivist_cli("archive", "loans", "--wide").stdout,
        archivist_cli("archive", "review").stdout,
    ]
    assert all(masked_title in screen for screen in screens)
    assert masked_reason in screens[2]
    assert not any("13912344321" in screen or "199003071233" in screen for screen in screens)
    updated = archivist_cli("archive", "update", "YZ-2026-00001", "--box", "业主-009")
    assert (updated.exit_code, updated.stdout.strip()) == (
        0,
        f"已更新 YZ-2026-00001（{masked_title}）：房号 3-2-1201，盒号/架位 业主-009",
    )
    [reviewed] = json.loads(archivist_cli("archive", "review", "--json").stdout)
    assert (reviewed["archive_no"], reviewed["title"]) == ("WF-2026-00001", masked_title)
    listed, _ = json.loads(archivist_cli("archive", "list", "--json").stdout)[::-1]
    assert (listed["title"], listed["path"]) == (
        masked_title,
        f"records/archive/业主档案/2026/YZ-2026-00001_{masked_title}.pdf",
    )
    shown = json.loads(archivist_cli("archive", "show", "YZ-2026-00001", "--json").stdout)
    assert (shown["title"], shown["loans"][0]["title"], shown["loans"][0]["reason"]) == (
        masked_title,
        masked_title,
        masked_reason,
    )
    [loan] = json.loads(archivist_cli("archive", "loans", "--json").stdout)
    assert (loan["title"], loan["reason"]) == (masked_title, masked_reason)
    # asked for: whole, and the journal says who saw them
    listed, _ = json.loads(archivist_cli("archive", "list", "--json", "--show-private").stdout)[::-1]
    shown = json.loads(archivist_cli("archive", "show", "YZ-2026-00001", "--json", "--show-private").stdout)
    [loan] = json.loads(archivist_cli("archive", "loans", "--json", "--show-private").stdout)
    assert (listed["title"], shown["title"], shown["loans"][0]["reason"], loan["reason"]) == (
        title,
        title,
        reason,
        reason,
    )
    journal = json.loads(archivist_cli("journal", "list", "--limit", "1000", "--json").stdout)
    assert sum(entry["action"] == "private.view" for entry in journal) == 3


def test_list_review_and_the_unit_filter(archivist_cli: Any, workspace: Workspace) -> None:
    write_scan(inbox(workspace) / "3栋2单元1201 装修协议.jpg", 1)
    write_scan(inbox(workspace) / "IMG_0001.jpg", 2)
    write_scan(inbox(workspace) / "工程档案" / "电梯" / "维保记录.pdf", 3)
    assert archivist_cli("watch", "--once").stdout.strip().endswith("收件箱处理完毕：归档 3 个，隔离 0 个")
    listed = json.loads(archivist_cli("archive", "list", "--json").stdout)
    assert [(i["archive_no"], i["category"], i["unit"], i["topic"]) for i in listed] == [
        ("GC-2026-00001", "工程档案", None, "电梯"),
        ("WF-2026-00001", "未分类", None, None),
        ("YZ-2026-00001", "业主档案", "3-2-1201", None),
    ]
    assert [
        i["archive_no"] for i in json.loads(archivist_cli("archive", "list", "--unit", "3#2-1201", "--json").stdout)
    ] == ["YZ-2026-00001"]
    assert [
        i["archive_no"] for i in json.loads(archivist_cli("archive", "list", "--category", "工程", "--json").stdout)
    ] == ["GC-2026-00001"]
    review = archivist_cli("archive", "review")
    assert (
        "待复核档案 1 件" in review.stdout and "WF-2026-00001" in review.stdout and "无法判断档案类别" in review.stdout
    )
    assert tree(inbox(workspace)) == []


def test_list_of_a_unit_the_ledger_does_not_have_is_named_not_listed_empty(
    archivist_cli: Any, workspace: Workspace
) -> None:
    """A typo in ``archive list --unit`` (3-2-1210 for 3-2-1201) listed 档案 0 件 (exit 0), as if nothing of the unit
    were filed: it says the ledger has no such unit (exit 6), as ``receipt list`` does.  A unit that is there and has
    nothing filed still lists none; an item filed under a unit the ledger lacks (listed in the review) is found."""
    write_scan(inbox(workspace) / "9-9-909 产权证明.jpg", 1)
    assert archivist_cli("watch", "--once").stdout.strip().endswith("归档 1 个，隔离 0 个")
    for args in (
        ("--unit", "3-2-1210"),
        ("--unit", "3-2-1210", "--json"),
        ("--unit", "3-2-1210", "--category", "工程"),
    ):
        typo = archivist_cli("archive", "list", *args)
        assert (typo.exit_code, typo.stdout, typo.stderr) == (
            6,
            "",
            "错误：台账中没有房屋 3-2-1210：请用 recordkit owners list 查看已有房号\n",
        ), args
    there = archivist_cli("archive", "list", "--unit", "3-2-1201", "--json")
    assert (there.exit_code, json.loads(there.stdout)) == (0, [])
    there = archivist_cli("archive", "list", "--unit", "9-9-909", "--category", "工程档案", "--json")
    assert (there.exit_code, json.loads(there.stdout)) == (0, [])
    kept = archivist_cli("archive", "list", "--unit", "9栋9单元909室", "--json")
    assert [(item["archive_no"], item["unit"]) for item in json.loads(kept.stdout)] == [("YZ-2026-00001", "9-9-909")]


def test_the_journal_of_an_item_is_found_by_its_number_as_said_and_holds_its_former_numbers(
    archivist_cli: Any, workspace: Workspace
) -> None:
    """``journal list --key`` took a 档号 only as printed: yz2026-1, which ``archive show`` reads as YZ-2026-00001, said
    操作日志里没有“yz2026-1”的记录, as if the item had no history; and an item whose category was corrected showed
    under its new number only the renumbering, its filing being under the number it had then.  Any spelling of any of
    its numbers now lists its whole history, each entry under the number it was made under."""
    write_scan(inbox(workspace) / "IMG_0001.jpg", 1)
    assert archivist_cli("watch", "--once").stdout.strip().endswith("归档 1 个，隔离 0 个")
    moved = archivist_cli("archive", "update", "WF-2026-00001", "--category", "工程档案", "--title", "水泵房巡检记录")
    assert moved.exit_code == 0, moved.output
    lent = archivist_cli("archive", "lend", "GC-2026-00001", "--to", "王工", "--due", "2027-06-30")
    assert lent.exit_code == 0, lent.output
    history = [
        ("archive.lend", "GC-2026-00001"),
        ("archive.renumber", "GC-2026-00001"),
        ("archive.file", "WF-2026-00001"),
    ]
    for typed in ("GC-2026-00001", "gc2026-1", "ＧＣ－２０２６－００１", "WF-2026-00001", "wf-2026-1"):
        rows = json.loads(archivist_cli("journal", "list", "--key", typed, "--json").stdout)
        assert [(row["action"], row["key"]) for row in rows] == history, typed
    table = archivist_cli("journal", "list", "--key", "gc2026-1")
    assert "操作日志 3 条" in table.stdout and "操作日志里没有" not in table.stdout
    nothing = archivist_cli("journal", "list", "--key", "GC-2026-2")
    assert nothing.exit_code == 0 and "操作日志里没有“GC-2026-2”的记录" in nothing.stdout


def test_verify_exits_9_on_damage_and_repair_mends_what_it_can(archivist_cli: Any, workspace: Workspace) -> None:
    write_scan(inbox(workspace) / "1-1-101_产权证明_20261101.pdf", 1)
    archivist_cli("watch", "--once")
    assert archivist_cli("archive", "verify").stdout.strip() == "档案完好：共 1 件，文件、说明文件与台账记录一致"
    sidecar = workspace.root / "records/archive/业主档案/2026/YZ-2026-00001_产权证明.pdf.json"
    sidecar.unlink()
    broken = archivist_cli("archive", "verify")
    assert broken.exit_code == 9
    assert broken.stderr.splitlines() == [
        "问题：YZ-2026-00001：说明文件 records/archive/业主档案/2026/YZ-2026-00001_产权证明.pdf.json 缺失或与台账不符"
        "（运行 recordkit archive verify --repair）",
        "错误：档案检查发现 1 处问题（共检查 1 件）",
    ]
    mended = archivist_cli("archive", "verify", "--repair")
    assert mended.exit_code == 0
    assert mended.stdout.splitlines() == [
        "已修复：YZ-2026-00001：说明文件缺失或损坏，已按台账记录重写",
        "档案完好：共 1 件，文件、说明文件与台账记录一致",
    ]
    assert json.loads(sidecar.read_text(encoding="utf-8"))["archive_no"] == "YZ-2026-00001"


def test_update_after_review_and_the_paper_location(archivist_cli: Any, workspace: Workspace) -> None:
    write_scan(inbox(workspace) / "业主档案" / "产权证明.pdf", 1)
    archivist_cli("watch", "--once")
    assert "业主档案没有识别出房号" in archivist_cli("archive", "review").stdout
    result = archivist_cli(
        "archive", "update", "YZ-2026-00001", "--unit", "3栋2单元1201", "--box", "业主-003", "--shelf", "A-2-3"
    )
    assert (result.exit_code, result.stdout.strip()) == (
        0,
        "已更新 YZ-2026-00001（产权证明）：房号 3-2-1201，盒号/架位 业主-003/A-2-3",
    )
    assert "待复核档案 0 件" in archivist_cli("archive", "review").stdout
    sidecar = json.loads(
        (workspace.root / "records/archive/业主档案/2026/YZ-2026-00001_产权证明.pdf.json").read_text(encoding="utf-8")
    )
    assert (sidecar["unit"], sidecar["box"], sidecar["shelf"], sidecar["needs_review"]) == (
        "3-2-1201",
        "业主-003",
        "A-2-3",
        False,
    )
    assert archivist_cli("archive", "verify").exit_code == 0
    assert archivist_cli("journal", "verify").exit_code == 0
    nothing = archivist_cli("archive", "update", "YZ-2026-00001")
    assert (nothing.exit_code, nothing.stderr.strip()) == (
        2,
        "错误：没有要修改的内容：请写 --unit、--title、--category、--date、--box、--shelf、--confidential 或 --reviewed",
    )


def test_update_puts_an_item_in_a_phased_unit_end_to_end(archivist_cli: Any, workspace: Workspace) -> None:
    # The unit typed as the phase's other spelling: read as the estate's 二期 in the ledger, the sidecar, the
    # listing and the search, and the item out of review.
    config = workspace.root / "recordkit.toml"
    config.write_text(
        config.read_text(encoding="utf-8") + '\n[[office.phases]]\nname = "二期"\nspellings = ["二区"]\n',
        encoding="utf-8",
    )
    sheet = workspace.root / "二期.xlsx"
    write_sheet(sheet, [[None, None, "二期·1-1-101", 90.0, "孙丽", None, None, None, "已入住"]])
    assert archivist_cli("owners", "import", str(sheet)).exit_code == 0
    write_scan(inbox(workspace) / "业主档案" / "产权证明.pdf", 1)
    assert archivist_cli("file", str(inbox(workspace))).exit_code == 0
    result = archivist_cli("archive", "update", "YZ-2026-00001", "--unit", "二区1-1-101", "--title", "孙丽产权证明")
    assert (result.exit_code, result.stdout) == (
        0,
        "已更新 YZ-2026-00001（孙丽产权证明）：房号 二期·1-1-101，盒号/架位 未登记\n",
    )
    relative = "records/archive/业主档案/2026/YZ-2026-00001_孙丽产权证明.pdf"  # the file named for its new title
    sidecar = json.loads((workspace.root / (relative + ".json")).read_text(encoding="utf-8"))
    assert (sidecar["unit"], sidecar["title"], sidecar["needs_review"]) == ("二期·1-1-101", "孙丽产权证明", False)
    with sqlite3.connect(workspace.root / "records" / "ledger.sqlite3") as db:
        assert db.execute("SELECT unit, needs_review FROM archive_items").fetchone() == ("二期·1-1-101", 0)
    assert "待复核档案 0 件" in archivist_cli("archive", "review").stdout
    assert archivist_cli("archive", "verify").exit_code == 0


@pytest.mark.parametrize(
    ("option", "value", "label"),
    [
        ("--title", "产权\x00证明", "题名"),
        ("--title", "产权\x1b[2J证明", "题名"),
        ("--title", "产权证明\u202efdp.exe", "题名"),
        ("--title", "产权\u2028证明", "题名"),
        ("--box", "业主\x00-003", "盒号"),
        ("--shelf", "A-2\x07-3", "架位"),
    ],
    ids=["nul", "esc", "rlo", "line-separator", "box-nul", "shelf-bel"],
)
def test_update_refuses_a_control_character_and_changes_nothing(
    archivist_cli: Any, workspace: Workspace, option: str, value: str, label: str
) -> None:
    write_scan(inbox(workspace) / "业主档案" / "3-2-1201_产权证明.pdf", 1)
    archivist_cli("watch", "--once")
    sidecar = workspace.root / "records/archive/业主档案/2026/YZ-2026-00001_产权证明.pdf.json"
    before = (archivist_cli("archive", "show", "YZ-2026-00001", "--json").stdout, sidecar.read_bytes())
    journal_before = archivist_cli("journal", "list", "--limit", "1000", "--json").stdout
    result = archivist_cli("archive", "update", "YZ-2026-00001", option, value)
    assert (result.exit_code, result.stderr.strip()) == (
        5,
        f"错误：{label}里有控制字符（如 NUL、换行）或不可见的格式字符，没有修改：请重新输入",
    )
    assert (archivist_cli("archive", "show", "YZ-2026-00001", "--json").stdout, sidecar.read_bytes()) == before
    assert archivist_cli("journal", "list", "--limit", "1000", "--json").stdout == journal_before


@pytest.mark.parametrize("leftover", ["YZ-2026-00001_房产证.pdf", "YZ-2026-00001_房产证.pdf.json"])
def test_a_new_title_whose_file_name_a_killed_rename_left_is_refused_and_changes_nothing(
    archivist_cli: Any, workspace: Workspace, leftover: str
) -> None:
    # A rename killed between placing the new name and its commit leaves the new name in the folder (until recovery
    # or verify --repair): archive update --title to that name again must replace nothing and say what to run.
    write_scan(inbox(workspace) / "业主档案" / "3-2-1201_产权证明.pdf", 1)
    archivist_cli("watch", "--once")
    folder = workspace.root / "records/archive/业主档案/2026"
    if leftover.endswith(".json"):
        (folder / leftover).write_bytes((folder / "YZ-2026-00001_产权证明.pdf.json").read_bytes())
    else:
        os.link(folder / "YZ-2026-00001_产权证明.pdf", folder / leftover)
    before = (archivist_cli("archive", "show", "YZ-2026-00001", "--json").stdout, tree(folder))
    sidecar = (folder / "YZ-2026-00001_产权证明.pdf.json").read_bytes()
    journal_before = archivist_cli("journal", "list", "--limit", "1000", "--json").stdout
    result = archivist_cli("archive", "update", "YZ-2026-00001", "--title", "房产证")
    assert (result.exit_code, result.stdout, result.stderr) == (
        9,
        "",
        f"错误：档案目录中已有 {leftover}，YZ-2026-00001 的文件不能改成这个名字（多半是上次改题名中断时留下的，"
        "或是同名的另一个文件），什么也没有修改：请先运行 recordkit archive verify --repair，再重新修改\n",
    )
    assert (archivist_cli("archive", "show", "YZ-2026-00001", "--json").stdout, tree(folder)) == before
    assert (folder / "YZ-2026-00001_产权证明.pdf.json").read_bytes() == sidecar
    assert archivist_cli("journal", "list", "--limit", "1000", "--json").stdout == journal_before
    # As the message says: the repair takes the leftover away, and the same change then goes through.
    assert archivist_cli("archive", "verify", "--repair").exit_code == 0
    assert archivist_cli("archive", "update", "YZ-2026-00001", "--title", "房产证").exit_code == 0
    assert tree(folder) == ["YZ-2026-00001_房产证.pdf", "YZ-2026-00001_房产证.pdf.json"]
    assert json.loads(archivist_cli("archive", "show", "YZ-2026-00001", "--json").stdout)["title"] == "房产证"
    assert archivist_cli("archive", "verify").exit_code == 0


@pytest.mark.parametrize("title", [",,", "。。", "——"])
def test_update_refuses_a_title_of_punctuation_alone_and_changes_nothing(
    archivist_cli: Any, workspace: Workspace, title: str
) -> None:
    write_scan(inbox(workspace) / "业主档案" / "3-2-1201_产权证明.pdf", 1)
    archivist_cli("watch", "--once")
    sidecar = workspace.root / "records/archive/业主档案/2026/YZ-2026-00001_产权证明.pdf.json"
    before = (archivist_cli("archive", "show", "YZ-2026-00001", "--json").stdout, sidecar.read_bytes())
    result = archivist_cli("archive", "update", "YZ-2026-00001", "--title", title)
    assert (result.exit_code, result.stdout, result.stderr.strip()) == (
        5,
        "",
        "错误：题名不能只有标点：请用 --title 写明题名，例如 --title 3号楼给排水竣工图纸",
    )
    assert (archivist_cli("archive", "show", "YZ-2026-00001", "--json").stdout, sidecar.read_bytes()) == before


@pytest.mark.parametrize(("option", "label", "what"), [("--box", "。", "盒号"), ("--shelf", ",,", "架位")])
def test_update_refuses_a_box_or_shelf_of_punctuation_alone_and_changes_nothing(
    archivist_cli: Any, workspace: Workspace, option: str, label: str, what: str
) -> None:
    """``archive update --box 。`` was kept: 。 stood as where the paper original is.  A box or shelf needs a letter,
    a digit or a Chinese character; nothing is changed.  A real one (B-12, 3排2层) is still kept."""
    write_scan(inbox(workspace) / "业主档案" / "3-2-1201_产权证明.pdf", 1)
    archivist_cli("watch", "--once")
    sidecar = workspace.root / "records/archive/业主档案/2026/YZ-2026-00001_产权证明.pdf.json"
    before = (archivist_cli("archive", "show", "YZ-2026-00001", "--json").stdout, sidecar.read_bytes())
    journalled = archivist_cli("journal", "list", "--limit", "1000", "--json").stdout
    result = archivist_cli("archive", "update", "YZ-2026-00001", option, label)
    assert (result.exit_code, result.stdout, result.stderr.strip()) == (
        5,
        "",
        f"错误：{what}“{label}”没有字母、数字或汉字：请用 {option} 写明{what}，例如 {option} "
        + ("B-12" if what == "盒号" else "3排2层"),
    )
    assert (archivist_cli("archive", "show", "YZ-2026-00001", "--json").stdout, sidecar.read_bytes()) == before
    assert archivist_cli("journal", "list", "--limit", "1000", "--json").stdout == journalled
    kept = archivist_cli("archive", "update", "YZ-2026-00001", option, "B-12")
    assert kept.exit_code == 0, kept.output
    shown = json.loads(archivist_cli("archive", "show", "YZ-2026-00001", "--json").stdout)
    assert shown["box" if what == "盒号" else "shelf"] == "B-12"


def test_a_box_or_shelf_typed_within_the_limit_but_folded_over_it_is_refused(
    archivist_cli: Any, workspace: Workspace
) -> None:
    """``archive update --box`` and ``file --shelf`` counted the 32 characters on the label as typed; B-㍿㍿… (10)
    was then stored as B-株式会社…, 34 characters.  Counted as stored, they are refused (exit 2, as a title too long),
    the message naming the stored length and why; nothing is filed or changed."""
    too_long = "最多 32 个字，现在 34 个字（输入的是 10 个字，按存放的写法计：“㍿”存为“株式会社”，4 个字）：请改短一些"
    label = "B-" + "㍿" * 8
    scan = inbox(workspace) / "3-2-1201_产权证明.pdf"
    write_scan(scan, 1)
    refused = archivist_cli("file", str(scan), "--shelf", label)
    assert (refused.exit_code, refused.stdout, refused.stderr) == (2, "", f"错误：架位{too_long}\n")
    assert scan.exists() and archivist_cli("archive", "list", "--json").stdout.strip() == "[]"
    assert archivist_cli("file", str(scan), "--shelf", "３排２层").exit_code == 0
    refused = archivist_cli("archive", "update", "YZ-2026-00001", "--box", label)
    assert (refused.exit_code, refused.stdout, refused.stderr) == (2, "", f"错误：盒号{too_long}\n")
    with sqlite3.connect(workspace.root / "records" / "ledger.sqlite3") as db:
        assert db.execute("SELECT box, shelf FROM archive_items").fetchall() == [(None, "3排2层")]


def test_watch_gives_the_process_its_signal_handlers_back(archivist_cli: Any, workspace: Workspace) -> None:
    # `watch` handles SIGTERM and Ctrl+C while it runs; a process that goes on afterwards (here the test
    # run) must get its own handlers back, or a later signal would "stop" a watcher that has ended.
    import signal

    before = (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT))
    write_scan(inbox(workspace) / "3栋2单元1201 装修协议.jpg", 1)
    assert archivist_cli("watch", "--once").exit_code == 0
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)) == before


def test_a_scan_filed_straight_from_the_quarantine_leaves_it_with_its_note(
    archivist_cli: Any, workspace: Workspace
) -> None:
    # The service gave up on a good scan (归档时多次出错); the clerk files it from the quarantine, naming its unit.
    quarantine = workspace.root / "records" / "quarantine"
    quarantine.mkdir(parents=True, exist_ok=True)
    scan = write_scan(quarantine / "20261205-180000_购房合同.pdf", 1)
    (quarantine / "20261205-180000_购房合同.pdf.原因.txt").write_text(
        "文件：购房合同.pdf\n原因：归档时多次出错（TimeoutError），详情见 records/logs/watch.log\n"
        "时间：2026-12-05 18:00:00+08:00\n",
        encoding="utf-8",
    )
    (quarantine / "20261205-180000_购房合同.pdf.说明.txt").write_text("盒号: 业主-003\n", encoding="utf-8")
    result = archivist_cli("file", str(scan), "--unit", "3-2-1201")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == (
        "已归档 records/quarantine/20261205-180000_购房合同.pdf → YZ-2026-00001（业主档案，1 页）："
        "records/archive/业主档案/2026/YZ-2026-00001_购房合同.pdf"
    )
    assert tree(quarantine) == []
    listed = archivist_cli("archive", "review", "--quarantine")
    assert listed.stdout.strip() == "隔离区没有文件"
    shown = json.loads(archivist_cli("archive", "show", "YZ-2026-00001", "--json").stdout)
    assert (shown["unit"], shown["title"], shown["box"]) == ("3-2-1201", "购房合同", "业主-003")


def test_a_date_not_taken_is_stored_in_words_and_the_command_line_adds_its_command(
    archivist_cli: Any, workspace: Workspace
) -> None:
    # The stored reason named archive update --date, and the web page showed it; it is now in words for both, and
    # the command line adds the command that corrects it where it prints the reason.
    write_scan(inbox(workspace) / "3-2-1201_产权证明_20990101.pdf", 1)
    filed = archivist_cli("file", str(inbox(workspace) / "3-2-1201_产权证明_20990101.pdf"))
    assert filed.exit_code == 0, filed.output
    hint = (
        "文件日期 2099-01-01 晚于今天，没有采用：请核对后改正日期（recordkit archive update YZ-2026-00001 --date 日期）"
    )
    assert filed.stdout.splitlines()[0].endswith(f"；待复核：{hint}")
    assert json.loads(archivist_cli("archive", "show", "YZ-2026-00001", "--json").stdout)["review_reasons"] == [
        "文件日期 2099-01-01 晚于今天，没有采用：请核对后改正日期"
    ]
    shown = archivist_cli("archive", "show", "YZ-2026-00001").stdout
    assert hint.replace(" ", "") in "".join(part.strip(" │") for part in shown.splitlines()).replace(" ", "")


def test_a_title_typed_at_filing_too_long_for_the_file_name_is_refused_not_cut(
    archivist_cli: Any, workspace: Workspace
) -> None:
    # file --title of 51 characters, 40 of them 𠮷 (four bytes each in a file name): filed cut without a word.
    scan = inbox(workspace) / "3-2-1201_产权证明.pdf"
    write_scan(scan, 1)
    result = archivist_cli("file", str(scan), "--title", "𠮷" * 40 + "门店装修图纸汇总与验收")
    assert (result.exit_code, result.stderr.strip()) == (
        2,
        "错误：题名太长：生僻字和表情符号在文件名里占的位置多，这个题名放不进文件名"
        "（最多相当于 60 个常用字，现在相当于 65 个）：请改短一些",
    )
    assert scan.exists() and archivist_cli("archive", "list", "--json").stdout.strip() == "[]"


def test_watch_once_counts_scans_filed_from_a_folder_it_may_not_delete_from_as_filed_and_says_to_delete_them(
    archivist_cli: Any, workspace: Workspace, undeletable: set[Path]
) -> None:
    # An inbox subfolder owned by another account (mode 0755): the scans were filed, only their inbox names could not
    # be removed.  --once said "归档 0 个" and "2 个文件留在收件箱，没有归档（归档所在的磁盘现在不能写入）", exit 10.
    # (Root removes any file: the refusal is simulated where the operating system gives it.)
    locked = inbox(workspace) / "他人的文件夹"
    write_scan(locked / "1-1-101_产权证明_20261101.pdf", 1)
    write_scan(locked / "1-1-102_产权证明_20261101.pdf", 2)
    write_scan(inbox(workspace) / "3-2-1201_购房合同.pdf", 3)
    undeletable.add(locked)
    result = archivist_cli("watch", "--once")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[-2:] == [
        "收件箱处理完毕：归档 3 个，隔离 0 个",
        "有 2 个文件已归档，但收件箱里的原文件删不掉（没有权限）："
        "他人的文件夹/1-1-101_产权证明_20261101.pdf、他人的文件夹/1-1-102_产权证明_20261101.pdf，请手工删除",
    ]
    assert sum(line.startswith("已归档 ") for line in lines) == 3
    undeletable.clear()
    listed = json.loads(archivist_cli("archive", "list", "--json").stdout)
    assert len(listed) == 3
    assert tree(inbox(workspace)) == [
        "他人的文件夹/1-1-101_产权证明_20261101.pdf",
        "他人的文件夹/1-1-102_产权证明_20261101.pdf",
    ]
    # Run again (cron, the folder still locked): the ledger knows them; nothing is filed twice, nothing quarantined.
    undeletable.add(locked)
    again = archivist_cli("watch", "--once")
    assert again.exit_code == 0, again.output
    assert "隔离 0 个" in again.stdout and "请手工删除" in again.stdout
    undeletable.clear()
    assert len(json.loads(archivist_cli("archive", "list", "--json").stdout)) == 3
    assert archivist_cli("archive", "verify").exit_code == 0


def test_watch_once_files_a_scan_whose_name_ends_in_a_blank_or_a_dot_under_the_name_windows_reads(
    archivist_cli: Any, workspace: Workspace
) -> None:
    # Some copy tools leave "合同.pdf " or "合同.pdf.": it was quarantined as "不支持的文件类型 .pdf " and its quarantined
    # copy lost its extension.  Windows reads such names without the trailing blanks and dots; so does the archive.
    import shutil

    for number, name in enumerate(
        ["1-1-101_产权证明_20261101.pdf ", "1-1-102_购房合同_20261101.pdf.", "1-1-103_购房合同_20261101.PDF. ."], 1
    ):
        shutil.move(write_scan(workspace.root / f"{number}.pdf", number), inbox(workspace) / name)
    (inbox(workspace) / "说明.exe. ").write_bytes(b"MZ not a scan")
    result = archivist_cli("watch", "--once")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[-1] == "收件箱处理完毕：归档 3 个，隔离 1 个"
    archived = sorted(row["path"] for row in json.loads(archivist_cli("archive", "list", "--json").stdout))
    assert archived == [
        "records/archive/业主档案/2026/YZ-2026-00001_产权证明.pdf",
        "records/archive/业主档案/2026/YZ-2026-00002_购房合同.pdf",
        "records/archive/业主档案/2026/YZ-2026-00003_购房合同.pdf",
    ]
    [quarantined] = [line for line in lines if line.startswith("已隔离 ")]
    assert quarantined.startswith("已隔离 说明.exe. ：")
    assert "不支持的文件类型 .exe " not in quarantined
    kept = [name for name in tree(workspace.root / "records" / "quarantine") if not name.endswith(".原因.txt")]
    assert len(kept) == 1 and kept[0].endswith("_说明.exe"), kept
    assert tree(inbox(workspace)) == []
    assert archivist_cli("archive", "verify").exit_code == 0


def test_watch_once_files_a_scan_whose_name_ends_in_a_tab_or_other_white_space_keeping_the_name_as_written(
    archivist_cli: Any, workspace: Workspace
) -> None:
    # "合同.pdf\t" (a scanner's software, a name copied from a Windows list) was quarantined as 不支持的文件类型 .pdf
    # followed by a tab.  The type is read, and the archived file named, without trailing white space and control
    # characters; the ledger's original_name keeps what was written, a control character spelled out as other odd
    # names are.  A name with nothing but white space after its dot has no type, and is quarantined as before.
    import shutil
    import sqlite3

    names = [
        "1-1-101_产权证明_20261101.pdf\t",
        "1-1-102_购房合同_20261101.PDF \t\r\n",
        "1-1-103_装修协议_20261101.pdf\u3000\xa0",
        "1-2-101_入住登记_20261101.pdf\x1f\x7f",
    ]
    for number, name in enumerate(names, 1):
        shutil.move(write_scan(workspace.root / f"{number}.pdf", number), inbox(workspace) / name)
    (inbox(workspace) / "说明.\t ").write_bytes(b"%PDF-1.4 no type")
    result = archivist_cli("watch", "--once")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[-1] == "收件箱处理完毕：归档 4 个，隔离 1 个"
    with sqlite3.connect(workspace.root / "records" / "ledger.sqlite3") as db:
        rows = db.execute("SELECT path, original_name FROM archive_items ORDER BY archive_no").fetchall()
    assert rows == [
        ("records/archive/业主档案/2026/YZ-2026-00001_产权证明.pdf", "1-1-101_产权证明_20261101.pdf<U+0009>"),
        (
            "records/archive/业主档案/2026/YZ-2026-00002_购房合同.pdf",
            "1-1-102_购房合同_20261101.PDF <U+0009><U+000D><U+000A>",
        ),
        ("records/archive/业主档案/2026/YZ-2026-00003_装修协议.pdf", "1-1-103_装修协议_20261101.pdf\u3000\xa0"),
        ("records/archive/业主档案/2026/YZ-2026-00004_入住登记.pdf", "1-2-101_入住登记_20261101.pdf<U+001F><U+007F>"),
    ]
    [quarantined] = [line for line in lines if line.startswith("已隔离 ")]
    assert quarantined.startswith(
        "已隔离 说明.<U+0009> ：不支持的文件类型 （无扩展名）：只归档 PDF、JPG/PNG、TIFF、DOCX、XLSX → records/quarantine/"
    ), quarantined
    kept = [name for name in tree(workspace.root / "records" / "quarantine") if not name.endswith(".原因.txt")]
    assert len(kept) == 1 and kept[0].endswith("_说明"), kept
    assert tree(inbox(workspace)) == []
    assert archivist_cli("archive", "verify").exit_code == 0


def test_watch_once_reads_folder_names_and_temporary_files_with_a_trailing_blank_or_dot_as_windows_does(
    archivist_cli: Any, workspace: Workspace
) -> None:
    # Folders "工程档案 /1-1-101./" gave the category but no unit (and no word of it); "扫描.tmp " was quarantined as an
    # unsupported file where "扫描.tmp" is left alone as the scanner's temporary file.
    write_scan(inbox(workspace) / "工程档案 " / "1-1-101." / "装修验收_20261101.pdf", 1)
    (inbox(workspace) / "扫描.tmp ").write_bytes(b"half a scan")
    result = archivist_cli("watch", "--once")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "收件箱处理完毕：归档 1 个，隔离 0 个"
    [row] = json.loads(archivist_cli("archive", "list", "--json").stdout)
    assert (row["category"], row["unit"], row["title"]) == ("工程档案", "1-1-101", "装修验收")
    assert tree(inbox(workspace)) == ["扫描.tmp "]


def test_watch_once_quarantines_a_file_it_may_not_delete_from_its_folder_once_and_says_to_delete_it(
    archivist_cli: Any, workspace: Workspace, undeletable: set[Path]
) -> None:
    # An unsupported file in an inbox folder of another account: quarantining linked it into records/quarantine/ with
    # its note, then could not remove it from the inbox and was taken for a disk that cannot be written (exit 10);
    # every pass added another copy and note.  It is quarantined once, and the leftover is named for deletion.
    locked = inbox(workspace) / "他人的文件夹"
    locked.mkdir(parents=True)
    (locked / "说明.exe").write_bytes(b"MZ not a scan")
    undeletable.add(locked)
    for _ in range(2):  # cron runs it again while the folder is still locked
        result = archivist_cli("watch", "--once")
        assert result.exit_code == 0, result.output
        lines = result.stdout.splitlines()
        assert lines[-2:] == [
            "收件箱处理完毕：归档 0 个，隔离 1 个",
            "有 1 个文件已隔离，但收件箱里的原文件删不掉（没有权限）：他人的文件夹/说明.exe，请手工删除",
        ]
    undeletable.clear()
    quarantined = sorted(path.name for path in (workspace.root / "records" / "quarantine").iterdir())
    assert len(quarantined) == 2 and quarantined[0].endswith("_说明.exe") and quarantined[1].endswith(".txt")
    assert tree(inbox(workspace)) == ["他人的文件夹/说明.exe"]


def test_a_sidecars_box_or_shelf_of_punctuation_alone_is_not_taken_and_the_scan_is_listed_for_review(
    archivist_cli: Any, workspace: Workspace
) -> None:
    """A scanning station's ``{"盒号": "。", "架位": ",,"}`` was filed as written, where ``--box 。`` is refused: the
    same check now leaves it out, as any bad sidecar value is, and the item is listed for review naming it."""
    write_scan(inbox(workspace) / "3-2-1201_产权证明.pdf", 1)
    (inbox(workspace) / "3-2-1201_产权证明.pdf.json").write_text('{"盒号": "。", "架位": ",,"}', encoding="utf-8")
    write_scan(inbox(workspace) / "3-2-1202_产权证明.pdf", 2)
    (inbox(workspace) / "3-2-1202_产权证明.pdf.json").write_text('{"盒号": "B-12", "架位": "3排2层"}', encoding="utf-8")
    result = archivist_cli("watch", "--once")
    assert result.exit_code == 0, result.output
    assert "收件箱处理完毕：归档 2 个，隔离 0 个" in result.stdout
    shown = json.loads(archivist_cli("archive", "show", "YZ-2026-00001", "--json").stdout)
    assert (shown["box"], shown["shelf"], shown["needs_review"]) == (None, None, True)
    assert shown["review_reasons"][:2] == [
        "说明文件中 盒号：盒号“。”没有字母、数字或汉字：请写明盒号，例如 B-12",
        "说明文件中 架位：架位“,,”没有字母、数字或汉字：请写明架位，例如 3排2层",
    ]
    kept = json.loads(archivist_cli("archive", "show", "YZ-2026-00002", "--json").stdout)
    assert (kept["box"], kept["shelf"]) == ("B-12", "3排2层")


def test_a_sidecars_title_or_box_with_a_right_to_left_override_is_not_taken_nor_put_in_the_files_name(
    archivist_cli: Any, workspace: Workspace
) -> None:
    """``--title 产权<U+202E>证明`` is refused; the same title in a scanner's sidecar named the archived file with the
    override in it (turned around on every screen).  Now it is left out, as a bad sidecar value is, and said."""
    write_scan(inbox(workspace) / "3-2-1201_产权证明.pdf", 1)
    sidecar = {"题名": "产权\u202e证明", "盒号": "A\u202e21", "架位": "B\u200b1"}
    (inbox(workspace) / "3-2-1201_产权证明.pdf.json").write_text(json.dumps(sidecar), encoding="utf-8")
    result = archivist_cli("watch", "--once")
    assert result.exit_code == 0, result.output
    shown = json.loads(archivist_cli("archive", "show", "YZ-2026-00001", "--json").stdout)
    assert (shown["title"], shown["box"], shown["shelf"]) == ("产权证明", None, None)
    assert shown["path"] == "records/archive/业主档案/2026/YZ-2026-00001_产权证明.pdf"
    assert shown["review_reasons"][:3] == [
        "说明文件中 题名：题名“产权<U+202E>证明”里有控制字符（如换行）或不可见的格式字符（U+202E），没有采用：请核对原件后改正",
        "说明文件中 盒号：盒号“A<U+202E>21”里有控制字符（如换行）或不可见的格式字符（U+202E），没有采用：请核对原件后改正",
        "说明文件中 架位：架位“B<U+200B>1”里有控制字符（如换行）或不可见的格式字符（U+200B），没有采用：请核对原件后改正",
    ]


def test_a_sidecars_topic_or_note_of_punctuation_alone_is_not_taken(archivist_cli: Any, workspace: Workspace) -> None:
    """A scanning station's ``{"主题": "——", "备注": "，，"}`` was filed as written and shown as the item's 主题 and
    备注; now both are left out and the item listed for review naming them, as a title of punctuation alone is."""
    write_scan(inbox(workspace) / "3-2-1201_产权证明.pdf", 1)
    (inbox(workspace) / "3-2-1201_产权证明.pdf.json").write_text('{"主题": "——", "备注": "，，"}', encoding="utf-8")
    result = archivist_cli("watch", "--once")
    assert result.exit_code == 0, result.output
    shown = json.loads(archivist_cli("archive", "show", "YZ-2026-00001", "--json").stdout)
    assert (shown["topic"], shown["note"], shown["needs_review"]) == (None, None, True)
    assert shown["review_reasons"] == [
        "说明文件中 主题：主题“——”只有标点，没有采用：请写明主题，例如 电梯",
        "说明文件中 备注：备注“，，”只有标点，没有采用：请写明备注，例如 业主自带原件核对",
    ]


def test_a_file_named_for_its_category_is_filed_in_it(archivist_cli: Any, workspace: Workspace) -> None:
    """A Windows zip's 业主档案.pdf (its name GBK bytes, as the zip unpacks it) was filed 未分类 as WF-2026-00001, for
    review as 无法判断档案类别, though its name is the category's; now it is 业主档案's, for review only for its unit."""
    from recordkit.demo.scans import scan_bytes

    with open(os.fsencode(inbox(workspace)) + b"/" + "业主档案.pdf".encode("gbk"), "wb") as scan:
        scan.write(scan_bytes("pdf", 1))
    result = archivist_cli("watch", "--once")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == (
        "已归档 业主档案.pdf → YZ-2026-00001（业主档案，1 页）：records/archive/业主档案/2026/YZ-2026-00001_业主档案.pdf"
        "；待复核：业主档案没有识别出房号"
    )
    with sqlite3.connect(workspace.root / "records" / "ledger.sqlite3") as conn:
        rows = conn.execute("SELECT archive_no, category, unit, title, original_name FROM archive_items").fetchall()
    assert rows == [("YZ-2026-00001", "业主档案", None, "业主档案", "业主档案.pdf")]


def _shown_rows(output: str) -> dict[str, str]:
    """The rows of ``archive show``'s table: 项目 → 内容, as the archivist reads them."""
    cells = [line.split("│") for line in output.splitlines()]
    return {row[1].strip(): row[2].strip() for row in cells if len(row) == 4}


def test_archive_show_shows_the_sidecars_note_masked(archivist_cli: Any, workspace: Workspace) -> None:
    """A scanning station's 备注 (what the archivist wrote about the paper) was kept in the ledger and the sidecar but
    shown by no listing: ``archive show`` had no row for it; now it has one, a phone in it masked unless asked."""
    write_scan(inbox(workspace) / "3-2-1201_产权证明.pdf", 1)
    sidecar = '{"主题": "产权", "备注": "缺第3页 业主13912344321"}'
    (inbox(workspace) / "3-2-1201_产权证明.pdf.json").write_text(sidecar, encoding="utf-8")
    assert archivist_cli("watch", "--once").exit_code == 0
    result = archivist_cli("archive", "show", "YZ-2026-00001")
    assert result.exit_code == 0, result.output
    rows = _shown_rows(result.stdout)
    assert (rows["主题"], rows["备注"]) == ("产权", "缺第3页 业主139****4321")
    private = archivist_cli("archive", "show", "YZ-2026-00001", "--show-private")
    assert _shown_rows(private.stdout)["备注"] == "缺第3页 业主13912344321"


def test_archive_show_says_a_unit_is_unrecognised_only_where_one_is_expected(
    archivist_cli: Any, workspace: Workspace
) -> None:
    """Every item without a unit was shown 房号 （未识别）, an engineering drawing too, which has none to recognise;
    now only an item of the category filed by unit (业主档案, listed for review then) says so, any other 无."""
    write_scan(inbox(workspace) / "1号楼竣工图纸.pdf", 1)
    write_scan(inbox(workspace) / "产权证明.pdf", 2)
    assert archivist_cli("watch", "--once").exit_code == 0
    shown = {
        number: _shown_rows(archivist_cli("archive", "show", number).stdout)["房号"]
        for number in ("GC-2026-00001", "YZ-2026-00001")
    }
    assert shown == {"GC-2026-00001": "无", "YZ-2026-00001": "（未识别）"}


def test_a_sidecar_value_of_the_wrong_json_type_is_not_filed_as_text(archivist_cli: Any, workspace: Workspace) -> None:
    """A station's ``{"盒号": true, "架位": 1.5e3}`` was filed as 盒号 "true" and 架位 "1500.0", a list as title left out
    unsaid; now each is left out and the item listed for review naming it as written; a whole number is its digits."""
    write_scan(inbox(workspace) / "3-2-1201_产权证明.pdf", 1)
    sidecar = '{"盒号": true, "架位": 1.5e3, "题名": ["竣工图纸"]}'
    (inbox(workspace) / "3-2-1201_产权证明.pdf.json").write_text(sidecar, encoding="utf-8")
    write_scan(inbox(workspace) / "3-2-1202_产权证明.pdf", 2)
    (inbox(workspace) / "3-2-1202_产权证明.pdf.json").write_text('{"盒号": 12, "架位": 305}', encoding="utf-8")
    result = archivist_cli("watch", "--once")
    assert result.exit_code == 0, result.output
    shown = json.loads(archivist_cli("archive", "show", "YZ-2026-00001", "--json").stdout)
    assert (shown["title"], shown["box"], shown["shelf"], shown["needs_review"]) == ("产权证明", None, None, True)
    assert shown["review_reasons"] == [
        '说明文件中 盒号：盒号写的是 true（真假值），不是文字，没有采用：请写成带引号的文字，例如 "盒号": "B-12"',
        '说明文件中 架位：架位写的是 1.5e3（小数），不是文字，没有采用：请写成带引号的文字，例如 "架位": "3排2层"',
        '说明文件中 题名：题名写的是 ["竣工图纸"]（列表），不是文字，没有采用：'
        '请写成带引号的文字，例如 "题名": "3号楼给排水竣工图纸"',
    ]
    review = archivist_cli("archive", "review")
    assert "盒号写的是 true（真假值）" in review.stdout
    kept = json.loads(archivist_cli("archive", "show", "YZ-2026-00002", "--json").stdout)
    assert (kept["box"], kept["shelf"], kept["needs_review"]) == ("12", "305", False)


def test_a_sidecars_title_of_punctuation_alone_is_not_taken_nor_put_in_the_files_name(
    archivist_cli: Any, workspace: Workspace
) -> None:
    """``--title 。。`` is refused; the same title in a scanner's sidecar was filed as the item's title and its file's
    name (``YZ-2026-00001_。。.pdf``).  Now the title is the file name's, and the sidecar's is a reason for review."""
    write_scan(inbox(workspace) / "3-2-1201_产权证明.pdf", 1)
    (inbox(workspace) / "3-2-1201_产权证明.pdf.json").write_text('{"题名": "。。"}', encoding="utf-8")
    result = archivist_cli("watch", "--once")
    assert result.exit_code == 0, result.output
    shown = json.loads(archivist_cli("archive", "show", "YZ-2026-00001", "--json").stdout)
    assert (shown["title"], shown["path"]) == ("产权证明", "records/archive/业主档案/2026/YZ-2026-00001_产权证明.pdf")
    assert (
        shown["review_reasons"][0]
        == "说明文件中 题名：题名“。。”只有标点，没有采用：请写明题名，例如 3号楼给排水竣工图纸"
    )


def test_a_box_and_shelf_typed_full_width_are_stored_as_half_width_and_listed_by(
    archivist_cli: Any, workspace: Workspace
) -> None:
    """``--box Ａ－１－２`` (the input method left in full-width) was stored as typed: the same box then had two
    names, and ``archive list`` could not say what a box holds.  Box and shelf are stored NFKC-folded (filing, a
    sidecar and ``archive update`` alike), and ``archive list --box/--shelf`` lists what lies there."""
    write_scan(inbox(workspace) / "3-2-1201_产权证明.pdf", 1)
    filed = archivist_cli(
        "file", str(inbox(workspace) / "3-2-1201_产权证明.pdf"), "--box", "Ａ－１－２", "--shelf", "３排２层"
    )
    assert filed.exit_code == 0, filed.output
    write_scan(inbox(workspace) / "3-2-1202_产权证明.pdf", 2)
    (inbox(workspace) / "3-2-1202_产权证明.pdf.json").write_text('{"盒号": "Ａ－１－２", "架位": "３排３层"}', "utf-8")
    write_scan(inbox(workspace) / "3-2-1203_产权证明.pdf", 3)
    assert archivist_cli("file", str(inbox(workspace))).exit_code == 0
    updated = archivist_cli("archive", "update", "YZ-2026-00003", "--box", "Ｂ－７", "--shelf", "３排２层")
    assert updated.exit_code == 0, updated.output
    assert (
        updated.stdout
        == "已更新 YZ-2026-00003（产权证明）：房号 3-2-1203，盒号/架位 B-7/3排2层；仍待复核：台账中没有房屋 3-2-1203\n"
    )
    with sqlite3.connect(workspace.root / "records" / "ledger.sqlite3") as db:
        rows = db.execute("SELECT archive_no, box, shelf FROM archive_items ORDER BY seq").fetchall()
    assert rows == [
        ("YZ-2026-00001", "A-1-2", "3排2层"),
        ("YZ-2026-00002", "A-1-2", "3排3层"),
        ("YZ-2026-00003", "B-7", "3排2层"),
    ]
    # Retyping the box it is in already, full-width, changes nothing.
    again = archivist_cli("archive", "update", "YZ-2026-00003", "--box", "Ｂ－７")
    assert (again.exit_code, again.stdout) == (0, "没有改动：YZ-2026-00003（产权证明）已是这样\n")

    def listed(*args: str) -> list[str]:
        result = archivist_cli("archive", "list", *args, "--json")
        assert result.exit_code == 0, result.output
        return [item["archive_no"] for item in json.loads(result.stdout)]

    assert listed("--box", "A-1-2") == listed("--box", "Ａ－１－２") == ["YZ-2026-00001", "YZ-2026-00002"]
    assert listed("--shelf", "3排2层") == ["YZ-2026-00001", "YZ-2026-00003"]
    assert listed("--box", "A-1-2", "--shelf", "３排２层") == ["YZ-2026-00001"]
    assert listed("--box", "A-1") == []  # exact, never a part of another box's name
    table = archivist_cli("archive", "list", "--box", "B-7")
    assert table.exit_code == 0 and "档案 1 件" in table.stdout and "YZ-2026-00003" in table.stdout


def test_file_masks_a_number_in_the_names_it_prints_unless_show_private(
    archivist_cli: Any, workspace: Workspace
) -> None:
    """``recordkit file`` printed the file's name and its archived path with the owner's phone number in them, where
    ``archive list`` and every other archive listing mask it: now it masks it too (the line and ``--json``), and
    ``--show-private`` shows it, journalled as theirs is."""
    name = "张伟 13812345678 身份证复印件.pdf"
    write_scan(inbox(workspace) / name, 1)
    filed = archivist_cli("file", str(inbox(workspace) / name), "--unit", "3-2-1201", "--category", "业主档案")
    assert filed.exit_code == 0, filed.output
    assert filed.stdout.splitlines()[0] == (
        "已归档 张伟 138****5678 身份证复印件.pdf → YZ-2026-00001（业主档案，1 页）："
        "records/archive/业主档案/2026/YZ-2026-00001_张伟 138****5678 身份证复印件.pdf"
    )
    assert "13812345678" not in filed.stdout
    write_scan(inbox(workspace) / name, 2)
    as_json = archivist_cli("file", str(inbox(workspace) / name), "--unit", "3-2-1201", "--json")
    assert as_json.exit_code == 0, as_json.output
    [outcome] = json.loads(as_json.stdout)
    assert (outcome["source"], outcome["path"]) == (
        "张伟 138****5678 身份证复印件.pdf",
        "records/archive/业主档案/2026/YZ-2026-00002_张伟 138****5678 身份证复印件.pdf",
    )
    write_scan(inbox(workspace) / name, 3)
    shown = archivist_cli("file", str(inbox(workspace) / name), "--unit", "3-2-1201", "--show-private")
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.splitlines()[0] == (
        f"已归档 {name} → YZ-2026-00003（业主档案，1 页）：records/archive/业主档案/2026/YZ-2026-00003_{name}"
    )
    with sqlite3.connect(workspace.root / "records" / "ledger.sqlite3") as db:
        viewed = db.execute(
            "SELECT entity_key, after FROM journal WHERE action = 'private.view' ORDER BY id DESC"
        ).fetchall()
    assert [(key, json.loads(after)) for key, after in viewed] == [("file", {"count": 1, "first": ["YZ-2026-00003"]})]


def test_watch_masks_the_numbers_in_what_it_prints_and_logs_unless_show_private(
    archivist_cli: Any, workspace: Workspace
) -> None:
    """``recordkit watch`` printed what it filed as written — the scan's name 张伟 13812345678.pdf and its archived
    name, made of the sidecar's title 业主档案 张伟 13812345678 110101199003071233 — where ``recordkit file`` masks
    them, and its log kept the name whole.  Now it masks them as ``file`` does (an inbox file it leaves there too), and
    ``--show-private`` shows them, journalled as ``file``'s are; the log masks them always."""
    name = "张伟 13812345678.pdf"
    title = "业主档案 张伟 13812345678 110101199003071233"

    def scan(content: int) -> None:
        write_scan(inbox(workspace) / name, content)
        (inbox(workspace) / f"{name}.json").write_text(
            json.dumps({"房号": "1-1-101", "题名": title}, ensure_ascii=False), encoding="utf-8"
        )

    scan(1)
    (inbox(workspace) / ".张伟 13812345678 草稿.pdf").write_bytes(b"%PDF-1.4\n")
    watched = archivist_cli("watch", "--once")
    assert watched.exit_code == 0, watched.output
    assert watched.stdout.splitlines() == [
        "已归档 张伟 138****5678.pdf → YZ-2026-00001（业主档案，1 页）："
        "records/archive/业主档案/2026/YZ-2026-00001_业主档案 张伟 138****5678 110101********1233.pdf",
        "收件箱处理完毕：归档 1 个，隔离 0 个",
        f"还有 1 个文件不归档，留在收件箱：.张伟 138****5678 草稿.pdf（{HIDDEN_LEFT}）",
    ]
    scan(2)
    shown = archivist_cli("watch", "--once", "--show-private")
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.splitlines() == [
        f"已归档 {name} → YZ-2026-00002（业主档案，1 页）：records/archive/业主档案/2026/YZ-2026-00002_{title}.pdf",
        "收件箱处理完毕：归档 1 个，隔离 0 个",
        f"还有 1 个文件不归档，留在收件箱：.张伟 13812345678 草稿.pdf（{HIDDEN_LEFT}）",
    ]
    with sqlite3.connect(workspace.root / "records" / "ledger.sqlite3") as db:
        viewed = db.execute("SELECT entity_key, after FROM journal WHERE action = 'private.view'").fetchall()
    assert [(key, json.loads(after)) for key, after in viewed] == [("watch", {"count": 1, "first": ["YZ-2026-00002"]})]
    logs = workspace.root / "records" / "logs"
    for log in (logs / "watch.log", logs / "recordkit.log"):
        text = log.read_text(encoding="utf-8")
        assert "filed 1: 张伟 138****5678.pdf → YZ-2026-00001" in text, log
        assert "filed 1: 张伟 138****5678.pdf → YZ-2026-00002" in text, log
        assert "13812345678" not in text, log


def test_a_unit_typed_that_the_ledger_does_not_have_is_refused_nothing_filed_or_changed(
    archivist_cli: Any, workspace: Workspace
) -> None:
    """``file X.pdf --unit 9-9-909`` filed the scan under a unit the ledger does not have and flagged it for review;
    ``archive update N --unit 3-2-1201x`` stored 3-2-1201X, and with ``--reviewed`` cleared the review though the unit
    does not exist.  A unit typed is refused as every other command refuses it (exit 6, nothing written); a unit read
    from a scan's file name (the service, no one at the keyboard) is still filed for review.  Retyping that unit to
    confirm it was refused as a typo is, leaving the clerk to guess: the refusal says the item is filed under it
    already and what to do."""
    write_scan(workspace.root / "产权证明.pdf", 1)
    filed = archivist_cli("file", str(workspace.root / "产权证明.pdf"), "--category", "业主档案", "--unit", "9-9-909")
    assert (filed.exit_code, filed.stdout, filed.stderr) == (
        6,
        "",
        "错误：台账中没有房屋 9-9-909：请用 recordkit owners list 查看已有房号\n",
    )
    assert json.loads(archivist_cli("archive", "list", "--json").stdout) == []
    assert (workspace.root / "产权证明.pdf").is_file()
    write_scan(inbox(workspace) / "9-9-909 产权证明.jpg", 2)
    assert archivist_cli("watch", "--once").stdout.strip().endswith("归档 1 个，隔离 0 个")
    for typed, shown in (("9-9-908", "9-9-908"), ("3-2-1201x", "3-2-1201X"), ("9栋9单元909室", "9-9-909")):
        for reviewed in ((), ("--reviewed",)):
            refused = archivist_cli("archive", "update", "YZ-2026-00001", "--unit", typed, *reviewed)
            filed_under = "，这件档案登记的已是这一户：房号没错的，请先在业主名册中加上这一户并导入，再复核"
            assert (refused.exit_code, refused.stdout, refused.stderr) == (
                6,
                "",
                f"错误：台账中没有房屋 {shown}：请用 recordkit owners list 查看已有房号"
                f"{filed_under if shown == '9-9-909' else ''}\n",
            ), (typed, reviewed)
    kept = json.loads(archivist_cli("archive", "show", "YZ-2026-00001", "--json").stdout)
    assert (kept["unit"], kept["needs_review"], kept["review_reasons"]) == (
        "9-9-909",
        True,
        ["台账中没有房屋 9-9-909"],
    )
    # the right unit moves it there and out of the review in one command
    corrected = archivist_cli("archive", "update", "YZ-2026-00001", "--unit", "3-2-1201")
    assert (corrected.exit_code, corrected.stdout) == (
        0,
        "已更新 YZ-2026-00001（产权证明）：房号 3-2-1201，盒号/架位 未登记\n",
    )
    assert json.loads(archivist_cli("archive", "review", "--json").stdout) == []


def test_a_review_is_not_cleared_while_the_item_stays_on_a_unit_the_ledger_lacks(
    archivist_cli: Any, workspace: Workspace
) -> None:
    """``archive update N --reviewed`` alone (or with a title) cleared the review of a scan the service filed under
    9-9-909, which the ledger lacks, with no warning: the item left the review list on a unit no one can find.  It
    is refused (exit 6, nothing changed) until the unit is in the roster or the item is moved to one that is."""
    write_scan(inbox(workspace) / "9-9-909 产权证明.jpg", 2)
    assert archivist_cli("watch", "--once").stdout.strip().endswith("归档 1 个，隔离 0 个")
    for more in ((), ("--title", "孙丽产权证明")):
        refused = archivist_cli("archive", "update", "YZ-2026-00001", "--reviewed", *more)
        assert (refused.exit_code, refused.stdout, refused.stderr) == (
            6,
            "",
            "错误：台账中没有房屋 9-9-909：请用 recordkit owners list 查看已有房号，"
            "这件档案登记的已是这一户：房号没错的，请先在业主名册中加上这一户并导入，再复核；"
            "现在只改题名等其他内容的，不加 --reviewed\n",
        ), more
    kept = json.loads(archivist_cli("archive", "show", "YZ-2026-00001", "--json").stdout)
    assert (kept["unit"], kept["title"], kept["needs_review"], kept["review_reasons"]) == (
        "9-9-909",
        "产权证明",
        True,
        ["台账中没有房屋 9-9-909"],
    )
    # without --reviewed (as the refusal says) the title is corrected and the item stays in the review
    titled = archivist_cli("archive", "update", "YZ-2026-00001", "--title", "孙丽产权证明")
    assert titled.exit_code == 0, titled.output
    assert [item["archive_no"] for item in json.loads(archivist_cli("archive", "review", "--json").stdout)] == [
        "YZ-2026-00001"
    ]
    # the unit added to the roster: now the review is cleared
    sheet = workspace.root / "名册.xlsx"
    write_sheet(sheet, [[None, None, "9-9-909", 90.0, "孙丽", None, None, None, "已入住"]])
    assert archivist_cli("owners", "import", str(sheet)).exit_code == 0
    done = archivist_cli("archive", "update", "YZ-2026-00001", "--reviewed")
    assert done.exit_code == 0, done.output
    assert json.loads(archivist_cli("archive", "review", "--json").stdout) == []


def test_an_encrypted_pdf_given_outside_the_inbox_is_told_to_be_filed_again_not_put_in_the_inbox(
    archivist_cli: Any, workspace: Workspace
) -> None:
    """``recordkit file 加密.pdf`` of a PDF with an open password outside the inbox said 请去掉密码后重新放入收件箱,
    though the file was never in the inbox: the advice is worded for where the file came from."""
    (workspace.root / "加密.pdf").write_bytes(encrypted_pdf())
    refused = archivist_cli("file", str(workspace.root / "加密.pdf"))
    assert (refused.exit_code, refused.stdout.splitlines()) == (
        5,
        [
            "未归档 加密.pdf：PDF 设置了打开密码，无法读取：请去掉密码后再用 recordkit file 归档",
            "共 1 个文件：归档 0 个，未归档 1 个",
        ],
    )
    assert (workspace.root / "加密.pdf").is_file()
    (inbox(workspace) / "加密.pdf").write_bytes(encrypted_pdf())
    quarantined = archivist_cli("watch", "--once")
    assert quarantined.stdout.splitlines()[0].startswith(
        "已隔离 加密.pdf：PDF 设置了打开密码，无法读取：请去掉密码后重新放入收件箱 → records/quarantine/"
    )


@pytest.mark.parametrize(
    ("name", "content", "advice"),
    [
        (
            "坏.xlsx",
            b"PK\x03\x04broken",
            "Excel 表格已损坏，无法打开：请重新保存后再用 recordkit file 归档",
        ),
        (  # a Word 97-2003 file (OLE, its WordDocument stream) renamed .docx
            "旧版.docx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100 + "WordDocument".encode("utf-16-le"),
            "文件内容是旧版 .doc 格式，扩展名却是 .docx：请用 Word 或 WPS 打开后另存为 .docx，再用 recordkit file 归档",
        ),
        ("合同扫描.zip", b"PK\x03\x04" + bytes(64), "压缩包，请解压后再用 recordkit file 归档里面的文件"),
        (  # an iPhone's photo copied to the PC (~/下载/IMG_4021.HEIC)
            "IMG_4021.HEIC",
            b"\0\0\0\x18ftypheic" + bytes(64),
            "苹果手机照片（HEIC），请在手机设置→相机→格式里选“兼容性最佳”，或转成 JPG 后再用 recordkit file 归档",
        ),
    ],
)
def test_a_refused_file_given_outside_the_inbox_is_told_to_be_filed_again_not_put_in_the_inbox(
    archivist_cli: Any, workspace: Workspace, name: str, content: bytes, advice: str
) -> None:
    """``recordkit file`` of a corrupt Office file, an old .doc under .docx, a zip or an iPhone's HEIC photo outside the
    inbox said …再放入收件箱, 把里面的文件放入收件箱 or …转成 JPG 后再放入, though the file never was in the inbox; the inbox keeps its words."""
    (workspace.root / name).write_bytes(content)
    refused = archivist_cli("file", str(workspace.root / name))
    assert (refused.exit_code, refused.stdout.splitlines()) == (
        5,
        [f"未归档 {name}：{advice}", "共 1 个文件：归档 0 个，未归档 1 个"],
    )
    assert (workspace.root / name).read_bytes() == content


def test_a_borrowers_name_typed_with_extra_blanks_is_kept_as_written_on_paper(
    archivist_cli: Any, workspace: Workspace
) -> None:
    """``archive lend --to "Li  Si"`` (two blanks, a full-width one) kept the blanks in the ledger and every list of
    loans, though a counter's names are cleaned; now one blank between words, a padded 罗　红 one name."""
    for name in ("a.pdf", "b.pdf"):
        write_scan(workspace.root / name, 1 if name == "a.pdf" else 2)
        archivist_cli("file", str(workspace.root / name), "--unit", "3-2-1201", "--title", "产权证明")
    lent = archivist_cli("archive", "lend", "YZ-2026-00001", "--to", " Li \u3000 Si ", "--due", "2027-06-01")
    assert (lent.exit_code, lent.stdout.strip()) == (
        0,
        "已借出 YZ-2026-00001（产权证明）给“Li Si”，应还日期 2027-06-01",
    )
    padded = archivist_cli("archive", "lend", "YZ-2026-00002", "--to", "罗\u3000红", "--due", "2027-06-01")
    assert (padded.exit_code, padded.stdout.strip()) == (
        0,
        "已借出 YZ-2026-00002（产权证明）给“罗红”，应还日期 2027-06-01",
    )
    loans = json.loads(archivist_cli("archive", "loans", "--json").stdout)
    assert sorted(loan["borrower"] for loan in loans) == ["Li Si", "罗红"]


def test_a_latin_borrower_is_quoted_where_the_lend_note_names_them(archivist_cli: Any, workspace: Workspace) -> None:
    """``archive lend --to "Tran Van Nam"`` said 已借出 …（产权证明）给 Tran Van Nam（工程部）: a Latin name ran into
    the Chinese words; it is quoted.  The labelled entries (借阅人 X，应还日期 …) keep it as 交款人 X does."""
    write_scan(workspace.root / "a.pdf", 1)
    archivist_cli("file", str(workspace.root / "a.pdf"), "--unit", "3-2-1201", "--title", "产权证明")
    lent = archivist_cli(
        "archive", "lend", "YZ-2026-00001", "--to", "Tran Van Nam", "--dept", "工程部", "--due", "2027-06-01"
    )
    assert (lent.exit_code, lent.stdout.strip()) == (
        0,
        "已借出 YZ-2026-00001（产权证明）给“Tran Van Nam”（工程部），应还日期 2027-06-01",
    )
    again = archivist_cli("archive", "lend", "YZ-2026-00001", "--to", "李四", "--due", "2027-06-01")
    assert (again.exit_code, again.stderr.strip()) == (
        8,
        "错误：YZ-2026-00001 的纸质原件已借出（借阅人 Tran Van Nam，应还日期 2027-06-01），归还后才能再借："
        "recordkit archive return YZ-2026-00001",
    )
    back = archivist_cli("archive", "return", "YZ-2026-00001")
    assert (back.exit_code, back.stdout.strip()) == (0, "已归还 YZ-2026-00001（产权证明），借阅人 Tran Van Nam")


def test_the_lend_and_return_lines_mask_a_number_written_in_the_borrower_or_dept(
    archivist_cli: Any, workspace: Workspace
) -> None:
    """``archive lend --to "王工13912344321"`` said 给“王工13912344321”, and ``archive return`` 借阅人 王工13912344321,
    whole, while ``archive show``, ``archive loans`` and the web page's same lines mask it (the README says the lend
    and return lines do); now they mask it too."""
    write_scan(workspace.root / "a.pdf", 1)
    archivist_cli("file", str(workspace.root / "a.pdf"), "--unit", "3-2-1201", "--title", "产权证明")
    lent = archivist_cli(
        "archive", "lend", "YZ-2026-00001", "--to", "王工13912344321", "--dept", "工程部 13812345678",
        "--due", "2027-06-01",
    )  # fmt: skip
    assert (lent.exit_code, lent.stdout.strip()) == (
        0,
        "已借出 YZ-2026-00001（产权证明）给“王工139****4321”（工程部 138****5678），应还日期 2027-06-01",
    )
    back = archivist_cli("archive", "return", "YZ-2026-00001")
    assert (back.exit_code, back.stdout.strip()) == (0, "已归还 YZ-2026-00001（产权证明），借阅人 王工139****4321")


@pytest.mark.parametrize("typed", ["张三 李四", "张三\u3000李四", "欧阳 娜娜", "张 三丰"])
def test_two_chinese_names_with_a_blank_between_are_refused_as_a_borrower_as_a_payer_is(
    archivist_cli: Any, workspace: Workspace, typed: str
) -> None:
    """``archive lend --to "张三 李四"`` lent the paper to one borrower 张三 李四, while the counter refuses such a
    payer as two people: now a borrower is refused in the same words, nothing lent."""
    write_scan(workspace.root / "a.pdf", 1)
    archivist_cli("file", str(workspace.root / "a.pdf"), "--unit", "3-2-1201", "--title", "产权证明")
    result = archivist_cli("archive", "lend", "YZ-2026-00001", "--to", typed, "--due", "2027-06-01")
    assert (result.exit_code, result.stdout) == (5, "")
    assert result.stderr.strip() == (
        "错误：借阅人：姓名中间有空格，像是两个人的姓名：一次只借给一位借阅人，一个人的姓名请去掉空格"
    )
    assert json.loads(archivist_cli("archive", "loans", "--json").stdout) == []


@pytest.mark.parametrize("left", ["YZ-2026-00001_购房合同.pdf", "YZ-2026-00001_购房合同.pdf.json"])
def test_a_new_title_whose_file_name_is_already_taken_is_refused_with_nothing_changed(
    archivist_cli: Any, workspace: Workspace, left: str
) -> None:
    # a killed rename's leftover (the file or its sidecar under the new name), or another file of that very name
    write_scan(workspace.root / "a.pdf", 1)
    archivist_cli("file", str(workspace.root / "a.pdf"), "--unit", "3-2-1201", "--title", "产权证明")
    folder = workspace.root / "records" / "archive" / "业主档案" / "2026"
    (folder / left).write_bytes(b"left over")
    before = sorted(path.name for path in folder.iterdir())
    result = archivist_cli("archive", "update", "YZ-2026-00001", "--title", "购房合同")
    assert (result.exit_code, result.stderr.strip()) == (
        9,
        f"错误：档案目录中已有 {left}，YZ-2026-00001 的文件不能改成这个名字（多半是上次改题名中断时留下的，"
        "或是同名的另一个文件），什么也没有修改：请先运行 recordkit archive verify --repair，再重新修改",
    )
    assert sorted(path.name for path in folder.iterdir()) == before
    assert (folder / left).read_bytes() == b"left over"
    shown = json.loads(archivist_cli("archive", "show", "YZ-2026-00001", "--json").stdout)
    assert (shown["title"], shown["path"]) == ("产权证明", "records/archive/业主档案/2026/YZ-2026-00001_产权证明.pdf")
