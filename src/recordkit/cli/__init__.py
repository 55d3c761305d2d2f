"""The ``recordkit`` command: a thin skin of argument parsing and printing over the library.

Each command module registers its commands on the root app; ``main`` is the console script.
"""

from __future__ import annotations

from recordkit.cli import ledger_commands, owners_commands, workspace_commands  # noqa: F401  (registers commands)
from recordkit.cli import fees_commands, receipt_commands  # noqa: F401  (issue 4: fees and receipts)
from recordkit.cli import renovation_commands  # noqa: F401  (issue 5: renovations)
from recordkit.cli import document_commands, notice_commands  # noqa: F401  (issue 5: documents)
from recordkit.cli import archive_commands  # noqa: F401  (issue 6: the archive)
from recordkit.cli import workorder_commands  # noqa: F401  (issue 8: work orders)
from recordkit.cli import report_commands  # noqa: F401  (issue 8: the monthly report)
from recordkit.cli import search_commands  # noqa: F401  (issue 7: full-text search)
from recordkit.cli._app import app


def main() -> None:
    """Console-script entry point."""
    app(prog_name="recordkit")


__all__ = ["app", "main"]
