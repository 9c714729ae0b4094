#!/usr/bin/env bash
# Bkmark's numbers (DESIGN.md §5, README "Performance"). Every mode starts its own Azurite and its own
# Release builds on free ports (never 7071 or 10000-10002), and stops everything it started on exit.
#
#   ./bench.sh [load]   HTTP load run: GET /auth/verify with an API key and with a JWT, beside the floor
#                       (one bare Table Storage point read), both again over two local hosts on the
#                       one Azurite, and both again on a host with OpenTelemetry off (OTEL_SDK_DISABLED)
#                       and on one exporting every span; the others export over OTLP to a sink with the
#                       template's sampler (TRACE_SAMPLE_RATIO below); interleaved rounds, medians; CPU per
#                       request of each server process, the API host's peak RSS and its cold start. Last line:
#                       "auth/floor throughput ratio: api-key X.XX, jwt Y.YY; CPU per request vs floor: api-key A.AA, jwt B.BB; errors N"
#   ./bench.sh faults   steady verifies while Azurite is stopped for 10 s and restarted on the same data
#   ./bench.sh soak     mixed concurrent traffic (2 min), then invariant checks
#   ./bench.sh micro    the BenchmarkDotNet suite (Bkmark.Benchmarks, ShortRun jobs)
#   ./bench.sh all      micro, soak, faults, then load (so the ratio line is still the last line)
#
# Options: --quick (seconds per phase instead of minutes: proves the plumbing, measures nothing),
#          --duration S (per wrk run, default 20), --rounds N (default 3), --threads T (2),
#          --connections C (32), --keys K (API keys the api-key leg rotates over, default 1),
#          --accounts N (load: spread the tables over N Azurite table services, Storage__Accounts__0..N-1, DESIGN §19;
#          default 1, today's single account), --legs "floor api-key jwt" (load: only these legs, in this order),
#          --soak-seconds S (120), --outage-seconds S (10), --cold-starts N (3)
# Every mode also starts MailDev and a "mailer" host (the only one running queue triggers): a new account
# confirms its address from the emailed link before it may create keys. The load run stops the mailer before
# it measures anything.
# Needs: dotnet, node/npm, python3, curl; installs Azurite and MailDev (npm ci) and wrk (apt-get) when missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
# Each background job gets its own process group, so stopping one stops all it started.
set -m

MODE=load
QUICK=0
DURATION=20
ROUNDS=3
THREADS=2
CONNECTIONS=32
KEYS=1
ACCOUNTS=1
LEGS=""
SOAK_SECONDS=120
OUTAGE_SECONDS=10
COLD_STARTS=3
# The API lets a key's rateLimitPerMinute be at most its plan's default; the bench raises the Pro default
# (ApiKeys__ProRateLimitPerMinute, allowed up to 100000) so the limiter counts but never refuses, and the
# Pro key limit (ApiKeys__ProMaxActiveKeys, up to 1000) for the load run's fresh keys per wrk run.
RATE_LIMIT=100000
# The trace sampler infra/main.bicep gives a deployment (OTEL_TRACES_SAMPLER, OTEL_TRACES_SAMPLER_ARG): the hosts
# of the main legs run with it, as deployed.
TRACE_SAMPLER=parentbased_traceidratio
TRACE_SAMPLE_RATIO=$(sed -n "s/^param traceSampleRatio string = '\(.*\)'$/\1/p" infra/main.bicep)

while [[ $# -gt 0 ]]; do
  case "$1" in
    load|faults|soak|micro|all) MODE=$1 ;;
    --quick) QUICK=1 ;;
    --duration) DURATION=$2; shift ;;
    --rounds) ROUNDS=$2; shift ;;
    --threads) THREADS=$2; shift ;;
    --connections) CONNECTIONS=$2; shift ;;
    --keys) KEYS=$2; shift ;;
    --soak-seconds) SOAK_SECONDS=$2; shift ;;
    --outage-seconds) OUTAGE_SECONDS=$2; shift ;;
    --cold-starts) COLD_STARTS=$2; shift ;;
    --accounts) ACCOUNTS=$2; shift ;;
    --legs) LEGS=$2; shift ;;
    -h|--help) sed -n '2,29p' "$0"; exit 0 ;;
    *) echo "bench.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
if [[ $QUICK -eq 1 ]]; then
  DURATION=3
  ROUNDS=1
  SOAK_SECONDS=20
  COLD_STARTS=1
fi
WARMUP=$(( DURATION < 5 ? 1 : 5 ))

