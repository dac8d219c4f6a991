"""`warta translate` as a user runs it: stdout holds the translation and nothing else."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from app.engines.tiny import PAIRS

ARTICLE = f"{PAIRS[0][0]} {PAIRS[1][0]}\n\n{PAIRS[2][0]}\n"
EXPECTED = f"{PAIRS[0][1]} {PAIRS[1][1]}\n\n{PAIRS[2][1]}\n"


def run_warta(
    *args: str, model: Path | str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "WARTA_TRANSLATION_MODEL": str(model),
        "WARTA_ENGINE": "transformers",
        "WARTA_DEVICE": "cpu",
        "HF_HUB_OFFLINE": "1",
    }
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def test_translate_file_prints_only_the_translation(tiny_marian_dir: Path, tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    result = run_warta("translate", str(article), model=tiny_marian_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout == EXPECTED


def test_translate_stdin_json_lists_segments(tiny_marian_dir: Path) -> None:
    result = run_warta("translate", "-", "--json", model=tiny_marian_dir, stdin=ARTICLE)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert [(s["paragraph"], s["source"], s["translation"]) for s in payload["segments"]] == [
        (0, PAIRS[0][0], PAIRS[0][1]),
        (0, PAIRS[1][0], PAIRS[1][1]),
        (1, PAIRS[2][0], PAIRS[2][1]),
    ]


def test_missing_model_fails_with_one_clear_message(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    result = run_warta("translate", str(article), model="no-such-org/no-such-model")
    assert result.returncode == 1
    assert result.stdout == ""
    message = result.stderr.strip()
    assert message.count("\n") == 0
    assert "no-such-org/no-such-model" in message
    assert "warta models pull --translation no-such-org/no-such-model" in message
    assert "WARTA_TRANSLATION_MODEL" in message
    assert "Traceback" not in result.stderr


def test_unreadable_input_is_a_clear_error(tiny_marian_dir: Path, tmp_path: Path) -> None:
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Harga naik \xe9".encode("latin-1"))
    result = run_warta("translate", str(latin1), model=tiny_marian_dir)
    assert result.returncode == 1
    assert "not UTF-8" in result.stderr
    result = run_warta("translate", str(tmp_path / "missing.txt"), model=tiny_marian_dir)
    assert result.returncode == 1
    assert "No such file" in result.stderr


def test_clean_prints_body_and_reports_removals_on_stderr() -> None:
    seed = Path(__file__).resolve().parent / "data" / "clean" / "seed-article.txt"
    result = run_warta("clean", str(seed), model="unused")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ANKARA - ")
    assert result.stdout.rstrip().endswith("kata Hua.")
    assert "Tag Terkait" not in result.stdout
    assert "removed (related_list): Tag Terkait:" in result.stderr


def test_article_prints_title_translation_and_summary(
    tiny_marian_dir: Path, tmp_path: Path
) -> None:
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    result = run_warta(
        "article", str(article), "--title", PAIRS[3][0], "--mode", "extractive",
        model=tiny_marian_dir,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    # Three sentences: an extractive summary of up to three keeps all of them, in order.
    summary = f"{PAIRS[0][1]} {PAIRS[1][1]} {PAIRS[2][1]}"
    assert result.stdout == f"{PAIRS[3][1]}\n\n{EXPECTED}\nSummary (extractive): {summary}\n"


def test_errors_name_the_command_line_flags(tiny_marian_dir: Path, tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    abstractive_id = run_warta(
        "summarize", str(article), "--mode", "abstractive", "--lang", "id", model=tiny_marian_dir
    )
    assert abstractive_id.returncode == 1
    assert "--lang en" in abstractive_id.stderr and "--mode extractive" in abstractive_id.stderr
    assert "output_lang" not in abstractive_id.stderr and "mode=" not in abstractive_id.stderr

    no_model = run_warta(
        "summarize", str(article), "--mode", "abstractive", "--summarization-model", "none",
        model=tiny_marian_dir,
    )  # fmt: skip
    assert no_model.returncode == 1
    assert "--mode extractive" in no_model.stderr and "mode=" not in no_model.stderr

    cuda = run_warta("translate", str(article), "--device", "cuda", model=tiny_marian_dir)
    assert cuda.returncode == 1
    assert "--device cpu" in cuda.stderr and "Traceback" not in cuda.stderr


def test_help_shows_what_to_pass_not_python_types() -> None:
    for command in (["translate"], ["article"], ["summarize"], ["serve"], ["models", "pull"]):
        result = run_warta(*command, "--help", model="unused")
        assert result.returncode == 0, result.stderr
        for placeholder in ("<str>", "<bool>", "<int", "<path>"):
            assert placeholder not in result.stdout, (command, placeholder)
