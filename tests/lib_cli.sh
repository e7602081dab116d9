# Shared by the CLI tests: sourced with $1 = psyphys binary, $2 = source dir, $3 = shared dir.
set -u
PSYPHYS=$1
SRC=$2
SHARED=$3
TMP=$(mktemp -d "${TMPDIR:-/tmp}/psyphys-cli-XXXXXX")
trap 'rm -rf "$TMP"' EXIT
failures=0

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# expect_exit CODE CMD...: runs CMD, keeps stdout/stderr in $TMP/out and $TMP/err.
expect_exit() {
    want=$1
    shift
    "$@" >"$TMP/out" 2>"$TMP/err"
    got=$?
    [ "$got" -eq "$want" ] || fail "exit $got, want $want: $* ($(head -c 300 "$TMP/err"))"
}

# expect_grep PATTERN FILE: FILE contains PATTERN (extended regex).
expect_grep() {
    grep -Eq -- "$1" "$2" || fail "'$1' not in $2: $(head -c 400 "$2")"
}

# col NAME FILE [ROW]: the value of column NAME in data row ROW (default 1) of a TSV.
col() {
    awk -F '\t' -v name="$1" -v row="${3:-1}" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i }
        NR == row + 1 { print (c ? $c : "no-such-column") }' "$2"
}

finish() {
    if [ "$failures" -ne 0 ]; then
        echo "$failures check(s) failed" >&2
        exit 1
    fi
    echo "all checks passed"
    exit 0
}
