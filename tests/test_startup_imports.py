"""Every command's ``--help`` stays cheap and readable: no heavy import, Chinese text, one example.

The helps run in one fresh interpreter, one after another and with nothing reset
in between, so a heavy module pulled in by any command's import path (or by the
CLI's own top level) is caught at the first help that loads it.  Start-up *time*
is measured by benchmarks/bench_startup.py, never asserted here.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import typer

from recordkit.cli import app
from recordkit.cli._app import COMMAND_MODULES
from tests.conftest import copy_demo

HEAVY_MODULES = ("openpyxl", "docx", "whoosh", "jieba", "sqlalchemy", "onnxruntime", "pydantic", "flask", "waitress")

# argv[1]: JSON list of command paths; argv[2:]: modules to import first (the probe's self-check).
_PROBE = f"""
import contextlib, importlib, io, json, sys
for name in sys.argv[2:]:
    importlib.import_module(name)
from recordkit.cli import app
heavy = {HEAVY_MODULES!r}
results = []
for path in json.loads(sys.argv[1]):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            app([*path, "--help"], prog_name="recordkit")
            code = 0
        except SystemExit as exit:
            code = exit.code or 0
    results.append({{"path": path, "exit": code, "help": out.getvalue(), "stderr": err.getvalue(),
                     "heavy": [name for name in heavy if name in sys.modules]}})
print(json.dumps(results))
"""


def _command_paths(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """The root, every group and every command, depth first in the order the helps list them (the
    root loads its commands' modules as it is asked for them)."""
    yield path
    if hasattr(command, "list_commands"):
        context = typer.Context(command)
        for name in command.list_commands(context):
            yield from _command_paths(command.get_command(context, name), (*path, name))


COMMAND_PATHS = list(_command_paths(typer.main.get_command(app)))


def _label(path: tuple[str, ...]) -> str:
    return " ".join(("recordkit", *path))


def _run_helps(paths: list[tuple[str, ...]], preload: tuple[str, ...] = ()) -> dict[tuple[str, ...], dict[str, Any]]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("RECORDKIT_")}
    env["COLUMNS"] = "120"
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps([list(p) for p in paths]), *preload],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"the help probe crashed:\n{done.stderr}"
    return {tuple(result["path"]): result for result in json.loads(done.stdout)}


@pytest.fixture(scope="module")
def helps() -> dict[tuple[str, ...], dict[str, Any]]:
    return _run_helps(COMMAND_PATHS)


def test_every_command_is_walked() -> None:
    assert {(), ("owners",), ("owners", "import"), ("journal", "verify"), ("init",)} <= set(COMMAND_PATHS)


def test_probe_sees_a_heavy_import() -> None:
    # Guards the guard: if the probe stopped seeing modules, every test below would pass vacuously.
    result = _run_helps([()], preload=("sqlalchemy",))[()]
    assert "sqlalchemy" in result["heavy"]


@pytest.mark.parametrize("path", COMMAND_PATHS, ids=_label)
def test_help_imports_no_heavy_module(helps: dict[tuple[str, ...], dict[str, Any]], path: tuple[str, ...]) -> None:
    heavy = helps[path]["heavy"]
    assert heavy == [], (
        f"after `{_label(path)} --help` sys.modules holds {', '.join(heavy)} "
        "(imported by this help or an earlier one in the walk): import it inside the command body instead"
    )


@pytest.mark.parametrize("path", COMMAND_PATHS, ids=_label)
def test_help_is_chinese_with_an_example(helps: dict[tuple[str, ...], dict[str, Any]], path: tuple[str, ...]) -> None:
    result = helps[path]
    assert result["exit"] == 0, result["stderr"]
    text = result["help"]
    assert text.strip(), f"`{_label(path)} --help` printed nothing"
    assert re.search(r"[\u4e00-\u9fff]", text), f"`{_label(path)} --help` has no Chinese text"
    assert "例：" in text, f"`{_label(path)} --help` has no example line (例：recordkit …)"


# --- the counter's commands: what they read must not load what only printing or OCR needs ------------

#: Loaded only to fill a template (.docx), read a spreadsheet, render or OCR a scan, migrate, or serve
#: the web page (``recordkit serve``).
PRINTING_AND_OCR_MODULES = (
    "docx", "docxtpl", "docxcompose", "jinja2", "openpyxl", "onnxruntime", "alembic", "cn2an", "flask", "waitress",
    "werkzeug",
)  # fmt: skip

