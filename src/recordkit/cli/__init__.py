"""The ``recordkit`` command: a thin skin of argument parsing and printing over the library.

Each command module registers its commands on the root app; ``main`` is the console script.
"""

from __future__ import annotations

from recordkit.cli import (  # noqa: F401  (each module registers its commands)
    archive,
    cert,
    db,
    demo,
    docs,
    doctor,
    fees,
    index,
    init,
    intake,
    journal,
    notice,
    owners,
    receipt,
    renovation,
    report,
    search,
    templates,
    workorder,
)
from recordkit.cli._app import app


def main() -> None:
    """Console-script entry point."""
    app(prog_name="recordkit")


__all__ = ["app", "main"]
