# psyphys analyze and bad or awkward session events: nothing dropped silently. Events outside the
# recording and repeated events are skipped and listed (sidecar "skipped_events" + warnings),
# clipped and overlapping segments noted, an events file with the wrong columns refused, an
# --epochs label no event has reported. (Events in EDF+D gaps: tests/test_analyze_gaps.c.)
. "$(dirname "$0")/lib_cli.sh"
DEMO=$SRC/recordings/neurokit_eventrelated.edf
S=neurokit_eventrelated

printf 'onset\tduration\ttrial_type\n-5\t10\tearly\n10.24\t3.00\tNegative\n20\t30\tphaseA\n40\t20\tphaseB\n200\t5\tlate\n' \
    >"$TMP/events.tsv"
expect_exit 0 "$PSYPHYS" analyze "$DEMO" --events "$TMP/events.tsv" -o "$TMP/r"
E=$TMP/r/${S}_epochs
J=$TMP/r/${S}_segments.json
# Skipped with the reason: before the start, after the end, the annotation given again.
expect_grep "event 'early' at -5\.000 s skipped: it lies outside the recording \(0 \.\. 150\.000 s\): no epoch" "$TMP/err"
expect_grep "event 'late' at 200\.000 s skipped: it lies outside the recording" "$TMP/err"
expect_grep "event 'Negative' at 10\.240 s skipped: it repeats the event at 10\.240 s \(annotation\): counted once" "$TMP/err"
tr -d ' \n' <"$E.json" >"$TMP/flat"
grep -q '"skipped_events":\[{"label":"early","onset_s":-5.0,"source":"file","reason":"itliesoutsidetherecording' "$TMP/flat" \
    || fail "skipped_events lacks 'early'"
grep -q '{"label":"Negative","onset_s":10.24,"source":"file","reason":"itrepeatstheeventat10.240s(annotation):countedonce"}' "$TMP/flat" \
    || fail "skipped_events lacks the repeated Negative"
grep -q '{"label":"late","onset_s":200.0,"source":"file"' "$TMP/flat" || fail "skipped_events lacks 'late'"
expect_grep '"skipped_events"' "$J"
# Epochs: the 4 annotations + phaseA + phaseB; Negative at 10.24 once.
[ "$(grep -c '^Negative	10\.240000	' "$E.tsv")" -eq 1 ] || fail "the repeated Negative gave two epochs"
[ "$(wc -l <"$E.tsv")" -eq 7 ] || fail "6 epochs expected"
if grep -qE '^(early|late)	' "$E.tsv"; then fail "an event outside the recording has an epoch"; fi
expect_grep '^Negative	2	' "$TMP/r/${S}_epoch-means.tsv"
# Segments: early clipped to 0 .. 5 s, Negative once, phaseA and phaseB overlap (noted).
expect_grep "segment 'early' \(-5\.000 \.\. 5\.000 s\) clipped to the recording: 0\.000 \.\. 5\.000 s" "$TMP/err"
expect_grep '^early	0\.000000	5\.000000	' "$TMP/r/${S}_segments.tsv"
[ "$(grep -c '^Negative	10\.240000	3\.000000	' "$TMP/r/${S}_segments.tsv")" -eq 1 ] || fail "repeated segment row"
expect_grep "segment 'Negative' \(10\.240 \.\. 13\.240 s\) repeats an earlier one: one row" "$TMP/err"
expect_grep "segments 'phaseA' \(20\.000 \.\. 50\.000 s\) and 'phaseB' \(40\.000 \.\. 60\.000 s\) overlap" "$TMP/err"
expect_grep 'overlap: beats and SCRs in the overlap count in both' "$J"
# An events file with the wrong columns: an error naming the file and the columns; no output.
printf 'when\twhat\n1\ta\n' >"$TMP/wrong.tsv"
expect_exit 1 "$PSYPHYS" analyze "$DEMO" --events "$TMP/wrong.tsv" -o "$TMP/w"
expect_grep 'wrong\.tsv: no onset column \(onset, time, latency, \.\.\.\); columns: when, what' "$TMP/err"
expect_grep 'name yours with --events-columns onset=COLUMN' "$TMP/err"
# --events-columns maps other names (any delimiter; a column named onset that is not the onset
# stays in the detail); a mapped column the file lacks, a bad mapping, a mapping without --events.
printf 'When;Len;What;onset\n20;5;stim A;x\n70.5;0;stim B;y\n' >"$TMP/mapped.csv"
expect_exit 0 "$PSYPHYS" analyze "$DEMO" --events "$TMP/mapped.csv" --events-columns onset=When,duration=Len,label=What -o "$TMP/m"
expect_grep '^stim A	20\.000000	5\.000000	' "$TMP/m/${S}_segments.tsv"
expect_grep '^stim B	70\.500000	' "$TMP/m/${S}_epochs.tsv"
expect_grep '"events_columns": "onset=When,duration=Len,label=What"' "$TMP/m/${S}_epochs.json"
expect_exit 0 "$PSYPHYS" info "$DEMO" --events "$TMP/mapped.csv" --events-columns onset=When,label=What
expect_grep '20\.0000 +n/a +file +stim A +Len=5;onset=x' "$TMP/out"
expect_exit 1 "$PSYPHYS" analyze "$DEMO" --events "$TMP/mapped.csv" --events-columns onset=Time
expect_grep "mapped\.csv: no column 'Time' \(for the onset\); columns: When, Len, What, onset" "$TMP/err"
expect_exit 2 "$PSYPHYS" analyze "$DEMO" --events "$TMP/mapped.csv" --events-columns start=When
expect_exit 2 "$PSYPHYS" analyze "$DEMO" --events "$TMP/mapped.csv" --events-columns onset=When,onset=Len
expect_exit 1 "$PSYPHYS" analyze "$DEMO" --events-columns onset=When
expect_grep 'events-columns maps the columns of an --events file' "$TMP/err"
echo '{"events_columns": "onset=When,label=What"}' >"$TMP/map.json"
expect_exit 0 "$PSYPHYS" analyze "$DEMO" --config "$TMP/map.json" --events "$TMP/mapped.csv"
expect_grep '^  stim B +70\.50 ' "$TMP/out"
[ ! -e "$TMP/w" ] || fail "a refused events file made outputs"
printf 'onset\tduration\ttrial_type\n12\tlong\tx\n' >"$TMP/badnum.tsv"
expect_exit 1 "$PSYPHYS" analyze "$DEMO" --events "$TMP/badnum.tsv"
expect_grep "badnum\.tsv: line 2: duration 'long' is not a number" "$TMP/err"
expect_exit 1 "$PSYPHYS" analyze "$DEMO" --events "$TMP/none.tsv"
expect_grep 'none\.tsv: cannot open the event file' "$TMP/err"
# Which columns an events file was read by: said on stderr and recorded in the sidecars
# (settings.input_options.events_files); common names for duration (dur, length) and label.
printf 'time,dur,cond\n20,2,A\n60,3,B\n' >"$TMP/tdc.csv"
expect_exit 0 "$PSYPHYS" analyze "$DEMO" --events "$TMP/tdc.csv" -o "$TMP/tdc"
expect_grep "tdc\.csv: note: 2 events; onset from 'time', duration from 'dur', label from 'cond'" "$TMP/err"
expect_grep '"columns": \{' "$TMP/tdc/${S}_epochs.json"
tr -d ' \n' <"$TMP/tdc/${S}_segments.json" | grep -q '"path":"[^"]*tdc\.csv","sha256":"[0-9a-f]*","paired":false,"events":2,"rows_without_onset":0,"columns":{"onset":"time","duration":"dur","label":"cond"}' ||
    fail "the events file's columns are not in the sidecar"
