"""The command line as a clerk meets it: exact output, exit codes, masking, errors on stderr."""

from __future__ import annotations

import datetime as dt
import errno
import getpass
import io
import json
import logging
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import recordkit.core.sheets
import recordkit.core.workspace
from recordkit.cli import app
from recordkit.core.config import load_settings
from recordkit.core.errors import EXIT_CODES
from recordkit.core.workspace import Workspace
from recordkit.ledger.schema import HEAD_REVISION
from tests.conftest import SAMPLE_ROWS, write_sheet
from tests.log_helpers import log_size, messages_since


@pytest.fixture
def imported(run_cli: Any, workspace: Workspace) -> Path:
    sheet = write_sheet(workspace.root / "业主名册.xlsx", SAMPLE_ROWS)
    result = run_cli("owners", "import", str(sheet))
    assert result.exit_code == 0, result.stderr
    return sheet


def test_import_reports_what_changed(run_cli: Any, workspace: Workspace) -> None:
    sheet = write_sheet(workspace.root / "业主名册.xlsx", SAMPLE_ROWS)
    first = run_cli("owners", "import", str(sheet), "--dry-run")
    assert first.exit_code == 0
    assert first.stdout.splitlines() == [
        "读取工作表“Sheet”",
        "检查通过（未写入，--dry-run）：共 4 行；新增房屋 4 户，更新 0 户，未变 0 户；新增业主 2 人，更新业主 0 人",
        "将新增或更新的房屋：1-1-101、1-1-102、3-2-1201、3-2-1202",
    ]
    second = run_cli("owners", "import", str(sheet))
    assert second.stdout.splitlines()[1].startswith("导入完成：共 4 行；新增房屋 4 户")
    third = run_cli("owners", "import", str(sheet))
    assert "新增房屋 0 户，更新 0 户，未变 4 户" in third.stdout


def test_bad_sheet_exit_code_and_every_problem_on_stderr(run_cli: Any, workspace: Workspace) -> None:
    rows = [list(SAMPLE_ROWS[0]), list(SAMPLE_ROWS[1])]
    rows[0][3] = "abc"
    rows[1][6] = "310104198506120028"
    result = run_cli("owners", "import", str(write_sheet(workspace.root / "坏.xlsx", rows)))
    assert result.exit_code == 5
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "错误：坏.xlsx 有 2 处错误，没有导入任何数据",
        "  第 2 行 D 列（建筑面积）：“abc” 不是数字",
        "  第 3 行 G 列（身份证号）：身份证号校验位错误",
    ]
    listed = run_cli("owners", "list", "--json")
    assert json.loads(listed.stdout) == []


def test_list_json_is_masked(run_cli: Any, imported: Path) -> None:
    result = run_cli("owners", "list", "--json")
    rows = json.loads(result.stdout)
    assert [r["unit"] for r in rows] == ["1-1-101", "1-1-102", "3-2-1201", "3-2-1202"]
    assert {k: rows[0][k] for k in ("unit", "owner", "area", "status", "phone", "id_number")} == {
        "unit": "1-1-101",
        "owner": "张伟",
        "area": 89.35,
        "status": "已入住",
        "phone": "138****5678",
        "id_number": "110101********1233",
    }
    assert "13812345678" not in result.stdout and "110101199003071233" not in result.stdout


def test_list_table_by_building(run_cli: Any, imported: Path) -> None:
    result = run_cli("owners", "list", "--building", "3")
    assert result.exit_code == 0
    assert "房屋 2 户" in result.stdout
    assert "3-2-1201" in result.stdout and "1-1-101" not in result.stdout
    assert "139****4321" in result.stdout and "13987654321" not in result.stdout


def test_show_private_is_shown_and_journalled(run_cli: Any, imported: Path) -> None:
    result = run_cli("owners", "show", "3栋2单元1201", "--show-private", "--json")
    data = json.loads(result.stdout)
    assert data["phone"] == "13987654321" and data["id_number"] == "310104198506120027"
    assert data["units_held"] == ["1-1-102", "3-2-1201"]
    log = json.loads(run_cli("journal", "list", "--json", "--limit", "1").stdout)
    assert log[0]["action"] == "private.view" and log[0]["key"] == "3-2-1201" and log[0]["operator"] == "测试员"


def test_show_table_masks_by_default(run_cli: Any, imported: Path) -> None:
    result = run_cli("owners", "show", "1-1-101")
    assert "张伟" in result.stdout and "138****5678" in result.stdout and "110101********1233" in result.stdout
    assert "13812345678" not in result.stdout


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("owners", "show", "9-9-909"), 6, "错误：台账中没有房屋 9-9-909：请用 recordkit owners list 查看已有房号"),
        (("owners", "show", "3-2"), 5, "错误：房号“3-2”无法识别"),
        (("owners", "import", "没有这个文件.xlsx"), 6, "错误：找不到文件 没有这个文件.xlsx"),
        (("owners", "export", "名册.csv"), 2, "错误：导出文件名应以 .xlsx 结尾：名册.csv"),
    ],
)
def test_errors_are_one_chinese_line_with_their_exit_code(
    run_cli: Any,
    imported: Path,
    args: tuple[str, ...],
    code: int,
    message: str,
) -> None:
    result = run_cli(*args)
    assert result.exit_code == code
    assert result.stderr.startswith(message)
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_export_then_import_round_trips(run_cli: Any, imported: Path, workspace: Workspace) -> None:
    target = workspace.root / "导出.xlsx"
    result = run_cli("owners", "export", str(target))
    assert result.stdout.strip() == f"已导出 4 户到 {target}（电话、身份证号已打码）"
    again = run_cli("owners", "import", str(target))
    assert "新增房屋 0 户，更新 0 户，未变 4 户" in again.stdout


def test_init_refuses_existing_workspace(run_cli: Any, workspace: Workspace) -> None:
    result = run_cli("init", str(workspace.root))
    assert result.exit_code == 4
    assert "不会覆盖" in result.stderr


def test_init_on_a_file_or_under_one_is_told_and_makes_nothing(run_cli: Any, tmp_path: Path) -> None:
    """``recordkit init 业主名册.xlsx`` (the roster typed where the folder belongs) was an internal error, exit 70."""
    roster = tmp_path / "业主名册.xlsx"
    roster.write_bytes(b"PK roster")
    before = sorted(path.name for path in tmp_path.iterdir())
    for target, file in ((roster, roster), (roster / "幸福里", roster)):
        result = run_cli("init", str(target))
        assert (result.exit_code, result.stderr) == (
            4,
            f"错误：{file} 是一个文件，不是文件夹：不能在 {target} 新建工作区，请给出一个文件夹（不存在会新建）\n",
        )
    assert sorted(path.name for path in tmp_path.iterdir()) == before
    assert roster.read_bytes() == b"PK roster"


