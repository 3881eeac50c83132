# bench: building strings (concatenation, join, f-strings, str methods)
parts = []
for i in range(200000):
    parts.append(f"item{i}")
s = ",".join(parts)
n = 0
for p in s.split(","):
    if p.endswith("7"):
        n += 1
acc = ""
for i in range(100000):
    acc += str(i % 10)
print(len(s), n, len(acc), acc[:10].upper())
