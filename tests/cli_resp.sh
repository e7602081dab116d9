# psyphys resp: the breaths table, its sidecar, the JSON summary, ECG-derived breaths, bad input.
. "$(dirname "$0")/lib_cli.sh"
REC=$SRC/recordings/neurokit_eventrelated.edf

# a belt signal: 12 breaths a minute (5 s), 2 minutes at 25 Hz, inhalation 40 % of the breath
awk 'BEGIN { print "time,Belt"; for (i = 0; i < 3000; i++) { t = i / 25; p = (t % 5) / 5;
      v = p < 0.4 ? 0.5 - 0.5 * cos(3.14159265 * p / 0.4) : 0.5 + 0.5 * cos(3.14159265 * (p - 0.4) / 0.6);
      printf "%.2f,%.5f\n", t, v } }' >"$TMP/belt.csv"
expect_exit 0 "$PSYPHYS" resp "$TMP/belt.csv" --channel Belt -o "$TMP/b.tsv"
expect_grep '^onset	peak	duration_s	amplitude	rate_per_min	rsa_p2t_ms	hr_osc_bpm$' "$TMP/b.tsv"
# no ECG: the RSA columns are n/a
awk -F'\t' 'NR > 1 && ($6 != "n/a" || $7 != "n/a") { bad++ } END { exit bad > 0 }' "$TMP/b.tsv" || fail "belt: RSA without an ECG"
# the breaths whose both troughs lie in the recording: 0 .. 115 s (the first from the trough the
# record starts in)
rows=$(($(wc -l <"$TMP/b.tsv") - 1))
[ "$rows" -eq 23 ] || fail "belt: $rows breaths, want 23"
awk -F'\t' 'NR > 1 && ($3 < 4.9 || $3 > 5.1 || $5 < 11.7 || $5 > 12.3) { bad++ } END { exit bad > 0 }' "$TMP/b.tsv" ||
    fail "belt: a breath is not 5 s / 12 /min: $(head -4 "$TMP/b.tsv")"
# the end of inspiration 2 s after the start (40 % of 5 s), within 0.1 s (onset and peak are
# extremes of the low-passed signal, which no high-pass tilts)
awk -F'\t' 'NR > 1 { d = ($2 - $1) - 2; if (d < -0.1 || d > 0.1) bad++ } END { exit bad > 0 }' "$TMP/b.tsv" ||
    fail "belt: peak not 2 s after onset: $(head -3 "$TMP/b.tsv")"
expect_grep '"command": "resp"' "$TMP/b.json"
expect_grep '"source": "respiration channel"' "$TMP/b.json"
expect_grep '"rate_per_min": 12\.0' "$TMP/b.json"
expect_exit 0 "$PSYPHYS" resp "$TMP/belt.csv" --channel Belt --json
# the breaths are all 5 s: an irregularity below 1 % (0 up to rounding)
expect_grep '"irregularity_cv_pct": (0\.|[0-9.]+e-)' "$TMP/out"
expect_grep '"depth_median": 0\.9' "$TMP/out"
# the recording's RSP channel is found by type, its ECG gives RSA breath by breath; --edr derives
# the breaths from the ECG instead
expect_exit 0 "$PSYPHYS" resp "$REC" --json
expect_grep '"channel": "RSP"' "$TMP/out"
expect_grep '"rsa_p2t_mean_ms": [0-9]' "$TMP/out"
expect_exit 0 "$PSYPHYS" resp "$REC" -o "$TMP/r.tsv"
awk -F'\t' 'NR > 1 && $6 != "n/a" { ok++ } END { exit !(ok > 30) }' "$TMP/r.tsv" || fail "no per-breath RSA: $(head -3 "$TMP/r.tsv")"
expect_grep '"ecg_channel": "ECG"' "$TMP/r.json"
expect_exit 0 "$PSYPHYS" resp "$REC" --edr --json
expect_grep '"source": "ecg-derived"' "$TMP/out"
expect_grep "breaths derived from ECG 'ECG'" "$TMP/err"
# without a respiration channel (RSP typed as something else) the ECG is used, and said so
expect_exit 0 "$PSYPHYS" resp "$REC" --channel-type RSP=OTHER -o "$TMP/e.tsv"
expect_grep "no respiration channel: breaths derived from ECG" "$TMP/err"
expect_grep '"source": "ecg-derived"' "$TMP/e.json"
# bad input: clear errors, no output
expect_exit 1 "$PSYPHYS" resp "$TMP/missing.edf"
expect_exit 1 "$PSYPHYS" resp "$TMP/belt.csv" --channel Nope
expect_exit 2 "$PSYPHYS" resp "$REC" --channel RSP --edr
expect_exit 2 "$PSYPHYS" resp "$REC" --preset kubios
expect_exit 2 "$PSYPHYS" resp "$REC" --bogus
expect_exit 1 "$PSYPHYS" resp "$TMP/belt.csv" --channel Belt -o "$TMP/b.tsv"
expect_grep "exists" "$TMP/err"
# --ppg's pulses go beside a respiration channel: without one, a named error (was a NULL label and "invalid argument")
awk 'BEGIN { print "time,PPG"; for (i = 0; i < 2000; i++) printf "%.2f,%.4f\n", i / 100, sin(2 * 3.14159265 * 1.2 * i / 100) }' >"$TMP/ppg.csv"
expect_exit 1 "$PSYPHYS" resp "$TMP/ppg.csv" --ppg PPG --json
expect_grep "needs a respiration channel, and the recording has none" "$TMP/err"
grep -q "(null)" "$TMP/err" && fail "resp --ppg without RESP: $(cat "$TMP/err")"
finish
