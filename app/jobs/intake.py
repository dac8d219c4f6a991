"""A job's input: items read one at a time (from a JSON body or a JSON Lines upload),
checked, and streamed into the store in chunks, so an archive is never in memory whole.

A bad line does not fail the job: it becomes an item whose result is an error naming
the line and what is wrong with it (not JSON, not an object, no ``id``, a repeated
``id``, too long). Only an upload with no usable item at all, or with more items than
``WARTA_JOB_MAX_ITEMS``, is refused. Stored inputs are envelopes: ``{"item": {...}}``
for an item to run, ``{"rejected": error, "id": ...}`` for a line that could not be read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any, get_args

from pydantic import ValidationError

from app.contract.answers import Kind
from app.contract.problems import describe_problems
from app.contract.schemas import ArticleRequest, TranslateRequest
from app.core.config import Settings
from app.core.errors import InvalidInput, TextTooLong
from app.store import JobInfo, NewItem, Store, add_items, create_job, delete_job, seal_job

ITEM = "item"
REJECTED = "rejected"
REQUEST = "request"  # a job's options: the sync call's fields, applied to every item
ITEM_FIELDS: dict[str, frozenset[str]] = {
    "articles": frozenset({"id", "title", "text", "html"}),
    "translate": frozenset({"id", "texts"}),
}
MAX_ID_CHARS = 255
MAX_INT_DIGITS = 4000  # Python reads integers of up to 4300 digits
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Problem:
    """Why one line (or item) of the input cannot be run."""

    message: str


Where = Callable[[int], str]  # how an item's place is named: "line 7", "items[6]"


def line(number: int) -> str:
    """The place of an item in a JSON Lines file (1-based, as editors count)."""
    return f"line {number}"


def position(index: int) -> str:
    """The place of an item in a JSON body's ``items`` array."""
    return f"items[{index}]"


def max_item_bytes(settings: Settings) -> int:
    """The longest line of a JSON Lines input: one item as large as a sync request body
    may be (JSON may spend 6 bytes on one character)."""
    return 6 * settings.max_chars + 64 * 1024


def check_kind(kind: Any) -> Kind:
    """``kind`` when it names a kind of item, else 422."""
    if kind not in get_args(Kind):
        raise InvalidInput(f"kind must be one of {', '.join(get_args(Kind))}, not {kind!r}.")
    return kind  # type: ignore[no-any-return]


def check_options(kind: Kind, options: Any) -> dict[str, Any]:
    """The job's options when they are fields of the sync call other than each item's
    own (its id and text), with valid values; else 422."""
    if not isinstance(options, dict):
        raise InvalidInput("options must be a JSON object of the sync call's fields.")
    problem = _unstorable(options)
    if problem is not None:
        raise InvalidInput(f"options: the value {problem}.")
    own = sorted(ITEM_FIELDS[kind] & options.keys())
    if own:
        raise InvalidInput(f"`{own[0]}` belongs in each item, not in options.")
    model = ArticleRequest if kind == "articles" else TranslateRequest
    sample = {"text": "x"} if kind == "articles" else {"texts": ["x"]}
    try:
        model.model_validate({**options, **sample})
    except ValidationError as exc:
        raise InvalidInput("options: " + describe_problems(exc.errors())) from None
    return options


def json_lines(stream: IO[bytes], max_line_bytes: int) -> Iterator[tuple[int, Any]]:
    """(line number, parsed value or ``Problem``) for each non-blank line of ``stream``;
    a line is read with a cap, so one endless line cannot fill the memory."""
    number = 0
    while raw := stream.readline(max_line_bytes + 1):
        number += 1
        if len(raw) > max_line_bytes and not raw.endswith(b"\n"):
            while (rest := stream.readline(max_line_bytes)) and not rest.endswith(b"\n"):
                pass
            yield (
                number,
                Problem(
                    f"line {number} is longer than {max_line_bytes} bytes, the most one item "
                    "may have (from WARTA_MAX_CHARS); split that item"
                ),
            )
            continue
        if number == 1:
            raw = raw.removeprefix(BOM)
        if raw.strip():
            yield number, _parse(number, raw)


def _parse(number: int, raw: bytes) -> Any:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return Problem(f"line {number} is not UTF-8 text")
    try:
        return read_json(text)
    except json.JSONDecodeError as exc:
        return Problem(f"line {number} is not valid JSON ({exc.msg} at column {exc.colno})")
    except (ValueError, RecursionError) as exc:
        return Problem(f"line {number} is not valid JSON ({exc})")


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


