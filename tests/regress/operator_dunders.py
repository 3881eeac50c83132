class V:
    def __init__(self, x): self.x = x
    def __add__(self, o): return V(self.x + (o.x if isinstance(o, V) else o))
    def __radd__(self, o): return V(o + self.x)
    def __mul__(self, o): return V(self.x * o)
    def __rmul__(self, o): return V(self.x * o * 10)
    def __iadd__(self, o):
        self.x += 100
        return self
    def __repr__(self): return 'V(%r)' % self.x
    def __sub__(self, o): return NotImplemented
    def __rsub__(self, o): return 'rsub'
class D:
    def __init__(self): self.d = {}
    def __setitem__(self, k, v): self.d[k] = v
    def __getitem__(self, k): return self.d[k]
    def __delitem__(self, k):
        print('del', k)
        del self.d[k]
    def __len__(self): return len(self.d)
    def __contains__(self, k): return k in self.d
a = V(1)
print(a + 2, 2 + a, a * 3, 3 * a)
b = a
a += 5
print(a, b, a is b)
print(5 - V(1))
try:
    V(1) - 5
except TypeError as e:
    print(e)
d = D()
d['x'] = 1
print(len(d), 'x' in d)
del d['x']
print(len(d), 'x' in d)
class N:
    def __getattr__(self, name):
        raise AttributeError(name)
print(hasattr(N(), 'zz'), getattr(N(), 'zz', 'dflt'))
import queue
print(repr(queue.Queue())[:20], repr(queue.LifoQueue())[:24])
import threading
print(threading.Thread, queue.Queue)
