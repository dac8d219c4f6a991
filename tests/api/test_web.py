"""The web page in a real headless Chromium against a real ``warta serve`` with the tiny
trained Marian model: type an article, submit, read the translation off the page."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.engines.tiny import PAIRS
from tests.api.live import warta_serve

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
API_KEY = "page-test-key"
XSS_TITLE = "<script>window.pwned = 'title'</script>"
XSS_MARKUP = "<img src=x onerror=\"window.pwned='img'\">"
XSS_TEXT = f"Warga menulis {XSS_MARKUP} di media sosial."
ENTITY_TEXT = "Warga menulis &lt;b&gt; dan tanda 3 < 5 > 2 di media sosial."

# The page may only call its own server; nothing in these tests needs the network.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1400,1000",
]


def _require(found: object, what: str) -> None:
    """CI must run this test; a developer machine without Chromium may skip it."""
    if found:
        return
    message = f"{what} is needed for the browser test (apt-get install chromium chromium-driver)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def server_url(tiny_marian_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``warta serve`` in its own process, offline, with an API key required."""
    workdir = tmp_path_factory.mktemp("web-server")
    database = f"sqlite:///{workdir / 'warta.db'}"
    with warta_serve(tiny_marian_dir, workdir, API_KEYS=API_KEY, DATABASE_URL=database) as server:
        yield server.base


def chromium_driver(profile: Path | None = None) -> Any:
    """Debian's headless Chromium, driven by its chromedriver through selenium (with its
    profile in ``profile`` when given); the caller quits it."""
    _require(importlib.util.find_spec("selenium"), "selenium (the dev extra)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    _require(chromium, "chromium")
    driver_path = shutil.which("chromedriver")
    _require(driver_path, "chromedriver")

    options = webdriver.ChromeOptions()
    options.binary_location = str(chromium)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    if profile is not None:
        options.add_argument(f"--user-data-dir={profile}")
    return webdriver.Chrome(options=options, service=Service(executable_path=str(driver_path)))


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The browser of the page tests, with a profile of its own."""
    driver = chromium_driver(tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield driver
    finally:
        driver.quit()


def _fill(driver: Any, element_id: str, value: str) -> None:
    from selenium.webdriver.common.by import By

    field = driver.find_element(By.ID, element_id)
    field.clear()
    field.send_keys(value)


def _submit(driver: Any) -> str:
    """Click Translate; return the error shown, or "" once the results are shown."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.execute_script(
        "document.getElementById('results').hidden = true;"
        "document.getElementById('error').hidden = true;"
    )
    driver.find_element(By.ID, "submit").click()
    results, error = driver.find_element(By.ID, "results"), driver.find_element(By.ID, "error")
    WebDriverWait(driver, 120).until(
        lambda _: results.is_displayed() or error.is_displayed(), message="nothing shown"
    )
    return error.text if error.is_displayed() else ""


def _texts(driver: Any, selector: str) -> list[str]:
    from selenium.webdriver.common.by import By

    return [node.text for node in driver.find_elements(By.CSS_SELECTOR, selector)]


def test_page_translates_an_article_and_aligns_sentences(server_url: str, browser: Any) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    (title, title_en), *body = PAIRS[1], PAIRS[0], PAIRS[2], PAIRS[3]
    browser.get(server_url + "/")
    _fill(browser, "title", title)
    _fill(browser, "text", f"{body[0][0]} {body[1][0]}\n\n{body[2][0]}")

    # Without the key the server refuses, and the page says why.
    error = _submit(browser)
    assert "401" in error and "unauthorized" in error

    _fill(browser, "api-key", API_KEY)
    assert _submit(browser) == ""
    assert browser.find_element(By.ID, "translation-title").text == title_en
    assert _texts(browser, "#source .seg") == [source for source, _ in body]
    assert _texts(browser, "#translation .seg") == [english for _, english in body]
    # Paragraphs survive: two sentences in the first, one in the second.
    assert len(browser.find_elements(By.CSS_SELECTOR, "#translation p")) == 2

    # Hovering a source sentence lights up its translation, and only that one.
    ActionChains(browser).move_to_element(
        browser.find_elements(By.CSS_SELECTOR, "#source .seg")[1]
    ).perform()
    lit = browser.find_elements(By.CSS_SELECTOR, "#translation .seg.hl")
    assert [node.text for node in lit] == [body[1][1]]

    ARTIFACTS.mkdir(exist_ok=True)
    assert browser.save_screenshot(str(ARTIFACTS / "web-page.png"))


def test_page_shows_markup_in_the_text_as_text(server_url: str, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    browser.get(server_url + "/")
    _fill(browser, "api-key", API_KEY)
    _fill(browser, "title", XSS_TITLE)
    _fill(browser, "text", f"{PAIRS[4][0]}\n\n{XSS_TEXT}\n\n{ENTITY_TEXT}")
    assert _submit(browser) == ""

    assert browser.find_element(By.ID, "source-title").text == XSS_TITLE
    # Wherever the cleaner put each line or piece (kept, or cut out as leaked markup), it
    # reads exactly as typed.
    shown = browser.execute_script("return document.getElementById('results').textContent")
    assert ENTITY_TEXT in shown
    assert all(piece.strip() in shown for piece in XSS_TEXT.split(XSS_MARKUP))
    assert XSS_MARKUP in shown
    assert browser.find_elements(By.CSS_SELECTOR, "#results img, #results script, #results b") == []
    assert browser.execute_script("return window.pwned === undefined")
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "web-page-markup.png"))


