from multiprocessing import Pool
import time
def f(x):
    time.sleep(0.01)
    return x * x
if __name__ == '__main__':
    with Pool(2) as pool:
        print(list(pool.imap(f, range(6))))
        print(sorted(pool.imap_unordered(f, range(6))))
        print(tuple(pool.imap(f, range(3))), sum(pool.imap(f, range(4))))
