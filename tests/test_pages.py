"""Issue 19: page images of archived items (``archive.pages``) — what the item page and the search
thumbnails show.  Each scan carries a black square in a different place on every page, so a test can
tell from the pixels which page it was given; the geometry is worked out here, not by the code."""

from __future__ import annotations

import io
import threading
import zlib
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from PIL import Image, ImageDraw

from recordkit.archive import pages
from recordkit.archive.archivist import Archivist, update_item
from recordkit.core.errors import IntegrityError, NotFoundError, UsageError, ValidationError
from recordkit.core.workspace import Workspace, open_workspace
from recordkit.demo.scans import pdf_of_objects
from recordkit.ledger.db import Ledger, open_ledger
from tests.archive_helpers import FAST
from tests.archive_helpers import archive_ledger as ledger  # noqa: F401  (fixtures)
from tests.archive_helpers import archive_ws as ws  # noqa: F401
from tests.conftest import run_at_once

# Every page is 1000 x 1400 pixels; page i (0-based) has a 200-pixel black square at (100 + 200 i, 100 + 300 i).
PAGE_SIZE = (1000, 1400)
SQUARE = 200


def square_at(index: int) -> tuple[int, int]:
    return 100 + 200 * index, 100 + 300 * index


def page_with_square(index: int) -> Image.Image:
    image = Image.new("L", PAGE_SIZE, 255)
    left, top = square_at(index)
    ImageDraw.Draw(image).rectangle((left, top, left + SQUARE - 1, top + SQUARE - 1), fill=0)
    return image


def scan_with_squares(path: Path, pages_: int) -> Path:
    images = [page_with_square(index) for index in range(pages_)]
    buffer = io.BytesIO()
    if path.suffix == ".pdf":
        images[0].save(buffer, "PDF", save_all=True, append_images=images[1:], resolution=100.0)
    elif path.suffix == ".tif":
        images[0].save(buffer, "TIFF", save_all=True, append_images=images[1:], compression="tiff_deflate")
    else:
        images[0].save(buffer, "JPEG", quality=90)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())
    return path


def file_scan(workspace: Workspace, ledger: Ledger, path: Path) -> str:  # noqa: F811
    outcome = Archivist(workspace, ledger, "档案员").file(path)
    assert outcome.status == "filed", outcome.reason
    assert outcome.item is not None
    return outcome.item.archive_no


def shade(image_path: Path, x: float, y: float) -> int:
    """The grey level (0 black .. 255 white) at a point of the image."""
    with Image.open(image_path) as image:
        value = image.convert("L").getpixel((round(x), round(y)))
    assert isinstance(value, int)
    return value


def square_centre(index: int, scale: float) -> tuple[float, float]:
    left, top = square_at(index)
    return (left + SQUARE / 2) * scale, (top + SQUARE / 2) * scale


def assert_shows(image_path: Path, size: tuple[int, int], index: int, pages_: int, scale: float) -> None:
    """The image is ``size`` and shows page ``index`` of ``pages_`` drawn at ``scale``."""
    with Image.open(image_path) as image:
        assert image.format == "JPEG" and image.size == size
    assert shows_page(image_path, index, pages_, scale)


def shows_page(image_path: Path, index: int, pages_: int, scale: float) -> bool:
    """The page's own square is black and every other page's square is white."""
    dark = shade(image_path, *square_centre(index, scale)) < 60
    others = all(shade(image_path, *square_centre(other, scale)) > 200 for other in range(pages_) if other != index)
    return dark and others


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """Every call into the reader process made by ``pages``, counted."""
    calls: list[tuple[Any, ...]] = []
    real = pages.run_contained

    def counting(function: Any, *args: Any, limits: Any) -> Any:
        calls.append((function.__name__, *args[:4]))
        return real(function, *args, limits=limits)

    monkeypatch.setattr(pages, "run_contained", counting)
    return calls


