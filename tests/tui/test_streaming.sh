#!/bin/sh
# test_streaming.sh BIN DIR - a run far longer than anyone waits for
# (tests/tui/forever.yaml loops until the 600 s time limit): the view opens
# at once, the event count grows while the machine runs ("event N/M…"),
# End goes to the events so far without calling the run finished, stepping
# works, and q quits at once with the terminal restored. 'concviz run' of
# it tells, on a terminal, that it is still running.
. "$2/tui_lib.sh"

count() { screen "${1:-t}" | grep -o 'event [0-9]*/[0-9]*…' | head -n 1 | sed 's/.*\/\([0-9]*\)….*/\1/'; }

start t 120 40 "$BIN" --paused "$DIR/forever.yaml"
wait_for "An endless loop"
wait_for "…"
first=$(count)
[ -n "$first" ] || fail "no growing event count in the header"
# the count grows while we look
n=0
while [ "$(count)" = "$first" ]; do
    sleep 0.05
    n=$((n + 1))
    [ $n -gt 200 ] && { fail "the event count stayed at $first"; break; }
done
# End: the events so far; the run is not finished
T send-keys -t t End
sleep 0.2
if screen | grep -q "finished"; then fail "a running run is shown finished"; fi
expect_screen "paused"
T send-keys -t t Home
wait_for "event 0/"
T send-keys -t t Right Right
wait_for "event 2/"
quit_and_check

# 'concviz run' of the same endless loop says, after a few seconds on a
# terminal, that it is still running and how to stop it; Ctrl-C does
start r 120 10 "$BIN" run "$DIR/forever.yaml" ">/dev/null"
wait_for "concviz: still running at t=" r
expect_screen "Ctrl-C stops it now" r
T send-keys -t r C-c
# (in a cooked terminal the interrupt also ends the pane's shell)
n=0
while T has-session -t r 2>/dev/null && ! screen r | grep -q "EXIT=130"; do
    sleep 0.05
    n=$((n + 1))
    [ $n -gt 200 ] && { fail "Ctrl-C did not stop 'concviz run'"; break; }
done
finish
