import multiprocessing as mp
G = 0
def f(x):
    return (x, G, __name__, mp.current_process().name.startswith('SpawnPoolWorker-'))
if __name__ == '__main__':
    G = 5
    ctx = mp.get_context('spawn')
    with ctx.Pool(2) as p:
        print(p.map(f, [1, 2]))
