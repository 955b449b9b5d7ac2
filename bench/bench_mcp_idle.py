"""MCP idle cost: CPU time an initialised `hkctl mcp` server uses over 5 s of doing nothing.

The server is started as an agent's client starts it (stdio), initialised and asked for its tool
list, then left alone; its CPU time (utime + stime from /proc/<pid>/stat, Linux) is read before
and after the idle window. An idle server should use no measurable CPU: no polling, no timers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO, Any

IDLE_S = 5.0
AIM_MS = 10.0


def _hkctl() -> str:
    here = Path(sys.executable).parent / "hkctl"
    return str(here) if here.exists() else "hkctl"


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process, in seconds (fields 14 and 15 of /proc/<pid>/stat)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat.rsplit(")", 1)[1].split()  # the command name may contain spaces
    ticks = int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def _send(stdin: IO[str], message: dict[str, Any]) -> None:
    stdin.write(json.dumps(message) + "\n")
    stdin.flush()


def _answer(stdout: IO[str], want_id: int) -> dict[str, Any]:
    while True:
        line = stdout.readline()
        if not line:
            raise RuntimeError("hkctl mcp exited")
        msg = json.loads(line)
        if msg.get("id") == want_id:
            return dict(msg)


def measure(idle_s: float = IDLE_S) -> tuple[float, float, int]:
    """(CPU seconds during the idle window, CPU seconds used to start and answer, tool count)."""
    with tempfile.TemporaryDirectory() as home:
        env = {"PATH": os.environ.get("PATH", ""), "HOME": home, "HEROKU_API_KEY": "unused-while-idle"}
        proc = subprocess.Popen(
            [_hkctl(), "mcp"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        assert proc.stdin is not None and proc.stdout is not None
        try:
            _send(
                proc.stdin,
                {
                    "jsonrpc": "2.0",
                    "id": 1,
                    "method": "initialize",
                    "params": {
                        "protocolVersion": "2025-11-25",
                        "capabilities": {},
                        "clientInfo": {"name": "bench", "version": "0"},
                    },
                },
            )
            _answer(proc.stdout, 1)
            _send(proc.stdin, {"jsonrpc": "2.0", "method": "notifications/initialized"})
            _send(proc.stdin, {"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": {}})
            tools = len(_answer(proc.stdout, 2)["result"]["tools"])
            busy = cpu_seconds(proc.pid)
            time.sleep(idle_s)
            idle = cpu_seconds(proc.pid) - busy
            return idle, busy, tools
        finally:
            proc.stdin.close()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()


def run() -> list[dict[str, object]]:
    idle, busy, tools = measure()
    ms = idle * 1000
    tick_ms = 1000 / os.sysconf("SC_CLK_TCK")
    return [
        {
            "measure": f"idle CPU over {IDLE_S:.0f} s (ms, utime+stime)",
            "value": round(ms, 1),
            "note": f"resolution {tick_ms:.0f} ms; aim < {AIM_MS:.0f} ms: {'ok' if ms < AIM_MS else 'over'}",
        },
        {
            "measure": "CPU to start, initialise and list tools (ms)",
            "value": round(busy * 1000, 1),
            "note": f"{tools} tools",
        },
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
