"""Browser tests: a real headless Chromium driving the app, served from the test database, with the real engine.

- `live_stack` (module): the search market of `tests/support/search_fixtures.py` in Postgres and in the index
  (and the typeahead's suggestions),
  a Celery worker and the change listener (so a write made through a page becomes searchable, as in
  production), and a live server (pytest-django's) in a thread of this process on the same database.
  The data are committed rows (not a per-test transaction), removed when the module ends.
- `browser` (desktop, 1280x900) and `phone` (360x740, touch, a phone's user agent): one Chromium
  each per session, cookies and storage cleared before every test.
- `committed(fn, *args)`: run ORM code in its own connection and commit it, so the live server, the
  worker and the listener see it (the test's own connection is inside a transaction rolled back at
  the end, as with any `django_db` test); `make_user(...)` is one such write.
- `until_searchable(ids)`: wait until a search (not a realtime GET: the index refreshes every second)
  finds every one of these vehicles, so a page opened next shows them.
- `sign_in(browser, live_stack, username, password)`: through the real sign-in form.
- `run_axe(browser)`: axe-core (npm) injected into the page; returns the serious and critical violations.

Mark browser test modules `pytestmark = [pytest.mark.browser, pytest.mark.django_db]`: the mark makes
pytest-django create the test database; the rows the pages show are committed by `live_stack`
(module-wide, not rolled back per test) and by `committed()`.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.contrib.auth.models import User
from django.db import connection
from pytest_django.live_server_helper import LiveServer
from selenium import webdriver
from selenium.common.exceptions import (
    JavascriptException,
    NoSuchElementException,
    StaleElementReferenceException,
    WebDriverException,
)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from insights.suggestions_index import rebuild_suggestions
from localstack.paths import ROOT
from localstack.stack import celery_worker_argv
from search.client import get_client
from search.indexes import vehicles_alias
from tests.conftest import _wait_for_worker_ready
from tests.support.processes import start_test_process
from tests.support.search_fixtures import SearchMarket, market  # noqa: F401 (fixture)
from tests.support.services import real_services  # noqa: F401  (autouse: starts Postgres, Redis, the engine)

CHROMIUM = os.environ.get("NZILA_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("NZILA_CHROMEDRIVER", "/usr/bin/chromedriver")
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = (1280, 900)
PHONE = (360, 740)
PHONE_USER_AGENT = (
    "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36"
)
# Seconds a test waits for the page to reach a state (a round trip through the engine included).
WAIT = 15


@dataclass
class LiveStack:
    url: str  # e.g. http://localhost:41234, no trailing slash
    market: SearchMarket

    def at(self, path: str) -> str:
        return self.url + path


@pytest.fixture(scope="module")
def live_stack(market, django_db_blocker):  # noqa: F811 (the fixture imported above)
    """The app served over HTTP on the test database, with the engine, a worker and the listener."""
    with django_db_blocker.unblock():
        rebuild_suggestions()  # the typeahead's index of makes, models and queries, from the market
        worker = start_test_process(
            f"browser-worker-{os.getpid()}",
            celery_worker_argv(f"browser-{os.getpid()}", concurrency=1, python=sys.executable),
        )
        listener = start_test_process(f"browser-listener-{os.getpid()}", [sys.executable, "manage.py", "search_listen"])
        server = LiveServer("localhost:0", start=False)
        # The app serves its static files itself (whitenoise, hashed names, cache headers), as in
        # production; Django's test handler would serve them from the source folders by plain name.
        server.thread.static_handler = _the_app_itself
        server.start()
        # The live server's host must be allowed; pytest-django enables this per test, we do it per module.
        server._live_server_modified_settings.enable()
        try:
            _wait_for_worker_ready(worker)
            yield LiveStack(url=server.url, market=market)
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            listener.stop(timeout=20)
            worker.stop(timeout=20)


def _the_app_itself(application):
    return application


def _chromium(size: tuple[int, int], *, phone: bool) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--lang=en-GB"):
        options.add_argument(arg)
    options.add_argument(f"--window-size={size[0]},{size[1]}")
    options.add_experimental_option("prefs", {"intl.accept_languages": "en-GB,en"})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    if phone:
        options.add_experimental_option(
            "mobileEmulation",
            {
                "deviceMetrics": {"width": size[0], "height": size[1], "pixelRatio": 2.0, "touch": True},
                "userAgent": PHONE_USER_AGENT,
            },
        )
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(60)
    return driver


def _fresh(driver: webdriver.Chrome):
    """The same Chromium, as a new visitor: no cookies, no storage, a blank page."""
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    driver.execute_cdp_cmd("Storage.clearDataForOrigin", {"origin": "*", "storageTypes": "all"})
    driver.get("about:blank")
    return driver


@pytest.fixture(scope="session")
def _desktop_chromium():
    driver = _chromium(DESKTOP, phone=False)
    yield driver
    driver.quit()


@pytest.fixture(scope="session")
def _phone_chromium():
    driver = _chromium(PHONE, phone=True)
    yield driver
    driver.quit()


@pytest.fixture
def browser(_desktop_chromium):
    """A desktop-sized headless Chromium (1280x900), as a new visitor."""
    _desktop_chromium.set_window_size(*DESKTOP)
    return _fresh(_desktop_chromium)


@pytest.fixture
def phone(_phone_chromium):
    """A phone-sized headless Chromium (360x740, touch, mobile user agent), as a new visitor."""
    return _fresh(_phone_chromium)


# While a page swaps in new parts (or a form post loads the next page), an element read a moment ago
# can be gone: the condition is simply asked again, until the timeout.
PAGE_CHANGING = (NoSuchElementException, StaleElementReferenceException, JavascriptException, WebDriverException)


def wait_until(driver, condition, timeout: float = WAIT, message: str = ""):
    """WebDriverWait(driver).until(condition) with the suite's timeout; condition gets the driver."""
    return WebDriverWait(driver, timeout, ignored_exceptions=PAGE_CHANGING).until(condition, message)


