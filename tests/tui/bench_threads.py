# 100 threads that take turns with a lock and a queue: a busy screen for
# the frame benchmark (bench_tui.sh).
import threading, queue, time
lock = threading.Lock()
q = queue.Queue()
def worker(i):
    for k in range(3):
        with lock:
            q.put(i)
        time.sleep(0.01 * (i % 7))
        q.get()
ts = [threading.Thread(target=worker, args=(i,)) for i in range(100)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print('done')
