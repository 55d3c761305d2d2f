"""A listing's filter option given as empty or blank text (``--unit "$UNIT"``, the variable unset) is refused as a blank
filter (exit 2, nothing listed), in every listing: read as no filter it listed everything (``archive list --unit ""``,
``docs list --unit ""``, exit 0), or was called an invalid value (``renovation list --status ""``, exit 5)."""

from __future__ import annotations

from typing import Any

import pytest

from recordkit.core.workspace import Workspace

LISTING_FILTERS = [
    ("archive", "list", "--category"),
    ("archive", "list", "--unit"),
    ("docs", "list", "--kind"),
    ("docs", "list", "--unit"),
    ("fees", "arrears", "--as-of"),
    ("fees", "arrears", "--building"),
    ("owners", "list", "--building"),
    ("owners", "contact", "list", "--unit"),
    ("owners", "contact", "list", "--relation"),
    ("receipt", "list", "--date"),
    ("receipt", "list", "--unit"),
    ("renovation", "list", "--status"),
]


@pytest.mark.parametrize("command", LISTING_FILTERS, ids=" ".join)
def test_a_blank_listing_filter_is_refused_as_blank(
    workspace: Workspace, run_cli: Any, command: tuple[str, ...]
) -> None:
    option = command[-1]
    for typed in ("", " ", "\u3000"):
        result = run_cli(*command, typed)
        assert (result.exit_code, result.stdout, result.stderr) == (
            2,
            "",
            f"错误：{option} 是空的：请写明要筛选的值；不筛选就不写 {option}\n",
        ), repr(typed)
