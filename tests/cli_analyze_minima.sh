# psyphys analyze: one source for each figure (summary line = segments table), the minimum data
# of each metric (n/a with its reason), the corrected share of every row and its limit.
. "$(dirname "$0")/lib_cli.sh"
DEMO=$SRC/recordings/neurokit_eventrelated.edf
S=neurokit_eventrelated
col() { # col NAME FILE ROW: a cell of a TSV (ROW 1 = the first data row)
    awk -F '\t' -v name="$1" -v row="$3" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i }
        NR == row + 1 { print (c ? $c : "no-such-column") }' "$2"
}

# --- NS-SCR/min: the summary line said 9.6 (every SCR over the valid minutes) while the segments
# table said 8.8 (the SCRs outside the events' latency windows): one figure now, from one call.
expect_exit 0 "$PSYPHYS" analyze "$DEMO" -o "$TMP/demo"
cp "$TMP/out" "$TMP/demo.out"
table=$(col ns_scr_per_min "$TMP/demo/${S}_segments.tsv" 1)
summary=$(sed -n 's/.* \([0-9.]*\) NS-SCR\/min$/\1/p' "$TMP/demo.out")
[ "$summary" = "$(printf '%.1f' "$table")" ] || fail "summary NS-SCR/min '$summary', table '$table'"
[ "$summary" = "8.8" ] || fail "demo NS-SCR/min '$summary', want 8.8"
scrs=$(col scr_count "$TMP/demo/${S}_segments.tsv" 1)
expect_grep "skin +.EDA.: $scrs SCRs, SCL $(printf '%.2f' "$(col scl_us "$TMP/demo/${S}_segments.tsv" 1)") uS" "$TMP/demo.out"
# psyphys eda --json: the same rate as its --segments table and as analyze (events from the file)
expect_exit 0 "$PSYPHYS" eda "$DEMO" --json
expect_grep '"ns_scr_per_min": 8\.8' "$TMP/out"
# a 3-s phase is too short for a rate per minute: n/a with the reason
tr -d ' \n' <"$TMP/demo/${S}_segments.json" >"$TMP/flat"
grep -q '"ns_scr_per_min":{"lessthan60sofvalidskinconductanceforaratepermin' "$TMP/flat" ||
    fail "ns_scr_per_min of the 3-s phases: no minimum reason"
[ "$(col ns_scr_per_min "$TMP/demo/${S}_segments.tsv" 2)" = "n/a" ] || fail "3-s phase has an NS-SCR rate"
finish
