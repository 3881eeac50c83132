import multiprocessing as mp
print('import', __name__)
def init(tag):
    global TAG
    TAG = tag
def f(x):
    return TAG + str(x)
if __name__ == '__main__':
    mp.set_start_method('spawn')
    with mp.Pool(1, initializer=init, initargs=('w',)) as p:
        print(p.map(f, [1, 2]))
        print(p.apply(f, (3,)))
