# psyphys analyze with several ECG leads and none named: the best lead by quality (share of usable
# 10-s windows, Orphanidou et al. 2015), the scores in the sidecar and the summary; --ecg wins.
. "$(dirname "$0")/lib_cli.sh"

# 90 s at 250 Hz: the same beats (RR 0.8 s) in two leads, 'ECG noisy' buried in noise.
awk 'BEGIN { srand(7); print "ECG noisy,ECG clean";
    for (i = 0; i < 22500; i++) { t = i / 250; d = (t - 0.4) - 0.8 * int((t - 0.4) / 0.8 + 0.5);
        v = exp(-0.5 * (d / 0.01) ^ 2) + 0.3 * exp(-0.5 * ((d - 0.28) / 0.045) ^ 2);
        printf "%.4f,%.4f\n", v + 3 * (rand() - 0.5), v + 0.02 * (rand() - 0.5) } }' >"$TMP/leads.csv"
expect_exit 0 "$PSYPHYS" analyze "$TMP/leads.csv" --fs 250 -o "$TMP/l"
expect_grep "heart +'ECG clean': 11[0-9] beats" "$TMP/out"
expect_grep "leads +'ECG noisy' [0-9]+/9 \(r [0-9.-]+\), 'ECG clean' 9/9 \(r 1\.00\) chosen" "$TMP/out"
tr -d ' \n' <"$TMP/l/leads_segments.json" >"$TMP/flat.json"
grep -q '"ecg_lead_choice":{"method":"shareofusable10-swindows' "$TMP/flat.json" || fail "no ecg_lead_choice"
grep -q '"chosen":"ECGclean"' "$TMP/flat.json" || fail "chosen lead not recorded"
grep -q '{"label":"ECGclean","beats":11[0-9],"windows":9,"usable_windows":9,' "$TMP/flat.json" || fail "clean lead's scores"
grep -q '"ecg":"ECGclean"' "$TMP/flat.json" || fail "channel map: ECG clean"
# --ecg names the lead: no choice made.
expect_exit 0 "$PSYPHYS" analyze "$TMP/leads.csv" --fs 250 --ecg "ECG noisy" -o "$TMP/n"
expect_grep "heart +'ECG noisy'" "$TMP/out"
if grep -q 'leads  ' "$TMP/out"; then fail "--ecg still chose a lead"; fi
if grep -q 'ecg_lead_choice' "$TMP/n/leads_segments.json"; then fail "--ecg: lead choice recorded"; fi
# MIT-BIH 100 and 105 (two leads each): MLII, the lead whose beats match the reference best.
MIT=$SHARED/data/mitdb
if [ -f "$MIT/105.hea" ]; then
    for rec in 100 105; do
        expect_exit 0 "$PSYPHYS" analyze "$MIT/$rec" -o "$TMP/m$rec"
        expect_grep "heart +'MLII'" "$TMP/out"
        expect_grep "leads +'MLII' 30/30 \(r 0\.9[0-9]\) chosen, '(V5|V1)' (29|30)/30" "$TMP/out"
        expect_grep '"chosen": "MLII"' "$TMP/m$rec/${rec}_segments.json"
        expect_grep '"path": ".*mitdb/'"$rec"'\.hea"' "$TMP/m$rec/${rec}_segments.json"
        # its reference beat labels (.atr) are no session events: not read (a day's cost ~10 MB),
        # and the summary counts session events
        expect_grep ": WFDB, 1805\.6 s, 0 session events$" "$TMP/out"
        if grep -q "$rec\.atr" "$TMP/m$rec/${rec}_segments.json"; then fail "analyze read $rec.atr"; fi
    done
    expect_grep '"acceptable_windows": 24' "$TMP/m105/105_segments.json"
    expect_exit 0 "$PSYPHYS" analyze "$MIT/105" --ecg V1
    expect_grep "heart +'V1'" "$TMP/out"
fi
# 8 s: no complete 10-s window to score the leads on (ux21a F7: "0/0 (r nan)" and a warning that
# blamed the beats): the first lead is analysed, said so; no nan anywhere.
head -n 2001 "$TMP/leads.csv" >"$TMP/short.csv"
expect_exit 0 "$PSYPHYS" analyze "$TMP/short.csv" --fs 250 -o "$TMP/s"
expect_grep "leads +'ECG noisy' 0/0 \(r n/a\) chosen, 'ECG clean' 0/0 \(r n/a\)" "$TMP/out"
expect_grep "warning: ECG leads not compared: no complete 10-s window to score them on \(the recording is shorter\); the first lead, 'ECG noisy', is analysed" "$TMP/err"
if grep -Eqi '(^|[^a-z])nan([^a-z]|$)' "$TMP/out" "$TMP/err" "$TMP/s"/*; then fail "nan printed for an 8-s record"; fi
if grep -q 'check the beats' "$TMP/err"; then fail "8-s record: the beats blamed for the leads' missing windows"; fi
expect_grep '"ECG leads not compared' "$TMP/s/short_segments.json"
finish
