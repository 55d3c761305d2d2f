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


def _bench_startup() -> ModuleType:
    import bench_startup  # loaded on first use: benchmarks/ is on sys.path only inside the test

    return bench_startup


def test_the_start_up_bench_compares_fees_account_without_the_fields_added_since_its_baseline(
    benchmarks: None,
) -> None:
    comparable = _bench_startup().comparable
    args = ("fees", "account", "1-1-101", "--json")
    baseline = '{"unit": "1-1-101", "due_now_fen": 0, "payments": [{"number": "SJ2026-000001", "amount_fen": 23565}]}'
    today = (
        '{"unit": "1-1-101", "co_owners": [], "due_now_fen": 0, "months": 0, "not_yet_due_prepaid_fen": 0, '
        '"oldest_month": null, "payments": [{"number": "SJ2026-000001", "amount_fen": 23565, '
        '"reversed_by": null, "reverses": null}]}'
    )
    wrong = today.replace('"amount_fen": 23565', '"amount_fen": 23566')

    assert comparable(args, baseline) == comparable(args, today)
    assert comparable(args, baseline) != comparable(args, wrong)


def test_the_start_up_bench_compares_search_hits_as_a_set_of_catalogue_entries(benchmarks: None) -> None:
    comparable = _bench_startup().comparable
    args = ("search", "电梯", "--json")
    baseline = (
        '{"total": 2, "ocr_pending": 0, "hits": ['
        '{"archive_no": "GC-2026-00004", "title": "电梯维保记录", "score": 6.1216, "snippet": "电梯维修保养记录", '
        '"highlights": [[0, 2]]}, '
        '{"archive_no": "GC-2026-00003", "title": "电梯维保记录", "score": 6.1189, "snippet": "电梯维修", '
        '"highlights": [[0, 2]]}]}'
    )
    today = (
        '{"total": 2, "total_exact": true, "ocr_pending": 46, "index_warning": null, "hits": ['
        '{"archive_no": "GC-2026-00003", "title": "电梯维保记录", "score": 6.122, "snippet": "电梯维保记录", '
        '"highlights": [[0, 2]]}, '
        '{"archive_no": "GC-2026-00004", "title": "电梯维保记录", "score": 5.8661, "snippet": "电梯", '
        '"highlights": [[0, 2]]}]}'
    )
    one_missing = (
        '{"total": 1, "total_exact": true, "ocr_pending": 46, "index_warning": null, "hits": ['
        '{"archive_no": "GC-2026-00003", "title": "电梯维保记录", "score": 6.122, "snippet": "电梯维保记录", '
        '"highlights": [[0, 2]]}]}'
    )

    assert comparable(args, baseline) == comparable(args, today)
    assert comparable(args, baseline) != comparable(args, one_missing)


def test_the_start_up_bench_leaves_out_only_the_doctor_checks_added_since_its_baseline(benchmarks: None) -> None:
    comparable = _bench_startup().comparable
    args = ("doctor", "--json")
    baseline = (
        '[{"name": "台账数据库", "ok": true, "detail": "表结构版本 0011"}, '
        '{"name": "OCR 文字识别", "ok": true, "detail": "已装好"}]'
    )
    today = (
        '[{"name": "台账数据库", "ok": true, "detail": "表结构版本 0014"}, '
        '{"name": "时区", "ok": true, "detail": "Asia/Shanghai"}, '
        '{"name": "OCR 文字识别", "ok": true, "detail": "已装（recordkit doctor --ocr 试读样张）"}, '
        '{"name": "房屋编号", "ok": true, "detail": "都能读"}]'
    )
    database_failing = today.replace('"ok": true, "detail": "表结构版本', '"ok": false, "detail": "表结构版本')

    assert comparable(args, baseline) == comparable(args, today)
    assert comparable(args, baseline) != comparable(args, database_failing)


def test_the_start_up_bench_compares_receipt_lines_without_their_renovation(benchmarks: None) -> None:
    comparable = _bench_startup().comparable
    args = ("receipt", "list", "--date", "2026-12-08", "--json")
    baseline = '[{"number": "SJ2026-000012", "lines": [{"item": "物业服务费", "amount_fen": 23565}]}]'
    today = '[{"number": "SJ2026-000012", "lines": [{"item": "物业服务费", "amount_fen": 23565, "renovation": null}]}]'
    other_item = today.replace("物业服务费", "垃圾清运费")

    assert comparable(args, baseline) == comparable(args, today)
    assert comparable(args, baseline) != comparable(args, other_item)
