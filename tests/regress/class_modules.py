# The module CPython names for the classes of the machine's modules, in
# type() reprs, __module__ and tracebacks (multiprocessing.queues.Queue,
# _queue.Empty, multiprocessing.context.TimeoutError, _thread.lock).
import multiprocessing as mp
import queue
import threading
import time

if __name__ == '__main__':
    m = mp.Manager()
    p = mp.Pool(1)
    objs = [mp.Process(), mp.current_process(), mp.get_context('spawn'), mp.get_context('fork').Process(),
            mp.Lock(), mp.RLock(), mp.Semaphore(), mp.BoundedSemaphore(), mp.Condition(), mp.Event(), mp.Barrier(1),
            mp.Queue(), mp.JoinableQueue(), mp.SimpleQueue(), mp.Pipe()[0],
            p, p.apply_async(len, ([],)), p.map_async(len, [[]]), p.imap(len, [[]]), p.imap_unordered(len, [[]]),
            mp.Value('i', 1), mp.Array('i', 2), mp.Value('i', 1, lock=False), mp.Array('c', 3),
            m, m.Namespace(), m.dict(), m.list(), m.Lock(), m.Queue(), m.Value('i', 1), m.Event(),
            mp.TimeoutError(), mp.ProcessError(), queue.Empty(), queue.Full(),
            threading.Lock(), threading.RLock(), threading.Event(), threading.BrokenBarrierError(), queue.Queue()]
    for o in objs:
        print(type(o), type(o).__module__, type(o).__name__)
    try:
        queue.Queue().get(timeout=0.01)
    except Exception as e:
        print('caught', type(e), repr(e))
    try:
        p.apply_async(time.sleep, (0.5,)).get(timeout=0.05)
    except Exception as e:
        print('caught', type(e), repr(e))
    p.close()
    p.join()
    m.shutdown()
    mp.Queue().get(timeout=0.01)
