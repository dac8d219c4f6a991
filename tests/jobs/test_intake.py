"""Reading a job's input: every line becomes an item, a bad one an error naming it."""

from __future__ import annotations

import io
from typing import Any

import pytest

from app.core.errors import InvalidInput, TextTooLong
from app.jobs.intake import (
    ITEM,
    REJECTED,
    HugeNumber,
    Intake,
    Problem,
    check_options,
    json_lines,
    line,
    position,
    read_json,
)


def read(data: bytes, max_line_bytes: int = 1000) -> list[tuple[int, Any]]:
    return list(json_lines(io.BytesIO(data), max_line_bytes))


def test_lines_are_numbered_as_an_editor_counts_them_and_blank_lines_skipped() -> None:
    data = b'\xef\xbb\xbf{"id": "a"}\r\n\n   \n{"id": "b"}'
    assert read(data) == [(1, {"id": "a"}), (4, {"id": "b"})]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"{oops}\n", "line 1 is not valid JSON (Expecting property name"),
        (b'{"id": "a", "text": "\xff"}\n', "line 1 is not UTF-8 text"),
        (b'{"id": NaN}\n', "line 1 is not valid JSON (NaN is not a JSON number)"),
        (b"[" * 100_000 + b"\n", "line 1 is not valid JSON"),
    ],
)
def test_an_unreadable_line_is_a_problem_that_says_why(data: bytes, expected: str) -> None:
    [(number, value)] = read(data, max_line_bytes=200_000)
    assert number == 1
    assert isinstance(value, Problem)
    assert value.message.startswith(expected)


def test_a_line_over_the_cap_is_skipped_whole_and_the_next_one_read() -> None:
    data = b'{"id": "long", "text": "' + b"x" * 5000 + b'"}\n{"id": "next"}\n'
    first, second = read(data, max_line_bytes=100)
    assert isinstance(first[1], Problem)
    assert "line 1 is longer than 100 bytes" in first[1].message
    assert second == (2, {"id": "next"})


def test_a_line_exactly_at_the_cap_is_read() -> None:
    body = b'{"id": "x"}'
    assert read(body + b"\n", max_line_bytes=len(body)) == [(1, {"id": "x"})]


def intake(values: list[Any], max_items: int = 100) -> tuple[Intake, list[Any]]:
    reader = Intake(line, max_items)
    return reader, list(reader.items(enumerate(values, 1)))


def test_good_items_keep_their_body_and_bad_ones_carry_their_error() -> None:
    reader, items = intake(
        [
            {"id": "a", "text": "Harga naik."},
            {"id": 7, "text": "Banjir."},
            {"text": "no id"},
            ["not", "an object"],
            {"id": "a", "text": "again"},
            {"id": "tab\there"},
            {"id": True},
            Problem("line 8 is not UTF-8 text"),
            {"id": "s", "text": "\ud800"},
        ]
    )
    assert [item.input.get(ITEM) for item in items[:2]] == [
        {"id": "a", "text": "Harga naik."},
        {"id": 7, "text": "Banjir."},
    ]
    errors = [item.input[REJECTED]["message"] for item in items[2:]]
    assert errors[0].startswith("line 3 has no usable `id`")
    assert errors[1] == "line 4 is not a JSON object with an `id`"
    assert errors[2].startswith("line 5: the id 'a' is used by an earlier item")
    assert errors[3].startswith("line 6 has no usable `id`")
    assert errors[4].startswith("line 7 has no usable `id`")
    assert errors[5] == "line 8 is not UTF-8 text"
    assert errors[6] == "line 9 contains a lone surrogate escape (\\ud800...), not text"
    assert items[4].input["id"] == "a"  # a repeated id is still named in its error line
    assert reader.accepted == 2
    assert len({item.id for item in items}) == len(items)  # the store's keys stay unique


def test_more_items_than_the_limit_is_refused() -> None:
    with pytest.raises(TextTooLong, match="more than 2 items"):
        intake([{"id": n} for n in range(3)], max_items=2)


def test_items_of_a_json_body_are_named_by_their_index() -> None:
    reader = Intake(position, 10)
    [item] = reader.items([(3, "x")])
    assert item.input[REJECTED]["message"] == "items[3] is not a JSON object with an `id`"


@pytest.mark.parametrize(
    ("kind", "options", "expected"),
    [
        ("articles", {"text": "x"}, "`text` belongs in each item"),
        ("translate", {"texts": ["x"]}, "`texts` belongs in each item"),
        ("articles", {"mode": "poetic"}, "mode"),
        ("articles", {"max_sentences": "3"}, "max_sentences"),
        ("translate", {"sauce": 1}, "sauce"),
        ("translate", ["source_lang"], "options must be a JSON object"),
        ("translate", {"source_lang": "\ud800"}, "lone surrogate"),
    ],
)
def test_options_must_be_the_sync_calls_own_fields(kind: Any, options: Any, expected: str) -> None:
    with pytest.raises(InvalidInput, match=expected):
        check_options(kind, options)


def test_valid_options_pass_unchanged() -> None:
    assert check_options("articles", {"mode": "extractive", "max_sentences": 2}) == {
        "mode": "extractive",
        "max_sentences": 2,
    }
    assert check_options("translate", {"source_lang": "id"}) == {"source_lang": "id"}


# Ids no item can be matched by: each fails its own item, and the job goes on.
ODD_IDS: dict[str, tuple[Any, str]] = {
    "400-digit integer": (10**399, "an integer of 400 digits"),
    "5,000-digit integer": (HugeNumber(5000), "an integer of 5000 digits"),
    "negative 300-digit integer": (-(10**299), "an integer of 300 digits"),
    "fraction": (1.5, "a number that is not an integer"),
    "infinity (1e400)": (float("inf"), "a number that is not an integer"),
    "array": ([1], "an array"),
    "object": ({"a": 1}, "an object"),
    "256 characters": ("x" * 256, "a string of 256 characters"),
    "empty string": ("", "a string of 0 characters"),
    "null": (None, "none given, or null"),
    "boolean": (False, "`false`"),
    "newline": ("a\nb", "a string with a control character"),
}


@pytest.mark.parametrize(("odd", "described"), list(ODD_IDS.values()), ids=list(ODD_IDS))
def test_an_odd_id_is_refused_for_its_own_item_saying_what_it_is(odd: Any, described: str) -> None:
    reader, items = intake([{"id": odd, "texts": ["x"]}, {"id": 255 * "9", "texts": ["y"]}])
    message = items[0].input[REJECTED]["message"]
    assert message.startswith(f"line 1 has no usable `id` ({described})")
    assert items[1].input[ITEM]["id"] == 255 * "9"
    assert reader.accepted == 1


def test_a_number_too_long_to_read_fails_only_the_line_or_item_that_holds_it() -> None:
    huge = b"9" * 5000
    lines = b'{"id": "a", "texts": [' + huge + b']}\n{"id": ' + huge + b'}\n{"id": "b"}\n'
    values = list(json_lines(io.BytesIO(lines), 1 << 20))
    reader, items = intake([value for _, value in values])
    first, second = (item.input[REJECTED]["message"] for item in items[:2])
    assert first == "line 1 contains a number of over 4000 digits; send it as a string"
    assert second.startswith("line 2 has no usable `id` (an integer of 5000 digits)")
    assert items[2].input[ITEM] == {"id": "b"}
    assert read_json(b"[" + huge[:4000] + b"]") == [int(huge[:4000])]
