"""What a scanned file is: its kind, whether it can be read, how many pages it has, its SHA-256.

Reads the file and nothing else: no ledger, no placement.  A file that cannot be filed raises
``ScanRejected`` with the reason in Chinese, as it goes into the quarantine note.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import re
import struct
import warnings
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdfium2
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from recordkit.archive.contained import ReaderFailed, ReaderLimits, run_contained, run_contained_split
from recordkit.archive.rules import ACCEPTED_EXTENSIONS
from recordkit.core.config import LimitSettings
from recordkit.core.sheets import OLE2_SIGNATURE

log = logging.getLogger(__name__)

_CHUNK = 1 << 20
_MAGIC = {
    "pdf": (b"%PDF",),
    "image": (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n"),
    "tiff": (b"II*\x00", b"MM\x00*"),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
}
#: Extensions whose files must hold one format of their kind: a .jfif or .jpe is a JPEG, never a PNG.
_MAGIC_OF_EXTENSION = {".jfif": (b"\xff\xd8\xff",), ".jpe": (b"\xff\xd8\xff",)}


@dataclass(frozen=True)
class Resend:
    """What to do with a refused file before it is sent again: ``step`` (去掉密码后), then, in the inbox's words,
    请{step}[把{what}]{again}放入收件箱 (``what``: what is sent, 里面的文件 of a zip, else the file itself);
    ``joint`` joins it to what was said of the file."""

    step: str
    again: str = "重新"
    what: str = ""
    joint: str = "："


def send_again(resend: Resend, in_inbox: bool) -> str:
    """What to do with a refused file once ``resend.step`` is done, by where it came from: the inbox the filing
    service files, or a file given to ``recordkit file`` elsewhere, which stays where it is."""
    if in_inbox:
        return f"请{resend.step}{'把' + resend.what if resend.what else ''}{resend.again}放入收件箱"
    return f"请{resend.step}再用 recordkit file 归档{resend.what}"


#: The steps before a refused file is sent again (``send_again``): a password taken off, an Office file saved
#: again, a zip unpacked.
_WITHOUT_PASSWORD = Resend("去掉密码后")
_SAVED_AGAIN = Resend("重新保存后", again="再")
#: A name too long to handle (``archivist``), the file renamed shorter.
RENAMED_SHORTER = Resend("把文件名改短后")
_UNPACKED = Resend("解压后", again="", what="里面的文件", joint="，")
#: What the clerk is told of a file the archive does not take, by its extension, and what to do before sending it
#: again: an iPhone's photo, an archive.
_HEIC_ADVICE = (
    "苹果手机照片（HEIC）",
    Resend("在手机设置→相机→格式里选“兼容性最佳”，或转成 JPG 后", again="再", joint="，"),
)
_PACKED_ADVICE = ("压缩包", _UNPACKED)
_UNSUPPORTED_ADVICE: dict[str, tuple[str, Resend]] = {
    ".heic": _HEIC_ADVICE,
    ".heif": _HEIC_ADVICE,
    ".zip": _PACKED_ADVICE,
    ".rar": _PACKED_ADVICE,
    ".7z": _PACKED_ADVICE,
}
#: A PDF's header may follow a few bytes of something else (a byte-order mark, the blank line a web system
#: printed before it) within its first kilobyte, where every reader (pdfium too) looks for it.
_PDF_HEADER, _PDF_HEADER_WINDOW = b"%PDF-", 1024
_KIND_LABEL = {"pdf": "PDF", "image": "图片", "tiff": "TIFF", "docx": "Word 文档", "xlsx": "Excel 表格"}
ACCEPTED_LABEL = "PDF、JPG/PNG、TIFF、DOCX、XLSX"
#: Why an empty file is quarantined (the service does so once it has been empty for ten minutes).
EMPTY_REASON = "空文件（扫描仪没有写入内容），请重新扫描"
#: Why ``recordkit file`` leaves an empty file where it is, unfiled: the scanner may not have written it yet.
EMPTY_LEFT_REASON = "空文件（0 字节），没有归档；扫描仪可能还没写完，请稍后再试或重新扫描"
#: What Pillow raises on a broken or incomplete image: besides its I/O and syntax errors, a TIFF cut short
#: (a scanner still writing a multi-page TIFF) fails with TypeError "Missing dimensions" or a KeyError of a tag.
BROKEN_IMAGE_ERRORS: tuple[type[Exception], ...] = (
    UnidentifiedImageError,
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    TypeError,
    KeyError,
    IndexError,
    struct.error,
    ZeroDivisionError,
)


class ScanRejected(Exception):
    """The file cannot be filed; ``reason`` is the Chinese note for the quarantine.  With ``step`` (what to do
    before sending it again), ``reason`` ends in the inbox's advice and ``reason_for`` says it for where the file
    came from (``send_again``)."""

    def __init__(self, reason: str, kind: str = "invalid", step: Resend | None = None) -> None:
        super().__init__(reason)
        self.said = reason
        self.step = step
        self.reason = self.reason_for(in_inbox=True)
        self.kind = kind

    def reason_for(self, in_inbox: bool) -> str:
        """The reason with the advice for a file from the inbox, or given to ``recordkit file`` elsewhere."""
        return self.said if self.step is None else f"{self.said}{self.step.joint}{send_again(self.step, in_inbox)}"

    def __reduce__(self) -> Any:  # raised in the reader process, it comes back whole
        return (type(self), (self.said, self.kind, self.step))


@dataclass(frozen=True)
class ScanInfo:
    kind: str
    pages: int | None


def sha256_of(path: Path, sync: bool = False) -> str:
    """The file's SHA-256; with ``sync``, its data also fsynced (through the same read-only handle)."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
        if sync:
            os.fsync(stream.fileno())
    return digest.hexdigest()


