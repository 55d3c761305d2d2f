"""Paper after commit: a numbered paper is published under its number only after the ledger commit.

A child process is killed (``kill -9``) at each step of issuing a receipt and an exit pass —
before render, after render, after commit, after publish — and the next clerk's command runs.
Then no number is printed twice, every printed number is in the ledger, and no ledger row
lacks its paper.
"""

from __future__ import annotations

import collections
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

import recordkit
from recordkit.billing.receipts import PaymentRequest, pay_and_print
from recordkit.core.workspace import Workspace
from recordkit.documents.certificates import make_certificate
from recordkit.documents.generated import PENDING_FOLDER, recover_papers
from recordkit.ledger.db import Ledger
from recordkit.ledger.schema import certificates, documents, receipts
from tests.documents_fixtures import estate, ws  # noqa: F401 (fixtures)
from tests.fees_fixtures import CASHIER, DAY, bill_months

# 1-1-101 owes November's fees (the receipts' tests pay them): its exit pass is let out despite them.
MOVING_OUT = "租户退租，经理同意"

# The child issues one paper and kills itself with SIGKILL at the chosen step.
_CHILD = """
import datetime as dt, os, signal, sys
from pathlib import Path
from recordkit.billing.receipts import PaymentRequest, pay_and_print
from recordkit.core.workspace import open_workspace
from recordkit.documents import generated
from recordkit.documents.certificates import make_certificate
from recordkit.documents.templates import engine
from recordkit.ledger.db import open_ledger

root, url, what, point, moving_out = sys.argv[1:6]

def die(*_args, **_kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

if point == "before-render":  # receipts are prefilled before the lock, certificates filled
    engine.Template.render_bytes = die
    engine.Template.prefill = die
elif point == "after-render":  # the paper is on disk under its temporary name; no commit yet
    generated._insert = die
elif point == "after-commit":  # committed; the paper not yet under its number
    generated.publish = die
elif point == "after-publish":
    real_publish = generated.publish
    def publish_then_die(papers):
        real_publish(papers)
        die()
    generated.publish = publish_then_die

workspace = open_workspace(Path(root), environ={"RECORDKIT_DATABASE_URL": url})
ledger = open_ledger(url)
day = dt.date(2026, 11, 23)
if what == "receipt":
    pay_and_print(workspace, ledger, "王芳", PaymentRequest("1-1-101", 10000), today=day)
else:
    make_certificate(workspace, ledger, "出门条", "1-1-101", "王芳", items="冰箱1台", despite_arrears=moving_out, today=day)
"""

POINTS = ["before-render", "after-render", "after-commit", "after-publish"]
# What a printed file of each kind is called: 收据SJ2026-000001_1-1-101.docx, 出门条CM2026-000001_1-1-101.docx.
FILE_NUMBER = {"receipt": re.compile(r"^收据(SJ\d{4}-\d{6})_"), "exit pass": re.compile(r"^出门条(CM\d{4}-\d{6})_")}


def _run_child(ws: Workspace, what: str, point: str) -> int:
    env = {key: value for key, value in os.environ.items() if not key.startswith("RECORDKIT_")}
    env["PYTHONPATH"] = str(Path(recordkit.__file__).resolve().parents[1])
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(ws.root), ws.database_url, what, point, MOVING_OUT],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return done.returncode


def _issue(ws: Workspace, ledger: Ledger, what: str) -> str:
    if what == "receipt":
        return pay_and_print(ws, ledger, CASHIER, PaymentRequest("1-1-101", 12000), today=DAY)[0].number
    return make_certificate(
        ws, ledger, "出门条", "1-1-101", CASHIER, items="冰箱1台", despite_arrears=MOVING_OUT, today=DAY
    ).number


def _ledger_numbers(ledger: Ledger, what: str) -> list[str]:
    table = receipts if what == "receipt" else certificates
    with ledger.read() as conn:
        return sorted(conn.execute(sa.select(table.c.number)).scalars())


def _printed_numbers(ws: Workspace, what: str) -> list[str]:
    generated = ws.records_subdir("generated")
    names = [p.name for p in generated.rglob("*.docx") if PENDING_FOLDER not in p.parts]
    return sorted(m[1] for name in names if (m := FILE_NUMBER[what].match(name)))


