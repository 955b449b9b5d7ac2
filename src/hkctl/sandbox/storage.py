"""The sandbox's simulated object store: presigned URLs that behave like Amazon S3's.

Real Heroku hands back presigned S3 URLs for source uploads (`POST /sources`, query-string
`AWSAccessKeyId`/`Expires`/`Signature`, path style on `s3-external-1.amazonaws.com`) and for backup
downloads (`X-Amz-*` SigV4 form, virtual-hosted bucket). The sandbox serves the same shapes on its
own storage origin (a second loopback port, or `http://s3.localhost` in process) and judges them as
S3 does: the query signature is the only credential, so a request that also carries an
`Authorization` header, a signature that does not match (a `Content-Type` that was not signed
changes what is signed), or an expired URL gets S3's XML error and status.

Objects: `heroku-sources-production/<source-id>` (source blobs, PUT then GET) and
`xfrtu/<transfer-uuid>/backup.dump` (backup files, GET).
"""

from __future__ import annotations

import base64
import calendar
import hashlib
import hmac
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode, urlsplit

from starlette.responses import Response

if TYPE_CHECKING:
    from hkctl.sandbox.app import Sandbox

ACCESS_KEY = "AKIASANDBOXEXAMPLE01"
SOURCES_BUCKET = "heroku-sources-production"
BACKUPS_BUCKET = "xfrtu"
REGION = "us-east-1"
SOURCE_TTL = 3600  # seconds: how long a source put_url/get_url is valid (Heroku: about an hour)
BACKUP_TTL = 600  # seconds: a backup's public URL (pg:backups:url says 10 minutes)
MAX_BYTES = 50 * 1024 * 1024


def _secret(sb: Sandbox) -> bytes:
    """A per-sandbox signing key (stable for the sandbox's lifetime)."""
    key = getattr(sb, "_storage_secret", None)
    if key is None:
        key = hashlib.sha256(f"{id(sb)}:{time.time_ns()}".encode()).digest()
        sb._storage_secret = key  # type: ignore[attr-defined]
    return key


def _v2_sign(sb: Sandbox, method: str, content_type: str, expires: int, resource: str) -> str:
    string_to_sign = f"{method}\n\n{content_type}\n{expires}\n{resource}"
    digest = hmac.new(_secret(sb), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def _v4_sign(sb: Sandbox, method: str, path: str, query: dict[str, str], host: str) -> str:
    canonical_query = "&".join(
        f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in sorted(query.items()) if k != "X-Amz-Signature"
    )
    canonical = f"{method}\n{path}\n{canonical_query}\nhost:{host}\n\nhost\nUNSIGNED-PAYLOAD"
    return hmac.new(_secret(sb), canonical.encode(), hashlib.sha256).hexdigest()


def presign_source(sb: Sandbox, source_id: str, method: str) -> str:
    """A SigV2 query-string URL for a source blob (signed for an empty Content-Type)."""
    base = storage_origin(sb)
    resource = f"/{SOURCES_BUCKET}/{source_id}"
    expires = int(sb.clock.now()) + SOURCE_TTL
    sig = _v2_sign(sb, method, "", expires, resource)
    query = urlencode({"AWSAccessKeyId": ACCESS_KEY, "Expires": str(expires), "Signature": sig})
    return f"{base}{resource}?{query}"


def presign_backup(sb: Sandbox, transfer_uuid: str) -> tuple[str, float]:
    """A SigV4 query-string GET URL for a backup file, and when it expires."""
    base = storage_origin(sb)
    path = f"/{BACKUPS_BUCKET}/{transfer_uuid}/backup.dump"
    now = sb.clock.now()
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now))
    query = {
        "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
        "X-Amz-Credential": f"{ACCESS_KEY}/{stamp[:8]}/{REGION}/s3/aws4_request",
        "X-Amz-Date": stamp,
        "X-Amz-Expires": str(BACKUP_TTL),
        "X-Amz-SignedHeaders": "host",
    }
    query["X-Amz-Signature"] = _v4_sign(sb, "GET", path, query, urlsplit(base).netloc)
    return f"{base}{path}?{urlencode(query)}", now + BACKUP_TTL


def storage_origin(sb: Sandbox) -> str:
    """Where the simulated object store answers (falls back to the API origin when it has none)."""
    return (sb.storage_url or sb.public_url).rstrip("/")


def is_storage_url(sb: Sandbox, url: str) -> bool:
    return bool(sb.storage_url) and urlsplit(url).netloc == urlsplit(sb.storage_url or "").netloc


# ------------------------------------------------------------------ answers
def s3_error(status: int, code: str, message: str, **extra: str) -> Response:
    """An S3 error: XML body `<Error><Code>…</Code><Message>…</Message>…</Error>`."""
    fields = "".join(f"<{k}>{v}</{k}>" for k, v in {"Code": code, "Message": message, **extra}.items())
    body = f'<?xml version="1.0" encoding="UTF-8"?>\n<Error>{fields}<RequestId>SANDBOX</RequestId></Error>'
    return Response(body.encode(), status_code=status, media_type="application/xml")


