"""OCR benchmark: character accuracy and pages/s of recordkit's OCR (rapidocr_onnxruntime) on rendered
Chinese pages, against Tesseract chi_sim on the same pages in the same run (when it is installed).

Pages are drawn with the Noto Sans CJK SC subset recordkit ships: a title, a unit code and an owner's
name, a date written the Chinese way and sentences of the office's vocabulary, in two styles —
"clean" (an A4 page at 150 dpi, 14 pt type: a printed document scanned well) and "demo scan" (the demo's
grainy, slightly rotated A4 page at 75 dpi, 19 px type).  Accuracy = 1 - edit distance / length over
all characters, whitespace ignored (extract.character_accuracy); "key strings" = how many of the unit
codes, names and dates come out exactly, which is what a search needs.  Timing is OCR only, with the
engine loaded beforehand (its load time is shown apart).

    python benchmarks/bench_ocr.py               # 20 pages of each style
    python benchmarks/bench_ocr.py --pages 5     # a quick look

Tesseract is not a dependency: `apt-get install tesseract-ocr tesseract-ocr-chi-sim` to compare.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from recordkit.archive.extract import character_accuracy, load_engine
from recordkit.demo import scans as demoscans
from recordkit.demo.roster import generate_estate

GOAL_ACCURACY = 0.97
SEED = 2026


@dataclass(frozen=True)
class Page:
    image: Any
    text: str
    keys: tuple[str, ...]


def page_lines(rng: random.Random, owners: list[tuple[str, str]]) -> tuple[list[str], tuple[str, ...]]:
    kind = rng.choice([k for k in demoscans.DOCUMENT_SENTENCES if k != "扫描件"])
    unit, owner = rng.choice(owners)
    date = dt.date(rng.randrange(2015, 2027), rng.randrange(1, 13), rng.randrange(1, 29))
    pool = [
        *demoscans.SAMPLE_SENTENCES,
        *demoscans.LATER_PAGE_SENTENCES,
        *(line for lines in demoscans.DOCUMENT_SENTENCES.values() for line in lines),
    ]
    lines = [kind, f"房号：{unit}　业主：{owner}", f"日期：{demoscans.chinese_date(date)}", *rng.sample(pool, 9)]
    return lines, (unit, owner, demoscans.chinese_date(date))


def clean_page(lines: list[str]) -> Any:
    from PIL import Image, ImageDraw

    page = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(page)
    font = demoscans.cjk_font(30)
    for number, line in enumerate(lines):
        draw.text((110, 120 + number * 64), line, font=font, fill=20)
    return page


def make_pages(count: int, style: str) -> list[Page]:
    rng = random.Random(f"{SEED}-{style}")
    owners = [(unit.code, unit.owner_name) for unit in generate_estate(seed=SEED, min_units=300) if unit.owner_name]
    pages = []
    for number in range(count):
        lines, keys = page_lines(rng, owners)
        image = clean_page(lines) if style == "clean" else demoscans.scan_page(SEED + number, lines=lines).convert("L")
        pages.append(Page(image, "\n".join(lines), keys))
    return pages


def rapidocr_reader() -> tuple[Callable[[Any], str], float]:
    started = time.perf_counter()
    engine = load_engine()
    engine.recognize(clean_page(["预热"]))  # onnxruntime's first run allocates: not part of any page
    return (lambda image: engine.recognize(image)[0]), time.perf_counter() - started


def tesseract_reader(folder: Path) -> Callable[[Any], str] | None:
    binary = shutil.which("tesseract")
    if binary is None:
        return None
    langs = subprocess.run([binary, "--list-langs"], capture_output=True, text=True, check=False).stdout.split()
    if "chi_sim" not in langs:
        return None

    def read(image: Any) -> str:
        path = folder / "page.png"
        image.save(path)
        done = subprocess.run(
            [binary, str(path), "stdout", "-l", "chi_sim"], capture_output=True, text=True, check=False
        )
        return done.stdout

    return read


def measure(read: Callable[[Any], str], pages: list[Page]) -> tuple[float, float, float]:
    """(character accuracy over all pages, key strings found, pages per second)."""
    edits = length = found = keys = 0.0
    elapsed = 0.0
    for page in pages:
        started = time.perf_counter()
        text = read(page.image)
        elapsed += time.perf_counter() - started
        size = sum(1 for ch in page.text if not ch.isspace())
        edits += (1 - character_accuracy(page.text, text)) * size
        length += size
        squeezed = "".join(text.split())
        found += sum(1 for key in page.keys if key in squeezed)
        keys += len(page.keys)
    return 1 - edits / length, found / keys, len(pages) / elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20, help="pages of each style")
    args = parser.parse_args(argv)
    console = Console(width=120)
    rapid, load_seconds = rapidocr_reader()
    with tempfile.TemporaryDirectory() as temp:
        tesseract = tesseract_reader(Path(temp))
        table = Table(title=f"OCR of rendered Chinese pages ({args.pages} per style)")
        for header in ("engine", "pages", "character accuracy", "key strings exact", "pages/s"):
            table.add_column(header, justify="right" if header != "engine" else "left")
        results: dict[tuple[str, str], tuple[float, float, float]] = {}
        for style, label in (("clean", "clean A4 150 dpi"), ("scan", "demo scan 75 dpi")):
            pages = make_pages(args.pages, style)
            engines: list[tuple[str, Callable[[Any], str] | None]] = [
                ("recordkit (rapidocr PP-OCRv4)", rapid),
                ("Tesseract chi_sim (baseline)", tesseract),
            ]
            for name, read in engines:
                if read is None:
                    table.add_row(name, label, "not installed", "", "")
                    continue
                accuracy, keys, speed = results[(name, style)] = measure(read, pages)
                table.add_row(name, label, f"{accuracy:.4f}", f"{keys:.1%}", f"{speed:.2f}")
    console.print(table)
    console.print(f"OCR engine load (once per process): {load_seconds:.2f} s")
    worst = min(accuracy for (name, _style), (accuracy, _k, _s) in results.items() if name.startswith("recordkit"))
    met = "met" if worst >= GOAL_ACCURACY else "NOT met"
    console.print(f"goal character accuracy ≥ {GOAL_ACCURACY}: {met} (worst style {worst:.4f})")
    return 0 if worst >= GOAL_ACCURACY else 1


if __name__ == "__main__":
    sys.exit(main())
