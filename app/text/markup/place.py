"""Where inline marks go in a translated sentence.

Marks keep their source order, so the output has exactly the input's tags, nested as
they were; only their positions in the translation are chosen. The evidence, strongest
first: the sentence's edges, and protected spans and glossary terms, whose places in the
output are known; the text a pair of tags wraps, found in the output as it is (a name, a
number) or as its own translation (a probe); failing those, the position in proportion
between the nearest placed marks, moved to a word boundary (and reported as estimated).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from app.text.markup.monotone import best_monotone
from app.text.markup.runs import has_letters
from app.text.markup.words import is_boundary, snap, word_end

Probe = Callable[[str], "str | None"]  # a fragment's own translation, if one was made

EDGE, ANCHOR, FOUND = 3, 3, 2  # how much each kind of evidence weighs
PROBE_CHARS = 300  # longer wrapped texts are placed by their ends' other evidence


@dataclass(frozen=True)
class Anchor:
    """A stretch of the source sentence whose place in the output is known."""

    src_start: int
    src_end: int
    out_start: int
    out_end: int
    exact: bool  # the same characters (a protected span), so offsets inside map 1:1

    def map(self, offset: int) -> int:
        """Where a source offset inside this stretch falls in the output."""
        if self.exact:
            return self.out_start + min(offset - self.src_start, self.out_end - self.out_start)
        if offset <= self.src_start:
            return self.out_start
        if offset >= self.src_end:
            return self.out_end
        return round(_scale(offset, self.src_start, self.src_end, self.out_start, self.out_end))


@dataclass(frozen=True)
class Slot:
    """A mark in one sentence: its offset there, its kind, and its partner's index in the
    same sentence (``None`` when the partner is in another sentence, or there is none)."""

    offset: int
    kind: str
    partner: int | None = None


def place_marks(
    source: str, output: str, slots: Sequence[Slot], anchors: Sequence[Anchor], probe: Probe
) -> tuple[list[int], bool]:
    """A position in ``output`` for each slot, never decreasing; and whether any was
    estimated rather than found. No mark lands inside a span's output text unless it
    was inside that span in the source."""
    blocked = [
        [(a.out_start, a.out_end) for a in anchors if not a.src_start < slot.offset < a.src_end]
        for slot in slots
    ]
    candidates: list[list[tuple[int, int]]] = [[] for _ in slots]
    for index, slot in enumerate(slots):
        if slot.offset == 0:
            candidates[index].append((0, EDGE))
        if slot.offset == len(source):
            candidates[index].append((len(output), EDGE))
        for anchor in anchors:
            # Inside a translated stretch only its edges are known; a span is exact.
            edge = slot.offset in (anchor.src_start, anchor.src_end)
            if anchor.src_start <= slot.offset <= anchor.src_end and (anchor.exact or edge):
                candidates[index].append((anchor.map(slot.offset), ANCHOR))
    found = _Occurrences(output)
    for index, slot in enumerate(slots):
        wrapped = _wrapped(slots, index, len(source))
        hit = _locate(source, output, wrapped, probe, found) if wrapped else None
        if hit is not None:
            if slot.kind == "open":
                candidates[index].append((hit[0], FOUND))
            closing = slot.partner if slot.kind == "open" else index
            if closing is not None:
                candidates[closing].append((hit[1], FOUND))
    for index, options in enumerate(candidates):
        options[:] = [(q, w) for q, w in options if _free(q, blocked[index])]
    positions, estimated = _fill(source, output, slots, best_monotone(candidates), blocked)
    return _widen(output, slots, positions, blocked), estimated


def _free(q: int, blocked: Sequence[tuple[int, int]]) -> bool:
    return not any(start < q < end for start, end in blocked)


def fragments(source: str, slots: Sequence[Slot]) -> list[str]:
    """Texts wrapped by tags in this sentence whose translations help place them: those
    of at most ``PROBE_CHARS`` (nested tags wrap ever longer texts, and translating each
    of them again would cost the square of the sentence)."""
    found = []
    for index in range(len(slots)):
        wrapped = _wrapped(slots, index, len(source))
        if wrapped is not None and wrapped[1] - wrapped[0] <= PROBE_CHARS:
            found.append(source[wrapped[0] : wrapped[1]].strip())
    return found


def _wrapped(slots: Sequence[Slot], index: int, length: int) -> tuple[int, int] | None:
    """The stretch a tag pair wraps within the sentence, from its open slot (or from a
    close slot whose open is in an earlier sentence)."""
    slot = slots[index]
    if slot.kind == "open":
        end = slots[slot.partner].offset if slot.partner is not None else length
        start = slot.offset
    elif slot.kind == "close" and slot.partner is None:
        start, end = 0, slot.offset
    else:
        return None
    if (start, end) == (0, length):
        return None  # the whole sentence: the edges place it
    return start, end


def _locate(
    source: str, output: str, wrapped: tuple[int, int], probe: Probe, found: _Occurrences
) -> tuple[int, int] | None:
    """Where the wrapped text, or its own translation, occurs in the output (the
    occurrence nearest its proportional place). A text over ``PROBE_CHARS`` is not looked
    for: cutting and searching each of many nested ones costs the square of the sentence."""
    if wrapped[1] - wrapped[0] > PROBE_CHARS:
        return None
    fragment = source[wrapped[0] : wrapped[1]]
    core = fragment.strip()
    if not has_letters(core):
        return None
    expected = _scale(wrapped[0], 0, len(source), 0, len(output))
    for needle, fold in ((core, False), (_clean_probe(core, probe(core)), True)):
        if not needle:
            continue
        starts = found.starts(needle, fold)
        if starts:
            start = _nearest(starts, expected)
            return start, start + len(needle)
    return None


class _Occurrences:
    """Whole-word occurrences of needles in one output, each needle looked up once."""

    def __init__(self, output: str) -> None:
        self.output = output
        self.lower = output.lower() if len(output.lower()) == len(output) else output
        self.cache: dict[tuple[str, bool], list[int]] = {}

    def starts(self, needle: str, fold: bool) -> list[int]:
        key = (needle, fold)
        if key not in self.cache:
            haystack, target = (self.lower, needle.lower()) if fold else (self.output, needle)
            found = []
            start = haystack.find(target)
            while start >= 0:
                end = start + len(target)
                if is_boundary(self.output, start) and is_boundary(self.output, end):
                    found.append(start)
                start = haystack.find(target, start + 1)
            self.cache[key] = found
        return self.cache[key]


def _nearest(starts: list[int], expected: float) -> int:
    """The start nearest ``expected`` (the earlier of two as near), by bisection."""
    index = bisect_left(starts, expected)
    near = starts[max(0, index - 1) : index + 1]
    return min(near, key=lambda i: (abs(i - expected), i))


def _clean_probe(fragment: str, translation: str | None) -> str:
    """A fragment's translation without the full stop a model adds to any input."""
    if not translation:
        return ""
    out = translation.strip()
    if fragment[-1:] not in ".!?":
        out = out.rstrip(".!?").rstrip()
    return out


