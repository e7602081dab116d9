# An Empatica E4 folder as one recording (psyphys info), pulses of its BVP channel (psyphys beats
# --channel BVP) and their pulse rate variability (psyphys hrv), clock-time event onsets; needs
# ../shared (skips otherwise).
. "$(dirname "$0")/lib_cli.sh"
E4=$SHARED/data/wesad_wrist/S7/S7_E4_Data
[ -d "$E4" ] || exit 77

expect_exit 0 "$PSYPHYS" info "$E4"
expect_grep '^format +Empatica E4 folder' "$TMP/out"
expect_grep '^start +2017-07-06T11:11:04Z' "$TMP/out"
expect_grep ' BVP +PPG +- +64 ' "$TMP/out"
expect_grep ' HR +HR +bpm +1 ' "$TMP/out"
expect_grep ' IBI +RR +ms +irregular ' "$TMP/out"
expect_grep ' device +tag' "$TMP/out"

expect_exit 0 "$PSYPHYS" beats "$E4" --channel BVP -o "$TMP/bvp.tsv" --nn "$TMP/nn.tsv"
expect_grep '^onset	sample	rr_ms	label	corrected	peak_sample	quality$' "$TMP/bvp.tsv"
expect_grep '"beats": "PPG pulses' "$TMP/bvp.json"
expect_grep '"fiducial": "half-amplitude point' "$TMP/bvp.json"
expect_grep '"kind": "artefact"' "$TMP/bvp.json"
rows=$(wc -l < "$TMP/bvp.tsv")
[ "$rows" -gt 5000 ] || fail "only $rows pulses in 6494 s"

# Pulse rate variability of the BVP channel, and of its pulses table: said in the sidecars, with
# the unusable stretches (warned about on stderr).
expect_exit 0 "$PSYPHYS" hrv "$E4" --channel BVP --window 300 -o "$TMP/prv.tsv"
expect_grep '"variability": "pulse rate variability' "$TMP/prv.json"
expect_grep '"type": "PPG"' "$TMP/prv.json"
expect_grep '"fiducial": "half-amplitude point' "$TMP/prv.json"
expect_grep '"kind": "artefact"' "$TMP/prv.json"
expect_grep 'warning: .* without usable pulses' "$TMP/err"
[ "$(wc -l < "$TMP/prv.tsv")" -gt 15 ] || fail "fewer than 15 five-minute windows of PRV"
expect_exit 0 "$PSYPHYS" hrv "$TMP/bvp.tsv" -o "$TMP/prv_table.tsv"
expect_grep '"variability": "pulse rate variability' "$TMP/prv_table.json"
# Without --channel: the E4's own IBI list (an RR channel) before the BVP.
expect_exit 0 "$PSYPHYS" hrv "$E4" -o "$TMP/ibi.tsv"
expect_grep '"label": "IBI"' "$TMP/ibi.json"
if grep -q '"variability"' "$TMP/ibi.json"; then fail "the IBI list's HRV called PRV"; fi

# A PPG channel is no ECG lead to combine with another.
expect_exit 1 "$PSYPHYS" beats "$E4" --channel IBI --channel BVP
expect_grep "channel 'BVP' is PPG, not ECG or RR" "$TMP/err"
expect_exit 2 "$PSYPHYS" beats "$E4" --channel BVP --channel IBI
expect_grep "'BVP' is a PPG channel" "$TMP/err"
# --fs on a folder whose files declare their rates: kept, with a note; --override-fs scales them.
expect_exit 0 "$PSYPHYS" info "$E4" --fs 100
expect_grep 'the file declares 64 Hz' "$TMP/out"
expect_exit 0 "$PSYPHYS" info "$E4" --fs 128 --override-fs
expect_grep ' BVP +PPG +- +128 ' "$TMP/out"
expect_grep ' HR +HR +bpm +2 ' "$TMP/out"

# Clock-time onsets: UTC instants and the recording's (UTC) wall clock.
printf 'onset\tduration\ttrial_type\n2017-07-06T13:21:04+02:00\t60\tbaseline\n2017-07-06T11:21:05\t0\tnote\n' > "$TMP/ev.tsv"
expect_exit 0 "$PSYPHYS" info "$E4" --events "$TMP/ev.tsv"
expect_grep ' 600\.0000 +60\.0000 +file +baseline' "$TMP/out"
expect_grep ' 601\.0000 +0\.0000 +file +note' "$TMP/out"
# An EDF's start has no zone: a zoned onset is refused with the reason.
printf 'onset\tlabel\n2011-04-04T12:58:02Z\tx\n' > "$TMP/evz.tsv"
expect_exit 1 "$PSYPHYS" info "$SHARED/data/edf_pyedflib/test_generator.edf" --events "$TMP/evz.tsv"
expect_grep 'names a time zone, but the recording.s start' "$TMP/err"
finish
