#!/bin/sh
# Builds the seed corpora of the fuzz targets in OUT/<target>/ from small synthetic files
# written here, the bundled recordings/, tests/data/bad/ and, when present, the real files of
# ../shared/data (cut to their first KB; WFDB records get their signal and annotation files
# appended as "@@FILE name" parts, see fuzz_files.h). Nothing is copied into the repository.
# Usage: make_seeds.sh OUT SOURCE_DIR [SHARED_DATA_DIR]
set -eu
out=$1 src=$2 shared=${3:-}
mkdir -p "$out"
for t in edf wfdb wfdb_annotations text bids sndfile ishne acq xdf brainvision opensignals movesense detect events ecg ppg rr \
    beats beats_table beat_times signals stream session_settings; do mkdir -p "$out/$t"; done

# head -c N of a file into a seed
cut_into() { head -c "$3" "$1" > "$2"; }
part() { printf '\n@@FILE %s\n' "$1"; }

# --- synthetic seeds (always) ---
cp "$src/tests/data/analyze_study.json" "$out/session_settings/study"
printf '{"ecg": "ECG", "triggers": ["Photosensor:0.5"], "units": {"RSP": "V"}, "hrv_window_s": [60, 0], "libedf": false}' > "$out/session_settings/keys"
printf 'time,ECG (mV),EDA [uS]\n0,0.1,2.0\n0.004,0.2,2.1\n0.008,0.9,2.1\n0.012,0.1,2.2\n' > "$out/text/csv"
printf 'Time\tRESP\tTrigger\n0.0\t1\t0\n0.5\t2\t5\n1.0\tn/a\t0\n' > "$out/text/tsv"
printf '812\n790\n1605\n402\n830\n815\n' > "$out/text/rr_ms"
printf 'RR\n0.812\n0.790\n0.805\n' > "$out/text/rr_s"
printf '1495437325.000000\n4.000000\n0.01\n0.02\n0.03\n0.05\n' > "$out/text/e4_eda"
printf '"a";"b"\n1;2\n3;4\n' > "$out/text/semicolon"
# Garmin logs (an accelerometer with a short and a long gap; a data log) and a vendor beat list
printf '2019-10-16T12:00:01.000+02:00;1;2;3\n2019-10-16T12:00:01.040+02:00;1;2;3\n2019-10-16T12:00:01.580+02:00;4;5;6\n2019-10-16T12:00:01.620+02:00;4;5;6\n2019-10-16T12:00:04.000+02:00;7;8;9\n2019-10-16T12:00:04.040+02:00;7;8;9\n' > "$out/text/garmin_acc"
printf '2019-10-16T12:00:00.000+02:00;HEART_RATE_VARIABILITY;800.0\n2019-10-16T12:00:00.800+02:00;STRESS;-2\n' > "$out/text/garmin_data"
printf '00000000\n1.000 N\n1.800 S\n2.500 X\n' > "$out/text/beat_list"
printf '%80sECG%77s25.01.2516.42.59200 \nTimestamp,Sample\n1737823380.3569,0\n1737823380.3619,-3\n1737823380.3669,12\n1737823381.5,40\n1737823381.505,-2\n' '' '' > "$out/text/movesense"
cp "$out/text/movesense" "$out/movesense/ecg"
printf '%80sHeartRate%71s25.01.2516.42.591   \r\nAverage,RRData\r\n153.06122,392\r\n73.7,808\r\n74.5,\r\n74.5,784\r\n' '' '' > "$out/movesense/hr"
printf '%80sHeartRate%71s25.01.2516.42.591   \r\nAverage,RRData\r\n153.06122,392\r\n73.7,808\r\n74.5,\r\n74.5,784\r\n' '' '' > "$out/text/movesense_hr"
{ printf '0.1\t2.0\n0.2\t2.1\n0.3\t2.2\n'; part sub-01_physio.json
  printf '{"SamplingFrequency": 100, "StartTime": -0.5, "Columns": ["cardiac", "eda"]}\n'; } > "$out/bids/physio"
{ printf '1\t0\n0\t1\n'; part sub-01_physio.json
  printf '{"SamplingFrequency": 2.5, "StartTime": 0, "Columns": ["trigger", "resp"], "resp": {"Units": "mV"}}'; } > "$out/bids/units"
