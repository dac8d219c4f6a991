"""Hostile clients at the edge of a keyed ``warta serve``: uploads without a key, trickled
or abandoned; edge errors in each protocol's shape; no cross-key oracle; configuration
that would switch authentication off."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time

import httpx
import pytest

from app.store import owner_for_key
from tests.api.edge import (
    KEY,
    LIMIT_S,
    OTHER_KEY,
    PUBLIC_URL,
    bearer,
    connect,
    edge_server,
    metric_sum,
    read_answer,
    upload_head,
    wait_for_metric,
)
from tests.api.live import Answer, LiveServer
from tests.api.test_hostile import HARGA, POLISI
from tests.servers import ROOT

__all__ = ["edge_server"]  # the fixture, used by name

DEEPL_AUTH = {"Authorization": f"DeepL-Auth-Key {KEY}"}


def assert_shape(answer: Answer, protocol: str, status: int) -> None:
    """``answer`` is an error of ``status`` in ``protocol``'s shape, without a traceback."""
    assert answer.status == status, answer.body[:300]
    body = answer.json()
    if protocol == "deepl":
        assert list(body) == ["message"] and body["message"]
    elif protocol == "libretranslate":
        assert list(body) == ["error"] and isinstance(body["error"], str)
    else:
        assert list(body) == ["error"] and set(body["error"]) == {"code", "message"}
    assert b"Traceback" not in answer.body


def keyed_translate_ok(server: LiveServer) -> bool:
    answer = server.post("/v1/translate", {"texts": [HARGA], "source_lang": "id"}, headers=bearer())
    return answer.status == 200


# (route, headers that make it keyed, its protocol)
UPLOAD_ROUTES = [
    ("/v1/documents", bearer(), "warta"),
    ("/v1/jobs", bearer(), "warta"),
    ("/v1/glossaries", bearer(), "warta"),
    ("/v2/document", DEEPL_AUTH, "deepl"),
    ("/translate_file", {}, "libretranslate"),
]


@pytest.mark.parametrize(("path", "headers", "protocol"), UPLOAD_ROUTES)
def test_a_trickled_upload_is_cut_off_with_408_in_its_protocols_shape(
    edge_server: LiveServer, path: str, headers: dict[str, str], protocol: str
) -> None:
    sock = connect(edge_server, "127.0.0.40")
    sock.sendall(upload_head(path, headers))
    answer = read_answer(sock)  # nothing more is sent: under the minimum rate
    sock.close()
    assert_shape(answer, protocol, 408)
    assert answer.headers["connection"] == "close"
    assert "WARTA_UPLOAD_MIN_RATE_BPS" in answer.body.decode()  # the rate, not another limit
    assert keyed_translate_ok(edge_server)


@pytest.mark.parametrize(
    ("path", "headers", "protocol", "status"),
    [
        ("/v1/documents", {}, "warta", 401),
        ("/v1/documents", bearer("not-a-key"), "warta", 401),
        ("/v1/jobs", {}, "warta", 401),
        ("/v1/glossaries", bearer("not-a-key"), "warta", 401),
        ("/v1/translate", {}, "warta", 401),
        ("/v2/document", {}, "deepl", 403),
        ("/v2/document", {"Authorization": "DeepL-Auth-Key wrong"}, "deepl", 403),
        ("/v2/translate", {}, "deepl", 403),
        ("/v3/glossaries", {"Authorization": "Bearer wrong"}, "deepl", 403),
    ],
)
def test_a_header_key_is_checked_before_the_body_is_read(
    edge_server: LiveServer, path: str, headers: dict[str, str], protocol: str, status: int
) -> None:
    sock = connect(edge_server)
    sock.sendall(upload_head(path, headers, length=50_000_000))  # the body never comes
    answer = read_answer(sock)
    sock.close()
    assert_shape(answer, protocol, status)  # not the 408 of a body that never came
    assert answer.headers["connection"] == "close"


def test_unkeyed_uploads_are_capped_per_address_and_in_total(edge_server: LiveServer) -> None:
    held = [connect(edge_server, "127.0.0.50") for _ in range(4)]  # the per-address cap
    for sock in held:
        sock.sendall(upload_head("/translate_file"))
    time.sleep(0.3)
    fifth = connect(edge_server, "127.0.0.50")
    fifth.sendall(upload_head("/translate_file"))
    refused = read_answer(fifth, 1.5)
    assert_shape(refused, "libretranslate", 429)
    assert refused.json()["error"].startswith("Slowdown:")
    assert refused.headers["retry-after"] == "1"
    for address in ("127.0.0.51", "127.0.0.52", "127.0.0.53"):  # fills the total of 16
        for _ in range(4):
            sock = connect(edge_server, address)
            sock.sendall(upload_head("/translate_file"))
            held.append(sock)
    time.sleep(0.3)
    over = connect(edge_server, "127.0.0.54")
    over.sendall(upload_head("/translate_file"))
    full = read_answer(over, 1.5)
    assert_shape(full, "libretranslate", 503)
    assert "WARTA_MAX_UNKEYED_UPLOADS" in full.json()["error"]
    assert keyed_translate_ok(edge_server)  # a keyed client is not behind the queue
    for sock in [fifth, over, *held]:
        sock.close()


