# Installs psyphys into a temporary prefix, then builds a program against it twice: with CMake's
# find_package(psyphys) and with pkg-config (static and shared); and the examples/ programs
# with find_package, run on the bundled recording.
# Arguments: BUILD_DIR SOURCE_DIR
set -eu
BUILD=$1
SRC=$2
TMP=$(mktemp -d "${TMPDIR:-/tmp}/psyphys-install-XXXXXX")
trap 'rm -rf "$TMP"' EXIT
cmake --install "$BUILD" --prefix "$TMP/prefix" >/dev/null
# A consumer gets the library and its include path, not the project's warnings or sanitizers.
if grep -rlE --include='*.cmake' --include='*.pc' -- '-W(all|extra|pedantic|error)|-fsanitize|psyphys_warnings' \
    "$TMP/prefix"; then
    echo "FAIL: the installed package passes the project's compile flags on"
    exit 1
fi
cmake -S "$SRC/tests/consumer" -B "$TMP/cmake-build" -DCMAKE_PREFIX_PATH="$TMP/prefix" >/dev/null
cmake --build "$TMP/cmake-build" >/dev/null
"$TMP/cmake-build/consumer"
cmake -S "$SRC/examples" -B "$TMP/examples" -DCMAKE_PREFIX_PATH="$TMP/prefix" >/dev/null
cmake --build "$TMP/examples" >/dev/null
"$TMP/examples/session_summary" "$SRC/recordings/neurokit_eventrelated.edf" Negative >"$TMP/summary"
grep -q '^  epoch Negative .* dHR -4.2 bpm SCR 3.7 uS$' "$TMP/summary"
grep -q '^recording	0.000000	150.000000	60.860	' "$TMP/summary"
# its tables and sidecars (psy_session_sidecar): the input's SHA-256, the settings, the n/a reasons
mkdir "$TMP/tables"
"$TMP/examples/session_summary" -o "$TMP/tables" "$SRC/recordings/neurokit_eventrelated.edf" Negative >/dev/null
sha=$(sha256sum "$SRC/recordings/neurokit_eventrelated.edf" | cut -d' ' -f1)
for t in segments epochs epoch-means scr beats; do
    [ -s "$TMP/tables/$t.tsv" ] || { echo "session_summary -o: no $t.tsv"; exit 1; }
    grep -q "\"sha256\": \"$sha\"" "$TMP/tables/$t.json" || { echo "session_summary -o: $t.json lacks the SHA-256"; exit 1; }
done
grep -q '"program": "session_summary"' "$TMP/tables/segments.json"
grep -q '"na_reasons"' "$TMP/tables/segments.json"
export PKG_CONFIG_PATH="$TMP/prefix/lib/pkgconfig:$(ls -d "$TMP"/prefix/lib/*/pkgconfig 2>/dev/null | tr '\n' ':')"
cc -o "$TMP/shared" "$SRC/tests/consumer/main.c" $(pkg-config --cflags --libs psyphys)
LD_LIBRARY_PATH=$(dirname "$(find "$TMP/prefix" -name 'libpsyphys.so' | head -n 1)") "$TMP/shared"
# The static library with its dependencies' shared libraries (what Libs.private names).
cc -o "$TMP/static" "$SRC/tests/consumer/main.c" $(pkg-config --cflags psyphys) \
    "$(find "$TMP/prefix" -name 'libpsyphys.a' | head -n 1)" -ledf \
    $(pkg-config --libs sndfile fftw3 jansson expat nettle zlib) -lpthread -lm
"$TMP/static"
echo "installed library works with CMake and pkg-config"
