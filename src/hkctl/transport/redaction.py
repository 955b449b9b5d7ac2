"""Redaction: which parts of a request are secret, and scrubbing secrets from text hkctl did not write.

Two mechanisms, each where it is exact:

- **Structured, by field.** A request body is shown (prompt, plan, `--dry-run`) only after its
  secret fields are replaced: every value of a config-var PATCH, the `env` of a one-off dyno, the
  `environment` of a review app, an app setup's `overrides.env`, an add-on's config items, keys that
  name a secret (`password`, `token`, ...). No text search. An answer `hkctl api` prints is treated
  the same way (`redact_answer`): credential fields always, config values unless revealed.
- **Text from outside**, by value. An API error message, an exception's text or a traceback may
  echo what it was sent, so it is scrubbed of every secret seen (`Redactor.__call__`): the token in
  any letter case, URL-encoded (also twice or more), hex-dumped, fullwidth, as HTML entities, with
  spaces, line breaks or zero-width characters between its letters, and inside base64 (HTTP Basic
  auth); config/env values as whole words. Text hkctl composes itself from names (apps, keys, commands typed) is only checked for the
  token (`Redactor.token_only`): a value such as `production` never turns `demo-production` into
  `demo-[REDACTED]`.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from hkctl.transport.routes import Action

REDACTED = "[REDACTED]"
_SECRET_KEYS = ("private_key", "secret", "password", "token", "authorization", "api_key", "pre_shared_key")
#: action name → body fields (dotted for nested ones) that hold a map of secret values (environment
#: handed to a process)
SECRET_MAPS: Mapping[str, tuple[str, ...]] = {
    "dynos_create": ("env",),
    "review_apps_create": ("environment",),
    "app_setups_create": ("overrides.env",),
}
#: action name → body fields that hold a list of {"name", "value"} items whose values are secret
SECRET_LISTS: Mapping[str, tuple[str, ...]] = {
    "addons_config_update": ("config",),
}
#: route templates whose answer is config: a map name → value, or a list of {"name", "value"}
CONFIG_ANSWERS = ("/config-vars", "/addons/{addon}/config")
MIN_VALUE = 4  # shorter values (`1`, `on`) would scrub ordinary words, and reveal next to nothing
_WORD = r"A-Za-z0-9_\-"  # a value counts only as a whole word: not inside `demo-production`
Replace = Callable[[str, Any], Any]  # (key, secret value) -> what stands in its place


# ------------------------------------------------------------------------- structured, by field
def _is_secret_key(key: str) -> bool:
    return any(s in key.lower() for s in _SECRET_KEYS)


def _walk(body: Any, action: Action, secret: Replace) -> Any:
    """The body, whatever its shape, with every secret value replaced by `secret(key, value)`.

    A body or field of another shape than the API takes (a list where a config map goes, a map where a
    list of {name, value} goes) is redacted whole: the API refuses it, but only after it was shown,
    written to a plan and put in a curl line."""
    if isinstance(body, dict):
        return _map(body, action, secret)
    if action.secret_body:
        return _every(body, secret, "value")
    if action.name in SECRET_LISTS:
        return _secret_list(body, secret, "value")
    return _by_key(body, secret)


def _every(value: Any, secret: Replace, key: str) -> Any:
    """`value` where every value is a secret: each leaf replaced (None stays None)."""
    if value is None:
        return None
    if isinstance(value, dict):
        return {k: _every(v, secret, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_every(v, secret, key) for v in value]
    return secret(key, value)


def _secret_list(value: Any, secret: Replace, key: str) -> Any:
    """A list of {"name", "value"} items with each value replaced; anything else in it redacted whole."""
    if not isinstance(value, list):
        return _every(value, secret, key)
    return [
        _named_value(item, secret)
        if isinstance(item, dict) and "value" in item
        else _every(item, secret, key)
        for item in value
    ]


def _map(body: dict[str, Any], action: Action, secret: Replace) -> dict[str, Any]:
    """The body with every secret value replaced by `secret(key, value)` (None stays None)."""
    if action.secret_body:
        return {k: (None if v is None else secret(k, v)) for k, v in body.items()}
    return _fields(body, action, secret, "")


def _fields(body: dict[str, Any], action: Action, secret: Replace, prefix: str) -> dict[str, Any]:
    maps = SECRET_MAPS.get(action.name, ())
    lists = SECRET_LISTS.get(action.name, ())
    out: dict[str, Any] = {}
    for k, v in body.items():
        where = prefix + k
        if where in maps and isinstance(v, dict):
            out[k] = {ek: (None if ev is None else secret(ek, ev)) for ek, ev in v.items()}
        elif where in maps:
            out[k] = _every(v, secret, k)
        elif where in lists:
            out[k] = _secret_list(v, secret, k)
        elif any(m.startswith(where + ".") for m in (*maps, *lists)):
            # the parent of a secret field: a dict is walked; any other shape may hold it anywhere
            out[k] = _fields(v, action, secret, where + ".") if isinstance(v, dict) else _every(v, secret, k)
        else:
            out[k] = _by_key(v, secret) if not (_is_secret_key(k) and v is not None) else secret(k, v)
    return out


def _named_value(item: Any, secret: Replace) -> Any:
    """A {"name": N, "value": V} item with V replaced by `secret(N, V)` (other shapes by key)."""
    if isinstance(item, dict) and "value" in item and item["value"] is not None:
        return {**item, "value": secret(str(item.get("name") or "value"), item["value"])}
    return _by_key(item, secret)


def _by_key(value: Any, secret: Replace) -> Any:
    if isinstance(value, dict):
        return {
            k: (secret(k, v) if _is_secret_key(k) and v is not None else _by_key(v, secret))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_by_key(v, secret) for v in value]
    return value


def redact_body(action: Action, body: Any) -> Any:
    """The body as it may be shown (prompt, plan): every secret value becomes `[REDACTED]`."""
    if body is None:
        return None
    return _walk(body, action, lambda k, v: REDACTED)


@dataclass(frozen=True)
class Placeholder:
    """A secret value in a curl line, written as a shell variable the person sets before running it."""

    name: str


def _var(key: str) -> str:
    name = re.sub(r"\W", "_", key, flags=re.ASCII).upper() or "SECRET"
    return f"_{name}" if name[0].isdigit() else name


def placeholders(action: Action, body: Any) -> Any:
    """The body for a --dry-run curl line: every secret value becomes a shell variable reference."""
    if body is None:
        return None
    return _walk(body, action, lambda k, v: Placeholder(_var(k)))


def placeholder_names(body: Any) -> list[str]:
    if isinstance(body, Placeholder):
        return [body.name]
    if isinstance(body, dict):
        return [n for v in body.values() for n in placeholder_names(v)]
    if isinstance(body, list):
        return [n for v in body for n in placeholder_names(v)]
    return []


def secret_values(action: Action, body: Any) -> list[str]:
    """The secret values a body carries (for the redactor): what `redact_body` hides, as strings."""
    found: list[str] = []

    def keep(_k: str, v: Any) -> str:
        if isinstance(v, (dict, list)):
            found.extend(str(x) for x in _leaves(v))
        else:
            found.append(str(v))
        return REDACTED

    if body is not None:  # the same rules as redact_body, collecting instead of replacing
        _walk(body, action, keep)
    return found


def _leaves(value: Any) -> Iterable[Any]:
    if isinstance(value, dict):
        for v in value.values():
            yield from _leaves(v)
    elif isinstance(value, list):
        for v in value:
            yield from _leaves(v)
    elif value is not None:
        yield value


def is_config_answer(template: str) -> bool:
    """True when the route's answer is config values (masked unless revealed)."""
    return template.endswith(CONFIG_ANSWERS)


