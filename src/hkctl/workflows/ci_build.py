"""CI build (spec §18 as one call): tarball → POST /sources → upload → POST /builds → follow → outcome.

The spec's GitHub Actions step polls 60 × 10 s with curl and jq; this streams the build output,
polls with a timeout, and raises when the build fails or does not finish in time, so a CI job
needs one line: `hkctl ci build --dir . -a APP`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from hkctl.errors import HkctlError, UsageError
from hkctl.resources import builds, sources

if TYPE_CHECKING:
    from hkctl.resources.builds import Build
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
) -> Build:
    """Build `source_dir` on `app` (POST /sources, PUT to its put_url, POST /apps/{app}/builds, then
    GET /apps/{app}/builds/{id} until done); returns the finished Build record. UsageError (exit 2) when
    `source_dir` is not a directory; HkctlError unless the build succeeded; WaitTimedOut after `timeout` s."""
    if not source_dir.is_dir():
        raise UsageError(f"--dir {source_dir}: not a directory")
    version = version or source_version(version=None, source_dir=source_dir)
    b = builds.create_from_dir(client, app, source_dir, version=version)
    say(f"build {b.id} started for {app} (version {version})")
    final = follow_build(client, app, b, say=say, timeout=timeout)
    say(f"build status: {final.status}")
    if final.status != "succeeded":
        raise HkctlError(f"build {final.id} on {app} {final.status}")
    return final


def follow_build(
    client: HerokuClient, app: str, build: Build, *, say: Callable[[str], None], timeout: float
) -> Build:
    """Follow a build (its output_stream_url, and GET /apps/{app}/builds/{id} until not pending) with its
    output indented under the step; returns the final Build record; WaitTimedOut after `timeout` seconds."""
    return builds.follow(client, app, build, on_line=lambda line: say(f"  │ {line}"), timeout=timeout)


def source_version(*, version: str | None, source_dir: Path | None, source_url: str | None = None) -> str:
    """The version recorded on the build: --version, else the git HEAD of --dir, else a digest of its files.

    The digest covers paths and contents only (not mtimes), so the same tree deployed to staging and
    then to production carries the same version, which the staging check compares.
    """
    if version:
        return version
    if source_dir is None:
        return hashlib.sha256(str(source_url).encode()).hexdigest()[:12]

    head = sources.git_head(source_dir)
    if head:
        return head
    digest = hashlib.sha256()
    root = source_dir
    for path in sorted(p for p in root.rglob("*") if p.is_file() and ".git" not in p.relative_to(root).parts):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]
