"""Payment-reminder benchmark: 1,000 personalised 催缴通知书 as separate files plus one merged print
file, recordkit's engine against the naive docxtpl loop and a docxcompose merge, in the same run.

Methods (each in a fresh process, so each peak RSS is its own):

- ``recordkit``: ``Template.load`` once (Word's split placeholders joined, the Jinja compiled,
  the parts without placeholders compressed once), then one render per reminder and one
  render with page breaks for the merged file;
- ``naive``: for every reminder ``DocxTemplate(path)``, ``render``, ``save``; then
  ``docxcompose`` appends the finished files one by one into the print file;
- ``recordkit remind`` (with ``--ledger``): the whole ``notices.remind`` on a ledger of
  units in arrears — files, the ledger rows, the journal and the 送达签收表 — for scale.

Before comparing speeds it checks that every file of both methods says the same (the
paragraphs and table cells a reader sees) and that the merged files do too.  Writing the
input data is not timed.

    python benchmarks/bench_notices.py                  # the issue's 1,000 reminders
    python benchmarks/bench_notices.py --count 200 --ledger
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

ISSUE_COUNT = 1_000
GOAL_SPEEDUP = 8.0
GOAL_PEAK_MB = 200.0
SEED = 2026
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英"
ITEMS = ("物业服务费", "垃圾清运费", "停车费")


def contexts(count: int) -> list[dict[str, Any]]:
    """What ``notices.remind`` fills a reminder with, for ``count`` made-up units in arrears."""
    from recordkit.core.money import amount_in_capitals, format_yuan

    rng = random.Random(SEED)
    result = []
    for number in range(count):
        building, entrance, room = 1 + number // 200, 1 + (number // 50) % 4, 101 + number % 50
        owner = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        months = rng.randint(1, 12)
        lines = []
        for offset in range(months):
            month = 12 - months + offset + 1
            for item in ITEMS[: rng.choice((1, 2, 3))]:
                lines.append((f"2026年{month}月", item, rng.randint(1000, 40000)))
        total = sum(fen for _, _, fen in lines)
        result.append(
            {
                "物业服务中心": "幸福里物业服务中心",
                "小区": "幸福里小区",
                "日期": "2026年12月1日",
                "业主姓名": owner,
                "房号": f"{building}-{entrance}-{room}",
                "房屋": f"{building}栋{entrance}单元{room}室",
                "房屋地址": f"江宁市秦淮区幸福路88号幸福里小区{building}栋{entrance}单元{room}室",
                "收件人": owner,
                "楼栋": str(building),
                "称呼": f"尊敬的{owner}业主",
                "明细": [{"月份": m, "项目": i, "金额": format_yuan(f)} for m, i, f in lines],
                "欠费项目": "、".join(dict.fromkeys(item for _, item, _ in lines)),
                "只欠一次性费用": False,  # every unit here owes monthly fees
                "合计": format_yuan(total),
                "合计大写": amount_in_capitals(total),
                "欠费月数": months,
                "最早月份": lines[0][0],
                "截止日期": "2026年12月1日",
                "缴费期限": "2026年12月16日",
                "缴费方式": "到物业服务中心前台以现金、微信、支付宝或 POS 刷卡缴纳，或银行转账（请注明房号）",
                "联系电话": "0755-86661234",
                # one unit in ten holds money paid ahead, which the reminder explains
                "预收款": "300.00" if number % 10 == 0 else "",
                "预收说明": "另有预收款 300.00 元，用于以后出账的月份，不抵上述欠费" if number % 10 == 0 else "",
            }
        )
    return result


def _template_path() -> Path:
    from recordkit.documents.templates.engine import TemplateLibrary

    path = TemplateLibrary(None).builtin_path("催缴通知书")
    assert path is not None
    return path


def run_recordkit(out: Path, count: int) -> None:
    from recordkit.documents.templates.engine import Template

    data = contexts(count)
    start = time.perf_counter()
    template = Template.load(_template_path(), name="催缴通知书")
    for number, context in enumerate(data):
        template.render_to(out / f"{number:04d}.docx", context)
    files_done = time.perf_counter()
    template.render_merged_to(out / "merged.docx", data)
    _report(out, files_done - start, time.perf_counter() - files_done)


def run_naive(out: Path, count: int) -> None:
    from docx import Document
    from docxcompose.composer import Composer
    from docxtpl import DocxTemplate

    from recordkit.documents.templates.engine import environment

    data = contexts(count)
    path = _template_path()
    start = time.perf_counter()
    files = []
    for number, context in enumerate(data):
        document = DocxTemplate(str(path))
        document.render(context, jinja_env=environment())
        target = out / f"{number:04d}.docx"
        document.save(str(target))
        files.append(target)
    files_done = time.perf_counter()
    master = Document(str(files[0]))
    composer = Composer(master)
    for target in files[1:]:
        master.add_page_break()
        composer.append(Document(str(target)))
    composer.save(str(out / "merged.docx"))
    _report(out, files_done - start, time.perf_counter() - files_done)


def run_remind(out: Path, count: int) -> None:
    """``notices.remind`` end to end on a ledger of ``count`` units owing two months."""
    import datetime as dt

    from recordkit.billing.bills import bill_month
    from recordkit.billing.rules import add_rule
    from recordkit.core.workspace import init_workspace, open_workspace
    from recordkit.documents.notices import remind
    from recordkit.ledger.db import open_ledger
    from recordkit.owners.roster import import_owners, write_owner_sheet

    root = init_workspace(out / "ws", office="幸福里物业服务中心", estate="幸福里小区")
    workspace = open_workspace(root, environ={})
    rows = [
        [
            str(1 + n // 200),
            str(1 + (n // 50) % 4),
            str(101 + n % 50),
            89.5,
            f"业主{n}",
            None,
            None,
            dt.date(2020, 1, 1),
            "已入住",
        ]
        for n in range(count)
    ]
    with open_ledger(workspace.database_url) as ledger:
        import_owners(ledger, write_owner_sheet(out / "名册.xlsx", rows), "bench")
        add_rule(ledger, "bench", "物业服务费", "area", "2.35", "2026-01")
        add_rule(ledger, "bench", "垃圾清运费", "fixed", "10", "2026-01")
        for month in ("2026-09", "2026-10"):
            bill_month(ledger, month, "bench")
        start = time.perf_counter()
        remind(workspace, ledger, "bench", as_of=dt.date(2026, 10, 31))
        files_done = time.perf_counter()
        remind(workspace, ledger, "bench", as_of=dt.date(2026, 10, 31), merge=True)
        merged_done = time.perf_counter()
    _report(out, files_done - start, merged_done - files_done)


def _report(out: Path, files_seconds: float, merged_seconds: float) -> None:
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    (out / "result.txt").write_text(f"{files_seconds} {merged_seconds} {peak_kb / 1024}")


def measure(method: Any, out: Path, count: int) -> tuple[float, float, float]:
    """(seconds for the separate files, seconds for the merged file, peak RSS in MB)."""
    out.mkdir(parents=True)
    worker = multiprocessing.get_context("spawn").Process(target=method, args=(out, count))
    worker.start()
    worker.join()
    if worker.exitcode != 0:
        raise SystemExit(f"{method.__name__} failed (exit {worker.exitcode})")
    files_seconds, merged_seconds, peak = (float(x) for x in (out / "result.txt").read_text().split())
    return files_seconds, merged_seconds, peak


def visible_text(path: Path) -> list[str]:
    """What a reader sees, in order: each non-empty paragraph, and each table row's cells."""
    from docx import Document

    document = Document(str(path))
    body = document.element.body
    seen: list[str] = []
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = "".join(node.text or "" for node in child.iter() if node.tag.endswith("}t"))
            if text.strip():
                seen.append(text)
        elif tag == "tbl":
            for row in child.iter():
                if row.tag.endswith("}tr"):
                    cells = [
                        "".join(n.text or "" for n in cell.iter() if n.tag.endswith("}t"))
                        for cell in row
                        if cell.tag.endswith("}tc")
                    ]
                    seen.append(" | ".join(cells))
    return seen


