# QC reports of long recordings stay small: a day of skin conductance (4 Hz, an SCR every 2 min)
# and 6 h of RR intervals are drawn reduced per pixel column, every SCR still marked.
. "$(dirname "$0")/lib_cli.sh"

# the <svg> of the plot named $1 (first one) in page $2
plot_of() {
    sed -n "/data-plot=\"$1\"/,/<\/svg>/p" "$2" | sed '/<\/svg>/q'
}
# the number of points of the first line (path) of plot $1 in page $2
points_of() {
    plot_of "$1" "$2" | grep -m1 '<path fill="none"' | tr -cd 'ML' | wc -c
}

awk 'BEGIN { print "time,EDA"; for (i = 0; i < 345600; i++) { t = i / 4; k = i % 480;
    printf "%.2f,%.4f\n", t, 5 + sin(t / 3000) + (k < 8 ? 0.3 * k / 8 : 0.3 * exp(-(k - 8) / 40)) } }' >"$TMP/eda_day.csv"
expect_exit 0 "$PSYPHYS" analyze "$TMP/eda_day.csv" -o "$TMP/eda" --report
PAGE=$TMP/eda/eda_day_report.html
expect_grep '<th>duration</th><td>86400\.000 s \(24:00:00\)' "$PAGE"
expect_grep '<th>skin conductance</th><td>720 SCRs' "$PAGE"
# 345 600 samples drawn as at most 4 points per pixel column (644 columns)
n=$(points_of eda "$PAGE")
[ "$n" -gt 644 ] && [ "$n" -le 2600 ] || fail "EDA signal drawn with $n points"
# every SCR in the table, its peak marked (markers on one half-pixel cell are drawn once)
peaks=$(plot_of eda "$PAGE" | grep -o '<circle' | wc -l)
[ "$peaks" -gt 600 ] || fail "only $peaks SCR peaks marked"
size=$(wc -c <"$PAGE")
[ "$size" -lt 1000000 ] || fail "a day of EDA gives a $size-byte page"

awk 'BEGIN { srand(7); print "rr_ms"; for (i = 0; i < 27000; i++)
    printf "%.0f\n", 800 + 60 * sin(i / 9.0) + 40 * sin(i / 900.0) + 20 * rand() + (i % 5000 == 17 ? 700 : 0) }' >"$TMP/rr.txt"
expect_exit 0 "$PSYPHYS" analyze "$TMP/rr.txt" -o "$TMP/rr" --report
PAGE=$TMP/rr/rr_report.html
expect_grep '<th>beats</th><td>27000 beats' "$PAGE"
for plot in tachogram timeline-hr welch lomb; do
    n=$(points_of $plot "$PAGE")
    [ "$n" -gt 300 ] && [ "$n" -le 2600 ] || fail "$plot drawn with $n points"
done
expect_grep 'No ECG strips: the beats come from an RR channel' "$PAGE"
size=$(wc -c <"$PAGE")
[ "$size" -lt 1000000 ] || fail "6 h of RR give a $size-byte page"
finish
