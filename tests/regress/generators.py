# Generators: for loops, built-ins (list, sum, sorted, zip, in...), next(),
# send() and return values, yield from, nested generators, finally on
# completion, PEP 479 (StopIteration becomes RuntimeError), __iter__
# written as a generator, close().
def count(n):
    i = 0
    while i < n:
        yield i
        i += 1
    return 'done'
print(list(count(4)), sum(count(5)), [x * 2 for x in count(3)])
for v in count(3):
    print('v', v)
g = count(2)
print(next(g), next(g))
try:
    next(g)
except StopIteration as e:
    print('stop', repr(e))
def echo():
    total = 0
    while True:
        x = yield total
        if x is None:
            break
        total += x
    return total
e = echo()
print(next(e), e.send(5), e.send(7))
try:
    e.send(None)
except StopIteration as s:
    print('returned', s.value)
def fib():
    a, b = 0, 1
    while True:
        yield a
        a, b = b, a + b
out = []
for f in fib():
    if f > 50:
        break
    out.append(f)
print(out)
def chain(*its):
    for it in its:
        yield from it
print(list(chain([1, 2], 'ab', range(3))), type(count(1)).__name__)
def nested():
    for i in count(3):
        for j in count(i):
            yield (i, j)
print(list(nested()))
def guarded():
    try:
        yield 1
        yield 2
    finally:
        print('finally ran')
for x in guarded():
    print(x)
def raiser():
    yield 1
    raise ValueError('inside')
try:
    for x in raiser():
        print('got', x)
except ValueError as err:
    print('caught', err)
def stopper():
    yield 1
    raise StopIteration
try:
    list(stopper())
except RuntimeError as err:
    print('RuntimeError:', err)
gg = count(3)
print(3 in count(5), max(count(4)), sorted(count(3), reverse=True), dict(zip('abc', count(3))), any(x > 1 for x in count(3)))
print(list(enumerate(count(2))), tuple(count(2)), set(count(3)), gg.__next__(), list(gg))
class Tree:
    def __init__(self, items):
        self.items = items
    def __iter__(self):
        for i in self.items:
            yield i * 10
print(list(Tree([1, 2, 3])), [t for t in Tree([4])])
def empty():
    return
    yield
print(list(empty()))
c = count(2); c.close(); print(list(c))
