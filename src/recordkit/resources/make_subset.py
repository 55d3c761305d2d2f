"""Make src/recordkit/resources/NotoSansCJKsc-Subset.otf: Noto Sans CJK SC with only the characters recordkit draws.

A developer's tool (fontTools is not a dependency of recordkit): run it after adding Chinese text to
demo/scans.py, demo/estate.py, demo/roster.py or doctor.py, and commit the new .otf.

    python3 -m venv /tmp/fontvenv && /tmp/fontvenv/bin/pip install fonttools
    /tmp/fontvenv/bin/python src/recordkit/resources/make_subset.py [/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc]
"""

from __future__ import annotations

import string
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

PACKAGE = Path(__file__).resolve().parent.parent  # src/recordkit
#: Every Chinese character drawn on a demo scan, a test page, a benchmark page or doctor's sample is in these.
SOURCES = ("demo/scans.py", "demo/roster.py", "demo/estate.py", "doctor.py")
TARGET = PACKAGE / "resources" / "NotoSansCJKsc-Subset.otf"
SC_INDEX = 2  # in NotoSansCJK-Regular.ttc: JP, KR, SC, TC, HK


def characters() -> str:
    wanted = set(string.printable.strip()) | {" ", "　"}
    for name in SOURCES:
        wanted |= {ch for ch in (PACKAGE / name).read_text(encoding="utf-8") if ord(ch) > 0x7F}
    return "".join(sorted(wanted))


def main(source: str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc") -> None:
    font = TTCollection(source).fonts[SC_INDEX]
    options = subset.Options()
    options.layout_features = []  # horizontal text only: no vertical forms or alternates
    options.hinting = False  # rendered large enough for OCR; hints only cost bytes
    options.notdef_outline = True
    options.desubroutinize = False
    subsetter = subset.Subsetter(options)
    chars = characters()
    subsetter.populate(text=chars)
    subsetter.subset(font)
    font.save(str(TARGET))
    print(f"{TARGET.name}: {len(chars)} characters, {TARGET.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main(*sys.argv[1:])
