"""Text of archived items: read from the file (PDF text layer, DOCX, XLSX) or recognised by OCR.

The text is derived data kept beside the index, in ``records/index/text/<sha[:2]>/<sha>.json``,
keyed by the file's SHA-256 so that a rename or a re-index costs nothing and nothing is OCR'd
twice.  Never raises for a bad file: a reader that fails gives ``ItemText.error``.  It owns no
index and no ledger rows; ``search`` builds its index from what is returned here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import threading
import unicodedata
import xml.etree.ElementTree as ElementTree
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PIL import Image
from rapidfuzz.distance import Levenshtein

from recordkit.archive.contained import ReaderFailed, ReaderLimits, run_contained
from recordkit.archive.rules import ACCEPTED_EXTENSIONS
from recordkit.archive.scans import (
    BROKEN_IMAGE_ERRORS,
    ScanRejected,
    grey_8bit,
    load_pdf_page,
    on_white,
    open_image,
    open_pdf,
    upright,
)
from recordkit.core.atomic import PRIVATE, write_bytes
from recordkit.core.config import LimitSettings, OcrSettings
from recordkit.core.errors import ValidationError
from recordkit.core.sheets import check_workbook_parts, sheet_values

if TYPE_CHECKING:
    from recordkit.archive.archivist import ArchiveItem
    from recordkit.core.workspace import Workspace

log = logging.getLogger(__name__)

#: Bump when what is extracted changes: stored text of an older schema is extracted anew.
TEXT_SCHEMA = 1
TEXT_FOLDER = "text"  # below records/index/, beside the search index records/index/search.sqlite3
#: A PDF page with fewer non-blank characters than this in its text layer is taken as a scan.
MIN_TEXT_LAYER_CHARS = 2
#: Office files are zip archives: more than this uncompressed is refused as a decompression bomb.
MAX_UNZIPPED_BYTES = 256 * 1024 * 1024
_CHUNK = 1 << 20
#: Pages read (and rendered for OCR) per call of the reader process: its bitmaps are shipped back in one go.
PAGES_PER_READING = 8
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass(frozen=True)
class PageText:
    number: int  # 1-based page (a sheet of an .xlsx counts as a page; a .docx is one page)
    text: str  # NFC text as read; no folding (the search side folds)
    method: str  # "text" (text layer / docx / xlsx) or "ocr"
    confidence: float | None  # OCR: mean line confidence 0..1; None for "text" pages

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, "text": self.text, "method": self.method, "confidence": self.confidence}


@dataclass(frozen=True)
class ItemText:
    sha256: str  # of the archived file it was extracted from
    pages: tuple[PageText, ...]
    error: str | None = None  # Chinese reason when extraction failed: the item is indexed by its metadata alone
    ocr_pending: bool = False  # some pages need OCR that was not done (called with ocr=False)

    @property
    def text(self) -> str:
        return "\n".join(page.text for page in self.pages)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": TEXT_SCHEMA,
            "sha256": self.sha256,
            "error": self.error,
            "ocr_pending": self.ocr_pending,
            "pages": [page.to_dict() for page in self.pages],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ItemText:
        pages = tuple(
            PageText(
                int(p["number"]),
                _as_printed(str(p["text"])),  # kept by a version that stored pdfium's mark
                str(p["method"]),
                None if p.get("confidence") is None else float(p["confidence"]),
            )
            for p in data["pages"]
        )
        return cls(str(data["sha256"]), pages, data.get("error"), bool(data.get("ocr_pending")))


class ExtractionFailed(Exception):
    """A file that cannot be read; ``reason`` is the Chinese text stored as ``ItemText.error``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# -- the OCR engine --------------------------------------------------------------------------


class OcrEngine(Protocol):
    def recognize(self, image: Any) -> tuple[str, float | None]:
        """The text of a Pillow image (lines top to bottom) and the mean line confidence (None: no text)."""