def _papers_missing(ws: Workspace, ledger: Ledger) -> list[str]:
    with ledger.read() as conn:
        paths = conn.execute(sa.select(documents.c.path)).scalars().all()
    return [path for path in paths if not (ws.root / path).is_file()]


@pytest.mark.parametrize("what", ["receipt", "exit pass"])
@pytest.mark.parametrize("point", POINTS)
def test_a_kill_at_any_step_never_prints_a_number_twice(ws: Workspace, estate: Ledger, what: str, point: str) -> None:
    bill_months(estate, "2026-11")
    first = "SJ2026-000001" if what == "receipt" else "CM2026-000001"
    second = "SJ2026-000002" if what == "receipt" else "CM2026-000002"

    assert _run_child(ws, what, point) == -signal.SIGKILL
    committed = point in ("after-commit", "after-publish")
    assert _ledger_numbers(estate, what) == ([first] if committed else [])
    # Before recovery: a number is on paper only if the ledger committed it.
    assert set(_printed_numbers(ws, what)) <= set(_ledger_numbers(estate, what))
    if point == "after-commit":
        assert _printed_numbers(ws, what) == [] and _papers_missing(ws, estate)

    # The next clerk's command recovers first, then issues the next number.
    issued = _issue(ws, estate, what)
    assert issued == (second if committed else first)
    numbers = _ledger_numbers(estate, what)
    printed = _printed_numbers(ws, what)
    assert [n for n, count in collections.Counter(printed).items() if count > 1] == []
    assert printed == numbers == ([first, second] if committed else [first])
    assert _papers_missing(ws, estate) == []
    assert list((ws.records_subdir("generated") / PENDING_FOLDER).iterdir()) == []


def test_recovery_publishes_a_committed_paper_and_removes_an_orphan(ws: Workspace, estate: Ledger) -> None:
    assert _run_child(ws, "exit pass", "after-commit") == -signal.SIGKILL
    pending = ws.records_subdir("generated") / PENDING_FOLDER
    # What a clerk killed after render leaves: a paper whose ledger write never committed.
    (pending / "2.pending").write_bytes(b"rendered, never committed")
    assert sorted(p.name for p in pending.iterdir()) == ["1.pending", "2.pending"]

    recovered = recover_papers(ws, estate)
    assert [p.name for p in recovered.published] == ["出门条CM2026-000001_1-1-101.docx"]
    assert [p.name for p in recovered.removed] == ["2.pending"]
    assert list(pending.iterdir()) == [] and _papers_missing(ws, estate) == []
    assert recover_papers(ws, estate).published == []  # nothing left to do: idempotent


def test_a_published_paper_is_never_overwritten(ws: Workspace, estate: Ledger) -> None:
    made = make_certificate(ws, estate, "出门条", "1-1-101", CASHIER, items="冰箱1台", today=DAY)
    original = made.document.path.read_bytes()
    # A stray file already holds the name the next pass would get: the next one takes another name.
    stray = made.document.path.with_name("出门条CM2026-000002_1-1-101.docx")
    stray.write_bytes(b"not ours")
    again = make_certificate(ws, estate, "出门条", "1-1-101", CASHIER, items="冰箱1台", today=DAY)
    assert again.document.path.name == "出门条CM2026-000002_1-1-101_2.docx"
    assert stray.read_bytes() == b"not ours" and made.document.path.read_bytes() == original


def test_recovery_never_overwrites_a_strangers_file_and_does_not_block_the_next_clerk(
    ws: Workspace, estate: Ledger
) -> None:
    assert _run_child(ws, "exit pass", "after-commit") == -signal.SIGKILL
    (missing,) = _papers_missing(ws, estate)
    stranger = ws.root / missing
    stranger.parent.mkdir(parents=True, exist_ok=True)
    stranger.write_bytes(b"somebody else's file")

    assert recover_papers(ws, estate).published == []
    assert stranger.read_bytes() == b"somebody else's file"
    assert [p.name for p in (ws.records_subdir("generated") / PENDING_FOLDER).iterdir()] == ["1.pending"]
    assert _issue(ws, estate, "exit pass") == "CM2026-000002"
