"""Requests to URLs the API hands back (log streams, build output, uploads, downloads).

They pass the allowlist's second list (https on a storage host: Amazon S3, Heroku's own hosts, or
an `HKCTL_ALLOWED_SUFFIXES` suffix; see transport/allowlist.py), are audited, never follow a
redirect, and get the token only when they point at an API host; a storage host gets no credential. Mixed into HerokuClient.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from hkctl import __version__
from hkctl.errors import TransportError
from hkctl.transport.audit import AuditLog, Redactor, redact_url
from hkctl.transport.http import load
from hkctl.transport.network import why_unreachable

if TYPE_CHECKING:
    import httpx

    from hkctl.config import Settings
    from hkctl.transport.allowlist import Allowlist
    from hkctl.transport.auth import Token

REDIRECT_STATUSES = (301, 302, 303, 307, 308)


def httpx_module() -> Any:
    """httpx, imported on first use (it is the slowest import on the read path)."""
    return load()


def handed_back_unreachable(url: str, exc: BaseException) -> str:
    """`could not reach HOST (why)` for a URL the API handed back (nothing was sent to it)."""
    host = urlsplit(url).netloc or url
    return (
        f"could not reach {host} ({why_unreachable(exc)}), the host the API handed back in "
        f"{redact_url(url)}; nothing was sent to it. Check the network and DNS, then try again."
    )


class FollowedUrls:
    """The part of HerokuClient that fetches URLs handed back by the API."""

    settings: Settings
    allowlist: Allowlist
    audit: AuditLog
    redact: Redactor
    sent: list[tuple[str, str]]

    @property
    def token(self) -> Token:  # provided by HerokuClient
        raise NotImplementedError

    @property
    def http(self) -> httpx.Client:  # provided by HerokuClient
        raise NotImplementedError

    # ----------------------------------------------------------------- URLs handed back by the API
    def _refuse_redirect(self, url: str, raw: httpx.Response) -> None:
        """A handed-back URL is fetched as given: a redirect is never followed (off-list hosts are named)."""
        target = str(raw.url.join(raw.headers.get("location", "")))
        self.allowlist.check(target, follow=True)  # HostNotAllowed naming the host, when it is off the list
        raise TransportError(
            f"refused to follow a redirect from {redact_url(url)} to {redact_url(target)}: "
            "URLs handed back by the API are fetched as given"
        )

    def _followed(self, method: str, url: str, action: str, raw: httpx.Response, t0: float) -> None:
        """Audit a request to a URL the API handed back, and refuse any redirect it answers with."""
        self.audit.record(
            method=method,
            url=url,
            action=action,
            status=raw.status_code,
            ms=(time.monotonic() - t0) * 1000,
            request_id=raw.headers.get("request-id"),
            retries=0,
        )
        if raw.status_code in REDIRECT_STATUSES:
            self._refuse_redirect(url, raw)

    @contextmanager
    def stream_lines(
        self, url: str, *, accept: str = "text/event-stream"
    ) -> Iterator[tuple[str, Iterator[str]]]:
        """Open a URL the API handed back (log session, build output) and yield (content-type, lines)."""
        httpx = httpx_module()

        self.allowlist.check(url, follow=True)
        headers = {"Accept": accept, "User-Agent": f"hkctl/{__version__}", "Cache-Control": "no-cache"}
        if self.allowlist.is_api_host(url):
            headers["Authorization"] = f"Bearer {self.token.value}"
        self.sent.append(("GET", url))
        t0 = time.monotonic()
        if "Authorization" not in headers:
            self.http.cookies.clear()
        try:
            with self.http.stream(
                "GET", url, headers=headers, timeout=httpx.Timeout(self.settings.timeout, read=None)
            ) as raw:
                self._followed("GET", url, "follow_stream", raw, t0)
                if raw.status_code >= 400:
                    raw.read()
                    raise TransportError(f"GET {redact_url(url)} answered {raw.status_code}")
                yield raw.headers.get("content-type", ""), raw.iter_lines()
        except httpx.ConnectError as exc:
            raise TransportError(handed_back_unreachable(url, exc)) from exc
        except httpx.TransportError as exc:
            # the exception's text is not hkctl's: scrubbed of every secret seen (transport/redaction.py)
            raise TransportError(
                f"stream {redact_url(url)} failed: {type(exc).__name__}: {self.redact(str(exc))}"
            ) from exc

    def upload(self, url: str, data: bytes) -> None:
        """PUT bytes to a URL the API handed back (a source blob's presigned put_url).

        A presigned S3 PUT signs its headers: it gets no token, no cookie and no Content-Type (the
        URL was signed for an empty one, as the official CLI and the Dev Center's curl send it).
        """
        httpx = httpx_module()

        self.allowlist.check(url, follow=True)
        self.sent.append(("PUT", url))
        t0 = time.monotonic()
        self.http.cookies.clear()  # nothing the API set travels to a storage host
        try:
            raw = self.http.put(url, content=data, headers={"User-Agent": f"hkctl/{__version__}"})
        except httpx.ConnectError as exc:
            raise TransportError(handed_back_unreachable(url, exc)) from exc
        except httpx.TransportError as exc:
            raise TransportError(f"upload to {redact_url(url)} failed: {type(exc).__name__}") from exc
        self._followed("PUT", url, "source_upload", raw, t0)
        if raw.status_code >= 300:
            raise TransportError(f"upload to {redact_url(url)} answered {raw.status_code}")

    def download(
        self,
        url: str,
        dest: Path,
        *,
        expected_size: int | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """GET a URL the API handed back into `dest`; a partial file never stands under the target name."""
        httpx = httpx_module()

        self.allowlist.check(url, follow=True)
        tmp = dest.with_name(f".{dest.name}.part-{os.getpid()}")
        self.sent.append(("GET", url))
        size = 0
        t0 = time.monotonic()
        self.http.cookies.clear()
        try:
            with self.http.stream("GET", url, headers={"User-Agent": f"hkctl/{__version__}"}) as raw:
                self._followed("GET", url, "download", raw, t0)
                if raw.status_code >= 300:
                    raise TransportError(f"download {redact_url(url)} answered {raw.status_code}")
                with tmp.open("wb") as fh:
                    for chunk in raw.iter_bytes():
                        fh.write(chunk)
                        size += len(chunk)
                        if progress:
                            progress(size)
            if expected_size is not None and size != expected_size:
                raise TransportError(
                    f"download incomplete: got {size} bytes, expected {expected_size}; {dest} was not written"
                )
            os.replace(tmp, dest)
            return size
        except httpx.ConnectError as exc:
            raise TransportError(handed_back_unreachable(url, exc)) from exc
        except httpx.TransportError as exc:
            raise TransportError(f"download {redact_url(url)} interrupted: {type(exc).__name__}") from exc
        finally:
            if tmp.exists():
                tmp.unlink()
