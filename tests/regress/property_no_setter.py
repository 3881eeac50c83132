class T:
    def _x(self): return 1
    x = property(_x)
t = T()
try:
    t.x = 5
except AttributeError as e:
    print(e)
print(t.x)
