# Channel types and plausibility on the command line. A channel named for an analysis (--ecg,
# --eda, --rsp, --hr; --channel of beats, hrv, eda; stream's --ecg/--eda) that is of another known
# type is refused with its type and the way to say otherwise; results physiology does not produce
# are warnings (stderr, the summary line, the sidecar, the report). Regressions: `analyze BVP.csv
# --ecg BVP` ran the ECG detector on an Empatica PPG channel (RMSSD 1710 ms, no warning); `--fs
# 1000` on a 100 Hz CSV gave a breathing rate of 92 /min with no warning.
. "$(dirname "$0")/lib_cli.sh"
DEMO=$SRC/recordings/neurokit_eventrelated.edf

# An Empatica E4 BVP export (line 1 the start, line 2 the rate): its channel is PPG.
awk 'BEGIN { print "1560279825.000000"; print "64.000000";
    for (i = 0; i < 3840; i++) printf "%.2f\n", 50 * sin(6.2831853 * 1.2 * i / 64) }' >"$TMP/BVP.csv"
expect_exit 1 "$PSYPHYS" analyze "$TMP/BVP.csv" --ecg BVP
expect_grep "channel 'BVP' is PPG, not ECG or RR: refused; if it is ECG, say so with --channel-type 'BVP=ECG'" "$TMP/err"
expect_exit 0 "$PSYPHYS" analyze "$TMP/BVP.csv" --ecg BVP --channel-type BVP=ECG
FLIRT=$SHARED/data/flirt_wearables/empatica/BVP.csv
if [ -f "$FLIRT" ]; then # the recording that showed it
    expect_exit 1 "$PSYPHYS" analyze "$FLIRT" --ecg BVP
    expect_grep "channel 'BVP' is PPG, not ECG or RR: refused" "$TMP/err"
fi
# Every analysis that takes a named channel, on the demo's channels of known types.
expect_exit 1 "$PSYPHYS" analyze "$DEMO" --eda ECG
expect_grep "channel 'ECG' is ECG, not EDA: refused; if it is EDA, say so with --channel-type 'ECG=EDA'" "$TMP/err"
expect_exit 1 "$PSYPHYS" analyze "$DEMO" --rsp EDA
expect_grep "channel 'EDA' is EDA, not RESP: refused" "$TMP/err"
expect_exit 1 "$PSYPHYS" analyze "$DEMO" --hr ECG
expect_grep "channel 'ECG' is ECG, not HR: refused" "$TMP/err"
expect_exit 1 "$PSYPHYS" beats "$DEMO" --channel EDA
expect_grep "channel 'EDA' is EDA, not ECG, RR or PPG: refused" "$TMP/err"
expect_exit 1 "$PSYPHYS" hrv "$DEMO" --channel RSP
expect_grep "channel 'RSP' is RESP, not ECG, RR or PPG: refused" "$TMP/err"
expect_exit 1 "$PSYPHYS" eda "$DEMO" --channel ECG
expect_grep "channel 'ECG' is ECG, not EDA: refused" "$TMP/err"
expect_exit 1 "$PSYPHYS" stream --replay "$DEMO" --speed max --ecg Photosensor
expect_grep "channel 'Photosensor' is TRIGGER, not ECG or RR: refused" "$TMP/err"
# A channel of unknown type (OTHER) may be named for anything.
expect_exit 0 "$PSYPHYS" analyze "$DEMO" --channel-type RSP=OTHER --rsp RSP
expect_grep "breath +'RSP': [0-9]+ breaths" "$TMP/out"

# Plausibility. A 100 Hz respiration CSV (15 /min) read at 1000 Hz: 150 /min, a warning (40 s
# at 1000 Hz: the 30 s of breaths a rate needs).
awk 'BEGIN { print "RSP"; for (i = 0; i < 40000; i++) printf "%.4f\n", sin(6.2831853 * 0.25 * i / 100) }' >"$TMP/rsp.csv"
expect_exit 0 "$PSYPHYS" analyze "$TMP/rsp.csv" --fs 100
expect_grep "breath +'RSP': [0-9]+ breaths, 15\.0 /min$" "$TMP/out"
if grep -q 'implausible' "$TMP/err"; then fail "15 /min called implausible"; fi
expect_exit 0 "$PSYPHYS" analyze "$TMP/rsp.csv" --fs 1000 -o "$TMP/fast" --report
expect_grep "breath +'RSP': [0-9]+ breaths, 150\.[0-9] /min \(implausible: see the warnings\)" "$TMP/out"
expect_grep 'warning: implausible: breathing rate outside 3-60 /min for [0-9.]+ s in 1 stretch' "$TMP/err"
expect_grep 'implausible: breathing rate outside 3-60 /min' "$TMP/fast/rsp_segments.json"
expect_grep 'implausible: breathing rate outside 3-60 /min' "$TMP/fast/rsp_report.html"
# A heart rate of 300 bpm for two minutes (a bpm channel).
awk 'BEGIN { print "time,HR"; for (i = 0; i < 120; i++) printf "%d,300\n", i }' >"$TMP/hr.csv"
expect_exit 0 "$PSYPHYS" analyze "$TMP/hr.csv"
expect_grep "mean HR 300\.0 bpm \(HRV n/a: not beat-to-beat\) \(implausible: see the warnings\)" "$TMP/out"
expect_grep 'implausible: heart rate outside 25-250 bpm for 119\.0 s' "$TMP/err"
# Skin conductance at a device's floor for 100 s (not flat: flat stretches are artefacts); and an
# EDA channel without a unit.
awk 'BEGIN { print "time,EDA (uS)"; for (i = 0; i < 3000; i++) printf "%.1f,%.4f\n", i / 10, ((i < 1000 || i >= 2000) ? 2 : 0.01) + 0.002 * sin(i / 7) }' \
    >"$TMP/floor.csv"
expect_exit 0 "$PSYPHYS" analyze "$TMP/floor.csv"
expect_grep 'implausible: skin conductance level below 0\.05 uS for (9[0-9]|10[0-2])\.0 s in 1 stretch' "$TMP/err"
if grep -q 'taken as uS' "$TMP/err"; then fail "uS stated, yet 'taken as uS'"; fi
awk 'BEGIN { print "EDA"; for (i = 0; i < 600; i++) printf "%.4f\n", 5 + 0.1 * sin(i / 20) }' >"$TMP/bare_eda.csv"
expect_exit 0 "$PSYPHYS" analyze "$TMP/bare_eda.csv" --fs 10
expect_grep "warning: EDA channel 'EDA' states no unit: its values are taken as uS" "$TMP/err"
expect_grep "SCL [0-9.]+ uS, [0-9.]+ NS-SCR/min \(values taken as uS: see the warnings\)" "$TMP/out"
# The recording that showed it, when ../shared is here: NeuroKit's 100 Hz CSV at --fs 1000.
NK=$SHARED/data/neurokit/bio_eventrelated_100hz.csv
if [ -f "$NK" ]; then
    expect_exit 0 "$PSYPHYS" analyze "$NK" --fs 1000
    # its breathing, 10 times too fast (2-3 Hz), is flagged, or (the breath detector's band ends at
    # 1 Hz, 60 /min) gives no rate at all: never a plausible-looking one
    grep -q 'implausible: breathing rate outside 3-60 /min' "$TMP/err" ||
        expect_grep "breath +'RSP': [0-9]+ breaths, rate n/a" "$TMP/out"
    expect_exit 0 "$PSYPHYS" analyze "$NK" --fs 100
    if grep -q 'implausible' "$TMP/err"; then fail "NeuroKit's CSV at its true rate called implausible"; fi
fi
finish
