"""Triage of a generated 1,000,000-line router log (~270 MB): wall time and peak RSS vs `grep -c` and GoAccess.

The log is generated once into bench/out/ (git-ignored), deterministically (seeded), with a few
percent of non-router lines (memory samples, R14, state changes, app errors of several stacks,
Postgres lines) and router lines of every shape (H10 with empty fields, H12, H27, H28, websocket
upgrades) so every path of the triage runs. Targets (issues 5 and 12): ≤ 3 s wall on 2 cores, ≤ 150 MB
peak RSS, 0 lines lost, and ≥ 90 % of the two-core speed while another process keeps one core busy.
GoAccess (Debian package `goaccess`) runs on the same file with a Heroku router log-format when it
is installed; it rejects router lines with an error code and every non-router line.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

OUT = Path(__file__).parent / "out"
LINES = 1_000_000
SEED = 20261128
VERSION = 2  # of the generator: a change regenerates the file
GOACCESS_FORMAT = (
    '%dT%t.%^ %^ at=%^ method=%m path="%U" host=%v request_id=%^ fwd="%h" dyno=%^ connect=%^ '
    "service=%Lms status=%s bytes=%b protocol=%^"
)
# Rare app and Postgres lines, one picked per slot (a traceback is several lines, as on Heroku).
_APP_LINES = [
    ["E, [{t} #4] ERROR -- : ActiveRecord::StatementInvalid (PG::QueryCanceled: canceling statement id={i})"],
    ["[{t} +0000] [4] [CRITICAL] WORKER TIMEOUT (pid:{i})"],
    [
        "Traceback (most recent call last):",
        '  File "/app/views.py", line 12, in checkout',
        "    total = order.total / count",
        "ZeroDivisionError: division by zero",
    ],
    ["Error: connect ECONNREFUSED 10.0.0.{n}:6379", "    at TCPConnectWrap.afterConnect (node:net:1494:16)"],
    ['level=error msg="payment failed" order_id={i} measure#payment.ms=120'],
    ["[DATABASE] [{i}-1]  sql_error_code = 00000 LOG:  duration: 1.{n} ms  statement: SELECT 1"],
    [
        '[DATABASE] [{i}-1]  sql_error_code = 23505 ERROR:  duplicate key value violates unique constraint "users_pkey"'
    ],
]

_PATHS = [
    ("GET", "/", 30),
    ("GET", "/api/v1/users/{n}", 120),
    ("GET", "/api/v1/orders/{n}", 60),
    ("POST", "/api/v1/orders", 180),
    ("GET", "/api/v1/reports/{n}", 2400),
    ("GET", "/assets/application-{hex}.js", 4),
    ("GET", "/assets/application-{hex}.css", 3),
    ("PATCH", "/api/v1/users/{n}/settings", 90),
    ("GET", "/search?q=term{n}", 350),
    ("DELETE", "/api/v1/sessions/{uuid}", 20),
    ("GET", "/health", 2),
]
_WEIGHTS = [14, 20, 12, 6, 4, 10, 8, 4, 8, 3, 11]


def _uuid(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"


def generate(path: Path, lines: int = LINES, seed: int = SEED) -> Path:
    """Write the deterministic bench log (skipped when it already exists with the right size marker)."""
    marker = path.with_suffix(".done")
    if path.exists() and marker.exists() and marker.read_text() == f"{lines}:{seed}:{VERSION}":
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    start = datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC).timestamp()
    host = "demo-production.herokuapp.com"
    choices = rng.choices(range(len(_PATHS)), weights=_WEIGHTS, k=lines)
    buf: list[str] = []
    routers = i = 0
    with path.open("w") as fh:
        while routers < lines:  # `lines` router lines, plus the others around them
            i += 1
            ts = start + i * 0.0036
            sec = int(ts)
            stamp = datetime.fromtimestamp(sec, UTC).strftime("%Y-%m-%dT%H:%M:%S")
            stamp = f"{stamp}.{int((ts - sec) * 1e6):06d}+00:00"
            r = rng.random()
            if r < 0.01:
                dyno = f"web.{1 + i % 3}"
                total = 300 + rng.random() * 260 if dyno != "web.2" else 470 + rng.random() * 70
                buf.append(
                    f"{stamp} heroku[{dyno}]: source={dyno} dyno=heroku.1234.{_uuid(rng)} "
                    f"sample#memory_total={total:.2f}MB sample#memory_rss={total * 0.95:.2f}MB "
                    f"sample#memory_cache=3.10MB sample#memory_swap={max(0.0, total - 512):.2f}MB "
                    f"sample#memory_pgpgin=348836pages sample#memory_pgpgout=343403pages "
                    f"sample#memory_quota=512.00MB\n"
                )
                if total > 512:
                    buf.append(f"{stamp} heroku[{dyno}]: Error R14 (Memory quota exceeded)\n")
                continue
            if r < 0.012:
                shape = _APP_LINES[i % len(_APP_LINES)]
                dyno = "postgres.1234" if shape[0].startswith("[DATABASE]") else f"web.{1 + i % 3}"
                for text in shape:
                    msg = text.format(t=stamp[:19], i=i, n=i % 250)
                    buf.append(f"{stamp} app[{dyno}]: {msg}\n")
                continue
            if r < 0.0122:
                buf.append(f"{stamp} heroku[web.{1 + i % 3}]: State changed from up to crashed\n")
                continue
            k = choices[i % lines]
            method, tpl, base_ms = _PATHS[k]
            p = tpl.format(n=rng.randint(1, 99999), hex=f"{rng.getrandbits(64):016x}", uuid=_uuid(rng))
            service = int(rng.lognormvariate(0, 0.6) * base_ms)
            status = 200
            head = "at=info"
            if rng.random() < 0.0003:  # the router answers itself: empty dyno/connect/service/bytes
                buf.append(
                    f'{stamp} heroku[router]: at=error code=H10 desc="App crashed" method={method} path="{p}" '
                    f'host={host} request_id={_uuid(rng)} fwd="192.0.2.{i % 250}" dyno= connect= service= '
                    "status=503 bytes= protocol=https\n"
                )
                routers += 1
                continue
            if rng.random() < 0.0002:
                service, status, head = 55000, 499, 'at=error code=H28 desc="Client Connection Idle"'
            elif rng.random() < 0.0002:
                p, service, status = "/cable", rng.randint(60000, 3600000), 101
            elif k == 4 and service > 30000 or rng.random() < 0.0004:
                service, status, head = 30001, 503, 'at=error code=H12 desc="Request timeout"'
            elif rng.random() < 0.004:
                status = rng.choice((404, 404, 401, 403, 422, 500, 302))
            elif rng.random() < 0.0005:
                service, status, head = (
                    0,
                    499,
                    'sock=client at=warning code=H27 desc="Client Request Interrupted"',
                )
            connect = 0 if rng.random() < 0.9 else rng.randint(1, 200)
            buf.append(
                f'{stamp} heroku[router]: {head} method={method} path="{p}" host={host} '
                f'request_id={_uuid(rng)} fwd="{rng.randint(1, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.'
                f'{rng.randint(1, 254)}" dyno=web.{1 + i % 3} connect={connect}ms service={service}ms '
                f"status={status} bytes={rng.randint(80, 40000)} protocol=https\n"
            )
            routers += 1
            if len(buf) >= 20000:
                fh.write("".join(buf))
                buf.clear()
        fh.write("".join(buf))
    marker.write_text(f"{lines}:{seed}:{VERSION}")
    return path


def _timed(cmd: list[str]) -> dict[str, object]:
    """Run cmd in a fresh process: wall seconds, CPU seconds and peak RSS (MB) of its largest process."""
    script = (
        "import resource,subprocess,sys,time,json;"
        "t=time.perf_counter();p=subprocess.run(sys.argv[1:],capture_output=True,text=True);"
        "w=time.perf_counter()-t;r=resource.getrusage(resource.RUSAGE_CHILDREN);"
        "print(json.dumps({'wall':w,'cpu':r.ru_utime+r.ru_stime,'rss':r.ru_maxrss/1024,"
        "'out':p.stdout,'rc':p.returncode,'err':p.stderr[-2000:]}))"
    )
    done = subprocess.run([sys.executable, "-c", script, *cmd], capture_output=True, text=True, check=True)
    res: dict[str, object] = json.loads(done.stdout)
    if res["rc"] not in (0, 1):
        raise RuntimeError(f"{cmd} failed: {res['err']}")
    return res


_BOTH = (
    "import resource,sys,time;from hkctl.logs import fast;"
    "t=time.perf_counter();fast.triage_file(sys.argv[1]);w=time.perf_counter()-t;"
    "a=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024;"
    "b=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024;"
    "print(f'{w:.2f} {a:.0f} {b:.0f}')"
)


def _best(cmd: list[str], n: int = 3) -> dict[str, object]:
    return min((_timed(cmd) for _ in range(n)), key=lambda r: float(r["wall"]))  # type: ignore[arg-type]


def _busy_core(own_session: bool) -> subprocess.Popen[bytes]:
    """Another process keeping one core busy (a pure-Python spin loop), stopped by the caller.

    own_session=True starts it in a new session, as another user's or terminal's work would be: with
    the kernel's autogroup scheduling (sched_autogroup_enabled=1) CPU time is shared per session
    first, so the triage's session then gets one core however many workers it runs."""
    return subprocess.Popen([sys.executable, "-c", "while True: pass"], start_new_session=own_session)


