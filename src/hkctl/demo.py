"""`make demo`: start the sandbox with the demo pipeline and run the main job against it, no account needed.

Each step is a real hkctl command line, printed before it runs, so the demo doubles as a tour.
"""

from __future__ import annotations

import functools
import os
import sys

from hkctl.cli.main import run
from hkctl.iostreams import IOStreams
from hkctl.sandbox.seed import SANDBOX_TOKEN
from hkctl.sandbox.server import build_sandbox, start_in_thread
from hkctl.session import Env

STEPS: list[list[str]] = [
    ["doctor"],
    ["apps", "list"],
    ["apps", "info", "-a", "demo-production"],
    ["config", "show", "-a", "demo-production"],
    ["cost", "--pipeline", "demo"],
    # exit 1 when a check fails: the demo's production app has a story to find, so it is not an error here
    ["health", "--pipeline", "demo"],
    # the log story: a slow report endpoint with H12s, web.2 near its memory quota, an N+1
    ["logs", "triage", "-a", "demo-production", "--top", "5"],
    # the same story drawn: one self-contained HTML page (health, findings, charts with the releases)
    ["report", "demo-production", "-o", "demo-report.html"],
]


def main() -> int:
    running = start_in_thread(build_sandbox(durations={}))
    env = {
        **os.environ,
        "HEROKU_API_KEY": SANDBOX_TOKEN,
        "HKCTL_API_URL": running.url,
        "HKCTL_DATA_API_URL": running.url,
        "HKCTL_SANDBOX_STORAGE_URL": running.storage_url or "",
        "HEROKU_PERMISSION": "readonly",
    }
    io = IOStreams.system()
    show = functools.partial(print, file=io.out, flush=True)
    show(f"# sandbox running on {running.url} (readonly mode; token is the sandbox's own)\n")
    worst = 0
    try:
        for step in STEPS:
            show(f"$ hkctl {' '.join(step)}")
            code = run(step, Env(env=env, io=io))
            show()
            worst = max(worst, code if step[0] not in ("health",) else 0)
    finally:
        running.stop()
    if os.path.exists("demo-report.html"):
        show(f"# open the report: {os.path.abspath('demo-report.html')}")
    return worst


if __name__ == "__main__":
    sys.exit(main())
