"""Builds: list, info, output stream, create from a URL or from a directory, and follow to the end."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hkctl.errors import HkctlError, UsageError
from hkctl.guard.policy import LATER
from hkctl.polling import poll
from hkctl.resources import sources
from hkctl.resources._record import Record, check_app, is_id_prefix, is_uuid, name_of, unique_id
from hkctl.transport.paths import seg

if TYPE_CHECKING:
    from hkctl.guard.policy import PlannedWrite
    from hkctl.transport.client import HerokuClient

PENDING = "pending"


@dataclass(frozen=True, kw_only=True)
class Build(Record):
    """A build (API object `build`): status (pending, succeeded, failed), source version and URL, slug."""

    id: str
    status: str
    version: str | None
    source_url: str | None
    output_stream_url: str | None
    release_id: str | None
    slug_id: str | None
    stack: str | None
    user: str | None
    created_at: str | None

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> Build:
        blob = d.get("source_blob") or {}
        return cls(
            raw=d,
            id=d["id"],
            status=d.get("status") or "",
            version=blob.get("version"),
            source_url=blob.get("url"),
            output_stream_url=d.get("output_stream_url"),
            release_id=name_of(d.get("release"), "id"),
            slug_id=name_of(d.get("slug"), "id"),
            stack=d.get("stack") if isinstance(d.get("stack"), str) else name_of(d.get("stack")),
            user=name_of(d.get("user"), "email"),
            created_at=d.get("created_at"),
        )

    @property
    def buildpacks(self) -> str:
        """The build's buildpacks by name (else URL), comma-separated; empty when the API lists none."""
        return ", ".join(str(b.get("name") or b.get("url")) for b in self.raw.get("buildpacks") or [])


def check_build_id(build_id: str) -> str:
    """`build_id` when it is a whole build id (a UUID), else UsageError (exit 2)."""
    if not is_uuid(build_id):
        raise UsageError(f"invalid build id {build_id!r}: builds are named by their id (a UUID)")
    return build_id


def list_(client: HerokuClient, app: str, *, limit: int | None = None) -> list[Build]:
    """The app's builds, most recent first (GET /apps/{app}/builds, `Range: started_at ..; order=desc`;
    `limit` caps the count); NotFound for an unknown app."""
    items = client.paginate(
        f"/apps/{seg(check_app(app))}/builds",
        field="started_at",
        order="desc",
        limit=limit,
        action="builds_list",
    )
    return [Build.from_api(b) for b in items]


def info(client: HerokuClient, app: str, build_id: str) -> Build:
    """`GET /apps/{app}/builds/{id}`; an abbreviated id (8+ hex characters) is found in the list first."""
    if not is_uuid(build_id) and is_id_prefix(build_id):
        build_id = unique_id(build_id, (b.id for b in list_(client, app)), "build")
    path = f"/apps/{seg(check_app(app))}/builds/{seg(check_build_id(build_id))}"
    return Build.from_api(client.get(path, action="builds_info"))


def output(client: HerokuClient, build: Build) -> Iterator[str]:
    """The build's output lines (GET {output_stream_url}, the URL the build hands back; the stream ends when
    the build does); nothing when there is no URL. HostNotAllowed (exit 3) for a host off the allowlist."""
    if not build.output_stream_url:
        return
    with client.stream_lines(build.output_stream_url, accept="text/plain") as (_, lines):
        yield from lines


def _body(url: str, version: str | None) -> dict[str, Any]:
    blob: dict[str, Any] = {"url": url}
    if version:
        blob["version"] = version
    return {"source_blob": blob}


def create(client: HerokuClient, app: str, source_url: str, *, version: str | None = None) -> Build:
    """`POST /builds` from a tarball URL."""
    if not source_url.startswith(("https://", "http://")):
        raise UsageError(f"--source-url must be an http(s) URL of a .tar.gz, got {source_url!r}")
    return Build.from_api(client.send(create_write(client, app, source_url, version=version)).body)


def create_write(
    client: HerokuClient, app: str, source_url: str, *, version: str | None = None
) -> PlannedWrite:
    """`POST /apps/{app}/builds` from a tarball URL (LATER: the get_url POST /sources will hand back)."""
    return client.planned(
        "POST", f"/apps/{seg(check_app(app))}/builds", body=_body(source_url, version), action="builds_create"
    )


def create_from_dir(client: HerokuClient, app: str, root: Path, *, version: str | None = None) -> Build:
    """Pack `root`, `POST /sources`, upload to put_url, build from get_url: one plan, one confirmation."""
    check_app(app)
    data = sources.make_tarball(root)
    version = version or sources.git_head(root) or sources.content_version(data)
    plan = [sources.create_write(client), create_write(client, app, LATER, version=version)]
    with client.batch(plan, f"deploy {root} to {app}"):
        blob = sources.create(client)
        sources.upload(client, blob, data)
        return create(client, app, blob.get_url, version=version)


def follow(
    client: HerokuClient,
    app: str,
    build: Build,
    *,
    on_line: Callable[[str], None] | None = None,
    timeout: float = 1800.0,
    sleep: Callable[[float], None] | None = None,
) -> Build:
    """Poll until the build is no longer pending, streaming its output to `on_line` meanwhile.

    Polls GET /apps/{app}/builds/{id} (backing off) and reads GET {output_stream_url}. The output stream stays
    open until the build ends, so it is read on a helper thread: the status poll owns the deadline, and a
    stalled stream cannot hold the caller past `timeout` (seconds: WaitTimedOut). The output is a courtesy;
    the build's status decides. Returns the final Build, whatever its status.
    """
    reader: threading.Thread | None = None
    if on_line is not None:
        emit = on_line
        opened = threading.Event()

        def pump() -> None:
            try:
                for line in output(client, build):
                    opened.set()
                    emit(line)
            except HkctlError:
                pass
            finally:
                opened.set()

        reader = threading.Thread(target=pump, name="build-output", daemon=True)
        reader.start()
        opened.wait(timeout=min(timeout, 30.0))  # let the stream answer first: its first lines come in order

    def done() -> Build | None:
        current = info(client, app, build.id)
        return None if current.status == PENDING else current

    kwargs: dict[str, Any] = {"sleep": sleep} if sleep else {}
    final = poll(done, timeout=timeout, what=f"build {build.id[:8]} to finish", **kwargs)
    if reader is not None:
        reader.join(timeout=5.0)  # the stream ends with the build: let its last lines arrive
    return final
