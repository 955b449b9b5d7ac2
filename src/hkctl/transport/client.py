"""HerokuClient: the one place hkctl sends HTTP from.

Every request goes allowlist → (--dry-run/--plan stop here) → token → guard → headers → retry
loop → rate limit → audit → typed error or typed answer. Operations, workflows, the raw `api` command, MCP tools and log
streaming all call `request()`, `paginate()`, `stream_lines()`, `upload()` or `download()`.
"""

from __future__ import annotations

import dataclasses
import json
import random
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from hkctl import __version__
from hkctl.config import Settings
from hkctl.errors import (
    ApiError,
    HkctlError,
    OutcomeUnknown,
    Stopped,
    TransportError,
    api_error_class,
)
from hkctl.guard.confirm import Confirmer
from hkctl.guard.decide import Decision, decide, is_production
from hkctl.guard.plan import record_write
from hkctl.guard.policy import Guard, PlannedWrite, plan_write
from hkctl.iostreams import IOStreams
from hkctl.transport import network, retry
from hkctl.transport.allowlist import Allowlist
from hkctl.transport.audit import (
    AuditLog,
    Redactor,
    curl_line,
    placeholder_names,
    placeholders,
    redact_body,
    redact_url,
)
from hkctl.transport.auth import Token, resolve_token
from hkctl.transport.follow import REDIRECT_STATUSES, FollowedUrls, httpx_module
from hkctl.transport.http import lazy_tls_transport, load
from hkctl.transport.pagination import page_size_for, range_header, with_max
from hkctl.transport.paths import seg
from hkctl.transport.ratelimit import RateLimitTracker
from hkctl.transport.redaction import secret_values
from hkctl.transport.routes import DATA, Action, by_name

if TYPE_CHECKING:
    import httpx

    from hkctl.transport.pacing import Pacer

ACCEPT = "application/vnd.heroku+json; version=3"
MAX_REDIRECTS = 5
_FOLLOWS = ("GET", "HEAD")  # only these follow a redirect (same host); a write never does
LONG_WAIT = 5.0  # seconds: a retry wait this long is announced even without --verbose
_PLAIN_WORD = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


def _action(action: Action | str | None) -> Action | None:
    """An Action given by name (as operations do) or as the object itself."""
    if isinstance(action, str):
        return by_name(action)
    return action


def _system_line(stream: str) -> Callable[[str], None]:
    """A library client's default: a line on the process's stdout ("out") or stderr ("err")."""

    def write(line: str) -> None:
        out = getattr(IOStreams.system(), stream)
        out.write(line + "\n")
        out.flush()

    return write


@dataclass
class Response:
    """What an API call answered: status, headers, decoded JSON body and Request-Id."""

    status: int
    headers: dict[str, str]
    body: Any
    request_id: str | None = None
    attempts: int = 1
    raw: bytes = field(default=b"", repr=False)


