"""hkctl builds and slugs: list, info, output; create from a URL or a directory (sources upload)."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.core

APP = "demo-staging"
SHA = "1a2b3c4d5e6f708192a3b4c5d6e7f80912345678"


def _app(hk):
    return hk.sandbox.store.first("app", name=APP)


def _current(hk):
    return next(r for r in hk.sandbox.store.all("release", parent=_app(hk)["id"]) if r["current"])


def sample_app(root: Path, *, fail: bool = False) -> Path:
    """A small Flask app checked out at SHA (a .git folder that must not be uploaded)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "requirements.txt").write_text("flask==3.0.3\ngunicorn==22.0.0\n")
    (root / "Procfile").write_text("web: gunicorn app:app\nworker: python worker.py\n")
    (root / "app.py").write_text("from flask import Flask\napp = Flask(__name__)\n")
    (root / ".python-version").write_text("3.12\n")
    (root / ".git" / "refs" / "heads").mkdir(parents=True)
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (root / ".git" / "refs" / "heads" / "main").write_text(SHA + "\n")
    if fail:
        (root / "HKCTL_FAIL_BUILD").write_text("this build must fail\n")
    return root


def test_list_info_and_output_of_the_seeded_builds(hk):
    listed = hk.cli("builds", "list", "-a", APP, "--json")
    assert listed.code == 0, listed.err
    builds = json.loads(listed.out)
    assert [b["source_blob"]["version"][:7] for b in builds] == ["abc1234", "9f8e7d6"]  # newest first
    assert [r["range"] for r in hk.received() if r["path"] == f"/apps/{APP}/builds"][0].startswith(
        "started_at ..;"
    )
    info = hk.cli("builds", "info", builds[0]["id"], "-a", APP, "--json")
    assert json.loads(info.out)["status"] == "succeeded"
    output = hk.cli("builds", "output", builds[0]["id"], "-a", APP)
    assert output.code == 0, output.err
    assert "-----> Ruby app detected" in output.out
    assert "deployed to Heroku" in output.out


def test_create_from_url_builds_and_releases(hk):
    before = _current(hk)["version"]
    result = hk.cli(
        "builds",
        "create",
        "--source-url",
        "https://example.com/shop.tar.gz",
        "--version",
        SHA,
        "-a",
        APP,
        "--json",
        env=hk.full_env(),
    )
    assert result.code == 0, result.err
    build = json.loads(result.out)
    assert build["status"] == "succeeded"
    release = _current(hk)
    assert release["version"] == before + 1
    assert release["description"] == "Deploy 1a2b3c4"
    assert build["release"] == {"id": release["id"]}
    assert "Released v" in result.err  # the build output was followed


def test_create_from_dir_uploads_a_tarball_and_releases(hk, tmp_path):
    root = sample_app(tmp_path / "shop")
    before = _current(hk)["version"]
    result = hk.cli("builds", "create", "--dir", str(root), "-a", APP, env=hk.full_env())
    assert result.code == 0, result.err
    assert result.err.count("Confirm") == 1  # POST /sources and POST /builds: one plan, one answer
    assert "-----> Python app detected" in result.err
    assert "Procfile declares types -> web, worker" in result.err
    writes = [(w["method"], w["path"]) for w in hk.writes_received()]
    assert writes == [("POST", "/sources"), ("POST", f"/apps/{APP}/builds")]
    release = _current(hk)
    assert release["version"] == before + 1 and release["description"] == "Deploy 1a2b3c4"
    slug = hk.sandbox.store.get("slug", release["slug"]["id"])
    assert slug["process_types"] == {"web": "gunicorn app:app", "worker": "python worker.py"}
    assert slug["commit"] == SHA and slug["buildpack_provided_description"] == "Python"
    blob = hk.sandbox.store.all("source-blob")[-1]
    import base64

    with tarfile.open(fileobj=io.BytesIO(base64.b64decode(blob["_data"])), mode="r:gz") as tar:
        names = sorted(tar.getnames())
    assert names == [".python-version", "Procfile", "app.py", "requirements.txt"]  # no .git
    formation = {f["type"]: f for f in hk.sandbox.store.all("formation", parent=_app(hk)["id"])}
    assert formation["web"]["command"] == "gunicorn app:app"


