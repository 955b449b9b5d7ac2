"""hkctl: operate Heroku apps through the Platform API v3, safely.

Public API: build a client with :func:`hkctl.client_from_env` (or :class:`HerokuClient`
directly) and call the plain functions in :mod:`hkctl.resources` and :mod:`hkctl.workflows`.
"""

from hkctl.config import Settings
from hkctl.errors import ApiError, GuardRefused, HkctlError, UsageError

__version__ = "0.1.0"

__all__ = [
    "ApiError",
    "GuardRefused",
    "HkctlError",
    "Settings",
    "UsageError",
    "__version__",
    "client_from_env",
]


def client_from_env(**overrides):  # type: ignore[no-untyped-def]
    """A HerokuClient configured from the environment (imported lazily to keep start-up fast)."""
    from hkctl.transport.client import HerokuClient

    return HerokuClient(Settings.from_env(**overrides))
