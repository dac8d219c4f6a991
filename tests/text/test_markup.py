"""HTML and Markdown: only text is translated, every tag and code block comes back."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.text.markup import parse, runs
from tests.text.markup_helpers import (
    html_structure,
    markdown_structure,
    translate_markup,
)

# A stand-in for a model that reorders words and writes characters that are markup.
WORDS = {
    "Presiden": "President",
    "meresmikan": "inaugurated",
    "jembatan": "bridge",
    "baru": "new",
    "di": "in",
    "Banjir": "Floods",
    "merendam": "submerged",
    "rumah": "houses",
}


def word_by_word(sentence: str) -> str:
    return " ".join(WORDS.get(word.strip(".,"), word) for word in sentence.split())


def hostile(sentence: str) -> str:
    """Reversed words, led and followed by Markdown and HTML syntax."""
    return "- 1. # > " + " ".join(reversed(sentence.split())) + " *a_b* [x](y) <b> & |"


def test_html_runs_leave_code_scripts_and_attributes_out_of_the_text() -> None:
    source = (
        '<p>Presiden <a href="/a?x=1&amp;y=2" title="Jembatan baru">meresmikan</a>'
        " jembatan &amp; jalan.<br>Baris <code>x &lt; 1</code> dua.</p>"
        '<pre>kode <b>tetap</b></pre><script>var p = "<p>teks</p>";</script>'
        '<p translate="no">Jangan diterjemahkan</p>'
    )
    assert [run.text for run in runs(parse(source, "html"))] == [
        "Presiden meresmikan jembatan & jalan.",
        "Baris dua.",
    ]


def test_elements_the_caller_keeps_stay_out_of_the_text() -> None:
    source = "<p>Polisi <nama>Budi Santoso</nama> menangkap.</p><Catatan>Tetap.</Catatan>"
    source += "<p>Dua.</p>"
    kept = frozenset({"nama", "catatan"})
    assert [run.text for run in runs(parse(source, "html", kept))] == [
        "Polisi menangkap.",
        "Dua.",
    ]
    assert [run.text for run in runs(parse(source, "html"))] == [
        "Polisi Budi Santoso menangkap.",
        "Tetap.",
        "Dua.",
    ]


def test_inline_tags_wrap_the_words_they_wrapped() -> None:
    source = '<p>Presiden <b>Joko Widodo</b> meresmikan <a href="/j">jembatan baru</a>.</p>'

    def model(text: str) -> str:
        return {"jembatan baru": "new bridge"}.get(
            text, "President Joko Widodo inaugurated a new bridge."
        )

    assert translate_markup(source, "html", model) == (
        '<p>President <b>Joko Widodo</b> inaugurated a <a href="/j">new bridge</a>.</p>'
    )


def test_a_sentence_with_a_link_is_translated_once_as_a_whole() -> None:
    seen: list[str] = []

    def model(text: str) -> str:
        seen.append(text)
        return word_by_word(text)

    source = "<p>Banjir <em>merendam</em> rumah di Jakarta. Presiden meresmikan jembatan.</p>"
    translate_markup(source, "html", model)
    assert "Banjir merendam rumah di Jakarta." in seen
    assert "Banjir" not in seen


def test_entities_and_escapes_come_back() -> None:
    source = "<p>Harga &quot;beras&quot; &amp; gula naik &mdash; kata menteri.</p>"
    out = translate_markup(source, "html", lambda text: 'Price of "rice" & sugar - < 5')
    assert out == "<p>Price of &quot;rice&quot; &amp; sugar - &lt; 5</p>"


def test_markdown_keeps_prefixes_links_code_and_front_matter() -> None:
    source = (
        "---\ntitle: Siaran pers\n---\n"
        "# Banjir di *Jakarta*\n\n"
        '> - Presiden meresmikan [jembatan baru](https://pu.go.id/a "PU") di Surabaya.\n'
        ">   Baris kedua dengan `kode` di sini.\n\n"
        "```python\nprint('tetap')\n```\n\n"
        "| Kota | Status |\n|---|---|\n| Jakarta | banjir \\| surut |\n\n"
        "[ref]: https://example.com\n"
    )
    out = translate_markup(source, "markdown", word_by_word)
    assert out.startswith("---\ntitle: Siaran pers\n---\n# Floods in *Jakarta*\n")
    assert "```python\nprint('tetap')\n```" in out
    assert '[new bridge](https://pu.go.id/a "PU")' in out or '](https://pu.go.id/a "PU")' in out
    assert "\n>   " in out and "`kode`" in out and "[ref]: https://example.com\n" in out
    assert markdown_structure(out) == markdown_structure(source)


INLINE_TAGS = st.sampled_from(["b", "em", "span", "a", "strong", "i"])
TEXT = st.lists(
    st.sampled_from(
        [
            "Presiden",
            "meresmikan",
            "jembatan",
            "baru.",
            "di",
            "Surabaya,",
            "&amp;",
            "&lt;",
            "Banjir",
            "rumah!",
            "@budi",
            "#Pemilu",
            "https://x.id/a",
            "2024",
        ]
    ),
    min_size=1,
    max_size=6,
).map(" ".join)


def inline(depth: int) -> st.SearchStrategy[str]:
    leaf = st.one_of(
        TEXT,
        st.just('<img src="a.png" alt="foto">'),
        TEXT.map(lambda t: f"<code>{t}</code>"),
        st.just("<br>"),
    )
    if depth == 0:
        return leaf
    wrapped = st.tuples(INLINE_TAGS, st.lists(inline(depth - 1), min_size=1, max_size=3)).map(
        lambda pair: f'<{pair[0]} class="c">{" ".join(pair[1])}</{pair[0]}>'
    )
    return st.one_of(leaf, wrapped)


HTML = st.lists(
    st.tuples(
        st.sampled_from(["p", "li", "h2", "blockquote", "td"]),
        st.lists(inline(2), min_size=1, max_size=4),
    ).map(lambda pair: f"<{pair[0]}>{' '.join(pair[1])}</{pair[0]}>"),
    min_size=1,
    max_size=4,
).map("\n".join)


@settings(max_examples=150, deadline=None)
@given(HTML)
def test_html_structure_survives_any_translation(source: str) -> None:
    out = translate_markup(source, "html", hostile)
    assert html_structure(out) == html_structure(source)


MD_INLINE = st.lists(
    st.one_of(
        TEXT.map(lambda t: t.replace("&amp;", "dan").replace("&lt;", "kurang")),
        st.just("**tebal sekali**"),
        st.just("*miring*"),
        st.just("[tautan berita](https://x.id/a)"),
        st.just("`kode`"),
        st.just("![foto](a.png)"),
        st.just("<span>teks</span>"),
    ),
    min_size=1,
    max_size=5,
).map(" ".join)

MARKDOWN = st.lists(
    st.one_of(
        MD_INLINE,
        MD_INLINE.map(lambda t: "## " + t),
        st.lists(MD_INLINE, min_size=1, max_size=3).map(
            lambda items: "\n".join("- " + i for i in items)
        ),
        MD_INLINE.map(lambda t: "> " + t + "\n> " + t),
        st.just("```\nkode tetap\n```"),
        st.tuples(MD_INLINE, MD_INLINE).map(lambda t: f"{t[0]}  \n{t[1]}"),
    ),
    min_size=1,
    max_size=4,
).map("\n\n".join)


@settings(max_examples=150, deadline=None)
@given(MARKDOWN)
def test_markdown_structure_survives_any_translation(source: str) -> None:
    out = translate_markup(source, "markdown", hostile)
    assert markdown_structure(out) == markdown_structure(source)
