from multiprocessing import Pool
def f(x):
    return x
if __name__ == '__main__':
    pool = Pool(1)
    print(pool.apply_async(f, (1,)).get())
    r = pool.apply_async(f, (2,))
    pool.close()
    pool.join()
    print(r.get())
