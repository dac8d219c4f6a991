"""The web page's Sources view in headless Chromium: follow a source, see its poll and
the English headline appear, with page text set as text."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from app.feeds.fakesite import news_site, serving
from tests.api.test_web import browser  # noqa: F401 - the shared Chromium fixture
from tests.feeds.test_follow_live import serve


def test_the_sources_view_follows_a_source_and_lists_its_headlines(
    tiny_marian_dir: Path,
    tmp_path: Path,
    browser: Any,  # noqa: F811
) -> None:
    from selenium.webdriver.common.by import By

    with serving(*news_site()) as (_, _, c), serve(tiny_marian_dir, tmp_path) as (base, _):
        browser.get(base + "/sources")
        browser.find_element(By.ID, "url").send_keys(c.base + "/")
        browser.find_element(By.ID, "add").click()
        deadline = time.monotonic() + 120
        headlines: list[str] = []
        while time.monotonic() < deadline and not headlines:
            time.sleep(1)
            browser.find_element(By.ID, "refresh").click()
            time.sleep(0.5)
            headlines = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#headlines li")]
        assert headlines and headlines[0].endswith("— Warta Tiga")
        rows = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#sources tbody tr")]
        assert len(rows) == 1 and rows[0].startswith("Warta Tiga page")
