# psyphys analyze on heart-rate-only and RR-only recordings (Empatica E4 HR.csv and IBI.csv, a
# Garmin log folder): every marker their data support, the rest n/a with the reason.
. "$(dirname "$0")/lib_cli.sh"
E4=$SRC/tests/data/e4

# HR only (1 Hz bpm): mean HR per segment (the plain means of the samples), epoch HR responses;
# HRV and epoch quality n/a with the reason; no beats table.
expect_exit 0 "$PSYPHYS" analyze "$E4/HR.csv" --events "$E4/events.tsv" -o "$TMP/hr"
expect_grep "heart +'HR': bpm channel, 600 samples, mean HR 74\.9 bpm \(HRV n/a" "$TMP/out"
expect_grep 'HRV n/a \(a heart rate averaged over seconds is not beat-to-beat\)' "$TMP/err"
expect_grep '^recording	0\.000000	600\.000000	74\.867	n/a	n/a	n/a	' "$TMP/hr/HR_segments.tsv"
expect_grep '^stress	100\.000000	60\.000000	76\.532	n/a	' "$TMP/hr/HR_segments.tsv"
expect_grep '^rest	400\.000000	60\.000000	80\.167	n/a	' "$TMP/hr/HR_segments.tsv"
# baseline: the rate over the second before 100 s, between the samples 74.28 (99 s) and 74.48 (100 s)
expect_grep '^stress	100\.000000	74\.3[0-9]+	0\.[0-9]+	0\.[0-9]+	0\.[0-9]+	[0-9.]+	[0-9.]+	n/a	n/a	n/a	n/a	n/a	n/a$' "$TMP/hr/HR_epochs.tsv"
expect_grep '^late	595\.000000	n/a	' "$TMP/hr/HR_epochs.tsv"
expect_grep "epoch 'late' at 595\.000 s: heart rate n/a" "$TMP/err"
expect_grep '"hr": "HR"' "$TMP/hr/HR_segments.json"
tr -d '\n' <"$TMP/hr/HR_segments.json" | grep -q '"rmssd_ms": {  *"a heart rate averaged over seconds (bpm channel) is not beat-to-beat": 4' \
    || fail "HR only: rmssd_ms n/a reason missing from na_reasons (4 rows)"
[ ! -e "$TMP/hr/HR_beats.tsv" ] || fail "an HR-only recording wrote a beats table"
# RR only (IBI): beats, NN and HRV as from an ECG; epochs from the beats.
expect_exit 0 "$PSYPHYS" analyze "$E4/IBI.csv" --events "$E4/events.tsv" -o "$TMP/ibi"
expect_grep "heart +'IBI': 219 beats" "$TMP/out"
# 4 intervals end in (100, 160] (the E4 drops beats): mean 785.192 ms; their 3.1 s are below
# SDNN's 30 s and RMSSD's 10 s minimum (it gave SDNN 14.96 ms from them): n/a with the reason
expect_grep '^stress	100\.000000	60\.000000	[0-9.]+	785\.192	n/a	n/a	' "$TMP/ibi/IBI_segments.tsv"
tr -d ' \n' <"$TMP/ibi/IBI_segments.json" >"$TMP/ibiflat"
grep -q '"sdnn_ms":{"shorterthanthemetric'"'"'sminimumspanofNNintervals(min_span_s)"' "$TMP/ibiflat" ||
    fail "IBI: sdnn_ms minimum-span reason missing"
