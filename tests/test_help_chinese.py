"""Every command's help reads in Chinese at 80 columns, wrapped, never cut off with "…".

The helps run in a fresh interpreter with COLUMNS=80 (an office PC's console). An English word
may stand only where a clerk types it: an option, a command, the example line, a file format or
product name, a value an option takes, or a JSON key named for scripts — each listed here, so a
new English word in the help is a decision someone made, not an accident.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from typing import Any

import pytest

from tests.test_startup_imports import COMMAND_PATHS, _label

#: Formats, products and paths: what the office sees on its screens and file names anyway.
PRODUCT_WORDS = {
    "recordkit", "JSON", "xlsx", "csv", "docx", "toml", "OCR", "LibreOffice", "Word", "Excel", "PDF", "WPS", "SHA", "sha",
    "POS", "SIGTERM", "cron", "grep", "OR", "RECORDKIT_HOME", "records", "inbox", "generated", "quarantine", "logs",
    "log", "SJ", "ZX", "YZ", "GD", "GC", "backups", "ledger", "pg_dump",
}  # fmt: skip
#: Values a clerk types after an option (fee kinds, JSON keys for scripts).
VALUE_WORDS = {
    "area", "fixed", "metered", "oneoff", "archive_no", "title", "category", "unit", "date", "path", "source_name",
    "score", "snippet", "min_confidence", "page", "pages", "confidence", "error", "borrower", "due", "sha256",
    "name", "origin", "variables", "template", "subject", "payer", "total_fen", "deposit_fen", "type", "repeat",
    "estate", "method", "status", "number", "text", "overdue", "kind", "owner", "items", "added", "present", "total",
    "ocr_pending", "hits", "bills", "payments", "deposits", "closed_at", "closed_by", "month", "source", "reason", "at",
    "id", "relation", "phone", "role", "role_label", "disabled", "created_at", "last_login_at", "sqlite", "postgresql",
    "problem", "index_warning", "filed_as", "bytes", "co_owners", "months", "oldest_month", "removed", "not_removed",
    "postponed",
}  # fmt: skip

_PROBE = """
import contextlib, io, json, sys
from recordkit.cli import app
results = {}
for path in json.loads(sys.argv[1]):
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        try:
            app([*path, "--help"], prog_name="recordkit")
        except SystemExit:
            pass
    results[" ".join(path)] = out.getvalue()
print(json.dumps(results))
"""


@pytest.fixture(scope="module")
def helps() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("RECORDKIT_")}
    env["COLUMNS"] = "80"
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps([list(p) for p in COMMAND_PATHS])],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


def _command_words() -> set[str]:
    return {word for path in COMMAND_PATHS for name in path for word in re.findall(r"[A-Za-z]+", name)}


def english_words(text: str) -> list[str]:
    allowed = PRODUCT_WORDS | VALUE_WORDS | _command_words()
    found = []
    for line in text.splitlines():
        line = re.sub(r"例：.*", "", line)  # the example line is a command to type
        line = re.sub(r"(?<![\w-])--?[a-z][\w-]*", "", line)  # option names
        found += [w for w in re.findall(r"[A-Za-z][A-Za-z_]+", line) if w not in allowed]
    return found


@pytest.mark.parametrize("path", COMMAND_PATHS, ids=_label)
def test_help_has_no_english_word_and_no_cut_off_at_80_columns(helps: dict[str, str], path: Any) -> None:
    text = helps[" ".join(path)]
    assert text.lstrip().startswith("用法：recordkit"), text[:200]
    assert english_words(text) == [], text
    cut = [line for line in text.splitlines() if re.search(r"(?<!…)…(?!…)", line)]
    assert cut == [], "\n".join(cut)
    assert max(len(line) for line in text.splitlines()) <= 80


def test_the_placeholders_say_what_to_type(helps: dict[str, str]) -> None:
    pay = helps["fees pay"]
    assert "用法：recordkit fees pay [选项] 房号" in pay
    assert re.search(r"--amount\s+金额", pay) and re.search(r"--date\s+日期", pay)
    assert "<str>" not in pay and "<bool>" not in pay
    assert re.search(r"--limit\s+-n\s+条数 \[不小于 1\]", helps["journal list"])
    assert "用法：recordkit [选项] 命令 [参数]..." in helps[""]


def test_the_english_check_would_catch_english() -> None:
    assert english_words("│ --date   <str>  Show this message and exit. │") == [
        "str",
        "Show",
        "this",
        "message",
        "and",
        "exit",
    ]
