# psyphys resp --preset neurokit: RSA (P2T mean, Porges-Bohrer) against an independent numpy/scipy
# re-implementation of NeuroKit2 0.2.12's hrv_rsa (tests/rsa_neurokit_check.py) on the same
# breaths and NN intervals, NeuroKit's three example recordings with ECG and RSP: within 5 %.
. "$(dirname "$0")/lib_cli.sh"
NK=$SHARED/data/neurokit
[ -f "$NK/bio_resting_5min_100hz.csv" ] || { echo "no ../shared: skipped"; exit 77; }
PY=""
for p in /usr/bin/python3 python3; do
    if "$p" -c 'import numpy, scipy.signal, scipy.ndimage, scipy.interpolate' 2>/dev/null; then PY=$p; break; fi
done
[ -n "$PY" ] || { echo "FAIL: no python3 with numpy and scipy (Debian python3-numpy, python3-scipy)" >&2; exit 1; }
for rec in bio_resting_5min_100hz:300 bio_resting_8min_100hz:506.82 bio_eventrelated_100hz:150; do
    name=${rec%%:*} dur=${rec#*:}
    expect_exit 0 "$PSYPHYS" beats "$NK/$name.csv" --fs 100 --nn "$TMP/$name.nn.tsv" -o /dev/null
    expect_exit 0 "$PSYPHYS" resp "$NK/$name.csv" --fs 100 --preset neurokit -o "$TMP/$name.tsv"
    expect_exit 0 "$PSYPHYS" resp "$NK/$name.csv" --fs 100 --preset neurokit --json
    cp "$TMP/out" "$TMP/$name.json"
    "$PY" "$SRC/tests/rsa_neurokit_check.py" "$TMP/$name.nn.tsv" "$TMP/$name.tsv" "$TMP/$name.json" "$dur" 100 0.05 \
        >"$TMP/$name.check" 2>&1 || fail "$name: $(cat "$TMP/$name.check")"
    cat "$TMP/$name.check"
done
# the default RSA (Grossman's P2T, Porges-Bohrer in ln(ms²)) names its keys
expect_exit 0 "$PSYPHYS" resp "$NK/bio_resting_5min_100hz.csv" --fs 100 --json
for key in rsa_p2t_mean_ms rsa_pb_ln_ms2 hf_resp_ms2 hf_resp_band_hz resonance_hz coherence_ratio hr_osc_mean_bpm; do
    expect_grep "\"$key\": " "$TMP/out"
done
finish
