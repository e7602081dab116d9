# psyphys eda on the bundled recording (both methods, the sidecar, epochs, --json) and on bad
# input written here (wrong unit, flat, too short); usage errors.
. "$(dirname "$0")/lib_cli.sh"
DEMO=$SRC/recordings/neurokit_eventrelated.edf

expect_exit 0 "$PSYPHYS" eda "$DEMO" --json
expect_grep '"scl_us": 1[34]\.[0-9]+' "$TMP/out"
expect_grep '"scr_count": [1-9][0-9]*' "$TMP/out"
expect_grep '"ns_scr_per_min": ' "$TMP/out"
expect_grep '"scr_amplitude_mean_us": 1\.[0-9]+' "$TMP/out"
expect_grep '"scr_amplitude_sum_us": ' "$TMP/out"

expect_exit 0 "$PSYPHYS" eda "$DEMO" -o "$TMP/scr.tsv" --epochs "$TMP/ep.tsv"
expect_grep '^onset	peak_onset	amplitude_us	rise_time_s	half_recovery_s$' "$TMP/scr.tsv"
# the big response to the first picture (NeuroKit: onset 13.21 s, peak 14.95 s)
expect_grep '^13\.[2-7][0-9]*	1[45]\.[0-9]+	3\.[0-9]+	' "$TMP/scr.tsv"
expect_grep '"sha256": "[0-9a-f]{64}"' "$TMP/scr.json"
expect_grep '"min_amplitude_us": 0\.01' "$TMP/scr.json"
expect_grep '"latency_window_s"' "$TMP/scr.json"
expect_grep '"highpass_hz": 0\.05' "$TMP/scr.json"
[ "$(wc -l <"$TMP/ep.tsv")" -eq 5 ] || fail "epochs: want 4 rows + header"
# analyze's column order and names (label, onset first; scr_ for the response), its own sidecar
expect_grep '^label	onset	scr_found	scr_amplitude_us	scr_latency_s	scr_rise_time_s	scr_peak_onset	scl_baseline_us$' "$TMP/ep.tsv"
expect_grep '^Negative	10\.2400	1	3\.[0-9]+	3\.[0-9]+	' "$TMP/ep.tsv"
expect_grep '^Neutral	49\.5800	0	0\.00000	n/a	' "$TMP/ep.tsv"
expect_grep '"table": "epochs"' "$TMP/ep.json"
expect_grep '"scl_baseline_us": \{' "$TMP/ep.json"
expect_grep '"sha256": "[0-9a-f]{64}"' "$TMP/ep.json"
expect_grep '"table": "scr"' "$TMP/scr.json"

expect_exit 0 "$PSYPHYS" eda "$DEMO" --segments "$TMP/seg.tsv" --json
expect_grep '"ns_scr_count": ' "$TMP/out"
expect_grep '"latency_window_s"' "$TMP/seg.json"
expect_grep '^label	onset	duration	scl_us	scr_count	ns_scr_count	.*	phasic_driver_area_us_s$' "$TMP/seg.tsv"
expect_grep '	n/a$' "$TMP/seg.tsv"
expect_exit 0 "$PSYPHYS" eda "$DEMO" --method deconv --segments "$TMP/segd.tsv" --json
expect_grep '^Negative	129\.8400	3\.0000	.*	[0-9.]+$' "$TMP/segd.tsv"
[ "$(wc -l <"$TMP/seg.tsv")" -eq 5 ] || fail "segments: want 4 rows + header"
expect_grep '^Negative	129\.8400	3\.0000	14\.[0-9]+	1	0	' "$TMP/seg.tsv"

# byte-identical on a second run; existing outputs kept without --overwrite
cp "$TMP/scr.tsv" "$TMP/first.tsv"
expect_exit 1 "$PSYPHYS" eda "$DEMO" -o "$TMP/scr.tsv"
expect_exit 0 "$PSYPHYS" eda "$DEMO" -o "$TMP/scr.tsv" --overwrite
cmp -s "$TMP/scr.tsv" "$TMP/first.tsv" || fail "second run differs"

