"""One module per API resource family: plain typed functions over an injected HerokuClient.

from hkctl import client_from_env
from hkctl.resources import apps
with client_from_env() as client:
    print(apps.info(client, "my-app").region)
"""
