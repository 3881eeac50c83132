#!/bin/sh
# record.sh BIN - records what CPython 3.11 prints for every tutorial example
# (NN_name.py): its stdout (NN_name.out), the pids of its processes
# (NN_name.pids) and its exit status (NN_name.rc), through
# 'concviz verify --save', which runs python3 on a copy of the program with
# assets/concviz.py importable and a pid recorder on the path. The fragment
# (14) does not compile, so python3 runs it directly and its stderr goes to
# NN_name.err. Run it from anywhere: sh tests/tutorial/record.sh build/concviz
set -eu
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cd "$(dirname "$0")"
export CONCVIZ_ASSETS="$(cd ../../assets && pwd)"
for py in [0-9][0-9]_*.py; do
    name=${py%.py}
    case $name in
    14_*)
        rc=0
        PYTHONPATH=$CONCVIZ_ASSETS PYTHONDONTWRITEBYTECODE=1 timeout 60 python3 "$py" \
            >"$name.out" 2>"$name.err" || rc=$?
        echo "$rc" >"$name.rc"
        : >"$name.pids"
        ;;
    *)
        timeout 300 "$BIN" verify --timing --save "$name.out" "$py" || true
        ;;
    esac
done
