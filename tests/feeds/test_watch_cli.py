"""``warta watch`` as users run it: the tiny model, the local fake news site, JSON Lines
out; a second run writes nothing twice."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from app.engines.tiny import TRANSLATIONS
from app.feeds.fakesite import S, news_site, serving
from tests.servers import ROOT, model_env


def watch(model: Path, work: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = model_env(
        model, work, FEEDS_ALLOW_PRIVATE="true", FEEDS_POLL_S="0.2", FEEDS_HOST_DELAY_S="0"
    )
    command = [sys.executable, "-m", "app.cli", "watch", *args]
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def test_watch_writes_each_article_once_and_resumes(tiny_marian_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "news.jsonl"
    with serving(*news_site()) as (a, b, c):
        urls = [a.base + "/rss.xml", b.base + "/sitemap.xml", c.base + "/"]
        first = watch(tiny_marian_dir, tmp_path, *urls, "--jsonl", str(out), "--once")
        assert first.returncode == 0, first.stderr
        lines = [json.loads(line) for line in out.read_text().splitlines()]
        again = watch(tiny_marian_dir, tmp_path, *urls, "--jsonl", str(out), "--once")
        assert again.returncode == 0, again.stderr
    assert len(out.read_text().splitlines()) == len(lines)  # nothing written twice
    by_status: dict[str, list[dict]] = {}
    for line in lines:
        by_status.setdefault(line["status"], []).append(line)
    assert len(by_status["done"]) == 4  # A's two, B's own story, C's
    [copy] = by_status["duplicate"]
    bridge = next(x for x in by_status["done"] if "jembatan.html" in x["url"])
    assert copy["duplicate_of"] == bridge["id"] and "jembatan.html" in copy["url"]
    assert all(TRANSLATIONS[s] in bridge["translation"] for s in S[:3])
    [refused] = by_status["failed"]
    assert refused["error"]["code"] == "robots_disallowed"
    assert a.requested("/private/rahasia.html") == []
    assert "4 translated, 1 copies linked, 1 failed" in first.stderr


def test_watch_refuses_a_private_source_without_the_setting(tmp_path: Path) -> None:
    env = {**os.environ, "WARTA_FEEDS_ALLOW_PRIVATE": "false"}
    out = tmp_path / "x.jsonl"
    command = [sys.executable, "-m", "app.cli", "watch", "http://127.0.0.1:9/rss.xml"]
    done = subprocess.run(
        [*command, "--jsonl", str(out), "--once"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    assert "127.0.0.1" in done.stderr and "WARTA_FEEDS_ALLOW_PRIVATE" in done.stderr
    assert not out.exists() or out.read_text() == ""
