#!/bin/sh
# run_fuzz.sh [SECONDS] [BUILD_DIR] - builds the libFuzzer targets of
# tests/fuzz with clang (ASan + UBSan) and runs each for SECONDS (default
# 60), seeded with the built-in scenarios, tests/bad and the regress
# programs (fuzz_scenario), recorded traces (fuzz_trace), and the regress
# and conformance programs (fuzz_run). Not a
# CTest: it needs clang and libclang-rt-14-dev, which the README's install
# line does not bring. A crash leaves crash-* files in the output directory
# and a non-zero status.
set -eu
secs=${1:-60}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${2:-$root/build}
out=${FUZZ_OUT:-$(mktemp -d)}
CC=${CC:-clang-14}
embedded=$build/generated/builtin_scenarios.c
[ -f "$embedded" ] || { echo "no $embedded: build first (cmake --build $build)" >&2; exit 1; }
flags="-g -O1 -std=c11 -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=700 -fsanitize=fuzzer,address,undefined -I$root/src"
srcs=$(ls "$root"/src/lang/*.c "$root"/src/scenario/*.c "$root"/src/sim/*.c "$root"/src/trace/*.c)
for t in fuzz_scenario fuzz_trace fuzz_run; do
    # shellcheck disable=SC2086
    $CC $flags -o "$out/$t" "$here/$t.c" $srcs "$embedded" $(pkg-config --cflags --libs yaml-0.1) -lm
done
mkdir -p "$out/corpus_scenario" "$out/corpus_trace" "$out/corpus_run"
cp "$root"/scenarios/*.yaml "$root"/tests/bad/*.yaml "$root"/tests/regress/*.py "$out/corpus_scenario/"
cp "$root"/tests/regress/*.py "$root"/tests/conformance/*.py "$out/corpus_run/"
for y in "$root"/tests/tui/*.yaml "$root"/scenarios/0[0-5]*.yaml; do
    "$build/concviz" record --max-time 2 "$y" -o "$out/corpus_trace/$(basename "$y").jsonl" >/dev/null 2>&1 || true
done
status=0
for t in fuzz_scenario fuzz_trace fuzz_run; do
    corpus=$out/corpus_${t#fuzz_}
    echo "== $t for ${secs}s"
    rc=0
    (cd "$out" && timeout $((secs + 60)) "./$t" -max_total_time="$secs" -max_len=8192 -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$out/$t-" "$corpus" >"$out/$t.log" 2>&1) || rc=$?
    tail -n 8 "$out/$t.log"
    [ $rc -eq 0 ] || { echo "$t: status $rc (see $out/$t.log)"; status=1; }
done
for f in "$out"/*-crash-* "$out"/*-leak-* "$out"/*-timeout-* "$out"/*-oom-*; do
    [ -e "$f" ] && { echo "found: $f"; status=1; }
done
echo "output: $out (status $status)"
exit $status
