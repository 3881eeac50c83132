class P:
    def _g(self): raise AttributeError('nope')
    x = property(_g)
class Q:
    def __getattr__(self, n):
        if n == 'magic': return 42
        raise AttributeError(n)
p, q = P(), Q()
print(hasattr(p, 'x'), getattr(p, 'x', 'd'), hasattr(q, 'magic'), hasattr(q, 'other'), getattr(q, 'magic', 0), getattr(q, 'o', 0))
class R:
    def _g(self): raise ValueError('bad')
    y = property(_g)
try:
    hasattr(R(), 'y')
except ValueError as e:
    print('ValueError', e)
try:
    getattr(q, 'zz')
except AttributeError as e:
    print('AttributeError', e)
print(hasattr([], 'nope'), getattr([], 'nope', None))
