# psyphys stream --replay of a recording with gaps (ux21b F7): a Movesense chest ECG of
# ../shared with a 166.6-s recording pause and 6 dropouts (8 stretches) replays to psyphys
# beats' beats: the same onsets on the recording's time axis, intervals (none across a gap:
# the first beat after one has rr_ms null), labels and corrected flags, and a time_jump status
# at each jump. The replay once ran on the sample count: onsets after the pause 166.6 s early,
# an RR of 17 930 ms and HR 3.3 bpm, no status.
. "$(dirname "$0")/lib_cli.sh"
A=$SHARED/data/dyadic_movesense/data/234130000540/ECG-2025_01_25-16_42_59.csv
[ -f "$A" ] || { echo "no ../shared: skipped"; exit 77; }

expect_exit 0 "$PSYPHYS" stream --replay "$A" --speed max --exact
cp "$TMP/out" "$TMP/replay.jsonl"
expect_exit 0 "$PSYPHYS" beats "$A" -o "$TMP/b.tsv"
# onset sample rr_ms label corrected, one line a beat, from each
awk -F '\t' 'NR > 1 { print $1, $2, $3, $4, $5 }' "$TMP/b.tsv" >"$TMP/offline"
grep '"type":"label"' "$TMP/replay.jsonl" |
    sed 's/.*"onset":\([0-9.]*\),"sample":\([0-9]*\),"rr_ms":\([^,]*\),"label":"\([^"]*\)","corrected":\([01]\).*/\1 \2 \3 \4 \5/' |
    sed 's/ null / n\/a /' >"$TMP/live"
[ "$(wc -l <"$TMP/offline")" -ge 860 ] || fail "offline beats missing: $(wc -l <"$TMP/offline")"
cmp -s "$TMP/offline" "$TMP/live" || fail "replay differs from psyphys beats: $(diff "$TMP/offline" "$TMP/live" | head -5)"
# the beat lines say the same (onset, sample, interval)
grep '"type":"beat"' "$TMP/replay.jsonl" |
    sed 's/.*"onset":\([0-9.]*\),"sample":\([0-9]*\),"rr_ms":\([^}]*\)}.*/\1 \2 \3/' | sed 's/ null$/ n\/a/' >"$TMP/beats"
cut -d ' ' -f 1-3 "$TMP/offline" | cmp -s - "$TMP/beats" || fail "beat lines differ from psyphys beats"
expect_grep '"type":"beat","onset":184\.639577,"sample":3582,"rr_ms":null' "$TMP/replay.jsonl"
# no heart rate from an interval across the pause
awk -F '"bpm":' '/"type":"hr"/ { if ($2 + 0 < 30) bad = 1 } END { exit bad }' "$TMP/replay.jsonl" ||
    fail "a heart rate below 30 bpm"
[ "$(grep -c '"condition":"time_jump"' "$TMP/replay.jsonl")" -eq 7 ] || fail "not 7 time_jump statuses"
expect_grep '"onset":17\.451647,"condition":"time_jump","input":"heart","gap_s":166\.636102' "$TMP/replay.jsonl"
finish
