"""Builds in the sandbox: read the source tarball, detect the language, `pending` → `succeeded`/`failed`.

A build fetches its source from the sandbox's own source store when `source_blob.url` is a sandbox
source URL (no HTTP needed); any other URL cannot be downloaded offline and is treated as the demo
Rails app. Failure marker (documented in docs/cookbook.md §5): a file named `HKCTL_FAIL_BUILD` at the
root of the tarball (or a source URL containing `HKCTL_FAIL_BUILD`) makes the build fail after
language detection. A tarball with no recognisable language fails as Heroku's does. Success makes a
slug and a `Deploy <version[:7]>` release; a failure makes no release.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import tarfile
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from hkctl.sandbox.backend.apps import STACKS
from hkctl.sandbox.backend.dynos import dynos, ensure_formation, formations, reconcile
from hkctl.sandbox.backend.releases import create_release
from hkctl.sandbox.clock import iso

if TYPE_CHECKING:
    from hkctl.sandbox.app import Sandbox

MARKER = "HKCTL_FAIL_BUILD"
_SOURCE_PATH = re.compile(r"^/__sandbox__/sources/([0-9a-f-]{36})$")
# (marker files, language, buildpack, default process types)
_LANGUAGES: list[tuple[tuple[str, ...], str, str, dict[str, str]]] = [
    (("Gemfile",), "Ruby", "heroku/ruby", {"web": "bin/rails server -p ${PORT:-5000} -e $RAILS_ENV"}),
    (("package.json",), "Node.js", "heroku/nodejs", {"web": "npm start"}),
    (
        ("requirements.txt", "pyproject.toml", "Pipfile", "setup.py", ".python-version"),
        "Python",
        "heroku/python",
        {"web": "gunicorn app:app"},
    ),
    (("go.mod",), "Go", "heroku/go", {"web": "bin/app"}),
    (("composer.json", "index.php"), "PHP", "heroku/php", {"web": "heroku-php-apache2"}),
    (("pom.xml",), "Java", "heroku/java", {"web": "java -jar target/app.jar"}),
]
_DEMO_PROCFILE = {
    "web": "bundle exec puma -C config/puma.rb",
    "worker": "bundle exec sidekiq -C config/sidekiq.yml",
}


@dataclass
class Source:
    """What a build learns from its source."""

    files: dict[str, bytes] = field(default_factory=dict)
    language: str | None = None
    buildpack: str | None = None
    process_types: dict[str, str] = field(default_factory=dict)
    procfile: bool = False
    error: str | None = None  # why the source could not be read at all
    marker: bool = False
    size: int = 0
    checksum: str | None = None


def read_tarball(data: bytes) -> Source:
    """Members at the root of a .tar.gz (a single top-level folder, as in GitHub archives, is skipped)."""
    src = Source(size=len(data), checksum="SHA256:" + hashlib.sha256(data).hexdigest())
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as tar:
            members = [m for m in tar.getmembers() if m.isfile()]
            names = [m.name.removeprefix("./") for m in members]
            tops = {n.split("/", 1)[0] for n in names}
            strip = len(tops) == 1 and all("/" in n for n in names)
            for m, name in zip(members, names, strict=True):
                if strip:
                    name = name.split("/", 1)[1]
                fh = tar.extractfile(m) if "/" not in name else None  # only root files are read
                src.files[name] = fh.read(20000) if fh else b""
    except (tarfile.TarError, OSError, EOFError) as exc:
        src.error = f"Failed to extract the source tarball: {exc}"
        return src
    _detect(src)
    return src


def demo_source(url: str) -> Source:
    """A URL the sandbox cannot fetch: the demo Rails app (failing when the URL carries the marker)."""
    src = Source(language="Ruby", buildpack="heroku/ruby", process_types=dict(_DEMO_PROCFILE), procfile=True)
    src.marker = MARKER in url
    src.size = 2_400_000
    return src


def _detect(src: Source) -> None:
    src.marker = MARKER in src.files
    for markers, language, buildpack, defaults in _LANGUAGES:
        if any(m in src.files for m in markers):
            src.language, src.buildpack = language, buildpack
            src.process_types = dict(defaults)
            break
    if "Procfile" in src.files:
        src.procfile = True
        declared = {}
        for line in src.files["Procfile"].decode(errors="replace").splitlines():
            key, sep, command = line.partition(":")
            if sep and re.match(r"^[-\w]{1,128}$", key.strip()) and command.strip():
                declared[key.strip()] = command.strip()
        if declared:
            src.process_types = declared


def source_for(sb: Sandbox, url: str) -> Source:
    """Read a sandbox source blob straight from the store; other URLs are the demo app."""
    parts = urlsplit(url)
    from hkctl.sandbox import storage

    if storage.is_storage_url(sb, url):
        return _stored_source(sb, url)
    m = _SOURCE_PATH.match(parts.path)
    if not m:
        return demo_source(url)
    blob = sb.store.get("source-blob", m.group(1))
    sig = parse_qs(parts.query).get("sig", [""])[0]
    if blob is None or blob.get("_sig") != sig:
        return Source(error="Failed to download the source: 403 Forbidden (unknown or expired source URL)")
    if blob.get("_data") is None:
        return Source(error="Failed to download the source: 404 Not Found (nothing was uploaded to put_url)")
    return read_tarball(base64.b64decode(blob["_data"]))


def _stored_source(sb: Sandbox, url: str) -> Source:
    """Fetch a source blob from the simulated object store, judged as S3 judges the build service's GET."""
    from hkctl.sandbox import storage

    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    denied = storage.verify(sb, "GET", parts.path, query, {"host": parts.netloc})
    if denied is not None:
        reason = "expired" if b"expired" in bytes(denied.body) else "signature mismatch"
        return Source(error=f"Failed to download the source: {denied.status_code} Forbidden ({reason})")
    source_id = parts.path.rstrip("/").rsplit("/", 1)[-1]
    blob = sb.store.get("source-blob", source_id)
    if blob is None or blob.get("_data") is None:
        return Source(error="Failed to download the source: 404 Not Found (nothing was uploaded to put_url)")
    return read_tarball(base64.b64decode(blob["_data"]))


