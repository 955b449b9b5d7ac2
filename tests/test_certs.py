"""hkctl certs against the sandbox: add from PEM files, list, remove; the private key never shows."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support import Harness

pytestmark = pytest.mark.core


@pytest.fixture
def pem(tmp_path: Path) -> tuple[Path, Path]:
    """A throwaway self-signed certificate and key for www.demo-shop.example (made here, never shipped)."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl binary not available")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "90", "-subj", "/CN=www.demo-shop.example",
         "-addext", "subjectAltName=DNS:www.demo-shop.example,DNS:demo-shop.example"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def _key_body(key: Path) -> list[str]:
    return [line for line in key.read_text().splitlines() if line and "-----" not in line]


def test_add_list_remove(hk: Harness, pem: tuple[Path, Path], tmp_path: Path) -> None:
    cert, key = pem
    audit = tmp_path / "audit.jsonl"
    r = hk.cli(
        "certs", "add", "--chain", str(cert), "--key", str(key), "-a", "demo-production",
        "--audit-log", str(audit), env=hk.full_env(),
    )  # fmt: skip
    assert r.code == 0, r.err
    name = r.out.strip()
    stored = hk.sandbox.store.first("sni-endpoint", name=name)
    assert stored["ssl_cert"]["cert_domains"] == ["www.demo-shop.example", "demo-shop.example"]
    assert stored["ssl_cert"]["self_signed?"] is True
    domain = hk.sandbox.store.first("domain", hostname="www.demo-shop.example")
    assert stored["domains"] == [domain["id"]]
    # The key is nowhere: not printed, not in the prompt, not in the audit log, not stored.
    lines = _key_body(key)
    shown = r.out + r.err + (audit.read_text() if audit.exists() else "") + json.dumps(stored)
    assert not [line for line in lines if line in shown]
    assert "PRIVATE KEY" not in json.dumps(stored)
    listed = hk.cli("certs", "list", "-a", "demo-production", "--json")
    assert [c["name"] for c in json.loads(listed.out)] == [name]
    assert "PRIVATE KEY" not in listed.out
    r = hk.cli("certs", "remove", name, "-a", "demo-production", env=hk.full_env())
    assert r.code == 0, r.err
    assert hk.sandbox.store.all("sni-endpoint") == []


def test_dry_run_shows_no_key(hk: Harness, pem: tuple[Path, Path]) -> None:
    cert, key = pem
    r = hk.cli("certs", "add", "--chain", str(cert), "--key", str(key), "-a", "demo-production", "--dry-run")
    assert r.code == 0, r.err
    assert "curl" in r.out and not [line for line in _key_body(key) if line in r.out + r.err]
    assert hk.writes_received() == []


def test_unreadable_or_swapped_files_exit_2_and_send_nothing(
    hk: Harness, pem: tuple[Path, Path], tmp_path: Path
) -> None:
    cert, key = pem
    for chain_file, key_file in ((tmp_path / "missing.pem", key), (key, key), (cert, cert)):
        r = hk.cli(
            "certs",
            "add",
            "--chain",
            str(chain_file),
            "--key",
            str(key_file),
            "-a",
            "demo-production",
            env=hk.full_env(),
        )
        assert r.code == 2, r.err
        assert not [line for line in _key_body(key) if line in r.out + r.err]
    assert hk.received() == []


def test_removing_an_unknown_certificate_is_a_404(hk: Harness) -> None:
    r = hk.cli("certs", "remove", "tokyo-00000", "-a", "demo-production", env=hk.full_env())
    assert r.code == 1 and "404" in r.err


def test_the_plan_shows_the_public_chain_and_hides_the_key(hk: Harness, pem: tuple[Path, Path]) -> None:
    cert, key = pem
    seen: list[str] = []

    def person(plan: str, question: str) -> str:
        seen.append(plan)
        return "no"

    r = hk.cli(
        "certs", "add", "--chain", str(cert), "--key", str(key), "-a", "demo-production",
        env=hk.env(HEROKU_PERMISSION="full"), confirmer=person,
    )  # fmt: skip
    assert r.code == 3
    assert "-----BEGIN CERTIFICATE-----" in seen[0] and '"private_key": "[REDACTED]"' in seen[0]
    # the key and the certificate both hold the public modulus: a base64 line of it can be the same
    # in both files (when its offsets agree modulo 48 bytes), and the certificate is rightly shown
    public = cert.read_text()
    assert not [line for line in _key_body(key) if line in seen[0] and line not in public]


def test_a_missing_file_is_named_in_plain_words(hk: Harness, pem: tuple[Path, Path], tmp_path: Path) -> None:
    cert, key = pem
    r = hk.cli(
        "certs", "add", "--chain", str(tmp_path / "nope.pem"), "--key", str(key), "-a", "demo-production"
    )
    assert r.code == 2 and f"no such file: {tmp_path / 'nope.pem'}" in r.err and "Error" not in r.err
