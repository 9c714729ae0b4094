#!/usr/bin/env bash
# Builds the solution and runs every test against a private, in-memory Azurite (tables and queues) and a
# private MailDev (SMTP and its inbox API), each on free ports, so several people (or CI jobs) can run it
# at once on one machine. Extra arguments go to `dotnet test`:
#   ./test.sh --filter "FullyQualifiedName~ApiKeys"
# A run without arguments has two legs: every test with the tables in one storage account, then the subset in
# TWO_ACCOUNTS_FILTER again with the tables spread over two accounts (a second Azurite table service, DESIGN.md §19).
# A filtered run is one leg; BKMARK_TEST_ACCOUNTS=2 ./test.sh --filter ... runs it on two accounts.
# Checks the house style (.editorconfig) with `dotnet format --verify-no-changes` (a filtered run skips that).
# Ends with exactly one line "N passed, N failed" (both legs added up); exits non-zero if a test failed, dotnet failed,
# the style check failed, or no test ran.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

RESULTS_DIR=test-output
AZURITE_PID=""
AZURITE_QUEUE_PID=""
AZURITE_SECOND_PID=""
MAILDEV_PID=""
MAILDEV_DIR=""
IDP_PID=""
PASSED=0
FAILED=0

log() { echo "test.sh: $*" >&2; }

