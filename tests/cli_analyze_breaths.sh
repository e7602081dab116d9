# psyphys analyze's breathing (issue 20): the breaths table is psyphys resp's, breathing per epoch
# with the rate's minima, ECG-derived breaths with --edr, the breathing settings in the sidecars.
. "$(dirname "$0")/lib_cli.sh"
DEMO=$SRC/recordings/neurokit_eventrelated.edf
S=neurokit_eventrelated

# whole_breaths BREATHS A Z: "n rate median-amplitude" of the breaths with onset >= A, end <= Z
whole_breaths() {
    awk -F '\t' -v a="$2" -v z="$3" 'NR > 1 && $1 >= a - 1e-9 && $1 + $3 <= z + 1e-9 { print $1, $1 + $3, $4 }' "$1" |
        sort -k3,3g | awk '{ t0[NR] = $1; t1[NR] = $2; amp[NR] = $3 }
            END { n = NR; first = 1e300; last = -1e300
                  for (i = 1; i <= n; i++) { if (t0[i] < first) first = t0[i]; if (t1[i] > last) last = t1[i] }
                  m = n % 2 ? amp[(n + 1) / 2] : (amp[n / 2] + amp[n / 2 + 1]) / 2
                  printf "%d %.3f %.6f\n", n, n ? 60 * n / (last - first) : 0, m }'
}

expect_exit 0 "$PSYPHYS" analyze "$DEMO" -o "$TMP/a"
B=$TMP/a/${S}_breaths.tsv
# the table is psyphys resp's, byte for byte (one definition of a breath)
expect_exit 0 "$PSYPHYS" resp "$DEMO" -o "$TMP/resp.tsv"
cmp -s "$B" "$TMP/resp.tsv" || fail "analyze's breaths table differs from psyphys resp's"
expect_grep '^onset	peak	duration_s	amplitude	rate_per_min	rsa_p2t_ms	hr_osc_bpm$' "$B"
[ "$(($(wc -l <"$B") - 1))" -eq 42 ] || fail "the demo has 42 breaths, the table $(($(wc -l <"$B") - 1))"
tr -d ' \n' <"$TMP/a/${S}_breaths.json" >"$TMP/bflat"
grep -q '"table":"breaths"' "$TMP/bflat" || fail "breaths sidecar: table name"
grep -q '"rsa_p2t_ms":{"Units":"ms"' "$TMP/bflat" || fail "breaths sidecar: columns"
grep -q '"breaths":{"source":"respirationchannel"' "$TMP/bflat" || fail "sidecar: settings.breaths.source"
grep -q '"rate_min_span_s":30' "$TMP/bflat" || fail "sidecar: the rate's minimum span"
# the whole recording's RSA and biofeedback values are psyphys resp's
expect_exit 0 "$PSYPHYS" resp "$DEMO" --json
for k in rsa_p2t_mean_ms resonance_hz coherence_ratio; do
    want=$(sed -n "s/.*\"$k\": \([0-9.]*\).*/\1/p" "$TMP/out")
    got=$(sed -n "s/.*\"$k\":\([0-9.]*\).*/\1/p" "$TMP/bflat" | head -1)
    [ -n "$want" ] && awk -v a="$want" -v b="$got" 'BEGIN { exit !(a - b < 1e-6 && b - a < 1e-6) }' ||
        fail "settings.breaths.$k: '$got', psyphys resp '$want'"
done

# epochs: breathing over [onset - pre, onset + post]; 11 s is below the rate's 30 s: n/a, reason
E=$TMP/a/${S}_epochs.tsv
[ "$(col resp_rate_per_min "$E" 1)" = "n/a" ] || fail "an 11-s epoch has a breathing rate"
tr -d ' \n' <"$TMP/a/${S}_epochs.json" >"$TMP/eflat"
grep -q '"resp_rate_per_min":{"fewerthan3wholebreathsforarate":4}' "$TMP/eflat" ||
    fail "epochs sidecar: the rate's n/a reason"
onset=$(col onset "$E" 1)
set -- $(whole_breaths "$B" "$(awk -v t="$onset" 'BEGIN { print t - 1 }')" "$(awk -v t="$onset" 'BEGIN { print t + 10 }')")
[ "$(col resp_depth "$E" 1)" = "$3" ] || fail "epoch 1 depth $(col resp_depth "$E" 1), median of its $1 breaths $3"
# epoch-means: per label the mean of its epochs' breathing depth; the rate n/a (no 11-s epoch has one)
M=$TMP/a/${S}_epoch-means.tsv
want=$(awk -F '\t' 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "label") l = i; if ($i == "resp_depth") d = i } next }
    $l == "Negative" && $d != "n/a" { s += $d; n++ } END { printf "%.6f", s / n }' "$E")
