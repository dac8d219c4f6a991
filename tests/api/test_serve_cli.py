"""`warta serve` stops with one clear line when its model cannot be found."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from app.cli import app


def test_serve_with_a_missing_model_exits_with_a_clear_message(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-model"
    result = CliRunner().invoke(
        app,
        ["serve", "--translation-model", str(missing), "--summarization-model", "none"],
    )
    assert result.exit_code == 1
    assert f"The translation model directory {missing} does not exist" in result.output
    assert "Traceback" not in result.output


def test_serve_rejects_a_bad_device_before_loading_anything() -> None:
    result = CliRunner().invoke(app, ["serve", "--device", "gpu9"])
    assert result.exit_code == 1
    assert "device must be auto, cpu, cuda, cuda:N or mps" in result.output
