# What MicroPython has built in and CPython lacks: the ticks clock, and the exception a timeout
# raises. Only CPython loads this module; kept apart so that MicroPython never loads (or interns
# the names of) code it cannot use.

from time import monotonic  # pyright: ignore[reportAttributeAccessIssue]  (CPython has it; the stubs are the ESP32's)

TIMEOUT_TYPES = (TimeoutError,)  # MicroPython's timeout is OSError(ETIMEDOUT): errno tells


def ticks_ms():
    return int(monotonic() * 1000)


def ticks_add(t, ms):
    return t + ms


def ticks_diff(a, b):
    return a - b