got=$(awk -F '\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "resp_depth") d = i } $1 == "Negative" { print $d }' "$M")
awk -v a="$want" -v b="$got" 'BEGIN { exit !(a - b < 2e-6 && b - a < 2e-6) }' ||
    fail "epoch-means: Negative's resp_depth $got, the mean of its epochs' $want"
[ "$(awk -F '\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "resp_rate_per_min") c = i } $1 == "Negative" { print $c }' "$M")" = n/a ] ||
    fail "epoch-means: a breathing rate from 11-s epochs"
tr -d ' \n' <"$TMP/a/${S}_epoch-means.json" | grep -q '"resp_depth":{"Units"' || fail "epoch-means sidecar: resp_depth"
# a 40-s epoch window has a rate: its whole breaths' count over their span
expect_exit 0 "$PSYPHYS" analyze "$DEMO" --pre 20 --post 20 -o "$TMP/w"
E=$TMP/w/${S}_epochs.tsv
onset=$(col onset "$E" 2)
set -- $(whole_breaths "$B" "$(awk -v t="$onset" 'BEGIN { print t - 20 }')" "$(awk -v t="$onset" 'BEGIN { print t + 20 }')")
[ "$(col resp_rate_per_min "$E" 2)" = "$2" ] || fail "40-s epoch rate $(col resp_rate_per_min "$E" 2), want $2 ($1 breaths)"

# no RSP channel: no breaths table, the breathing columns n/a "no RSP channel"
expect_exit 0 "$PSYPHYS" analyze "$DEMO" --channel-type RSP=OTHER -o "$TMP/n"
[ ! -e "$TMP/n/${S}_breaths.tsv" ] || fail "a breaths table without breaths"
tr -d ' \n' <"$TMP/n/${S}_epochs.json" >"$TMP/nflat"
grep -q '"resp_depth":{"noRSPchannel":4}' "$TMP/nflat" || fail "no RSP: the depth's reason"
# --edr: the ECG-derived breaths of psyphys resp --edr, said in the summary, a warning, the sidecar
expect_exit 0 "$PSYPHYS" analyze "$DEMO" --channel-type RSP=OTHER --edr -o "$TMP/e"
expect_grep "breath  ECG-derived from 'ECG': [0-9]+ breaths" "$TMP/out"
expect_grep 'warning: breaths derived from the ECG' "$TMP/err"
expect_exit 0 "$PSYPHYS" resp "$DEMO" --edr -o "$TMP/edr.tsv"
cmp -s "$TMP/e/${S}_breaths.tsv" "$TMP/edr.tsv" || fail "analyze --edr's breaths differ from psyphys resp --edr's"
tr -d ' \n' <"$TMP/e/${S}_breaths.json" >"$TMP/edrflat"
grep -q '"breaths":{"source":"ecg-derived"' "$TMP/edrflat" || fail "--edr: sidecar source"
grep -q '"edr_modulations":"RRinterval,QRSR-Samplitude,QRSarea,QRSsloperange"' "$TMP/edrflat" ||
    fail "--edr: the modulations fused, in the sidecar"
grep -q '"edr":true' "$TMP/edrflat" || fail "--edr: not recorded in the settings"
# the config file's "edr" is --edr
printf '{"edr": true, "channel_types": {"RSP": "OTHER"}}\n' >"$TMP/edr.json"
expect_exit 0 "$PSYPHYS" analyze "$DEMO" --config "$TMP/edr.json" -o "$TMP/ec"
cmp -s "$TMP/ec/${S}_breaths.tsv" "$TMP/edr.tsv" || fail "config edr: not psyphys resp --edr's breaths"
# with an RSP channel, --edr changes nothing
expect_exit 0 "$PSYPHYS" analyze "$DEMO" --edr -o "$TMP/r"
cmp -s "$TMP/r/${S}_breaths.tsv" "$B" || fail "--edr replaced an RSP channel's breaths"