# stop_pid PID: TERM first; KILL if it has not gone within 10 s.
stop_pid() {
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

stop_azurite() {
  [[ -z "$AZURITE_PID" ]] || stop_pid "$AZURITE_PID"
  [[ -z "$AZURITE_QUEUE_PID" ]] || stop_pid "$AZURITE_QUEUE_PID"
  [[ -z "$AZURITE_SECOND_PID" ]] || stop_pid "$AZURITE_SECOND_PID"
  AZURITE_PID=""
  AZURITE_QUEUE_PID=""
  AZURITE_SECOND_PID=""
}

stop_maildev() {
  stop_pid "$MAILDEV_PID"
  MAILDEV_PID=""
}

cleanup() {
  if [[ -n "$AZURITE_PID$AZURITE_QUEUE_PID$AZURITE_SECOND_PID" ]]; then
    stop_azurite
  fi
  if [[ -n "$MAILDEV_PID" ]]; then
    stop_maildev
  fi
  if [[ -n "$MAILDEV_DIR" ]]; then
    rm -rf "$MAILDEV_DIR"
  fi
  if [[ -n "$IDP_PID" ]]; then
    kill -TERM "$IDP_PID" 2>/dev/null || true
    wait "$IDP_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT
# Make INT/TERM run the EXIT trap, so Azurite never outlives the script.
trap 'exit 130' INT
trap 'exit 143' TERM

ensure_node_modules() {
  if [[ ! -x node_modules/.bin/azurite-table || ! -x node_modules/.bin/azurite-queue || ! -x node_modules/.bin/maildev || ! -x node_modules/.bin/httpyac ]]; then
    log "installing Azurite, MailDev and httpyac (npm ci)"
    npm ci --no-audit --no-fund >&2
  fi
}

# Chromium drives the Playwright browser tests (a later issue). apt-get runs only when it is missing;
# if it cannot be installed the run fails here, with a message, rather than in the middle of a test.
ensure_chromium() {
  if [[ -x /usr/bin/chromium ]]; then
    return 0
  fi
  log "installing chromium (apt-get) for the browser tests"
  local sudo=""
  if [[ $(id -u) -ne 0 ]]; then
    sudo="sudo"
  fi
  # Others may be running apt on this machine: wait for its locks instead of failing at once.
  local wait_for_lock=(-o DPkg::Lock::Timeout=600)
  if ! { $sudo apt-get "${wait_for_lock[@]}" update -qq &&
         DEBIAN_FRONTEND=noninteractive $sudo apt-get "${wait_for_lock[@]}" install -y -qq chromium; } >&2; then
    log "could not install chromium: run 'apt-get update && apt-get install -y chromium' as root, then retry"
    exit 1
  fi
}

# A port nobody listens on now. Another process could take it before ours does; the starters retry.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Azurite's table and queue services, in memory, each on a free port and in its own process: one Node event
# loop per service, so the queue triggers' polling never slows the table requests the tests count and time.
start_azurite() {
  local attempt table_port queue_port
  for attempt in 1 2 3; do
    table_port=$(free_port); queue_port=$(free_port)
    node_modules/.bin/azurite-table --inMemoryPersistence --skipApiVersionCheck --disableTelemetry --silent \
      --tableHost 127.0.0.1 --tablePort "$table_port" >&2 &
    AZURITE_PID=$!
    node_modules/.bin/azurite-queue --inMemoryPersistence --skipApiVersionCheck --disableTelemetry --silent \
      --queueHost 127.0.0.1 --queuePort "$queue_port" >&2 &
    AZURITE_QUEUE_PID=$!
    if wait_for_ports "$AZURITE_PID" "$table_port" && wait_for_ports "$AZURITE_QUEUE_PID" "$queue_port"; then
      AZURITE_TABLE_PORT=$table_port
      AZURITE_QUEUE_PORT=$queue_port
      return 0
    fi
    log "Azurite did not start on ports $table_port/$queue_port (attempt $attempt)"
    stop_azurite
  done
  log "could not start Azurite"
  return 1
}

# A second Azurite table service (in memory, free port, its own process): the tables' second storage account when
# the tests spread them over two.
start_second_azurite() {
  local attempt port
  for attempt in 1 2 3; do
    port=$(free_port)
    node_modules/.bin/azurite-table --inMemoryPersistence --skipApiVersionCheck --disableTelemetry --silent \
      --tableHost 127.0.0.1 --tablePort "$port" >&2 &
    AZURITE_SECOND_PID=$!
    if wait_for_ports "$AZURITE_SECOND_PID" "$port"; then
      AZURITE_SECOND_TABLE_PORT=$port
      return 0
    fi
    log "the second Azurite did not start on port $port (attempt $attempt)"
    stop_pid "$AZURITE_SECOND_PID"
    AZURITE_SECOND_PID=""
  done
  log "could not start the second Azurite"
  return 1
}

# MailDev: SMTP and the inbox's HTTP API, on free ports, keeping mail in a private folder.
start_maildev() {
  local attempt smtp_port web_port
  MAILDEV_DIR=$(mktemp -d)
  for attempt in 1 2 3; do
    smtp_port=$(free_port); web_port=$(free_port)
    node_modules/.bin/maildev --silent --ip 127.0.0.1 --smtp "$smtp_port" --web-ip 127.0.0.1 --web "$web_port" \
      --mail-directory "$MAILDEV_DIR" >/dev/null 2>&1 &
    MAILDEV_PID=$!
    if wait_for_ports "$MAILDEV_PID" "$smtp_port" "$web_port"; then
      MAILDEV_SMTP_PORT=$smtp_port
      MAILDEV_WEB_PORT=$web_port
      return 0
    fi
    log "MailDev did not start on ports $smtp_port/$web_port (attempt $attempt)"
    stop_maildev
  done
  log "could not start MailDev"
  return 1
}

source scripts/processes.sh

# The Local IdP (scripts/local-idp.mjs, a real OpenID provider) on a free port, for the social sign-in tests.
start_local_idp() {
  local attempt port
  for attempt in 1 2 3; do
    port=$(free_port)
    LOCAL_IDP_PORT=$port node scripts/local-idp.mjs >/dev/null 2>&1 &
    IDP_PID=$!
    for _ in $(seq 1 100); do
      if port_open "$port"; then
        IDP_PORT=$port
        return 0
      fi
      kill -0 "$IDP_PID" 2>/dev/null || break
      sleep 0.2
    done
    log "Local IdP did not start on port $port (attempt $attempt)"
    kill -TERM "$IDP_PID" 2>/dev/null || true
    IDP_PID=""
  done
  log "could not start the Local IdP"
  return 1
}


# Sums the <Counters passed=".." failed=".."> of every TRX file in the results directory.
read_trx_counts() {
  local file counters
  for file in "$RESULTS_DIR"/*.trx; do
    [[ -f "$file" ]] || continue
    counters=$(grep -o '<Counters [^>]*>' "$file" | head -n 1 || true)
    [[ -n "$counters" ]] || continue
    PASSED=$((PASSED + $(sed -E 's/.* passed="([0-9]+)".*/\1/' <<<"$counters")))
    FAILED=$((FAILED + $(sed -E 's/.* failed="([0-9]+)".*/\1/' <<<"$counters")))
  done
}

ensure_node_modules
ensure_chromium
start_azurite
log "Azurite (in memory) on 127.0.0.1: tables $AZURITE_TABLE_PORT, queues $AZURITE_QUEUE_PORT"
start_second_azurite
log "second Azurite (in memory) on 127.0.0.1: tables $AZURITE_SECOND_TABLE_PORT"
start_maildev
log "MailDev on 127.0.0.1: SMTP $MAILDEV_SMTP_PORT, inbox http://127.0.0.1:$MAILDEV_WEB_PORT"

start_local_idp
log "Local IdP on http://127.0.0.1:$IDP_PORT"
export BKMARK_TEST_IDP="http://127.0.0.1:$IDP_PORT"

AZURITE_ACCOUNT="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
export BKMARK_TEST_STORAGE="$AZURITE_ACCOUNT;TableEndpoint=http://127.0.0.1:$AZURITE_TABLE_PORT/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$AZURITE_QUEUE_PORT/devstoreaccount1;"
export BKMARK_TEST_STORAGE_SECOND="$AZURITE_ACCOUNT;TableEndpoint=http://127.0.0.1:$AZURITE_SECOND_TABLE_PORT/devstoreaccount1;"
export BKMARK_TEST_MAILDEV_SMTP_PORT=$MAILDEV_SMTP_PORT
export BKMARK_TEST_MAILDEV_WEB_PORT=$MAILDEV_WEB_PORT

# The second leg: what runs again with the tables over two storage accounts. Every store is used by these tests (README,
# top); left out are the rooms that add no store of their own, the tests that count one account's requests or items,
# and the browser tests (Chromium drives the page; the stores under it are the ones the API tests cover).
TWO_ACCOUNTS_FILTER="(FullyQualifiedName~Bkmark.Tests.Accounts.|FullyQualifiedName~Bkmark.Tests.Sessions.\
|FullyQualifiedName~Bkmark.Tests.ApiKeys.|FullyQualifiedName~Bkmark.Tests.PublishableKeys.|FullyQualifiedName~Bkmark.Tests.Lifecycle.\
|FullyQualifiedName~Bkmark.Tests.Organisations.|FullyQualifiedName~Bkmark.Tests.Bookmarks.|FullyQualifiedName~Bkmark.Tests.Groups.\
|FullyQualifiedName~Bkmark.Tests.TwoFactor.|FullyQualifiedName~Bkmark.Tests.Passkeys.|FullyQualifiedName~Bkmark.Tests.Social.\
|FullyQualifiedName~Bkmark.Tests.SecurityLog.|FullyQualifiedName~Bkmark.Tests.Maintenance.|FullyQualifiedName~Bkmark.Tests.Throttling.\
|FullyQualifiedName~Bkmark.Tests.Storage.)&Category!=OneAccount&FullyQualifiedName!~BrowserTests&FullyQualifiedName!~SecurityPageLayoutTests"

# run_tests TRX_NAME ACCOUNTS ARGS...: one leg; its counts land in its own TRX file.
run_tests() {
  local trx=$1 accounts=$2
  shift 2
  BKMARK_TEST_ACCOUNTS=$accounts dotnet test Bkmark.sln -c Release --no-build \
    --logger "trx;LogFileName=$trx" --results-directory "$RESULTS_DIR" "$@"
}

rm -rf "$RESULTS_DIR"
status=0
if dotnet build Bkmark.sln -c Release; then
  if [[ $# -gt 0 ]]; then
    run_tests results.trx "${BKMARK_TEST_ACCOUNTS:-1}" "$@" || status=$?
  else
    run_tests results.trx 1 || status=$?
    log "second leg: the subset again with the tables over two storage accounts"
    leg_started=$SECONDS
    run_tests two-accounts.trx 2 --filter "$TWO_ACCOUNTS_FILTER" || status=$?
    log "second leg took $((SECONDS - leg_started)) s"
  fi
else
  status=$?
  log "build failed"
fi

# The house rules in .editorconfig are checked, not remembered: a change that breaks one fails the run. A filtered
# run (arguments given) skips the check: it takes minutes on a busy machine, and the full run that CI makes has it.
if [[ $# -gt 0 ]]; then
  log "style check skipped (a filtered run; ./test.sh without arguments checks it)"
elif ! dotnet format Bkmark.sln --verify-no-changes --no-restore; then
  log "style check failed: run 'dotnet format Bkmark.sln' and commit what it changes"
  status=1
fi

read_trx_counts
echo "$PASSED passed, $FAILED failed"
if [[ $status -ne 0 || $FAILED -ne 0 || $((PASSED + FAILED)) -eq 0 ]]; then
  exit 1
fi