def _beside_busy_core(cmd: list[str], own_session: bool) -> dict[str, object]:
    hog = _busy_core(own_session)
    try:
        return _best(cmd)
    finally:
        hog.kill()
        hog.wait()


def _goaccess(log: Path) -> dict[str, object] | None:
    exe = shutil.which("goaccess")
    if exe is None:
        return None
    out = OUT / "goaccess.json"
    res = _timed(
        [
            exe,
            str(log),
            f"--log-format={GOACCESS_FORMAT}",
            "--date-format=%Y-%m-%d",
            "--time-format=%H:%M:%S",
            "--no-progress",
            "-o",
            str(out),
        ]
    )
    general = json.loads(out.read_text())["general"]
    version = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    return {**res, "general": general, "version": version.strip().removeprefix("GoAccess - ").rstrip(".")}


def run() -> list[dict[str, object]]:
    log = generate(OUT / "router-1m.log")
    size_mb = log.stat().st_size / 1e6
    total_lines = sum(1 for _ in log.open("rb"))
    router_lines = int(
        subprocess.run(["grep", "-c", "heroku\\[router\\]", str(log)], capture_output=True, text=True).stdout
    )
    load = os.getloadavg()[0]
    grep = _best(["grep", "-c", "status=5", str(log)])
    cli = [sys.executable, "-m", "hkctl", "logs", "triage", "--file", str(log), "--json"]
    best = _best(cli)
    report = json.loads(str(best["out"]))
    busy = _beside_busy_core(cli, own_session=False)
    busy_other = _beside_busy_core(cli, own_session=True)
    both = subprocess.run([sys.executable, "-c", _BOTH, str(log)], capture_output=True, text=True, check=True)
    _, parent_mb, child_mb = both.stdout.split()
    t = time.perf_counter()
    from hkctl.logs import fast

    fast.triage_file(str(log), workers=1)
    single = time.perf_counter() - t
    ga = _goaccess(log)
    wall, busy_wall = float(best["wall"]), float(busy["wall"])  # type: ignore[arg-type]
    other_wall = float(busy_other["wall"])  # type: ignore[arg-type]
    try:
        autogroup = Path("/proc/sys/kernel/sched_autogroup_enabled").read_text().strip() == "1"
    except OSError:
        autogroup = False
    rt = report["router"]
    rows: list[dict[str, object]] = [
        {
            "measure": "input",
            "value": f"{total_lines} lines ({router_lines} router), {size_mb:.0f} MB",
            "note": f"{log.name}; load avg {load:.1f} at start, {os.getloadavg()[0]:.1f} at end",
        },
        {
            "measure": "triage wall (CLI, 2 cores)",
            "value": f"{wall:.2f} s",
            "note": f"best of 3; CPU {float(best['cpu']):.2f} s; target ≤ 3 s",  # type: ignore[arg-type]
        },
        {
            "measure": "triage wall, one core busy",
            "value": f"{busy_wall:.2f} s",
            "note": f"{wall / busy_wall:.0%} of the two-core speed (target ≥ 90 %); best of 3 beside a spin "
            "loop in the same session",
        },
        {
            "measure": "triage wall, one core busy (other session)",
            "value": f"{other_wall:.2f} s",
            "note": f"{wall / other_wall:.0%} of the two-core speed; autogroup scheduling "
            f"{'on: a session gets one core beside another busy session' if autogroup else 'off'}",
        },
        {
            "measure": "triage peak RSS",
            "value": f"{float(best['rss']):.0f} MB",  # type: ignore[arg-type]
            "note": f"largest process; parent {parent_mb} MB + worker {child_mb} MB; target ≤ 150 MB",
        },
        {"measure": "triage wall (1 core, in-process)", "value": f"{single:.2f} s", "note": "same answer"},
        {
            "measure": "lines lost",
            "value": str(total_lines - report["lines"]),
            "note": f"{report['lines']} counted, {report['malformed']} malformed",
        },
        {
            "measure": "grep -c 'status=5' wall",
            "value": f"{float(grep['wall']):.2f} s",  # type: ignore[arg-type]
            "note": f"best of 3; count {str(grep['out']).strip()}; triage/grep = {wall / float(grep['wall']):.1f}×",  # type: ignore[arg-type]
        },
        {
            "measure": "requests / 5xx / H codes",
            "value": f"{rt['requests']} / {rt['status_classes']['5xx']} / {sum(c['count'] for k, c in report['codes'].items() if k.startswith('H'))}",
            "note": f"p95 {rt['service_ms']['p95']} ms; kept out of latency {rt['latency_excluded']}",
        },
    ]
    if ga is None:
        rows.append({"measure": "GoAccess", "value": "not installed", "note": "apt-get install goaccess"})
    else:
        g: dict[str, Any] = ga["general"]  # type: ignore[assignment]
        ga_wall = float(ga["wall"])  # type: ignore[arg-type]
        failed = int(g["failed_requests"])
        rows.append(
            {
                "measure": f"GoAccess {ga['version']} wall",
                "value": f"{ga_wall:.2f} s",
                "note": f"one run; peak RSS {float(ga['rss']):.0f} MB; GoAccess/triage = {ga_wall / wall:.1f}×; "  # type: ignore[arg-type]
                f"rejected {failed} of {g['total_requests']} lines ({failed / max(1, int(g['total_requests'])):.1%})",
            }
        )
    return rows


if __name__ == "__main__":
    t = time.perf_counter()
    generate(OUT / "router-1m.log")
    print(f"generated in {time.perf_counter() - t:.1f}s", file=sys.stderr)
