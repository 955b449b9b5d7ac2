#!/bin/bash
# health.sh — Quick health check via Heroku Platform API
# Usage: ./health.sh [staging|production]
# (The spec's §15 script, verbatim except for its base URL: HEROKU_API_URL, default api.heroku.com,
#  so that bench/bench_health.py can point it at the sandbox.)
ENV="${1:-staging}"
APP="my-app-${ENV}"
HEROKU_API_URL="${HEROKU_API_URL:-https://api.heroku.com}"
heroku_api() {
local method="${1:-GET}" endpoint="$2" data="${3:-}" extra="${4:-}"
local args=(-sf -X "$method"
-H "Authorization: Bearer $HEROKU_API_KEY"
-H "Accept: application/vnd.heroku+json; version=3"
-H "Content-Type: application/json" -m 30)
[[ -n "$extra" ]] && args+=(-H "$extra")
[[ -n "$data" ]] && args+=(-d "$data")
curl "${args[@]}" "${HEROKU_API_URL}${endpoint}"
}
echo "╔══════════════════════════════════════════╗"
echo "║ Health Check — $ENV"
echo "╚══════════════════════════════════════════╝"
echo ""
echo "── App ──"
heroku_api GET "/apps/$APP" | jq -r '" Name: \(.name)\n Region: \(.region.name)\n Stack: \(.stack.name)\n Maintenance: \(.maintenance)\n Updated: \(.updated_at)"'
echo ""
echo "── Dynos ──"
heroku_api GET "/apps/$APP/formation" | \
jq -r '.[] | " \(.type): \(.quantity)x \(.size) — \(.command[:60])"'
echo ""
echo "── Latest Release ──"
heroku_api GET "/apps/$APP/releases" "" "Range: version ..; order=desc, max=1" | \
jq -r '.[0] | " Version: \(.version)\n Status: \(.status)\n By: \(.user.email)\n At: \(.created_at)\n Desc: \(.description)"'
echo ""
echo "── Add-ons ──"
heroku_api GET "/apps/$APP/addons" | \
jq -r '.[] | " \(.addon_service.name): \(.plan.name) [\(.state)]"'
echo ""
echo "── Domains ──"
heroku_api GET "/apps/$APP/domains" | \
jq -r '.[] | " \(.hostname) (\(.kind)) — \(.status)"'
echo ""
echo "── Recent Releases (last 5) ──"
heroku_api GET "/apps/$APP/releases" "" "Range: version ..; order=desc, max=5" | \
jq -r '.[] | " \(.version) | \(.status) | \(.description[:50]) | \(.created_at)"'
