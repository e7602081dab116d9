# psyphys sync on a synthetic dyad written here (tests/data/sync_dyad.awk: heart rate and skin
# conductance at 4 Hz, B starts 3 s after A and follows A by 2 s in the second phase only): the
# coupled phase is found with its lag, the uncoupled one not; the tables, sidecars and report;
# byte-identical reruns; bad input and usage errors.
. "$(dirname "$0")/lib_cli.sh"

awk -v seed=3 -v who=A -f "$SRC/tests/data/sync_dyad.awk" >"$TMP/A.csv"
awk -v seed=3 -v who=B -f "$SRC/tests/data/sync_dyad.awk" >"$TMP/B.csv"
printf 'onset,duration,trial_type\n0,300,rest\n300,290,talk\n' >"$TMP/ev.csv"

expect_exit 0 "$PSYPHYS" sync "$TMP/A.csv" "$TMP/B.csv" --events "$TMP/ev.csv" -o "$TMP/res" --report
T=$TMP/res/A_B_sync.tsv
expect_grep '^label	onset	duration	signal	r	lag_s	p_surrogate	n_windows	n_surrogates	concordance	p_concordance$' "$T"
# aligned by the start times: the session is the 597 s both cover, from A's 3.000 s
expect_grep '^session	3\.000	597\.000	hr	0\.[0-9]{4}	2\.00	0\.0100	112	99	n/a	n/a$' "$T"
expect_grep '^talk	300\.000	290\.000	hr	0\.[5-9][0-9]{3}	(1\.[0-9]{2}|2\.[0-9]{2}|3\.00)	0\.0100	52	99	' "$T"
awk -F'\t' '$1 == "rest" && $4 == "hr" && !($7 > 0.05) { exit 1 }' "$T" || fail "rest: p <= 0.05"
expect_grep '^rest	3\.000	297\.000	eda	' "$T"
awk -F'\t' '$4 == "eda" && $10 == "n/a" { exit 1 }' "$T" || fail "eda rows without a concordance"
W=$TMP/res/A_B_sync-windows.tsv
expect_grep '^onset	signal	r	lag_s$' "$W"
expect_grep '^3\.000	hr	n/a	n/a$' "$W"
expect_grep '^8\.000	hr	0\.[0-9]{4}	-?[0-9]\.[0-9]{2}$' "$W"
expect_grep '"b_start_minus_a_start_s": 3\.0' "$TMP/res/A_B_sync.json"
expect_grep '"n_surrogates": 1000' "$TMP/res/A_B_sync.json"
expect_grep '"input_b"' "$TMP/res/A_B_sync.json"
expect_grep '"both_recorded_s": 597' "$TMP/res/A_B_sync.json"
expect_grep 'Moulder, Boker' "$TMP/res/A_B_sync.json"
expect_grep '"concordance": \{' "$TMP/res/A_B_sync.json"
expect_grep '"lag_s": \{' "$TMP/res/A_B_sync-windows.json"
expect_grep '<svg' "$TMP/res/A_B_sync-report.html"
expect_grep 'talk' "$TMP/res/A_B_sync-report.html"
expect_grep 'r at each lag and time' "$TMP/res/A_B_sync-report.html"

# same inputs, same bytes; existing outputs kept without --overwrite
cp "$T" "$TMP/first.tsv"
expect_exit 1 "$PSYPHYS" sync "$TMP/A.csv" "$TMP/B.csv" --events "$TMP/ev.csv" -o "$TMP/res"
expect_exit 0 "$PSYPHYS" sync "$TMP/A.csv" "$TMP/B.csv" --events "$TMP/ev.csv" -o "$TMP/res" --overwrite
cmp -s "$T" "$TMP/first.tsv" || fail "rerun: the table changed"

# --offset moves B: 2 s later makes the lag 2 s longer; --signal, --stem, --surrogates 0
expect_exit 0 "$PSYPHYS" sync "$TMP/A.csv" "$TMP/B.csv" --events "$TMP/ev.csv" -o "$TMP/res" --offset 2 \
    --signal hr --stem off --surrogates 0
expect_grep '^talk	300\.000	290\.000	hr	0\.[5-9][0-9]{3}	(3\.[0-9]{2}|4\.[0-9]{2}|5\.00)	n/a	' "$TMP/res/off_sync.tsv"
[ "$(grep -c eda "$TMP/res/off_sync.tsv")" -eq 0 ] || fail "--signal hr wrote eda rows"
expect_grep '"no surrogates asked for"' "$TMP/res/off_sync.json"

