# psyphys beats and score-beats on the bundled recording and on files the test writes.
. "$(dirname "$0")/lib_cli.sh"
DEMO=$SRC/recordings/neurokit_eventrelated.edf

expect_exit 0 "$PSYPHYS" beats "$DEMO" -o "$TMP/b.tsv" --nn "$TMP/nn.tsv" --format wfdb
expect_grep '^onset	sample	rr_ms	label	corrected$' "$TMP/b.tsv"
rows=$(($(wc -l <"$TMP/b.tsv") - 1))
[ "$rows" -ge 140 ] && [ "$rows" -le 165 ] || fail "$rows beats in 150 s of a resting heart"
expect_grep '"command": "beats"' "$TMP/b.json"
expect_grep '"sha256": "[0-9a-f]{64}"' "$TMP/b.json"
# The SHA-256 (computed in a background thread while the beats are found) is the file's.
expect_grep "\"sha256\": \"$(sha256sum "$DEMO" | cut -d' ' -f1)\"" "$TMP/b.json"
# Every row: onset with 6 decimals, sample, RR with 3 (n/a after a gap), label, 0/1.
bad=$(awk -F'\t' 'NR > 1 && !($1 ~ /^[0-9]+\.[0-9][0-9][0-9][0-9][0-9][0-9]$/ && $2 ~ /^[0-9]+$/ && ($3 ~ /^[0-9]+\.[0-9][0-9][0-9]$/ || $3 == "n/a") && $4 ~ /^(N|ectopic|missed|extra|long|short)$/ && $5 ~ /^[01]$/)' "$TMP/b.tsv" | head -1)
[ -z "$bad" ] || fail "malformed beats row: $bad"
# The R-peak's time lies within half a sample of its sample (sub-sample timing, psyphys/ecg.h).
bad=$(awk -F'\t' 'NR > 1 && ($1 - $2 / 100) ^ 2 > 0.005 ^ 2 + 1e-12' "$TMP/b.tsv" | head -1)
[ -z "$bad" ] || fail "onset not within half a sample of the R-peak's sample: $bad"
# and each interval is the time between its two R-peaks (to the table's rounding)
bad=$(awk -F'\t' 'NR > 2 && $3 != "n/a" && (1000 * ($1 - t) - $3) ^ 2 > 0.002 ^ 2 { print; exit } { t = $1 }' "$TMP/b.tsv")
[ -z "$bad" ] || fail "rr_ms is not the time between two onsets: $bad"
expect_grep '"label": "ECG"' "$TMP/b.json"
expect_grep '"band_hz"' "$TMP/b.json"
expect_grep '"alpha": 5.2' "$TMP/b.json"
expect_grep '"beats": '"$rows" "$TMP/b.json"
expect_grep '^onset	nn_ms	corrected$' "$TMP/nn.tsv"
[ -s "$TMP/b.qrs" ] || fail "no WFDB annotation file"
# The annotation file reads back (its time base given) with as many beats.
expect_exit 0 "$PSYPHYS" info --fs 100 --first-events 0 "$TMP/b.qrs"
expect_grep "^events +$rows" "$TMP/out"
# The sidecar counts the corrected intervals left out of the NN series (issue 14).
expect_grep '"nn_left_out": [0-9]' "$TMP/b.json"
# Same input, same settings: byte-identical table and sidecar.
expect_exit 0 "$PSYPHYS" beats "$DEMO" -o "$TMP/again.tsv"
cmp -s "$TMP/b.tsv" "$TMP/again.tsv" || fail "beats table differs between two runs"
sed 's/again/b/' "$TMP/again.json" | cmp -s - "$TMP/b.json" || fail "sidecar differs between two runs"
# An absurd interval (over 10 s) is skipped: its beat has no interval (n/a), never a 305-character number.
printf '800\n810\n1e300\n790\n' >"$TMP/huge_rr.txt"
expect_exit 0 "$PSYPHYS" beats "$TMP/huge_rr.txt" --format rr -o "$TMP/huge.tsv"
[ "$(awk -F'\t' 'NR == 4 { print $3 }' "$TMP/huge.tsv")" = "n/a" ] || fail "a 1e300-ms interval not skipped"
# Without -o: the table on stdout.
expect_exit 0 "$PSYPHYS" beats "$DEMO"
expect_grep '^onset	sample' "$TMP/out"
# The table scores perfectly against itself; against nothing it finds no beats.
expect_exit 0 "$PSYPHYS" score-beats --ref "$TMP/b.tsv" --test "$TMP/b.tsv" --from 0
expect_grep "TP $rows  FN 0  FP 0" "$TMP/out"
expect_exit 0 "$PSYPHYS" score-beats --ref "$TMP/b.qrs" --test "$TMP/b.tsv" --fs 100 --from 0 --json
expect_grep '"tp": '"$rows" "$TMP/out"

