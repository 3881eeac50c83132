#!/bin/sh
# test_deadlock.sh BIN DIR - playing tests/tui/deadlock.yaml as fast as
# possible stops by itself at the deadlock, with the engine's report on
# screen and each lock's owner and waiter in the objects panel; stepping
# back leaves the deadlock; a breakpoint stops playback on its line.
. "$2/tui_lib.sh"

start t 120 40 "$BIN" --speed max "$DIR/deadlock.yaml"
wait_for "Deadlock"
expect_screen "⚠ deadlock"
expect_screen "Every live thread is blocked and nothing can wake one."
screen | grep -q "cycle: Thread-1 (one) -> Thread-2 (two)" || fail "no cycle in the report"
T send-keys -t t Escape
wait_gone "Every live thread is blocked"
expect_screen "a      ● held by Thread-1  waiting: Thread-2"
expect_screen "b      ● held by Thread-2  waiting: Thread-1"
screen | grep -q "Thread-1 (one) *◼ blocked *b " || fail "Thread-1 is not shown waiting for b"
# one step back: no deadlock yet
T send-keys -t t Left
wait_gone "⚠ deadlock"
expect_screen "paused"

# a breakpoint on line 12 ('with a:' in two()): Tab twice to the source,
# walk to line 12, b, then play from the start
T send-keys -t t Home
wait_for "event 0/"
T send-keys -t t Tab
sleep 0.05
T send-keys -t t Tab
wait_re "Source .*deadlock.yaml"
n=0
while ! screen | grep -q "breakpoint on line 12"; do
    T send-keys -t t Down
    sleep 0.05
    T send-keys -t t b
    sleep 0.05
    if screen | grep -q "breakpoint on line [0-9]*: playback"; then
        screen | grep -q "breakpoint on line 12" && break
        T send-keys -t t b # not that line: take it off again
        sleep 0.05
    fi
    n=$((n + 1))
    [ $n -gt 30 ] && { fail "could not put a breakpoint on line 12"; break; }
done
T send-keys -t t Space
wait_for "breakpoint: Thread-2 (two) reached line 12"
expect_screen "paused"
quit_and_check
finish
