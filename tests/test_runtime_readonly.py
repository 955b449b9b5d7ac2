"""Readonly (the default) blocks every runtime write (ps, run, releases, builds) with nothing sent."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.core

APP = "demo-staging"

WRITES = [
    ["ps", "scale", "web=2:standard-1x", "worker=1"],
    ["ps", "scale", "worker=0"],
    ["ps", "restart"],
    ["ps", "restart", "web"],
    ["ps", "restart", "web.1"],
    ["ps", "stop", "web"],
    ["ps", "stop", "web.1"],
    ["run", "-a", APP, "rake db:migrate"],  # run's options go before its command line
    ["run", "-a", APP, "--wait", "rake db:migrate"],
    ["releases", "rollback", "v3"],
    ["builds", "create", "--source-url", "https://example.com/app.tar.gz", "--version", "abc1234"],
    ["builds", "create", "--dir", "{dir}"],
]


@pytest.mark.parametrize("argv", WRITES, ids=[" ".join(a) for a in WRITES])
def test_readonly_blocks_write_and_sends_nothing(hk, tmp_path, argv):
    (tmp_path / "requirements.txt").write_text("flask\n")
    argv = [a.replace("{dir}", str(tmp_path)) for a in argv]
    before = len(hk.sandbox.store.all("release"))
    result = hk.cli(*argv) if argv[0] == "run" else hk.cli(*argv, "-a", APP)
    assert result.code == 3, result.text
    assert "readonly" in result.err
    assert hk.writes_received() == []
    assert len(hk.sandbox.store.all("release")) == before
