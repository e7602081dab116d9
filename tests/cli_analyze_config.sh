# psyphys analyze --config FILE: settings from JSON, flags override them, the sidecar records
# them, unknown keys and wrong types name the file and the key.
. "$(dirname "$0")/lib_cli.sh"
DEMO=$SRC/recordings/neurokit_eventrelated.edf
CFG=$SRC/tests/data/analyze_study.json
S=neurokit_eventrelated

expect_exit 0 "$PSYPHYS" analyze "$DEMO" --config "$CFG" -o "$TMP/c"
# epochs: Neutral only, window -2 .. +8 s; windows of 60 s every 30 s; HRV windows of 60 s.
[ "$(wc -l <"$TMP/c/${S}_epochs.tsv")" -eq 3 ] || fail "config epochs: 2 Neutral rows expected"
if grep -q '^Negative' "$TMP/c/${S}_epochs.tsv"; then fail "config epochs: Negative listed"; fi
expect_grep '^window 1	0\.000000	60\.000000	' "$TMP/c/${S}_segments.tsv"
expect_grep '^window 4	90\.000000	60\.000000	' "$TMP/c/${S}_segments.tsv"
[ -s "$TMP/c/${S}_hrv-windows.tsv" ] || fail "config hrv_window_s: no hrv-windows table"
J=$TMP/c/${S}_epochs.json
expect_grep '"pre_s": 2\.0' "$J"
expect_grep '"post_s": 8\.0' "$J"
expect_grep '"method": "deconv"' "$J"
expect_grep '"Photosensor=TRIGGER"' "$J"
expect_grep '"layout": "flat"' "$J"
expect_grep '"config_file": \{' "$J"
expect_grep '"sha256": "[0-9a-f]{64}"' "$J"
tr -d ' \n' <"$J" | grep -q '"scr_latency_s":\[1\.0,3\.5\]' || fail "latency_s not recorded as [1, 3.5]"
# Flags override the file; --epochs on the command line replaces the file's list.
expect_exit 0 "$PSYPHYS" analyze "$DEMO" --config "$CFG" --epochs Negative --pre 1 --eda-method fast -o "$TMP/o"
[ "$(wc -l <"$TMP/o/${S}_epochs.tsv")" -eq 3 ] || fail "override: 2 Negative rows expected"
expect_grep '^Negative	10\.240000	' "$TMP/o/${S}_epochs.tsv"
expect_grep '"pre_s": 1\.0' "$TMP/o/${S}_epochs.json"
expect_grep '"post_s": 8\.0' "$TMP/o/${S}_epochs.json"
expect_grep '"method": "fast"' "$TMP/o/${S}_epochs.json"
# The same settings from flags give the same tables.
expect_exit 0 "$PSYPHYS" analyze "$DEMO" --segments window:60:30 --epochs Neutral --pre 2 --post 8 \
    --latency 1:3.5 --hrv-window 60:30 --eda-method deconv --channel-type Photosensor=TRIGGER -o "$TMP/f"
for t in beats scr segments epochs epoch-means hrv-windows; do
    cmp -s "$TMP/c/${S}_$t.tsv" "$TMP/f/${S}_$t.tsv" || fail "$t: config and flags differ"
done
# Every key works: channels, triggers, input options.
cat >"$TMP/all.json" <<'JSON'
{"ecg": "ECG", "eda": "EDA", "rsp": "RSP", "triggers": ["Photosensor"], "units": {"RSP": "V"},
 "events_offset_s": 0, "format": "edf", "libedf": false, "segments": "markers"}
