#!/bin/sh
# Runs every fuzz target (or those named) for SECONDS each, one after the other, on its seed
# corpus; fails on the first finding (crash, leak, timeout, out-of-memory, UB) and leaves the
# crashing input in BUILD/fuzz-findings/. Prints exec/s and coverage per target.
# Usage: run.sh BUILD_DIR SECONDS [TARGET...]     (targets: edf wfdb ... without "fuzz_")
# Limits: one input must run within 10 s and allocate at most 64 MB at once and 1 GB in all;
# inputs are at most 256 KB, so a reader allocating more than 2x the file plus a fixed bound
# shows up as a finding.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=$(cd "$1" && pwd) seconds=$2
shift 2
targets=${*:-"edf wfdb wfdb_annotations text bids sndfile ishne acq xdf brainvision opensignals movesense detect events ecg ppg rr beats beats_table beat_times signals stream session_settings"}
seeds="$build/fuzz-seeds" corpus="$build/fuzz-corpus" findings="$build/fuzz-findings"
rm -rf "$seeds"
sh "$here/make_seeds.sh" "$seeds" "$src" "${PSYPHYS_SHARED_DATA:-$src/../shared/data}"
mkdir -p "$corpus" "$findings"
status=0
for t in $targets; do
    bin="$build/tests/fuzz/fuzz_$t"
    [ -x "$bin" ] || { echo "fuzz: no $bin (build the fuzz_targets target with clang)" >&2; exit 1; }
    mkdir -p "$corpus/$t"
    log="$build/fuzz-$t.log"
    regress="$here/regressions/$t"
    [ -d "$regress" ] || regress=""
    # shellcheck disable=SC2086
    if ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 -malloc_limit_mb=64 -max_len=262144 \
        -print_final_stats=1 -artifact_prefix="$findings/$t-" "$corpus/$t" "$seeds/$t" $regress >"$log" 2>&1; then
        result=ok
    else
        result=FINDING status=1
    fi
    stats=$(grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE|INITED)' "$log" | tail -n 1 | sed 's/^#//')
    execs=$(grep -E 'stat::average_exec_per_sec' "$log" | awk '{ print $2 }')
    printf 'fuzz_%-17s %-7s runs %s exec/s %s\n' "$t" "$result" "$(echo "$stats" | awk '{print $1}')" "${execs:-?}"
    printf '    %s\n' "$(echo "$stats" | grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [^ ]+')"
    if [ $result != ok ]; then grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" | head -n 5 >&2; break; fi
done
exit $status
