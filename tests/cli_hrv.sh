# psyphys hrv: RR lists, recordings and beats tables, presets, windows, JSON, sidecars, bad input.
. "$(dirname "$0")/lib_cli.sh"
DEMO=$SRC/recordings/neurokit_eventrelated.edf

expect_value() { # NAME FILE WANT
    got=$(col "$1" "$2")
    [ "$got" = "$3" ] || fail "$1 = '$got', want '$3' in $2"
}

# 800, 900, 800, ... ms: RMSSD 100, pNN50 100 %, median 800; the raw series (no correction).
awk 'BEGIN { for (i = 0; i < 401; i++) print (i % 2 ? 900 : 800) }' >"$TMP/alt.txt"
expect_exit 0 "$PSYPHYS" hrv "$TMP/alt.txt" --correction none -o "$TMP/alt.tsv"
expect_value rmssd_ms "$TMP/alt.tsv" 100
expect_value pnn50_pct "$TMP/alt.tsv" 100
expect_value median_nn_ms "$TMP/alt.tsv" 800
expect_value n_nn "$TMP/alt.tsv" 401
expect_value hti "$TMP/alt.tsv" n/a   # 6 min < 20 min for geometric measures
expect_grep '"preset": "default"' "$TMP/alt.json"
expect_grep '"sha256": "[0-9a-f]{64}"' "$TMP/alt.json"
expect_grep '"hti": \{' "$TMP/alt.json"                     # its n/a reason
expect_grep '"correction": "none"' "$TMP/alt.json"
head -1 "$TMP/alt.tsv" | grep -q 'lomb_lf_ms2' || fail "no Lomb columns with both spectra"
# every key of the interface is a column
for k in mean_nn_ms sdnn_ms rmssd_ms sdsd_ms pnn50_pct pnn20_pct cvnn cvsd median_nn_ms mad_nn_ms \
    iqr_nn_ms min_nn_ms max_nn_ms mean_hr_bpm hti tinn_ms sdann_ms sdnni_ms ulf_ms2 vlf_ms2 lf_ms2 \
    hf_ms2 vhf_ms2 total_power_ms2 lf_hf lf_nu hf_nu lf_peak_hz hf_peak_hz sd1_ms sd2_ms sd1_sd2 \
    sampen apen dfa_alpha1 dfa_alpha2; do
    head -1 "$TMP/alt.tsv" | tr '\t' '\n' | grep -qx "$k" || fail "column $k missing"
done

# Same input and settings: byte-identical tables; an existing output is kept without --overwrite.
expect_exit 0 "$PSYPHYS" hrv "$TMP/alt.txt" --correction none -o "$TMP/alt2.tsv"
cmp -s "$TMP/alt.tsv" "$TMP/alt2.tsv" || fail "two runs differ"
expect_exit 1 "$PSYPHYS" hrv "$TMP/alt.txt" -o "$TMP/alt.tsv"
expect_exit 0 "$PSYPHYS" hrv "$TMP/alt.txt" -o "$TMP/alt.tsv" --overwrite

# A recording (ECG detected and corrected) and its beats table give the same numbers, to the
# table's precision (onsets to 1 us, intervals to 1 us: R-peaks are timed between samples).
expect_exit 0 "$PSYPHYS" hrv "$DEMO" -o "$TMP/rec.tsv"
expect_exit 0 "$PSYPHYS" beats "$DEMO" -o "$TMP/beats.tsv"
expect_exit 0 "$PSYPHYS" hrv "$TMP/beats.tsv" -o "$TMP/tab.tsv"
for k in n_nn mean_nn_ms sdnn_ms rmssd_ms hf_ms2 sd1_ms; do
    awk -v a="$(col $k "$TMP/rec.tsv")" -v b="$(col $k "$TMP/tab.tsv")" 'BEGIN { exit !((a - b) ^ 2 <= (1e-6 * a) ^ 2) }' ||
        fail "$k differs: recording vs beats table"
done
expect_grep '"format": "psyphys beats table"' "$TMP/tab.json"
expect_grep '"label": "ECG"' "$TMP/rec.json"

