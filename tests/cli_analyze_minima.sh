# psyphys analyze: one source for each figure (summary line = segments table), the minimum data
# of each metric (n/a with its reason), the corrected share of every row and its limit.
. "$(dirname "$0")/lib_cli.sh"
DEMO=$SRC/recordings/neurokit_eventrelated.edf
S=neurokit_eventrelated

# --- NS-SCR/min: the summary line said 9.6 (every SCR over the valid minutes) while the segments
# table said 8.8 (the SCRs outside the events' latency windows): one figure now, from one call.
expect_exit 0 "$PSYPHYS" analyze "$DEMO" -o "$TMP/demo"
cp "$TMP/out" "$TMP/demo.out"
table=$(col ns_scr_per_min "$TMP/demo/${S}_segments.tsv" 1)
summary=$(sed -n 's/.* \([0-9.]*\) NS-SCR\/min$/\1/p' "$TMP/demo.out")
[ "$summary" = "$(printf '%.1f' "$table")" ] || fail "summary NS-SCR/min '$summary', table '$table'"
# 5.2 since issue 16 (8.8 before: 22 NS-SCRs, 8 of them no rise of the level at all)
[ "$summary" = "5.2" ] || fail "demo NS-SCR/min '$summary', want 5.2"
scrs=$(col scr_count "$TMP/demo/${S}_segments.tsv" 1)
expect_grep "skin +.EDA.: $scrs SCRs, SCL $(printf '%.2f' "$(col scl_us "$TMP/demo/${S}_segments.tsv" 1)") uS" "$TMP/demo.out"
# psyphys eda --json: the same rate as its --segments table and as analyze (events from the file)
expect_exit 0 "$PSYPHYS" eda "$DEMO" --json
expect_grep '"ns_scr_per_min": 5\.2' "$TMP/out"
# a 3-s phase is too short for a rate per minute: n/a with the reason
tr -d ' \n' <"$TMP/demo/${S}_segments.json" >"$TMP/flat"
grep -q '"ns_scr_per_min":{"lessthan60sofvalidskinconductanceforaratepermin' "$TMP/flat" ||
    fail "ns_scr_per_min of the 3-s phases: no minimum reason"
[ "$(col ns_scr_per_min "$TMP/demo/${S}_segments.tsv" 2)" = "n/a" ] || fail "3-s phase has an NS-SCR rate"

# --- the corrected share: every row carries nn_corrected_pct
expect_grep '	nn_corrected_pct$' "$TMP/demo/${S}_segments.tsv"
expect_grep '	quality	nn_corrected_pct	resp_rate_per_min	resp_depth$' "$TMP/demo/${S}_epochs.tsv"
[ "$(col nn_corrected_pct "$TMP/demo/${S}_segments.tsv" 1)" = "1.32" ] || fail "demo: 2 of 151 NN intervals corrected"
expect_grep "corrected; 1\.3 % of NN intervals\), mean HR 60\.9 bpm, RMSSD 72\.4 ms" "$TMP/demo.out"
# the demo's 150 s / 151 intervals are below SampEn's 200 intervals: n/a with the reason
[ "$(col sampen "$TMP/demo/${S}_segments.tsv" 1)" = "n/a" ] || fail "demo SampEn from 151 intervals"
grep -q '"sampen":{"fewerNNintervalsthanmin_nonlinear_nn":5}' "$TMP/flat" || fail "sampen reason"
# a 3-s phase (2-3 intervals) gets no RMSSD, pNN50 or SD1 (it did)
for k in rmssd_ms pnn50_pct sd1_ms sdnn_ms; do
    [ "$(col $k "$TMP/demo/${S}_segments.tsv" 2)" = "n/a" ] || fail "3-s phase has $k"
done
grep -q '"pnn50_pct":{"shorterthanthemetric'"'"'sminimumspanofNNintervals(min_span_s)":4}' "$TMP/flat" ||
    fail "pnn50_pct minimum-span reason"

