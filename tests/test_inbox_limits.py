"""Issue 20, items 5 and 6: what reading one inbox file may cost.  PDFs and images are read in a worker
process with a time and a memory limit; size, pages, pixels and inflated size are settings; a file past
any of them is quarantined with its own Chinese note and the rest of the batch is filed; SIGTERM stops
the service while a slow reader runs, leaving the file untouched in the inbox."""

from __future__ import annotations

import os
import signal
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import pypdfium2
import pytest

from recordkit.archive.archivist import Archivist, list_items
from recordkit.archive.contained import (
    ReaderFailed,
    ReaderLimits,
    run_contained,
    run_contained_split,
    shutdown_readers,
)
from recordkit.archive.scans import ScanRejected
from recordkit.core.errors import ConfigError
from recordkit.core.workspace import Workspace, init_workspace, open_workspace
from recordkit.demo.scans import write_scan
from recordkit.ledger.db import Ledger, open_ledger
from tests import contained_helpers
from tests.archive_helpers import archive_ledger as ledger  # noqa: F401  (fixtures)
from tests.archive_helpers import archive_ws as ws  # noqa: F401
from tests.archive_helpers import tree
from tests.conftest import migrated_sqlite

SRC = Path(__file__).resolve().parents[1] / "src"

# -- the worker process ---------------------------------------------------------------------------


def test_a_reading_runs_in_another_process_and_its_refusal_comes_back_whole() -> None:
    limits = ReaderLimits(30, 1024)
    assert run_contained(contained_helpers.worker_pid, limits=limits) != os.getpid()
    rejected = ScanRejected("页数过多", "too_large")
    with pytest.raises(ScanRejected) as raised:
        run_contained(_raise, rejected, limits=limits)
    assert (raised.value.reason, raised.value.kind) == ("页数过多", "too_large")


def _raise(error: Exception) -> None:
    raise error


def test_a_reader_past_its_time_limit_is_stopped_and_the_next_reading_gets_a_new_worker() -> None:
    limits = ReaderLimits(1, 1024)
    first = run_contained(contained_helpers.worker_pid, limits=limits)
    with pytest.raises(ReaderFailed) as failed:
        run_contained(contained_helpers.sleep_for, 600, limits=limits)
    assert failed.value.kind == "timeout"
    assert (
        failed.value.reason == "读取这个文件超过 1 秒仍未完成（文件可能有害或已损坏；上限见 [limits] reader_seconds）"
    )
    assert run_contained(contained_helpers.worker_pid, limits=limits) != first  # the stuck one was killed


def test_a_timeout_in_one_reader_leaves_the_other_readers_worker_alone(tmp_path: Path) -> None:
    # Both workers start at the same moment (as for the first burst after the service starts); the part that
    # hangs costs its own worker only: the other's reading and worker survive (CI once saw a good scan
    # quarantined as "异常退出" because a timeout killed both).
    shutdown_readers()
    limits = ReaderLimits(1, 1024)
    quick, stuck = tmp_path / "quick.pid", tmp_path / "stuck.pid"
    with pytest.raises(ReaderFailed) as failed:
        run_contained_split(contained_helpers.note_pid_and_sleep, [(str(quick), 0), (str(stuck), 600)], limits=limits)
    assert failed.value.kind == "timeout"
    assert run_contained(contained_helpers.worker_pid, limits=limits) == int(quick.read_text())


def test_a_reader_past_its_memory_limit_is_stopped() -> None:
    if sys.platform == "win32":
        pytest.skip("the memory limit is a POSIX resource limit")
    with pytest.raises(ReaderFailed) as failed:
        run_contained(contained_helpers.allocate, 2048, limits=ReaderLimits(30, 512))
    assert failed.value.kind == "memory"
    assert failed.value.reason.startswith("读取这个文件所需内存超过上限 512 MB")


def test_a_reader_that_crashes_costs_one_reading() -> None:
    limits = ReaderLimits(30, 1024)
    with pytest.raises(ReaderFailed) as failed:
        run_contained(contained_helpers.crash, limits=limits)
    assert failed.value.kind == "crash"
    assert "读取程序在读这个文件时异常退出" in failed.value.reason
    assert run_contained(contained_helpers.sleep_for, 0, limits=limits) == "woke"


# -- the limits as settings ----------------------------------------------------------------------------


def test_the_limits_are_settings_with_bounds(tmp_path: Path) -> None:
    root = init_workspace(tmp_path / "ws", operator="档案员")
    defaults = open_workspace(root, environ={}).settings.limits
    assert (defaults.max_file_mb, defaults.max_pages, defaults.max_pixels, defaults.max_inflated_mb) == (
        500,
        2000,
        100_000_000,
        1024,
    )
    assert (defaults.reader_seconds, defaults.reader_memory_mb) == (60, 1536)
    (root / "recordkit.toml").write_text(
        (root / "recordkit.toml").read_text(encoding="utf-8") + "\n[limits]\nmax_pages = 50\n", encoding="utf-8"
    )
    assert open_workspace(root, environ={}).settings.limits.max_pages == 50
    with pytest.raises(ConfigError) as err:
        open_workspace(root, environ={"RECORDKIT_LIMITS_READER_SECONDS": "0"})
    assert err.value.message == "配置项 limits.reader_seconds 的值 0 超出范围：应在 1 到 3600 之间"


