"""Hostile planning and glossary input against a real ``warta serve``: texts built to make
reading them expensive, bare CR line endings, and glossary terms that could never be
applied. The answer is never a 5xx, a request that runs out of time is a 504 while other
keys go on being served, and every glossary route keeps the same rules."""

from __future__ import annotations

import json
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.live import Answer, LiveServer, warta_serve

KEYS = {"a": {"Authorization": "Bearer key-a"}, "b": {"Authorization": "Bearer key-b"}}
DEEPL_B = {"Authorization": "DeepL-Auth-Key key-b"}
MAX_ENTRIES = 5
SETTINGS = {
    "API_KEYS": "key-a,key-b",
    "MAX_CHARS": "100000",
    "MAX_TEXTS": "8",
    "GLOSSARY_MAX_ENTRIES": str(MAX_ENTRIES),
    "PLANNING_THREADS": "1",
    "REQUEST_TIMEOUT_S": "1",
    "MAX_CONNECTIONS_PER_CLIENT": "32",
}
# About 100,000 characters of one Markdown fragment, the shape that took 20 s to read.
HOSTILE_MARKDOWN = "**harga** _naik_ [tautan](/a) `kode` " * 2_700


@pytest.fixture(scope="module")
def server(tiny_marian_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    work = tmp_path_factory.mktemp("planning")
    settings = {**SETTINGS, "DATABASE_URL": f"sqlite:///{work / 'warta.db'}"}
    with warta_serve(tiny_marian_dir, work, **settings) as live:
        yield live


def translate(server: LiveServer, text: str, key: str = "a", **options: object) -> Answer:
    body = {"texts": [text], "source_lang": "id", **options}
    return server.post("/v1/translate", body, headers=KEYS[key])


def error_code(answer: Answer) -> str:
    code: str = answer.json()["error"]["code"]
    return code


@pytest.mark.parametrize(
    ("format", "text"),
    [
        ("markdown", "Harga *beras* naik.\rPolisi menangkap **dua** tersangka.\r"),
        ("markdown", "# Judul\r\rHarga beras naik.\r\n- satu\r- dua\r"),
        ("html", "<p>Harga beras\rnaik.</p>\r<p>Polisi\r\nmenangkap.</p>"),
        ("text", "Harga beras naik.\rPolisi menangkap dua tersangka.\u2028Hujan turun."),
    ],
    ids=["markdown CR", "markdown mixed endings", "html CR", "text CR and U+2028"],
)
def test_bare_cr_line_endings_are_read_as_line_endings(
    server: LiveServer, format: str, text: str
) -> None:
    answer = translate(server, text, format=format)
    assert answer.status == 200, answer.body[:500]
    translated = answer.json()["translations"][0]["text"]
    assert "\r" not in translated and translated.strip()


def test_a_markdown_job_item_with_bare_crs_is_done(server: LiveServer) -> None:
    item = {"id": "cr", "texts": ["Harga *beras* naik.\rPolisi menangkap dua tersangka.\r"]}
    body = {"kind": "translate", "items": [item], "options": {"format": "markdown"}}
    job = server.post("/v1/jobs", body, headers=KEYS["a"])
    assert job.status == 202, job.body[:500]
    job_id = job.json()["id"]
    status: dict[str, object] = {}
    for _ in range(600):  # a bounded wait for the runner, not a timing claim
        status = server.request("GET", f"/v1/jobs/{job_id}", headers=KEYS["a"]).json()
        if status["status"] not in ("queued", "running"):
            break
        time.sleep(0.1)
    lines = server.request("GET", f"/v1/jobs/{job_id}/results", headers=KEYS["a"]).body
    assert status["status"] == "done", lines
    result = json.loads(lines.decode().splitlines()[0])
    assert "error" not in result or not result["error"], result


def test_requests_past_their_deadline_while_planning_get_504_and_others_are_served(
    server: LiveServer,
) -> None:
    answers: list[Answer] = []

    def hostile() -> None:
        answers.append(translate(server, HOSTILE_MARKDOWN, format="markdown"))

    threads = [threading.Thread(target=hostile) for _ in range(6)]
    for thread in threads:
        thread.start()
    listings = [server.request("GET", "/v1/glossaries", headers=KEYS["b"]) for _ in range(5)]
    for thread in threads:
        thread.join()
    assert [listing.status for listing in listings] == [200] * 5
    assert {answer.status for answer in answers} <= {200, 504}
    assert any(answer.status == 504 for answer in answers)
    assert all(error_code(a) == "deadline_exceeded" for a in answers if a.status == 504)
    assert translate(server, "Harga beras naik.").status == 200


@pytest.mark.parametrize(
    ("entries", "needle"),
    [
        ({"Bank  Indonesia": "BI", "Bank Indonesia": "Bank of Indonesia"}, "twice"),
        ({"\u200b\u200c": "nothing"}, "empty"),
        ({"@jokowi": "the president"}, "@mention"),
        ({"https://bi.go.id": "the bank"}, "URL"),
        ({"#pemilu": "the election"}, "#hashtag"),
        ({"humas@polri.go.id": "police"}, "e-mail"),
    ],
    ids=["spacing twice", "zero-width only", "mention", "url", "hashtag", "email"],
)
def test_inline_glossary_terms_follow_the_stored_rules(
    server: LiveServer, entries: dict[str, str], needle: str
) -> None:
    answer = translate(server, "Harga beras naik.", glossary=entries)
    assert answer.status == 422, answer.body[:500]
    assert needle in answer.json()["error"]["message"]


def test_stored_terms_are_normalised_before_they_are_compared(server: LiveServer) -> None:
    entries = {"Bank\u00a0 Indonesia\u200b": "Bank of Indonesia", "Rupiah": "rupiah"}
    created = server.post("/v1/glossaries", {"name": "n", "entries": entries}, headers=KEYS["a"])
    assert created.status == 201, created.body
    glossary_id = created.json()["id"]
    stored = server.request("GET", f"/v1/glossaries/{glossary_id}", headers=KEYS["a"]).json()
    assert list(stored["entries"]) == ["Bank Indonesia", "Rupiah"]
    patched = server.request(
        "PATCH",
        f"/v1/glossaries/{glossary_id}",
        body=json.dumps({"entries": {"Bank   Indonesia": "BI"}}).encode(),
        headers={**KEYS["a"], "content-type": "application/json"},
    )
    assert patched.status == 200 and patched.json()["entry_count"] == 2, patched.body


@pytest.mark.parametrize(
    ("tsv", "needle"),
    [
        ("Bank Indonesia\tBI\nBank  Indonesia\tBank of Indonesia\n", "already appears"),
        ("\u2060\u200b\tnothing\n", "empty"),
        ("@jokowi\tthe president\n", "@mention"),
    ],
    ids=["spacing twice", "zero-width only", "mention"],
)
def test_file_and_deepl_routes_refuse_the_same_terms(
    server: LiveServer, tsv: str, needle: str
) -> None:
    files = {"name": "upload", "file": tsv}
    upload = server.request(
        "POST", "/v1/glossaries", body=_multipart(files), headers={**KEYS["a"], **_FORM}
    )
    assert upload.status == 422 and needle in upload.json()["error"]["message"], upload.body
    body = {"name": "d", "source_lang": "ID", "target_lang": "EN", "entries": tsv}
    deepl = server.post("/v2/glossaries", body, headers=DEEPL_B)
    assert 400 <= deepl.status < 500 and needle in deepl.body.decode(), deepl.body


def test_every_deepl_glossary_route_keeps_to_the_entry_limit(server: LiveServer) -> None:
    over = "".join(f"istilah {n}\tterm {n}\n" for n in range(MAX_ENTRIES + 1))
    fits = "".join(f"istilah {n}\tterm {n}\n" for n in range(MAX_ENTRIES))
    pair = {"source_lang": "ID", "target_lang": "EN"}
    v2 = server.post("/v2/glossaries", {"name": "v2", **pair, "entries": over}, headers=DEEPL_B)
    assert v2.status == 413, v2.body
    dictionary = {**pair, "entries": over, "entries_format": "tsv"}
    v3 = server.post(
        "/v3/glossaries", {"name": "v3", "dictionaries": [dictionary]}, headers=DEEPL_B
    )
    assert v3.status == 413, v3.body
    made = server.post(
        "/v3/glossaries",
        {"name": "ok", "dictionaries": [{**dictionary, "entries": fits}]},
        headers=DEEPL_B,
    )
    assert made.status == 201, made.body
    glossary_id = made.json()["glossary_id"]
    extra = {**dictionary, "entries": "baru\tnew\n"}
    patch = server.request(
        "PATCH",
        f"/v3/glossaries/{glossary_id}",
        body=json.dumps({"dictionaries": [extra]}).encode(),
        headers={**DEEPL_B, "content-type": "application/json"},
    )
    assert patch.status == 413, patch.body
    put = server.request(
        "PUT",
        f"/v3/glossaries/{glossary_id}/dictionaries",
        body=json.dumps(dictionary).encode(),
        headers={**DEEPL_B, "content-type": "application/json"},
    )
    assert put.status == 413, put.body
    kept = server.request("GET", f"/v3/glossaries/{glossary_id}", headers=DEEPL_B).json()
    assert kept["dictionaries"][0]["entry_count"] == MAX_ENTRIES


def test_the_server_stops_promptly_with_planning_in_flight(
    tiny_marian_dir: Path, tmp_path: Path
) -> None:
    settings = {**SETTINGS, "REQUEST_TIMEOUT_S": "120", "SHUTDOWN_TIMEOUT_S": "20"}
    with warta_serve(tiny_marian_dir, tmp_path, **settings) as live:
        assert live.process is not None
        answers: list[Answer] = []
        threads = [
            threading.Thread(
                target=lambda: answers.append(translate(live, HOSTILE_MARKDOWN, format="markdown"))
            )
            for _ in range(4)
        ]
        for thread in threads:
            thread.start()
        time.sleep(1.5)  # the requests are in, and being read
        live.process.send_signal(signal.SIGTERM)
        try:
            live.process.wait(timeout=25)  # WARTA_SHUTDOWN_TIMEOUT_S, and a margin to exit
        except subprocess.TimeoutExpired:
            pytest.fail("the server was still running 25 s after SIGTERM")
        for thread in threads:
            thread.join(timeout=5)
        assert all(answer.status in (200, 503) for answer in answers)


_FORM = {"content-type": "multipart/form-data; boundary=warta-boundary"}


def _multipart(fields: dict[str, str]) -> bytes:
    parts = []
    for name, value in fields.items():
        filename = '; filename="entries.tsv"' if name == "file" else ""
        parts.append(
            f'--warta-boundary\r\nContent-Disposition: form-data; name="{name}"{filename}'
            f"\r\n\r\n{value}\r\n"
        )
    return ("".join(parts) + "--warta-boundary--\r\n").encode()
