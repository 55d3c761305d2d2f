"""The built-in templates' designs: each module here draws its templates with python-docx.

A design names the template, its kind and the variables recordkit provides when it
fills it; ``python -m recordkit.documents.templates.build`` draws every design into
``templates/builtin/``.  Filling is not done here.
"""

from __future__ import annotations

from functools import cache

from recordkit.documents.templates.designs import certificates, notices, receipt, renovation
from recordkit.documents.templates.designs.base import (
    COMMON_VARIABLES,
    DEPOSIT_HELD,
    NOTICE_KIND,
    NOTICE_VARIABLES,
    OFFICE_PHONE,
    Design,
)

__all__ = [
    "DEPOSIT_HELD",
    "COMMON_VARIABLES",
    "NOTICE_KIND",
    "NOTICE_VARIABLES",
    "Design",
    "about_works",
    "all_designs",
    "asked_variables",
    "kind_of",
    "office_phone_variables",
    "older_names",
    "ordered_pairs",
    "provided_variables",
    "shown_variables",
]

# The modules that draw built-in templates, each with a DESIGNS tuple.
DESIGN_MODULES = (certificates, notices, receipt, renovation)


@cache
def all_designs() -> dict[str, Design]:
    """Every design of every design module, by template name."""
    found: dict[str, Design] = {}
    for module in DESIGN_MODULES:
        for design in module.DESIGNS:
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


def shown_variables(name: str) -> frozenset[str]:
    """``provided_variables`` as a clerk is told of them: a renamed variable by its name now only."""
    design = all_designs().get(name)
    return design.shown if design else provided_variables(name)


def older_names(name: str) -> dict[str, str]:
    """The older names a template of this name may still use, each with the variable's name now
    (``Design.older_names``): filled the same, told as such by `templates check` and `templates list`."""
    design = all_designs().get(name)
    return dict(design.older_names) if design else {}


def office_phone_variables(name: str) -> frozenset[str]:
    """The variables a template of this name prints the office's telephone in (``[notices] phone``): 物业电话, and
    those its design fills with it too (``Design.office_phone_too``: 催缴通知书's 联系电话)."""
    design = all_designs().get(name)
    return frozenset((OFFICE_PHONE, *(design.office_phone_too if design else ())))


def ordered_pairs(name: str) -> tuple[tuple[str, str], ...]:
    """The (earlier, later) variables of a template whose dates must be in that order."""
    design = all_designs().get(name)
    return design.ordered if design else ()


def about_works(name: str) -> bool:
    """Whether a template of this name is sent about works, given ``DEPOSIT_HELD`` (``Design.about_works``)."""
    design = all_designs().get(name)
    return design.about_works if design else False


def row_fields(name: str) -> dict[str, tuple[str, ...]]:
    """The fields of each row of the list variables of a template of this name (催缴通知书's 明细:
    月份, 项目, 金额); a list variable not named here is not checked field by field."""
    design = all_designs().get(name)
    return dict(design.rows) if design else {}


def asked_variables(name: str) -> frozenset[str]:
    """The variables the clerk is expected to supply for a template of this name."""
    design = all_designs().get(name)
    return frozenset(design.asks) if design else frozenset()