expect_grep '^A	20\.000000	2\.000000	' "$TMP/tdc/${S}_segments.tsv"
printf 'start,length,name\n20,2,A\nn/a,3,lost\n60,3,B\n' >"$TMP/sln.csv"
expect_exit 0 "$PSYPHYS" analyze "$DEMO" --events "$TMP/sln.csv" -o "$TMP/sln"
expect_grep "note: 2 events; onset from 'start', duration from 'length', label from 'name'" "$TMP/err"
expect_grep "sln\.csv: warning: 1 rows without an onset give no event \(line 3 first\)" "$TMP/err"
expect_grep '^B	60\.000000	3\.000000	' "$TMP/sln/${S}_segments.tsv"
expect_grep '^A	20\.000000	' "$TMP/sln/${S}_epochs.tsv"
# an event that cannot be placed (no onset) is in skipped_events, with its file and line
tr -d '\n' <"$TMP/sln/${S}_epochs.json" | grep -Eq '"skipped_events": \[ *\{ *"label": "lost", *"onset_s": null, *"source": "file", *"reason": "line 3 of [^"]*sln\.csv: no onset \(n/a\)"' ||
    fail "the row without an onset is not in skipped_events"
# Ambiguous mappings are refused with the way to say which; naming the column reads the file.
printf 'time,start,label\n20,21,A\n' >"$TMP/two.csv"
expect_exit 1 "$PSYPHYS" analyze "$DEMO" --events "$TMP/two.csv"
expect_grep "two\.csv: columns 'time' and 'start' could both hold the onset: name the one to use \(say which: --events-columns onset=COLUMN\)" "$TMP/err"
expect_exit 0 "$PSYPHYS" analyze "$DEMO" --events "$TMP/two.csv" --events-columns onset=start
expect_grep "onset from 'start'" "$TMP/err"
expect_grep '^  A +21\.00 ' "$TMP/out"
printf 'onset\ttype\tvalue\n20\tstim\tS 1\n' >"$TMP/tv.tsv"
expect_exit 1 "$PSYPHYS" info "$DEMO" --events "$TMP/tv.tsv"
expect_grep "columns 'type' and 'value' could both hold the label.*--events-columns label=COLUMN" "$TMP/err"
expect_exit 0 "$PSYPHYS" info "$DEMO" --events "$TMP/tv.tsv" --events-columns label=value
expect_grep '20\.0000 +n/a +file +S 1 +type=stim' "$TMP/out"
printf 'onset\tdur\tlength\ttrial_type\n20\t1\t2\tx\n' >"$TMP/dd.tsv"
expect_exit 1 "$PSYPHYS" analyze "$DEMO" --events "$TMP/dd.tsv"
expect_grep "could both hold the duration" "$TMP/err"
# An --epochs label no event has.
expect_exit 0 "$PSYPHYS" analyze "$DEMO" --epochs Positive
expect_grep "\-\-epochs 'Positive': no session event has this label" "$TMP/err"
# Epoch windows running past the end: kept, heart rate n/a with the reason.
printf 'onset\tduration\ttrial_type\n145\t0\tend\n' >"$TMP/end.tsv"
expect_exit 0 "$PSYPHYS" analyze "$DEMO" --events "$TMP/end.tsv" -o "$TMP/e"
expect_grep '^end	145\.000000	n/a	' "$TMP/e/${S}_epochs.tsv"
expect_grep "epoch 'end' at 145\.000 s: heart rate n/a \(the beats do not cover the whole epoch" "$TMP/e/${S}_epochs.json"
finish
