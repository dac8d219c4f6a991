"""Validation problems in the words every caller answers with (the API's 422 message,
a job item's error, a compatible API's error)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

MAX_LISTED_PROBLEMS = 5


def describe_problems(errors: Sequence[Any]) -> str:
    """One readable sentence per validation problem (input values are never echoed)."""
    problems = []
    for error in list(errors)[:MAX_LISTED_PROBLEMS]:
        where = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
        what = error.get("msg", "invalid value")
        if error.get("type") == "json_invalid":
            reason = (error.get("ctx") or {}).get("error", "")
            what = f"the body is not valid JSON ({reason})" if reason else "invalid JSON"
            where = ""
        problems.append(f"{where}: {what}" if where else what)
    extra = len(errors) - MAX_LISTED_PROBLEMS
    if extra > 0:
        problems.append(f"and {extra} more")
    return "Invalid request: " + "; ".join(problems) + ". See /docs for the request schema."