def same_text(ours: Path, theirs: Path, count: int) -> tuple[int, bool]:
    """(files whose text differs, whether the merged files read the same)."""
    differing = sum(
        visible_text(ours / f"{n:04d}.docx") != visible_text(theirs / f"{n:04d}.docx") for n in range(count)
    )
    return differing, visible_text(ours / "merged.docx") == visible_text(theirs / "merged.docx")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=ISSUE_COUNT)
    parser.add_argument("--ledger", action="store_true", help="also time notices.remind end to end on a ledger")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    args = parser.parse_args()

    console = Console(width=140)
    scratch = Path(tempfile.mkdtemp(prefix="recordkit-bench-notices-"))
    try:
        console.print(
            f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {args.count} 催缴通知书 "
            "as separate files plus one merged print file"
        )
        ours = measure(run_recordkit, scratch / "recordkit", args.count)
        naive = measure(run_naive, scratch / "naive", args.count)
        rows = [
            ("recordkit (compiled once, merged = one render)", *ours),
            ("naive docxtpl loop + docxcompose merge", *naive),
        ]
        if args.ledger:
            rows.append(
                (
                    "recordkit notices.remind on a ledger (files, rows, journal, sheet)",
                    *measure(run_remind, scratch / "remind", args.count),
                )
            )
        differing, merged_same = same_text(scratch / "recordkit", scratch / "naive", args.count)

        table = Table(title=f"{args.count} 催缴通知书: separate files, then one merged print file")
        for header in (
            "method",
            "files s",
            "ms each",
            "merged s",
            "ms each",
            "whole batch s",
            "peak RSS MB",
            "vs naive",
        ):
            table.add_column(header, justify="left" if header == "method" else "right")
        naive_total = naive[0] + naive[1]
        for name, files_seconds, merged_seconds, peak in rows:
            total = files_seconds + merged_seconds
            table.add_row(
                name,
                f"{files_seconds:.2f}",
                f"{files_seconds * 1000 / args.count:.1f}",
                f"{merged_seconds:.2f}",
                f"{merged_seconds * 1000 / args.count:.1f}",
                f"{total:.2f}",
                f"{peak:.0f}",
                f"{naive_total / total:.1f}x",
            )
        console.print(table)
        speedup = naive_total / (ours[0] + ours[1])
        checks = [
            (differing == 0, f"text of every file identical to the baseline's ({differing} of {args.count} differ)"),
            (merged_same, "text of the merged print file identical to the baseline's"),
            (
                speedup >= GOAL_SPEEDUP,
                f"whole batch {speedup:.1f}x faster than the naive loop (goal ≥ {GOAL_SPEEDUP:.0f}x)",
            ),
            (ours[2] < GOAL_PEAK_MB, f"peak RSS {ours[2]:.0f} MB (goal < {GOAL_PEAK_MB:.0f} MB)"),
        ]
        for ok, text in checks:
            console.print(f"{'PASS' if ok else 'FAIL'}  {text}")
        if not all(ok for ok, _ in checks):
            raise SystemExit(1)
    finally:
        if args.keep:
            console.print(f"files kept in {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
