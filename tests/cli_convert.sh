# psyphys convert: EDF round trip, BIDS output, and never losing or overwriting a file.
. "$(dirname "$0")/lib_cli.sh"
DEMO=$SRC/recordings/neurokit_eventrelated.edf

expect_exit 0 "$PSYPHYS" convert "$DEMO" "$TMP/copy.edf"
expect_exit 0 "$PSYPHYS" info "$TMP/copy.edf"
expect_grep '^channels +4' "$TMP/out"
expect_grep ' ECG +ECG +mV +100 +15000 +150\.000' "$TMP/out"
expect_grep '^events +4' "$TMP/out"
expect_grep ' 49\.5800 +2\.9900 +annotation +Neutral' "$TMP/out"

expect_exit 0 "$PSYPHYS" convert "$DEMO" "$TMP/copy.bdf"
expect_exit 0 "$PSYPHYS" info "$TMP/copy.bdf"
expect_grep '^format +BDF\+C' "$TMP/out"

expect_exit 0 "$PSYPHYS" convert "$DEMO" "$TMP/sub-01_task-view_physio.tsv.gz"
[ -s "$TMP/sub-01_task-view_physio.json" ] || fail "no BIDS sidecar"
[ -s "$TMP/sub-01_task-view_physioevents.tsv.gz" ] || fail "no BIDS physioevents"
expect_exit 0 "$PSYPHYS" info "$TMP/sub-01_task-view_physio.tsv.gz"
expect_grep '^channels +4' "$TMP/out"
expect_grep '^events +4' "$TMP/out"

# An existing output is kept, byte for byte, without --overwrite.
cp "$TMP/copy.edf" "$TMP/keep.edf"
printf 'precious' >"$TMP/precious.edf"
expect_exit 1 "$PSYPHYS" convert "$DEMO" "$TMP/precious.edf"
expect_grep 'exists' "$TMP/err"
[ "$(cat "$TMP/precious.edf")" = "precious" ] || fail "an existing file was overwritten"
expect_exit 0 "$PSYPHYS" convert --overwrite "$DEMO" "$TMP/precious.edf"
cmp -s "$TMP/precious.edf" "$TMP/keep.edf" || fail "--overwrite did not write the same bytes"

# The input is never the output.
cp "$DEMO" "$TMP/self.edf"
expect_exit 1 "$PSYPHYS" convert --overwrite "$TMP/self.edf" "$TMP/self.edf"
cmp -s "$TMP/self.edf" "$DEMO" || fail "the input was changed"

# A failed conversion leaves no output and no temporary file.
printf 'GDF 2.10 xxxxxxxxxxxx' >"$TMP/x.gdf"
expect_exit 1 "$PSYPHYS" convert "$TMP/x.gdf" "$TMP/none.edf"
[ ! -e "$TMP/none.edf" ] || fail "a failed conversion left an output"
expect_exit 2 "$PSYPHYS" convert "$DEMO" "$TMP/out.xyz"
[ -z "$(ls "$TMP" | grep -v -E '^(copy|keep|precious|self|x|out|err|sub-01_task-view_physio)')" ] ||
    fail "stray files: $(ls "$TMP")"
finish
