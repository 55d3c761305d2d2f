"""The built-in templates' designs: each module here draws its templates with python-docx.

A design names the template, its kind and the variables recordkit provides when it
fills it; ``python -m recordkit.documents.templates.build`` draws every design into
``templates/builtin/``.  Filling is not done here.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docx.document import Document

# Every document gets these (see documents.common_context); a notice also gets NOTICE_VARIABLES.
COMMON_VARIABLES = ("物业服务中心", "小区", "日期")
# A template the office adds under a new name is a notice: `notice make` fills it with these,
# plus whatever the clerk passes with --set.
NOTICE_KIND = "通知"
NOTICE_VARIABLES = ("业主姓名", "房号", "楼栋", "称呼")


@dataclass(frozen=True)
class Design:
    name: str
    kind: str
    draw: Callable[[Document], None]
    # What recordkit provides when it fills this template (beyond COMMON_VARIABLES).
    variables: tuple[str, ...] = ()
    # What the clerk supplies when printing it (`notice make ... --set 停水时间=...`).
    asks: tuple[str, ...] = ()
    # Pairs of variables whose dates must not run backwards (start, end), checked before printing.
    ordered: tuple[tuple[str, str], ...] = ()

    @property
    def provided(self) -> frozenset[str]:
        return frozenset((*COMMON_VARIABLES, *self.variables))


@cache
def all_designs() -> dict[str, Design]:
    """Every design of every module in this package, by template name."""
    found: dict[str, Design] = {}
    for module_info in pkgutil.iter_modules(__path__):
        if module_info.name.startswith("_") or module_info.name == "common":
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for design in getattr(module, "DESIGNS", ()):
            if design.name in found:
                raise RuntimeError(f"two designs are called {design.name}")
            found[design.name] = design
    return found


def kind_of(name: str) -> str:
    design = all_designs().get(name)
    return design.kind if design else NOTICE_KIND


def provided_variables(name: str) -> frozenset[str]:
    """The variables recordkit fills for a template of this name (a new name is a notice)."""
    design = all_designs().get(name)
    return design.provided if design else frozenset((*COMMON_VARIABLES, *NOTICE_VARIABLES))


def ordered_pairs(name: str) -> tuple[tuple[str, str], ...]:
    """The (earlier, later) variables of a template whose dates must be in that order."""
    design = all_designs().get(name)
    return design.ordered if design else ()


def asked_variables(name: str) -> frozenset[str]:
    """The variables the clerk is expected to supply for a template of this name."""
    design = all_designs().get(name)
    return frozenset(design.asks) if design else frozenset()
