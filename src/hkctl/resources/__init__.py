"""One module per API resource family: plain typed functions over an injected HerokuClient.

Each function's docstring names the endpoint it calls and the errors peculiar to it. Common to all:
bad input is UsageError (exit 2) before anything is sent; an API error is the ApiError subclass of its
status (NotFound 404, Forbidden 403, InvalidParams 422, RateLimited 429, ServerError 5xx);
TransportError when the API cannot be reached; a write may also raise GuardRefused (exit 3: readonly,
declined, no terminal to ask) or Stopped (--dry-run/--plan: shown or recorded, not sent).

from hkctl import client_from_env
from hkctl.resources import apps
with client_from_env() as client:
    print(apps.info(client, "my-app").region)
"""
