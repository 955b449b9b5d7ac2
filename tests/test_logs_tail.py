"""`logs --tail` over a real socket: new lines arrive, a dropped stream reconnects, nothing is printed twice."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from hkctl.logs.stream import Dedup, log_lines, sse_events, tail
from hkctl.resources import log_sessions
from tests.support import Harness


def _opener(client: Any, app: str, lines: int, opened: list[bool]) -> Any:
    @contextmanager
    def opener(reconnect: bool) -> Any:
        opened.append(reconnect)
        session = log_sessions.create(
            client, app, source="app", lines=log_sessions.MAX_LINES if reconnect else lines, tail=True
        )
        with log_sessions.open_stream(client, session) as stream:
            yield stream

    return opener


def test_tail_survives_a_dropped_stream_without_duplicates(live: Harness) -> None:
    sb = live.sandbox
    app = sb.store.first("app", name="demo-staging")
    assert app is not None
    for i in range(20):
        sb.log(app["id"], "app", "web.1", f"before {i}")
    # The first tail stream closes after 25 lines: 10 of backlog and 15 new ones.
    with httpx.Client() as c:
        assert c.put(live.url + "/__sandbox__/logplex/drop", json={"after": 25}).status_code == 200

    def writer() -> None:
        for i in range(40):
            sb.log(app["id"], "app", "web.1", f"during {i}")
            stop.wait(0.02)
        sb.log(app["id"], "app", "web.1", "marker-end")

    stop = threading.Event()
    said: list[str] = []
    opened: list[bool] = []
    got: list[str] = []
    client = live.client()
    thread = threading.Thread(target=writer, daemon=True)
    stream = tail(_opener(client, "demo-staging", 10, opened), say=said.append, sleep=lambda s: None)
    try:
        for line in stream:
            if not got:
                thread.start()
            got.append(line.split(": ", 1)[1])
            if got[-1] == "marker-end":
                break
    finally:
        stop.set()
        stream.close()
        client.close()
    assert got[:10] == [f"before {i}" for i in range(10, 20)]  # the last 10 only, never the older ones
    assert got[10:] == [f"during {i}" for i in range(40)] + ["marker-end"]
    assert len(got) == len(set(got))
    assert opened[0] is False and True in opened  # it did reconnect, asking for the whole buffer
    assert any("reconnecting" in s for s in said)


def test_tail_gives_up_after_repeated_failures() -> None:
    from hkctl.errors import TransportError

    @contextmanager
    def broken(reconnect: bool) -> Any:
        raise TransportError("connection refused")
        yield  # pragma: no cover

    said: list[str] = []
    with pytest.raises(TransportError, match="gave up after 3"):
        list(tail(broken, say=said.append, sleep=lambda s: None, max_failures=3))
    assert len(said) == 3


def test_sse_decoding_rules() -> None:
    raw = [
        "retry: 0",
        "",
        ": keep-alive",
        "id: 7",
        "data: first",
        "data: second",
        "",
        "id: 8",
        "data:third",
        "",
    ]
    events = list(sse_events(raw))
    assert [(e.id, e.data) for e in events] == [("7", "first\nsecond"), ("8", "third")]
    assert list(log_lines("text/event-stream", raw)) == [("7", "first"), ("7", "second"), ("8", "third")]
    assert list(log_lines("text/plain", ["a", "", "b"])) == [(None, "a"), (None, "b")]


def test_dedup_floor_skips_older_backlog() -> None:
    d = Dedup(size=3)
    lines = [f"2026-11-28T10:00:0{i}+00:00 app[web.1]: l{i}" for i in range(6)]
    d.start(lines[2])
    assert [d.fresh(x) for x in lines[2:]] == [True, True, True, True]
    assert not d.fresh(lines[0])  # older than anything printed: part of the replayed backlog
    assert not d.fresh(lines[5])  # seen


def test_cli_tail_reconnects_and_prints_each_line_once(live: Harness) -> None:
    """The real console command, in a subprocess, against the sandbox over loopback."""
    import os
    import subprocess
    import sys

    sb = live.sandbox
    app = sb.store.first("app", name="demo-staging")
    assert app is not None
    for i in range(8):
        sb.log(app["id"], "app", "web.1", f"old {i}")
    with httpx.Client() as c:
        assert c.put(live.url + "/__sandbox__/logplex/drop", json={"after": 6}).status_code == 200
    env = {**os.environ, **live.env()}
    cmd = [
        sys.executable,
        "-m",
        "hkctl",
        "logs",
        "-a",
        "demo-staging",
        "--tail",
        "--source",
        "app",
        "-n",
        "3",
    ]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    got: list[str] = []
    try:
        assert proc.stdout is not None
        for raw in proc.stdout:
            got.append(raw.rstrip("\n").split(": ", 1)[1])
            if len(got) == 3:  # backlog printed: now log while the stream is dropped and resumed
                for i in range(10):
                    sb.log(app["id"], "app", "web.1", f"new {i}")
                sb.log(app["id"], "app", "web.1", "marker-end")
            if got[-1] == "marker-end":
                break
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    assert got == ["old 5", "old 6", "old 7"] + [f"new {i}" for i in range(10)] + ["marker-end"]
    assert "reconnecting" in err
