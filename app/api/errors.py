"""Every error leaves the server in one shape: {"error": {"code", "message"}}.

Domain errors carry their own code and status; framework errors (validation, 404,
405, unreadable bodies) are mapped here. Anything unexpected is logged and answered with
a generic 500 of the same shape by ``ShieldMiddleware``, never a stack trace.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.api.shapes import protocol_of, shaped
from app.contract.problems import describe_problems
from app.core.errors import WartaError

HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "body_too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "overloaded",
    503: "model_not_ready",
}
HTTP_MESSAGES = {
    400: "The request body could not be read; send UTF-8 encoded JSON.",
    404: "No such endpoint; see /docs for the API.",
    405: "This endpoint does not accept that method; see /docs for the API.",
}


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    """A JSON error response in the one error shape."""
    return JSONResponse(
        {"error": {"code": code, "message": message}}, status_code=status, headers=headers
    )


def path_error(
    request: Request, status: int, code: str, message: str, headers: dict[str, str] | None
) -> JSONResponse:
    """An error in the shape of the protocol its path speaks (an unknown path under
    ``/v2/`` is DeepL's, ``/translate`` LibreTranslate's), else Warta's."""
    state = getattr(request.app.state, "warta", None)
    apis = state.settings.compat_apis if state is not None else frozenset()
    status, body = shaped(protocol_of(request.url.path, apis), status, code, message)
    return JSONResponse(body, status_code=status, headers=headers or None)


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, WartaError)
    return path_error(request, exc.status, exc.code, exc.message, exc.headers)


# Why the JSON parser could not read a body (FastAPI answers 400 and chains the cause).
UNREADABLE_BODY = {
    UnicodeDecodeError: "The request body is not valid UTF-8; send JSON encoded as UTF-8.",
    RecursionError: "The JSON body is nested too deeply to read; send a flat request.",
    ValueError: "The JSON body holds a value that cannot be read (such as a number of over "
    "4300 digits); send numbers and text of ordinary size.",
}


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    message = (
        UNREADABLE_BODY.get(type(exc.__cause__))
        or HTTP_MESSAGES.get(status)
        or (exc.detail if isinstance(exc.detail, str) else "The request was not accepted.")
    )
    headers = dict(exc.headers) if exc.headers else None
    return path_error(request, status, HTTP_CODES.get(status, "http_error"), message, headers)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    message = describe_problems(exc.errors())
    content_type = request.headers.get("content-type", "")
    if content_type and "json" not in content_type:
        message += f" The body was sent as {content_type}: send JSON with the header "
        message += "`Content-Type: application/json`."
    return path_error(request, 422, "invalid_input", message, None)


def install_error_handlers(app: FastAPI) -> None:
    """Route every kind of error through the one error shape."""
    app.add_exception_handler(WartaError, _domain_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