# the tonic level and the phasic part of skin conductance, on request only
expect_exit 0 "$PSYPHYS" sync "$TMP/A.csv" "$TMP/B.csv" --events "$TMP/ev.csv" -o "$TMP/res" --stem parts \
    --signal scl --signal phasic
expect_grep '^talk	300\.000	290\.000	scl	0\.[0-9]{4}	' "$TMP/res/parts_sync.tsv"
expect_grep '^talk	300\.000	290\.000	phasic	0\.[0-9]{4}	[12]\.[0-9]{2}	0\.0100	' "$TMP/res/parts_sync.tsv"
[ "$(grep -c '	eda	\|	hr	' "$TMP/res/parts_sync.tsv")" -eq 0 ] || fail "--signal scl/phasic wrote other signals"
expect_grep '"tonic skin conductance level' "$TMP/res/parts_sync.json"

# events outside the time both cover, or cut by it, are said (as analyze says them of the
# recording); a row without a label is n/a; events without durations give no segment: said
printf 'onset\tduration\ttrial_type\n-5\t10\tpre\n10\t60\trest\n2000\t30\tlate\n200\t30\t\n' >"$TMP/out.tsv"
expect_exit 0 "$PSYPHYS" sync "$TMP/A.csv" "$TMP/B.csv" --events "$TMP/out.tsv" -o "$TMP/res" --stem outside --signal hr
expect_grep "segment 'pre' \(-5\.000 \.\. 5\.000 s\) clipped to the time both recordings cover: 3\.000 \.\. 5\.000 s" \
    "$TMP/res/outside_sync.json"
expect_grep "event 'late' at 2000\.000 s lies outside the time both recordings cover \(3\.000 \.\. 600\.000 s\): no row" \
    "$TMP/res/outside_sync.json"
expect_grep '^n/a	200\.000	30\.000	hr	' "$TMP/res/outside_sync.tsv"
printf 'onset,trial_type\n10,a\n200,b\n' >"$TMP/points.csv"
expect_exit 0 "$PSYPHYS" sync "$TMP/A.csv" "$TMP/B.csv" --events "$TMP/points.csv" -o "$TMP/res" --stem points --signal hr
expect_grep '2 session events, none with a duration: no segment from them \(--segments markers' "$TMP/res/points_sync.json"

# Unix-time events are read as such
printf 'onset,duration,trial_type\n1700000300,290,talk\n' >"$TMP/unix.csv"
expect_exit 0 "$PSYPHYS" sync "$TMP/A.csv" "$TMP/B.csv" --events "$TMP/unix.csv" -o "$TMP/res" --stem unix --signal hr
expect_grep 'Unix times' "$TMP/err"
expect_grep '^talk	300\.000	290\.000	hr	' "$TMP/res/unix_sync.tsv"
expect_grep '"unix_time_shift_s": -1700000000' "$TMP/res/unix_sync.json"
# ... and refused, naming the file, for a recording without a start (no time column)
cut -d, -f2,3 "$TMP/A.csv" >"$TMP/A_nostart.csv"
cut -d, -f2,3 "$TMP/B.csv" >"$TMP/B_nostart.csv"
expect_exit 1 "$PSYPHYS" sync "$TMP/A_nostart.csv" "$TMP/B_nostart.csv" --fs 4 --events "$TMP/unix.csv" \
    -o "$TMP/bad" --signal hr
expect_grep 'unix\.csv: the onsets are Unix times .* start is unknown.*--events-offset' "$TMP/err"

# bad input: named file, exit 1, nothing written
expect_exit 1 "$PSYPHYS" sync "$TMP/A.csv" "$TMP/missing.csv" -o "$TMP/bad"
expect_grep 'missing\.csv' "$TMP/err"
[ ! -e "$TMP/bad/A_missing_sync.tsv" ] || fail "a table written for a missing input"
expect_exit 1 "$PSYPHYS" sync "$TMP/A.csv" "$TMP/B.csv" -o "$TMP/bad" --signal resp
expect_grep 'A\.csv: no channel for resp' "$TMP/err"
head -100 "$TMP/B.csv" >"$TMP/short.csv"
expect_exit 1 "$PSYPHYS" sync "$TMP/A.csv" "$TMP/short.csv" -o "$TMP/bad"
expect_grep 'overlap for' "$TMP/err"
[ ! -e "$TMP/bad/A_short_sync.tsv" ] || fail "a table written for a short overlap"

