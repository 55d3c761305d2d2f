"""Scans with their scanner's sidecars: how long telling a sidecar from a scan takes in one pass over a folder.

A folder of ``--scans`` scans ``扫描0001.pdf`` … each with its sidecar ``扫描0001.txt`` (unit and title, as a scanner's
profile writes them; one PDF, each copy made distinct by a comment after its end) is, each in a fresh workspace:

- looked through as ``recordkit file`` of the folder looks through it before filing (``Archivist.expand``: which
  files are sidecars, skipped);
- filed whole as ``recordkit file`` files it (``archive.intake.file_paths``: the look, then batches of
  ``BATCH_SIZE`` numbered, placed, committed and indexed);
- copied into the inbox and rescanned as the filing service rescans it (``InboxWatcher.scan``: nothing filed).

Each version runs in a process of its own from its source (``PYTHONPATH``): this checkout's and, with
``--baseline-src DIR``, another checkout's ``src`` (``git archive <commit> src | tar -x -C DIR``), in turn, ``--repeat``
rounds.  Before any figure, every run of every version must have filed the same rows (original name, 档号, unit,
title) and rescanned the same files; the table shows medians.  Making the scans is not timed.

    python benchmarks/bench_sidecars.py --baseline-src /tmp/before/src             # 1,000 scans, 3 rounds
    python benchmarks/bench_sidecars.py --scans 200 --repeat 1                       # a quick look
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

#: What each run's own process does: one JSON line on stdout, its timings and what it filed and rescanned.
RUN = r"""
import hashlib, json, shutil, sys, tempfile, time
from pathlib import Path
from recordkit.archive.archivist import Archivist
from recordkit.archive.intake import file_paths
from recordkit.archive.watcher import InboxWatcher
from recordkit.core.workspace import init_workspace, open_workspace
from recordkit.demo.scans import scan_bytes
from recordkit.ledger.db import open_ledger

count = int(sys.argv[1])
folder = Path(tempfile.mkdtemp(prefix="bench-sidecars-"))
root = init_workspace(folder / "ws")
workspace = open_workspace(root, environ={"RECORDKIT_ARCHIVE_STABILITY_SECONDS": "0"})
scans = folder / "扫描件"
scans.mkdir()
pdf = scan_bytes("pdf", 1)
for number in range(1, count + 1):
    (scans / f"扫描{number:04}.pdf").write_bytes(pdf + f"\n% {number}\n".encode())
    (scans / f"扫描{number:04}.txt").write_text(f"房号: 3-2-1201\n题名: 产权证明第{number}份\n", encoding="utf-8")
inbox = workspace.records_subdir("inbox") / "扫描件"
shutil.copytree(scans, inbox)
with open_ledger(workspace.database_url) as ledger:
    archivist = Archivist(workspace, ledger, "bench")
    started = time.perf_counter()
    looked = list(archivist.expand([scans]))
    look = time.perf_counter() - started
    watcher = InboxWatcher(Archivist(workspace, ledger, "bench"))
    started = time.perf_counter()
    rescanned = sorted(path.name for path in watcher.scan())
    rescan = time.perf_counter() - started
    started = time.perf_counter()
    outcomes = file_paths(Archivist(workspace, ledger, "bench"), [scans], sleep=lambda seconds: None)
    filing = time.perf_counter() - started
    rows = sorted(  # (by the file's name: the folder's is made anew by each run)
        (Path(o.source).name, o.status, *((o.item.archive_no, o.item.unit, o.item.title) if o.item else ()))
        for o in outcomes
    )
shutil.rmtree(folder)
print(json.dumps({
    "look": look, "file": filing, "rescan": rescan, "looked": len(looked), "filed": len(outcomes),
    "rescanned": len(rescanned),
    "result": hashlib.sha256(json.dumps([rows, rescanned], ensure_ascii=False).encode()).hexdigest(),
}))
"""


def run_once(count: int, src: Path) -> dict[str, float | int | str]:
    """One run in a process of its own, with the recordkit of ``src``."""
    env = dict(os.environ, PYTHONPATH=str(src))
    done = subprocess.run(
        [sys.executable, "-c", RUN, str(count)], env=env, capture_output=True, text=True, check=True, timeout=3600
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scans", type=int, default=1000, help="scans in the folder, each with its sidecar")
    parser.add_argument("--repeat", type=int, default=3, help="rounds; the medians are shown")
    parser.add_argument("--baseline-src", type=Path, help="another checkout's src, run beside this one's")
    args = parser.parse_args()
    console = Console(width=150)
    versions = {"this checkout": Path(__file__).resolve().parents[1] / "src"}
    if args.baseline_src:
        versions = {f"baseline ({args.baseline_src})": args.baseline_src.resolve(), **versions}
    runs: dict[str, list[dict[str, float | int | str]]] = {name: [] for name in versions}
    for round_number in range(1, args.repeat + 1):  # the versions in turn, so that a slow minute falls on both
        for name, src in versions.items():
            result = run_once(args.scans, src)
            console.print(f"round {round_number}, {name}: {result}")
            runs[name].append(result)
    results = {str(result["result"]) for name in runs for result in runs[name]}
    counts = {(result["looked"], result["filed"], result["rescanned"]) for name in runs for result in runs[name]}
    assert len(results) == 1, "the versions filed or rescanned differently"
    assert counts == {(args.scans, args.scans, args.scans)}, counts
    console.print(f"checked: every run filed the same {args.scans:,} scans and rescanned the same files")
    table = Table(title=f"{args.scans:,} scans with their sidecars in one folder, median of {args.repeat}")
    for column in ("version", "file's look (s)", "recordkit file (s)", "service's rescan (s)"):
        table.add_column(column, justify="left" if column == "version" else "right")
    for name, found in runs.items():
        table.add_row(
            name, *(f"{statistics.median(float(r[key]) for r in found):.2f}" for key in ("look", "file", "rescan"))
        )
    console.print(table)
    console.print(f"load average: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