expect_grep '^recording	0\.000000	599\.746203	[0-9.]+	848\.926	' "$TMP/ibi/IBI_segments.tsv"
expect_grep '^stress	100\.000000	[0-9.]+	[0-9.-]+	[0-9.-]+	[0-9.-]+	[0-9.]+	[0-9.]+	n/a	n/a	1\.0000	0\.00	n/a	n/a$' "$TMP/ibi/IBI_epochs.tsv"
[ "$(wc -l <"$TMP/ibi/IBI_beats.tsv")" -eq 220 ] || fail "IBI: 219 beats expected"
# --hr picks a bpm channel even beside an ECG; --ecg and --hr together are refused.
printf 'time,ECG,HR\n' >"$TMP/both.csv"
i=0; while [ $i -lt 120 ]; do echo "$i,0,$((60 + i % 10))" >>"$TMP/both.csv"; i=$((i + 1)); done
expect_exit 0 "$PSYPHYS" analyze "$TMP/both.csv" --channel-type HR=HR --hr HR -o "$TMP/both"
expect_grep '^recording	0\.000000	120\.000000	64\.500	n/a	' "$TMP/both/both_segments.tsv"
expect_exit 2 "$PSYPHYS" analyze "$TMP/both.csv" --hr HR --ecg ECG
expect_grep '\-\-ecg and --hr exclude each other' "$TMP/err"
expect_exit 1 "$PSYPHYS" analyze "$TMP/both.csv" --hr Nope
# The whole E4 exports, when ../shared is here.
FULL=$SHARED/data/flirt_wearables/empatica
if [ -f "$FULL/HR.csv" ]; then
    expect_exit 0 "$PSYPHYS" analyze "$FULL/HR.csv" -o "$TMP/full"
    expect_grep '^recording	0\.000000	4998\.000000	70\.666	n/a	' "$TMP/full/HR_segments.tsv"
    expect_exit 0 "$PSYPHYS" analyze "$FULL/IBI.csv" --segments window:600 -o "$TMP/fullibi"
    expect_grep "heart +'IBI': 4999 beats" "$TMP/out"
    [ -s "$TMP/fullibi/IBI_hrv-windows.tsv" ] || fail "full IBI: no HRV windows"
    expect_grep '^window 1	0\.000000	600\.000000	[0-9.]+	[0-9.]+	[0-9.]+	[0-9.]+	' "$TMP/fullibi/IBI_segments.tsv"
fi
# A Garmin log folder (data.csv + acc.csv) as one recording: the beat-to-beat intervals an RR
# channel, HR in bpm, the accelerometer at 25 Hz with its 6 gaps as missing samples on the
# folder's time base (data.csv's first row, in its zone).
GARMIN=$SHARED/data/flirt_wearables/garmin
if [ -f "$GARMIN/data.csv" ]; then
    expect_exit 0 "$PSYPHYS" info "$GARMIN"
    expect_grep '^format +Garmin folder' "$TMP/out"
    expect_grep '^start +2019-10-16T12:08:58\.041\+02:00' "$TMP/out"
    expect_grep ' HEART_RATE_VARIABILITY +RR +ms +irregular +14316 ' "$TMP/out"
    expect_grep ' HEART_RATE +HR +bpm +irregular +8748 ' "$TMP/out"
    # acc.csv starts 3.661 s in and ends 957.162 s later: 24021 samples, 10000 of them its own
    expect_grep ' ACC X +OTHER +- +25 +24021 +960\.840' "$TMP/out"
    expect_grep 'acc\.csv: irregular sampling: .* 6 gaps over 1 s start new stretches' "$TMP/out"
    expect_exit 0 "$PSYPHYS" analyze "$GARMIN" --segments window:3600 -o "$TMP/garmin"
    expect_grep "heart +'HEART_RATE_VARIABILITY': 14316 beats" "$TMP/out"
fi
# A Holter folder (ISHNE holter.ecg + the recorder software's beat list holter.txt): the ECG
# recording, its beats agreeing with the vendor's N and S beats (X, artifacts, left out), read by
# score-beats from the folder or the list.
HOLTER=$SHARED/data/flirt_wearables/holter
if [ -f "$HOLTER/holter.ecg" ]; then
    expect_exit 0 "$PSYPHYS" info "$HOLTER"
    expect_grep '^format +Holter folder' "$TMP/out"
    expect_grep '^channels +3' "$TMP/out"
    expect_grep '^events +4786' "$TMP/out"
    expect_exit 0 "$PSYPHYS" beats "$HOLTER" -o "$TMP/holter_beats.tsv"
    for ref in "$HOLTER" "$HOLTER/holter.txt"; do
        expect_exit 0 "$PSYPHYS" score-beats --ref "$ref" --test "$TMP/holter_beats.tsv" --from 0
        expect_grep '^reference .*: 4768 beats scored from 0 s' "$TMP/out"
        awk '/^TP/ { if ($8 + 0 < 99.5 || $11 + 0 < 99.5) exit 1 }' "$TMP/out" ||
            fail "Holter beats against the vendor's: $(grep '^TP' "$TMP/out")"
    done
