# The QC page draws what the recording holds: lines broken at gaps, no empty plots for missing
# channels, epoch plots as long as the blocks the events open, ECG strips capped with a summary.
. "$(dirname "$0")/lib_cli.sh"
DEMO=$SRC/recordings/neurokit_eventrelated.edf
S=neurokit_eventrelated

# the <svg> of the plot named $1 (first one) in page $2
plot_of() {
    sed -n "/data-plot=\"$1\"/,/<\/svg>/p" "$2" | sed '/<\/svg>/q'
}
# the number of line pieces (M commands) of the first path in colour $2 of plot $1 in page $3
pieces() {
    plot_of "$1" "$3" | grep -o "<path fill=\"none\" stroke=\"$2\"[^>]*d=\"[^\"]*\"" | head -1 | grep -o 'M' | wc -l
}

# ---- a 20-s stretch without ECG (missing samples): the heart-rate and NN lines break there ----
mkdir "$TMP/gap"
expect_exit 0 "$PSYPHYS" convert "$DEMO" "$TMP/gap/full_physio.tsv.gz"
gunzip -c "$TMP/gap/full_physio.tsv.gz" | awk -F'\t' 'BEGIN { OFS = "\t" } NR > 6000 && NR <= 8000 { $1 = "n/a" } { print }' |
    gzip -n >"$TMP/gap/gap_physio.tsv.gz"
cp "$TMP/gap/full_physio.json" "$TMP/gap/gap_physio.json"
expect_exit 0 "$PSYPHYS" analyze "$TMP/gap/gap_physio.tsv.gz" -o "$TMP/gap/res" --report --layout flat
PAGE=$TMP/gap/res/gap_physio_report.html
[ "$(pieces timeline-hr '#0072B2' "$PAGE")" -eq 2 ] || fail "heart-rate line not broken at the gap: $(pieces timeline-hr '#0072B2' "$PAGE") pieces"
[ "$(pieces tachogram '#0072B2' "$PAGE")" -eq 2 ] || fail "NN line not broken at the gap"
[ "$(pieces tachogram '#E69F00' "$PAGE")" -eq 2 ] || fail "raw RR line not broken at the gap"
# the demo itself has no gap: one piece each
expect_exit 0 "$PSYPHYS" analyze "$DEMO" -o "$TMP/demo" --report
[ "$(pieces timeline-hr '#0072B2' "$TMP/demo/${S}_report.html")" -eq 1 ] || fail "the demo's heart-rate line is broken"

# ---- no empty plots: a channel the recording lacks gives a caption, not a box ----
expect_exit 0 "$PSYPHYS" analyze "$DEMO" --channel-type EDA=OTHER -o "$TMP/noeda" --report
PAGE=$TMP/noeda/${S}_report.html
for plot in timeline-scl eda eda-driver epoch-scr; do
    [ "$(grep -c "data-plot=\"$plot\"" "$PAGE")" -eq 0 ] || fail "without EDA: a $plot plot"
done
[ "$(grep -c 'data-plot="epoch-hr"' "$PAGE")" -eq 2 ] || fail "without EDA: the heart-rate epoch plots are kept"
expect_grep 'No skin conductance plot: no EDA channel analysed' "$PAGE"
expect_grep 'No skin conductance channel: heart rate only' "$PAGE"
if grep -q '<text class="note"' "$PAGE"; then fail "without EDA: an empty plot with a note"; fi
printf 'time,RSP\n' >"$TMP/resp.csv"
i=0; while [ $i -lt 600 ]; do echo "$i,$(( (i / 20) % 20 ))" >>"$TMP/resp.csv"; i=$((i + 1)); done
printf 'onset\tduration\ttrial_type\n10\t5\tx\n' >"$TMP/resp_events.tsv"
expect_exit 0 "$PSYPHYS" analyze "$TMP/resp.csv" --fs 10 --events "$TMP/resp_events.tsv" -o "$TMP/resp" --report
PAGE=$TMP/resp/resp_report.html
[ "$(grep -c '<svg class="plot"' "$PAGE")" -eq 0 ] || fail "neither ECG nor EDA: $(grep -c '<svg class="plot"' "$PAGE") plots"
expect_grep 'No heart-rate plot: no beats' "$PAGE"
expect_grep 'No heart rate or skin conductance to plot around the events' "$PAGE"

# ---- epochs of 60-s blocks are drawn 60 s long (the analysis's window is 10 s) ----
printf 'onset\tduration\ttrial_type\n20\t60\trest\n85\t60\trest\n' >"$TMP/blocks.tsv"
expect_exit 0 "$PSYPHYS" analyze "$DEMO" --events "$TMP/blocks.tsv" -o "$TMP/blocks" --report --layout flat
PAGE=$TMP/blocks/${S}_report.html
expect_grep '<h3>rest \(2 events; blocks up to 60 s\)</h3>' "$PAGE"
sed -n '/Heart rate: rest/,/<\/svg>/p' "$PAGE" >"$TMP/rest.svg"
grep -q '<text class="tick"[^>]*text-anchor="middle">60</text>' "$TMP/rest.svg" || fail "rest: the heart-rate epoch plot does not reach 60 s"
grep -q 'time from the event (s)' "$TMP/rest.svg" || fail "epoch plot axis label"
# the short events keep the analysis's window
plot_of epoch-hr "$TMP/demo/${S}_report.html" | grep -q '<text class="tick"[^>]*text-anchor="middle">10</text>' ||
    fail "Negative: the 10-s window"

# ---- many flagged beats: strips capped, the rest counted on one line ----
mkdir "$TMP/flagged"
cp "$TMP/demo/${S}"_* "$TMP/flagged/"
rm "$TMP/flagged/${S}_report.html"
awk -F'\t' 'BEGIN { OFS = "\t" } NR > 1 && NR % 4 == 0 { $4 = "ectopic"; $5 = 1 } { print }' "$TMP/demo/${S}_beats.tsv" \
    >"$TMP/flagged/${S}_beats.tsv"
expect_exit 0 "$PSYPHYS" report "$TMP/flagged"
PAGE=$TMP/flagged/${S}_report.html
[ "$(grep -c 'data-plot="ecg-strip"' "$PAGE")" -eq 12 ] || fail "8 flagged + 4 normal strips, not $(grep -c 'data-plot="ecg-strip"' "$PAGE")"
# (the corrected intervals follow from the labels, not the `corrected` cells: each ectopic beat's
# and the next beat's)
expect_grep '<p class="caption" id="ecg-summary">76 of 152 beats \(50\.0 %\) flagged or corrected: 38 ectopic, 76 with a corrected interval' "$PAGE"
expect_grep 'around 8 of the 76 corrected or flagged beats' "$PAGE"
finish