# Windows: 148.9 s of beats, 60 s windows every 30 s -> 3 rows.
expect_exit 0 "$PSYPHYS" hrv "$DEMO" --window 60 --step 30 -o "$TMP/win.tsv"
[ "$(wc -l <"$TMP/win.tsv")" -eq 4 ] || fail "windows: $(wc -l <"$TMP/win.tsv") lines, want 4"
[ "$(col onset "$TMP/win.tsv" 2)" = "30.489526" ] || fail "second window onset $(col onset "$TMP/win.tsv" 2)"
expect_value lf_ms2 "$TMP/win.tsv" n/a # 60 s < 2 min for LF
expect_grep '"lf_ms2": \{' "$TMP/win.json"

# JSON: spectra nested under welch and lomb; its sidecar beside it.
expect_exit 0 "$PSYPHYS" hrv "$DEMO" --json -o "$TMP/h.json"
expect_grep '"welch":\{"ulf_ms2"' "$TMP/h.json"
expect_grep '"lomb":\{"ulf_ms2"' "$TMP/h.json"
expect_grep '"rmssd_ms":[0-9]' "$TMP/h.json"
expect_exit 0 "$PSYPHYS" hrv "$DEMO" --json --window 60 --step 30 -o "$TMP/hw.json"
if command -v python3 >/dev/null; then
    python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert len(d["windows"]) == 3' "$TMP/hw.json" ||
        fail "windowed JSON does not parse or has not 3 windows"
fi
[ -s "$TMP/h_sidecar.json" ] || fail "no sidecar for the JSON output"
expect_exit 0 "$PSYPHYS" hrv "$DEMO" --psd all --json
expect_grep '"ar":\{"ulf_ms2"' "$TMP/out"
expect_exit 0 "$PSYPHYS" hrv "$DEMO" --psd lomb --preset pcst --detrend linear
expect_grep '^onset' "$TMP/out"

# Bad input: a clear message, a non-zero exit only when nothing can be computed.
: >"$TMP/empty.txt"
expect_exit 1 "$PSYPHYS" hrv "$TMP/empty.txt"
printf '812\n' >"$TMP/one.txt" # the RR reader itself refuses one value
expect_exit 1 "$PSYPHYS" hrv "$TMP/one.txt"
printf 'onset\tsample\trr_ms\tlabel\tcorrected\n0.5\tn/a\tn/a\tN\t0\n1.312\tn/a\t812\tN\t0\n' >"$TMP/one.tsv.in"
expect_exit 0 "$PSYPHYS" hrv "$TMP/one.tsv.in" --correction none -o "$TMP/one.tsv"
expect_value mean_nn_ms "$TMP/one.tsv" 812
expect_value sdnn_ms "$TMP/one.tsv" n/a
printf 'onset\tsample\trr_ms\tlabel\tcorrected\n1.0\tn/a\tn/a\tN\t0\n2.0\tn/a\t-5\tN\t0\n3.0\tn/a\t20000\tN\t0\n' >"$TMP/bad.tsv"
expect_exit 1 "$PSYPHYS" hrv "$TMP/bad.tsv" --correction none
expect_grep 'nothing to analyse' "$TMP/err"
printf 'onset\tsample\trr_ms\tlabel\tcorrected\n1.0\tn/a\tabc\tN\t0\n' >"$TMP/bad2.tsv"
expect_exit 1 "$PSYPHYS" hrv "$TMP/bad2.tsv"
expect_grep "rr_ms 'abc'" "$TMP/err"
expect_exit 1 "$PSYPHYS" hrv "$DEMO" --window 1000
expect_grep 'shorter than one window' "$TMP/err"
expect_exit 2 "$PSYPHYS" hrv "$DEMO" --preset kubiox
expect_exit 2 "$PSYPHYS" hrv "$DEMO" --step 30
expect_exit 2 "$PSYPHYS" hrv "$DEMO" --window -5
expect_exit 2 "$PSYPHYS" hrv "$DEMO" --window 60 --step 0.000001
expect_exit 2 "$PSYPHYS" hrv "$DEMO" --correction maybe
expect_exit 2 "$PSYPHYS" hrv "$DEMO" --welch-overlap 1.5
expect_grep 'welch_overlap 1.5' "$TMP/err"
expect_exit 2 "$PSYPHYS" hrv "$DEMO" --window 60 --spectrum "$TMP/s.tsv"