printf 'onset\tduration\ttrial_type\tvalue\n1.0\t0.5\tgo\t1\n2.5\tn/a\tstop\t2\n' > "$out/events/bids"
printf 'onset,duration,label\n0.1,1,"a, quoted"\n3,0,b\n' > "$out/events/csv"
{ printf 'fz 2 250 100\nfz.dat 16 200/mV 12 0 0 0 0 ECG\nfz.dat 16 100/uS 12 0 0 0 0 EDA\n'; part fz.dat
  i=0; while [ $i -lt 100 ]; do printf '\001\000\377\377'; i=$((i + 1)); done; } > "$out/wfdb/fmt16"
{ printf 'fz 1 360 50\nfz.dat 212 200 11 1024 995 0 0 MLII\n'; part fz.dat
  i=0; while [ $i -lt 25 ]; do printf '\343\363\003'; i=$((i + 1)); done; } > "$out/wfdb/fmt212"
{ printf 'fz 3 360/720(5) 40 10:11:12 13/01/2003\nfz.dat 212 200(1000)/mV 12 1000 995 0 0 MLII\n'
  printf 'fz.dat 212x2:1 100/mmHg 12 0 0 0 0 ABP\nfz.d1 16+4 0 16 0 0 0 0\n'; part fz.dat
  head -c 200 /dev/zero | tr '\0' '\045'; part fz.d1; head -c 84 /dev/zero | tr '\0' '\021'; } > "$out/wfdb/multi"
{ printf 'fz 1 100 20\nfz.dat 8 200 8 0 0 0 0 ECG\nfz.dat 80\n'; part fz.dat; head -c 20 /dev/zero | tr '\0' '\200'; } > "$out/wfdb/fmt8"
# annotation file: N at 18, SKIP, NUM, AUX "(N", then the end (WFDB annot(5) byte pairs)
printf '\022\004\000\354\020\000\000\000\001\004\003\374a\000\003\370(N\004\000\000\000' > "$out/wfdb_annotations/atr"
printf 'ISHNE1.0' > "$out/ishne/magic_only"
# the lab formats: valid AcqKnowledge, XDF and BrainVision files from the tests' writers, when the
# fuzz build made its seed writer (tests/fuzz/lab_seeds.c); OpenSignals text here
lab_seeds="$(dirname "$out")/tests/fuzz/fuzz_lab_seeds"
if [ -x "$lab_seeds" ]; then "$lab_seeds" "$out"; fi
{ printf '# OpenSignals Text File Format\n# {"00:07": {"sensor": ["ECG", "EDA"], "column": ["nSeq", "DI", "CH1", '
  printf '"CH2"], "sampling rate": 100, "label": ["CH1", "CH2"], "resolution": [16, 16], "device": "biosignalsplux", '
  printf '"date": "2020-1-2", "time": "3:04:05.6"}}\n# EndOfHeader\n0\t0\t32768\t100\n1\t1\t30000\t200\t\n4\t0\t1\t3\n'; } \
    > "$out/opensignals/plux"
{ printf '# OpenSignals Text File Format\n# {"20:16": {"sensor": ["EDABITREV", "PZTBITREV"], "column": ["nSeq", "I1", '
  printf '"I2", "O1", "O2", "A3", "A4"], "sampling rate": 10, "label": ["A3", "A4"], "resolution": [4, 1, 1, 1, 1, 10, 10], '
  printf '"device": "bitalino_rev"}}\n# EndOfHeader\n15\t0\t0\t0\t0\t460\t512\n0\t0\t0\t0\t0\t461\t500\n'; } \
    > "$out/opensignals/bitalino"
printf 'RIFF\044\000\000\000WAVEfmt \020\000\000\000\001\000\001\000\372\000\000\000\364\001\000\000\002\000\020\000data\000\000\000\000' > "$out/sndfile/empty.wav"
cp "$out/sndfile/empty.wav" "$out/sndfile/with_sidecar"
{ part fz.json; printf '{"SamplingFrequency": 250, "Columns": ["ECG"], "Units": ["mV"], "Gain": [200]}'; } >> "$out/sndfile/with_sidecar"
# ECG: a clean synthetic beat train, int16 little-endian at 250 Hz (byte 0 = 3: 250 Hz; byte 1 = 0: int16)
{ printf '\003\000'; i=0; while [ $i -lt 2500 ]; do
    if [ $((i % 200)) -eq 100 ]; then printf '\000\020'; elif [ $((i % 200)) -eq 101 ]; then printf '\000\010'; else printf '\000\000'; fi
    i=$((i + 1)); done; } > "$out/ecg/beats250"
{ printf '\000\000'; i=0; while [ $i -lt 200 ]; do printf '\040\003\064\003\000\003\100\006\220\001'; i=$((i + 1)); done; } > "$out/rr/ectopy"

