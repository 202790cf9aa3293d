#!/usr/bin/env bash
# test.sh [unit|integration|all] — runs the criterion binaries in $BUILD/tests.
# Integration tests get a throwaway PostgreSQL cluster with the migrations
# applied; it is removed afterwards (KUMPPANI_TEST_KEEP=1 keeps it). Ends with
# one line, "make test: N passed, M failed", and fails if anything failed.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/pg.sh
source scripts/pg.sh

mode=${1:-all}
case $mode in
    unit|integration|all) ;;
    *) echo "usage: scripts/test.sh [unit|integration|all]" >&2; exit 2 ;;
esac

root=$(pwd -P)
build=${BUILD:-build}
[[ $build == /* ]] || build=$root/$build
limit=${KUMPPANI_TEST_TIMEOUT:-300}     # seconds per test binary
logs=$build/test-logs
passed=0
failed=0
failures=()                             # what failed, repeated at the end
cluster=""                              # the throwaway cluster's directory
child=""                                # pid of the running binary's `timeout`
# Every process a test binary starts inherits this variable, so strays are
# found even after criterion's workers have made sessions of their own.
marker=$$-$RANDOM$RANDOM

say () { printf 'test: %s\n' "$*"; }

# Tests must not reach the system `make up` runs, whatever the shell sourced.
while read -r name; do
    unset "$name"
done < <(compgen -e | grep -E '^KUMPPANI_(DB_|CERTS_DIR$|SERVICE_CERTS_DIR$|CLIENT_CERT$|HETU_KEY_FILE$|.*_ENDPOINT$)' || true)

# Pids of the live processes started under this run's marker.
marked_pids () {
    local file pid
    grep -lzx "KUMPPANI_TEST_RUN=$marker" /proc/[0-9]*/environ 2>/dev/null | while read -r file; do
        pid=${file#/proc/}
        pid=${pid%/environ}
        [[ $(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1) == Z ]] || echo "$pid"
    done
    return 0
}

# Ends what a test binary left running: SIGTERM, 3 s to drain, then SIGKILL.
stop_strays () {
    local -a pids
    mapfile -t pids < <(marked_pids)
    (( ${#pids[@]} )) || return 0
    echo "   warning: ${1:-the tests} left running: $(ps -o pid=,comm= -p "$(IFS=,; echo "${pids[*]}")" | tr -s ' \n' ' ')"
    kill -TERM "${pids[@]}" 2>/dev/null || true
    for _ in {1..30}; do
        mapfile -t pids < <(marked_pids)
        (( ${#pids[@]} )) || return 0
        sleep 0.1
    done
    kill -KILL "${pids[@]}" 2>/dev/null || true
}

cleanup () {
    local rc=$?
    trap - EXIT INT TERM
    [[ -z $child ]] || kill -TERM "$child" 2>/dev/null || true
    stop_strays "the interrupted tests"
    if [[ -n $cluster ]]; then
        pg_stop "$cluster/pg" >/dev/null || echo "test: warning: could not stop the cluster in $cluster" >&2
        if [[ ${KUMPPANI_TEST_KEEP:-0} == 1 ]]; then
            say "kept the test cluster in $cluster (scripts/pg.sh start $cluster/pg to look inside)"
        else
            rm -rf "$cluster"
        fi
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Runs one binary under a time limit, output to $logs, and ends whatever it
# left running. Shows criterion's report lines; adds its counts to the totals.
run_binary () {
    local binary=$1 name log rc=0 synthesis passing=0 bad
    local -a counts
    shift
    name=${binary#"$build"/tests/}
    log=$logs/$name.log
    mkdir -p "$(dirname "$log")"
    echo "== $name"
    KUMPPANI_TEST_RUN=$marker timeout -k 10 "$limit" "$binary" "$@" > "$log" 2>&1 &
    child=$!
    wait "$child" || rc=$?
    child=""
    sed -i 's/\x1b\[[0-9;]*m//g' "$log"
    grep -E '^\[(----|FAIL|WARN|ERR |====)\]' "$log" | sed 's/^/   /' || true
    synthesis=$(grep -oE 'Synthesis: Tested: [0-9]+ \| Passing: [0-9]+ \| Failing: [0-9]+ \| Crashing: [0-9]+' "$log" | tail -n 1 || true)
    if [[ -n $synthesis ]]; then
        read -r -a counts <<< "${synthesis//[^0-9]/ }"    # tested passing failing crashing
        passing=${counts[1]}
        bad=${counts[2]}                                    # "Failing" includes the crashes
        (( counts[3] <= bad )) || bad=${counts[3]}
    else
        bad=0
    fi
    if (( rc == 124 || rc == 137 )); then
        echo "   $name: timed out after ${limit}s (KUMPPANI_TEST_TIMEOUT)"
    fi
    if [[ -z $synthesis ]]; then
        echo "   $name: exited with status $rc without a Synthesis line; the end of its output:"
        tail -n 30 "$log" | sed 's/^/   | /'
        bad=1
    elif (( rc != 0 && bad == 0 )); then
        echo "   $name: exited with status $rc although no test failed"
        bad=1
    fi
    if (( bad != 0 )); then
        echo "   full output: ${log#"$root"/}"
        failures+=("$name: $(grep -E '^\[FAIL\]' "$log" | head -n 3 | cut -c1-160 | tr '\n' ' ' || true)")
    fi
    stop_strays "$name"
    passed=$(( passed + passing ))
    failed=$(( failed + bad ))
}

# KUMPPANI_TEST_ONLY narrows the run while working on a few suites: shell
# patterns on a binary's name or a stage's (python, fuzz, chaos), separated
# by spaces or commas ('test_groups* test_vocab_*', 'test_cli,python').
# `make test` itself always runs everything.
only=()
IFS=$' \t\n,' read -r -a only <<< "${KUMPPANI_TEST_ONLY:-}"

# True when nothing narrows the run or one of the patterns matches $1.
selected () {
    (( ${#only[@]} )) || return 0
    local pattern
    for pattern in "${only[@]}"; do
        # shellcheck disable=SC2053  # the pattern is meant to match
        [[ $1 == $pattern ]] && return 0
    done
    return 1
}

# The executable test_* files in a directory, sorted, as narrowed.
binaries_in () {
    local file
    for file in "$1"/test_*; do
        [[ -f $file && -x $file ]] && selected "${file##*/}" && printf '%s\n' "$file"
    done
    return 0
}

# A pattern that matches nothing this mode would run is a typo or a suite
# of another mode: said before anything starts, and the run fails (it
# would otherwise pass having run nothing).
check_only () {
    (( ${#only[@]} )) || return 0
    local -a dirs=() names=() unmatched=()
    local dir file pattern name found
    case $mode in
        unit)        dirs=("$build/tests/unit") ;;
        integration) dirs=("$build/tests/integration"); names=(python) ;;
        all)         dirs=("$build/tests/unit" "$build/tests/integration"); names=(python fuzz chaos) ;;
    esac
    for dir in "${dirs[@]}"; do
        for file in "$dir"/test_*; do
            [[ -f $file && -x $file ]] && names+=("${file##*/}")
        done
    done
    for pattern in "${only[@]}"; do
        found=0
        for name in "${names[@]}"; do
            # shellcheck disable=SC2053  # the pattern is meant to match
            [[ $name == $pattern ]] && { found=1; break; }
        done
        (( found )) || unmatched+=("$pattern")
    done
    if (( ${#unmatched[@]} )); then
        say "KUMPPANI_TEST_ONLY: no $mode suite in ${build#"$root"/} matches: ${unmatched[*]}"
        echo "make test: 0 passed, ${#unmatched[@]} failed"
        exit 2
    fi
}

run_unit () {
    local -a binaries
    mapfile -t binaries < <(binaries_in "$build/tests/unit")
    if (( ${#binaries[@]} == 0 )); then
        say "no unit test binaries in ${build#"$root"/}/tests/unit"
        return 0
    fi
    local binary
    for binary in "${binaries[@]}"; do
        run_binary "$binary"
    done
}

# SQL that gives database $2 the per-database role settings of $1 (the
# reporting role's jit = off, migration 0030): a copy does not take them.
copy_role_settings () {
    printf '%s' "DO \$\$ DECLARE s record; BEGIN FOR s IN SELECT setrole::regrole AS role, unnest (setconfig) AS setting" \
        " FROM pg_db_role_setting WHERE setdatabase = (SELECT oid FROM pg_database WHERE datname = '$1')" \
        " LOOP EXECUTE format ('ALTER ROLE %s IN DATABASE $2 SET %s', s.role," \
        " regexp_replace (s.setting, '=', ' = ')); END LOOP; END \$\$"
}

run_integration () {
    local -a binaries
    mapfile -t binaries < <(binaries_in "$build/tests/integration")
    if (( ${#binaries[@]} == 0 )); then
        say "no integration test binaries in ${build#"$root"/}/tests/integration (checking the migrations only)"
    fi
    if [[ ! -x $build/bin/kumppani ]]; then
        say "$build/bin/kumppani is missing: build first (make all)"
        failed=$(( failed + 1 ))
        return 0
    fi

    cluster=$(mktemp -d /tmp/kp-test.XXXXXX)
    [[ $EUID -ne 0 ]] || chmod 711 "$cluster"     # the postgres user works inside
    say "throwaway cluster in $cluster"
    if ! { pg_init "$cluster/pg" && pg_start "$cluster/pg" && pg_create_db "$cluster/pg"; } > "$cluster/setup.log" 2>&1; then
        cat "$cluster/setup.log" >&2
        say "could not set up the test cluster"
        failed=$(( failed + 1 ))
        return 0
    fi
    local conninfo
    conninfo=$(pg_conninfo "$cluster/pg")
    export KUMPPANI_TEST_ADMIN_CONNINFO="$conninfo user=$PG_ADMIN_USER"
    export KUMPPANI_TEST_CONNINFO="$conninfo"
    export KUMPPANI_TEST_BIN_DIR="$build/bin"
    export KUMPPANI_TEST_FAULT_BIN_DIR="$build/tests/bin"     # test builds (tests/fault)
    export KUMPPANI_TEST_MIGRATIONS_DIR="$root/migrations"
    # For the suites that stop and start PostgreSQL (kpt_pg_stop / kpt_pg_start).
    export KUMPPANI_TEST_PG_DIR="$cluster/pg"
    export KUMPPANI_TEST_PG_SH="$root/scripts/pg.sh"
    if ! KUMPPANI_DB_ADMIN_CONNINFO="$KUMPPANI_TEST_ADMIN_CONNINFO" \
            "$build/bin/kumppani" migrate --dir "$KUMPPANI_TEST_MIGRATIONS_DIR" > "$cluster/migrate.log" 2>&1; then
        cat "$cluster/migrate.log" >&2
        say "migrations failed on a fresh database"
        failed=$(( failed + 1 ))
        failures+=("migrations failed on a fresh database")
        return 0
    fi
    say "$(tail -n 1 "$cluster/migrate.log")"
    # A copy of the migrated database before any suite writes to it: the
    # suites that move the services' clock each start from their own copy
    # (kpt_setup_own_database), so that a month ahead the other suites'
    # referrals and cases are not theirs to breach.
    export KUMPPANI_TEST_TEMPLATE_DB=kumppani_template
    if ! "$(pg_bin)/psql" -X -q -w -v ON_ERROR_STOP=1 "$KUMPPANI_TEST_ADMIN_CONNINFO dbname=postgres" \
            -c "CREATE DATABASE $KUMPPANI_TEST_TEMPLATE_DB TEMPLATE $PG_DATABASE" \
            -c "$(copy_role_settings "$PG_DATABASE" "$KUMPPANI_TEST_TEMPLATE_DB")" > "$cluster/template.log" 2>&1; then
        cat "$cluster/template.log" >&2
        say "could not copy the migrated database"
        failed=$(( failed + 1 ))
        failures+=("could not copy the migrated database")
        return 0
    fi
    local binary
    for binary in "${binaries[@]}"; do
        run_binary "$binary" --jobs 1      # they start real services: one at a time
    done
    run_python
}

# The official Python client's own suite (clients/python/tests) against
# real services on this run's cluster, with Debian's python3 (python3-zmq,
# python3-protobuf: make deps). Each test that passed counts as one.
run_python () {
    stage_selected python || return 0
    echo "== python client (clients/python/tests)"
    local python=/usr/bin/python3 log=$logs/python-client.log
    if ! make --no-print-directory python-client > "$log" 2>&1 \
    || ! "$python" -c 'import zmq, google.protobuf' >> "$log" 2>&1; then
        tail -n 5 "$log" | sed 's/^/   | /'
        echo "   protoc, python3-zmq or python3-protobuf is missing (make deps)"
        failed=$(( failed + 1 ))
        return 0
    fi
    (cd clients/python/tests && KUMPPANI_TEST_RUN=$marker KUMPPANI_TEST_BIN_DIR="$build/bin" \
        timeout -k 10 "$limit" "$python" -m unittest -v test_client) > "$log" 2>&1 || true
    #  unittest's own summary: "Ran N tests", then "OK" or "FAILED (failures=F, errors=E)".
    local ran bad=0 ok=0
    ran=$(sed -n 's/^Ran \([0-9]*\) tests\{0,1\} in .*/\1/p' "$log" | tail -n 1)
    if [[ -z $ran || $ran == 0 ]]; then
        tail -n 15 "$log" | sed 's/^/   | /'
        bad=1
    else
        local count
        for count in $(grep -E '^FAILED \(' "$log" | grep -oE '(failures|errors)=[0-9]+' | cut -d= -f2 || true); do
            bad=$(( bad + count ))
        done
        if ! grep -qx 'OK' "$log" && (( bad == 0 )); then
            bad=1
        fi
        ok=$(( ran - bad ))
        grep -E '^(FAIL|ERROR): ' "$log" | sed 's/^/   /' || true
    fi
    echo "   $ok passed, $bad failed (full output: ${log#"$root"/})"
    (( bad == 0 )) || failures+=("python client: $(grep -E '^(FAIL|ERROR): ' "$log" | head -n 3 | tr '\n' ' ' || true)")
    passed=$(( passed + ok ))
    failed=$(( failed + bad ))
    stop_strays "the python client's tests"
}

# The compose file cannot run here (no docker engine), so it is validated:
# docker-compose resolves it with the example settings, as an operator's
# `docker compose up` would.
run_compose () {
    echo "== compose/docker-compose.yml"
    if ! command -v docker-compose > /dev/null; then
        echo "   docker-compose is missing (make deps installs it)"
        failed=$(( failed + 1 ))
        return 0
    fi
    local dir
    dir=$(mktemp -d /tmp/kp-compose.XXXXXX)
    cp -r compose/. "$dir/"
    cp compose/kumppani.env.example "$dir/kumppani.env"
    mkdir -p "$dir/certs" "$dir/secrets"
    : > "$dir/secrets/hetu.keys"
    if (cd "$dir" && docker-compose -f docker-compose.yml config -q) > "$dir/config.log" 2>&1; then
        echo "   valid (docker-compose config)"
        passed=$(( passed + 1 ))
    else
        sed 's/^/   /' "$dir/config.log"
        failed=$(( failed + 1 ))
    fi
    rm -rf "$dir"
}

# True when KUMPPANI_TEST_ONLY is unset or one of its patterns matches the stage.
stage_selected () {
    selected "$1"
}

# A short libFuzzer run of every target (clang build: make fuzz-build);
# each target that ran without a crash counts as one test passed.
run_fuzz () {
    stage_selected fuzz || return 0
    echo "== fuzz (${KUMPPANI_FUZZ_SECONDS:-10} s per target)"
    if ! make --no-print-directory fuzz-build > "$logs/fuzz-build.log" 2>&1; then
        tail -n 20 "$logs/fuzz-build.log" | sed 's/^/   | /'
        echo "   the fuzz targets did not build (clang, libclang-rt-14-dev: make deps)"
        failed=$(( failed + 1 ))
        failures+=("fuzz: the targets did not build (${logs#"$root"/}/fuzz-build.log)")
        return 0
    fi
    local line
    while read -r line; do
        echo "   $line"
        case $line in
            "FUZZ "*": ok "*) passed=$(( passed + 1 )) ;;
            "FUZZ "*)         failed=$(( failed + 1 )); failures+=("$line") ;;
        esac
    done < <(FUZZ_SECONDS=${KUMPPANI_FUZZ_SECONDS:-10} fuzz/run.sh envelope intake referral groups reporting stream || true)
}

# A short chaos run (its own cluster and services): passes when nothing
# was lost, doubled or missed and the audit chain verifies.
run_chaos () {
    stage_selected chaos || return 0
    local seconds=${KUMPPANI_CHAOS_SECONDS:-15} rc=0
    echo "== chaos (${seconds} s)"
    if ! make --no-print-directory BUILD="$build" chaos-build > "$logs/chaos-build.log" 2>&1; then
        tail -n 20 "$logs/chaos-build.log" | sed 's/^/   | /'
        failed=$(( failed + 1 ))
        failures+=("chaos: did not build")
        return 0
    fi
    CHAOS_SECONDS=$seconds BUILD=$build chaos/run.sh > "$logs/chaos.log" 2>&1 || rc=$?
    grep -E '^(CHAOS |chaos: (client|PostgreSQL|audit|subscriber|[0-9]+ kills))' "$logs/chaos.log" | sed 's/^/   /' || true
    if (( rc == 0 )); then
        passed=$(( passed + 1 ))
    else
        echo "   chaos run failed (status $rc); full output: ${logs#"$root"/}/chaos.log"
        tail -n 15 "$logs/chaos.log" | sed 's/^/   | /'
        failed=$(( failed + 1 ))
        failures+=("chaos: status $rc")
    fi
}

check_only
mkdir -p "$logs"
case $mode in
    unit)        run_unit ;;
    integration) run_integration ;;
    all)         run_unit; run_compose; run_integration; run_fuzz; run_chaos ;;
esac

# CI shows only the end of the output: name what failed there again.
if (( ${#failures[@]} )); then
    echo "what failed:"
    printf '   %s\n' "${failures[@]}"
fi
echo "make test: $passed passed, $failed failed"
(( failed == 0 ))
