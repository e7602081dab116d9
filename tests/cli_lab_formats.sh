# The lab recorders' formats through the command, on ../shared/data/formats: info shows each
# sample's channels and markers, convert writes EDF+ that reads back with the same signals, and
# analyze finds beats and skin conductance responses in the Biopac recording. Skips without shared.
. "$(dirname "$0")/lib_cli.sh"
F=$SHARED/data/formats
[ -d "$F" ] || { echo "no $F: skipped"; exit 77; }

expect_exit 0 "$PSYPHYS" info "$F/acq/physio-5.0.1-c.acq"
expect_grep '^format +AcqKnowledge \(compressed\)' "$TMP/out"
expect_grep ' EKG - ERS100C +ECG +mV +1000 +61893 ' "$TMP/out"
expect_grep ' EDA - GSR100C +EDA +uS +2000 +123787 ' "$TMP/out"
expect_grep '^events +11' "$TMP/out"
expect_exit 0 "$PSYPHYS" info "$F/acq/physio-3.8.1.acq" --first-events 20
expect_grep ' 36\.7660 +0\.0000 +annotation +Deep Breath 3' "$TMP/out"
expect_grep 'annotation +psyphys: journal .*I took three deep breaths' "$TMP/out"

expect_exit 0 "$PSYPHYS" info "$F/brainvision/test.vhdr"
expect_grep '^channels +32' "$TMP/out"
expect_grep ' CP6 +EDA +uS +1000 +7900 ' "$TMP/out"
expect_grep '^events +14' "$TMP/out"
expect_exit 0 "$PSYPHYS" info "$F/brainvision/test.eeg" # the data file opens its header
expect_grep '^channels +32' "$TMP/out"

expect_exit 0 "$PSYPHYS" info "$F/xdf/minimal.xdf" --json
expect_grep '"format": "XDF"' "$TMP/out"
expect_grep '"event_count": 9' "$TMP/out"
expect_exit 0 "$PSYPHYS" info "$F/opensignals/eda_hot_surface.txt"
expect_grep ' EDA A3 +EDA +uS +1000 +37050 ' "$TMP/out"
expect_grep ' I1 +TRIGGER ' "$TMP/out"

# convert: EDF+ with the same samples (within the EDF resolution) and the markers as annotations
for f in acq/physio-5.0.1.acq brainvision/test.vhdr xdf/minimal.xdf opensignals/ecg_sample.txt; do
    out=$TMP/$(basename "$f").edf
    expect_exit 0 "$PSYPHYS" convert "$F/$f" "$out"
    expect_exit 0 "$PSYPHYS" info "$out"
done
expect_exit 0 "$PSYPHYS" info "$TMP/physio-5.0.1.acq.edf" --first-events 20
expect_grep ' EKG - ERS100C +ECG +mV +1000 +6189[34] ' "$TMP/out"
expect_grep ' 36\.7660 +0\.0000 +annotation +Deep Breath 3' "$TMP/out"
expect_exit 0 "$PSYPHYS" info "$TMP/test.vhdr.edf" --first-events 20
expect_grep ' 0\.4860 +0\.0000 +annotation +S253' "$TMP/out"
expect_grep ' 7\.6990 +0\.0000 +annotation +O  1' "$TMP/out"

# analyze: heart and skin from the Biopac file, one epoch per marker
expect_exit 0 "$PSYPHYS" analyze "$F/acq/physio-5.0.1.acq" -o "$TMP/an"
expect_grep "heart +'EKG - ERS100C': 6[0-9] beats" "$TMP/out"
expect_grep "skin +'EDA - GSR100C': [1-9][0-9]* SCRs" "$TMP/out"
[ -s "$TMP/an/physio-5.0.1_epochs.tsv" ] || fail "no epochs table"
expect_grep '^Deep Breath 3' "$TMP/an/physio-5.0.1_epochs.tsv"

# batch over a folder of them: the .acq, .xdf and .vhdr are recordings (not the .eeg and .vmrk)
mkdir "$TMP/lab"
cp "$F/acq/r42_test.acq" "$F/xdf/minimal.xdf" "$F"/brainvision/test.* "$TMP/lab/"
expect_exit 0 "$PSYPHYS" batch "$TMP/lab" -o "$TMP/lab_out"
expect_grep '^3 files: 3 ok' "$TMP/err"
for f in r42_test.acq minimal.xdf test.vhdr; do
    expect_grep "^$f	ok	" "$TMP/lab_out/batch_status.tsv"
done
finish
