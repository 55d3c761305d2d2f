"""Running a command as an account that file modes bind, as a service's account is: the suite runs as root (in CI,
in containers), whom no file mode stops."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest


def bound_by_file_modes() -> list[str]:
    """What runs a command as an account file modes bind: as root (who may read and write every file), root without
    the capabilities that override file modes (``setpriv``); as any other account, the command itself."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    drop = "-dac_override,-dac_read_search"
    prefix = [setpriv or "setpriv", f"--bounding-set={drop}", f"--inh-caps={drop}"]
    if setpriv is None or subprocess.run([*prefix, "true"], check=False).returncode != 0:
        pytest.skip("running as root without setpriv (or without the right to drop capabilities)")
    return prefix