printf 'onset\tsample\trr_ms\tlabel\tcorrected\n0.5\t180\tn/a\tN\t0\n1.3\t468\t800.000\tN\t0\n2.0\tn/a\t700\tectopic\t1\n' > "$out/beats_table/beats"
printf 'onset\tsample\trr_ms\tlabel\r\n1\t2\r\n' > "$out/beats_table/short_crlf"
cp "$out/beats_table/beats" "$out/beat_times/beats"
printf 'sample;type\n100;N\n150;~\nn/a;N\n200;"V"\n' > "$out/beat_times/samples"
printf '      Time   Sample #  Type  Sub Chan  Num\tAux\n    0:00.050       18     +    0    0    0\t(N\n    0:00.214       77     N    0    0    0\n' > "$out/beat_times/rdann"
printf '00000000\n1.000 N\n1.800 S\n2.500 X\n' > "$out/beat_times/beat_list"
{ cat "$out/wfdb_annotations/atr"; part fz.hea; printf 'fz 1 250 1000\n'; } > "$out/beat_times/atr_hea"
# beats: the same ECG as a WFDB record (byte 1 = 0), and the RR series as a list (byte 1 = 1)
cp "$out/ecg/beats250" "$out/beats/ecg250"
cp "$out/ecg/beats250" "$out/ppg/signal250"
# signals: byte 0 picks the analysis (0 HRV, 1 EDA, 2 breaths, 3 heart-rate responses)
for k in 0 1 2 3; do { printf "\\00$k\\000"; tail -c +3 "$out/rr/ectopy"; } > "$out/signals/seed$k"; done
{ printf '\003\001'; tail -c +3 "$out/rr/ectopy"; } > "$out/beats/rr_list"
# beats: the beat train with every 10th beat clipped into a 2.8 s plateau from its peak -1, 0, +1
# sample (saturation, a lead coming off): a flat gap dated back to before the beat, emitted later
{ printf '\003\000'; i=0; while [ $i -lt 6000 ]; do j=$((i % 2000)); p=$((1100 + i / 2000 - 1))
    if [ $j -ge $p ] && [ $j -lt 1800 ]; then printf '\000\020'
    elif [ $((i % 200)) -eq 100 ]; then printf '\000\020'; elif [ $((i % 200)) -eq 101 ]; then printf '\000\010'; else printf '\000\000'; fi
    i=$((i + 1)); done; } > "$out/beats/ecg250_clipped"
# stream: byte 0 = mode (bits 0-1 ECG rate 50/100/250/1000 Hz or PPG 25/64/125/500 Hz, 4 RR
# input, 8 EDA, 16 raw doubles, 128 PPG instead of ECG),
# byte 1 = EDA rate - 4; then blocks, each a header byte (bit 7: EDA, bits 0-6: 2 k + 1 samples)
tail -c +3 "$out/ecg/beats250" > "$out/stream/.ecg_body"
{ printf '\012\034'; i=0; while [ $i -lt 9 ]; do
    printf '\177'; dd if="$out/stream/.ecg_body" bs=510 skip=$i count=1 2>/dev/null
    printf '\203\000\001\000\002\000\003\000\004\000\005\000\006\000\007'; i=$((i + 1)); done; } > "$out/stream/ecg_eda"
{ printf '\202\000'; i=0; while [ $i -lt 9 ]; do
    printf '\177'; dd if="$out/stream/.ecg_body" bs=510 skip=$i count=1 2>/dev/null; i=$((i + 1)); done; } > "$out/stream/ppg"
{ printf '\004\000'; i=0; while [ $i -lt 12 ]; do printf '\020'; tail -c +3 "$out/rr/ectopy" | dd bs=66 skip=$i count=1 2>/dev/null
    i=$((i + 1)); done; } > "$out/stream/rr"
rm -f "$out/stream/.ecg_body"

