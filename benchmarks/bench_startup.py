"""Start-up benchmark: how long `recordkit … --help` takes, against a bare `python -c pass`, and what it imports.

Each command runs N times in a fresh process (the console script, as a clerk
runs it); a separate probe process per command lists the heavy modules that the
same arguments leave in ``sys.modules``.  Nothing is asserted here: the import
rule is enforced by tests/test_startup_imports.py.

    python benchmarks/bench_startup.py [--runs 10]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

HEAVY_MODULES = ("openpyxl", "docx", "whoosh", "jieba", "sqlalchemy", "onnxruntime", "alembic")
COMMANDS: tuple[tuple[str, ...], ...] = (
    ("--help",),
    ("owners", "--help"),
    ("owners", "import", "--help"),
    ("--version",),
)

# Runs the app in-process with the given arguments, then reports which heavy modules are loaded.
_PROBE = f"""
import contextlib, io, json, sys
from recordkit.cli import app
with contextlib.redirect_stdout(io.StringIO()):
    try:
        app(sys.argv[1:], prog_name="recordkit")
        code = 0
    except SystemExit as exit:
        code = exit.code or 0
heavy = {HEAVY_MODULES!r}
print(json.dumps({{"exit": code, "heavy": [m for m in heavy if m in sys.modules]}}))
"""


def recordkit_command() -> list[str]:
    script = Path(sys.executable).parent / "recordkit"
    return [str(script)] if script.exists() else [sys.executable, "-m", "recordkit"]


def clean_env() -> dict[str, str]:
    # A stray RECORDKIT_* variable or a workspace above the cwd must not change what runs.
    return {key: value for key, value in os.environ.items() if not key.startswith("RECORDKIT_")}


def time_runs(command: list[str], runs: int) -> list[float]:
    """Wall times in milliseconds of ``runs`` fresh processes (after one untimed warm-up)."""
    env = clean_env()
    subprocess.run(command, capture_output=True, env=env, check=False)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, env=env, check=False)
        samples.append((time.perf_counter() - start) * 1000)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} exited {done.returncode}:\n{done.stderr.decode()}")
    return samples


def heavy_imports(args: tuple[str, ...]) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, env=clean_env(), check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"probe for {' '.join(args)} failed:\n{done.stderr}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    if report["exit"] != 0:
        raise SystemExit(f"recordkit {' '.join(args)} exited {report['exit']}")
    return report["heavy"]


def p90(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=10, method="inclusive")[8]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="timed runs per command (default 10)")
    args = parser.parse_args(argv)
    console = Console(width=None if sys.stdout.isatty() else 120, highlight=False)
    console.print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {args.runs} runs each, one warm-up run not counted"
    )

    baseline = time_runs([sys.executable, "-c", "pass"], args.runs)
    base_median = statistics.median(baseline)
    table = Table(title="启动时间 start-up", header_style="bold")
    for header in ("command", "median ms", "p90 ms", "over python -c pass", "heavy modules imported"):
        table.add_column(header, justify="left" if header in ("command", "heavy modules imported") else "right")
    table.add_row("python -c pass", f"{base_median:.0f}", f"{p90(baseline):.0f}", "—", "—")

    offenders = 0
    for command_args in COMMANDS:
        samples = time_runs([*recordkit_command(), *command_args], args.runs)
        heavy = heavy_imports(command_args)
        offenders += bool(heavy)
        median = statistics.median(samples)
        table.add_row(
            f"recordkit {' '.join(command_args)}",
            f"{median:.0f}",
            f"{p90(samples):.0f}",
            f"+{median - base_median:.0f}",
            ", ".join(heavy) if heavy else "none",
        )
    console.print(table)
    console.print(
        f"{'PASS' if not offenders else 'FAIL'}  no heavy module ({', '.join(HEAVY_MODULES)}) "
        f"imported by --help or --version"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
