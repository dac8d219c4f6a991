"""/v1/documents: each of the four formats comes back translated, with its structure, each
text translated exactly as /v1/translate translates it."""

from __future__ import annotations

import io
import time
from collections.abc import Sequence
from typing import Any

import docx
import pytest
from fastapi.testclient import TestClient

from app.core.config import Settings
from app.engines.base import GenerationOptions
from app.jobs.documents import FORMATS, billed
from app.jobs.documents.limits import DocumentLimits
from tests.api.conftest import AppFactory, GatedEngine
from tests.fakes import FakeEngine

FAST = {"job_poll_s": 0.02}
LIMITS = DocumentLimits.of(Settings())


def word_file(*paragraphs: str) -> bytes:
    document = docx.Document()
    document.add_heading(paragraphs[0], level=2)
    for text in paragraphs[1:]:
        document.add_paragraph(text)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Kota", "Jakarta Timur"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


DOCUMENTS = {
    "berita.txt": b"Harga Beras Naik\n\nHarga beras naik lima persen bulan ini.\n",
    "berita.md": b"# Harga Beras Naik\n\n- Banjir merendam ratusan rumah.\n\n```\nkode\n```\n",
    "berita.html": b"<h1>Harga Beras Naik</h1><p>Polisi <b>menangkap</b> dua tersangka.</p>",
    "berita.docx": word_file("Harga Beras Naik", "Harga beras naik lima persen bulan ini."),
}


