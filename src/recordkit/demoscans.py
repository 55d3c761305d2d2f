"""Small, realistic-looking scans drawn in code (Pillow): for the demo, the README and the tests.

A page is an off-white sheet with a heading bar, lines of "text", a table, a signature and a red
seal, slightly rotated and grainy like a real scan; a different ``seed`` gives different bytes.
No fonts are needed.  Nothing here is used when filing real scans.
"""

from __future__ import annotations

import io
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

PAGE_SIZE = (420, 594)  # A4 proportions at a low resolution: small files, quick to make


def scan_page(seed: int, size: tuple[int, int] = PAGE_SIZE) -> Any:
    """One scanned page as a Pillow image (RGB)."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    width, height = size
    paper = (248 - rng.randrange(8), 246 - rng.randrange(8), 238 - rng.randrange(10))
    page = Image.new("RGB", size, paper)
    draw = ImageDraw.Draw(page)
    ink = (40 + rng.randrange(30),) * 3
    margin = width // 10
    draw.rectangle((width // 3, margin, width - width // 3, margin + 14), fill=ink)  # the heading
    y = margin + 40
    while y < height * 0.55:
        right = width - margin - rng.randrange(0, width // 3)
        draw.rectangle((margin, y, right, y + 5), fill=(ink[0] + 60,) * 3)
        y += 14 + rng.randrange(4)
    rows = rng.randrange(3, 6)
    top = int(height * 0.6)
    for row in range(rows + 1):
        draw.line((margin, top + row * 18, width - margin, top + row * 18), fill=ink, width=1)
    for col in range(4):
        x = margin + col * (width - 2 * margin) // 3
        draw.line((x, top, x, top + rows * 18), fill=ink, width=1)
    sx, sy = width - margin - 70, height - margin - 60
    draw.ellipse((sx, sy, sx + 56, sy + 56), outline=(200, 30, 30), width=3)  # the seal
    draw.line((margin, height - margin - 20, margin + 90, height - margin - 30 - rng.randrange(8)), fill=ink, width=2)
    for _ in range(120):  # dust
        x, z = rng.randrange(width), rng.randrange(height)
        draw.point((x, z), fill=(rng.randrange(120, 200),) * 3)
    return page.rotate(rng.uniform(-0.8, 0.8), fillcolor=paper)


def _pages(seed: int, count: int) -> list[Any]:
    return [scan_page(seed * 100 + number) for number in range(count)]


def scan_bytes(kind: str, seed: int, pages: int = 1) -> bytes:
    """A scan as bytes: ``pdf`` (``pages`` pages), ``jpg``, ``png`` or ``tiff`` (``pages`` frames)."""
    images = _pages(seed, pages if kind in ("pdf", "tiff") else 1)
    buffer = io.BytesIO()
    if kind == "pdf":
        gray = [image.convert("L") for image in images]
        gray[0].save(buffer, "PDF", save_all=True, append_images=gray[1:], resolution=50.0)
    elif kind == "jpg":
        images[0].convert("L").save(buffer, "JPEG", quality=55)
    elif kind == "png":
        images[0].convert("L").save(buffer, "PNG", optimize=False)
    elif kind == "tiff":
        gray = [image.convert("L") for image in images]
        gray[0].save(buffer, "TIFF", save_all=True, append_images=gray[1:], compression="tiff_deflate")
    else:
        raise ValueError(kind)
    return buffer.getvalue()


def write_scan(path: Path, seed: int, pages: int = 1) -> Path:
    """Write a scan whose kind follows the extension of ``path`` (.pdf, .jpg, .png, .tif/.tiff)."""
    kind = {".pdf": "pdf", ".jpg": "jpg", ".jpeg": "jpg", ".png": "png", ".tif": "tiff", ".tiff": "tiff"}[
        path.suffix.lower()]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(scan_bytes(kind, seed, pages))
    return path


def encrypted_pdf() -> bytes:
    """A PDF that asks for an open password (Standard security handler, RC4 40-bit, unknown password)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
               b"<< /Filter /Standard /V 1 /R 2 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> /P -4 >>"]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 4 0 R /ID [<" % (len(objects) + 1) + b"ab" * 16
              + b"> <" + b"ab" * 16 + b">] >>\nstartxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


README_SCANS = (
    ("3-2-1201_购房合同_20190915.pdf", 3),
    ("3栋2单元1201 装修协议 2026年11月02日.jpg", 1),
    ("业主档案/1-1-101/产权证明_20200501.pdf", 2),
    ("工程档案/电梯/3号楼电梯维保记录_20261020.tif", 3),
    ("IMG_0001.jpg", 1),
)


def write_scans(folder: Path, names: Sequence[tuple[str, int]], seed: int = 0) -> list[Path]:
    """Write each ``(relative name, pages)`` below ``folder``; seeds differ so no two are alike."""
    return [write_scan(folder / name, seed + number, pages) for number, (name, pages) in enumerate(names, start=1)]
