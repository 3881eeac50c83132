# Built-ins that take items from an iterator which blocks (pool.imap waits
# for results): 'in' on it and on a user iterable, any/all, zip and map of
# several such iterators lose no item and take none twice.
import multiprocessing as mp
import time


def f(x):
    time.sleep(0.01 * (5 - x))
    return x


class Bag:
    def __init__(self, items):
        self.items = items

    def __iter__(self):
        return iter(self.items)


if __name__ == '__main__':
    print(2 in Bag([1, 2]), 5 in Bag([1, 2]))
    with mp.Pool(3) as p:
        print(any(p.imap(f, [0, 0, 2, 0])), all(p.imap(f, [1, 2, 0, 4])), 3 in p.imap(f, range(5)))
        it = p.imap(f, range(5))
        print(4 in it, list(it))
        it = p.imap(f, range(5))
        print(2 in it, list(it))
        print(list(zip(p.imap(f, range(4)), p.imap(f, range(4)))))
        print(dict(zip('abcd', p.imap(f, range(4)))))
        print(list(map(lambda a, b: a * 10 + b, p.imap(f, range(3)), p.imap(f, [4, 3, 2]))))
        print(list(enumerate(p.imap(f, range(3)))), max(p.imap(f, range(4))), min(p.imap(f, [3, 1, 2])))
