"""Load benchmark (issue 20, item 11): eight cashiers paying back to back on a busy machine.

Eight cashier processes each take ``--payments`` payments with their printed receipts, one after the
other, while two CPU-bound processes keep the machine busy.  Two ways, in the same run on the same
estate:

- **baseline**: what a competent engineer writes first: SQLite ``BEGIN IMMEDIATE`` with a busy
  timeout (30 s) as the only lock, and the receipt filled inside the write transaction (the number
  is known only there).  This is recordkit before issue 20's load work.
- **recordkit**: the fair write queue (``ledger.write_queue``) in front of ``BEGIN IMMEDIATE``, and
  the receipt filled before the lock with its number put in under it (``billing.receipts.pay_and_print``).

Checked before PASS, for both: every payment taken (0 refused for recordkit), receipt numbers gapless
and unique, every number printed on exactly one file whose paper carries it, and the same payments
(unit and amount) in both ways.  Reported: refused, payments/s, lock wait p50/p99/max, lock hold
p50/p99 (the seconds between the turn and the commit), median of ``--runs`` runs.

    python benchmarks/bench_load.py                           # 8 × 50, 3 runs
    python benchmarks/bench_load.py --cashiers 4 --payments 10 --runs 1   # a quick look
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from recordkit.billing.bills import bill_month
from recordkit.billing.receipts import (
    PaymentRequest,
    ReceiptView,
    issue_payments,
    pay_and_print,
    receipt_requests,
    receipt_template_name,
)
from recordkit.billing.rules import add_rule
from recordkit.core.errors import RecordkitError
from recordkit.core.workspace import init_workspace, open_workspace
from recordkit.documents.generated import papers_after_commit, recover_papers, write_documents
from recordkit.documents.templates.engine import TemplateLibrary
from recordkit.ledger.db import open_ledger
from recordkit.owners.roster import import_owners

DAY = dt.date(2026, 11, 23)
MODES = ("baseline", "recordkit")
LABELS = {
    "baseline": "baseline：BEGIN IMMEDIATE + busy timeout，锁内填收据",
    "recordkit": "recordkit：公平写入队列，锁外填收据",
}


def cashier(root: Path, mode: str, unit: str, count: int, name: str) -> None:
    """One cashier process (``--cashier``): pays its own unit back to back, prints one JSON line per payment."""
    workspace = open_workspace(root)
    ledger = open_ledger(workspace.database_url, busy_timeout=workspace.settings.database.busy_timeout)
    library = TemplateLibrary.for_workspace(workspace)
    template = library.get(receipt_template_name(workspace))

    def baseline(request: PaymentRequest) -> ReceiptView:
        # Fill the receipt where its number is known: inside the write transaction.
        recover_papers(workspace, ledger)
        with papers_after_commit() as written, ledger.write() as conn:
            view = issue_payments(conn, workspace.settings.receipt, name, [request], DAY, counter=True)[0]
            requests = receipt_requests(conn, [view], workspace.settings)
            rendered = [template.render_bytes(request.context) for request in requests]
            write_documents(
                conn, workspace, template, requests, operator=name, kind="收据", written=written, rendered=rendered
            )
        return view

    if mode == "baseline":
        ledger.write_queue = None  # SQLite's own lock only
    print(json.dumps({"ready": True}), flush=True)
    sys.stdin.readline()  # all cashiers start together
    for n in range(count):
        request = PaymentRequest(unit, 10_000 + n, again=True, prepay=True)
        started = time.monotonic()
        try:
            if mode == "baseline":
                view = baseline(request)
            else:
                view = pay_and_print(workspace, ledger, name, request, today=DAY, library=library)[0]
            wait, hold = ledger.lock_times[-1]
            row = {"number": view.number, "unit": unit, "fen": request.amount_fen, "wait": wait, "hold": hold}
            print(json.dumps({**row, "seconds": time.monotonic() - started}), flush=True)
        except RecordkitError as err:
            print(json.dumps({"refused": err.message, "unit": unit, "fen": request.amount_fen}), flush=True)


def _burn(stop: Any) -> None:
    while not stop.is_set():
        sum(i * i for i in range(10_000))


def make_estate(root: Path, cashiers: int) -> Path:
    """A workspace with one occupied unit per cashier, November billed."""
    from openpyxl import Workbook

    folder = init_workspace(root, office="测试物业服务中心", estate="测试小区")
    workspace = open_workspace(folder, environ={})
    sheet_path = root.parent / f"{root.name}-名册.xlsx"
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["楼栋", "单元", "房号", "建筑面积", "业主姓名", "联系电话", "状态"])
    for n in range(cashiers):
        sheet.append(["1", "1", f"{101 + n}", 89.35, f"业主{'甲乙丙丁戊己庚辛壬癸'[n % 10]}", "13812345678", "已入住"])
    workbook.save(sheet_path)
    with open_ledger(workspace.database_url) as ledger:
        import_owners(ledger, sheet_path, "王芳")
        add_rule(ledger, "王芳", "物业服务费", "area", "2.35", "2025-01")
        bill_month(ledger, "2026-11", "王芳", advance=True)
    return folder


def run_once(mode: str, cashiers: int, payments: int, burners: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        root = make_estate(Path(tmp) / "ws", cashiers)
        env = {k: v for k, v in os.environ.items() if not k.startswith("RECORDKIT_")}
        env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1] / "src")
        names = ["王芳", "李娜", "张敏", "刘洋", "陈静", "杨帆", "赵磊", "黄丽", "周杰", "吴霞"]
        procs = [
            subprocess.Popen(
                [
                    sys.executable,
                    __file__,
                    "--cashier",
                    str(root),
                    mode,
                    f"1-1-{101 + n}",
                    str(payments),
                    names[n % 10],
                ],
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for n in range(cashiers)
        ]
        for proc in procs:  # imports done, ledger open
            assert proc.stdout is not None
            line = proc.stdout.readline()
            if not line:
                raise SystemExit(f"a cashier failed to start: {proc.stderr.read() if proc.stderr else ''}")
        stop = multiprocessing.Event()
        burning = [multiprocessing.Process(target=_burn, args=(stop,)) for _ in range(burners)]
        for burner in burning:
            burner.start()
        started = time.monotonic()
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        rows: list[dict[str, Any]] = []
        for proc in procs:
            out, err = proc.communicate(timeout=3600)
            if proc.returncode != 0:
                raise SystemExit(f"a cashier crashed:\n{err}")
            rows += [json.loads(line) for line in out.splitlines() if line.strip()]
        elapsed = time.monotonic() - started
        stop.set()
        for burner in burning:
            burner.join()
        check = check_papers(root, rows)
    taken = [row for row in rows if "number" in row]
    waits = sorted(row["wait"] for row in taken)
    holds = sorted(row["hold"] for row in taken)
    return {
        "refused": sum(1 for row in rows if "refused" in row),
        "refusals": sorted({row["refused"] for row in rows if "refused" in row}),
        "taken": len(taken),
        "rate": len(taken) / elapsed,
        "wait50": _pct(waits, 50),
        "wait99": _pct(waits, 99),
        "waitmax": waits[-1] if waits else 0.0,
        "hold50": _pct(holds, 50),
        "hold99": _pct(holds, 99),
        "payments": sorted((row["unit"], row["fen"]) for row in taken),
        "problems": check,
    }


def _pct(values: list[float], pct: int) -> float:
    if not values:
        return 0.0
    return values[min(len(values) - 1, round(pct / 100 * (len(values) - 1)))]


def check_papers(root: Path, rows: list[dict[str, Any]]) -> list[str]:
    """What is wrong with the numbers and papers of one run (nothing, if it passes)."""
    problems = []
    numbers = [row["number"] for row in rows if "number" in row]
    expected = [f"SJ2026-{n:06d}" for n in range(1, len(numbers) + 1)]
    if sorted(numbers) != expected:
        problems.append(f"receipt numbers not gapless and unique: {len(numbers)} taken, {len(set(numbers))} distinct")
    printed: Counter[str] = Counter()
    for path in (root / "records" / "generated").rglob("收据*.docx"):
        match = re.match(r"^收据(SJ\d{4}-\d{6})_", path.name)
        if not match:
            continue
        printed[match[1]] += 1
        with zipfile.ZipFile(path) as package:
            words = re.sub(r"<[^>]+>", "", package.read("word/document.xml").decode("utf-8"))
        if f"编号：{match[1]}" not in words or "RKNUMBER" in words:
            problems.append(f"{path.name}: the paper does not carry its number")
    if sorted(printed) != sorted(numbers) or any(count != 1 for count in printed.values()):
        problems.append(f"printed numbers differ from the ledger's ({len(printed)} printed, {len(numbers)} taken)")
    return problems


def main() -> None:
    if sys.argv[1:2] == ["--cashier"]:
        root, mode, unit, count, name = sys.argv[2:]
        cashier(Path(root), mode, unit, int(count), name)
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cashiers", type=int, default=8)
    parser.add_argument("--payments", type=int, default=50)
    parser.add_argument("--burners", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    console = Console(width=160)
    console.print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start; "
        f"{args.cashiers} cashiers × {args.payments} payments, {args.burners} CPU-bound processes, "
        f"median of {args.runs} runs"
    )
    results: dict[str, list[dict[str, Any]]] = {mode: [] for mode in MODES}
    for _ in range(args.runs):
        for mode in MODES:
            results[mode].append(run_once(mode, args.cashiers, args.payments, args.burners))

    failed = []
    for mode in MODES:
        for result in results[mode]:
            failed += [f"{mode}: {problem}" for problem in result["problems"]]
            if mode == "recordkit" and result["refused"]:
                failed.append(f"recordkit refused {result['refused']} payments: {result['refusals']}")
    both = [result["payments"] for mode in MODES for result in results[mode] if not result["refused"]]
    if any(payments != both[0] for payments in both):
        failed.append("the payments taken differ between the runs")

    table = Table(title="八个收款员同时收款（另有两个占满 CPU 的进程）")
    for column in (
        "方式",
        "收款",
        "拒绝",
        "笔/秒",
        "等锁 p50 s",
        "等锁 p99 s",
        "等锁最长 s",
        "持锁 p50 s",
        "持锁 p99 s",
    ):
        table.add_column(column, justify="left" if column == "方式" else "right")
    for mode in MODES:
        runs = results[mode]

        def med(key: str, runs: list[dict[str, Any]] = runs) -> float:
            return statistics.median(run[key] for run in runs)

        table.add_row(
            LABELS[mode],
            f"{med('taken'):.0f}",
            f"{med('refused'):.0f}",
            f"{med('rate'):.1f}",
            f"{med('wait50'):.3f}",
            f"{med('wait99'):.3f}",
            f"{med('waitmax'):.3f}",
            f"{med('hold50'):.3f}",
            f"{med('hold99'):.3f}",
        )
    console.print(table)
    for mode in MODES:
        for refusal in sorted({r for run in results[mode] for r in run["refusals"]}):
            console.print(f"{mode} refused: {refusal}")
    console.print(f"load average {os.getloadavg()[0]:.1f} at the end")
    if failed:
        for line in failed:
            console.print(f"FAIL  {line}")
        raise SystemExit(1)
    console.print("PASS  0 refused by recordkit; receipt numbers gapless and unique, each printed once with its number")


if __name__ == "__main__":
    main()
