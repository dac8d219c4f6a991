"""The README's quick tour, run as written: every command of its block, from the folder
a clone gives (with ``examples/``), with the tiny test model, offline."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## Quick tour"


def tour_commands() -> str:
    """The first bash block of the README's quick tour section."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index(SECTION) :]
    found = re.search(r"```bash\n(.*?)```", section, re.S)
    assert found is not None, "the quick tour has no bash block"
    return found.group(1)


def test_the_tour_uses_only_files_that_exist() -> None:
    named = set(re.findall(r"examples/[\w.-]+", tour_commands()))
    assert named, "the tour uses no example file"
    assert all((ROOT / name).is_file() for name in named), named
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in ("page.txt", "article.txt", "terms.tsv", "post.html", "laporan.docx"):
        assert name in readme and (ROOT / "examples" / name).is_file()


def test_every_tour_command_works_as_written(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    bin_dir = Path(sys.executable).parent
    if not (bin_dir / "warta").exists():
        pytest.skip("the warta command is not installed (pip install -e .)")
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "HF_HUB_OFFLINE": "1",
        "WARTA_CACHE_DIR": str(tmp_path / "cache"),
        "WARTA_DATABASE_URL": f"sqlite:///{tmp_path / 'warta.db'}",
    }
    for name in ("WARTA_TRANSLATION_MODEL", "WARTA_SUMMARIZATION_MODEL", "WARTA_ENGINE"):
        env.pop(name, None)
    script = "set -euo pipefail\n" + tour_commands()
    result = subprocess.run(
        ["bash", "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    assert "Traceback" not in result.stderr
    assert "missing here: Rp1,2 triliun" in result.stderr
    assert "flagged: exit status 3" in result.stdout
    assert "THIS IS A TEST MODEL" in result.stderr
    assert '"kept_english"' in result.stdout
    assert (tmp_path / "results.jsonl").is_file()
