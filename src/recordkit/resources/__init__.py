"""Files shipped with the package: the Noto Sans CJK SC subset (OFL) used to draw Chinese text, and its licence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PIL import ImageFont

RESOURCES_DIR = Path(__file__).parent
#: Noto Sans CJK SC holding only the characters recordkit draws (``make_subset.py`` beside it rebuilds it).
FONT_PATH = RESOURCES_DIR / "NotoSansCJKsc-Subset.otf"


def cjk_font(size: int) -> Any:
    """The shipped Noto Sans CJK SC subset at ``size`` px (it holds only the characters recordkit draws)."""
    return ImageFont.truetype(str(FONT_PATH), size)
