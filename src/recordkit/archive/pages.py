"""Page images of archived items, for the web page: one page of a PDF, a TIFF or a JPEG/PNG as a JPEG.

An item is named by its archive number only (a former number works); the file comes from the ledger,
never from a request.  Only the page asked for is decoded, in the reader process (``contained``: time
and memory limits), since a scan may be hostile.  Images are derived data, kept under
``records/cache/pages/<SHA-256 of the original>/<page>-<width>.jpg`` and made again when missing.
It owns no ledger rows and no text (``extract`` reads the text).
"""

from __future__ import annotations

import io
import logging
import re
import threading
from pathlib import Path
from typing import Any

from PIL import Image

from recordkit.archive.archivist import CHECK_FILES, ArchiveItem, archived_file, get_item
from recordkit.archive.contained import ReaderFailed, run_contained
from recordkit.archive.rules import ACCEPTED_EXTENSIONS, reason_on_page
from recordkit.archive.scans import (
    BROKEN_IMAGE_ERRORS,
    ScanRejected,
    check_image_size,
    count_pages,
    grey_8bit,
    load_pdf_page,
    on_white,
    open_image,
    open_pdf,
    orientation,
    reader_limits,
    sha256_of,
    upright,
)
from recordkit.core.atomic import PRIVATE, write_bytes
from recordkit.core.config import LimitSettings
from recordkit.core.errors import IntegrityError, NotFoundError, UsageError, ValidationError, storage_error
from recordkit.core.workspace import Workspace
from recordkit.ledger.db import Ledger

log = logging.getLogger(__name__)

#: The width of a thumbnail (search results, the item page's strip of pages).
THUMB_WIDTH = 240
#: The widths a page is served at (the zoom levels); nothing else is rendered, so the cache stays bounded.
PAGE_WIDTHS: tuple[int, ...] = (THUMB_WIDTH, 800, 1200, 1800)
#: JPEG: a scan is a photograph of paper; a PNG of the same page is 3-5 times larger.
IMAGE_SUFFIX = ".jpg"
JPEG_QUALITY = 85
#: JPEG's own limit on a side: a page rendered taller than this is refused as malformed.
MAX_SIDE = 65_000
CACHE_FOLDER = ("cache", "pages")  # below records/
#: Kinds that have pages to show (Word and Excel files are downloaded, not shown).
SHOWN_KINDS = ("pdf", "tiff", "image")
_NOT_SHOWN = {"docx": "Word 文档", "xlsx": "Excel 表格"}
_SHA256 = re.compile(r"[0-9a-f]{64}")
# Requests for the same page wait for one rendering (threads); processes may both render it, and the
# atomic publish leaves one whole image either way.  Striped, so the locks never grow with the archive.
_LOCKS = tuple(threading.Lock() for _ in range(64))


class _NoSuchPage(Exception):
    """In the reader process: the file has fewer pages than the ledger said."""

    def __init__(self, count: int) -> None:
        super().__init__(count)
        self.count = count

    def __reduce__(self) -> Any:
        return (type(self), (self.count,))


def page_count(workspace: Workspace, ledger: Ledger, archive_no: str) -> int:
    """How many pages of the item can be shown (0 for a Word or Excel file: those are downloaded).

    Raises ``NotFoundError`` for an unknown archive number, or for a file not on this computer, where records/archive
    holds no file at all (``kept_elsewhere``: a clerk's PC, the archive on the server), or missing (as its download
    is: ``archived_file``; one changed is told when a page of it is drawn), ``ValidationError`` when it cannot be read
    safely.  The file is looked for even when the ledger knows its pages: the item page says it is missing rather
    than show pages that cannot be opened."""
    item = get_item(ledger, archive_no)
    archived_file(workspace, item)
    return _page_count(workspace, item, _kind(item))


def page_image(workspace: Workspace, ledger: Ledger, archive_no: str, page: int, *, width: int) -> Path | bytes:
    """A JPEG of page ``page`` (1-based) of the item, ``width`` pixels wide (one of ``PAGE_WIDTHS``; a
    raster page narrower than that is kept at its own width, never enlarged).  The image is made once,
    in the reader process, and then served from the cache: its path; or the image itself when the disk would not
    take it (full, read-only: the page is shown all the same, and made again when asked again).

    Raises ``UsageError`` for a width not offered, ``NotFoundError`` for an unknown archive number, a
    page the item does not have, an item without pages (Word, Excel) or a file not on this computer or missing
    (``page_count``), ``IntegrityError`` when the file differs from the ledger, ``ValidationError`` when it cannot be
    shown safely (damaged, hostile, beyond the reader's limits)."""
    if width not in PAGE_WIDTHS:
        shown = "、".join(str(allowed) for allowed in PAGE_WIDTHS)
        raise UsageError(f"不支持的图像宽度 {width}：只能是 {shown} 像素之一")
    item = get_item(ledger, archive_no)
    kind = _kind(item)
    if kind not in SHOWN_KINDS:
        raise NotFoundError(
            f"档案 {item.archive_no} 是 {_NOT_SHOWN.get(kind, '其他文件')}，没有页面图像：请下载原件查看"
        )
    count = _page_count(workspace, item, kind)
    if not 1 <= page <= count:
        raise NotFoundError(_no_such_page(item, page, count))
    target = cache_folder(workspace, item.sha256) / f"{page}-{width}{IMAGE_SUFFIX}"
    if _cached(target):
        return target
    with _LOCKS[hash(target) % len(_LOCKS)]:
        if _cached(target):  # made by the request this one waited for
            return target
        source = _original(workspace, item)
        limits = _limits(workspace)
        data = _contained(render_page, kind, str(source), page, width, limits, limits=limits, item=item, page=page)
        # Derived data, made again when missing: no fsync, but published whole (a temporary file renamed).
        try:
            write_bytes(target, data, durable=False, mode=PRIVATE)  # pages of owners' papers: unmasked
        except OSError as err:
            if storage_error(err) is None:
                raise
            log.warning("page image of %s not cached (%s): shown from memory", item.archive_no, err)
            return data
    return target


def start_renderer(workspace: Workspace) -> None:
    """Start the reader process now, with the workspace's limits: a service calls this when it starts, so
    that the first page anyone views does not wait for the process to start (0.2 s quiet, 1.5 s busy)."""
    run_contained(_started, limits=reader_limits(_limits(workspace)))


def cache_folder(workspace: Workspace, sha256: str) -> Path:
    """Where the page images of the original with this SHA-256 are kept."""
    if not _SHA256.fullmatch(sha256 or ""):  # the ledger's value becomes a folder name: nothing else
        raise IntegrityError(
            "台账中该档案的 SHA-256 格式不对：请运行 recordkit archive verify",
            form_message=f"台账中该档案的 SHA-256 格式不对：{CHECK_FILES}",
        )
    return workspace.records_dir.joinpath(*CACHE_FOLDER, sha256)


# -- in this process -------------------------------------------------------------------------------


def _kind(item: ArchiveItem) -> str:
    return ACCEPTED_EXTENSIONS.get(Path(item.path).suffix.lower(), "")


def _limits(workspace: Workspace) -> LimitSettings:
    return getattr(workspace.settings, "limits", None) or LimitSettings()


def _page_count(workspace: Workspace, item: ArchiveItem, kind: str) -> int:
    if kind not in SHOWN_KINDS:
        return 0
    if kind == "image":
        return 1
    if item.pages:  # counted when it was filed
        return int(item.pages)
    source = _original(workspace, item)
    limits = _limits(workspace)
    return int(_contained(count_pages, kind, str(source), limits, limits=limits, item=item))


def _cached(target: Path) -> bool:
    try:
        return target.stat().st_size > 0  # a power cut after an unsynced write may leave an empty file
    except OSError:
        return False


def _original(workspace: Workspace, item: ArchiveItem) -> Path:
    """The archived file the ledger names, checked to lie in the archive and to be what was filed."""
    path = archived_file(workspace, item)
    if sha256_of(path) != item.sha256:
        raise IntegrityError(
            f"档案 {item.archive_no} 的文件与台账记录的 SHA-256 不一致：请运行 recordkit archive verify",
            form_message=f"档案 {item.archive_no} 的文件与台账记录的 SHA-256 不一致：{CHECK_FILES}",
        )
    return path


def _contained(function: Any, *args: Any, limits: LimitSettings, item: ArchiveItem, page: int = 0) -> Any:
    """``function(*args)`` in the reader process, its refusals turned into the errors a caller shows."""
    try:
        return run_contained(function, *args, limits=reader_limits(limits))
    except ReaderFailed as failed:
        reason = failed.reason
    except ScanRejected as rejected:
        reason = rejected.reason.replace("没有归档", "不显示").replace("没有打开", "不显示")
    except _NoSuchPage as missing:
        raise NotFoundError(_no_such_page(item, page, missing.count)) from None
    said = f"档案 {item.archive_no} 的页面无法显示："
    # (a limit it names is a setting of recordkit.toml: the page's users ask the administrator)
    raise ValidationError(said + reason, form_message=said + reason_on_page(reason)) from None


