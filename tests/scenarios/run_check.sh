#!/bin/sh
# run_check.sh BIN DIR - 'concviz check' over the whole built-in library
# (every DIR/*.yaml, by built-in name): each loads, compiles, still prints
# its expect.stdout, and is reported 'ok'; 'concviz --help' lists them; and
# a scenario whose expectation went stale is reported, located, exit 1.
set -eu
BIN=$1
DIR=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
names=$(cd "$DIR" && ls *.yaml | sed 's/\.yaml$//')
rc=0
(cd "$tmp" && timeout 600 "$BIN" check $names) >"$tmp/out" 2>"$tmp/err" || rc=$?
cat "$tmp/err"
[ "$rc" -eq 0 ] || { echo "FAIL: check exited $rc"; exit 1; }
timeout 10 "$BIN" --help >"$tmp/help"
for n in $names; do
    grep -qx "$n.yaml: ok" "$tmp/out" || { echo "FAIL: check did not report '$n.yaml: ok'"; exit 1; }
    grep -q "$n" "$tmp/help" || { echo "FAIL: --help does not list '$n'"; exit 1; }
done
cat >"$tmp/stale.yaml" <<'YAML'
title: stale
program: |
  print('a')
  print('c')
expect:
  stdout: |
    a
    b
YAML
rc=0
(cd "$tmp" && timeout 60 "$BIN" check stale.yaml) >"$tmp/out" 2>"$tmp/err" || rc=$?
[ "$rc" -eq 1 ] || { echo "FAIL: check of a stale expectation exited $rc"; exit 1; }
grep -qx "stale.yaml:8:1: expect.stdout no longer matches the run: output line 2 is 'c', expected 'b'" "$tmp/err" ||
    { echo "FAIL: stale expectation not reported as expected:"; cat "$tmp/err"; exit 1; }
echo "ok: $(echo $names | wc -w | tr -d ' ') scenarios"