WORK=$(mktemp -d "${TMPDIR:-/tmp}/bkmark-bench.XXXXXX")
AZURITE_PID=""
AZURITE_QUEUE_PID=""
HOST_PID=""
HOST2_PID=""
# Hosts that differ from the main ones by their telemetry settings (start_variant_host), by variant name.
declare -A VARIANT_PORT=() VARIANT_PID=()
MAILER_PID=""
MAILDEV_PID=""
SINK_PID=""
COLD_PID=""
FLOOR_PID=""
PROBE_PID=""
AZURITE_PORT=""
AZURITE_QUEUE_PORT=""
AZURITE_ARGS=()
# The table services of accounts 1..N-1 (--accounts), each its own in-memory Azurite.
EXTRA_AZURITE_PIDS=()
EXTRA_AZURITE_PORTS=()
FUNCTION_KEY="bench-$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
BENCH_DLL=Bkmark.Benchmarks/bin/Release/net10.0/Bkmark.Benchmarks.dll
HOST_DLL=Bkmark.LocalHost/bin/Release/net10.0/Bkmark.LocalHost.dll

log() { echo "bench.sh: $*" >&2; }
die() { log "$*"; exit 1; }

source scripts/processes.sh

stop_services() {
  local pid
  for pid in "$PROBE_PID" "$FLOOR_PID" "$COLD_PID" "${VARIANT_PID[@]}" "$HOST2_PID" "$HOST_PID" "$MAILER_PID" "$SINK_PID" "$MAILDEV_PID" "$AZURITE_PID" "${EXTRA_AZURITE_PIDS[@]}" "$AZURITE_QUEUE_PID"; do
    [[ -n "$pid" ]] && stop_group "$pid"
  done
  VARIANT_PID=() EXTRA_AZURITE_PIDS=() EXTRA_AZURITE_PORTS=()
  PROBE_PID="" FLOOR_PID="" COLD_PID="" HOST2_PID="" HOST_PID="" MAILER_PID="" SINK_PID="" MAILDEV_PID="" AZURITE_PID="" AZURITE_QUEUE_PID=""
}

cleanup() {
  stop_services
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------------
# Tools, machine, build

ensure_tools() {
  if [[ ! -x node_modules/.bin/azurite-table || ! -x node_modules/.bin/azurite-queue || ! -x node_modules/.bin/maildev ]]; then
    log "installing Azurite and MailDev (npm ci)"
    npm ci --no-audit --no-fund >&2
  fi
  if ! command -v wrk >/dev/null; then
    log "installing wrk (apt-get)"
    local sudo=""
    [[ $(id -u) -ne 0 ]] && sudo="sudo"
    # Others may be running apt on this machine: wait for its locks instead of failing at once.
    { $sudo apt-get -o DPkg::Lock::Timeout=600 update -qq &&
      DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq wrk; } >&2 ||
      die "could not install wrk: run 'apt-get update && apt-get install -y wrk' as root, then retry"
  fi
}

print_machine() {
  local cpu memory
  cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//' || true)
  memory=$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
  echo "## bench.sh $MODE$([[ $QUICK -eq 1 ]] && echo ' --quick (plumbing check, not a measurement)')"
  echo "machine: $(nproc) cores, $memory, ${cpu:-unknown CPU}; $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "versions: .NET SDK $(dotnet --version), runtime $(dotnet --list-runtimes | awk '/Microsoft.AspNetCore.App/ { v = $2 } END { print v }'), node $(node --version), azurite $(node -p 'require("./node_modules/azurite/package.json").version'), $(wrk -v 2>&1 | head -n1 | cut -d' ' -f1-2 || true)"
  echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . 2>/dev/null || echo ' (with uncommitted changes)')"
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
}

build() {
  log "building Release (Bkmark.LocalHost, Bkmark.Benchmarks)"
  { dotnet build Bkmark.LocalHost -c Release -nologo -v quiet && dotnet build Bkmark.Benchmarks -c Release -nologo -v quiet; } \
    >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; die "build failed"; }
}

# ---------------------------------------------------------------------------------------------------
# Azurite, the local host and the floor

# A free port that is none of the ones other people's run.sh/func start use.
free_port() {
  python3 - <<'PY'
import socket
while True:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    if port != 7071 and not 10000 <= port <= 10002:
        print(port)
        break
PY
}

