"""What a scanned file is: its kind, whether it can be read, how many pages it has, its SHA-256.

Reads the file and nothing else: no ledger, no placement.  A file that cannot be filed raises
``ScanRejected`` with the reason in Chinese, as it goes into the quarantine note.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pypdfium2
from PIL import Image, UnidentifiedImageError

from recordkit.archive.rules import ACCEPTED_EXTENSIONS

_CHUNK = 1 << 20
_MAGIC = {
    "pdf": (b"%PDF",),
    "image": (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n"),
    "tiff": (b"II*\x00", b"MM\x00*"),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
}
# Word and Excel files with a password are not zip files but OLE compound files.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_KIND_LABEL = {"pdf": "PDF", "image": "图片", "tiff": "TIFF", "docx": "Word 文档", "xlsx": "Excel 表格"}
ACCEPTED_LABEL = "PDF、JPG/PNG、TIFF、DOCX、XLSX"


class ScanRejected(Exception):
    """The file cannot be filed; ``reason`` is the Chinese note for the quarantine."""

    def __init__(self, reason: str, kind: str = "invalid") -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind


@dataclass(frozen=True)
class ScanInfo:
    kind: str
    pages: int | None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def inspect_scan(path: Path, extension: str) -> ScanInfo:
    """The kind and page count of an accepted file; ``ScanRejected`` when it is unsupported,
    empty, corrupt or password-protected."""
    kind = ACCEPTED_EXTENSIONS.get(extension.lower())
    if kind is None:
        shown = extension or "（无扩展名）"
        raise ScanRejected(f"不支持的文件类型 {shown}：只归档 {ACCEPTED_LABEL}", "unsupported")
    with path.open("rb") as stream:
        head = stream.read(16)
    if not head:
        raise ScanRejected("文件是空的（0 字节）：可能扫描中断，请重新扫描", "empty")
    if kind in ("docx", "xlsx") and head.startswith(_OLE_MAGIC):
        raise ScanRejected(f"{_KIND_LABEL[kind]}设置了密码，无法读取：请去掉密码后重新放入收件箱", "encrypted")
    if not head.startswith(_MAGIC[kind]):
        raise ScanRejected(
            f"文件内容不是{_KIND_LABEL[kind]}（扩展名是 {extension}）：文件已损坏或扩展名写错", "corrupt"
        )
    reader = {"pdf": _pdf_pages, "image": _image_pages, "tiff": _image_pages, "docx": _docx_pages, "xlsx": _xlsx_pages}[
        kind
    ]
    return ScanInfo(kind, reader(path))


def _pdf_pages(path: Path) -> int:
    try:
        document = pypdfium2.PdfDocument(str(path))
    except pypdfium2.PdfiumError as err:
        if not path.exists():  # taken by another filer meanwhile, not broken
            raise FileNotFoundError(str(path)) from None
        if "password" in str(err).lower():
            raise ScanRejected("PDF 设置了打开密码，无法读取：请去掉密码后重新放入收件箱", "encrypted") from None
        raise ScanRejected("PDF 文件已损坏，无法打开：请重新扫描", "corrupt") from None
    try:
        pages = len(document)
    finally:
        document.close()
    if pages == 0:
        raise ScanRejected("PDF 没有任何页面：请重新扫描", "corrupt")
    return pages


def _image_pages(path: Path) -> int:
    try:
        with Image.open(path) as image:
            frames = getattr(image, "n_frames", 1)
            for frame in range(frames):
                image.seek(frame)
                image.load()
    except FileNotFoundError:
        raise
    except (Image.DecompressionBombError, MemoryError):
        raise ScanRejected(
            "图片尺寸过大，无法打开（像素数超过上限）：请用较低的分辨率重新扫描，或分成几张扫描", "too_large"
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise ScanRejected("图片文件已损坏或不完整，无法打开：请重新扫描", "corrupt") from None
    return int(frames)


def _open_office_zip(path: Path, needed: str, label: str) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(path)
        names = set(archive.namelist())
    except FileNotFoundError:
        raise
    except (zipfile.BadZipFile, OSError):
        raise ScanRejected(f"{label}已损坏，无法打开：请重新保存后再放入收件箱", "corrupt") from None
    if "[Content_Types].xml" not in names or needed not in names:
        archive.close()
        raise ScanRejected(f"{label}已损坏，无法打开：请重新保存后再放入收件箱", "corrupt")
    return archive


def _docx_pages(path: Path) -> int | None:
    with _open_office_zip(path, "word/document.xml", "Word 文档") as archive:
        try:
            app = archive.read("docProps/app.xml").decode("utf-8", "replace")
        except KeyError:
            return None
    match = re.search(r"<Pages>(\d+)</Pages>", app)
    return int(match[1]) if match else None


def _xlsx_pages(path: Path) -> int | None:
    with _open_office_zip(path, "xl/workbook.xml", "Excel 表格"):
        return None
