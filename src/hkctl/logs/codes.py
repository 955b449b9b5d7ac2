"""The Heroku H/R/L error-code catalogue: title, what it means and what to do (devcenter `error-codes`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Code:
    """A Heroku error code (H10, R14, L10...): title, meaning, what to do and triage severity."""

    code: str
    title: str
    meaning: str
    action: str
    severity: str = "warning"  # how triage ranks it: critical | warning | info


_C = Code
CATALOGUE: dict[str, Code] = {
    c.code: c
    for c in (
        _C(
            "H10",
            "App crashed",
            "A web dyno crashed or timed out booting; the router served a 503.",
            "Read the dyno's last lines before `State changed from up to crashed` (`hkctl logs --state-changes "
            "--app-errors`), fix the crash and restart.",
            "critical",
        ),
        _C(
            "H11",
            "Backlog too deep",
            "Requests arrive faster than the app handles them; the router's backlog is over its threshold.",
            "Scale web dynos out or up, or make the slow endpoints faster.",
            "critical",
        ),
        _C(
            "H12",
            "Request timeout",
            "The app sent no response within 30 s (queueing in the dyno included); the router answered 503.",
            "Find the slow path in `hkctl logs triage`, move the work to a background "
            "job or add a timeout below 30 s (e.g. rack-timeout).",
            "critical",
        ),
        _C(
            "H13",
            "Connection closed without response",
            "The dyno accepted the connection, then closed it without writing anything.",
            "Look for a worker killed mid-request (Puma worker timeout, OOM) in the "
            "app logs at the same time.",
            "critical",
        ),
        _C(
            "H14",
            "No web dynos running",
            "The web formation is scaled to 0.",
            "Scale web to at least 1 (`hkctl ps scale web=1`).",
            "critical",
        ),
        _C(
            "H15",
            "Idle connection",
            "The dyno sent an incomplete response and then nothing for 55 s.",
            "Check streaming/long-poll endpoints; send data or close the response.",
            "warning",
        ),
        _C(
            "H16",
            "(No Longer in Use)",
            "Formerly 'Redirect to herokuapp.com'; no longer emitted.",
            "Nothing to do.",
            "info",
        ),
        _C(
            "H17",
            "Poorly formatted HTTP response",
            "The dyno's response was malformed (e.g. a status line without a reason phrase).",
            "Fix the response the app or its server writes.",
            "warning",
        ),
        _C(
            "H18",
            "Server Request Interrupted",
            "The dyno sent part of a response, then its socket was destroyed (sock=backend).",
            "Look for crashes or killed workers in the app logs at that time.",
            "warning",
        ),
        _C(
            "H19",
            "Backend connection timeout",
            "The router could not open a socket to a dyno within 5 s, after trying other dynos.",
            "The dynos are overloaded or stuck: check memory (R14) and scale.",
            "critical",
        ),
        _C(
            "H20",
            "App boot timeout",
            "No web dyno reached `up` within 75 s while requests were queued.",
            "Make boot faster (preload less, Bootsnap cache) or check for an R10.",
            "critical",
        ),
        _C(
            "H21",
            "Backend connection refused",
            "A dyno refused the connection, after trying other dynos.",
            "Make sure the web process binds 0.0.0.0:$PORT and is not restarting in a loop.",
            "critical",
        ),
        _C(
            "H22",
            "Connection limit reached",
            "Too many concurrent client connections to the app on a routing node.",
            "Shed load or scale; look for clients holding connections open.",
            "critical",
        ),
        _C(
            "H23",
            "Endpoint misconfigured",
            "A websocket handshake came through a proxy without websocket support (no longer in use).",
            "Check the proxy in front of the app.",
            "warning",
        ),
        _C(
            "H24",
            "Forced close",
            "A routing node shut down before the request completed.",
            "Usually transient; retry, and check Heroku status if it persists.",
            "warning",
        ),
        _C(
            "H25",
            "HTTP Restriction",
            "The router blocked a risky response (bad content length, oversized "
            "cookie, header or status line); status 502.",
            "Shrink the cookies/headers the app sends.",
            "warning",
        ),
        _C(
            "H26",
            "Request Error",
            "The request was undeliverable because of a protocol error (bad header, "
            "bad chunk, unsupported Expect).",
            "Usually a broken client; check the `cause=` field.",
            "info",
        ),
        _C(
            "H27",
            "Client Request Interrupted",
            "The client closed the socket before the response (status 499).",
            "Usually harmless; many of them on one path mean that path is too slow for its clients.",
            "info",
        ),
        _C(
            "H28",
            "Client Connection Idle",
            "The client did not send a full request within 55 s (status 499).",
            "Usually harmless (slow or stalled clients).",
            "info",
        ),
        _C(
            "H31",
            "Misdirected Request",
            "The request reached the wrong endpoint (stale DNS or CDN); status 421.",
            "Check DNS and CDN settings for the host; often harmless crawlers.",
            "info",
        ),
        _C(
            "H32",
            "TLS Certificate Mismatch",
            "The TLS certificate does not match the requested host.",
            "Check the domain's certificate (`hkctl certs`).",
            "warning",
        ),
        _C(
            "H33",
            "HTTP/2 Stream Broken",
            "An HTTP/2 stream broke; the client or the dyno may be at fault.",
            "Retry; if frequent, check the app's HTTP/2 handling.",
            "warning",
        ),
        _C(
            "H34",
            "All up dynos are quarantined",
            "Every running dyno is quarantined after failed connections.",
            "The dynos refuse or time out connections: check crashes and memory, restart.",
            "critical",
        ),
        _C(
            "H80",
            "Maintenance mode",
            "The app is in maintenance mode; not an error.",
            "Turn maintenance off when done (`hkctl apps maintenance off`).",
            "info",
        ),
        _C("H81", "Blank app", "No code has been deployed yet; not an error.", "Deploy the app.", "info"),
        _C(
            "H82",
            "You've used up your dyno hour pool",
            "The Eco dyno-hour pool is exhausted; eco apps sleep.",
            "Move to Basic dynos or wait for the next month.",
            "warning",
        ),
        _C(
            "H83",
            "Planned Service Degradation",
            "A planned platform degradation; not an error.",
            "Nothing to do; check Heroku status.",
            "info",
        ),
        _C(
            "H99",
            "Platform error",
            "An internal Heroku router error.",
            "No action needed; contact Heroku support if it persists.",
            "warning",
        ),
        _C(
            "R10",
            "Boot timeout",
            "The web process did not bind $PORT within 60 s of launch; it was killed.",
            "Bind $PORT earlier in boot (warm Bootsnap cache, lazy-load), or check the Procfile command.",
            "critical",
        ),
        _C(
            "R12",
            "Exit timeout",
            "The process did not exit within 30 s of SIGTERM and was SIGKILLed.",
            "Handle SIGTERM: finish or requeue work quickly.",
            "warning",
        ),
        _C(
            "R13",
            "Attach error",
            "A `heroku run` dyno failed to attach to the client.",
            "Retry; use detached one-off dynos for long tasks.",
            "warning",
        ),
        _C(
            "R14",
            "Memory quota exceeded",
            "The dyno's memory is above its quota; it swaps and slows down.",
            "Lower memory (WEB_CONCURRENCY, threads, jemalloc, leaks) or move to a larger dyno size.",
            "warning",
        ),
        _C(
            "R15",
            "Memory quota vastly exceeded",
            "The dyno's memory went far above its quota; it was killed.",
            "Reduce memory now or move to a larger dyno size; look for the request that blew up.",
            "critical",
        ),
        _C(
            "R16",
            "Detached",
            "An attached dyno kept running after its client connection closed.",
            "Run long tasks detached.",
            "info",
        ),
        _C(
            "R17",
            "Checksum error",
            "The slug checksum failed; the dyno did not launch.",
            "Rebuild and redeploy the slug.",
            "critical",
        ),
        _C(
            "R99",
            "Platform error",
            "An internal Heroku runtime error.",
            "No action needed; contact Heroku support if it persists.",
            "warning",
        ),
        _C(
            "L10",
            "Drain buffer overflow",
            "A log drain could not keep up; Logplex dropped messages.",
            "Check the drain's consumer and reduce log volume.",
            "warning",
        ),
        _C(
            "L11",
            "Tail buffer overflow",
            "A `logs --tail` session could not keep up; messages were dropped.",
            "Filter the tail (--dyno, --source) or use a drain.",
            "info",
        ),
        _C(
            "L12",
            "Local buffer overflow",
            "The in-dyno log shuttle could not keep up; lines were dropped.",
            "Log less from the app (or log in batches).",
            "warning",
        ),
        _C(
            "L13",
            "Local delivery error",
            "The log shuttle could not deliver to Logplex; lines were lost.",
            "Usually transient; check Heroku status.",
            "warning",
        ),
        _C(
            "L14",
            "Certificate validation error",
            "A TLS syslog drain presents an invalid certificate.",
            "Fix the drain endpoint's certificate.",
            "warning",
        ),
        _C(
            "L15",
            "Tail buffer temporarily unavailable",
            "The 1,500-line tail buffer is unavailable.",
            "Retry, or stream with --tail.",
            "info",
        ),
    )
}


def lookup(code: str) -> Code:
    """The catalogue entry, or a generic one for a code Heroku added after this list."""
    found = CATALOGUE.get(code)
    if found is not None:
        return found
    family = {"H": "router", "R": "runtime", "L": "logging"}.get(code[:1], "platform")
    return Code(
        code,
        f"Unknown {family} error",
        f"A {family} error code not in hkctl's catalogue.",
        "Look it up at devcenter.heroku.com/articles/error-codes.",
        "warning",
    )


def matches(pattern: str, code: str) -> bool:
    """`H12`, `H*`, `R*`, `L*`, `any`, or a comma list of these."""
    for part in pattern.upper().replace(" ", "").split(","):
        if part in ("ANY", "*") or part == code or (part.endswith("*") and code.startswith(part[:-1])):
            return True
    return False