# batch over dyads: one process each, a failing dyad does not stop the others, group table
awk -v seed=4 -v who=A -f "$SRC/tests/data/sync_dyad.awk" >"$TMP/A4.csv"
awk -v seed=4 -v who=B -f "$SRC/tests/data/sync_dyad.awk" >"$TMP/B4.csv"
printf 'dyad\ta\tb\tevents\nd3\tA.csv\tB.csv\tev.csv\nd4\tA4.csv\tB4.csv\tev.csv\nbad\tA.csv\tmissing.csv\tn/a\n' \
    >"$TMP/dyads.tsv"
expect_exit 1 "$PSYPHYS" batch --dyads "$TMP/dyads.tsv" -o "$TMP/group" -j 2 --signal hr
expect_grep '^d3	ok	n/a	' "$TMP/group/batch_status.tsv"
expect_grep '^d4	ok	n/a	' "$TMP/group/batch_status.tsv"
expect_grep '^bad	failed	.*missing\.csv' "$TMP/group/batch_status.tsv"
G=$TMP/group/group_sync.tsv
expect_grep '^dyad	a	b	pair	session	task	run	label	onset	duration	signal	r	lag_s	p_surrogate	' "$G"
[ "$(grep -v '	eda	' "$T")" = "$(cat "$TMP/group/d3_sync.tsv")" ] || fail "batch: d3's table differs from the single run's"
[ "$(grep -c '^d3	' "$G")" -eq 3 ] && [ "$(grep -c '^d4	' "$G")" -eq 3 ] || fail "group table: want 3 rows per dyad"
[ "$(grep -c '^bad	' "$G")" -eq 0 ] || fail "group table: rows of a failed dyad"
expect_grep '"dyad": "d4"' "$TMP/group/group_sync.json"
# pseudo-dyads: each A with the other dyad's B, started together; the real dyads' r above theirs
printf 'dyad\ta\tb\tevents\nd3\tA.csv\tB.csv\tev.csv\nd4\tA4.csv\tB4.csv\tev.csv\n' >"$TMP/two.tsv"
expect_exit 0 "$PSYPHYS" batch --dyads "$TMP/two.tsv" -o "$TMP/pseudo" --signal hr --pseudo-dyads
P=$TMP/pseudo/group_sync-pseudo.tsv
expect_grep '^dyad	signal	r	n_pseudo	r_pseudo_median	p_pseudo$' "$P"
expect_grep '^d3	hr	0\.5587	2	0\.[0-4][0-9]{3}	0\.3333$' "$P"
expect_grep '^d4	hr	0\.[0-9]{4}	2	' "$P"
expect_grep '"align": "start"' "$TMP/pseudo/pseudo-dyads/d3+d4_sync.json"
expect_grep 'Bernieri' "$TMP/pseudo/group_sync-pseudo.json"
printf 'dyad\ta\tb\nd3\tA.csv\tB.csv\n' >"$TMP/one.tsv"
expect_exit 2 "$PSYPHYS" batch --dyads "$TMP/one.tsv" -o "$TMP/pseudo1" --pseudo-dyads

# rerun: dyads whose inputs (recordings, events) and options are unchanged are skipped, the
# others recomputed and their earlier outputs replaced; files no batch run wrote are kept unless
# --overwrite
cp "$G" "$TMP/group_first.tsv"
touch "$TMP/marker"
sleep 1
expect_exit 1 "$PSYPHYS" batch --dyads "$TMP/dyads.tsv" -o "$TMP/group" --signal hr
expect_grep '^d3	skipped	n/a	0\.000	d3_sync-windows\.json;d3_sync-windows\.tsv;d3_sync\.json;d3_sync\.tsv$' \
    "$TMP/group/batch_status.tsv"
