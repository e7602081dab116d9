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
# analyze --edr's breaths sidecar carries the per-minute rate psyphys resp --json reports
"$PSYPHYS" analyze "$SHARED/data/marsh/0017_ecg.hea" --edr -o "$TMP/an" >/dev/null 2>&1 || fail "analyze --edr"
"$PSYPHYS" resp "$SHARED/data/marsh/0017_ecg.hea" --json >"$TMP/resp.json" 2>/dev/null || fail "resp --json"
"$PY" - "$TMP/an/0017_ecg_breaths.json" "$TMP/resp.json" <<'EOF' || fail "analyze's edr_rate is not resp's"
import json, sys
a, b = (json.load(open(p))["edr_rate"] for p in sys.argv[1:])
assert a == b and a["windows"] == 14 and len(a["per_window"]) == 14, (a, b)
EOF
finish
