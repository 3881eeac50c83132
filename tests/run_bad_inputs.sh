#!/bin/sh
# run_bad_inputs.sh BIN DIR NAME - feeds DIR/NAME.yaml (or .py) to both
# 'BIN check' and 'BIN run' and checks the outcome against DIR/NAME.expect:
#   - "ok": both succeed (and run prints DIR/NAME.stdout, if it exists);
#   - otherwise every line of NAME.expect must match a line of stderr, where
#     " ... " inside an expect line stands for any text. Exit status must be
#     2, stdout empty, stderr non-empty and naming FILE:LINE:COL.
# run_bad_inputs.sh BIN DIR --cli - checks usage errors, --help, --version,
# record, run --events, the deadlock and time-limit statuses, and the bare
# 'concviz'.
# Every run is under a timeout; any sanitizer report fails the test.
set -u
BIN=$1 DIR=$2 NAME=$3
LIMIT=${CONCVIZ_TEST_TIMEOUT:-30}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
failures=0

fail() {
    echo "FAIL: $*"
    echo "  --- stdout:"; sed 's/^/  | /' "$tmp/out" | head -n 20
    echo "  --- stderr:"; sed 's/^/  | /' "$tmp/err" | head -n 20
    failures=$((failures + 1))
}

# run_bin ARGS... : runs BIN with a timeout, sets $rc, fills $tmp/out, $tmp/err
run_bin() {
    timeout -k 5 "$LIMIT" "$BIN" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    rc=$?
    if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then fail "'$*' timed out after ${LIMIT}s"; fi
    if grep -q -e 'AddressSanitizer' -e 'LeakSanitizer' -e 'runtime error:' "$tmp/err"; then
        fail "'$*' produced a sanitizer report"
    fi
}

# expect_status WANT WHAT
expect_status() {
    if [ "$rc" != "$1" ]; then fail "$2: exit status $rc, expected $1"; fi
}

# expect_in FILE TEXT WHAT : fixed TEXT must occur in FILE
expect_in() {
    if ! grep -qF -- "$2" "$1"; then fail "$3: expected '$2'"; fi
}

# expect_empty FILE WHAT
expect_empty() {
    if [ -s "$1" ]; then fail "$2: expected no output on $(basename "$1")"; fi
}

# An expect line as a basic regular expression: literal text, " ... " = ".*".
to_regex() {
    printf '%s\n' "$1" | sed -e 's/[][\.*^$/]/\\&/g' -e 's/ \\\.\\\.\\\. /.*/g'
}

usage_error() { # WHAT TEXT ARGS...
    what=$1 text=$2
    shift 2
    run_bin "$@"
    expect_status 2 "$what"
    expect_in "$tmp/err" "$text" "$what"
    expect_in "$tmp/err" "Try 'concviz --help' for more information." "$what"
    expect_empty "$tmp/out" "$what"
}