def reader_limits(limits: LimitSettings) -> ReaderLimits:
    return ReaderLimits(float(limits.reader_seconds), limits.reader_memory_mb)


def inspect_scan(path: Path, extension: str, limits: LimitSettings | None = None) -> ScanInfo:
    """The kind and page count of an accepted file; ``ScanRejected`` when it is unsupported, empty,
    corrupt, password-protected or beyond ``limits`` (size, pages, pixels, inflated size, or the
    reader process's time and memory: PDFs and images are read there, never in this process)."""
    limits = limits or LimitSettings()
    kind = precheck(path, extension, limits)
    found = read_pages([(kind, path)], limits)[0]
    if isinstance(found, BaseException):
        raise found
    return ScanInfo(kind, found)


def precheck(path: Path, extension: str, limits: LimitSettings) -> str:
    """What can be told without reading the file through: its kind from the extension, then its first
    bytes and its size.  ``ScanRejected`` for an unsupported, empty, mislabelled, password-protected
    (Office) or too large file, which is then never read further (nor hashed)."""
    kind = ACCEPTED_EXTENSIONS.get(extension.lower())
    if kind is None:
        if (advice := _UNSUPPORTED_ADVICE.get(extension.lower())) is not None:
            raise ScanRejected(advice[0], "unsupported", advice[1])
        shown = extension or "（无扩展名）"
        raise ScanRejected(f"不支持的文件类型 {shown}：只归档 {ACCEPTED_LABEL}", "unsupported")
    with path.open("rb") as stream:
        head = stream.read(_PDF_HEADER_WINDOW)
    if not head:
        raise ScanRejected(EMPTY_REASON, "empty")
    # Word and Excel files with a password are not zip files but OLE compound files.
    if kind in ("docx", "xlsx") and head.startswith(OLE2_SIGNATURE):
        if not _holds_encrypted_package(path):  # a Word 97-2003 .doc or Excel .xls under a new name
            old, program = (".doc", "Word") if kind == "docx" else (".xls", "Excel")
            resave = Resend(f"用 {program} 或 WPS 打开后另存为 {extension}，", again="再")
            raise ScanRejected(f"文件内容是旧版 {old} 格式，扩展名却是 {extension}", "unsupported", resave)
        raise ScanRejected(f"{_KIND_LABEL[kind]}设置了密码，无法读取", "encrypted", _WITHOUT_PASSWORD)
    magic = _MAGIC_OF_EXTENSION.get(extension.lower(), _MAGIC[kind])
    if not head.startswith(magic) and not (kind == "pdf" and _PDF_HEADER in head):
        label = "JPEG 图片" if extension.lower() in _MAGIC_OF_EXTENSION else _KIND_LABEL[kind]
        # A Latin name after Chinese words has a space before it (不是 PDF, 不是 Word 文档), a Chinese one none (不是图片).
        label = f" {label}" if label[:1].isascii() else label
        raise ScanRejected(f"文件内容不是{label}（扩展名是 {extension}）：文件已损坏或扩展名写错", "corrupt")
    size = path.stat().st_size
    if size > limits.max_file_mb << 20:
        raise ScanRejected(
            f"文件过大（{size / (1 << 20):.0f} MB，上限 {limits.max_file_mb} MB），没有读取：请分成几个文件扫描，"
            f"或请管理员调整 recordkit.toml 的 [limits] max_file_mb",
            "too_large",
        )
    return kind


