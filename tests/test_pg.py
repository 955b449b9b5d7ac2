"""Postgres through the data API: info, backups captured and downloaded, interrupted downloads."""

from __future__ import annotations

import json

import httpx
import pytest

from hkctl.resources import postgres
from hkctl.sandbox.backend import postgres as pg_backend

pytestmark = pytest.mark.core
APP = "demo-production"


def _transfers(hk):
    app = hk.sandbox.store.first("app", name=APP)
    return hk.sandbox.store.all("pg-transfer", parent=app["id"])


def _http(hk) -> httpx.Client:
    return httpx.Client(transport=hk.transport, base_url=hk.url)


def test_info_reports_plan_size_tables_connections(hk):
    r = hk.cli("pg", "info", "-a", APP, "--json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    addon = hk.sandbox.store.get("addon", data["addon"]["id"])
    assert addon["addon_service"]["name"] == "heroku-postgresql"
    facts = pg_backend.facts(addon)
    db = data["database"]
    assert db["plan"] == "standard-0" and db["status"] == "Available"
    assert (db["num_tables"], db["num_bytes"], db["num_connections"]) == (
        facts["num_tables"],
        facts["num_bytes"],
        facts["num_connections"],
    )
    assert any(r["path"] == f"/client/v11/databases/{addon['id']}" for r in hk.received())

    text = hk.cli("pg", "info", "-a", APP).out
    assert "Plan\tStandard 0" in text and "Connections\t" in text


def test_backups_list_shows_the_seeded_backup(hk):
    r = hk.cli("pg", "backups", "list", "-a", APP, "--json")
    assert r.code == 0, r.err
    rows = json.loads(r.out)
    assert [t["num"] for t in rows] == [1]
    assert rows[0]["succeeded"] is True and isinstance(rows[0]["created_at"], str)
    assert rows[0]["created_at"].endswith("+0000")
    assert "b001\t" in hk.cli("pg", "backups", "list", "-a", APP).out


def test_capture_wait_then_download_matches_the_reported_size(hk, tmp_path):
    r = hk.cli("pg", "backups", "capture", "-a", APP, "--wait", env=hk.full_env())
    assert r.code == 0, r.err
    assert r.out.strip() == "b002"
    assert "completed" in r.err
    stored = _transfers(hk)[-1]
    assert stored["num"] == 2 and stored["succeeded"] is True and stored["finished_at"]

    dest = tmp_path / "latest.dump"
    r = hk.cli("pg", "backups", "download", "b002", "-a", APP, "-o", str(dest))
    assert r.code == 0, r.err
    data = dest.read_bytes()
    assert len(data) == stored["processed_bytes"] > 0
    assert data.startswith(b"PGDMP")
    assert f"({len(data)} bytes" in r.err


def test_capture_progress_is_visible_while_running(hk):
    """With a real backup duration, the transfer is Running with partial processed_bytes until it ends."""
    hk.sandbox.config.durations["backup"] = 10.0
    client = hk.client(hk.full_env())
    db = postgres.database(client, APP)
    t = postgres.capture(client, APP, db)
    seen: list[tuple[str, int]] = []

    def advance(seconds: float) -> None:
        hk.sandbox.clock.advance(4.0)

    done = postgres.wait_for_transfer(
        client, APP, t.num, sleep=advance, on_poll=lambda cur: seen.append((cur.status, cur.processed_bytes))
    )
    assert seen[0][0] == "Running" and seen[-1][0] == "Completed"
    running = [b for s, b in seen if s == "Running"]
    assert running == sorted(running) and 0 < max(running) < done.processed_bytes


def test_an_interrupted_download_leaves_no_file(hk, tmp_path):
    transfer = _transfers(hk)[0]
    with _http(hk) as http:
        resp = http.put(f"/__sandbox__/backups/{transfer['uuid']}/fault", json={"truncate_at": 4096})
    assert resp.status_code == 200
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    dest = out_dir / "cut.dump"
    r = hk.cli("pg", "backups", "download", "b001", "-a", APP, "-o", str(dest))
    assert r.code == 1
    assert "incomplete" in r.err or "interrupted" in r.err
    assert not dest.exists()
    assert list(out_dir.iterdir()) == []  # no temporary file left either

    # the fault was one-shot: the next download is whole
    r = hk.cli("pg", "backups", "download", "b001", "-a", APP, "-o", str(dest))
    assert r.code == 0, r.err
    assert dest.stat().st_size == transfer["processed_bytes"]


def test_url_is_a_read_and_its_token_is_required(hk):
    r = hk.cli("pg", "backups", "url", "-a", APP)  # readonly: a POST that only reads
    assert r.code == 0, r.err
    url = r.out.strip()
    assert url.startswith(hk.sandbox.storage_url + "/xfrtu/") and "X-Amz-Signature=" in url  # S3's form
    with _http(hk) as http:
        assert http.get(url).status_code == 200
        assert http.get(url.split("?")[0]).status_code == 403


def test_no_database_and_bad_backup_names(hk):
    from hkctl.sandbox.backend.apps import create_app
    from hkctl.sandbox.seed import DEMO_EMAIL

    sb = hk.sandbox
    with sb.store.tx():
        create_app(sb, owner=sb.store.first("account", email=DEMO_EMAIL), name="no-db-app")
    r = hk.cli("pg", "info", "-a", "no-db-app")
    assert r.code == 1 and "no heroku-postgresql" in r.err
    r = hk.cli("pg", "backups", "url", "x9", "-a", APP)
    assert r.code == 2