# start_azurite [--location DIR]: tables in memory unless a data folder is given; restarts reuse AZURITE_PORT.
# Queues run beside them in their own process, in memory: a registration enqueues its verification email. They
# stay up through the fault run's table outage, which is about the request path's reads.
start_azurite() {
  if [[ $# -gt 0 ]]; then AZURITE_ARGS=("$@"); fi
  [[ ${#AZURITE_ARGS[@]} -gt 0 ]] || AZURITE_ARGS=(--inMemoryPersistence)
  [[ -n "$AZURITE_PORT" ]] || AZURITE_PORT=$(free_port)
  node_modules/.bin/azurite-table "${AZURITE_ARGS[@]}" --skipApiVersionCheck --disableTelemetry \
    --tableHost 127.0.0.1 --tablePort "$AZURITE_PORT" --silent >>"$WORK/azurite.log" 2>&1 &
  AZURITE_PID=$!
  wait_for_port "$AZURITE_PID" "$AZURITE_PORT"
  local account port
  for ((account = ${#EXTRA_AZURITE_PORTS[@]} + 1; account < ACCOUNTS; account++)); do
    port=$(free_port)
    node_modules/.bin/azurite-table --inMemoryPersistence --skipApiVersionCheck --disableTelemetry \
      --tableHost 127.0.0.1 --tablePort "$port" --silent >>"$WORK/azurite.log" 2>&1 &
    EXTRA_AZURITE_PIDS+=($!)
    EXTRA_AZURITE_PORTS+=("$port")
    wait_for_port "$!" "$port"
  done
  if [[ -z "$AZURITE_QUEUE_PID" ]]; then
    AZURITE_QUEUE_PORT=$(free_port)
    node_modules/.bin/azurite-queue --inMemoryPersistence --skipApiVersionCheck --disableTelemetry \
      --queueHost 127.0.0.1 --queuePort "$AZURITE_QUEUE_PORT" --silent >>"$WORK/azurite.log" 2>&1 &
    AZURITE_QUEUE_PID=$!
    wait_for_port "$AZURITE_QUEUE_PID" "$AZURITE_QUEUE_PORT"
  fi
}

# wait_for_port PID PORT: until PORT accepts connections (30 s); dies with Azurite's (and MailDev's) log if PID exits first.
wait_for_port() {
  for _ in $(seq 1 150); do
    port_open "$2" && return 0
    kill -0 "$1" 2>/dev/null || break
    sleep 0.2
  done
  cat "$WORK/azurite.log" "$WORK/maildev.log" >&2 2>/dev/null || true
  die "Azurite or MailDev did not start on port $2"
}

stop_azurite() {
  stop_azurite_group "$AZURITE_PID"
  AZURITE_PID=""
}

# MailDev on free ports, keeping mail in memory: where the mailer host sends the verification emails.
start_maildev() {
  MAILDEV_SMTP_PORT=$(free_port)
  MAILDEV_WEB_PORT=$(free_port)
  MAIL_URL="http://127.0.0.1:$MAILDEV_WEB_PORT"
  node_modules/.bin/maildev --silent --ip 127.0.0.1 --smtp "$MAILDEV_SMTP_PORT" --web-ip 127.0.0.1 --web "$MAILDEV_WEB_PORT" \
    >>"$WORK/maildev.log" 2>&1 &
  MAILDEV_PID=$!
  wait_for_port "$MAILDEV_PID" "$MAILDEV_WEB_PORT"
}

# The OTLP sink (Bkmark.Benchmarks otlp-sink) where every host but the untraced one exports its telemetry.
start_otlp_sink() {
  SINK_PORT=$(free_port)
  dotnet "$BENCH_DLL" otlp-sink --urls "http://127.0.0.1:$SINK_PORT" "${QUIET_LOGS[@]}" >>"$WORK/sink.log" 2>&1 &
  SINK_PID=$!
  wait_http "http://127.0.0.1:$SINK_PORT/stats" || { cat "$WORK/sink.log" >&2; die "the OTLP sink did not start"; }
}

# azurite_connection TABLE_PORT: the connection string of Azurite's well-known account on that table port.
azurite_connection() {
  echo "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:$1/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$AZURITE_QUEUE_PORT/devstoreaccount1;"
}

# The settings every app gets: the same storage, secrets and logging.
app_environment() {
  export Storage__ConnectionString
  Storage__ConnectionString=$(azurite_connection "$AZURITE_PORT")
  if [[ $ACCOUNTS -gt 1 ]]; then
    export Storage__Accounts__0="$Storage__ConnectionString"
    local account
    for ((account = 1; account < ACCOUNTS; account++)); do
      export "Storage__Accounts__$account=$(azurite_connection "${EXTRA_AZURITE_PORTS[account - 1]}")"
    done
  fi
  # The queue trigger's account, as in the Functions host.
  export AzureWebJobsStorage="$Storage__ConnectionString"
  # The bench measures the request path: only the mailer host (start_mailer) sends the outbox's emails.
  export LocalHost__DisableQueueTriggers=true
  export Email__Smtp__Host=127.0.0.1
  export Email__Smtp__Port="$MAILDEV_SMTP_PORT"
  export LocalHost__FunctionKey="$FUNCTION_KEY"
  export ASPNETCORE_ENVIRONMENT=Development
  export Secrets__LocalFile="$WORK/secrets.json"
  export Logging__LogLevel__Default=Warning
  export ApiKeys__ProRateLimitPerMinute=$RATE_LIMIT
  export ApiKeys__ProMaxActiveKeys=10
}

# appsettings.json lists categories by name; names with dots cannot be environment variables in bash.
QUIET_LOGS=(--Logging:LogLevel:Microsoft.AspNetCore=Warning --Logging:LogLevel:Microsoft.Hosting.Lifetime=Warning)

# wait_http URL: until the app answers anything at all (60 s).
wait_http() {
  for _ in $(seq 1 300); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' "$1" || true) != 000 ]] && return 0
    sleep 0.2
  done
  return 1
}

# launch_host PORT [NAME=VALUE...]: starts a local host in the background (its own process group), with those
# settings added to its environment; sets LAUNCHED_PID.
launch_host() {
  local port=$1
  shift
  env "$@" dotnet "$HOST_DLL" --urls "http://127.0.0.1:$port" "${QUIET_LOGS[@]}" >>"$WORK/host.log" 2>&1 &
  LAUNCHED_PID=$!
}

# start_ready_host WHAT [NAME=VALUE...]: a local host on a free port, with those settings, once it answers; sets
# STARTED_PORT and STARTED_PID, or stops the run naming WHAT.
start_ready_host() {
  local what=$1
  shift
  STARTED_PORT=$(free_port)
  launch_host "$STARTED_PORT" "$@"
  STARTED_PID=$LAUNCHED_PID
  wait_http "http://127.0.0.1:$STARTED_PORT/api/v1/auth/jwks" || { cat "$WORK/host.log" >&2; die "the $what did not start"; }
}

# The one host that runs the queue triggers, so registrations' verification emails reach MailDev.
start_mailer() {
  start_ready_host "mailer host" LocalHost__DisableQueueTriggers=false
  MAILER_PID=$STARTED_PID
}

stop_mailer() {
  stop_group "$MAILER_PID"
  MAILER_PID=""
}

start_host() {
  start_ready_host "local host"
  HOST_PORT=$STARTED_PORT HOST_PID=$STARTED_PID
  BASE="http://127.0.0.1:$HOST_PORT/api/v1"
}

# start_variant_host NAME [NAME=VALUE...]: one more host, with those settings on top of the main hosts' ones.
start_variant_host() {
  local name=$1
  shift
  start_ready_host "$name local host" "$@"
  VARIANT_PORT[$name]=$STARTED_PORT
  VARIANT_PID[$name]=$STARTED_PID
}

# A second instance on the same Azurite and secrets, as Azure scales out.
start_second_host() {
  start_ready_host "second local host"
  HOST2_PORT=$STARTED_PORT HOST2_PID=$STARTED_PID
}

start_floor() {
  FLOOR_PORT=$(free_port)
  FLOOR="http://127.0.0.1:$FLOOR_PORT/floor"
  dotnet "$BENCH_DLL" floor --urls "http://127.0.0.1:$FLOOR_PORT" "${QUIET_LOGS[@]}" >>"$WORK/floor.log" 2>&1 &
  FLOOR_PID=$!
  wait_http "$FLOOR/x/y" || { cat "$WORK/floor.log" >&2; die "the floor did not start"; }
}

# ---------------------------------------------------------------------------------------------------
# The API, with curl

# api METHOD PATH [BODY] [HEADER...]: prints "STATUS BODY".
api() {
  local method=$1 path=$2 body=${3:-}
  shift $(( $# < 3 ? $# : 3 ))
  local args=(-s -X "$method" -w '\n%{http_code}' -H 'Content-Type: application/json')
  [[ -n "$body" ]] && args+=(-d "$body")
  local header
  for header in "$@"; do args+=(-H "$header"); done
  local out
  out=$(curl "${args[@]}" "$BASE/$path")
  echo "${out##*$'\n'} ${out%$'\n'*}"
}

# expect STATUS "STATUS BODY" WHAT: the body, or stop with what the service said.
expect() {
  [[ "${2%% *}" == "$1" ]] || die "$3: expected $1, got ${2}"
  echo "${2#* }"
}

json() { python3 -c "import json, sys; print(json.load(sys.stdin)$1)"; }

# verification_token EMAIL: the token in the link of the newest email MailDev holds for EMAIL (waits up to 60 s).
verification_token() {
  python3 - "$MAIL_URL" "$1" <<'PY'
import json, re, sys, time, urllib.parse, urllib.request
inbox, email = sys.argv[1], sys.argv[2]
deadline = time.time() + 60
while time.time() < deadline:
    mails = [m for m in json.load(urllib.request.urlopen(inbox + "/api/email")) if any(t["address"] == email for t in m["to"])]
    match = mails and re.search(r"[?#&]token=([^&#\s\"'<>]+)", mails[-1]["text"])
    if match:
        print(urllib.parse.unquote(match.group(1)))
        sys.exit(0)
    time.sleep(0.25)
sys.exit(f"no verification email reached {email} within 60 s")
PY
}

# Registers a Pro user, confirms its address from the emailed link and signs in: sets EMAIL, PASSWORD, USER_ID,
# ACCESS_TOKEN, REFRESH_TOKEN, SESSION_ID.
create_user() {
  # A random password: zxcvbn refuses a guessable one with 400 PASSWORD_TOO_WEAK (DESIGN §17).
  local email="bench-$RANDOM$RANDOM@bench.example" password body token
  password="bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
  EMAIL=$email PASSWORD=$password
  body=$(expect 201 "$(api POST auth/register "{\"email\":\"$email\",\"password\":\"$password\"}")" register)
  USER_ID=$(json '["id"]' <<<"$body")
  token=$(verification_token "$email") || die "confirm the address: no verification email (see $WORK/host.log)"
  expect 200 "$(api POST auth/email/verify "{\"token\":\"$token\"}")" "confirm the address" >/dev/null
  expect 200 "$(api PUT "admin/users/$USER_ID/plan" '{"plan":"pro"}' "x-functions-key: $FUNCTION_KEY")" "set plan" >/dev/null
  body=$(expect 200 "$(api POST auth/login "{\"email\":\"$email\",\"password\":\"$password\"}")" login)
  ACCESS_TOKEN=$(json '["accessToken"]' <<<"$body")
  REFRESH_TOKEN=$(json '["refreshToken"]' <<<"$body")
  SESSION_ID=$(json '["sessionId"]' <<<"$body")
}

# A new access token for the same session (the floor reads that session's entity): a JWT lives 15 minutes, a run longer.
refresh_access_token() {
  local body
  body=$(expect 200 "$(api POST auth/refresh "{\"refreshToken\":\"$REFRESH_TOKEN\"}")" refresh)
  ACCESS_TOKEN=$(json '["accessToken"]' <<<"$body")
  REFRESH_TOKEN=$(json '["refreshToken"]' <<<"$body")
}

# A fresh sign-in for creating keys, which needs one from the last 10 minutes (step-up): sets KEY_TOKEN.
sign_in_for_keys() {
  KEY_TOKEN=$(expect 200 "$(api POST auth/login "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}")" "sign in for keys" | json '["accessToken"]')
}

# Creates one API key; prints it, or nothing when this build has no API keys (404 on /api-keys).
create_key() {
  local response
  response=$(api POST api-keys "{\"name\":\"bench $1\",\"scopes\":[\"bookmarks:read\"],\"rateLimitPerMinute\":$RATE_LIMIT}" "Authorization: Bearer $KEY_TOKEN")
  if [[ "${response%% *}" == 404 ]]; then
    return 0
  fi
  expect 201 "$response" "create API key" | json '["key"]'
}

# ---------------------------------------------------------------------------------------------------
# load: the HTTP load run

CLOCK_TICKS=$(getconf CLK_TCK)

# cpu_ticks PID...: user + system CPU time, in clock ticks, of every process in those jobs' process groups,
# plus what their exited children had used: what serving cost, whatever process did the work.
cpu_ticks() {
  python3 - "$@" <<'PY'
import os, sys
groups = {int(pid) for pid in sys.argv[1:]}
total = 0
for entry in os.listdir("/proc"):
    if not entry.isdigit():
        continue
    try:
        with open(f"/proc/{entry}/stat") as stat:
            text = stat.read()
    except OSError:
        continue
    # After "(comm)": state, ppid, pgrp, ... utime (14), stime (15), cutime (16), cstime (17).
    fields = text[text.rindex(")") + 2:].split()
    if int(fields[2]) in groups:
        total += sum(int(fields[i]) for i in (11, 12, 13, 14))
print(total)
PY
}

# peak_rss_mib PID: the process's peak resident set (VmHWM), in MiB.
peak_rss_mib() {
  awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"
}

# wrk_run LEG ROUND URL CREDENTIALS SECONDS ADDRESSES PID...: runs wrk against the leg's server processes
# (PIDs) and appends "LEG ROUND key=value..." to results.txt, with cpu_us: their CPU per request.
wrk_run() {
  local leg=$1 round=$2 url=$3 credentials=$4 seconds=$5 addresses=$6 line before after
  shift 6
  before=$(cpu_ticks "$@")
  line=$(BENCH_CREDENTIALS="$credentials" BENCH_ADDRESSES="$addresses" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${seconds}s" --latency \
    -s Bkmark.Benchmarks/Load/verify.lua "$url" | grep '^BENCH_RESULT') || die "wrk failed on $leg"
  after=$(cpu_ticks "$@")
  line="${line#BENCH_RESULT } cpu_us=$(python3 -c "import sys; r = int(sys.argv[3].split('requests=')[1].split()[0]); print(f'{(int(sys.argv[2]) - int(sys.argv[1])) / $CLOCK_TICKS * 1e6 / max(r, 1):.1f}')" "$before" "$after" "$line")"
  [[ "$round" == warmup ]] || echo "$leg $round $line" >>"$WORK/results.txt"
  log "$leg round $round: $line"
}

# measure_cold_start N: N fresh local hosts, one after another, on the running Azurite; each is timed from its
# spawn to the first 200 of GET /auth/verify with ACCESS_TOKEN (polled every 10 ms), then stopped.
measure_cold_start() {
  local i port started
  : >"$WORK/cold.txt"
  for ((i = 1; i <= $1; i++)); do
    port=$(free_port)
    started=$(date +%s%N)
    launch_host "$port"
    COLD_PID=$LAUNCHED_PID
    until [[ $(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $ACCESS_TOKEN" "http://127.0.0.1:$port/api/v1/auth/verify" || true) == 200 ]]; do
      kill -0 "$COLD_PID" 2>/dev/null || { cat "$WORK/host.log" >&2; die "a cold-started host stopped"; }
      (( $(date +%s%N) - started < 120000000000 )) || die "no authenticated 200 within 120 s of a cold start"
      sleep 0.01
    done
    echo $(( ($(date +%s%N) - started) / 1000000 )) >>"$WORK/cold.txt"
    log "cold start $i: $(tail -n1 "$WORK/cold.txt") ms"
    stop_group "$COLD_PID"
    COLD_PID=""
  done
}

run_load() {
  start_azurite --inMemoryPersistence
  start_maildev
  app_environment
  export ApiKeys__ProMaxActiveKeys=1000
  start_otlp_sink
  # Every host but the untraced one exports spans and metrics to the sink, as a deployment exports to Application
  # Insights, and samples traces as the template has it.
  export OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$SINK_PORT" OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf
  export OTEL_TRACES_SAMPLER=$TRACE_SAMPLER OTEL_TRACES_SAMPLER_ARG=$TRACE_SAMPLE_RATIO
  start_mailer
  start_host
  start_floor
  create_user
  # Nothing sends email from here on: the measured hosts run no queue triggers and the mailer is gone.
  stop_mailer
  # Before the load, while the machine is as quiet as it gets; the first host idles meanwhile.
  measure_cold_start "$COLD_STARTS"
  start_second_host
  # The telemetry budget's baseline: the SDK off; and its worst case: every span exported.
  start_variant_host untraced OTEL_SDK_DISABLED=true
  start_variant_host allspans OTEL_TRACES_SAMPLER=always_on

  local floor_url="$FLOOR/$USER_ID/$SESSION_ID" verify_url="$BASE/auth/verify"
  [[ $(curl -s -o /dev/null -w '%{http_code}' "$floor_url") == 200 ]] || die "the floor cannot read the session entity"
  [[ $(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $ACCESS_TOKEN" "$verify_url") == 200 ]] || die "verify with the JWT failed"

  local legs=(floor jwt jwt-2hosts jwt-untraced jwt-allspans) probe_key
  sign_in_for_keys
  probe_key=$(create_key probe)
  if [[ -n "$probe_key" ]]; then
    legs=(floor api-key jwt api-key-2hosts jwt-2hosts api-key-untraced jwt-untraced api-key-allspans jwt-allspans)
  fi
  if [[ -n "$LEGS" ]]; then
    read -r -a legs <<<"$LEGS"
    [[ " ${legs[*]} " == *" floor "* ]] || die "--legs must include floor: every ratio is against it"    [[ $(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $probe_key" "$verify_url") == 200 ]] || die "verify with the API key failed"
  else
    log "POST /api-keys answered 404: this build has no API keys; the api-key leg is skipped"
  fi

  # leg_args LEG: "URL|CREDENTIALS|ADDRESSES|PIDS". The api-key legs get fresh keys every run, so no key's
  # one-minute rate window spans two runs and the limit never refuses a request; the jwt legs a fresh access
  # token of the same session. The two-host legs send each wrk thread's connections to one of the two hosts in
  # turn (verify.lua), so both serve at once; a variant's legs go to its host.
  leg_args() {
    local credentials addresses="" pids="$HOST_PID" i
    case "$1" in
      floor) echo "$floor_url|||$FLOOR_PID"; return ;;
      jwt*) refresh_access_token; credentials=$ACCESS_TOKEN ;;
      api-key*)
        sign_in_for_keys
        credentials=""
        for ((i = 1; i <= KEYS; i++)); do credentials+="${credentials:+,}$(create_key "$i")"; done
        ;;
    esac
    case "$1" in
      *-2hosts) addresses="127.0.0.1:$HOST_PORT,127.0.0.1:$HOST2_PORT" pids="$HOST_PID $HOST2_PID" ;;
      *-untraced | *-allspans) addresses="127.0.0.1:${VARIANT_PORT[${1##*-}]}" pids=${VARIANT_PID[${1##*-}]} ;;
    esac
    echo "$verify_url|$credentials|$addresses|$pids"
  }

  # run_leg LEG ROUND SECONDS
  run_leg() {
    local url credentials addresses pids
    # Not in a subshell: leg_args renews the tokens it uses.
    leg_args "$1" >"$WORK/leg"
    IFS='|' read -r url credentials addresses pids <"$WORK/leg"
    # shellcheck disable=SC2086 # one or two PIDs
    wrk_run "$1" "$2" "$url" "$credentials" "$3" "$addresses" $pids
  }

  : >"$WORK/results.txt"
  local leg round
  for leg in "${legs[@]}"; do
    run_leg "$leg" warmup "$WARMUP"
  done
  # Interleaved rounds, rotating which leg goes first, so drift (another process, a GC, Azurite's
  # growing in-memory store) does not favour one leg.
  for ((round = 1; round <= ROUNDS; round++)); do
    local order=("${legs[@]:$(( (round - 1) % ${#legs[@]} ))}" "${legs[@]:0:$(( (round - 1) % ${#legs[@]} ))}")
    for leg in "${order[@]}"; do
      run_leg "$leg" "$round" "$DURATION"
    done
  done
  local host_rss host2_rss floor_rss sink_stats
  sink_stats=$(curl -s "http://127.0.0.1:$SINK_PORT/stats")
  host_rss=$(peak_rss_mib "$HOST_PID")
  host2_rss=$(peak_rss_mib "$HOST2_PID")
  floor_rss=$(peak_rss_mib "$FLOOR_PID")

  echo "### HTTP load: GET /api/v1/auth/verify vs the floor (GET /floor/{pk}/{rk}, one point read, no auth)"
  echo "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency, $ROUNDS interleaved round(s) after a ${WARMUP}s warm-up per leg; medians of the rounds; errors = non-2xx + socket errors, summed"
  echo "api-key legs: $KEYS fresh key(s) per run, rateLimitPerMinute $RATE_LIMIT (the limiter leases shares of each key's window: one conditional write per lease, not per request)"
  echo "-2hosts legs: two local hosts on the one Azurite; each wrk thread sends its connections to one of them, in turn"
  echo "storage accounts: $ACCOUNTS$([[ $ACCOUNTS -gt 1 ]] && echo " (Storage__Accounts__0..$((ACCOUNTS - 1)), one in-memory Azurite table service each; every host and the floor route by the range table)")"
  echo "telemetry: every host exports metrics and traces over OTLP (http/protobuf) to a sink that drops them (received: $sink_stats); the main hosts sample traces as infra/main.bicep does ($TRACE_SAMPLER, $TRACE_SAMPLE_RATIO); -untraced legs: a host with OTEL_SDK_DISABLED=true; -allspans legs: a host exporting every span (always_on)"
  echo "CPU µs/request: user + system CPU of the serving process(es) (/proc/PID/stat, with their process groups) during the run, over the requests answered"
  echo
  python3 - "$WORK/results.txt" "${legs[*]}" "$host_rss" "$host2_rss" "$floor_rss" "$WORK/cold.txt" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    leg, _round, *pairs = line.split()
    values = dict(p.split("=") for p in pairs)
    rows.setdefault(leg, []).append({k: float(v) for k, v in values.items()})
legs = sys.argv[2].split()
host_rss, host2_rss, floor_rss = sys.argv[3:6]
cold = sorted(int(line) for line in open(sys.argv[6]))
def med(leg, key): return statistics.median(r[key] for r in rows[leg])
def errors(leg): return int(sum(r["non2xx"] + r["socket_errors"] for r in rows[leg]))
floor_rps, floor_p99, floor_cpu = med("floor", "rps"), med("floor", "p99_ms"), med("floor", "cpu_us")
print("| leg | hosts | requests/s | p50 ms | p99 ms | errors | throughput vs floor | p99 vs floor | CPU µs/request | CPU vs floor |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for leg in legs:
    hosts = 2 if leg.endswith("-2hosts") else 1
    print(f"| {leg} | {hosts} | {med(leg, 'rps'):.0f} | {med(leg, 'p50_ms'):.2f} | {med(leg, 'p99_ms'):.2f} | {errors(leg)} "
          f"| {med(leg, 'rps') / floor_rps:.2f} | {med(leg, 'p99_ms') / floor_p99:.2f} | {med(leg, 'cpu_us'):.0f} | {med(leg, 'cpu_us') / floor_cpu:.2f} |")
print()
single = [l for l in legs if l != "floor" and not l.endswith(("-2hosts", "-untraced", "-allspans"))]
def verdict(ok): return "within" if ok else "OUTSIDE"
print("budget (DESIGN.md §5): throughput >= 0.80x floor, p99 <= 1.30x floor, zero errors: " + ", ".join(
    f"{leg} {verdict(med(leg, 'rps') >= 0.8 * floor_rps and med(leg, 'p99_ms') <= 1.3 * floor_p99 and errors(leg) == 0)}" for leg in single))
cpu_budget = {"api-key": 1.2, "jwt": 1.4}
print("CPU budget: CPU per request <= 1.20x floor's (api-key), <= 1.40x (jwt): " + ", ".join(
    f"{leg} {med(leg, 'cpu_us') / floor_cpu:.2f} {verdict(med(leg, 'cpu_us') <= cpu_budget[leg] * floor_cpu)}" for leg in single))
print(f"peak RSS (VmHWM): API host {host_rss} MiB, second API host {host2_rss} MiB, floor {floor_rss} MiB")
print(f"cold start (spawn to the first authenticated 200, Release, {len(cold)} run(s)): median {statistics.median(cold):.0f} ms, min {cold[0]} ms, max {cold[-1]} ms")
pairs = [(l, l + "-2hosts") for l in single if l + "-2hosts" in rows]
if pairs: print("two hosts on one Azurite vs one host: " + "; ".join(
    f"{one} throughput {med(two, 'rps') / med(one, 'rps'):.2f}x, CPU per request {med(two, 'cpu_us') / med(one, 'cpu_us'):.2f}x, errors {errors(two)}" for one, two in pairs))
def within_telemetry_budget(on, off): return med(on, "rps") >= 0.95 * med(off, "rps") and med(on, "cpu_us") <= 1.05 * med(off, "cpu_us")
def versus_untraced(on, off): return f"{on} throughput {med(on, 'rps') / med(off, 'rps'):.3f}x, CPU per request {med(on, 'cpu_us') / med(off, 'cpu_us'):.3f}x"
if any(l + "-untraced" in rows for l in single): print("telemetry budget (issue 29): as deployed (sampled), throughput >= 0.95x and CPU per request <= 1.05x of the untraced host's: " + "; ".join(
    f"{versus_untraced(l, l + '-untraced')}, {verdict(within_telemetry_budget(l, l + '-untraced'))}" for l in single if l + "-untraced" in rows))
if any(l + "-allspans" in rows for l in single): print("every span exported, vs the untraced host: " + "; ".join(
    versus_untraced(l + "-allspans", l + "-untraced") for l in single if l + "-allspans" in rows and l + "-untraced" in rows))
ratio = lambda leg, key: f"{med(leg, key) / med('floor', key):.2f}" if leg in rows else "n/a"
total_errors = sum(errors(leg) for leg in legs)
print(f"auth/floor throughput ratio: api-key {ratio('api-key', 'rps')}, jwt {ratio('jwt', 'rps')}; "
      f"CPU per request vs floor: api-key {ratio('api-key', 'cpu_us')}, jwt {ratio('jwt', 'cpu_us')}; errors {total_errors}")
PY
  stop_services
}

# ---------------------------------------------------------------------------------------------------
# faults: a storage outage under steady load

run_faults() {
  local data="$WORK/azurite-data" control="$WORK/control" before=10 after=15
  [[ $QUICK -eq 1 ]] && { before=3; after=8; }
  mkdir -p "$data" "$control"
  # On disk, not in memory: the restarted Azurite must find what was written before the outage.
  start_azurite --location "$data"
  start_maildev
  app_environment
  start_mailer
  start_host

  echo "### Fault run: Azurite stopped for ${OUTAGE_SECONDS}s under steady verifies (API key and JWT, 20 req/s)"
  dotnet "$BENCH_DLL" faults --base-url "http://127.0.0.1:$HOST_PORT" --function-key "$FUNCTION_KEY" --mail-url "$MAIL_URL" --control "$control" \
    >"$WORK/faults.out" 2>&1 &
  PROBE_PID=$!
  for _ in $(seq 1 300); do
    [[ -f "$control/ready" ]] && break
    kill -0 "$PROBE_PID" 2>/dev/null || { cat "$WORK/faults.out"; die "the fault probe stopped during setup"; }
    sleep 0.2
  done
  [[ -f "$control/ready" ]] || die "the fault probe did not get ready"

  sleep "$before"
  touch "$control/outage"
  log "stopping Azurite"
  stop_azurite
  sleep "$OUTAGE_SECONDS"
  log "starting Azurite again on the same data folder"
  start_azurite
  rm "$control/outage"
  touch "$control/restored"
  sleep "$after"
  touch "$control/done"

  local status=0
  wait "$PROBE_PID" || status=$?
  PROBE_PID=""
  cat "$WORK/faults.out"
  if grep -q 'Unhandled exception\|   at ' "$WORK/host.log"; then
    echo "note: the host logged exceptions (server side only):"
    grep -m5 'fail:\|Exception' "$WORK/host.log" || true
  fi
  stop_services
  return "$status"
}

# ---------------------------------------------------------------------------------------------------
# soak and micro

run_soak() {
  start_azurite --inMemoryPersistence
  start_maildev
  app_environment
  start_mailer
  start_host
  echo "### Soak: mixed concurrent traffic for ${SOAK_SECONDS}s, then invariants"
  local status=0
  dotnet "$BENCH_DLL" soak --base-url "http://127.0.0.1:$HOST_PORT" --function-key "$FUNCTION_KEY" --mail-url "$MAIL_URL" \
    --seconds "$SOAK_SECONDS" --key-limit 10 || status=$?
  stop_services
  return "$status"
}

run_micro() {
  echo "### Micro-benchmarks (BenchmarkDotNet, ShortRun: 3 warm-ups, 3 iterations)"
  local filter='*'
  # --quick: the two cheapest classes, to prove the harness runs.
  [[ $QUICK -eq 1 ]] && filter='*CredentialBenchmarks*'
  dotnet "$BENCH_DLL" --filter "$filter" --join --artifacts "$WORK/bdn" >"$WORK/bdn.log" 2>&1 ||
    { tail -n 40 "$WORK/bdn.log"; die "BenchmarkDotNet failed"; }
  # The summary tables, as BenchmarkDotNet wrote them for GitHub.
  cat "$WORK"/bdn/results/*-report-github.md
  echo
}

# ---------------------------------------------------------------------------------------------------

ensure_tools
build
print_machine
status=0
case "$MODE" in
  load) run_load ;;
  faults) run_faults || status=$? ;;
  soak) run_soak || status=$? ;;
  micro) run_micro ;;
  all)
    run_micro
    run_soak || status=$?
    run_faults || status=$?
    run_load
    ;;
esac
exit "$status"
