"""DeepL's /v2/document and LibreTranslate's /translate_file over HTTP with a FakeEngine,
on Warta's durable document jobs: upload, status with the document key, the translated
file, ownership and each protocol's errors."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.compat.test_deepl import message
from tests.api.conftest import AppFactory, fake_translation
from tests.api.test_load import wait_until

KEY, OTHER = "doc-key", "doc-other"
AUTH = {"Authorization": f"DeepL-Auth-Key {KEY}"}
LINES = ["Harga beras naik lima persen bulan ini.", "Polisi menangkap dua tersangka."]
TEXT = "\n".join(LINES) + "\n"


@pytest.fixture
def keyed(make_app: AppFactory) -> Iterator[TestClient]:
    with TestClient(make_app(api_keys=f"{KEY},{OTHER}")) as client:
        yield client


def upload(client: TestClient, name: str, data: bytes, **fields: str) -> Any:
    form = {"target_lang": "EN-US", "formality": "default", **fields}
    return client.post("/v2/document", files={"file": (name, data)}, data=form, headers=AUTH)


def test_deepl_document_upload_status_and_result(keyed: TestClient) -> None:
    handle = upload(keyed, "berita.txt", TEXT.encode()).json()
    assert set(handle) == {"document_id", "document_key"}
    check = {"document_key": handle["document_key"]}
    path = f"/v2/document/{handle['document_id']}"

    def status() -> dict[str, Any]:
        answer = keyed.post(path, json=check, headers=AUTH)
        assert answer.status_code == 200, answer.text
        assert answer.json()["status"] in ("queued", "translating", "done")
        return dict(answer.json())

    wait_until(lambda: status()["status"] == "done")
    assert status()["billed_characters"] == sum(len(line) for line in LINES)
    result = keyed.post(f"{path}/result", json=check, headers=AUTH)
    assert result.status_code == 200
    assert result.text == "".join(fake_translation(line) + "\n" for line in LINES)
    wrong = {"document_key": "0" * 64}
    assert "not found" in message(keyed.post(path, json=wrong, headers=AUTH), 404)
    assert "not found" in message(keyed.post(f"{path}/result", json=wrong, headers=AUTH), 404)
    stranger = {"Authorization": f"DeepL-Auth-Key {OTHER}"}
    assert keyed.post(path, json=check, headers=stranger).status_code == 404


def test_deepl_document_errors(keyed: TestClient) -> None:
    assert "target_lang" in message(upload(keyed, "a.txt", b"Halo.", target_lang="DE"), 400)
    assert ".txt" in message(upload(keyed, "a.pdf", b"%PDF"), 400)
    assert "output_format" in message(upload(keyed, "a.txt", b"Halo.", output_format="docx"), 400)
    assert "source_lang" in message(upload(keyed, "a.txt", b"Halo.", glossary_id="g-1"), 400)
    unknown = upload(keyed, "a.txt", b"Halo.", glossary_id="g-1", source_lang="ID")
    assert "not found" in message(unknown, 404)
    no_key = keyed.post("/v2/document", files={"file": ("a.txt", b"Halo.")}, data={})
    assert no_key.status_code == 403


def test_libretranslate_translate_file_and_download(keyed: TestClient) -> None:
    html = b"<p>Harga beras naik lima persen bulan ini.</p>"
    form = {"source": "id", "target": "en", "api_key": KEY}
    answer = keyed.post("/translate_file", files={"file": ("a.html", html)}, data=form)
    assert answer.status_code == 200, answer.text
    url = answer.json()["translatedFileUrl"]
    assert "/download_file/" in url and url.endswith("/a.html")
    downloaded = keyed.get(url)
    assert downloaded.text == f"<p>{fake_translation(LINES[0])}</p>"
    token = url.split("/download_file/")[1].split("/")[0]
    tampered = url.replace(token, token[:-1] + ("0" if token[-1] != "0" else "1"))
    assert keyed.get(tampered).json() == {
        "error": "Document not found: check the document_id and document_key."
    }
    bad = keyed.post(
        "/translate_file", files={"file": ("a.txt", b"x")}, data={**form, "api_key": "wrong"}
    )
    assert (bad.status_code, bad.json()) == (403, {"error": "Invalid API key"})
    french = keyed.post(
        "/translate_file", files={"file": ("a.txt", b"x")}, data={**form, "source": "fr"}
    )
    assert french.status_code == 400 and french.json()["error"].startswith("fr is not supported")
    settings = keyed.get("/frontend/settings").json()
    assert settings["filesTranslation"] is True and ".docx" in settings["supportedFilesFormat"]
