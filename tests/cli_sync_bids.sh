# psyphys batch --dyads over a BIDS dataset written here: a therapist and a client as subjects,
# each session's physio of both a dyad. Pairs come from participants.tsv's dyad column or from a
# dyads file naming the subjects; recordings pair by session (the path but for the subject); a
# session one of them lacks is a warning, not a dyad; the group table carries pair and session.
. "$(dirname "$0")/lib_cli.sh"

D=$TMP/study
mkdir -p "$D"
echo '{"Name": "dyads", "BIDSVersion": "1.10.0"}' >"$D/dataset_description.json"
printf 'participant_id\tage\tdyad\nsub-T1\t45\tp1\nsub-C1\t30\tp1\nsub-X\t50\tn/a\n' >"$D/participants.tsv"

# physio SUB SES SEED WHO: the synthetic dyad's HR and EDA (tests/data/sync_dyad.awk; B's file
# there starts 3 s after A's, so A's first 12 samples are left out: both start together)
physio() {
    dir=$D/sub-$1/ses-$2/beh
    stem=$dir/sub-$1_ses-$2_task-therapy
    mkdir -p "$dir"
    awk -v seed="$3" -v who="$4" -f "$SRC/tests/data/sync_dyad.awk" |
        awk -F, -v skip="$([ "$4" = A ] && echo 12 || echo 0)" 'NR > 1 + skip { print $2 "\t" $3 }' |
        gzip -n >"${stem}_physio.tsv.gz"
    printf '{"SamplingFrequency": 4, "StartTime": 0, "Columns": ["HR", "EDA"], "EDA": {"Units": "uS"}}\n' \
        >"${stem}_physio.json"
}
physio T1 1 3 A
physio C1 1 3 B
physio T1 2 4 A
physio C1 2 4 B
physio T1 3 5 A # no client recording of session 3
# the session's events, on A's clock: B follows A by 2 s from 297 s on
printf 'onset\tduration\ttrial_type\n0\t297\trest\n297\t290\ttalk\n' \
    >"$D/sub-T1/ses-1/beh/sub-T1_ses-1_task-therapy_events.tsv"

expect_exit 0 "$PSYPHYS" batch --dyads "$D" -o "$TMP/res" --signal hr -j 2
S=$TMP/res/batch_status.tsv
expect_grep '^p1_ses-1_task-therapy_physio	ok	' "$S"
expect_grep '^p1_ses-2_task-therapy_physio	ok	' "$S"
[ "$(grep -c '	ok	' "$S")" -eq 2 ] || fail "want two dyads: $(cat "$S")"
expect_grep 'sub-T1_ses-3_task-therapy_physio\.tsv\.gz: warning: no sub-C1 recording' "$TMP/err"
expect_grep 'ses-3_task-therapy_physio\.tsv\.gz \(no sub-C1' "$TMP/res/batch_status.json"
G=$TMP/res/group_sync.tsv
expect_grep '^dyad	a	b	pair	session	task	run	label	onset	duration	signal	r	lag_s	p_surrogate	' "$G"
# session 1 with its events: the coupled phase found, B following A by 2 s
expect_grep '^p1_ses-1_task-therapy_physio	[^	]*sub-T1_ses-1_task-therapy_physio\.tsv\.gz	[^	]*sub-C1_ses-1_task-therapy_physio\.tsv\.gz	p1	1	therapy	n/a	talk	297\.000	290\.000	hr	0\.[5-9][0-9]{3}	(1\.[0-9]{2}|2\.[0-9]{2}|3\.00)	0\.0100	' "$G"
expect_grep '^p1_ses-2_task-therapy_physio	.*	p1	2	therapy	n/a	session	' "$G"
[ "$(grep -c '	talk	' "$G")" -eq 1 ] || fail "session 2 has no events: no talk row"
expect_grep '"pair"' "$TMP/res/group_sync.json"
# pseudo-dyads pair people of different pairs only: one pair's two sessions are refused ...
expect_exit 2 "$PSYPHYS" batch --dyads "$D" -o "$TMP/res" --signal hr --pseudo-dyads
expect_grep 'two dyads of different pairs' "$TMP/err"
# ... and with a second pair the sessions of p1 meet p2, never each other: 4 pseudo-dyads, not 6
cp "$D/participants.tsv" "$TMP/participants_p1.tsv"
printf 'sub-T2\t41\tp2\nsub-C2\t29\tp2\n' >>"$D/participants.tsv"
physio T2 1 6 A
physio C2 1 6 B
expect_exit 0 "$PSYPHYS" batch --dyads "$D" -o "$TMP/pseudo" --signal hr --pseudo-dyads --surrogates 0
expect_grep '^p1_ses-1_task-therapy_physio	hr	0\.[0-9]{4}	4	' "$TMP/pseudo/group_sync-pseudo.tsv"
[ -z "$(find "$TMP/pseudo/pseudo-dyads" -name 'p1_ses-1*+p1_ses-2*')" ] || fail "a pair's two sessions as a pseudo-dyad"
[ -f "$TMP/pseudo/pseudo-dyads/p2_ses-1_task-therapy_physio+p1_ses-2_task-therapy_physio_sync.tsv" ] ||
    fail "no pseudo-dyad of p2's A with p1's B"