def test_every_page_of_a_pdf_at_every_width(ws: Workspace, ledger: Ledger, tmp_path: Path) -> None:  # noqa: F811
    number = file_scan(ws, ledger, scan_with_squares(tmp_path / "3-2-1201_购房合同_20190915.pdf", 3))
    assert pages.page_count(ws, ledger, number) == 3
    for page in (1, 2, 3):
        for width in (pages.THUMB_WIDTH, 800, 1800):
            path = pages.page_image(ws, ledger, number, page, width=width)
            scale = width / PAGE_SIZE[0]
            assert_shows(path, (width, round(PAGE_SIZE[1] * scale)), page - 1, 3, scale)


def test_the_pages_of_a_multipage_tiff(ws: Workspace, ledger: Ledger, tmp_path: Path) -> None:  # noqa: F811
    number = file_scan(ws, ledger, scan_with_squares(tmp_path / "工程档案_3号楼电梯维保记录_20261020.tif", 3))
    assert pages.page_count(ws, ledger, number) == 3
    assert_shows(pages.page_image(ws, ledger, number, 3, width=800), (800, 1120), 2, 3, 0.8)
    assert_shows(pages.page_image(ws, ledger, number, 1, width=pages.THUMB_WIDTH), (240, 336), 0, 3, 0.24)


def test_a_jpeg_has_one_page_and_is_never_enlarged(ws: Workspace, ledger: Ledger, tmp_path: Path) -> None:  # noqa: F811
    number = file_scan(ws, ledger, scan_with_squares(tmp_path / "3栋2单元1201 装修协议 2026年11月02日.jpg", 1))
    assert pages.page_count(ws, ledger, number) == 1
    assert_shows(pages.page_image(ws, ledger, number, 1, width=800), (800, 1120), 0, 1, 0.8)
    # the scan is 1000 wide: kept so
    assert_shows(pages.page_image(ws, ledger, number, 1, width=1800), PAGE_SIZE, 0, 1, 1.0)
    with pytest.raises(NotFoundError) as missing:
        pages.page_image(ws, ledger, number, 2, width=800)
    assert missing.value.message == f"档案 {number} 没有第 2 页（共 1 页）"


def test_a_phone_photo_stored_on_its_side_is_shown_upright(ws: Workspace, ledger: Ledger, tmp_path: Path) -> None:  # noqa: F811
    # The page (1000 x 1400, its square at the top left) stored on its side, 1400 x 1000, with EXIF Orientation 6
    # ("turn 90 degrees clockwise to view"), as a phone stores a photo taken upright.
    photo = tmp_path / "3栋2单元1201 装修协议 手机拍照.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6
    page_with_square(0).transpose(Image.Transpose.ROTATE_90).save(photo, "JPEG", quality=90, exif=exif.tobytes())
    number = file_scan(ws, ledger, photo)
    assert_shows(pages.page_image(ws, ledger, number, 1, width=800), (800, 1120), 0, 1, 0.8)
    assert_shows(pages.page_image(ws, ledger, number, 1, width=1800), PAGE_SIZE, 0, 1, 1.0)  # never enlarged


def test_a_16_bit_grey_scan_is_shown_not_blank(ws: Workspace, ledger: Ledger, tmp_path: Path) -> None:  # noqa: F811
    # A scanner set to 16-bit grey: paper about 60000, ink about 1000 (Pillow's own conversion clipped both to white).
    sixteen = page_with_square(0).convert("I").point(lambda value: value * 231 + 1000).convert("I;16")
    path = tmp_path / "3栋2单元1201 装修协议 16位灰度.png"
    sixteen.save(path)
    number = file_scan(ws, ledger, path)
    assert_shows(pages.page_image(ws, ledger, number, 1, width=800), (800, 1120), 0, 1, 0.8)


