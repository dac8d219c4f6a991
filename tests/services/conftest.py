"""Fixtures shared by the service tests."""

from __future__ import annotations

import pytest

from tests.fakes import FakeEngine


@pytest.fixture
def translator() -> FakeEngine:
    """A FakeEngine with a small input limit, so long sentences get split."""
    return FakeEngine(max_input_tokens=64)
