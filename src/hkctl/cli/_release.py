"""How a command ends the line of a write that makes a release: `: done, v12`, as the official CLI does.

Apart from _common.py, which every command imports: only the commands whose writes make a release
(config set/unset, add-ons) read the releases.
"""

from __future__ import annotations

from hkctl.resources import releases
from hkctl.session import Env


def release_done(env: Env, app: str) -> str:
    """`: done, v12`, the release a write just made (GET /apps/{app}/releases, newest first)."""
    newest = releases.current(env.client(), app)
    return f": done, {newest.label}" if newest else ": done"
