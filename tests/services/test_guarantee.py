"""The guarantee as a property, with the tiny trained model as the adversary.

The tiny model knows only its six training sentences and turns anything else into one
of them, so it drops or mangles nearly every URL, mention, term and tag it is given.
Whatever it does, every protected span and glossary target must come back exactly,
and markup must keep its structure.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.engines.base import GenerationOptions
from app.engines.tiny import PAIRS
from app.services.batcher import direct
from app.services.options import TextOptions
from app.services.translate import TranslationPipeline
from tests.fakes import run
from tests.text.markup_helpers import html_structure, markdown_structure

GLOSSARY = {"DPR": "House of Representatives", "pemilu": "general election", "KPK": "KPK"}
NO_TRANSLATE = ["Jokowi", "Kompas TV"]
WORDS = [w.strip(".") for source, _ in PAIRS for w in source.split()] + ["kata", "warga"]

# (what is written in the sentence, what the translation must contain)
SPAN = st.one_of(
    st.builds(
        lambda host, path: (f"https://{host}.id/{path}", f"https://{host}.id/{path}"),
        st.sampled_from(["kompas", "detik", "bmkg.go"]),
        st.text("abcxyz019-_/", min_size=1, max_size=12).filter(lambda p: p[-1] not in "/-"),
    ),
    st.sampled_from(["redaksi@tempo.co", "humas@polri.go.id"]).map(lambda e: (e, e)),
    st.sampled_from(["@budi", "@warga@mastodon.social", "@kpk_ri"]).map(lambda m: (m, m)),
    st.sampled_from(["#PemiluDamai", "#Jakarta", "#banjir2024"]).map(lambda h: (h, h)),
    st.sampled_from(["Jokowi", "Jokowi-lah", "Kompas TV", "di-Jokowi"]).map(
        lambda t: (t, "Kompas TV" if "Kompas" in t else "Jokowi")
    ),
    st.sampled_from(["DPR", "DPR-nya", "DPRpun", "KPK-kah", "pemilu", "pemilunya"]).map(
        lambda t: (t, GLOSSARY["DPR" if "DPR" in t else "KPK" if "KPK" in t else "pemilu"])
    ),
)
PIECE = st.one_of(st.sampled_from(WORDS).map(lambda w: (w, "")), SPAN)
SENTENCE = st.lists(PIECE, min_size=2, max_size=8).filter(lambda p: any(r for _, r in p))


def text_of(sentences: list[list[tuple[str, str]]]) -> tuple[str, list[str]]:
    written = [" ".join(w for w, _ in s) + "." for s in sentences]
    required = [r for s in sentences for _, r in s if r]
    return " ".join(written), required


def pipeline(engine: Any) -> TranslationPipeline:
    return TranslationPipeline(
        engine.count_tokens, engine.max_input_tokens, GenerationOptions(beam_size=1)
    )


def missing(required: list[str], output: str) -> list[str]:
    """Required strings the output lacks, counting repeats."""
    return [r for r in set(required) if output.count(r) < required.count(r)]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(SENTENCE, min_size=1, max_size=3))
def test_every_span_and_glossary_target_survives_the_tiny_model(
    tiny_hf_engine: Any, sentences: list[list[tuple[str, str]]]
) -> None:
    text, required = text_of(sentences)
    options = TextOptions(glossary=GLOSSARY, no_translate=NO_TRANSLATE)
    result = run(pipeline(tiny_hf_engine).translate([text], direct(tiny_hf_engine), options))[0]
    assert missing(required, result.text) == []
    for segment in result.segments:
        assert (
            missing([r for w, r in _pieces_in(segment.source, sentences) if r], segment.translation)
            == []
        )


def _pieces_in(source: str, sentences: list[list[tuple[str, str]]]) -> list[tuple[str, str]]:
    for pieces in sentences:
        if source == " ".join(w for w, _ in pieces) + ".":
            return pieces
    return []


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def visible(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return "".join(parser.parts)


MENTION = st.sampled_from(["budi", "warga"]).map(
    lambda u: (
        f'<span class="h-card"><a href="https://m.id/@{u}" class="u-url mention">'
        f"@<span>{u}</span></a></span>",
        f"@{u}",
    )
)
HASHTAG = st.sampled_from(["Pemilu", "Banjir"]).map(
    lambda t: (
        f'<a href="https://m.id/tags/{t}" class="mention hashtag" rel="tag">#<span>{t}</span></a>',
        f"#{t}",
    )
)
LINK = st.just(
    (
        '<a href="https://kompas.id/baca/banjir" rel="nofollow noopener" target="_blank">'
        '<span class="invisible">https://</span><span class="ellipsis">kompas.id/baca</span>'
        '<span class="invisible">/banjir</span></a>',
        "https://kompas.id/baca/banjir",
    )
)
POST_PIECE = st.one_of(
    st.sampled_from(WORDS).map(lambda w: (w, "")),
    st.sampled_from(["<b>banjir besar</b>", "<em>warga</em>", "&amp;", "<br>"]).map(
        lambda w: (w, "")
    ),
    MENTION,
    HASHTAG,
    LINK,
)
POST = st.lists(st.lists(POST_PIECE, min_size=1, max_size=8), min_size=1, max_size=3)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(POST)
def test_mastodon_posts_keep_their_tags_mentions_hashtags_and_links(
    tiny_hf_engine: Any, paragraphs: list[list[tuple[str, str]]]
) -> None:
    source = "".join("<p>" + " ".join(m for m, _ in p) + ".</p>" for p in paragraphs)
    required = [r for p in paragraphs for _, r in p if r]
    options = TextOptions(format="html")
    result = run(pipeline(tiny_hf_engine).translate([source], direct(tiny_hf_engine), options))[0]
    assert html_structure(result.text) == html_structure(source)
    assert missing(required, visible(result.text)) == []


MD_PIECE = st.one_of(
    st.sampled_from(WORDS).map(lambda w: (w, "")),
    st.just(("**Kompas TV**", "Kompas TV")),
    st.just(("[siaran pers](https://pu.go.id/siaran)", "](https://pu.go.id/siaran)")),
    st.just(("`warta --glossary`", "`warta --glossary`")),
    st.just(("https://pu.go.id/a", "https://pu.go.id/a")),
    st.just(("DPR-nya", "House of Representatives")),
)
RELEASE = st.lists(
    st.tuples(st.sampled_from(["", "## ", "- ", "> "]), st.lists(MD_PIECE, min_size=1, max_size=7)),
    min_size=1,
    max_size=4,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(RELEASE)
def test_markdown_releases_keep_structure_links_code_and_terms(
    tiny_hf_engine: Any, blocks: list[tuple[str, list[tuple[str, str]]]]
) -> None:
    source = "\n\n".join(prefix + " ".join(w for w, _ in pieces) + "." for prefix, pieces in blocks)
    required = [r for _, pieces in blocks for _, r in pieces if r]
    options = TextOptions(format="markdown", glossary=GLOSSARY, no_translate=NO_TRANSLATE)
    result = run(pipeline(tiny_hf_engine).translate([source], direct(tiny_hf_engine), options))[0]
    assert markdown_structure(result.text) == markdown_structure(source)
    assert missing(required, result.text) == []