# --- bundled recordings and hostile files ---
cp "$src/recordings/neurokit_eventrelated.edf" "$out/edf/neurokit_eventrelated.edf"
cp "$src/recordings/neurokit_eventrelated_events.tsv" "$out/events/neurokit.tsv"
if [ -d "$src/tests/data/bad" ]; then
    for f in "$src"/tests/data/bad/*; do
        [ -f "$f" ] || continue
        b=$(basename "$f")
        case "$b" in
            *.edf|*.bdf) cp "$f" "$out/edf/bad_$b" ;;
            *.hea) cp "$f" "$out/wfdb/bad_$b" ;;
            *.acq) cp "$f" "$out/acq/bad_$b" ;;
            *.xdf) cp "$f" "$out/xdf/bad_$b" ;;
            *.vhdr) { cat "$f"; if [ -f "${f%.vhdr}.eeg" ]; then part fz.eeg; cat "${f%.vhdr}.eeg"; fi; } \
                > "$out/brainvision/bad_$b" ;;
            *.eeg) ;;
            opensignals_*) cp "$f" "$out/opensignals/bad_$b" ;;
            *.csv|*.tsv|*.txt) cp "$f" "$out/text/bad_$b" ;;
            *) cp "$f" "$out/detect/bad_$b" ;;
        esac
    done
fi

# --- real files from ../shared/data, when present ---
[ -n "$shared" ] && [ -d "$shared" ] || exit 0
for f in "$shared"/edf_mne_testing/*.edf "$shared"/edf_mne_testing/*.bdf "$shared"/edf_mne_testing/*.EDF \
         "$shared"/edf_pyedflib/*.edf "$shared"/edf_pyedflib/*.bdf "$shared"/wfdb_python_samples/*.edf; do
    [ -f "$f" ] && cut_into "$f" "$out/edf/$(basename "$f")" 65536
done
for h in "$shared"/mitdb/*.hea "$shared"/wfdb_python_samples/*.hea "$shared"/pcst_hrv_reference/*/*.hea; do
    [ -f "$h" ] || continue
    d=$(dirname "$h") stem=$(basename "$h" .hea) seed="$out/wfdb/$(basename "$h")"
    # fewer frames, so the cut signal files still hold them
    awk 'NR == 1 && NF >= 4 { $4 = 1000 } { print }' "$h" > "$seed"
    for dat in $(awk 'NR > 1 && $1 !~ /^#/ { print $1 }' "$h" | sort -u); do
        [ -f "$d/$dat" ] && { part "$dat"; head -c 8192 "$d/$dat"; } >> "$seed"
    done
    [ -f "$d/$stem.atr" ] && { part "$stem.atr"; head -c 2048 "$d/$stem.atr"; } >> "$seed"
done
for f in "$shared"/mitdb/*.atr "$shared"/pcst_hrv_reference/*/*.qrs "$shared"/pcst_hrv_reference/*/*.ecg \
         "$shared"/pcst_hrv_reference/reference/*.pvc; do
    [ -f "$f" ] && cut_into "$f" "$out/wfdb_annotations/$(basename "$f")" 4096
done
for f in "$shared"/flirt_wearables/empatica/*.csv "$shared"/flirt_wearables/holter/*.txt \
         "$shared"/rhrv_book/*/*.txt "$shared"/rr_devices/hrvfilter_samples/*.txt \
         "$shared"/neurokit/*.csv "$shared"/flirt_wearables/garmin/* "$shared"/rr_devices/polar_h10_detectPVC/*; do
    [ -f "$f" ] && cut_into "$f" "$out/text/$(basename "$f")" 4096
done
for f in "$shared"/flirt_wearables/holter/*; do
    [ -f "$f" ] && cut_into "$f" "$out/ishne/$(basename "$f")" 16384
done
for f in "$shared"/wfdb_python_samples/*.wav "$shared"/wfdb_python_samples/*.d0; do
    [ -f "$f" ] && cut_into "$f" "$out/sndfile/$(basename "$f")" 16384
done
for f in "$shared"/formats/acq/*.acq; do # the small ones whole, the others cut (their headers)
    [ -f "$f" ] && cut_into "$f" "$out/acq/$(basename "$f")" 131072
done
for f in "$shared"/formats/xdf/*.xdf; do [ -f "$f" ] && cp "$f" "$out/xdf/"; done
for f in "$shared"/dyadic_movesense/data/*/*.csv; do
    [ -f "$f" ] && cut_into "$f" "$out/movesense/$(basename "$(dirname "$f")")_$(basename "$f")" 4096
done
for f in "$shared"/formats/opensignals/*.txt; do [ -f "$f" ] && cut_into "$f" "$out/opensignals/$(basename "$f")" 4096; done
for h in "$shared"/formats/brainvision/*.vhdr; do
    [ -f "$h" ] || continue
    { cat "$h"; part test.eeg; head -c 16384 "${h%.vhdr}.eeg"; part test.vmrk; cat "${h%.vhdr}.vmrk"; } \
        > "$out/brainvision/$(basename "$h")"
done
for f in "$out"/edf/* "$out"/wfdb_annotations/* "$out"/sndfile/* "$out"/text/* "$out"/acq/* "$out"/xdf/* \
         "$out"/opensignals/*; do cp "$f" "$out/detect/"; done
exit 0
