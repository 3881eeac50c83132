#!/bin/sh
# test_lock_queue.sh BIN DIR - the view of tests/tui/lock_queue.yaml at
# 120x40: jump to a time and read the lock's owner and waiters, the queue's
# items and a thread's state off the screen; step back and check again;
# details (with the call stack and locals), resize (80x24, too small, back), help, quit with the terminal
# restored.
. "$2/tui_lib.sh"

start t 120 40 "$BIN" --paused "$DIR/lock_queue.yaml"
wait_for "Lock and queue"
wait_for "event 0/"

# at 0.2 s: Thread-2 holds the lock, Thread-3 waits, the queue holds A, B
goto_time 0.2
wait_for "t 0.200000 s"
expect_screen "lock   ● held by Thread-2  waiting: Thread-3"
expect_screen "jobs   [ 'A' | 'B' ]"
screen | grep -q "Thread-3 (worker) *◼ blocked *lock  lock.acquire()" || fail "Thread-3 is not shown blocked on lock"
screen | grep -q "Thread-2 (worker) *◌ sleeping" || fail "Thread-2 is not shown sleeping"
expect_screen "Main releases the lock: the workers get it in the order they asked."

# step back one event at a time until B's put is undone
n=0
while ! screen | grep -qF "jobs   [ 'A' ]"; do
    T send-keys -t t Left
    n=$((n + 1))
    [ $n -gt 60 ] && { fail "stepping back never undid the put of 'B'"; break; }
    sleep 0.05
done
expect_screen "held by Thread-2"
# one more step back at a time until Thread-2's acquire is undone: the lock
# was free for a moment (Thread-2 woken, not yet the owner)
n=0
while ! screen | grep -qF "lock   ○ free"; do
    T send-keys -t t p
    n=$((n + 1))
    [ $n -gt 60 ] && { fail "stepping back never freed the lock"; break; }
    sleep 0.05
done
expect_screen "waiting: Thread-3"
expect_screen "jobs   [ 'A' ]"
# and forward again
T send-keys -t t n
wait_for "held by Thread-2"

# details of the selected thread (MainThread), then of Thread-3
details_of 4 "Thread Thread-3 (worker)"
expect_screen "waits for   lock (Lock), held by Thread-2 (worker)"
# its call stack and locals at this moment: worker('C') waiting at 'with lock:'
expect_screen "worker(), line 5:  with lock:"
expect_screen "name = 'C'"
T send-keys -t t Escape
wait_gone "Thread Thread-3 (worker)"
# the lock's history
T send-keys -t t Tab
sleep 0.1
T send-keys -t t Enter
wait_for "Lock lock"
expect_screen "History up to now"
expect_screen "Thread-1 (worker) acquire lock: ok"
T send-keys -t t Escape
wait_gone "History up to now"

# the mouse: a click on Thread-1's row selects it, a click on the timeline
# strips moves the cursor there, a click on an object selects it
click t 4 10
sleep 0.1
T send-keys -t t Enter
wait_for "Thread Thread-1 (worker)"
T send-keys -t t Escape
wait_gone "Thread Thread-1 (worker)"
click t 4 62
wait_for "t 0.000000 s"
click t 15 60
sleep 0.1
T send-keys -t t Enter
wait_for "Queue jobs"
T send-keys -t t Escape
wait_gone "Queue jobs"
goto_time 0.2
wait_for "held by Thread-2"

# resize: the reduced layout, the too-small message, and back
T resize-window -t t -x 80 -y 24
wait_for "Tab: Output"
wait_gone "Timeline"
expect_screen "held by Thread-2  waiting: T3"
expect_screen "Processes and threads"
expect_screen "jobs"
expect_screen "Thread-3 (worker)"
T resize-window -t t -x 79 -y 24
wait_for "Enlarge the terminal to at least 80×24"
T resize-window -t t -x 120 -y 40
wait_for "Timeline"
expect_screen "held by Thread-2"

# help, from the key table
T send-keys -t t '?'
wait_for "step one event forward"
expect_screen "toggle a breakpoint on the selected source line"
T send-keys -t t Escape
wait_gone "step one event forward"

quit_and_check
finish
