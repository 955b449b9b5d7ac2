"""The host allowlist: nothing is sent to a host that is not on it.

API hosts (the Platform API, the Postgres API, its former name, and any configured override) may
receive the token. URLs the API hands back to follow (log sessions, build output, uploads,
downloads) may also be under an allowed suffix (`.heroku.com` by default); they get no token.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from hkctl.config import LEGACY_DATA_API_HOST, Settings
from hkctl.errors import HostNotAllowed

_DEFAULT_PORTS = {"http": 80, "https": 443}


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


class Allowlist:
    def __init__(self, settings: Settings) -> None:
        api = {_netloc(settings.api_url), _netloc(settings.data_api_url)}
        api |= {("https", LEGACY_DATA_API_HOST)}
        api |= {_netloc(u) for u in settings.extra_allowed_hosts}
        self._api = api
        self._suffixes = tuple(s.lower() for s in settings.allowed_suffixes)

    def is_api_host(self, url: str) -> bool:
        return _netloc(url) in self._api

    def check(self, url: str, *, follow: bool = False) -> None:
        """Raise HostNotAllowed unless `url` may be contacted (`follow`: a URL the API handed back)."""
        scheme, netloc = _netloc(url)
        if (scheme, netloc) in self._api:
            return
        host = netloc.split(":")[0]
        if follow and scheme == "https" and any(host.endswith(s) for s in self._suffixes):
            return
        raise HostNotAllowed(url, netloc or url)
