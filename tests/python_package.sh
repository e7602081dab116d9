# The Python package (python/), installed as the README says against the library installed from
# this build (pkg-config), and its tests (pytest; they compare with this build's psyphys).
# Arguments: BUILD_DIR SOURCE_DIR [SANITIZED]: SANITIZED=1 for an ASan+UBSan build (the
# sanitizer runtimes are preloaded into Debian's python3; leak checks and the memory test, which
# the sanitizers' own bookkeeping defeats, are off).
set -eu
BUILD=$1
SRC=$2
SANITIZED=${3:-0}
PY=/usr/bin/python3 # Debian's python3, whose numpy, pytest and setuptools the venv takes
if ! "$PY" -c "import numpy, pytest, setuptools, wheel, venv, ensurepip" 2>/dev/null; then
    echo "FAIL: the Python package needs Debian's python3-numpy python3-pytest python3-setuptools"
    echo "python3-wheel python3-venv python3-pip python3-dev (scripts/setup-deps.sh installs them)"
    exit 1
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/psyphys-python-XXXXXX")
trap 'rm -rf "$TMP"' EXIT
cmake --install "$BUILD" --prefix "$TMP/prefix" >/dev/null
PKG_CONFIG_PATH="$TMP/prefix/lib/pkgconfig:$(ls -d "$TMP"/prefix/lib/*/pkgconfig 2>/dev/null | tr '\n' ':')"
export PKG_CONFIG_PATH
# A copy of python/, so that two builds testing at once do not build in the same directory.
mkdir "$TMP/src"
cp -r "$SRC/python" "$TMP/src/python"
rm -rf "$TMP/src/python/build" "$TMP/src/python"/*.egg-info
cd "$TMP/src"
"$PY" -m venv --system-site-packages "$TMP/venv"
"$TMP/venv/bin/python" -m pip install -q --no-build-isolation --no-index ./python
cd "$TMP"
export PSYPHYS_CLI="$BUILD/psyphys"
if [ "$SANITIZED" = 1 ]; then
    LD_PRELOAD="$(cc -print-file-name=libasan.so) $(cc -print-file-name=libubsan.so)" \
        ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        "$TMP/venv/bin/python" -m pytest -q -p no:cacheprovider "$SRC/python/tests" -k "not memory"
else
    "$TMP/venv/bin/python" -m pytest -q -p no:cacheprovider "$SRC/python/tests"
fi
