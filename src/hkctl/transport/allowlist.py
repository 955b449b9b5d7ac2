"""The host allowlist: nothing is sent to a host that is not on it.

Two lists. **API hosts** (the Platform API, the Postgres API, its former name, and any configured
override) are the only hosts that ever receive the token. **Storage hosts** may be reached only by
a URL an API answer handed back in a known field (a source's `put_url`/`get_url`, a backup's
download URL, a build's `output_stream_url`, a log session's `logplex_url`), only over https, and
never with a credential: Amazon S3's endpoints (real Heroku presigns S3 URLs for source uploads and
backup downloads) and Heroku's own hosts. `HKCTL_ALLOWED_SUFFIXES` extends the storage list; the
sandbox's simulated object store joins it only when configured (`HKCTL_SANDBOX_STORAGE_URL`, a
loopback origin).
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from hkctl.config import LEGACY_DATA_API_HOST, Settings
from hkctl.errors import HostNotAllowed

_DEFAULT_PORTS = {"http": 80, "https": 443}

#: The storage hosts Heroku is documented or observed to hand back, as shown in SECURITY.md.
STORAGE_HOSTS = (
    "s3.amazonaws.com",
    "*.s3.amazonaws.com",
    "s3-external-1.amazonaws.com",
    "s3.<region>.amazonaws.com",
    "s3-<region>.amazonaws.com",
    "*.s3.<region>.amazonaws.com",
    "*.s3-<region>.amazonaws.com",
    "*.heroku.com",
)  # not *.herokuapp.com: no followed field hands one back, and anyone's app is served there
_REGION = r"[a-z]{2}(?:-gov)?-[a-z]+-\d{1,2}"
# bucket (virtual-hosted style, may contain dots) . s3 [ . or - region | -external-1 ] .amazonaws.com
_S3 = re.compile(
    rf"^(?:[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?\.)?s3(?:[.-]{_REGION}|-external-1)?\.amazonaws\.com$"
)
_HEROKU_SUFFIXES = (".heroku.com",)


def _netloc(url: str) -> tuple[str, str]:
    """(scheme, host[:port]) with the scheme's default port left out, so :443 is the same host."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:  # a malformed port: matches nothing on the list
        return scheme, parts.netloc.lower()
    shown = f":{port}" if port and port != _DEFAULT_PORTS.get(scheme) else ""
    return scheme, (parts.hostname or "").lower() + shown


def is_storage_host(host: str, extra_suffixes: tuple[str, ...] = ()) -> bool:
    """True when `host` (no port, lower case) is on the storage list: S3, Heroku's hosts, or an extra suffix."""
    if _S3.match(host):
        return True
    return any(host.endswith(s) for s in (*_HEROKU_SUFFIXES, *extra_suffixes))


def _loopback_origin(url: str) -> tuple[str, str] | None:
    """The (scheme, netloc) of a configured sandbox storage origin, if it is http(s) on a loopback host."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    try:
        loopback = (
            host == "localhost" or host.endswith(".localhost") or ipaddress.ip_address(host).is_loopback
        )
    except ValueError:
        loopback = False
    return _netloc(url) if loopback else None


class Allowlist:
    def __init__(self, settings: Settings) -> None:
        api = {_netloc(settings.api_url), _netloc(settings.data_api_url)}
        api |= {("https", LEGACY_DATA_API_HOST)}
        api |= {_netloc(u) for u in settings.extra_allowed_hosts}
        self._api = api
        self._suffixes = tuple(s.lower() for s in settings.allowed_suffixes)
        origin = _loopback_origin(settings.sandbox_storage_url) if settings.sandbox_storage_url else None
        self._sandbox_storage = {origin} if origin else set()

    def is_api_host(self, url: str) -> bool:
        return _netloc(url) in self._api

    def check(self, url: str, *, follow: bool = False) -> None:
        """Raise HostNotAllowed unless `url` may be contacted (`follow`: a URL the API handed back)."""
        scheme, netloc = _netloc(url)
        if (scheme, netloc) in self._api:
            return
        if follow:
            if (scheme, netloc) in self._sandbox_storage:
                return
            host = netloc.split(":")[0]
            if scheme == "https" and ":" not in netloc and is_storage_host(host, self._suffixes):
                return
            raise HostNotAllowed(url, netloc or url, storage=True)
        raise HostNotAllowed(url, netloc or url)
