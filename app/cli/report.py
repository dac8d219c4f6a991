"""What the command line tells a person about its output: results on stdout with no
control characters, and one warning line on stderr per flagged segment.

``--strict`` turns any warning into exit status 3, for scripts that must not publish a
translation that lost an amount.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Annotated, Any

import typer

from app.services.issues import NOTES, issues_of, problems
from app.services.translate import Segment

FLAGGED_EXIT = 3
# Model output is data: an ESC, a carriage return or a C1 control in it must not move the
# cursor, recolour or rewrite a reader's terminal. Tabs and line breaks stay.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

StrictOpt = Annotated[
    bool,
    typer.Option(
        "--strict",
        help=f"Exit with status {FLAGGED_EXIT} when any segment is flagged (a lost number, "
        "a repetition loop, ...)",
    ),
]


def safe(text: str) -> str:
    """``text`` without control characters (tab and line feed kept)."""
    return _CONTROL.sub("", text)


def echo(text: str, *, err: bool = False) -> None:
    """Print model output to the terminal, control characters removed."""
    typer.echo(safe(text), err=err)


def safe_json(dumped: str) -> str:
    """JSON text with DEL and C1 controls escaped (``json.dumps`` escapes only C0)."""
    return re.sub(r"[\x7f-\x9f]", lambda m: f"\\u{ord(m.group()):04x}", dumped)


def warn_segments(segments: Sequence[Segment], where: str = "") -> int:
    """One stderr line per flagged segment, naming its paragraph (from 1), the reason and
    any lost value; returns how many segments have warnings (notes not counted)."""
    warned = 0
    for segment in segments:
        issues = issues_of(segment.source, segment.translation, segment.flags)
        if not issues:
            continue
        problems = [i for i in issues if i.flag not in NOTES]
        kind = "warning" if problems else "note"
        warned += bool(problems)
        reasons = "; ".join(i.message for i in issues)
        place = f"{where}paragraph {segment.paragraph + 1}"
        typer.echo(safe(f"{kind}: {place}: {reasons} ({_quote(segment.source)})"), err=True)
    return warned


def warn_summary(flags: Sequence[str], issues: Sequence[Any] = ()) -> int:
    """One stderr line per summary flag (``issues``: the API's, with the sentence each
    comes from); returns how many there were."""
    lines = [
        (f" (sentence {i.sentence + 1})" if i.sentence is not None else "", i.message)
        for i in issues
    ]
    covered = {i.flag for i in issues}
    lines += [("", i.message) for i in issues_of("", "", [f for f in flags if f not in covered])]
    for where, message in lines:
        said = message.replace("the translation", "the summary")
        typer.echo(safe(f"warning: summary{where}: {said}"), err=True)
    return len(lines)


def flagged_in(result: dict[str, Any]) -> int:
    """Flagged segments in one batch result line (an article's segments, or each
    translated text's ``flagged`` count)."""
    segments = result.get("segments") or []
    count = sum(1 for s in segments if problems(s.get("flags", [])))
    return count + sum(t.get("flagged") or 0 for t in result.get("translations") or [])


def finish(warned: int, strict: bool) -> None:
    """End the command: status 3 under ``--strict`` when anything was flagged."""
    if warned:
        noun = "segment" if warned == 1 else "segments"
        typer.echo(f"{warned} flagged {noun}: check them before publishing", err=True)
    if strict and warned:
        raise typer.Exit(code=FLAGGED_EXIT)


def _quote(source: str, limit: int = 60) -> str:
    shown = source if len(source) <= limit else source[: limit - 1].rstrip() + "…"
    return f'source: "{shown}"'
