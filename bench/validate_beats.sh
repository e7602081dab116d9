#!/bin/sh
# Beat detection accuracy: runs `psyphys beats` on every record of the MIT-BIH Arrhythmia
# (../shared/data/mitdb) and Noise Stress Test (../shared/data/nstdb) directories and scores it
# against the expert annotations with `psyphys score-beats` (ANSI/AAMI EC57: from minute 5,
# 150 ms window; every detection of the beats table, whatever its RR label). Prints one row per record, then the gross figures (sums of TP, FN, FP over the
# records) of each database, and the median of the per-record median timing errors, for all the
# records and separately for the development and the held-out ones (HELD_OUT below; a noise
# stress record counts with the clean record it is made from: 118e06 with 118).
#   sh bench/validate_beats.sh [BUILD_DIR [SHARED_DATA_DIR]] [RECORD...]
# With RECORD names, only those, looked up in both dirs. PSYPHYS=binary overrides BUILD_DIR/psyphys;
# NSTDB=dir scores that dir's records in place of SHARED_DATA_DIR/nstdb (bench/nst_make.sh writes
# more noise-stress records there; copy the nstdb 118e* files in too to score them all):
#   mkdir -p /tmp/nst && cp ../shared/data/nstdb/118e* /tmp/nst &&
#   sh bench/nst_make.sh build ../shared/data /tmp/nst && NSTDB=/tmp/nst sh bench/validate_beats.sh build ../shared/data
# LEADS=2 combines each record's first two signals (psyphys beats --channel A --channel B).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
data=${2:-$here/../../shared/data}
[ $# -ge 2 ] && shift 2 || shift $#
psyphys=${PSYPHYS:-$build/psyphys}
nstdb=${NSTDB:-$data/nstdb}
# Held out: every third MIT-BIH record in ../shared (sorted), never used to choose a setting of the
# detector; thresholds are chosen on the other 21 (and the noise stress records made from them).
HELD_OUT="103 111 114 117 123 205 212 215 222 233"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
score() { # db record
    dir=$data/$1
    [ "$1" = nstdb ] && dir=$nstdb
    hea=$dir/$2.hea
    [ -f "$hea" ] && [ -f "$dir/$2.atr" ] || return 0
    db=$1 rec=$2
    set --
    [ "${LEADS:-1}" = 2 ] && set -- --channel "$(sed -n 2p "$hea" | awk '{ print $NF }')" \
        --channel "$(sed -n 3p "$hea" | awk '{ print $NF }')"
    "$psyphys" beats "$hea" "$@" -o "$tmp/$rec.tsv" --overwrite >/dev/null 2>"$tmp/err" ||
        { echo "$rec: psyphys beats failed: $(cat "$tmp/err")" >&2; exit 1; }
    scores "$dir/$rec.atr" "$tmp/$rec.tsv" | awk -v db="$db" -v rec="$rec" '{ print db, rec, $0 }'
}
scores() { # ref test: n_reference fn fp se ppv median_error
    "$psyphys" score-beats --ref "$1" --test "$2" --json | tr -d '\n' | sed 's/[{}" ]//g' | tr ',' '\n' |
        awk -F: '{ v[$1] = $2 }
                 END { printf "%d %d %d %.2f %.2f %.1f\n", v["n_reference"], v["fn"], v["fp"], v["se_percent"],
                              v["ppv_percent"], v["median_error_ms"] }'
}
for db in mitdb nstdb; do
    if [ $# -gt 0 ]; then
        for r in "$@"; do score "$db" "$r"; done
    else
        dir=$data/$db
        [ "$db" = nstdb ] && dir=$nstdb
        for hea in "$dir"/*.hea; do
            r=$(basename "$hea" .hea)
            score "$db" "$r"
        done
    fi
done > "$tmp/rows"
awk -v held="$HELD_OUT" '
    function add(key, row_n, row_fn, row_fp, err) {
        n[key] += row_n; fn[key] += row_fn; fp[key] += row_fp; k[key]++; e[key, k[key]] = err
    }
    BEGIN { printf "%-6s %-8s %7s %5s %5s %7s %7s %9s\n", "db", "record", "beats", "FN", "FP", "Se %", "+P %", "err ms"
            split(held, h, " "); for (i in h) is_held[h[i]] = 1 }
    { printf "%-6s %-8s %7d %5d %5d %7.2f %7.2f %9.1f\n", $1, $2, $3, $4, $5, $6, $7, $8
      add($1, $3, $4, $5, $8)
      add($1 (substr($2, 1, 3) in is_held ? " held-out" : " development"), $3, $4, $5, $8) }
    END {
        split("mitdb nstdb", dbs, " "); split("|development|held-out", sets, "|")
        for (a = 1; a <= 2; a++) for (b = 1; b <= 3; b++) {
            db = dbs[a] (sets[b] == "" ? "" : " " sets[b])
            if (!(db in n)) continue
            tp = n[db] - fn[db]
            m = k[db]
            for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++)
                if (e[db, j] < e[db, i]) { t = e[db, i]; e[db, i] = e[db, j]; e[db, j] = t }
            med = m % 2 ? e[db, (m + 1) / 2] : (e[db, m / 2] + e[db, m / 2 + 1]) / 2
            printf "%s gross (%d records): beats %d, FN %d, FP %d, Se %.2f %%, +P %.2f %%, median timing error %.1f ms\n",
                   db, m, n[db], fn[db], fp[db], 100 * tp / n[db], 100 * tp / (tp + fp[db]), med
        }
    }' "$tmp/rows"
