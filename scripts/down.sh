#!/usr/bin/env bash
# down.sh — stops what scripts/up.sh started: the five services (SIGTERM, so
# they drain; SIGKILL after 10 s) and then PostgreSQL. Safe when nothing runs.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/pg.sh
source scripts/pg.sh
# shellcheck source=scripts/alive.sh
source scripts/alive.sh

var=$(pwd -P)/var
services=(intake referral groups reporting stream)
grace=${KUMPPANI_DOWN_TIMEOUT:-10}      # seconds each service gets to drain

say () { printf 'down: %s\n' "$*"; }

# SIGTERM to all first, so they drain in parallel.
declare -A stopping=()
for service in "${services[@]}"; do
    pid_file=$var/pids/$service.pid
    [[ -f $pid_file ]] || continue
    pid=$(cat "$pid_file")
    if alive "$pid" "$service"; then
        kill -TERM "$pid"
        stopping[$service]=$pid
    else
        rm -f "$pid_file"               # stale: the process is gone
    fi
done

deadline=$(( $(date +%s) + grace ))
for service in "${services[@]}"; do
    [[ -n ${stopping[$service]:-} ]] || continue
    pid=${stopping[$service]}
    while alive "$pid" && (( $(date +%s) < deadline )); do
        sleep 0.1
    done
    if alive "$pid"; then
        echo "down: warning: $service (pid $pid) did not stop within ${grace}s; killing it" >&2
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$var/pids/$service.pid"
    say "stopped $service"
done
(( ${#stopping[@]} )) || say "no services were running"

pg_stop "$var/pg"
