# psyphys resp against MARSH's annotated ends of inspiration (scripts/resp_check.py): every
# subject at or above its floors (Se, +P, rate per 60-s window), on impedance pneumography and
# with ECG-derived respiration from the subject's ECG record (no respiration channel).
. "$(dirname "$0")/lib_cli.sh"
[ -d "$SHARED/data/marsh" ] || { echo "no ../shared: skipped"; exit 77; }
PY=""
for p in /usr/bin/python3 python3; do
    if "$p" -c 'import struct' 2>/dev/null; then PY=$p; break; fi
done
[ -n "$PY" ] || { echo "FAIL: no python3" >&2; exit 1; }
"$PY" "$SRC/scripts/resp_check.py" "$PSYPHYS" "$SHARED" --floors >"$TMP/ip.txt" 2>&1 ||
    fail "impedance: $(grep -E 'FAIL|Error' "$TMP/ip.txt" | head -5)"
cat "$TMP/ip.txt"
"$PY" "$SRC/scripts/resp_check.py" "$PSYPHYS" "$SHARED" --edr --floors >"$TMP/edr.txt" 2>&1 ||
    fail "ECG-derived: $(grep -E 'FAIL|Error' "$TMP/edr.txt" | head -5)"
cat "$TMP/edr.txt"
# --list names every lost breath and failing window: as many as the subject's row counts
"$PY" "$SRC/scripts/resp_check.py" "$PSYPHYS" "$SHARED" --dev --list >"$TMP/list.txt" 2>&1 || fail "--list"
"$PY" - "$TMP/list.txt" <<'EOF' || fail "--list disagrees with the scores: $(head -3 "$TMP/list.txt")"
import sys
rows = {}
for line in open(sys.argv[1]):
    f = line.rstrip("\n").split("\t")
    if f[0] in ("subject", "all"):
        continue
    if not f[0].startswith(" "):
        annotated, detected, se, pp = int(f[2]), int(f[3]), float(f[4]), float(f[5])
        good, total = map(int, f[6].split("/"))
        rows[f[0]] = r = {"expected": (annotated - round(se * annotated / 100),
                                       detected - round(pp * detected / 100), total - good), "windows": 0}
    elif f[0].strip() in ("missed", "extra"):
        r[f[0].strip()] = 0 if f[1] == "-" else len(f[1].split())
    else:
        r["windows"] += 1
assert len(rows) == 7, rows
for s, r in rows.items():
    assert (r["missed"], r["extra"], r["windows"]) == r["expected"], (s, r)
EOF
# analyze --edr's breaths sidecar carries the per-minute rate psyphys resp --json reports
"$PSYPHYS" analyze "$SHARED/data/marsh/0017_ecg.hea" --edr -o "$TMP/an" >/dev/null 2>&1 || fail "analyze --edr"
"$PSYPHYS" resp "$SHARED/data/marsh/0017_ecg.hea" --json >"$TMP/resp.json" 2>/dev/null || fail "resp --json"
"$PY" - "$TMP/an/0017_ecg_breaths.json" "$TMP/resp.json" <<'EOF' || fail "analyze's edr_rate is not resp's"
import json, sys
a, b = (json.load(open(p))["edr_rate"] for p in sys.argv[1:])
assert a == b and a["windows"] == 14 and len(a["per_window"]) == 14, (a, b)
EOF
# RSA from a PPG's pulses (MARSH 0017 as one BIDS run split by rate): resp refused --ecg PPG and had
# no --ppg while analyze --ppg computed RSA from pulse intervals without saying so. Both say it now,
# with the same values.
mkdir -p "$TMP/bids/sub-0017"
for k in ecg ppg ip; do
    "$PSYPHYS" convert "$SHARED/data/marsh/0017_$k.hea" "$TMP/bids/sub-0017/sub-0017_task-rest_recording-${k}_physio.tsv.gz" \
        2>/dev/null || fail "convert 0017_$k"
done
B=$TMP/bids/sub-0017/sub-0017_task-rest_physio.tsv.gz
expect_exit 0 "$PSYPHYS" resp "$B" --channel IP --ppg PPG -o "$TMP/ppg_resp.tsv" --json
expect_grep '"rsa_intervals": "pulse rate variability \(PRV\)' "$TMP/out"
p2t=$(sed -n 's/.*"rsa_p2t_mean_ms": \([0-9.]*\).*/\1/p' "$TMP/out")
[ -n "$p2t" ] || fail "no rsa_p2t_mean_ms from resp --ppg"
expect_grep '"ppg_channel": "PPG"' "$TMP/ppg_resp.json"
expect_grep '"rsa_intervals": "pulse rate variability' "$TMP/ppg_resp.json"
expect_exit 2 "$PSYPHYS" resp "$B" --channel IP --ppg PPG --ecg ECG
expect_exit 0 "$PSYPHYS" analyze "$B" --ppg PPG --rsp IP --epochs none -o "$TMP/appg"
expect_grep '"rsa_intervals": "pulse rate variability' "$TMP/appg/sub-0017_task-rest_physio_breaths.json"
tr -d ' \n' <"$TMP/appg/sub-0017_task-rest_physio_breaths.json" | grep -q "\"rsa_p2t_mean_ms\":${p2t%?}" ||
    fail "analyze's RSA P2T is not resp's $p2t"
# with the ECG: RR intervals, no such note
expect_exit 0 "$PSYPHYS" resp "$B" --channel IP --json
if grep -q rsa_intervals "$TMP/out"; then fail "ECG RSA said to be pulse intervals"; fi
finish
