"""A sandbox on a free loopback port for other people's tests and scripts, as moto is for AWS.

    with hkctl.sandbox.running(scenario="demo") as sb:
        subprocess.run(["./deploy.sh"], env={**os.environ, **sb.env()})
        assert sb.requests(method="POST", path="/builds")

The pytest plugin (`hkctl.sandbox.pytest_plugin`) gives the same object as the `heroku_sandbox`
fixture. Each sandbox has its own port and its own in-memory state.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hkctl.sandbox.app import Sandbox
from hkctl.sandbox.control import advance_clock, reset_state
from hkctl.sandbox.scenario import ScenarioError, apply, load
from hkctl.sandbox.seed import SANDBOX_TOKEN, SCENARIOS
from hkctl.sandbox.server import RunningSandbox, build_sandbox, start_in_thread

#: What a scenario may be: a named one ("demo", "empty"), a document, or a .json/.toml file.
Scenario = str | Path | Mapping[str, Any] | None


def _document(scenario: Scenario) -> str | Mapping[str, Any] | None:
    """A name stays a name; a path is read and checked; a document is checked (ScenarioError)."""
    if isinstance(scenario, Path) or (isinstance(scenario, str) and scenario.endswith((".json", ".toml"))):
        return load(scenario)
    if isinstance(scenario, Mapping):
        return load(scenario)
    if scenario is not None and scenario not in SCENARIOS:
        known = ", ".join(sorted(SCENARIOS))
        raise ScenarioError(
            "name", f"no scenario {scenario!r}: give one of {known}, a document or a .json/.toml file"
        )
    return scenario


class LiveSandbox:
    """A running sandbox: `url`, `token`, `env()`, `requests()`, `reset()`, `seed()`, `faults()`, `advance()`.

    `sandbox` is the emulator itself (`sandbox.store` holds its state) for assertions that the API
    does not show.
    """

    def __init__(self, running: RunningSandbox) -> None:
        self._running = running
        self.sandbox: Sandbox = running.sandbox
        self.url: str = running.url
        #: the token the seeded account's `global` authorization carries (not a secret: sandbox only)
        self.token: str = SANDBOX_TOKEN

    def env(self) -> dict[str, str]:
        """The environment that points hkctl, the official Heroku CLI or any client at this sandbox.

        HEROKU_API_KEY (every client), HKCTL_API_URL / HKCTL_DATA_API_URL (hkctl), HEROKU_HOST,
        HEROKU_PARTICLEBOARD_URL and HEROKU_DATA_HOST (the official CLI: an http HEROKU_HOST is used as
        the API URL), and the official CLI's telemetry and update checks off (they would send the
        token elsewhere). The official CLI also needs a scratch HOME (it writes ~/.gitconfig).
        """
        return {
            "HEROKU_API_KEY": self.token,
            "HKCTL_API_URL": self.url,
            "HKCTL_DATA_API_URL": self.url,
            "HEROKU_HOST": self.url,
            "HEROKU_PARTICLEBOARD_URL": self.url,
            "HEROKU_DATA_HOST": "127.0.0.1",  # pg:* (a host name: scheme and port come from HEROKU_HOST)
            "DISABLE_TELEMETRY": "true",
            "HEROKU_SKIP_ANALYTICS": "1",
            "HEROKU_DISABLE_AUTOUPDATE": "1",
            "HEROKU_SKIP_NEW_VERSION_CHECK": "true",
        }

    def requests(self, *, method: str | None = None, path: str | None = None) -> list[dict[str, Any]]:
        """The API requests received, oldest first: dicts with method, path, query, body, status, template.

        `method` filters exactly (any case); `path` keeps the entries whose path contains it.
        """
        out = []
        for entry in list(self.sandbox.requests):
            if entry["path"].startswith("/__sandbox__/"):
                continue
            if method and entry["method"] != method.upper():
                continue
            if path and path not in entry["path"]:
                continue
            out.append(dict(entry))
        return out

    def reset(self, scenario: Scenario = "demo") -> dict[str, Any]:
        """Start over from `scenario` (name, document or file); faults, rate limits and the log are cleared."""
        return reset_state(self.sandbox, _document(scenario))

    def seed(self, scenario: Path | str | Mapping[str, Any]) -> dict[str, Any]:
        """Add a scenario document (or .json/.toml file) to the current state; ScenarioError if bad."""
        doc = load(scenario)
        return apply(self.sandbox, doc)

    def faults(self, **settings: Any) -> dict[str, Any]:
        """Make answers fail: rate (0..1), every (Nth), statuses ([503]), phase (before|after),
        routes (["PATCH /apps/{app}/config-vars"]), latency_ms, seed. No argument: no more faults.
        """
        allowed = {"latency_ms", "rate", "statuses", "every", "phase", "seed", "routes"}
        unknown = set(settings) - allowed
        if unknown:
            raise TypeError(f"unknown fault settings {sorted(unknown)}; known: {sorted(allowed)}")
        if not settings:
            settings = {"rate": 0.0, "every": 0, "latency_ms": 0, "routes": (), "statuses": (503,)}
            settings["phase"] = "before"
        self.sandbox.faults.configure(**settings)
        f = self.sandbox.faults
        return {k: getattr(f, k) for k in sorted(allowed)}

    def advance(self, seconds: float) -> int:
        """Move sandbox time forward, running the lifecycle steps that became due; how many ran."""
        if seconds < 0:
            raise ValueError("the sandbox clock only moves forward")
        return advance_clock(self.sandbox, seconds)

    def stop(self) -> None:
        self._running.stop()

    def __enter__(self) -> LiveSandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<LiveSandbox {self.url}>"


def start(
    scenario: Scenario = "demo",
    *,
    lifecycles: dict[str, float] | None = None,
    manual_clock: bool = False,
    seed: int | str | None = None,
) -> LiveSandbox:
    """Start a sandbox on a free 127.0.0.1 port, seeded with `scenario`; stop it with `.stop()`.

    `lifecycles`: seconds per lifecycle (build, addon, dyno_boot, ...); default none, so builds,
    add-ons and dynos finish at the next request. `manual_clock`: time moves only by `advance()`.
    `seed`: ids and Request-Ids drawn from it (the same seed and requests give the same ids).
    """
    doc = _document(scenario)
    sb = build_sandbox(
        durations=lifecycles or {},
        scenario=doc if isinstance(doc, str) else None,
        manual_clock=manual_clock,
        seed=seed,
    )
    if isinstance(doc, Mapping):
        reset_state(sb, doc)
    return LiveSandbox(start_in_thread(sb))


@contextmanager
def running(
    scenario: Scenario = "demo",
    *,
    lifecycles: dict[str, float] | None = None,
    manual_clock: bool = False,
    seed: int | str | None = None,
) -> Iterator[LiveSandbox]:
    """`with running("demo") as sb:` a sandbox for the block (see `start`)."""
    sb = start(scenario, lifecycles=lifecycles, manual_clock=manual_clock, seed=seed)
    try:
        yield sb
    finally:
        sb.stop()
