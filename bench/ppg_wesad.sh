#!/bin/sh
# Mean pulse rate per WESAD condition from psyphys's pulses of the E4's BVP, against the E4's own
# HR.csv and IBI.csv (../shared/data/wesad_wrist; each subject's folder opened as one recording).
#   sh bench/ppg_wesad.sh [BUILD_DIR [SHARED_DATA]]
# Conditions: quest.csv times (chest clock) + D (chest start - E4 start; SOURCE.md: S2 1416 s from
# the RespiBAN header, the others estimated there from the meditations' stillness). Rates are
# 60000 / mean interval over the condition (NN of the pulses; IBI.csv's intervals) and the mean
# of HR.csv's samples (bench/e4_hr.py, which also gives the pulses' unusable share: on HR.csv's own
# start, 10 s after the others, and rate; all of them, those
# whose trailing minute -- HR.csv's averaging -- lies inside the condition, and of those the ones over the
# pulses' usable time). Prints one row per subject and condition, then how many conditions are within
# the target |pulses - E4| <= 3 bpm of each.
set -eu
build=${1:-build}
data=${2:-../shared/data}
psyphys=$build/psyphys
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
here=$(dirname "$0")
printf 'subject\tcondition\tstart_s\tend_s\tpulses_bpm\tn_nn\tunusable_pct\te4_hr_bpm\te4_hr_inside_bpm\te4_hr_usable_bpm\te4_ibi_bpm\tdiff_hr\tdiff_hr_inside\tdiff_hr_usable\tdiff_ibi\n'
for s in S2 S7 S9 S15; do
    dir=$data/wesad_wrist/$s/${s}_E4_Data
    case $s in S2) D=1416 ;; S7) D=1148 ;; S9) D=928 ;; S15) D=1138 ;; esac
    "$psyphys" beats "$dir" --channel BVP -o "$tmp/$s.tsv" --nn "$tmp/$s.nn.tsv" 2>/dev/null
    "$psyphys" beats "$dir" --channel IBI -o "$tmp/$s.ibi.tsv" 2>/dev/null
    # quest.csv: "# START;;a;b;..." and "# END;;..." rows, "# ORDER" names the columns
    awk -F';' -v D="$D" '
        /^# ORDER/ { for (i = 2; i <= NF; i++) name[i] = $i }
        /^# START/ { for (i = 2; i <= NF; i++) st[i] = $i }
        /^# END/ { for (i = 2; i <= NF; i++) en[i] = $i }
        function secs(v,   m, s) { m = int(v); s = v - m; s = sprintf("%.2f", s) * 100; return m * 60 + s }
        END { for (i = 2; i in name; i++) if (name[i] ~ /^(Base|TSST|Fun|Medi 1|Medi 2)$/)
                  printf "%s\t%d\t%d\n", name[i], secs(st[i]) + D, secs(en[i]) + D }' \
        "$data/wesad_wrist/$s/${s}_quest.csv" > "$tmp/$s.cond"
    while IFS="$(printf '\t')" read -r cond a b; do
        row=$(awk -F'\t' -v a="$a" -v b="$b" 'NR > 1 && $1 >= a && $1 < b { s += $2; n++ }
                END { printf "%.1f\t%d", n ? 60000 * n / s : -1, n }' "$tmp/$s.nn.tsv")
        hr=$(python3 "$here/e4_hr.py" "$dir" "$tmp/$s.json" "$a" "$b") # unusable %, then HR.csv's means
        ibi=$(awk -F'\t' -v a="$a" -v b="$b" 'NR > 1 && $1 >= a && $1 < b && $3 != "n/a" { s += $3; n++ }
                END { printf "%.1f", n ? 60000 * n / s : -1 }' "$tmp/$s.ibi.tsv")
        echo "$s	$cond	$a	$b	$row	$hr	$ibi" | awk -F'\t' '
            function diff(e) { return e == "n/a" ? "n/a" : sprintf("%+.1f", $5 - e) }
            { printf "%s\t%s\t%s\t%s\t%s\n", $0, diff($8), diff($9), diff($10), diff($11) }'
    done < "$tmp/$s.cond"
done > "$tmp/rows"
cat "$tmp/rows"
awk -F'\t' 'function ok(d) { return d != "n/a" && d >= -3 && d <= 3 }
    { n++; hr += ok($12); inside += ok($13); usable += ok($14); has += $14 != "n/a"; ibi += ok($15) }
    END { printf "within 3 bpm of %d conditions: HR.csv %d, its minutes inside the condition %d, of those over usable pulses %d (of %d with such minutes), IBI.csv %d\n", n, hr, inside, usable, has, ibi }' "$tmp/rows"
