#!/usr/bin/env bash
# fuzz/run.sh TARGET… — runs each libFuzzer target in build/fuzz for
# FUZZ_SECONDS (default 60) from the seed corpus (made by fuzz_seeds) plus
# what earlier runs found, after replaying every saved regression input in
# fuzz/regressions/TARGET. Prints one line per target with its executions
# and executions per second; exits 1 if any target crashed (the input is
# kept in build/fuzz/artifacts/TARGET: copy it to fuzz/regressions/TARGET
# once fixed, so it is replayed for good).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-60}
dir=build/fuzz
seeds=$dir/seeds
rm -rf "$seeds"
"$dir/fuzz_seeds" "$seeds" > /dev/null
failed=0

for target in "$@"; do
    binary=$dir/fuzz_$target
    corpus=$dir/corpus/$target
    artifacts=$dir/artifacts/$target
    log=$dir/logs/$target.log
    mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
    regressions=()
    if [[ -d fuzz/regressions/$target ]]; then
        mapfile -t regressions < <(find "fuzz/regressions/$target" -type f | sort)
    fi
    if (( ${#regressions[@]} )) && ! "$binary" "${regressions[@]}" > "$log.regressions" 2>&1; then
        echo "FUZZ $target: a saved regression input crashes again (see $log.regressions)"
        failed=1
        continue
    fi
    # -max_len: the seeds are small; 64 KiB leaves room to grow fields and
    # repeated lists well past every bound the services check.
    if "$binary" "$corpus" "$seeds" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=1024 \
            -timeout=10 -print_final_stats=1 -artifact_prefix="$artifacts/" > "$log" 2>&1; then
        status=ok
    else
        status=CRASH
        failed=1
    fi
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n 1)
    (( ${took:-0} > 0 )) || took=$seconds
    echo "FUZZ $target: $status runs=${execs:-0} seconds=$took execs_per_s=$(( ${execs:-0} / took ))" \
         "corpus=$(find "$corpus" -type f | wc -l) regressions=${#regressions[@]}"
    if [[ $status == CRASH ]]; then
        grep -E 'ERROR|SUMMARY|Test unit written' "$log" | head -n 5 | sed 's/^/   /'
    fi
done
exit "$failed"
