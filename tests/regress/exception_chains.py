# Exception chains: raise ... from (the cause), raising while handling
# (the context), from None; __cause__/__context__/__suppress_context__;
# a pool task's exception re-raised in the parent with a
# multiprocessing.pool.RemoteTraceback cause holding the worker's traceback.
import multiprocessing as mp
def f(x):
    if x == 2:
        raise ValueError('bad %d' % x)
    return x
if __name__ == '__main__':
    try:
        try:
            {}['k']
        except KeyError as e:
            raise RuntimeError('wrapped') from e
    except RuntimeError as e:
        print(repr(e.__cause__), repr(e.__context__), e.__suppress_context__)
    try:
        try:
            1 / 0
        except ZeroDivisionError:
            raise ValueError('during')
    except ValueError as e:
        print(repr(e.__cause__), repr(e.__context__), e.__suppress_context__)
    try:
        raise KeyError('x') from None
    except KeyError as e:
        print(repr(e.__cause__), repr(e.__context__), e.__suppress_context__)
    e = ValueError('plain')
    print(e.__cause__, e.__context__, e.__suppress_context__)
    with mp.Pool(2) as p:
        try:
            p.map(f, range(4))
        except ValueError as e:
            print('map re-raises:', repr(e), type(e.__cause__).__module__ + '.' + type(e.__cause__).__name__)
            print(str(e.__cause__).splitlines()[:2], str(e.__cause__).splitlines()[-2:])
        p.apply(f, (2,))
