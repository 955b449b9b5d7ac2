"""Fleet: `hkctl fleet health` over the 300-app scenario vs a shell loop of `hkctl health APP`, 100 ms per request.

One loopback sandbox seeded with the `fleet` scenario, 100 ms of injected latency on every API
answer (the log stream, not an API request, has none). Each command runs as a person runs it (a
fresh `hkctl` process). `fleet health` sends an app's five reads together (log session first), with
8 apps in flight by default: about 300 / 8 rounds of one round trip. The loop is measured on a
sample of SAMPLE apps, one after another, and extrapolated to the 300 (said so in the row): run
whole, it would take minutes. Requests and 429s are counted by the sandbox itself. The CPU seconds
of the sandbox (this process: asyncio, handlers on its thread pool) and of the `hkctl` process are
shown beside the wall time: when their sum nears 2 × wall on this 2-core machine, CPU, not the
latency, is the bound. Aims: fleet health at least 10× faster than the loop, no 429, and at most 3
requests per app for `fleet list` and `fleet find` on fields the list endpoint carries.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench._env import hkctl_env

LATENCY_MS = 100
SAMPLE = 12
WIDER = (16, 32)  # --concurrency values measured beside the default 8
AIM_SPEEDUP = 10.0
AIM_PER_APP = 3.0


def _hkctl() -> str:
    here = Path(sys.executable).parent / "hkctl"
    return str(here) if here.exists() else "hkctl"


def _api(sb: Any, since: int) -> list[dict[str, Any]]:
    return [r for r in list(sb.requests)[since:] if not r["path"].startswith("/__sandbox__/")]


def _cpu() -> tuple[float, float]:
    """(CPU seconds of this process: the sandbox, CPU seconds of the finished `hkctl` processes)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


def _cpu_note(before: tuple[float, float]) -> str:
    after = _cpu()
    return f"CPU: sandbox {after[0] - before[0]:.1f} s, hkctl {after[1] - before[1]:.1f} s"


def _timed(argv: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess[bytes]]:
    t0 = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True)
    if done.returncode not in (0, 1):  # 1: some app is unhealthy, a valid answer
        raise RuntimeError(done.stderr.decode())
    return time.perf_counter() - t0, done


def run() -> list[dict[str, object]]:
    from hkctl.sandbox.server import build_sandbox, start_in_thread

    sb = build_sandbox(scenario="fleet")
    sb.requests = __import__("collections").deque(maxlen=100_000)  # keep every request of the bench
    running = start_in_thread(sb)
    rows: list[dict[str, object]] = []
    try:
        with tempfile.TemporaryDirectory() as home:
            env = hkctl_env(running.url, home)
            sb.faults.configure(latency_ms=LATENCY_MS)
            exe = _hkctl()
            apps = sorted(a["name"] for a in sb.store.all("app"))

            rows.append(
                {
                    "measure": "load average (1 min) before the runs",
                    "value": round(os.getloadavg()[0], 2),
                    "note": "2-core machine: above ~1, other work shares it",
                }
            )
            mark, cpu = len(sb.requests), _cpu()
            t_fleet, _ = _timed([exe, "fleet", "health", "--budget", "5000"], env)
            sent = _api(sb, mark)
            throttled = sum(1 for r in sent if r.get("status") == 429)
            rows.append(
                {
                    "measure": "fleet health, 300 apps (s)",
                    "value": round(t_fleet, 1),
                    "note": f"{LATENCY_MS} ms per request, concurrency 8; {_cpu_note(cpu)}",
                }
            )
            rows.append(
                {
                    "measure": "fleet health requests",
                    "value": len(sent),
                    "note": f"{len(sent) / len(apps):.2f} per app",
                }
            )
            rows.append({"measure": "fleet health 429s", "value": throttled, "note": "must be 0"})

            for width in WIDER:
                sb.ratelimits.reset()
                mark, cpu = len(sb.requests), _cpu()
                argv = [exe, "fleet", "health", "--budget", "5000", "--concurrency", str(width)]
                t_wide, _ = _timed(argv, env)
                wide = _api(sb, mark)
                rows.append(
                    {
                        "measure": f"fleet health --concurrency {width} (s)",
                        "value": round(t_wide, 1),
                        "note": f"{sum(1 for r in wide if r.get('status') == 429)} × 429; {_cpu_note(cpu)}",
                    }
                )

            sb.ratelimits.reset()
            step = max(1, len(apps) // SAMPLE)
            sample = apps[::step][:SAMPLE]
            mark = len(sb.requests)
            t0 = time.perf_counter()
            for app in sample:
                _timed([exe, "health", app], env)
            t_sample = time.perf_counter() - t0
            loop_requests = len(_api(sb, mark)) / len(sample)
            t_loop = t_sample / len(sample) * len(apps)
            rows.append(
                {
                    "measure": "shell loop of `hkctl health APP` (s, extrapolated)",
                    "value": round(t_loop, 1),
                    "note": f"measured on {len(sample)} apps ({t_sample:.1f} s), × {len(apps)}/{len(sample)}; "
                    f"{loop_requests:.1f} requests per app",
                }
            )
            speedup = t_loop / t_fleet
            ok = "ok" if speedup >= AIM_SPEEDUP and throttled == 0 else "under"
            rows.append(
                {
                    "measure": "loop / fleet health",
                    "value": round(speedup, 1),
                    "note": f"aim ≥ {AIM_SPEEDUP:.0f}×: {ok}",
                }
            )

            for argv, label in (
                (["fleet", "list"], "fleet list"),
                (["fleet", "find", "--stack", "heroku-20"], "fleet find --stack"),
                (
                    ["fleet", "find", "--no-release-since", "90d", "--maintenance", "off"],
                    "fleet find --no-release-since",
                ),
            ):
                sb.ratelimits.reset()
                mark = len(sb.requests)
                t, _ = _timed([exe, *argv], env)
                per_app = len(_api(sb, mark)) / len(apps)
                verdict = "ok" if per_app <= AIM_PER_APP else "over"
                rows.append(
                    {
                        "measure": f"{label} requests per app",
                        "value": round(per_app, 3),
                        "note": f"{len(_api(sb, mark))} requests in {t:.1f} s; aim ≤ {AIM_PER_APP:.0f}: {verdict}",
                    }
                )
    finally:
        running.stop()
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
