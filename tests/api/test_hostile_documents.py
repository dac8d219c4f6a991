"""Hostile documents and jobs against a real ``warta serve``: every upload is refused with
the limit and its setting named, or translated; a finished document's file is stored, so
its download reads no upload; an odd item id or an item that breaks on its own content
fails only that item, at once; and another key's one-line document finishes while a
20,000-item job runs (on SQLite and on PostgreSQL)."""

from __future__ import annotations

import io
import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import docx
import httpx
import pytest

from tests.api import hostile_files as hostile
from tests.api.live import LiveServer, warta_serve
from tests.store.conftest import _empty_database

KEY_A, KEY_B = "key-of-newsroom-a", "key-of-newsroom-b"
A = {"Authorization": f"Bearer {KEY_A}"}
B = {"Authorization": f"Bearer {KEY_B}"}
SETTINGS = {"API_KEYS": f"{KEY_A},{KEY_B}", "JOB_POLL_S": "0.2", "JOB_LEASE_S": "600"}
MAX_ITEMS = 40


@pytest.fixture(scope="module")
def docs_server(
    tiny_marian_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveServer, Path]]:
    """A server with default document limits and ``MAX_ITEMS`` items per job."""
    work = tmp_path_factory.mktemp("hostile-docs")
    database = work / "warta.db"
    settings = {
        **SETTINGS,
        "JOB_MAX_ITEMS": str(MAX_ITEMS),
        "DATABASE_URL": f"sqlite:///{database}",
    }
    with warta_serve(tiny_marian_dir, work, **settings) as server:
        yield server, database


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def jobs_server(
    request: pytest.FixtureRequest, tiny_marian_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """A server with two keys on each database the claim SQL runs on."""
    work = tmp_path_factory.mktemp(f"hostile-jobs-{request.param}")
    with _empty_database(request.param, work) as url:
        with warta_serve(tiny_marian_dir, work, **SETTINGS, DATABASE_URL=url) as server:
            yield server


def client(server: LiveServer, headers: dict[str, str] = A) -> httpx.Client:
    return httpx.Client(base_url=server.base, headers=headers, timeout=120)


def upload(
    server: LiveServer, name: str, data: bytes, headers: dict[str, str] = A
) -> httpx.Response:
    with client(server, headers) as http:
        return http.post("/v1/documents", files={"file": (name, data)}, data={"source_lang": "id"})


def wait_for(
    read: Callable[[], dict[str, Any]], until: Callable[[dict[str, Any]], bool], limit_s: float
) -> dict[str, Any]:
    deadline = time.monotonic() + limit_s
    while True:
        state = read()
        if until(state) or time.monotonic() > deadline:
            return state
        time.sleep(0.2)


def finished(status: dict[str, Any]) -> bool:
    return status["status"] not in ("queued", "running")


ITEMS = "WARTA_JOB_MAX_ITEMS"
ELEMENTS = "WARTA_DOCUMENT_MAX_ELEMENTS"
# (case, file name, builder, status, what the message must name)
REFUSED: list[tuple[str, str, Callable[[], bytes], int, str]] = [
    ("index claims 1 KB of a 200 MB part", "a.docx", hostile.lying_index, 422,
     "not a readable Word document"),
    ("honest index, 200 MB of paragraphs", "a.docx",
     lambda: hostile.lying_index(claimed=200 * 1024 * 1024), 413, ELEMENTS),
    ("index entries sharing one blob", "a.docx", hostile.shared_blob, 422, "not a readable"),
    ("200,000 empty paragraphs", "a.docx",
     lambda: hostile.word_file(hostile.paragraphs(200_000)), 413, "WARTA_DOCUMENT_MAX_PARAGRAPHS"),
    ("a million runs", "a.docx",
     lambda: hostile.word_file(hostile.paragraphs(90_000, runs=6)), 413, ELEMENTS),
    ("600,000 attributes on one tag", "a.docx", hostile.attribute_bomb, 422,
     "tag or a text longer"),
    ("runs nested 400 deep", "a.docx", hostile.deep, 422, "more than 256 deep"),
    ("3,000 zip entries", "a.docx", hostile.many_entries, 413, "WARTA_DOCUMENT_MAX_ZIP_ENTRIES"),
    ("a bzip2 member", "a.docx", hostile.bzip2_member, 422, "compression Word does not write"),
    ("a .docx of more paragraphs than items allow", "a.docx",
     lambda: hostile.word_file(hostile.paragraphs(32 * MAX_ITEMS + 1, runs=1)), 413, ITEMS),
    (".txt of 5 million one-letter lines", "a.txt", lambda: b"a\n" * 5_000_000, 413, ITEMS),
    (".txt one line past the items", "a.txt",
     lambda: b"Harga naik.\n" * (32 * MAX_ITEMS + 1), 413, ITEMS),
    (".md of more 4,000-character blocks than items", "a.md",
     lambda: (b"kata " * 800 + b"\n\n") * (MAX_ITEMS + 1), 413, ITEMS),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "build", "status", "named"), [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED]
)
def test_a_hostile_document_is_refused_naming_the_limit(
    docs_server: tuple[LiveServer, Path],
    name: str,
    build: Callable[[], bytes],
    status: int,
    named: str,
) -> None:
    server, _ = docs_server
    with client(server) as http:
        before = len(http.get("/v1/jobs").json()["jobs"])
        answer = upload(server, name, build())
        assert answer.status_code == status, answer.text[:300]
        assert named in answer.json()["error"]["message"]
        assert len(http.get("/v1/jobs").json()["jobs"]) == before  # nothing was stored
        assert http.get("/readyz").status_code == 200


