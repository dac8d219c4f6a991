"""Keyword alerts: which of an owner's alerts an article matches.

A term matches as a whole word or phrase, case-insensitively, in the Indonesian title
and body or in their English translation, so an alert may be written in either
language. ``all`` needs every term, ``any`` one; an alert limited to some sources
ignores the others.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from app.store.hooks import Alert


def matching_alerts(
    alerts: Sequence[Alert], feed_id: str, source: Sequence[str], result: dict[str, Any]
) -> list[Alert]:
    """The alerts among ``alerts`` that an article of ``feed_id`` matches."""
    title = result.get("title") or {}
    english = [title.get("translation") or "", result.get("translation") or ""]
    haystack = "\n".join([*source, *english])
    return [alert for alert in alerts if _applies(alert, feed_id) and _matches(alert, haystack)]


def _applies(alert: Alert, feed_id: str) -> bool:
    return not alert.feeds or feed_id in alert.feeds


def _matches(alert: Alert, text: str) -> bool:
    found = [_term(term).search(text) is not None for term in alert.terms]
    return all(found) if alert.match == "all" else any(found)


def _term(term: str) -> re.Pattern[str]:
    words = [re.escape(word) for word in term.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)
