"""Glossaries: stored per owner, entries kept in order, changed the ways DeepL allows."""

from __future__ import annotations

from datetime import UTC

import pytest

from app.core.errors import InvalidInput
from app.store import (
    Store,
    create_glossary,
    delete_glossary,
    get_glossary,
    list_glossaries,
    owner_for_key,
    replace_entries,
    update_glossary,
)
from tests.store.conftest import FakeClock

NEWSROOM = {
    "DPR": "House of Representatives",
    "KPK": "KPK",
    "Pemilu": "General Election",
}
ALICE = owner_for_key("alice-key")
BOB = owner_for_key("bob-key")


def test_created_glossary_comes_back_with_its_entries_in_order(
    store: Store, clock: FakeClock
) -> None:
    info = create_glossary(store, name="newsroom", entries=NEWSROOM, owner=ALICE)
    assert info.id.startswith("g-")
    assert (info.name, info.entry_count) == ("newsroom", 3)
    assert (info.source_lang, info.target_lang) == ("id", "en")
    # DeepL clients need fractional seconds and a zone in creation_time.
    assert info.created_at == clock.now
    assert info.created_at.tzinfo is not None and info.created_at.utcoffset() == UTC.utcoffset(None)

    glossary = get_glossary(store, info.id, ALICE)
    assert glossary is not None
    assert list(glossary.entries.items()) == list(NEWSROOM.items())
    assert glossary.created_at.microsecond == 123456


def test_another_owner_sees_nothing_and_cannot_change_it(store: Store) -> None:
    info = create_glossary(store, name="newsroom", entries=NEWSROOM, owner=ALICE)
    assert get_glossary(store, info.id, BOB) is None
    assert list_glossaries(store, BOB) == []
    assert replace_entries(store, info.id, BOB, {"a": "b"}) is None
    assert update_glossary(store, info.id, BOB, name="stolen") is None
    assert delete_glossary(store, info.id, BOB) is False
    assert get_glossary(store, info.id, None) is None
    kept = get_glossary(store, info.id, ALICE)
    assert kept is not None and kept.name == "newsroom" and kept.entries == NEWSROOM


def test_no_owner_is_the_same_owner_as_the_empty_one(store: Store) -> None:
    info = create_glossary(store, name="open", entries={"BMKG": "BMKG"}, owner=None)
    assert [g.id for g in list_glossaries(store, "")] == [info.id]
    assert get_glossary(store, info.id, None) is not None


def test_list_shows_each_owners_glossaries_oldest_first(store: Store, clock: FakeClock) -> None:
    first = create_glossary(store, name="first", entries={"a": "b"}, owner=ALICE)
    clock.advance(1)
    second = create_glossary(store, name="second", entries=NEWSROOM, owner=ALICE)
    create_glossary(store, name="bob's", entries={"a": "b"}, owner=BOB)
    listed = list_glossaries(store, ALICE)
    assert [(g.id, g.entry_count) for g in listed] == [(first.id, 1), (second.id, 3)]


def test_replace_entries_drops_the_old_ones(store: Store, clock: FakeClock) -> None:
    info = create_glossary(store, name="newsroom", entries=NEWSROOM, owner=ALICE)
    clock.advance(5)
    replaced = replace_entries(store, info.id, ALICE, {"Polri": "National Police"})
    assert replaced is not None
    assert replaced.entry_count == 1 and replaced.updated_at == clock.now
    assert replaced.created_at == info.created_at
    glossary = get_glossary(store, info.id, ALICE)
    assert glossary is not None and glossary.entries == {"Polri": "National Police"}


def test_merge_overwrites_known_terms_and_appends_new_ones(store: Store) -> None:
    info = create_glossary(store, name="newsroom", entries=NEWSROOM, owner=ALICE)
    merged = update_glossary(
        store, info.id, ALICE, merge={"KPK": "Corruption Eradication Commission", "MK": "MK"}
    )
    assert merged is not None and merged.entry_count == 4
    glossary = get_glossary(store, info.id, ALICE)
    assert glossary is not None
    assert list(glossary.entries.items()) == [
        ("DPR", "House of Representatives"),
        ("KPK", "Corruption Eradication Commission"),
        ("Pemilu", "General Election"),
        ("MK", "MK"),
    ]


def test_rename_keeps_the_entries(store: Store) -> None:
    info = create_glossary(store, name="newsroom", entries=NEWSROOM, owner=ALICE)
    renamed = update_glossary(store, info.id, ALICE, name="  desk  ")
    assert renamed is not None and renamed.name == "desk"
    glossary = get_glossary(store, info.id, ALICE)
    assert glossary is not None and glossary.entries == NEWSROOM


def test_delete_removes_the_glossary(store: Store) -> None:
    info = create_glossary(store, name="newsroom", entries=NEWSROOM, owner=ALICE)
    assert delete_glossary(store, info.id, ALICE) is True
    assert get_glossary(store, info.id, ALICE) is None
    assert list_glossaries(store, ALICE) == []
    assert delete_glossary(store, info.id, ALICE) is False


@pytest.mark.parametrize(
    ("name", "entries", "message"),
    [
        ("", {"a": "b"}, "name is empty"),
        ("x" * 1025, {"a": "b"}, "limit is 1024"),
        ("ok", {"DPR": ""}, "target term is empty"),
        ("ok", {"DPR": "House", " DPR ": "House"}, "already appears"),
        ("ok", {"DPR\tRI": "House"}, r"control character U\+0009"),
    ],
)
def test_bad_names_and_entries_are_refused_and_nothing_is_stored(
    store: Store, name: str, entries: dict[str, str], message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        create_glossary(store, name=name, entries=entries, owner=ALICE)
    assert list_glossaries(store, ALICE) == []


def test_a_bad_merge_leaves_the_glossary_unchanged(store: Store) -> None:
    info = create_glossary(store, name="newsroom", entries=NEWSROOM, owner=ALICE)
    with pytest.raises(InvalidInput):
        update_glossary(store, info.id, ALICE, name="renamed", merge={"MK": "  "})
    glossary = get_glossary(store, info.id, ALICE)
    assert glossary is not None and glossary.name == "newsroom" and glossary.entries == NEWSROOM


def test_large_glossary_round_trips(store: Store) -> None:
    entries = {f"istilah {n}": f"term {n}" for n in range(5000)}
    info = create_glossary(store, name="big", entries=entries, owner=ALICE)
    glossary = get_glossary(store, info.id, ALICE)
    assert glossary is not None and list(glossary.entries.items()) == list(entries.items())
