"""What a command wrote to the workspace's log (records/logs/recordkit.log), read as the IT person reads it."""

from __future__ import annotations

import re

from recordkit.core.workspace import Workspace

#: A record's first line: its time, process, level and logger, then ": " and the message.
_RECORD = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ [A-Z]+ [\w.]+: (.*)")


def log_size(workspace: Workspace) -> int:
    """Where the next record will start (0 with no log yet)."""
    return workspace.log_file.stat().st_size if workspace.log_file.exists() else 0


def messages_since(workspace: Workspace, start: int) -> list[str]:
    """The messages of the records written after ``start``, one each (a traceback's lines are not records)."""
    with workspace.log_file.open(encoding="utf-8") as log:
        log.seek(start)
        return [match[1] for line in log.read().splitlines() if (match := _RECORD.fullmatch(line))]
