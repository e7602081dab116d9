# psyphys report / analyze --report on the bundled session: every section and plot of the page,
# the values it states, self-containment, determinism, refusals, the batch index.
. "$(dirname "$0")/lib_cli.sh"
DEMO=$SRC/recordings/neurokit_eventrelated.edf
S=neurokit_eventrelated
PAGE=$TMP/res/${S}_report.html

# the <svg> of the plot named $1 (first one) in page $2
plot_of() {
    sed -n "/data-plot=\"$1\"/,/<\/svg>/p" "$2" | sed '/<\/svg>/q'
}

expect_exit 0 "$PSYPHYS" analyze "$DEMO" -o "$TMP/res" --report
expect_grep "wrote .*${S}_report.html" "$TMP/out"
[ -s "$PAGE" ] || fail "no report page"
# An unknown start is said to be unknown (sidecar: null), not 1985-01-01.
expect_grep '<tr><th>start</th><td>unknown</td></tr>' "$PAGE"
expect_grep '"start": null' "$TMP/res/${S}_segments.json"
# Sections, plots (2 timeline, 2 + 4 ECG strips, tachogram, Poincaré, Welch, Lomb, 2 EDA, breathing
# rate and strip, 2 x 2 epochs).
for id in header timeline ecg hrv eda breathing epochs tables; do
    expect_grep "<(section|header) id=\"$id\"" "$PAGE"
done
[ "$(grep -c '<svg class="plot"' "$PAGE")" -eq 20 ] || fail "20 plots expected, $(grep -c '<svg class="plot"' "$PAGE")"
for plot in timeline-hr timeline-scl tachogram poincare welch lomb eda eda-driver resp-rate resp-strip; do
    [ "$(grep -c "data-plot=\"$plot\"" "$PAGE")" -eq 1 ] || fail "plot $plot missing or repeated"
done
[ "$(grep -c 'data-plot="ecg-strip"' "$PAGE")" -eq 6 ] || fail "6 ECG strips expected (2 flagged + 4 normal)"
[ "$(grep -c 'data-plot="epoch-hr"' "$PAGE")" -eq 2 ] || fail "2 labels: 2 heart-rate epoch plots"
[ "$(grep -c 'data-plot="epoch-scr"' "$PAGE")" -eq 2 ] || fail "2 labels: 2 SCR epoch plots"
# Every plot has axes labels with units, and its data.
[ "$(grep -c '<text class="label"' "$PAGE")" -eq 40 ] || fail "two axis labels per plot"
for plot in timeline-hr tachogram welch lomb eda eda-driver epoch-hr epoch-scr; do
    plot_of $plot "$PAGE" | grep -q '<path fill="none" stroke=' || fail "plot $plot draws no line"
