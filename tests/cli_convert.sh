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

# A recording whose length is not a whole number of data records (149.55 s in 1-s records): the
# padding of the last record is marked and read back as no signal (the duration is the data's).
mkdir "$TMP/cut"
expect_exit 0 "$PSYPHYS" convert "$DEMO" "$TMP/cut/full_physio.tsv.gz"
gunzip -c "$TMP/cut/full_physio.tsv.gz" | head -n 14955 | gzip -n >"$TMP/cut/part_physio.tsv.gz"
cp "$TMP/cut/full_physio.json" "$TMP/cut/part_physio.json"
expect_exit 0 "$PSYPHYS" convert "$TMP/cut/part_physio.tsv.gz" "$TMP/cut/part.edf"
expect_exit 0 "$PSYPHYS" info "$TMP/cut/part.edf" --first-events 10
expect_grep '^duration +149\.550 s' "$TMP/out"
expect_grep ' ECG +ECG +mV +100 +14955 +149\.550' "$TMP/out"
expect_grep ' 149\.5500 +0\.4500 +annotation +psyphys: gap' "$TMP/out"
expect_grep "padding of the last data record: the channels end at 149\\.5500 s" "$TMP/out"
expect_exit 0 "$PSYPHYS" beats "$TMP/cut/part_physio.tsv.gz" -o "$TMP/cut/a.tsv"
expect_exit 0 "$PSYPHYS" beats "$TMP/cut/part.edf" -o "$TMP/cut/b.tsv"
cmp -s "$TMP/cut/a.tsv" "$TMP/cut/b.tsv" || fail "beats differ between the recording and its EDF copy"
rm -r "$TMP/cut"
# MIT-BIH 105 (650000 samples at 360 Hz = 1805.556 s): no beat at the padding's edge.
R105=$SHARED/data/mitdb/105.hea
if [ -f "$R105" ]; then
    expect_exit 0 "$PSYPHYS" convert "$R105" "$TMP/105.edf"
    expect_exit 0 "$PSYPHYS" beats "$R105" -o "$TMP/105_hea.tsv"
    expect_exit 0 "$PSYPHYS" beats "$TMP/105.edf" -o "$TMP/105_edf.tsv"
    # The same beats (samples, labels); the EDF copy's 16-bit physical values are not bit for bit
    # the WFDB ones, which moves the R-peaks' sub-sample times by microseconds.
    bad=$(paste "$TMP/105_hea.tsv" "$TMP/105_edf.tsv" | awk -F'\t' 'NR > 1 && ($2 != $7 || $4 != $9 || $5 != $10 ||
        ($1 - $6) ^ 2 > 1e-10 || ($3 != $8 && ($3 - $8) ^ 2 > 1e-4)) { print; exit }')
    [ -z "$bad" ] && [ "$(wc -l <"$TMP/105_hea.tsv")" = "$(wc -l <"$TMP/105_edf.tsv")" ] ||
        fail "105: beats of the EDF copy differ: $bad"
    if grep -q '	649999	' "$TMP/105_edf.tsv"; then fail "105: a beat at the last sample"; fi
    rm -f "$TMP"/105*
fi

# A WFDB record's reference beats (MARSH 0017's .atr: 1164) come back from the copies as
# reference annotations (source wfdb), not as session events: analyze finds the 2 session events
# of the events file, 2 epochs, as on the original (they were 1166 epochs named N).
M17=$SHARED/data/marsh/0017_ecg.hea
if [ -f "$M17" ]; then
    printf 'onset\tduration\ttrial_type\n10\t60\trest\n100\t30\ttalk\n' >"$TMP/m17ev.tsv"
    for out in m17.edf sub-17_task-m_physio.tsv.gz; do
        expect_exit 0 "$PSYPHYS" convert "$M17" "$TMP/$out" --events "$TMP/m17ev.tsv"
        expect_exit 0 "$PSYPHYS" info "$TMP/$out" --first-events 2000
        [ "$(grep -c ' wfdb  *N$' "$TMP/out")" = 1164 ] || fail "$out: not 1164 wfdb N annotations"
        expect_exit 0 "$PSYPHYS" analyze "$TMP/$out" -o "$TMP/m17an"
        expect_grep ', 2 session events' "$TMP/out"
        [ "$(cat "$TMP"/m17an/*_epochs.tsv | wc -l)" = 3 ] || fail "$out: epochs are not rest and talk"
        rm -r "$TMP/m17an" "$TMP/$out"
    done
    rm -f "$TMP"/sub-17_* "$TMP/m17ev.tsv"
fi

