#!/usr/bin/env bash
# chaos/run.sh — the chaos run: a throwaway cluster, the intake, referral,
# reporting and stream services on free loopback ports, two clients
# submitting with Lazy Pirate retries (referrals as Kela, client
# registrations as a municipality) and a subscriber following the stream,
# while a random service is killed with SIGKILL every few seconds and
# restarted, and PostgreSQL is restarted once (fast shutdown) half way.
# Afterwards the database, the subscriber's record and `kumppani audit
# verify` are checked (chaos verify); the last line is
#   CHAOS submitted=… acknowledged=… retried=… kills=… lost=… duplicated=… stream_gaps=… audit=ok|broken
# and the exit status is 0 only if nothing was lost, doubled or missed.
# CHAOS_SECONDS (default 60) is how long the killing goes on; CHAOS_KEEP=1
# keeps the directory with the logs. CHAOS_INSTANCES (default 2) runs that
# many instances of every service on the one database, the clients and the
# subscriber connected to all of them; a kill takes one instance, so with
# two the other goes on serving while it comes back.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/pg.sh
source scripts/pg.sh

seconds=${CHAOS_SECONDS:-60}
instances=${CHAOS_INSTANCES:-2}
[[ $instances =~ ^[1-4]$ ]] || { echo "chaos: CHAOS_INSTANCES must be 1 to 4" >&2; exit 2; }
root=$(pwd -P)
build=${BUILD:-build}
[[ $build == /* ]] || build=$root/$build
bin=$build/bin
chaos=$build/chaos/chaos
victims=(intake referral stream)           # the services the submissions pass through
services=(intake referral reporting stream)
declare -A pids=()                          # "service/instance" -> pid
declare -A binds=() pub_binds=()            # "service/instance" -> its own endpoint
helpers=()                                  # drivers and the subscriber
dir=""

say () { printf 'chaos: %s\n' "$*"; }

cleanup () {
    local rc=$? pid
    trap - EXIT INT TERM
    for pid in "${helpers[@]}" "${pids[@]}"; do
        kill -KILL "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    if [[ -n $dir ]]; then
        pg_stop "$dir/pg" > /dev/null 2>&1 || say "warning: could not stop the cluster in $dir"
        if [[ ${CHAOS_KEEP:-0} == 1 ]]; then
            say "kept $dir (logs in $dir/log)"
        else
            rm -rf "$dir"
        fi
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Unset whatever a sourced var/kumppani.env left: this run has its own system.
while read -r name; do
    unset "$name"
done < <(compgen -e | grep -E '^KUMPPANI_' || true)

for binary in "$chaos" "$bin/kumppani" "${services[@]/#/$bin/}"; do
    [[ -x $binary ]] || { say "$binary is missing: make chaos-build"; exit 2; }
done

dir=$(mktemp -d /tmp/kp-chaos.XXXXXX)
[[ $EUID -ne 0 ]] || chmod 711 "$dir"
mkdir -p "$dir/log" "$dir/certs/services" "$dir/certs/clients" "$dir/certs/admitted"
pg_init "$dir/pg" > "$dir/log/setup.log" 2>&1
pg_start "$dir/pg" >> "$dir/log/setup.log" 2>&1
pg_create_db "$dir/pg" >> "$dir/log/setup.log" 2>&1
conninfo=$(pg_conninfo "$dir/pg")
export KUMPPANI_DB_ADMIN_CONNINFO="$conninfo user=$PG_ADMIN_USER"
"$bin/kumppani" migrate --dir migrations >> "$dir/log/setup.log" 2>&1

for service in "${services[@]}"; do
    "$bin/kumppani" cert new "$service" --type service --out "$dir/certs/services" > /dev/null
done
"$bin/kumppani" cert new kela --type kela --out "$dir/certs/clients" > /dev/null
"$bin/kumppani" cert new muni-743 --type municipality --municipality 743 --out "$dir/certs/clients" > /dev/null
"$bin/kumppani" cert new operator --type operator --out "$dir/certs/clients" > /dev/null
# The services admit only registered organisations (kp.organisations).
"$bin/kumppani" org add kela --type kela > /dev/null
"$bin/kumppani" org add muni-743 --type municipality --municipality 743 > /dev/null
"$bin/kumppani" org add operator --type operator > /dev/null
cp "$dir"/certs/services/*.cert "$dir"/certs/clients/*.cert "$dir/certs/admitted/"
for _ in 1 2; do od -An -v -tx1 -N32 /dev/urandom | tr -d ' \n'; echo; done > "$dir/hetu.keys"

# A loopback port nothing listens on now.
free_port () {
    local port
    while :; do
        port=$(( 20000 + RANDOM % 12000 ))    # below the ephemeral range (32768-)
        (: < "/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
    done
}
export KUMPPANI_DB_CONNINFO=$conninfo
export KUMPPANI_CERTS_DIR=$dir/certs/admitted
export KUMPPANI_SERVICE_CERTS_DIR=$dir/certs/services
export KUMPPANI_HETU_KEY_FILE=$dir/hetu.keys
export KUMPPANI_LOG_LEVEL=info
export KUMPPANI_POLL_MS=500
# Every instance its own port; the setting everyone reads lists them all.
for service in "${services[@]}" groups; do
    list=""
    for (( instance = 0; instance < instances; instance++ )); do
        binds[$service/$instance]=tcp://127.0.0.1:$(free_port)
        list+=${list:+,}${binds[$service/$instance]}
    done
    export "KUMPPANI_${service^^}_ENDPOINT=$list"
done
list=""
for (( instance = 0; instance < instances; instance++ )); do
    pub_binds[stream/$instance]=tcp://127.0.0.1:$(free_port)
    list+=${list:+,}${pub_binds[stream/$instance]}
done
export KUMPPANI_STREAM_PUB_ENDPOINT=$list
export CHAOS_CERTS=$dir/certs

start () {
    local service=$1 instance=$2
    (
        unset KUMPPANI_DB_ADMIN_CONNINFO
        export KUMPPANI_CLIENT_CERT=$dir/certs/services/$service.cert
        export KUMPPANI_BIND_ENDPOINT=${binds[$service/$instance]}
        [[ $service != stream ]] || export KUMPPANI_STREAM_PUB_BIND_ENDPOINT=${pub_binds[stream/$instance]}
        exec "$bin/$service" >> "$dir/log/$service.$instance.log" 2>&1 < /dev/null
    ) &
    pids[$service/$instance]=$!
}

# One instance, asked on its own endpoint. Bounded: 120 tries of at most
# half a second each.
healthy () {
    local service=$1 instance=$2
    for _ in {1..120}; do
        env "KUMPPANI_${service^^}_ENDPOINT=${binds[$service/$instance]}" \
            KUMPPANI_CLIENT_CERT="$dir/certs/clients/operator.cert" \
            "$bin/kumppani" health --service "$service" --timeout 500 > /dev/null 2>&1 && return 0
        kill -0 "${pids[$service/$instance]}" 2>/dev/null || start "$service" "$instance"
        sleep 0.2
    done
    say "$service (instance $instance) never answered health; the end of its log:"
    tail -n 20 "$dir/log/$service.$instance.log"
    return 1
}

every_instance () {
    local action=$1 service instance
    for service in "${services[@]}"; do
        for (( instance = 0; instance < instances; instance++ )); do
            "$action" "$service" "$instance" || return 1
        done
    done
}

psql_value () {
    "$(pg_bin)/psql" "$KUMPPANI_DB_ADMIN_CONNINFO" -Atqc "$1"
}

every_instance start
every_instance healthy
say "services up in $dir ($instances instances each); ${seconds}s of SIGKILLs, one PostgreSQL restart"

"$chaos" subscribe "$dir/record" "$dir/head" 2> "$dir/log/subscriber.log" &
helpers+=($!)
subscriber=$!
"$chaos" drive referral "$seconds" "$dir/acks.referral" 2> "$dir/log/driver-referral.log" &
helpers+=($!)
"$chaos" drive intake "$seconds" "$dir/acks.intake" 2> "$dir/log/driver-intake.log" &
helpers+=($!)
drivers=("${helpers[@]:1}")

kills=0
pg_restarted=0
start_time=$SECONDS
while (( SECONDS - start_time < seconds )); do
    sleep "$(( 2 + RANDOM % 3 ))"
    if (( ! pg_restarted && SECONDS - start_time >= seconds / 2 )); then
        pg_stop "$dir/pg" >> "$dir/log/setup.log" 2>&1
        sleep 1
        pg_start "$dir/pg" >> "$dir/log/setup.log" 2>&1
        pg_restarted=1
        say "PostgreSQL restarted (fast shutdown) at $(( SECONDS - start_time ))s"
        continue
    fi
    victim=${victims[RANDOM % ${#victims[@]}]}
    instance=$(( RANDOM % instances ))
    kill -KILL "${pids[$victim/$instance]}" 2>/dev/null || true
    wait "${pids[$victim/$instance]}" 2>/dev/null || true
    kills=$(( kills + 1 ))
    sleep 0.$(( RANDOM % 10 ))
    start "$victim" "$instance"
done
say "$kills kills; letting the clients finish"

driver_rc=0
for pid in "${drivers[@]}"; do wait "$pid" || driver_rc=1; done
every_instance healthy

# Intake opens a case for every referral from the stream: let it catch up
# (bounded), then tell the subscriber where the stream ends.
for _ in {1..300}; do
    pending=$(psql_value "SELECT (SELECT count(*) FROM referral.referrals)
                               - (SELECT count(*) FROM intake.case_referrals)")
    (( pending <= 0 )) && break
    sleep 0.2
done
psql_value "SELECT coalesce(max(seq), 0) FROM kp.events" > "$dir/head.tmp"
mv "$dir/head.tmp" "$dir/head"
for _ in {1..600}; do
    kill -0 "$subscriber" 2>/dev/null || break
    sleep 0.2
done
if kill -0 "$subscriber" 2>/dev/null; then
    say "the subscriber never reached seq $(cat "$dir/head"); see $dir/log/subscriber.log"
    kill -TERM "$subscriber"
fi
wait "$subscriber" 2>/dev/null || true
helpers=()

if "$bin/kumppani" audit verify > "$dir/log/audit.log" 2>&1; then audit=ok; else audit=broken; fi
say "$(cat "$dir/log/audit.log")"
grep -h '^# totals' "$dir"/acks.* | sed 's/^# totals/chaos: client:/'
(( driver_rc == 0 )) || say "a client got a refusal: see $dir/log/driver-*.log"
tail -n 1 "$dir/log/subscriber.log"

# The control: the same check over a record with one event taken out must
# fail, or the figures below would prove nothing.
if [[ -s $dir/record ]]; then
    sed "$(( 1 + RANDOM % $(wc -l < "$dir/record") ))d" "$dir/record" > "$dir/record.control"
    if "$chaos" verify "$dir/record.control" "$audit" "$dir"/acks.* > "$dir/log/control.log" 2>&1; then
        say "the verifier missed an event taken out of the record: see $dir/log/control.log"
        exit 1
    fi
fi
CHAOS_KILLS=$kills "$chaos" verify "$dir/record" "$audit" "$dir"/acks.*
