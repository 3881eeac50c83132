#!/bin/sh
# test_record_replay.sh BIN DIR - 's' saves the run (proposing a name) to
# the very bytes 'concviz record' writes; 'concviz replay' of that file
# shows the same screen as the live view at the same moment, details (call
# stack and locals) included; a damaged
# trace is refused with FILE:LINE:COL and status 2.
. "$2/tui_lib.sh"

start t 120 40 "$BIN" --paused "$DIR/lock_queue.yaml"
wait_for "event 0/"
T send-keys -t t End
wait_for "finished"
T send-keys -t t s
wait_for "file name: lock_queue-seed1.jsonl"
T send-keys -t t Enter
wait_for "saved the trace to lock_queue-seed1.jsonl"
[ -s "$TMP/lock_queue-seed1.jsonl" ] || fail "no file was written"

# the same bytes as 'concviz record'
"$BIN" record "$DIR/lock_queue.yaml" -o "$TMP/recorded.jsonl" || fail "concviz record failed"
cmp -s "$TMP/lock_queue-seed1.jsonl" "$TMP/recorded.jsonl" || fail "the saved trace differs from 'concviz record'"

# saving again proposes a new name rather than overwriting
T send-keys -t t s
wait_for "file name: lock_queue-seed1-2.jsonl"
T send-keys -t t Escape
wait_gone "file name:"

# the live view and the replay, at the same moment
goto_time 0.2
wait_for "t 0.200000 s"
start r 120 40 "$BIN" replay --paused "$TMP/lock_queue-seed1.jsonl"
wait_for "(replay)" r
goto_time 0.2 r
wait_for "t 0.200000 s" r
screen t | tail -n +2 >"$TMP/live.txt"
screen r | tail -n +2 >"$TMP/replay.txt"
if ! cmp -s "$TMP/live.txt" "$TMP/replay.txt"; then
    fail "the replay shows another screen"
    diff "$TMP/live.txt" "$TMP/replay.txt"
fi
expect_screen "jobs   [ 'A' | 'B' ]" r
expect_screen "Main releases the lock" r
# a replay has no scenario file, yet its details show the call stack and
# locals (rebuilt from the program the trace holds), as the live view does
for s in t r; do details_of 4 "Thread Thread-3 (worker)" $s; done
screen t | tail -n +2 >"$TMP/live.txt"
screen r | tail -n +2 >"$TMP/replay.txt"
cmp -s "$TMP/live.txt" "$TMP/replay.txt" || { fail "the replay's details differ"; diff "$TMP/live.txt" "$TMP/replay.txt"; }
expect_screen "name = 'C'" r
expect_screen "worker(), line 5:  with lock:" r
for s in t r; do T send-keys -t $s Escape; wait_gone "Thread Thread-3 (worker)" $s; done
quit_and_check r
quit_and_check t

# a damaged trace: a clear message, status 2, no terminal needed
sed '5s/"seq":3,/"seq":9,/' "$TMP/recorded.jsonl" >"$TMP/bad.jsonl"
"$BIN" replay "$TMP/bad.jsonl" >"$TMP/out" 2>"$TMP/err" </dev/null
rc=$?
[ $rc -eq 2 ] || fail "replay of a damaged trace: status $rc, expected 2"
grep -q "^$TMP/bad.jsonl:5:[0-9]*: " "$TMP/err" || { fail "no FILE:LINE:COL message"; cat "$TMP/err"; }
"$BIN" replay "$TMP/missing.jsonl" >"$TMP/out" 2>"$TMP/err" </dev/null
[ $? -eq 2 ] || fail "replay of a missing file: expected status 2"
grep -q "cannot open" "$TMP/err" || fail "replay of a missing file: no message"
finish
