"""A closed pipe (`| head`) or Ctrl-C never makes finished work look failed.

Run through a real shell pipe and a real process, as a clerk's script would: the payment is saved
once, the exit code says so, and nothing on stderr calls it an error.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import typer

import recordkit.owners.roster
from recordkit.core.workspace import Workspace
from recordkit.ledger.db import open_ledger
from recordkit.ledger.schema import payments
from recordkit.owners.roster import import_owners
from tests.conftest import SAMPLE_ROWS, write_sheet


def _env(workspace: Workspace) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("RECORDKIT_")}
    return {**env, "RECORDKIT_HOME": str(workspace.root), "RECORDKIT_OPERATOR": "王芳", "COLUMNS": "200"}


def _recordkit(workspace: Workspace, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "recordkit", *args], env=_env(workspace), capture_output=True, text=True, timeout=120
    )


def _piped(workspace: Workspace, command: str) -> tuple[int, str, str]:
    """``recordkit …`` piped into ``head -n 1`` by bash: recordkit's own exit code, stdout, stderr."""
    script = f'{sys.executable} -m recordkit {command} 2>"$ERR" | head -n 1; exit "${{PIPESTATUS[0]}}"'
    err_file = workspace.root / "stderr.txt"
    done = subprocess.run(
        ["bash", "-c", script], env={**_env(workspace), "ERR": str(err_file)}, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    return done.returncode, done.stdout, err_file.read_text(encoding="utf-8")


@pytest.fixture
def billed(workspace: Workspace, tmp_path: Path) -> Workspace:
    with open_ledger(workspace.database_url) as ledger:
        import_owners(ledger, write_sheet(tmp_path / "名册.xlsx", SAMPLE_ROWS), "王芳")
    for args in (
        ("fees", "rules", "add", "物业服务费", "--kind", "area", "--rate", "2.35", "--from", "2026-01"),
        ("fees", "bill", "--month", "2026-10"),
    ):
        assert _recordkit(workspace, *args).returncode == 0, args
    return workspace


def _payments(workspace: Workspace) -> int:
    with open_ledger(workspace.database_url) as ledger, ledger.read() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(payments)).scalar_one())


def test_a_payment_piped_into_head_is_saved_once_and_exits_0(billed: Workspace) -> None:
    code, out, err = _piped(billed, "fees pay 3-2-1201 --amount 100 --date 2026-10-23 --reason 补录")
    assert code == 0
    assert out.startswith("已收款 100.00 元（现金），交款人 李秀英，房号 3-2-1201；收据编号 SJ2026-000001")
    assert "错误" not in err and "Traceback" not in err and "BrokenPipe" not in err
    assert _payments(billed) == 1


def test_a_listing_piped_into_head_is_quiet(billed: Workspace) -> None:
    code, out, err = _piped(billed, "owners list")
    assert code == 0
    assert out.strip()
    assert err == ""


def test_ctrl_c_before_anything_is_saved_says_so(run_cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(recordkit.owners.roster, "list_owners", interrupted)
    result = run_cli("owners", "list")
    assert (result.exit_code, result.stderr.strip()) == (130, "已取消，没有保存任何改动。")


def test_ctrl_c_after_the_payment_is_saved_says_it_is_saved(
    billed: Workspace, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_echo = typer.echo

    def echo(message: Any = None, *args: Any, **kwargs: Any) -> None:
        if str(message).startswith("已收款"):
            raise KeyboardInterrupt  # Ctrl-C while the result is printed
        real_echo(message, *args, **kwargs)

    monkeypatch.setattr(typer, "echo", echo)
    result = run_cli("fees", "pay", "3-2-1201", "--amount", "100", "--date", "2026-10-23", "--reason", "补录")
    assert (result.exit_code, result.stderr.strip()) == (0, "已中断；此前的操作已经完成并保存。")
    assert _payments(billed) == 1


def test_a_payment_piped_with_its_errors_into_head_is_saved_once_and_exits_0(billed: Workspace) -> None:
    """``2>&1 | head -n 1``: stderr is the closed pipe too, so even the line saying the output was cut cannot be
    written — the payment is saved all the same, and the exit code still says so."""
    script = (
        f"{sys.executable} -m recordkit fees pay 3-2-1201 --amount 100 --date 2026-10-23 --reason 补录 2>&1"
        ' | head -n 1; exit "${PIPESTATUS[0]}"'
    )
    done = subprocess.run(["bash", "-c", script], env=_env(billed), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0
    assert done.stdout.startswith("已收款 100.00 元（现金），交款人 李秀英，房号 3-2-1201；收据编号 SJ2026-000001")
    assert _payments(billed) == 1