class RapidOcrEngine:
    """rapidocr_onnxruntime: PP-OCR models shipped in its wheel, so nothing is downloaded."""

    def __init__(self) -> None:
        # The OCR engine (onnxruntime and its models) is heavy and optional: loaded on first use only.
        from rapidocr_onnxruntime import RapidOCR

        self._engine = RapidOCR()
        self._lock = threading.Lock()  # one onnxruntime session; calls from threads take turns

    def recognize(self, image: Any) -> tuple[str, float | None]:
        import numpy  # loaded on first use: it comes with the OCR engine, loaded with it

        array = numpy.asarray(image.convert("RGB"))
        with self._lock:
            result, _elapsed = self._engine(array)
        if not result:
            return "", None
        lines = _reading_order([(box, text, float(score)) for box, text, score in result])
        text = "\n".join(line for line, _score in lines)
        return unicodedata.normalize("NFC", text), sum(score for _line, score in lines) / len(lines)


def _reading_order(boxes: list[tuple[Any, str, float]]) -> list[tuple[str, float]]:
    """Detected boxes as lines: boxes whose vertical centres are close form one line, left to right."""
    placed = sorted(
        (
            (
                sum(p[1] for p in box) / 4,
                min(p[0] for p in box),
                max(p[1] for p in box) - min(p[1] for p in box),
                text,
                score,
            )
            for box, text, score in boxes
        ),
        key=lambda b: (b[0], b[1]),
    )
    lines: list[list[tuple[float, float, float, str, float]]] = []
    for entry in placed:
        if lines and abs(entry[0] - lines[-1][0][0]) < max(4.0, 0.5 * min(entry[2], lines[-1][0][2])):
            lines[-1].append(entry)
        else:
            lines.append([entry])
    out = []
    for line in lines:
        line.sort(key=lambda b: b[1])
        out.append((" ".join(b[3] for b in line), sum(b[4] for b in line) / len(line)))
    return out


_shared_engine: OcrEngine | None = None
_engine_lock = threading.Lock()


def load_engine() -> OcrEngine:
    """The process's OCR engine, loaded on first use (about a second) and kept."""
    global _shared_engine
    with _engine_lock:
        if _shared_engine is None:
            _shared_engine = RapidOcrEngine()
        return _shared_engine


class _LazyEngine:
    """Loads the engine only when a page really needs OCR."""

    def __init__(self) -> None:
        self._engine: OcrEngine | None = None

    def recognize(self, image: Any) -> tuple[str, float | None]:
        if self._engine is None:
            self._engine = load_engine()
        return self._engine.recognize(image)


# -- where the text is kept ----------------------------------------------------------------------


def text_path(workspace: Workspace, sha256: str) -> Path:
    return workspace.records_dir / "index" / TEXT_FOLDER / sha256[:2] / f"{sha256}.json"


def stored_text(workspace: Workspace, item: ArchiveItem) -> ItemText | None:
    """The derived text kept for the item if present and current (same sha256), else None. Cheap: no extraction."""
    path = text_path(workspace, item.sha256)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("schema") != TEXT_SCHEMA or data.get("sha256") != item.sha256:
            return None
        return ItemText.from_dict(data)
    except (OSError, ValueError, KeyError, TypeError):  # absent, or unreadable: extract again
        return None


