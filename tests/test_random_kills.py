"""Issue 20, proof: kill -9 at random moments while a clerk's process pays with paper and files scans.

Each round writes three scans into the inbox and starts a process that, again and again, takes a payment
with its printed receipt and files the inbox; it is killed with SIGKILL after a random delay.  After the
last round one clean run finishes the job.  Then: no scan lost or filed twice, receipt numbers gapless and
unique, every number printed exactly once and every printed number in the ledger.  10 kills by default;
``RK_TEST_KILLS=100`` for the full proof (its result is in docs/benchmarks.md).
"""

from __future__ import annotations

import collections
import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

import recordkit
from recordkit.archive.archivist import list_items
from recordkit.core.workspace import Workspace
from recordkit.demo.scans import write_scan
from recordkit.documents.generated import PENDING_FOLDER
from recordkit.ledger.db import Ledger
from recordkit.ledger.schema import documents, receipts
from tests.archive_helpers import tree
from tests.documents_fixtures import estate, ws  # noqa: F401 (fixtures)
from tests.fees_fixtures import bill_months

KILLS = int(os.environ.get("RK_TEST_KILLS", "10"))

_CLERK = """
import datetime as dt, sys
from pathlib import Path
from recordkit.archive.archivist import Archivist
from recordkit.archive.intake import file_paths
from recordkit.billing.receipts import PaymentRequest, pay_and_print
from recordkit.core.workspace import open_workspace
from recordkit.ledger.db import open_ledger

root, url, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
workspace = open_workspace(Path(root), environ={"RECORDKIT_DATABASE_URL": url})
ledger = open_ledger(url)
print("ready", flush=True)
for _ in range(rounds):
    pay_and_print(workspace, ledger, "王芳", PaymentRequest("1-1-101", 100, again=True, prepay=True), today=dt.date(2026, 11, 23))
    file_paths(Archivist(workspace, ledger, "档案员"), [workspace.root / "records" / "inbox"])
"""


def _clerk(ws: Workspace, rounds: int) -> subprocess.Popen[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("RECORDKIT_")}
    env["PYTHONPATH"] = str(Path(recordkit.__file__).resolve().parents[1])
    return subprocess.Popen(
        [sys.executable, "-c", _CLERK, str(ws.root), ws.database_url, str(rounds)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def test_random_kills_while_paying_and_filing_lose_nothing_and_print_no_number_twice(
    ws: Workspace,
    estate: Ledger,  # noqa: F811
) -> None:
    bill_months(estate, "2026-11")
    inbox = ws.root / "records" / "inbox"
    rng = random.Random(20)
    written: set[str] = set()
    killed = 0
    for round_number in range(1, 4 * KILLS + 1):
        for n in range(3):
            scan = write_scan(inbox / f"3-2-1201_产权证明_{round_number:03d}{n}.pdf", round_number * 10 + n)
            written.add(hashlib.sha256(scan.read_bytes()).hexdigest())
        clerk = _clerk(ws, 50)
        assert clerk.stdout is not None
        clerk.stdout.readline()  # started (imports take seconds on a busy machine): kills land in the work
        time.sleep(rng.uniform(0.0, 2.5))
        if clerk.poll() is None:
            clerk.send_signal(signal.SIGKILL)
            killed += 1
        clerk.communicate()
        if killed >= KILLS:
            break
    assert killed >= KILLS
    last = _clerk(ws, 1)  # a clean run: recovers, then pays once more and files what is left
    out, err = last.communicate(timeout=300)
    assert last.returncode == 0, err

    filed = [item.sha256 for item in list_items(estate)]
    assert sorted(filed) == sorted(written), "every scan filed exactly once"
    assert tree(inbox) == []
    with estate.read() as conn:
        numbers = sorted(conn.execute(sa.select(receipts.c.number)).scalars())
        paths = conn.execute(sa.select(documents.c.path)).scalars().all()
    assert numbers == [f"SJ2026-{seq:06d}" for seq in range(1, len(numbers) + 1)], "gapless and unique"
    generated = ws.records_subdir("generated")
    printed = [
        name.split("_")[0].removeprefix("收据")
        for name in (p.name for p in generated.rglob("*.docx") if PENDING_FOLDER not in p.parts)
        if name.startswith("收据")
    ]
    assert [n for n, count in collections.Counter(printed).items() if count > 1] == [], "no number printed twice"
    assert sorted(printed) == numbers, "every receipt on paper, every paper in the ledger"
    assert [path for path in paths if not (ws.root / path).is_file()] == []
    print(f"\n{killed} kills: {len(filed)} scans filed once each, {len(numbers)} receipts, none printed twice")
