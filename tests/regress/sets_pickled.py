# Sets after deletions, pops and growth; sets returned by pool workers and
# sent through a Queue (pickled: rebuilt item by item); a large set.
import multiprocessing as mp
def f(n):
    return {n, n * 2, n * 3}
if __name__ == '__main__':
    s = set(range(0, 300, 7))
    for i in range(0, 300, 21):
        s.discard(i)
    print(s)
    print([s.pop() for _ in range(5)], len(s))
    s.update(range(1000, 1100, 9))
    print(s)
    print(s.intersection(list(range(0, 1050, 3))), s.difference({k: 1 for k in range(0, 150)}), s.intersection(range(50)))
    print(s.difference(range(0, 2000, 2)))
    t = frozenset(range(64))
    print(t - set(range(0, 64, 3)), t ^ frozenset(range(60, 70)))
    with mp.Pool(2) as p:
        r = p.map(f, [1, 2, 3])
        print(r, set().union(*r), frozenset(r[0]))
    q = mp.Queue()
    q.put({1, 2, frozenset({3})})
    print(q.get())
    x = {1, 2, 3}
    x.intersection_update([2, 3, 4], {3, 2})
    x.difference_update([7])
    x.symmetric_difference_update([3, 9])
    print(x, {1, 2}.isdisjoint({3}), set([1, 2]) < frozenset([1, 2, 3]))
    big = set()
    for i in range(100000): big.add(i * 37 % 100003)
    print(len(big), sum(big) % 1000, list(big)[:10])
