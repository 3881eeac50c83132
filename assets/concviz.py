"""concviz.py - the shim that lets a concviz scenario's program run unchanged
under CPython: put this file's directory on PYTHONPATH (concviz verify does).

Under concviz these calls are simulated exactly; here they do the nearest
real thing:
  cpu(seconds)  burn CPU while holding the GIL (a busy loop)
  io(seconds)   a blocking call that releases the GIL (time.sleep)
  note(text)    a caption for the viewer; printed to stderr only when the
                environment variable CONCVIZ_NOTES is set, so stdout stays
                comparable with concviz's
"""
import os
import sys
import time

__all__ = ["cpu", "io", "note"]


def cpu(seconds):
    """Busy-loop for about `seconds` of CPU time, holding the GIL."""
    if seconds < 0:
        raise ValueError("cpu() needs a non-negative duration")
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def io(seconds):
    """Block for `seconds` with the GIL released, like a system call."""
    if seconds < 0:
        raise ValueError("io() needs a non-negative duration")
    time.sleep(seconds)


def note(text):
    """A caption: shown by concviz's viewer; silent here unless CONCVIZ_NOTES is set."""
    if os.environ.get("CONCVIZ_NOTES"):
        print("[note] %s" % (text,), file=sys.stderr)
