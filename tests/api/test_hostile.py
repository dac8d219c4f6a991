"""Hostile input against a real ``warta serve``: whatever a client sends, the answer is
never a 5xx, always the one error shape, the server stays healthy (and the connection
usable unless the answer closed it), and every sentence of a valid text comes back."""

from __future__ import annotations

import json
import re
import socket
import unicodedata
from typing import Any

import pytest

from app.services.translate import document_sentences
from tests.api.live import Answer, LiveServer

HARGA = "Harga beras naik lima persen bulan ini."
POLISI = "Polisi menangkap dua tersangka pencurian."


def assert_error_shape(answer: Answer, status: int, code: str) -> None:
    assert answer.status == status, answer.body[:500]
    body = answer.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code
    assert "Traceback" not in answer.body.decode()


def assert_healthy(server: LiveServer) -> None:
    assert server.request("GET", "/readyz").status == 200
    answer = server.post("/v1/translate", {"texts": [HARGA], "source_lang": "id"})
    assert answer.status == 200


# (what, method, path, body, extra headers, status, code)
REJECTED: list[tuple[str, str, str, bytes | str | None, dict[str, str], int, str]] = [
    ("surrogate in texts", "POST", "/v1/translate",
     '{"texts": ["Harga beras \\ud800 naik."]}', {}, 422, "invalid_input"),
    ("surrogate in title", "POST", "/v1/articles",
     '{"title": "Judul \\udc00", "text": "Harga beras naik."}', {}, 422, "invalid_input"),
    ("surrogate in html", "POST", "/v1/articles",
     '{"html": "<p>Harga \\udbff beras</p>"}', {}, 422, "invalid_input"),
    ("surrogate in clean", "POST", "/v1/clean", '{"text": "a\\udfff"}', {}, 422, "invalid_input"),
    ("surrogate in detect", "POST", "/v1/detect", '{"text": "\\ud800"}', {}, 422, "invalid_input"),
    ("surrogate in summarize", "POST", "/v1/summarize",
     '{"text": "Harga \\ud800 beras naik."}', {}, 422, "invalid_input"),
    ("surrogate in a key", "POST", "/v1/translate",
     '{"texts": ["Halo."], "x\\ud800": 1}', {}, 422, "invalid_input"),
    ("reversed pair", "POST", "/v1/translate",
     '{"texts": ["\\udc00\\ud800"]}', {}, 422, "invalid_input"),
    ("not UTF-8", "POST", "/v1/translate",
     '{"texts": ["Rp\xa0500"]}'.encode("latin-1"), {}, 400, "bad_request"),
    ("JSON nested 100k deep", "POST", "/v1/translate", b"[" * 100_000, {}, 400, "bad_request"),
    ("number of 5000 digits", "POST", "/v1/translate",
     b'{"texts": [' + b"9" * 5000 + b"]}", {}, 400, "bad_request"),
    ("malformed JSON", "POST", "/v1/translate", b'{"texts": [', {}, 422, "invalid_input"),
    ("empty body", "POST", "/v1/translate", b"", {}, 422, "invalid_input"),
    ("NaN option", "POST", "/v1/translate",
     '{"texts": ["Halo."], "return_segments": NaN}', {}, 422, "invalid_input"),
    ("Infinity sentences", "POST", "/v1/summarize",
     '{"text": "Harga beras naik.", "max_sentences": Infinity}', {}, 422, "invalid_input"),
    ("unknown option", "POST", "/v1/translate",
     '{"texts": ["Halo."], "beam_size": 99}', {}, 422, "invalid_input"),
    ("form content type", "POST", "/v1/translate", '{"texts": ["Halo."]}',
     {"content-type": "application/x-www-form-urlencoded"}, 422, "invalid_input"),
    ("too many texts", "POST", "/v1/translate",
     json.dumps({"texts": ["Halo."] * 9}), {}, 413, "text_too_long"),
    ("too many characters", "POST", "/v1/translate",
     json.dumps({"texts": ["a" * 20_001]}), {}, 413, "text_too_long"),
    ("trailing slash, foreign Host", "POST", "/v1/translate/", '{"texts": ["Halo."]}',
     {"host": "evil.example"}, 404, "not_found"),
    ("wrong method", "GET", "/v1/translate", None, {}, 405, "method_not_allowed"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("method", "path", "body", "headers", "status", "code"),
    [case[1:] for case in REJECTED],
    ids=[case[0] for case in REJECTED],
)
def test_hostile_requests_get_a_client_error_in_the_error_shape(
    live_server: LiveServer,
    method: str,
    path: str,
    body: bytes | str | None,
    headers: dict[str, str],
    status: int,
    code: str,
) -> None:
    connection = live_server.connect()
    answer = live_server.request(method, path, body, headers, connection=connection)
    assert_error_shape(answer, status, code)
    assert "location" not in answer.headers
    if answer.headers.get("connection") != "close":  # the connection still carries requests
        assert live_server.request("GET", "/healthz", connection=connection).status == 200
    connection.close()
    assert_healthy(live_server)


def test_an_unpaired_surrogate_is_named_with_its_field_and_position(
    live_server: LiveServer,
) -> None:
    answer = live_server.request(
        "POST", "/v1/translate", '{"texts": ["Halo.", "Harga beras \\ud800 naik."]}'
    )
    message = answer.json()["error"]["message"]
    assert "texts.1" in message and "U+D800" in message and "character 12" in message


# Valid text full of characters that trip tokenizers, encoders and splitters.
VALID = {
    "NUL and controls": f"Harga\x00 beras\x07 naik lima persen bulan ini.\x1b {POLISI}\x7f",
    "zero-width and BOM": f"Harga\u200b beras\u200d naik lima persen.\ufeff {POLISI}",
    "bidi overrides": f"Harga \u202eberas\u202c naik lima persen bulan ini. {POLISI}",
    "emoji and flags": f"Harga beras naik 😀👍🏽 lima persen. {POLISI} 🇮🇩",
    "combining accents": "Harga be\u0301ras naik lima persen bulan ini. Poli\u0308si menangkap.",
    "CR, LS and PS breaks": f"{HARGA}\r\n\r\n{POLISI}\u2028{HARGA}\u2029{POLISI}\r",
    "private use and noncharacters": f"Harga \ue000 beras naik \ufffe lima persen. {POLISI}",
    "a 3,000-letter word": "kata" * 750 + f". {POLISI}",
    "markup as text": f"<script>alert(1)</script> {HARGA} &amp; {POLISI}",
    "astral characters": f"Harga 𝐛𝐞𝐫𝐚𝐬 naik 𓀀 lima persen. {POLISI}",
    "only punctuation": "... !!! ???",
    "200 one-word paragraphs": "\n\n".join(f"Kalimat{i}." for i in range(200)),
}


def letters(text: str) -> str:
    return re.sub(r"\W", "", unicodedata.normalize("NFC", text))


@pytest.mark.parametrize("text", list(VALID.values()), ids=list(VALID))
def test_every_sentence_of_awkward_valid_text_is_translated_and_accounted_for(
    live_server: LiveServer, text: str
) -> None:
    answer = live_server.post(
        "/v1/translate", {"texts": [text], "source_lang": "id", "return_segments": True}
    )
    assert answer.status == 200, answer.body[:500]
    segments: list[dict[str, Any]] = answer.json()["translations"][0]["segments"]
    assert [s["source"] for s in segments] == [s for _, s in document_sentences(text)]
    assert letters("".join(s["source"] for s in segments)) == letters(text)  # nothing lost
    # The cleaner may judge a text to be page furniture (a 422 that says so), never a 5xx.
    article = live_server.post("/v1/articles", {"title": "Berita", "text": text})
    if article.status != 200:
        assert_error_shape(article, 422, "invalid_input")
    assert_healthy(live_server)


# Bytes the HTTP parser itself rejects: answered in the error shape, then closed.
MALFORMED_HTTP = {
    "Content-Length not a number": b"POST /v1/translate HTTP/1.1\r\nHost: x\r\n"
    b"Content-Length: abc\r\n\r\n{}",
    "control byte in a header name": b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-B\x01d: y\r\n\r\n",
    "non-ASCII byte in the path": b"GET /h\xffz HTTP/1.1\r\nHost: x\r\n\r\n",
    "Content-Length and chunked": b"POST /v1/translate HTTP/1.1\r\nHost: x\r\n"
    b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "bad chunk size": b"POST /v1/translate HTTP/1.1\r\nHost: x\r\n"
    b"Transfer-Encoding: chunked\r\n\r\nzz\r\n",
    "not HTTP at all": b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 hello\r\n\r\n",
}


def raw_exchange(server: LiveServer, data: bytes, timeout: float = 10) -> bytes:
    """Send raw bytes, read until the server closes the connection."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def parse_raw(data: bytes) -> Answer:
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines)
    return Answer(int(status_line.split()[1]), headers, body)


@pytest.mark.parametrize("data", list(MALFORMED_HTTP.values()), ids=list(MALFORMED_HTTP))
def test_requests_the_http_parser_rejects_are_answered_in_the_error_shape(
    live_server: LiveServer, data: bytes
) -> None:
    answer = parse_raw(raw_exchange(live_server, data))
    assert_error_shape(answer, 400, "bad_request")
    assert answer.headers["connection"] == "close"
    assert_healthy(live_server)


def test_a_declared_body_over_the_limit_is_refused_before_it_is_sent(
    live_server: LiveServer,
) -> None:
    head = b"POST /v1/translate HTTP/1.1\r\nHost: x\r\nContent-Length: 6291456\r\n\r\n"
    answer = parse_raw(raw_exchange(live_server, head))
    assert_error_shape(answer, 413, "body_too_large")
    assert answer.headers["connection"] == "close"
    assert_healthy(live_server)


def test_head_answers_like_get_without_a_body(live_server: LiveServer) -> None:
    for path in ("/healthz", "/readyz", "/"):
        answer = live_server.request("HEAD", path)
        assert answer.status == 200, path
        assert answer.body == b""
