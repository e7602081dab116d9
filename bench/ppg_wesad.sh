#!/bin/sh
# Mean pulse rate per WESAD condition from psyphys's pulses of the E4's BVP, against the E4's own
# HR.csv and IBI.csv (../shared/data/wesad_wrist; each subject's folder opened as one recording).
#   sh bench/ppg_wesad.sh [BUILD_DIR [SHARED_DATA]]
# Conditions: quest.csv times (chest clock) + D (chest start - E4 start; SOURCE.md: S2 1416 s from
# the RespiBAN header, the others estimated there from the meditations' stillness). Rates are
# 60000 / mean interval over the condition (NN of the pulses; IBI.csv's intervals) and the mean
# of HR.csv's samples. Prints one row per subject and condition; target |pulses - E4| <= 3 bpm.
set -eu
build=${1:-build}
data=${2:-../shared/data}
psyphys=$build/psyphys
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'subject\tcondition\tstart_s\tend_s\tpulses_bpm\tn_nn\tunusable_pct\te4_hr_bpm\te4_ibi_bpm\tdiff_hr\tdiff_ibi\n'
fail=0
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
        unusable=$(python3 -c "
import json; d = json.load(open('$tmp/$s.json')); a, b = $a, $b
u = sum(max(0, min(b, g['onset'] + g['duration']) - max(a, g['onset'])) for g in d['gaps'])
print('%.0f' % (100 * u / (b - a)))")
        hr=$(awk -v a="$a" -v b="$b" 'NR == 1 { t0 = $1 } NR > 2 { t = t0 + NR - 3; if (t - t0 >= a && t - t0 < b) { s += $1; n++ } }
                END { printf "%.1f", s / n }' "$dir/HR.csv")
        ibi=$(awk -F'\t' -v a="$a" -v b="$b" 'NR > 1 && $1 >= a && $1 < b && $3 != "n/a" { s += $3; n++ }
                END { printf "%.1f", n ? 60000 * n / s : -1 }' "$tmp/$s.ibi.tsv")
        echo "$s	$cond	$a	$b	$row	$unusable	$hr	$ibi" | awk -F'\t' '{
            d1 = $5 - $8; d2 = $5 - $9; printf "%s\t%+.1f\t%+.1f\n", $0, d1, d2 }'
    done < "$tmp/$s.cond"
done
