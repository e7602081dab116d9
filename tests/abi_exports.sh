# The shared library exports its public API and nothing else: every dynamic symbol it defines
# is named psy_, and every function the headers declare with PSY_API is among them.
# Arguments: LIBPSYPHYS_SO SOURCE_DIR
set -eu
LIB=$1
SRC=$2
TMP=$(mktemp -d "${TMPDIR:-/tmp}/psyphys-abi-XXXXXX")
trap 'rm -rf "$TMP"' EXIT
nm -D --defined-only "$LIB" | awk '{print $NF}' | sort -u >"$TMP/exported"
grep -v '^psy_' "$TMP/exported" >"$TMP/foreign" || true
if [ -s "$TMP/foreign" ]; then
    echo "FAIL: $(wc -l <"$TMP/foreign") exported symbols without the psy_ prefix:"
    head -n 20 "$TMP/foreign"
    exit 1
fi
# Every function the headers declare is PSY_API: a declaration at the start of a line without
# it (not static inline, not a typedef) would be hidden.
if grep -nE '^[A-Za-z][A-Za-z0-9_ *]*[ *]psy_[a-z0-9_]+\(' "$SRC"/include/psyphys.h "$SRC"/include/psyphys/*.h |
    grep -vE ':(PSY_API|static|typedef|extern) '; then
    echo "FAIL: functions declared without PSY_API (above)"
    exit 1
fi
# The names declared PSY_API ... name(: the last identifier before the first '('.
cat "$SRC"/include/psyphys.h "$SRC"/include/psyphys/*.h | grep '^PSY_API ' |
    sed 's/(.*//; s/.*[^A-Za-z0-9_]//' | sort -u >"$TMP/declared"
comm -23 "$TMP/declared" "$TMP/exported" >"$TMP/missing"
if [ -s "$TMP/missing" ]; then
    echo "FAIL: declared PSY_API but not exported:"
    cat "$TMP/missing"
    exit 1
fi
comm -13 "$TMP/declared" "$TMP/exported" >"$TMP/undeclared"
if [ -s "$TMP/undeclared" ]; then
    echo "FAIL: exported but declared in no public header:"
    cat "$TMP/undeclared"
    exit 1
fi
echo "libpsyphys.so exports $(wc -l <"$TMP/exported") symbols, all psy_, all declared PSY_API"
