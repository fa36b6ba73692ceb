"""Fixtures for the browser end-to-end tests: the window tests' reference platform and desk
(tests/ui/conftest.py), the reference business page on a static loopback server of its own
(its own port, so its own Origin) and Debian's chromium, headless, through its driver."""

from __future__ import annotations

import functools
import http.server
import json
import threading
from pathlib import Path

import pytest

from tests.ui.conftest import (  # noqa: F401 - fixtures used by the tests here
    collect_on_the_gui_thread,
    ctx,
    platform,
    samples,
)

PAGE = Path(__file__).resolve().parents[2] / "examples" / "business-system"
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


class _Files(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args) -> None:  # noqa: A002
        """Quiet: the test's output is about the page, not its file requests."""


@pytest.fixture(scope="session")
def page_url():
    """``http://127.0.0.1:PORT/`` serving examples/business-system."""
    handler = functools.partial(_Files, directory=str(PAGE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="business-page", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture
def browser():
    """Headless chromium (a fresh profile: nothing kept from another test)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    for path in (CHROMIUM, CHROMEDRIVER):
        assert Path(path).exists(), f"{path} missing: apt-get install chromium chromium-driver"
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1000,1250", "--lang=zh-CN", "--no-first-run",
                "--disable-extensions",
                # no name resolves, so nothing the page asks for can leave the loopback
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"):
        options.add_argument(arg)
    # every request the browser starts, read back by requested_urls()
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    yield driver
    driver.quit()


def requested_urls(driver) -> list[str]:
    """The URLs of the requests the browser started since the last call (successful or not),
    from chromium's performance log."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls
