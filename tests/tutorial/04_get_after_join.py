def f(x):
    time.sleep(random.random() * 3)
    return x * x


def main():
    pool = Pool(processes=4)
    t_start = time.time()
    res_list = []
    for i in range(5):
        result = pool.apply_async(f, (i,))
        res_list.append(result)
    pool.close()
    pool.join()
    for res in res_list:
        print(res.get())
    print(time.time() - t_start)

""" 
输出：
9
0
16
1
4
2.55433548671
"""
