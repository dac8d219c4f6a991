"""The web page at ``/``: a static page that calls ``POST /v1/articles``."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, Response

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

# Only these files are served, so no request path can reach anything else on disk.
STATIC_FILES = {
    "app.js": "text/javascript; charset=utf-8",
    "app.css": "text/css; charset=utf-8",
    "sources.js": "text/javascript; charset=utf-8",
}

# The page loads nothing from elsewhere and runs no inline script: even if some text were
# ever inserted as markup, the browser would refuse to run it.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

router = APIRouter(include_in_schema=False)


@router.api_route("/", methods=["GET", "HEAD"])
def index() -> Response:
    """The page: paste an article, read the translation and summary."""
    return FileResponse(
        STATIC_DIR / "index.html", media_type="text/html; charset=utf-8", headers=SECURITY_HEADERS
    )


@router.api_route("/sources", methods=["GET", "HEAD"])
def sources() -> Response:
    """The Sources view: followed sources, their last poll, the latest headlines."""
    return FileResponse(
        STATIC_DIR / "sources.html", media_type="text/html; charset=utf-8", headers=SECURITY_HEADERS
    )


@router.get("/static/{name}")
def static_file(name: str) -> Response:
    """The page's script and stylesheet."""
    media_type = STATIC_FILES.get(name)
    if media_type is None:
        # Same path as any unknown URL, so the error body has the usual shape.
        raise HTTPException(status_code=404, detail="Not Found")
    return FileResponse(STATIC_DIR / name, media_type=media_type, headers=SECURITY_HEADERS)