# Settings on the command line reach the sidecar; the spectra are written for plots.
expect_exit 0 "$PSYPHYS" hrv "$DEMO" --welch-segment 100 --entropy-r 0.15 --sdann-window 60 \
    -o "$TMP/set.tsv" --spectrum "$TMP/spec.tsv"
expect_grep '"segment_s": 100' "$TMP/set.json"
expect_grep '"entropy_r_sd": 0.15' "$TMP/set.json"
expect_grep '"sdann_window_s": 60' "$TMP/set.json"
expect_grep '^welch	0.01	' "$TMP/spec.tsv"
expect_grep '^lomb	' "$TMP/spec.tsv"

# PCST preset: its cleaning (a 4.5 s gap and a +29 % spike dropped, reported in the sidecar),
# pNN50 counting >= 50 ms, and its window rule: starts while start <= span - window + step, and a
# window holding < 85 % of its length in intervals is n/a.
awk 'BEGIN { for (i = 0; i < 100; i++) print (i == 40 ? 1100 : i == 70 ? 4500 : i % 2 ? 850 : 800) }' >"$TMP/pc.txt"
expect_exit 0 "$PSYPHYS" hrv "$TMP/pc.txt" --preset pcst --window 20 --step 10 -o "$TMP/pc.tsv"
expect_grep '"correction": "pcst"' "$TMP/pc.json"
expect_grep '"gaps": 1' "$TMP/pc.json"
expect_grep '"changes": 1' "$TMP/pc.json"
expect_grep 'PCST: windows from the first beat' "$TMP/pc.json"
expect_grep 'less than 85 % of its length' "$TMP/pc.json"
# 85.3 s of beats: starts 0 .. 70 (70 <= 85.3 - 20 + 10); the gap ends at 62.55 s, so the window
# at 50 s holds 15.5 s of intervals (< 17 s, n/a), the one at 60 s 17.45 s, the one at 70 s 15.3 s
[ "$(wc -l <"$TMP/pc.tsv")" -eq 9 ] || fail "pcst windows: $(wc -l <"$TMP/pc.tsv") lines, want 9"
expect_value pnn50_pct "$TMP/pc.tsv" 100 # |dNN| = 50 ms counts for PCST
for row_want in 5:825 6:n/a 7:826.1904762 8:n/a; do
    got=$(col mean_nn_ms "$TMP/pc.tsv" "${row_want%%:*}")
    [ "$got" = "${row_want#*:}" ] || fail "pcst window row ${row_want%%:*}: mean NN $got, want ${row_want#*:}"
done
expect_exit 0 "$PSYPHYS" hrv "$TMP/pc.txt" --preset pcst --correction none -o "$TMP/pcn.tsv"
expect_value pnn50_pct "$TMP/pcn.tsv" 100
expect_grep '"correction": "none"' "$TMP/pcn.json"
expect_exit 0 "$PSYPHYS" hrv "$DEMO" --correction pcst -o "$TMP/pcd.tsv"
expect_grep '"pcst_removed"' "$TMP/pcd.json"
# A WFDB annotation record without signals: its beat annotations are the beats (the same raw
# series as the beats table they were written with), or every annotation with --annotations all.
expect_exit 0 "$PSYPHYS" beats "$DEMO" -o "$TMP/wb.tsv" --format wfdb
expect_exit 0 "$PSYPHYS" hrv "$TMP/wb.qrs" --fs 100 --correction none -o "$TMP/wbq.tsv"
# (an annotation holds the R-peak's sample, the table its time between samples: the same series
# from the table's samples)
awk -F'\t' 'BEGIN { OFS = "\t" } NR == 1 { print; next }
    { printf "%.6f\t%d\t%s\t%s\t%s\n", $2 / 100, $2, (NR > 2 ? sprintf("%.3f", 10 * ($2 - s)) : "n/a"), $4, $5; s = $2 }' \
    "$TMP/wb.tsv" >"$TMP/wbs.tsv"