def _fill(
    source: str,
    output: str,
    slots: Sequence[Slot],
    chosen: list[int | None],
    blocked: list[list[tuple[int, int]]],
) -> tuple[list[int], bool]:
    """Positions for the slots no evidence placed: in proportion between their placed
    neighbours, at a word boundary, keeping the order."""
    positions: list[int] = []
    estimated = False
    # The next placed slot after each one, found from the right once.
    following: list[tuple[int, int]] = []
    right = (len(source), len(output))
    for slot, placed in zip(reversed(slots), reversed(chosen), strict=True):
        following.append(right)
        if placed is not None:
            right = (slot.offset, placed)
    following.reverse()
    for index, slot in enumerate(slots):
        lower = positions[-1] if positions else 0
        if chosen[index] is not None:
            positions.append(max(lower, chosen[index] or 0))
            continue
        left = (slots[index - 1].offset, lower) if index else (0, 0)
        right = following[index]
        upper = max(lower, right[1])
        partner = slot.partner
        if slot.kind == "close" and partner is not None and slot.offset > slots[partner].offset:
            lower = min(max(lower, positions[partner] + 1), upper)  # keep the wrapped text
        target = _scale(slot.offset, left[0], right[0], left[1], right[1])
        closing = slot.kind == "close"
        positions.append(
            snap(output, target, lower, upper, closing=closing, blocked=blocked[index])
        )
        estimated = estimated or 0 < slot.offset < len(source)
    return positions, estimated


def _widen(
    output: str, slots: Sequence[Slot], positions: list[int], blocked: list[list[tuple[int, int]]]
) -> list[int]:
    """Give a tag pair that wrapped text, but came out empty, the next word; later marks
    move along so the order holds."""
    result = list(positions)
    for index, slot in enumerate(slots):
        partner = slot.partner
        if slot.kind != "close" or partner is None or slot.offset == slots[partner].offset:
            continue
        if result[index] > result[partner]:
            continue
        end = next(
            (
                q
                for q in range(result[partner] + 1, len(output) + 1)
                if word_end(output, q) and _free(q, blocked[index])
            ),
            None,
        )
        if end is None:
            continue
        result[index] = end
        for later in range(index + 1, len(slots)):
            if result[later] >= result[index]:
                break  # positions never decrease: the rest are already past it
            result[later] = snap(
                output,
                result[index],
                result[index],
                len(output),
                closing=slots[later].kind == "close",
                blocked=blocked[later],
            )
    return result


def _scale(value: float, a0: float, a1: float, b0: float, b1: float) -> float:
    if a1 <= a0:
        return b0
    return b0 + (value - a0) * (b1 - b0) / (a1 - a0)
