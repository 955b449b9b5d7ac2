"""What an OAuth scope lets a token do, as the platform grants it: the sandbox's own table.

It is deliberately not derived from the client's intent table (`hkctl.transport.routes`, used by
the guard): an emulator that reused the client's idea of a write could not catch the client being
wrong. Only the route templates are shared. The scopes (Dev Center, "OAuth", scopes):

- `global`: everything, as the account's API key;
- `identity`: reading the account's own information, nothing else;
- `read`, `write`: apps and their resources, except config vars (runtime secrets);
- `read-protected`, `write-protected`: the same, config vars included.
"""

from __future__ import annotations

IDENTITY, READ, WRITE, READ_PROTECTED, WRITE_PROTECTED = (
    "identity",
    "read",
    "write",
    "read-protected",
    "write-protected",
)

#: scope -> the kinds of access it grants
GRANTS: dict[str, frozenset[str]] = {
    "global": frozenset({IDENTITY, READ, WRITE, READ_PROTECTED, WRITE_PROTECTED}),
    "write-protected": frozenset({IDENTITY, READ, WRITE, READ_PROTECTED, WRITE_PROTECTED}),
    "read-protected": frozenset({IDENTITY, READ, READ_PROTECTED}),
    "write": frozenset({IDENTITY, READ, WRITE}),
    "read": frozenset({IDENTITY, READ}),
    "identity": frozenset({IDENTITY}),
}

#: Templates whose values are runtime secrets: reading needs read-protected, changing write-protected.
PROTECTED = frozenset({"/apps/{app}/config-vars", "/apps/{app}/releases/{release}/config-vars"})

#: The account's own information, the one thing an `identity` token opens.
ACCOUNT_INFO = frozenset({("GET", "/account")})

#: POSTs the platform serves as queries: they change nothing, so a read token may send them.
QUERIES = frozenset(
    {
        ("POST", "/filters/apps"),
        ("POST", "/actions/addons/resolve"),
        ("POST", "/actions/addon-attachments/resolve"),
        ("POST", "/apps/{app}/log-sessions"),
        ("POST", "/client/v11/apps/{app}/transfers/{transfer}/actions/public-url"),
    }
)


def needed(method: str, template: str) -> str:
    """The access a request to (method, route template) needs: identity, read, write, or a protected one."""
    reads = method in ("GET", "HEAD") or (method, template) in QUERIES
    if template in PROTECTED:
        return READ_PROTECTED if reads else WRITE_PROTECTED
    if (method, template) in ACCOUNT_INFO:
        return IDENTITY
    return READ if reads else WRITE


def allows(scopes: list[str] | set[str], method: str, template: str) -> bool:
    """True when any of the token's `scopes` grants what the request needs."""
    need = needed(method, template)
    return any(need in GRANTS.get(scope, ()) for scope in scopes)
