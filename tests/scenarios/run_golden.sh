#!/bin/sh
# run_golden.sh BIN FILE - the golden transcript of one built-in scenario:
# 'concviz run NAME' (NAME is FILE's base name, the copy embedded in BIN)
# must print exactly FILE's expect.stdout and exit with its expect.exit
# (default 0). expect.stdout is read from FILE with awk: the block scalar
# 'stdout: |' (or '|2') under the top-level 'expect:', content indented by 4,
# clip chomping (one final newline) - the form every scenario here uses.
set -eu
BIN=$1
FILE=$2
NAME=$(basename "$FILE" .yaml)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

timeout 10 awk '
    /^expect:/ { inexp = 1; next }
    inexp && /^[^ #]/ { inexp = 0 }
    inexp && /^  stdout: [|]2?$/ { inblk = 1; found = 1; next }
    inblk {
        if ($0 ~ /^ *$/) { blank++; next }
        if ($0 !~ /^    /) { inblk = 0; next }
        for (; blank > 0; blank--) print ""
        print substr($0, 5)
    }
    END { if (!found) exit 3 }
' "$FILE" >"$tmp/want" || {
    echo "FAIL $NAME: no 'stdout: |' block under 'expect:' in $FILE"
    exit 1
}
want_rc=$(timeout 10 sed -n '/^expect:/,/^[^ ]/s/^  exit: \([0-9][0-9]*\)$/\1/p' "$FILE" | head -n 1)
want_rc=${want_rc:-0}

rc=0
(cd "$tmp" && timeout 240 "$BIN" run "$NAME") >"$tmp/got" 2>"$tmp/err" || rc=$?
status=0
if ! cmp -s "$tmp/want" "$tmp/got"; then
    echo "FAIL $NAME: 'concviz run $NAME' no longer prints expect.stdout:"
    diff -u "$tmp/want" "$tmp/got" | sed 's/^/    /' || true
    status=1
fi
if [ "$rc" -ne "$want_rc" ]; then
    echo "FAIL $NAME: exit status $rc, expected $want_rc"
    sed 's/^/    /' "$tmp/err"
    status=1
fi
[ "$status" -eq 0 ] && echo "ok $NAME ($(wc -l <"$tmp/got" | tr -d ' ') lines, exit $rc)"
exit "$status"
