"""The ``recordkit`` command: a thin skin of argument parsing and printing over the library.

Each command module adds its commands to the root; the root imports a module only when one of its
commands is named (``_app.COMMAND_MODULES``).  ``main`` is the console script.
"""

from __future__ import annotations

from recordkit.cli._app import OFFICE_CLOCK, app


def main() -> None:
    """Console-script entry point: on the office's clock (``[office] time_zone``) whatever this machine's zone."""
    OFFICE_CLOCK.adopt = True
    app(prog_name="recordkit")


__all__ = ["app", "main"]
