with some_lock:
    # 执行某种操作...

# 相当于
some_lock.acquire()
try:
    # 执行某种操作...
finally:
    some_lock.release()
