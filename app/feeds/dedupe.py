"""What makes two articles the same story: canonical addresses, normalised titles and
near-duplicate bodies (MinHash over word shingles, with LSH bands kept in the store).

Wire copy republished by many portals differs in its furniture (which the cleaner has
removed) and in small edits; 5-word shingles with a Jaccard estimate of 0.7 or more
link such a copy while two different stories on one topic stay apart.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import lxml.html

PERMUTATIONS = 128
BANDS, ROWS = 32, 4  # LSH: a pair at Jaccard 0.7 shares a band with probability ~1.0
SHINGLE = 5
THRESHOLD = 0.7
MIN_TITLE_WORDS = 4  # shorter titles ("Berita terkini") are too common to identify a story
_SEED = 1

_TRACKING = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|yclid|igshid|_ga|ref|ref_src|"
    r"cmpid|src|source|amp|outputtype|page|from)$",
    re.IGNORECASE,
)
_HOST_PREFIX = re.compile(r"^(www|m|mobile|amp)\.")
_AMP_PATH = re.compile(r"/(amp|amp\.html)/?$|\.amp(\.html)?$", re.IGNORECASE)
_WORD = re.compile(r"\w+", re.UNICODE)
# " - Antara News", " | Kompas.com": an outlet's name after the headline.
_TITLE_SUFFIX = re.compile(r"\s+[-|–—:]\s+[^-|–—:]{1,40}$")


def normalise_url(url: str) -> str:
    """The address with the parts that do not change the article removed: scheme case,
    ``www.``/``m.``/``amp.`` hosts, AMP paths, tracking parameters, fragments, default
    ports and trailing slashes; remaining parameters sorted."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().rstrip(".")
    host = _HOST_PREFIX.sub("", host)
    port = parts.port
    if port and (parts.scheme, port) not in {("http", 80), ("https", 443)}:
        host = f"{host}:{port}"
    path = _AMP_PATH.sub("", parts.path) or "/"
    if len(path) > 1:
        path = path.rstrip("/")
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)
    ]
    return urlunsplit(
        (
            "https" if parts.scheme == "http" else parts.scheme,
            host,
            path,
            urlencode(sorted(query)),
            "",
        )
    )


def url_key(url: str) -> str:
    """A fixed-length key for ``normalise_url(url)``."""
    return hashlib.sha256(normalise_url(url).encode()).hexdigest()


def canonical_url(html: str, page_url: str) -> str:
    """The page's own ``<link rel="canonical">`` (or ``og:url``), else ``page_url``."""
    try:
        root = lxml.html.fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return page_url
    for link in root.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            return _absolute(link.get("href", ""), page_url)
    for meta in root.iter("meta"):
        if (meta.get("property") or "").lower() == "og:url" and meta.get("content"):
            return _absolute(meta.get("content", ""), page_url)
    return page_url


def title_key(title: str | None) -> str | None:
    """A key for the headline, case, accents, punctuation and an outlet suffix aside; None
    for a title too short to identify a story."""
    if not title:
        return None
    title = _TITLE_SUFFIX.sub("", title.strip())
    folded = unicodedata.normalize("NFKD", title.casefold())
    words = _WORD.findall("".join(c for c in folded if not unicodedata.combining(c)))
    if len(words) < MIN_TITLE_WORDS:
        return None
    return hashlib.sha256(" ".join(words).encode()).hexdigest()


def signature(text: str) -> list[int] | None:
    """The MinHash signature of the body's word shingles; None for a body too short."""
    words = _WORD.findall(text.casefold())
    if len(words) < SHINGLE * 2:
        return None
    # Imported here: datasketch brings scipy, which a server that follows no source (and
    # every command line run) need not load at start.
    from datasketch import MinHash

    minhash = MinHash(num_perm=PERMUTATIONS, seed=_SEED)
    minhash.update_batch(
        [" ".join(words[i : i + SHINGLE]).encode() for i in range(len(words) - SHINGLE + 1)]
    )
    return [int(value) for value in minhash.hashvalues]


def bands(values: list[int]) -> list[str]:
    """The LSH band keys of a signature: two near bodies share at least one."""
    keys = []
    for band in range(BANDS):
        chunk = values[band * ROWS : (band + 1) * ROWS]
        digest = hashlib.sha1(f"{band}:{chunk}".encode()).hexdigest()
        keys.append(digest)
    return keys


def near(first: list[int], second: list[int]) -> bool:
    """Whether two signatures estimate a Jaccard similarity of ``THRESHOLD`` or more."""
    if len(first) != len(second) or not first:
        return False
    same = sum(1 for a, b in zip(first, second, strict=True) if a == b)
    return same / len(first) >= THRESHOLD


def _absolute(href: str, base: str) -> str:
    joined = urljoin(base, href.strip())
    return joined if urlsplit(joined).scheme in {"http", "https"} else base
