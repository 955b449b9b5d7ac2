"""The environment a bench runs `hkctl` in: a throwaway HOME, the sandbox's token and its URL."""

from __future__ import annotations

import os


def hkctl_env(url: str, home: str) -> dict[str, str]:
    """PATH, HOME and the variables that point hkctl at the sandbox at `url` (API and data API)."""
    from hkctl.sandbox.seed import SANDBOX_TOKEN

    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": home,
        "HEROKU_API_KEY": SANDBOX_TOKEN,
        "HKCTL_API_URL": url,
        "HKCTL_DATA_API_URL": url,
    }
