"""The real ``recordkit index --rebuild`` on a PostgreSQL ledger (issue 17): time and memory of the whole command's
work, not of the backend alone.

``bench_search_pg.py --million`` feeds the backend's rebuild with documents made in memory; an office's rebuild
also reads the catalogue (every item, as ``ArchiveItem``), signs each item, looks at each stored text, reads it
again where the tokens are made, and after the swap compares the whole catalogue once more (what was filed
meanwhile).  This runs that library call (``update_index(rebuild=True)``) over a workspace of ``--docs`` filed
items (``bench_search.make_workspace``: catalogue rows and stored texts as filing leaves them, ``--chars``
characters each) on a database of its own (made on ``--admin-url``, dropped afterwards).  Each run is a fresh
Python process, so its peak memory is its own: the process's peak resident memory (``VmHWM``) and the worker processes'
peak private memory (sampled from /proc every 0.2 s).

``--baseline-src DIR`` runs the same rebuild with the recordkit of another checkout (its ``src``) beside this
one's, on the same workspace: before any figure, both must leave the same rows in ``search_items``.

    python benchmarks/bench_rebuild.py --docs 100000 --baseline-src /tmp/old/src
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import bench_search as bench
import psycopg
from bench_ledger_move import scratch_database
from bench_search_pg import admin_url_argument, load_average
from rich.console import Console
from rich.table import Table

from recordkit.core.workspace import init_workspace

#: What each run's own process does: the rebuild, with its memory watched; one JSON line on stdout.
RUN = r"""
import json, os, sys, threading, time
from pathlib import Path
from recordkit.core.workspace import open_workspace
from recordkit.ledger.db import open_workspace_ledger
from recordkit.search.indexer import update_index

def private_mb(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            return sum(int(line.split()[1]) for line in rollup if line.startswith(("Private_Dirty", "Private_Clean"))) / 1024
    except OSError:
        return 0.0

peak, stop = [0.0], threading.Event()

def watch():
    me = os.getpid()
    while not stop.wait(0.2):
        children = []
        for task in os.listdir(f"/proc/{me}/task"):
            try:
                children += open(f"/proc/{me}/task/{task}/children").read().split()
            except OSError:
                pass
        peak[0] = max(peak[0], sum(private_mb(child) for child in children))

threading.Thread(target=watch, daemon=True).start()
workspace = open_workspace(Path(sys.argv[1]), environ={"RECORDKIT_SEARCH_BACKEND": "postgresql"})
with open_workspace_ledger(workspace) as ledger:
    started = time.perf_counter()
    report = update_index(workspace, ledger, rebuild=True, lock_timeout=600)
    seconds = time.perf_counter() - started
stop.set()
with open("/proc/self/status") as status:  # (not getrusage's ru_maxrss: Linux keeps the forking parent's over exec)
    hwm = next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))
print(json.dumps({"seconds": seconds, "added": report.added, "rss_mb": hwm / 1024, "workers_mb": peak[0]}))
"""


def run_once(root: Path, src: Path | None) -> dict[str, float]:
    """One rebuild in a process of its own, with the recordkit of ``src`` (None: this checkout's)."""
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    done = subprocess.run(
        [sys.executable, "-c", RUN, str(root)], env=env, capture_output=True, text=True, check=True, timeout=7200
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def index_rows(url: str) -> tuple[int, str]:
    """The number of rows in the index, and an MD5 of all of them as they are read back (each tsvector as text),
    in 档号 order: made on the server, so that this process stays small (its children inherit its size)."""
    with psycopg.connect(url) as conn:
        found = conn.execute(
            "SELECT count(*), md5(string_agg(md5(concat_ws('|', archive_no, signature, state, tsv::text, tri::text,"
            " pairs::text, text, shown::text)), '' ORDER BY archive_no)) FROM search_items"  # (an MD5 a row: a
            # million rows' texts joined would pass the server's 1 GB for one value)
        ).fetchone()
    assert found is not None
    return int(found[0]), str(found[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--chars", type=int, default=300, help="characters of each item's text")
    parser.add_argument("--repeat", type=int, default=3, help="rebuilds of each version; the median is shown")
    parser.add_argument("--baseline-src", type=Path, help="another checkout's src: its rebuild beside this one's")
    admin_url_argument(parser)
    args = parser.parse_args()
    console = Console(width=150)
    versions: dict[str, Path | None] = {"this checkout": None}
    if args.baseline_src:
        versions = {f"baseline ({args.baseline_src})": args.baseline_src.resolve(), **versions}
    started_load = load_average()
    folder = Path(tempfile.mkdtemp(prefix="bench-rebuild-"))
    with scratch_database(args.admin_url) as url:
        root = init_workspace(folder / "ws")
        config = root / "recordkit.toml"
        config.write_text(config.read_text(encoding="utf-8").replace('url = ""', f'url = "{url}"', 1), encoding="utf-8")
        console.print(f"filing {args.docs:,} items of about {args.chars} characters …")
        corpus = bench.generate(args.docs, length=args.chars)
        bench.make_workspace(folder, corpus, 0, args.docs, root=root, light=True)
        del corpus  # (each run's process is forked from this one)
        runs: dict[str, list[dict[str, float]]] = {}
        rows: dict[str, tuple[int, str]] = {}
        for _ in range(args.repeat):  # the versions in turn, so that a slow hour falls on both
            for name, src in versions.items():
                console.print(f"rebuilding: {name} …")
                result = run_once(root, src)
                console.print(result)
                assert result["added"] == args.docs, result
                runs.setdefault(name, []).append(result)
                rows[name] = index_rows(url)
    first = next(iter(rows.values()))
    assert all(found == first for found in rows.values()), "the versions left different rows in search_items"
    assert first[0] == args.docs
    console.print(f"checked: every version left the same {first[0]:,} rows in search_items (MD5 {first[1]})")
    table = Table(title=f"index --rebuild, {args.docs:,} items, PostgreSQL, median of {args.repeat}")
    for column in ("version", "seconds", "items/s", "peak memory of the process", "workers' peak private memory"):
        table.add_column(column, justify="left" if column == "version" else "right")
    for name, results in runs.items():
        seconds = statistics.median(result["seconds"] for result in results)
        table.add_row(
            name,
            f"{seconds:.1f}",
            f"{args.docs / seconds:,.0f}",
            f"{statistics.median(result['rss_mb'] for result in results):,.0f} MB",
            f"{statistics.median(result['workers_mb'] for result in results):,.0f} MB",
        )
    console.print(table)
    console.print(f"load average: {started_load} at the start, {load_average()} at the end")


if __name__ == "__main__":
    main()
