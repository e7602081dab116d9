# psyphys analyze on the bundled session: summary, tables, sidecars, determinism, refusals.
. "$(dirname "$0")/lib_cli.sh"
DEMO=$SRC/recordings/neurokit_eventrelated.edf
S=neurokit_eventrelated

expect_exit 0 "$PSYPHYS" analyze "$DEMO" -o "$TMP/res"
expect_grep 'heart +.ECG.: 15[0-9] beats' "$TMP/out"
# the artefacts counted are the beats labelled other than N in the beats table (the first beat,
# without an RR, is not one)
artefacts=$(awk -F'\t' 'NR > 1 && $4 != "N"' "$TMP/res/neurokit_eventrelated_beats.tsv" | wc -l)
expect_grep "heart +.ECG.: 15[0-9] beats \($artefacts artefacts, corrected; " "$TMP/out"
expect_grep 'skin +.EDA.: [0-9]+ SCRs, SCL 14\.[0-9]+ uS' "$TMP/out"
expect_grep 'breath +.RSP.: [0-9]+ breaths' "$TMP/out"
expect_grep '^  Negative +10\.24 ' "$TMP/out"
expect_grep 'wrote 12 files' "$TMP/out"
for t in beats scr breaths segments epochs epoch-means; do
    [ -s "$TMP/res/${S}_$t.tsv" ] || fail "no ${S}_$t.tsv"
    expect_grep '"table": "'"$t"'"' "$TMP/res/${S}_$t.json"
    expect_grep '"sha256": "[0-9a-f]{64}"' "$TMP/res/${S}_$t.json"
done
expect_grep '^label	onset	duration	mean_hr_bpm	mean_nn_ms	sdnn_ms	rmssd_ms' "$TMP/res/${S}_segments.tsv"
expect_grep '^recording	0\.000000	150\.000000	' "$TMP/res/${S}_segments.tsv"
[ "$(wc -l <"$TMP/res/${S}_segments.tsv")" -eq 6 ] || fail "segments: recording + 4 phases + header"
# columns named for what they hold: the heart-rate response is a change from the baseline
expect_grep '^label	onset	hr_baseline_bpm	hr_mean_change_bpm	hr_min_change_bpm	hr_max_change_bpm	hr_min_time_s	hr_max_time_s	scr_amplitude_us	scr_latency_s	quality	nn_corrected_pct	resp_rate_per_min	resp_depth$' "$TMP/res/${S}_epochs.tsv"
expect_grep '^label	n	hr_mean_change_bpm	hr_min_change_bpm	hr_max_change_bpm	scr_magnitude_us	scr_count	resp_rate_per_min	resp_depth$' "$TMP/res/${S}_epoch-means.tsv"
expect_grep '"hr_mean_change_bpm": \{' "$TMP/res/${S}_epochs.json"
expect_grep '"Description": "mean heart rate over \(0, post\] minus the baseline"' "$TMP/res/${S}_epochs.json"
[ "$(wc -l <"$TMP/res/${S}_epochs.tsv")" -eq 5 ] || fail "4 epochs expected"
expect_grep '^Negative	2	' "$TMP/res/${S}_epoch-means.tsv"
expect_grep '^Neutral	2	' "$TMP/res/${S}_epoch-means.tsv"
expect_grep '"method": "fast"' "$TMP/res/${S}_segments.json"
# Every n/a cell of the segments has its reason in the sidecar, counted per column.
tr -d ' \n' <"$TMP/res/${S}_segments.json" >"$TMP/segflat"
grep -q '"na_reasons":{' "$TMP/segflat" || fail "segments sidecar: no na_reasons"
grep -q '"sdann_ms":{"fewerthan3SDANNwindows":5}' "$TMP/segflat" || fail "na_reasons: sdann_ms of the 5 rows"
# OUTDIR's missing parents are made (regression: the README's demo wrote to out/demo on a fresh clone).
expect_exit 0 "$PSYPHYS" analyze "$DEMO" -o "$TMP/deep/er/dir"
[ -s "$TMP/deep/er/dir/${S}_epochs.tsv" ] || fail "no epochs table in a nested new OUTDIR"
: >"$TMP/plainfile"
expect_exit 1 "$PSYPHYS" analyze "$DEMO" -o "$TMP/plainfile/sub"
expect_grep 'plainfile' "$TMP/err"
# Same input, same settings: byte-identical tables and sidecars.
expect_exit 0 "$PSYPHYS" analyze "$DEMO" -o "$TMP/again"
for f in "$TMP"/res/*; do cmp -s "$f" "$TMP/again/$(basename "$f")" || fail "$(basename "$f") differs"; done
# Outputs are kept unless --overwrite; nothing is half-written.
expect_exit 1 "$PSYPHYS" analyze "$DEMO" -o "$TMP/res"
expect_grep 'exists' "$TMP/err"
[ -z "$(ls "$TMP/res" | grep tmp)" ] || fail "temporary files left behind"
expect_exit 0 "$PSYPHYS" analyze "$DEMO" -o "$TMP/res" --overwrite
# Options: markers, windows, chosen epochs, a trigger channel, the fast EDA method.
expect_exit 0 "$PSYPHYS" analyze "$DEMO" --segments window:60:30 --epochs Neutral --eda-method deconv
expect_grep '^  Neutral +49\.58' "$TMP/out"
if grep -q '^  Negative' "$TMP/out"; then fail "--epochs Neutral still lists Negative"; fi
expect_exit 0 "$PSYPHYS" analyze "$DEMO" --trigger Photosensor -o "$TMP/trig"
[ "$(wc -l <"$TMP/trig/${S}_epochs.tsv")" -eq 9 ] || fail "annotations + trigger pulses: 8 epochs"
# Without ECG or EDA: what can be computed is, the rest is n/a with a warning.
printf 'RSP\n' >"$TMP/resp.csv"
i=0; while [ $i -lt 3000 ]; do echo "$(( (i / 20) % 20 ))" >>"$TMP/resp.csv"; i=$((i + 1)); done
expect_exit 0 "$PSYPHYS" analyze "$TMP/resp.csv" --fs 10 -o "$TMP/resp"
expect_grep 'no ECG, RR, PPG or HR channel: its markers are n/a' "$TMP/err"
expect_grep 'no EDA channel' "$TMP/err"
expect_grep 'n/a' "$TMP/resp/resp_segments.tsv"
expect_grep '"rmssd_ms": \{' "$TMP/resp/resp_segments.json"
expect_grep '"no ECG, RR, PPG or HR channel": 1' "$TMP/resp/resp_segments.json"
expect_grep '"no EDA channel": 1' "$TMP/resp/resp_segments.json"
# Bad options.
expect_exit 2 "$PSYPHYS" analyze "$DEMO" --segments weekly
expect_exit 2 "$PSYPHYS" analyze "$DEMO" --latency 4:1
expect_exit 2 "$PSYPHYS" analyze "$DEMO" --eda-method magic
expect_exit 1 "$PSYPHYS" analyze "$DEMO" --ecg Nope
expect_exit 0 "$PSYPHYS" analyze --help
finish
