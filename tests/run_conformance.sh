#!/bin/sh
# run_conformance.sh BIN DIR NAME - runs 'BIN run DIR/NAME.py' and requires
# its stdout to equal DIR/NAME.out byte for byte and its exit status to equal
# DIR/NAME.rc; when DIR/NAME.lasterr exists, the last line of stderr (the
# uncaught exception CPython names) must equal it; when DIR/NAME.errlines
# exists, stderr without its indented lines (the frames, whose file names
# and source marks differ) must equal it. Programs listed in DIR/XFAIL are expected to fail: a failure
# exits 77 (skipped, "XFAIL"), a pass fails the test ("XPASS"); a crash or a
# sanitizer report fails it either way.
set -u
BIN=$1 DIR=$2 NAME=$3
LIMIT=${CONCVIZ_TEST_TIMEOUT:-30}

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

xfail=no
if grep -qx -- "$NAME" "$DIR/XFAIL" 2>/dev/null; then xfail=yes; fi

timeout -k 5 "$LIMIT" "$BIN" run "$DIR/$NAME.py" >"$tmp/out" 2>"$tmp/err" </dev/null
rc=$?
want_rc=$(tr -d ' \t\r\n' <"$DIR/$NAME.rc")

# A crash or a sanitizer report is a real failure even for an XFAIL program.
hard=
if grep -q -e 'AddressSanitizer' -e 'LeakSanitizer' -e 'runtime error:' "$tmp/err"; then
    hard="sanitizer report on stderr"
elif [ "$rc" -gt 128 ] && [ "$rc" -ne 137 ]; then
    hard="crashed (exit status $rc)"
fi

problem=$hard
if [ -n "$problem" ]; then
    :
elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    problem="timed out after ${LIMIT}s"
elif ! cmp -s "$tmp/out" "$DIR/$NAME.out"; then
    problem="stdout differs from $NAME.out"
elif [ "$rc" != "$want_rc" ]; then
    problem="exit status $rc, expected $want_rc"
elif [ -f "$DIR/$NAME.lasterr" ] && [ "$(tail -n 1 "$tmp/err")" != "$(cat "$DIR/$NAME.lasterr")" ]; then
    problem="the last line of stderr is not: $(cat "$DIR/$NAME.lasterr")"
elif [ -f "$DIR/$NAME.errlines" ] && ! grep -v -e '^  ' "$tmp/err" | cmp -s - "$DIR/$NAME.errlines"; then
    problem="stderr (its unindented lines) differs from $NAME.errlines"
    grep -v -e '^  ' "$tmp/err" | diff -u "$DIR/$NAME.errlines" - | head -n 40
fi

if [ -z "$problem" ]; then
    if [ $xfail = yes ]; then
        echo "XPASS: $NAME now passes; remove it from tests/conformance/XFAIL"
        exit 1
    fi
    echo "PASS: $NAME"
    exit 0
fi

if [ $xfail = yes ] && [ -z "$hard" ]; then
    echo "XFAIL: $NAME (waiting for its issue): $problem"
    exit 77
fi

echo "FAIL: $NAME: $problem"
echo "--- diff of stdout (expected, actual) ---"
diff -u "$DIR/$NAME.out" "$tmp/out" | head -n 60
echo "--- stderr (first 40 lines) ---"
head -n 40 "$tmp/err"
echo "--- exit status: $rc (expected $want_rc)"
exit 1
