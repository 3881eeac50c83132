class M:
    def keys(self): return ['a', 'b']
    def __getitem__(self, k): return k.upper()
print(dict(M()))
d = {}
d.update(M())
print(d)
