# psyphys info on the bundled demo recording, its JSON form, and the usage errors.
. "$(dirname "$0")/lib_cli.sh"
DEMO=$SRC/recordings/neurokit_eventrelated.edf

expect_exit 0 "$PSYPHYS" info "$DEMO"
expect_grep '^format +EDF\+C' "$TMP/out"
expect_grep '^duration +150\.000 s' "$TMP/out"
expect_grep '^channels +4' "$TMP/out"
expect_grep ' ECG +ECG +mV +100 +15000 +150\.000' "$TMP/out"
expect_grep ' EDA +EDA +uS +100 +15000' "$TMP/out"
expect_grep ' RSP +RESP ' "$TMP/out"
expect_grep ' Photosensor +TRIGGER ' "$TMP/out"
expect_grep '^events +4' "$TMP/out"
expect_grep ' 10\.2400 +3\.0000 +annotation +Negative' "$TMP/out"
expect_grep ' 129\.8400 +3\.0000 +annotation +Negative' "$TMP/out"

# The demo's start is unknown (the CSV it came from has none): said so, not 1985-01-01.
expect_grep '^start +unknown$' "$TMP/out"
if grep -q 'warning' "$TMP/out"; then fail "EDF+'s Startdate X is conformant: no warning"; fi

expect_exit 0 "$PSYPHYS" info --json "$DEMO"
expect_grep '"start": null,' "$TMP/out"
expect_grep '"format": "EDF\+C"' "$TMP/out"
expect_grep '"event_count": 4' "$TMP/out"
expect_grep '"type": "EDA"' "$TMP/out"

expect_exit 0 "$PSYPHYS" info --first-events 0 "$DEMO"
if grep -q 'Negative' "$TMP/out"; then fail "--first-events 0 still lists events"; fi

expect_exit 0 "$PSYPHYS" info --channel-type Photosensor=OTHER "$DEMO"
expect_grep ' Photosensor +OTHER ' "$TMP/out"
expect_exit 1 "$PSYPHYS" info --channel-type Nope=ECG "$DEMO"
expect_grep "no channel labelled 'Nope'" "$TMP/err"
expect_exit 2 "$PSYPHYS" info --channel-type ECG=BANANA "$DEMO"

# Trigger channels add events: four photosensor pulses beside the four annotations.
expect_exit 0 "$PSYPHYS" info --trigger Photosensor "$DEMO"
expect_grep '^events +8' "$TMP/out"
expect_grep ' 92\.2400 +3\.0000 +trigger +Photosensor +channel=Photosensor' "$TMP/out"
expect_exit 0 "$PSYPHYS" info --trigger Photosensor:1.0 --first-events 0 "$DEMO"
expect_grep '^events +8' "$TMP/out"
expect_exit 1 "$PSYPHYS" info --trigger Nope "$DEMO"
expect_grep "no channel labelled 'Nope'" "$TMP/err"
expect_exit 2 "$PSYPHYS" info --trigger Photosensor:abc "$DEMO"

expect_exit 0 "$PSYPHYS" info --help
expect_grep 'usage: psyphys info' "$TMP/out"
expect_exit 0 "$PSYPHYS" convert --help
expect_exit 0 "$PSYPHYS" --version
expect_exit 2 "$PSYPHYS" info
expect_exit 2 "$PSYPHYS" info --bogus "$DEMO"
expect_exit 2 "$PSYPHYS" frobnicate
expect_exit 2 "$PSYPHYS" info --fs -3 "$DEMO"
expect_exit 2 "$PSYPHYS" info --fs abc "$DEMO"
finish
