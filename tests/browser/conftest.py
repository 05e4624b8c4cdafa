"""Browser tests: Debian's chromium driven by Playwright against the storefront and the console that
the session's local cloud serves (tests/conftest.py: `local_cloud`).

`make test` installs chromium where it is missing and builds frontend/ first; alone:
`make browsers frontend && .venv/bin/python -m pytest tests/browser` (SCREENSHOTS=dir saves pictures).
Requests to anything but this machine are refused: the pages must work offline (no CDN).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, Shop, local_only


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make browsers` installs Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def shop(local_cloud: Any) -> Shop:
    return Shop(local_cloud)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser profile (no storage, no cookies) per test."""
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    context.route("**/*", local_only)
    errors: list[str] = []
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


