"""Debian's Chromium driven by Playwright, for the suites that test pages in a real browser."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
# Headless in a container, and quiet: nothing of its own goes out to the network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
# A microphone for the in-browser recorder (a test tone), no permission prompt.
FAKE_MICROPHONE_ARGS = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                        "--autoplay-policy=no-user-gesture-required"]


@contextmanager
def chromium(extra_args: list[str] | None = None) -> Iterator:
    """A launched Chromium (a Playwright ``Browser``), closed afterwards."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed: run `make system-deps`")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *(extra_args or [])])
        try:
            yield browser
        finally:
            browser.close()
