"""Triage of a generated 1,000,000-line router log (~270 MB): wall time and peak RSS vs `grep -c`.

The log is generated once into bench/out/ (git-ignored), deterministically (seeded), with a few
percent of non-router lines (memory samples, R14, state changes, app errors) so every path of the
triage runs. Targets (issue 5): ≤ 3 s wall on 2 cores and ≤ 150 MB peak RSS.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

OUT = Path(__file__).parent / "out"
LINES = 1_000_000
SEED = 20261128

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
    if path.exists() and marker.exists() and marker.read_text() == f"{lines}:{seed}":
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    start = datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC).timestamp()
    host = "demo-production.herokuapp.com"
    choices = rng.choices(range(len(_PATHS)), weights=_WEIGHTS, k=lines)
    buf: list[str] = []
    with path.open("w") as fh:
        for i in range(lines):
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
                buf.append(
                    f"{stamp} app[web.{1 + i % 3}]: E, [{stamp[:19]} #4] ERROR -- : "
                    f"ActiveRecord::StatementInvalid (PG::QueryCanceled: canceling statement id={i})\n"
                )
                continue
            if r < 0.0122:
                buf.append(f"{stamp} heroku[web.{1 + i % 3}]: State changed from up to crashed\n")
                continue
            k = choices[i]
            method, tpl, base_ms = _PATHS[k]
            p = tpl.format(n=rng.randint(1, 99999), hex=f"{rng.getrandbits(64):016x}", uuid=_uuid(rng))
            service = int(rng.lognormvariate(0, 0.6) * base_ms)
            status = 200
            head = "at=info"
            if k == 4 and service > 30000 or rng.random() < 0.0004:
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
            if len(buf) >= 20000:
                fh.write("".join(buf))
                buf.clear()
        fh.write("".join(buf))
    marker.write_text(f"{lines}:{seed}")
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


def run() -> list[dict[str, object]]:
    log = generate(OUT / "router-1m.log")
    size_mb = log.stat().st_size / 1e6
    load = os.getloadavg()[0]
    grep = min(
        (_timed(["grep", "-c", "status=5", str(log)]) for _ in range(3)), key=lambda r: float(r["wall"])
    )  # type: ignore[arg-type]
    cli = [sys.executable, "-m", "hkctl", "logs", "triage", "--file", str(log), "--json"]
    best = min((_timed(cli) for _ in range(3)), key=lambda r: float(r["wall"]))  # type: ignore[arg-type]
    report = json.loads(str(best["out"]))
    both = subprocess.run([sys.executable, "-c", _BOTH, str(log)], capture_output=True, text=True, check=True)
    _, parent_mb, child_mb = both.stdout.split()
    t = time.perf_counter()
    from hkctl.logs import fast

    fast.triage_file(str(log), workers=1)
    single = time.perf_counter() - t
    return [
        {
            "measure": "input",
            "value": f"{LINES} lines, {size_mb:.0f} MB",
            "note": f"{log.name}; load avg {load:.1f}",
        },
        {
            "measure": "triage wall (CLI, 2 cores)",
            "value": f"{float(best['wall']):.2f} s",  # type: ignore[arg-type]
            "note": f"best of 3; CPU {float(best['cpu']):.2f} s; target ≤ 3 s",  # type: ignore[arg-type]
        },
        {
            "measure": "triage peak RSS",
            "value": f"{float(best['rss']):.0f} MB",  # type: ignore[arg-type]
            "note": f"largest process; parent {parent_mb} MB + worker {child_mb} MB; target ≤ 150 MB",
        },
        {"measure": "triage wall (1 core, in-process)", "value": f"{single:.2f} s", "note": "same answer"},
        {
            "measure": "grep -c 'status=5' wall",
            "value": f"{float(grep['wall']):.2f} s",  # type: ignore[arg-type]
            "note": f"best of 3; count {str(grep['out']).strip()} (lines with 'status=5' anywhere)",
        },
        {
            "measure": "requests / malformed",
            "value": f"{report['router']['requests']} / {report['malformed']}",
            "note": f"p95 {report['router']['service_ms']['p95']} ms, 5xx {report['router']['status_classes']['5xx']}",
        },
    ]


if __name__ == "__main__":
    t = time.perf_counter()
    generate(OUT / "router-1m.log")
    print(f"generated in {time.perf_counter() - t:.1f}s", file=sys.stderr)