class Intake:
    """Turns numbered input values into store items, rejecting bad ones with a reason."""

    def __init__(self, where: Where, max_items: int) -> None:
        self.where = where
        self.max_items = max_items
        self.accepted = 0
        self.total = 0
        self.first_problem: str | None = None
        self._ids: set[str] = set()

    def items(self, values: Iterable[tuple[int, Any]]) -> Iterator[NewItem]:
        """One store item per value; 413 past ``max_items``."""
        for number, value in values:
            self.total += 1
            if self.total > self.max_items:
                raise TextTooLong(
                    f"The job has more than {self.max_items} items (WARTA_JOB_MAX_ITEMS); "
                    "split it into several jobs."
                )
            yield self._item(number, value)

    def _item(self, number: int, value: Any) -> NewItem:
        if isinstance(value, Problem):
            return self._reject(number, None, value.message)
        where = self.where(number)
        if not isinstance(value, dict):
            return self._reject(number, None, f"{where} is not a JSON object with an `id`")
        item_id = value.get("id")
        key = _id_key(item_id)
        if key is None:
            return self._reject(
                number,
                None,
                f"{where} has no usable `id` ({_describe(item_id)}): give every item a "
                f"string (1 to {MAX_ID_CHARS} characters, no control characters) or an "
                f"integer (at most {MAX_ID_CHARS} digits) to match its result",
            )
        problem = _unstorable(value)
        if problem is not None:
            return self._reject(number, None, f"{where} {problem}")
        if key in self._ids:
            return self._reject(
                number,
                item_id,
                f"{where}: the id {item_id!r} is used by an earlier item; ids must be unique",
            )
        self._ids.add(key)
        self.accepted += 1
        return NewItem(key, {ITEM: value})

    def _reject(self, number: int, item_id: Any, message: str) -> NewItem:
        self.first_problem = self.first_problem or message
        # A control character cannot occur in an accepted id, so this never collides.
        error = {"code": InvalidInput.code, "message": message}
        return NewItem(f"\x1f{number}", {REJECTED: error, "id": item_id})


def _unstorable(value: Any) -> str | None:
    """Why ``value`` cannot be stored, or None: a string that is not text (a lone
    surrogate, which JSON can escape but UTF-8, and so the database, cannot hold), or a
    ``HugeNumber``."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return "contains a lone surrogate escape (\\ud800...), not text"
    except (TypeError, ValueError):
        return f"contains a number of over {MAX_INT_DIGITS} digits; send it as a string"
    return None


class HugeNumber:
    """A JSON integer too long to read as a number (Python refuses over 4300 digits): it
    stands in the parsed value, so only the item that holds it fails."""

    def __init__(self, digits: int) -> None:
        self.digits = digits


def read_int(text: str) -> int | HugeNumber:
    """``json.loads``' ``parse_int``: the integer, or a ``HugeNumber`` past the limit."""
    digits = len(text.lstrip("-"))
    return HugeNumber(digits) if digits > MAX_INT_DIGITS else int(text)


def read_json(text: str | bytes) -> Any:
    """JSON as jobs read it: ``NaN``/``Infinity`` refused (ValueError), and an integer of
    over ``MAX_INT_DIGITS`` digits read as a ``HugeNumber`` instead of failing the whole
    document."""
    return json.loads(text, parse_constant=_no_constant, parse_int=read_int)


def _id_key(item_id: Any) -> str | None:
    """The id as the store keeps it, or None when it cannot be one."""
    if isinstance(item_id, bool):
        return None
    if isinstance(item_id, int):
        # A huge integer is refused like a long string: the store keeps ids as text.
        key = str(item_id)
        return key if len(key) <= MAX_ID_CHARS else None
    if isinstance(item_id, str) and 0 < len(item_id) <= MAX_ID_CHARS:
        return None if _CONTROL.search(item_id) else item_id
    return None


def _describe(item_id: Any) -> str:
    """What an unusable id is, briefly (the id itself may be huge)."""
    if item_id is None:
        return "none given, or null"
    if isinstance(item_id, bool):
        return f"`{json.dumps(item_id)}`"
    if isinstance(item_id, int):
        return f"an integer of {len(str(abs(item_id)))} digits"
    if isinstance(item_id, HugeNumber):
        return f"an integer of {item_id.digits} digits"
    if isinstance(item_id, float):
        return "a number that is not an integer"
    if isinstance(item_id, str):
        if 0 < len(item_id) <= MAX_ID_CHARS:
            return "a string with a control character"
        return f"a string of {len(item_id)} characters"
    return "an array" if isinstance(item_id, list) else "an object"


def submit(
    store: Store,
    kind: Kind,
    values: Iterable[tuple[int, Any]],
    *,
    owner: str | None,
    options: dict[str, Any],
    where: Where,
    max_items: int,
    meta: dict[str, Any] | None = None,
) -> JobInfo:
    """Create a job and stream ``values`` into it; the sealed job, or 4xx (and no job)
    when it has no usable item or too many. ``meta`` is kept with the options. Blocks:
    run it in a worker thread."""
    job = create_job(store, kind, owner=owner, options={**(meta or {}), REQUEST: options})
    intake = Intake(where, max_items)
    try:
        add_items(store, job.id, intake.items(values))
    except BaseException:
        delete_job(store, job.id, owner)
        raise
    if intake.accepted == 0:
        delete_job(store, job.id, owner)
        if intake.first_problem is None:
            raise InvalidInput("The job has no items: send at least one.")
        raise InvalidInput(
            f"No item of the job can be read; the first problem: {intake.first_problem}."
        )
    return seal_job(store, job.id)
