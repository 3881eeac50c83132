# bench: a counting loop to 5 million (bytecode dispatch, int arithmetic)
i = 0
total = 0
while i < 5000000:
    total += i
    i += 1
print(total)
