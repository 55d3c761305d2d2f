"""Web page benchmark (issue 19): the archive room in a browser at 20,000 documents.

Three goals, each against a baseline measured in the same run:

1. **Search page, server time, p95 < 300 ms** — ``GET /search?q=…`` through the Flask app in process (the
   WSGI call: query string, the library's ``search``, the item rows for 盒号/架位, the template), for
   queries of every kind (words, names, unit codes, dates, 档号, filters, the three sort orders), each
   timed ``--repeat`` times and its median kept.  Baseline: the library call alone (what
   ``recordkit search --json`` does), so the table shows what the page adds.  Thumbnails are separate
   requests; their cached answer is timed too.
2. **First view of a page image of a new 50-page scan < 1 s** — a 50-page image-only PDF (a scan) is filed
   with the real ``Archivist``, then ``GET /item/<档号>/page/N?w=800`` with the cache emptied before each run
   (pages 1, 25 and 50).  Baseline: the same page rendered in this process by pypdfium2 directly (no
   reader process, no cache, no HTTP).
3. **20 users searching for one minute, no error** — ``recordkit serve`` started as a real process on a free
   port of 127.0.0.1, 20 client threads each sending the next query as soon as the last answer came, for
   ``--seconds``.  Baseline: the same server with ``--threads 1``.

Before any PASS line every page's hit list is checked identical to the library's for the same query.
Reuses bench_search.py's generator (the same 20,000 documents of property-office Chinese).

    python benchmarks/bench_web.py                      # 20,000 documents, one minute of load each
    python benchmarks/bench_web.py --docs 2000 --seconds 10   # a quick look
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from functools import partial
from pathlib import Path
from typing import Any

from bench_search import generate, make_workspace, median_of, pct
from PIL import Image, ImageDraw
from rich.console import Console
from rich.table import Table

from recordkit.archive.archivist import Archivist
from recordkit.archive.pages import cache_folder
from recordkit.archive.rules import Metadata
from recordkit.core.workspace import Workspace, open_workspace
from recordkit.ledger.db import Ledger, open_ledger
from recordkit.search.indexer import update_index
from recordkit.search.query import search
from recordkit.web.app import create_app

SEARCH_GOAL_MS = 300
IMAGE_GOAL_S = 1.0
USERS = 20


def queries_for(corpus: Any, count: int, seed: int = 5) -> list[dict[str, str]]:
    """Query strings of the search page, of every kind a clerk types."""
    rng = random.Random(seed)
    words = ["电梯", "维修", "消防", "装修", "漏水", "物业服务费", "巡检", "验收", "整改", "梯维修", "业主", "合同"]
    found: list[dict[str, str]] = []
    while len(found) < count:
        index = rng.randrange(len(corpus.numbers))
        kind = len(found) % 8
        if kind == 0:
            found.append({"q": rng.choice(words)})
        elif kind == 1:
            found.append({"q": f"{rng.choice(words)} {rng.choice(words)}"})
        elif kind == 2:
            found.append({"q": rng.choice(corpus.names)})
        elif kind == 3:
            found.append({"q": f"unit:{corpus.units[index]}"})
        elif kind == 4:
            found.append({"q": corpus.numbers[index]})
        elif kind == 5:
            found.append({"q": rng.choice(words), "category": corpus.categories[index][0], "sort": "日期"})
        elif kind == 6:
            day = corpus.dates[index]
            found.append({"q": rng.choice(words), "from": f"{day.year}-01", "to": f"{day.year}-12", "sort": "档号"})
        else:
            found.append({"q": f"{rng.choice(words)} OR {rng.choice(words)}", "page": "2"})
    return found


_HIT = re.compile(r'<li class="hit" data-archive-no="([^"]+)">')


def page_numbers(html: str) -> list[str]:
    return _HIT.findall(html)


def library_numbers(workspace: Workspace, params: dict[str, str]) -> list[str]:
    page = int(params.get("page", "1"))
    result = search(
        workspace,
        params.get("q", ""),
        category=params.get("category"),
        date_from=params.get("from"),
        date_to=params.get("to"),
        sort=params.get("sort", "相关度"),
        limit=20 * page,
    )
    return [hit.archive_no for hit in result.hits[20 * (page - 1) :]]


def make_scan(path: Path, pages: int) -> Path:
    """An image-only PDF of ``pages`` A4 pages at 150 dpi, as an office scanner makes them."""
    images = []
    for number in range(1, pages + 1):
        image = Image.new("L", (1240, 1754), 245)
        draw = ImageDraw.Draw(image)
        for line in range(40):
            draw.text((120, 150 + line * 38), f"page {number} line {line} " + "=" * 60, fill=30)
        draw.rectangle((100, 100, 1140, 1654), outline=60, width=3)
        images.append(image)
    images[0].save(path, save_all=True, append_images=images[1:], resolution=150)
    return path


def render_directly(path: Path, page: int, width: int) -> tuple[int, int]:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        pdf_page = document[page - 1]
        scale = width / pdf_page.get_width()
        image = pdf_page.render(scale=scale).to_pil().convert("RGB")
        target = Path(tempfile.mkstemp(suffix=".jpg")[1])
        image.save(target, quality=85)
        target.unlink()
        return image.size
    finally:
        document.close()


def load_test(root: Path, threads: int, seconds: float, params: list[dict[str, str]]) -> dict[str, Any]:
    """``recordkit serve --threads N`` on a free port, 20 users searching for ``seconds``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("RECORDKIT_")}
    env["PYTHONUNBUFFERED"] = "1"
    server = subprocess.Popen(
        [sys.executable, "-m", "recordkit", "serve", "--port", "0", "--threads", str(threads)],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert server.stdout is not None
        first = server.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", first)
        if not found:
            raise SystemExit(f"recordkit serve did not start: {first}")
        port = int(found.group(1))
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        stop_at = time.monotonic() + seconds

        def user(number: int) -> None:
            rng = random.Random(number)
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            while time.monotonic() < stop_at:
                query = rng.choice(params)
                url = "/search?" + urllib.parse.urlencode(query)
                started = time.perf_counter()
                try:
                    connection.request("GET", url)
                    response = connection.getresponse()
                    body = response.read()
                    ok = response.status == 200 and b'id="summary"' in body
                except (OSError, http.client.HTTPException) as err:
                    ok, body = False, str(err).encode()
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    if not ok:
                        errors.append(body[:200].decode("utf-8", "replace"))
            connection.close()

        workers = [threading.Thread(target=user, args=(n,)) for n in range(USERS)]
        started = time.monotonic()
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        wall = time.monotonic() - started
        return {
            "requests": len(latencies),
            "errors": len(errors),
            "first_error": errors[0] if errors else "",
            "per_second": len(latencies) / wall,
            "p50": pct(latencies, 0.5),
            "p95": pct(latencies, 0.95),
            "worst": max(latencies) if latencies else 0.0,
        }
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=80)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each timing; the median is kept")
    parser.add_argument("--seconds", type=float, default=60, help="length of each load test")
    parser.add_argument("--keep", action="store_true", help="keep the workspace (its path is printed)")
    args = parser.parse_args()
    console = Console(width=150)
    console.print(f"load at start (os.getloadavg): {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    folder = Path(tempfile.mkdtemp(prefix="bench-web-"))
    try:
        corpus = generate(args.docs)
        root = make_workspace(folder, corpus, 0, args.docs, light=True)
        workspace = open_workspace(root, environ={})
        with open_ledger(workspace.database_url) as ledger:
            update_index(workspace, ledger, ocr=False)
            run(args, console, workspace, ledger, corpus, root)
    finally:
        if args.keep:
            console.print(f"workspace kept: {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def run(args: Any, console: Console, workspace: Workspace, ledger: Ledger, corpus: Any, root: Path) -> None:
    app = create_app(workspace, accounts_required=False, ledger=ledger)
    client = app.test_client()
    params = queries_for(corpus, args.queries)
    client.get("/search?q=电梯")  # warm the OS cache and the templates once, as a running server is

    # 1. the search page against the library call alone; hit lists checked identical first.
    page_times, library_times, mismatched = [], [], []
    for query in params:
        seconds, response = median_of(args.repeat, partial(client.get, "/search", query_string=query))
        html = response.get_data(as_text=True)
        if response.status_code != 200:
            raise SystemExit(f"search page answered {response.status_code} for {query}")
        seconds_library, numbers = median_of(args.repeat, partial(library_numbers, workspace, query))
        if page_numbers(html) != numbers:
            mismatched.append(query)
        page_times.append(seconds)
        library_times.append(seconds_library)

    # 2. a new 50-page scan, filed for real; the first view of pages 1, 25, 50 with an empty cache.
    scan = make_scan(root / "扫描_电梯竣工资料.pdf", 50)
    outcome = Archivist(workspace, ledger, "档案员").file(
        scan, Metadata(category="工程档案", title="电梯竣工资料（50页扫描）")
    )
    if outcome.item is None:
        raise SystemExit(f"the scan was not filed: {outcome}")
    item = outcome.item
    filed = root / item.path
    first_views: dict[int, float] = {}
    direct: dict[int, float] = {}
    sizes_match = True
    for number in (1, 25, 50):

        def first_view(number: int = number) -> Any:
            shutil.rmtree(cache_folder(workspace, item.sha256), ignore_errors=True)
            return client.get(f"/item/{item.archive_no}/page/{number}?w=800")

        first_views[number], response = median_of(args.repeat, first_view)
        image = Image.open(__import__("io").BytesIO(response.data))
        direct[number], size = median_of(args.repeat, partial(render_direct_size, filed, number))
        sizes_match = sizes_match and image.size == size
    cached, _ = median_of(args.repeat, lambda: client.get(f"/item/{item.archive_no}/page/1?w=240"))

    # 3. twenty users for a minute against the real server, and against one thread.
    loads = {
        "recordkit serve（waitress，8 线程）": load_test(root, 8, args.seconds, params),
        "基线：recordkit serve --threads 1": load_test(root, 1, args.seconds, params),
    }

    table = Table(title=f"检索页（{args.docs:,} 篇档案，{len(params)} 个检索，每个取 {args.repeat} 次的中位数）")
    for column in ("方法", "p50 ms", "p95 ms", "最慢 ms"):
        table.add_column(column, justify="right" if column != "方法" else "left")
    for name, times in (("检索页 GET /search（服务器时间）", page_times), ("基线：只调用 search()", library_times)):
        table.add_row(name, *(f"{value * 1000:.1f}" for value in (pct(times, 0.5), pct(times, 0.95), max(times))))
    console.print(table)
    table = Table(title="新归档 50 页扫描件：页面图像第一次打开（缓存清空，800 像素宽）")
    for column in ("页", "网页 GET 秒", "基线：本进程 pypdfium2 直接渲染 秒"):
        table.add_column(column, justify="right")
    for number in first_views:
        table.add_row(str(number), f"{first_views[number]:.3f}", f"{direct[number]:.3f}")
    console.print(table)
    console.print(f"缩略图（已缓存）GET：{cached * 1000:.1f} ms")
    table = Table(title=f"{USERS} 个用户同时检索 {args.seconds:.0f} 秒（127.0.0.1）")
    for column in ("服务器", "请求数", "错误", "每秒", "p50 ms", "p95 ms", "最慢 ms"):
        table.add_column(column, justify="right" if column != "服务器" else "left")
    for name, figures in loads.items():
        table.add_row(
            name,
            f"{figures['requests']:,}",
            str(figures["errors"]),
            f"{figures['per_second']:.1f}",
            f"{figures['p50'] * 1000:.0f}",
            f"{figures['p95'] * 1000:.0f}",
            f"{figures['worst'] * 1000:.0f}",
        )
    console.print(table)
    console.print(f"load at end (os.getloadavg): {' '.join(f'{v:.2f}' for v in os.getloadavg())}")

    if mismatched:
        raise SystemExit(f"FAIL  the search page's hits differ from the library's for {len(mismatched)} queries: "
                         f"{mismatched[:3]}")  # fmt: skip
    if not sizes_match:
        raise SystemExit("FAIL  the served page images differ in size from the direct rendering")
    console.print(f"checked: every one of {len(params)} search pages lists the library's hits, in order; "
                  "page images have the direct rendering's size")  # fmt: skip
    p95 = pct(page_times, 0.95) * 1000
    console.print(
        f"{'PASS' if p95 < SEARCH_GOAL_MS else 'FAIL'}  检索页 p95 {p95:.0f} ms（目标 < {SEARCH_GOAL_MS} ms）"
    )
    slowest = max(first_views.values())
    console.print(
        f"{'PASS' if slowest < IMAGE_GOAL_S else 'FAIL'}  新扫描件页面图像第一次打开最慢 {slowest:.2f} s"
        f"（目标 < {IMAGE_GOAL_S:.0f} s）"
    )
    ours = loads["recordkit serve（waitress，8 线程）"]
    console.print(
        f"{'PASS' if ours['errors'] == 0 and ours['requests'] > 0 else 'FAIL'}  {USERS} 个用户检索 "
        f"{args.seconds:.0f} 秒：{ours['requests']:,} 个请求，{ours['errors']} 个错误"
        + (f"（第一个：{ours['first_error']}）" if ours["errors"] else "")
    )


def render_direct_size(path: Path, page: int) -> tuple[int, int]:
    return render_directly(path, page, 800)


if __name__ == "__main__":
    main()