cp "$TMP/participants_p1.tsv" "$D/participants.tsv"

# the same pair from a dyads file in the dataset's root naming the subjects
printf 'dyad\ta\tb\ntc\tsub-T1\tsub-C1\n' >"$D/dyads.tsv"
expect_exit 0 "$PSYPHYS" batch --dyads "$D/dyads.tsv" -o "$TMP/out2" --signal hr
expect_grep '^tc_ses-1_task-therapy_physio	ok	' "$TMP/out2/batch_status.tsv"
expect_grep '^tc_ses-2_task-therapy_physio	ok	' "$TMP/out2/batch_status.tsv"
cmp -s "$TMP/res/p1_ses-1_task-therapy_physio_sync.tsv" "$TMP/out2/tc_ses-1_task-therapy_physio_sync.tsv" ||
    fail "the same dyad by participants.tsv and by the dyads file differs"
# without a dyad column: the pair named by its subjects
printf 'a\tb\nsub-T1\tsub-C1\n' >"$D/pairs.tsv"
expect_exit 0 "$PSYPHYS" batch --dyads "$D/pairs.tsv" -o "$TMP/out3" --signal hr --surrogates 0
expect_grep '^T1-C1_ses-2_task-therapy_physio	ok	' "$TMP/out3/batch_status.tsv"

# refusals, naming the file: a subject without a folder, a pair file outside a BIDS dataset,
# events given for a subject pair, three participants in a dyad, no dyad column
printf 'a\tb\nsub-T1\tsub-Z9\n' >"$D/nobody.tsv"
expect_exit 1 "$PSYPHYS" batch --dyads "$D/nobody.tsv" -o "$TMP/bad"
expect_grep 'nobody\.tsv: line 2: no folder sub-Z9' "$TMP/err"
printf 'a\tb\nsub-T1\tsub-C1\n' >"$TMP/outside.tsv"
expect_exit 1 "$PSYPHYS" batch --dyads "$TMP/outside.tsv" -o "$TMP/bad"
expect_grep 'outside\.tsv: line 2: .*BIDS dataset' "$TMP/err"
printf 'a\tb\tevents\nsub-T1\tsub-C1\tev.tsv\n' >"$D/ev_pairs.tsv"
expect_exit 1 "$PSYPHYS" batch --dyads "$D/ev_pairs.tsv" -o "$TMP/bad"
expect_grep 'each session' "$TMP/err"
cp "$D/participants.tsv" "$TMP/participants.tsv"
printf 'participant_id\tdyad\nsub-T1\tp1\nsub-C1\tp1\nsub-X\tp1\n' >"$D/participants.tsv"
expect_exit 1 "$PSYPHYS" batch --dyads "$D" -o "$TMP/bad"
expect_grep "participants\.tsv: dyad 'p1' has 3 participants" "$TMP/err"
printf 'participant_id\tage\nsub-T1\t45\n' >"$D/participants.tsv"
expect_exit 1 "$PSYPHYS" batch --dyads "$D" -o "$TMP/bad"
expect_grep "participants\.tsv: no column 'dyad'" "$TMP/err"
mkdir -p "$TMP/plain"
expect_exit 1 "$PSYPHYS" batch --dyads "$TMP/plain" -o "$TMP/bad"
expect_grep 'plain: a folder of dyads must be a BIDS dataset' "$TMP/err"
[ ! -e "$TMP/bad/batch_status.tsv" ] || fail "a refused dyads list wrote a status table"

finish
