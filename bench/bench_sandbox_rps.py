"""Sandbox throughput: requests per second for GET /apps/{app} and PATCH /apps/{app}/config-vars.

Against `hkctl sandbox serve` in a subprocess on loopback (memory store, then an SQLite file with WAL),
driven by a few client threads with keep-alive connections, a fixed number of requests each. Every
answer must be a 200; the figure is completed requests / wall time. Useful to size load tests of
user scripts against the sandbox.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

THREADS = 4
REQUESTS_PER_THREAD = 250
WARMUP = 20


def _headers() -> dict[str, str]:
    from hkctl.sandbox.seed import SANDBOX_TOKEN

    return {"Authorization": f"Bearer {SANDBOX_TOKEN}", "Accept": "application/vnd.heroku+json; version=3"}


def _serve(db: str | None) -> tuple[subprocess.Popen[bytes], str]:
    from hkctl.sandbox.server import free_port

    port = free_port()
    argv = [sys.executable, "-m", "hkctl", "sandbox", "serve", "--port", str(port), "--instant"]
    if db:
        argv += ["--db", db]
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/account", headers=_headers(), timeout=1).status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("sandbox serve did not start")


def _rps(url: str, method: str, path: str, body_for: object) -> float:
    failures: list[int] = []

    def worker(n: int) -> None:
        with httpx.Client(base_url=url, headers=_headers(), timeout=30) as c:
            for i in range(REQUESTS_PER_THREAD):
                body = body_for(n, i) if callable(body_for) else None
                status = c.request(method, path, json=body).status_code
                if status != 200:
                    failures.append(status)

    with httpx.Client(base_url=url, headers=_headers()) as c:  # warm up imports and caches
        for _ in range(WARMUP):
            c.get("/apps/demo-staging")
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    if failures:
        raise RuntimeError(f"{len(failures)} non-200 answers, e.g. {failures[:5]}")
    return THREADS * REQUESTS_PER_THREAD / elapsed


def run() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for store, db in (("memory", None), ("sqlite-wal", str(Path(tmp) / "bench.db"))):
            proc, url = _serve(db)
            try:
                get = _rps(url, "GET", "/apps/demo-staging", None)
                patch = _rps(url, "PATCH", "/apps/demo-staging/config-vars", lambda n, i: {f"B{n}": str(i)})
            finally:
                proc.terminate()
                proc.wait(timeout=10)
            note = f"{THREADS} threads x {REQUESTS_PER_THREAD}, keep-alive, {store} store"
            rows.append({"measure": f"GET /apps/{{app}} rps ({store})", "value": round(get), "note": note})
            rows.append(
                {
                    "measure": f"PATCH /apps/{{app}}/config-vars rps ({store})",
                    "value": round(patch),
                    "note": note,
                }
            )
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
