"""What a real network does to a request, said plainly: unreachable hosts, hangs, lost answers.

Pure helpers for HerokuClient: classify a failure, word the message, and name the read that
checks whether a write whose answer was lost was applied.

- A refused connection or a name that does not resolve fails at once (retrying a DNS failure or a
  closed port only repeats it): `could not reach HOST (why)` and what to check.
- A read that hangs is retried, each attempt announced; the whole call (retries included) has a
  deadline (`HKCTL_DEADLINE`, default 60 s) after which it says what it was waiting for.
- A write whose answer was lost "may have been applied": the message names the read that checks.
"""

from __future__ import annotations

import re
import socket
from urllib.parse import urlsplit

from hkctl.transport.audit import redact_url

DEFAULT_DEADLINE = 60.0  # seconds for one call, retries included
_PLAIN_WORD = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_DNS_TEXT = (
    "name or service not known",
    "nodename nor servname",
    "temporary failure in name resolution",
    "no address associated",
    "getaddrinfo failed",
    "name resolution",
)


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and cur not in seen:
        seen.append(cur)
        cur = cur.__cause__ or cur.__context__
    return seen


def why_unreachable(exc: BaseException) -> str:
    """`the name does not resolve`, `connection refused`, or the error's own words (one line)."""
    for e in _chain(exc):
        if isinstance(e, socket.gaierror):
            return "the name does not resolve"
        if isinstance(e, ConnectionRefusedError):
            return "connection refused"
    text = " ".join(str(e) for e in _chain(exc)).lower()
    if any(t in text for t in _DNS_TEXT):
        return "the name does not resolve"
    if "refused" in text:
        return "connection refused"
    if "certificate" in text or "ssl" in text:
        return "the TLS handshake failed (certificate?)"
    return " ".join(str(exc).split())[:200] or type(exc).__name__


def unreachable(url: str, exc: BaseException, *, api_url: str, data_api_url: str) -> str:
    """The message for a request that never reached its host (nothing was sent, nothing retried)."""
    parts = urlsplit(url)
    host = parts.netloc or url
    origin = f"{parts.scheme}://{parts.netloc}"
    if origin == data_api_url:
        knob = f"--data-api-url / HKCTL_DATA_API_URL (now {data_api_url})"
    else:
        knob = f"--api-url / HKCTL_API_URL (now {api_url})"
    return (
        f"could not reach {host} ({why_unreachable(exc)}) for {redact_url(url)}; nothing was sent. "
        f"Check {knob}, the network and DNS, then try again."
    )


def gave_up(method: str, url: str, cause: str, attempts: int, deadline: float) -> str:
    """The message when the call's deadline passed: what it was waiting for, and for how long."""
    return (
        f"gave up after {deadline:g}s waiting for an answer to {method} {redact_url(url)} "
        f"({attempts} attempt(s), last: {cause}); the deadline is HKCTL_DEADLINE={deadline:g}"
    )


def check_command(action_name: str, app: str | None) -> str:
    """The hkctl read that shows whether a write (by its action's name) was applied."""
    known = app if app and _PLAIN_WORD.match(app) else None
    if known is None:
        return "`hkctl apps list`"
    by_family = {
        "config": f"`hkctl config show -a {known}`",
        "formation": f"`hkctl ps -a {known}`",
        "dynos": f"`hkctl ps -a {known}`",
        "domains": f"`hkctl domains list -a {known}`",
        "addons": f"`hkctl addons list -a {known}`",
        "collaborators": f"`hkctl access list -a {known}`",
        "log_drains": f"`hkctl drains list -a {known}`",
    }
    for prefix, command in by_family.items():
        if action_name.startswith(prefix):
            return command
    return f"`hkctl apps info -a {known}` and `hkctl releases list -a {known}`"