# psyphys hrv --json: each row says why its nulls are null (7 intervals, 5.7 s: no SDNN)
printf '800\n850\n800\n850\n800\n820\n800\n' >"$TMP/short.txt"
expect_exit 0 "$PSYPHYS" hrv "$TMP/short.txt" --correction none --json
expect_grep '"sdnn_ms":null' "$TMP/out"
expect_grep '"na_reasons":\{[^}]*"sdnn_ms":"shorter than the metric.s minimum span of NN intervals \(min_span_s\)"' "$TMP/out"
expect_grep '"mean_nn_ms":817\.14' "$TMP/out"

# --- psyphys hrv: nn_corrected_pct on every row and the same limit as analyze (it had neither).
# 400 intervals, every 10th beat premature (60 %, full compensatory pause): 20 % corrected.
awk 'BEGIN { for (i = 0; i < 400; i++) { r = 800 + 40 * sin(i / 3.0)
    if (i % 10 == 5) { print r * 0.6; extra = r * 0.4 } else { print r + extra; extra = 0 } } }' >"$TMP/ect.txt"
expect_exit 0 "$PSYPHYS" hrv "$TMP/ect.txt" -o "$TMP/ect.tsv"
[ "$(col nn_corrected_pct "$TMP/ect.tsv" 1)" = "20" ] || fail "hrv: nn_corrected_pct $(col nn_corrected_pct "$TMP/ect.tsv" 1)"
[ "$(col rmssd_ms "$TMP/ect.tsv" 1)" = "n/a" ] || fail "hrv: RMSSD of a 20 % corrected series"
[ "$(col mean_nn_ms "$TMP/ect.tsv" 1)" != "n/a" ] || fail "hrv: the mean NN (a level) is kept"
expect_grep '1 of 1 row\(s\) have more than 5 % of their NN intervals corrected .*n/a' "$TMP/err"
tr -d ' \n' <"$TMP/ect.json" >"$TMP/ectflat"
grep -q '"rmssd_ms":{"moreoftheNNintervalscorrectedthanmax_corrected_pct":1}' "$TMP/ectflat" || fail "hrv: limit reason"
grep -q '"max_corrected_pct":5' "$TMP/ectflat" || fail "hrv: the limit not in the sidecar"
grep -q '"warnings":\[[^]]*morethan5%oftheirNNintervalscorrected' "$TMP/ectflat" || fail "hrv: sidecar warning"
expect_exit 0 "$PSYPHYS" hrv "$TMP/ect.txt" --window 60 --json
expect_grep '"n_nn":74,"nn_corrected_pct":18\.9189189189,.*"rmssd_ms":null' "$TMP/out"
expect_grep '"rmssd_ms":"more of the NN intervals corrected than max_corrected_pct"' "$TMP/out"
expect_exit 0 "$PSYPHYS" hrv "$TMP/ect.txt" --keep-corrected -o "$TMP/ectk.tsv"
[ "$(col rmssd_ms "$TMP/ectk.tsv" 1)" != "n/a" ] || fail "hrv --keep-corrected: RMSSD n/a"
expect_grep 'their HRV is kept \(--keep-corrected\)' "$TMP/err"
expect_exit 0 "$PSYPHYS" hrv "$TMP/ect.txt" --max-corrected-pct 30 -o "$TMP/ect30.tsv"
[ "$(col rmssd_ms "$TMP/ect30.tsv" 1)" != "n/a" ] || fail "hrv: 20 % is under a 30 % limit"
expect_exit 2 "$PSYPHYS" hrv "$TMP/ect.txt" --max-corrected-pct 101
# the raw intervals (--correction none): nothing corrected, the share is 0 and the sidecar says why
expect_exit 0 "$PSYPHYS" hrv "$TMP/ect.txt" --correction none -o "$TMP/ectn.tsv"
[ "$(col nn_corrected_pct "$TMP/ectn.tsv" 1)" = "0" ] || fail "hrv --correction none: share $(col nn_corrected_pct "$TMP/ectn.tsv" 1)"
expect_grep 'analysed as given \(--correction none\), none corrected' "$TMP/ectn.json"
# --preset pcst: no limit (PCST's rule is its 85 % windows), even over Lipponen's correction
expect_exit 0 "$PSYPHYS" hrv "$TMP/ect.txt" --preset pcst --correction lipponen -o "$TMP/ectp.tsv"
[ "$(col rmssd_ms "$TMP/ectp.tsv" 1)" != "n/a" ] || fail "hrv --preset pcst: a corrected-share limit"
[ "$(col nn_corrected_pct "$TMP/ectp.tsv" 1)" = "20" ] || fail "hrv --preset pcst: share not shown"
tr -d ' \n' <"$TMP/ectp.json" >"$TMP/ectpflat"
grep -q '"max_corrected_pct":null' "$TMP/ectpflat" || fail "hrv --preset pcst: the limit should be null"

