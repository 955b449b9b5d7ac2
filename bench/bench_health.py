"""Health dashboard: `hkctl health` vs the spec's health.sh (curl + jq, sequential), 100 ms per request.

Both run against the same loopback sandbox with 100 ms of injected latency on every API answer.
The spec's script names its app `my-app-<env>`, so the demo's staging app is renamed
`my-app-staging` first; the script is otherwise the spec's, pointed at the sandbox by its base URL.
Figures are medians of several runs, each in a fresh process (as a person runs them); the library
call (`health.check_app` in this process, no interpreter start) is shown too. Aim: hkctl at most
0.3 × the script's wall time.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench._env import hkctl_env

RUNS = 7
LATENCY_MS = 100
AIM_RATIO = 0.3
APP = "my-app-staging"
SCRIPT = Path(__file__).with_name("health.sh")


def _hkctl() -> str:
    here = Path(sys.executable).parent / "hkctl"
    return str(here) if here.exists() else "hkctl"


def _median(fn: object, runs: int = RUNS) -> float:
    assert callable(fn)
    fn()  # warm caches (.pyc, OS file cache, the sandbox's first-request paths)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _prepare(url: str, env: dict[str, str]) -> None:
    """Rename demo-staging to the script's app name, through the API (so every record follows)."""
    from hkctl.config import Settings
    from hkctl.resources import apps
    from hkctl.transport.client import HerokuClient

    settings = Settings.from_env(
        {**env, "HEROKU_PERMISSION": "full", "HEROKU_NONINTERACTIVE_WRITES": "i-accept-the-risk"}
    )
    with HerokuClient(settings, stderr=lambda _m: None) as client:
        apps.rename(client, "demo-staging", APP)


def run() -> list[dict[str, object]]:
    from hkctl.config import Settings
    from hkctl.sandbox.server import build_sandbox, start_in_thread
    from hkctl.transport.client import HerokuClient
    from hkctl.workflows import health

    running = start_in_thread(build_sandbox())
    rows: list[dict[str, object]] = []
    try:
        with tempfile.TemporaryDirectory() as home:
            env = hkctl_env(running.url, home)
            _prepare(running.url, env)
            running.sandbox.faults.configure(latency_ms=LATENCY_MS)

            exe = _hkctl()

            def cli() -> None:
                # exit 1 (unhealthy) is a valid answer here; anything else is a failure
                done = subprocess.run([exe, "health", APP], env=env, capture_output=True)
                if done.returncode not in (0, 1):
                    raise RuntimeError(done.stderr.decode())

            def library() -> None:
                with HerokuClient(Settings.from_env(env), stderr=lambda _m: None) as client:
                    health.check_app(client, APP)

            t_cli = _median(cli)
            t_lib = _median(library)
            rows.append(
                {
                    "measure": f"hkctl health (s, median of {RUNS})",
                    "value": round(t_cli, 3),
                    "note": f"{LATENCY_MS} ms per request",
                }
            )
            rows.append(
                {
                    "measure": "health.check_app in process (s)",
                    "value": round(t_lib, 3),
                    "note": "no interpreter start",
                }
            )
            if not (shutil.which("curl") and shutil.which("jq") and shutil.which("bash")):
                rows.append(
                    {
                        "measure": "health.sh",
                        "value": "skipped",
                        "note": "curl, jq or bash missing (not installed by the bench)",
                    }
                )
                return rows
            script_env = {**env, "HEROKU_API_URL": running.url}

            def script() -> None:
                subprocess.run(
                    ["bash", str(SCRIPT), "staging"], env=script_env, capture_output=True, check=True
                )

            t_sh = _median(script)
            ratio = t_cli / t_sh
            rows.append(
                {
                    "measure": f"spec health.sh (s, median of {RUNS})",
                    "value": round(t_sh, 3),
                    "note": "curl + jq, 6 sequential requests",
                }
            )
            rows.append(
                {
                    "measure": "health.check_app / health.sh",
                    "value": round(t_lib / t_sh, 2),
                    "note": "the dashboard's own cost, without interpreter start and imports",
                }
            )
            rows.append(
                {
                    "measure": "hkctl / health.sh",
                    "value": round(ratio, 2),
                    "note": f"aim ≤ {AIM_RATIO}: {'ok' if ratio <= AIM_RATIO else 'over'}",
                }
            )
    finally:
        running.stop()
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
