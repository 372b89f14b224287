"""Fixtures for the web tests: one app and test client for the session; for the browser
tests a `seceq serve` subprocess (``server_url``) and headless Chromium (``browser``),
one of each per module, and a page of it opened (``opened_page``)."""

from __future__ import annotations

import re
import sys
import warnings
from pathlib import Path

import pytest

from tests.factories import load_benchmark


@pytest.fixture(scope="session")
def client():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # starlette: "httpx with TestClient is deprecated"
        from fastapi.testclient import TestClient

    from security_equation.web.app import create_app

    with TestClient(create_app()) as test_client:
        yield test_client


CHROMIUM = Path("/usr/bin/chromium")
#: The installed console script, next to the interpreter running the tests.
SECEQ = Path(sys.executable).with_name("seceq")


def _bench():
    return load_benchmark("web_load.py", "seceq_web_load_benchmark_e2e")


@pytest.fixture(scope="module")
def server_url():
    bench = _bench()
    port = bench.free_port()
    command = [str(SECEQ), "serve", "--port", str(port), "--log-level", "warning"]
    with bench.server(port, command) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (install Debian's chromium package)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield b
        b.close()


@pytest.fixture
def opened_page(server_url, browser):
    """A browser page on the served app, showing its first FSI, and the list of script
    errors it raises (a test asserts it stays empty); closed after the test."""
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(server_url + "/")
        expect(page.locator("#metric-fsi")).to_have_text(re.compile(r"^\d\.\d{3}$"), timeout=30_000)
        yield page, errors
    finally:
        page.close()