def test_a_png_with_a_transparent_background_is_shown_on_white(ws: Workspace, ledger: Ledger, tmp_path: Path) -> None:  # noqa: F811
    # The page's ink on a transparent background (black underneath): shown as every viewer shows it, on white.
    ink = page_with_square(0).point(lambda value: 255 - value)  # opaque where the page is dark
    page = Image.new("RGBA", PAGE_SIZE, (0, 0, 0, 0))
    page.putalpha(ink)
    path = tmp_path / "3栋2单元1201 装修协议 透明.png"
    page.save(path)
    number = file_scan(ws, ledger, path)
    shown = pages.page_image(ws, ledger, number, 1, width=800)
    assert_shows(shown, (800, 1120), 0, 1, 0.8)
    assert shade(shown, 700, 1000) > 200  # the paper, away from the square, is white


def test_missing_pages_widths_and_numbers_are_refused_in_chinese(ws: Workspace, ledger: Ledger, tmp_path: Path) -> None:  # noqa: F811
    number = file_scan(ws, ledger, scan_with_squares(tmp_path / "3-2-1201_购房合同_20190915.pdf", 2))
    with pytest.raises(NotFoundError) as beyond:
        pages.page_image(ws, ledger, number, 3, width=800)
    assert beyond.value.message == f"档案 {number} 没有第 3 页（共 2 页）"
    with pytest.raises(NotFoundError) as zero:
        pages.page_image(ws, ledger, number, 0, width=800)
    assert zero.value.message == f"档案 {number} 没有第 0 页（共 2 页）"
    with pytest.raises(UsageError) as width:
        pages.page_image(ws, ledger, number, 1, width=500)
    assert width.value.message == "不支持的图像宽度 500：只能是 240、800、1200、1800 像素之一"
    with pytest.raises(NotFoundError) as unknown:
        pages.page_image(ws, ledger, "YZ-2026-09999", 1, width=800)
    assert unknown.value.message.startswith("没有档号为 YZ-2026-09999 的档案")
    assert not (ws.records_dir / "cache").exists()  # nothing rendered for any of these


def test_a_former_number_finds_the_same_pages(ws: Workspace, ledger: Ledger, tmp_path: Path) -> None:  # noqa: F811
    number = file_scan(ws, ledger, scan_with_squares(tmp_path / "3-2-1201_购房合同_20190915.pdf", 2))
    moved = update_item(ws, ledger, number, "档案员", category="合同协议档案")
    assert moved.archive_no != number
    old = pages.page_image(ws, ledger, number, 2, width=800)
    new = pages.page_image(ws, ledger, moved.archive_no, 2, width=800)
    assert old == new and shows_page(new, 1, 2, 0.8)


def test_a_word_file_has_no_page_images(ws: Workspace, ledger: Ledger, tmp_path: Path) -> None:  # noqa: F811
    from tests.extract_helpers import write_docx

    number = file_scan(ws, ledger, write_docx(tmp_path / "3-2-1201_装修协议_20261102.docx"))
    assert pages.page_count(ws, ledger, number) == 0
    with pytest.raises(NotFoundError) as refused:
        pages.page_image(ws, ledger, number, 1, width=800)
    assert refused.value.message == f"档案 {number} 是 Word 文档，没有页面图像：请下载原件查看"


def test_a_service_starts_the_renderer_before_the_first_view(
    ws: Workspace,
    ledger: Ledger,  # noqa: F811
    tmp_path: Path,
    renders: list[tuple[Any, ...]],
) -> None:
    from recordkit.archive.contained import shutdown_readers

    number = file_scan(ws, ledger, scan_with_squares(tmp_path / "3-2-1201_购房合同_20190915.pdf", 2))
    shutdown_readers()
    pages.start_renderer(ws)
    assert [call[0] for call in renders] == ["_started"]
    assert shows_page(pages.page_image(ws, ledger, number, 2, width=800), 1, 2, 0.8)