# the report's breathing section: the values, the rate over time, a strip with the breaths marked
expect_exit 0 "$PSYPHYS" analyze "$DEMO" -o "$TMP/rep" --report
H=$TMP/rep/${S}_report.html
expect_grep '<section id="breathing">' "$H"
expect_grep '42 breaths \(respiration channel\); rate over the recording [0-9.]+ /min' "$H"
expect_grep '<th>RSA, peak-to-trough \(Grossman\), mean \(ms\)</th><td>[0-9.]+</td>' "$H"
expect_grep '<th>coherence ratio \(McCraty et al. 2009\)</th><td>[0-9.]+</td>' "$H"
expect_grep 'data-plot="resp-rate"' "$H"
expect_grep 'data-plot="resp-strip"' "$H"
expect_exit 0 "$PSYPHYS" analyze "$DEMO" --channel-type RSP=OTHER --edr -o "$TMP/repe" --report
expect_grep 'breaths \(derived from the ECG' "$TMP/repe/${S}_report.html"
expect_grep 'No respiration strip: the breaths are ECG-derived' "$TMP/repe/${S}_report.html"
expect_exit 0 "$PSYPHYS" analyze "$DEMO" --channel-type RSP=OTHER -o "$TMP/repn" --report
expect_grep 'No breaths: no respiration channel' "$TMP/repn/${S}_report.html"

# without an ECG analyze's settings.breaths has every RSA key, null with its reason, as resp's
# sidecar (ux20 review #4: the keys were left out); with beats, resp's keys (rsa_p2t_sd_ms too)
expect_exit 0 "$PSYPHYS" analyze "$DEMO" --channel-type ECG=OTHER -o "$TMP/noecg"
tr -d ' \n' <"$TMP/noecg/${S}_breaths.json" >"$TMP/noecgflat"
for k in rsa_p2t_mean_ms rsa_p2t_sd_ms rsa_pb_ln_ms2 hf_resp_ms2 hf_resp_band_hz resonance_hz coherence_ratio \
    hr_osc_mean_bpm; do
    grep -q "\"$k\":null,\"${k}_n/a_reason\":\"noheartbeatstomeasureRSAagainst\"" "$TMP/noecgflat" ||
        fail "analyze without an ECG: settings.breaths.$k not null with its reason"
done
grep -q '"rsa_p2t_sd_ms":[0-9]' "$TMP/bflat" || fail "analyze: settings.breaths lacks resp's rsa_p2t_sd_ms"
# a PPG the pulse detector refuses (20 Hz): the RSA keys say there are no pulses, not that the
# recording has no heartbeats (was: "no heartbeats to measure RSA against" whatever the cause)
awk 'BEGIN { print "RSP,PPG"; for (i = 0; i < 6000; i++) printf "%.4f,%.4f\n", sin(6.2832 * 0.25 * i / 20),
    sin(6.2832 * 1.2 * i / 20) }' >"$TMP/ppg20.csv"
expect_exit 0 "$PSYPHYS" analyze "$TMP/ppg20.csv" --fs 20 -o "$TMP/ppg20"
tr -d ' \n' <"$TMP/ppg20/ppg20_breaths.json" >"$TMP/ppg20flat"
for k in rsa_p2t_mean_ms rsa_pb_ln_ms2 hf_resp_band_hz coherence_ratio hr_osc_mean_bpm; do
    grep -q "\"$k\":null,\"${k}_n/a_reason\":\"nopulsesdetected\"" "$TMP/ppg20flat" ||
        fail "analyze with a refused PPG: settings.breaths.$k not null with 'no pulses detected'"
done
# 2 breaths: no P2T mean (3 breaths), but Porges-Bohrer, HF, resonance and coherence stand on
# the beats: the report shows them (ux20 review #5: it said there were none)
NK=$SHARED/data/neurokit/bio_eventrelated_100hz.csv
if [ -f "$NK" ]; then
    awk -F, 'NR == 1 { print "ECG,RSP"; next } { print $1 "," (NR <= 800 ? $4 : 0.5) }' "$NK" >"$TMP/fewbr.csv"
    expect_exit 0 "$PSYPHYS" analyze "$TMP/fewbr.csv" --fs 100 -o "$TMP/fewbr" --report
    tr -d ' \n' <"$TMP/fewbr/fewbr_breaths.json" >"$TMP/fewbrflat"
    grep -q '"rsa_p2t_mean_ms":null' "$TMP/fewbrflat" && grep -q '"coherence_ratio":[0-9]' "$TMP/fewbrflat" ||
        fail "2 breaths: expected no P2T mean and a coherence ratio"
    ! grep -q 'No RSA or biofeedback values' "$TMP/fewbr/fewbr_report.html" ||
        fail "2 breaths: the report says there are no RSA or biofeedback values"
    expect_grep 'coherence ratio' "$TMP/fewbr/fewbr_report.html"
fi
finish