def test_page_applies_a_stored_glossary_picked_from_the_list(server_url: str, browser: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    source, target = PAIRS[0]
    glossary = _create_glossary(server_url, "desk", {"Surabaya": "Surabaya City"})
    browser.get(server_url + "/")
    picker = browser.find_element(By.ID, "glossary")
    # Without the key the list cannot be read; the picker says so.
    WebDriverWait(browser, 30).until(
        lambda _: "API key" in (picker.get_attribute("textContent") or ""), message="no note"
    )
    _fill(browser, "api-key", API_KEY)
    browser.find_element(By.ID, "text").click()  # leaving the key field reloads the list
    WebDriverWait(browser, 30).until(
        lambda _: glossary["id"] in [o.get_attribute("value") for o in Select(picker).options],
        message="the stored glossary is not offered",
    )
    Select(picker).select_by_value(glossary["id"])
    _fill(browser, "text", source)
    assert _submit(browser) == ""
    assert _texts(browser, "#translation .seg") == [target.replace("Surabaya", "Surabaya City")]
    # The applied term is marked where it stands in the translation.
    marked = browser.find_elements(By.CSS_SELECTOR, "#translation mark.term")
    assert [node.text for node in marked] == ["Surabaya City"]
    assert "Surabaya → Surabaya City" in (marked[0].get_attribute("title") or "")
    browser.find_element(By.ID, "terms-heading").click()  # open the list
    assert _texts(browser, "#terms li") == ["Surabaya → Surabaya City"]
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "web-page-glossary.png"))


def _create_glossary(server_url: str, name: str, entries: dict[str, str]) -> dict[str, Any]:
    request = urllib.request.Request(
        server_url + "/v1/glossaries",
        data=json.dumps({"name": name, "entries": entries}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {API_KEY}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        created: dict[str, Any] = json.load(response)
    return created


def test_page_and_its_files_are_served_with_a_strict_policy(server_url: str) -> None:
    with urllib.request.urlopen(server_url + "/", timeout=10) as response:
        policy = response.headers["Content-Security-Policy"]
        page = response.read().decode()
    assert "script-src 'self'" in policy and "default-src 'none'" in policy
    # Everything the page loads comes from this server: no CDN.
    urls = re.findall(r'(?:src|href)="([^"]*)"', page)
    assert "/static/app.js" in urls
    assert [url for url in urls if re.match(r"(?:[a-z]+:)?//", url)] == []
    for name in ("app.js", "app.css"):
        with urllib.request.urlopen(f"{server_url}/static/{name}", timeout=10) as response:
            assert response.status == 200
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(server_url + "/static/..%2Fapi%2Fweb.py", timeout=10)
    assert missing.value.code == 404
    assert json.load(missing.value)["error"]["code"] == "not_found"


# The tiny model knows PAIRS; a sentence with an amount it never saw comes back as one of
# the sentences it knows, without the amount.
LOSSY = "Harga beras naik menjadi Rp14.500 per kilogram."


def test_page_marks_the_sentence_that_lost_an_amount(server_url: str, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    browser.get(server_url + "/")
    _fill(browser, "api-key", API_KEY)
    _fill(browser, "title", "")
    _fill(browser, "text", f"{PAIRS[0][0]} {LOSSY}\n\n{PAIRS[2][0]}")
    assert _submit(browser) == ""

    banner = browser.find_element(By.ID, "flags")
    assert banner.is_displayed()
    assert browser.find_element(By.ID, "flag-count").text == "2"  # the sentence, the summary
    flagged = browser.find_elements(By.CSS_SELECTOR, "#translation .seg.flagged")
    assert len(flagged) == 1
    note = flagged[0].find_element(By.CSS_SELECTOR, ".issue-text")
    assert note.is_displayed()
    assert "missing here: Rp14.500" in note.text
    # The clean sentences are not marked.
    clean = browser.find_elements(By.CSS_SELECTOR, "#translation .seg:not(.flagged)")
    assert [node.text for node in clean] == [PAIRS[0][1], PAIRS[2][1]]
    # A click shows the source beside it.
    source = flagged[0].find_element(By.CSS_SELECTOR, ".issue-source")
    assert not source.is_displayed()
    flagged[0].click()
    assert source.is_displayed() and LOSSY in source.text
    # The extractive summary uses that sentence, and says so where it shows it.
    summary_note = browser.find_element(By.CSS_SELECTOR, "#summary .seg.flagged .issue-text")
    assert "Rp14.500" in summary_note.text
    ARTIFACTS.mkdir(exist_ok=True)
    assert browser.save_screenshot(str(ARTIFACTS / "web-page-flags.png"))


def test_page_shows_no_warning_for_a_clean_article(server_url: str, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    browser.get(server_url + "/")
    _fill(browser, "api-key", API_KEY)
    _fill(browser, "text", f"{PAIRS[0][0]} {PAIRS[1][0]}\n\n{PAIRS[2][0]}")
    assert _submit(browser) == ""
    assert not browser.find_element(By.ID, "flags").is_displayed()
    assert browser.find_elements(By.CSS_SELECTOR, ".flagged, .issue-note") == []
