"""Jobs: items streamed in, status and totals, results in input order, owners, expiry."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from app.core.errors import InvalidInput
from app.store import (
    INPUT,
    RESULT,
    NewItem,
    Store,
    add_items,
    cancel_job,
    check_job_key,
    claim_items,
    complete_item,
    create_job,
    delete_expired_jobs,
    delete_job,
    fail_job,
    get_file,
    get_job,
    iter_results,
    list_jobs,
    owner_for_key,
    put_file,
    read_results,
    seal_job,
)
from tests.store.conftest import FakeClock

ALICE = owner_for_key("alice-key")
BOB = owner_for_key("bob-key")


def articles(count: int) -> Iterator[NewItem]:
    """A lazily generated archive, as a JSON Lines upload is parsed."""
    for n in range(count):
        yield NewItem(f"a{n}", {"title": f"Berita {n}", "text": f"Harga beras naik {n} persen."})


def finish_all(store: Store, job_id: str) -> None:
    while items := claim_items(store, limit=7, job_id=job_id):
        for item in items:
            if item.position % 10 == 3:
                complete_item(store, item, error={"code": "text_too_long", "message": "x"})
            else:
                complete_item(store, item, result={"translation": item.input["title"]})


def test_a_new_job_is_queued_and_empty(store: Store, clock: FakeClock) -> None:
    job = create_job(store, "articles", owner=ALICE, options={"summary": False})
    assert job.id.startswith("j-")
    assert (job.status, job.total, job.done, job.failed, job.sealed) == (
        "queued",
        0,
        0,
        0,
        False,
    )
    assert job.options == {"summary": False}
    assert job.created_at == job.updated_at == clock.now
    assert job.started_at is None and job.finished_at is None


def test_items_streamed_in_chunks_keep_their_input_order(store: Store) -> None:
    job = create_job(store, "articles", owner=ALICE)
    assert add_items(store, job.id, articles(25), chunk_size=4) == 25
    assert add_items(store, job.id, [NewItem("last", {"title": "Akhir", "text": "."})]) == 26
    assert add_items(store, job.id, []) == 26
    results = list(iter_results(store, job.id, batch=6))
    assert [r.position for r in results] == list(range(26))
    assert [r.id for r in results] == [f"a{n}" for n in range(25)] + ["last"]
    assert {r.status for r in results} == {"queued"}
    assert all(r.result is None and r.error is None for r in results)
    info = get_job(store, job.id, ALICE)
    assert info is not None and info.total == 26 and info.status == "queued"


def test_job_is_done_only_once_sealed_and_every_item_finished(
    store: Store, clock: FakeClock
) -> None:
    job = create_job(store, "translate", owner=ALICE)
    add_items(store, job.id, articles(20))
    finish_all(store, job.id)
    unsealed = get_job(store, job.id, ALICE)
    assert unsealed is not None and unsealed.status == "running"
    assert (unsealed.done, unsealed.failed) == (18, 2)
    clock.advance(3)
    sealed = seal_job(store, job.id)
    assert (sealed.status, sealed.sealed, sealed.finished_at) == ("done", True, clock.now)


def test_results_come_in_input_order_with_errors_in_place(store: Store) -> None:
    job = create_job(store, "articles", owner=ALICE)
    add_items(store, job.id, articles(30), chunk_size=8)
    seal_job(store, job.id)
    finish_all(store, job.id)
    info = get_job(store, job.id, ALICE)
    assert info is not None
    assert (info.status, info.total, info.done, info.failed) == ("done", 30, 27, 3)
    results = list(iter_results(store, job.id, batch=4))
    assert [r.id for r in results] == [f"a{n}" for n in range(30)]
    for r in results:
        if r.position % 10 == 3:
            assert r.status == "failed" and r.result is None
            assert r.error == {"code": "text_too_long", "message": "x"}
        else:
            assert r.status == "done" and r.result == {"translation": f"Berita {r.position}"}
    page = read_results(store, job.id, after=27, limit=10)
    assert [r.id for r in page] == ["a28", "a29"]


def test_a_job_whose_every_item_failed_is_failed(store: Store) -> None:
    job = create_job(store, "document", owner=ALICE)
    add_items(store, job.id, [NewItem("doc", {"file": INPUT})])
    seal_job(store, job.id)
    (item,) = claim_items(store)
    complete_item(store, item, error={"code": "unsupported_file", "message": "not a docx"})
    info = get_job(store, job.id, ALICE)
    assert info is not None and (info.status, info.failed) == ("failed", 1)


def test_a_sealed_job_without_items_is_done(store: Store) -> None:
    job = create_job(store, "translate")
    assert seal_job(store, job.id).status == "done"


def test_repeated_item_ids_are_refused_within_and_across_chunks(store: Store) -> None:
    job = create_job(store, "articles", owner=ALICE)
    with pytest.raises(InvalidInput, match="'a1' appears twice"):
        add_items(store, job.id, [NewItem("a1", {}), NewItem("a1", {})])
    add_items(store, job.id, articles(3))
    with pytest.raises(InvalidInput, match="'a2' appears twice"):
        add_items(store, job.id, [NewItem("new", {}), NewItem("a2", {})])
    info = get_job(store, job.id, ALICE)
    assert info is not None and info.total == 3
    assert [r.id for r in iter_results(store, job.id)] == ["a0", "a1", "a2"]


@pytest.mark.parametrize("bad_id", ["", "x" * 256])
def test_item_ids_must_be_short_non_empty_strings(store: Store, bad_id: str) -> None:
    job = create_job(store, "articles")
    with pytest.raises(InvalidInput, match="string id of 1 to 255"):
        add_items(store, job.id, [NewItem(bad_id, {})])


def test_a_sealed_job_takes_no_more_items(store: Store) -> None:
    job = create_job(store, "articles")
    seal_job(store, job.id)
    with pytest.raises(ValueError, match="sealed"):
        add_items(store, job.id, articles(1))


def test_unknown_kind_is_refused(store: Store) -> None:
    with pytest.raises(InvalidInput, match="unknown job kind 'summaries'"):
        create_job(store, "summaries")  # type: ignore[arg-type]


def test_jobs_are_listed_per_owner_newest_first(store: Store, clock: FakeClock) -> None:
    first = create_job(store, "articles", owner=ALICE)
    clock.advance(1)
    second = create_job(store, "translate", owner=ALICE)
    create_job(store, "articles", owner=BOB)
    assert [j.id for j in list_jobs(store, ALICE)] == [second.id, first.id]
    assert [j.id for j in list_jobs(store, ALICE, limit=1, offset=1)] == [first.id]
    assert get_job(store, first.id, BOB) is None
    assert cancel_job(store, first.id, BOB) is None
    assert delete_job(store, first.id, BOB) is False


def test_cancel_stops_claims_and_keeps_finished_results(store: Store, clock: FakeClock) -> None:
    job = create_job(store, "articles", owner=ALICE)
    add_items(store, job.id, articles(5))
    seal_job(store, job.id)
    (item,) = claim_items(store)
    complete_item(store, item, result={"translation": "done before cancel"})
    cancelled = cancel_job(store, job.id, ALICE)
    assert cancelled is not None and cancelled.status == "cancelled"
    assert claim_items(store, limit=10) == []
    results = list(iter_results(store, job.id))
    assert results[0].result == {"translation": "done before cancel"}
    assert [r.status for r in results[1:]] == ["queued"] * 4
    clock.advance(60)
    again = cancel_job(store, job.id, ALICE)
    assert again is not None and again.finished_at == cancelled.finished_at


def test_cancelling_a_finished_job_changes_nothing(store: Store) -> None:
    job = create_job(store, "translate", owner=ALICE)
    seal_job(store, job.id)
    after = cancel_job(store, job.id, ALICE)
    assert after is not None and after.status == "done"


def test_fail_job_records_the_reason(store: Store) -> None:
    job = create_job(store, "document", owner=ALICE)
    assert fail_job(store, job.id, {"code": "unreadable", "message": "not a .docx file"})
    info = get_job(store, job.id, ALICE)
    assert info is not None and info.status == "failed"
    assert info.error == {"code": "unreadable", "message": "not a .docx file"}
    assert fail_job(store, job.id, {"code": "again"}) is False


def test_delete_job_removes_items_and_files(store: Store) -> None:
    job = create_job(store, "document", owner=ALICE)
    add_items(store, job.id, articles(3))
    put_file(store, job.id, INPUT, name="a.txt", media_type="text/plain", data=b"Halo")
    assert delete_job(store, job.id, ALICE) is True
    assert get_job(store, job.id, ALICE) is None
    assert read_results(store, job.id) == []
    assert get_file(store, job.id, INPUT) is None


def test_expiry_deletes_old_finished_and_abandoned_jobs_only(
    store: Store, clock: FakeClock
) -> None:
    finished = create_job(store, "translate", owner=ALICE)
    add_items(store, finished.id, articles(2))
    seal_job(store, finished.id)
    finish_all(store, finished.id)
    abandoned = create_job(store, "articles", owner=ALICE)
    add_items(store, abandoned.id, articles(2))
    waiting = create_job(store, "articles", owner=ALICE)
    add_items(store, waiting.id, articles(2))
    seal_job(store, waiting.id)
    clock.advance(3600)
    recent = create_job(store, "translate", owner=ALICE)
    seal_job(store, recent.id)

    assert delete_expired_jobs(store, timedelta(minutes=30)) == 2
    left = {j.id for j in list_jobs(store, ALICE)}
    assert left == {waiting.id, recent.id}
    assert read_results(store, finished.id) == []


def test_document_key_is_checked_and_never_stored_in_clear(store: Store) -> None:
    job = create_job(store, "document", owner=ALICE, key="s3cret-document-key")
    assert check_job_key(store, job.id, "s3cret-document-key") is True
    assert check_job_key(store, job.id, "s3cret-document-kez") is False
    assert check_job_key(store, "j-missing", "s3cret-document-key") is False
    keyless = create_job(store, "document", owner=ALICE)
    assert check_job_key(store, keyless.id, "") is False
    with store.read() as conn:
        dump = "\n".join(str(row) for row in conn.exec_driver_sql("SELECT * FROM jobs"))
    assert "s3cret" not in dump


def test_files_round_trip_byte_for_byte(store: Store) -> None:
    job = create_job(store, "document", owner=ALICE)
    upload = bytes(range(256)) * 4000  # ~1 MB, every byte value
    put_file(store, job.id, INPUT, name="laporan.docx", media_type="application/zip", data=upload)
    assert get_file(store, job.id, RESULT) is None
    put_file(store, job.id, RESULT, name="report.docx", media_type="application/zip", data=b"v1")
    put_file(store, job.id, RESULT, name="report.docx", media_type="application/zip", data=b"v2")
    stored = get_file(store, job.id, INPUT)
    assert stored is not None and stored.data == upload and stored.name == "laporan.docx"
    result = get_file(store, job.id, RESULT)
    assert result is not None and result.data == b"v2"
