"""benchmarks/bench_search_pg.py keeps working: both of its runs, on a few hundred documents, end with every
result checked against the truth (its own substring rules, never the backend's) and exit 0; a wrong result ends
with 1.  benchmarks/bench_pg_copy.py too: its rows, sent both ways, are the same on the server.  No timing is asserted (the goals' PASS or MISS lines depend on the machine)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks" / "bench_search_pg.py"
COPY_BENCH = ROOT / "benchmarks" / "bench_pg_copy.py"


def _run(admin_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(BENCH), "--docs", "300", "--repeat", "1", "--admin-url", admin_url, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )


@pytest.mark.postgres
def test_the_million_run_on_a_few_hundred_documents_checks_every_count(postgres_url: str) -> None:
    done = _run(postgres_url, "--million")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    # 256 queries, and 30 each of the two groups 姓名（字间有空格） and 电话（换写法）
    assert "identical: 全部 316 个检索的命中条数与真值相同" in done.stdout
    assert "按日期、按档号排序的前 20 条与按真值排出的逐条相同" in done.stdout
    assert "按日期排序 p50 / p95 / 最慢" in done.stdout
    assert "PASS: recall 1.0 and precision >= 0.99 in every group" in done.stdout
    assert "search index rebuilt: 300 items" in done.stdout  # the phases of the rebuild, as logged
    # what limits the build on this machine: the CPU of every process a document, and the rate it allows
    assert re.search(
        r"建索引时整台机器的 CPU（所有进程）\s*│\s*[\d,]+ 核·秒，每篇 [\d.]+ 核·毫秒，空闲 \d+%", done.stdout
    )
    assert re.search(r"这样的 CPU 用量下 \d+ 核全忙的上限\s*│\s*[\d,]+ 篇/秒", done.stdout)


@pytest.mark.postgres
def test_the_side_by_side_run_finds_the_same_on_both_backends(postgres_url: str) -> None:
    done = _run(postgres_url)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "identical: 全部 316 个检索，两个后端的完整结果都与真值相同" in done.stdout
    assert "PASS: PostgreSQL: recall 1.0 and precision >= 0.99 in every group" in done.stdout


@pytest.mark.postgres
def test_the_copy_run_finds_the_rows_of_both_forms_identical(postgres_url: str) -> None:
    done = subprocess.run(
        [sys.executable, str(COPY_BENCH), "--docs", "300", "--repeat", "1", "--admin-url", postgres_url],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "identical: 全部 300 行的每一列（tsv、tri、pairs、正文等）两种写法完全相同" in done.stdout
