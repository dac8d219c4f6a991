"""Every entry point reads mis-decoded text alike: repaired first, nothing lost."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.text.normalize import normalize
from tests.api.conftest import fake_translation

MOJIBAKE = Path(__file__).resolve().parents[1] / "data" / "mojibake"
MIS_DECODED = ["pompa-banjir.cp1252.txt", "pompa-banjir.latin1.txt", "kuota-haji.mixed.txt"]


def _read(name: str) -> str:
    return (MOJIBAKE / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("variant", MIS_DECODED)
def test_translate_and_clean_agree_on_mis_decoded_news(client: TestClient, variant: str) -> None:
    broken = _read(variant)
    correct = _read(variant.split(".")[0] + ".txt")
    repaired = normalize(broken)
    assert repaired == normalize(correct)

    payload = {"texts": [broken, correct], "return_segments": True}
    response = client.post("/v1/translate", json=payload)
    assert response.status_code == 200, response.text
    out, reference = response.json()["translations"]
    paragraphs: dict[int, list[str]] = {}
    for segment in out["segments"]:
        paragraphs.setdefault(segment["paragraph"], []).append(segment["source"])
        assert segment["translation"] == fake_translation(segment["source"])
    # Every source character is in a segment: nothing was dropped before the repair.
    assert "\n\n".join(" ".join(sources) for sources in paragraphs.values()) == repaired
    assert out["segments"] == reference["segments"]
    assert out["detected_language"] == reference["detected_language"] == "id"

    cleaned = client.post("/v1/clean", json={"text": broken}).json()
    assert f"{cleaned['title']}\n\n{cleaned['text']}" == repaired
    assert cleaned == client.post("/v1/clean", json={"text": correct}).json()
    detected = client.post("/v1/detect", json={"text": broken}).json()
    assert detected == client.post("/v1/detect", json={"text": correct}).json()
