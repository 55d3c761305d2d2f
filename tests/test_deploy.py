"""The systemd units in deploy/ are well-formed, and the web page's unit runs ``recordkit serve`` on the office
network in the workspace (issue 19), as the README's installation steps say."""

from __future__ import annotations

import configparser
import os
import re
import shlex
import shutil
import subprocess
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
    # (a template unit's: the estate's folder below it, by the instance's name)
    assert parsed["Service"]["WorkingDirectory"] == "/srv/recordkit" + ("/%i" if "@" in name else "")
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


#: Each one estate's unit, and what stops it restarting: a setting or command mistake (3, 2), and a folder it cannot
#: enter (200, systemd's CHDIR: /srv/recordkit moved or not mounted); None for a oneshot unit, never restarted.
ONE_ESTATE_STOPS = {
    "recordkit-watch.service": ["2", "3", "200"],
    "recordkit-serve.service": ["2", "3", "200"],
    "recordkit-index.service": None,
    "recordkit-backup.service": None,
}


@pytest.mark.parametrize(("name", "stops"), sorted(ONE_ESTATE_STOPS.items()))
def test_a_settings_or_command_mistake_stops_the_service_instead_of_restarting_it_every_few_seconds(
    tmp_path: Path, name: str, stops: list[str] | None
) -> None:
    """recordkit.toml wrong (exit 3) or the command line wrong (exit 2) needs a person: restarted every 5 s it would
    fill the journal forever; a ledger not reachable yet at boot (7) or moved (7) still restarts.  The one estate's
    units, unlike the templates, still restarted every 5 s on 200/CHDIR (/srv/recordkit not there) and did not wait
    for the mount of /srv/recordkit: now they do as the templates do; systemd loads them."""
    parsed = unit(name)
    assert parsed["Unit"]["RequiresMountsFor"] == "/srv/recordkit"
    service = parsed["Service"]
    if stops is None:
        assert service["Type"] == "oneshot" and "Restart" not in service
    else:
        assert service["Restart"] == "on-failure"
        assert service["RestartPreventExitStatus"].split() == stops
    assert systemd_verifies(tmp_path, name) == ""
    readme = (DEPLOY.parent / "README.md").read_text(encoding="utf-8")
    assert "配置文件或命令写错（退出码 3、2）时服务停下" in readme


#: ``crontab`` as the README's commands use it, keeping the account's table in ``$CRONTAB_FILE``: ``-u USER``, then
#: ``-l`` (print it; none yet: a message and exit 1, as cron's own), ``-`` (install standard input) or a file's name
#: (install that file) — each installed through a new file, as cron's does, so a pipe may read the old one meanwhile.
FAKE_CRONTAB = """#!/bin/sh
while [ "$1" = -u ]; do shift 2; done
case "$1" in
  -l) if [ -f "$CRONTAB_FILE" ]; then cat "$CRONTAB_FILE"; else echo "no crontab for recordkit" >&2; exit 1; fi ;;
  -) cat > "$CRONTAB_FILE.new" && mv "$CRONTAB_FILE.new" "$CRONTAB_FILE" ;;
  *) cp "$1" "$CRONTAB_FILE.new" && mv "$CRONTAB_FILE.new" "$CRONTAB_FILE" ;;
esac
"""

#: Lines the recordkit account's crontab holds before the nightly index's is added: the README's nightly backup and
#: deploy/README.md's ``watch --once`` for a NAS.
BACKUP_LINE = (
    "0 2 * * * cd /srv/recordkit && RECORDKIT_HOME=/srv/recordkit /opt/recordkit/.venv/bin/recordkit db backup "
    "/mnt/备份盘/台账/ --keep 30 >> records/logs/cron.log 2>&1"
)
WATCH_LINE = (
    "* * * * * cd /srv/recordkit && /opt/recordkit/.venv/bin/recordkit watch --once --polling "
    ">> records/logs/cron.log 2>&1"
)
INDEX_LINE = (
    "30 2 * * * cd /srv/recordkit && RECORDKIT_HOME=/srv/recordkit /opt/recordkit/.venv/bin/recordkit index "
    ">> records/logs/cron.log 2>&1"
)


