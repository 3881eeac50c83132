#!/bin/sh
# test_browser.sh BIN DIR - 'concviz' alone lists the built-in scenarios
# (embedded: it works from any directory); Enter plays one; q goes back to
# the list, q again quits. 'concviz list' prints them; --lang zh uses the
# Chinese titles.
. "$2/tui_lib.sh"

start t 100 30 "$BIN"
wait_for "built-in scenarios"
expect_screen "00_welcome"
expect_screen "Welcome to concviz"
T send-keys -t t Enter
wait_for "concviz · Welcome to concviz"
wait_for "playing"
T send-keys -t t q
wait_for "built-in scenarios"
T send-keys -t t q
wait_for "EXIT=0"
expect_restored

"$BIN" list >"$TMP/list.txt" || fail "concviz list failed"
grep -q "^00_welcome  *Welcome to concviz" "$TMP/list.txt" || fail "concviz list: no 00_welcome line"
"$BIN" list --lang zh >"$TMP/list_zh.txt" || fail "concviz list --lang zh failed"
grep -q "欢迎使用 concviz" "$TMP/list_zh.txt" || fail "concviz list --lang zh: no Chinese title"
LANG=zh_CN.UTF-8 LC_ALL= "$BIN" list >"$TMP/list_env.txt"
grep -q "欢迎使用 concviz" "$TMP/list_env.txt" || fail "LANG=zh_CN: no Chinese title"
finish
