# a bare .py file with a syntax error on line 4
print("one")
print("two")
print("three" "four" +)
