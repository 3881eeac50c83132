# bench: list and dict work (append, index, comprehension, dict get/set, sort)
counts = {}
data = [(i * 7919) % 1000 for i in range(300000)]
for x in data:
    counts[x] = counts.get(x, 0) + 1
keys = sorted(counts.keys(), key=lambda k: -counts[k])
squares = [x * x for x in data if x % 3 == 0]
print(len(counts), keys[:3], sum(squares))