# -- crafted files ---------------------------------------------------------------------------------------


def inbox(workspace: Workspace) -> Path:
    return workspace.root / "records" / "inbox"


def png_header(width: int, height: int, colour_type: int = 0) -> bytes:
    """A PNG whose header claims ``width``×``height`` (grey, or RGB with colour type 2) and whose one IDAT
    holds a single row: enough for a reader that trusts the header to try to build the whole bitmap."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    idat = zlib.compress(b"\x00" * (1 + width * (3 if colour_type == 2 else 1)))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def quarantine_note(workspace: Workspace, name: str) -> str:
    notes = [p for p in (workspace.root / "records" / "quarantine").iterdir() if p.name.endswith(f"{name}.原因.txt")]
    assert len(notes) == 1, notes
    return notes[0].read_text(encoding="utf-8")


def file_inbox(workspace: Workspace, ledger: Ledger) -> dict[str, tuple[str, str | None]]:
    clerk = Archivist(workspace, ledger, "档案员")
    paths = sorted(p for p in inbox(workspace).iterdir() if p.is_file())
    return {o.source: (o.status, o.reason) for o in clerk.file_many([(p, None) for p in paths])}


def test_a_huge_sparse_file_is_quarantined_unread_and_the_rest_filed(ws: Workspace, ledger: Ledger) -> None:
    sparse = inbox(ws) / "稀疏.pdf"
    with sparse.open("wb") as stream:
        stream.write(b"%PDF-1.4\n")
        stream.truncate(600 << 20)  # 600 MB that take a few KB of disk
    write_scan(inbox(ws) / "3-2-1201_产权证明_20261102.pdf", 1)
    outcomes = file_inbox(ws, ledger)
    reason = "文件过大（600 MB，上限 500 MB），没有读取：请分成几个文件扫描，或请管理员调整 recordkit.toml 的 [limits] max_file_mb"
    assert outcomes["稀疏.pdf"] == ("quarantined", reason)
    assert outcomes["3-2-1201_产权证明_20261102.pdf"][0] == "filed"
    assert reason in quarantine_note(ws, "稀疏.pdf")
    assert [item.source for item in list_items(ledger)] == ["records/inbox/3-2-1201_产权证明_20261102.pdf"]


def test_an_image_whose_header_claims_a_huge_bitmap_is_refused_before_decoding(ws: Workspace, ledger: Ledger) -> None:
    (inbox(ws) / "巨幅.png").write_bytes(png_header(30000, 30000))
    (inbox(ws) / "彩色炸弹.png").write_bytes(png_header(9000, 9000, colour_type=2))  # 81 MP: under the pixels
    write_scan(inbox(ws) / "3-2-1201_产权证明_20261102.png", 2)
    limited = open_workspace(ws.root, environ={"RECORDKIT_LIMITS_MAX_INFLATED_MB": "200"})
    outcomes = file_inbox(limited, ledger)
    assert outcomes["巨幅.png"] == (
        "quarantined",
        "图片尺寸过大（30000×30000，900 百万像素，上限 100 百万像素），没有打开：请用较低的分辨率重新扫描，或分成几张扫描",
    )
    # 9000×9000 RGB is kept as 4 bytes a pixel: 309 MB decoded, over the 200 MB set here.
    assert outcomes["彩色炸弹.png"] == (
        "quarantined",
        "图片解压后过大（309 MB，上限 200 MB），没有打开：请用较低的分辨率或灰度重新扫描",
    )
    assert outcomes["3-2-1201_产权证明_20261102.png"][0] == "filed"


def test_a_pdf_with_too_many_pages_is_quarantined(ws: Workspace, ledger: Ledger) -> None:
    document = pypdfium2.PdfDocument.new()
    for _ in range(2001):
        document.new_page(200, 200)
    document.save(str(inbox(ws) / "两千页.pdf"))
    document.close()
    write_scan(inbox(ws) / "3-2-1201_产权证明_20261102.pdf", 3, pages=2)
    outcomes = file_inbox(ws, ledger)
    assert outcomes["两千页.pdf"] == (
        "quarantined",
        "页数过多（2001 页，上限 2000 页），没有归档：请分成几个文件扫描，或请管理员调整 [limits] max_pages",
    )
    assert outcomes["3-2-1201_产权证明_20261102.pdf"][0] == "filed"
    assert [item.pages for item in list_items(ledger)] == [2]


def test_a_word_file_that_inflates_past_the_limit_is_refused_unpacked(ws: Workspace, ledger: Ledger) -> None:
    bomb = inbox(ws) / "炸弹.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/media/padding.bin", b"\x00" * (20 << 20))  # 20 MB of zeros: 20 KB packed
    assert bomb.stat().st_size < 1 << 20
    limited = open_workspace(ws.root, environ={"RECORDKIT_LIMITS_MAX_INFLATED_MB": "10"})
    outcomes = file_inbox(limited, ledger)
    assert outcomes["炸弹.docx"] == (
        "quarantined",
        "Word 文档解压后过大（20 MB，上限 10 MB），没有打开：可能是恶意文件，请检查来源",
    )
    assert list_items(ledger) == []


# -- the service, as a real process ------------------------------------------------------------------------

SLOW_READER = """
import os, time
from pathlib import Path
import recordkit.archive.scans as scans

