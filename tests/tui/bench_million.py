# About a million events: eight threads take a lock and pass items through
# a queue 32000 times each (the jump and memory benchmark, bench_tui.sh).
import threading, queue
lock = threading.Lock()
q = queue.Queue()
total = 0
def worker(n):
    global total
    for i in range(n):
        with lock:
            total += 1
        q.put(i)
        q.get()
ts = [threading.Thread(target=worker, args=(32000,)) for _ in range(8)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print(total)