# Outputs are never overwritten without --overwrite.
expect_exit 1 "$PSYPHYS" beats "$DEMO" -o "$TMP/b.tsv"
expect_grep 'exists' "$TMP/err"
# A wrong channel names those that exist.
expect_exit 1 "$PSYPHYS" beats "$DEMO" --channel Nope
expect_grep "no channel labelled 'Nope'; it has 'ECG', 'EDA', 'Photosensor', 'RSP'" "$TMP/err"
# A flat ECG: a warning with the reason, an empty table, success.
{ echo "ECG"; i=0; while [ $i -lt 2000 ]; do echo "0.5"; i=$((i + 1)); done; } >"$TMP/flat.csv"
expect_exit 0 "$PSYPHYS" beats "$TMP/flat.csv" --fs 250 -o "$TMP/flat.tsv"
expect_grep 'flat or missing' "$TMP/err"
[ "$(wc -l <"$TMP/flat.tsv")" -eq 1 ] || fail "beats invented on a flat channel"
expect_grep 'flat or missing' "$TMP/flat.json"
# score-beats: bad tables and options.
printf 'onset\n1\nx\n' >"$TMP/bad.tsv"
expect_exit 1 "$PSYPHYS" score-beats --ref "$TMP/bad.tsv" --test "$TMP/b.tsv"
expect_grep "line 3: 'x' is not a number" "$TMP/err"
printf 'sample\n100\n200\n' >"$TMP/samples.tsv"
expect_exit 1 "$PSYPHYS" score-beats --ref "$TMP/samples.tsv" --test "$TMP/b.tsv"
expect_grep 'give their rate with --fs' "$TMP/err"
# A vendor's beat list with a fault: the reader's reason, not "no onset column" (said once).
printf '00000000\n1.0 N\n2.0 N\nabc N\n' >"$TMP/list.txt"
expect_exit 1 "$PSYPHYS" score-beats --ref "$TMP/list.txt" --test "$TMP/b.tsv"
expect_grep 'list\.txt: line 4: beat time is not a number' "$TMP/err"
printf 'time\tvalue\n1\t2\n' >"$TMP/nocol.tsv"
expect_exit 1 "$PSYPHYS" score-beats --ref "$TMP/nocol.tsv" --test "$TMP/b.tsv"
expect_grep "nocol\.tsv: has no 'onset' \(s\) or 'sample' column in its header" "$TMP/err"
# A sample number beyond any time at the given rate: refused with its line.
printf 'sample\n100\n1e308\n' >"$TMP/far.tsv"
expect_exit 1 "$PSYPHYS" score-beats --ref "$TMP/far.tsv" --test "$TMP/b.tsv" --fs 0.001
expect_grep "far\.tsv: line 3: '1e308' is out of range" "$TMP/err"
# A WFDB header read as its record: the rate rule's warning names it, as for an annotation file;
# a record without beat annotations is refused (all its reference beats would be missed).
mkdir "$TMP/rec"
cp "$TMP/b.qrs" "$TMP/rec/b.qrs"
printf 'b 1 100\nb.dat 16 200 12 0 0 0 0 ECG\n' >"$TMP/rec/b.hea"
printf 'bare 1 100\nbare.dat 16 200 12 0 0 0 0 ECG\n' >"$TMP/rec/bare.hea"
head -c 2000 /dev/zero | tee "$TMP/rec/b.dat" >"$TMP/rec/bare.dat"
expect_exit 0 "$PSYPHYS" score-beats --ref "$TMP/rec/b.hea" --test "$TMP/b.qrs" --fs 50 --override-fs --from 0
expect_grep "rec/b\.hea: warning: the file declares 100 Hz; --override-fs: --fs 50 Hz is used instead" "$TMP/err"
expect_exit 1 "$PSYPHYS" score-beats --ref "$TMP/rec/bare.dat" --test "$TMP/b.tsv"
expect_grep "bare\.dat: holds no beat annotations" "$TMP/err"
expect_exit 2 "$PSYPHYS" score-beats --ref "$TMP/b.tsv"
expect_exit 2 "$PSYPHYS" score-beats --ref "$TMP/b.tsv" --test "$TMP/b.tsv" --window 0
expect_exit 0 "$PSYPHYS" beats --help
expect_exit 0 "$PSYPHYS" score-beats --help
finish
