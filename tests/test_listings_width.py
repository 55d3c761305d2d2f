"""Every listing fits a 100-column terminal: no line wider than 100 cells, nothing cut with "…",
and the values a clerk reads as one token (房号, 金额, 档号, numbers) never folded across lines.
``--wide`` brings back the columns left out by default.

The expected tokens come from each command's own ``--json`` output (a different code path from
the table) and are looked for whole in the lines of the table.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from recordkit.cli import app
from tests.conftest import copy_demo

WIDTH = 100


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory, _demo_template: Any) -> Path:
    """A copy of the demo estate for this module's listings."""
    return Path(copy_demo(_demo_template, tmp_path_factory.mktemp("listings") / "demo").root)


def _run(estate: Path, *args: str, columns: int = WIDTH) -> Any:
    env = {"RECORDKIT_HOME": str(estate), "RECORDKIT_OPERATOR": "测试员", "RECORDKIT_DATABASE_URL": None}
    return CliRunner().invoke(app, list(args), env={**env, "COLUMNS": str(columns)})  # type: ignore[dict-item]


# (arguments, JSON field(s) whose values must appear whole, where the JSON rows are)
LISTINGS: list[tuple[tuple[str, ...], tuple[str, ...]]] = [
    (("owners", "list"), ("unit",)),
    (("fees", "arrears"), ("unit", "arrears")),
    (("receipt", "list"), ("number", "unit", "total")),
    (("docs", "list"), ("id",)),
    (("renovation", "list"), ("number", "unit")),
    (("archive", "list"), ("archive_no",)),
    (("archive", "loans"), ("archive_no",)),
    (("workorder", "list"), ("number",)),
    (("journal", "list"), ("id",)),
    (("search", "电梯"), ("archive_no",)),
    (("fees", "close", "--list"), ("month",)),
]


def _rows(data: Any) -> list[dict[str, Any]]:
    return data["hits"] if isinstance(data, dict) else data


@pytest.mark.parametrize(("args", "keys"), LISTINGS, ids=lambda value: " ".join(value) if value else "")
def test_listing_fits_100_columns_without_cutting_a_key(
    estate: Path, args: tuple[str, ...], keys: tuple[str, ...]
) -> None:
    shown = _run(estate, *args)
    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    assert lines, f"`recordkit {' '.join(args)}` printed nothing"
    too_wide = [line for line in lines if cell_len(line) > WIDTH]
    assert too_wide == [], f"{len(too_wide)} lines wider than {WIDTH} cells, e.g. {too_wide[0]!r}"
    assert "…" not in shown.stdout
    listed = _run(estate, *args, "--json")
    rows = _rows(json.loads(listed.stdout))
    if args[:2] != ("fees", "close"):
        assert rows, f"the demo estate has nothing for `recordkit {' '.join(args)}`: the test would prove nothing"
    # Tables print every row (docs list and journal list: the newest up to their limit).
    tokens = {str(row[key]) for row in rows for key in keys if row.get(key) not in (None, "")}
    cells = {cell.strip() for line in lines for cell in line.split("│")}
    folded = sorted(token for token in tokens if token not in cells)
    assert folded == [], f"not shown whole in one cell: {folded[:5]}"


def test_listing_titles_give_shown_and_total_counts(estate: Path) -> None:
    journal = _run(estate, "journal", "list", "--limit", "5")
    total = len(json.loads(_run(estate, "journal", "list", "--limit", "100000", "--json").stdout))
    assert f"操作日志 {total} 条，显示最近 5 条" in journal.stdout
    docs = _run(estate, "docs", "list", "--limit", "3")
    count = len(json.loads(_run(estate, "docs", "list", "--limit", "100000", "--json").stdout))
    assert f"文书 {count} 份，显示最近 3 份" in docs.stdout
    everything = _run(estate, "journal", "list", "--limit", "100000")
    assert f"操作日志 {total} 条" in everything.stdout and "显示" not in everything.stdout.splitlines()[0]


@pytest.mark.parametrize(
    ("args", "hidden"),
    [
        (("owners", "list"), ("证件号码", "入住日期")),
        (("fees", "arrears"), ("1–3个月", "12个月以上")),
        (("receipt", "list"), ("收款人",)),
        (("docs", "list"), ("模板", "文件")),
        (("renovation", "list"), ("装修单位", "有效出入证")),
        (("archive", "list"), ("保管期限", "盒号/架位")),
        (("archive", "loans"), ("部门", "原因")),
        (("workorder", "list"), ("联系人", "派工", "重复投诉")),
        (("search", "电梯"), ("原文件名",)),
    ],
    ids=lambda value: " ".join(value),
)
def test_wide_shows_the_columns_left_out(estate: Path, args: tuple[str, ...], hidden: tuple[str, ...]) -> None:
    narrow = _run(estate, *args).stdout
    wide = _run(estate, *args, "--wide", columns=200).stdout
    header = lambda text: next(line for line in text.splitlines() if "┃" in line)  # noqa: E731
    assert [name for name in hidden if name in header(narrow)] == []
    assert [name for name in hidden if name in header(wide)] == list(hidden)


def test_workorder_columns_say_complaint_for_complaints(estate: Path) -> None:
    complaints = _run(estate, "workorder", "list", "--type", "投诉", "--wide", columns=200).stdout
    header = next(line for line in complaints.splitlines() if "┃" in line)
    assert "投诉人" in header and "投诉时间" in header and "报修" not in header
    repairs = _run(estate, "workorder", "list", "--type", "报修", "--wide", columns=200).stdout
    header = next(line for line in repairs.splitlines() if "┃" in line)
    assert "报修人" in header and "报修时间" in header