def _store(workspace: Workspace, text: ItemText) -> None:
    data = json.dumps(text.to_dict(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    # Derived data, checked when read (schema, SHA-256, JSON) and extracted again when it fails: no
    # fsync, which cost two per filed scan (half the fsyncs of a burst in the watcher).
    write_bytes(text_path(workspace, text.sha256), data, durable=False, mode=PRIVATE)  # a scan's text: unmasked


# -- extraction ----------------------------------------------------------------------------------


def _ocr_settings(workspace: Workspace) -> OcrSettings:
    return getattr(workspace.settings, "ocr", None) or OcrSettings()


def _limit_settings(workspace: Workspace) -> LimitSettings:
    return getattr(workspace.settings, "limits", None) or LimitSettings()


def extract_item(workspace: Workspace, item: ArchiveItem, *, ocr: bool = True) -> ItemText:
    """Extract (reusing the stored text when current), store it atomically, return it. Never raises for a bad
    or hostile file: a crash of the reader (any exception, a decompression bomb) gives error=… and is stored."""
    return _extract(workspace, item, ocr, _LazyEngine())


def extract_items(
    workspace: Workspace,
    items: Iterable[ArchiveItem],
    *,
    ocr: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[tuple[ArchiveItem, ItemText]]:
    """Many items; the OCR engine is loaded once, lazily, only if a page needs it; ``progress(done, total)``
    is called per item so that the CLI can show a bar."""
    chosen = list(items)
    engine = _LazyEngine()
    for done, item in enumerate(chosen, start=1):
        text = _extract(workspace, item, ocr, engine)
        if progress is not None:
            progress(done, len(chosen))
        yield item, text


def _extract(workspace: Workspace, item: ArchiveItem, ocr: bool, engine: OcrEngine) -> ItemText:
    current = stored_text(workspace, item)
    if current is not None and not (ocr and current.ocr_pending):
        return current
    path = workspace.root / item.path
    try:
        actual = _sha256_of(path)
    except OSError:
        # Not stored: the file may come back (archive verify --repair), and then it is read.
        return ItemText(item.sha256, (), "档案文件不存在或无法读取：请运行 recordkit archive verify", False)
    if actual != item.sha256:
        return ItemText(item.sha256, (), "档案文件与台账记录的 SHA-256 不一致：请运行 recordkit archive verify", False)
    settings = _ocr_settings(workspace)
    try:
        pages, pending = _read(path, ocr, engine, settings, _limit_settings(workspace))
        text = ItemText(item.sha256, tuple(pages), None, pending)
    except ExtractionFailed as failed:
        text = ItemText(item.sha256, (), failed.reason, False)
    except Exception as err:  # a reader crashed on a hostile or broken file: flag it, index the metadata
        log.warning("extracting %s failed: %s", item.archive_no, type(err).__name__)
        text = ItemText(
            item.sha256, (), f"读取文字时出错（{type(err).__name__}）：只按档案信息检索，请检查该文件", False
        )
    try:
        _store(workspace, text)
    except OSError as err:
        log.warning("could not keep the text of %s: %s", item.archive_no, err)
    return text


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _read(
    path: Path, ocr: bool, engine: OcrEngine, settings: OcrSettings, limits: LimitSettings | None = None
) -> tuple[list[PageText], bool]:
    kind = ACCEPTED_EXTENSIONS.get(path.suffix.lower())
    limits = limits or LimitSettings()
    if kind == "pdf":
        return _read_pdf(path, ocr, engine, settings, limits)
    if kind in ("image", "tiff"):
        return _read_image(path, ocr, engine, settings, limits)
    if kind == "docx":
        return [PageText(1, _nfc(_docx_text(path)), "text", None)], False
    if kind == "xlsx":
        return [PageText(number, _nfc(text), "text", None) for number, text in enumerate(_xlsx_sheets(path), 1)], False
    raise ExtractionFailed(f"不支持从 {path.suffix or '无扩展名'} 文件中提取文字")


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _as_printed(text: str) -> str:
    """A PDF's text with pdfium's mark of a hyphen that ended a line (U+FFFE, which stands for the hyphen and the
    line end it leaves out) given back as the page prints it: ``业主档-`` and ``案`` on the next line."""
    return text.replace("\ufffe", "-\n")


# -- PDF --------------------------------------------------------------------------------------


def _contained(function: Callable[..., Any], *args: Any, limits: LimitSettings) -> Any:
    """``function(*args)`` in the reader process (``contained``): a PDF or an image that loops, crashes or
    inflates past the memory limit costs its own text, never this process."""
    try:
        return run_contained(
            function, *args, limits=ReaderLimits(float(limits.reader_seconds), limits.reader_memory_mb)
        )
    except ReaderFailed as failed:
        raise ExtractionFailed(f"{failed.reason}：只按档案信息检索") from None


def _read_pdf(
    path: Path, ocr: bool, engine: OcrEngine, settings: OcrSettings, limits: LimitSettings
) -> tuple[list[PageText], bool]:
    """The text layer of each page, or its OCR; the pages are read (and rendered) in the reader process,
    ``PAGES_PER_READING`` at a time, and recognised here."""
    pages: list[PageText] = []
    pending = False
    start, total = 0, 1
    while start < total:
        total, chunk = _contained(pdf_pages, str(path), start, ocr, settings, limits.max_pages, limits=limits)
        for number, text, image in chunk:
            if text is not None:
                pages.append(PageText(number, text, "text", None))
            elif image is not None:
                pages.append(_ocr_page(number, image, engine, settings))
            else:
                pending = True
        start += PAGES_PER_READING
    return pages, pending


_PDF_REFUSED = {
    "encrypted": "PDF 设置了打开密码，无法读取文字：只按档案信息检索",
    "corrupt": "PDF 文件已损坏，无法读取文字：只按档案信息检索",
}


def pdf_pages(
    path: str, start: int, ocr: bool, settings: OcrSettings, max_pages: int
) -> tuple[int, list[tuple[int, str | None, Any]]]:
    """In the reader process: the page count, and from ``start`` on ``PAGES_PER_READING`` pages, each as
    (number, its text layer, None), or (number, None, a grey bitmap to OCR), or (number, None, None) when
    it needs OCR that was not asked for."""
    try:
        document = open_pdf(Path(path))
    except ScanRejected as refused:
        raise ExtractionFailed(_PDF_REFUSED[refused.kind]) from None
    chunk: list[tuple[int, str | None, Any]] = []
    try:
        total = len(document)
        if total > max_pages:
            raise ExtractionFailed(f"PDF 页数过多（{total} 页，上限 {max_pages} 页），不读取文字：只按档案信息检索")
        for index in range(start, min(total, start + PAGES_PER_READING)):
            try:
                page = load_pdf_page(document, index)
            except ScanRejected:
                raise ExtractionFailed(f"PDF 第 {index + 1} 页已损坏，无法读取文字：只按档案信息检索") from None
            try:
                textpage = page.get_textpage()
                try:
                    text = textpage.get_text_range()
                finally:
                    textpage.close()
                text = _as_printed(_nfc(text.replace("\r\n", "\n").replace("\r", "\n"))).strip()
                if sum(1 for ch in text if not ch.isspace()) >= MIN_TEXT_LAYER_CHARS:
                    chunk.append((index + 1, text, None))
                elif ocr:
                    width, height = page.get_size()
                    scale = min(settings.render_dpi / 72, settings.max_side / max(width, height, 1))
                    bitmap = page.render(scale=scale, grayscale=True)
                    try:
                        chunk.append((index + 1, None, bitmap.to_pil().convert("L")))
                    finally:
                        bitmap.close()
                else:
                    chunk.append((index + 1, None, None))
            finally:
                page.close()
    finally:
        document.close()
    return total, chunk


# -- images -----------------------------------------------------------------------------------


def _read_image(
    path: Path, ocr: bool, engine: OcrEngine, settings: OcrSettings, limits: LimitSettings
) -> tuple[list[PageText], bool]:
    """Each frame decoded, bounded and scaled down in the reader process, ``PAGES_PER_READING`` at a time,
    and recognised here."""
    if not ocr:
        return [], True
    pages = []
    start, total = 0, 1
    while start < total:
        total, frames = _contained(image_frames, str(path), start, settings, limits, limits=limits)
        for offset, image in enumerate(frames):
            pages.append(_ocr_page(start + offset + 1, image, engine, settings))
        start += PAGES_PER_READING
    return pages, False


def image_frames(path: str, start: int, settings: OcrSettings, limits: LimitSettings) -> tuple[int, list[Any]]:
    """In the reader process: the frame count, and from ``start`` on ``PAGES_PER_READING`` frames as grey
    bitmaps no larger than ``max_side``; each frame's size checked from its header before it is decoded."""
    frames_read = []
    try:
        with open_image(path) as image:
            frames = int(getattr(image, "n_frames", 1))
            if frames > limits.max_pages:
                raise ExtractionFailed(
                    f"图片页数过多（{frames} 页，上限 {limits.max_pages} 页），不做文字识别：只按档案信息检索"
                )
            for frame in range(start, min(frames, start + PAGES_PER_READING)):
                image.seek(frame)
                width, height = image.size
                if width * height > min(settings.max_pixels, limits.max_pixels):
                    raise ExtractionFailed(f"图片过大（{width}×{height} 像素），不做文字识别：只按档案信息检索")
                frames_read.append(_downscaled(image, settings.max_side))
    except Image.DecompressionBombError:
        raise ExtractionFailed("图片像素数超出安全上限（可能已损坏），不做文字识别：只按档案信息检索") from None
    except BROKEN_IMAGE_ERRORS:
        raise ExtractionFailed("图片文件已损坏，无法识别文字：只按档案信息检索") from None
    return frames, frames_read


def _downscaled(image: Any, max_side: int) -> Any:
    """A grey copy whose longer side is at most ``max_side`` (JPEG decodes straight at a lower scale)."""
    if image.format == "JPEG":
        image.draft("L", (max_side, max_side))  # decode at 1/2, 1/4, 1/8: the full bitmap is never built
    grey = grey_8bit(on_white(upright(image)))
    if max(grey.size) > max_side:
        grey.thumbnail((max_side, max_side))
    return grey


def _ocr_page(number: int, image: Any, engine: OcrEngine, settings: OcrSettings) -> PageText:
    if max(image.size) > settings.max_side:
        image = _downscaled(image, settings.max_side)
    text, confidence = engine.recognize(image)
    return PageText(number, _nfc(text), "ocr", None if confidence is None else round(confidence, 4))


# -- Office files ------------------------------------------------------------------------------


def _open_zip(path: Path, label: str) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(path)
        total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ExtractionFailed(f"{label}已损坏，无法读取文字：只按档案信息检索") from None
    if total > MAX_UNZIPPED_BYTES:
        archive.close()
        raise ExtractionFailed(f"{label}解压后过大（{total // (1 << 20)} MB），不读取文字：只按档案信息检索")
    return archive


def _docx_text(path: Path) -> str:
    """Headers, then the body (paragraphs; a table row as its cells joined by tabs), then footers."""
    with _open_zip(path, "Word 文档") as archive:
        names = archive.namelist()
        if "word/document.xml" not in names:
            raise ExtractionFailed("Word 文档已损坏，无法读取文字：只按档案信息检索")
        headers = sorted(n for n in names if n.startswith("word/header") and n.endswith(".xml"))
        footers = sorted(n for n in names if n.startswith("word/footer") and n.endswith(".xml"))
        lines: list[str] = []
        for name in [*headers, "word/document.xml", *footers]:
            try:
                root = ElementTree.fromstring(archive.read(name))
            except ElementTree.ParseError:
                raise ExtractionFailed("Word 文档内容已损坏，无法读取文字：只按档案信息检索") from None
            container = root.find(f"{_W}body") if name == "word/document.xml" else root
            if container is not None:
                _docx_block(container, lines)
    return "\n".join(line for line in lines if line.strip())


def _docx_block(container: Any, lines: list[str]) -> None:
    for child in container:
        if child.tag == f"{_W}p":
            lines.append(_docx_paragraph(child))
        elif child.tag == f"{_W}tbl":
            for row in child.iter(f"{_W}tr"):
                cells = [
                    " ".join(filter(None, (_docx_paragraph(p) for p in cell.iter(f"{_W}p"))))
                    for cell in row.findall(f"{_W}tc")
                ]
                lines.append("\t".join(cells))
        elif child.tag == f"{_W}sdt":  # content controls wrap paragraphs and tables
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                _docx_block(content, lines)


def _docx_paragraph(paragraph: Any) -> str:
    parts = []
    for node in paragraph.iter():
        if node.tag == f"{_W}t" and node.text:
            parts.append(node.text)
        elif node.tag == f"{_W}tab":
            parts.append("\t")
        elif node.tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
    return "".join(parts)


def _xlsx_sheets(path: Path) -> list[str]:
    """Each sheet's cell values, a row per line, cells joined by tabs."""
    import openpyxl  # loaded on first use: ~0.4 s to import, wanted for spreadsheets, not by every search

    _open_zip(path, "Excel 表格").close()
    try:
        check_workbook_parts(path)  # a DOCTYPE (entity expansion, external entities) is never parsed
    except ValidationError as err:
        raise ExtractionFailed(f"{err.message}：只按档案信息检索") from None
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:
        raise ExtractionFailed("Excel 表格已损坏，无法读取文字：只按档案信息检索") from None
    try:
        sheets = []
        for sheet in workbook.worksheets:
            rows = []
            for row in sheet_values(sheet):  # every row, whatever size the file records
                cells = [_cell_text(value) for value in row]
                while cells and not cells[-1]:
                    cells.pop()
                if cells:
                    rows.append("\t".join(cells))
            sheets.append("\n".join(rows))
        return sheets
    finally:
        workbook.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# -- accuracy -------------------------------------------------------------------------------


def character_accuracy(expected: str, recognised: str) -> float:
    """1 - edit distance / length, over the characters with whitespace removed (OCR drops spaces
    between words; Chinese has none).  1.0 is a perfect read; it can go below 0 on garbage."""
    want = "".join(ch for ch in unicodedata.normalize("NFKC", expected) if not ch.isspace())
    got = "".join(ch for ch in unicodedata.normalize("NFKC", recognised) if not ch.isspace())
    if not want:
        return 1.0 if not got else 0.0
    return 1 - Levenshtein.distance(want, got) / len(want)


# -- review ------------------------------------------------------------------------------------


def low_confidence_pages(
    workspace: Workspace, items: Iterable[ArchiveItem], threshold: float | None = None
) -> list[tuple[ArchiveItem, PageText]]:
    """OCR'd pages below the threshold (``[ocr] min_confidence``), for review, from the stored text only."""
    limit = _ocr_settings(workspace).min_confidence if threshold is None else threshold
    found = []
    for item in items:
        text = stored_text(workspace, item)
        if text is None:
            continue
        for page in text.pages:
            if page.method == "ocr" and page.confidence is not None and page.confidence < limit:
                found.append((item, page))
    return found


@dataclass(frozen=True)
class TextReviewEntry:
    """One line of the text review: an OCR'd page read with low confidence, or an item whose text
    could not be extracted (``page`` None, ``error`` set)."""

    archive_no: str
    title: str
    path: str
    page: int | None
    confidence: float | None
    error: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "archive_no": self.archive_no,
            "title": self.title,
            "path": self.path,
            "page": self.page,
            "confidence": self.confidence,
            "error": self.error,
        }


def text_review(
    workspace: Workspace, items: Iterable[ArchiveItem], threshold: float | None = None
) -> list[TextReviewEntry]:
    """What an archivist should look at: OCR'd pages below the threshold, then items whose text could
    not be extracted (indexed by their metadata alone).  From the stored text only: nothing is extracted."""
    chosen = list(items)
    pages = [
        TextReviewEntry(item.archive_no, item.title, item.path, page.number, page.confidence, None)
        for item, page in low_confidence_pages(workspace, chosen, threshold)
    ]
    failed = [
        TextReviewEntry(item.archive_no, item.title, item.path, None, None, text.error)
        for item, text in failed_items(workspace, chosen)
    ]
    return pages + failed


def failed_items(workspace: Workspace, items: Iterable[ArchiveItem]) -> list[tuple[ArchiveItem, ItemText]]:
    """Items whose text could not be extracted (kept with the reason): indexed by their metadata alone."""
    found = []
    for item in items:
        text = stored_text(workspace, item)
        if text is not None and text.error:
            found.append((item, text))
    return found