# ------------------------------------------------------------------ output
def _install_lines(src: Source) -> list[str]:
    if src.language == "Python":
        version = src.files.get(".python-version", b"").decode(errors="replace").strip() or None
        lines = (
            [f"-----> Using Python {version} specified in .python-version"]
            if version
            else ["-----> No Python version was specified. Using the buildpack default: Python 3.12.7"]
        )
        version = version or "3.12.7"
        lines += [
            f"-----> Installing Python {version}",
            "-----> Installing pip 24.2, setuptools 75.1.0 and wheel 0.44.0",
        ]
        reqs = [
            r.strip()
            for r in src.files.get("requirements.txt", b"").decode(errors="replace").splitlines()
            if r.strip() and not r.startswith("#")
        ][:10]
        if reqs:
            lines.append("-----> Installing dependencies using 'pip install -r requirements.txt'")
            lines += [
                f"       Collecting {r} (from -r requirements.txt (line {i}))" for i, r in enumerate(reqs, 1)
            ]
            names = " ".join(re.split(r"[=<>~!]", r, maxsplit=1)[0] for r in reqs)
            lines.append(f"       Successfully installed {names}")
        return lines
    if src.language == "Ruby":
        return [
            "-----> Installing bundler 2.5.6",
            "-----> Using Ruby version: ruby-3.3.4",
            "-----> Installing dependencies using bundler 2.5.6",
            "       Running: BUNDLE_WITHOUT='development:test' BUNDLE_DEPLOYMENT=1 bundle install -j4",
            "       Bundle complete! 42 Gemfile dependencies, 118 gems now installed.",
            "-----> Detecting rake tasks",
            "-----> Preparing app for Rails asset pipeline",
            "       Running: rake assets:precompile",
            "       Asset precompilation completed (4.21s)",
        ]
    if src.language == "Node.js":
        return [
            "-----> Installing binaries",
            "       engines.node (package.json):   unspecified",
            "       Resolving node version 22.x...",
            "       Downloading and installing node 22.9.0...",
            "-----> Installing dependencies",
            "       Installing node modules",
            "-----> Build",
            "-----> Pruning devDependencies",
        ]
    return ["-----> Installing dependencies"]


