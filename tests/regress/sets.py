# set and frozenset: displays (constant ones go through a frozenset, as in
# CPython 3.11), comprehensions, methods, operators, errors, hashes, and
# the iteration order CPython's table gives (ints, floats, tuples).
s = {3, 1, 2}
print(s, len(s), 2 in s, 5 in s, set(), frozenset(), frozenset([5, 3, 9]))
print({10, 20, 30, 40, 50, 17, 33}, {x * 7 for x in range(12)}, set(range(20, 0, -3)))
print(set('hello') == set('olleh'), sorted(set('mississippi')))
a = {1, 2, 3, 4}; b = {3, 4, 5, 6}
print(a | b, a & b, a - b, b - a, a ^ b, a <= b, {1, 2} < a, a >= {1}, a > a)
print(a.union([9, 8], (7,)), a.intersection(b, [4]), a.difference([1], {2}), a.symmetric_difference([1, 10]))
c = set(); c.add(5); c.add(13); c.add(21); c.update([1, 9]); print(c)
c.discard(13); c.remove(5); print(c, c.pop(), c)
try:
    c.remove(100)
except KeyError as e:
    print('KeyError', e)
try:
    set().pop()
except KeyError as e:
    print('KeyError', e)
try:
    {[1]}
except TypeError as e:
    print(e)
try:
    hash({1})
except TypeError as e:
    print(e)
print(hash(frozenset([1, 2, 3])), hash(frozenset()), hash((1, 2)), hash(1.5), hash(-2.25), hash((1, 'a')) == hash((1, 'a')))
d = {frozenset([1, 2]): 'x'}
print(d[frozenset([2, 1])], {1, 2} in {frozenset({1, 2})})
s2 = {100, 200, 300}
for i in range(1000, 1010): s2.add(i)
print(s2)
s2 -= {1000, 1001}; s2 |= {7}; s2 &= set(range(0, 2000)); s2 ^= {7, 8}
print(s2, type(s2), type(frozenset()), isinstance(s2, set))
print({(1, 2), (3, 4), (0, 0), (5, 1)}, {1.5, 2.5, 0.25}, {-1, -2, -3, 0})
print(sum({1, 2, 3}), max({4, 9, 2}), list({5, 6}), tuple(frozenset({7})), {*[1, 2], *(3, 2)}, {1, *[8, 9]})
x = {i for i in range(100) if i % 7 == 0}
print(x, x.issubset(range(200)), x.issuperset([0, 7]), x.isdisjoint([1, 2]), len(x))
e = set([1, 2, 3]); f = e.copy(); f.add(4); print(e, f, e == f, e != f, e == {3, 2, 1})
g = {1, 2, 3}
try:
    for v in g:
        g.add(v + 10)
except RuntimeError as err:
    print(err)
print(frozenset({1, 2}) | {3}, {3} | frozenset({1}), repr(frozenset({'a'})), str({'b'}))
h = set(); h.update({10: 'a', 3: 'b'}); print(h, set({1: 2}), set(range(40)))
print(g.clear(), g, bool(g), bool({0}))
