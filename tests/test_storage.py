"""Handed-back object-storage URLs, as on real Heroku: presigned S3 URLs followed without credentials.

The sandbox hands back presigned URLs on its simulated object store (sandbox/storage.py), which
judges them as S3 does and logs the headers it received. hkctl runs with the default allowlist
plus the simulated store admitted by the test-only setting HKCTL_SANDBOX_STORAGE_URL.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from hkctl.config import Settings
from hkctl.errors import HostNotAllowed
from hkctl.transport.allowlist import Allowlist
from tests.test_transport_allowlist import Foreign

pytestmark = pytest.mark.core
APP = "demo-staging"
PG_APP = "demo-production"  # the demo app with completed backups


def _python_app(root: Path) -> Path:
    root.mkdir()
    (root / "requirements.txt").write_text("flask==3.0.3\n")
    (root / "app.py").write_text("print('hi')\n")
    return root


def test_builds_create_dir_uploads_to_the_storage_host_without_credentials(hk, tmp_path):
    root = _python_app(tmp_path / "src")
    res = hk.cli("builds", "create", "--dir", str(root), "-a", APP, env=hk.full_env())
    assert res.code == 0, res.err
    stored = hk.storage_received()
    assert [(r["method"], r["status"]) for r in stored] == [("PUT", 200)]
    put = stored[0]
    assert put["path"].startswith("/heroku-sources-production/")
    assert "authorization" not in put["headers"] and "cookie" not in put["headers"]
    assert "content-type" not in put["headers"]  # the URL was signed for an empty Content-Type
    assert hk.token not in repr(stored)
    build = hk.sandbox.store.all("build")[-1]
    assert build["status"] == "succeeded" and build["source_blob"]["url"].startswith(hk.sandbox.storage_url)


def test_backup_download_comes_from_the_storage_host_without_credentials(hk, tmp_path):
    dest = tmp_path / "latest.dump"
    res = hk.cli("pg", "backups", "download", "-a", PG_APP, "-o", str(dest))
    assert res.code == 0, res.err
    stored = hk.storage_received()
    assert [(r["method"], r["status"]) for r in stored] == [("GET", 200)]
    assert stored[0]["path"].startswith("/xfrtu/") and stored[0]["path"].endswith("/backup.dump")
    assert "authorization" not in stored[0]["headers"] and "cookie" not in stored[0]["headers"]
    assert dest.read_bytes().startswith(b"PGDMP")


def test_without_the_storage_admission_the_default_allowlist_refuses_the_sandbox_store(hk, tmp_path):
    # the default list admits S3 and Heroku's hosts over https; a loopback store is not one of them
    root = _python_app(tmp_path / "src")
    env = hk.full_env()
    del env["HKCTL_SANDBOX_STORAGE_URL"]
    res = hk.cli("builds", "create", "--dir", str(root), "-a", APP, env=env)
    assert res.code == 3, res.text
    host = hk.sandbox.storage_url.split("://", 1)[1]
    assert f"refused to contact '{host}'" in res.err and "storage host" in res.err
    assert hk.storage_received() == []


def test_a_handed_back_url_on_another_host_is_refused_and_receives_nothing(live, tmp_path):
    foreign = Foreign()
    try:
        admitted = live.sandbox.storage_url
        live.sandbox.storage_url = foreign.url  # the API now hands back URLs on a host no list admits
        env = live.full_env(HKCTL_SANDBOX_STORAGE_URL=admitted)
        res = live.cli("builds", "create", "--dir", str(_python_app(tmp_path / "s")), "-a", APP, env=env)
        assert res.code == 3, res.text
        assert f"refused to contact '{foreign.host}'" in res.err
        res = live.cli("pg", "backups", "download", "-a", PG_APP, "-o", str(tmp_path / "b.dump"), env=env)
        assert res.code == 3, res.text
        assert foreign.hits == [] and not (tmp_path / "b.dump").exists()
    finally:
        foreign.close()


# ----------------------------------------------------------------- the store behaves like S3
def _put_url(hk) -> str:
    from hkctl.resources import sources

    return sources.create(hk.client(hk.full_env())).put_url


def _code(resp: httpx.Response) -> str:
    m = re.search(r"<Code>([^<]+)</Code>", resp.text)
    return m.group(1) if m else ""


def test_the_store_rejects_what_s3_rejects(hk):
    url = _put_url(hk)
    with httpx.Client(transport=hk.transport) as http:
        with_token = http.put(url, content=b"x", headers={"Authorization": f"Bearer {hk.token}"})
        assert with_token.status_code == 400 and _code(with_token) == "InvalidArgument"
        assert "Only one auth mechanism allowed" in with_token.text
        typed = http.put(url, content=b"x", headers={"Content-Type": "application/gzip"})
        assert typed.status_code == 403 and _code(typed) == "SignatureDoesNotMatch"
        assert typed.headers["content-type"] == "application/xml"
        forged = http.put(re.sub(r"Signature=[^&]+", "Signature=AAAA", url), content=b"x")
        assert forged.status_code == 403 and _code(forged) == "SignatureDoesNotMatch"
        unsigned = http.put(url.split("?")[0], content=b"x")
        assert unsigned.status_code == 403 and _code(unsigned) == "AccessDenied"
        assert http.put(url, content=b"x").status_code == 200  # as signed: accepted
        hk.sandbox.clock.advance(3601)
        late = http.put(url, content=b"x")
        assert (
            late.status_code == 403 and _code(late) == "AccessDenied" and "Request has expired" in late.text
        )
    assert [r["status"] for r in hk.storage_received()] == [400, 403, 403, 403, 200, 403]


def test_a_backup_url_expires_like_a_presigned_s3_url(hk):
    url = hk.cli("pg", "backups", "url", "-a", PG_APP).out.strip()
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=600" in url
    with httpx.Client(transport=hk.transport) as http:
        assert http.get(url).status_code == 200
        hk.sandbox.clock.advance(601)
        assert "Request has expired" in http.get(url).text


def test_request_log_shows_storage_requests_with_their_headers_but_no_signature(hk, tmp_path):
    hk.cli("pg", "backups", "download", "-a", PG_APP, "-o", str(tmp_path / "b.dump"))
    with httpx.Client(transport=hk.transport, base_url=hk.url) as http:
        log = http.get("/__sandbox__/requests").json()
    storage = [r for r in log if r.get("host") == "storage"]
    assert len(storage) == 1 and storage[0]["headers"]["user-agent"].startswith("hkctl/")
    assert storage[0]["query"]["X-Amz-Signature"] == "…"


# ----------------------------------------------------------------- the two lists
@pytest.mark.parametrize(
    "url",
    [
        "https://s3-external-1.amazonaws.com/heroku-sources-production/abc?Signature=x",
        "https://s3.amazonaws.com/bucket/key",
        "https://xfrtu.s3.amazonaws.com/b/backup.dump",
        "https://my.dotted.bucket.s3.amazonaws.com/k",
        "https://s3.eu-west-1.amazonaws.com/bucket/key",
        "https://s3-eu-west-1.amazonaws.com/bucket/key",
        "https://bucket.s3.us-gov-west-1.amazonaws.com/key",
        "https://build-output.heroku.com/streams/1",
        "https://logs.heroku.com/sessions/1?srv=2",
    ],
)
def test_storage_hosts_are_followed(url):
    Allowlist(Settings.from_env({})).check(url, follow=True)


@pytest.mark.parametrize(
    "url",
    [
        "http://xfrtu.s3.amazonaws.com/b",  # https only
        "https://xfrtu.s3.amazonaws.com:8443/b",  # the default port only
        "https://s3.amazonaws.com.evil.example/b",
        "https://evils3.amazonaws.com/b",
        "https://s3-website-us-east-1.amazonaws.com/b",  # a website endpoint, not the object API
        "https://bucket.s3.evil.amazonaws.com.example/b",
        "https://ec2.amazonaws.com/",
        "https://evilheroku.com/x",
        "https://demo.herokuapp.com/x",  # anyone's app: no followed field hands one back
        "http://127.0.0.1:9000/x",  # a loopback store needs the sandbox setting
    ],
)
def test_other_hosts_are_refused(url):
    with pytest.raises(HostNotAllowed) as err:
        Allowlist(Settings.from_env({})).check(url, follow=True)
    assert "storage host" in str(err.value)


def test_storage_hosts_never_count_as_api_hosts():
    a = Allowlist(Settings.from_env({}))
    assert not a.is_api_host("https://xfrtu.s3.amazonaws.com/b")
    with pytest.raises(HostNotAllowed):
        a.check("https://xfrtu.s3.amazonaws.com/b")  # not handed back: the token never goes there


def test_the_sandbox_storage_setting_admits_only_a_loopback_origin():
    ok = Allowlist(Settings.from_env({"HKCTL_SANDBOX_STORAGE_URL": "http://127.0.0.1:5556"}))
    ok.check("http://127.0.0.1:5556/heroku-sources-production/x", follow=True)
    with pytest.raises(HostNotAllowed):
        ok.check("http://127.0.0.1:5557/x", follow=True)
    with pytest.raises(HostNotAllowed):
        ok.check("http://127.0.0.1:5556/x")  # a storage origin is never an API host
    ignored = Allowlist(Settings.from_env({"HKCTL_SANDBOX_STORAGE_URL": "http://files.example.com"}))
    with pytest.raises(HostNotAllowed):
        ignored.check("http://files.example.com/x", follow=True)


def test_allowed_suffixes_extend_the_storage_list():
    a = Allowlist(Settings.from_env({"HKCTL_ALLOWED_SUFFIXES": "storage.example.net"}))
    a.check("https://eu.storage.example.net/x", follow=True)
    a.check("https://xfrtu.s3.amazonaws.com/b", follow=True)  # the defaults stay


def test_security_md_lists_both_lists():
    from hkctl.config import DATA_API_URL, LEGACY_DATA_API_HOST, PLATFORM_API_URL
    from hkctl.transport.allowlist import STORAGE_HOSTS

    text = (Path(__file__).resolve().parent.parent / "SECURITY.md").read_text()
    section = text[text.index("## Hosts contacted") :].split("\n## ", 1)[0]
    for host in (PLATFORM_API_URL.split("//")[1], DATA_API_URL.split("//")[1], LEGACY_DATA_API_HOST):
        assert f"| `{host}`" in section
    for pattern in STORAGE_HOSTS:
        assert f"`{pattern}`" in section, pattern
    assert "never with a credential" in section and "`HKCTL_ALLOWED_SUFFIXES`" in section
