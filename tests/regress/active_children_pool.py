# active_children() lists a pool's workers (ForkPoolWorker-N, daemonic) and
# the manager's server; workers are numbered by the parent's one counter of
# children, and a repopulated worker (maxtasksperchild) gets the next number.
import multiprocessing as mp
import time


def f(x):
    return mp.current_process().name


if __name__ == '__main__':
    print(mp.active_children())
    m = mp.Manager()
    print(sorted(p.name for p in mp.active_children()))
    with mp.Pool(2, maxtasksperchild=1) as p:
        print(sorted(p.map(f, range(4), chunksize=1)))
        time.sleep(0.5)
        kids = sorted(mp.active_children(), key=lambda c: c.name)
        print([(c.name, type(c).__name__, c.daemon, c.is_alive(), c.exitcode) for c in kids])
    time.sleep(0.2)
    print(sorted(p.name for p in mp.active_children()))
    m.shutdown()
    ctx = mp.get_context('spawn')
    with ctx.Pool(1) as p:
        print(p.apply(f, (1,)), [(c.name, type(c).__name__) for c in mp.active_children()])
    time.sleep(0.2)
    print(mp.active_children())