def finished(client: TestClient, document_id: str, **headers: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status: dict[str, Any] = client.get(f"/v1/documents/{document_id}", headers=headers).json()
        if status["status"] not in ("queued", "running"):
            return status
        time.sleep(0.02)
    raise AssertionError(f"document {document_id} did not finish: {status}")


def send(client: TestClient, name: str, data: bytes, **fields: str) -> Any:
    return client.post("/v1/documents", files={"file": (name, data)}, data=fields)


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_a_document_comes_back_in_its_format_with_each_text_as_translate_gives_it(
    make_app: AppFactory, name: str
) -> None:
    data = DOCUMENTS[name]
    fmt = FORMATS[name.rsplit(".", 1)[1]]
    texts = list(fmt.units(data, LIMITS))
    with TestClient(make_app(**FAST)) as client:
        created = send(client, name, data, source_lang="id")
        assert created.status_code == 202
        assert created.json()["billed_characters"] == billed(texts, fmt.pipeline)
        status = finished(client, created.json()["id"])
        assert (status["status"], status["name"], status["progress"]) == ("done", name, 1.0)
        result = client.get(f"/v1/documents/{created.json()['id']}/result")
        body = {"texts": texts, "source_lang": "id", "format": fmt.pipeline}
        answer = client.post("/v1/translate", json=body)
    translations = [t["text"] for t in answer.json()["translations"]]
    assert result.status_code == 200
    assert result.content == fmt.render(data, translations, LIMITS)
    assert result.headers["content-type"] == fmt.media_type
    assert result.headers["content-disposition"] == f"attachment; filename*=UTF-8''{name}"
    assert translations != texts  # each text really went through the model
    expected = {  # the upload's markup, around the words the model gave
        "berita.html": b"<h1>EN:HARGA BERAS NAIK</h1><p>EN:POLISI <b>MENANGKAP</b> DUA "
        b"TERSANGKA.</p>",
        "berita.md": b"# EN:HARGA BERAS NAIK\n\n- EN:BANJIR MERENDAM RATUSAN RUMAH.\n\n"
        b"```\nkode\n```\n",
    }
    if name in expected:
        assert result.content == expected[name]


def test_the_result_is_409_until_the_document_is_done(
    make_app: AppFactory, gated: GatedEngine
) -> None:
    with TestClient(make_app(engine=gated, warmup=False, **FAST)) as client:
        document_id = send(client, "a.txt", b"Harga beras naik.\n").json()["id"]
        assert gated.entered.wait(30)
        early = client.get(f"/v1/documents/{document_id}/result")
        assert early.status_code == 409
        assert early.json()["error"]["code"] == "not_ready"
        gated.gate.set()
        finished(client, document_id)
        assert client.get(f"/v1/documents/{document_id}/result").status_code == 200


class FailingEngine(FakeEngine):
    """A FakeEngine that breaks on one sentence, as a model can on a pathological input."""

    def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[str]:
        if any("rusak" in text for text in texts):
            raise RuntimeError("the model broke")
        return super().generate(texts, options)


def test_a_part_that_keeps_failing_fails_the_document_with_the_reason(
    make_app: AppFactory,
) -> None:
    data = b"Harga beras naik.\n" + b"Kalimat biasa.\n" * 40 + b"Kalimat rusak.\n"
    app = make_app(engine=FailingEngine(), job_max_attempts=1, job_concurrency=1, **FAST)
    with TestClient(app) as client:
        document_id = send(client, "a.txt", data, source_lang="id").json()["id"]
        status = finished(client, document_id)
        assert status["status"] == "failed"
        assert status["error"]["message"].startswith(
            "Part 2 of the document could not be translated:"
        )
        result = client.get(f"/v1/documents/{document_id}/result")
        assert result.status_code == 409
        assert "failed" in result.json()["error"]["message"]


def test_unusable_uploads_are_refused_with_the_reason(make_app: AppFactory) -> None:
    with TestClient(make_app(document_max_bytes=1000, max_chars=500)) as client:
        cases = [
            (send(client, "laporan.pdf", b"%PDF-1.7"), 422, ".txt, .md, .html or .docx"),
            (send(client, "a.docx", b"not a zip"), 422, "not a readable Word document"),
            (send(client, "a.txt", "teks".encode("utf-16")), 422, "not UTF-8"),
            (send(client, "a.txt", b"x" * 1001), 413, "WARTA_DOCUMENT_MAX_BYTES"),
            (send(client, "a.txt", b"x", source_lang="fr"), 422, "source_lang"),
            (send(client, "a.txt", b"x", return_segments="true"), 422, "return_segments"),
            (send(client, "a.txt", b"x", colour="blue"), 422, "colour"),
            (send(client, "a" * 300 + ".txt", b"x"), 422, "at most 255 characters"),
            (send(client, "a.txt", b"x", format="html"), 422, "format"),
            (send(client, "a.html", b"<p>" + b"x" * 990 + b"</p>"), 413, "page of 997"),
        ]
        for response, status, named in cases:
            assert response.status_code == status, response.text
            assert named in response.json()["error"]["message"]
        assert client.get("/v1/jobs").json() == {"jobs": []}


def test_another_keys_document_is_not_found(make_app: AppFactory) -> None:
    one, two = {"Authorization": "Bearer key-one"}, {"Authorization": "Bearer key-two"}
    with TestClient(make_app(api_keys="key-one,key-two", **FAST)) as client:
        created = client.post(
            "/v1/documents", files={"file": ("a.txt", b"Harga naik.\n")}, headers=one
        )
        document_id = created.json()["id"]
        finished(client, document_id, **one)
        assert client.get(f"/v1/documents/{document_id}", headers=two).status_code == 404
        assert client.get(f"/v1/documents/{document_id}/result", headers=two).status_code == 404
        assert client.get(f"/v1/documents/{document_id}/result", headers=one).status_code == 200


def test_the_job_routes_are_in_the_openapi_document(make_app: AppFactory) -> None:
    with TestClient(make_app()) as client:
        spec = client.get("/openapi.json").json()
    routes = {
        ("/v1/jobs", "post"),
        ("/v1/jobs", "get"),
        ("/v1/jobs/{job_id}", "get"),
        ("/v1/jobs/{job_id}", "delete"),
        ("/v1/jobs/{job_id}/results", "get"),
        ("/v1/documents", "post"),
        ("/v1/documents/{document_id}", "get"),
        ("/v1/documents/{document_id}/result", "get"),
    }
    for path, method in routes:
        operation = spec["paths"][path][method]
        assert operation["summary"].endswith("."), (path, method)
        assert operation["security"], (path, method)  # under the API key
    body = spec["paths"]["/v1/jobs"]["post"]["requestBody"]["content"]
    assert set(body) == {"application/json", "multipart/form-data"}
    assert body["application/json"]["schema"]["properties"]["kind"]["enum"] == [
        "articles",
        "translate",
    ]
