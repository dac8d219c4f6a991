"""``warta batch`` with a stored glossary: the entries come from the database the server
uses (``WARTA_DATABASE_URL``), copied into the run as a server copies them into a job."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from app.engines.tiny import PAIRS
from app.store import open_store
from app.store.glossaries import create_glossary
from tests.servers import ROOT, STARTUP_S, model_env


def _batch(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "app.cli", "batch", *args]
    return subprocess.run(
        command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=STARTUP_S
    )


def test_warta_batch_applies_a_stored_glossary_named_in_its_options(
    tiny_marian_dir: Path, tmp_path: Path
) -> None:
    database = f"sqlite:///{tmp_path / 'server.db'}"
    store = open_store(database)
    try:
        glossary = create_glossary(store, name="desk", entries={"Surabaya": "Surabaya City"})
    finally:
        store.close()
    source, english = PAIRS[0]
    archive, output = tmp_path / "archive.jsonl", tmp_path / "results.jsonl"
    archive.write_text(json.dumps({"id": "a", "texts": [source], "source_lang": "id"}) + "\n")
    env = model_env(tiny_marian_dir, tmp_path, database_url=database)
    options = json.dumps({"glossary_id": glossary.id, "return_segments": True})

    done = _batch(env, str(archive), "-o", str(output), "--kind", "translate", "--options", options)
    assert done.returncode == 0, done.stderr
    [line] = [json.loads(text) for text in output.read_text().splitlines()]
    translation = line["translations"][0]
    assert "Surabaya City" in translation["text"]
    assert translation["segments"][0]["terms"] == [
        {"source": "Surabaya", "target": "Surabaya City"}
    ]

    missing = json.dumps({"glossary_id": "g-" + "0" * 32})
    refused = _batch(
        env,
        str(archive),
        "-o",
        str(tmp_path / "other.jsonl"),
        "--kind",
        "translate",
        "--options",
        missing,
    )
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    assert "glossary" in refused.stderr.lower()
