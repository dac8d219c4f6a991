"""News cleaning: separate the article body from news-site furniture.

Body lines are kept verbatim (after :func:`app.text.normalize.normalize`, which repairs
mojibake too); every line or fragment taken out is listed in ``removed``, with the name of the
rule that took it in ``reasons``, so a client can see and restore it. The dateline
("JAKARTA, KOMPAS.com -") is recorded in ``metadata`` but stays in the body by default:
it is glued to the first sentence, and cutting it would change a body sentence. Pass
``strip_dateline=True`` to move it out (it is then listed in ``removed`` as well).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.text import clean_rules as rules
from app.text.clean_page import read_page
from app.text.normalize import normalize


@dataclass
class CleanedText:
    """The article body (verbatim), what was removed, and what was learned on the way."""

    text: str
    title: str | None = None
    removed: list[str] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    # The rule that removed each entry of ``removed`` (same order and length).
    reasons: list[str] = field(default_factory=list)


@dataclass
class _Line:
    text: str
    block: int = 0  # paragraph block: lines between blank lines
    kept: bool = True
    reason: str = ""
    fragments: list[tuple[str, str]] = field(default_factory=list)


def clean_text(text: str, *, strip_dateline: bool = False) -> CleanedText:
    """Remove news-site furniture from pasted article text, keeping body lines verbatim.

    Text is repaired (mojibake) and normalised first; what comes back in ``text`` is the
    body lines of that normalised text, unchanged, in their order.
    """
    normalised = normalize(text)
    lines = _split_lines(normalised)
    metadata: dict[str, str] = {}
    _mark_lines(lines, metadata)
    _read_dates(lines, metadata)
    _mark_captions(lines)
    _cut_end_signature(lines)
    _mark_trailing_tags(lines)
    title = _find_title(lines)
    cleaned = _collect(lines, title, metadata)
    _take_dateline(cleaned, strip_dateline)
    return cleaned


def clean_html(html: str, *, strip_dateline: bool = False) -> CleanedText:
    """Extract an article from an HTML page with trafilatura, then clean its text.

    Page text that trafilatura leaves out (navigation, header, footer, link lists) is
    listed in ``removed`` too (reason ``page``), so nothing disappears silently.
    """
    page = read_page(html)
    cleaned = clean_text(page.article, strip_dateline=strip_dateline)
    for key, value in page.metadata.items():
        cleaned.metadata.setdefault(key, value)
    if cleaned.title is None and "title" in page.metadata:
        cleaned.title = page.metadata["title"]
    dropped = page.dropped(cleaned.title)
    cleaned.removed = dropped + cleaned.removed
    cleaned.reasons = ["page"] * len(dropped) + cleaned.reasons
    return cleaned


def _mark_lines(lines: list[_Line], metadata: dict[str, str]) -> None:
    i = 0
    while i < len(lines):
        line = lines[i]
        if rules.is_date_line(line.text):
            _drop(line, "date")
        elif rules.LIST_HEADERS.fullmatch(line.text.rstrip(" :").strip()):
            _drop(line, "related_list")
            while i + 1 < len(lines) and _in_list(lines, i + 1):
                i += 1
                _drop(lines[i], "related_list")
        else:
            reason = _line_rule(line.text)
            if reason:
                _drop(line, reason)
                if reason == "credit":
                    _read_credit(line.text, metadata)
            else:
                _cut_markup(line)
                _cut_fragments(line)
        i += 1


def _split_lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    block = 0
    for raw in text.split("\n"):
        if raw:
            lines.append(_Line(raw, block))
        else:
            block += 1
    return lines


def _in_list(lines: list[_Line], i: int) -> bool:
    """Whether line ``i`` continues a list of links opened by a header above it.

    Where the text has paragraph blocks, an item's block must hold nothing but items: a
    short subheading followed by its paragraph in the same block is body, not a link.
    """
    if not _is_list_item(lines[i].text):
        return False
    if lines[0].block == lines[-1].block:
        return True
    rest = (line for line in lines[i:] if line.block == lines[i].block)
    return all(_is_list_item(line.text) for line in rest)


def _read_dates(lines: list[_Line], metadata: dict[str, str]) -> None:
    """Keep bare dates that sit inside the body; the first date line left is the date."""
    kept = [i for i, line in enumerate(lines) if line.kept]
    for i, line in enumerate(lines):
        if line.reason != "date":
            continue
        if kept and kept[0] < i < kept[-1] and not rules.DATE_STAMP.search(line.text):
            line.kept, line.reason = True, ""
            continue
        found = rules.DATE.search(line.text)
        metadata.setdefault("date", found.group(0) if found else line.text)


def _drop(line: _Line, reason: str) -> None:
    line.kept, line.reason = False, reason


def _line_rule(text: str) -> str | None:
    for rule in rules.LINE_RULES:
        if len(text) <= rule.max_len and rule.pattern.fullmatch(text):
            return rule.name
    return None


def _is_list_item(text: str) -> bool:
    if rules.LIST_HEADERS.fullmatch(text.rstrip(" :").strip()):
        return True
    return bool(rules.LIST_BULLET.fullmatch(text)) and len(text) <= 200 or rules.is_headline(text)


def _read_credit(text: str, metadata: dict[str, str]) -> None:
    for match in rules.CREDIT_FIELD.finditer(text):
        key = rules.CREDIT_KEYS[match.group(1).lower()]
        metadata.setdefault(key, match.group(2).strip())


def _cut_markup(line: _Line) -> None:
    """Cut markup out of a line, keeping the body sentences around it; a line with none
    is dropped whole."""
    if not rules.MARKUP.search(line.text):
        return
    body, cut = rules.split_markup(line.text)
    if body:
        line.text = " ".join(body)
        line.fragments += [("markup", piece) for piece in cut]
    else:
        _drop(line, "markup")


def _cut_fragments(line: _Line) -> None:
    text = line.text
    for rule in rules.FRAGMENT_RULES:
        for found in list(rule.pattern.finditer(text)):
            line.fragments.append((rule.name, found.group(0).strip()))
        text = rule.pattern.sub(" ", text).strip()
    for rule in rules.TRAILING_RULES:
        match = rule.pattern.search(text)
        if match:
            line.fragments.append((rule.name, match.group(0).strip()))
            text = text[: match.start()].rstrip()
    if line.fragments:
        line.text = text
        if not text:
            line.kept, line.reason = False, line.fragments[0][0]
            line.text = " ".join(frag for _, frag in line.fragments)
            line.fragments = []


def _cut_end_signature(lines: list[_Line]) -> None:
    kept = [line for line in lines if line.kept]
    if not kept:
        return
    last = kept[-1]
    for rule in rules.END_RULES:
        found = rule.pattern.search(last.text)
        if found and found.start() > 0:
            last.fragments.append((rule.name, found.group(0).strip()))
            last.text = last.text[: found.start()].rstrip()


def _mark_captions(lines: list[_Line]) -> None:
    # A photo credit line ("Foto: AFP/...") marks the line above it as the photo's caption.
    for prev, line in zip(lines, lines[1:], strict=False):
        if (
            not line.kept
            and line.reason == "credit"
            and rules.is_bare_photo_credit(line.text)
            and prev.kept
            and len(prev.text) <= 300
        ):
            _drop(prev, "caption")


def _mark_trailing_tags(lines: list[_Line]) -> None:
    # Tag lists at the very end of a page come as short lowercase lines ("polsek cakung").
    i = len(lines) - 1
    while i > 0 and lines[i].kept and rules.is_tag(lines[i].text):
        i -= 1
    if i < len(lines) - 1 and not lines[i].kept:
        for line in lines[i + 1 :]:
            _drop(line, "tags")


def _find_title(lines: list[_Line]) -> int | None:
    """Index of the headline: the first line, or a headline right after a date line."""
    kept = [i for i, line in enumerate(lines) if line.kept]
    if not kept:
        return None
    # A first line is the headline only when what follows shows it: a date, byline or
    # caption line, or a body that opens with a dateline. Otherwise it may be body.
    if len(kept) >= 2 and kept[0] == 0 and rules.is_headline(lines[0].text):
        if not lines[1].kept or rules.DATELINE.match(lines[1].text):
            if not rules.DATELINE.match(lines[0].text):
                return 0
    for i in range(1, len(lines)):
        prev = lines[i - 1]
        if lines[i].kept and not prev.kept and prev.reason == "date" and i != kept[0]:
            return i if rules.is_headline(lines[i].text) else None
    return None


def _collect(lines: list[_Line], title: int | None, metadata: dict[str, str]) -> CleanedText:
    result = CleanedText(text="", metadata=metadata)
    body: list[str] = []
    block = None
    for i, line in enumerate(lines):
        if i == title:
            result.title = line.text
            _note(result, "title", line.text)
        elif not line.kept:
            _note(result, line.reason, line.text)
        else:
            # Paragraph blocks of the input stay blocks (blank line between) in the output.
            if body and line.block != block:
                body.append("")
            body.append(line.text)
            block = line.block
            for reason, fragment in line.fragments:
                _note(result, reason, fragment)
    result.text = "\n".join(body)
    return result


def _note(result: CleanedText, reason: str, text: str) -> None:
    result.removed.append(text)
    result.reasons.append(reason)


def _take_dateline(cleaned: CleanedText, strip: bool) -> None:
    match = rules.DATELINE.match(cleaned.text)
    if not match:
        return
    dateline = match.group("dateline").rstrip(",")
    site = rules.SITE_IN_DATELINE.search(dateline)
    source = site.group(0).strip("()") if site else None
    rest = dateline[: site.start()] + dateline[site.end() :] if site else dateline
    places = rest.replace(",", " ").replace("(", " ").replace(")", " ").split()
    # A dateline names a wire or site, or is one all-caps city ("ANKARA"), or one place word.
    if not (source or (len(places) == 1 and (places[0].isupper() or len(dateline.split()) == 1))):
        return
    cleaned.metadata["dateline"] = dateline
    if places:
        cleaned.metadata["place"] = " ".join(places)
    if source:
        cleaned.metadata["source"] = source
    if strip:
        _note(cleaned, "dateline", match.group(0).strip())
        cleaned.text = cleaned.text[match.end() :]
