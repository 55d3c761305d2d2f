"""The README's examples run: every `$ recordkit ...` line of a ```console block, in order.

Each block starts in a fresh folder that holds the two sheets the README talks
about (业主名册.xlsx and 有错误的名册.xlsx); `$ cd DIR` changes folder.  A line
ending in `# 退出码 N` must exit with N, any other with 0; the lines printed
under a command in the README must appear in its output.  `$ echo TEXT | recordkit ...` feeds TEXT as standard
input (passwords for `--password-stdin`).
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from recordkit.cli import app
from tests.conftest import SAMPLE_ROWS, write_sheet

README = Path(__file__).resolve().parents[1] / "README.md"
EXIT_NOTE = re.compile(r"\s+#\s*退出码\s*(\d+)\s*$")
# `YYYY/MM` in a printed line stands for the year and month the command ran in
# (generated documents land in records/generated/YYYY/MM/).
MONTH_FOLDER = re.escape("YYYY/MM")


def expected_line(line: str) -> re.Pattern[str]:
    return re.compile(re.escape(line).replace(MONTH_FOLDER, r"\d{4}/\d{2}"))


def console_blocks(text: str) -> list[list[tuple[str, int, list[str]]]]:
    """Each ```console block as (command, expected exit code, expected output lines); a block indented in a list
    item is read without its indentation."""
    blocks = []
    for indent, body in re.findall(r"^( *)```console\n(.*?)^\1```", text, flags=re.S | re.M):
        commands: list[tuple[str, int, list[str]]] = []
        for line in body.splitlines():
            line = line.removeprefix(indent)
            if line.startswith("$ "):
                command = line[2:]
                code = 0
                if note := EXIT_NOTE.search(command):
                    code, command = int(note.group(1)), command[: note.start()]
                commands.append((command.strip(), code, []))
            elif line.strip() and commands:
                commands[-1][2].append(line.strip())
        blocks.append(commands)
    return blocks


def provide_sheets(folder: Path) -> None:
    if not (folder / "业主名册.xlsx").exists():
        write_sheet(folder / "业主名册.xlsx", SAMPLE_ROWS)
    bad = [list(SAMPLE_ROWS[0]), list(SAMPLE_ROWS[1]), list(SAMPLE_ROWS[0])]
    bad[0][3] = "abc"
    bad[1][6] = "310104198506120028"
    if not (folder / "有错误的名册.xlsx").exists():
        write_sheet(folder / "有错误的名册.xlsx", bad)
    if not (folder / "外籍业主名册.xlsx").exists():  # owners holding a passport or permit
        write_sheet(
            folder / "外籍业主名册.xlsx",
            [
                ["6-1-101", 89.5, "John Smith", "13600136000", "护照", "E12345678"],
                ["6-1-102", 89.5, "陈家明", "13700137000", "回乡证", "H12345678"],
                ["6-1-201", 96, "林志强", "13800138001", "台胞证", "12345678"],
            ],
            headers=("房号", "建筑面积", "业主姓名", "联系电话", "证件类型", "证件号码"),
        )
    if not (folder / "物业系统导出.xlsx").exists():  # a roster exported by another system (issue 15)
        write_other_system_roster(folder / "物业系统导出.xlsx")
    if not (folder / "水表读数.xlsx").exists():  # the cashier's section (issue 4)
        write_sheet(
            folder / "水表读数.xlsx",
            [["1-1-101", 120, 135.5], ["3-2-1201", 88, 100]],
            headers=("房号", "上期读数", "本期读数"),
        )
    if not (folder / "整改名单.xlsx").exists():  # notice batch (issue 5)
        write_sheet(
            folder / "整改名单.xlsx",
            [["1-1-101", "阳台违规搭建", "2027年1月31日"], ["3-2-1201", "擅自改动承重墙", "2027年1月15日"]],
            headers=("房号", "违规事项", "整改期限"),
        )
        write_sheet(
            folder / "有错误的整改名单.xlsx",
            [["9-9-909", "阳台违规搭建", "2027年1月31日"], ["3-2-1201", None, "2027年1月15日"]],
            headers=("房号", "违规事项", "整改期限"),
        )
    if not (folder / "工单登记簿.xlsx").exists():  # work orders (issue 8)
        from tests.workorder_fixtures import BAD_LOGBOOK_ROWS, write_logbook

        write_logbook(folder / "工单登记簿.xlsx")
        write_logbook(folder / "有错误的工单登记簿.xlsx", BAD_LOGBOOK_ROWS)
    if not (folder / "扫描件").exists():  # the archivist's section (issue 6)
        from recordkit.demo.scans import README_SCANS, write_scans

        write_scans(folder / "扫描件", README_SCANS)
        (folder / "有问题的扫描件").mkdir()
        (folder / "有问题的扫描件" / "坏文件.pdf").write_bytes(b"%PDF-1.4 not really")
        (folder / "有问题的扫描件" / "空文件.pdf").write_bytes(b"")
        (folder / "有问题的扫描件" / "购房合同-又扫了一遍.pdf").write_bytes(
            (folder / "扫描件" / README_SCANS[0][0]).read_bytes()
        )
    if not (folder / "文书").exists():  # the archivist's searches (issue 7)
        from tests.search_helpers import README_DOCUMENTS, write_docx

        for name, text in README_DOCUMENTS:
            write_docx(folder / "文书" / name, text)


def write_other_system_roster(path: Path) -> None:
    """The README's 房产资料 export of another property system: a cover sheet first, a title row,
    its own headers (房屋代码 needs --map), status codes, a co-owner cell, a tenant row, a placeholder."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "说明"
    book.active.append(["本表由物业收费系统导出，请勿修改表头"])
    sheet = book.create_sheet("房产资料")
    sheet.append(["幸福里小区房产资料"])
    sheet.append(
        [
            "客户编号",
            "楼栋编号",
            "单元编号",
            "房屋代码",
            "建筑面积",
            "业主姓名",
            "联系电话",
            "入住日期",
            "房屋状态",
            "关系",
            "备注",
        ]
    )
    for row in (
        ["K01", 5, 1, 101, 89.5, "王建国、李秀兰", "13811112222", "2019-05-01", 2003, None, None],
        ["K02", 5, 1, 102, 89.5, "陈平", "18999999999", None, "已出租", "业主", None],
        ["K03", 5, 1, 102, None, "赵磊", "13900001111", None, None, "租户", "租期一年"],
        ["K04", 5, 1, 201, 95, None, None, None, "未销售", None, None],
        ["K05", 5, 1, 202, 95, "孙悦", "13655556666", None, "未入住", None, None],
    ):
        sheet.append(row)
    book.save(path)


def provide_estate_with_kinds(folder: Path) -> None:
    """香榭丽舍花园/: the README's recordkit.toml (taken from the README itself) and a roster of every kind."""
    estate = folder / "香榭丽舍花园"
    if estate.exists():
        return
    estate.mkdir()
    config = next(
        block
        for block in re.findall(r"```toml\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
        if block.startswith("# 香榭丽舍花园/recordkit.toml")
    )
    (estate / "recordkit.toml").write_text(config, encoding="utf-8")
    delivered = [None, None, None, "已交付"]
    write_sheet(
        estate / "各类房屋.xlsx",
        [
            [None, None, "一期B-1-2004", 120.0, "孙丽", *delivered],
            [None, None, "二期B-1-2004", 130.0, "周强", *delivered],
            ["九幢", "二单元", "101", 95.0, "吴敏", *delivered],
            [None, None, "5栋1201室", 90.0, "赵敏", *delivered],
            [None, None, "12号别墅", 320.5, "王建国", *delivered],
            [None, None, "商铺S-101", 85.2, "刘洋", *delivered],
            [3, 0, 101, 60.0, "郑华", *delivered],
            [None, None, "地下车位 B1-023", 12.5, "陈静", *delivered],
            [None, None, "储藏室12", 8.0, "孙丽", *delivered],
        ],
    )


