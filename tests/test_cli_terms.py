"""`warta translate` / `warta article` with --format, --glossary and --no-translate."""

from __future__ import annotations

from pathlib import Path

from app.engines.tiny import PAIRS
from tests.test_cli import run_warta
from tests.text.markup_helpers import html_structure


def test_translate_html_with_a_glossary_file(tiny_marian_dir: Path, tmp_path: Path) -> None:
    (source, target), (other, other_target) = PAIRS[0], PAIRS[4]
    page = tmp_path / "post.html"
    page.write_text(
        f"<p>{source.replace('Surabaya', '<b>Surabaya</b>')}</p>\n<p><i>{other}</i></p>\n",
        encoding="utf-8",
    )
    glossary = tmp_path / "glossary.tsv"
    glossary.write_text("Surabaya\tSurabaya City\n", encoding="utf-8")
    result = run_warta(
        "translate",
        str(page),
        "--format",
        "html",
        "--glossary",
        str(glossary),
        "--no-translate",
        "Joko Widodo",
        "--source",
        "id",
        model=tiny_marian_dir,
    )
    assert result.returncode == 0, result.stderr
    expected = target.replace("Surabaya", "<b>Surabaya City</b>")
    assert result.stdout == f"<p>{expected}</p>\n<p><i>{other_target}</i></p>\n\n"
    assert html_structure(result.stdout) == html_structure(page.read_text(encoding="utf-8"))


def test_a_bad_glossary_line_is_named(tmp_path: Path) -> None:
    text = tmp_path / "a.txt"
    text.write_text("Harga naik.", encoding="utf-8")
    glossary = tmp_path / "g.tsv"
    glossary.write_text("DPR\tHouse of Representatives\nKPK tanpa tab\n", encoding="utf-8")
    result = run_warta("translate", str(text), "--glossary", str(glossary), model="unused")
    assert result.returncode == 1
    assert f"{glossary}: line 2" in result.stderr
    assert "Traceback" not in result.stderr


def test_article_html_page_and_markup_format_are_exclusive(tmp_path: Path) -> None:
    text = tmp_path / "a.html"
    text.write_text("<p>Harga naik.</p>", encoding="utf-8")
    result = run_warta("article", str(text), "--html", "--format", "html", model="unused")
    assert result.returncode == 1
    assert "--format html" in result.stderr
