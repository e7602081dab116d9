#!/bin/sh
# Runs two psyphys binaries on the same inputs (the bundled recording, ../shared samples, and the
# 24 h record when DAY=DIR/day.hea is given) and compares stdout, stderr, exit codes and every
# file written, byte for byte: a refactoring must not change a byte.
#   sh scripts/compare_outputs.sh OLD_BIN NEW_BIN [SHARED_DATA_DIR]
set -u
old=$(realpath "$1") new=$(realpath "$2")
src=$(cd "$(dirname "$0")/.." && pwd)
data=${3:-$src/../shared/data}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/psyphys-compare-XXXXXX")
[ -n "${KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT
demo=$src/recordings/neurokit_eventrelated.edf
n=0
# case NAME ARGS...: runs each binary in its own directory (same relative output paths).
case_() {
    name=$1; shift
    n=$((n + 1))
    for side in old new; do
        bin=$old; [ $side = new ] && bin=$new
        mkdir -p "$tmp/$side/$n" && (cd "$tmp/$side/$n" && "$bin" "$@" >stdout 2>stderr; echo $? >rc)
    done
    if ! diff -r "$tmp/old/$n" "$tmp/new/$n" >"$tmp/diff" 2>&1; then
        echo "DIFFERS: $name ($*)"; head -20 "$tmp/diff"; fail=1
    fi
}
fail=0
case_ demo analyze "$demo" -o out --report
case_ demo-windows analyze "$demo" --segments window:60:30 --epochs Neutral --eda-method deconv -o out
case_ demo-markers analyze "$demo" --segments markers --pre 2 --post 8 --latency 1:3 --hrv-window 60:30 -o out
case_ demo-trigger analyze "$demo" --trigger Photosensor -o out
case_ demo-keep analyze "$demo" --keep-corrected --max-corrected-pct 1 -o out
case_ demo-bad-ecg analyze "$demo" --ecg Nope
case_ e4-hr analyze "$src/tests/data/e4/HR.csv" --events "$src/tests/data/e4/events.tsv" -o out
case_ demo-hrv hrv "$demo" -o hrv.tsv
case_ demo-beats beats "$demo" -o beats.tsv --nn nn.tsv
case_ demo-beats-stdout beats "$demo"
case_ demo-resp resp "$demo" -o breaths.tsv
case_ demo-eda eda "$demo" -o scr.tsv --epochs epochs.tsv --segments segments.tsv
case_ demo-eda-json eda "$demo" --json
case_ demo-stream stream --replay "$demo" --speed max
case_ demo-stream-exact stream --replay "$demo" --speed max --exact --time-window 30
"$old" beats "$demo" -o "$tmp/demo_beats.tsv" 2>/dev/null
case_ beats-table-hrv hrv "$tmp/demo_beats.tsv" -o hrv.tsv
case_ beats-table-hrv-raw hrv "$tmp/demo_beats.tsv" --correction none
sed '5s/\t[^\t]*\t/\tx\t/2' "$tmp/demo_beats.tsv" | sed '5s/^[^\t]*/zz/' >"$tmp/bad_beats.tsv"
case_ beats-table-bad hrv "$tmp/bad_beats.tsv"
printf 'onset\tsample\trr_ms\tlabel\tcorrected\n1.0\t100\tabc\tN\t0\n' >"$tmp/bad_rr.tsv"
case_ beats-table-bad-rr hrv "$tmp/bad_rr.tsv"
printf 'onset\tsample\trr_ms\tlabel\tcorrected\n1.0\t100\n' >"$tmp/short.tsv"
case_ beats-table-short hrv "$tmp/short.tsv"
# score-beats: each kind of file it reads its beats from (psy_beat_times_load), and each refusal
"$old" beats "$demo" -o "$tmp/sb.tsv" --format wfdb 2>/dev/null
awk -F'\t' 'NR == 1 { print "sample,label" } NR > 1 { print $2 "," (NR % 9 ? "N" : "~") }' "$tmp/sb.tsv" >"$tmp/sb_samples.csv"
awk -F'\t' 'NR == 1 { print "      Time   Sample #  Type  Sub Chan  Num\tAux" } NR > 1 { printf "%12s %8d     %s    0    0    0\n", "0:00.000", $2, (NR % 7 ? "N" : "+") }' \
    "$tmp/sb.tsv" >"$tmp/sb_rdann.txt"
printf 'onset;type\n1.0;N\nn/a;N\n2.0;+\n3.0;N\n2.5;N\n' >"$tmp/sb_order.csv"
printf '00000000\n1.0 N\n2.0 X\n3.0 S\n' >"$tmp/sb_list.txt"
printf '00000000\n1.0 N\nabc N\n' >"$tmp/sb_badlist.txt"
printf 'time\tvalue\n1\t2\n' >"$tmp/sb_nocol.tsv"
: >"$tmp/sb_empty.tsv"
for args in "$tmp/sb.tsv --json" "$tmp/sb.qrs --fs 100" "$tmp/sb.qrs" "$tmp/sb_samples.csv --fs 100" \
    "$tmp/sb_samples.csv" "$tmp/sb_rdann.txt --fs 100" "$tmp/sb_order.csv" "$tmp/sb_list.txt --fs 100" \
    "$tmp/sb_badlist.txt" "$tmp/sb_nocol.tsv" "$tmp/sb_empty.tsv" "$tmp/sb_missing.tsv" "$tmp"; do
    # shellcheck disable=SC2086
    case_ "score-beats ${args##*/}" score-beats --from 0 --ref $args --test "$tmp/sb.tsv"
done
case_ demo-config analyze "$demo" --config "$src/tests/data/analyze_study.json" -o out
case_ demo-config-flags analyze "$demo" --config "$src/tests/data/analyze_study.json" --epochs Negative --pre 1 \
    --eda-method fast --trigger Photosensor -o out
printf '{"ecg": "ECG", "triggers": ["Photosensor:0.5"], "units": {"RSP": "V"}, "libedf": false, "format": "edf",\n "events_offset_s": 0.25, "max_corrected_pct": 2, "keep_corrected": true, "layout": "flat"}\n' >"$tmp/all.json"
case_ demo-config-all analyze "$demo" --config "$tmp/all.json" -o out
printf '{"pre": 1}' >"$tmp/unknown.json"
case_ config-unknown analyze "$demo" --config "$tmp/unknown.json" -o out
case_ demo-report-again analyze "$demo" -o out --report --layout flat
if [ -d "$data" ]; then
    for r in 100 105 113 203; do
        [ -f "$data/mitdb/$r.hea" ] && case_ "mitdb-$r" analyze "$data/mitdb/$r.hea" -o out --report
    done
    case_ mitdb-100-hrv hrv "$data/mitdb/100.hea" -o hrv.tsv
    case_ mitdb-100-beats beats "$data/mitdb/100.hea" -o beats.tsv --format wfdb
    case_ mitdb-100-stream stream --replay "$data/mitdb/100.hea" --speed max
    case_ polar-stream stream --replay "$data/rr_devices/polar_h10_detectPVC/polar_h10.csv" --speed max
    case_ mitdb-105-hrv-win hrv "$data/mitdb/105.hea" --window 300 --step 60 -o hrv.tsv
    for r in 0017 0214; do
        case_ "marsh-$r-ecg" analyze "$data/marsh/${r}_ecg.hea" -o out
        case_ "marsh-$r-ip" analyze "$data/marsh/${r}_ip.hea" -o out
        case_ "marsh-$r-ip-stream" stream --replay "$data/marsh/${r}_ip.hea" --channel-type IP=resp --speed max
    done
    case_ nk-event analyze "$data/neurokit/bio_eventrelated_100hz.csv" --fs 100 -o out
    case_ nk-rest analyze "$data/neurokit/bio_resting_5min_100hz.csv" --fs 100 -o out --report
    case_ nk-rest-hrv hrv "$data/neurokit/bio_resting_8min_100hz.csv" --fs 100 -o hrv.tsv
    case_ pcst hrv "$data/pcst_hrv_reference/nsr2db/nsr004.hea" --fs 125 --override-fs --annotations all \
        --preset pcst --window 300 --step 30 -o hrv.tsv
    case_ polar hrv "$data/rr_devices/polar_h10_detectPVC/polar_h10.csv" -o hrv.tsv
    case_ rr-elite hrv "$data/rr_devices/hrvfilter_samples/eliteSample01.txt" -o hrv.tsv
    case_ mne-overlap analyze "$data/edf_mne_testing/test_edf_overlapping_annotations.edf" -o out
    case_ mne-bdf analyze "$data/edf_mne_testing/multiple_annotation_chans.bdf" -o out
    [ -d "$data/wesad_wrist/S2/S2_E4_Data" ] && case_ wesad analyze "$data/wesad_wrist/S2/S2_E4_Data/EDA.csv" -o out
    e4=$data/wesad_wrist/S7/S7_E4_Data
    if [ -d "$e4" ]; then
        case_ e4-bvp-beats beats "$e4" --channel BVP -o bvp.tsv --nn nn.tsv
        case_ e4-bvp-hrv hrv "$e4" --channel BVP --window 300 -o prv.tsv
        case_ e4-bvp-analyze analyze "$e4" --ppg BVP -o out --report
        case_ e4-bvp-stream stream --replay "$e4" --ppg BVP --speed max
    fi
    case_ score-mitdb-fs score-beats --ref "$data/mitdb/100.atr" --test "$data/mitdb/100.atr" --fs 100
    case_ score-mitdb-override score-beats --ref "$data/mitdb/100.atr" --test "$data/mitdb/100.atr" --fs 100 --override-fs
    [ -d "$data/flirt_wearables/holter" ] && case_ score-holter score-beats --ref "$data/flirt_wearables/holter" \
        --test "$data/flirt_wearables/holter/holter.txt" --fs 200 --json
    case_ icu-pat analyze "$data/wfdb_python_samples/mixedsignals.hea" -o out
    [ -d "$data/wesad_wrist/S2/S2_E4_Data" ] && case_ wesad-ibi analyze "$data/wesad_wrist/S2/S2_E4_Data/IBI.csv" -o out
    flirt=$data/flirt_wearables
    if [ -d "$flirt/garmin" ]; then # session folders of two devices: recorded apart, and together
        mkdir -p "$tmp/apart" && ln -s "$flirt"/empatica/* "$flirt"/garmin/* "$tmp/apart/"
        case_ devices-apart info "$tmp/apart"
        python3 "$src/bench/devices_folder.py" "$flirt" "$tmp/together" 0.5 &&
            ln -s "$flirt"/holter/* "$tmp/together/" && case_ devices-together analyze "$tmp/together" -o out
    fi
fi
[ -n "${DAY:-}" ] && case_ day analyze "$DAY" -o out && case_ day-hrv hrv "$DAY" -o hrv.tsv
echo "$n cases compared"
[ $fail = 0 ] && echo "all identical"
exit $fail
