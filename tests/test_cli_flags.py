"""`warta translate` / `warta article` tell the reader what looks wrong: stdout keeps the
translation clean, stderr names each flagged paragraph and what it lost, and --strict
turns a flag into a failing exit status."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli.report import FLAGGED_EXIT, safe, safe_json, warn_segments
from app.engines.tiny import PAIRS
from app.services.translate import Segment
from tests.test_cli import run_warta

# The tiny model knows PAIRS; a sentence with an amount it never saw comes back as one of
# the sentences it knows, without the amount: the loss a reader must be told about.
LOSSY = "Harga beras naik menjadi Rp14.500 per kilogram."
ARTICLE = f"{PAIRS[0][0]} {LOSSY}\n\n{PAIRS[2][0]}\n"
CLEAN = f"{PAIRS[0][0]}\n\n{PAIRS[2][0]}\n"


@pytest.fixture
def lossy_article(tmp_path: Path) -> Path:
    path = tmp_path / "berita.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def test_a_lost_amount_is_named_on_stderr_and_stdout_stays_clean(
    tiny_marian_dir: Path, lossy_article: Path
) -> None:
    result = run_warta("translate", str(lossy_article), model=tiny_marian_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(PAIRS[0][1])
    assert "warning" not in result.stdout
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1
    assert "paragraph 1" in warnings[0]
    assert "missing here: Rp14.500" in warnings[0]
    assert "1 flagged segment" in result.stderr


def test_strict_fails_when_anything_is_flagged(tiny_marian_dir: Path, lossy_article: Path) -> None:
    result = run_warta("translate", str(lossy_article), "--strict", model=tiny_marian_dir)
    assert result.returncode == FLAGGED_EXIT
    assert result.stdout.startswith(PAIRS[0][1])  # the translation is still printed


def test_strict_passes_a_clean_translation(tiny_marian_dir: Path) -> None:
    result = run_warta("translate", "-", "--strict", model=tiny_marian_dir, stdin=CLEAN)
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr


def test_json_segments_carry_their_issues(tiny_marian_dir: Path) -> None:
    result = run_warta("translate", "-", "--json", model=tiny_marian_dir, stdin=ARTICLE)
    assert result.returncode == 0, result.stderr
    segments = json.loads(result.stdout)["segments"]
    flagged = [s for s in segments if s["flags"]]
    assert [s["source"] for s in flagged] == [LOSSY]
    (issue,) = [i for i in flagged[0]["issues"] if i["flag"] == "numbers"]
    assert issue["missing"] == ["Rp14.500"]


def test_article_warns_and_strict_fails(tiny_marian_dir: Path, lossy_article: Path) -> None:
    result = run_warta(
        "article", str(lossy_article), "--mode", "extractive", "--strict", model=tiny_marian_dir
    )
    assert result.returncode == FLAGGED_EXIT
    assert "missing here: Rp14.500" in result.stderr
    assert "Summary (extractive)" in result.stdout


def test_control_characters_never_reach_the_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    model_output = "Harga\x1b[2J naik\r\x07 lagi\x9b31m.\tOK\n"
    assert safe(model_output) == "Harga[2J naik lagi31m.\tOK\n"
    dumped = json.dumps({"text": model_output}, ensure_ascii=False)
    escaped = safe_json(dumped)
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in escaped)
    assert json.loads(escaped) == {"text": model_output}  # the data itself is kept
    segment = Segment(0, "Harga Rp5.000.", "Price\x1b]0;pwned\x07.", ("numbers", "control"))
    assert warn_segments([segment]) == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err
    assert "Rp5.000" in err
