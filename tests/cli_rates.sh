# The rate rule on the command line: --fs is the rate of files without one; a file that declares
# its rate keeps it (a note on stderr, a warning in the sidecar); --override-fs replaces it (a
# warning on stderr and in the sidecar). Regression: `psyphys batch DIR --fs 100` over a headerless
# CSV and MIT-BIH 100 analysed 100 at 100 Hz (21.0 bpm, exit 0).
. "$(dirname "$0")/lib_cli.sh"

# A folder of a CSV without a time column (it needs --fs) and an EDF that declares 100 Hz.
mkdir -p "$TMP/in"
cp "$SRC/recordings/neurokit_eventrelated.edf" "$TMP/in/demo.edf"
awk 'BEGIN { print "ECG"; for (i = 0; i < 15000; i++) { t = i / 250; d = (t - 0.4) - 0.8 * int((t - 0.4) / 0.8 + 0.5);
    printf "%.4f\n", exp(-0.5 * (d / 0.01) ^ 2) } }' >"$TMP/in/bare.csv"
expect_exit 0 "$PSYPHYS" batch "$TMP/in" --fs 250 -o "$TMP/o1" -j 1
expect_grep '^recording	0\.000000	150\.000000	60\.860	' "$TMP/o1/demo_segments.tsv"
expect_grep '^recording	0\.000000	60\.000000	75\.0[0-9]*	' "$TMP/o1/bare_segments.tsv"
expect_grep 'declares 100 Hz: the given rate 250 Hz' "$TMP/o1/demo_segments.json"
expect_grep '"rate_origin": "file"' "$TMP/o1/demo_segments.json"
expect_grep '"rate_origin": "given"' "$TMP/o1/bare_segments.json"

# One file: the note on stderr, the rate kept.
expect_exit 0 "$PSYPHYS" info "$TMP/in/demo.edf" --fs 250
expect_grep 'note: the file declares 100 Hz, which it keeps' "$TMP/err"
expect_grep '^    0  ECG +ECG +mV +100 ' "$TMP/out"
# --override-fs: the warning on stderr and in the sidecar; every time scales (150 s at 100 Hz
# read as 250 Hz last 60 s).
expect_exit 0 "$PSYPHYS" analyze "$TMP/in/demo.edf" --fs 250 --override-fs -o "$TMP/over"
expect_grep 'warning: the file declares 100 Hz; --override-fs: --fs 250 Hz is used instead' "$TMP/err"
expect_grep '^recording	0\.000000	60\.000000	' "$TMP/over/demo_segments.tsv"
expect_grep 'overridden by the given 250 Hz' "$TMP/over/demo_segments.json"
expect_grep '"override_fs": true' "$TMP/over/demo_segments.json"
expect_grep '"rate_origin": "overridden"' "$TMP/over/demo_segments.json"
# ... the report re-opens the recording the same way
expect_exit 0 "$PSYPHYS" report "$TMP/over"
if grep -q 'cannot be re-opened' "$TMP/over/demo_report.html"; then fail "report: override not re-applied"; fi
# --override-fs needs --fs; batch passes it on to each file.
expect_exit 1 "$PSYPHYS" info "$TMP/in/demo.edf" --override-fs
expect_grep 'give --fs' "$TMP/err"
expect_exit 0 "$PSYPHYS" batch "$TMP/in" --fs 250 --override-fs -o "$TMP/out2" -j 1
expect_grep '^recording	0\.000000	60\.000000	' "$TMP/out2/demo_segments.tsv"
# A CSV with a time column declares its rate: --fs does not bend it (was: silently overridden).
awk 'BEGIN { print "time,RSP"; for (i = 0; i < 4000; i++) printf "%.2f,%.4f\n", i / 100, sin(6.2831853 * i / 400) }' \
    >"$TMP/timed.csv"
expect_exit 0 "$PSYPHYS" analyze "$TMP/timed.csv" --fs 1000
expect_grep 'breath +.RSP.: [0-9]+ breaths, 15\.[0-9] /min' "$TMP/out"
expect_grep 'declares 100 Hz, which it keeps' "$TMP/err"
# score-beats: a record header's rate wins over --fs too.
MIT=$SHARED/data/mitdb
if [ -f "$MIT/100.hea" ]; then
    expect_exit 0 "$PSYPHYS" score-beats --ref "$MIT/100.atr" --test "$MIT/100.atr" --fs 100 --from 0
    expect_grep 'TP 227[0-9]  FN 0  FP 0' "$TMP/out"
    expect_grep 'declares 360 Hz, which it keeps' "$TMP/err"
    # The recording that showed it: MIT-BIH 100 beside a headerless CSV, batch --fs 100.
    mkdir -p "$TMP/mit"
    cp "$MIT/100.hea" "$MIT/100.dat" "$MIT/100.atr" "$TMP/mit/"
    head -3001 "$SHARED/data/neurokit/bio_eventrelated_100hz.csv" >"$TMP/mit/lab.csv"
    expect_exit 0 "$PSYPHYS" batch "$TMP/mit" --fs 100 -o "$TMP/mitout" -j 1
    expect_grep '^recording	0\.000000	1805\.555556	75\.5[0-9]*	' "$TMP/mitout/100_segments.tsv"
    expect_grep '^recording	0\.000000	30\.000000	' "$TMP/mitout/lab_segments.tsv"
fi
finish