def container_source(src: Source) -> Source:
    """A `container`-stack build: heroku.yml's `build.docker` entries, not buildpacks, decide the types."""
    if src.error:
        return src
    manifest = src.files.get("heroku.yml")
    src.language, src.buildpack, src.procfile = None, None, False
    if manifest is None:
        src.error = (
            "Your app does not include a heroku.yml build manifest. To deploy your app, either create a "
            "heroku.yml: https://devcenter.heroku.com/articles/build-docker-images-heroku-yml Or change "
            "your stack by running: 'heroku stack:set heroku-24'"
        )
        return src
    types: dict[str, str] = {}
    in_docker = False
    for line in manifest.decode(errors="replace").splitlines():
        if re.match(r"^\s{2}docker:\s*$", line):
            in_docker = True
        elif in_docker and (m := re.match(r"^\s{4}([-\w]+):\s*(\S+)", line)):
            types[m.group(1)] = f"(the CMD of the image built from {m.group(2)})"
        elif line.strip() and not line.startswith("    "):
            in_docker = False
    src.language = "Docker" if types else None
    src.process_types = types
    if not types:
        src.error = "heroku.yml declares no docker images under build.docker"
    return src


def start_lines(src: Source, stack: str) -> list[str]:
    if stack == "container":
        lines = ["=== Fetching app code"]
        if src.error:
            return lines + [f"=!= {src.error}"]
        return lines + [
            f"=== Building {t} ({c.rsplit(' ', 1)[-1][:-1]})" for t, c in src.process_types.items()
        ]
    lines = [
        f"-----> Building on the {stack.capitalize()} stack",
        "-----> Determining which buildpack to use for this app",
    ]
    if src.error:
        return lines + [f" !     {src.error}"]
    if src.language is None:
        return lines + [
            " !     No default language could be detected for this app.",
            "\t\t\tHINT: This occurs when Heroku cannot detect the buildpack to use for this application automatically.",
            "\t\t\tSee https://devcenter.heroku.com/articles/buildpacks",
        ]
    lines.append(f"-----> {src.language} app detected")
    if src.marker:
        return lines + [
            f" !     {MARKER} found at the root of the source: this build fails on purpose (sandbox failure marker).",
            f" !     Push rejected, failed to compile {src.language} app.",
        ]
    kinds = ", ".join(src.process_types)
    how = "Procfile declares types" if src.procfile else "Default types for buildpack"
    return lines + _install_lines(src) + ["-----> Discovering process types", f"       {how} -> {kinds}"]


def present(doc: dict[str, Any], base_url: str) -> dict[str, Any]:
    """A build or slug as served: sandbox URLs on the base URL the request came in on."""
    out = dict(doc)
    if isinstance(out.get("output_stream_url"), str) and out["output_stream_url"].startswith("/"):
        out["output_stream_url"] = base_url + out["output_stream_url"]
    blob = out.get("blob")
    if isinstance(blob, dict) and str(blob.get("url", "")).startswith("/"):
        out["blob"] = {**blob, "url": base_url + blob["url"]}
    return out


def failed(src: Source) -> bool:
    return bool(src.error or src.language is None or src.marker)


# ------------------------------------------------------------------ lifecycle
def new_build(
    sb: Sandbox,
    app: dict[str, Any],
    *,
    source_blob: dict[str, Any],
    buildpacks: list[dict[str, Any]] | None,
    user: dict[str, Any],
) -> dict[str, Any]:
    """A `pending` build whose outcome is decided now (from its source) and applied by `build_finish`."""
    src = source_for(sb, source_blob["url"])
    stack = app["build_stack"]["name"]
    if stack == "container":
        src = container_source(src)
    buildpacks = buildpacks or app.get("_buildpacks")  # set with `buildpacks:set`/PUT installations
    if buildpacks:
        packs = [
            {"url": b.get("url") or b.get("name"), "name": b.get("name") or b.get("url")} for b in buildpacks
        ]
    elif src.buildpack:
        packs = [{"url": src.buildpack, "name": src.buildpack}]
    else:
        packs = None
    now = sb.clock.now()
    build_id = sb.ids.new()
    build = {
        "id": build_id,
        "app": {"id": app["id"]},
        "buildpacks": packs,
        "created_at": iso(now),
        "generation": "cedar",
        # Served by the sandbox; handlers put their own base URL in front (see `present`).
        "output_stream_url": f"/__sandbox__/builds/{build_id}/output",
        "source_blob": {
            "checksum": source_blob.get("checksum") or src.checksum,
            "url": source_blob["url"],
            "version": source_blob.get("version"),
            "version_description": source_blob.get("version_description"),
        },
        "release": None,
        "slug": None,
        "stack": stack,
        "status": "pending",
        "updated_at": iso(now),
        "user": {"id": user.get("id", ""), "email": user.get("email", "")},
        "_created_ts": now,
        "_output": start_lines(src, stack),
        "_failed": failed(src),
        "_language": src.language,
        "_process_types": src.process_types,
        "_size": src.size,
    }
    sb.store.put("build", build, parent=app["id"])
    sb.schedule(sb.config.duration("build"), "build_finish", {"app": app["id"], "id": build_id})
    return build


