# An Empatica E4 folder as one recording (psyphys info), pulses of its BVP channel (psyphys beats
# --channel BVP) and their pulse rate variability (psyphys hrv, analyze, report, batch), ECG
# chosen over PPG with pulse arrival times (analyze), clock-time event onsets; needs ../shared
# (skips otherwise).
. "$(dirname "$0")/lib_cli.sh"
E4=$SHARED/data/wesad_wrist/S7/S7_E4_Data
[ -d "$E4" ] || exit 77

expect_exit 0 "$PSYPHYS" info "$E4"
expect_grep '^format +Empatica E4 folder' "$TMP/out"
expect_grep '^start +2017-07-06T11:11:04Z' "$TMP/out"
expect_grep ' BVP +PPG +- +64 ' "$TMP/out"
expect_grep ' HR +HR +bpm +1 ' "$TMP/out"
expect_grep ' IBI +RR +ms +irregular ' "$TMP/out"
expect_grep ' marker +tag' "$TMP/out"

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
# On stdout (no sidecar) a note on stderr says so.
expect_exit 0 "$PSYPHYS" hrv "$E4" --channel BVP --window 300
expect_grep '^onset	duration	n_nn' "$TMP/out"
expect_grep "note: 'BVP' gives a PPG's pulse intervals: pulse rate variability \(PRV\): intervals between the half-amplitude" "$TMP/err"
expect_exit 0 "$PSYPHYS" hrv "$TMP/bvp.tsv" --json
expect_grep "note: the pulses table gives a PPG's pulse intervals: pulse rate variability \(PRV\)" "$TMP/err"
expect_exit 0 "$PSYPHYS" hrv "$TMP/bvp.tsv" -o "$TMP/prv_table.tsv"
expect_grep '"variability": "pulse rate variability' "$TMP/prv_table.json"
# Without --channel: the E4's own IBI list (an RR channel) before the BVP.
expect_exit 0 "$PSYPHYS" hrv "$E4" -o "$TMP/ibi.tsv"
expect_grep '"label": "IBI"' "$TMP/ibi.json"
if grep -q '"variability"' "$TMP/ibi.json"; then fail "the IBI list's HRV called PRV"; fi

# analyze on the BVP: pulse rate and PRV in every table, said in the sidecars, the summary and the
# report (IBI.csv, an RR channel, comes first without --ppg).
expect_exit 0 "$PSYPHYS" analyze "$E4" --ppg BVP -o "$TMP/an" --report
expect_grep "heart +'BVP': [0-9]+ pulses .* mean pulse rate [0-9.]+ bpm, PRV RMSSD" "$TMP/out"
S7=$TMP/an/S7_E4_Data
expect_grep '"source": "PPG"' "${S7}_segments.json"
expect_grep '"variability": "pulse rate variability' "${S7}_hrv-windows.json"
expect_grep '"ppg": "BVP"' "${S7}_segments.json"
expect_grep '^tag	6493\.860000	' "${S7}_epochs.tsv" # tags.csv's button press is a session event
expect_grep '^onset	sample	rr_ms	label	corrected	peak_sample	quality$' "${S7}_beats.tsv"
expect_grep '"fiducial": "half-amplitude point' "${S7}_beats.json"
[ "$(wc -l < "${S7}_hrv-windows.tsv")" -gt 15 ] || fail "fewer than 15 five-minute windows of PRV in analyze"
if grep -q 'pat_median_ms' "${S7}_segments.tsv"; then fail "PAT columns without an ECG"; fi
[ ! -e "${S7}_pat.tsv" ] || fail "a PAT table without an ECG"
expect_grep '<h2>Pulse rate variability</h2>' "${S7}_report.html"
expect_grep '<h2>PPG strips</h2>' "${S7}_report.html"
# the page's navigation, settings and tachogram name the pulses too (they said ECG strips, HRV, RR)
expect_grep '<a href="#ecg">PPG strips</a> · <a href="#hrv">PRV</a>' "${S7}_report.html"
expect_grep '<tr><th>PRV</th>' "${S7}_report.html"
expect_grep '>pulse interval tachogram<' "${S7}_report.html"
if grep -q 'RR tachogram\|>ECG strips<\|<th>HRV</th>' "${S7}_report.html"; then fail "a PPG report names ECG, RR or HRV"; fi
expect_exit 0 "$PSYPHYS" analyze "$E4"
expect_grep "heart +'IBI': [0-9]+ beats" "$TMP/out"
printf '{"ppg": "BVP"}\n' > "$TMP/ppg.json"
expect_exit 0 "$PSYPHYS" analyze "$E4" --config "$TMP/ppg.json"
expect_grep "heart +'BVP': [0-9]+ pulses" "$TMP/out"
expect_exit 2 "$PSYPHYS" analyze "$E4" --ppg BVP --hr HR
expect_grep 'ppg and --hr exclude each other' "$TMP/err"
expect_exit 1 "$PSYPHYS" analyze "$E4" --ppg EDA
expect_grep "channel 'EDA' is EDA, not PPG" "$TMP/err"

