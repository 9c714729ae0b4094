# Shared by run.sh, test.sh and bench.sh (sourced): stopping what a script started, and waiting for ports.
# The scripts start background jobs under `set -m`, so each job is its own process group.

# signal_group SIGNAL PID: send SIGNAL to the job's group and give it up to 10 s to exit; false if it was gone already.
signal_group() {
  local signal=$1 pid=$2
  kill "-$signal" -- "-$pid" 2>/dev/null || return 1
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
}

# stop_group PID: TERM the job's group, so it shuts down cleanly; KILL if it has not gone within 10 s.
stop_group() {
  local pid=$1
  signal_group TERM "$pid" || return 0
  kill -KILL -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# stop_azurite_group PID: Azurite saves its data folder only on SIGINT (it does not handle TERM and dies
# without saving), so a restart would find recent writes gone. INT first, then the usual TERM/KILL.
stop_azurite_group() {
  local pid=$1
  signal_group INT "$pid" || return 0
  stop_group "$pid"
}

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# wait_for_ports PID PORT...: true once every port listens; false if PID exits first or 30 s pass.
wait_for_ports() {
  local pid=$1 port ready
  shift
  for _ in $(seq 1 150); do
    ready=1
    for port in "$@"; do
      port_open "$port" || { ready=0; break; }
    done
    [[ $ready -eq 1 ]] && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.2
  done
  return 1
}
