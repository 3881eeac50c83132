# tui_lib.sh - helpers for the tmux tests of the view (sourced by
# test_*.sh; usage: . tui_lib.sh BIN DIR). Each test gets a private tmux
# server (-S socket, -f /dev/null), a temporary directory, LANG=C.UTF-8 and
# ESCDELAY=25; it polls capture-pane for text instead of sleeping, and
# reads exit statuses from a shell wrapper's output.
# absolute paths: the panes run in a temporary directory
case $1 in /*) BIN=$1 ;; *) BIN=$(pwd)/$1 ;; esac
DIR=$(cd "$2" && pwd)
if ! command -v tmux >/dev/null 2>&1; then
    echo "SKIP: tmux is not installed"
    exit 77
fi
TMP=$(mktemp -d /tmp/concviz-tui.XXXXXX) || exit 1
SOCK=$TMP/sock
T() { tmux -S "$SOCK" -f /dev/null "$@"; }
cleanup() { T kill-server 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT INT TERM
FAILS=0

# The command run in a pane: the view, then its exit status and the tty's
# modes (to check the terminal was restored), then a pause so we can read
# them.
wrap() {
    printf 'cd %s && %s; echo "EXIT=$?"; stty -a | tr " " "\\n" | grep -x -e icanon -e -icanon -e echo -e -echo | tr "\\n" " "; echo; sleep 600' "$TMP" "$*"
}

# start NAME WIDTH HEIGHT CMD...: a new session running CMD through wrap.
start() {
    name=$1 w=$2 h=$3
    shift 3
    if ! T has-session 2>/dev/null; then
        T new-session -d -s "$name" -x "$w" -y "$h" -e LANG=C.UTF-8 -e ESCDELAY=25 "$(wrap "$@")"
    else
        T new-session -d -s "$name" -x "$w" -y "$h" -e LANG=C.UTF-8 -e ESCDELAY=25 "$(wrap "$@")"
    fi
}

screen() { T capture-pane -p -t "${1:-t}"; }

fail() {
    echo "FAIL: $*"
    echo "--- screen:"
    screen "${PANE:-t}" | sed 's/^/| /'
    FAILS=$((FAILS + 1))
}

# wait_for TEXT [PANE]: polls (up to 10 s) for a fixed string on screen.
wait_for() {
    n=200
    while [ $n -gt 0 ]; do
        screen "${2:-t}" | grep -qF -- "$1" && return 0
        sleep 0.05
        n=$((n - 1))
    done
    PANE=${2:-t} fail "timeout waiting for: $1"
    return 1
}

# seen TEXT [PANE] [TRIES]: polls like wait_for, quietly, for TRIES*50 ms.
seen() {
    n=${3:-200}
    while [ $n -gt 0 ]; do
        screen "${2:-t}" | grep -qF -- "$1" && return 0
        sleep 0.05
        n=$((n - 1))
    done
    return 1
}

# details_of N TITLE [PANE]: selects the N-th row of the threads pane (from
# the top) and opens its details (Enter), waiting for TITLE. A key can be
# lost by a pane under heavy load (a sanitizer build beside other tests),
# so the whole gesture is tried again, from a closed window, before failing.
details_of() {
    for try in 1 2 3; do
        T send-keys -t "${3:-t}" Escape
        i=0
        while [ $i -lt 8 ]; do T send-keys -t "${3:-t}" Up; i=$((i + 1)); done
        i=1
        while [ $i -lt "$1" ]; do T send-keys -t "${3:-t}" Down; i=$((i + 1)); done
        sleep 0.2
        T send-keys -t "${3:-t}" Enter
        seen "$2" "${3:-t}" 80 && return 0
    done
    PANE=${3:-t} fail "timeout waiting for the details: $2"
    return 1
}

# wait_re REGEX [PANE]: the same with a basic regular expression.
wait_re() {
    n=200
    while [ $n -gt 0 ]; do
        screen "${2:-t}" | grep -q -- "$1" && return 0
        sleep 0.05
        n=$((n - 1))
    done
    PANE=${2:-t} fail "timeout waiting for /$1/"
    return 1
}

# wait_gone TEXT [PANE]
wait_gone() {
    n=200
    while [ $n -gt 0 ]; do
        screen "${2:-t}" | grep -qF -- "$1" || return 0
        sleep 0.05
        n=$((n - 1))
    done
    PANE=${2:-t} fail "still on screen: $1"
    return 1
}

# expect_screen TEXT [PANE]: TEXT is on screen now.
expect_screen() {
    screen "${2:-t}" | grep -qF -- "$1" || PANE=${2:-t} fail "expected on screen: $1"
}

keys() { T send-keys -t "$PANE_T" "$@"; }

# goto_time SECONDS [PANE]: the 'g' prompt.
goto_time() {
    T send-keys -t "${2:-t}" g
    wait_for "time in seconds" "${2:-t}" || return 1
    T send-keys -t "${2:-t}" -l "$1"
    T send-keys -t "${2:-t}" Enter
    wait_gone "time in seconds" "${2:-t}"
}

# quit_and_check [PANE]: q, then exit status 0 and a restored terminal.
quit_and_check() {
    T send-keys -t "${1:-t}" q
    wait_for "EXIT=" "${1:-t}" || return 1
    expect_screen "EXIT=0" "${1:-t}"
    expect_restored "${1:-t}"
    expect_clean "${1:-t}"
}

# expect_clean [PANE]: no sanitizer report after the view exited.
expect_clean() {
    if screen "${1:-t}" | grep -q -e AddressSanitizer -e LeakSanitizer -e "runtime error:"; then
        PANE=${1:-t} fail "a sanitizer report"
    fi
}

# expect_restored [PANE]: the shell after the view sees a cooked tty.
expect_restored() {
    wait_re "icanon" "${1:-t}" || return 1
    line=" $(screen "${1:-t}" | grep -e 'icanon' | tail -n 1) "
    case "$line" in
    *" -icanon "* | *" -echo "*) PANE=${1:-t} fail "terminal not restored (stty:$line)" ;;
    *" icanon "*) case "$line" in *" echo "*) ;; *) PANE=${1:-t} fail "no echo (stty:$line)" ;; esac ;;
    *) PANE=${1:-t} fail "terminal not restored (stty:$line)" ;;
    esac
}

# click PANE ROW COL: a left click (press and release, X10 encoding, as
# tmux sends it to a TERM=tmux-256color pane), 0-based coordinates.
chr() { printf "\\$(printf '%03o' "$1")"; }
click() {
    T send-keys -t "$1" -l "$(printf '\033[M '; chr $((33 + $3)); chr $((33 + $2)); printf '\033[M#'; chr $((33 + $3)); chr $((33 + $2)))"
}

finish() {
    if [ "$FAILS" -eq 0 ]; then
        echo "PASS: $(basename "$0")"
        exit 0
    fi
    echo "$FAILS failure(s)"
    exit 1
}
