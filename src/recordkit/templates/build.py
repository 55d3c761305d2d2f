"""Draw every built-in template into ``templates/builtin/``: ``python -m recordkit.templates.build``.

The .docx files are generated, never edited by hand; a test checks that the shipped
files say what their designs draw.
"""

from __future__ import annotations

import sys
from pathlib import Path

from recordkit.templates import BUILTIN_DIR
from recordkit.templates.designs import Design, all_designs


def draw(design: Design, target: Path) -> Path:
    """Draw one design into a .docx file."""
    from docx import Document

    from recordkit.atomic import write_with

    document = Document()
    design.draw(document)
    return write_with(target, document.save)


def build_all(folder: Path = BUILTIN_DIR, names: list[str] | None = None) -> list[Path]:
    designs = all_designs()
    chosen = names or sorted(designs)
    return [draw(designs[name], folder / f"{name}.docx") for name in chosen]


if __name__ == "__main__":
    for path in build_all(names=sys.argv[1:] or None):
        print(path)
