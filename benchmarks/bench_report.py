"""Monthly report benchmark: 5,000 units, 36 months of bills and payments, 5,000 work orders.

The estate is bulk-generated straight into the ledger (``bulk_insert``; the work orders through
``workorders.add_many``), which is not timed.  Timed, each in a fresh subprocess so that its
peak memory (maxrss) is its own:

- the whole ``recordkit report monthly`` (figures of three months, the 12-month trend, the
  .xlsx and the .docx written);
- the report's fee figures (``reports.figures.fee_figures`` and ``arrears_lines``: set-based
  SQL with GROUP BY);
- the same fee figures from a naive per-unit loop (one query for the unit's bills, one per
  bill for its payments, one for the unit's payments of the month).

Before comparing speeds the script checks that both ways give identical figures.

    python benchmarks/bench_report.py                   # the issue's estate
    python benchmarks/bench_report.py --units 1000      # a quick look
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ISSUE_UNITS = 5_000
ISSUE_MONTHS = 36
ISSUE_ORDERS = 5_000
GOAL_SECONDS = 5.0
GOAL_SPEEDUP = 5.0
GOAL_MEMORY_MB = 300
SEED = 2026
OPERATOR = "bench"
MONTH = "2026-10"


# -- the estate (not timed) --------------------------------------------------------------------


def make_estate(root: Path, unit_count: int, month_count: int, order_count: int) -> None:
    import sqlalchemy as sa

    from recordkit.billing.rules import add_rule, load_items
    from recordkit.core.config import WorkOrderSettings
    from recordkit.core.dates import Month
    from recordkit.core.workspace import init_workspace, open_workspace
    from recordkit.demo.roster import generate_estate
    from recordkit.ledger.db import bulk_insert, open_ledger
    from recordkit.ledger.schema import allocations, bills, payments, units
    from recordkit.owners.roster import import_owners, write_owner_sheet
    from recordkit.workorders import orders as workorders
    from recordkit.workorders.orders import CATEGORIES, WorkOrderRecord

    init_workspace(root, office="幸福里物业服务中心", estate="幸福里小区")
    estate = generate_estate(seed=SEED, min_units=unit_count)[:unit_count]
    sheet = write_owner_sheet(
        root / "业主名册.xlsx",
        [
            [u.building, u.entrance, u.room, u.floor_area, u.owner_name, u.phone, u.id_number, u.move_in_date, u.status]
            for u in estate
        ],
    )
    workspace = open_workspace(root, flags={"operator": OPERATOR}, environ={})
    last = Month(2026, 10)
    months = [last - k for k in range(month_count - 1, -1, -1)]
    rng = random.Random(SEED)
    with open_ledger(workspace.database_url) as ledger:
        import_owners(ledger, sheet, OPERATOR)
        add_rule(ledger, OPERATOR, "物业服务费", "area", "2.35", str(months[0]), vacant_percent=70)
        add_rule(ledger, OPERATOR, "垃圾清运费", "fixed", "10", str(months[0]), vacant_percent=0)
        add_rule(
            ledger,
            OPERATOR,
            "停车费",
            "fixed",
            "150",
            str(months[0]),
            units=[u.code for i, u in enumerate(estate) if i % 3 == 0],
        )
        with ledger.write() as conn:
            unit_rows = conn.execute(sa.select(units.c.id, units.c.code, units.c.floor_area_hundredths)).all()
            items = {item.name: item.id for item in load_items(conn)}
            parked = {u.code for i, u in enumerate(estate) if i % 3 == 0}
            bill_rows, payment_rows, allocation_rows = [], [], []
            bill_id = payment_id = 0
            for unit_id, code, area in unit_rows:
                habit = rng.random()  # how this owner pays: on time, late, ahead, never
                for month in months:
                    amounts = [("物业服务费", (area * 235 + 50) // 100), ("垃圾清运费", 1000)]
                    if code in parked:
                        amounts.append(("停车费", 15000))
                    ids = []
                    for name, fen in amounts:
                        bill_id += 1
                        ids.append((bill_id, fen))
                        bill_rows.append(
                            {
                                "id": bill_id,
                                "unit_id": unit_id,
                                "item_id": items[name],
                                "month": str(month),
                                "amount_fen": fen,
                                "basis": name,
                                "rate_id": None,
                            }
                        )
                    if habit < 0.1 or rng.random() < 0.05:
                        continue  # never pays, or skipped this month
                    day = month.first_day() + dt.timedelta(days=rng.randrange(0, 27))
                    if habit > 0.85:  # pays the month after (arrears paid off)
                        day = (month + 1).first_day() + dt.timedelta(days=rng.randrange(0, 27))
                    elif habit > 0.75:  # pays ahead, in the month before
                        day = (month - 1).first_day() + dt.timedelta(days=rng.randrange(0, 27))
                    total = sum(fen for _, fen in ids)
                    partial = rng.random() < 0.05
                    extra = 10000 if rng.random() < 0.02 else 0  # a little left over: prepayment
                    payment_id += 1
                    paid = total // 2 if partial else total
                    payment_rows.append(
                        {
                            "id": payment_id,
                            "unit_id": unit_id,
                            "payer": "业主",
                            "amount_fen": paid + extra,
                            "method": "微信",
                            "paid_on": day,
                            "cashier": OPERATOR,
                            "voided": rng.random() < 0.01,
                        }
                    )
                    left = paid
                    for bid, fen in ids:
                        share = min(fen, left)
                        left -= share
                        if share:
                            allocation_rows.append({"payment_id": payment_id, "bill_id": bid, "amount_fen": share})
            for table, rows in ((bills, bill_rows), (payments, payment_rows), (allocations, allocation_rows)):
                for start in range(0, len(rows), 50_000):
                    bulk_insert(conn, table, rows[start : start + 50_000])
        records = []
        codes = [code for _, code, _ in unit_rows]
        start = dt.datetime(2026, 10 - 5, 1)
        for index in range(order_count):
            opened = start + dt.timedelta(minutes=rng.randrange(0, 180 * 24 * 60))
            done = rng.random() < 0.8
            closed = opened + dt.timedelta(hours=rng.randrange(1, 72)) if done else None
            visited = closed + dt.timedelta(hours=24) if done and rng.random() < 0.7 else None
            records.append(
                WorkOrderRecord(
                    "投诉" if rng.random() < 0.3 else "报修",
                    rng.choice(CATEGORIES),
                    f"工单{index}",
                    opened,
                    unit=rng.choice(codes),
                    assignee="维修工" if done else None,
                    assigned_at=opened if done else None,
                    closed_at=closed,
                    result="已处理" if done else None,
                    visited_at=visited,
                    satisfaction=rng.choice(("满意", "基本满意", "不满意")) if visited else None,
                )
            )
        with ledger.write() as conn:
            workorders.add_many(conn, WorkOrderSettings(), OPERATOR, records)
    print(
        f"estate: {len(unit_rows)} units, {len(bill_rows)} bills, {len(payment_rows)} payments, "
        f"{len(allocation_rows)} allocations, {order_count} work orders",
        file=sys.stderr,
    )


# -- the timed parts (each in its own process) ---------------------------------------------------


def fast_figures(conn: Any) -> dict[str, Any]:
    from recordkit.core.dates import parse_month
    from recordkit.reports.figures import arrears_snapshot, fee_figures, load_fee_ledger

    month = parse_month(MONTH)
    counts, arrears = arrears_snapshot(conn, [month])
    figures = fee_figures(conn, month, load_fee_ledger(conn), counts[month])
    return {
        "items": {
            line.label: [line.billed, line.collected, line.cleared, line.prepaid, line.arrears]
            for line in figures.by_item
        },
        "buildings": {
            line.label: [line.billed, line.collected, line.cleared, line.prepaid, line.arrears]
            for line in figures.by_building
        },
        "arrears": sorted((a.unit, a.amount_fen, a.months) for a in arrears),
    }


def naive_figures(conn: Any) -> dict[str, Any]:
    """The first version anyone writes: walk the units, ask the ledger about each bill."""
    import sqlalchemy as sa

    from recordkit.core.dates import parse_month
    from recordkit.ledger.schema import allocations, bills, fee_items, payments, renovations, units
    from recordkit.reports.figures import UNALLOCATED, last_day

    month = parse_month(MONTH)
    key, first, end = str(month), month.first_day(), last_day(month)
    names = dict(conn.execute(sa.select(fee_items.c.id, fee_items.c.name)).all())
    deposits = set(conn.execute(sa.select(renovations.c.deposit_bill_id)).scalars())
    items: dict[str, list[int]] = {}
    buildings: dict[str, list[int]] = {}
    arrears = []
    for unit_id, code, building in conn.execute(sa.select(units.c.id, units.c.code, units.c.building)).all():
        owed_unit, owed_months = 0, set()
        for bill in conn.execute(sa.select(bills).where(bills.c.unit_id == unit_id, bills.c.month <= key)).all():
            if bill.id in deposits:
                continue
            line = [0, 0, 0, 0, 0]
            if bill.month == key:
                line[0] = bill.amount_fen
            paid_by_end = 0
            for amount, paid_on in conn.execute(
                sa.select(allocations.c.amount_fen, payments.c.paid_on)
                .join(payments, payments.c.id == allocations.c.payment_id)
                .where(allocations.c.bill_id == bill.id, payments.c.voided.is_(False))
            ).all():
                if paid_on <= end:
                    paid_by_end += amount
                    if bill.month == key:
                        line[1] += amount
                    elif paid_on >= first:
                        line[2] += amount
            line[4] = bill.amount_fen - paid_by_end
            if line[4] > 0:
                owed_unit += line[4]
                owed_months.add(bill.month)
            for target in (items.setdefault(names[bill.item_id], [0] * 5), buildings.setdefault(building, [0] * 5)):
                for i in range(5):
                    target[i] += line[i]
        for payment in conn.execute(
            sa.select(payments).where(
                payments.c.unit_id == unit_id,
                payments.c.voided.is_(False),
                payments.c.paid_on >= first,
                payments.c.paid_on <= end,
            )
        ).all():
            left = payment.amount_fen
            for amount, bill_month, bill_id, item_id in conn.execute(
                sa.select(allocations.c.amount_fen, bills.c.month, bills.c.id, bills.c.item_id)
                .join(bills, bills.c.id == allocations.c.bill_id)
                .where(allocations.c.payment_id == payment.id)
            ).all():
                left -= amount
                if bill_month > key and bill_id not in deposits:
                    for target in (items.setdefault(names[item_id], [0] * 5), buildings.setdefault(building, [0] * 5)):
                        target[3] += amount
            if left:
                items.setdefault(UNALLOCATED, [0] * 5)[3] += left
                buildings.setdefault(building, [0] * 5)[3] += left
        if owed_unit > 0:
            arrears.append((code, owed_unit, len(owed_months)))
    keep = lambda table: {k: v for k, v in table.items() if any(v)}  # noqa: E731
    return {"items": keep(items), "buildings": keep(buildings), "arrears": sorted(arrears)}


def child(root: Path, what: str, sizes: tuple[int, int, int]) -> None:
    if what == "setup":  # in its own process too: the parent stays small, so children's maxrss is theirs
        make_estate(root, *sizes)
        return
    from recordkit.core.workspace import open_workspace
    from recordkit.ledger.db import open_ledger

    workspace = open_workspace(root, flags={"operator": OPERATOR}, environ={})
    with open_ledger(workspace.database_url) as ledger:
        started = time.perf_counter()
        if what == "report":
            from recordkit.reports import monthly_report

            monthly_report(workspace, ledger, MONTH, OPERATOR, root / "out")
            result: Any = None
        else:
            with ledger.read() as conn:
                result = (fast_figures if what == "fast" else naive_figures)(conn)
        elapsed = time.perf_counter() - started
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    print(json.dumps({"seconds": elapsed, "maxrss_mb": maxrss_mb, "figures": result}, ensure_ascii=False))


def run_child(root: Path, what: str, sizes: tuple[int, int, int] = (0, 0, 0)) -> dict[str, Any]:
    done = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            what,
            "--root",
            str(root),
            "--units",
            str(sizes[0]),
            "--months",
            str(sizes[1]),
            "--orders",
            str(sizes[2]),
        ],
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    return json.loads(done.stdout) if what != "setup" else {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=ISSUE_UNITS)
    parser.add_argument("--months", type=int, default=ISSUE_MONTHS)
    parser.add_argument("--orders", type=int, default=ISSUE_ORDERS)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child")
    parser.add_argument("--root", type=Path)
    args = parser.parse_args()
    sizes = (args.units, args.months, args.orders)
    if args.child:
        child(args.root, args.child, sizes)
        return
    from rich.console import Console
    from rich.table import Table

    with tempfile.TemporaryDirectory(prefix="bench-report-") as scratch:
        root = Path(scratch) / "estate"
        started = time.perf_counter()
        run_child(root, "setup", sizes)
        print(f"setup {time.perf_counter() - started:.1f} s (not timed)", file=sys.stderr)
        runs = {
            what: [run_child(root, what) for _ in range(args.repeat if what != "naive" else 1)]
            for what in ("report", "fast", "naive")
        }
    best = {what: min(r["seconds"] for r in results) for what, results in runs.items()}
    memory = {what: max(r["maxrss_mb"] for r in results) for what, results in runs.items()}
    same = runs["fast"][0]["figures"] == runs["naive"][0]["figures"]
    speedup = best["naive"] / best["fast"]
    table = Table(title=f"月度报表 {MONTH}：{args.units} 户，{args.months} 个月账单与收款，{args.orders} 张工单")
    for header in ("做法", "用时（秒，取最好）", "峰值内存（MB）", "倍数"):
        table.add_column(header)
    table.add_row(
        "整份月报（三个月的数字、12 个月趋势、写 .xlsx 和 .docx）",
        f"{best['report']:.2f}",
        f"{memory['report']:.0f}",
        "",
    )
    table.add_row("收费数字：集合查询（GROUP BY）", f"{best['fast']:.2f}", f"{memory['fast']:.0f}", f"{speedup:.1f}x")
    table.add_row("收费数字：逐户逐单查询（朴素做法）", f"{best['naive']:.2f}", f"{memory['naive']:.0f}", "1.0x")
    Console(width=120).print(table)
    print(f"figures identical (by item, by building, every unit in arrears): {same}")
    print(
        f"goal report < {GOAL_SECONDS:.0f} s: {'met' if best['report'] < GOAL_SECONDS else 'NOT met'} "
        f"({best['report']:.2f} s); goal ≥ {GOAL_SPEEDUP:.0f}x: {'met' if speedup >= GOAL_SPEEDUP else 'NOT met'} "
        f"({speedup:.1f}x); goal < {GOAL_MEMORY_MB} MB: "
        f"{'met' if memory['report'] < GOAL_MEMORY_MB else 'NOT met'} ({memory['report']:.0f} MB)"
    )
    if not same:
        raise SystemExit("the two ways disagree: the comparison is void")


if __name__ == "__main__":
    main()
