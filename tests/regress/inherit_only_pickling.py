import multiprocessing as mp
def f(x): return 1
if __name__ == '__main__':
    objs = [mp.Lock(), mp.RLock(), mp.Semaphore(), mp.BoundedSemaphore(), mp.Condition(), mp.Event(), mp.Barrier(2), mp.Queue(), mp.JoinableQueue(), mp.SimpleQueue(), mp.Value('i', 1), mp.Array('i', 3), mp.Pipe()[0]]
    a, b = mp.Pipe()
    for o in objs:
        try:
            a.send(o)
            print(type(o).__name__, 'ok')
        except Exception as e:
            print(type(o).__name__, type(e).__name__, e)
    with mp.Pool(1) as p:
        r = p.apply_async(f, (mp.Lock(),))
        print('submitted')
        try:
            r.get()
        except Exception as e:
            print(type(e).__name__, e)
        try:
            print(p.map(f, [1, mp.Lock(), 3]))
        except Exception as e:
            print(type(e).__name__, e)
        print(p.apply(f, (1,)))
