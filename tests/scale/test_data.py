"""Ray Data: 200 articles in JSON Lines shards through an actor pool (2 actors on the
2-CPU cluster) give, item for item and in order, what ``process_item`` over the direct
driver gives in this process; runs resume by shard; Parquet in and out; the CLI."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from app.contract.answers import process_item
from app.core.config import Settings
from app.engines.loader import load_engines
from app.engines.tiny import PAIRS
from app.runtime.work import direct_work
from app.scale.data import BatchOptions, run_batch
from app.services.detect import default_detector
from app.services.work import Work
from app.store import open_store
from app.store.glossaries import create_glossary
from tests.scale.conftest import without_timing

SHARDS = 4
PER_SHARD = 50


def overrides(marian: Path) -> dict[str, Any]:
    return {
        "translation_model": str(marian),
        "summarization_model": "none",
        "engine": "transformers",
        "device": "cpu",
        "beam_size": 2,
    }


def article(i: int) -> dict[str, Any]:
    """Article ``i`` of the archive: text, HTML, titles, and some bad items."""
    a, b, c = (PAIRS[(i * k + k) % len(PAIRS)][0] for k in (1, 2, 5))
    shapes: list[dict[str, Any]] = [
        {"id": i, "text": f"{a} {b}\n\n{c}"},
        {"id": f"web-{i}", "html": f"<html><body><h1>{c}</h1><p>{a} {b}</p></body></html>"},
        {"id": i, "text": f"{a}\n\n{b}", "title": c, "max_sentences": 1},
        {"id": i, "text": a, "html": f"<p>{b}</p>"},  # both: 422
        {"text": a},  # no id
        {"id": i, "text": a, "mode": "abstractive"},  # no summariser loaded: 422
        {"id": i, "text": f"{a} {a}", "mode": "extractive"},
    ]
    return shapes[i % len(shapes)]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four JSON Lines shards of 50 articles; the third also has a blank and a broken line."""
    folder = tmp_path_factory.mktemp("archive")
    for shard in range(SHARDS):
        lines = [json.dumps(article(shard * PER_SHARD + i)) for i in range(PER_SHARD)]
        if shard == 2:
            lines[10:10] = ["", '{"id": "broken", "text": "Harga beras']
        (folder / f"part-{shard}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def work(tiny_marian_dir: Path) -> Work:
    settings = Settings(**overrides(tiny_marian_dir))
    return direct_work(
        load_engines(settings, summarization=False),
        default_detector(),
        beam_size=settings.beam_size,
        max_batch_tokens=settings.max_batch_tokens,
    )


def single_process(work: Work, items: list[Any], marian: Path) -> list[Any]:
    """The single-process path: ``process_item`` over the direct driver, one by one."""
    settings = Settings(**overrides(marian))

    async def run_all() -> list[Any]:
        return [await process_item(work, "articles", item, settings) for item in items]

    return without_timing(asyncio.run(run_all()))


def read_jsonl(path: Path) -> list[Any]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_an_archive_gives_the_single_process_results(
    archive: Path, work: Work, tiny_marian_dir: Path, ray_cluster: dict[str, Any], tmp_path: Path
) -> None:
    out = tmp_path / "results"
    report = run_batch([str(archive)], out, BatchOptions(actors=2), overrides(tiny_marian_dir))

    assert [Path(s).name for s in report.written] == [f"part-{s}.jsonl" for s in range(SHARDS)]
    assert report.items == SHARDS * PER_SHARD + 1  # the broken line is an item too
    for shard in range(SHARDS):
        results = without_timing(read_jsonl(out / f"part-{shard}.jsonl"))
        items = [article(shard * PER_SHARD + i) for i in range(PER_SHARD)]
        if shard == 2:
            broken = results.pop(10)
            assert broken["id"] is None
            assert broken["error"]["code"] == "invalid_input"
            assert "line 12 of part-2.jsonl is not valid JSON" in broken["error"]["message"]
        assert results == single_process(work, items, tiny_marian_dir)
    assert report.errors == sum(
        "error" in r for s in range(SHARDS) for r in read_jsonl(out / f"part-{s}.jsonl")
    )
    assert not list(out.glob(".*partial"))

    # A stopped run resumes by shard: only the shard without an output runs again.
    before = (out / "part-1.jsonl").read_text(encoding="utf-8")
    (out / "part-1.jsonl").unlink()
    again = run_batch([str(archive)], out, BatchOptions(actors=1), overrides(tiny_marian_dir))
    assert [Path(s).name for s in again.written] == ["part-1.jsonl"]
    assert len(again.skipped) == SHARDS - 1
    after = (out / "part-1.jsonl").read_text(encoding="utf-8")
    assert without_timing(read_jsonl(out / "part-1.jsonl")) == without_timing(
        [json.loads(line) for line in before.splitlines()]
    )
    assert after.count("\n") == PER_SHARD


def test_the_cli_runs_parquet_through_the_running_cluster(
    work: Work, tiny_marian_dir: Path, ray_cluster: dict[str, Any], tmp_path: Path
) -> None:
    items = [article(i) for i in range(14)]
    rows = [
        {"id": str(it.get("id")), "text": it.get("text"), "title": it.get("title")} for it in items
    ]
    table = pa.Table.from_pylist(rows).append_column("url", pa.array(["https://x"] * len(rows)))
    pq.write_table(table, tmp_path / "week.parquet")
    command = [
        sys.executable,
        "-m",
        "app.cli",
        "batch",
        str(tmp_path / "week.parquet"),
        "--output",
        str(tmp_path / "out"),
        "--format",
        "parquet",
        "--ray",
        "auto",
        "--actors",
        "1",
        "--model",
        str(tiny_marian_dir),
        "--summarization-model",
        "none",
        "--engine",
        "transformers",
        "--device",
        "cpu",
    ]
    env = {**os.environ, "WARTA_BEAM_SIZE": "2"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout)["items"] == len(rows)

    written = pq.read_table(tmp_path / "out" / "week.parquet").to_pylist()
    expected_items = [{k: v for k, v in row.items() if v is not None} for row in rows]
    expected = single_process(work, expected_items, tiny_marian_dir)
    assert [without_timing(json.loads(r["result"])) for r in written] == expected
    assert [r["id"] for r in written] == [row["id"] for row in rows]


def test_ray_takes_the_local_runs_options_and_stored_glossary(
    tiny_marian_dir: Path, ray_cluster: dict[str, Any], tmp_path: Path
) -> None:
    """``warta batch --options`` (a stored ``glossary_id`` included) on this machine and
    with ``--ray`` give the same results, line for line."""
    database = f"sqlite:///{tmp_path / 'server.db'}"
    store = open_store(database)
    try:
        glossary = create_glossary(store, name="desk", entries={"Surabaya": "Surabaya City"})
    finally:
        store.close()
    texts = [source for source, _ in PAIRS[:12]]
    items = [{"id": f"t{i}", "texts": [text]} for i, text in enumerate(texts)]
    items.append({"id": "own", "texts": [texts[0]], "return_segments": False})  # item wins
    items.append({"id": "bad", "texts": [texts[0]], "glossary_id": "g-" + "0" * 32})
    archive = tmp_path / "archive.jsonl"
    archive.write_text("".join(json.dumps(item) + "\n" for item in items), encoding="utf-8")
    options = json.dumps({"glossary_id": glossary.id, "return_segments": True})
    env = {**os.environ, "WARTA_BEAM_SIZE": "2", "WARTA_DATABASE_URL": database}
    common = ["--kind", "translate", "--options", options, *model_flags(tiny_marian_dir)]

    local = tmp_path / "local.jsonl"
    done = run_cli(["batch", str(archive), "-o", str(local), *common], env)
    assert done.returncode == 0, done.stderr[-3000:]
    on_cluster = ["batch", str(archive), "-o", str(tmp_path / "ray"), "--ray", "auto"]
    done = run_cli([*on_cluster, *common], env)
    assert done.returncode == 0, done.stderr[-3000:]

    on_ray = without_timing(read_jsonl(tmp_path / "ray" / "archive.jsonl"))
    assert on_ray == without_timing(read_jsonl(local))
    assert "Surabaya City" in on_ray[0]["translations"][0]["text"]
    assert on_ray[0]["translations"][0]["segments"][0]["terms"] == [
        {"source": "Surabaya", "target": "Surabaya City"}
    ]
    assert "segments" not in on_ray[-2]["translations"][0]
    assert on_ray[-1]["error"]["code"] == "not_found"


def model_flags(marian: Path) -> list[str]:
    return [
        "--model", str(marian), "--summarization-model", "none",
        "--engine", "transformers", "--device", "cpu",
    ]  # fmt: skip


def run_cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "app.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
