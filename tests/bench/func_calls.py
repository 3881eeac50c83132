# bench: function calls, default arguments, recursion and method calls
def add(a, b=1):
    return a + b

def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)

class Counter:
    def __init__(self):
        self.n = 0

    def bump(self, k):
        self.n = add(self.n, k)

c = Counter()
for i in range(500000):
    c.bump(i % 3)
print(c.n, fib(25))
