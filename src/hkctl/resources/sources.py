"""Sources: pack a directory as a .tar.gz, obtain upload/download URLs (`POST /sources`), upload."""

from __future__ import annotations

import hashlib
import io
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hkctl.errors import UsageError

if TYPE_CHECKING:
    from hkctl.guard.policy import PlannedWrite
    from hkctl.transport.client import HerokuClient


EXCLUDED = {".git", ".hg", ".svn", "__pycache__", ".venv", "node_modules"}


@dataclass(frozen=True)
class SourceBlob:
    """A source (API object `source`, its `source_blob`): presigned URLs to upload and to fetch a tarball."""

    get_url: str
    put_url: str


def make_tarball(root: Path) -> bytes:
    """The directory's files as a gzipped tarball (paths relative to it; .git and caches left out)."""
    root = Path(root)
    if not root.is_dir():
        raise UsageError(f"--dir {root}: not a directory")
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for path in sorted(root.rglob("*")):
            rel = path.relative_to(root)
            if any(part in EXCLUDED for part in rel.parts) or not (path.is_file() or path.is_dir()):
                continue
            if path.is_file():
                tar.add(path, arcname=rel.as_posix(), recursive=False)
    return buf.getvalue()


def git_head(root: Path) -> str | None:
    """The commit checked out in `root` (read from .git, no git binary needed), if any."""
    git = Path(root) / ".git"
    try:
        head = (git / "HEAD").read_text().strip()
        if head.startswith("ref: "):
            ref = head[5:]
            loose = git / ref
            if loose.exists():
                return loose.read_text().strip() or None
            for line in (git / "packed-refs").read_text().splitlines():
                sha, _, name = line.partition(" ")
                if name == ref:
                    return sha
            return None
        return head or None
    except OSError:
        return None


def content_version(data: bytes) -> str:
    """A version for a directory that is not a git checkout: the tarball's SHA-256."""
    return hashlib.sha256(data).hexdigest()[:40]


def create_write(client: HerokuClient) -> PlannedWrite:
    """`POST /sources` (an upload URL and a download URL), as shown and as sent."""
    return client.planned("POST", "/sources", action="sources_create")


def create(client: HerokuClient) -> SourceBlob:
    """`POST /sources`: where to upload the tarball and where the build will fetch it from."""
    body = client.send(create_write(client)).body
    blob = body["source_blob"]
    return SourceBlob(get_url=blob["get_url"], put_url=blob["put_url"])


def upload(client: HerokuClient, blob: SourceBlob, data: bytes) -> None:
    """PUT the tarball bytes to the blob's presigned `put_url` (PUT {put_url}; no token, no cookie).
    HostNotAllowed (exit 3, nothing sent) for a host off the allowlist; TransportError when the storage
    host cannot be reached or answers an error."""
    client.upload(blob.put_url, data)
