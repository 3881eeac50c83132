# Generators that block: a for loop over a generator waiting in q.get()
# (threads, and a multiprocessing.Queue fed by another process), one
# holding a lock across a yield in two threads, and many short-lived
# generators (the collector frees their frames).
import threading, queue, time
import multiprocessing as mp

def drain(q):
    while True:
        item = q.get()
        if item is None:
            return
        yield item

def producer(q, n):
    for i in range(n):
        time.sleep(0.01)
        q.put(i)
    q.put(None)

def ticker(n, lock):
    for i in range(n):
        with lock:
            yield i
        time.sleep(0.005)

if __name__ == '__main__':
    q = queue.Queue()
    t = threading.Thread(target=producer, args=(q, 5))
    t.start()
    for item in drain(q):
        print('got', item)
    t.join()
    lock = threading.Lock()
    seen = []
    def consume(name):
        for i in ticker(3, lock):
            seen.append((name, i))
    ts = [threading.Thread(target=consume, args=(n,)) for n in 'AB']
    for x in ts: x.start()
    for x in ts: x.join()
    print(sorted(seen))
    mq = mp.Queue()
    p = mp.Process(target=producer, args=(mq, 3))
    p.start()
    print([x for x in drain(mq)])
    p.join()
    big = 0
    for k in range(20000):
        g = (lambda: None)
        def gen3(k=k):
            yield [k] * 3
            yield {k: k}
        for v in gen3():
            big += len(v)
    print(big)
    gens = [drain(q) for _ in range(3)]
    print(type(gens[0]).__name__, repr(gens[0])[:27])