#: The stream an Office file protected by a password keeps its encrypted content in, as its OLE directory
#: names it (UTF-16LE); a Word 97-2003 or Excel 97-2003 file, also an OLE file, has none.
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


def _holds_encrypted_package(path: Path) -> bool:
    """Whether an OLE file names an ``EncryptedPackage`` stream: a .docx or .xlsx with a password."""
    with path.open("rb") as stream:
        tail = b""
        while chunk := stream.read(_CHUNK):
            if _ENCRYPTED_PACKAGE in tail + chunk:
                return True
            tail = chunk[-len(_ENCRYPTED_PACKAGE) :]
    return False


def read_pages(entries: Sequence[tuple[str, Path]], limits: LimitSettings) -> list[int | None | Exception]:
    """The page counts of files that passed ``precheck`` (``(kind, path)``), in order, each a number (None:
    an Office file that does not say) or what refused it (``ScanRejected``, ``FileNotFoundError``, or the
    reader's own error).  Office files are read here (their zip directory only); PDFs and images in
    the reader processes, half of them in ONE call to each (a burst of scans costs one round trip,
    not one per file, and is read on two cores).  When that call runs out of time or memory, or the reader dies, each is read again on its
    own, with the limits to itself: the file that did it is refused, the others are read."""
    found: list[int | None | Exception] = [None] * len(entries)
    contained: list[tuple[int, str, str]] = []
    for index, (kind, path) in enumerate(entries):
        if kind in ("docx", "xlsx"):
            try:
                found[index] = (_docx_pages if kind == "docx" else _xlsx_pages)(path, limits)
            except Exception as err:  # noqa: BLE001 - this file's own result
                found[index] = err
        else:
            contained.append((index, kind, str(path)))
    if not contained:
        return found
    pages: list[int | Exception] | None = None
    if len(contained) > 1:
        named = [(kind, name) for _, kind, name in contained]
        halves = [named[: len(named) // 2], named[len(named) // 2 :]]  # one for each reader process
        try:
            parts = run_contained_split(count_pages_many, [(half, limits) for half in halves], reader_limits(limits))
            pages = [found for part in parts for found in part]
        except ReaderFailed:
            log.info("reading %d scans in one call failed: each is read on its own", len(contained))
    for position, (index, kind, name) in enumerate(contained):
        if pages is not None:
            found[index] = pages[position]
            continue
        try:
            found[index] = run_contained(count_pages, kind, name, limits, limits=reader_limits(limits))
        except ReaderFailed as failed:
            found[index] = ScanRejected(f"{failed.reason}，没有归档：请检查该文件，必要时重新扫描", "too_large")
        except Exception as err:  # noqa: BLE001 - this file's own result
            found[index] = err
    return found


def count_pages_many(entries: Sequence[tuple[str, str]], limits: LimitSettings) -> list[int | Exception]:
    """In the reader process: ``count_pages`` of each ``(kind, path)``; a file's refusal is its result.
    Running out of memory ends the whole call (the caller then reads each file on its own)."""
    results: list[int | Exception] = []
    for kind, path in entries:
        try:
            results.append(count_pages(kind, path, limits))
        except MemoryError:
            raise
        except Exception as err:  # noqa: BLE001 - this file's result, sent back whole when it can be
            results.append(err if _picklable(err) else RuntimeError(f"{type(err).__name__}: {err}"))
    return results


def _picklable(err: Exception) -> bool:
    try:
        pickle.dumps(err)
    except Exception:  # noqa: BLE001 - whatever pickling raises, the error is sent as text instead
        return False
    return True


def count_pages(kind: str, path: str, limits: LimitSettings) -> int:
    """In the reader process: the pages of a PDF or the frames of an image, every limit checked."""
    if kind == "pdf":
        return _pdf_pages(Path(path), limits)
    Image.MAX_IMAGE_PIXELS = None  # this process's own limit is checked from the header, before decoding
    return _image_pages(Path(path), limits, whole_directories=kind == "tiff")


def open_pdf(path: Path) -> pypdfium2.PdfDocument:
    """The PDF opened by pdfium; ``ScanRejected`` of kind "encrypted" (an open password) or "corrupt"
    with the inbox's words (a reader elsewhere says its own by the kind), ``FileNotFoundError`` when the
    file is gone."""
    try:
        return pypdfium2.PdfDocument(str(path))
    except pypdfium2.PdfiumError as err:
        if not path.exists():  # taken by another filer meanwhile, not broken
            raise FileNotFoundError(str(path)) from None
        if "password" in str(err).lower():
            raise ScanRejected("PDF 设置了打开密码，无法读取", "encrypted", _WITHOUT_PASSWORD) from None
        raise ScanRejected("PDF 文件已损坏，无法打开：请重新扫描", "corrupt") from None


def load_pdf_page(document: pypdfium2.PdfDocument, index: int) -> pypdfium2.PdfPage:
    """Page ``index`` (from 0) of an open PDF; ``ScanRejected`` of kind "page" naming the page when pdfium
    cannot load it (a damaged page object in a PDF that opens)."""
    try:
        return document[index]
    except pypdfium2.PdfiumError:
        raise ScanRejected(f"PDF 第 {index + 1} 页已损坏，无法打开：请重新扫描", "page") from None


def _pdf_pages(path: Path, limits: LimitSettings) -> int:
    document = open_pdf(path)
    try:
        pages = len(document)
    finally:
        document.close()
    if pages == 0:
        raise ScanRejected("PDF 没有任何页面：请重新扫描", "corrupt")
    if pages > limits.max_pages:
        raise ScanRejected(_too_many_pages(pages, limits), "too_large")
    return pages


def _too_many_pages(pages: int, limits: LimitSettings) -> str:
    return (
        f"页数过多（{pages} 页，上限 {limits.max_pages} 页），没有归档：请分成几个文件扫描，"
        f"或请管理员调整 [limits] max_pages"
    )


@contextmanager
def open_image(path: str | Path) -> Iterator[Image.Image]:
    """In the reader process: an image opened with Pillow's own pixel limit and its warning off — the
    caller checks each frame's size from its header against ``[limits]`` before decoding it."""
    Image.MAX_IMAGE_PIXELS = None
    with warnings.catch_warnings():
        # Pillow warns above ~89 MP and refuses above twice that; the limits here are our own.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with Image.open(path) as image:
            yield image


def orientation(image: Image.Image) -> int:
    """The EXIF orientation of the frame in hand (1: stored upright; 5-8: stored on its side, as a phone
    stores a photo taken upright)."""
    value = image.getexif().get(ExifTags.Base.Orientation, 1)
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def upright(image: Image.Image) -> Image.Image:
    """The frame turned as its EXIF orientation says, as every viewer shows it (the image itself when it is
    stored upright): OCR reads its lines in order, and its page is shown the right way up."""
    return image if orientation(image) == 1 else ImageOps.exif_transpose(image)


def on_white(image: Image.Image) -> Image.Image:
    """A frame with transparency laid on white paper, as a viewer shows it (converted as it is, its transparent
    background, black underneath, turned the whole page black); the frame itself when it has none."""
    if image.mode not in ("RGBA", "LA", "PA") and "transparency" not in image.info:
        return image
    paper = Image.new("RGBA", image.size, (255, 255, 255, 255))
    return Image.alpha_composite(paper, image.convert("RGBA")).convert("RGB")


#: Modes of more than 8 bits a sample (a scanner's "16-bit grey", a 16-bit PNG or TIFF).
_WIDE_GREY_MODES = ("I", "I;16", "I;16L", "I;16B", "I;16N")


def grey_8bit(image: Image.Image) -> Image.Image:
    """The frame as 8-bit grey.  A 16- or 32-bit one is scaled by its brightest value: Pillow's own conversion
    clips every value above 255 to white, and a 16-bit scan became a blank page."""
    if image.mode not in _WIDE_GREY_MODES:
        return image.convert("L")
    brightest = image.getextrema()[1]
    scale = 255 / brightest if isinstance(brightest, int | float) and brightest > 255 else 1.0
    return image.convert("I").point(lambda value: value * scale).convert("L")


def check_image_size(width: int, height: int, mode: str, limits: LimitSettings) -> None:
    """``ScanRejected`` for an image too big to decode: read from its header, before any pixel is."""
    if width * height > limits.max_pixels:
        raise ScanRejected(
            f"图片尺寸过大（{width}×{height}，{width * height / 1e6:.0f} 百万像素，上限"
            f" {limits.max_pixels / 1e6:.0f} 百万像素），没有打开：请用较低的分辨率重新扫描，或分成几张扫描",
            "too_large",
        )
    inflated = width * height * _bytes_per_pixel(mode)
    if inflated > limits.max_inflated_mb << 20:
        raise ScanRejected(
            f"图片解压后过大（{inflated / (1 << 20):.0f} MB，上限 {limits.max_inflated_mb} MB），没有打开："
            f"请用较低的分辨率或灰度重新扫描",
            "too_large",
        )


def _bytes_per_pixel(mode: str) -> int:
    """What Pillow keeps per pixel of a mode once decoded: a byte for "1", "L", "P"; two for "I;16";
    four for the rest (it stores RGB and every two- or three-band image in four bytes)."""
    if mode.startswith("I;16"):
        return 2
    return 1 if mode in ("1", "L", "P") else 4


#: What Pillow only warns of when a TIFF's directory runs past the end of the file (a scan cut short, the
#: scanner still writing it), reading on and decoding what is there: here the file is incomplete.
_CUT_SHORT_WARNINGS = "Truncated File Read|Corrupt EXIF data"


def _image_pages(path: Path, limits: LimitSettings, whole_directories: bool = False) -> int:
    """The frames of an image, each decoded within ``limits``; with ``whole_directories`` (a TIFF) a directory
    that runs past the end of the file is a broken file, not a warning."""
    try:
        with warnings.catch_warnings():
            if whole_directories:
                warnings.filterwarnings("error", message=_CUT_SHORT_WARNINGS, category=UserWarning)
            with Image.open(path) as image:
                frames = int(getattr(image, "n_frames", 1))
                if frames > limits.max_pages:
                    raise ScanRejected(_too_many_pages(frames, limits), "too_large")
                for frame in range(frames):
                    image.seek(frame)
                    check_image_size(image.width, image.height, image.mode, limits)
                    image.load()
    except (FileNotFoundError, ScanRejected):
        raise
    except UserWarning:  # one of _CUT_SHORT_WARNINGS, made an error above
        raise ScanRejected("图片文件已损坏或不完整，无法打开：请重新扫描", "corrupt") from None
    except (Image.DecompressionBombError, MemoryError):
        raise ScanRejected(
            "图片尺寸过大，无法打开（像素数超过上限）：请用较低的分辨率重新扫描，或分成几张扫描", "too_large"
        ) from None
    except BROKEN_IMAGE_ERRORS:
        raise ScanRejected("图片文件已损坏或不完整，无法打开：请重新扫描", "corrupt") from None
    return int(frames)


def _open_office_zip(path: Path, needed: str, label: str) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(path)
        names = set(archive.namelist())
    except FileNotFoundError:
        raise
    except (zipfile.BadZipFile, OSError):
        raise ScanRejected(f"{label}已损坏，无法打开", "corrupt", _SAVED_AGAIN) from None
    if "[Content_Types].xml" not in names or needed not in names:
        archive.close()
        raise ScanRejected(f"{label}已损坏，无法打开", "corrupt", _SAVED_AGAIN)
    return archive


def _check_inflated(archive: zipfile.ZipFile, label: str, limits: LimitSettings) -> None:
    """The entries' uncompressed sizes, as the zip declares them (zipfile never reads past a declared
    size), against the limit: a zip bomb is refused before anything is unpacked."""
    total = sum(info.file_size for info in archive.infolist())
    if total > limits.max_inflated_mb << 20:
        archive.close()
        raise ScanRejected(
            f"{label}解压后过大（{total / (1 << 20):.0f} MB，上限 {limits.max_inflated_mb} MB），没有打开："
            f"可能是恶意文件，请检查来源",
            "too_large",
        )


def _docx_pages(path: Path, limits: LimitSettings) -> int | None:
    with _open_office_zip(path, "word/document.xml", "Word 文档") as archive:
        _check_inflated(archive, "Word 文档", limits)
        try:
            app = archive.read("docProps/app.xml").decode("utf-8", "replace")
        except KeyError:
            return None
    match = re.search(r"<Pages>(\d+)</Pages>", app)
    return int(match[1]) if match else None


def _xlsx_pages(path: Path, limits: LimitSettings) -> int | None:
    with _open_office_zip(path, "xl/workbook.xml", "Excel 表格") as archive:
        _check_inflated(archive, "Excel 表格", limits)
        return None
