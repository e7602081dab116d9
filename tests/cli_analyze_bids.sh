# psyphys analyze on a BIDS dataset: the derivatives layout, the run's _events.tsv paired
# automatically, dataset_description.json never clobbered, --layout.
. "$(dirname "$0")/lib_cli.sh"
DS=$SRC/tests/data/bids
ONE=$DS/sub-01/ses-1/beh/sub-01_ses-1_task-demo_physio.tsv.gz
TWO=$DS/sub-02/func/sub-02_task-demo_recording-ecg_physio.tsv.gz
OUT=$TMP/deriv

# The reader pairs the run's _events.tsv (sub-02: without the recording-<label> entity).
expect_exit 0 "$PSYPHYS" info "$ONE"
expect_grep '10\.2400 +3\.0000 +file +Negative' "$TMP/out"
expect_grep '49\.5800 +2\.9900 +file +Neutral' "$TMP/out"
expect_exit 0 "$PSYPHYS" info "$TWO"
expect_grep '19\.5800 +2\.9900 +file +Neutral' "$TMP/out"
# Given again with --events it is read once.
expect_exit 0 "$PSYPHYS" info "$ONE" --events "$DS/sub-01/ses-1/beh/sub-01_ses-1_task-demo_events.tsv"
expect_grep '^events +2$' "$TMP/out"
expect_grep 'own event file, read once' "$TMP/err"

# auto: ROOT/sub-X/[ses-Y/]datatype/STEM_*, STEM without _physio.
expect_exit 0 "$PSYPHYS" analyze "$ONE" -o "$OUT"
D1=$OUT/sub-01/ses-1/beh/sub-01_ses-1_task-demo
for t in beats scr segments epochs epoch-means; do
    [ -s "${D1}_$t.tsv" ] && [ -s "${D1}_$t.json" ] || fail "no ${D1}_$t.tsv/.json"