expect_grep '^d4	skipped	' "$TMP/group/batch_status.tsv"
cmp -s "$G" "$TMP/group_first.tsv" || fail "resume: the group table changed"
[ -z "$(find "$TMP/group" -name 'd[34]_sync*' -newer "$TMP/marker")" ] || fail "resume: a skipped dyad rewritten"
printf 'onset,duration,trial_type\n0,200,rest\n200,390,talk\n' >"$TMP/ev4.csv"
printf 'dyad\ta\tb\tevents\nd3\tA.csv\tB.csv\tev.csv\nd4\tA4.csv\tB4.csv\tev4.csv\n' >"$TMP/dyads2.tsv"
expect_exit 0 "$PSYPHYS" batch --dyads "$TMP/dyads2.tsv" -o "$TMP/group" --signal hr
expect_grep '^d3	skipped	' "$TMP/group/batch_status.tsv"
expect_grep '^d4	ok	' "$TMP/group/batch_status.tsv"
expect_grep '^d4	.*	talk	200\.000	390\.000	hr	' "$G"
expect_exit 0 "$PSYPHYS" batch --dyads "$TMP/dyads2.tsv" -o "$TMP/group" --signal hr --seed 2
[ "$(grep -c '	ok	' "$TMP/group/batch_status.tsv")" -eq 2 ] || fail "new options: both dyads recomputed"
expect_grep '"seed": 2' "$TMP/group/d3_sync.json"
# pseudo-dyads resume alike
touch "$TMP/marker"
sleep 1
expect_exit 0 "$PSYPHYS" batch --dyads "$TMP/two.tsv" -o "$TMP/pseudo" --signal hr --pseudo-dyads
[ -z "$(find "$TMP/pseudo" -name 'd[34]*_sync*' -newer "$TMP/marker")" ] || fail "resume: a pseudo-dyad rewritten"
expect_grep '^d3	hr	0\.5587	2	0\.[0-4][0-9]{3}	0\.3333$' "$P"
# a table there that no batch run wrote
mkdir -p "$TMP/group4" && echo mine >"$TMP/group4/d3_sync.tsv"
expect_exit 1 "$PSYPHYS" batch --dyads "$TMP/two.tsv" -o "$TMP/group4" --signal hr
expect_grep '^d3	failed	.*d3_sync\.tsv exists and no earlier batch run' "$TMP/group4/batch_status.tsv"
expect_grep '^d4	ok	' "$TMP/group4/batch_status.tsv"
expect_grep '^mine$' "$TMP/group4/d3_sync.tsv"
expect_exit 0 "$PSYPHYS" batch --dyads "$TMP/two.tsv" -o "$TMP/group4" --signal hr --overwrite
expect_grep '^d3	ok	' "$TMP/group4/batch_status.tsv"
expect_grep '^d4	skipped	' "$TMP/group4/batch_status.tsv"
printf 'x\ty\nA.csv\tB.csv\n' >"$TMP/nodyad.tsv"
expect_exit 1 "$PSYPHYS" batch --dyads "$TMP/nodyad.tsv" -o "$TMP/group2"
expect_grep "no column 'a' or 'b'" "$TMP/err"
expect_exit 2 "$PSYPHYS" batch --dyads "$TMP/dyads.tsv" -o "$TMP/group3" --window 20 --max-lag 15
expect_exit 2 "$PSYPHYS" batch --dyads "$TMP/dyads.tsv"

# usage errors: exit 2
expect_exit 2 "$PSYPHYS" sync "$TMP/A.csv" -o "$TMP/bad"
expect_exit 2 "$PSYPHYS" sync "$TMP/A.csv" "$TMP/B.csv"
expect_exit 2 "$PSYPHYS" sync "$TMP/A.csv" "$TMP/B.csv" -o "$TMP/bad" --window 20 --max-lag 12
expect_grep 'lag' "$TMP/err"
expect_exit 2 "$PSYPHYS" sync "$TMP/A.csv" "$TMP/B.csv" -o "$TMP/bad" --signal pulse
expect_exit 2 "$PSYPHYS" sync "$TMP/A.csv" "$TMP/B.csv" -o "$TMP/bad" --surrogates 1.5
# below 19 shifts p could never reach 0.05: refused, naming the count (not "session too short")
expect_exit 2 "$PSYPHYS" sync "$TMP/A.csv" "$TMP/B.csv" -o "$TMP/bad" --surrogates 5
expect_grep 'sync: 5 surrogates: fewer than 19 can never give p <= 0\.05' "$TMP/err"
expect_exit 2 "$PSYPHYS" sync "$TMP/A.csv" "$TMP/B.csv" -o "$TMP/bad" --bogus
expect_exit 0 "$PSYPHYS" sync --help
expect_grep 'Boker' "$TMP/out"
expect_grep 'Marci' "$TMP/out"

# Every warning of the sidecars is on stderr too (ux21a F3): the readers' (naming each file) and
# the run's, not only the unknown start.
awk 'BEGIN { for (i = 0; i < 401; i++) print (i % 2 ? 0.9 : 0.8) }' >"$TMP/rr_a.txt"
cp "$TMP/rr_a.txt" "$TMP/rr_b.txt"
expect_exit 0 "$PSYPHYS" sync "$TMP/rr_a.txt" "$TMP/rr_b.txt" -o "$TMP/rr_sync"
for f in rr_a rr_b; do expect_grep "$f.txt: warning: no unit stated: intervals read as s" "$TMP/err"; done
expect_grep 'rr_a.txt: warning: hr: no window with both signals present and varying' "$TMP/err"
expect_grep '"B: no unit stated: intervals read as s' "$TMP/rr_sync/rr_a_rr_b_sync.json"

finish
