"""``warta batch`` ends by saying how many segments of its results are flagged."""

from __future__ import annotations

import json
from pathlib import Path

from app.engines.tiny import PAIRS
from tests.jobs.test_local_glossary import _batch
from tests.servers import model_env

LOSSY = "Harga beras naik menjadi Rp14.500 per kilogram."


def test_batch_prints_the_flagged_count(tiny_marian_dir: Path, tmp_path: Path) -> None:
    archive, output = tmp_path / "archive.jsonl", tmp_path / "results.jsonl"
    items = [
        {"id": "clean", "texts": [PAIRS[0][0]], "source_lang": "id"},
        {"id": "lossy", "texts": [f"{PAIRS[2][0]} {LOSSY}"], "source_lang": "id"},
    ]
    archive.write_text("".join(json.dumps(item) + "\n" for item in items))
    env = model_env(tiny_marian_dir, tmp_path, database_url=f"sqlite:///{tmp_path / 'w.db'}")
    done = _batch(env, str(archive), "-o", str(output), "--kind", "translate")
    assert done.returncode == 0, done.stderr
    assert "1 flagged segment:" in done.stderr
    lines = [json.loads(text) for text in output.read_text().splitlines()]
    assert [line["translations"][0].get("flagged") for line in lines] == [None, 1]
