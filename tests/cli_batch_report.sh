# A batch folder as a user reuses it: the QC index after a rerun (files skipped because they were
# done), psyphys report on the batch folder, subjects and sessions of a non-BIDS archive.
. "$(dirname "$0")/lib_cli.sh"
DEMO=$SRC/recordings/neurokit_eventrelated.edf

# A non-BIDS archive: s01/session1, s01/session2, s02/session1 (the demo recording each time).
A=$TMP/study
for d in s01/session1 s01/session2 s02/session1; do
    mkdir -p "$A/$d"
    cp "$DEMO" "$A/$d/rec.edf"
done
OUT=$TMP/res
expect_exit 0 "$PSYPHYS" batch "$A" -o "$OUT" -j 2 --report --quiet
INDEX=$OUT/index.html
[ "$(grep -c 'href="s0[12]/session[12]/rec_report\.html"' "$INDEX")" -eq 3 ] || fail "first run: 3 links"
[ "$(grep -c '<td>60\.860</td><td>1\.32</td><td>72\.4396</td>' "$INDEX")" -eq 3 ] || fail "first run: 3 rows of metrics"
cp "$INDEX" "$TMP/first_index.html"

# ---- item: a rerun with everything done skips every file; its index is complete all the same ----
expect_exit 0 "$PSYPHYS" batch "$A" -o "$OUT" -j 2 --report
expect_grep '3 files: 0 ok, 0 failed, 3 skipped' "$TMP/err"
[ "$(grep -c 'href="s0[12]/session[12]/rec_report\.html"' "$INDEX")" -eq 3 ] || fail "rerun: links lost"
[ "$(grep -c '<td>60\.860</td><td>1\.32</td><td>72\.4396</td>' "$INDEX")" -eq 3 ] || fail "rerun: metrics lost"

# ---- item: psyphys report on the batch folder rebuilds the index and the pages it can ----
expect_exit 0 "$PSYPHYS" report "$OUT"
expect_grep "^wrote $OUT/index\\.html\$" "$TMP/out"
expect_grep 'kept 3 existing pages \(--overwrite rebuilds them\)' "$TMP/err"
[ ! -e "$OUT/group_report.html" ] || fail "a page was made from the batch's group tables"
expect_grep 'group_segments\.tsv skipped: not an analyze output set' "$TMP/err"
if grep -q 'sidecar names no input' "$TMP/err"; then fail "the group table was taken for an output set"; fi
[ "$(grep -c 'href="s0[12]/session[12]/rec_report\.html"' "$INDEX")" -eq 3 ] || fail "report: links lost"
# a page deleted by hand is made again; a file whose tables are gone is named
rm "$OUT/s01/session2/rec_report.html" "$OUT/s02/session1/rec_segments.tsv"
expect_exit 0 "$PSYPHYS" report "$OUT"
expect_grep "wrote $OUT/s01/session2/rec_report\\.html" "$TMP/out"
expect_grep 's02/session1/rec\.edf: no page \(s02/session1/rec_segments\.tsv is not there\)' "$TMP/err"
expect_grep 'kept 1 existing page \(' "$TMP/err"
expect_exit 0 "$PSYPHYS" report "$OUT" --overwrite
[ "$(grep -c '_report\.html$' "$TMP/out")" -eq 2 ] || fail "--overwrite: both pages with tables rebuilt"

# ---- item: subjects and sessions of a non-BIDS archive (--subject-pattern) ----
G=$OUT/group_segments.tsv
expect_grep '^s01/session2/rec\.edf	n/a	n/a	n/a	n/a	recording	' "$G"
expect_grep 'No trends: the group tables hold fewer than two sessions' "$INDEX"
PAT='s(?<sub>\d+)/session(?<ses>\d+)/'
expect_exit 0 "$PSYPHYS" batch "$A" -o "$OUT" -j 2 --report --subject-pattern "$PAT"
expect_grep '3 files: .* 0 failed' "$TMP/err"
expect_grep '^s01/session1/rec\.edf	01	1	n/a	n/a	recording	' "$G"
expect_grep '^s01/session2/rec\.edf	01	2	n/a	n/a	recording	' "$G"
expect_grep '^s02/session1/rec\.edf	02	1	n/a	n/a	Negative	' "$G"
expect_grep '^s01/session2/rec\.edf	01	2	n/a	n/a	Negative	' "$OUT/group_epochs.tsv"
expect_grep '"subject_pattern": "s\(\?<sub>\\\\d\+\)/session' "$OUT/group_segments.json"
expect_grep '"subject_pattern": "s\(' "$OUT/batch_status.json"
# the index's per-subject trends: one plot per key marker, subjects named at their lines' ends
expect_grep 'markers of 2 subjects over 2 sessions' "$INDEX"
[ "$(grep -c 'data-plot="trend"' "$INDEX")" -eq 6 ] || fail "6 trend plots (HR, RMSSD, SDNN, HF, SCL, SCRs)"
sed -n '/data-plot="trend"/,/<\/svg>/p' "$INDEX" | grep -q '>01</text>' || fail "subject 01 not named in the trends"
sed -n '/data-plot="trend"/,/<\/svg>/p' "$INDEX" | grep -q '<text class="tick"[^>]*>2</text>' || fail "session 2 not on the axis"
# a pattern that some paths do not match: those keep the BIDS names (here n/a), with a warning
expect_exit 0 "$PSYPHYS" batch "$A" -o "$OUT" -j 2 --report --subject-pattern 's(?<sub>01)/session(?<ses>\d)'
expect_grep 'warning: 1 files do not match --subject-pattern .* the first: s02/session1/rec\.edf' "$TMP/err"
expect_grep '^s02/session1/rec\.edf	n/a	n/a	' "$G"
expect_grep '"subject_pattern_unmatched": \[' "$OUT/group_segments.json"
# refused before any file: a (?...) form POSIX lacks, no subject group, a broken expression
expect_exit 2 "$PSYPHYS" batch "$A" -o "$TMP/bad" --subject-pattern '(?:s)(?<sub>\d+)'
expect_grep 'POSIX has no other' "$TMP/err"
expect_exit 2 "$PSYPHYS" batch "$A" -o "$TMP/bad" --subject-pattern 'session(?<ses>\d+)'
expect_grep 'give a \(\?<sub>\.\.\.\) group' "$TMP/err"
expect_exit 2 "$PSYPHYS" batch "$A" -o "$TMP/bad" --subject-pattern '(?<sub>[0-9'
[ ! -e "$TMP/bad" ] || fail "a refused pattern made the output folder"
# shards record the pattern; --merge uses it
for k in 1 2; do expect_exit 0 "$PSYPHYS" batch "$A" -o "$TMP/sh" --shard $k/2 -j 1 --subject-pattern "$PAT" --quiet; done
expect_exit 0 "$PSYPHYS" batch --merge "$TMP/sh" --quiet
expect_grep '^s01/session2/rec\.edf	01	2	' "$TMP/sh/group_segments.tsv"
finish
