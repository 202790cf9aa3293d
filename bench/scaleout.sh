# bench/scaleout.sh — sourced by bench/run.sh (BENCH_ONLY=scaleout): Kela
# notices per second through one referral instance and through two, as
# the same clients see them (their DEALERs connected to both endpoints,
# ZeroMQ's round robin), each on settled consumers (run.sh's settle). The second instance is started here beside the
# one `make up` runs, on the same database and certificate, and stopped
# afterwards. Both runs in one go, so read the ratio, not the figures: on
# a 2-core machine a second process mostly shares the same cores and the
# same database's commit path.
scaleout_port () {
    local port
    while :; do
        port=$(( 20000 + RANDOM % 12000 ))    # below the ephemeral range (32768-)
        (: < "/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
    done
}

second_bind=tcp://127.0.0.1:$(scaleout_port)
second_log=var/log/referral.bench-second.log
(
    unset KUMPPANI_DB_ADMIN_CONNINFO KUMPPANI_DB_USER
    export KUMPPANI_CLIENT_CERT=var/certs/services/referral.cert
    export KUMPPANI_REFERRAL_ENDPOINT=$second_bind
    # Its own metrics port, if the first has one.
    [[ -z ${KUMPPANI_REFERRAL_METRICS_PORT:-} ]] || export KUMPPANI_REFERRAL_METRICS_PORT=0
    [[ -z ${KUMPPANI_METRICS_PORT:-} ]] || export KUMPPANI_METRICS_PORT=0
    exec "$build/bin/referral" >> "$second_log" 2>&1 < /dev/null
) &
second_pid=$!
trap 'kill -TERM "$second_pid" 2>/dev/null || true' EXIT
for _ in {1..100}; do
    KUMPPANI_REFERRAL_ENDPOINT=$second_bind "$build/bin/kumppani" health --service referral --timeout 200 \
        >/dev/null 2>&1 && break
    kill -0 "$second_pid" 2>/dev/null || die "the second referral instance did not start: see $second_log"
    sleep 0.1
done
say "scale-out: a second referral instance on $second_bind (pid $second_pid)"
for n in ${BENCH_CLIENTS:-1 8 32}; do
    settle "scaleout_one_n$n"
    one=$("$build/bench/bench_submit" "$n" "$seconds")
    settle "scaleout_two_n$n"
    two=$(KUMPPANI_REFERRAL_ENDPOINT="$KUMPPANI_REFERRAL_ENDPOINT,$second_bind" \
              "$build/bench/bench_submit" "$n" "$seconds")
    tps_one=$(sed -n 's/.*kumppani_tps=\([0-9.]*\).*/\1/p' <<<"$one")
    tps_two=$(sed -n 's/.*kumppani_tps=\([0-9.]*\).*/\1/p' <<<"$two")
    ratio=$(awk -v a="$tps_two" -v b="${tps_one:-0}" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
    emit "BENCH scaleout clients=$n one_instance_tps=${tps_one:-0} two_instances_tps=${tps_two:-0} ratio=$ratio"
done
kill -TERM "$second_pid" 2>/dev/null || true
wait "$second_pid" 2>/dev/null || true
trap - EXIT
