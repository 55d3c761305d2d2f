"""The benchmarks measure what a user runs: bench_fees's batch prints with the counter's receipt template, and
fails as the counter does; bench_search runs without the bench extra; bench_startup compares only what is meant
to be the same.  No timing is asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
import sqlalchemy as sa

from recordkit.core.errors import ConfigError
from recordkit.core.workspace import open_workspace
from recordkit.ledger.db import open_ledger
from recordkit.ledger.schema import receipts

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "benchmarks"


@pytest.fixture
def benchmarks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(BENCHMARKS))


def _bench_fees() -> ModuleType:
    import bench_fees  # loaded on first use: benchmarks/ is on sys.path only inside the test

    return bench_fees


def test_the_fees_batch_refuses_an_unknown_receipt_layout_as_the_counter_does(tmp_path: Path, benchmarks: None) -> None:
    bench_fees = _bench_fees()
    base = bench_fees.make_base(tmp_path, 12)
    billed = bench_fees.copy_workspace(base, tmp_path / "billed")
    with open_ledger(billed.database_url) as ledger:
        bench_fees.bill_recordkit(ledger)
    requests = bench_fees.payment_requests(billed, 2)
    config = billed.root / "recordkit.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('layout = "A4"', 'layout = "80"'), encoding="utf-8")
    workspace = open_workspace(billed.root, flags={"operator": "bench"}, environ={})

    with pytest.raises(ConfigError) as refused:
        bench_fees.receipts_batch(workspace, requests, tmp_path / "out")

    assert str(refused.value) == "receipt.layout 应为 A4、241 之一（A4 或 241 mm 连续纸），现在是 '80'"
    with open_ledger(workspace.database_url) as ledger, ledger.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(receipts)).scalar() == 0


def test_the_search_bench_without_whoosh_skips_the_hand_made_index_with_a_line() -> None:
    # the test environment has no bench extra: neither Whoosh nor tantivy
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "bench_search.py"), "--docs", "200", "--per-group", "2", "--repeat", "1"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
        check=False,
    )

    assert "ModuleNotFoundError" not in done.stderr
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "skip: 旧的自制索引（Whoosh 存储）: Whoosh 未安装（pip install '.[bench]'），跳过" in done.stdout
    assert "skip: Whoosh（按设计使用）: Whoosh 未安装（pip install '.[bench]'），跳过" in done.stdout
    assert "running: recordkit（SQLite FTS5） …" in done.stdout
    assert "running: 旧的自制索引" not in done.stdout
