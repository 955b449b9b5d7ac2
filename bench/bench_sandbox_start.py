"""Starting a sandbox as the pytest fixture does: seed the demo scenario, serve it on a free loopback port.

`warm`: `hkctl.sandbox.harness.start("demo")` until it accepts connections, then `.stop()`, in a process
that has already imported the sandbox (every fixture after the first); median and worst of RUNS.
`cold`: a fresh interpreter that imports the plugin's harness and starts one (the first fixture of a
pytest run, without pytest's own start-up); median of COLD_RUNS. `two at once`: two sandboxes started
together (separate ports and state), as two tests in parallel or a session plus a function fixture.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

RUNS = 10
COLD_RUNS = 3
_COLD = """
import time
t = time.perf_counter()
from hkctl.sandbox.harness import start
sb = start("demo")
print(time.perf_counter() - t)
sb.stop()
"""


def _warm() -> list[float]:
    from hkctl.sandbox.harness import start

    start("empty").stop()  # imports and first-use costs belong to `cold`
    out = []
    for _ in range(RUNS):
        t = time.perf_counter()
        sb = start("demo")
        out.append(time.perf_counter() - t)
        sb.stop()
    return out


def _cold() -> list[float]:
    out = []
    for _ in range(COLD_RUNS):
        done = subprocess.run([sys.executable, "-c", _COLD], capture_output=True, text=True, check=True)
        out.append(float(done.stdout.strip()))
    return out


def _two() -> float:
    from hkctl.sandbox.harness import start

    t = time.perf_counter()
    a, b = start("demo"), start("demo")
    took = time.perf_counter() - t
    assert a.url != b.url
    a.stop()
    b.stop()
    return took


def run() -> list[dict[str, object]]:
    warm, cold = _warm(), _cold()
    return [
        {
            "measure": "fixture start, warm (median)",
            "value": f"{statistics.median(warm) * 1000:.0f} ms",
            "note": f"worst {max(warm) * 1000:.0f} ms of {RUNS}; target < 1 s",
        },
        {
            "measure": "fixture start, cold (median)",
            "value": f"{statistics.median(cold) * 1000:.0f} ms",
            "note": f"fresh interpreter: imports + seed + serve; {COLD_RUNS} runs",
        },
        {"measure": "two sandboxes at once", "value": f"{_two() * 1000:.0f} ms", "note": "separate ports"},
    ]