_real = scans._pdf_pages


def _slow(path, limits):
    if path.name.startswith("慢"):
        Path(os.environ["SLOW_READER_MARKER"]).write_text(str(os.getpid()))
        time.sleep(float(os.environ["SLOW_READER_SECONDS"]))
    return _real(path, limits)


scans._pdf_pages = _slow
"""


def _service_env(tmp_path: Path, seconds: float, extra: dict[str, str]) -> dict[str, str]:
    """An environment whose Python loads a sitecustomize that makes the PDF reader slow on 慢*.pdf: in the
    worker process too, which is where a real hostile PDF would hang."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SLOW_READER, encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if not key.startswith("RECORDKIT_")}
    env["PYTHONPATH"] = os.pathsep.join([str(site), str(SRC)])
    env["SLOW_READER_MARKER"] = str(tmp_path / "reading")
    env["SLOW_READER_SECONDS"] = str(seconds)
    return {**env, "RECORDKIT_ARCHIVE_STABILITY_SECONDS": "0", **extra}


def test_a_reader_that_hangs_is_quarantined_by_the_service_and_the_rest_filed(
    tmp_path: Path, _sqlite_template: Path
) -> None:
    root = init_workspace(tmp_path / "ws", operator="档案员")
    migrated_sqlite(_sqlite_template, root / "records" / "ledger.sqlite3")  # the ledger `recordkit init` makes
    write_scan(root / "records" / "inbox" / "慢.pdf", 1)
    write_scan(root / "records" / "inbox" / "3-2-1201_购房合同_20190915.pdf", 2)
    env = _service_env(tmp_path, 600, {"RECORDKIT_LIMITS_READER_SECONDS": "2"})
    done = subprocess.run(
        [sys.executable, "-m", "recordkit", "watch", "--once"],
        cwd=root, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "收件箱处理完毕：归档 1 个，隔离 1 个"
    workspace = open_workspace(root, environ={})
    note = quarantine_note(workspace, "慢.pdf")
    assert "读取这个文件超过 2 秒仍未完成（文件可能有害或已损坏；上限见 [limits] reader_seconds），没有归档" in note
    assert tree(root / "records" / "inbox") == []


def _marker_pid(marker: Path) -> int:
    """The slow reader's process id as its marker file says it; 0 while the file is not there or not written yet."""
    try:
        text = marker.read_text().strip()
    except FileNotFoundError:
        return 0
    return int(text) if text.isdigit() else 0


def test_sigterm_stops_the_service_while_a_slow_reader_runs_and_leaves_the_file_untouched(
    tmp_path: Path, _sqlite_template: Path
) -> None:
    root = init_workspace(tmp_path / "ws", operator="档案员")
    migrated_sqlite(_sqlite_template, root / "records" / "ledger.sqlite3")  # the ledger `recordkit init` makes
    slow = write_scan(root / "records" / "inbox" / "慢.pdf", 1)
    content = slow.read_bytes()
    env = _service_env(tmp_path, 600, {})
    service = subprocess.Popen(
        [sys.executable, "-m", "recordkit", "watch"],
        cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    marker = tmp_path / "reading"
    try:
        deadline = time.monotonic() + 60
        # The reader writes its process id into the marker just after making it: wait for the id, not the file.
        while not _marker_pid(marker) and time.monotonic() < deadline and service.poll() is None:
            time.sleep(0.05)
        reader_pid = _marker_pid(marker)
        assert reader_pid, "the slow reader never started"
        service.send_signal(signal.SIGTERM)
        out, err = service.communicate(timeout=5)  # a few seconds, not the reader's ten minutes
    finally:
        if service.poll() is None:
            service.kill()
            service.communicate()
    assert service.returncode == 0, err
    assert out.strip().endswith("归档服务已停止")
    assert slow.read_bytes() == content  # still in the inbox, as it was
    assert tree(root / "records" / "quarantine") == []
    assert [p for p in tree(root / "records" / "archive") if not p.startswith(".")] == []
    with open_ledger(open_workspace(root, environ={}).database_url) as ledger:
        assert list_items(ledger) == []
    with pytest.raises(ProcessLookupError):  # the reader process was killed, not left behind
        for _ in range(50):
            os.kill(reader_pid, 0)
            time.sleep(0.1)
