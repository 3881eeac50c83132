#!/bin/sh
# bench_tui.sh [BUILD_DIR] - builds tests/tui/bench_tui.c against the model
# library of BUILD_DIR (default ./build) and the view's sources, and prints
# the view's benchmarks: a frame at 200x60 with 100 threads, jumps on a
# million-event trace, memory per event. Not part of ctest (timings are
# too noisy for pass/fail). Targets (issue 5): a frame < 2 ms, a jump
# < 50 ms, < 150 bytes per event.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
lib=$build/libconcviz_model.a
[ -f "$lib" ] || { echo "no $lib: build first (cmake --build $build)" >&2; exit 1; }
# shellcheck disable=SC2046
cc -O2 -std=c11 -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=600 -I"$root/src" -o "$tmp/bench_tui" \
    "$here/bench_tui.c" $(ls "$root"/src/tui/*.c) "$lib" \
    $(pkg-config --cflags --libs ncursesw yaml-0.1) -lm
cd "$tmp"
"$tmp/bench_tui" "$here/bench_threads.py" "$here/bench_million.py"