def test_installing_the_nightly_index_for_cron_keeps_the_lines_the_crontab_already_has(tmp_path: Path) -> None:
    """The README and the cron file said to install it with ``crontab -u recordkit deploy/recordkit-index.cron``,
    which replaces the account's whole crontab: the nightly backup line the README has the IT person add, and the
    ``watch --once`` line of a NAS, were gone without a word (no more backups, an inbox nobody filed).  The command
    they show now adds the index's line to those, and run again leaves one."""
    root = DEPLOY.parent
    texts = [(root / "README.md").read_text("utf-8"), (DEPLOY / "recordkit-index.cron").read_text("utf-8")]
    shown = [set(re.findall(r"`([^`\n]*crontab[^`\n]*recordkit-index\.cron[^`\n]*)`", text)) for text in texts]
    assert shown[0] == shown[1] and len(shown[0]) == 1, shown  # one command, the same in both
    [command] = shown[0]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "crontab").write_text(FAKE_CRONTAB, encoding="utf-8")
    (bin_dir / "crontab").chmod(0o755)
    table = tmp_path / "crontab"
    table.write_text(f"{BACKUP_LINE}\n{WATCH_LINE}\n", encoding="utf-8")
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "CRONTAB_FILE": str(table)}
    for _ in range(2):
        subprocess.run(["sh", "-c", command], cwd=root, env=env, check=True, timeout=30)
        assert table.read_text(encoding="utf-8").splitlines() == [BACKUP_LINE, WATCH_LINE, INDEX_LINE]

    table.unlink()  # a crontab not made yet: the index's line alone
    subprocess.run(["sh", "-c", command], cwd=root, env=env, check=True, timeout=30)
    assert table.read_text(encoding="utf-8").splitlines() == [INDEX_LINE]


def merged_service(unit_text: str, drop_in: str, wanted: str = "Service") -> dict[str, list[str]]:
    """The [Service] (or ``wanted``) settings of a unit with a drop-in (``systemctl edit``) over it, as systemd
    merges them: each assignment adds its value to the setting's list, an empty one clears the list
    (``ExecStart=``)."""
    settings: dict[str, list[str]] = {}
    for text in (unit_text, drop_in):
        section = ""
        for line in text.splitlines():
            line = line.strip()
            if not line or line.startswith(("#", ";")):
                continue
            if line.startswith("["):
                section = line.strip("[]")
            elif section == wanted:
                key, _, value = line.partition("=")
                settings[key] = [*settings.get(key, []), value] if value else []
    return settings


def test_the_readmes_drop_in_for_other_paths_leaves_the_service_one_command_in_a_folder_with_a_blank(
    tmp_path: Path,
) -> None:
    """Where recordkit or the workspace lies elsewhere the README said ``systemctl edit recordkit-watch``: "改
    WorkingDirectory、RECORDKIT_HOME 和 ExecStart".  An ExecStart= written in that drop-in is a second command beside
    the unit's: a service of Type=simple with two does not start ("has more than one ExecStart= setting"), the oneshot
    index and backup ran the old path first and stopped at its failure; and a folder with a blank written unquoted in
    Environment= set RECORDKIT_HOME to the part before the blank.  The README's example now clears the command first
    and quotes the assignment: merged as systemd merges it, the unit runs the example's one command in the example's
    folder, RECORDKIT_HOME that folder; and each ``systemctl edit`` step that names ExecStart says so."""
    readme = (DEPLOY.parent / "README.md").read_text(encoding="utf-8")
    [example] = re.findall(r"^```ini\n(.*?)^```", readme, flags=re.S | re.M)
    merged = merged_service((DEPLOY / "recordkit-watch.service").read_text(encoding="utf-8"), example)
    assert [shlex.split(command) for command in merged["ExecStart"]] == [
        ["/home/it/recordkit/.venv/bin/recordkit", "watch", "--wait"]
    ]
    assert merged["WorkingDirectory"][-1] == "/data/物业 档案"
    environment = dict(
        assignment.split("=", 1) for setting in merged["Environment"] for assignment in shlex.split(setting)
    )
    assert environment["RECORDKIT_HOME"] == "/data/物业 档案"
    # the workspace on a disk of its own (a NAS mounted late at boot): the service waits for that mount too, as the
    # shipped unit waits for /srv/recordkit's
    unit_settings = merged_service((DEPLOY / "recordkit-watch.service").read_text(encoding="utf-8"), example, "Unit")
    waited = [path for setting in unit_settings["RequiresMountsFor"] for path in shlex.split(setting)]
    assert waited == ["/srv/recordkit", "/data/物业 档案"]
    assert "RequiresMountsFor" in readme[readme.index("**路径不同时怎样改**") : readme.index("```ini")]
    steps = [line for line in readme.splitlines() if "sudo systemctl edit recordkit-" in line]
    assert len(steps) == 4
    for step in steps:
        assert "ExecStart（写法见下）" in step or "先写一行空的 ExecStart=" in step, step
    # systemd itself, where this machine has it: the unit with the README's drop-in loads without a complaint
    assert systemd_verifies(tmp_path, "recordkit-watch.service", example) == ""


