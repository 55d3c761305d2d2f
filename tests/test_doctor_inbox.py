"""``recordkit doctor``'s 收件箱 line: an office whose recordkit.toml spells out the ignore patterns an older
``recordkit init`` wrote (with ``".*"``) keeps hidden files skipped without a word, though the service now mentions
them.  The setting is the office's and is left as written; doctor says what it does and how to change it."""

from __future__ import annotations

import json
from typing import Any

from recordkit.core.workspace import Workspace, open_workspace
from recordkit.demo.scans import write_scan
from recordkit.doctor import check_inbox
from tests.archive_helpers import FAST

#: The [archive] section an older ``recordkit init`` wrote: the default list of the time, with ".*".
OLD_DEFAULT = """
[archive]
ignore_patterns = ["~$*", "*.tmp", "*.part", "*.crdownload", "Thumbs.db", "desktop.ini", ".DS_Store", ".*"]
"""

SAID = (
    'recordkit.toml 的 [archive] ignore_patterns 里有 ".*"：收件箱里以“.”开头的文件（如同步软件还没写完的 .扫描001.pdf）'
    "都不归档，归档服务和 watch --once 也一句不提"
)
FIX = (
    '从 [archive] ignore_patterns 删去 ".*"，归档服务和 watch --once 就会提到这些文件（仍不归档，去掉文件名开头的“.”才归档）；'
    '同时加上 ".~lock.*#"、".~recordkit-*"，LibreOffice 和 recordkit 自己的这些临时文件照旧不提'
)


def with_setting(workspace: Workspace, text: str) -> Workspace:
    toml = workspace.root / "recordkit.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + text, encoding="utf-8")
    return open_workspace(workspace.root, environ={})


def test_the_old_default_patterns_are_named_with_what_they_do_and_how_to_change_them(workspace: Workspace) -> None:
    check = check_inbox(with_setting(workspace, OLD_DEFAULT))
    assert (check.name, check.ok, check.detail, check.fix, check.required) == ("收件箱", False, SAID, FIX, False)


def test_a_pattern_of_the_offices_own_that_skips_hidden_files_is_named_too(workspace: Workspace) -> None:
    check = check_inbox(with_setting(workspace, '\n[archive]\nignore_patterns = ["*.tmp", "._*", ".*.pdf", ".?*"]\n'))
    assert check.ok is False
    assert check.detail.startswith('recordkit.toml 的 [archive] ignore_patterns 里有 ".*.pdf"、".?*"：')
    assert check.fix == (
        '从 [archive] ignore_patterns 删去 ".*.pdf"、".?*"，归档服务和 watch --once 就会提到这些文件（仍不归档，'
        '去掉文件名开头的“.”才归档）；同时加上 ".~lock.*#"、".~recordkit-*"，'
        "LibreOffice 和 recordkit 自己的这些临时文件照旧不提"
    )


def test_the_default_patterns_are_fine(workspace: Workspace) -> None:
    check = check_inbox(workspace)
    assert (check.name, check.ok, check.detail, check.fix, check.required) == (
        "收件箱",
        True,
        "不处理的临时文件名 10 种（别的电脑留下的系统文件 Thumbs.db、desktop.ini、.DS_Store、._* 总是不处理，"
        "[archive] ignore_patterns 另加 6 种）；其他以“.”开头的文件不归档，归档服务会提到",
        "",
        False,
    )


def test_doctor_names_the_setting_and_leaves_it_as_written_and_the_service_keeps_it(
    run_cli: Any, workspace: Workspace
) -> None:
    with_setting(workspace, OLD_DEFAULT)
    toml = (workspace.root / "recordkit.toml").read_bytes()
    result = run_cli("doctor", "--json")
    assert result.exit_code == 0, result.output  # a 提醒: the installation is not broken
    [check] = [check for check in json.loads(result.stdout) if check["name"] == "收件箱"]
    assert (check["ok"], check["detail"], check["fix"]) == (False, SAID, FIX)
    table = run_cli("doctor", env={"COLUMNS": "400"})
    [row] = [line for line in table.stdout.splitlines() if line.lstrip("│ ").startswith("收件箱")]
    assert "提醒" in row and "缺失" not in row
    assert (workspace.root / "recordkit.toml").read_bytes() == toml
    # The office's setting stands: its hidden scan is still skipped without a word.
    write_scan(workspace.root / "records" / "inbox" / ".扫描001.pdf", 1)
    once = run_cli("watch", "--once", env=FAST)
    assert once.exit_code == 0, once.output
    assert once.stdout.splitlines() == ["收件箱处理完毕：归档 0 个，隔离 0 个"]
