"""Readonly (the default) blocks every write of the add-ons, domains, certs, access and token commands,
with the spec's message and nothing sent."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from hkctl.guard.policy import READONLY_MESSAGE
from tests.support import Harness

pytestmark = pytest.mark.core
AUTH_ID = "01234567-89ab-cdef-0123-456789abcdef"

WRITES = [
    ("addons", "create", "heroku-redis:mini", "-a", "demo-staging"),
    ("addons", "upgrade", "DATABASE", "heroku-postgresql:essential-1", "-a", "demo-staging"),
    ("addons", "destroy", "DATABASE", "-a", "demo-staging", "--confirm", "demo-staging"),
    ("domains", "add", "www.example.com", "-a", "demo-staging"),
    ("domains", "remove", "www.demo-shop.example", "-a", "demo-production"),
    ("certs", "add", "--chain", "{cert}", "--key", "{key}", "-a", "demo-production"),
    ("certs", "remove", "tokyo-12345", "-a", "demo-production"),
    ("access", "add", "bob@demo-shop.example", "-a", "demo-staging"),
    ("access", "remove", "alice@demo-shop.example", "-a", "demo-production"),
    ("auth", "tokens", "create", "--scope", "read", "--description", "x"),
    ("auth", "tokens", "revoke", AUTH_ID, "--confirm", AUTH_ID),
]


@pytest.mark.parametrize("argv", WRITES, ids=[" ".join(w[:2]) for w in WRITES])
def test_readonly_blocks_the_write_and_sends_nothing(
    hk: Harness, tmp_path: Path, argv: tuple[str, ...]
) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    if "certs" in argv and "add" in argv:
        if shutil.which("openssl") is None:
            pytest.skip("openssl binary not available")
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
             "-days", "1", "-subj", "/CN=www.demo-shop.example"],
            check=True, capture_output=True,
        )  # fmt: skip
    argv = tuple(a.format(cert=cert, key=key) for a in argv)
    r = hk.cli(*argv)  # hk.env(): HEROKU_PERMISSION unset → readonly
    assert r.code == 3, r.err
    assert READONLY_MESSAGE in r.err
    assert hk.writes_received() == []