def test_the_failure_marker_fails_the_build_and_keeps_the_release(hk, tmp_path):
    root = sample_app(tmp_path / "broken", fail=True)
    before = _current(hk)
    result = hk.cli("builds", "create", "--dir", str(root), "-a", APP, env=hk.full_env())
    assert result.code == 1
    assert "HKCTL_FAIL_BUILD found" in result.err
    assert "failed" in result.err
    assert _current(hk)["id"] == before["id"]
    build = hk.sandbox.store.all("build", parent=_app(hk)["id"])[-1]
    assert build["status"] == "failed" and build["release"] is None and build["slug"] is None


def test_a_directory_without_a_language_fails_like_heroku(hk, tmp_path):
    root = tmp_path / "empty"
    root.mkdir()
    (root / "README.md").write_text("nothing to run\n")
    result = hk.cli("builds", "create", "--dir", str(root), "-a", APP, env=hk.full_env())
    assert result.code == 1
    assert "No default language could be detected" in result.err


def test_create_needs_exactly_one_source(hk, tmp_path):
    neither = hk.cli("builds", "create", "-a", APP, env=hk.full_env())
    both = hk.cli(
        "builds",
        "create",
        "--dir",
        str(tmp_path),
        "--source-url",
        "https://e.com/a.tgz",
        "-a",
        APP,
        env=hk.full_env(),
    )
    assert (neither.code, both.code) == (2, 2)
    assert hk.writes_received() == []


def test_slugs_info(hk):
    slug_id = _current(hk)["slug"]["id"]
    result = hk.cli("slugs", "info", slug_id, "-a", APP, "--json")
    assert result.code == 0, result.err
    slug = json.loads(result.out)
    assert slug["commit"].startswith("abc1234") and slug["stack"]["name"] == "heroku-24"
    assert slug["process_types"]["web"] == "bundle exec puma -C config/puma.rb"
    assert hk.cli("slugs", "info", "not-a-uuid", "-a", APP).code == 2


def test_sources_round_trip_through_the_sandbox(hk):
    from hkctl.resources import sources

    client = hk.client(hk.full_env())
    blob = sources.create(client)
    assert blob.put_url.startswith(hk.sandbox.storage_url + "/heroku-sources-production/")
    sources.upload(client, blob, b"\x1f\x8b tarball bytes")
    stored = hk.sandbox.store.all("source-blob")[-1]
    import base64

    assert base64.b64decode(stored["_data"]) == b"\x1f\x8b tarball bytes"


def test_a_deploy_without_a_process_type_removes_its_formation(hk, tmp_path):
    root = sample_app(tmp_path / "webonly")
    (root / "Procfile").write_text("web: gunicorn app:app\n")
    assert hk.cli("builds", "create", "--dir", str(root), "-a", APP, env=hk.full_env()).code == 0
    app_id = _app(hk)["id"]
    assert [f["type"] for f in hk.sandbox.store.all("formation", parent=app_id)] == ["web"]
    assert [d["name"] for d in hk.sandbox.store.all("dyno", parent=app_id)] == ["web.1"]


def test_slug_blob_url_is_served_by_the_sandbox(hk):
    client = hk.client()
    slug = client.get(f"/apps/{APP}/slugs/{_current(hk)['slug']['id']}")
    assert slug["blob"]["url"].startswith(hk.url + "/__sandbox__/slugs/")
    dest = hk.home / "slug.tgz"
    size = client.download(slug["blob"]["url"], dest)
    with tarfile.open(dest, mode="r:gz") as tar:
        assert tar.getnames() == ["app/Procfile"]
    assert size > 0
