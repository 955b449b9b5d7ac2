"""Cold start: wall time of `hkctl --help` and `hkctl apps list --json` against a loopback sandbox.

Each figure is the median of several runs of the installed console script in a fresh process, as a
person or an agent would run it; the sandbox runs in this process on a loopback port.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench._env import hkctl_env

RUNS = 9
AIM_S = 0.25


def _hkctl() -> str:
    """The console script next to this interpreter (the project's .venv), else `hkctl` on PATH."""
    here = Path(sys.executable).parent / "hkctl"
    return str(here) if here.exists() else "hkctl"


def _walls(argv: list[str], env: dict[str, str], runs: int = RUNS) -> list[float]:
    subprocess.run(argv, env=env, capture_output=True, check=True)  # warm the OS file cache and .pyc files
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(argv, env=env, capture_output=True, check=True)
        times.append(time.perf_counter() - t0)
    return times


def run() -> list[dict[str, object]]:
    from hkctl.sandbox.server import build_sandbox, start_in_thread

    running = start_in_thread(build_sandbox())
    try:
        with tempfile.TemporaryDirectory() as home:
            env = hkctl_env(running.url, home)
            exe = _hkctl()
            rows = []
            for label, argv in (
                ("hkctl --help", [exe, "--help"]),
                ("hkctl apps list --json", [exe, "apps", "list", "--json"]),
            ):
                times = _walls(argv, env)
                value = statistics.median(times)
                verdict = "ok" if value < AIM_S else "over"
                rows.append(
                    {
                        "measure": f"{label} (s, median of {RUNS})",
                        "value": round(value, 3),
                        "note": f"aim < {AIM_S} s: {verdict}; min {min(times):.3f}, max {max(times):.3f}",
                    }
                )
            return rows
    finally:
        running.stop()