# An ECG and a PPG of one recording (an ICU monitor): the ECG's beats, the pulses' arrival times.
ICU=$SHARED/data/wfdb_python_samples/mixedsignals.hea
expect_exit 0 "$PSYPHYS" analyze "$ICU" -o "$TMP/icu"
expect_grep "heart +'II': 392 beats" "$TMP/out"
# 368: the search-back once took a pulse at 29.04 s inside a stretch the detector reports unusable
# (clipped): 369 PATs then, one of them on samples it refuses everywhere else.
expect_grep "PAT +'Pleth': 368 of 392 R-peaks, median 35[0-9] ms" "$TMP/out"
expect_grep '"source": "ECG"' "$TMP/icu/mixedsignals_segments.json"
expect_grep '"ppg": "Pleth"' "$TMP/icu/mixedsignals_segments.json"
expect_grep '"variability": "heart rate variability"' "$TMP/icu/mixedsignals_segments.json"
expect_grep '	pat_median_ms	pat_sd_ms	pat_valid_pct$' "$TMP/icu/mixedsignals_segments.tsv"
expect_grep '^recording	.*	357\.[0-9]+	1[0-9]\.[0-9]+	93\.88$' "$TMP/icu/mixedsignals_segments.tsv"
expect_grep '^onset	foot_onset	pat_ms	pat_upstroke_ms	reason$' "$TMP/icu/mixedsignals_pat.tsv"
[ "$(grep -c '	valid$' "$TMP/icu/mixedsignals_pat.tsv")" -eq 368 ] || fail "not 368 valid PATs"
expect_grep '"pat_ms": \{' "$TMP/icu/mixedsignals_pat.json"

# batch: a PPG-only recording among others gets its pulse rate tables too.
mkdir -p "$TMP/archive"
cp "$SHARED/data/marsh/0017_ppg.hea" "$SHARED/data/marsh/0017_ppg.dat" "$TMP/archive/"
expect_exit 0 "$PSYPHYS" batch "$TMP/archive" -o "$TMP/batch" -j 1 --quiet
expect_grep '^0017_ppg\.hea	' "$TMP/batch/group_hrv.tsv"
expect_grep '"source": "PPG"' "$TMP/batch/0017_ppg_segments.json"
# Mixed with an ECG recording, the group tables name the files whose rows are PRV (sidecar, stderr).
cp "$SRC/recordings/neurokit_eventrelated.edf" "$TMP/archive/"
expect_exit 0 "$PSYPHYS" batch "$TMP/archive" -o "$TMP/batch2" -j 1
expect_grep '^neurokit_eventrelated\.edf	' "$TMP/batch2/group_segments.tsv"
for t in group_segments group_hrv; do # the JSON on one line, blanks before brackets and quotes dropped
    tr -d '\n' <"$TMP/batch2/$t.json" | sed 's/  *\([]"{}[]\)/\1/g' >"$TMP/$t.line"
    expect_grep '"pulse_rate_variability":\{"files":\["0017_ppg\.hea"\],"note":"pulse rate variability \(PRV\)' \
        "$TMP/$t.line"
done
expect_grep 'warning: the group tables mix heart rate variability .1 file. and pulse rate variability .1 file: 0017_ppg.hea' "$TMP/err"

# batch takes an E4 folder whole (not its CSV files one by one), and a rerun skips it (its files'
# fingerprint).
mkdir -p "$TMP/wear/s7"
cp -r "$E4" "$TMP/wear/s7/"
expect_exit 0 "$PSYPHYS" batch "$TMP/wear" -o "$TMP/wb" -j 1 --quiet --ppg BVP
[ "$(grep -c '	ok	' "$TMP/wb/batch_status.tsv")" -eq 1 ] || fail "not one recording in the E4 folder"
expect_grep '^s7/S7_E4_Data	ok	' "$TMP/wb/batch_status.tsv"
expect_grep '"source": "PPG"' "$TMP/wb/s7/S7_E4_Data_segments.json"
expect_exit 0 "$PSYPHYS" batch "$TMP/wear" -o "$TMP/wb" -j 1 --ppg BVP
expect_grep '0 ok, 0 failed, 1 skipped' "$TMP/err"

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
expect_grep '^warning +1 event onset in clock time without a zone: read as UTC' "$TMP/out"
# analyze said the events file's warnings (and the recording's) only in its sidecars: on stderr too
expect_exit 0 "$PSYPHYS" analyze "$E4" --events "$TMP/ev.tsv" --epochs none
expect_grep 'warning: 1 event onset in clock time without a zone: read as UTC' "$TMP/err"
expect_grep 'warning: IBI.csv: IBI: [0-9]+ gaps where the device dropped beats' "$TMP/err"
# one pulse and no interval: the summary printed "nan % of NN intervals" and "nan bpm"
expect_exit 0 "$PSYPHYS" analyze "$SHARED/data/edf_pyedflib/test_generator.edf" --epochs none
expect_grep "'pulse': 1 pulses \(0 artefacts; no NN interval\), mean pulse rate n/a \(no NN intervals\)" "$TMP/out"
if grep -qi 'nan' "$TMP/out"; then fail "analyze printed nan: $(cat "$TMP/out")"; fi
# An EDF's start has no zone: a zoned onset is refused with the reason.
printf 'onset\tlabel\n2011-04-04T12:58:02Z\tx\n' > "$TMP/evz.tsv"
expect_exit 1 "$PSYPHYS" info "$SHARED/data/edf_pyedflib/test_generator.edf" --events "$TMP/evz.tsv"
expect_grep 'names a time zone, but the recording.s start' "$TMP/err"
finish
