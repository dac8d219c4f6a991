"""/docs and /redoc work on a machine without internet access: the pages reference no
other host, and every script, stylesheet and icon they load is served by Warta itself."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

# Anything that would make the browser contact another host: absolute or
# protocol-relative URLs, in attributes, scripts or styles.
EXTERNAL = re.compile(r"(?:https?:)?//[\w.-]+\.[a-z]{2,}|https?://", re.IGNORECASE)
ASSET = re.compile(r'(?:src|href)="([^"]+)"')
EXPECTED_TYPES = {".js": "javascript", ".css": "text/css", ".png": "image/png"}


@pytest.mark.parametrize(("page", "library"), [("/docs", "SwaggerUIBundle"), ("/redoc", "Redoc")])
def test_docs_pages_load_everything_from_this_server(
    client: TestClient, page: str, library: str
) -> None:
    response = client.get(page)
    assert response.status_code == 200
    html = response.text
    assert EXTERNAL.findall(html) == []
    assets = ASSET.findall(html)
    assert any(asset.endswith(".js") for asset in assets)
    scripts = ""
    for asset in assets:
        assert asset.startswith("/"), asset
        served = client.get(asset)
        assert served.status_code == 200, asset
        suffix = asset[asset.rfind(".") :]
        assert EXPECTED_TYPES[suffix] in served.headers["content-type"], asset
        if suffix == ".js":
            scripts += served.text
    assert library in scripts  # the real library, not an error page
    assert len(scripts) > 500_000


def test_swagger_ui_asks_no_outside_validator(client: TestClient) -> None:
    assert '"validatorUrl": null' in client.get("/docs").text


def test_the_schema_the_pages_read_is_served(client: TestClient) -> None:
    assert client.get("/openapi.json").json()["info"]["title"] == "Warta"