# --- breathing rate (psy_breath_rate_over): whole breaths spanning >= 30 s, >= 3 of them. The
# summary line is the segments table's first row; 20-s windows are n/a with the reason.
summary_rate=$(sed -n "s/.*breath  'RSP': [0-9]* breaths, \([0-9.]*\) \/min\$/\1/p" "$TMP/demo.out")
[ "$summary_rate" = "$(printf '%.1f' "$(col resp_rate_per_min "$TMP/demo/${S}_segments.tsv" 1)")" ] ||
    fail "breath rate: summary '$summary_rate', table $(col resp_rate_per_min "$TMP/demo/${S}_segments.tsv" 1)"
expect_exit 0 "$PSYPHYS" analyze "$DEMO" --segments window:20 -o "$TMP/w20"
[ "$(col resp_rate_per_min "$TMP/w20/${S}_segments.tsv" 2)" = "n/a" ] || fail "a 20-s window has a breathing rate"
tr -d ' \n' <"$TMP/w20/${S}_segments.json" >"$TMP/w20flat"
grep -q '"resp_rate_per_min":{"wholebreathsspanlessthan30sforarate":7}' "$TMP/w20flat" ||
    fail "20-s windows: breathing-rate minimum reason"
# peak-to-trough RSA of a phase's whole breaths (issue 20): the whole recording's row is psyphys
# resp's mean; a 20-s window (5 or more breaths) has one too (no minimum span), a 5-s window with
# 1-2 breaths none (the mean's minimum of 3 breaths, as resp's; ux20 review #2)
expect_exit 0 "$PSYPHYS" resp "$DEMO" --json
resp_p2t=$(sed -n 's/.*"rsa_p2t_mean_ms": \([0-9.]*\).*/\1/p' "$TMP/out")
[ -n "$resp_p2t" ] && [ "$(printf '%.3f' "$resp_p2t")" = "$(col rsa_p2t_ms "$TMP/demo/${S}_segments.tsv" 1)" ] ||
    fail "segment RSA: psyphys resp '$resp_p2t', table $(col rsa_p2t_ms "$TMP/demo/${S}_segments.tsv" 1)"
[ "$(col rsa_p2t_ms "$TMP/w20/${S}_segments.tsv" 2)" != "n/a" ] || fail "a 20-s window has no RSA"
expect_exit 0 "$PSYPHYS" analyze "$DEMO" --segments window:5 -o "$TMP/w5"
tr -d ' \n' <"$TMP/w5/${S}_segments.json" >"$TMP/w5flat"
grep -q '"rsa_p2t_ms":{[^}]*"fewerthan3breathswithaP2Tvalue":[1-9]' "$TMP/w5flat" ||
    fail "5-s windows: no RSA mean n/a below 3 breaths: $(grep -o '"rsa_p2t_ms":{[^}]*}' "$TMP/w5flat")"
expect_exit 0 "$PSYPHYS" analyze "$DEMO" --segments window:40 -o "$TMP/w40"
[ "$(col resp_rate_per_min "$TMP/w40/${S}_segments.tsv" 2)" != "n/a" ] || fail "a 40-s window has no breathing rate"
# a 25-s recording: its breaths span less than 30 s, the summary says n/a and why
NK=$SHARED/data/neurokit/bio_eventrelated_100hz.csv
if [ -f "$NK" ]; then
    head -2501 "$NK" >"$TMP/short25.csv"
    expect_exit 0 "$PSYPHYS" analyze "$TMP/short25.csv" --fs 100
    expect_grep "breath  'RSP': 7 breaths, rate n/a \(whole breaths span less than 30 s for a rate\)" "$TMP/out"
