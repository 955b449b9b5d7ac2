"""Settings: where hkctl sends requests, with which token, how patiently, and what it may write.

Read once from the environment and the global command-line flags; frozen afterwards so that no
module changes behaviour behind another's back.
"""

from __future__ import annotations

import ipaddress
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit

from hkctl.errors import UsageError

PLATFORM_API_URL = "https://api.heroku.com"
DATA_API_URL = "https://api.data.heroku.com"
LEGACY_DATA_API_HOST = "postgres-api.heroku.com"
DEFAULT_ALLOWED_SUFFIXES: tuple[str, ...] = ()  # extra storage-host suffixes (see transport/allowlist.py)
NONINTERACTIVE_OPT_IN = "i-accept-the-risk"
#: seconds; a timeout or backoff step above this is a typo, and `inf` overflows the OS's timers
MAX_SECONDS = 3600.0
# compiled (and cached by `re`) on first use: only HKCTL_ALLOWED_SUFFIXES needs it, every start imports this
_SUFFIX = r"\A(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?){2,}\Z"


class Permission(StrEnum):
    """HEROKU_PERMISSION's two modes (a StrEnum: compares equal to its value)."""

    READONLY = "readonly"
    FULL = "full"


PERMISSIONS = tuple(Permission)


@dataclass(frozen=True)
class Settings:
    """Everything a client needs to know, resolved from env and flags."""

    api_url: str = PLATFORM_API_URL
    data_api_url: str = DATA_API_URL
    permission: Permission = Permission.READONLY
    permission_raw: str | None = None  # what HEROKU_PERMISSION held, for the unknown-value warning
    noninteractive_writes: bool = False
    timeout: float = 30.0
    deadline: float = 60.0  # seconds for one API call, retries included (HKCTL_DEADLINE)
    max_retries: int = 3
    audit_log: Path | None = None
    status_file: Path | None = None
    plan_file: Path | None = None
    dry_run: bool = False
    verbose: bool = False
    allowed_suffixes: tuple[str, ...] = DEFAULT_ALLOWED_SUFFIXES
    extra_allowed_hosts: tuple[str, ...] = ()
    sandbox_storage_url: str | None = None  # the sandbox's simulated object store (loopback only)
    confirm_app: str | None = None  # --confirm APP: the typed app name for destructive writes
    retry_base: float = 0.5  # seconds; the first backoff step
    env: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)
    home: Path = field(default_factory=Path.home, repr=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Build settings from environment variables; keyword overrides (flags) win."""
        env = dict(os.environ if env is None else env)
        raw = env.get("HEROKU_PERMISSION")
        # Exactly `full`, as the spec's own guard compares it ([[ "$HEROKU_PERMISSION" == "full" ]]):
        # a spelling that only looks like it (` full`, `FULL`, `Full`) fails closed, with a warning.
        permission = Permission(raw) if raw in PERMISSIONS else Permission.READONLY
        audit = env.get("HKCTL_AUDIT_LOG")
        status = env.get("HKCTL_STATUS_FILE")
        if not status and env.get("HKCTL_ORCHESTRATION") == "1":
            status = "STATUS.md"
        suffixes = env.get("HKCTL_ALLOWED_SUFFIXES")
        clean = {k: v for k, v in overrides.items() if v is not None}
        urls: dict[str, str] = {}
        for key, flag, var, default in (
            ("api_url", "--api-url", "HKCTL_API_URL", PLATFORM_API_URL),
            ("data_api_url", "--data-api-url", "HKCTL_DATA_API_URL", DATA_API_URL),
        ):
            given = clean.pop(key, None)
            url = str(given if given is not None else env.get(var) or default).rstrip("/")
            check_api_url(url, flag if given is not None else var)  # named as the person set it
            urls[key] = url
        settings = cls(
            api_url=urls["api_url"],
            data_api_url=urls["data_api_url"],
            permission=permission,
            permission_raw=raw,
            noninteractive_writes=env.get("HEROKU_NONINTERACTIVE_WRITES") == NONINTERACTIVE_OPT_IN,
            timeout=_seconds(env, "HKCTL_TIMEOUT", 30.0),
            deadline=_seconds(env, "HKCTL_DEADLINE", 60.0),
            retry_base=_seconds(env, "HKCTL_RETRY_BASE", 0.5),
            audit_log=Path(audit) if audit else None,
            status_file=Path(status) if status else None,
            allowed_suffixes=_suffixes(suffixes) if suffixes else DEFAULT_ALLOWED_SUFFIXES,
            sandbox_storage_url=env.get("HKCTL_SANDBOX_STORAGE_URL") or None,
            env=env,
            home=Path(env["HOME"]) if env.get("HOME") else Path.home(),
        )
        return replace(settings, **clean)  # type: ignore[arg-type]

    def __post_init__(self) -> None:
        # a backstop for settings built without from_env (library callers): same rule, field names
        check_api_url(self.api_url, "api_url")
        check_api_url(self.data_api_url, "data_api_url")
        for url in self.extra_allowed_hosts:  # API hosts too: they are sent the token
            check_api_url(url, "extra_allowed_hosts")

    @property
    def permission_unknown(self) -> bool:
        """True when HEROKU_PERMISSION held a value other than exactly `readonly` or `full`."""
        return bool(self.permission_raw) and self.permission_raw not in PERMISSIONS


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    """A positive number of seconds from the environment; anything else is bad input (exit 2)."""
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0 < value <= MAX_SECONDS):
        raise UsageError(
            f"{name} must be a positive number of seconds (at most {MAX_SECONDS:g}), got {raw!r}"
        )
    return value


def _suffixes(raw: str) -> tuple[str, ...]:
    """HKCTL_ALLOWED_SUFFIXES: host suffixes of two labels or more, each starting at a dot.

    A suffix always starts at a dot, so `heroku.com` does not admit `evilheroku.com`; a bare top-level
    domain (`.com`) or anything that is not a host name (`*`, a port, a URL) is bad input (exit 2).
    """
    found = []
    for entry in raw.split(","):
        if not entry.strip():
            continue
        suffix = "." + entry.strip().lower().lstrip(".")
        if not re.match(_SUFFIX, suffix):
            raise UsageError(
                f"HKCTL_ALLOWED_SUFFIXES: {entry.strip()!r} is not a host suffix like .heroku.com "
                "(letters, digits and hyphens, at least two labels, no scheme, port or wildcard)"
            )
        found.append(suffix)
    return tuple(found) or DEFAULT_ALLOWED_SUFFIXES


def is_loopback(host: str) -> bool:
    """True for `localhost` and loopback addresses (127.0.0.0/8, ::1): traffic that never leaves the machine."""
    host = host.lower().rstrip(".")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_api_url(url: str, name: str) -> None:
    """Refuse an API URL the token must not be sent to (UsageError, exit 2, before anything is sent).

    The URL must parse, be https (or http to a loopback host, as the sandbox is), name a host, and
    carry no user, password, path, query or fragment: the token never travels in clear, the
    allowlist compares exactly what will be contacted, and the path the guard judges is the whole
    path sent (a path in the URL would be prepended to every request unjudged).
    """
    try:
        parts = urlsplit(url)
        port = parts.port
        host = parts.hostname or ""
    except ValueError as exc:
        raise UsageError(f"{name}: {url!r} is not a URL ({exc})") from None
    if parts.scheme not in ("https", "http") or not host:
        raise UsageError(f"{name}: {url!r} is not an https:// URL with a host")
    if parts.username is not None or parts.password is not None or parts.query or parts.fragment:
        raise UsageError(f"{name}: {url!r} must not carry a user, password, query or fragment")
    if parts.path not in ("", "/"):
        raise UsageError(
            f"{name}: {url!r} must name only a scheme and host (and port): the path {parts.path!r} would be "
            "put in front of every request path, so the guard would judge a path other than the one sent"
        )
    if parts.scheme == "http" and not is_loopback(host):
        raise UsageError(
            f"{name}: refusing plain http:// to {host}{f':{port}' if port else ''}: the token would travel "
            "in clear; use https:// (http:// is accepted only for loopback, e.g. the sandbox on 127.0.0.1)"
        )
