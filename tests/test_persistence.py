"""`hkctl sandbox serve --db FILE`: state survives restarts and `kill -9`; concurrent writers never corrupt it.

The server runs as a real subprocess (`python -m hkctl sandbox serve`), so a kill is a real kill.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from hkctl.sandbox.seed import SANDBOX_TOKEN
from hkctl.sandbox.server import free_port

HEADERS = {"Authorization": f"Bearer {SANDBOX_TOKEN}", "Accept": "application/vnd.heroku+json; version=3"}
CONFIG = "/apps/demo-staging/config-vars"


class Served:
    """One `hkctl sandbox serve` subprocess on a loopback port."""

    def __init__(self, db: Path | None, *extra: str) -> None:
        self.db, self.port = db, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "hkctl",
                "sandbox",
                "serve",
                *(["--db", str(db)] if db else []),
                "--port",
                str(self.port),
                "--instant",
                *extra,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(f"{self.url}/account", headers=HEADERS, timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                err = self.proc.stderr.read().decode() if self.proc.stderr else ""
                raise RuntimeError(f"sandbox serve did not start: {err[-500:]}")
            time.sleep(0.05)

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers=HEADERS, timeout=10)

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, sig)
        self.proc.wait(timeout=20)
        if self.proc.stderr:
            self.proc.stderr.close()


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "sandbox.db"


def releases(c: httpx.Client) -> list[dict]:
    return c.get("/apps/demo-staging/releases", headers={"Range": "version ..; max=1000"}).json()


def test_state_survives_a_restart(db):
    first = Served(db)
    try:
        c = first.client()
        assert c.patch(CONFIG, json={"KEPT": "yes"}).status_code == 200
        assert c.post("/apps", json={"name": "kept-app"}).status_code == 201
    finally:
        first.stop()
    second = Served(db)
    try:
        c = second.client()
        assert c.get(CONFIG).json()["KEPT"] == "yes"
        assert c.get("/apps/kept-app").status_code == 200
        assert sorted(a["name"] for a in c.get("/apps").json()) == [
            "demo-production",
            "demo-staging",
            "kept-app",
        ]
    finally:
        second.stop()


def test_kill_9_during_a_burst_keeps_every_acknowledged_write_whole(db):
    served = Served(db)
    acked: list[str] = []
    stop = threading.Event()

    def writer(n: int) -> None:
        with served.client() as c:
            i = 0
            while not stop.is_set():
                key = f"K{n}_{i}"
                try:
                    if c.patch(CONFIG, json={key: "v"}).status_code == 200:
                        acked.append(key)
                except httpx.TransportError:
                    return
                i += 1

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 20
    while len(acked) < 60 and time.monotonic() < deadline:
        time.sleep(0.01)
    served.stop(signal.SIGKILL)  # mid-burst: requests are in flight
    stop.set()
    for t in threads:
        t.join(timeout=10)
    assert len(acked) >= 60

    again = Served(db)
    try:
        c = again.client()
        config = c.get(CONFIG).json()
        missing = [k for k in acked if k not in config]
        assert not missing, f"acknowledged writes lost: {missing[:5]}"
        # No half-applied change: every key in the config came with its release, and no release without it.
        keys = {k for k in config if k.startswith("K")}
        described = {
            r["description"].removeprefix("Set ").removesuffix(" config vars")
            for r in releases(c)
            if r["description"].startswith("Set K")
        }
        assert keys == described
        versions = [r["version"] for r in releases(c)]
        assert versions == list(range(1, len(versions) + 1))
    finally:
        again.stop()


def test_concurrent_writers_never_corrupt_state(db):
    served = Served(db)
    per_thread, threads_n = 25, 4
    errors: list[str] = []

    def writer(n: int) -> None:
        with served.client() as c:
            for i in range(per_thread):
                answer = c.patch(CONFIG, json={f"C{n}_{i}": str(i)})
                if answer.status_code != 200:
                    errors.append(f"{answer.status_code} {answer.text[:100]}")

    try:
        before = len(releases(served.client()))
        threads = [threading.Thread(target=writer, args=(n,)) for n in range(threads_n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert not errors
        c = served.client()
        config = c.get(CONFIG).json()
        assert sum(1 for k in config if k.startswith("C")) == per_thread * threads_n
        rows = releases(c)
        versions = [r["version"] for r in rows]
        assert len(rows) == before + per_thread * threads_n
        assert versions == sorted(set(versions)) == list(range(1, len(rows) + 1))
        assert sum(1 for r in rows if r["current"]) == 1 and rows[-1]["current"]
    finally:
        served.stop()