expect_exit 0 "$PSYPHYS" hrv "$TMP/wbs.tsv" --correction none -o "$TMP/wbt.tsv"
for k in n_nn mean_nn_ms sdnn_ms rmssd_ms; do
    [ "$(col $k "$TMP/wbq.tsv")" = "$(col $k "$TMP/wbt.tsv")" ] || fail "$k differs: annotations vs beats table"
done
expect_grep '"beats_from": "the WFDB beat annotations"' "$TMP/wbq.json"
expect_exit 0 "$PSYPHYS" hrv "$TMP/wb.qrs" --fs 100 --annotations all --preset pcst -o "$TMP/wba.tsv"
expect_grep '"beats_from": "every WFDB annotation' "$TMP/wba.json"
# a noise mark '~' at 1 s and one N beat at 2 s (100 Hz): one beat is no interval; with every
# annotation the mark and the beat make one interval of 1000 ms
printf '\144\070\144\004\000\000' >"$TMP/two.atr"
expect_exit 1 "$PSYPHYS" hrv "$TMP/two.atr" --fs 100
expect_grep 'fewer than 2 WFDB beat annotations' "$TMP/err"
expect_exit 0 "$PSYPHYS" hrv "$TMP/two.atr" --fs 100 --annotations all --correction none -o "$TMP/two.tsv"
expect_value mean_nn_ms "$TMP/two.tsv" 1000
expect_exit 1 "$PSYPHYS" hrv "$DEMO" --annotations all
expect_grep 'annotation records' "$TMP/err"
expect_exit 2 "$PSYPHYS" hrv "$TMP/pc.txt" --annotations some

# PCST's own output on nsr2db 004 (shared data, when present): the record's annotations at fs =
# 125 as its demo read them; the first 231 windows against its table: NN mean, SDNN, RMSSD, pNN50
# within 1 %, Lomb band powers within 5 %, each on >= 95 % of the windows (test_hrv_data checks
# all three records on the demo's 2 h excerpt).
NSR=$SHARED/data/pcst_hrv_reference/nsr2db/nsr004.hea
PCST_CSV=$SHARED/data/pcst_hrv_reference/reference/NSR_HRV_allwindows_allpatients.csv
if [ -f "$NSR" ] && [ -f "$PCST_CSV" ]; then
    # the header's 128 Hz is declared: --fs alone does not replace it (a note says so) ...
    expect_exit 0 "$PSYPHYS" hrv "$NSR" --fs 125 --annotations all --preset pcst -o "$TMP/nsr128.tsv"
    expect_grep 'declares 128 Hz, which it keeps' "$TMP/err"
    expect_grep 'declares 128 Hz: the given rate 125 Hz' "$TMP/nsr128.json"
    # ... --override-fs does, with a warning on stderr and in the sidecar
    expect_exit 0 "$PSYPHYS" hrv "$NSR" --fs 125 --override-fs --annotations all --preset pcst --window 300 \
        --step 30 -o "$TMP/nsr.tsv"
    expect_grep 'warning: the file declares 128 Hz; --override-fs' "$TMP/err"
    expect_grep 'overridden by the given 125 Hz' "$TMP/nsr.json"
    expect_grep '"beats_from": "every WFDB annotation' "$TMP/nsr.json"
    grep '^nsr004,' "$PCST_CSV" >"$TMP/nsr_ref.csv"
    awk -F '\t' 'NR == FNR { if (FNR > 1) { for (i = 1; i <= NF; i++) v[FNR - 1, h[i]] = $i; n = FNR - 1 }
                             else for (i = 1; i <= NF; i++) h[i] = $i; next }
        { split($0, r, ","); k++
          check(k, "mean_nn_ms", r[4], 1, 0.01); check(k, "sdnn_ms", r[11], 1, 0.01)
          check(k, "rmssd_ms", r[12], 1, 0.01); check(k, "pnn50_pct", r[13], 0.01, 0.01)
          check(k, "ulf_ms2", r[17], 1, 0.05); check(k, "vlf_ms2", r[18], 1, 0.05)
          check(k, "lf_ms2", r[19], 1, 0.05); check(k, "hf_ms2", r[20], 1, 0.05)
          check(k, "total_power_ms2", r[22], 1, 0.05) }
        function check(row, name, want, scale, tol,   got, e) {
            got = v[row, name] * scale; e = got - want; if (e < 0) e = -e
            total[name]++; if (e <= tol * (want < 0 ? -want : want)) ok[name]++ }
        END { for (m in total) { print m, ok[m] + 0, total[m]; if (total[m] != 231 || ok[m] < 0.95 * total[m]) bad = 1 }
              exit bad }' "$TMP/nsr.tsv" "$TMP/nsr_ref.csv" >"$TMP/nsr_share.txt" ||
        fail "PCST nsr004: $(cat "$TMP/nsr_share.txt")"
