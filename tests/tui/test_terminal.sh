#!/bin/sh
# test_terminal.sh BIN DIR - terminal manners: q, Ctrl-C, SIGTERM and SIGHUP
# all restore the terminal (exit 0, 130, 143, 129); an unknown TERM and a
# terminal without cursor addressing get a message and status 2, as does a
# missing terminal; NO_COLOR gives no colour; without a UTF-8 locale the
# screen is plain ASCII and still aligned.
. "$2/tui_lib.sh"

SCEN="$DIR/lock_queue.yaml"
# view_pid: the view runs as 'exec' of a shell that wrote its pid first
launch() { # NAME ARGS...
    name=$1
    shift
    start "$name" 120 40 "sh -c 'echo \$\$ >$TMP/$name.pid; exec $BIN $*'"
}

# Ctrl-C
launch c --paused "$SCEN"
wait_for "event 0/" c
T send-keys -t c C-c
wait_for "EXIT=" c
expect_screen "EXIT=130" c
expect_restored c

# SIGTERM and SIGHUP, while playing
launch s --speed 0.01 "$SCEN"
wait_for "playing" s
kill -TERM "$(cat "$TMP/s.pid")"
wait_for "EXIT=" s
expect_screen "EXIT=143" s
expect_restored s
launch h --paused "$SCEN"
wait_for "event 0/" h
kill -HUP "$(cat "$TMP/h.pid")"
wait_for "EXIT=" h
expect_screen "EXIT=129" h
expect_restored h

# Ctrl-Z in an interactive shell: the shell gets a cooked terminal, fg
# brings the view back
T new-session -d -s z -x 120 -y 40 -e LANG=C.UTF-8 -e ESCDELAY=25 "cd $TMP && PS1='$ ' sh -i"
wait_for '$' z
T send-keys -t z "$BIN --paused $SCEN" Enter
wait_for "event 0/" z
T send-keys -t z C-z
wait_for "Stopped" z
T send-keys -t z "stty -a | tr ' ' '\n' | grep -x -e icanon -e -icanon | sed 's/^/MODE=/'" Enter
wait_for "MODE=icanon" z
T send-keys -t z fg Enter
wait_for "event 0/" z
T send-keys -t z Right
wait_for "event 1/" z
T send-keys -t z q
wait_for "$ " z
T send-keys -t z 'echo "EXIT=$?"' Enter
wait_for "EXIT=0" z

# an unknown terminal type, and one that cannot move the cursor
start u 100 10 "env TERM=no-such-terminal-xyz $BIN $SCEN"
wait_for "EXIT=" u
expect_screen "unknown terminal type 'no-such-terminal-xyz'" u
expect_screen "EXIT=2" u
start d 100 10 "env TERM=dumb $BIN $SCEN"
wait_for "EXIT=" d
expect_screen "cannot move the cursor" d
expect_screen "EXIT=2" d

# no terminal at all
"$BIN" "$SCEN" </dev/null >"$TMP/out" 2>"$TMP/err"
rc=$?
[ $rc -eq 2 ] || fail "without a terminal: status $rc, expected 2"
grep -q "needs a terminal" "$TMP/err" || fail "without a terminal: no message"
"$BIN" replay "$TMP/none.jsonl" </dev/null >/dev/null 2>&1
[ $? -eq 2 ] || fail "replay of a missing file without a terminal: expected status 2"

# NO_COLOR: attributes only, no colour
start n 120 40 "env NO_COLOR=1 $BIN --paused $SCEN"
wait_for "event 0/" n
goto_time 0.2 n
wait_for "held by Thread-2" n
if T capture-pane -p -e -t n | grep -q "$(printf '\033')\[[0-9;]*\(3[0-7]\|4[0-7]\|38;\|48;\)"; then
    fail "colours under NO_COLOR"
fi
T send-keys -t n q
wait_for "EXIT=0" n
# an explicit theme brings colours back
start k 120 40 "env NO_COLOR=1 $BIN --paused --theme high-contrast $SCEN"
wait_for "event 0/" k
T capture-pane -p -e -t k | grep -q "$(printf '\033')\[[0-9;]*3[0-7]" || fail "no colours with --theme high-contrast"
T send-keys -t k q
wait_for "EXIT=0" k

# no UTF-8 locale: ASCII only, aligned (every row as wide as the terminal)
start a 120 40 "env LANG=C LC_ALL=C $BIN --paused $SCEN"
wait_for "event 0/" a
goto_time 0.2 a
wait_for "held by Thread-2" a
T capture-pane -p -N -t a | head -n 39 >"$TMP/ascii.txt"
if LC_ALL=C grep -q "$(printf '[\200-\377]')" "$TMP/ascii.txt"; then
    PANE=a fail "non-ASCII bytes on an ASCII screen"
fi
grep -q '^+- Processes and threads -' "$TMP/ascii.txt" || PANE=a fail "no ASCII frame"
grep -q "lock   \* held by Thread-2" "$TMP/ascii.txt" || PANE=a fail "no ASCII lock"
grep -q "Thread-3 (worker) *# blocked" "$TMP/ascii.txt" || PANE=a fail "no ASCII state glyph"
awk 'length($0) != 120 { bad = 1 } END { exit bad }' "$TMP/ascii.txt" || PANE=a fail "ASCII rows are not 120 wide"
quit_and_check a
finish