def redact_answer(
    template: str, body: Any, *, reveal: bool = False, mask: str = REDACTED
) -> tuple[Any, list[str]]:
    """An API answer as `hkctl api` prints it, and the secret values it held (for the redactor).

    By field, never by text search: a credential field (`token`, `secret`, `password`, ... holding a
    string: an OAuth authorization's `access_token.token` and `refresh_token.token`, a webhook's
    `secret`, a grant's `code`) is always `[REDACTED]` (no route reveals it); a config answer (a map
    name → value, or an add-on's list of name/value items) shows `mask` for each value unless `reveal`.
    """
    found: list[str] = []

    def hide(_k: str, v: Any) -> Any:
        found.extend(str(x) for x in _leaves(v))
        return REDACTED

    def keep(_k: str, v: Any) -> Any:
        found.extend(str(x) for x in _leaves(v))
        return v

    def masked(_k: str, v: Any) -> Any:
        found.extend(str(x) for x in _leaves(v))
        return mask

    if is_config_answer(template):
        config = keep if reveal else masked
        if isinstance(body, dict):
            return {k: (None if v is None else config(k, v)) for k, v in body.items()}, found
        if isinstance(body, list):
            return [_named_value(item, config) for item in body], found
    return _credentials(body, hide, None), found


def _credentials(value: Any, hide: Replace, parent: str | None) -> Any:
    if isinstance(value, dict):
        return {
            k: (
                hide(k, v)
                if isinstance(v, (str, int, float)) and not isinstance(v, bool) and _is_credential(k, parent)
                else _credentials(v, hide, k)
            )
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_credentials(v, hide, parent) for v in value]
    return value


