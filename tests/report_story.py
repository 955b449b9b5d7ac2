"""A known log for the report tests: 30 minutes of traffic with a release, a config change, an H12 burst,
web.2 above its memory quota and a crash, each at a fixed time."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

START = datetime(2026, 11, 28, 10, 0, 0, tzinfo=UTC).timestamp()
RELEASE_AT = START + 7 * 60 + 30  # 10:07:30 Release v12
CONFIG_AT = START + 18 * 60  # 10:18:00 Set FEATURE_X config vars
CRASH_AT = START + 21 * 60 + 5  # 10:21:05 web.1 crashed
H12_MINUTES = (10, 11)  # 10:10–10:11: every report request times out
MARKERS = {"v12": RELEASE_AT, "set FEATURE_X": CONFIG_AT}


def stamp(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f") + "+00:00"


def router(t: float, path: str, service: int, status: int, dyno: str, i: int, code: str | None = None) -> str:
    head = f'at=error code={code} desc="Request timeout"' if code else "at=info"
    return (
        f'{stamp(t)} heroku[router]: {head} method=GET path="{path}" host=story.herokuapp.com '
        f'request_id=00000000-0000-4000-8000-{i:012d} fwd="203.0.113.{i % 250}" dyno={dyno} connect=1ms '
        f"service={service}ms status={status} bytes=100 protocol=https"
    )


def lines() -> list[str]:
    out: list[str] = []
    for i, second in enumerate(range(0, 30 * 60, 3), start=1):
        t = START + second
        minute = second // 60
        dyno = f"web.{1 + i % 2}"
        if i % 4 == 0:
            if minute in H12_MINUTES:
                out.append(router(t, f"/api/v1/reports/{i}", 30000, 503, dyno, i, code="H12"))
            else:
                out.append(router(t, f"/api/v1/reports/{i}", 1800 + (i * 37) % 900, 200, dyno, i))
        else:
            status = 500 if i % 97 == 0 else 404 if i % 31 == 0 else 200
            out.append(router(t, f"/api/v1/users/{i}", 40 + (i * 13) % 80, status, dyno, i))
        if second % 20 == 0:
            for d, base in (("web.1", 300.0), ("web.2", 480.0 + minute * 4)):
                out.append(
                    f"{stamp(t + 0.5)} heroku[{d}]: source={d} dyno=heroku.1.abc sample#memory_total={base:.2f}MB "
                    f"sample#memory_rss={base:.2f}MB sample#memory_quota=512.00MB"
                )
                if base > 512:
                    out.append(f"{stamp(t + 0.6)} heroku[{d}]: Error R14 (Memory quota exceeded)")
        if t <= RELEASE_AT < t + 3:
            out.append(f"{stamp(RELEASE_AT)} heroku[api]: Deploy 1a2b3c4 by dev@example.com")
            out.append(f"{stamp(RELEASE_AT)} heroku[api]: Release v12 created by dev@example.com")
        if t <= CONFIG_AT < t + 3:
            out.append(f"{stamp(CONFIG_AT)} heroku[api]: Set FEATURE_X config vars by dev@example.com")
            out.append(f"{stamp(CONFIG_AT)} heroku[api]: Release v13 created by dev@example.com")
        if t <= CRASH_AT < t + 3:
            out.append(f"{stamp(CRASH_AT)} heroku[web.1]: State changed from up to crashed")
            out.append(f"{stamp(CRASH_AT + 2)} heroku[web.1]: State changed from crashed to starting")
            out.append(f"{stamp(CRASH_AT + 9)} heroku[web.1]: State changed from starting to up")
    return out


def write(path: Path) -> Path:
    path.write_text("\n".join(lines()) + "\n")
    return path
