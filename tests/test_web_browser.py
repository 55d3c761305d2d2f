"""End to end in a real headless Chromium: the demo estate built by ``recordkit demo``, ``recordkit serve``
started on a free port with an archivist's account, and a browser that logs in, searches 梯维修, opens the item, sees its page image,
lends the paper original and takes it back.

The browser is the system's (/usr/bin/chromium with /usr/bin/chromedriver, named explicitly so that
Selenium never downloads one).  Without them the test skips locally and fails under CI=true (.ci/run
installs them).  Screenshots are kept in the test's folder; with SCREENSHOTS_DIR=DIR they are
also copied there (``docs/screenshots`` for the README).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--lang=zh-CN",
)  # fmt: skip
WAIT = 60  # seconds for any one step (a shared, loaded machine)


def _require_browser() -> None:
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium (pip)")
    if missing:
        message = f"headless Chromium end-to-end test needs {', '.join(missing)}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {message}: .ci/run installs chromium and chromium-driver")
        pytest.skip(message)


def _recordkit(*args: str, cwd: Path | None = None, **kwargs: Any) -> Any:
    env = {key: value for key, value in os.environ.items() if not key.startswith("RECORDKIT_")}
    env.update(PYTHONUNBUFFERED="1", RECORDKIT_OPERATOR="演示管理员")
    return subprocess.Popen(
        [sys.executable, "-m", "recordkit", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        **kwargs,
    )


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The demo estate served by ``recordkit serve`` on a free port: (its address, the estate)."""
    _require_browser()
    estate = tmp_path_factory.mktemp("browser") / "demo"
    built = _recordkit("demo", str(estate))
    output, _ = built.communicate(timeout=600)
    assert built.returncode == 0, output
    add_account(estate)
    server = _recordkit("serve", "--port", "0", cwd=estate)
    try:
        assert server.stdout is not None
        first = server.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", first)
        assert found, first + (server.stdout.read() if server.poll() is not None else "")
        yield found.group(0), estate
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


ACCOUNT = ("王芳", "wangfang-2026")


def add_account(estate: Path) -> None:
    """An archivist's account, as the README makes one: with it, the page asks everyone to sign in."""
    added = _recordkit("users", "add", ACCOUNT[0], "--role", "档案管理员", "--password-stdin", cwd=estate,
                       stdin=subprocess.PIPE)  # fmt: skip
    output, _ = added.communicate(ACCOUNT[1] + "\n", timeout=120)
    assert added.returncode == 0, output


@pytest.fixture(scope="module")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    _require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.add_argument("--window-size=1366,768")
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(WAIT)
    try:
        yield driver
    finally:
        driver.quit()


def _shot(driver: Any, folder: Path, name: str) -> Path:
    path = folder / name
    driver.save_screenshot(str(path))
    copy_to = os.environ.get("SCREENSHOTS_DIR")
    if copy_to:
        Path(copy_to).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(copy_to) / name)
    return path


def _wait_for(driver: Any, css: str) -> Any:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT).until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, css)))


def _image_loaded(driver: Any, element: Any) -> bool:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if driver.execute_script("return arguments[0].complete && arguments[0].naturalWidth", element):
            return True
        time.sleep(0.2)
    return False


def log_in(driver: Any, address: str, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    driver.get(address + "search")
    _wait_for(driver, "#login-button")  # the page asks to sign in first
    driver.find_element(By.ID, "name").send_keys(ACCOUNT[0])
    driver.find_element(By.ID, "password").send_keys("wrong password")
    driver.find_element(By.ID, "login-button").click()
    assert "用户名或密码不对" in _wait_for(driver, "#login-problem").text
    _shot(driver, tmp_path, "login.png")
    driver.find_element(By.ID, "name").clear()
    driver.find_element(By.ID, "name").send_keys(ACCOUNT[0])
    driver.find_element(By.ID, "password").send_keys(ACCOUNT[1])
    driver.find_element(By.ID, "login-button").click()
    assert _wait_for(driver, "#current-user").text == "王芳（档案管理员）"


def test_search_open_see_the_page_lend_and_return_in_chromium(
    served: tuple[str, Path], chromium: Any, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    address, estate = served
    driver = chromium
    log_in(driver, address, tmp_path)
    driver.get(address + "search")
    box = _wait_for(driver, "#q")
    box.send_keys("梯维修")
    driver.find_element(By.ID, "search-button").click()
    _wait_for(driver, "li.hit")
    assert "找到 1 条" in driver.find_element(By.ID, "summary").text
    first = driver.find_element(By.CSS_SELECTOR, "li.hit")
    assert first.get_attribute("data-archive-no") == "GC-2026-00004"
    assert driver.find_element(By.CSS_SELECTOR, "li.hit mark").text == "梯维修"
    assert _image_loaded(driver, first.find_element(By.CSS_SELECTOR, ".thumb img")), "the thumbnail shows"
    _shot(driver, tmp_path, "search.png")

    first.find_element(By.CSS_SELECTOR, "a.title").click()
    _wait_for(driver, "#archive-no")
    assert driver.find_element(By.ID, "archive-no").text == "GC-2026-00004"
    page = driver.find_element(By.CSS_SELECTOR, "img.page-image")
    assert _image_loaded(driver, page), "the first page image is shown"
    assert driver.execute_script("return arguments[0].naturalWidth", page) > 0
    _shot(driver, tmp_path, "item.png")

    driver.find_element(By.ID, "borrower").send_keys("王工")
    driver.find_element(By.ID, "dept").send_keys("工程部")
    driver.find_element(By.ID, "reason").send_keys("电梯年检")
    driver.find_element(By.ID, "lend-button").click()
    _wait_for(driver, "#return-button")
    assert "已借出 GC-2026-00004（电梯维保记录）给“王工”" in driver.find_element(By.CSS_SELECTOR, ".notice").text
    assert driver.find_element(By.ID, "paper-state").text.startswith("已借出：王工")
    loans = subprocess.run(
        [sys.executable, "-m", "recordkit", "archive", "loans", "--json"],
        cwd=estate, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert '"borrower": "王工"' in loans

    driver.find_element(By.ID, "return-button").click()
    _wait_for(driver, "#lend-button")
    assert "已归还 GC-2026-00004" in driver.find_element(By.CSS_SELECTOR, ".notice").text
    assert driver.find_element(By.ID, "paper-state").text == "在库"
    history = driver.find_element(By.ID, "loan-history").text
    assert "王工" in history and "工程部" in history

    driver.set_window_size(390, 844)  # a phone
    driver.get(address + "search?q=" + "梯维修")
    _wait_for(driver, "li.hit")
    width = driver.execute_script("return document.documentElement.scrollWidth")
    assert width <= 400, f"the search page fits a phone's width ({width} px)"
    _shot(driver, tmp_path, "search-phone.png")
    driver.set_window_size(1366, 768)
