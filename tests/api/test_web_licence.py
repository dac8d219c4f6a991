"""The web page names a model whose licence forbids commercial use, in headless Chromium
against a real ``warta serve`` whose model card says cc-by-nc-4.0."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.api.live import warta_serve
from tests.api.test_web import _fill, browser  # noqa: F401 - the browser fixture

KEY = "licence-page-key"


@pytest.fixture(scope="module")
def nc_server(tiny_marian_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    workdir = tmp_path_factory.mktemp("nc-server")
    model = workdir / "model"
    shutil.copytree(tiny_marian_dir, model)
    (model / "README.md").write_text("---\nlicense: cc-by-nc-4.0\n---\n# Card\n", encoding="utf-8")
    database = f"sqlite:///{workdir / 'warta.db'}"
    with warta_serve(model, workdir, API_KEYS=KEY, DATABASE_URL=database) as server:
        yield server.base


def test_page_warns_of_a_non_commercial_model(nc_server: str, browser: Any) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(nc_server + "/")
    note = browser.find_element(By.ID, "licence-warning")
    assert not note.is_displayed()  # /v1/models needs the key: nothing to show yet
    _fill(browser, "api-key", KEY)
    browser.find_element(By.ID, "title").click()  # leaving the field fires "change"
    WebDriverWait(browser, 20).until(lambda d: note.is_displayed())
    assert "Non-commercial licence" in note.text
    assert "cc-by-nc-4.0" in note.text