def _mismatch() -> Response:
    return s3_error(
        403,
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided. "
        "Check your key and signing method.",
    )


def verify(
    sb: Sandbox, method: str, path: str, query: dict[str, str], headers: dict[str, str]
) -> Response | None:
    """None when the presigned request is acceptable; else S3's error answer."""
    v4 = "X-Amz-Signature" in query or "X-Amz-Algorithm" in query
    if "authorization" in headers and (v4 or "Signature" in query):
        return s3_error(
            400,
            "InvalidArgument",
            "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query "
            "string parameter or the Authorization header should be specified",
            ArgumentName="Authorization",
        )
    if "authorization" in headers:  # a credential the object store does not know (a Heroku token)
        return s3_error(
            400, "InvalidArgument", "Unsupported Authorization Type", ArgumentName="Authorization"
        )
    now = sb.clock.now()
    if v4:
        try:
            signed_at = calendar.timegm(time.strptime(query["X-Amz-Date"], "%Y%m%dT%H%M%SZ"))
            expires_at = signed_at + int(query["X-Amz-Expires"])
        except (KeyError, ValueError):
            return s3_error(
                403, "AccessDenied", "Query-string authentication requires the X-Amz-Date parameter"
            )
        if query.get("X-Amz-Signature") != _v4_sign(sb, method, path, query, headers.get("host", "")):
            return _mismatch()
        if now > expires_at:
            return s3_error(403, "AccessDenied", "Request has expired", X_Amz_Expires=query["X-Amz-Expires"])
        return None
    if "Signature" not in query or "Expires" not in query:
        return s3_error(403, "AccessDenied", "Access Denied")
    try:
        expires = int(query["Expires"])
    except ValueError:
        return s3_error(403, "AccessDenied", "Access Denied")
    content_type = headers.get("content-type", "")
    if query["Signature"] != _v2_sign(sb, method, content_type, expires, path):
        return _mismatch()
    if now > expires:
        return s3_error(403, "AccessDenied", "Request has expired", Expires=str(expires))
    return None


def handle(
    sb: Sandbox, method: str, path: str, query: dict[str, str], headers: dict[str, str], raw: bytes
) -> Response:
    """Serve one request to the simulated object store (the caller logs it)."""
    parts = path.strip("/").split("/")
    if method not in ("GET", "PUT", "HEAD"):
        return s3_error(405, "MethodNotAllowed", "The specified method is not allowed against this resource.")
    denied = verify(sb, "GET" if method == "HEAD" else method, path, query, headers)
    if denied is not None:
        return denied
    with sb.store.tx():
        if len(parts) == 2 and parts[0] == SOURCES_BUCKET:
            return _source(sb, method, parts[1], raw)
        if len(parts) == 3 and parts[0] == BACKUPS_BUCKET and parts[2] == "backup.dump" and method != "PUT":
            return _backup(sb, parts[1])
    return s3_error(404, "NoSuchKey", "The specified key does not exist.", Key="/".join(parts[1:]))


def _source(sb: Sandbox, method: str, source_id: str, raw: bytes) -> Response:
    blob = sb.store.get("source-blob", source_id)
    if blob is None:
        return s3_error(404, "NoSuchKey", "The specified key does not exist.", Key=source_id)
    if method == "PUT":
        if len(raw) > MAX_BYTES:
            return s3_error(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
        blob["_data"] = base64.b64encode(raw).decode()
        sb.store.put("source-blob", blob)
        etag = hashlib.md5(raw).hexdigest()  # noqa: S324 (S3's ETag is the MD5 of the object)
        return Response(b"", status_code=200, headers={"ETag": f'"{etag}"'})
    if blob.get("_data") is None:
        return s3_error(404, "NoSuchKey", "The specified key does not exist.", Key=source_id)
    return Response(base64.b64decode(blob["_data"]), media_type="application/octet-stream")


def _backup(sb: Sandbox, transfer_uuid: str) -> Response:
    from hkctl.sandbox.backend import postgres as pg

    doc = sb.store.get("pg-transfer", transfer_uuid)
    if doc is None or not doc.get("succeeded"):
        return s3_error(
            404, "NoSuchKey", "The specified key does not exist.", Key=f"{transfer_uuid}/backup.dump"
        )
    data = pg.backup_bytes(doc)
    cut = doc.pop("_truncate_at", None)
    if cut is not None:  # a one-shot fault: the connection "drops" after `cut` bytes
        sb.store.put("pg-transfer", doc)
        data = data[: int(cut)]
    return Response(data, media_type="application/octet-stream")


def log_entry(method: str, path: str, headers: dict[str, str], query: dict[str, Any]) -> dict[str, Any]:
    """What the request log records for a storage request: the headers it received (never the query's signature)."""
    return {
        "host": "storage",
        "method": method,
        "path": path,
        "query": {k: ("…" if "signature" in k.lower() else v) for k, v in query.items()},
        "headers": dict(headers),
    }
