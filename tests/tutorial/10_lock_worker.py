from multiprocessing import Process, Lock

def worker(lock):
    with lock:
        # 操作共享资源
        pass

if __name__ == '__main__':
    lock = Lock()
    processes = [Process(target=worker, args=(lock,)) for _ in range(4)]
    for p in processes:
        p.start()
    for p in processes:
        p.join()
