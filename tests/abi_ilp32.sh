#!/bin/sh
# The public configs' sizes on ILP32 targets (tests/abi_ilp32/layout.c), compiled with clang for
# i386 and armv7 against the public headers alone. Skips (77) without clang.
# usage: abi_ilp32.sh SOURCE_DIR
src=$1
command -v clang >/dev/null 2>&1 || { echo "no clang: skipped"; exit 77; }
for target in i386-linux-gnu armv7-linux-gnueabihf; do
    clang -target $target -std=c11 -ffreestanding -fsyntax-only -I"$src/tests/abi_ilp32" -I"$src/include" \
        "$src/tests/abi_ilp32/layout.c" || { echo "FAIL: layout on $target"; exit 1; }
done
echo "ILP32 layouts as pinned"
