"""A small Chrome DevTools Protocol client over `--remote-debugging-pipe` (fd 3 in, fd 4 out, NUL-framed JSON).

No websocket library needed: headless Chromium speaks CDP on two pipes. Used by the browser test to
open a report from disk, record console messages and network requests, read the DOM and take
screenshots.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "chrome")


def find_browser() -> str | None:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


class CDPError(RuntimeError):
    pass


class Browser:
    """One headless browser process; `call()` sends a command and waits for its answer."""

    def __init__(self, exe: str, profile: Path, *, width: int = 1100, height: int = 900) -> None:
        cmd_r, self._cmd_w = os.pipe()
        self._out_r, out_w = os.pipe()

        def wire() -> None:  # in the child, before exec: the pipes become fds 3 and 4
            os.dup2(cmd_r, 3)
            os.dup2(out_w, 4)

        self.proc = subprocess.Popen(
            [
                exe,
                "--headless",
                "--remote-debugging-pipe",
                "--no-sandbox",  # CI runs as root
                "--disable-gpu",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(3, 4),
            preexec_fn=wire,  # noqa: PLW1509 - only dup2 between fork and exec
        )
        os.close(cmd_r)
        os.close(out_w)
        self._next = 0
        self._answers: dict[int, dict[str, Any]] = {}
        self.events: list[dict[str, Any]] = []
        self._cond = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        buf = b""
        with os.fdopen(self._out_r, "rb", buffering=0) as fh:
            while True:
                chunk = fh.read(1 << 16)
                if not chunk:
                    break
                buf += chunk
                while b"\0" in buf:
                    raw, buf = buf.split(b"\0", 1)
                    msg = json.loads(raw)
                    with self._cond:
                        if "id" in msg:
                            self._answers[msg["id"]] = msg
                        else:
                            self.events.append(msg)
                        self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    def call(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        session: str | None = None,
        timeout: float = 30.0,
    ) -> dict[str, Any]:
        with self._cond:
            self._next += 1
            ident = self._next
        msg: dict[str, Any] = {"id": ident, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._cmd_w, json.dumps(msg).encode() + b"\0")
        with self._cond:
            if not self._cond.wait_for(
                lambda: ident in self._answers or not self._reader.is_alive(), timeout
            ):
                raise CDPError(f"{method}: no answer in {timeout} s")
            answer = self._answers.pop(ident, None)
        if answer is None:
            raise CDPError(f"{method}: browser exited")
        if "error" in answer:
            raise CDPError(f"{method}: {answer['error']}")
        return answer.get("result", {})

    def wait_event(self, method: str, session: str | None = None, timeout: float = 30.0) -> dict[str, Any]:
        def found() -> dict[str, Any] | None:
            for e in self.events:
                if e.get("method") == method and (session is None or e.get("sessionId") == session):
                    return e
            return None

        with self._cond:
            if not self._cond.wait_for(lambda: found() is not None, timeout):
                raise CDPError(f"no {method} event in {timeout} s")
            event = found()
        assert event is not None
        return event

    def close(self) -> None:
        with suppress(CDPError):
            self.call("Browser.close", timeout=5)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._cmd_w)


class Page:
    """A tab attached with a flat session: console, network and page events are recorded."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable")

    def call(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.browser.call(method, params, session=self.session)

    def open(self, url: str) -> None:
        self.call("Page.navigate", {"url": url})
        self.browser.wait_event("Page.loadEventFired", session=self.session)

    def evaluate(self, expression: str) -> Any:
        result = self.call(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True}
        )
        if "exceptionDetails" in result:
            raise CDPError(str(result["exceptionDetails"]))
        return result["result"].get("value")

    def events(self, method: str) -> list[dict[str, Any]]:
        return [
            e for e in self.browser.events if e.get("method") == method and e.get("sessionId") == self.session
        ]

    def console_errors(self) -> list[str]:
        out = [
            json.dumps(e["params"]["args"])[:300]
            for e in self.events("Runtime.consoleAPICalled")
            if e["params"].get("type") in ("error", "assert")
        ]
        out += [str(e["params"]["exceptionDetails"])[:300] for e in self.events("Runtime.exceptionThrown")]
        out += [
            e["params"]["entry"].get("text", "")[:300]
            for e in self.events("Log.entryAdded")
            if e["params"]["entry"].get("level") == "error"
        ]
        return out

    def requests(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events("Network.requestWillBeSent")]

    def screenshot(self, path: Path, *, width: int = 1100, dark: bool = False) -> Path:
        """A full-page PNG (light or dark colour scheme)."""
        self.call(
            "Emulation.setEmulatedMedia",
            {"features": [{"name": "prefers-color-scheme", "value": "dark" if dark else "light"}]},
        )
        height = int(self.evaluate("document.documentElement.scrollHeight"))
        self.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )
        data = self.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})["data"]
        path.write_bytes(base64.b64decode(data))
        return path


@contextmanager
def browser_page(exe: str, profile: Path) -> Iterator[Page]:
    browser = Browser(exe, profile)
    try:
        yield Page(browser)
    finally:
        browser.close()