done
# The values the page states are the analysis's.
expect_grep '<th>beats</th><td>152 beats, 1 not normal; 2 of 151 NN intervals corrected \(1\.32 %\)' "$PAGE"
expect_grep '<th>skin conductance</th><td>15 SCRs' "$PAGE"
expect_grep '<th>duration</th><td>150\.000 s \(0:02:30\)' "$PAGE"
expect_grep '<h3>Negative \(2 events\)</h3>' "$PAGE"
expect_grep '<h3>Neutral \(2 events\)</h3>' "$PAGE"
expect_grep '<h3>Segments \(5 rows\)</h3>' "$PAGE"
expect_grep '<h3>Epochs \(4 rows\)</h3>' "$PAGE"
expect_grep '<td>Negative</td><td>10\.240000</td><td>61\.9127</td>' "$PAGE"
expect_grep 'Warnings \(0\)' "$PAGE"
expect_grep '<tr><td>RMSSD \(ms\)</td><td>72\.4396</td></tr>' "$PAGE"
# The segments table of 5 rows is turned: one row per column, the phases side by side.
expect_grep '<thead><tr><th>label</th><th>recording</th><th>Negative</th><th>Neutral</th><th>Neutral</th><th>Negative</th></tr></thead>' "$PAGE"
expect_grep '<tr><td>scr_count</td><td>15</td><td>0</td><td>1</td><td>0</td><td>1</td></tr>' "$PAGE"
# 15 SCR peaks and onsets marked, and one of each in the legend (24 before issue 16: of the 10 no
# longer reported, 8 were no rise of the level at all, 0.1 s means climbing less than 2 nS above
# an extrapolated decline; one rose 13 nS in 0.45 s, faster than an SCR; one is now scored from
# its earlier onset)
[ "$(plot_of eda "$PAGE" | grep -o '<circle' | wc -l)" -eq 16 ] || fail "15 SCR peaks marked"
[ "$(plot_of eda "$PAGE" | grep -o '<path d="M[^"]*Z"/>' | wc -l)" -eq 16 ] || fail "15 SCR onsets marked"
# the Poincaré plot has its SD1/SD2 ellipse (Brennan et al. 2001)
plot_of poincare "$PAGE" | grep -q '<path fill="none" stroke="#D55E00" stroke-width="1.40"' || fail "no SD1/SD2 ellipse"
# 4 events marked on the heart-rate timeline, the 4 phases shaded.
[ "$(plot_of timeline-hr "$PAGE" | grep -c '<line x1[^>]*stroke-dasharray')" -eq 5 ] || fail "4 event lines (and the legend's)"
[ "$(plot_of timeline-hr "$PAGE" | grep -c 'fill-opacity="0.22"')" -eq 4 ] || fail "4 shaded phases"
# The flagged beat's strip comes first, with the triangle of a flagged beat.
plot_of ecg-strip "$PAGE" | grep -q '107\.74 s · ectopic (interval corrected)' || fail "first strip: the ectopic beat"
# its beats: one normal R-peak, two flagged (the ectopic one and the next, its interval corrected),
# and one of each marker in the legend
[ "$(plot_of ecg-strip "$PAGE" | grep -o '<circle' | wc -l)" -eq 2 ] || fail "first strip: 1 normal R-peak"
[ "$(plot_of ecg-strip "$PAGE" | grep -o '<path d="M[^"]*Z"/>' | wc -l)" -eq 3 ] || fail "first strip: 2 flagged beats"
# Self-contained: no script, no external resource, no link out.
if grep -Eq '<script|<link|<img|src=|url\((["'"'"']?)(http|//)' "$PAGE"; then fail "page loads something"; fi
[ "$(grep -o 'http[s]*://[^"]*' "$PAGE" | grep -vc '^http://www.w3.org/2000/svg$')" -eq 0 ] || fail "a URL besides the SVG namespace"
size=$(wc -c <"$PAGE")
[ "$size" -gt 50000 ] && [ "$size" -lt 1000000 ] || fail "page size $size"
expect_grep '4 events \(dashed lines\), 4 session phases \(shaded\)' "$PAGE"
# Many phases are not shaded, many labels not all plotted: the captions say so.
printf 'onset\tduration\ttrial_type\n' >"$TMP/events.tsv"
i=0; while [ $i -lt 14 ]; do echo "$((20 + i * 8))	0	label$i" >>"$TMP/events.tsv"; i=$((i + 1)); done
expect_exit 0 "$PSYPHYS" analyze "$DEMO" --events "$TMP/events.tsv" --segments window:2 -o "$TMP/many" --report
expect_grep '1[89] events \(dashed lines\), 75 session phases \(too many to shade' "$TMP/many/${S}_report.html"
expect_grep 'The first 12 of 1[46] event labels are shown' "$TMP/many/${S}_report.html"
[ "$(grep -c 'data-plot="epoch-hr"' "$TMP/many/${S}_report.html")" -eq 12 ] || fail "12 labels plotted"
# Same outputs: byte-identical page; existing pages kept unless --overwrite; nothing half-written.
expect_exit 0 "$PSYPHYS" analyze "$DEMO" -o "$TMP/again" --report
cmp -s "$PAGE" "$TMP/again/${S}_report.html" || fail "the page differs between two runs"
expect_exit 1 "$PSYPHYS" report "$TMP/res"
expect_grep "${S}_report.html: exists; give --overwrite" "$TMP/err"
expect_exit 0 "$PSYPHYS" report "$TMP/res" --overwrite
cmp -s "$PAGE" "$TMP/again/${S}_report.html" || fail "psyphys report differs from analyze --report"
[ -z "$(ls "$TMP/res" | grep tmp)" ] || fail "temporary files left behind"
# The recording gone or changed since: the page is still written, says why the signals are missing.
cp "$DEMO" "$TMP/copy.edf"
expect_exit 0 "$PSYPHYS" analyze "$TMP/copy.edf" -o "$TMP/gone" --report
rm "$TMP/copy.edf"
expect_exit 0 "$PSYPHYS" report "$TMP/gone" --overwrite
expect_grep 'cannot be read from here' "$TMP/err"
expect_grep 'No ECG strips: the recording is not available' "$TMP/gone/copy_report.html"
[ "$(grep -c 'data-plot="tachogram"' "$TMP/gone/copy_report.html")" -eq 1 ] || fail "tables alone still give the tachogram"
cp "$DEMO" "$TMP/copy.edf"
printf 'x' >>"$TMP/copy.edf"
expect_exit 0 "$PSYPHYS" report "$TMP/gone" --overwrite
expect_grep 'changed since the analysis' "$TMP/gone/copy_report.html"
# The recording re-opened with the input options the sidecar records (settings.input_options):
# a CSV without a time column needs its rate; without it recorded the page says why.
awk 'BEGIN { print "EDA"; for (i = 0; i < 1200; i++) printf "%.4f\n", 5 + 0.5 * exp(-((i - 400) / 30) ^ 2) }' >"$TMP/eda.csv"
expect_exit 0 "$PSYPHYS" analyze "$TMP/eda.csv" --fs 10 -o "$TMP/eda"
expect_exit 0 "$PSYPHYS" report "$TMP/eda"
if grep -q 'cannot be re-opened' "$TMP/eda/eda_report.html"; then fail "input_options not used"; fi
plot_of eda "$TMP/eda/eda_report.html" | grep -q '<path fill="none" stroke="#000000"' || fail "no EDA signal drawn"
sed 's/"fs": 10.0/"fs": null/' "$TMP/eda/eda_segments.json" >"$TMP/eda/side" && mv "$TMP/eda/side" "$TMP/eda/eda_segments.json"
expect_exit 0 "$PSYPHYS" report "$TMP/eda" --overwrite
expect_grep 'cannot be re-opened' "$TMP/eda/eda_report.html"
# The files read with the recording (a WFDB record's signal files) are checked too.
mkdir "$TMP/files"
cp "$TMP/res/${S}"_*.tsv "$TMP/files/"
sed 's|"format": "EDF+C",|"format": "EDF+C", "files": [{"path": "'"$DEMO"'", "sha256": "'"$(printf '0%.0s' $(seq 64))"'"}],|' \
    "$TMP/res/${S}_segments.json" >"$TMP/files/${S}_segments.json"
cp "$TMP/res/${S}_beats.json" "$TMP/files/"
expect_exit 0 "$PSYPHYS" report "$TMP/files"
expect_grep "changed since the analysis \\($DEMO, read with it, differs: SHA-256\\)" "$TMP/files/${S}_report.html"
# A recording without ECG or EDA: the sections say so.
printf 'RSP\n' >"$TMP/resp.csv"
i=0; while [ $i -lt 600 ]; do echo "$(( (i / 20) % 20 ))" >>"$TMP/resp.csv"; i=$((i + 1)); done
expect_exit 0 "$PSYPHYS" analyze "$TMP/resp.csv" --fs 10 -o "$TMP/resp" --report
expect_grep 'No ECG strips: no beats table' "$TMP/resp/resp_report.html"
expect_grep 'No NN intervals' "$TMP/resp/resp_report.html"
# Batch index (psyphys batch's batch_status.tsv: error and outputs n/a when none, outputs
# `;`-separated relative to OUTDIR, in the input's folder): failures first, key metrics, links;
# the reports of output sets in folders below OUTDIR are written too.
expect_exit 0 "$PSYPHYS" analyze "$DEMO" -o "$TMP/res/site 2/a"
printf 'file\tstatus\terror\tseconds\toutputs\n' >"$TMP/res/batch_status.tsv"
printf '%s\tok\tn/a\t0.520\t%s\n' "$S.edf" "${S}_beats.tsv;${S}_segments.tsv" >>"$TMP/res/batch_status.tsv"
printf 'broken.edf\tfailed\tbroken.edf: truncated header\t0.010\tn/a\n' >>"$TMP/res/batch_status.tsv"
printf 'old.edf\tskipped\tn/a\t0.000\tn/a\n' >>"$TMP/res/batch_status.tsv"
printf 'site 2/a/%s.edf\tok\tn/a\t0.610\t%s\n' "$S" "site 2/a/${S}_scr.tsv;site 2/a/${S}_segments.tsv" >>"$TMP/res/batch_status.tsv"
expect_exit 0 "$PSYPHYS" report "$TMP/res" --overwrite
expect_grep 'wrote .*/index.html' "$TMP/out"
expect_grep "wrote .*/site 2/a/${S}_report.html" "$TMP/out"
cmp -s "$PAGE" "$TMP/res/site 2/a/${S}_report.html" || fail "the page in a batch subfolder differs"
INDEX=$TMP/res/index.html
expect_grep '4 files: 1 failed, 1 skipped or other, 2 ok' "$INDEX"
first=$(grep -o '<tr class="[a-z]*"><td class="file">[^<]*' "$INDEX" | head -1)
[ "$first" = '<tr class="failed"><td class="file">broken.edf' ] || fail "failures first: $first"
expect_grep '<div class="error">broken.edf: truncated header</div>' "$INDEX"
[ "$(grep -c 'class="error"' "$INDEX")" -eq 1 ] || fail "n/a is no error"
[ "$(grep -o '<tr class="[a-z]*">' "$INDEX" | tr '\n' ' ')" = '<tr class="failed"> <tr class="skipped"> <tr class="ok"> <tr class="ok"> ' ] ||
    fail "order: failed, skipped, ok"
[ "$(grep -c "<td>60\.860</td><td>1\.32</td><td>72\.4396</td><td>84\.9256</td>" "$INDEX")" -eq 2 ] || fail "metrics of both ok files"
expect_grep "<a href=\"${S}_report.html\">report</a>" "$INDEX"
expect_grep "<a href=\"site%202/a/${S}_report.html\">report</a>" "$INDEX"
# a batch folder is rerun at will: its pages are kept (said), the index rebuilt, the missing named
expect_exit 0 "$PSYPHYS" report "$TMP/res"
expect_grep 'kept 2 existing pages' "$TMP/err"
expect_grep 'old\.edf: no page' "$TMP/err"
expect_grep '1 failed file without a page' "$TMP/err"
expect_grep 'wrote .*/index.html' "$TMP/out"
# Refusals: no outputs, a broken table, bad usage.
mkdir "$TMP/empty"
expect_exit 1 "$PSYPHYS" report "$TMP/empty"
expect_grep 'no psyphys analyze outputs' "$TMP/err"
expect_exit 1 "$PSYPHYS" report "$TMP/nowhere"
expect_grep 'nowhere.*cannot read the folder' "$TMP/err"
mkdir "$TMP/broken"
cp "$TMP/res/${S}_segments.json" "$TMP/broken/"
printf 'label\tonset\tduration\nrecording\t0\n' >"$TMP/broken/${S}_segments.tsv"
expect_exit 1 "$PSYPHYS" report "$TMP/broken"
expect_grep "${S}_segments.tsv: row 2 has 2 cells, the header 3" "$TMP/err"
[ ! -e "$TMP/broken/${S}_report.html" ] || fail "a page from a broken table"
# Tables and sidecars edited by hand: nonsense values give a page that says so, never a crash.
mkdir "$TMP/edited"
cp "$TMP/res/${S}"_* "$TMP/edited/"
rm "$TMP/edited/${S}_report.html"
sed 's/"post_s": 10.0/"post_s": 1e30/' "$TMP/res/${S}_segments.json" >"$TMP/edited/${S}_segments.json"
sed '3s/^\([^	]*\)	[0-9]*	/\1	n\/a	/; 5s/^[^	]*	/nan	/' "$TMP/res/${S}_beats.tsv" >"$TMP/edited/${S}_beats.tsv"
sed '2s/^[^	]*	/inf	/' "$TMP/res/${S}_epochs.tsv" >"$TMP/edited/${S}_epochs.tsv"
expect_exit 0 "$PSYPHYS" report "$TMP/edited"
expect_grep 'is too long to plot' "$TMP/edited/${S}_report.html"
[ "$(tail -1 "$TMP/edited/${S}_report.html")" = '</html>' ] || fail "edited tables: page incomplete"
# Labels edited by hand (manual correction, as in Kubios or ARTiiFACT): a normal beat marked
# ectopic, one marked extra, the ectopic beat relabelled N (its `corrected` cell left stale).
# `psyphys hrv` on the table and the report built from it take the NN series the labels imply,
# alike: 151 intervals - 1 merged (extra) - 1 left out (the moved beat's) = 149, 2 corrected (hrv
# reclassified the intervals before, 151 and 1 ectopic, and the report counted the stale cells).
mkdir "$TMP/relabelled"
cp "$TMP/res/${S}"_* "$TMP/relabelled/"
rm "$TMP/relabelled/${S}_report.html"
awk -F '\t' 'BEGIN { OFS = "\t" } NR == 50 { $4 = "ectopic" } NR == 80 { $4 = "extra" }
    NR == 112 && $4 == "ectopic" { $4 = "N" } { print }' "$TMP/res/${S}_beats.tsv" >"$TMP/relabelled/${S}_beats.tsv"
RB=$TMP/relabelled/${S}_beats.tsv
expect_exit 0 "$PSYPHYS" hrv "$RB" -o "$TMP/relabelled.tsv"
[ "$(tr -d ' \n' <"$TMP/relabelled.json" | grep -o '"counts":{[^}]*}')" = '"counts":{"beats":152,"intervals":149,"corrected":2,"skipped":0,"N":149,"ectopic":1,"missed":0,"extra":1,"long":0,"short":0,"left_out":1}' ] ||
    fail "hrv on relabelled beats: $(tr -d ' \n' <"$TMP/relabelled.json" | grep -o '"counts":{[^}]*}')"
[ "$(col n_nn "$TMP/relabelled.tsv")" = 149 ] || fail "hrv on relabelled beats: n_nn $(col n_nn "$TMP/relabelled.tsv")"
expect_grep '"beat_classes": "the table.s labels: each beat corrected as its label says' "$TMP/relabelled.json"
expect_exit 0 "$PSYPHYS" report "$TMP/relabelled"
RP=$TMP/relabelled/${S}_report.html
expect_grep '<th>beats</th><td>152 beats, 2 not normal; 2 of 149 NN intervals corrected' "$RP"
expect_grep 'flagged or corrected: 1 ectopic, 1 extra, 4 with a corrected interval' "$RP"
expect_grep 'recomputed from the beats table \(149 intervals, 2 corrected\) differs from the analysis.s \(151, 2\)' "$RP"
# Without labels (n/a): classified here, as the unedited labels were: the same numbers.
awk -F '\t' 'BEGIN { OFS = "\t" } NR > 1 { $4 = "n/a" } { print }' "$TMP/res/${S}_beats.tsv" >"$TMP/unlabelled.tsv"
expect_exit 0 "$PSYPHYS" hrv "$TMP/unlabelled.tsv" -o "$TMP/unlabelled_hrv.tsv"
expect_exit 0 "$PSYPHYS" hrv "$TMP/res/${S}_beats.tsv" -o "$TMP/labelled_hrv.tsv"
cmp -s "$TMP/unlabelled_hrv.tsv" "$TMP/labelled_hrv.tsv" || fail "the unlabelled table gives other numbers"
expect_grep '"beat_classes": "classified here \(the table has no labels\)' "$TMP/unlabelled_hrv.json"
mkdir "$TMP/unlabelled"
cp "$TMP/res/${S}"_* "$TMP/unlabelled/"
rm "$TMP/unlabelled/${S}_report.html"
cp "$TMP/unlabelled.tsv" "$TMP/unlabelled/${S}_beats.tsv"
expect_exit 0 "$PSYPHYS" report "$TMP/unlabelled"
expect_grep '<th>beats</th><td>152 beats, without labels \(classified for the NN series\); 2 of 151 NN intervals corrected' \
    "$TMP/unlabelled/${S}_report.html"
# A label no class has, or some labels missing: refused, naming the line.
sed '7s/\tN\t/\tV\t/' "$TMP/res/${S}_beats.tsv" >"$TMP/badlabel.tsv"
expect_exit 1 "$PSYPHYS" hrv "$TMP/badlabel.tsv"
expect_grep "badlabel.tsv: line 7: label 'V' is not N, ectopic, missed, extra, long, short or n/a" "$TMP/err"
sed '7s/\tN\t/\tn\/a\t/' "$TMP/res/${S}_beats.tsv" >"$TMP/somelabels.tsv"
expect_exit 1 "$PSYPHYS" hrv "$TMP/somelabels.tsv"
expect_grep 'somelabels.tsv: line 7: no label, but line 2 has one: label every beat or none' "$TMP/err"
printf 'file\n' >"$TMP/empty/batch_status.tsv"
expect_exit 1 "$PSYPHYS" report "$TMP/empty"
expect_grep 'needs the columns file and status' "$TMP/err"
expect_exit 2 "$PSYPHYS" report
expect_exit 2 "$PSYPHYS" report "$TMP/res" --colour
expect_exit 2 "$PSYPHYS" analyze "$DEMO" --report
expect_grep 'needs -o OUTDIR' "$TMP/err"
expect_exit 0 "$PSYPHYS" report --help
finish
