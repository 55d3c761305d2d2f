"""Draw every built-in template into ``templates/builtin/``: ``python -m recordkit.documents.templates.build``.

The .docx files are generated, never edited by hand; a test checks that the shipped
files say what their designs draw.
"""

from __future__ import annotations

import argparse
import io
import zipfile
from pathlib import Path

from docx import Document

from recordkit.core.atomic import write_bytes
from recordkit.documents.templates.designs import Design, all_designs
from recordkit.documents.templates.engine import BUILTIN_DIR


def draw(design: Design, target: Path) -> Path:
    """Draw one design into a .docx file; the same design always gives the same bytes."""

    document = Document()
    design.draw(document)
    drawn = io.BytesIO()
    document.save(drawn)
    return write_bytes(target, _without_timestamps(drawn.getvalue()))


def _without_timestamps(package: bytes) -> bytes:
    # zipfile stamps each entry with the current time; a fixed stamp keeps a rebuild of an
    # unchanged design byte-identical, so git shows only the templates that really changed.
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            stamped = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            stamped.compress_type = zipfile.ZIP_DEFLATED
            stamped.external_attr = 0o644 << 16
            target.writestr(stamped, source.read(info))
    return out.getvalue()


def build_all(folder: Path = BUILTIN_DIR, names: list[str] | None = None) -> list[Path]:
    designs = all_designs()
    chosen = names or sorted(designs)
    return [draw(designs[name], folder / f"{name}.docx") for name in chosen]


def main(argv: list[str] | None = None) -> int:
    designs = sorted(all_designs())
    parser = argparse.ArgumentParser(
        prog="python -m recordkit.documents.templates.build",
        description="重新生成内置模板（templates/builtin/*.docx）。",
    )
    parser.add_argument("names", nargs="*", metavar="模板名", help="只生成这些模板；不写则全部生成")
    chosen = parser.parse_args(argv).names
    unknown = [name for name in chosen if name not in designs]
    if unknown:
        parser.error(f"没有模板“{'、'.join(unknown)}”；内置模板：{'、'.join(designs)}")
    for path in build_all(names=chosen or None):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