def test_init_leaves_the_layout_and_the_first_use_lock_that_must_stay(run_cli: Any, tmp_path: Path) -> None:
    """A new workspace's listing.  records/ledger.sqlite3-migrate.lock stays: it is a ``filelock`` lock file, and one
    removed after use would let a third program lock a new file while a second still waits on the old one (the ledger's
    first use and upgrades by two programs at once); it holds nothing (the README's listing names it)."""
    root = tmp_path / "幸福里"
    result = run_cli("init", str(root), "--estate", "幸福里小区", "--address", "幸福路88号", "--phone", "025-84561234")
    assert result.exit_code == 0, result.output
    assert sorted(str(path.relative_to(root)) for path in root.rglob("*")) == [
        "recordkit.toml",
        "records",
        "records/archive",
        "records/generated",
        "records/inbox",
        "records/index",
        "records/ledger.sqlite3",
        "records/ledger.sqlite3-migrate.lock",
        "records/logs",
        "records/logs/recordkit.log",
        "records/quarantine",
        "templates",
    ]
    assert (root / "records/ledger.sqlite3-migrate.lock").stat().st_size == 0


def test_no_workspace_found(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from recordkit.cli import app

    result = CliRunner().invoke(app, ["owners", "list"], env={"RECORDKIT_HOME": str(tmp_path)})
    assert result.exit_code == 4
    assert result.stderr.startswith(f"错误：RECORDKIT_HOME 指定的 {tmp_path} 不是 recordkit 工作区")


def test_a_folder_that_is_no_workspace_suggests_init_as_a_shell_takes_it(tmp_path: Path) -> None:
    """RECORDKIT_HOME naming a folder with a blank in its path suggested ``recordkit init /…/物业 资料``, which a shell
    reads as two paths; the path is quoted as every suggested command writes a typed value."""
    from typer.testing import CliRunner

    from recordkit.cli import app

    folder = tmp_path / "物业 资料"
    folder.mkdir()
    result = CliRunner().invoke(app, ["owners", "list"], env={"RECORDKIT_HOME": str(folder)})
    assert (result.exit_code, result.stdout) == (4, "")
    assert result.stderr == (
        f"错误：RECORDKIT_HOME 指定的 {folder} 不是 recordkit 工作区（没有 recordkit.toml，也没有 templates/ 和 records/）。"
        f"请先运行：recordkit init '{folder}'\n"
    )


def test_bad_config_names_file_and_key(run_cli: Any, workspace: Workspace) -> None:
    workspace.config_file.write_text('[database]\nbusy_timeout = "很久"\n', encoding="utf-8")
    result = run_cli("owners", "list")
    assert result.exit_code == 3
    assert (
        result.stderr.strip()
        == f"错误：配置文件 {workspace.config_file}：database.busy_timeout 应为整数，现在是 '很久'"
    )


def test_unexpected_error_shows_a_reference_not_a_traceback(
    run_cli: Any,
    imported: Path,
    workspace: Workspace,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import recordkit.owners.roster

    def explode(*_args: Any, **_kwargs: Any) -> None:
        secret = "110101199003071233"  # a local holding personal data must never reach the screen
        raise RuntimeError(f"boom {secret}")

    monkeypatch.setattr(recordkit.owners.roster, "list_owners", explode)
    result = run_cli("owners", "list")
    assert result.exit_code == 70
    assert result.stderr.startswith("错误：程序内部错误（RuntimeError），详情已写入 ")
    assert "110101199003071233" not in result.output and "Traceback" not in result.output
    log_text = (workspace.root / "records" / "logs" / "recordkit.log").read_text(encoding="utf-8")
    reference = result.stderr.split("编号 ")[1][:8]
    assert f"unexpected error [{reference}]" in log_text and "RuntimeError" in log_text


def test_an_unexpected_error_in_a_service_names_the_workspaces_log(
    run_cli: Any, imported: Path, workspace: Workspace, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """``watch`` and ``index`` send recordkit's lines to their own log too (watch.log, index.log): an internal error
    named the first file handler's file, which could be theirs, while the clerk is told to look in recordkit.log
    elsewhere.  It now names the workspace's log, which holds the traceback."""
    import recordkit.owners.roster
    from recordkit.core.workspace import add_rotating_log

    def explode(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(recordkit.owners.roster, "list_owners", explode)
    logger = logging.getLogger("recordkit")
    for handler in [handler for handler in logger.handlers if handler.get_name() == "recordkit-file"]:
        logger.removeHandler(handler)
        handler.close()
    add_rotating_log(tmp_path / "watch.log", "recordkit-watch")  # (before the workspace's, as a service's can be)
    try:
        result = run_cli("owners", "list")
    finally:
        for handler in [handler for handler in logger.handlers if handler.get_name() == "recordkit-watch"]:
            logger.removeHandler(handler)
            handler.close()
    assert result.exit_code == 70
    reference = result.stderr.split("编号 ")[1][:8]
    assert result.stderr == (
        f"错误：程序内部错误（RuntimeError），详情已写入 {workspace.log_file}（编号 {reference}）。请把这个编号告诉维护人员\n"
    )
    log_text = workspace.log_file.read_text(encoding="utf-8")
    assert f"unexpected error [{reference}]" in log_text and "RuntimeError: boom" in log_text


def test_an_unexpected_error_whose_log_cannot_be_opened_is_written_where_the_message_says(
    imported: Path, workspace: Workspace, tmp_path: Path
) -> None:
    """The workspace's log is opened by its first line: where it cannot be (a folder in its place, a folder this
    account may not write), the traceback goes to a file of its own, and the message names that file, not the log."""
    workspace.log_file.unlink(missing_ok=True)
    workspace.log_file.mkdir()
    temp = tmp_path / "临时"
    temp.mkdir()
    explode = (
        "import recordkit.owners.roster as roster\n"
        "def explode(*args, **kwargs): raise RuntimeError('boom')\n"
        "roster.list_owners = explode\n"
        "from recordkit.cli import main\n"
        "main()"
    )
    env = {**os.environ, "RECORDKIT_HOME": str(workspace.root), "TMPDIR": str(temp)}
    command = [sys.executable, "-c", explode, "owners", "list"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 70, result.stderr
    [written] = temp.glob("recordkit-error-*.log")
    reference = written.read_text(encoding="utf-8").splitlines()[0].strip("[]")
    assert result.stderr == (
        f"错误：程序内部错误（RuntimeError），详情已写入 {written}（编号 {reference}）。请把这个编号告诉维护人员\n"
    )
    assert "RuntimeError: boom" in written.read_text(encoding="utf-8")


class _FullDisk(io.StringIO):
    """A log file's stream whose disk has filled since it was opened: every write refused."""

    def write(self, _text: str) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")


def owners_list_fails_with_its_log_refusing(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    """``owners list`` raises an unexpected error, and the workspace's log, opened by an earlier line, refuses every
    line since (its disk full)."""
    import recordkit.owners.roster
    from recordkit.core.workspace import LOG_HANDLER_NAME, add_rotating_log

    def explode(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(recordkit.owners.roster, "list_owners", explode)
    add_rotating_log(workspace.log_file, LOG_HANDLER_NAME)
    logging.getLogger("recordkit").info("an earlier line, which opens the log")
    [handler] = [h for h in logging.getLogger("recordkit").handlers if h.get_name() == LOG_HANDLER_NAME]
    assert isinstance(handler, logging.FileHandler) and handler.stream is not None
    monkeypatch.setattr(handler, "stream", _FullDisk())


def test_an_unexpected_error_whose_open_log_refuses_the_traceback_is_written_where_the_message_says(
    run_cli: Any, imported: Path, workspace: Workspace, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The workspace's log was opened by an earlier line, then its disk refused the traceback (full): the message
    named the log, which does not hold it.  The command still says its Chinese message, exit 70, no traceback on the
    screen, and the traceback goes to a file of its own, which the message names."""
    owners_list_fails_with_its_log_refusing(workspace, monkeypatch)
    temp = tmp_path / "临时"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    result = run_cli("owners", "list")
    assert result.exit_code == 70, result.output
    [written] = temp.glob("recordkit-error-*.log")
    reference = written.read_text(encoding="utf-8").splitlines()[0].strip("[]")
    assert result.stderr == (
        f"错误：程序内部错误（RuntimeError），详情已写入 {written}（编号 {reference}）。请把这个编号告诉维护人员\n"
    )
    assert "RuntimeError: boom" in written.read_text(encoding="utf-8")


def test_an_unexpected_error_written_nowhere_still_says_its_message(
    run_cli: Any, imported: Path, workspace: Workspace, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The log refused the traceback and the temporary folder takes no file either (the same full disk): the command
    ended in a second traceback.  It still says its Chinese message with the reference, exit 70, and says the details
    could not be written."""
    owners_list_fails_with_its_log_refusing(workspace, monkeypatch)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "没有这个文件夹"))
    result = run_cli("owners", "list")
    assert result.exit_code == 70
    assert "Traceback" not in result.output
    reference = result.stderr.split("编号 ")[1][:8]
    assert result.stderr == (
        f"错误：程序内部错误（RuntimeError，编号 {reference}），详情没能写下来（日志和临时文件夹都写不进去，"
        "多半是磁盘满了或不能写）。请把这个编号和出错前做的操作告诉维护人员\n"
    )


def test_an_unexpected_error_whose_temporary_file_refuses_the_traceback_leaves_no_empty_file(
    run_cli: Any, imported: Path, workspace: Workspace, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The log refused the traceback; the temporary folder made its file, but the disk refused what was written to
    it (full): an empty recordkit-error-….log was left behind, named by no message.  It is removed; the clerk is told
    the details could not be written, exit 70."""

    def full_disk_file(handle: int, *_args: Any, **_kwargs: Any) -> _FullDisk:
        os.close(handle)  # the file exists; what is written to it is refused
        return _FullDisk()

    owners_list_fails_with_its_log_refusing(workspace, monkeypatch)
    temp = tmp_path / "临时"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.setattr(os, "fdopen", full_disk_file)
    result = run_cli("owners", "list")
    assert result.exit_code == 70
    reference = result.stderr.split("编号 ")[1][:8]
    assert result.stderr == (
        f"错误：程序内部错误（RuntimeError，编号 {reference}），详情没能写下来（日志和临时文件夹都写不进去，"
        "多半是磁盘满了或不能写）。请把这个编号和出错前做的操作告诉维护人员\n"
    )
    assert list(temp.iterdir()) == []


def test_journal_verify_reports_tampering(run_cli: Any, imported: Path, workspace: Workspace) -> None:
    ok = run_cli("journal", "verify")
    assert ok.exit_code == 0
    assert ok.stdout.splitlines()[0] == "操作日志完好：共 6 条记录，哈希链完整"
    assert re.fullmatch(r"锚点：第 6 条，校验值 [0-9a-f]{64}", ok.stdout.splitlines()[1])
    import sqlite3

    with sqlite3.connect(workspace.root / "records" / "ledger.sqlite3") as db:
        db.execute("UPDATE journal SET operator = '别人' WHERE id = 2")
    broken = run_cli("journal", "verify")
    assert broken.exit_code == 9
    assert (
        broken.stderr.strip()
        == "错误：操作日志校验失败：第 2 条记录的内容与校验值不符（记录被改动）。此前的 1 条记录完好"
    )


def test_db_upgrade_is_idempotent(run_cli: Any, workspace: Workspace) -> None:
    """`db upgrade` is also how a new ledger is made at a configured URL (other commands refuse to)."""
    fresh = {"RECORDKIT_DATABASE_URL": f"sqlite:///{workspace.root / 'records' / 'new.sqlite3'}"}
    first = run_cli("db", "upgrade", env=fresh)
    assert first.exit_code == 0 and f"从 空库 升级到 {HEAD_REVISION}" in first.stdout
    second = run_cli("db", "upgrade", env=fresh)
    assert f"已是最新版本（{HEAD_REVISION}）" in second.stdout


def test_doctor_lists_every_check(run_cli: Any, workspace: Workspace) -> None:
    result = run_cli("doctor", "--json")
    checks = json.loads(result.stdout)
    assert [c["name"] for c in checks] == [
        "工作区",
        "台账数据库",
        "检索索引",
        "经办人",
        "小区信息",
        "分区",
        "时区",
        "模板",
        "中文字体",
        "LibreOffice",
        "OCR 文字识别",
        "磁盘空间",
        "档案文件",
        "收件箱",
        "结账月份",
        "业主证件号码",
        "业主和联系人姓名",
        "联系人证件号码",
        "房屋编号",
    ]
    assert all(c["fix"] for c in checks if not c["ok"])
    assert checks[1]["ok"] and checks[1]["detail"].endswith(f"（表结构版本 {HEAD_REVISION}）")
    assert checks[2] == {
        "name": "检索索引",
        "ok": False,
        "detail": "SQLite FTS5（records/index/search.sqlite3）：还没有建立",
        "fix": "recordkit index",
        "required": False,
    }
    assert checks[3] == {
        "name": "经办人",
        "ok": True,
        "detail": "测试员（签在收据和文书上）",
        "fix": "",
        "required": True,
    }
    assert result.exit_code == 0
    run_cli("db", "upgrade")
    migrated = json.loads(run_cli("doctor", "--json").stdout)[1]
    assert migrated["ok"] and migrated["detail"].endswith(f"（表结构版本 {HEAD_REVISION}）")


def test_doctor_help_names_every_check_it_runs(run_cli: Any, workspace: Workspace) -> None:
    """``doctor --help`` listed the installation's checks only, though doctor also checks the ledger's months and the
    owners' and contacts' records: each line doctor prints is named in its help (read with the words folded as
    rich folds them)."""
    names = [check["name"] for check in json.loads(run_cli("doctor", "--json").stdout)]
    shown = "".join(run_cli("doctor", "--help").stdout.split())
    missing = [name for name in names if name != "工作区" and "".join(name.split()).split("文字识别")[0] not in shown]
    assert missing == []


def test_doctor_names_the_offices_templates_that_cannot_be_printed(run_cli: Any, workspace: Workspace) -> None:
    """The IT person's check said only how many templates the office has: one saved in a format Word cannot open
    again, or with full-width braces every notice would print as typed, went unnoticed until a clerk at the
    counter printed from it.  Doctor now names them (a 提醒: doctor's exit code stays 0) and what to run."""
    from docx import Document

    templates = workspace.root / "templates"
    good = Document()
    good.add_paragraph("停气通知：{{ 检修时间 }} 停气")
    good.save(str(templates / "停气通知.docx"))
    typed = Document()
    typed.add_paragraph("燃气检修：｛｛ 检修时间 ｝｝")
    typed.save(str(templates / "燃气检修通知.docx"))
    (templates / "坏模板.docx").write_bytes(b"not a zip at all")

    result = run_cli("doctor", "--json")
    assert result.exit_code == 0, result.output
    [check] = [check for check in json.loads(result.stdout) if check["name"] == "模板"]
    assert (check["ok"], check["required"]) == (False, False)
    assert check["detail"].startswith("内置模板 ")
    assert check["detail"].endswith("本处模板 3 个，其中 2 个有问题：坏模板、燃气检修通知")
    assert check["fix"] == "运行 recordkit templates check 坏模板（有问题的模板各运行一次）列出要改的地方"
    # a name with a blank is written as a shell takes it back whole (it said templates check 坏 模板: two names)
    (templates / "坏模板.docx").rename(templates / "坏 模板.docx")
    [check] = [check for check in json.loads(run_cli("doctor", "--json").stdout) if check["name"] == "模板"]
    assert check["fix"] == "运行 recordkit templates check '坏 模板'（有问题的模板各运行一次）列出要改的地方"

    (templates / "坏 模板.docx").unlink()
    (templates / "燃气检修通知.docx").unlink()
    [check] = [check for check in json.loads(run_cli("doctor", "--json").stdout) if check["name"] == "模板"]
    assert check["ok"] is True and check["detail"].endswith(f"本处模板 1 个（{templates}）")


def test_doctor_fails_on_an_unreachable_database(run_cli: Any, workspace: Workspace) -> None:
    result = run_cli("doctor", "--json", env={"RECORDKIT_DATABASE_URL": "postgresql://x@127.0.0.1:1/none"})
    checks = json.loads(result.stdout)
    assert result.exit_code == 1
    assert checks[1]["ok"] is False and checks[1]["fix"] == "按说明中的做法改好后，再运行 recordkit doctor"
    assert checks[1]["detail"].endswith(
        "Connection refused：连不上数据库服务器：请检查地址和端口、数据库服务是否在运行，"
        "服务器的 listen_addresses 是否包括这台电脑连的地址，以及防火墙是否放行这个端口"
    )
    assert result.stderr.strip() == "错误：安装不完整：台账数据库有问题，按上面的修复方法处理后再运行 recordkit doctor"


def test_an_unreachable_database_is_one_line_in_the_log(run_cli: Any, workspace: Workspace) -> None:
    """``owners list`` whose database server was not there wrote two lines to the log: the ledger's ("ledger operation
    failed on …" with the driver's words) and the command's failure (its Chinese message, the same words again).
    It now writes the ledger's line alone: the address (password masked) and what the driver said."""
    start = log_size(workspace)
    url = "postgresql://recordkit:Secret42@127.0.0.1:1/recordkit"
    result = run_cli("owners", "list", env={"RECORDKIT_DATABASE_URL": url})
    assert result.exit_code == 7, result.output
    assert result.stderr.startswith("错误：无法访问台账数据库 postgresql://recordkit:***@127.0.0.1:1/recordkit：")
    assert messages_since(workspace, start) == [
        "ledger operation failed on postgresql://recordkit:***@127.0.0.1:1/recordkit: connection failed: connection"
        ' to server at "127.0.0.1", port 1 failed: Connection refused'
    ]


def test_a_moved_ledger_named_by_the_environment_sends_the_it_person_to_that_variable(
    run_cli: Any, cli_env: dict[str, str], workspace: Workspace
) -> None:
    """A service's drop-in (or an exported variable) still naming the ledger a `db move` moved away from: the write
    refused, the warning of a command that only reads and doctor's fix all sent the IT person to recordkit.toml's
    [database] url, which `db move` had already changed.  They now name the variable that gave the old address."""
    old = workspace.database_url
    new = f"sqlite:///{workspace.root / 'records' / '新台账.sqlite3'}"
    assert run_cli("db", "move", "--to", new).exit_code == 0
    on_old = {"RECORDKIT_DATABASE_URL": old}
    add = ["users", "add", "张三", "--role", "archivist", "--password-stdin"]
    refused = CliRunner().invoke(app, add, input="Secret-2026x\n", env={**cli_env, **on_old})
    assert refused.exit_code == 7, refused.output
    assert refused.stderr.strip().endswith(
        "不能再写入：请把环境变量 RECORDKIT_DATABASE_URL 改为新地址，并重启正在运行的 recordkit watch / serve"
    )
    stale = run_cli("owners", "list", env=on_old)
    assert stale.exit_code == 0, stale.output
    assert stale.stderr.strip().endswith("之后的收款、归档都不在这里：请把环境变量 RECORDKIT_DATABASE_URL 改为新地址")
    [line] = [c for c in json.loads(run_cli("doctor", "--json", env=on_old).stdout) if c["name"] == "台账数据库"]
    assert line["fix"] == "把环境变量 RECORDKIT_DATABASE_URL 改为新地址"
    # recordkit.toml's own setting (the old address written back there) is named as before
    workspace.config_file.write_text(
        workspace.config_file.read_text(encoding="utf-8").replace(new, old), encoding="utf-8"
    )
    [line] = [c for c in json.loads(run_cli("doctor", "--json").stdout) if c["name"] == "台账数据库"]
    assert line["fix"] == "把 recordkit.toml 的 [database] url（和 schema）改为新地址"


def test_doctor_sends_a_workspace_whose_ledger_file_is_gone_to_its_backup(run_cli: Any, workspace: Workspace) -> None:
    """records/ledger.sqlite3 gone (a restore that forgot it, records/ on a disk that did not mount): doctor said
    台账数据库 … 还不存在：这个命令不会新建台账。请检查 recordkit.toml 的 [database] url，或先导入业主名册, its fix
    检查 … 或数据库服务是否启动 — an import there makes an empty ledger, numbering receipts from 1.  It now says what
    a payment there says: the file is gone, and to restore it from a backup (or mount its disk)."""
    ledger_file = workspace.records_dir / "ledger.sqlite3"
    for file in workspace.records_dir.glob("ledger.sqlite3*"):
        file.unlink()
    checked = run_cli("doctor", "--json")
    assert checked.exit_code == 1
    [line] = [c for c in json.loads(checked.stdout) if c["name"] == "台账数据库"]
    assert line["ok"] is False
    assert line["detail"] == (
        f"台账文件 {ledger_file} 不见了（被删除或挪走、从备份恢复时漏了它，或者它所在的磁盘没有挂载）"
    )
    assert line["fix"] == (
        "请先找回原来的台账：从备份恢复到这个位置，或挂载好它所在的磁盘；"
        "确是新的工作区，先运行 recordkit db upgrade 或导入业主名册（recordkit owners import）建立台账"
    )
    assert not ledger_file.exists()


def test_doctor_says_an_empty_ledger_file_is_a_bad_copy_not_a_new_estate(run_cli: Any, workspace: Workspace) -> None:
    """records/ledger.sqlite3 an empty (0-byte) file: doctor said 新的空台账，… 时建表, as for a new estate; an empty
    file is usually a copy that did not finish or a disk that was full.  It now says so, and to restore it."""
    ledger_file = workspace.records_dir / "ledger.sqlite3"
    for file in workspace.records_dir.glob("ledger.sqlite3*"):
        file.unlink()
    ledger_file.touch()
    checked = run_cli("doctor", "--json")
    assert checked.exit_code == 1
    [line] = [c for c in json.loads(checked.stdout) if c["name"] == "台账数据库"]
    assert line["ok"] is False
    assert line["detail"] == (
        f"台账文件 {ledger_file} 是个空文件（0 字节），里面没有台账：多半是复制没有完成，或者磁盘写满时留下的，不是新的台账"
    )
    assert line["fix"] == (
        "请先看看它所在的磁盘是否已满，再从备份把台账恢复到这个位置（替换这个空文件）；"
        "确是新的工作区，先运行 recordkit db upgrade 建立台账"
    )
    assert ledger_file.stat().st_size == 0


def test_doctor_sends_an_address_the_environment_gave_to_that_variable(run_cli: Any, workspace: Workspace) -> None:
    """A server name that does not resolve, given by RECORDKIT_DATABASE_URL: doctor's fix said 检查 recordkit.toml
    中 [database] url; it now names the variable."""
    env = {"RECORDKIT_DATABASE_URL": "postgresql://x@no-such-host.invalid/none"}
    [line] = [c for c in json.loads(run_cli("doctor", "--json", env=env).stdout) if c["name"] == "台账数据库"]
    assert line["ok"] is False
    assert line["fix"] == "检查环境变量 RECORDKIT_DATABASE_URL，或数据库服务是否启动"


def test_doctor_says_when_the_environment_changes_the_ledgers_address(
    run_cli: Any, workspace: Workspace, tmp_path: Path
) -> None:
    """RECORDKIT_DATABASE_URL left in the environment (exported to look at a backup as the README shows, or set in a
    service's drop-in) points every command at another ledger: doctor showed only that address, and every message
    sends the IT person to recordkit.toml's [database], where he finds the right one.  The line now says first that
    the environment changes recordkit.toml's setting, and names the variable; without one it reads as before."""
    copy = tmp_path / "台账备份.sqlite3"
    assert run_cli("db", "backup", str(copy)).exit_code == 0
    env = {"RECORDKIT_DATABASE_URL": f"sqlite:///{copy}"}
    [line] = [c for c in json.loads(run_cli("doctor", "--json", env=env).stdout) if c["name"] == "台账数据库"]
    assert line["detail"] == (
        f"环境变量 RECORDKIT_DATABASE_URL 改了 recordkit.toml 的台账设置：sqlite:///{copy}（表结构版本 {HEAD_REVISION}）"
    )
    down = {"RECORDKIT_DATABASE_URL": "postgresql://x@127.0.0.1:1/none", "RECORDKIT_DATABASE_SCHEMA": "estate_west"}
    [line] = [c for c in json.loads(run_cli("doctor", "--json", env=down).stdout) if c["name"] == "台账数据库"]
    assert line["detail"].startswith(
        "环境变量 RECORDKIT_DATABASE_URL、RECORDKIT_DATABASE_SCHEMA 改了 recordkit.toml 的台账设置："
        "无法访问台账数据库 postgresql://x@127.0.0.1:1/none："
    )
    [line] = [c for c in json.loads(run_cli("doctor", "--json").stdout) if c["name"] == "台账数据库"]
    assert line["detail"] == f"{workspace.database_url}（表结构版本 {HEAD_REVISION}）"


def test_doctor_says_nothing_of_a_variable_that_repeats_recordkit_tomls_own_address(
    run_cli: Any, workspace: Workspace
) -> None:
    """A service's drop-in repeating recordkit.toml's [database] url (written there by hand, or left from before
    ``db move`` wrote the same address into the file): doctor said 环境变量 RECORDKIT_DATABASE_URL 改了
    recordkit.toml 的台账设置, which sent the IT person looking for a difference there is not.  A variable holding
    the file's own value changes nothing, and the line now says nothing of it."""
    config = workspace.root / "recordkit.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('url = ""', f'url = "{workspace.database_url}"', 1), encoding="utf-8")
    env = {"RECORDKIT_DATABASE_URL": workspace.database_url}
    [line] = [c for c in json.loads(run_cli("doctor", "--json", env=env).stdout) if c["name"] == "台账数据库"]
    assert line["detail"] == f"{workspace.database_url}（表结构版本 {HEAD_REVISION}）"


def test_every_exit_code_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for code, meaning in EXIT_CODES.items():
        assert f"| {code} | {meaning} |" in readme, code


def test_version(run_cli: Any) -> None:
    result = run_cli("--version")
    assert result.stdout.strip() == "recordkit 0.1.0"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("owners", "import"), "缺少参数 文件"),
        (("fees", "pay"), "缺少参数 房号"),
        (("owners", "list", "--bogus"), "没有这个选项：--bogus"),
        (("owners", "list", "--jsn"), "没有这个选项：--jsn（是不是 --json？）"),  # was "(Possible options: --json)"
        (("owners", "lst"), "没有这个命令：lst（是不是 'list'？）"),
        (("ownrs", "list"), "没有这个命令：ownrs（是不是 'owners'？）"),
        (("journal", "list", "--limit", "0"), "'--limit' / '-n' 应不小于 1"),
        (("journal", "list", "--limit", "1.5"), "'--limit' / '-n' 应为整数"),
        (("journal", "list", "--limit", "很多"), "'--limit' / '-n' 应为整数"),
        (("owners", "show", "1-1-101", "多余"), "多余的参数：多余"),
    ],
)
def test_usage_errors_are_in_chinese_with_exit_code_2(run_cli: Any, args: tuple[str, ...], message: str) -> None:
    result = run_cli(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "查看帮助" in result.stderr


def test_help_is_chinese(run_cli: Any) -> None:
    result = run_cli("owners", "import", "--help")
    assert result.exit_code == 0
    assert "显示此帮助并退出。" in result.stdout and "Show this message" not in result.stdout
    assert "例：recordkit owners import 业主名册.xlsx --dry-run" in result.stdout


def test_the_journal_is_shown_on_the_offices_clock_in_chinese(run_cli: Any, imported: Path) -> None:
    """Stored in UTC, shown in Asia/Shanghai (or the configured zone); actions named in Chinese."""
    import datetime as dt
    import zoneinfo

    rows = json.loads(run_cli("journal", "list", "--json", "--limit", "1").stdout)
    stored = dt.datetime.fromisoformat(rows[0]["at"])
    expected = stored.astimezone(zoneinfo.ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M:%S")
    assert rows[0]["at_local"] == expected
    assert (rows[0]["action"], rows[0]["action_label"]) == ("unit.create", "新增房屋")
    table = run_cli("journal", "list", "--limit", "1").stdout
    assert expected[:16] in table and "新增房屋" in table and "UTC" not in table and "unit.create" not in table
    shifted = run_cli("journal", "list", "--json", "--limit", "1", env={"RECORDKIT_OFFICE_TIME_ZONE": "Europe/Berlin"})
    berlin = stored.astimezone(zoneinfo.ZoneInfo("Europe/Berlin")).strftime("%Y-%m-%d %H:%M:%S")
    assert json.loads(shifted.stdout)[0]["at_local"] == berlin


def test_an_unknown_time_zone_is_a_configuration_error(run_cli: Any, imported: Path) -> None:
    result = run_cli("journal", "list", env={"RECORDKIT_OFFICE_TIME_ZONE": "Beijing"})
    assert (result.exit_code, result.stderr.strip()) == (
        3,
        "错误：recordkit.toml 的 [office] time_zone “Beijing”不是时区名称，应写成 Asia/Shanghai 这样的名称",
    )


def test_a_reading_a_replica_cancelled_is_told_to_be_asked_again(
    run_cli: Any, imported: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A clerk's PC on a hot standby: the replica cancels a reading whose row versions the primary's replayed changes
    remove (SQLSTATE 40001).  Asked again it reads; the clerk is told that, not "无法访问台账数据库" (which sends the
    IT person to look at the address and the firewall)."""
    import psycopg
    import sqlalchemy as sa

    from recordkit.owners import roster

    def cancelled(row: Any) -> Any:
        raise sa.exc.OperationalError(
            "SELECT units.code …",
            {},
            psycopg.errors.SerializationFailure(
                "canceling statement due to conflict with recovery\n"
                "DETAIL:  User query might have needed to see row versions that must be removed."
            ),
        )

    monkeypatch.setattr(roster, "_view", cancelled)
    result = run_cli("owners", "list")
    assert (result.exit_code, result.stderr.strip()) == (
        7,
        "错误：读取台账没有做完：台账数据库中止了它（服务器说：canceling statement due to conflict with recovery）；"
        "请稍后再试",
    )
    monkeypatch.undo()
    assert run_cli("owners", "list").exit_code == 0


HOW_TO_SET = '请在 recordkit.toml 写 operator = "王芳"，或设置环境变量 RECORDKIT_OPERATOR，或加 --operator 王芳'


@pytest.mark.parametrize(
    ("operator", "message"),
    [
        ("", f"错误：收款和打印文书需要经办人姓名，现在没有设置（电脑登录名不能代替签名）：{HOW_TO_SET}"),
        ("root", f"错误：经办人“root”是电脑账户名，不是人名，不能签在收据和文书上：{HOW_TO_SET}"),
        ("Administrator", f"错误：经办人“Administrator”是电脑账户名，不是人名，不能签在收据和文书上：{HOW_TO_SET}"),
    ],
)
def test_money_and_paper_are_never_signed_by_an_account(
    run_cli: Any, imported: Path, operator: str, message: str
) -> None:
    env = {"RECORDKIT_OPERATOR": operator} if operator else {"RECORDKIT_OPERATOR": None}
    for args in (
        ("fees", "pay", "1-1-101", "--amount", "100"),
        ("cert", "make", "居住证明", "--unit", "1-1-101"),
        ("notice", "remind"),
    ):
        result = run_cli(*args, env=env)  # type: ignore[arg-type]
        assert (result.exit_code, result.stderr.strip()) == (3, message), args
    listing = run_cli("owners", "list", env=env)  # type: ignore[arg-type]
    assert listing.exit_code == 0  # reading needs no signature


def test_init_records_the_clerk_and_the_paper_is_signed_by_her(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["init", str(tmp_path / "幸福里"), "--operator", "王芳"], env={"RECORDKIT_OPERATOR": None}
    )
    assert result.exit_code == 0
    text = (tmp_path / "幸福里" / "recordkit.toml").read_text(encoding="utf-8")
    assert '\noperator = "王芳"\n' in text
    assert load_settings(tmp_path / "幸福里" / "recordkit.toml", environ={}).operator == "王芳"


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (errno.ENOSPC, "磁盘已满：请清理磁盘空间后重试"),
        (errno.EROFS, "所在磁盘是只读的：请检查工作区是否放在只读的位置（光盘、只读共享文件夹）"),
        (
            errno.EACCES,
            "运行 recordkit 的系统账户 {account} 没有写入权限：请让这个账户能写入 {folder}（例如 sudo chown {account}: {folder}）",
        ),
    ],
)
def test_a_full_or_read_only_disk_is_a_message_not_a_crash(
    run_cli: Any, imported: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, reason: str
) -> None:
    target = tmp_path / "名册导出.xlsx"

    def refused(path: Path, *args: Any, **kwargs: Any) -> None:
        raise OSError(code, os.strerror(code), str(path))

    monkeypatch.setattr(recordkit.core.sheets, "write_bytes", refused)
    result = run_cli("owners", "export", str(target))
    # (a refused permission names the account recordkit runs as and the folder to give it, not "an account with
    # rights": the office's IT person is told what to chown)
    reason = reason.format(account=getpass.getuser(), folder=tmp_path)
    assert (result.exit_code, result.stderr.strip()) == (10, f"错误：无法写入（{target}）：{reason}")
    assert "Traceback" not in result.output and not target.exists()


def test_a_workspace_whose_log_cannot_be_written_still_answers(
    run_cli: Any, imported: Path, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only workspace: doctor and listings still run (the log is skipped, not fatal), and a command that fails
    says its own message, not the log's refusal."""

    def refused(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(workspace.log_file))

    monkeypatch.setattr(recordkit.core.workspace._LogFile, "_open", refused)
    assert run_cli("owners", "list").exit_code == 0
    failed = run_cli("owners", "show", "9-9-909")
    assert failed.exit_code == 6
    assert failed.stderr == "错误：台账中没有房屋 9-9-909：请用 recordkit owners list 查看已有房号\n"


#: Signing commands that print no day of their own: a reprint carries the receipt's day.
PRINT_NO_DAY_OF_THEIR_OWN = {"receipt reprint"}


def test_every_command_that_prints_or_takes_money_takes_date() -> None:
    """Every document a clerk signs can be dated (--date): prepared the evening before, or entered late."""
    import typer

    from recordkit.cli._app import SIGNING_COMMANDS

    root = typer.main.get_command(app)
    missing = []
    for path in sorted(SIGNING_COMMANDS - PRINT_NO_DAY_OF_THEIR_OWN):
        command: Any = root
        for name in path.split():
            command = command.get_command(typer.Context(command), name)
        assert command is not None, path
        if "--date" not in {option for param in command.params for option in param.opts}:
            missing.append(path)
    assert missing == []
    assert {"receipt void", "fees pay", "report monthly", "renovation agreement"} <= SIGNING_COMMANDS


def test_the_progress_bar_names_each_part_counts_it_and_keeps_the_whole_time() -> None:
    """What a clerk sees on the terminal during a long rebuild: the part of the work and its count, a part of no
    known size without a "0/?", and the clock of the whole work still running after a part was finished."""
    import io

    from rich.console import Console

    from recordkit.cli._app import progress_bar

    def shown(bar: Any) -> str:  # the bar as drawn now (the terminal's own drawing is off under pytest)
        out = Console(file=io.StringIO(), width=100)
        out.print(bar.progress.get_renderable())
        return str(out.file.getvalue()).strip()

    with progress_bar("提取文字与 OCR") as bar:
        assert "0/?" not in shown(bar) and shown(bar).startswith("提取文字与 OCR")
        bar(3, 3)
        assert "3/3" in shown(bar)
        [task] = bar.progress.tasks
        assert task.finished
        bar.stage("写入索引", 1000)
        bar(250, 1000)
        assert "写入索引" in shown(bar) and "250/1000" in shown(bar) and not task.finished
        bar(1000, 1000)
        bar.stage("建立全文索引并换上（最后一步）")
        now = shown(bar)
        assert now.startswith("建立全文索引并换上（最后一步）") and "/" not in now and not task.finished


@pytest.mark.parametrize("typed", ["3-2-1201", "3栋2单元1201室", "３－２－１２０１", " 3#2-1201 "])
def test_the_journal_of_a_unit_is_found_however_the_clerk_writes_it(run_cli: Any, imported: Path, typed: str) -> None:
    """``journal list --key`` takes a unit code the way every other command does: the clerk who typed
    3栋2单元1201室 saw an empty list, as if nothing had ever happened to the unit."""
    run_cli("owners", "show", "3-2-1201", "--show-private")
    rows = json.loads(run_cli("journal", "list", "--key", typed, "--json").stdout)
    assert [(row["action"], row["key"]) for row in rows] == [("private.view", "3-2-1201"), ("unit.create", "3-2-1201")]


@pytest.mark.parametrize("listing", [("receipt", "list"), ("workorder", "list")])
def test_a_unit_the_ledger_does_not_have_is_named_not_listed_empty(
    run_cli: Any, imported: Path, listing: tuple[str, str]
) -> None:
    """A typo in ``--unit`` (3-2-1210 for 3-2-1201) listed 收据 0 张 / 工单 0 张 (exit 0), as if the unit had paid or
    reported nothing: it says the ledger has no such unit (exit 6), as ``fees account`` does; a unit that is there
    and has none still lists none."""
    typo = run_cli(*listing, "--unit", "3-2-1210")
    assert (typo.exit_code, typo.stdout, typo.stderr) == (
        6,
        "",
        "错误：台账中没有房屋 3-2-1210：请用 recordkit owners list 查看已有房号\n",
    )
    there = run_cli(*listing, "--unit", "3-2-1201", "--json")
    assert (there.exit_code, json.loads(there.stdout)) == (0, [])


def test_receipts_of_a_day_after_today_are_refused_not_listed_empty(run_cli: Any, imported: Path) -> None:
    """``receipt list --date`` with a mistyped year (2027 for 2026) listed 收据 0 张 (exit 0), as if nothing had been
    taken that day: a day after today is refused (exit 5) as ``fees daily --date`` refuses it; today still lists."""
    # No fee rules yet: the unit has no monthly charges, and any prepayment is confirmed (--yes).
    paid = run_cli("fees", "pay", "3-2-1201", "--amount", "100", "--prepay", "--yes")
    assert paid.exit_code == 0, paid.stderr
    today = dt.date.today()
    tomorrow = today + dt.timedelta(days=1)
    for extra in ((), ("--json",)):
        ahead = run_cli("receipt", "list", "--date", tomorrow.isoformat(), *extra)
        assert (ahead.exit_code, ahead.stdout, ahead.stderr) == (
            5,
            "",
            f"错误：收据日期 {tomorrow.isoformat()} 晚于今天（{today.isoformat()}）："
            "只能列出今天或以前某一天开具或作废的收据\n",
        )
    listed = run_cli("receipt", "list", "--date", today.isoformat(), "--json")
    assert (listed.exit_code, [row["unit"] for row in json.loads(listed.stdout)]) == (0, ["3-2-1201"])


def test_the_journal_of_a_receipt_is_found_by_its_short_number(run_cli: Any, imported: Path) -> None:
    """A receipt number said aloud (SJ2026-1, lower case too) names the same receipt as SJ2026-000001."""
    # No fee rules yet: the unit has no monthly charges, and any prepayment is confirmed (--yes).
    paid = run_cli("fees", "pay", "3-2-1201", "--amount", "100", "--prepay", "--yes")
    assert paid.exit_code == 0, paid.stderr
    [receipt] = json.loads(run_cli("receipt", "list", "--json").stdout)
    number = receipt["number"]
    prefix, sequence = number.rsplit("-", 1)
    full = json.loads(run_cli("journal", "list", "--key", number, "--json").stdout)
    assert [row["action"] for row in full] == ["receipt.issue"]
    for typed in (f"{prefix}-{int(sequence)}", f"{prefix.lower()}-0{int(sequence)}"):
        assert json.loads(run_cli("journal", "list", "--key", typed, "--json").stdout) == full


def test_a_key_with_no_journal_says_so(run_cli: Any, imported: Path) -> None:
    result = run_cli("journal", "list", "--key", "9-9-9999")
    assert result.exit_code == 0
    assert "操作日志里没有“9-9-9999”的记录" in result.stdout


@pytest.mark.parametrize("typed", ["", "  ", "\u3000"])
def test_an_empty_key_is_refused_not_read_as_no_key(run_cli: Any, imported: Path, typed: str) -> None:
    """``journal list --key "$UNIT"`` with the variable unset listed the whole journal, as if the clerk had asked
    for everything: an empty (or blank) --key is refused, exit 2, nothing listed."""
    result = run_cli("journal", "list", "--key", typed)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "错误：--key 是空的：请写明要看的对象，例如房号 3-2-1201；看全部日志请不写 --key\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("fees", "pay", "1-1-101", "--amount", "100", "--amount", "200"),
            "错误：--amount 只能写一次，这里写了两次：“100”、“200”；请只写要用的那一个",
        ),
        (
            ("owners", "list", "--building", "1", "--building", "3"),
            "错误：--building/-b 只能写一次，这里写了两次：“1”、“3”；请只写要用的那一个",
        ),
        (
            ("cert", "make", "出门条", "--unit", "1-1-101", "--carrier", "张三", "--carrier", "李四"),
            "错误：--carrier 只能写一次，这里写了两次：“张三”、“李四”；请只写要用的那一个",
        ),
        (  # an empty value (a script's variable left unset) is said in words, not as “” (nor as nothing)
            ("cert", "make", "出门条", "--unit", "1-1-101", "--carrier", "", "--carrier", "李四"),
            "错误：--carrier 只能写一次，这里写了两次：（空白）、“李四”；请只写要用的那一个",
        ),
        (  # so is one of blanks alone, which read “ ” (easy to take for “”)
            ("cert", "make", "出门条", "--unit", "1-1-101", "--carrier", "李四", "--carrier", " \u3000"),
            "错误：--carrier 只能写一次，这里写了两次：“李四”、（空白）；请只写要用的那一个",
        ),
        (  # a value holding the quotes is quoted with others: “张三”、“李四” read as two values
            ("cert", "make", "出门条", "--unit", "1-1-101", "--carrier", "张三”、“李四", "--carrier", "王五"),
            "错误：--carrier 只能写一次，这里写了两次：「张三”、“李四」、“王五”；请只写要用的那一个",
        ),
        (  # and one holding those too with others again
            ("cert", "make", "出门条", "--unit", "1-1-101", "--carrier", "「甲」“乙”", "--carrier", "王五"),
            "错误：--carrier 只能写一次，这里写了两次：『「甲」“乙”』、“王五”；请只写要用的那一个",
        ),
        (  # a line break inside a value is written out, not printed as a second line of the message
            ("cert", "make", "出门条", "--unit", "1-1-101", "--carrier", "张三\n李四", "--carrier", "王五"),
            "错误：--carrier 只能写一次，这里写了两次：“张三<U+000A>李四”、“王五”；请只写要用的那一个",
        ),
        (  # the short and the long name of one option are one option: both named, whichever was typed
            ("journal", "list", "-n", "5", "--limit", "20"),
            "错误：--limit/-n 只能写一次，这里写了两次：“5”、“20”；请只写要用的那一个",
        ),
        (
            ("journal", "list", "-n", "1", "-n", "2"),
            "错误：--limit/-n 只能写一次，这里写了两次：“1”、“2”；请只写要用的那一个",
        ),
        (  # the root's own option (it was a traceback)
            ("--workspace", "甲", "--workspace", "乙", "owners", "list"),
            "错误：--workspace/-w 只能写一次，这里写了两次：“甲”、“乙”；请只写要用的那一个",
        ),
    ],
)
def test_a_single_value_option_given_twice_is_refused_naming_both_values(
    run_cli: Any, workspace: Workspace, args: tuple[str, ...], message: str
) -> None:
    # fees pay 1-1-101 --amount 100 --amount 200 took 200 and said nothing of 100: click keeps the last of an option
    # given twice.  Now every command refuses it before doing anything.
    assert run_cli("owners", "import", str(write_sheet(workspace.root / "名册.xlsx", SAMPLE_ROWS))).exit_code == 0
    journalled = run_cli("journal", "list", "--json").stdout
    result = run_cli(*args)
    assert (result.exit_code, result.stdout, result.stderr.strip()) == (2, "", message)
    assert run_cli("journal", "list", "--json").stdout == journalled  # nothing done


def test_options_meant_to_repeat_still_take_every_value(run_cli: Any, workspace: Workspace) -> None:
    assert run_cli("owners", "import", str(write_sheet(workspace.root / "名册.xlsx", SAMPLE_ROWS))).exit_code == 0
    # --set is given once per variable: every one is taken, none refused.
    water = [
        "--set",
        "停水原因=管道检修",
        "--set",
        "停水范围=本楼",
        "--set",
        "停水时间=8:00",
        "--set",
        "恢复时间=18:00",
    ]
    made = run_cli("notice", "make", "停水通知", "--unit", "1-1-101", *water)
    assert made.exit_code == 0, made.stderr


@pytest.mark.parametrize(
    ("args", "offered"),
    [
        (("journal", "list", "-n", "1", "-n", "2"), ["--key", "--json", "--help"]),  # --limit given: not offered
        (("-w", "甲", "-w", "乙", "journal", "list"), ["--limit", "--key", "--json", "--help"]),
    ],
)
def test_completion_is_not_refused_by_an_option_given_twice(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], offered: list[str]
) -> None:
    """Shell completion parses the line typed so far leniently (click's ``resilient_parsing``): an option typed twice
    there is no command run, and completing it must not raise the refusal nor print it over the clerk's prompt.
    (recordkit installs no completion — ``add_completion=False``, so ``_RECORDKIT_COMPLETE=complete_bash`` answers
    "Shell bash not supported." —; this drives Typer's bash completion class directly, as that variable would.)"""
    from typer._completion_classes import BashComplete  # loaded on first use: Typer's completion, this test only
    from typer.main import get_command

    completion = BashComplete(get_command(app), {}, "recordkit", "_RECORDKIT_COMPLETE")
    assert [item.value for item in completion.get_completions(list(args), "--")] == offered
    assert capsys.readouterr() == ("", "")


def test_an_option_is_named_alike_in_every_refusal(run_cli: Any, workspace: Workspace) -> None:
    """The empty path's refusal named the root's option --workspace/-w, the once-only refusal -w/--workspace: one
    option, two spellings.  Both now name it as its help lists it (``--workspace  -w``)."""
    empty = run_cli("--workspace", "", "owners", "list")
    twice = run_cli("-w", "甲", "-w", "乙", "owners", "list")
    assert [(result.exit_code, result.stdout, result.stderr) for result in (empty, twice)] == [
        (2, "", "错误：路径是空的（--workspace/-w）：请写明文件或文件夹，当前文件夹写 .\n"),
        (2, "", "错误：--workspace/-w 只能写一次，这里写了两次：“甲”、“乙”；请只写要用的那一个\n"),
    ]