def test_the_cache_is_keyed_by_sha256_and_a_hit_renders_nothing(
    ws: Workspace,
    ledger: Ledger,  # noqa: F811
    tmp_path: Path,
    renders: list[tuple[Any, ...]],
) -> None:
    number = file_scan(ws, ledger, scan_with_squares(tmp_path / "3-2-1201_购房合同_20190915.pdf", 3))
    sha = ledger_sha(ledger, number)
    first = pages.page_image(ws, ledger, number, 2, width=800)
    assert first == ws.records_dir / "cache" / "pages" / sha / "2-800.jpg"
    assert [call[0] for call in renders] == ["render_page"]
    assert renders[0][3] == 2  # only the page asked for
    again = pages.page_image(ws, ledger, number, 2, width=800)
    assert again == first and len(renders) == 1
    pages.page_image(ws, ledger, number, 2, width=240)
    assert len(renders) == 2  # another width is another image
    first.write_bytes(b"")  # a power cut left an empty file: made again
    pages.page_image(ws, ledger, number, 2, width=800)
    assert len(renders) == 3 and shows_page(first, 1, 3, 0.8)
    assert sorted(p.name for p in first.parent.iterdir()) == ["2-240.jpg", "2-800.jpg"]  # no temporary left


def ledger_sha(ledger: Ledger, number: str) -> str:  # noqa: F811
    from recordkit.archive.archivist import get_item

    return get_item(ledger, number).sha256


def test_threads_asking_for_one_page_share_one_rendering(
    ws: Workspace,
    ledger: Ledger,  # noqa: F811
    tmp_path: Path,
    renders: list[tuple[Any, ...]],
) -> None:
    number = file_scan(ws, ledger, scan_with_squares(tmp_path / "3-2-1201_购房合同_20190915.pdf", 3))
    results: list[Path] = []
    barrier = threading.Barrier(6)

    def view() -> None:
        barrier.wait()
        results.append(pages.page_image(ws, ledger, number, 3, width=1200))

    threads = [threading.Thread(target=view) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(results) == 6 and len(set(results)) == 1
    assert len(renders) == 1
    assert shows_page(results[0], 2, 3, 1.2)


def _view_in_a_process(root: str, number: str) -> None:
    workspace = open_workspace(Path(root), environ=dict(FAST))
    with open_ledger(workspace.database_url) as opened:
        for _ in range(3):
            while True:
                path = pages.page_image(workspace, opened, number, 2, width=1800)
                try:
                    image = Image.open(path)
                except FileNotFoundError:  # this test's other process unlinked it in between (nothing else does)
                    continue
                with image:
                    image.load()  # a whole JPEG, never half of one
                    assert image.size == (1800, 2520)
                break
            path.unlink(missing_ok=True)  # make the next round render again, racing the other process


def test_processes_rendering_one_page_at_once_leave_a_whole_image(
    ws: Workspace, ledger: Ledger, tmp_path: Path
) -> None:  # noqa: F811
    number = file_scan(ws, ledger, scan_with_squares(tmp_path / "3-2-1201_购房合同_20190915.pdf", 2))
    run_at_once(_view_in_a_process, (str(ws.root), number), ["甲", "乙"])
    path = pages.page_image(ws, ledger, number, 2, width=1800)
    assert shows_page(path, 1, 2, 1.8)
    assert [p.name for p in path.parent.iterdir()] == ["2-1800.jpg"]


def test_a_file_changed_or_moved_out_of_the_archive_is_not_shown(ws: Workspace, ledger: Ledger, tmp_path: Path) -> None:  # noqa: F811
    number = file_scan(ws, ledger, scan_with_squares(tmp_path / "3-2-1201_购房合同_20190915.pdf", 2))
    with ledger.read() as conn:
        relative = str(
            conn.execute(sa.text("SELECT path FROM archive_items WHERE archive_no = :n"), {"n": number}).scalar()
        )
    (ws.root / relative).write_bytes(scan_with_squares(tmp_path / "other.pdf", 1).read_bytes())
    with pytest.raises(IntegrityError) as changed:
        pages.page_image(ws, ledger, number, 1, width=800)
    assert changed.value.message == f"档案 {number} 的文件与台账记录的 SHA-256 不一致：请运行 recordkit archive verify"
    outside = scan_with_squares(ws.root / "records" / "外面.pdf", 1)  # a real PDF, beside the archive
    with ledger.write() as conn:  # a tampered ledger pointing at it
        conn.execute(
            sa.text("UPDATE archive_items SET path = 'records/archive/../外面.pdf' WHERE archive_no = :n"),
            {"n": number},
        )
    assert (ws.root / "records/archive/../外面.pdf").resolve() == outside.resolve()
    with pytest.raises(NotFoundError) as elsewhere:  # as its download is refused
        pages.page_image(ws, ledger, number, 1, width=800)
    assert elsewhere.value.message == f"{number} 的文件不在档案库中：请运行 recordkit archive verify 检查"
    assert not (ws.records_dir / "cache").exists()


def _pdf_with_page(media_box: bytes, contents: bytes | None = None) -> bytes:
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox " + media_box + (b" /Contents 4 0 R" if contents else b"") + b" >>"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", page]
    if contents is not None:
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(contents) + contents + b"\nendstream")
    return pdf_of_objects(objects)