done
expect_grep 'wrote 11 files to .*/deriv/sub-01/ses-1/beh/ \(sub-01_ses-1_task-demo_\*' "$TMP/out"
expect_grep '^Negative	10\.240000	' "${D1}_epochs.tsv"
expect_grep '^Neutral	49\.580000	' "${D1}_epochs.tsv"
[ "$(wc -l <"${D1}_epochs.tsv")" -eq 3 ] || fail "sub-01: 2 epochs from the paired _events.tsv"
expect_grep '"path": ".*sub-01_ses-1_task-demo_events.tsv"' "${D1}_epochs.json"
expect_grep '"DatasetType": "derivative"' "$OUT/dataset_description.json"
expect_grep '"Name": "psyphys"' "$OUT/dataset_description.json"
expect_grep '"Version": "[0-9]+\.[0-9]+\.[0-9]+"' "$OUT/dataset_description.json"
cp "$OUT/dataset_description.json" "$TMP/desc1"
# A second recording into the same root: no session, the recording entity kept in STEM.
expect_exit 0 "$PSYPHYS" analyze "$TWO" -o "$OUT"
D2=$OUT/sub-02/func/sub-02_task-demo_recording-ecg
[ -s "${D2}_epochs.tsv" ] || fail "no ${D2}_epochs.tsv"
expect_grep '^Neutral	19\.580000	' "${D2}_epochs.tsv"
cmp -s "$OUT/dataset_description.json" "$TMP/desc1" || fail "dataset_description.json rewritten"
[ -z "$(find "$OUT" -name '*tmp*')" ] || fail "temporary files left behind"
# Byte-identical on a second run (--overwrite) into another root.
expect_exit 0 "$PSYPHYS" analyze "$ONE" -o "$TMP/again"
for f in "$OUT"/sub-01/ses-1/beh/*; do
    cmp -s "$f" "$TMP/again/sub-01/ses-1/beh/$(basename "$f")" || fail "$(basename "$f") differs"
done
cmp -s "$OUT/dataset_description.json" "$TMP/again/dataset_description.json" || fail "descriptions differ"

# Another dataset's description in ROOT is never replaced, and nothing is written.
mkdir -p "$TMP/raw"
echo '{"Name": "raw data", "BIDSVersion": "1.10.0", "DatasetType": "raw"}' >"$TMP/raw/dataset_description.json"
cp "$TMP/raw/dataset_description.json" "$TMP/rawdesc"
expect_exit 1 "$PSYPHYS" analyze "$ONE" -o "$TMP/raw"
expect_grep 'dataset_description.json: describes another dataset' "$TMP/err"
cmp -s "$TMP/raw/dataset_description.json" "$TMP/rawdesc" || fail "a foreign description was changed"
[ -z "$(find "$TMP/raw" -name '*.tsv')" ] || fail "tables written beside a foreign description"

# --layout flat: ROOT/STEM_* with the file's own stem, no description.
expect_exit 0 "$PSYPHYS" analyze "$ONE" -o "$TMP/flat" --layout flat
[ -s "$TMP/flat/sub-01_ses-1_task-demo_physio_epochs.tsv" ] || fail "flat layout: no ROOT/STEM_epochs.tsv"
[ ! -e "$TMP/flat/dataset_description.json" ] || fail "flat layout wrote a dataset description"
# Not in a BIDS dataset: auto is flat, bids is an error naming the reason.
mkdir -p "$TMP/loose/beh"
cp "$DS"/sub-01/ses-1/beh/* "$TMP/loose/beh/"
expect_exit 0 "$PSYPHYS" analyze "$TMP/loose/beh/sub-01_ses-1_task-demo_physio.tsv.gz" -o "$TMP/lo"
[ -s "$TMP/lo/sub-01_ses-1_task-demo_physio_epochs.tsv" ] || fail "non-BIDS input: flat layout expected"
expect_exit 1 "$PSYPHYS" analyze "$TMP/loose/beh/sub-01_ses-1_task-demo_physio.tsv.gz" -o "$TMP/lb" --layout bids
expect_grep 'layout bids: its name says ses-1 but it is not in a ses-1 directory' "$TMP/err"
expect_exit 1 "$PSYPHYS" analyze "$SRC/recordings/neurokit_eventrelated.edf" -o "$TMP/lb" --layout bids
expect_grep 'neurokit_eventrelated.edf: --layout bids: its name does not start with sub-' "$TMP/err"
# A file whose name says another subject than its directory.
mkdir -p "$TMP/ds/sub-07/ses-1/beh"
cp "$DS/dataset_description.json" "$TMP/ds/"
cp "$DS"/sub-01/ses-1/beh/* "$TMP/ds/sub-07/ses-1/beh/"
expect_exit 1 "$PSYPHYS" analyze "$TMP/ds/sub-07/ses-1/beh/sub-01_ses-1_task-demo_physio.tsv.gz" -o "$TMP/lb" --layout bids
expect_grep 'says sub-01 but it is not in a sub-01 directory' "$TMP/err"
[ ! -e "$TMP/lb" ] || fail "a refused layout made the output directory"
expect_exit 2 "$PSYPHYS" analyze "$ONE" --layout tree

# A BIDS EEG recording (EDF with its own annotations) and its run's _events.tsv beside it: paired;
# the events both give count once, the new one is added, both files are in the provenance.
mkdir -p "$TMP/eeg/sub-03/eeg"
cp "$DS/dataset_description.json" "$TMP/eeg/"
EEG=$TMP/eeg/sub-03/eeg/sub-03_task-demo_run-1_eeg.edf
cp "$SRC/recordings/neurokit_eventrelated.edf" "$EEG"
{ cat "$SRC/recordings/neurokit_eventrelated_events.tsv"; printf '70.00\t0\tExtra\n'; } \
    >"$TMP/eeg/sub-03/eeg/sub-03_task-demo_run-1_events.tsv"
expect_exit 0 "$PSYPHYS" analyze "$EEG" -o "$TMP/eegout"
E=$TMP/eegout/sub-03/eeg/sub-03_task-demo_run-1
[ "$(wc -l <"${E}_epochs.tsv")" -eq 6 ] || fail "EEG: 4 annotations + Extra = 5 epochs"
expect_grep '^Extra	70\.000000	' "${E}_epochs.tsv"
expect_grep "event 'Negative' at 129\.840 s skipped: it repeats the event at 129\.840 s \(annotation\)" "$TMP/err"
tr -d ' \n' <"${E}_epochs.json" >"$TMP/eegflat"
grep -q '"events_files":\[{"path":"[^"]*sub-03_task-demo_run-1_events.tsv","sha256":"[0-9a-f]*","paired":true,"events":[0-9]*,"rows_without_onset":0,"columns":{"onset":"onset","duration":"duration","label":"trial_type"}}\]' "$TMP/eegflat" \
    || fail "EEG: the paired events file is not in the provenance"
# Given again with --events: read once.
expect_exit 0 "$PSYPHYS" analyze "$EEG" --events "$TMP/eeg/sub-03/eeg/sub-03_task-demo_run-1_events.tsv"
expect_grep 'own event file, read once' "$TMP/err"
finish