# OUT.tsv.gz, the documented form without BIDS's _physio in the name, reads back: OUT.json and
# OUT_physioevents.tsv.gz are found as for a BIDS name (it read as a CSV without a rate).
mkdir "$TMP/plain"
expect_exit 0 "$PSYPHYS" convert "$DEMO" "$TMP/plain/rec.tsv.gz"
expect_exit 0 "$PSYPHYS" info "$TMP/plain/rec.tsv.gz"
expect_grep '^channels +4' "$TMP/out"
expect_grep ' ECG +ECG +mV +100 +15000 ' "$TMP/out"
expect_grep '^events +4' "$TMP/out"
expect_exit 0 "$PSYPHYS" beats "$TMP/plain/rec.tsv.gz" -o "$TMP/plain/a.tsv"
expect_exit 0 "$PSYPHYS" beats "$DEMO" -o "$TMP/plain/b.tsv"
cmp -s "$TMP/plain/a.tsv" "$TMP/plain/b.tsv" || fail "beats differ between the recording and its OUT.tsv.gz copy"
rm -r "$TMP/plain"

# Channel types survive the copies (EDF's transducer field, the BIDS sidecar's ChannelType): the
# Movesense ECG labelled "Sample" stays ECG (it became OTHER: beats found no ECG). BIDS physio has
# no field for the start date-time: said, not dropped silently.
MV=$SHARED/data/dyadic_movesense/data/234130000540/ECG-2025_01_25-16_42_59.csv
if [ -f "$MV" ]; then
    for out in mv.edf sub-mv_task-x_physio.tsv.gz; do
        expect_exit 0 "$PSYPHYS" convert "$MV" "$TMP/$out"
        case $out in
        *.tsv.gz) expect_grep 'start date-time 2025-01-25T..:..:.. not written: BIDS physio has no field' "$TMP/err" ;;
        esac
        expect_exit 0 "$PSYPHYS" info "$TMP/$out"
        expect_grep ' Sample +ECG ' "$TMP/out"
        expect_exit 0 "$PSYPHYS" beats "$TMP/$out" -o "$TMP/mvbeats.tsv"
        rm -f "$TMP/$out" "$TMP"/mvbeats.* "$TMP"/sub-mv_*
    done
fi
# Biopac: "EDA filtered, differentiated" (OTHER, microsiemens) is cut to "EDA filtered, di" in EDF's
# 16 characters; it stays OTHER in uS (not "microsie"), so analyze takes "EDA - GSR100C" as the EDA
# channel, as on the original (it took the derivative: SCL n/a, no SCRs).
ACQ=$SHARED/data/formats/acq/physio-5.0.1.acq
if [ -f "$ACQ" ]; then
    expect_exit 0 "$PSYPHYS" convert "$ACQ" "$TMP/acq.edf"
    expect_grep "label 'EDA filtered, differentiated' -> 'EDA filtered, di'" "$TMP/err"
    expect_grep "unit 'microsiemens' -> 'uS'" "$TMP/err"
    expect_exit 0 "$PSYPHYS" info "$TMP/acq.edf"
    expect_grep ' EDA filtered, di +OTHER +uS ' "$TMP/out"
    expect_grep ' EDA - GSR100C +EDA +uS ' "$TMP/out"
    expect_exit 0 "$PSYPHYS" analyze "$TMP/acq.edf" -o "$TMP/acqan"
    expect_grep '"eda": "EDA - GSR100C"' "$TMP/acqan/acq_segments.json"
    rm -r "$TMP/acq.edf" "$TMP/acqan"
fi

# A failed conversion leaves no output and no temporary file.
printf 'GDF 2.10 xxxxxxxxxxxx' >"$TMP/x.gdf"
expect_exit 1 "$PSYPHYS" convert "$TMP/x.gdf" "$TMP/none.edf"
[ ! -e "$TMP/none.edf" ] || fail "a failed conversion left an output"
expect_exit 2 "$PSYPHYS" convert "$DEMO" "$TMP/out.xyz"
[ -z "$(ls "$TMP" | grep -v -E '^(copy|keep|precious|self|x|out|err|sub-01_task-view_physio)')" ] ||
    fail "stray files: $(ls "$TMP")"
# A label that is a quote (WFDB's note annotation '"', e.g. MARSH's breaths) was written bare and
# read back empty: the cell is written quoted ("""" ), the label survives the round trip.
printf 'onset\tduration\ttrial_type\n1.5\t0\t""""\n2.5\t0\t"""x"" y"\n' > "$TMP/quote.tsv"
mkdir -p "$TMP/q"
expect_exit 0 "$PSYPHYS" convert "$DEMO" "$TMP/q/sub-01_task-q_physio.tsv.gz" --events "$TMP/quote.tsv"
expect_exit 0 "$PSYPHYS" info "$TMP/q/sub-01_task-q_physio.tsv.gz" --json
expect_grep '"label": "\\"",?$' "$TMP/out"
expect_grep '"label": "\\"x\\" y"' "$TMP/out"
# the reader's warnings reach stderr: a cut last line is left out of the copy, not silently
mkdir -p "$TMP/cut"
printf '1560279825.000000\n4.000000\n0.061496\n0.060215\n0.060' >"$TMP/cut/EDA.csv"
expect_exit 0 "$PSYPHYS" convert "$TMP/cut/EDA.csv" "$TMP/cut_physio.tsv.gz"
expect_grep "warning: the last line \(5\) does not end with a line break" "$TMP/err"
finish
