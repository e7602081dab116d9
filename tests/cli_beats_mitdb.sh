# psyphys beats on every MIT-BIH Arrhythmia and Noise Stress Test record in ../shared, scored by
# bench/validate_beats.sh, against the per-record floors in tests/data/beats_floors.tsv; 118m12,
# 118m06, 212m12 and 212m06 (118, 212 + muscle artefact at 12 and 6 dB, made by bench/nst_make.c)
# and 118e12 (118 + electrode motion at 12 dB, rescaled from 118e06) when the bench tools are built.
. "$(dirname "$0")/lib_cli.sh"
[ -d "$SHARED/data/mitdb" ] && [ -d "$SHARED/data/nstdb" ] || { echo "no ../shared: skipped"; exit 77; }
FLOORS=$SRC/tests/data/beats_floors.tsv
MAKE=$(dirname "$PSYPHYS")/bench/psyphys_nst_make
cp "$SHARED/data/nstdb/"*.hea "$SHARED/data/nstdb/"*.dat "$SHARED/data/nstdb/"*.atr "$TMP/"
if [ -x "$MAKE" ]; then
    for rec in 118 212; do # 212: held out from tuning
        for snr in 12 06; do
            "$MAKE" "$SHARED/data/mitdb/$rec.hea" "$SHARED/data/nstdb/ma.hea" $snr "$TMP" "${rec}m$snr" >/dev/null ||
                fail "psyphys_nst_make failed"
        done
    done
    "$MAKE" --rescale "$SHARED/data/mitdb/118.hea" "$SHARED/data/nstdb/118e06.hea" 6 12 "$TMP" 118e12 >/dev/null ||
        fail "psyphys_nst_make --rescale failed"
else
    echo "no $MAKE: the muscle artefact and 118e12 records not scored"
fi
PSYPHYS=$PSYPHYS NSTDB=$TMP sh "$SRC/bench/validate_beats.sh" "" "$SHARED/data" >"$TMP/table" 2>"$TMP/err" ||
    fail "validate_beats.sh failed: $(head -c 300 "$TMP/err")"
cat "$TMP/table"
# Every record with a floor was scored and is at or above it; every mitdb record has a floor.
awk -F'\t' '!/^#/ { print $1, $2, $3, $4 }' "$FLOORS" >"$TMP/floors"
while read -r db rec se ppv; do
    [ "$db" = nstdb ] && case $rec in *m12 | *m06 | 118e12) true ;; *) false ;; esac && [ ! -x "$MAKE" ] && continue
    row=$(awk -v db="$db" -v rec="$rec" '$1 == db && $2 == rec' "$TMP/table")
    [ -n "$row" ] || { fail "$db $rec not scored"; continue; }
    echo "$row" | awk -v se="$se" -v ppv="$ppv" '{ exit !($6 >= se && $7 >= ppv) }' ||
        fail "$db $rec below its floor (Se $se %, +P $ppv %): $row"
done <"$TMP/floors"
for hea in "$SHARED/data/mitdb/"*.hea; do
    rec=$(basename "$hea" .hea)
    grep -q "^mitdb $rec " "$TMP/floors" || fail "mitdb $rec has no floor in $FLOORS"
done
finish
