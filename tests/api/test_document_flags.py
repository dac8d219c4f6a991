"""A finished document job says which segments to check and where they are: the status
counts and lists them (a heading, a paragraph, a table cell, a line), and the report
beside the result lists every one."""

from __future__ import annotations

import io
from collections.abc import Sequence

import docx
from fastapi.testclient import TestClient

from app.engines.base import GenerationOptions
from app.store import INPUT
from app.store.schema import job_files
from tests.api.conftest import AppFactory
from tests.api.test_documents import FAST, finished, send
from tests.fakes import FakeEngine


class AmountDroppingEngine(FakeEngine):
    """Translates like the fake engine, but a cell with only an amount comes back as an
    unrelated sentence, retry or not (as a small model does with a bare number)."""

    def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[str]:
        outputs = super().generate(texts, options)
        return [
            "The government will build new schools." if "14.500" in t else o
            for t, o in zip(texts, outputs, strict=True)
        ]


def report_file() -> bytes:
    document = docx.Document()
    document.add_heading("Harga Beras Naik", level=1)
    document.add_paragraph("Harga beras naik lima persen bulan ini.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Kota", "Harga"
    table.cell(1, 0).text, table.cell(1, 1).text = "Jakarta", "Rp14.500"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_table_cell_that_lost_its_amount_is_listed_with_its_place(
    make_app: AppFactory,
) -> None:
    with TestClient(make_app(engine=AmountDroppingEngine(), **FAST)) as client:
        created = send(client, "laporan.docx", report_file(), source_lang="id")
        assert created.status_code == 202
        assert created.json()["flagged"] is None  # not known until it is done
        document_id = created.json()["id"]
        status = finished(client, document_id)
        report = client.get(f"/v1/documents/{document_id}/report")
        # The report was stored when the document was assembled: a status poll reads it
        # and never parses the upload again.
        store = client.app.state.warta.store  # type: ignore[attr-defined]
        with store.write() as conn:
            conn.execute(job_files.delete().where(job_files.c.role == INPUT))
        polled = client.get(f"/v1/documents/{document_id}").json()
    assert polled["flagged_segments"] == status["flagged_segments"]
    assert status["status"] == "done"
    assert status["flagged"] == 1
    (segment,) = status["flagged_segments"]
    assert segment["location"] == {"kind": "table", "index": 0, "row": 1, "cell": 1}
    assert segment["source"] == "Rp14.500"
    assert "numbers" in segment["flags"]
    (issue,) = [i for i in segment["issues"] if i["flag"] == "numbers"]
    assert issue["missing"] == ["Rp14.500"]
    assert report.status_code == 200
    assert report.json()["flagged"] == 1
    assert report.json()["segments"] == status["flagged_segments"]


def test_a_clean_document_has_nothing_flagged(make_app: AppFactory) -> None:
    with TestClient(make_app(**FAST)) as client:
        created = send(client, "berita.txt", b"Harga beras naik.\n\nBanjir di Jakarta.\n")
        status = finished(client, created.json()["id"])
    assert (status["status"], status["flagged"], status["flagged_segments"]) == ("done", 0, [])


def test_a_text_document_names_the_line(make_app: AppFactory) -> None:
    data = b"Harga Beras\n\nHarga naik menjadi Rp14.500 per kilogram.\n"
    with TestClient(make_app(engine=AmountDroppingEngine(), **FAST)) as client:
        created = send(client, "berita.txt", data, source_lang="id")
        status = finished(client, created.json()["id"])
    assert [s["location"] for s in status["flagged_segments"]] == [{"kind": "line", "index": 2}]


def test_the_report_is_409_until_the_document_is_done(make_app: AppFactory) -> None:
    with TestClient(make_app(job_runner=False)) as client:
        created = send(client, "berita.txt", b"Harga beras naik.\n")
        answer = client.get(f"/v1/documents/{created.json()['id']}/report")
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "not_ready"
