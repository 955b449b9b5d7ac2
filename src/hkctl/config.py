"""Settings: where hkctl sends requests, with which token, how patiently, and what it may write.

Read once from the environment and the global command-line flags; frozen afterwards so that no
module changes behaviour behind another's back.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

PLATFORM_API_URL = "https://api.heroku.com"
DATA_API_URL = "https://api.data.heroku.com"
LEGACY_DATA_API_HOST = "postgres-api.heroku.com"
DEFAULT_ALLOWED_SUFFIXES: tuple[str, ...] = ()  # extra storage-host suffixes (see transport/allowlist.py)
NONINTERACTIVE_OPT_IN = "i-accept-the-risk"
PERMISSIONS = ("readonly", "full")


@dataclass(frozen=True)
class Settings:
    """Everything a client needs to know, resolved from env and flags."""

    api_url: str = PLATFORM_API_URL
    data_api_url: str = DATA_API_URL
    permission: str = "readonly"
    permission_raw: str | None = None  # what HEROKU_PERMISSION held, for the unknown-value warning
    noninteractive_writes: bool = False
    timeout: float = 30.0
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
        permission = (raw or "readonly").strip().lower()
        if permission not in PERMISSIONS:
            permission = "readonly"
        audit = env.get("HKCTL_AUDIT_LOG")
        status = env.get("HKCTL_STATUS_FILE")
        if not status and env.get("HKCTL_ORCHESTRATION") == "1":
            status = "STATUS.md"
        suffixes = env.get("HKCTL_ALLOWED_SUFFIXES")
        settings = cls(
            api_url=(env.get("HKCTL_API_URL") or PLATFORM_API_URL).rstrip("/"),
            data_api_url=(env.get("HKCTL_DATA_API_URL") or DATA_API_URL).rstrip("/"),
            permission=permission,
            permission_raw=raw,
            noninteractive_writes=env.get("HEROKU_NONINTERACTIVE_WRITES") == NONINTERACTIVE_OPT_IN,
            timeout=_seconds(env, "HKCTL_TIMEOUT", 30.0),
            retry_base=_seconds(env, "HKCTL_RETRY_BASE", 0.5),
            audit_log=Path(audit) if audit else None,
            status_file=Path(status) if status else None,
            # a suffix always starts at a dot: "heroku.com" must not admit "evilheroku.com"
            allowed_suffixes=tuple("." + s.strip().lstrip(".") for s in suffixes.split(",") if s.strip(". "))
            if suffixes
            else DEFAULT_ALLOWED_SUFFIXES,
            sandbox_storage_url=env.get("HKCTL_SANDBOX_STORAGE_URL") or None,
            env=env,
            home=Path(env["HOME"]) if env.get("HOME") else Path.home(),
        )
        clean = {k: v for k, v in overrides.items() if v is not None}
        for key in ("api_url", "data_api_url"):
            if isinstance(clean.get(key), str):
                clean[key] = str(clean[key]).rstrip("/")
        return replace(settings, **clean)  # type: ignore[arg-type]

    @property
    def permission_unknown(self) -> bool:
        """True when HEROKU_PERMISSION held a value other than readonly/full."""
        raw = (self.permission_raw or "").strip().lower()
        return bool(raw) and raw not in PERMISSIONS

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    """A positive number of seconds from the environment; anything else is bad input (exit 2)."""
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value > 0:
        from hkctl.errors import UsageError

        raise UsageError(f"{name} must be a positive number of seconds, got {raw!r}")
    return value
