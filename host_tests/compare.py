"""Comparing what a runtime returned with what CPython's json made of the same bytes."""
import math


def same(a, b):
    """Equal values, types included (1 != 1.0 here), NaN equal to NaN."""
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return a == b


def close(a, b):
    """As same(), but floats may differ in the last digits: MicroPython prints floats with fewer
    digits than a round trip needs, so its printed output is compared with a tolerance."""
    if isinstance(b, float) and isinstance(a, (int, float)) and not isinstance(a, bool):
        return same(float(a), b) or math.isclose(a, b, rel_tol=1e-12, abs_tol=0.0)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k]) for k in a)
    return same(a, b)
