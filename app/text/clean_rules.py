"""The tables behind news cleaning: named patterns for Indonesian news-site furniture.

Each rule is data (a name and a pattern) so a new site's habit is one row here, not a new
branch in the cleaner. Patterns are matched against one normalised line at a time. Line
rules must match the *whole* line, so a body sentence that merely mentions "editor" or
"foto" never matches; length limits keep long body paragraphs out of reach.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_I = re.IGNORECASE


@dataclass(frozen=True)
class Rule:
    """A named pattern; ``max_len`` guards against swallowing long body paragraphs."""

    name: str
    pattern: re.Pattern[str]
    max_len: int = 300


def _rule(name: str, pattern: str, flags: int = _I, max_len: int = 300) -> Rule:
    return Rule(name, re.compile(pattern, flags), max_len)


# News sites as they name themselves in datelines, bylines and credits.
SITE = (
    r"(?:[A-Za-z0-9]+\.(?:com|co\.id|co|net|id|tv)(?:\.id)?|CNN Indonesia|CNBC Indonesia"
    r"|ANTARA(?: News)?|Antara|Pos Kota|Okezone|detik\w*|kumparan|Republika|Tribun\w*"
    r"|Kompas(?:TV)?|KOMPAS|Tempo|TEMPO|Liputan6|Merdeka|Suara|Bisnis\.com)"
)

_DAY = (
    r"(?:Senin|Selasa|Rabu|Kamis|Jumat|Jum'at|Sabtu|Minggu|Ahad"
    r"|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
)
_MONTH = (
    r"(?:Jan(?:uari|uary)?|Feb(?:ruari|ruary)?|Mar(?:et|ch)?|Apr(?:il)?|Mei|May|Jun(?:i|e)?"
    r"|Jul(?:i|y)?|Agu(?:stus)?|Ags|Aug(?:ust)?|Sep(?:tember)?|Sept|Okt(?:ober)?|Oct(?:ober)?"
    r"|Nov(?:ember)?|Des(?:ember)?|Dec(?:ember)?)"
)
_TIME = r"\d{1,2}[:.]\d{2}(?:\s*(?:WIB|WITA|WIT|GMT\+?\d*))?"
# One full date expression, e.g. "Senin, 19 Jun 2023, 15:22 WIB" or "14/03/2024, 09:15 WIB".
DATE = re.compile(
    rf"(?:{_DAY},?\s+)?(?:\d{{1,2}}\s+{_MONTH}\.?\s+\d{{4}}|\d{{1,2}}/\d{{1,2}}/\d{{4}})"
    rf"(?:\s*[,|\-]?\s*(?:pukul\s+)?{_TIME})?",
    _I,
)
# What may surround dates on a date line; a line made only of these is page furniture.
DATE_LINE_FILLER = re.compile(
    rf"{DATE.pattern}|{_DAY}|{_TIME}|{SITE}|diperbarui|diterbitkan|dipublikasikan|update[d]?"
    r"|published|terakhir|waktu baca:?\s*\d+\s*menit|[\s,|:\-–—/•·]",
    _I,
)

# What makes a date line page furniture wherever it stands; a bare date ("Sabtu,
# 5 November 2016") between body paragraphs can be a chronology heading instead.
DATE_STAMP = re.compile(rf"{_TIME}|{SITE}|diperbarui|diterbitkan|dipublikasikan|update", _I)


def is_date_line(text: str) -> bool:
    """A short line made of a date and its usual company (day, time, site, "Diperbarui")."""
    if len(text) > 100 or not DATE.search(text):
        return False
    return not DATE_LINE_FILLER.sub("", text).strip()


# "ANKARA -", "JAKARTA, KOMPAS.com -", "Jakarta (ANTARA) -", "Liputan6.com, Jakarta -".
_DL_WORD = r"(?:\(?[A-Z][\w.&'/]*\)?,?)"
DATELINE = re.compile(rf"^(?P<dateline>{_DL_WORD}(?:\s+{_DL_WORD}){{0,4}})\s*(?:--?|–|—)\s+(?=\S)")
SITE_IN_DATELINE = re.compile(rf"\(?\b{SITE}\)?", _I)

# Whole-line furniture, tried in order; the first match names the removal.
LINE_RULES: tuple[Rule, ...] = (
    _rule("read_also", r"[\[(]?\s*(?:baca|lihat)[\s_]+(?:juga|pula|selengkapnya)\b.*", max_len=250),
    _rule("read_also", r"[\[(]?\s*baca\s*:.*", max_len=250),
    _rule(
        "promo", r"[\[(]?\s*(?:simak|tonton|saksikan)\s+(?:juga|video|live|siaran)\b.*", max_len=200
    ),
    _rule(
        "promo",
        r"(?:simak|tonton|saksikan|lihat)\b.{0,80}\b(?:video|live|siaran|tayangan|berita"
        r"|artikel)\b.{0,60}:",
        max_len=150,
    ),
    _rule("scroll", r"scroll (?:to|down to) continue(?: with content)?"),
    _rule("advertisement", r"(?:advertisement|iklan|sponsored|konten sponsor)"),
    _rule("embed", r"\[\s*gambas\s*:[^\]]*\]"),
    _rule(
        "credit",
        r"(?:redaktur|penulis|editor|reporter|pewarta|penyunting|kontributor"
        r"|fotografer|sumber|foto|video|grafis|infografis|teks|copy ?editor|editor bahasa"
        r"|penerjemah|produser)(?:\s+\w+)?\s*:\s*\S.{0,150}",
        max_len=170,
    ),
    _rule("byline", r"laporan\s+(?:wartawan|reporter|koresponden|jurnalis)\b.{0,120}", max_len=140),
    _rule("byline", rf"(?:oleh|by)\s*:?\s+[A-Z][\w.' ]{{1,60}}(?:,\s*{SITE})?", 0, max_len=80),
    _rule("byline", rf"[^.!?]{{0,60}}(?:-|,)\s*{SITE}\s*", 0, max_len=90),
    _rule("syndication", r"artikel ini (?:telah )?(?:tayang|terbit|dimuat)\b.*", max_len=400),
    _rule("editor_pick", r"pilihan editor\s*:.*", max_len=200),
    _rule(
        "tags",
        r"(?:tags?|tag terkait|topik(?: terkait)?|kata kunci|keywords?)\s*:?.{0,200}",
        max_len=220,
    ),
    _rule(
        "share",
        r"(?:share|bagikan|bagikan artikel(?: ini)?|copy link|salin tautan|link disalin"
        r"|(?:facebook|twitter|whatsapp|telegram|line|x|linkedin|email|copy link)"
        r"(?:[\s,|/]+(?:facebook|twitter|whatsapp|telegram|line|x|linkedin|email|copy link))+)",
    ),
    _rule(
        "follow",
        r"(?:ikuti|follow|gabung|bergabung|dapatkan|simak breaking news|download|unduh)"
        r"\b.{0,200}(?:google news|whatsapp|telegram|channel|aplikasi|instagram|twitter|tiktok"
        r"|youtube|facebook|breaking news|klik di sini|update berita).*",
        max_len=400,
    ),
    _rule("fact_check", r"\*?\s*fakta atau hoaks\?.*", max_len=400),
    _rule(
        "comment_prompt",
        r".{0,120}\b(?:tulis|berikan|bagikan|sampaikan)\w*\b.{0,60}"
        r"\bdi kolom komentar\b.*",
        max_len=250,
    ),
    _rule(
        "copyright",
        r"(?:copyright|hak cipta|©|\(c\)).{0,200}|.{0,200}all rights reserved\.?"
        r"|dilarang (?:keras )?mengambil konten.{0,300}",
        max_len=350,
    ),
    _rule("site_about", rf"{SITE} adalah (?:portal|situs|media)\b.*", max_len=400),
    _rule(
        "pagination",
        r"(?:halaman\s+\d+\s+dari\s+\d+|halaman\s*:?\s*(?:\d+\s*)+(?:show all|"
        r"tampilkan semua|selanjutnya)?|halaman (?:selanjutnya|berikutnya)\b.*|selanjutnya\s*>*"
        r"|next page|load more|tampilkan semua|show all|lanjut baca)",
    ),
    _rule("signature", r"\((?:[A-Za-z][a-z]{1,7}/){1,3}[a-z]{2,8}\)", 0),
    _rule("signature", r"\((?:[A-Z]\d{3}/){1,3}[A-Z]\d{3}\)", 0),
    _rule(
        "caption",
        r"(?:ilustrasi|foto|fotografer)\b.{0,250}?(?:\(|\s)"
        rf"(?:{SITE}|ANTARA FOTO|Dok\.?|DOK|Istimewa|ISTIMEWA|Shutterstock|SHUTTERSTOCK"
        r"|iStockphoto|Getty Images|AFP|REUTERS|Reuters|AP Photo|AP)/.{1,80}",
        max_len=330,
    ),
    _rule(
        "caption",
        r"[^.!?]{10,250}[.!?]?\s*\((?:{SITE}|Dok\.?|Istimewa|Shutterstock|iStockphoto"
        r"|Getty Images|AFP|Reuters|AP Photo)/[^)]{2,60}\)".replace("{SITE}", SITE),
        max_len=330,
    ),
    _rule(
        "caption",
        r"[^.!?]{3,200}\((?:foto|dok\.?|ilustrasi|sumber foto)\s*:?[^)]{1,80}\)",
        max_len=300,
    ),
    _rule(
        "caption",
        r".{10,300}?(?:\(|\s)(?:ANTARA FOTO|ANTARA/|REUTERS/|AFP/|AP Photo/)"
        r".{1,80}",
        0,
        max_len=380,
    ),
)

# Markup a broken scrape leaves in the text, found left to right: media and script tags
# (with what a script or frame holds), the page's own tags, and the attributes of an
# image tag whose start was lost. Media markup splits a line (the text on each side is
# judged alone); the page's tags are cut and the text around them joined up.
_MEDIA_TAGS = "img|iframe|script|video|audio|source|embed|object"
_PAGE_TAGS = (
    "a|b|i|u|em|strong|small|span|font|sup|sub|p|div|br|hr|h[1-6]|ul|ol|li|blockquote"
    "|figure|figcaption|section|article|header|footer|nav|table|tbody|thead|tr|td|th|center"
)
_ATTRS = r'(?:\s*[\w-]+="[^"]*")*'
MARKUP = re.compile(
    r"<(?P<element>script|iframe|style)\b[^>]*>.*?(?:</(?P=element)\s*>|$)"
    rf"|<(?:{_MEDIA_TAGS})\b[^>]*>?"
    rf"|(?P<tag></?(?:{_PAGE_TAGS})\b[^<>]*>)"
    rf'|"?\s*\bsrc="https?://[^"]*"{_ATTRS}\s*/?>?|\bstyle="[^"]*"{_ATTRS}\s*/?>',
    _I,
)
# Text between markup is body when it ends a sentence or is this long; shorter text is
# what an image leaks (its alt text, "Radja Nainggolan").
_SENTENCE_END = re.compile(r"\w[.!?…][\"')\]]*$")
BODY_MIN_WORDS = 5


def split_markup(text: str) -> tuple[list[str], list[str]]:
    """A line's body text around markup, and what is cut: the markup, and any text
    between media markup that is not a sentence (an image's leaked alt text)."""
    pieces: list[str] = []
    markup: list[str] = []
    current: list[str] = []
    start = 0
    for found in MARKUP.finditer(text):
        current.append(text[start : found.start()])
        markup.append(found.group(0).strip())
        start = found.end()
        if found.group("tag") is None:
            pieces.append(" ".join(" ".join(current).split()))
            current = []
    current.append(text[start:])
    pieces.append(" ".join(" ".join(current).split()))
    split = len(pieces) > 1
    body = [piece for piece in pieces if piece and (not split or _is_body(piece))]
    return body, markup + [piece for piece in pieces if piece and piece not in body]


def _is_body(piece: str) -> bool:
    return len(piece.split()) >= BODY_MIN_WORDS or bool(_SENTENCE_END.search(piece))


# Headers that open a list of other articles: the header and its items are furniture.
LIST_HEADERS = re.compile(
    r"(?:berita|artikel|video|foto)?\s*(?:trending|terkini|terkait|terpopuler|populer|lainnya"
    r"|rekomendasi|pilihan|selanjutnya|sebelumnya|terbaru|menarik lainnya)"
    r"(?: (?:hari ini|lainnya))?"
    r"|baca|baca juga|lihat juga|simak juga|berita terkait|tag terkait|pilihan redaksi|rekomendasi"
    r"|most popular|related(?: news| articles)?|latest news|artikel selanjutnya|baca selanjutnya"
    r"|tag|tags|topik|topik terkait|hot issue|jangan lewatkan|terpopuler|paling banyak dibaca",
    _I,
)
# An item in such a list when bulleted or numbered (unmarked items are judged as headlines).
LIST_BULLET = re.compile(r"(?:[-•*·▪►>]|\d{1,2}[.)]?)\s+\S.{0,200}")

# Text that is furniture wherever it appears in a line (glued by copy-paste).
FRAGMENT_RULES: tuple[Rule, ...] = (
    _rule("scroll", r"\s*SCROLL (?:TO|DOWN TO) CONTINUE WITH CONTENT\s*", 0),
    _rule("advertisement", r"\s*\bADVERTISEMENT\b\s*", 0),
    _rule("embed", r"\s*\[\s*Gambas\s*:[^\]]*\]\s*"),
)
# Furniture glued to the end of a body line, after its last sentence.
TRAILING_RULES: tuple[Rule, ...] = (
    _rule("signature", r"\s*\((?:[A-Za-z][a-z]{1,7}/){1,3}[a-z]{2,8}\)$", 0),
    # Antara's editor codes "(I029/B014)" and Merdeka's initials "[feb]".
    _rule("signature", r"\s*\((?:[A-Z]\d{3}/){1,3}[A-Z]\d{3}\)$", 0),
    _rule("signature", r"(?<=[.!?\"'])\s*\[[a-z]{2,5}\]$", 0),
    _rule("read_also", r"(?<=[.!?\"])\s*[\[(]?\s*baca (?:juga|pula)\s*:.{3,200}$"),
    _rule("credit", r"(?<=[.!?\"])\s*\[[A-Za-z0-9.-]+\.(?:com|net|org|id|co\.uk|co\.id)\]$"),
)
# A lone code in parentheses, "(rsa)" or "(b)", signs an article only at its very end.
END_RULES: tuple[Rule, ...] = (_rule("signature", r"(?<=[.!?\"'])\s*\([A-Za-z][a-z]{0,7}\)$", 0),)

# Credit lines, possibly glued together ("Foto: AFP/XRedaktur: Y"), and the metadata
# key each label fills.
_CREDIT_LABEL = r"(?:redaktur|penulis|editor|reporter|pewarta|penyunting|foto)"
CREDIT_FIELD = re.compile(rf"({_CREDIT_LABEL[3:-1]})\s*:\s*(.+?)(?={_CREDIT_LABEL}\s*:|$)", _I)
CREDIT_KEYS = {"penulis": "author", "reporter": "author", "pewarta": "author", "foto": "photo"}
CREDIT_KEYS.update({"redaktur": "editor", "editor": "editor", "penyunting": "editor"})

_END_PUNCT = ".,;:\"'"


def is_headline(text: str) -> bool:
    """Short, one phrase, no closing full stop: how headlines and link titles look."""
    return (
        2 <= len(text) <= 150
        and len(text.split()) <= 22
        and not text.startswith(('"', "'"))
        and text[-1] not in _END_PUNCT
        and text[-1] not in "-\u2013\u2014"  # a dateline's dash ("Jakarta -") opens a body
        and ". " not in text
    )


def is_bare_photo_credit(text: str) -> bool:
    """A bare photo credit: "Foto: AFP/Name" (not "Foto: Warga antre. (AFP)", a caption)."""
    head, _, value = text.partition(":")
    return head.strip().lower() == "foto" and "(" not in value and ". " not in value


def is_tag(text: str) -> bool:
    """A tag as tag lists print it: a few lowercase words ("polsek cakung")."""
    return len(text) <= 40 and len(text.split()) <= 5 and text.islower() and text[-1].isalnum()
