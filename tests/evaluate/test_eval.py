"""`warta eval` as a user runs it: scores equal to sacrebleu run by hand on the same
outputs, two models in one table, JSON, and an HTML report that opens in Chromium."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sacrebleu.metrics.bleu import BLEU
from sacrebleu.metrics.chrf import CHRF

from app.engines.tiny import PAIRS

# Memorised sentences score 100; a reference the model never saw pulls the scores down.
ROWS = [*PAIRS, ("Polisi menangkap dua tersangka pencurian.", "The police caught two thieves.")]


def warta_eval(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "WARTA_DEVICE": "cpu", "HF_HUB_OFFLINE": "1",
           "WARTA_CACHE_DIR": str(cwd / "cache")}  # fmt: skip
    return subprocess.run(
        [sys.executable, "-m", "app.cli", "eval", *args],
        capture_output=True, text=True, env=env, timeout=600, check=False, cwd=cwd,
    )  # fmt: skip


@pytest.fixture
def pairs(tmp_path: Path) -> Path:
    path = tmp_path / "pairs.tsv"
    path.write_text("".join(f"{s}\t{t}\n" for s, t in ROWS), encoding="utf-8")
    return path


def test_scores_equal_sacrebleu_by_hand_and_two_models_share_one_table(
    pairs: Path, tmp_path: Path, tiny_marian_dir: Path, tiny_family_dir: Callable[[str], Path]
) -> None:
    models = [str(tiny_marian_dir), str(tiny_family_dir("nllb"))]
    common = [str(pairs), "--model", models[0], "--model", models[1], "--engine", "transformers"]
    result = warta_eval(*common, "--json", "--outputs", str(tmp_path / "out"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert [row["model"] for row in report["results"]] == models
    references = [[t for _, t in ROWS]]
    bleu, chrf = BLEU(), CHRF()
    for row in report["results"]:
        name = f"{row['model']}-{row['engine']}".replace("/", "_").strip("_.")
        outputs = (tmp_path / "out" / f"{name}.txt").read_text(encoding="utf-8").splitlines()
        assert outputs[: len(PAIRS)] == [t for _, t in PAIRS]
        assert row["bleu"] == pytest.approx(bleu.corpus_score(outputs, references).score, abs=0.01)
        assert row["chrf"] == pytest.approx(chrf.corpus_score(outputs, references).score, abs=0.01)
        assert 0 < row["bleu"] < 100 and row["sentences"] == len(ROWS)
        assert row["sentences_per_s"] > 0 and row["peak_rss_mb"] > 0
        assert row["comet"] is None and 0 <= row["flag_rate"] <= 1
    assert report["signatures"]["bleu"] == str(bleu.get_signature())
    assert report["signatures"]["chrf"] == str(chrf.get_signature())

    table = warta_eval(*common, cwd=tmp_path)
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].split()[:4] == ["model", "engine", "BLEU", "chrF"]
    assert [line.split()[0] for line in lines[2:4]] == models
    assert any(line.startswith("bleu: nrefs:1") for line in lines)


def test_source_and_reference_files_and_clear_errors(tmp_path: Path, tiny_marian_dir: Path) -> None:
    source, reference = tmp_path / "src.txt", tmp_path / "ref.txt"
    source.write_text("".join(f"{s}\n" for s, _ in ROWS), encoding="utf-8")
    reference.write_text("".join(f"{t}\n" for _, t in ROWS[:-1]), encoding="utf-8")
    args = ["--model", str(tiny_marian_dir), "--source", str(source), "--reference", str(reference)]
    mismatched = warta_eval(*args, cwd=tmp_path)
    assert mismatched.returncode == 1 and "must match line for line" in mismatched.stderr
    bad = tmp_path / "bad.tsv"
    bad.write_text(f"{ROWS[0][0]}\t{ROWS[0][1]}\nno tab here\n", encoding="utf-8")
    malformed = warta_eval(str(bad), "--model", str(tiny_marian_dir), cwd=tmp_path)
    assert malformed.returncode == 1 and "line 2" in malformed.stderr
    assert "Traceback" not in malformed.stderr + mismatched.stderr
    # COMET is checked before anything is translated: the extra, then a model on disk.
    good = tmp_path / "good.tsv"
    good.write_text(f"{ROWS[0][0]}\t{ROWS[0][1]}\n", encoding="utf-8")
    comet = warta_eval(str(good), "--model", str(tiny_marian_dir), "--comet-model",
                       str(tmp_path / "no-such-model"), cwd=tmp_path)  # fmt: skip
    assert comet.returncode == 1 and "Traceback" not in comet.stderr
    assert "warta[comet]" in comet.stderr or "No COMET checkpoint" in comet.stderr


def test_html_report_opens_in_chromium_with_its_chart(
    pairs: Path, tmp_path: Path, tiny_marian_dir: Path
) -> None:
    from tests.api.test_web import chromium_driver

    report = tmp_path / "report.html"
    result = warta_eval(str(pairs), "--model", str(tiny_marian_dir), "--engine", "ctranslate2",
                        "--report", str(report), cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    driver = chromium_driver()
    from selenium.webdriver.common.by import By

    try:
        driver.get(report.as_uri())
        chart = driver.find_element(By.ID, "chart")
        assert chart.size["width"] > 300 and chart.size["height"] > 200
        points = driver.find_elements(By.CSS_SELECTOR, "#chart circle.point")
        assert len(points) == 1 and points[0].size["width"] > 0
        labels = [node.text for node in driver.find_elements(By.CSS_SELECTOR, "#chart text.label")]
        assert labels == [f"{tiny_marian_dir} (ctranslate2)"]
        cells = [c.text for c in driver.find_elements(By.CSS_SELECTOR, "#results tbody td")]
        assert cells[0] == str(tiny_marian_dir) and cells[1] == "ctranslate2"
        assert "nrefs:1" in driver.find_element(By.ID, "signatures").text
    finally:
        driver.quit()
