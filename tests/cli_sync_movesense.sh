# psyphys sync end to end on ../shared/data/dyadic_movesense: two Movesense chest ECGs of one
# session (each with a pause and dropouts, sensor clocks at 198.95 and 199.12 Hz) and the session's
# events in Unix time; the analysis window VideoAnnotationStart..Stop as a segment (--segments
# markers). Checks the alignment, the segments, the tables, sidecars and report page.
. "$(dirname "$0")/lib_cli.sh"
D=$SHARED/data/dyadic_movesense/data
[ -d "$D" ] || { echo "no ../shared: skipped"; exit 77; }
A=$D/234130000540/ECG-2025_01_25-16_42_59.csv
B=$D/234130000594/ECG-2025_01_25-16_42_59.csv

expect_exit 0 "$PSYPHYS" info "$A"
expect_grep '^format +Movesense$' "$TMP/out"
expect_grep 'rate_hz|198\.95' "$TMP/out"
expect_grep '8 stretches' "$TMP/out"

expect_exit 0 "$PSYPHYS" sync "$A" "$B" --events "$D/Annotations-2025_01_25-16_42_59.csv" --segments markers \
    -o "$TMP/res" --stem dyad --report
expect_grep 'B starts \+4\.807 s after A' "$TMP/out"
# the pause neither recorded (A 17.45-184.09 s) is not time with both signals
expect_grep '735\.4 s together, 5[0-9]{2}\.[0-9] s with both signals' "$TMP/out"
expect_grep '"both_recorded_s": 5[0-9]{2}\.' "$TMP/res/dyad_sync.json"
expect_grep 'Unix times' "$TMP/err"
T=$TMP/res/dyad_sync.tsv
expect_grep '^session	4\.807	735\.393	hr	' "$T"
# the analysis window: VideoAnnotationStart (1737823570.853) to VideoAnnotationStop, 544 s
expect_grep '^VideoAnnotationStart	190\.497	543\.991	hr	0\.[0-9]{4}	-?[0-9]\.[0-9]{2}	0\.[0-9]{4}	(9[0-9]|10[0-9])	' "$T"
[ "$(wc -l <"$T")" -eq 8 ] || fail "want the session and 6 segments"
# the README's figures (Accuracy, a real dyad) within a stated tolerance: r +-0.02, lag +-0.5 s, p +-0.03
near() { # LABEL R LAG P: the hr row of LABEL in $T
    awk -F'\t' -v l="$1" -v r="$2" -v lag="$3" -v p="$4" 'function abs(x) { return x < 0 ? -x : x }
        $1 == l && $4 == "hr" { found = 1; ok = abs($5 - r) <= 0.02 && abs($6 - lag) <= 0.5 && abs($7 - p) <= 0.03 }
        END { exit !(found && ok) }' "$T" || fail "$1: r/lag/p not near $2 $3 $4: $(grep "^$1	" "$T")"
}
near session 0.473 1.75 0.086
near VideoAnnotationStart 0.467 1.75 0.102
for ab in "$A 869" "$B 1032"; do
    set -- $ab
    expect_exit 0 "$PSYPHYS" beats "$1" -o "$TMP/beats$2.tsv"
    n=$(($(wc -l <"$TMP/beats$2.tsv") - 1))
    [ $n -ge $(($2 - 3)) ] && [ $n -le $(($2 + 3)) ] || fail "$1: $n beats, the README says $2 (+-3)"
done
expect_grep '"b_start_minus_a_start_s": 4\.806' "$TMP/res/dyad_sync.json"
expect_grep 'the timestamps give 198\.950 Hz' "$TMP/res/dyad_sync.json"
expect_grep 'clipped to the time both recordings cover' "$TMP/res/dyad_sync.json"
expect_grep '<svg' "$TMP/res/dyad_sync-report.html"

# --events-columns maps the --events file's columns (A's), never B's (which has no --events)
expect_exit 0 "$PSYPHYS" sync "$A" "$B" --events "$D/Annotations-2025_01_25-16_42_59.csv" --segments markers \
    --events-columns onset=Timestamp,label=Type -o "$TMP/cols" --stem dyad
expect_grep "label from 'Type'" "$TMP/err"
expect_grep '^VideoAnnotationStart	190\.497	543\.991	hr	' "$TMP/cols/dyad_sync.tsv"
expect_grep 'VideoAnnotationStart' "$TMP/res/dyad_sync-report.html"

# the sensors' own beat lists (HR-*.csv: running average and R-R interval per beat, no time
# stamps): read as RR and HR channels, start unknown; their mean NN within 1 % of the NN of the
# beats psyphys finds in the same sensor's ECG
for dev in 540 594; do
    H=$D/234130000$dev/HR-2025_01_25-16_42_59.csv
    expect_exit 0 "$PSYPHYS" info "$H"
    expect_grep '^format +Movesense heart rate$' "$TMP/out"
    expect_grep '^start +unknown$' "$TMP/out"
    expect_grep 'RRData +RR +ms +irregular +(871|1028) ' "$TMP/out"
    expect_exit 0 "$PSYPHYS" hrv "$H" -o "$TMP/hrv_hr$dev.tsv" --keep-corrected
    expect_exit 0 "$PSYPHYS" hrv "$D/234130000$dev/ECG-2025_01_25-16_42_59.csv" -o "$TMP/hrv_ecg$dev.tsv" --keep-corrected
    a=$(awk -F'\t' 'NR == 2 { print $5 }' "$TMP/hrv_hr$dev.tsv")
    b=$(awk -F'\t' 'NR == 2 { print $5 }' "$TMP/hrv_ecg$dev.tsv")
    awk -v a="$a" -v b="$b" 'BEGIN { d = a / b - 1; exit !(d < 0.01 && d > -0.01) }' ||
        fail "device $dev: mean NN $a ms from the HR list, $b ms from the ECG"
done
expect_exit 0 "$PSYPHYS" sync "$D/234130000540/HR-2025_01_25-16_42_59.csv" "$D/234130000594/HR-2025_01_25-16_42_59.csv" \
    -o "$TMP/res" --stem devices --signal hr
expect_grep 'a start time is unknown' "$TMP/err"
expect_grep '^session	0\.000	549\.704	hr	0\.[0-9]{4}	' "$TMP/res/devices_sync.tsv"
T=$TMP/res/devices_sync.tsv
near session 0.401 2.25 0.144

finish