fi
# --- epoch heart-rate responses: one whole interval after the onset (0.6 s at ~60 bpm has none)
expect_exit 0 "$PSYPHYS" analyze "$DEMO" --post 0.6 -o "$TMP/post"
expect_grep 'heart rate n/a \(fewer than 2 beats \(one whole interval\) in the response window\)' "$TMP/err"
[ "$(col hr_mean_change_bpm "$TMP/post/${S}_epochs.tsv" 1)" = "n/a" ] || fail "a 0.6-s response window has a rate"
tr -d ' \n' <"$TMP/post/${S}_epochs.json" >"$TMP/postflat"
grep -q '"hr_mean_change_bpm":{"fewerthan2beats(onewholeinterval)intheresponsewindow":4}' "$TMP/postflat" ||
    fail "epochs sidecar: na_reasons of the heart-rate response"
grep -q '"scr_latency_s":{"noSCRinthelatencywindow":2}' "$TMP/postflat" || fail "epochs sidecar: SCR reasons"

# MIT-BIH 208 (frequent ventricular ectopy) with a cue every minute: 30-75 % of each epoch's beats
# corrected gave responses up to +46 bpm. Above 20 % a response is n/a with the reason;
# --keep-corrected keeps it with a warning.
if [ -f "$SHARED/data/mitdb/208.hea" ]; then
    printf 'onset\tduration\ttrial_type\n60\t0\tcue\n120\t0\tcue\n180\t0\tcue\n240\t0\tcue\n' >"$TMP/cues.tsv"
    expect_exit 0 "$PSYPHYS" analyze "$SHARED/data/mitdb/208.hea" --ecg MLII --events "$TMP/cues.tsv" -o "$TMP/m208" --report
    # the report plots the responses the table has, none here (it drew all 4)
    grep -q 'mean of 4' "$TMP/m208/208_report.html" && fail "208 report: over-corrected epochs plotted"
    E=$TMP/m208/208_epochs.tsv
    [ "$(col hr_mean_change_bpm "$E" 2)" = "n/a" ] || fail "208 at 120 s: a response from 67 % corrected beats"
    # (66.67 %: of the NN intervals in the epoch, with those the correction could not make plausible
    # and left out of the NN series counted as corrected ones: 12 of 18; issue 14)
    [ "$(col nn_corrected_pct "$E" 2)" = "66.67" ] || fail "208 at 120 s: the share $(col nn_corrected_pct "$E" 2) not shown"
    expect_grep "epoch 'cue' at 120\.000 s: heart rate n/a \(more of the epoch's beats corrected than" "$TMP/err"
    expect_exit 0 "$PSYPHYS" analyze "$SHARED/data/mitdb/208.hea" --ecg MLII --events "$TMP/cues.tsv" --keep-corrected -o "$TMP/m208k"
    [ "$(col hr_mean_change_bpm "$TMP/m208k/208_epochs.tsv" 2)" != "n/a" ] || fail "208: --keep-corrected did not keep the response"
    expect_grep '4 epoch\(s\) have more than 20 % of their beats corrected .*kept \(--keep-corrected\)' "$TMP/err"
    expect_exit 0 "$PSYPHYS" report "$TMP/m208k"
    grep -q 'mean of 4' "$TMP/m208k/208_report.html" || fail "208 --keep-corrected: the 4 responses not plotted"
fi

