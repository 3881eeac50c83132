# bench: 100 threads pass a token around a Condition, 20 rounds (scheduler events)
import threading
N = 100
ROUNDS = 20
cond = threading.Condition()
turn = [0]
def player(i):
    for r in range(ROUNDS):
        with cond:
            while turn[0] != i:
                cond.wait()
            turn[0] = (i + 1) % N
            cond.notify_all()
ts = [threading.Thread(target=player, args=(i,)) for i in range(N)]
for t in ts: t.start()
for t in ts: t.join()
print('done', turn[0])