expect_exit 0 "$PSYPHYS" eda "$DEMO" --method deconv -o "$TMP/dec.tsv" --min-amplitude 0.05
expect_grep '"method": "deconv"' "$TMP/dec.json"
expect_grep '"tau1_s": 1' "$TMP/dec.json"
expect_grep '"phasic_driver_area_us_s": [0-9]' "$TMP/dec.json"
awk -F'\t' 'NR > 1 && $3 < 0.05 { bad = 1 } END { exit bad }' "$TMP/dec.tsv" ||
    fail "an SCR below --min-amplitude 0.05"

# a resistance-like range (250 kOhm read as uS), a flat channel, a short one
awk 'BEGIN { print "time,EDA"; for (i = 0; i < 3200; i++) printf "%.5f,%.4f\n", i / 32, 250 + (i % 5) / 100 }' >"$TMP/kohm.csv"
expect_exit 0 "$PSYPHYS" eda "$TMP/kohm.csv" --json
expect_grep 'cannot be skin conductance' "$TMP/err"
expect_grep '"scl_us": null' "$TMP/out"
expect_grep 'n/a_reason' "$TMP/out"
# declared as kOhm it reads as 1000 / 250 = 4 uS
expect_exit 0 "$PSYPHYS" eda "$TMP/kohm.csv" --unit EDA=kOhm --json -o "$TMP/kohm.tsv"
expect_grep '"scl_us": 3\.99' "$TMP/out"
expect_grep '"kind": "reciprocal' "$TMP/kohm.json"
if grep -q 'cannot be skin conductance' "$TMP/err"; then fail "kOhm declared, still warned"; fi
expect_exit 0 "$PSYPHYS" eda "$DEMO" --method deconv --smooth 0.3 --tonic-grid 20 --tonic-quantile 0.1 -o "$TMP/d2.tsv"
expect_grep '"tonic_grid_s": 20' "$TMP/d2.json"
expect_grep '"tonic_quantile": 0\.1' "$TMP/d2.json"
awk 'BEGIN { print "time,EDA"; for (i = 0; i < 3200; i++) printf "%.5f,2.0\n", i / 32 }' >"$TMP/flat.csv"
expect_exit 0 "$PSYPHYS" eda "$TMP/flat.csv" --json
expect_grep 'flat' "$TMP/err"
expect_grep '"scr_count": 0' "$TMP/out"
awk 'BEGIN { print "time,EDA"; for (i = 0; i < 64; i++) printf "%.5f,%.3f\n", i / 32, 3 + i / 1000 }' >"$TMP/short.csv"
expect_exit 0 "$PSYPHYS" eda "$TMP/short.csv" --json
expect_grep 'at least 10 s' "$TMP/err"
# nothing analysed: no count, not a zero one (ux21a F12)
expect_grep '"scr_count": null' "$TMP/out"
expect_grep '"ns_scr_count": null' "$TMP/out"
awk 'BEGIN { print "time,EDA"; for (i = 0; i < 3200; i++) printf "%.5f,%.3f\n", i / 32, -1 }' >"$TMP/neg.csv"
expect_exit 0 "$PSYPHYS" eda "$TMP/neg.csv" --json
expect_grep 'at or below 0\.05 uS' "$TMP/err"
# contact lost for 20 s in 5 min at 32 Hz: those 20 s and 5 s either side are excluded (--json, the
# sidecar, the segments table), said in a warning; --artifact-radius 0 leaves the 20 s
awk 'BEGIN { print "time,EDA"; for (i = 0; i < 9600; i++) { t = i / 32;
    printf "%.5f,%.4f\n", t, (t >= 100 && t < 120) ? 0.01 : 2 + 0.1 * sin(t / 50) } }' >"$TMP/loss.csv"
