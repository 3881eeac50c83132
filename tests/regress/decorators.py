# Decorators on functions and classes (evaluated top to bottom, applied
# bottom to top), @property with .setter, @staticmethod, @classmethod
# (also through a subclass), and a lock-taking decorator on a thread target.
import threading, time
def logged(fn):
    def wrapper(*args, **kw):
        print('call', fn.__name__, args)
        return fn(*args, **kw)
    return wrapper
def times(n):
    def deco(fn):
        def w(x):
            return [fn(x) for _ in range(n)]
        return w
    return deco
@logged
@times(2)
def sq(x):
    return x * x
print(sq(3))
class Account:
    rate = 2
    def __init__(self, v):
        self._v = v
    @property
    def value(self):
        return self._v
    @value.setter
    def value(self, v):
        print('set', v)
        self._v = v
    @staticmethod
    def helper(a, b):
        return a + b
    @classmethod
    def make(cls, v):
        return cls(v * cls.rate)
    def __repr__(self):
        return f'Account({self._v})'
a = Account(5)
a.value = 7
print(a.value, Account.helper(1, 2), a.helper(3, 4), Account.make(10), a.make(1), type(Account.__dict__['helper']).__name__)
print(type(Account.value).__name__, type(Account.__dict__['make']).__name__, Account.helper.__name__)
class Sub(Account):
    rate = 3
print(Sub.make(2), type(Sub.make(2)).__name__)
def register(cls):
    cls.tag = 'registered'
    return cls
@register
class Job(threading.Thread):
    def run(self):
        print(self.name, self.tag)
j = Job(name='J'); j.start(); j.join()
lock = threading.Lock()
def synchronized(fn):
    def inner(*a):
        with lock:
            return fn(*a)
    return inner
total = 0
@synchronized
def add(n):
    global total
    t = total
    time.sleep(0.001)
    total = t + n
ts = [threading.Thread(target=add, args=(i,)) for i in range(5)]
for t in ts: t.start()
for t in ts: t.join()
print(total)
