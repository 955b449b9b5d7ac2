"""Review apps: a pipeline's review-app config (enable/update), and review apps (list, create, destroy).

Config writes carry `Accept: ...; version=3.review-apps`, as the official CLI sends them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hkctl.errors import NotFound, UsageError
from hkctl.resources._record import Record, is_uuid
from hkctl.transport.paths import seg

if TYPE_CHECKING:
    from hkctl.transport.client import HerokuClient

REVIEW_APPS_ACCEPT = "3.review-apps"
REPO = re.compile(r"^[\w.-]+/[\w.-]+$")


@dataclass(frozen=True, kw_only=True)
class ReviewAppConfig(Record):
    """A pipeline's review-app config (API object `review-app-config`); `stale_days` in days."""

    pipeline_id: str
    automatic_review_apps: bool
    destroy_stale_apps: bool
    stale_days: int | None
    wait_for_ci: bool
    base_name: str | None

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> ReviewAppConfig:
        return cls(
            raw=d,
            pipeline_id=d["pipeline_id"],
            automatic_review_apps=bool(d.get("automatic_review_apps")),
            destroy_stale_apps=bool(d.get("destroy_stale_apps")),
            stale_days=d.get("stale_days"),
            wait_for_ci=bool(d.get("wait_for_ci")),
            base_name=d.get("base_name"),
        )


@dataclass(frozen=True, kw_only=True)
class ReviewApp(Record):
    """A review app (API object `review-app`): the branch / pull request it builds, its app, its status."""

    id: str
    app_id: str | None
    branch: str
    pr_number: int | None
    status: str
    created_at: str | None

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> ReviewApp:
        return cls(
            raw=d,
            id=d["id"],
            app_id=(d.get("app") or {}).get("id"),
            branch=d["branch"],
            pr_number=d.get("pr_number"),
            status=d["status"],
            created_at=d.get("created_at"),
        )


def config(client: HerokuClient, pipeline_id: str) -> ReviewAppConfig | None:
    """The pipeline's review-app config (GET /pipelines/{id}/review-app-config), or None when review apps are
    not enabled (404)."""
    try:
        body = client.get(f"/pipelines/{seg(pipeline_id)}/review-app-config", action="review_app_config_info")
    except NotFound:
        return None
    return ReviewAppConfig.from_api(body)


def configure(
    client: HerokuClient, pipeline_id: str, *, repo: str | None = None, **settings: Any
) -> ReviewAppConfig:
    """Enable review apps (POST, needs `repo`) or change their settings (PATCH) when already enabled:
    POST|PATCH /pipelines/{id}/review-app-config, Accept version=3.review-apps (read first with a GET).

    settings: automatic_review_apps, destroy_stale_apps, stale_days (1-30), wait_for_ci, base_name (None =
    keep). UsageError (exit 2, nothing written) for an unknown setting, a bad --stale-days, a missing or
    changed repo, or nothing to change.
    """
    allowed = {"automatic_review_apps", "destroy_stale_apps", "stale_days", "wait_for_ci", "base_name"}
    unknown = set(settings) - allowed
    if unknown:
        raise UsageError(f"unknown review-app settings: {', '.join(sorted(unknown))}")
    body: dict[str, Any] = {k: v for k, v in settings.items() if v is not None}
    if "stale_days" in body and not 1 <= int(body["stale_days"]) <= 30:
        raise UsageError("--stale-days must be from 1 to 30")
    path = f"/pipelines/{seg(pipeline_id)}/review-app-config"
    if config(client, pipeline_id) is None:
        if not repo or not REPO.match(repo):
            raise UsageError(
                "review apps are not enabled on this pipeline: give --repo OWNER/NAME to enable them"
            )
        body = {"repo": repo, **body}
        action, method = "review_app_config_enable", "POST"
    else:
        if repo:
            raise UsageError("the repository cannot be changed once review apps are enabled")
        if not body:
            raise UsageError("nothing to change: give at least one setting")
        action, method = "review_app_config_update", "PATCH"
    return ReviewAppConfig.from_api(
        client.json(method, path, body=body, action=action, accept=REVIEW_APPS_ACCEPT)
    )


def list_(client: HerokuClient, pipeline_id: str) -> list[ReviewApp]:
    """The pipeline's review apps (GET /pipelines/{id}/review-apps, every page); NotFound for an
    unknown pipeline."""
    items = client.paginate(f"/pipelines/{seg(pipeline_id)}/review-apps", action="review_apps_list")
    return [ReviewApp.from_api(r) for r in items]


def info(client: HerokuClient, review_app_id: str) -> ReviewApp:
    """One review app by id (GET /review-apps/{id}); UsageError (exit 2) for an id that is not a UUID,
    NotFound for an unknown one."""
    if not is_uuid(review_app_id):
        raise UsageError(f"invalid review app id {review_app_id!r}: a UUID is expected")
    return ReviewApp.from_api(client.get(f"/review-apps/{seg(review_app_id)}", action="review_apps_info"))


def create(
    client: HerokuClient,
    pipeline_id: str,
    branch: str,
    source_url: str,
    *,
    pr_number: int | None = None,
    environment: dict[str, str] | None = None,
) -> ReviewApp:
    """Create a review app of `branch` from a tarball URL (POST /review-apps {branch, pipeline, source_blob,
    pr_number?, environment?}); UsageError (exit 2, nothing sent) for no branch or a non-http(s) URL."""
    if not branch:
        raise UsageError("--branch is required")
    if not source_url.startswith(("https://", "http://")):
        raise UsageError(f"invalid --source-url {source_url!r}: a tarball URL is expected")
    body: dict[str, Any] = {"branch": branch, "pipeline": pipeline_id, "source_blob": {"url": source_url}}
    if pr_number is not None:
        body["pr_number"] = pr_number
    if environment:
        body["environment"] = environment
    return ReviewApp.from_api(
        client.json(
            "POST",
            "/review-apps",
            body=body,
            action="review_apps_create",
        )
    )


def destroy(client: HerokuClient, review_app_id: str, *, app_name: str | None = None) -> ReviewApp:
    """Delete a review app and its app (DELETE /review-apps/{id}; destructive: the guard asks for the app's
    name). UsageError (exit 2) for an id that is not a UUID; NotFound for an unknown one."""
    if not is_uuid(review_app_id):
        raise UsageError(f"invalid review app id {review_app_id!r}: a UUID is expected")
    return ReviewApp.from_api(
        client.json(
            "DELETE",
            f"/review-apps/{seg(review_app_id)}",
            action="review_apps_destroy",
        )
    )