def test_a_burst_of_small_requests_from_one_address_is_answered(edge_server: LiveServer) -> None:
    """LibreTranslate's key travels in the body, so the gate counts these as unkeyed; the
    per-address cap is 4. Bodies that arrived whole with their headers are no uploads in
    progress: 24 at once from one address are all answered, none refused."""
    body = {"q": HARGA, "source": "id", "target": "en", "api_key": KEY}

    async def burst() -> list[httpx.Response]:
        limits = httpx.Limits(max_connections=24)
        async with httpx.AsyncClient(base_url=edge_server.base, limits=limits) as client:
            sent = [client.post("/translate", json=body, timeout=LIMIT_S) for _ in range(24)]
            return list(await asyncio.gather(*sent))

    answers = asyncio.run(burst())
    assert [answer.status_code for answer in answers] == [200] * 24, [
        answer.text[:200] for answer in answers if answer.status_code != 200
    ]


@pytest.mark.parametrize(("path", "headers"), [(p, h) for p, h, _ in UPLOAD_ROUTES])
def test_a_client_hanging_up_mid_upload_is_a_499_logged_without_a_traceback(
    edge_server: LiveServer, path: str, headers: dict[str, str]
) -> None:
    before_499 = metric_sum(edge_server, "warta_requests_total", status="499")
    before_500 = metric_sum(edge_server, "warta_requests_total", status="500")
    sock = connect(edge_server, "127.0.0.60")
    sock.sendall(upload_head(path, headers) + b" naik." * 2000)
    time.sleep(0.3)
    sock.close()
    wait_for_metric(edge_server, "warta_requests_total", before_499, status="499")
    assert metric_sum(edge_server, "warta_requests_total", status="500") == before_500
    log = edge_server.output()
    assert "Traceback" not in log and "ERROR" not in log
    assert f"client left during POST {path} (499)" in log


def test_a_client_hanging_up_mid_request_is_a_499(edge_server: LiveServer) -> None:
    before = metric_sum(edge_server, "warta_requests_total", status="499")
    for path, headers in [
        ("/v2/translate", DEEPL_AUTH),
        ("/translate", {}),
        ("/v1/clean", bearer()),
    ]:
        sock = connect(edge_server)
        head = f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        head += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        sock.sendall((head + 'Content-Length: 500\r\n\r\n{"q": "Harga').encode())
        time.sleep(0.2)
        sock.close()
    wait_for_metric(edge_server, "warta_requests_total", before + 2, status="499")
    log = edge_server.output()
    assert "Traceback" not in log
    for path in ("/v2/translate", "/translate", "/v1/clean"):
        assert f"client left during POST {path} (499)" in log


def raw_exchange(server: LiveServer, data: bytes) -> Answer:
    sock = connect(server)
    sock.sendall(data)
    answer = read_answer(sock)
    sock.close()
    return answer


@pytest.mark.parametrize(
    ("path", "protocol", "status"),
    [
        ("/v2/translate", "deepl", 413),
        ("/translate", "libretranslate", 400),
        ("/v1/translate", "warta", 413),
    ],
)
def test_a_declared_body_over_the_limit_is_refused_in_the_paths_shape(
    edge_server: LiveServer, path: str, protocol: str, status: int
) -> None:
    auth = "Authorization: DeepL-Auth-Key edge-key-one\r\n" if protocol == "deepl" else ""
    if protocol == "warta":
        auth = f"Authorization: Bearer {KEY}\r\n"
    head = f"POST {path} HTTP/1.1\r\nHost: x\r\n{auth}Content-Length: 90000000\r\n\r\n"
    assert_shape(raw_exchange(edge_server, head.encode()), protocol, status)


@pytest.mark.parametrize(
    ("path", "protocol"),
    [("/v2/translate", "deepl"), ("/v3/glossaries", "deepl"), ("/translate", "libretranslate")],
)
def test_header_errors_before_any_route_are_in_the_paths_shape(
    edge_server: LiveServer, path: str, protocol: str
) -> None:
    late = connect(edge_server)
    late.sendall(f"POST {path} HTTP/1.1\r\nHost: x\r\n".encode())  # the rest never comes
    assert_shape(read_answer(late), protocol, 408)
    late.close()
    huge = f"GET {path} HTTP/1.1\r\nHost: x\r\nX-Big: {'a' * 70_000}\r\n\r\n"
    assert_shape(raw_exchange(edge_server, huge.encode()), protocol, 431)
    bad = f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"
    assert_shape(raw_exchange(edge_server, bad.encode()), protocol, 400)