expect_exit 0 "$PSYPHYS" eda "$TMP/loss.csv" --json
expect_grep '"excluded_s": 30\.' "$TMP/out"
expect_grep '"transition_s": 10\.' "$TMP/out"
expect_grep 'within 5 s of an artefact' "$TMP/err"
expect_exit 0 "$PSYPHYS" eda "$TMP/loss.csv" --json --artifact-radius 0
expect_grep '"excluded_s": 20\.' "$TMP/out"
printf 'onset,duration,label\n60,120,loss\n200,90,after\n' >"$TMP/loss_events.csv"
expect_exit 0 "$PSYPHYS" eda "$TMP/loss.csv" --events "$TMP/loss_events.csv" --segments "$TMP/loss_seg.tsv"
# (95-125 s excluded: the loss and 5 s either side)
awk -F '\t' 'NR == 2 && $8 >= 29 && $8 <= 30 { ok = 1 } END { exit !ok }' "$TMP/loss_seg.tsv" ||
    fail "segment with the loss: 29-30 s excluded"
[ "$(awk -F '\t' 'NR == 3 { print $8 }' "$TMP/loss_seg.tsv")" = "0" ] || fail "segment after it: none excluded"
expect_grep '"artifact_radius_s": 5' "$TMP/loss_seg.json"
# a response needs its latency window observed: in the loss or past the end it is n/a with the
# reason (warned), not a zero response; a phase wholly lost has no SCR count
printf 'onset,duration,label\n10,0,quiet\n96,0,lost\n298,0,late\n100,10,gone\n' >"$TMP/unseen.csv"
expect_exit 0 "$PSYPHYS" eda "$TMP/loss.csv" --events "$TMP/unseen.csv" --epochs "$TMP/unseen_ep.tsv" \
    --segments "$TMP/unseen_seg.tsv" -o /dev/null
expect_grep '^quiet	10\.0000	0	0\.00000	n/a	' "$TMP/unseen_ep.tsv"
expect_grep '^lost	96\.0000	n/a	n/a	n/a	' "$TMP/unseen_ep.tsv"
expect_grep '^late	298\.0000	n/a	n/a	n/a	' "$TMP/unseen_ep.tsv"
expect_grep "epoch 'lost' at 96\.000 s: SCR n/a \(SCR latency window not observed: artefact or missing" "$TMP/err"
expect_grep "epoch 'late' at 298\.000 s: SCR n/a \(SCR latency window not observed: it or the SCR rise after it ends after" "$TMP/err"
expect_grep "epoch 'late' at 298\.000 s: SCR n/a" "$TMP/unseen_ep.json"
# events analyze skips (onsets typed in ms: outside the recording) are skipped by eda too, with
# analyze's warning and skipped_events: no epoch, no phase (ux21a F5)
printf 'onset\tduration\ttrial_type\n10240\t3000\tNegative\n49580\t3000\tNeutral\n' >"$TMP/ev_ms.tsv"
expect_exit 0 "$PSYPHYS" eda "$DEMO" --events "$TMP/ev_ms.tsv" --epochs "$TMP/ms_ep.tsv" --segments "$TMP/ms_seg.tsv" \
    -o /dev/null
expect_grep "event 'Negative' at 10240\.000 s skipped: it lies outside the recording \(0 \.\. 150\.000 s\): no epoch" "$TMP/err"
expect_grep "event 'Neutral' at 49580\.000 s skipped" "$TMP/err"
if grep -q '^Negative	10240' "$TMP/ms_ep.tsv" "$TMP/ms_seg.tsv"; then fail "an event outside the recording has a row"; fi
[ "$(wc -l <"$TMP/ms_ep.tsv")" -eq 5 ] || fail "epochs: the recording's 4 events only"
tr -d ' \n' <"$TMP/ms_ep.json" | grep -q '"skipped_events":\[{"label":"Negative","onset_s":10240' ||
    fail "epochs sidecar: skipped_events"
