"""The sandbox: a local emulator of the Heroku Platform API, the Postgres API and log sessions.

Needs the `sandbox` extra (`pip install 'hkctl[sandbox]'`). For tests and scripts:
`with hkctl.sandbox.running(scenario="demo") as sb: ...` (see `hkctl.sandbox.harness`), or the
pytest fixtures `heroku_sandbox`, `heroku_sandbox_session` and `heroku_env`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hkctl.sandbox.harness import LiveSandbox


@contextmanager
def running(
    scenario: str | Path | Mapping[str, Any] | None = "demo",
    *,
    lifecycles: dict[str, float] | None = None,
    manual_clock: bool = False,
    seed: int | str | None = None,
) -> Iterator[LiveSandbox]:
    """A sandbox on a free loopback port for the `with` block: `.url`, `.token`, `.env()`, `.requests()`, ...

    `scenario`: "demo", "empty", a scenario document or a .json/.toml file (ScenarioError if bad).
    `seed`: ids and Request-Ids drawn from it, so the same seed and requests give the same ids.
    Raises hkctl.errors.UsageError when the sandbox extra is not installed.
    """
    from hkctl.extras import require

    require("sandbox")
    from hkctl.sandbox.harness import running as _running

    with _running(scenario, lifecycles=lifecycles, manual_clock=manual_clock, seed=seed) as sb:
        yield sb