def test_connections_over_the_per_client_cap_are_refused_in_the_paths_shape(
    edge_server: LiveServer,
) -> None:
    idle = [connect(edge_server, "127.0.0.70") for _ in range(128)]  # the per-client cap
    time.sleep(0.2)
    for path, protocol in [("/v2/translate", "deepl"), ("/translate", "libretranslate")]:
        sock = connect(edge_server, "127.0.0.70")
        sock.sendall(f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{{}}".encode())
        answer = read_answer(sock)
        sock.close()
        assert_shape(answer, protocol, 429)
        assert answer.headers["retry-after"] == "1"
    for sock in idle:
        sock.close()


@pytest.mark.parametrize(
    ("path", "headers", "protocol"),
    [
        ("/v2/no-such-thing", DEEPL_AUTH, "deepl"),
        ("/v3/glossaries/g-1/nothing/here", DEEPL_AUTH, "deepl"),
        ("/v2/no-such-thing", {}, "deepl"),
        ("/download_file/nothing", {}, "libretranslate"),
        ("/v1/no-such-thing", bearer(), "warta"),
    ],
)
def test_unknown_paths_under_a_protocols_prefix_are_404_in_its_shape(
    edge_server: LiveServer, path: str, headers: dict[str, str], protocol: str
) -> None:
    assert_shape(edge_server.request("GET", path, headers=headers), protocol, 404)


def test_the_sentence_cache_is_per_key(edge_server: LiveServer) -> None:
    text = "Gubernur meresmikan jembatan baru di Kalimantan."

    def hits_after(key: str) -> float:
        answer = edge_server.post(
            "/v1/translate", {"texts": [text], "source_lang": "id"}, headers=bearer(key)
        )
        assert answer.status == 200
        return edge_server.metric("warta_cache_hits_total", KEY, role="translation")

    first = hits_after(KEY)
    assert hits_after(OTHER_KEY) == first  # another key's sentence is not a hit for this one
    assert hits_after(KEY) == first + 1  # the same key's is
    deepl = edge_server.post(
        "/v2/translate",
        {"text": [POLISI], "target_lang": "EN-US", "source_lang": "ID"},
        headers={"Authorization": f"DeepL-Auth-Key {OTHER_KEY}"},
    )
    assert deepl.status == 200
    before = edge_server.metric("warta_cache_hits_total", KEY, role="translation")
    edge_server.post("/v1/translate", {"texts": [POLISI], "source_lang": "id"}, headers=bearer())
    assert edge_server.metric("warta_cache_hits_total", KEY, role="translation") == before


def test_metrics_need_a_key_while_health_checks_stay_open(edge_server: LiveServer) -> None:
    assert_shape(edge_server.request("GET", "/metrics"), "warta", 401)
    assert edge_server.request("GET", "/metrics", headers=bearer("wrong")).status == 401
    assert edge_server.request("GET", "/metrics", headers=bearer(OTHER_KEY)).status == 200
    for path in ("/healthz", "/readyz"):  # the Docker health check and load balancers
        assert edge_server.request("GET", path).status == 200


def test_download_urls_carry_random_ids_from_the_public_url_never_host(
    edge_server: LiveServer,
) -> None:
    body = (
        f'--{BOUNDARY_FORM}\r\nContent-Disposition: form-data; name="file"; filename="b.txt"\r\n'
        f"Content-Type: text/plain\r\n\r\n{HARGA}\n\r\n"
        + "".join(
            f'--{BOUNDARY_FORM}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            for name, value in {"source": "id", "target": "en", "api_key": KEY}.items()
        )
        + f"--{BOUNDARY_FORM}--\r\n"
    )
    headers = {
        "content-type": f"multipart/form-data; boundary={BOUNDARY_FORM}",
        "host": "evil.example",
    }
    answer = edge_server.request("POST", "/translate_file", body, headers)
    assert answer.status == 200, answer.body
    url = answer.json()["translatedFileUrl"]
    assert url.startswith(PUBLIC_URL + "/download_file/") and url.endswith("/b.txt")
    assert "evil.example" not in url
    token = url.removeprefix(PUBLIC_URL + "/download_file/").split("/")[0]
    assert owner_for_key(KEY) not in token
    assert all(len(part) >= 32 for part in token.split("."))  # random ids only
    downloaded = edge_server.request("GET", url.removeprefix(PUBLIC_URL))
    assert downloaded.status == 200 and downloaded.body.strip()
    wrong = edge_server.request("GET", url.removeprefix(PUBLIC_URL).replace(token, token[:-1]))
    assert_shape(wrong, "libretranslate", 404)


BOUNDARY_FORM = "formboundary"


@pytest.mark.parametrize(
    "keys", [" , ", ",", "   ", "key-one,,key-two", "key-one, ", "key one", "\t,\n"]
)
@pytest.mark.parametrize("command", ["serve", "worker"])
def test_configuration_that_would_switch_authentication_off_refuses_to_start(
    command: str, keys: str
) -> None:
    env = {**os.environ, "WARTA_API_KEYS": keys, "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "WARTA_API_KEYS" in lines[0]
    assert "Traceback" not in done.stderr


def test_create_app_refuses_the_same_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    from app.core.config import ConfigurationError
    from app.main import create_app

    monkeypatch.setenv("WARTA_API_KEYS", " , ")
    with pytest.raises(ConfigurationError, match="WARTA_API_KEYS") as raised:
        create_app()
    assert "\n" not in str(raised.value)
    monkeypatch.setenv("WARTA_API_KEYS", "")  # empty is unset: authentication off, knowingly
    assert json.dumps(create_app().openapi())
