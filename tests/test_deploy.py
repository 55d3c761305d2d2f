"""The systemd units in deploy/ are well-formed, and the web page's unit runs ``recordkit serve`` on the office
network in the workspace (issue 19), as the README's installation steps say."""

from __future__ import annotations

import configparser
import shlex
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)  # Environment= may repeat
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # systemd keys are case-sensitive
    parser.read_string((DEPLOY / name).read_text(encoding="utf-8"))
    return parser


@pytest.mark.parametrize("name", sorted(p.name for p in DEPLOY.glob("*.service")))
def test_every_service_unit_has_its_sections(name: str) -> None:
    parsed = unit(name)
    assert {"Unit", "Service"} <= set(parsed.sections())
    command = shlex.split(parsed["Service"]["ExecStart"])
    assert command[0] == "/opt/recordkit/.venv/bin/recordkit"
    assert parsed["Service"]["WorkingDirectory"] == "/srv/recordkit"
    assert parsed["Service"]["User"] == "recordkit"


def test_the_web_page_unit_serves_the_office_network() -> None:
    parsed = unit("recordkit-serve.service")
    assert shlex.split(parsed["Service"]["ExecStart"])[1:] == ["serve", "--host", "0.0.0.0", "--port", "8080"]
    assert parsed["Service"]["Restart"] == "on-failure"
    assert parsed["Install"]["WantedBy"] == "multi-user.target"
    readme = (DEPLOY.parent / "README.md").read_text(encoding="utf-8")
    assert "sudo cp deploy/recordkit-serve.service /etc/systemd/system/" in readme
    assert "recordkit users add" in readme


def test_the_backup_unit_keeps_a_month_of_copies_on_the_backup_disk_before_the_nightly_index() -> None:
    """The README's nightly backup as a timer: a folder (ending in /, never taken for a file's name), --keep, at
    02:00 office time, before the index's 02:30, made up after a night the server was off."""
    parsed = unit("recordkit-backup.service")
    assert shlex.split(parsed["Service"]["ExecStart"])[1:] == ["db", "backup", "/mnt/备份盘/台账/", "--keep", "30"]
    assert parsed["Service"]["Type"] == "oneshot"
    timer, index = unit("recordkit-backup.timer"), unit("recordkit-index.timer")
    assert timer["Timer"]["OnCalendar"] == "*-*-* 02:00 Asia/Shanghai" < index["Timer"]["OnCalendar"]
    assert (timer["Timer"]["Persistent"], timer["Timer"]["Unit"]) == ("true", "recordkit-backup.service")
    readme = (DEPLOY.parent / "README.md").read_text(encoding="utf-8")
    assert "sudo cp deploy/recordkit-backup.service deploy/recordkit-backup.timer /etc/systemd/system/" in readme


def test_the_filing_service_unit_waits_for_a_terminal_watcher_instead_of_failing_every_few_seconds() -> None:
    parsed = unit("recordkit-watch.service")
    assert shlex.split(parsed["Service"]["ExecStart"])[1:] == ["watch", "--wait"]
    assert parsed["Service"]["Restart"] == "on-failure"
    readme = (DEPLOY / "README.md").read_text(encoding="utf-8")
    assert "`recordkit watch --wait`" in readme
