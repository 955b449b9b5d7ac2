"""hkctl: operate Heroku apps through the Platform API v3, safely.

The library's entry points:

- :class:`HerokuClient` (``hkctl.transport.client``): the one HTTP choke point, guard inside;
  :func:`client_from_env` builds one from the environment (``HEROKU_API_KEY`` or ``~/.netrc``,
  ``HEROKU_PERMISSION``, ``HKCTL_API_URL``).
- :mod:`hkctl.resources`: one module per API resource family (``apps``, ``config_vars``,
  ``formation``, ``dynos``, ``releases``, ``builds``, ``addons``, ``pipelines``, ...), plain typed
  functions over a client that return frozen dataclasses.
- :mod:`hkctl.workflows`: multi-step operations (``health``, ``deploy``, ``rollback``, ``cost``).
- The errors below (the whole tree is drawn in :mod:`hkctl.errors`).

``docs/library.md`` shows a short script. The client is imported on first use, so that importing
hkctl (and starting the CLI) stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hkctl.config import Settings
from hkctl.errors import (
    ApiError,
    Forbidden,
    GuardRefused,
    HkctlError,
    HostNotAllowed,
    InvalidParams,
    NotFound,
    OutcomeUnknown,
    RateLimited,
    TransportError,
    Unauthorized,
    UsageError,
    WaitTimedOut,
    WorkflowFailed,
)

if TYPE_CHECKING:
    from hkctl.transport.client import HerokuClient

__version__ = "0.1.0"

__all__ = [
    "ApiError",
    "Forbidden",
    "GuardRefused",
    "HerokuClient",
    "HkctlError",
    "HostNotAllowed",
    "InvalidParams",
    "NotFound",
    "OutcomeUnknown",
    "RateLimited",
    "Settings",
    "TransportError",
    "Unauthorized",
    "UsageError",
    "WaitTimedOut",
    "WorkflowFailed",
    "__version__",
    "client_from_env",
]


def __getattr__(name: str) -> Any:
    if name == "HerokuClient":
        # every command, `hkctl --help` too, imports this package: the transport (and httpx) load on use
        from hkctl.transport.client import HerokuClient

        return HerokuClient
    raise AttributeError(f"module 'hkctl' has no attribute {name!r}")


def client_from_env(**overrides: Any) -> HerokuClient:
    """A HerokuClient configured from the environment; use it as a context manager to close it."""
    from hkctl.transport.client import HerokuClient  # loaded on use, as above

    return HerokuClient(Settings.from_env(**overrides))
