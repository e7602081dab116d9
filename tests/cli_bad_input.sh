# Bad input: one error line naming the file and the reason, exit 1, never a crash.
. "$(dirname "$0")/lib_cli.sh"

check_bad() { # FILE EXPECTED-REASON-REGEX [extra args]
    f=$1
    reason=$2
    shift 2
    expect_exit 1 "$PSYPHYS" info "$f" "$@"
    expect_grep "^psyphys: $f: .*$reason" "$TMP/err"
    [ "$(wc -l <"$TMP/err")" -eq 1 ] || fail "more than one error line for $f"
}

: >"$TMP/empty.edf"
check_bad "$TMP/empty.edf" "empty"
check_bad "$TMP/missing.edf" "cannot open"
check_bad "$TMP" "directory"
printf 'GDF 2.10 xxxxxxxxxxxx' >"$TMP/x.gdf"
check_bad "$TMP/x.gdf" "GDF"
printf '\001\002\003\377\376\000\200' >"$TMP/x.bin"
check_bad "$TMP/x.bin" "unknown format"
# An EDF header cut short.
printf '0       patient                                                                         ' >"$TMP/short.edf"
check_bad "$TMP/short.edf" "."
# A CSV with a non-numeric cell.
printf 'ECG,EDA\n0.1,2.0\n0.2,abc\n' >"$TMP/bad.csv"
check_bad "$TMP/bad.csv" "abc|row|line" --fs 100
# A WFDB header naming a missing signal file.
printf 'rec 1 360 1000\nrec.dat 212 200 11 1024 0 0 0 MLII\n' >"$TMP/rec.hea"
check_bad "$TMP/rec.hea" "rec.dat"
# A WFDB header with a zero sampling frequency.
printf 'zero 1 0 1000\nzero.dat 16 200 16 0 0 0 0 ECG\n' >"$TMP/zero.hea"
: >"$TMP/zero.dat"
check_bad "$TMP/zero.hea" "."
finish