def test_a_page_of_absurd_proportions_is_refused_before_it_is_drawn(
    ws: Workspace, ledger: Ledger, tmp_path: Path
) -> None:  # noqa: F811
    path = tmp_path / "3-2-1201_购房合同_20190915.pdf"
    path.write_bytes(_pdf_with_page(b"[0 0 10 14400]"))
    number = file_scan(ws, ledger, path)
    with pytest.raises(ValidationError) as refused:
        pages.page_image(ws, ledger, number, 1, width=240)
    assert refused.value.message == (
        f"档案 {number} 的页面无法显示：PDF 页面比例异常（宽 10、高 14400 点），按 240 像素宽显示需要"
        " 240×345600 像素，超过上限：请下载原件查看"
    )


# A PDF that opens and counts two pages, the second of which is no page object (pdfium: "Failed to load page.").
PDF_WITH_A_BROKEN_PAGE = pdf_of_objects(
    [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        b"42",
    ]
)


def test_a_damaged_page_is_refused_in_chinese_naming_the_page(ws: Workspace, ledger: Ledger, tmp_path: Path) -> None:  # noqa: F811
    path = tmp_path / "3-2-1201_购房合同_20190915.pdf"
    path.write_bytes(PDF_WITH_A_BROKEN_PAGE)
    number = file_scan(ws, ledger, path)
    with pytest.raises(ValidationError) as refused:
        pages.page_image(ws, ledger, number, 2, width=240)
    assert refused.value.message == f"档案 {number} 的页面无法显示：PDF 第 2 页已损坏，无法显示：请下载原件查看"


def test_a_pdf_that_inflates_past_the_memory_limit_costs_its_page_only(tmp_path: Path, ws: Workspace) -> None:  # noqa: F811
    # A 300 MB drawing packed into ~1 MB: filing only counts its pages, showing it would draw them all.
    packer = zlib.compressobj(6)
    chunk = b"0 0 m 1 1 l S\n" * 4096
    packed = b"".join(packer.compress(chunk) for _ in range((300 << 20) // len(chunk))) + packer.flush()
    bomb = tmp_path / "3-2-1201_购房合同_20190915.pdf"
    bomb.write_bytes(_pdf_with_page(b"[0 0 595 842]", packed))
    limited = open_workspace(ws.root, environ={**FAST, "RECORDKIT_LIMITS_READER_MEMORY_MB": "400"})
    with open_ledger(limited.database_url) as opened:
        number = file_scan(limited, opened, bomb)
        with pytest.raises(ValidationError) as refused:
            pages.page_image(limited, opened, number, 1, width=800)
        assert refused.value.message.startswith(f"档案 {number} 的页面无法显示：读取程序在读这个文件时异常退出")
        assert "400 MB" in refused.value.message
        fine = file_scan(limited, opened, scan_with_squares(tmp_path / "1-1-101_产权证明_20200501.pdf", 1))
        assert shows_page(pages.page_image(limited, opened, fine, 1, width=800), 0, 1, 0.8)