expect_exit 0 "$PSYPHYS" analyze "$DEMO" --events "$TMP/ev_ms.tsv" -o "$TMP/ms"
expect_grep "event 'Negative' at 10240\.000 s skipped: it lies outside the recording \(0 \.\. 150\.000 s\): no epoch" "$TMP/err"
# analyze: the same n/a with its reason in na_reasons; the label's magnitude over the observed epochs
printf 'onset,duration,trial_type\n149.5,0,Negative\n' >"$TMP/late.csv"
expect_exit 0 "$PSYPHYS" analyze "$DEMO" --events "$TMP/late.csv" -o "$TMP/late"
expect_grep "epoch 'Negative' at 149\.500 s: SCR n/a \(SCR latency window not observed: it or the SCR rise after it ends after" "$TMP/err"
expect_grep '^  Negative +149\.50 .* n/a$' "$TMP/out"
L=$TMP/late/neurokit_eventrelated
tr -d ' \n' <"${L}_epochs.json" | grep -q '"scr_amplitude_us":{"SCRlatencywindownotobserved:itortheSCRriseafteritendsaftertherecording":1}' ||
    fail "epochs sidecar: the late event's reason"
awk -F'\t' '$1 == "Negative" && $2 < 140 { s += $9; n++ } $1 == "Negative" && $2 == 149.5 && $9 != "n/a" { bad = 1 }
    END { printf "%.4f\n", bad ? -1 : s / n }' "${L}_epochs.tsv" >"$TMP/want"
awk -F'\t' '$1 == "Negative" { print $2 " " $6 }' "${L}_epoch-means.tsv" >"$TMP/got"
[ "$(cat "$TMP/got")" = "3 $(cat "$TMP/want")" ] || fail "epoch-means: Negative $(cat "$TMP/got"), want 3 epochs, magnitude $(cat "$TMP/want")"
expect_grep '^gone	100\.0000	10\.0000	n/a	n/a	n/a	n/a	10	n/a	n/a	' "$TMP/unseen_seg.tsv"
expect_exit 2 "$PSYPHYS" eda "$TMP/loss.csv" --drop 2
# one definition of valid time (ux21a F12): a loss off the whole seconds gives the same excluded
# seconds in --json, its artifacts, and the segment spanning the recording; valid + excluded is
# the duration; the NS-SCR rate is per those valid minutes
awk 'BEGIN { print "time,EDA"; for (i = 0; i < 9600; i++) { t = i / 32;
    printf "%.5f,%.4f\n", t, (t >= 100.5 && t < 120.3) ? 0.01 : 2 + 0.1 * sin(t / 50) } }' >"$TMP/loss2.csv"
printf 'onset,duration,label\n0,300,all\n' >"$TMP/all.csv"
expect_exit 0 "$PSYPHYS" eda "$TMP/loss2.csv" --events "$TMP/all.csv" --segments "$TMP/all_seg.tsv" --json
tr -d ' \n' <"$TMP/out" >"$TMP/flat.json"
ex=$(sed 's/.*"valid_s":\([0-9.]*\),"excluded_s":\([0-9.]*\).*/\1 \2/' "$TMP/flat.json")
awk -v v="${ex% *}" -v x="${ex#* }" 'BEGIN { exit !(x > 29.5 && x < 30.1 && (v + x) - 300 < 1e-6 && (v + x) - 300 > -1e-6) }' ||
    fail "--json valid_s + excluded_s: $ex, want 300 with 29.8 excluded"
