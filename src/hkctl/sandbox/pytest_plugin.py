"""pytest fixtures for testing Heroku automation against the sandbox (entry point `pytest11`, no import needed).

- `heroku_sandbox`: a sandbox of its own for the test, on a free loopback port, demo scenario;
- `heroku_sandbox_session`: one sandbox for the whole session (faster; tests share its state);
- `heroku_env`: `heroku_sandbox.env()` applied to os.environ with monkeypatch, for code that reads it.

A test picks another scenario with `@pytest.mark.heroku_scenario("empty")` (a name, a document or a
.json/.toml file), and reproducible ids with `@pytest.mark.heroku_seed(7)`. This module loads wherever hkctl is installed, so it imports nothing of the
sandbox until a fixture is used; without the sandbox extra the fixture fails saying how to install it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from hkctl.sandbox.harness import LiveSandbox


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "heroku_scenario(scenario): the scenario heroku_sandbox starts from (default demo)"
    )
    config.addinivalue_line(
        "markers", "heroku_seed(n): heroku_sandbox draws its ids from seed n (same seed, same ids)"
    )


def _start(scenario: Any, seed: int | str | None = None) -> LiveSandbox:
    from hkctl.errors import UsageError
    from hkctl.extras import require

    try:
        require("sandbox")
    except UsageError as exc:
        pytest.fail(str(exc), pytrace=False)
    from hkctl.sandbox.harness import start

    return start(scenario, seed=seed)


@pytest.fixture
def heroku_sandbox(request: pytest.FixtureRequest) -> Iterator[LiveSandbox]:
    """A running sandbox for this test (its own port and state), seeded with the demo scenario."""
    marker = request.node.get_closest_marker("heroku_scenario")
    seed = request.node.get_closest_marker("heroku_seed")
    sb = _start(marker.args[0] if marker else "demo", seed.args[0] if seed else None)
    try:
        yield sb
    finally:
        sb.stop()


@pytest.fixture(scope="session")
def heroku_sandbox_session() -> Iterator[LiveSandbox]:
    """One running sandbox (demo scenario) for the whole session; call `.reset()` to start over."""
    sb = _start("demo")
    try:
        yield sb
    finally:
        sb.stop()


@pytest.fixture
def heroku_env(heroku_sandbox: LiveSandbox, monkeypatch: pytest.MonkeyPatch) -> LiveSandbox:
    """`heroku_sandbox` with its environment (HEROKU_API_KEY, HEROKU_HOST, HKCTL_API_URL, ...) applied."""
    for key, value in heroku_sandbox.env().items():
        monkeypatch.setenv(key, value)
    return heroku_sandbox