#: Commands a clerk runs all day that only read: each in its own fresh interpreter.
LIGHT_COMMANDS: tuple[tuple[str, ...], ...] = (
    ("owners", "show", "1-1-101"),
    ("owners", "list"),
    ("fees", "account", "1-1-101"),
    ("fees", "arrears"),
    ("receipt", "list", "--date", "today"),
    ("docs", "list"),
    ("search", "电梯"),
    ("journal", "list"),
    ("workorder", "list"),
    ("renovation", "list"),
    ("doctor",),
)

_COMMAND_PROBE = """
import contextlib, io, json, sys
from recordkit.cli import app
out, err = io.StringIO(), io.StringIO()
with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
    try:
        app(sys.argv[2:], prog_name="recordkit")
        code = 0
    except SystemExit as exit:
        code = exit.code or 0
watched = json.loads(sys.argv[1])
print(json.dumps({"exit": code, "stdout": out.getvalue(), "stderr": err.getvalue(),
                  "loaded": [name for name in watched if name in sys.modules]}))
"""


@pytest.fixture(scope="module")
def demo_estate(tmp_path_factory: pytest.TempPathFactory, _demo_template: Any) -> Any:
    """A copy of the demo estate for this module's commands (they pay and file into it)."""
    return copy_demo(_demo_template, tmp_path_factory.mktemp("startup") / "demo").root


def _run_command(estate: Any, args: tuple[str, ...], watched: tuple[str, ...]) -> dict[str, Any]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("RECORDKIT_")}
    env["COLUMNS"] = "100"
    done = subprocess.run(
        [sys.executable, "-c", _COMMAND_PROBE, json.dumps(list(watched)), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=estate,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"the command probe crashed:\n{done.stderr}"
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_command_probe_sees_a_module_a_command_loads(demo_estate: Any) -> None:
    # Guards the guard: `fees pay` prints a receipt, so the probe must see the .docx machinery.
    result = _run_command(demo_estate, ("fees", "pay", "1-1-101", "--amount", "1", "--prepay", "--again"), ("docxtpl",))
    assert result["exit"] == 0, result["stderr"]
    assert result["loaded"] == ["docxtpl"]


@pytest.mark.parametrize("args", LIGHT_COMMANDS, ids=lambda args: " ".join(args))
def test_counter_commands_load_no_printing_or_ocr_module(demo_estate: Any, args: tuple[str, ...]) -> None:
    result = _run_command(demo_estate, args, PRINTING_AND_OCR_MODULES)
    assert result["exit"] in (0, 1), result["stderr"]  # search: 1 means no hits
    assert result["stdout"].strip(), f"`recordkit {' '.join(args)}` printed nothing"
    assert result["loaded"] == [], (
        f"`recordkit {' '.join(args)}` loaded {', '.join(result['loaded'])}: a command that only reads "
        "must not pay for printing, spreadsheets, OCR or migrations"
    )


#: What a command's own module imports at its top besides the CLI's shared modules.
ALSO_LOADED = {"receipt": ("recordkit.cli.fees",)}


@pytest.mark.parametrize("args", LIGHT_COMMANDS, ids=lambda args: " ".join(args))
def test_counter_commands_load_only_their_own_command_module(demo_estate: Any, args: tuple[str, ...]) -> None:
    """The command tree is loaded lazily: a command imports its own group's module, not the other
    nineteen, and its values are read without Typer's pydantic-based reader."""
    modules = sorted({f"recordkit.cli.{module}" for module in COMMAND_MODULES.values()})
    result = _run_command(demo_estate, args, ("pydantic", "typer._adapters", *modules))
    assert result["exit"] in (0, 1), result["stderr"]
    expected = {f"recordkit.cli.{COMMAND_MODULES[args[0]]}", *ALSO_LOADED.get(args[0], ())}
    assert set(result["loaded"]) == expected


def test_command_probe_sees_the_modules_a_help_of_the_root_loads(demo_estate: Any) -> None:
    # Guards the guard above: the root's help lists every command, so it loads every module.
    result = _run_command(demo_estate, ("--help",), ("recordkit.cli.archive", "recordkit.cli.fees"))
    assert result["loaded"] == ["recordkit.cli.archive", "recordkit.cli.fees"]


def test_doctor_loads_the_ocr_engine_only_when_asked(demo_estate: Any) -> None:
    quick = _run_command(demo_estate, ("doctor", "--json"), ("onnxruntime", "rapidocr_onnxruntime"))
    assert quick["loaded"] == []
    assert "rapidocr_onnxruntime 已安装（未试识别" in quick["stdout"]
    full = _run_command(demo_estate, ("doctor", "--ocr", "--json"), ("onnxruntime",))
    assert full["loaded"] == ["onnxruntime"]
    assert "识别正确" in full["stdout"]
