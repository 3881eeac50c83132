#!/bin/sh
# bench_sim.sh [BIN] - the simulated machine's speed and memory (not a test:
# numbers only). Prints scheduler events per second, memory per thread and
# per process (from the peak RSS of runs with N and 2N of them), and the time
# to run and record a scenario of about a million events.
set -u
here=$(cd "$(dirname "$0")" && pwd)
BIN=${1:-./build/concviz}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

# peak RSS (KiB) and wall seconds of a command, via python3's resource module
measure() {
    python3 - "$@" <<'PY'
import resource, subprocess, sys, time
t0 = time.perf_counter()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
dt = time.perf_counter() - t0
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, "%.3f" % dt)
PY
}

# events of a recorded run
events() { "$BIN" record "$1" -o "$tmp/t.jsonl" >/dev/null 2>&1; echo $(( $(wc -l < "$tmp/t.jsonl") - 1 )); }

n=$(events "$here/sim_condition_ring.py")
set -- $(measure "$BIN" run "$here/sim_condition_ring.py")
echo "condition ring (100 threads x 20 rounds): $n events in $2 s = $(awk -v n="$n" -v t="$2" 'BEGIN{printf "%.0f", n/t}') events/s"

cat > "$tmp/threads.py" <<PY
import threading
go = threading.Event()
ts = [threading.Thread(target=go.wait) for _ in range(NTH)]
for t in ts: t.start()
go.set()
for t in ts: t.join()
PY
sed 's/NTH/500/' "$tmp/threads.py" > "$tmp/t500.py"
sed 's/NTH/1000/' "$tmp/threads.py" > "$tmp/t1000.py"
set -- $(measure "$BIN" run "$tmp/t500.py"); a=$1
set -- $(measure "$BIN" run "$tmp/t1000.py"); b=$1
echo "memory per thread: $(( (b - a) * 1024 / 500 )) bytes (peak RSS $a KiB for 500, $b KiB for 1000 threads)"

cat > "$tmp/procs.py" <<PY
import multiprocessing as mp, time
def f():
    time.sleep(1)
if __name__ == '__main__':
    ps = [mp.Process(target=f) for _ in range(NPR)]
    for p in ps: p.start()
    for p in ps: p.join()
PY
sed 's/NPR/20/' "$tmp/procs.py" > "$tmp/p20.py"
sed 's/NPR/60/' "$tmp/procs.py" > "$tmp/p60.py"
set -- $(measure "$BIN" run --max-time 100 "$tmp/p20.py"); a=$1
set -- $(measure "$BIN" run --max-time 100 "$tmp/p60.py"); b=$1
echo "memory per process: $(( (b - a) * 1024 / 40 )) bytes (peak RSS $a KiB for 20, $b KiB for 60 processes)"

cat > "$tmp/million.py" <<'PY'
import threading
lock = threading.Lock()
count = [0]
def work():
    for i in range(125000):
        with lock:
            count[0] += 1
ts = [threading.Thread(target=work) for _ in range(4)]
for t in ts: t.start()
for t in ts: t.join()
print(count[0])
PY
set -- $(measure "$BIN" record "$tmp/million.py" -o "$tmp/m.jsonl")
echo "record a $(( $(wc -l < "$tmp/m.jsonl") - 1 ))-event run: $2 s (peak RSS $1 KiB, trace $(( $(wc -c < "$tmp/m.jsonl") / 1024 )) KiB)"
