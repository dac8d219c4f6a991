"""/v1/glossaries: stored glossaries per key, created from JSON or a TSV/CSV upload, and
applied by ``glossary_id`` on /v1/translate, /v1/articles and jobs beneath the inline
``glossary``."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.text.entries import MAX_TERM_CHARS
from tests.api.conftest import AppFactory
from tests.api.test_jobs import finished, results

NEWSROOM = {"DPR": "House of Representatives", "KPK": "Corruption Eradication Commission"}
SENTENCE = "DPR-nya menolak usulan KPK."
FAST = {"job_poll_s": 0.02}


def create(client: TestClient, name: str = "newsroom", **headers: str) -> dict[str, Any]:
    response = client.post(
        "/v1/glossaries", json={"name": name, "entries": NEWSROOM}, headers=headers
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def translate(client: TestClient, headers: dict[str, str] | None = None, **fields: Any) -> Any:
    body = {"texts": [SENTENCE], "source_lang": "id", "return_segments": True, **fields}
    return client.post("/v1/translate", json=body, headers=headers)


def test_a_glossary_is_created_listed_read_changed_and_deleted(client: TestClient) -> None:
    created = create(client)
    assert created["id"].startswith("g-")
    assert (created["name"], created["entry_count"]) == ("newsroom", 2)
    assert {"created_at", "updated_at", "source_lang", "target_lang"} <= created.keys()
    assert client.get("/v1/glossaries").json() == {"glossaries": [created]}
    url = f"/v1/glossaries/{created['id']}"
    assert client.get(url).json() == {**created, "entries": NEWSROOM}

    replaced = client.put(url, json={"entries": {"MK": "Constitutional Court"}, "name": "court"})
    assert replaced.status_code == 200, replaced.text
    assert (replaced.json()["name"], replaced.json()["entry_count"]) == ("court", 1)
    assert client.get(url).json()["entries"] == {"MK": "Constitutional Court"}

    merged = client.patch(url, json={"entries": {"MK": "the Court", "DPR": "parliament"}})
    assert merged.json()["entry_count"] == 2
    assert client.get(url).json()["entries"] == {"MK": "the Court", "DPR": "parliament"}
    renamed = client.patch(url, json={"name": "  desk  "})
    assert renamed.json()["name"] == "desk"
    assert client.get(url + "/entries").text == "MK\tthe Court\nDPR\tparliament\n"

    assert client.delete(url).status_code == 204
    for method in ("GET", "DELETE", "PUT"):
        gone = client.request(method, url, json={"entries": NEWSROOM})
        assert gone.status_code == 404
        assert gone.json()["error"]["code"] == "not_found"
    assert client.get("/v1/glossaries").json() == {"glossaries": []}


@pytest.mark.parametrize(
    ("filename", "data", "fields"),
    [
        ("desk.tsv", "DPR\tHouse of Representatives\n\n KPK \t KPK \r\n", {}),
        ("desk.txt", "\ufeffDPR\tHouse of Representatives\nKPK\tKPK", {}),
        ("desk.csv", "DPR,House of Representatives\nKPK,KPK,id,en\n", {}),
        ("desk", '"DPR","House of Representatives"\r\nKPK,KPK\r\n', {"entries_format": "csv"}),
    ],
)
def test_a_tsv_or_csv_upload_becomes_a_glossary(
    client: TestClient, filename: str, data: str, fields: dict[str, str]
) -> None:
    response = client.post(
        "/v1/glossaries",
        files={"file": (filename, data.encode())},
        data={"name": "desk", **fields},
    )
    assert response.status_code == 201, response.text
    stored = client.get(f"/v1/glossaries/{response.json()['id']}").json()
    assert stored["entries"] == {"DPR": "House of Representatives", "KPK": "KPK"}


def test_an_upload_replaces_the_entries(client: TestClient) -> None:
    url = f"/v1/glossaries/{create(client)['id']}"
    data = b'"Jokowi, Presiden",President Joko Widodo\n'
    response = client.put(url, files={"file": ("new.csv", data)})
    assert response.status_code == 200, response.text
    assert response.json()["name"] == "newsroom"
    assert client.get(url).json()["entries"] == {"Jokowi, Presiden": "President Joko Widodo"}


def upload(client: TestClient, data: bytes, **fields: str) -> Any:
    return client.post(
        "/v1/glossaries", files={"file": ("desk.tsv", data)}, data={"name": "desk", **fields}
    )


@pytest.mark.parametrize(
    ("data", "fields", "expected"),
    [
        (b"DPR\tHouse\nKPK\n", {}, "line 2"),
        (b"DPR\tHouse\nMK\tCourt\textra\n", {}, "line 2"),
        (b"DPR\tHouse\n\nKPK\t  \n", {}, "line 3: the target term is empty"),
        (b"DPR\tHouse\nMK\tCourt\nDPR\tParliament\n", {}, "line 3: the source term 'DPR'"),
        (b"\n\n", {}, "no entries"),
        (b"DPR,House,en,id\n", {"entries_format": "csv"}, "language pair"),
        (b"DPR\tHouse\n", {"entries_format": "xlsx"}, "tsv` or `csv"),
        (b"DPR\tHouse\n", {"colour": "red"}, "colour"),
        ("DPR\tDewan\n".encode("utf-16"), {}, "UTF-8"),
    ],
)
def test_a_bad_upload_is_refused_naming_the_problem(
    client: TestClient, data: bytes, fields: dict[str, str], expected: str
) -> None:
    response = upload(client, data, **fields)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "invalid_input"
    assert expected in response.json()["error"]["message"]
    assert client.get("/v1/glossaries").json() == {"glossaries": []}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"name": "desk", "entries": {}}, "empty"),
        ({"name": "desk", "entries": {" ": "House"}}, "source term is empty"),
        ({"name": "desk", "entries": {"DPR": "A", " DPR ": "B"}}, "already appears"),
        ({"name": "desk", "entries": {"DPR": "a\nb"}}, "control character"),
        ({"name": "desk", "entries": {"DPR": "x" * (MAX_TERM_CHARS + 1)}}, "limit"),
        ({"name": "   ", "entries": NEWSROOM}, "name is empty"),
        ({"name": "x" * 1025, "entries": NEWSROOM}, "the limit is 1024"),
        ({"entries": NEWSROOM}, "name"),
        ({"name": "desk", "entries": {"DPR": 1}}, "entries.DPR"),
        ({"name": "desk", "entries": NEWSROOM, "colour": "red"}, "colour"),
    ],
)
def test_bad_json_is_refused_naming_the_problem(
    client: TestClient, body: dict[str, Any], expected: str
) -> None:
    response = client.post("/v1/glossaries", json=body)
    assert response.status_code == 422, response.text
    assert expected in response.json()["error"]["message"]
    assert client.get("/v1/glossaries").json() == {"glossaries": []}


def test_a_term_given_twice_in_json_is_refused_not_dropped(client: TestClient) -> None:
    body = b'{"name": "desk", "entries": {"DPR": "House", "DPR": "Parliament"}}'
    response = client.post("/v1/glossaries", content=body)
    assert response.status_code == 422
    assert "'DPR' twice" in response.json()["error"]["message"]
    url = f"/v1/glossaries/{create(client)['id']}"
    merged = client.patch(url, content=b'{"entries": {"MK": "Court", "MK": "the Court"}}')
    assert merged.status_code == 422
    assert client.get(url).json()["entries"] == NEWSROOM


def test_a_failed_change_leaves_the_glossary_as_it_was(client: TestClient) -> None:
    created = create(client)
    url = f"/v1/glossaries/{created['id']}"
    bad_name = client.put(url, json={"entries": {"MK": "Court"}, "name": " "})
    assert bad_name.status_code == 422
    bad_entry = client.put(url, json={"entries": {"MK": ""}, "name": "court"})
    assert bad_entry.status_code == 422
    assert client.get(url).json() == {**created, "entries": NEWSROOM}


def test_more_entries_than_the_limit_is_a_413(make_app: AppFactory) -> None:
    with TestClient(make_app(glossary_max_entries=2)) as client:
        too_many = {**NEWSROOM, "MK": "Constitutional Court"}
        response = client.post("/v1/glossaries", json={"name": "desk", "entries": too_many})
        assert response.status_code == 413
        assert "WARTA_GLOSSARY_MAX_ENTRIES" in response.json()["error"]["message"]
        assert upload(client, b"A\ta\nB\tb\nC\tc\n").status_code == 413
        url = f"/v1/glossaries/{create(client)['id']}"
        merged = client.patch(url, json={"entries": {"MK": "Constitutional Court"}})
        assert merged.status_code == 413
        assert client.get(url).json()["entries"] == NEWSROOM


def test_a_stored_glossary_applies_beneath_the_inline_one(client: TestClient) -> None:
    glossary_id = create(client)["id"]
    response = translate(client, glossary_id=glossary_id, glossary={"KPK": "the KPK"})
    assert response.status_code == 200, response.text
    (segment,) = response.json()["translations"][0]["segments"]
    # FakeEngine upper-cases what it copies; every glossary target comes back as given.
    assert segment["translation"] == "EN:House of Representatives MENOLAK USULAN the KPK."
    assert segment["terms"] == [
        {"source": "DPR", "target": "House of Representatives"},
        {"source": "KPK", "target": "the KPK"},
    ]
    inline_only = translate(client, glossary={**NEWSROOM, "KPK": "the KPK"}).json()
    assert response.json() == inline_only

    article = client.post(
        "/v1/articles",
        json={"title": "KPK bertemu DPR", "text": SENTENCE, "glossary_id": glossary_id},
    ).json()
    assert article["title"]["translation"] == (
        "EN:Corruption Eradication Commission BERTEMU House of Representatives"
    )
    assert "House of Representatives" in article["translation"]


@pytest.mark.parametrize("glossary_id", ["g-" + "0" * 32, "newsroom", "../../etc"])
def test_an_unknown_glossary_id_is_a_404(client: TestClient, glossary_id: str) -> None:
    for path, body in (
        ("/v1/translate", {"texts": [SENTENCE], "glossary_id": glossary_id}),
        ("/v1/articles", {"text": SENTENCE, "glossary_id": glossary_id}),
        (
            "/v1/jobs",
            {
                "kind": "translate",
                "items": [{"id": 1, "texts": [SENTENCE]}],
                "options": {"glossary_id": glossary_id},
            },
        ),
    ):
        response = client.post(path, json=body)
        assert response.status_code == 404, (path, response.text)
        assert response.json()["error"]["code"] == "not_found"
    assert client.get("/v1/jobs").json()["jobs"] == []


def test_each_key_sees_and_uses_only_its_own_glossaries(make_app: AppFactory) -> None:
    alice, bob = {"Authorization": "Bearer alice"}, {"Authorization": "Bearer bob"}
    with TestClient(make_app(api_keys="alice,bob")) as client:
        assert client.get("/v1/glossaries").status_code == 401
        created = create(client, **alice)
        url = f"/v1/glossaries/{created['id']}"
        assert client.get("/v1/glossaries", headers=bob).json() == {"glossaries": []}
        assert client.get(url, headers=bob).status_code == 404
        assert client.put(url, json={"entries": {"A": "b"}}, headers=bob).status_code == 404
        assert client.patch(url, json={"name": "mine"}, headers=bob).status_code == 404
        assert client.delete(url, headers=bob).status_code == 404
        used = translate(client, glossary_id=created["id"], headers=bob)
        assert used.status_code == 404
        mine = translate(client, glossary_id=created["id"], headers=alice)
        assert "House of Representatives" in mine.json()["translations"][0]["text"]
        assert client.get(url, headers=alice).json() == {**created, "entries": NEWSROOM}


def test_a_job_keeps_the_glossary_it_was_submitted_with(make_app: AppFactory) -> None:
    items = [
        {"id": "t1", "texts": [SENTENCE]},
        {"id": "t2", "texts": ["KPK datang."], "glossary": {"KPK": "the KPK"}},
    ]
    with TestClient(make_app(job_runner=False)) as client:
        glossary_id = create(client)["id"]
        job = client.post(
            "/v1/jobs",
            json={"kind": "translate", "items": items, "options": {"glossary_id": glossary_id}},
        ).json()
        # Changed and then deleted before any item runs: the job has its own copy.
        client.put(f"/v1/glossaries/{glossary_id}", json={"entries": {"DPR": "parliament"}})
        assert client.delete(f"/v1/glossaries/{glossary_id}").status_code == 204
    with TestClient(make_app(**FAST)) as client:
        assert finished(client, job["id"])["status"] == "done"
        first, second = results(client, job["id"])
    assert first["translations"][0]["text"] == (
        "EN:House of Representatives MENOLAK USULAN Corruption Eradication Commission."
    )
    assert second["translations"][0]["text"] == "EN:the KPK DATANG."


def test_a_document_uses_a_stored_glossary(make_app: AppFactory) -> None:
    with TestClient(make_app(**FAST)) as client:
        glossary_id = create(client)["id"]
        document = client.post(
            "/v1/documents",
            files={"file": ("news.txt", SENTENCE.encode())},
            data={"glossary_id": glossary_id},
        )
        assert document.status_code == 202, document.text
        assert finished(client, document.json()["id"])["status"] == "done"
        result = client.get(f"/v1/documents/{document.json()['id']}/result")
        assert "House of Representatives" in result.text
        unknown = client.post(
            "/v1/documents",
            files={"file": ("news.txt", SENTENCE.encode())},
            data={"glossary_id": "g-" + "0" * 32},
        )
        assert unknown.status_code == 404


def test_openapi_lists_the_glossary_endpoints(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    assert {"post", "get"} <= paths["/v1/glossaries"].keys()
    assert {"get", "put", "patch", "delete"} <= paths["/v1/glossaries/{glossary_id}"].keys()
    content = paths["/v1/glossaries"]["post"]["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= content.keys()
    assert "glossary_id" in spec["components"]["schemas"]["TranslateRequest"]["properties"]
