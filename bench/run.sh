#!/usr/bin/env bash
# bench/run.sh — `make bench`: every benchmark against the system `make up`
# started (the embedded default), one BENCH line per figure on stdout, a
# table at the end, and the same figures as JSON in bench/results/. Asserts
# nothing. Settings (environment):
#   BENCH_SECONDS=5            length of each submission run
#   BENCH_CLIENTS="1 8 32"     concurrent submitters
#   BENCH_STREAM_EVENTS=1000000, BENCH_STREAM_SUBSCRIBERS=50 (see bench_stream.c)
#   BENCH_STREAM_PACED_RATE=4000   events/s of the second, paced stream run
#   BENCH_REPORT_SIZES="10000 100000 1000000"   clients generated for the reports
#   BENCH_REPORT_FOLD_MAX=100000   up to this many clients the notices' events are
#                              appended and folded and the SLA report is timed
#   BENCH_ONLY="submit memory stream report scaleout"    which parts to run
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build}
seconds=${BENCH_SECONDS:-5}
only=${BENCH_ONLY:-submit memory stream report scaleout}
services=(intake referral groups reporting stream)

die () { printf 'bench: error: %s\n' "$*" >&2; exit 1; }
say () { printf 'bench: %s\n' "$*" >&2; }
wants () { [[ " $only " == *" $1 "* ]]; }

[[ -f var/kumppani.env ]] || die "no var/kumppani.env: start the system first (make up)"
# shellcheck disable=SC1091
source var/kumppani.env
"$build/bin/kumppani" health >/dev/null 2>&1 || die "a service is down (build/bin/kumppani health); make up"
pgbench=$(printf '%s\n' /usr/lib/postgresql/*/bin/pgbench | sort -V | tail -n 1)
[[ -x $pgbench ]] || pgbench=$(command -v pgbench) || die "pgbench not found (package postgresql-contrib / postgresql)"
psql=$(dirname "$pgbench")/psql
[[ -x $psql ]] || psql=psql

lines=()
emit () { echo "$1"; lines+=("$1"); }

if wants submit; then
    say "submission: Kela notices of need for social work to the referral service, each with a"
    say "fresh idempotency key, acknowledged only after COMMIT. Per submission the service validates"
    say "and encrypts the henkilötunnus, inserts the referral and its first history row and reads"
    say "the view back (one statement), appends the hash-chained audit row, appends the outbox"
    say "event (gap-free seq) and stores the idempotency key with the reply; group commit shares one"
    say "transaction per batch. pgbench: the bare INSERT of an equivalent row, one per transaction."
    for n in ${BENCH_CLIENTS:-1 8 32}; do
        line=$("$build/bench/bench_submit" "$n" "$seconds")
        kp_tps=$(sed -n 's/.*kumppani_tps=\([0-9.]*\).*/\1/p' <<<"$line")
        pg_tps=$("$pgbench" -n -M prepared -c "$n" -j "$n" -T "$seconds" -f bench/insert_referral.sql \
                     "$KUMPPANI_DB_ADMIN_CONNINFO" 2>/dev/null | sed -n 's/^tps = \([0-9.]*\).*/\1/p')
        ratio=$(awk -v a="$kp_tps" -v b="${pg_tps:-0}" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
        emit "${line/kumppani_tps=/pgbench_tps=${pg_tps%.*} ratio=$ratio kumppani_tps=}"
    done
    # pgbench's rows are not referrals anyone sent: remove them.
    "$psql" -q "$KUMPPANI_DB_ADMIN_CONNINFO" \
        -c "DELETE FROM referral.referrals WHERE sender_person = 'pgbench'" \
        >/dev/null || true
fi

if wants memory; then
    # Peak resident set (VmHWM) of each service since it started.
    for service in "${services[@]}"; do
        pid=$(cat "var/pids/$service.pid" 2>/dev/null || true)
        hwm=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$pid/status" 2>/dev/null || true)
        emit "BENCH memory service=$service peak_rss_kb=${hwm:-unknown}"
    done
fi

if wants stream; then
    # As fast as the writers go (throughput; the lag is then the backlog of
    # subscribers that cannot keep up), then paced at a rate they can
    # sustain for 20 s (the lag of the relay itself).
    emit "$("$build/bench/bench_stream")"
    paced=${BENCH_STREAM_PACED_RATE:-4000}
    emit "$(BENCH_STREAM_RATE=$paced BENCH_STREAM_EVENTS=$(( paced * 20 )) "$build/bench/bench_stream")"
fi

if wants report; then
    # The notices' events are appended as the referral service would have
    # (bench_report_events), and the SLA report reads what the reporting
    # consumer folded from them; past BENCH_REPORT_FOLD_MAX clients only
    # the rows are made, and only the participants report (which reads
    # intake's tables) is timed.
    fold_max=${BENCH_REPORT_FOLD_MAX:-100000}
    say "report: removing earlier generated clients, then generating up to each size"
    "$psql" -q "$KUMPPANI_DB_ADMIN_CONNINFO" -f bench/report_clean.sql >/dev/null
    # Working days by the services' own calendar (bench.calendar).
    "$build/bench/bench_calendar" 2024-01-01 2027-12-31 \
        | "$psql" -q "$KUMPPANI_DB_ADMIN_CONNINFO" -c '\copy bench.calendar FROM pstdin'
    made=0
    folded=1
    for size in ${BENCH_REPORT_SIZES:-10000 100000 1000000}; do
        if (( size > made )); then
            "$psql" -q "$KUMPPANI_DB_ADMIN_CONNINFO" -v first=$(( made + 1 )) -v last="$size" \
                -f bench/report_data.sql >/dev/null
            if (( folded && size <= fold_max )); then
                say "report: appending the events of notices $(( made + 1 ))-$size, waiting for the consumers"
                emit "$("$build/bench/bench_report_events" $(( made + 1 )) "$size")"
            elif (( folded )); then
                folded=0
                say "report: $size clients is past BENCH_REPORT_FOLD_MAX=$fold_max: no events, participants only"
            fi
            made=$size
        fi
        reports=()
        (( folded )) || reports=(participants)
        while read -r line; do
            emit "$line"
        done < <("$build/bench/bench_report" "$size" "${reports[@]}")
    done
fi

if wants scaleout; then
    # shellcheck source=bench/scaleout.sh
    source bench/scaleout.sh
fi

# The table, and the JSON: every BENCH line as one object of its fields.
echo
printf '%s\n' "${lines[@]}" | sed 's/^BENCH //' | column -t
mkdir -p bench/results
stamp=$(date -u +%Y%m%dT%H%M%SZ)
json=bench/results/bench-$stamp.json
{
    printf '{"when":"%s","commit":"%s","cpus":%s,"load":"%s","figures":[' \
        "$stamp" "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" "$(nproc)" \
        "$(cut -d' ' -f1-3 /proc/loadavg)"
    first=1
    for line in "${lines[@]}"; do
        (( first )) || printf ','
        first=0
        awk '{ printf "{\"figure\":\"%s\"", $2
               for (i = 3; i <= NF; i++) {
                   split ($i, pair, "=")
                   value = pair[2]
                   if (value ~ /^-?[0-9]+(\.[0-9]+)?$/) printf ",\"%s\":%s", pair[1], value
                   else printf ",\"%s\":\"%s\"", pair[1], value
               }
               printf "}" }' <<<"$line"
    done
    printf ']}\n'
} > "$json"
echo
say "results written to $json"