def systemd_verifies(tmp_path: Path, name: str, drop_in: str = "") -> str:
    """What ``systemd-analyze verify`` says of deploy/'s unit ``name`` (with ``drop_in`` over it), its commands'
    programs stand-ins in ``tmp_path`` (it checks that each is there); skipped where this machine has no systemd."""
    if shutil.which("systemd-analyze") is None:
        pytest.skip("no systemd-analyze on this machine")
    program = tmp_path / "recordkit"
    program.write_text("#!/bin/sh\n", encoding="utf-8")
    program.chmod(0o755)
    units = tmp_path / "units"
    (units / f"{name}.d").mkdir(parents=True, exist_ok=True)
    for kept in (name, name.replace(".timer", ".service")):
        text = (DEPLOY / kept).read_text(encoding="utf-8")
        (units / kept).write_text(text.replace("/opt/recordkit/.venv/bin/recordkit", str(program)), "utf-8")
    if drop_in:
        drop_in = drop_in.replace("/home/it/recordkit/.venv/bin/recordkit", str(program))
        (units / f"{name}.d" / "override.conf").write_text(drop_in, encoding="utf-8")
    verified = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(units / name)],
        env={**os.environ, "SYSTEMD_UNIT_PATH": f"{units}:"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return (verified.stdout + verified.stderr).strip()


@pytest.mark.parametrize("name", sorted(p.name for p in [*DEPLOY.glob("*.service"), *DEPLOY.glob("*.timer")]))
def test_systemd_finds_nothing_wrong_in_the_units(tmp_path: Path, name: str) -> None:
    """Each unit as shipped loads in systemd (its program a stand-in): no setting it ignores or refuses."""
    assert systemd_verifies(tmp_path, name) == ""


#: The template units of several estates on one server, each with the one estate's unit it follows.
TEMPLATES = {
    "recordkit-watch@.service": "recordkit-watch.service",
    "recordkit-serve@.service": "recordkit-serve.service",
    "recordkit-index@.service": "recordkit-index.service",
}


def instance(template: str, name: str, drop_in: str = "") -> dict[str, list[str]]:
    """The [Service] settings of ``template``'s instance ``name`` (``%i`` is the instance's name) with ``drop_in``
    over it, the commands' ``${PORT}`` as systemd fills it from the last ``PORT=`` of ``Environment=``."""
    merged = merged_service((DEPLOY / template).read_text(encoding="utf-8").replace("%i", name), drop_in)
    environment = dict(
        assignment.split("=", 1) for setting in merged.get("Environment", []) for assignment in shlex.split(setting)
    )
    merged["Environment"] = [f"{key}={value}" for key, value in environment.items()]
    merged["ExecStart"] = [command.replace("${PORT}", environment.get("PORT", "")) for command in merged["ExecStart"]]
    return merged


def test_two_estates_on_one_server_each_run_their_own_services_from_the_template_units(tmp_path: Path) -> None:
    """Two estates on one server (README: 几个小区共用一台服务器) had one set of units, all for /srv/recordkit: the
    second estate's filing service, web page and nightly index meant copying and editing each unit by hand.  The
    template units take the estate's folder from the instance's name (recordkit-watch@east: /srv/recordkit/east),
    and are otherwise the one estate's units; each estate's web page listens on its own port (PORT, 8080 unless the
    README's drop-in gives the instance another: east 8081), and each estate's nightly index has a timer of its own."""
    readme = (DEPLOY.parent / "README.md").read_text(encoding="utf-8")
    [(text, port_file, estate)] = re.findall(
        r"^printf ('[^']*') \| sudo tee (/etc/systemd/system/recordkit-serve@(\w+)\.service\.d/\S+\.conf)$",
        readme,
        flags=re.M,
    )
    printed = subprocess.run(["sh", "-c", f"printf {text}"], capture_output=True, text=True, check=True).stdout
    assert (estate, printed) == ("east", "[Service]\nEnvironment=PORT=8081\n"), port_file
    for template, single in TEMPLATES.items():
        west, east = instance(template, "west"), instance(template, "east", printed if "serve" in template else "")
        one_estate = merged_service((DEPLOY / single).read_text(encoding="utf-8"), "")
        for estate_name, settings in (("west", west), ("east", east)):
            assert settings["WorkingDirectory"] == [f"/srv/recordkit/{estate_name}"]
            assert f"RECORDKIT_HOME=/srv/recordkit/{estate_name}" in settings["Environment"]
            for key, value in one_estate.items():  # the rest as the one estate's unit has it
                if key not in ("WorkingDirectory", "Environment", "ExecStart"):
                    assert settings[key] == value, (template, key)
        if "serve" in template:
            assert [shlex.split(c)[1:] for c in west["ExecStart"]] == [["serve", "--host", "0.0.0.0", "--port", "8080"]]
            assert [shlex.split(c)[1:] for c in east["ExecStart"]] == [["serve", "--host", "0.0.0.0", "--port", "8081"]]
        else:
            assert west["ExecStart"] == east["ExecStart"] == one_estate["ExecStart"]
        (checked := tmp_path / template).mkdir()
        assert systemd_verifies(checked, template, printed if "serve" in template else "") == ""
    # the nightly index's timer: the one estate's, starting its own instance's service (no Unit= naming one)
    (checked := tmp_path / "timer").mkdir()
    assert systemd_verifies(checked, "recordkit-index@.timer") == ""
    # each unit the README enables for the two estates is a template deploy/ ships, copied by its cp line
    enabled = re.findall(r"^sudo systemctl enable --now (recordkit-.*)$", readme, flags=re.M)
    named = {name for line in enabled for name in line.split() if "@" in name}
    assert named == {
        f"recordkit-{what}@{estate_name}{suffix}"
        for estate_name in ("west", "east")
        for what, suffix in (("watch", ""), ("serve", ""), ("index", ".timer"))
    }
    assert (
        "sudo cp deploy/recordkit-watch@.service deploy/recordkit-serve@.service deploy/recordkit-index@.service "
        "deploy/recordkit-index@.timer /etc/systemd/system/" in readme
    )


#: Each template unit, and what stops it restarting: a setting or command mistake (3, 2) as the one estate's unit,
#: and a mistyped instance's missing folder (200, systemd's CHDIR); None for a oneshot unit, never restarted.
TEMPLATE_STOPS = {
    "recordkit-watch@.service": ["2", "3", "200"],
    "recordkit-serve@.service": ["2", "3", "200"],
    "recordkit-index@.service": None,
    "recordkit-backup@.service": None,
}


@pytest.mark.parametrize(("template", "stops"), sorted(TEMPLATE_STOPS.items()))
def test_a_template_unit_waits_for_its_estates_mount_and_a_mistyped_instance_stops(
    tmp_path: Path, template: str, stops: list[str] | None
) -> None:
    """``systemctl start recordkit-watch@wset`` (west mistyped) could not enter /srv/recordkit/wset (status
    200/CHDIR) and was started again every 5 s forever; and an estate's folder on a network mount made late at boot
    was not waited for.  The template units now wait for the mount of the estate's folder (RequiresMountsFor), and
    the restarting ones stop on 200 as on a settings mistake; systemd loads them; the README says what the IT person
    sees for a mistyped name and what to do."""
    parsed = unit(template)
    assert parsed["Unit"]["RequiresMountsFor"] == "/srv/recordkit/%i"
    service = parsed["Service"]
    if stops is None:
        assert service["Type"] == "oneshot" and "Restart" not in service
    else:
        assert service["Restart"] == "on-failure"
        assert service["RestartPreventExitStatus"].split() == stops
    assert systemd_verifies(tmp_path, template) == ""
    readme = (DEPLOY.parent / "README.md").read_text(encoding="utf-8")
    assert "status=200/CHDIR" in readme
    assert "sudo systemctl disable --now recordkit-watch@wset" in readme


def test_two_estates_back_up_each_into_a_folder_of_its_own(tmp_path: Path) -> None:
    """Two estates on one server backed up by copies of the one backup unit into /mnt/备份盘/台账/: both timers
    fired at 02:00 and a copy is named by the second it was made (ledger-20261205-020000.sqlite3), so the second
    estate's was refused as already there (exit 8) whenever both finished within one second, and nobody could tell
    whose a copy was.  The template unit backs each estate up into a folder of its own, named by the instance
    (/mnt/备份盘/台账/east/), otherwise as the one estate's unit; its timer is the one estate's timer."""
    one_estate = merged_service((DEPLOY / "recordkit-backup.service").read_text(encoding="utf-8"), "")
    for estate_name in ("west", "east"):
        settings = instance("recordkit-backup@.service", estate_name)
        assert [shlex.split(command)[1:] for command in settings["ExecStart"]] == [
            ["db", "backup", f"/mnt/备份盘/台账/{estate_name}/", "--keep", "30"]
        ]
        assert settings["WorkingDirectory"] == [f"/srv/recordkit/{estate_name}"]
        assert f"RECORDKIT_HOME=/srv/recordkit/{estate_name}" in settings["Environment"]
        for key, value in one_estate.items():
            if key not in ("WorkingDirectory", "Environment", "ExecStart"):
                assert settings[key] == value, key
    for name in ("recordkit-backup@.service", "recordkit-backup@.timer"):
        (checked := tmp_path / name).mkdir()
        assert systemd_verifies(checked, name) == ""
    readme = (DEPLOY.parent / "README.md").read_text(encoding="utf-8")
    assert "sudo mkdir -p /mnt/备份盘/台账/west /mnt/备份盘/台账/east" in readme
    assert "sudo cp deploy/recordkit-backup@.service deploy/recordkit-backup@.timer /etc/systemd/system/" in readme
    assert "sudo systemctl enable --now recordkit-backup@west.timer recordkit-backup@east.timer" in readme


@pytest.mark.parametrize(
    ("template", "single", "spread"),
    [
        ("recordkit-index@.timer", "recordkit-index.timer", "1h"),
        ("recordkit-backup@.timer", "recordkit-backup.timer", "20min"),
    ],
)
def test_the_estates_nightly_timers_are_spread_each_at_a_time_of_its_own(
    tmp_path: Path, template: str, single: str, spread: str
) -> None:
    """Both estates' nightly index timers fired at 02:30, so two OCR runs shared a small server (and both backups at
    02:00).  The template timers add a random delay (up to an hour for the index, up to 20 minutes for the backup:
    done before 02:30), fixed per instance (FixedRandomDelay=true: each estate's from its timer's name, the same
    every night); otherwise they are the one estate's timer, and systemd loads them."""
    timer, one_timer = dict(unit(template)["Timer"]), dict(unit(single)["Timer"])
    assert (timer.pop("RandomizedDelaySec"), timer.pop("FixedRandomDelay")) == (spread, "true")
    assert timer == {key: value for key, value in one_timer.items() if key not in ("Unit", "RandomizedDelaySec")}
    assert systemd_verifies(tmp_path, template) == ""
    readme = (DEPLOY.parent / "README.md").read_text(encoding="utf-8")
    assert "FixedRandomDelay=true" in readme