class HerokuClient(FollowedUrls):
    """A client for the Platform API and the Postgres API, with the guard inside.

    `stdout` receives --dry-run's curl lines and `stderr` warnings, retries and notes, one line per
    call (the CLI passes its `Env.io`'s; a library client without them uses the process's streams).
    """

    def __init__(
        self,
        settings: Settings,
        *,
        guard: Guard | None = None,
        confirmer: Confirmer | None = None,
        transport: httpx.BaseTransport | None = None,
        stdout: Callable[[str], None] | None = None,
        stderr: Callable[[str], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: Callable[[], float] = random.random,
        on_write_done: Callable[[PlannedWrite, Response | None, str | None], None] | None = None,
    ) -> None:
        self.settings = settings
        self._echo = stdout or _system_line("out")  # --dry-run's curl lines (data)
        self._say = stderr or _system_line("err")  # warnings, retries, notes (talk)
        self.redact = Redactor()
        self.redact.add_token(settings.env.get("HEROKU_API_KEY"))  # before anything can echo it
        self.guard = guard or Guard(settings, confirmer=confirmer, warn=self._say_redacted)
        self.allowlist = Allowlist(settings)
        self.ratelimit = RateLimitTracker(self._say_redacted)
        self.audit = AuditLog(settings.audit_log, self.redact)
        self._transport = transport
        self._http: httpx.Client | None = None
        self._token: Token | None = None
        self._sleep = sleep
        self._rng = rng
        self.on_write_done = on_write_done
        self._stages: dict[str, str] = {}  # app -> its pipeline stage, read once (see _with_stage)
        self._names: dict[str, str] = {}  # app id -> its name, read once (see _with_stage)
        self.sent: list[tuple[str, str]] = []  # (method, url) of every request that left, for diagnostics
        #: When set (fleet runs), every attempt waits for a rate-limit token first (transport/pacing.py).
        self.pacer: Pacer | None = None

    # ----------------------------------------------------------------- plumbing
    def _say_redacted(self, msg: str) -> None:
        self._say(self.redact.token_only(msg))  # hkctl's own words: names stay intact (redaction.py)

    @property
    def token(self) -> Token:
        if self._token is None:
            self._token = resolve_token(self.settings)
            self.redact.add_token(self._token.value)
            if self.settings.verbose:
                for note in self._token.notes:  # which ~/.netrc lines were skipped
                    self._say_redacted(note)
        return self._token

    @property
    def http(self) -> httpx.Client:
        if self._http is None:
            httpx = load()  # lazy: keeps `hkctl --help` fast
            self._http = httpx.Client(
                transport=self._transport or lazy_tls_transport(),
                timeout=self.settings.timeout,
                follow_redirects=False,
                trust_env=False,
            )
        return self._http

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None

    def __enter__(self) -> HerokuClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def base_url(self, api: str) -> str:
        return self.settings.data_api_url if api == DATA else self.settings.api_url

    def url_for(self, path: str, api: str = "platform") -> str:
        if path.startswith(("http://", "https://")):
            return path
        return self.base_url(api) + (path if path.startswith("/") else "/" + path)

    def headers(self, accept: str | None = None, *, auth: bool = True) -> dict[str, str]:
        headers = {
            "Accept": f"application/vnd.heroku+json; version={accept}" if accept else ACCEPT,
            "Content-Type": "application/json",
            "User-Agent": f"hkctl/{__version__}",
        }
        if auth:
            headers["Authorization"] = f"Bearer {self.token.value}"
        return headers

    # ----------------------------------------------------------------- guard
    def planned(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        action: Action | str | None = None,
        when: str | None = None,
    ) -> PlannedWrite:
        """The guard's view of a write, as shown (payload redacted); UsageError on a path that is not clean.

        `action`, when given, is only checked: it must be the action the route table finds.
        """
        write = plan_write(method, path, body, when=when)
        self._check_expected(write.decision, action)
        return self._with_target(self._with_stage(write))

    def _check_expected(self, decision: Decision, action: Action | str | None) -> None:
        expected = _action(action)
        if expected is not None and expected.name != decision.action.name:
            raise HkctlError(
                f"internal error: {decision.method} {decision.path} is {decision.action.name} in the route "
                f"table, not {expected.name}; nothing was sent"
            )

    def _with_stage(self, write: PlannedWrite) -> PlannedWrite:
        """Scaling, rolling back or releasing on a production app is judged as production, however it is named.

        An app named by its id is read first (GET /apps/{id}, cached per client) so that its name
        decides as it would had the name been in the path; then one read of the app's pipeline
        coupling (cached). Both happen before the write is judged, and can only raise the risk.
        """
        d = write.decision
        if not d.needs_stage or self.settings.permission != "full" or d.app is None:
            return write
        production = False
        if _UUID.match(d.app):
            production = is_production(self._app_name(d.app))
        if not production:
            production = self._stage(d.app) == "production"
        if not production:
            return write
        raised = decide(d.method, d.endpoint, write.body, production=True)
        return dataclasses.replace(write, decision=raised)

    def _app_name(self, app_id: str) -> str | None:
        """The name of the app with this id (one read, cached); None when it cannot be read."""
        if app_id not in self._names:
            try:
                body = self.request("GET", f"/apps/{seg(app_id)}").body
                self._names[app_id] = str(body.get("name") or "") if isinstance(body, dict) else ""
            except ApiError:
                self._names[app_id] = ""  # not readable: the API refuses the write too
        return self._names[app_id] or None

    def _stage(self, app: str) -> str:
        """The app's pipeline stage ("" when in no pipeline or not readable); one read, cached."""
        if app not in self._stages:
            try:
                coupling = self.request("GET", f"/apps/{seg(app)}/pipeline-couplings").body
                self._stages[app] = str((coupling or {}).get("stage") or "")
            except ApiError:
                self._stages[app] = ""  # in no pipeline (404), or not readable: the name decides
        return self._stages[app]

    def _with_target(self, write: PlannedWrite) -> PlannedWrite:
        """Destructive writes name what is typed to confirm: an app id, a review app or a database (the
        official CLI's `--confirm APP` for pg:reset, restore and copy) becomes the app's name."""
        d = write.decision
        if not d.destructive or d.target is None or self.settings.permission != "full":
            return write
        name: str | None = None
        try:
            if d.target_kind == "app" and _UUID.match(d.target):
                name = self._app_name(d.target)
            elif d.target_kind == "db":  # a Postgres database is an add-on: its app's name is typed
                addon = self.request("GET", f"/addons/{seg(d.target)}").body
                name = ((addon or {}).get("app") or {}).get("name")
            elif d.target_kind == "review app":
                ra = self.request("GET", f"/review-apps/{seg(d.target)}").body
                app_id = (ra.get("app") or {}).get("id")
                if app_id:
                    name = self.request("GET", f"/apps/{seg(app_id)}").body.get("name")
        except (ApiError, AttributeError):
            name = None
        return dataclasses.replace(write, target=name) if name else write

    def send(self, write: PlannedWrite) -> Response:
        """Send exactly the write that was shown: its method, normalised path and body."""
        return self.request(write.method, write.endpoint, body=write.body)

    @contextmanager
    def batch(self, writes: list[PlannedWrite], title: str | None = None) -> Iterator[None]:
        """Confirm a multi-write plan once (see Guard.batch); --dry-run/--plan still apply per write."""
        if self.settings.dry_run or self.settings.plan_file:
            yield
            return
        _ = self.token  # fail on a missing token before asking anyone to confirm
        with self.guard.batch(writes, title):
            yield

    # ----------------------------------------------------------------- requests
    def request(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        action: Action | str | None = None,
        accept: str | None = None,
        range: str | None = None,
        api: str | None = None,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """Send one API request through the allowlist, the guard and the retry loop.

        The guard judges the request itself (guard/decide.py): the path is normalised (UsageError
        when it is not clean) and the normalised path is what is sent. `action`, when given, is
        only checked against the route table; nothing a caller passes raises or lowers the risk.
        """
        method = method.upper()
        decision = decide(method, path, body)
        self._check_expected(decision, action)
        action = decision.action
        api = api or action.api
        url = self.url_for(decision.endpoint, api)
        self.allowlist.check(url)
        accept = accept or action.accept
        self.redact.add_many(secret_values(action, body))  # whoever called, never shown
        planned: PlannedWrite | None = None
        if decision.is_write:
            planned = PlannedWrite(decision=decision, payload=redact_body(action, body), body=body)
            self._intercept(planned, method, url, accept, body)
            _ = self.token  # no token is exit 2 before anyone is asked to confirm a write that cannot go
            if not self.guard.in_batch:
                planned = self._with_target(self._with_stage(planned))
            self.guard.authorize([planned])
        hdrs = self.headers(accept)
        if range:
            hdrs["Range"] = range
        if headers:
            hdrs.update(headers)
        content = None if body is None else json.dumps(body).encode()
        try:
            response = self._send(method, url, hdrs, content, action, params, app=decision.app)
        except HkctlError as exc:
            if planned is not None and self.on_write_done:
                self.on_write_done(planned, None, str(exc))
            raise
        if planned is not None and self.on_write_done:
            self.on_write_done(planned, response, None)
        return response

    def _intercept(self, planned: PlannedWrite, method: str, url: str, accept: str | None, body: Any) -> None:
        """--dry-run prints the write as curl; --plan records it. Either way nothing is sent."""
        if self.settings.plan_file:
            record_write(self.settings.plan_file, planned, api_url=url)
            raise Stopped(f"recorded in plan {self.settings.plan_file}: {planned.method} {planned.endpoint}")
        if self.settings.dry_run:
            shown = placeholders(planned.action, body)
            hdrs = {"Authorization": "Bearer $HEROKU_API_KEY", **self.headers(accept, auth=False)}
            self._echo(curl_line(method, url, hdrs, shown))
            names = placeholder_names(shown)
            if names:
                self._say(
                    "secret values are not printed: the curl line reads them from "
                    + ", ".join(f"${n}" for n in names)
                    + " (set them before running it)"
                )
            raise Stopped("dry run: nothing was sent")

    def json(self, method: str, path: str, **kw: Any) -> Any:
        return self.request(method, path, **kw).body

    def get(self, path: str, **kw: Any) -> Any:
        return self.request("GET", path, **kw).body

    def paginate(
        self,
        path: str,
        *,
        field: str = "id",
        order: str | None = None,
        limit: int | None = None,
        action: Action | str | None = None,
        accept: str | None = None,
        api: str | None = None,
        params: dict[str, str] | None = None,
    ) -> Iterator[Any]:
        """Yield list items lazily, following Next-Range while the answer is 206; stop at `limit`."""
        rng: str | None = range_header(field, max_items=page_size_for(limit), order=order)
        seen = 0
        while rng is not None:
            resp = self.request("GET", path, action=action, accept=accept, api=api, range=rng, params=params)
            items = resp.body if isinstance(resp.body, list) else [resp.body]
            for item in items:
                if limit is not None and seen >= limit:
                    return
                seen += 1
                yield item
            nxt = resp.headers.get("next-range")
            if resp.status != 206 or not nxt or nxt == rng or (limit is not None and seen >= limit):
                return  # done (a Next-Range that repeats the last one would loop forever)
            rng = nxt if limit is None else with_max(nxt, page_size_for(limit - seen))

    def _send(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        content: bytes | None,
        action: Action,
        params: dict[str, str] | None,
        *,
        app: str | None = None,
    ) -> Response:
        httpx = httpx_module()

        idempotent = action.idempotent or not action.is_write
        attempt = 0
        started = time.monotonic()
        deadline = started + self.settings.deadline  # the whole call, retries included
        while True:
            t0 = time.monotonic()
            if self.pacer is not None:
                self.pacer.acquire()
            try:
                remaining = max(0.1, deadline - time.monotonic())  # no attempt outlives the call's deadline
                raw = self._send_following(
                    method, url, headers, content, params, timeout=min(self.settings.timeout, remaining)
                )
            except httpx.TransportError as exc:
                if self.pacer is not None:
                    self.pacer.done(None)
                sent = not isinstance(exc, httpx.ConnectError)
                self.audit.record(
                    method=method,
                    url=url,
                    action=action.name,
                    status=None,
                    ms=(time.monotonic() - t0) * 1000,
                    request_id=None,
                    retries=attempt,
                    error=type(exc).__name__,
                )
                if not sent:  # refused, or the name does not resolve: retrying repeats it
                    raise TransportError(
                        network.unreachable(
                            url, exc, api_url=self.settings.api_url, data_api_url=self.settings.data_api_url
                        )
                    ) from exc
                if retry.should_retry_connection(
                    sent=sent, idempotent=idempotent, attempt=attempt, max_retries=self.settings.max_retries
                ) and self._wait(
                    attempt,
                    None,
                    f"{type(exc).__name__} on {method} {redact_url(url)}",
                    loud=True,
                    until=deadline,
                ):
                    attempt += 1
                    continue
                if action.is_write:  # the answer was lost after the request left: it may have been applied
                    raise OutcomeUnknown(
                        self._unknown_outcome(
                            method, url, action, type(exc).__name__, app=app, tries=attempt + 1
                        )
                    ) from exc
                if attempt < self.settings.max_retries:  # a retry was due, but the deadline came first
                    raise TransportError(
                        network.gave_up(method, url, type(exc).__name__, attempt + 1, self.settings.deadline)
                    ) from exc
                raise TransportError(
                    f"{method} {redact_url(url)} failed after {attempt + 1} attempt(s): "
                    f"{type(exc).__name__}: {self.redact(str(exc))}"
                ) from exc
            resp = self._to_response(raw, attempt + 1)
            self.ratelimit.observe(raw.headers.get("ratelimit-remaining"))
            if self.pacer is not None:
                self.pacer.done(raw.headers.get("ratelimit-remaining"), raw.status_code)
            self.audit.record(
                method=method,
                url=url,
                action=action.name,
                status=resp.status,
                ms=(time.monotonic() - t0) * 1000,
                request_id=resp.request_id,
                retries=attempt,
            )
            if self.settings.verbose:
                self._say_redacted(
                    f"→ {method} {redact_url(url)} {resp.status} {(time.monotonic() - t0) * 1000:.0f}ms"
                    + (f" [Request-Id: {resp.request_id}]" if resp.request_id else "")
                )
            if resp.status in REDIRECT_STATUSES:
                raise self._not_followed(method, url, raw)
            if resp.status < 400:
                return resp
            if retry.should_retry_status(
                resp.status, idempotent=idempotent, attempt=attempt, max_retries=self.settings.max_retries
            ) and self._wait(
                attempt,
                raw.headers.get("retry-after"),
                f"{resp.status} on {method} {redact_url(url)}",
            ):  # an answer came (the API says how long to wait): the hang deadline starts again
                attempt += 1
                deadline = time.monotonic() + self.settings.deadline
                continue
            if action.is_write and not idempotent and resp.status in retry.RETRYABLE_STATUSES - {429}:
                raise OutcomeUnknown(
                    self._unknown_outcome(method, url, action, f"HTTP {resp.status}", resp, app=app)
                )
            raise self._api_error(method, url, resp, time.monotonic() - started)

    def _send_following(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        content: bytes | None,
        params: dict[str, str] | None,
        *,
        timeout: float | None = None,
    ) -> httpx.Response:
        """Send; a read follows a redirect only to the same allowed host, a write never follows one.

        A write answered with a redirect is returned as it is (the caller says where it pointed):
        re-sending its body and token to an endpoint nobody confirmed is never right, even on the
        API host. Any other host is refused, for reads too.
        """
        for _ in range(MAX_REDIRECTS + 1):
            self.sent.append((method, url))
            raw = self.http.request(
                method,
                url,
                headers=headers,
                content=content,
                params=params,
                timeout=timeout if timeout is not None else self.settings.timeout,
            )
            if raw.status_code not in REDIRECT_STATUSES or "location" not in raw.headers:
                return raw
            if method not in _FOLLOWS:
                return raw
            target = str(raw.url.join(raw.headers["location"]))
            here, there = urlsplit(url), urlsplit(target)
            if (there.scheme, there.netloc) != (here.scheme, here.netloc):
                # Never to another host (nor http<->https): off-list hosts are named, others refused.
                self.allowlist.check(target)
                raise TransportError(
                    f"refused to follow a redirect from {redact_url(url)} to {redact_url(target)}: "
                    "redirects to another host are never followed"
                )
            url = target
            params = None
        return raw

    def _not_followed(self, method: str, url: str, raw: httpx.Response) -> TransportError:
        """The error for a redirect left unfollowed: a write's, or a read's past MAX_REDIRECTS."""
        location = raw.headers.get("location")
        target = redact_url(str(raw.url.join(location))) if location else "no Location"
        if method in _FOLLOWS:
            return TransportError(
                f"{method} {redact_url(url)} answered {raw.status_code} to {target} after {MAX_REDIRECTS} "
                "redirects; not followed further"
            )
        return TransportError(
            f"{method} {redact_url(url)} answered {raw.status_code}, pointing to {target}; a write is never "
            "re-sent on a redirect, so it was not sent there. Check the current state before trying again."
        )

    def _to_response(self, raw: httpx.Response, attempts: int) -> Response:
        body: Any = None
        if raw.content:
            ctype = raw.headers.get("content-type", "")
            if "json" in ctype:
                try:
                    body = raw.json()
                except ValueError:
                    body = raw.text
            else:
                body = raw.text
        return Response(
            status=raw.status_code,
            headers={k.lower(): v for k, v in raw.headers.items()},
            body=body,
            request_id=raw.headers.get("request-id"),
            attempts=attempts,
            raw=raw.content,
        )

    def _wait(
        self,
        attempt: int,
        retry_after: str | None,
        why: str,
        *,
        loud: bool = False,
        until: float | None = None,
    ) -> bool:
        """Sleep before retry `attempt + 1`; False (no sleep) when that would pass the call's deadline.

        `loud`: announce it even without --verbose (a hung read or a dropped connection).
        """
        delay = retry.backoff(attempt, base=self.settings.retry_base, retry_after=retry_after, rng=self._rng)
        if until is not None and time.monotonic() + delay >= until:
            return False
        if loud or self.settings.verbose or delay >= LONG_WAIT:  # a long silent wait looks like a hang
            self._say_redacted(f"retry {attempt + 1}/{self.settings.max_retries} in {delay:.2f}s after {why}")
        if self.pacer is not None:  # a paced run (fleet): its wait, so that Ctrl-C ends it
            self.pacer.pause(delay)
        else:
            self._sleep(delay)
        return True

    def _api_error(self, method: str, url: str, resp: Response, elapsed: float) -> ApiError:
        body = resp.body if isinstance(resp.body, dict) else {}
        message = str(
            body.get("message") or (resp.body if isinstance(resp.body, str) else "") or "no message"
        )
        tries = f" (after {resp.attempts} attempts)" if resp.attempts > 1 else ""
        cls = api_error_class(resp.status)
        return cls(
            status=resp.status,
            id=body.get("id"),
            api_message=" ".join(self.redact(message).split()) + tries,  # scrubbed, then one line
            request_id=resp.request_id,
            method=method,
            url=redact_url(url),
            body=body,
        )

    def _unknown_outcome(
        self,
        method: str,
        url: str,
        action: Action,
        cause: str,
        resp: Response | None = None,
        *,
        app: str | None = None,
        tries: int = 1,
    ) -> str:
        rid = f" [Request-Id: {resp.request_id}]" if resp and resp.request_id else ""
        check = network.check_command(action.name, app)  # only echoes a name safe to paste into a shell
        how = (
            "it was not retried because it may already have been processed"
            if not action.idempotent
            else f"no answer came back after {tries} attempt(s)"
        )
        return (
            f"outcome unknown: {method} {redact_url(url)} ({action.description}) got {cause}{rid} after it was "
            f"sent; {how}: it may have been applied. "
            f"Check the current state with {check} before trying again."
        )