def _no_such_page(item: ArchiveItem, page: int, count: int) -> str:
    return f"档案 {item.archive_no} 没有第 {page} 页（共 {count} 页）"


# -- in the reader process ---------------------------------------------------------------------------


def _started() -> bool:
    return True


def render_page(kind: str, path: str, page: int, width: int, limits: LimitSettings) -> bytes:
    """In the reader process: page ``page`` of the file as JPEG bytes, ``width`` wide; ``ScanRejected``
    with a Chinese reason for a file that cannot be shown, ``_NoSuchPage`` past its last page."""
    image = _pdf_page(path, page, width, limits) if kind == "pdf" else _raster_page(path, page, width, limits)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return buffer.getvalue()


_PDF_REFUSED = {
    "encrypted": "PDF 设置了打开密码，无法显示：请下载原件查看",
    "corrupt": "PDF 文件已损坏，无法显示：请下载原件查看",
}


def _pdf_page(path: str, page: int, width: int, limits: LimitSettings) -> Image.Image:
    try:
        document = open_pdf(Path(path))
    except ScanRejected as refused:
        raise ScanRejected(_PDF_REFUSED.get(refused.kind, refused.reason)) from None
    try:
        count = len(document)
        if page > count:
            raise _NoSuchPage(count)
        try:
            pdf_page = load_pdf_page(document, page - 1)
        except ScanRejected:
            raise ScanRejected(f"PDF 第 {page} 页已损坏，无法显示：请下载原件查看") from None
        try:
            page_width, page_height = pdf_page.get_size()
            if page_width <= 0 or page_height <= 0:
                raise ScanRejected("PDF 页面尺寸不对（文件可能已损坏），无法显示：请下载原件查看")
            scale = width / page_width
            height = round(page_height * scale)
            if height > MAX_SIDE or width * height > limits.max_pixels:
                raise ScanRejected(
                    f"PDF 页面比例异常（宽 {page_width:.0f}、高 {page_height:.0f} 点），按 {width} 像素宽显示需要"
                    f" {width}×{height} 像素，超过上限：请下载原件查看"
                )
            # pypdfium2 rounds the bitmap's sides up: a hair less keeps 240 from becoming 241.
            bitmap = pdf_page.render(scale=(width - 0.01) / page_width)
            try:
                image = bitmap.to_pil().convert("RGB")
            finally:
                bitmap.close()
            return image if image.width == width else image.resize((width, height), Image.Resampling.LANCZOS)
        finally:
            pdf_page.close()
    finally:
        document.close()


def _raster_page(path: str, page: int, width: int, limits: LimitSettings) -> Image.Image:
    try:
        with open_image(path) as image:
            count = int(getattr(image, "n_frames", 1))
            if page > count:
                raise _NoSuchPage(count)
            image.seek(page - 1)  # a TIFF's frames before it are skipped, not decoded
            check_image_size(image.width, image.height, image.mode, limits)
            sideways = orientation(image) >= 5  # a phone photo stored on its side: shown upright, ``width`` wide
            scale = min(1.0, width / (image.height if sideways else image.width))
            stored = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
            if image.format == "JPEG":
                image.draft("RGB" if image.mode != "L" else "L", stored)  # decoded at 1/2, 1/4, 1/8
            frame = on_white(upright(image))
            grey = frame.mode in ("1", "L", "LA", "F") or frame.mode.startswith("I")  # I, I;16, I;16B …: 16-bit grey
            frame = grey_8bit(frame) if grey else frame.convert("RGB")
            shown = (stored[1], stored[0]) if sideways else stored
            if frame.width > shown[0]:
                frame = frame.resize(shown, Image.Resampling.LANCZOS, reducing_gap=3.0)
            return frame
    except (ScanRejected, _NoSuchPage):
        raise
    except (Image.DecompressionBombError, MemoryError):
        raise ScanRejected("图片像素数超出安全上限，无法显示：请下载原件查看") from None
    except BROKEN_IMAGE_ERRORS:
        raise ScanRejected("图片文件已损坏或不完整，无法显示：请下载原件查看") from None


__all__ = ["PAGE_WIDTHS", "THUMB_WIDTH", "cache_folder", "page_count", "page_image", "render_page", "start_renderer"]
