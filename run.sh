#!/usr/bin/env bash
# Serves Bkmark on http://localhost:7071 with the local host (no Azure Functions Core Tools needed),
# against Azurite on its default ports (10000-10002), so `func start` could share the same Azurite, and
# MailDev (SMTP 127.0.0.1:1025, inbox http://127.0.0.1:1080), where every email the app sends arrives.
# Azurite keeps its data in .azurite/ (git-ignored) across restarts. Ctrl-C stops what it started.
# An Azurite or MailDev already listening on its port is used as it is (a second copy shares them).
#   LocalHost__FunctionKey   key for function-level routes (default: local-dev-function-key)
#   LocalHost__MasterKey     the master key: function-level routes and POST /admin/functions/{name}
#                            (default: local-dev-master-key)
#   LocalHost__TrustedNetworks  proxies whose X-Forwarded-For/-Proto are believed (CIDR list; default
#                            loopback and private ranges; empty trusts none)
#   ASPNETCORE_URLS          to listen elsewhere than http://localhost:7071
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

# Each background job gets its own process group, so stopping `dotnet run` also stops the app it started.
set -m

AZURITE_PID=""
MAILDEV_PID=""
IDP_PID=""
APP_PID=""

log() { echo "run.sh: $*" >&2; }

source scripts/processes.sh

cleanup() {
  if [[ -n "$APP_PID" ]]; then
    stop_group "$APP_PID"
  fi
  if [[ -n "$AZURITE_PID" ]]; then
    stop_azurite_group "$AZURITE_PID"
  fi
  if [[ -n "$MAILDEV_PID" ]]; then
    stop_group "$MAILDEV_PID"
  fi
  if [[ -n "$IDP_PID" ]]; then
    stop_group "$IDP_PID"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ ! -x node_modules/.bin/azurite || ! -x node_modules/.bin/maildev ]]; then
  log "installing Azurite and MailDev (npm ci)"
  npm ci --no-audit --no-fund >&2
fi

if port_open 10002; then
  log "something already listens on 127.0.0.1:10002; using it as Azurite"
else
  mkdir -p .azurite
  node_modules/.bin/azurite --silent --skipApiVersionCheck --disableTelemetry --location .azurite \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 &
  AZURITE_PID=$!
  for _ in $(seq 1 150); do
    port_open 10002 && break
    if ! kill -0 "$AZURITE_PID" 2>/dev/null; then
      log "Azurite exited before it listened on 10002"
      exit 1
    fi
    sleep 0.2
  done
  port_open 10002 || { log "Azurite did not listen on 10002 within 30 s"; exit 1; }
  log "Azurite on 127.0.0.1:10000-10002 (data in .azurite/)"
fi

if port_open 1025; then
  log "something already listens on 127.0.0.1:1025; using it as MailDev (its inbox is usually http://127.0.0.1:1080)"
else
  node_modules/.bin/maildev --silent --ip 127.0.0.1 --smtp 1025 --web-ip 127.0.0.1 --web 1080 >/dev/null 2>&1 &
  MAILDEV_PID=$!
  wait_for_ports "$MAILDEV_PID" 1025 1080 || { log "MailDev did not listen on 1025 and 1080 within 30 s"; exit 1; }
  log "MailDev: SMTP on 127.0.0.1:1025; the emails the app sends are at http://127.0.0.1:1080"
fi

# The Local IdP (scripts/local-idp.mjs): "Sign in with Local IdP" on the page; any email and password sign in.
if port_open 7300; then
  log "something already listens on 127.0.0.1:7300; using it as the Local IdP"
else
  node scripts/local-idp.mjs &
  IDP_PID=$!
  for _ in $(seq 1 100); do
    port_open 7300 && break
    sleep 0.2
  done
  port_open 7300 || { log "the Local IdP did not listen on 7300 within 20 s"; exit 1; }
fi
export Social__Providers__local__Authority="${Social__Providers__local__Authority:-http://127.0.0.1:7300}"
export Social__Providers__local__ClientId="${Social__Providers__local__ClientId:-bkmark-local}"
export Social__Providers__local__DisplayName="${Social__Providers__local__DisplayName:-Local IdP}"

export LocalHost__FunctionKey="${LocalHost__FunctionKey:-local-dev-function-key}"
export LocalHost__MasterKey="${LocalHost__MasterKey:-local-dev-master-key}"
# The leak route is anonymous to the host (GitHub signs its reports and sends no key); its reporters' key is the same here.
export LeakReports__FunctionKey="${LeakReports__FunctionKey:-$LocalHost__FunctionKey}"
log "function key (x-functions-key): $LocalHost__FunctionKey"
log "master key (x-functions-key on /admin/functions/{name}): $LocalHost__MasterKey"
log "serving on ${ASPNETCORE_URLS:-http://localhost:7071}"

# A secret's name has dashes, which no shell variable may: env passes it (the Local IdP's development secret).
env "Secrets__social-local-client-secret=${LOCAL_IDP_CLIENT_SECRET:-local-idp-dev-secret}" \
  ASPNETCORE_ENVIRONMENT=Development dotnet run --project Bkmark.LocalHost -c Release &
APP_PID=$!
# `wait` (unlike a foreground command) lets the INT/TERM traps run at once.
app_status=0
wait "$APP_PID" || app_status=$?
APP_PID=""
exit "$app_status"
