"""Fixtures: `hk` is a Harness over a fresh demo sandbox (in process, or on a loopback socket)."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import hkctl
from hkctl.sandbox.app import create_app
from hkctl.sandbox.server import build_sandbox, start_in_thread
from tests.support import INPROCESS_STORAGE_URL, SOCKET_MODE, Harness, inprocess_transport


def _import_every_module() -> None:
    """Import all of hkctl once, here, in the main thread.

    hkctl's distribution declares a pytest plugin (the sandbox fixtures), so pytest rewrites every
    hkctl module as it is imported, compiling it from an AST. CPython 3.11 can fail to compile when
    two threads import for the first time at once ("AST constructor recursion depth mismatch"), as
    the sandbox's server thread and a test's worker threads do; importing everything first avoids
    the race instead of hoping each threaded path imports ahead.
    """
    for info in pkgutil.walk_packages(hkctl.__path__, "hkctl."):
        if not info.name.endswith("__main__"):
            importlib.import_module(info.name)


_import_every_module()


@pytest.fixture(scope="session")
def _server() -> Iterator[object]:
    """One loopback server for the whole session (socket mode and tests that need real streaming)."""
    app = create_app(build_sandbox())
    running = start_in_thread(app.state.sandbox)
    running._server.config.app = app  # type: ignore[attr-defined]
    yield running
    running.stop()


@pytest.fixture
def hk(tmp_path: Path, request: pytest.FixtureRequest) -> Harness:
    """A fresh demo sandbox with hkctl pointed at it."""
    home = tmp_path / "home"
    home.mkdir()
    if SOCKET_MODE:
        return live_harness(request, home)
    sb = build_sandbox()
    sb.storage_url = INPROCESS_STORAGE_URL  # the in-process transport routes both hosts to the app
    app = create_app(sb)
    harness = Harness(app, "http://localhost", home, inprocess_transport(app))
    request.addfinalizer(harness.assert_conformant)
    return harness


def live_harness(request: pytest.FixtureRequest, home: Path) -> Harness:
    running = request.getfixturevalue("_server")
    sb = build_sandbox()
    sb.public_url = running.url  # type: ignore[attr-defined]
    sb.storage_url = running.storage_url  # type: ignore[attr-defined]
    app = running._server.config.loaded_app  # type: ignore[attr-defined]
    # uvicorn wraps the app in middleware; the Starlette app is reachable as .app
    while not hasattr(app, "state") and hasattr(app, "app"):
        app = app.app
    app.state.sandbox = sb
    harness = Harness(app, running.url, home, None)  # type: ignore[attr-defined]
    request.addfinalizer(harness.assert_conformant)
    return harness


@pytest.fixture
def live(tmp_path: Path, request: pytest.FixtureRequest) -> Harness:
    """Like `hk`, but always over a real loopback socket (streams, subprocess runs, foreign hosts)."""
    home = tmp_path / "home"
    home.mkdir()
    return live_harness(request, home)
