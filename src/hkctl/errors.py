"""The whole exception tree and the exit-code table.

HkctlError                      exit 1 unless said otherwise
├── UsageError                  exit 2  bad input, nothing was sent
│   └── NoToken                 exit 2  no HEROKU_API_KEY and no ~/.netrc entry
├── GuardRefused                exit 3  the permission guard said no (readonly, declined, no TTY)
├── HostNotAllowed              exit 3  a URL's host is off the allowlist; nothing was sent
├── BudgetRefused               exit 3  a fleet run's request plan was over budget (declined, no TTY)
├── Stopped                     exit 0  --dry-run / --plan: the write was shown or recorded, not sent
├── TransportError              exit 1  connection failure or timeout after the retries
├── OutcomeUnknown              exit 1  a write may or may not have been processed
├── ApiError                    exit 1  the API answered with an error body
│   ├── Unauthorized (401)  Forbidden (403)  NotFound (404)  NotAcceptable (406)
│   ├── InvalidParams (422)  RateLimited (429)  ServerError (5xx)
├── WorkflowFailed              exit 1  a multi-step workflow stopped; carries what was done / not done
├── WaitTimedOut                exit 1  a polled condition did not come true within its timeout
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_BLOCKED = 0, 1, 2, 3


class HkctlError(Exception):
    """Base of every error hkctl raises on purpose."""

    exit_code = EXIT_ERROR

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(HkctlError):
    """Bad input, caught before anything was sent."""

    exit_code = EXIT_USAGE


class NoToken(UsageError):
    """No token found in HEROKU_API_KEY or ~/.netrc."""


class GuardRefused(HkctlError):
    """The permission guard refused a write."""

    exit_code = EXIT_BLOCKED

    def __init__(self, message: str, *, rule: str) -> None:
        super().__init__(message)
        self.rule = rule


class HostNotAllowed(HkctlError):
    """A URL pointed at a host that is not on the allowlist."""

    exit_code = EXIT_BLOCKED

    def __init__(self, url: str, host: str, *, storage: bool = False) -> None:
        if storage:  # a URL an API answer handed back (upload, download, stream)
            super().__init__(
                f"refused to contact {host!r}: a URL the API handed back must be https on a storage host "
                "(Amazon S3, *.heroku.com, *.herokuapp.com) or an API host (nothing was sent; "
                "HKCTL_ALLOWED_SUFFIXES adds host suffixes to the storage list)"
            )
        else:
            super().__init__(f"refused to contact {host!r}: not on the host allowlist (nothing was sent)")
        self.url = url
        self.host = host


class BudgetRefused(HkctlError):
    """A fleet command's request plan needs more of the rate-limit budget than was allowed."""

    exit_code = EXIT_BLOCKED


class Stopped(HkctlError):
    """A write was rendered (--dry-run) or recorded (--plan) instead of sent."""

    exit_code = EXIT_OK


class TransportError(HkctlError):
    """The request could not be completed (connection refused, timeout) after its retries."""


class OutcomeUnknown(HkctlError):
    """A non-idempotent write was sent but its answer was lost: it may or may not have happened."""


@dataclass
class ApiError(HkctlError):
    """The API answered with an error; carries its id, message, status and Request-Id."""

    status: int
    id: str | None
    api_message: str
    request_id: str | None = None
    method: str = ""
    url: str = ""
    body: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        HkctlError.__init__(self, self._render())

    def _render(self) -> str:
        ident = f" ({self.id})" if self.id else ""
        rid = f" [Request-Id: {self.request_id}]" if self.request_id else ""
        return f"{self.status}{ident}: {self.api_message}{rid}"

    def __str__(self) -> str:
        return self.message

    def __hash__(self) -> int:
        return id(self)


class Unauthorized(ApiError):
    pass


class Forbidden(ApiError):
    pass


class NotFound(ApiError):
    pass


class NotAcceptable(ApiError):
    pass


class InvalidParams(ApiError):
    pass


class RateLimited(ApiError):
    pass


class ServerError(ApiError):
    pass


_BY_STATUS: dict[int, type[ApiError]] = {
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    406: NotAcceptable,
    422: InvalidParams,
    429: RateLimited,
}


def api_error_class(status: int) -> type[ApiError]:
    """Pick the ApiError subclass by status (never by message text)."""
    if status >= 500:
        return ServerError
    return _BY_STATUS.get(status, ApiError)


class WorkflowFailed(HkctlError):
    """A multi-step workflow stopped part-way; says what was done, what was not, and how to undo."""

    def __init__(
        self, message: str, *, done: list[str], not_done: list[str], undo: list[str] | None = None
    ) -> None:
        super().__init__(message)
        self.done = done
        self.not_done = not_done
        self.undo = undo or []

    def report(self) -> str:
        lines = [self.message, "done:"]
        lines += [f"  - {s}" for s in self.done] or ["  (nothing)"]
        lines.append("not done:")
        lines += [f"  - {s}" for s in self.not_done] or ["  (nothing)"]
        if self.undo:
            lines.append("to undo:")
            lines += [f"  {s}" for s in self.undo]
        return "\n".join(lines)


class WaitTimedOut(HkctlError):
    """The condition did not come true within the timeout (exit 1)."""