fi
# batch takes a Garmin and a Holter folder whole, as info does (it once took their files one by
# one: acc.csv, data.csv, holter.ecg, holter.txt); a Garmin file alone stays a file.
if [ -f "$GARMIN/data.csv" ] && [ -f "$HOLTER/holter.ecg" ]; then
    mkdir -p "$TMP/wear/garmin" "$TMP/wear/holter" "$TMP/wear/other"
    for f in data.csv acc.csv; do ln -s "$GARMIN/$f" "$TMP/wear/garmin/$f"; done
    for f in holter.ecg holter.txt; do ln -s "$HOLTER/$f" "$TMP/wear/holter/$f"; done
    ln -s "$GARMIN/acc.csv" "$TMP/wear/other/acc.csv"
    expect_exit 0 "$PSYPHYS" batch "$TMP/wear" -o "$TMP/wb" -j 1 --quiet
    S=$TMP/wb/batch_status.tsv
    [ "$(tail -n +2 "$S" | wc -l)" -eq 3 ] || fail "3 recordings, got: $(cut -f1,2 "$S" | tr '\n' ' ')"
    expect_grep '^garmin	ok	' "$S"
    expect_grep '^holter	ok	' "$S"
    expect_grep '^other/acc\.csv	ok	' "$S"
fi
# A WFDB record with PhysioNet's annotator 'ecg' (nsr2db: nsr001.hea, nsr001.ecg) and a text file
# of its name is no Holter folder: batch analyses the record (it once failed the folder, "not an
# ISHNE 1.0 file"). The text file is taken on its own (its outputs' names clash: it fails).
NSR=$SHARED/data/pcst_hrv_reference/nsr2db
if [ -f "$NSR/nsr001.ecg" ]; then
    mkdir -p "$TMP/wfdb/nsr"
    for f in nsr001.hea nsr001.ecg; do ln -s "$NSR/$f" "$TMP/wfdb/nsr/$f"; done
    echo 'a note' >"$TMP/wfdb/nsr/nsr001.txt"
    "$PSYPHYS" batch "$TMP/wfdb" -o "$TMP/wfdbout" -j 1 --quiet >"$TMP/out" 2>"$TMP/err"
    S=$TMP/wfdbout/batch_status.tsv
    expect_grep '^nsr/nsr001\.hea	ok	' "$S"
    grep -q '^nsr	' "$S" && fail "a WFDB folder taken as a Holter folder: $(grep '^nsr	' "$S")"
fi
# A member the folder cannot read names itself: non-zero exit, nothing on stdout, no outputs.
mkdir "$TMP/badgarmin"
printf '2019-10-16T12:00:00.000+02:00;HEART_RATE;75.0\nyesterday;HEART_RATE;74.0\n' >"$TMP/badgarmin/data.csv"
printf '2019-10-16T12:00:01.000+02:00;1;2;3\n2019-10-16T12:00:01.040+02:00;1;2;3\n' >"$TMP/badgarmin/acc.csv"
expect_exit 1 "$PSYPHYS" info "$TMP/badgarmin"
expect_grep "badgarmin: data\.csv: line 2: timestamp 'yesterday' is not ISO 8601" "$TMP/err"
[ -s "$TMP/out" ] && fail "a folder with a malformed member printed: $(head -c 200 "$TMP/out")"
expect_exit 1 "$PSYPHYS" analyze "$TMP/badgarmin" -o "$TMP/badout"
[ -e "$TMP/badout" ] && fail "a folder with a malformed member left outputs: $(ls "$TMP/badout")"
# An RR list (Polar export): beats, NN and HRV of the whole recording and of windows.
POLAR=$SHARED/data/rr_devices/hrvfilter_samples/polarSample01.txt
if [ -f "$POLAR" ]; then
    expect_exit 0 "$PSYPHYS" analyze "$POLAR" --segments window:120 -o "$TMP/polar"
    expect_grep "heart +'RR': [0-9]+ beats" "$TMP/out"
    expect_grep '^recording	0\.000000	480\.427000	86\.269	695\.499	62\.7329	38\.5737	' "$TMP/polar/polarSample01_segments.tsv"
    expect_grep '^window 4	360\.000000	120\.000000	[0-9.]+	[0-9.]+	[0-9.]+	[0-9.]+	' "$TMP/polar/polarSample01_segments.tsv"
    [ -s "$TMP/polar/polarSample01_beats.tsv" ] || fail "Polar RR list: no beats table"
fi
finish