grep -q "\"artifacts\":{.*\"excluded_s\":${ex#* }," "$TMP/flat.json" || fail "--json artifacts: another excluded_s than $ex"
[ "$(awk -F '\t' 'NR == 2 { print $8 }' "$TMP/all_seg.tsv")" = "$(awk -v x="${ex#* }" 'BEGIN { printf "%.0f", x }')" ] ||
    fail "segment over the recording: excluded_s $(awk -F '\t' 'NR == 2 { print $8 }' "$TMP/all_seg.tsv"), --json ${ex#* }"
awk 'BEGIN { print "time,EDA"; for (i = 0; i < 2000; i++) printf "%.2f,%.4f\n", i / 100, 3 + 0.1 * sin(i / 300) }' >"$TMP/s20.csv"
expect_exit 0 "$PSYPHYS" eda "$TMP/s20.csv" --json
expect_grep '"valid_s": 20\.0,' "$TMP/out" # never more than the 20 s recorded (667 samples of 0.03 s)
expect_exit 0 "$PSYPHYS" eda "$DEMO" --json
tr -d ' \n' <"$TMP/out" | awk '{ match($0, /"ns_scr_per_min":[0-9.]+/); r = substr($0, RSTART + 17, RLENGTH - 17);
    match($0, /"ns_scr_count":[0-9]+/); c = substr($0, RSTART + 15, RLENGTH - 15);
    match($0, /"valid_s":[0-9.]+/); v = substr($0, RSTART + 10, RLENGTH - 10);
    d = c / r * 60 - v; exit !(d < 1e-6 && d > -1e-6) }' || fail "--json: ns_scr_count / ns_scr_per_min is not valid_s"
# 10 min at 4 Hz with 6 nS of white noise, a 0.1 uS one-sample dip every 20 s, and the level
# falling from 2 to 0.8 uS at 500 s: no SCR, the dips repaired, the fall a drop. Each rule's flag
# switches it off: --noise-factor 0 lets the noise through as SCRs, --spike 0 repairs nothing,
# --drop 0 excludes nothing.
awk 'BEGIN { srand(7); print "time,EDA"; for (i = 0; i < 2400; i++) { u = rand(); v = rand();
    if (u < 1e-12) u = 1e-12; x = 2 + 0.006 * sqrt(-2 * log(u)) * cos(6.283185307 * v);
    if (i % 80 == 40) x -= 0.1; if (i >= 2000) x -= i == 2000 ? 0.6 : 1.2; printf "%.2f,%.4f\n", i / 4, x } }' \
    >"$TMP/noisy.csv"
expect_exit 0 "$PSYPHYS" eda "$TMP/noisy.csv" --json -o "$TMP/noisy.tsv"
expect_grep '"scr_count": 0,' "$TMP/out"
expect_grep '"spike_repaired_s": 7\.[5-9]' "$TMP/out"
expect_grep '"drop_s": 0\.5' "$TMP/out"
expect_grep '"excluded_s": 10\.5' "$TMP/out"
expect_grep '"noise_factor": 3\.5' "$TMP/noisy.json"
expect_exit 0 "$PSYPHYS" eda "$TMP/noisy.csv" --json --noise-factor 0 -o "$TMP/noisy0.tsv"
expect_grep '"scr_count": [1-9][0-9],' "$TMP/out"
expect_grep '"noise_factor": 0' "$TMP/noisy0.json"
expect_exit 0 "$PSYPHYS" eda "$TMP/noisy.csv" --json --spike 0
expect_grep '"spike_repaired_s": 0\.0' "$TMP/out"
expect_exit 0 "$PSYPHYS" eda "$TMP/noisy.csv" --json --drop 0
expect_grep '"drop_s": 0\.0' "$TMP/out"
expect_grep '"excluded_s": 0\.0' "$TMP/out"

# usage and input errors
expect_exit 2 "$PSYPHYS" eda
expect_exit 2 "$PSYPHYS" eda "$DEMO" --method magic
expect_exit 2 "$PSYPHYS" eda "$DEMO" --latency 4,1
expect_exit 2 "$PSYPHYS" eda "$DEMO" --tau 3,1
expect_grep 'tau2_s' "$TMP/err"
expect_exit 2 "$PSYPHYS" eda "$DEMO" --min-amplitude abc
expect_exit 1 "$PSYPHYS" eda "$DEMO" --channel Nope
expect_grep "no channel labelled 'Nope'" "$TMP/err"
expect_exit 1 "$PSYPHYS" eda "$TMP/missing.edf"
finish
