"""Summaries carry what is known to be wrong with what they say: the flags of the
sentences they were made from, and (abstractive) what the article does not support."""

from __future__ import annotations

from collections.abc import Sequence

from app.contract.schemas import ArticleResponse, SummarizeResponse
from app.engines.base import GenerationOptions
from app.services.article import process_article
from app.services.summarize import Summarizer, summarize_text
from tests.fakes import FakeEngine, run, translate_with

LOSSY = "Pemerintah mengalokasikan anggaran Rp1,2 triliun untuk perbaikan jalan nasional."
ARTICLE = f"{LOSSY}\n\nBanjir merendam ratusan rumah di Jakarta Timur."


class AmountDroppingEngine(FakeEngine):
    """Upper-cases like the fake engine, but loses every amount, retry or not."""

    def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[str]:
        return [t.replace("RP1,2 TRILIUN ", "") for t in super().generate(texts, options)]


def summarizer_saying(summary: str) -> Summarizer:
    async def generate(texts: Sequence[str]) -> list[str]:
        return [summary for _ in texts]

    return Summarizer(
        "fake-summarizer", 512, lambda texts: [len(t.split()) for t in texts], generate
    )


def test_an_extractive_summary_carries_the_lost_amount_of_its_sentence() -> None:
    translate = translate_with(AmountDroppingEngine())
    result = run(summarize_text(ARTICLE, translate=translate, mode="extractive", max_sentences=2))
    response = SummarizeResponse.of(result)
    assert "numbers" in response.flags
    (issue,) = [i for i in response.issues if i.flag == "numbers"]
    assert issue.missing == ["Rp1,2 triliun"]
    assert issue.sentence == 0
    assert [s.flags for s in response.sentences if s.index == 0] == [["numbers"]]


def test_the_articles_summary_carries_the_flags_its_segments_have() -> None:
    translate = translate_with(AmountDroppingEngine())
    result = run(process_article(translate=translate, text=ARTICLE, mode="extractive"))
    response = ArticleResponse.of(result)
    assert "numbers" in response.summary_flags
    assert [i.missing for i in response.summary_issues] == [["Rp1,2 triliun"]]


def test_a_clean_summary_has_no_flags() -> None:
    translate = translate_with(FakeEngine())
    result = run(summarize_text(ARTICLE, translate=translate, mode="extractive", max_sentences=2))
    assert SummarizeResponse.of(result).flags == []


def test_an_abstractive_summary_is_checked_against_the_article() -> None:
    translate = translate_with(FakeEngine())
    invented = "Governor Anies said RP1,2 TRILIUN and Rp3 trillion went to Bandung roads."
    result = run(
        summarize_text(
            ARTICLE, translate=translate, summarizer=summarizer_saying(invented), mode="abstractive"
        )
    )
    response = SummarizeResponse.of(result)
    by_flag = {i.flag: i for i in response.issues}
    assert by_flag["unsupported_numbers"].missing == ["Rp3 trillion"]
    assert by_flag["unsupported_names"].missing == ["Anies", "Bandung"]
    assert by_flag["unsupported_names"].sentence is None


def test_an_abstractive_summary_that_sticks_to_the_article_is_clean() -> None:
    translate = translate_with(FakeEngine())
    faithful = "EN:PEMERINTAH MENGALOKASIKAN ANGGARAN RP1,2 TRILIUN untuk JALAN."
    result = run(
        summarize_text(
            ARTICLE, translate=translate, summarizer=summarizer_saying(faithful), mode="abstractive"
        )
    )
    assert SummarizeResponse.of(result).issues == []
