#!/bin/sh
# test_cjk.sh BIN DIR - Chinese thread names and a long Chinese caption
# (tests/tui/cjk.yaml): every row of the screen is exactly as wide as the
# terminal (two columns per CJK character, none split at an edge), the
# lanes' state column lines up, and the caption wraps inside its frame;
# also at an odd width and in the reduced layout.
. "$2/tui_lib.sh"

if ! command -v python3 >/dev/null 2>&1; then
    echo "SKIP: python3 is needed to measure display widths"
    exit 77
fi

# widths W: every captured row (trailing spaces kept) is W columns wide
check_widths() { # PANE W
    T capture-pane -p -N -t "$1" >"$TMP/cap.txt"
    python3 - "$2" "$TMP/cap.txt" <<'PY' || PANE=$1 fail "rows are not $2 columns wide"
import sys, unicodedata
want = int(sys.argv[1])
bad = 0
lines = open(sys.argv[2], encoding="utf-8").read().split("\n")[:-1]
for n, line in enumerate(lines, 1):
    w = sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)
    # curses never writes the bottom-right cell (it would scroll the screen)
    if n == len(lines) and w == want - 1:
        continue
    if w != want:
        print(f"row {n}: {w} columns: {line}")
        bad = 1
sys.exit(bad)
PY
}

# the display column where TEXT starts on the first row holding KEY
column_of() { # PANE KEY TEXT
    T capture-pane -p -t "$1" | python3 -c '
import sys, unicodedata
key, text = sys.argv[1], sys.argv[2]
for line in sys.stdin:
    if key in line and text in line:
        pre = line[: line.index(text, line.index(key))]
        print(sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in pre))
        break
' "$2" "$3"
}

start t 120 40 "$BIN" --paused "$DIR/cjk.yaml"
wait_for "生产者和消费者"
goto_time 0.15
wait_for "t 0.150000 s"
wait_for "生产者把数据放进队列"
check_widths t 120
main_col=$(column_of t MainThread "blocked")
prod_col=$(column_of t "├ 生产者" "sleeping")
cons_col=$(column_of t "└ 消费者" "blocked")
[ -n "$main_col" ] && [ "$main_col" = "$prod_col" ] && [ "$main_col" = "$cons_col" ] ||
    fail "state column not aligned: MainThread $main_col, 生产者 $prod_col, 消费者 $cons_col"
# the caption wraps over two rows inside the frame; its end is on the second
expect_screen "边框也始终对齐。"
expect_screen "waiting: 消费者"

# an odd width (a wide character cannot straddle the edge) and 80x24
T resize-window -t t -x 111 -y 37
wait_for "Timeline"
sleep 0.2
check_widths t 111
T resize-window -t t -x 81 -y 24
wait_for "Tab: Output"
check_widths t 81
T resize-window -t t -x 80 -y 24
wait_for "Tab: Output"
sleep 0.2
check_widths t 80
quit_and_check
finish