BLOCKS = console_blocks(README.read_text(encoding="utf-8"))


def test_the_readme_has_runnable_examples() -> None:
    commands = [c for block in BLOCKS for c, _, _ in block]
    for needed in (
        "recordkit init",
        "recordkit owners import",
        "recordkit owners list",
        "recordkit owners export",
        "recordkit owners show",
        "recordkit demo",
        "recordkit journal verify",
        "recordkit doctor",
    ):
        assert any(c.startswith(needed) for c in commands), needed


@pytest.mark.parametrize("block", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_block_runs(
    block: list[tuple[str, int, list[str]]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    cwd = tmp_path
    provide_sheets(cwd)
    if ("cd 香榭丽舍花园", 0, []) in block:
        provide_estate_with_kinds(cwd)
    monkeypatch.chdir(cwd)
    # The README shows what a command prints into a pipe, which has no COLUMNS (pytest-xdist's workers set
    # COLUMNS=80).
    env = {"RECORDKIT_HOME": None, "RECORDKIT_DATABASE_URL": None, "RECORDKIT_OPERATOR": None, "COLUMNS": None}
    # A block that does not create its own workspace works in one that holds the sample sheet
    # (imported, unless importing it is what the block shows).
    if not any(c.startswith(("recordkit init", "recordkit demo")) for c, _, _ in block):
        assert runner.invoke(app, ["init", ".", "--operator", "王芳"], env=env).exit_code == 0
        if not any(c.startswith("recordkit owners import 业主名册.xlsx") for c, _, _ in block):
            assert runner.invoke(app, ["owners", "import", "业主名册.xlsx"], env=env).exit_code == 0
    for command, expected_code, expected_lines in block:
        words = shlex.split(command)
        if words[0] == "cd":
            cwd = (cwd / words[1]).resolve()
            provide_sheets(cwd)
            monkeypatch.chdir(cwd)
            continue
        stdin = None
        if words[0] == "echo" and "|" in words:  # `echo 'secret' | recordkit users add … --password-stdin`
            pipe = words.index("|")
            stdin, words = " ".join(words[1:pipe]) + "\n", words[pipe + 1 :]
        assert words[0] == "recordkit", command
        result = runner.invoke(app, words[1:], env=env, input=stdin)
        assert result.exit_code == expected_code, f"{command}\n{result.output}"
        for line in expected_lines:
            assert expected_line(line).search(result.output), f"{command}: missing {line!r} in\n{result.output}"


def test_every_command_is_in_the_readme() -> None:
    from tests.test_startup_imports import COMMAND_PATHS

    readme = README.read_text(encoding="utf-8")
    leaves = [
        path for path in COMMAND_PATHS if path and not any(p[: len(path)] == path and p != path for p in COMMAND_PATHS)
    ]
    for path in leaves:
        group, *rest = path
        # A group's commands may be listed together: `recordkit owners import|list|show|export`.
        spelled = f"recordkit {' '.join(path)}"
        listed = re.search(rf"recordkit {group} [\w|\\]*\b{rest[0]}\b", readme) if rest else None
        assert spelled in readme or listed, f"{spelled} is not in the README"
