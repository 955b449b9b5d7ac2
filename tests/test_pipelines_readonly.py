"""Readonly blocks every write of the delivery commands (pipelines, review apps, webhooks, pg, drains)."""

from __future__ import annotations

import json
import uuid

import pytest

pytestmark = pytest.mark.core
SOURCE = "https://github.com/hkctl/demo/archive/main.tar.gz"
ANY_ID = str(uuid.uuid4())


def _review_app(hk) -> str:
    """A review app made in full mode, so that destroying it is a real write to refuse."""
    assert hk.cli("review-apps", "config", "-p", "demo", "--repo", "hkctl/demo", env=hk.full_env()).code == 0
    r = hk.cli(
        "review-apps", "create", "-p", "demo", "-b", "x", "--source-url", SOURCE, "--json", env=hk.full_env()
    )
    return json.loads(r.out)["id"]


WRITES = {
    "pipelines create": ["pipelines", "create", "another"],
    "pipelines add": ["pipelines", "add", "demo-staging", "--pipeline", "demo", "--stage", "development"],
    "pipelines remove": ["pipelines", "remove", "demo-staging"],
    "pipelines promote": ["pipelines", "promote", "--pipeline", "demo"],
    "review-apps config": ["review-apps", "config", "-p", "demo", "--repo", "hkctl/demo", "--automatic"],
    "review-apps create": ["review-apps", "create", "-p", "demo", "-b", "x", "--source-url", SOURCE],
    "review-apps destroy": ["review-apps", "destroy", "{review_app}"],
    "webhooks add": [
        "webhooks",
        "add",
        "-a",
        "demo-staging",
        "--url",
        "http://127.0.0.1:9/h",
        "-i",
        "api:release",
    ],
    "webhooks remove": ["webhooks", "remove", ANY_ID, "-a", "demo-staging"],
    "pg backups capture": ["pg", "backups", "capture", "-a", "demo-production", "--wait"],
    "drains add": ["drains", "add", "syslog://logs.example.com:514", "-a", "demo-staging"],
    "drains remove": ["drains", "remove", ANY_ID, "-a", "demo-staging"],
}


@pytest.mark.parametrize("name", list(WRITES))
def test_readonly_blocks_the_write_and_sends_nothing(hk, name):
    argv = list(WRITES[name])
    if "{review_app}" in argv:
        argv[argv.index("{review_app}")] = _review_app(hk)
    before = len(hk.writes_received())
    r = hk.cli(*argv)  # readonly: the default
    assert r.code == 3, (r.out, r.err)
    assert "readonly" in r.err
    assert len(hk.writes_received()) == before
