"""The tiny test models: a build from scratch translates PAIRS exactly, and the per-machine
cache builds each recipe once, atomically."""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

import pytest

from app.engines.base import GenerationOptions
from app.engines.hf import HFEngine
from app.engines.tiny import PAIRS, build_tiny_marian, cached_model, recipe_key, tiny_cache_dir

BUILDS: list[Path] = []


def build_marker(directory: Path, *, size: int = 1) -> Path:
    """A stand-in builder: cheap, and it records each build."""
    directory.mkdir(parents=True)
    (directory / "config.json").write_text(f'{{"size": {size}}}')
    BUILDS.append(directory)
    return directory


def build_broken(directory: Path) -> Path:
    directory.mkdir(parents=True)
    (directory / "config.json").write_text("{}")
    raise RuntimeError("interrupted")


def test_a_fresh_build_translates_every_pair_exactly(tmp_path: Path) -> None:
    model_dir = build_tiny_marian(tmp_path / "marian")
    engine = HFEngine(model_dir, name="fresh", role="translation", threads=1)
    sources = [source for source, _ in PAIRS]
    for beam in (1, 4):
        assert engine.generate(sources, GenerationOptions(beam_size=beam)) == [
            target for _, target in PAIRS
        ]


def test_each_recipe_is_built_once_and_reused(tmp_path: Path) -> None:
    BUILDS.clear()
    first = cached_model(build_marker, cache_dir=tmp_path)
    again = cached_model(build_marker, cache_dir=tmp_path)
    other = cached_model(build_marker, cache_dir=tmp_path, size=2)
    assert first == again != other
    assert len(BUILDS) == 2
    assert (other / "config.json").read_text() == '{"size": 2}'
    assert models(tmp_path) == sorted([first.name, other.name])


def models(cache: Path) -> list[str]:
    """What the cache holds, without its hidden lock files."""
    return sorted(p.name for p in cache.iterdir() if not p.name.startswith("."))


def build_slowly(directory: Path) -> Path:
    """A builder that takes a while and leaves one log line per build, from any process."""
    with (directory.parents[2] / "builds.log").open("a") as log:  # beside the cache
        log.write(f"{os.getpid()}\n")
    time.sleep(1.0)
    directory.mkdir(parents=True)
    (directory / "config.json").write_text("{}")
    return directory


def ask_for_the_slow_model(cache: str) -> str:
    return str(cached_model(build_slowly, cache_dir=Path(cache)))


def test_processes_asking_at_once_build_the_model_once(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    with multiprocessing.get_context("fork").Pool(3) as pool:
        places = pool.map(ask_for_the_slow_model, [str(cache)] * 3)
    assert len(set(places)) == 1
    assert len((tmp_path / "builds.log").read_text().split()) == 1
    assert models(cache) == [Path(places[0]).name]


def test_the_key_follows_arguments_and_builder() -> None:
    assert recipe_key(build_marker) == recipe_key(build_marker)
    assert recipe_key(build_marker, size=2) != recipe_key(build_marker)
    assert recipe_key(build_broken) != recipe_key(build_marker)


def test_an_interrupted_build_leaves_nothing_behind(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="interrupted"):
        cached_model(build_broken, cache_dir=tmp_path)
    assert models(tmp_path) == []


def test_the_cache_folder_can_be_moved(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("WARTA_TINY_CACHE", str(tmp_path))
    assert tiny_cache_dir() == tmp_path
    monkeypatch.delenv("WARTA_TINY_CACHE")
    assert tiny_cache_dir() == Path(os.path.expanduser("~/.cache/warta/tiny"))
