import multiprocessing as mp
print('import', __name__)
if __name__ == '__main__':
    ctx = mp.get_context('spawn')
    with ctx.Manager() as m:
        d = m.dict()
        d['x'] = 1
        print(dict(d), type(m._process).__name__)
    print(mp.get_start_method())
