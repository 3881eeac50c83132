"""extract.py - regenerates tests/tutorial/NN_name.py from the tutorial's
```py and ```python code blocks, byte for byte (run: python3 extract.py
TUTORIAL.md). The names below follow the blocks' order in the tutorial."""
import re
import sys

NAMES = [
    "01_process", "02_pool", "03_get_before_join", "04_get_after_join",
    "05_queue", "06_pipe", "07_lock", "08_value_array", "09_manager",
    "10_lock_worker", "11_manager_lock_worker", "12_thread_loop",
    "13_thread_subclass_lock", "14_with_lock_fragment",
]


def blocks(text):
    return re.findall(r"^```(?:py|python)\n(.*?)^```$", text, re.M | re.S)


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        found = blocks(f.read())
    if len(found) != len(NAMES):
        sys.exit("expected %d blocks, found %d" % (len(NAMES), len(found)))
    for name, body in zip(NAMES, found):
        with open(name + ".py", "w", encoding="utf-8", newline="") as f:
            f.write(body)


main()
