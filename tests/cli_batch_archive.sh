# psyphys batch over 40 files of ../shared/data (EDF, BDF, WFDB, WAV/FLAC, Empatica and Garmin CSV,
# ISHNE, RR lists) of which 3 are deliberately corrupt: every good file processed, the corrupt ones
# reported with their reasons, exit status 1, group tables complete. Skips without ../shared.
. "$(dirname "$0")/lib_cli.sh"
[ -d "$SHARED/data" ] || { echo "skipped: no $SHARED/data"; exit 77; }

ln -s "$SHARED/data" "$TMP/data"
mkdir -p "$TMP/bad"
cp "$SRC/tests/data/bad/edf_cut_data_record.edf" "$TMP/bad/cut_record.edf"
cp "$SRC/tests/data/bad/edf_duration_text.edf" "$TMP/bad/duration_text.edf"
cp "$SRC/tests/data/bad/csv_ragged_rows.csv" "$TMP/bad/ragged.csv"
cat >"$TMP/study.txt" <<'LIST'
# 37 good recordings
data/edf_mne_testing/MB0400FU.EDF
data/edf_mne_testing/SC4001EC-Hypnogram.edf
data/edf_mne_testing/chtypes_edf.edf
data/edf_mne_testing/multiple_annotation_chans.bdf
data/edf_mne_testing/subsecond_starttime.edf
data/edf_mne_testing/test_bdf_stim_channel.bdf
data/edf_mne_testing/test_edf_overlapping_annotations.edf
data/edf_mne_testing/test_reduced.edf
data/edf_mne_testing/test_utf8_annotations.edf
data/edf_pyedflib/test_generator.bdf
data/edf_pyedflib/test_generator_datarec_generator_0_5.bdf
data/edf_pyedflib/test_generator_datarec_generator_2.bdf
data/edf_pyedflib/test_subsecond.edf
data/edf_pyedflib/test_utf8.edf
data/flirt_wearables/empatica/BVP.csv
data/flirt_wearables/empatica/EDA.csv
data/flirt_wearables/empatica/HR.csv
data/flirt_wearables/empatica/IBI.csv
data/flirt_wearables/empatica/TEMP.csv
data/flirt_wearables/garmin/acc.csv
data/flirt_wearables/holter/holter.ecg
data/mitdb/100.hea
data/mitdb/105.hea
data/mitdb/113.hea
data/pcst_hrv_reference/icu/TestICU.hea
data/pcst_hrv_reference/nsr2db/nsr001.hea
data/rhrv_book/chapter2/beat_ascii.txt
data/rhrv_book/chapter6/apnea_ascii.txt
data/rhrv_book/chapter6/rr.txt
data/rr_devices/hrvfilter_samples/eliteSample01.txt
data/rr_devices/hrvfilter_samples/polarSample01.txt
data/rr_devices/polar_h10_detectPVC/polar_h10.csv
data/wfdb_python_samples/SC4001E0-PSG.wav
data/wfdb_python_samples/flacformats.hea
data/wfdb_python_samples/mixedsignals.hea
data/wfdb_python_samples/test_edfann.edf
data/wfdb_python_samples/test_generator_2.edf
# 3 corrupt ones
bad/cut_record.edf
bad/duration_text.edf
bad/ragged.csv
LIST

OUT=$TMP/study_out
expect_exit 1 "$PSYPHYS" batch "@$TMP/study.txt" -o "$OUT" -j 2
S=$OUT/batch_status.tsv
[ "$(tail -n +2 "$S" | wc -l)" -eq 40 ] || fail "40 rows in $S, got $(tail -n +2 "$S" | wc -l)"
[ "$(grep -c '	ok	' "$S")" -eq 37 ] || fail "37 ok rows: $(grep -v '	ok	' "$S" | cut -f1-3)"
expect_grep '^bad/cut_record\.edf	failed	[^	]*bad/cut_record\.edf: [^	]+	' "$S"
expect_grep '^bad/duration_text\.edf	failed	[^	]*bad/duration_text\.edf: [^	]+	' "$S"
expect_grep '^bad/ragged\.csv	failed	[^	]*ragged row' "$S"
expect_grep '^40 files: 37 ok, 3 failed, 0 skipped' "$TMP/err"
# group_segments: every good file's segments, in the status table's order
want=1
for f in $(awk -F'\t' '$2 == "ok" { print $5 }' "$S" | tr ';' '\n' | grep '_segments\.tsv$'); do
    want=$((want + $(wc -l <"$OUT/$f") - 1))
done
[ "$(wc -l <"$OUT/group_segments.tsv")" -eq "$want" ] || fail "group_segments.tsv: $(wc -l <"$OUT/group_segments.tsv") lines, want $want"
[ "$(cut -f1 "$OUT/group_segments.tsv" | tail -n +2 | uniq | wc -l)" -eq 37 ] || fail "not every good file in group_segments.tsv"
expect_grep '^data/mitdb/100\.hea	n/a	n/a	n/a	n/a	recording	0\.000000	1805\.55' "$OUT/group_segments.tsv"
expect_grep '^data/mitdb/100\.hea	' "$OUT/group_hrv.tsv"
expect_grep '"files": 37' "$OUT/group_segments.json"
finish