def test_three_hostile_uploads_at_once_are_all_refused_and_the_server_goes_on(
    docs_server: tuple[LiveServer, Path],
) -> None:
    server, _ = docs_server
    files = [
        hostile.lying_index(),
        hostile.lying_index(claimed=200 * 1024 * 1024),
        hostile.word_file(hostile.paragraphs(90_000, runs=6)),
    ]
    with ThreadPoolExecutor(3) as pool:
        answers = list(pool.map(lambda data: upload(server, "a.docx", data), files))
    assert [a.status_code for a in answers] == [422, 413, 413]
    document = upload(server, "b.txt", b"Harga beras naik lima persen bulan ini.\n")
    assert document.status_code == 202


def test_a_finished_documents_download_reads_its_stored_file_not_the_upload(
    docs_server: tuple[LiveServer, Path],
) -> None:
    server, database = docs_server
    body = b"".join(
        b"<w:p><w:r><w:t>Harga beras naik %d persen.</w:t></w:r></w:p>" % n for n in range(50)
    )
    created = upload(server, "laporan.docx", hostile.word_file(body))
    assert created.status_code == 202, created.text
    document_id = created.json()["id"]
    with client(server) as http:
        status = wait_for(lambda: http.get(f"/v1/documents/{document_id}").json(), finished, 120)
        assert status["status"] == "done"
        first = http.get(f"/v1/documents/{document_id}/result")
        assert first.status_code == 200
        with sqlite3.connect(database) as conn:  # the upload is gone from the store
            conn.execute(
                "DELETE FROM job_files WHERE job_id = ? AND role = 'input'", (document_id,)
            )
        again = http.get(f"/v1/documents/{document_id}/result")
    assert again.status_code == 200 and again.content == first.content
    texts = hostile_texts(again.content)
    assert len(texts) == 50 and all(text and "Harga" not in text for text in texts)


def hostile_texts(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def test_odd_item_ids_fail_only_their_items(jobs_server: LiveServer) -> None:
    text = {"texts": ["Harga naik."]}
    odd = [json.dumps({"id": 10**399, **text}), json.dumps({"id": 1.5, **text})]
    odd[1:1] = ['{"id": ' + "9" * 5000 + ', "texts": ["Harga naik."]}']  # unreadable to json
    odd.append(json.dumps({"id": [1], **text}))
    good = json.dumps({"id": "ok", "texts": ["Harga beras naik lima persen bulan ini."]})
    items = "[" + ", ".join([*odd, good]) + "]"
    body = '{"kind": "translate", "options": {"source_lang": "id"}, "items": ' + items + "}"
    with client(jobs_server) as http:
        created = http.post("/v1/jobs", content=body, headers={"content-type": "application/json"})
        assert created.status_code == 202, created.text
        job_id = created.json()["id"]
        wait_for(lambda: http.get(f"/v1/jobs/{job_id}").json(), finished, 60)
        lines = [line for line in http.get(f"/v1/jobs/{job_id}/results").text.splitlines() if line]
    results = [json.loads(line) for line in lines]
    described = ["integer of 400 digits", "integer of 5000 digits", "not an integer", "an array"]
    assert len(results) == 5
    for result, what in zip(results[:4], described, strict=True):
        assert result["error"]["code"] == "invalid_input" and what in result["error"]["message"]
    assert results[4]["id"] == "ok" and results[4]["translations"][0]["text"]


def test_an_item_that_breaks_on_its_content_is_answered_at_once(jobs_server: LiveServer) -> None:
    # A bare CR in Markdown broke planning; whether it is now translated or refused, the
    # item is answered on its first attempt: a retry would wait out the 600 s lease.
    items = [
        {"id": "cr", "texts": ["# Judul\rHarga *beras*\r\rnaik."], "format": "markdown"},
        {"id": "ok", "texts": ["Harga beras naik lima persen bulan ini."]},
    ]
    with client(jobs_server) as http:
        created = http.post("/v1/jobs", json={"kind": "translate", "items": items})
        job_id = created.json()["id"]
        status = wait_for(lambda: http.get(f"/v1/jobs/{job_id}").json(), finished, 60)
        lines = http.get(f"/v1/jobs/{job_id}/results").text.splitlines()
    assert status["status"] == "done", status
    cr = json.loads(lines[0])
    assert cr.get("error", {}).get("code") != "worker_lost"


def test_another_keys_one_line_document_finishes_while_a_20000_item_job_runs(
    jobs_server: LiveServer,
) -> None:
    archive = "".join(
        json.dumps({"id": n, "texts": [f"Harga beras naik {n} persen bulan ini."]}) + "\n"
        for n in range(20_000)
    )
    with client(jobs_server, A) as a, client(jobs_server, B) as b:
        created = a.post(
            "/v1/jobs",
            files={"file": ("archive.jsonl", archive.encode())},
            data={"kind": "translate", "options": '{"source_lang": "id"}'},
        )
        assert created.status_code == 202 and created.json()["total"] == 20_000
        job_id = created.json()["id"]
        wait_for(lambda: a.get(f"/v1/jobs/{job_id}").json(), lambda s: s["done"] >= 4, 120)
        document = upload(jobs_server, "satu.txt", b"Polisi menangkap dua tersangka.\n", B)
        assert document.status_code == 202
        document_id = document.json()["id"]
        status = wait_for(lambda: b.get(f"/v1/documents/{document_id}").json(), finished, 30)
        big = a.get(f"/v1/jobs/{job_id}").json()
        a.delete(f"/v1/jobs/{job_id}")
        result = b.get(f"/v1/documents/{document_id}/result")
    assert status["status"] == "done", status  # within 30 s of its upload
    assert big["status"] == "running" and big["done"] < 20_000  # the big job still had work
    assert result.status_code == 200 and result.content.strip()
