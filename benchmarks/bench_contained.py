"""What reading inbox files in the contained reader process costs (issue 20, items 5 and 6).

``scans.inspect_scan`` reads every PDF and image in a worker process with a time and a memory limit.
The baseline is what a competent engineer would write without isolation: the same readers
(``scans.count_pages``) called in this process.  Both read the same scans (PDFs of 1-3 pages and PNG/JPEG
pages, as the demo scanner writes them); before timing is compared the page counts must be identical.
Reported: the median of ``--repeat`` runs, per file and in total, and the one-off cost of starting the
worker (paid once per process: a ``recordkit file`` run, or the service's start).

    python benchmarks/bench_contained.py                  # 300 scans, 3 runs
    python benchmarks/bench_contained.py --files 60 --repeat 3   # a quick look
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from recordkit.archive.contained import shutdown_readers
from recordkit.archive.scans import count_pages, inspect_scan
from recordkit.core.config import LimitSettings
from recordkit.demo.scans import write_scan


def make_scans(folder: Path, count: int) -> list[Path]:
    suffixes = (".pdf", ".png", ".jpg")
    return [
        write_scan(folder / f"scan{n:04d}{suffixes[n % 3]}", n, pages=1 + (n // 3) % 3 if n % 3 == 0 else 1)
        for n in range(count)
    ]


def contained(paths: list[Path], limits: LimitSettings) -> list[int | None]:
    return [inspect_scan(path, path.suffix, limits).pages for path in paths]


def in_process(paths: list[Path], limits: LimitSettings) -> list[int | None]:
    kinds = {".pdf": "pdf", ".png": "image", ".jpg": "image"}
    return [count_pages(kinds[path.suffix], str(path), limits) for path in paths]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    limits = LimitSettings()
    with tempfile.TemporaryDirectory() as tmp:
        paths = make_scans(Path(tmp), args.files)
        shutdown_readers()
        started = time.perf_counter()
        contained(paths[:1], limits)
        start_cost = time.perf_counter() - started
        expected = in_process(paths, limits)
        if contained(paths, limits) != expected:
            print("FAIL: the contained reader counted other pages than the in-process one")
            return 1
        timings: dict[str, list[float]] = {"contained": [], "in_process": []}
        for _ in range(args.repeat):
            for name, function in (("contained", contained), ("in_process", in_process)):
                started = time.perf_counter()
                function(paths, limits)
                timings[name].append(time.perf_counter() - started)
    print(f"PASS: {args.files} scans, page counts identical ({sum(p or 0 for p in expected)} pages)")
    table = Table(title=f"Reading {args.files} inbox scans (median of {args.repeat})")
    for header in ("method", "total s", "ms per file"):
        table.add_column(header)
    for name, label in (("in_process", "in this process (baseline)"), ("contained", "contained worker process")):
        median = statistics.median(timings[name])
        table.add_row(label, f"{median:.2f}", f"{1000 * median / args.files:.2f}")
    table.add_row("starting the worker (once per process)", f"{start_cost:.2f}", "")
    Console().print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