JSON
expect_exit 0 "$PSYPHYS" analyze "$DEMO" --config "$TMP/all.json" -o "$TMP/a"
[ "$(wc -l <"$TMP/a/${S}_epochs.tsv")" -eq 9 ] || fail "config triggers: annotations + pulses, 8 epochs"
expect_grep '"libedf": false' "$TMP/a/${S}_epochs.json"
expect_grep '"RSP=V"' "$TMP/a/${S}_epochs.json"
expect_grep '"rule": "markers"' "$TMP/a/${S}_epochs.json"
printf 'time,ECG,HR\n' >"$TMP/both.csv"
i=0; while [ $i -lt 600 ]; do echo "$(awk -v i=$i 'BEGIN { printf "%.3f", i / 5 }'),$(( i % 5 == 0 ? 1 : 0 )),$((60 + i % 7))" >>"$TMP/both.csv"; i=$((i + 1)); done
echo '{"hr": "HR"}' >"$TMP/hr.json"
expect_exit 0 "$PSYPHYS" analyze "$SRC/tests/data/e4/HR.csv" --config "$TMP/hr.json" -o "$TMP/h"
expect_grep '"hr": "HR"' "$TMP/h/HR_segments.json"
expect_grep "heart +'HR': bpm channel" "$TMP/out"
# The command line's --ecg replaces the file's hr (and the other way round); both on the command
# line are refused.
expect_exit 0 "$PSYPHYS" analyze "$TMP/both.csv" --config "$TMP/hr.json" --ecg ECG -o "$TMP/be"
expect_grep '"ecg": "ECG"' "$TMP/be/both_segments.json"
expect_grep '"hr": null' "$TMP/be/both_segments.json"
echo '{"ecg": "ECG"}' >"$TMP/ecg.json"
expect_exit 0 "$PSYPHYS" analyze "$TMP/both.csv" --config "$TMP/ecg.json" --hr HR
expect_grep "heart +'HR': bpm channel" "$TMP/out"
expect_exit 2 "$PSYPHYS" analyze "$TMP/both.csv" --hr HR --ecg ECG
# Errors name the file and the key; nothing is written.
echo '{"pre_s": "2"}' >"$TMP/type.json"
expect_exit 1 "$PSYPHYS" analyze "$DEMO" --config "$TMP/type.json" -o "$TMP/x"
expect_grep 'type\.json: config key "pre_s" must be a number' "$TMP/err"
echo '{"pre": 2}' >"$TMP/unknown.json"
expect_exit 1 "$PSYPHYS" analyze "$DEMO" --config "$TMP/unknown.json" -o "$TMP/x"
expect_grep 'unknown\.json: unknown config key "pre"' "$TMP/err"
echo '{"latency_s": [4, 1]}' >"$TMP/value.json"
expect_exit 1 "$PSYPHYS" analyze "$DEMO" --config "$TMP/value.json" -o "$TMP/x"
expect_grep 'value\.json: config key "latency_s" wants \[MIN, MAX\]' "$TMP/err"
echo '{"channel_types": {"ECG": 3}}' >"$TMP/map.json"
expect_exit 1 "$PSYPHYS" analyze "$DEMO" --config "$TMP/map.json"
expect_grep 'config key "channel_types" must be an object of strings' "$TMP/err"
echo '{"epochs": "Neutral"}' >"$TMP/list.json"
expect_exit 1 "$PSYPHYS" analyze "$DEMO" --config "$TMP/list.json"
expect_grep 'config key "epochs" must be an array of strings' "$TMP/err"
echo '{"pre_s": 1, "pre_s": 2}' >"$TMP/dup.json"
expect_exit 1 "$PSYPHYS" analyze "$DEMO" --config "$TMP/dup.json"
expect_grep 'dup\.json: config: duplicate object key' "$TMP/err"
echo '[1]' >"$TMP/array.json"
expect_exit 1 "$PSYPHYS" analyze "$DEMO" --config "$TMP/array.json"
expect_grep 'array\.json: config: not a JSON object' "$TMP/err"
expect_exit 1 "$PSYPHYS" analyze "$DEMO" --config "$TMP/missing.json"
expect_grep 'missing\.json' "$TMP/err"
expect_exit 2 "$PSYPHYS" analyze "$DEMO" --config
[ ! -e "$TMP/x" ] || fail "a refused config wrote outputs"
finish
