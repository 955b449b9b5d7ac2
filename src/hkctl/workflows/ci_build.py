"""CI build (spec §18 as one call): tarball → POST /sources → upload → POST /builds → follow → outcome.

The spec's GitHub Actions step polls 60 × 10 s with curl and jq; this streams the build output,
polls with a timeout, and raises when the build fails or does not finish in time, so a CI job
needs one line: `hkctl ci build --dir . -a APP`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hkctl.errors import HkctlError, UsageError

if TYPE_CHECKING:
    from hkctl.transport.client import HerokuClient

DEFAULT_TIMEOUT = 600.0  # the spec's 60 polls × 10 s


def ci_build(
    client: HerokuClient,
    app: str,
    source_dir: Path,
    *,
    version: str | None,
    timeout: float = DEFAULT_TIMEOUT,
    say: Callable[[str], None],
) -> dict[str, Any]:
    """Build `source_dir` on `app`; return the finished build, raise HkctlError unless it succeeded."""
    from hkctl.resources import builds
    from hkctl.workflows.deploy import DeployOptions, source_version

    if not source_dir.is_dir():
        raise UsageError(f"--dir {source_dir}: not a directory")
    version = version or source_version(DeployOptions(app=app, source_dir=source_dir))
    b = builds.create_from_dir(client, app, source_dir, version=version)
    say(f"build {b.id} started for {app} (version {version})")
    final = follow_build(client, app, b, say=say, timeout=timeout)
    status = final.get("status")
    say(f"build status: {status}")
    if status != "succeeded":
        raise HkctlError(f"build {final.get('id')} on {app} {status}")
    return dict(final)


def follow_build(
    client: HerokuClient, app: str, build: Any, *, say: Callable[[str], None], timeout: float
) -> dict[str, Any]:
    """Stream the build output while polling its status, so the timeout holds even if the stream stalls.

    The output stream stays open until the build ends; reading it on this thread would let a stuck
    build hold the command past `timeout`. A daemon thread pumps the lines instead, and the status
    poll (workflows/wait.py via builds.follow) owns the deadline. Polling starts once the stream
    has answered (its first line), so the two requests are not opened at the same instant.
    """
    from hkctl.errors import HkctlError as _Err
    from hkctl.resources import builds

    opened = threading.Event()

    def pump() -> None:
        try:
            for line in builds.output(client, build):
                opened.set()
                say(f"  │ {line}")
        except _Err:
            pass  # the output is a courtesy; the status decides
        finally:
            opened.set()

    reader = threading.Thread(target=pump, name="build-output", daemon=True)
    reader.start()
    opened.wait(timeout=min(timeout, 30.0))
    final = builds.follow(client, app, build, timeout=timeout)
    reader.join(timeout=5.0)  # the stream ends with the build: let its last lines arrive
    return dict(final.to_json())