if [ "$NAME" = "--cli" ]; then
    run_bin --help
    expect_status 0 "--help"
    expect_in "$tmp/out" "Usage: concviz" "--help"
    expect_in "$tmp/out" "Exit status:" "--help"
    expect_empty "$tmp/err" "--help"
    run_bin -h
    expect_status 0 "-h"
    expect_in "$tmp/out" "concviz check SCENARIO..." "-h"
    run_bin run --help
    expect_status 0 "run --help"
    expect_in "$tmp/out" "Usage: concviz" "run --help"
    run_bin --version
    expect_status 0 "--version"
    if ! head -n 1 "$tmp/out" | grep -q '^concviz [0-9][0-9.]*$'; then fail "--version: first line"; fi
    expect_empty "$tmp/err" "--version"

    usage_error "unknown long option" "concviz: unknown option '--bogus'" --bogus
    usage_error "unknown short option" "concviz: unknown option '-x'" -x
    usage_error "unknown command" "concviz: unknown command 'frobnicate'" frobnicate
    usage_error "file as command" "did you mean 'concviz run x.yaml'?" x.yaml
    usage_error "run without operand" "concviz: run: missing SCENARIO operand" run
    usage_error "check without operand" "concviz: check: missing SCENARIO operand" check
    usage_error "run two operands" "concviz: run: too many operands" run a.yaml b.yaml
    usage_error "bad seed" "concviz: run: invalid seed 'abc'" run --seed abc "$DIR/bom.yaml"
    usage_error "negative seed" "concviz: run: invalid seed '-1'" run --seed=-1 "$DIR/bom.yaml"
    usage_error "seed without value" "concviz: run: option '--seed' needs an argument" run "$DIR/bom.yaml" --seed
    usage_error "run unknown option" "concviz: run: unknown option '--fast'" run --fast "$DIR/bom.yaml"
    usage_error "check unknown option" "concviz: check: unknown option '-q'" check -q "$DIR/bom.yaml"

    usage_error "bad max-time" "concviz: run: invalid --max-time 'abc'" run --max-time abc "$DIR/bom.yaml"
    usage_error "record without -o" "concviz: record: missing -o FILE" record "$DIR/bom.yaml"
    usage_error "run with -o" "concviz: run: -o is an option of 'record'" run -o x "$DIR/bom.yaml"
    usage_error "record with --events" "concviz: record: --events is an option of 'run'" record --events -o x "$DIR/bom.yaml"

    run_bin record "$DIR/crlf.yaml" -o "$tmp/trace.jsonl"
    expect_status 0 "record"
    expect_empty "$tmp/out" "record"
    if ! head -n 1 "$tmp/trace.jsonl" 2>/dev/null | grep -q '"format":"concviz-trace"'; then
        fail "record: no trace header in the output file"
    fi
    run_bin record "$DIR/crlf.yaml" -o "$tmp/no/such/dir/trace.jsonl"
    expect_status 2 "record to a bad path"
    expect_in "$tmp/err" "concviz: cannot write" "record to a bad path"
    run_bin run --events "$DIR/crlf.yaml"
    expect_status 0 "run --events"
    expect_in "$tmp/out" "MainThread" "run --events"

    printf 'import threading\nlock = threading.Lock()\nlock.acquire()\nlock.acquire()\n' >"$tmp/deadlock.py"
    run_bin run "$tmp/deadlock.py"
    expect_status 3 "deadlock"
    expect_in "$tmp/err" "concviz: deadlock" "deadlock"
    printf 'import time\nwhile True:\n    time.sleep(1)\n' >"$tmp/forever.py"
    run_bin run --max-time 2 "$tmp/forever.py"
    expect_status 4 "time limit"
    expect_in "$tmp/err" "concviz: time limit" "time limit"

    # an endless nested call stops at the time limit instead of running on
    printf 'def gen():\n    while True:\n        yield 1\nprint(len(list(gen())))\n' >"$tmp/endless_list.py"
    run_bin run --max-time 0.05 "$tmp/endless_list.py"
    expect_status 4 "endless list(generator)"
    # a program past its memory limit gets MemoryError, not an abort (the
    # sanitizers' allocator cannot report its use: there it just runs on)
    printf 'x = []\ntry:\n    for i in range(40000):\n        x.append([0] * 1000)\n    print("no MemoryError")\nexcept MemoryError as e:\n    x = None\n    print("MemoryError:", e)\n' >"$tmp/mem.py"
    CONCVIZ_MEMORY_LIMIT_MB=64 run_bin run "$tmp/mem.py"
    expect_status 0 "memory limit"
    if [ -z "${ASAN_OPTIONS:-}" ]; then
        expect_in "$tmp/out" "MemoryError: concviz: the program holds more memory than its limit" "memory limit"
    fi

    (cd "$tmp" && timeout -k 5 "$LIMIT" "$BIN" run missing.yaml >out 2>err </dev/null; echo $? >rc)
    rc=$(cat "$tmp/rc")
    expect_status 2 "missing file"
    expect_in "$tmp/err" "concviz: cannot open 'missing.yaml': No such file or directory" "missing file"

    run_bin run "$DIR/crlf.yaml" --seed 12   # options after the operand
    expect_status 0 "run FILE --seed N"

    run_bin check "$DIR/bom.yaml" "$DIR/unknown_key.yaml" "$DIR/crlf.yaml"
    expect_status 2 "check good+bad"
    expect_in "$tmp/out" "$DIR/bom.yaml: ok" "check good+bad"
    expect_in "$tmp/out" "$DIR/crlf.yaml: ok" "check good+bad"
    expect_in "$tmp/err" "$DIR/unknown_key.yaml:3:3: unknown key 'cors'" "check good+bad"

    run_bin check 00_welcome
    expect_status 0 "check built-in"
    expect_in "$tmp/out" "00_welcome.yaml: ok" "check built-in"

    run_bin run 00_welcome
    status_named=$rc
    cp "$tmp/out" "$tmp/welcome.out"
    run_bin
    expect_status "$status_named" "no arguments"
    expect_in "$tmp/err" "not a terminal, so no interactive view" "no arguments"
    if ! cmp -s "$tmp/out" "$tmp/welcome.out"; then fail "no arguments: output differs from 'run 00_welcome'"; fi
    if [ ! -s "$tmp/out" ]; then fail "no arguments: printed nothing"; fi

    [ $failures -eq 0 ] && echo "PASS: command line" && exit 0
    exit 1
fi

input=
for ext in yaml py; do
    if [ -e "$DIR/$NAME.$ext" ]; then input="$DIR/$NAME.$ext"; fi
done
if [ -z "$input" ]; then echo "no input file for $NAME in $DIR"; exit 1; fi

if [ "$(cat "$DIR/$NAME.expect")" = "ok" ]; then
    run_bin check "$input"
    expect_status 0 "check $NAME"
    expect_in "$tmp/out" "$input: ok" "check $NAME"
    expect_empty "$tmp/err" "check $NAME"
    run_bin run "$input"
    expect_status 0 "run $NAME"
    if [ -e "$DIR/$NAME.stdout" ] && ! cmp -s "$tmp/out" "$DIR/$NAME.stdout"; then
        fail "run $NAME: stdout differs from $NAME.stdout"
    fi
else
    for cmd in check run; do
        run_bin $cmd "$input"
        expect_status 2 "$cmd $NAME"
        expect_empty "$tmp/out" "$cmd $NAME"
        if [ ! -s "$tmp/err" ]; then fail "$cmd $NAME: nothing on stderr"; fi
        if ! grep -q "^$input:[0-9][0-9]*:[0-9][0-9]*: " "$tmp/err"; then
            fail "$cmd $NAME: no 'FILE:LINE:COL: message' line"
        fi
        while IFS= read -r line || [ -n "$line" ]; do
            [ -z "$line" ] && continue
            if ! grep -q -- "$(to_regex "$line")" "$tmp/err"; then
                fail "$cmd $NAME: expected a line matching '$line'"
            fi
        done <"$DIR/$NAME.expect"
    done
fi

[ $failures -eq 0 ] && echo "PASS: $NAME" && exit 0
exit 1
