"""/v1/jobs over HTTP: accepted at once, run in the background, each item answered as the
sync endpoint answers it, in input order; keys see only their own jobs."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Sequence
from typing import Any

from fastapi.testclient import TestClient

from app.engines.base import GenerationOptions
from tests.api.conftest import AppFactory, GatedEngine
from tests.fakes import FakeEngine

ARTICLE = "Harga beras naik lima persen bulan ini.\n\nPolisi menangkap dua tersangka pencurian."
FAST = {"job_poll_s": 0.02}


def finished(client: TestClient, job_id: str, **headers: str) -> dict[str, Any]:
    """The job's status once it is no longer queued or running."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status: dict[str, Any] = client.get(f"/v1/jobs/{job_id}", headers=headers).json()
        if status["status"] not in ("queued", "running"):
            return status
        time.sleep(0.02)
    raise AssertionError(f"job {job_id} did not finish: {status}")


def results(client: TestClient, job_id: str, **headers: str) -> list[dict[str, Any]]:
    response = client.get(f"/v1/jobs/{job_id}/results", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/x-ndjson"
    return [json.loads(line) for line in response.text.splitlines()]


def untimed(answer: dict[str, Any]) -> dict[str, Any]:
    if "stats" in answer:
        return {**answer, "stats": {**answer["stats"], "seconds": 0}}
    return answer


def test_each_item_gets_the_sync_endpoints_answer_in_input_order(make_app: AppFactory) -> None:
    items: list[dict[str, Any]] = [
        {"id": "a1", "title": "Harga naik", "text": ARTICLE},
        {"id": "a2", "html": f"<html><body><article><p>{ARTICLE}</p></article></body></html>"},
        {"id": "a3", "text": ARTICLE, "max_sentences": 5},
        {"id": 4, "text": ARTICLE, "html": "<p>both</p>"},
    ]
    with TestClient(make_app(**FAST)) as client:
        created = client.post(
            "/v1/jobs", json={"kind": "articles", "items": items, "options": {"max_sentences": 1}}
        )
        assert created.status_code == 202
        assert created.json() == {"id": created.json()["id"], "status": "queued", "total": 4}
        status = finished(client, created.json()["id"])
        assert (status["status"], status["done"], status["failed"]) == ("done", 3, 1)
        assert (status["progress"], status["eta_seconds"]) == (1.0, 0.0)
        lines = results(client, created.json()["id"])
        for item, line in zip(items, lines, strict=True):
            body = {"max_sentences": 1, **{k: v for k, v in item.items() if k != "id"}}
            answer = client.post("/v1/articles", json=body).json()
            assert untimed(line) == {"id": item["id"], **untimed(answer)}


def upload(client: TestClient, data: bytes, **fields: str) -> Any:
    return client.post("/v1/jobs", files={"file": ("archive.jsonl", data)}, data=fields)


def test_an_upload_runs_every_line_and_names_the_lines_it_cannot_read(
    make_app: AppFactory,
) -> None:
    data = (
        b'{"id": "t1", "texts": ["Harga beras naik lima persen bulan ini."]}\n'
        b"\n"
        b"{not json\n"
        b'{"id": "t1", "texts": ["again"]}\n'
        b'{"id": "t2", "texts": ["The minister spoke."], "source_lang": "auto"}\n'
    )
    with TestClient(make_app(**FAST)) as client:
        created = upload(client, data, kind="translate", options='{"source_lang": "id"}')
        assert created.status_code == 202
        assert created.json()["total"] == 4
        finished(client, created.json()["id"])
        first, bad, repeated, last = results(client, created.json()["id"])
    assert first["translations"][0]["text"] == "EN:HARGA BERAS NAIK LIMA PERSEN BULAN INI."
    assert bad == {
        "id": None,
        "error": {
            "code": "invalid_input",
            "message": "line 3 is not valid JSON (Expecting property name enclosed in double "
            "quotes at column 2)",
        },
    }
    assert repeated["id"] == "t1"
    assert repeated["error"]["message"].startswith("line 4: the id 't1' is used by an earlier")
    assert last["translations"][0]["text"] == "The minister spoke."  # the item's own option


def test_an_upload_with_no_readable_line_is_refused_and_leaves_no_job(
    make_app: AppFactory,
) -> None:
    with TestClient(make_app()) as client:
        response = upload(client, b"\x89PNG\r\n\x1a\n\x00\x00binary\n")
        assert response.status_code == 422
        assert response.json()["error"]["message"].startswith(
            "No item of the job can be read; the first problem: line 1 is not UTF-8 text"
        )
        empty = upload(client, b"\n\n")
        assert empty.status_code == 422
        assert "no items" in empty.json()["error"]["message"]
        assert client.get("/v1/jobs").json() == {"jobs": []}


def test_limits_on_items_and_upload_size_answer_413(make_app: AppFactory) -> None:
    lines = b"".join(b'{"id": %d, "texts": ["x"]}\n' % n for n in range(4))
    with TestClient(make_app(job_max_items=3, job_max_upload_bytes=400)) as client:
        too_many = upload(client, lines, kind="translate")
        assert too_many.status_code == 413
        assert "more than 3 items (WARTA_JOB_MAX_ITEMS)" in too_many.json()["error"]["message"]
        too_big = upload(client, lines * 10, kind="translate")
        assert too_big.status_code == 413
        assert too_big.json()["error"]["code"] == "body_too_large"
        assert "400 bytes" in too_big.json()["error"]["message"]
        assert client.get("/v1/jobs").json() == {"jobs": []}


def test_bad_job_requests_are_422_with_the_reason(make_app: AppFactory) -> None:
    bad = [
        ({"kind": "poems", "items": [{"id": "a"}]}, "kind"),
        ({"kind": "articles", "items": []}, "items"),
        ({"kind": "articles", "items": [{"id": "a"}], "options": {"text": "x"}}, "`text`"),
        ({"kind": "articles", "items": [{"id": "a"}], "options": {"mode": "x"}}, "mode"),
        ({"kind": "articles", "items": [{"id": "a"}], "extra": 1}, "extra"),
    ]
    with TestClient(make_app()) as client:
        for body, named in bad:
            response = client.post("/v1/jobs", json=body)
            assert response.status_code == 422, body
            assert named in response.json()["error"]["message"]
        broken = client.post("/v1/jobs", content=b"{", headers={"content-type": "application/json"})
        assert broken.status_code == 422
        form = upload(client, b'{"id": "a"}\n', kind="articles", options="[1")
        assert form.json()["error"]["message"] == "The form field `options` must be a JSON object."
        extra = upload(client, b'{"id": "a"}\n', colour="blue")
        assert "`colour`" in extra.json()["error"]["message"]
        no_file = client.post("/v1/jobs", data={"kind": "articles"}, files={"x": ("a", b"")})
        assert no_file.status_code == 422


def test_a_key_sees_only_its_own_jobs(make_app: AppFactory) -> None:
    one, two = {"Authorization": "Bearer key-one"}, {"Authorization": "Bearer key-two"}
    body = {"kind": "translate", "items": [{"id": "a", "texts": ["Harga naik."]}]}
    with TestClient(make_app(api_keys="key-one,key-two", **FAST)) as client:
        assert client.post("/v1/jobs", json=body).status_code == 401
        job_id = client.post("/v1/jobs", json=body, headers=one).json()["id"]
        finished(client, job_id, **one)
        assert [job["id"] for job in client.get("/v1/jobs", headers=one).json()["jobs"]] == [job_id]
        assert client.get("/v1/jobs", headers=two).json() == {"jobs": []}
        for method, path in [
            ("GET", f"/v1/jobs/{job_id}"),
            ("GET", f"/v1/jobs/{job_id}/results"),
            ("DELETE", f"/v1/jobs/{job_id}"),
        ]:
            response = client.request(method, path, headers=two)
            assert response.status_code == 404
            assert response.json()["error"]["code"] == "not_found"
        assert len(results(client, job_id, **one)) == 1
        for odd in ["nope", "j-%00", "j-" + "0" * 32, "%ud800"]:
            assert client.get(f"/v1/jobs/{odd}", headers=one).status_code == 404


def test_a_cancelled_job_starts_no_more_items(make_app: AppFactory, gated: GatedEngine) -> None:
    items = [{"id": f"t{n}", "texts": [f"Kalimat nomor {n} di sini."]} for n in range(30)]
    with TestClient(make_app(engine=gated, warmup=False, job_concurrency=1, **FAST)) as client:
        job_id = client.post("/v1/jobs", json={"kind": "translate", "items": items}).json()["id"]
        assert gated.entered.wait(30)
        running = client.get(f"/v1/jobs/{job_id}").json()
        assert (running["status"], running["done"], running["eta_seconds"]) == ("running", 0, None)
        cancelled = client.delete(f"/v1/jobs/{job_id}")
        assert cancelled.json()["status"] == "cancelled"
        gated.gate.set()
        time.sleep(0.5)  # time in which a runner that ignored the cancel would go on
        after = client.get(f"/v1/jobs/{job_id}").json()
        assert after["status"] == "cancelled"
        assert after["done"] <= 1  # at most the item already in the engine
        assert len(results(client, job_id)) == after["done"]


class SlowEngine(FakeEngine):
    """A FakeEngine whose every batch takes a few milliseconds, as a model's would."""

    def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[str]:
        time.sleep(0.01)
        return super().generate(texts, options)


def test_interactive_requests_keep_answering_while_a_job_runs(make_app: AppFactory) -> None:
    # Each class has its own queue bound: the job's queued sentences (4 items of 5) and
    # the interactive ones (8 requests of 3) would overflow one shared bound of 30.
    paragraph = " ".join(f"Kalimat nomor {n} tentang harga beras." for n in range(5))
    items = [{"id": n, "texts": [paragraph]} for n in range(300)]
    app = make_app(engine=SlowEngine(), max_queue_sentences=30, job_concurrency=4, **FAST)
    statuses: list[int] = []
    with TestClient(app) as client:
        job_id = client.post("/v1/jobs", json={"kind": "translate", "items": items}).json()["id"]
        during = 0

        def ask(n: int) -> None:
            text = f"Harga naik {n}. Polisi menangkap tersangka. Banjir di Jakarta."
            response = client.post("/v1/translate", json={"texts": [text]})
            statuses.append(response.status_code)

        while client.get(f"/v1/jobs/{job_id}").json()["status"] != "done":
            threads = [threading.Thread(target=ask, args=(n,)) for n in range(8)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            during += 1
        assert during >= 2, "the job finished before the interactive requests overlapped it"
    assert set(statuses) == {200}