def _is_credential(key: str, parent: str | None) -> bool:
    return _is_secret_key(key) or (key == "code" and parent == "grant")


def redact_url(url: str) -> str:
    """The URL with its query string (log-session signatures) replaced by `…`."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "…", ""))


# ------------------------------------------------------------------- text from outside, by value
def _base64_fragments(secret: str) -> set[str]:
    """What base64 of `...secret...` always contains, whatever stands before it (`user:` in Basic auth).

    Each of the three alignments of the secret in the encoded bytes gives a fixed run of base64
    characters; the ones touched by the unknown bytes around it are dropped.
    """
    raw = secret.encode()
    found = set()
    for pad in range(3):
        start = -(-(8 * pad) // 6)  # the first character made only of the secret's bits
        end = (8 * (pad + len(raw))) // 6
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            fragment = encode(b"\0" * pad + raw + b"\0\0").decode()[start:end]
            if len(fragment) >= 8:
                found.add(fragment)
    return found


#: what may stand between a credential's characters and still spell it: whitespace (a line break
#: in a wrapped message, spaces) and invisible characters (zero-width space/joiners, word joiner, BOM)
_GAP = r"[\s\u200b\u200c\u200d\u2060\ufeff]*"


def _any_case_or_escape(secret: str) -> str:
    """A pattern for `secret` in any letter case, each character as itself or percent-encoded,
    with whitespace or invisible characters allowed between characters."""
    parts = []
    for ch in secret:
        encoded = "".join(f"%{b:02x}" for b in ch.encode())
        plus = "|\\+" if ch == " " else ""
        parts.append(f"(?:{re.escape(ch)}|{encoded}{plus})")
    return "(?i:" + _GAP.join(parts) + ")"


def _canonical(text: str) -> str:
    """Text as it reads once decoded: NFKC (fullwidth letters become ASCII), HTML entities
    unescaped, and `%25` decoded until none is left (a value percent-encoded twice or more)."""
    text = unicodedata.normalize("NFKC", text)
    if "&" in text:
        import html  # its entity table costs ~1 ms: only text that holds an entity needs it

        text = html.unescape(text)
    for _ in range(8):
        if "%25" not in text:
            break
        text = text.replace("%25", "%")
    return text


class Redactor:
    """Removes known secrets (the token, config and env values seen) from text hkctl did not compose."""

    def __init__(self) -> None:
        self._anycase: set[str] = set()  # credentials: matched anywhere, any case, percent-encoded or not
        self._exact: set[str] = set()  # base64 fragments: case matters in base64
        self._words: set[str] = set()  # values: matched as whole words
        # Threads share one redactor (fleet reads config on several). The lock guards the sets and the
        # generation, which every add bumps; a pattern is compiled outside it from a snapshot and kept
        # with the generation it saw, so one compiled before an add is never used after it.
        self._lock = threading.RLock()
        self._generation = 0
        self._token_re: tuple[int, re.Pattern[str] | None] | None = None
        self._words_re: tuple[int, re.Pattern[str] | None] | None = None

    def add_token(self, *tokens: str | None) -> None:
        """Register a credential: scrubbed everywhere, in any case and encoding, even from names."""
        for token in tokens:
            token = (token or "").strip()
            if len(token) < 8:
                self.add(token)  # too short to match anywhere without eating ordinary words
                continue
            fragments = _base64_fragments(token)
            with self._lock:
                self._anycase.add(token)
                self._anycase.add(token.encode().hex())  # hex-dumped (matched in any case)
                self._exact |= fragments
                self._generation += 1

    def add(self, *secrets: str | None) -> None:
        """Register secret values (config values, --env values): scrubbed from outside text as whole words."""
        for s in secrets:
            if not s or len(s) < MIN_VALUE:
                continue
            forms = {s, json.dumps(s)[1:-1], json.dumps(s, ensure_ascii=False)[1:-1], quote(s, safe="")}
            kept = {f for f in forms if len(f) >= MIN_VALUE}
            with self._lock:
                self._words |= kept
                self._generation += 1

    def add_many(self, secrets: Iterable[str | None]) -> None:
        self.add(*secrets)

    def _token_pattern(self) -> re.Pattern[str] | None:
        with self._lock:
            generation, cached = self._generation, self._token_re
            if cached is not None and cached[0] == generation:
                return cached[1]
            anycase, exact = list(self._anycase), list(self._exact)
        pattern = None
        if anycase or exact:
            alternatives = [_any_case_or_escape(s) for s in sorted(anycase, key=len, reverse=True)]
            alternatives += [re.escape(s) for s in sorted(exact, key=len, reverse=True)]
            pattern = re.compile("|".join(alternatives))
        self._token_re = (generation, pattern)
        return pattern

    def _words_pattern(self) -> re.Pattern[str] | None:
        with self._lock:
            generation, cached = self._generation, self._words_re
            if cached is not None and cached[0] == generation:
                return cached[1]
            words = list(self._words)
        pattern = None
        if words:
            body = "|".join(re.escape(s) for s in sorted(words, key=len, reverse=True))
            pattern = re.compile(f"(?<![{_WORD}])(?:{body})(?![{_WORD}])")
        self._words_re = (generation, pattern)
        return pattern

    def token_only(self, text: str) -> str:
        """Text hkctl composed from names: only credentials are scrubbed (names stay intact).

        A credential found only once the text is decoded (fullwidth, HTML entities, percent-encoded
        twice, see `_canonical`) is scrubbed from the decoded text, which is what is returned then.
        """
        pattern = self._token_pattern()
        if pattern is None:
            return text
        out = pattern.sub(REDACTED, text)
        decoded = _canonical(out)
        if decoded != out and pattern.search(decoded):
            out = pattern.sub(REDACTED, decoded)
        return out

    def __call__(self, text: str) -> str:
        """Text from outside (API messages, exceptions, tracebacks): every known secret is scrubbed."""
        text = self.token_only(text)
        pattern = self._words_pattern()
        return pattern.sub(REDACTED, text) if pattern else text