def until_searchable(ids, timeout: float = 60, where=lambda source: True) -> None:
    """Wait until a search finds every vehicle of `ids` (whose document satisfies `where`)."""
    wanted = {str(i) for i in ids}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = get_client().search(
            index=vehicles_alias(), query={"ids": {"values": sorted(wanted)}}, size=len(wanted)
        )["hits"]["hits"]
        if {hit["_id"] for hit in found if where(hit["_source"])} == wanted:
            return
        time.sleep(0.5)
    raise AssertionError(f"not searchable within {timeout} s: {sorted(wanted)}")


def committed(fn, *args, **kwargs):
    """fn(*args, **kwargs) in a thread of its own (so its own connection, autocommit); returns its result."""
    outcome: dict = {}

    def run():
        try:
            outcome["value"] = fn(*args, **kwargs)
        except BaseException as error:  # noqa: BLE001 - re-raised in the test's thread
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def make_user(username: str, password: str = "pw", **fields) -> User:
    """A signed-up account (a buyer unless given other roles), committed so the live server sees it."""
    return committed(User.objects.create_user, username, password=password, **fields)


def sign_in(driver, live_stack: LiveStack, username: str, password: str = "pw", next_path: str = "/") -> None:
    """Sign in through the real form at /accounts/login/ and wait until it has sent us on."""
    driver.get(live_stack.at(f"/accounts/login/?next={quote(next_path)}"))
    password_field = driver.find_element(By.CSS_SELECTOR, "input[name=password]")
    form = password_field.find_element(By.XPATH, "./ancestor::form")
    form.find_element(By.CSS_SELECTOR, "input[name=username]").send_keys(username)
    password_field.send_keys(password)
    form.find_element(By.CSS_SELECTOR, "button[type=submit], input[type=submit]").click()
    wait_until(driver, lambda d: "/accounts/login/" not in d.current_url, message=f"sign-in of {username} failed")


def run_axe(driver, *, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """Run axe-core in the current page; return its violations of the given impacts (id, help, nodes)."""
    driver.execute_script(Path(AXE_SCRIPT).read_text())
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations), e => done(String(e)));"
    )
    assert not isinstance(result, str), f"axe-core failed: {result}"
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result
        if v["impact"] in impacts
    ]


def console_errors(driver) -> list[str]:
    """The page's JavaScript errors since the last call (Chromium's console log, level SEVERE)."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def css(driver, selector: str):
    return driver.find_element(By.CSS_SELECTOR, selector)


def fits_the_phone(driver, width: int = 360) -> bool:
    """No sideways scrolling at a phone's width."""
    return driver.execute_script("return document.documentElement.scrollWidth") <= width


def shot(driver, name: str, at: str = "") -> None:
    """A screenshot into NZILA_SCREENSHOTS (e.g. docs/screenshots) when it is set, scrolled to `at` (a CSS
    selector) if given; nothing otherwise."""
    if at:
        driver.execute_script("arguments[0].scrollIntoView()", driver.find_element(By.CSS_SELECTOR, at))
    folder = os.environ.get("NZILA_SCREENSHOTS", "")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(folder) / f"{name}.png"))


# Slow 3G as the pages' budget assumes it: 400 kb/s both ways, 400 ms of latency.
SLOW_3G = {"offline": False, "latency": 400, "downloadThroughput": 400 * 1024 / 8, "uploadThroughput": 400 * 1024 / 8}
PAGE_WEIGHT_SCRIPT = (
    "const n = performance.getEntriesByType('navigation')[0];"
    "const r = performance.getEntriesByType('resource');"
    "return {load: n.loadEventEnd, dcl: n.domContentLoadedEventEnd, html: n.transferSize,"
    " total: n.transferSize + r.reduce((s, e) => s + e.transferSize, 0), requests: 1 + r.length};"
)


@contextlib.contextmanager
def slow_3g(driver):
    """Chromium's network throttled to slow 3G inside the block, restored after it."""
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", SLOW_3G)
    try:
        yield
    finally:
        driver.execute_cdp_cmd(
            "Network.emulateNetworkConditions",
            {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
        )
