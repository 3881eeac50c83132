#!/bin/sh
# bench_lang.sh [BIN] [RUNS] - times every tests/bench/*.py under
# 'BIN run' (default ./build/concviz) and under python3, best of RUNS (default
# 3), and prints the ratio concviz/python3 (below 1 = concviz is faster).
# Also checks that both print the same thing. Not part of ctest: timings
# are too noisy for a pass/fail test.
set -u
here=$(cd "$(dirname "$0")" && pwd)
BIN=${1:-./build/concviz}
RUNS=${2:-3}
LIMIT=${CONCVIZ_BENCH_TIMEOUT:-120}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
status=0

now() { date +%s.%N; }

# best_time OUT CMD... : best wall time of RUNS runs, in seconds; output of the last run in OUT
best_time() {
    out=$1
    shift
    best=
    n=0
    while [ $n -lt "$RUNS" ]; do
        t0=$(now)
        if ! timeout -k 5 "$LIMIT" "$@" >"$out" 2>"$tmp/err"; then
            echo "FAILED" >"$out"
            cat "$tmp/err" >&2
        fi
        t1=$(now)
        best=$(awk -v a="$t0" -v b="$t1" -v best="$best" \
            'BEGIN { d = b - a; if (best == "" || d < best) best = d; printf "%.3f", best }')
        n=$((n + 1))
    done
    echo "$best"
}

printf '%-18s %10s %10s %8s\n' workload concviz python3 ratio
for py in "$here"/*.py; do
    name=$(basename "$py" .py)
    tc=$(best_time "$tmp/c.out" "$BIN" run "$py")
    tp=$(best_time "$tmp/p.out" python3 "$py")
    ratio=$(awk -v c="$tc" -v p="$tp" 'BEGIN { if (p > 0) printf "%.2f", c / p; else print "-" }')
    note=
    if ! cmp -s "$tmp/c.out" "$tmp/p.out"; then note="  (output differs from python3!)"; status=1; fi
    printf '%-18s %9ss %9ss %8s%s\n' "$name" "$tc" "$tp" "$ratio" "$note"
done
exit $status
