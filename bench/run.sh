#!/usr/bin/env bash
# bench/run.sh — submission throughput of kumppani next to pgbench on the
# same database, for N concurrent clients. Needs the system running
# (`make up`). Prints one BENCH line per figure; asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build}
seconds=${BENCH_SECONDS:-5}
# shellcheck disable=SC1091
source var/kumppani.env
pgbench=$(ls /usr/lib/postgresql/*/bin/pgbench | sort -V | tail -1)
echo "bench: what kumppani does per submission: validate, insert the row, append an audit"
echo "bench: row (hash chain), append an outbox event (gap-free seq), store the idempotency"
echo "bench: key and reply; acknowledged only after COMMIT. pgbench: the bare INSERT."
for n in ${BENCH_CLIENTS:-1 8 32}; do
    line=$("$build/bench/bench_submit" "$n" "$seconds")
    echo "$line"
    kp_tps=$(sed -n 's/.*kumppani_tps=\([0-9.]*\).*/\1/p' <<<"$line")
    pg_tps=$("$pgbench" -n -M prepared -c "$n" -j "$n" -T "$seconds" -f bench/insert_observation.sql \
                 "$KUMPPANI_DB_ADMIN_CONNINFO" 2>/dev/null | sed -n 's/^tps = \([0-9.]*\).*/\1/p')
    ratio=$(awk -v a="$kp_tps" -v b="$pg_tps" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
    echo "BENCH submit n=$n kumppani_tps=$kp_tps pgbench_tps=${pg_tps%.*} ratio=$ratio"
done