def finish(sb: Sandbox, payload: dict[str, Any]) -> None:
    """The `build_finish` task: fail, or make the slug and the `Deploy …` release."""
    build = sb.store.get("build", payload["id"])
    app = sb.store.get("app", payload["app"])
    if build is None or app is None or build["status"] != "pending":
        return
    now = iso(sb.clock.now())
    if build["_failed"]:
        build["_output"].append(" !     Push failed")
        build.update(status="failed", updated_at=now)
        sb.store.put("build", build, parent=app["id"])
        sb.publish("build", "update", {"id": build["id"], "status": "failed"}, app, actor=build["user"])
        return
    version = build["source_blob"].get("version")
    slug = make_slug(sb, app, build, commit=version)
    release = create_release(
        sb,
        app,
        description=f"Deploy {version[:7]}" if version else "Deploy",
        user=build["user"],
        slug_id=slug["id"],
    )
    deploy_formation(sb, app, build["_process_types"])
    size_mb = slug["size"] / 1_000_000
    build["_output"] += [
        "-----> Compressing...",
        f"       Done: {size_mb:.1f}M",
        "-----> Launching...",
        f"       Released v{release['version']}",
        f"       {app['web_url']} deployed to Heroku",
    ]
    build.update(status="succeeded", updated_at=now, slug={"id": slug["id"]}, release={"id": release["id"]})
    sb.store.put("build", build, parent=app["id"])
    sb.publish("build", "update", {"id": build["id"], "status": "succeeded"}, app, actor=build["user"])


def make_slug(
    sb: Sandbox, app: dict[str, Any], build: dict[str, Any], *, commit: str | None
) -> dict[str, Any]:
    now = iso(sb.clock.now())
    slug_id = sb.ids.new()
    stack = build["stack"]
    slug = {
        "id": slug_id,
        "blob": {"method": "GET", "url": f"/__sandbox__/slugs/{slug_id}.tgz"},
        "buildpack_provided_description": build["_language"],
        "checksum": "SHA256:" + hashlib.sha256(slug_id.encode()).hexdigest(),
        "commit": commit,
        "commit_description": build["source_blob"].get("version_description"),
        "created_at": now,
        "process_types": build["_process_types"],
        "size": 38_000_000 + 3 * int(build["_size"]),
        "stack": {"id": STACKS.get(stack, STACKS["heroku-24"]), "name": stack},
        "updated_at": now,
        "deleted_at": None,
        "_app": app["id"],
    }
    sb.store.put("slug", slug, parent=app["id"])
    return slug


def deploy_formation(sb: Sandbox, app: dict[str, Any], process_types: dict[str, str]) -> None:
    """New process types get a formation (web starts at 1 on a first deploy, others at 0); types the
    new slug no longer declares lose their formation and dynos."""
    first = not formations(sb, app)
    for gone in [f for f in formations(sb, app) if f["type"] not in process_types]:
        gone["quantity"] = 0
        reconcile(sb, app, gone)
        sb.store.delete("formation", gone["id"])
    for ptype, command in process_types.items():
        f = ensure_formation(sb, app, ptype, command, quantity=1 if first and ptype == "web" else 0)
        for dyno in dynos(sb, app, ptype):
            dyno["command"] = command
            sb.store.put("dyno", dyno, parent=app["id"])
        reconcile(sb, app, f)
