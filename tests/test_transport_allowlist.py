"""Host allowlist: URLs off the list (handed back by the API, or reached by redirect) are refused, unsent.

A second loopback server plays the foreign host and counts what it receives: it must get nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from hkctl.config import Settings
from hkctl.errors import HostNotAllowed
from hkctl.transport.client import HerokuClient
from tests.support import LoopbackServer


class Foreign:
    def __init__(self) -> None:
        self.hits: list[str] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                owner.hits.append(f"GET {self.path} auth={self.headers.get('Authorization')}")
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"stolen\n")

            do_PUT = do_POST = do_GET  # noqa: N815

            def log_message(self, *args: object) -> None:
                pass

        self._server = LoopbackServer(Handler)
        self.host, self.url = self._server.host, self._server.url

    def close(self) -> None:
        self._server.close()


@pytest.fixture
def foreign() -> Iterator[Foreign]:
    f = Foreign()
    yield f
    f.close()


def _client(live, **env: str) -> HerokuClient:
    return HerokuClient(Settings.from_env(live.env(**env)), stderr=lambda m: None)


def test_the_foreign_server_really_answers(foreign):
    # guards the other tests: "nothing reached it" means something only if it would have answered
    import urllib.request

    assert urllib.request.urlopen(foreign.url + "/ping").read() == b"stolen\n"
    assert foreign.hits == ["GET /ping auth=None"]
    foreign.hits.clear()


def test_a_stream_url_handed_back_on_a_foreign_host_is_refused(live, foreign):
    client = _client(live)
    with pytest.raises(HostNotAllowed) as err, client.stream_lines(f"{foreign.url}/logs?token=abc"):
        pass
    assert foreign.host in str(err.value)
    assert "abc" not in str(err.value)
    assert foreign.hits == [] and client.sent == []


def test_a_download_or_upload_url_on_a_foreign_host_is_refused(live, foreign, tmp_path: Path):
    client = _client(live)
    with pytest.raises(HostNotAllowed):
        client.download(f"{foreign.url}/backup.dump", tmp_path / "b.dump")
    with pytest.raises(HostNotAllowed):
        client.upload(f"{foreign.url}/source.tgz", b"data")
    assert not (tmp_path / "b.dump").exists()
    assert foreign.hits == [] and client.sent == []


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example.com/x",
        "https://api.heroku.com.evil.example/x",  # an allowed name as a prefix is not the host
        "https://evilheroku.com/x",  # the suffix is ".heroku.com", with its dot
        "https://api.heroku.com@evil.example/x",  # userinfo trick: the host is evil.example
        "http://logs.heroku.com/x",  # handed-back URLs must be https
    ],
)
def test_tricky_foreign_urls_are_refused(live, url):
    client = _client(live)
    with pytest.raises(HostNotAllowed):
        client.download(url, Path("never-written"))
    assert client.sent == []


def test_an_api_redirect_to_a_foreign_host_is_not_followed(live, foreign):
    res = live.cli("api", "GET", f"/__sandbox__/redirect?to={foreign.url}/steal")
    assert res.code == 3, res.text
    assert f"refused to contact '{foreign.host}'" in res.err
    assert len(res.err.strip().splitlines()) == 1
    assert foreign.hits == []


def test_a_redirect_from_a_handed_back_url_to_a_foreign_host_is_not_followed(live, foreign):
    client = _client(live)
    with (
        pytest.raises(HostNotAllowed) as err,
        client.stream_lines(f"{live.url}/__sandbox__/redirect?to={foreign.url}/steal"),
    ):
        pass
    assert err.value.host == foreign.host
    assert foreign.hits == []


def test_the_api_host_is_reached_and_the_foreign_one_is_not_via_library(live, foreign):
    client = _client(live)
    with pytest.raises(HostNotAllowed):
        client.request("GET", f"{foreign.url}/apps")
    assert client.get("/apps/demo-staging", action="apps_info")["name"] == "demo-staging"
    assert foreign.hits == []


def test_a_configured_api_url_override_is_allowed_because_it_is_configured(hk):
    # --api-url is how the sandbox stands in; the host it names joins the allowlist, and only it.
    res = hk.cli("apps", "info", "-a", "demo-staging", "--json", "--api-url", "https://evil.example")
    assert res.code == 0, res.err  # (the in-process transport answers for any host)
    client = HerokuClient(Settings.from_env(hk.env(), api_url="https://evil.example"), transport=hk.transport)
    client.allowlist.check("https://evil.example/apps")
    with pytest.raises(HostNotAllowed):
        client.allowlist.check("https://evil.example:8080/apps")
    with pytest.raises(HostNotAllowed):
        client.allowlist.check("http://evil.example/apps")  # same host, not the same scheme
    without = HerokuClient(Settings.from_env(hk.env()), transport=hk.transport)
    with pytest.raises(HostNotAllowed):
        without.request("GET", "https://evil.example/apps")


def test_allowlist_rules():
    from hkctl.transport.allowlist import Allowlist

    a = Allowlist(Settings.from_env({}))
    for ok in (
        "https://api.heroku.com/apps",
        "https://API.Heroku.com:443/apps",
        "https://api.data.heroku.com/x",
    ):
        a.check(ok)
    a.check("https://postgres-api.heroku.com/client/v11/databases/x")
    a.check("https://logs.heroku.com/sessions/1?srv=2", follow=True)  # handed back, under .heroku.com
    for bad in (
        "http://api.heroku.com/apps",  # the API only over https
        "https://api.heroku.com:8443/apps",
        "https://logs.heroku.com/x",  # under the suffix, but not handed back
        "https://api.heroku.com:notaport/apps",
        "file:///etc/passwd",
    ):
        with pytest.raises(HostNotAllowed):
            a.check(bad)


def test_configured_suffixes_always_start_at_a_dot():
    from hkctl.transport.allowlist import Allowlist

    a = Allowlist(Settings.from_env({"HKCTL_ALLOWED_SUFFIXES": "heroku.com, .s3.amazonaws.com"}))
    a.check("https://logs.heroku.com/x", follow=True)
    a.check("https://bucket.s3.amazonaws.com/backup", follow=True)
    with pytest.raises(HostNotAllowed):
        a.check("https://evilheroku.com/x", follow=True)