# Polar H10 strap ECG with bigeminy: 488 of 796 NN intervals corrected (61 %); analyze reported
# RMSSD 69 ms with no warning. Now: the share in the summary and the table, HRV n/a with the
# reason, a warning; --keep-corrected keeps it with a warning; --max-corrected-pct moves the limit.
POLAR=$SHARED/data/rr_devices/polar_h10_detectPVC/polar_h10.csv
if [ -f "$POLAR" ]; then
    expect_exit 0 "$PSYPHYS" analyze "$POLAR" -o "$TMP/polar"
    expect_grep "corrected; 61\.8 % of NN intervals\), mean HR 79\.9 bpm, RMSSD n/a, SDNN n/a \(over the 5 % corrected limit\)" "$TMP/out"
    expect_grep 'more than 5 % of their NN intervals corrected .*n/a' "$TMP/err"
    P=$TMP/polar/polar_h10_segments.tsv
    [ "$(col nn_corrected_pct "$P" 1)" = "61.78" ] || fail "polar nn_corrected_pct $(col nn_corrected_pct "$P" 1)"
    [ "$(col rmssd_ms "$P" 1)" = "n/a" ] || fail "polar RMSSD $(col rmssd_ms "$P" 1) above the limit"
    [ "$(col mean_nn_ms "$P" 1)" != "n/a" ] || fail "polar: the mean NN (a level) is kept"
    tr -d ' \n' <"$TMP/polar/polar_h10_segments.json" >"$TMP/pflat"
    grep -q '"rmssd_ms":{"moreoftheNNintervalscorrectedthanmax_corrected_pct":1}' "$TMP/pflat" || fail "polar reason"
    grep -q '"max_corrected_pct":5' "$TMP/pflat" || fail "polar: the limit not in the sidecar"
    expect_exit 0 "$PSYPHYS" analyze "$POLAR" --keep-corrected -o "$TMP/polar_keep"
    # (59.8 / 60.6 ms since issue 14 marks the sinus beats on their R like the PVCs; 54.0 / 59.1 on S;
    # 48.8 / 57.7 ms since the bigeminy's moved PVCs go half-way between their beats: the NN
    # series alternated 845 / 600 ms; 48.2 / 56.5 ms since a 0.15 mV wiggle at 362.04 s, between a
    # sinus beat and its PVC, is no longer taken for a QRS: the noise-peak rules of issue 14; 47.8 /
    # 56.5 ms with R-peaks timed between samples as well)
    expect_grep 'RMSSD 47\.8 ms, SDNN 56\.5 ms \(over the 5 % corrected limit: kept, --keep-corrected\)' "$TMP/out"
    expect_grep 'their HRV is kept \(--keep-corrected\)' "$TMP/err"
    expect_exit 0 "$PSYPHYS" analyze "$POLAR" --max-corrected-pct 70
    expect_grep 'RMSSD 47\.8 ms' "$TMP/out"
    if grep -q 'corrected limit' "$TMP/out"; then fail "61 % is under a 70 % limit"; fi
    printf '{"max_corrected_pct": 70, "keep_corrected": false}\n' >"$TMP/c.json"
    expect_exit 0 "$PSYPHYS" analyze "$POLAR" --config "$TMP/c.json"
    expect_grep 'RMSSD 47\.8 ms' "$TMP/out"
    printf '{"keep_corrected": true}\n' >"$TMP/k.json"
    expect_exit 0 "$PSYPHYS" analyze "$POLAR" --config "$TMP/k.json"
    expect_grep 'kept, --keep-corrected' "$TMP/out"
    expect_exit 2 "$PSYPHYS" analyze "$POLAR" --max-corrected-pct 120
    # psyphys hrv on the same recording: the same n/a; its share is of the series' own intervals
    # (psy_hrv_series has no room for the left-out intervals' times), the same share here: with the
    # noise-peak rules of issue 14 the correction leaves no interval of this recording out (with
    # sub-sample timing alone it left one out: 61.95 % in the segments, 61.90 % here)
    expect_exit 0 "$PSYPHYS" hrv "$POLAR" -o "$TMP/polar_hrv.tsv"
    [ "$(col nn_corrected_pct "$TMP/polar_hrv.tsv" 1)" = "61.77944862" ] ||
        fail "polar hrv nn_corrected_pct $(col nn_corrected_pct "$TMP/polar_hrv.tsv" 1)"
    [ "$(col rmssd_ms "$TMP/polar_hrv.tsv" 1)" = "n/a" ] || fail "polar hrv: RMSSD above the limit"
fi
finish
