from multiprocessing import Pool
import time, random


def f(x):
    time.sleep(random.random() * 3)
    return x * x


def main():
    pool = Pool(processes=4)
    t_start = time.time()
    for i in range(5):
        result = pool.apply_async(f, (i,))
        print(result.get())
    pool.close()
    pool.join()
    print(time.time() - t_start)

""" 
输出：
0
1
4
9
16
7.997464895248413
"""
