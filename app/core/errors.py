"""Domain errors. Each carries a stable ``code``, an HTTP status and a message that
says what to do; the API maps them to one error body shape in one place."""

from __future__ import annotations


class WartaError(Exception):
    """Base class: ``code`` and ``status`` are part of the public contract."""

    code = "internal_error"
    status = 500

    def __init__(
        self,
        message: str,
        *,
        headers: dict[str, str] | None = None,
        cli_message: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.headers = headers or {}
        # The same advice in the command line's words (its flags, not the API's fields).
        self.cli_message = cli_message or message


class InvalidInput(WartaError):
    code = "invalid_input"
    status = 422


class TextTooLong(WartaError):
    code = "text_too_long"
    status = 413


class Unauthorized(WartaError):
    code = "unauthorized"
    status = 401


class UnsupportedLanguage(WartaError):
    code = "unsupported_language"
    status = 422


class Overloaded(WartaError):
    code = "overloaded"
    status = 429

    def __init__(self, message: str, *, retry_after: int = 1) -> None:
        super().__init__(message, headers={"Retry-After": str(retry_after)})
        self.retry_after = retry_after


class DeadlineExceeded(WartaError):
    code = "deadline_exceeded"
    status = 504


class ModelNotReady(WartaError):
    code = "model_not_ready"
    status = 503


class ModelNotFound(WartaError):
    """A model id or directory that cannot be loaded; stops start-up."""

    code = "model_not_found"
    status = 503


class MissingDependency(WartaError):
    """An optional dependency (an extra) is not installed."""

    code = "missing_dependency"
    status = 503


class NotFound(WartaError):
    """The caller has no such resource (another owner's is absent too)."""

    code = "not_found"
    status = 404


class NotReady(WartaError):
    """The resource exists but is not in a state to give this yet (a job still running)."""

    code = "not_ready"
    status = 409