fi

# NeuroKit2's value on its own RR list (shared data, when present).
NK=$SHARED/reference/neurokit/rhrv_healthy_000_5min_rr_ms.txt
if [ -f "$NK" ]; then
    expect_exit 0 "$PSYPHYS" hrv "$NK" --correction none --preset neurokit -o "$TMP/nk.tsv"
    expect_value rmssd_ms "$TMP/nk.tsv" 52.62234768 # HRV_RMSSD 52.62234768052292
    expect_value sampen "$TMP/nk.tsv" 1.332080545   # HRV_SampEn 1.3320805445257433
fi
# Every warning of the sidecar is on stderr too, with -o or without (ux21a F3: hrv printed none of
# the reader's; without -o they were lost): an RR unit guessed ...
expect_exit 0 "$PSYPHYS" hrv "$TMP/alt.txt" --correction none
expect_grep "alt.txt: warning: no unit stated: intervals read as ms" "$TMP/err"
# ... and an ECG's 30 s without signal (empty CSV cells at 40-70 s), in the words of psyphys beats,
# in the sidecar with the stretch under gaps; analyze says it on stderr and in its HRV sidecars.
awk 'BEGIN { srand(3); print "ECG";
    for (i = 0; i < 30000; i++) { t = i / 250; d = (t - 0.4) - 0.8 * int((t - 0.4) / 0.8 + 0.5);
        v = exp(-0.5 * (d / 0.01) ^ 2) + 0.3 * exp(-0.5 * ((d - 0.28) / 0.045) ^ 2);
        if (t >= 40 && t < 70) print ""; else printf "%.4f\n", v + 0.02 * (rand() - 0.5) } }' >"$TMP/gap.csv"
GAP_SAID='30\.0 s of 120\.0 s without usable signal \(0\.0 s flat, 30\.0 s missing\): no beats there'
expect_exit 0 "$PSYPHYS" beats "$TMP/gap.csv" --fs 250
expect_grep "gap.csv: warning: $GAP_SAID" "$TMP/err"
expect_exit 0 "$PSYPHYS" hrv "$TMP/gap.csv" --fs 250
expect_grep "gap.csv: warning: $GAP_SAID" "$TMP/err"
expect_exit 0 "$PSYPHYS" hrv "$TMP/gap.csv" --fs 250 -o "$TMP/gap_hrv.tsv"
expect_grep "gap.csv: warning: $GAP_SAID" "$TMP/err"
tr -d ' \n' <"$TMP/gap_hrv.json" >"$TMP/gap_flat.json"
expect_grep '"gaps":\[\{"onset":40\.0,"duration":30\.0,"kind":"missing"\}\]' "$TMP/gap_flat.json"
expect_grep "\"$(echo "$GAP_SAID" | tr -d ' ')\"" "$TMP/gap_flat.json"
expect_exit 0 "$PSYPHYS" analyze "$TMP/gap.csv" --fs 250 -o "$TMP/gap_a"
expect_grep "gap.csv: warning: ECG channel 'ECG': $GAP_SAID" "$TMP/err"
expect_grep "\"ECG channel 'ECG': $GAP_SAID\"" "$TMP/gap_a/gap_segments.json"
finish
