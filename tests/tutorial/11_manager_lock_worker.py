from multiprocessing import Process, Manager

def worker(lock):
    with lock:
        # 操作共享资源
        pass

if __name__ == '__main__':
    with Manager() as manager:
        lock = manager.Lock()
        processes = [Process(target=worker, args=(lock,)) for _ in range(4)]
        for p in processes:
            p.start()
        for p in processes:
            p.join()
