"""The article pipeline: clean -> translate once -> summarise."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from app.core.errors import InvalidInput
from app.services.article import process_article
from app.services.batcher import direct
from app.services.detect import Detection
from app.services.summarize import summarizer_for
from app.services.translate import document_sentences
from tests.fakes import FakeEngine, run, translate_with

BODY = (Path(__file__).resolve().parents[1] / "data" / "banjir-jakarta.txt").read_text(
    encoding="utf-8"
)
HEADLINE = "Banjir Rendam Ratusan Rumah di Jakarta Timur"
FURNITURE = "Baca juga: Jadwal Ganjil Genap Jakarta Hari Ini"
PASTED = (
    f"{HEADLINE}\n\n"
    + BODY.replace("Sebanyak 1.200", f"{FURNITURE}\n\nSebanyak 1.200")
    + "\n\nEditor: Lili Lestari\nTag Terkait:\nBerita Trending\n"
    "- 1 Garuda Indonesia turunkan harga tiket\n- 2 Harga beras naik bulan ini\n"
)


def test_article_is_cleaned_translated_once_and_summarised(translator: FakeEngine) -> None:
    result = run(process_article(translate=translate_with(translator), text=PASTED))
    sent = Counter(text for batch in translator.batches for text in batch)
    body_sentences = [s for _, s in document_sentences(BODY)]
    assert all(count == 1 for count in sent.values())  # nothing translated twice
    assert set(sent) == {HEADLINE, *body_sentences}  # furniture is never translated
    assert result.title is not None
    assert result.title.source == HEADLINE
    assert result.title.translation == f"EN:{HEADLINE.upper()}"
    assert [s.source for s in result.segments] == body_sentences
    assert FURNITURE in result.removed
    assert result.summary_result.mode == "extractive"
    chosen = result.summary_result.sentences
    assert result.summary == " ".join(result.segments[s.index].translation for s in chosen)
    assert result.stats.sentences == len(body_sentences)
    assert result.stats.source_chars == len(BODY.strip())
    assert result.stats.seconds >= 0


def test_given_title_wins_and_detected_language_is_passed_through(
    translator: FakeEngine,
) -> None:
    detector = RecordingDetector()
    result = run(
        process_article(
            translate=translate_with(translator),
            text=BODY,
            title="Jakarta Timur Terendam",
            detector=detector,  # type: ignore[arg-type]
            detected_language="id",
        )
    )
    assert detector.seen == []  # detection does not run when the language is given
    assert result.title is not None and result.title.source == "Jakarta Timur Terendam"
    assert result.detected_language == "id"


def test_detector_runs_on_the_cleaned_body(translator: FakeEngine) -> None:
    detector = RecordingDetector()
    result = run(
        process_article(
            translate=translate_with(translator),
            text=PASTED,
            detector=detector,  # type: ignore[arg-type]
        )
    )
    assert result.detected_language == "id"
    assert detector.seen == [BODY.strip()]


def test_abstractive_article_summarises_the_english_body(translator: FakeEngine) -> None:
    summariser = FakeEngine(max_input_tokens=1000, role="summarization")
    result = run(
        process_article(
            translate=translate_with(translator),
            text=BODY,
            summarizer=summarizer_for(summariser, direct(summariser)),
        )
    )
    assert result.summary_result.mode == "abstractive"
    english = " ".join(s.translation for s in result.segments)
    assert summariser.batches == [[english]]
    assert result.summary == f"EN:{english.upper()}"
    assert result.summary_result.sentences_used == result.stats.sentences


def test_html_article_is_extracted_from_the_page(translator: FakeEngine) -> None:
    paragraphs = "".join(f"<p>{p}</p>" for p in BODY.split("\n\n"))
    html = (
        "<html><head><title>Banjir Rendam Ratusan Rumah</title></head><body>"
        f"<nav>Beranda | Berita</nav><article><h1>Banjir Rendam Ratusan Rumah</h1>{paragraphs}"
        "</article><footer>Hak cipta 2024</footer></body></html>"
    )
    result = run(process_article(translate=translate_with(translator), html=html))
    assert [s.source for s in result.segments] == [s for _, s in document_sentences(BODY)]
    assert result.title is not None and result.title.source == "Banjir Rendam Ratusan Rumah"
    assert result.summary


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"text": BODY, "html": "<p>x</p>"}, {"text": "\n\n"}, {"text": BODY, "mode": "best"}],
)
def test_bad_article_requests_raise_invalid_input(translator: FakeEngine, kwargs: dict) -> None:
    with pytest.raises(InvalidInput):
        run(process_article(translate=translate_with(translator), **kwargs))


class RecordingDetector:
    """Says every text is Indonesian and remembers what it was asked about."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def detect(self, text: str) -> Detection:
        self.seen.append(text)
        return Detection("id", 0.99)
