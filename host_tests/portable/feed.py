# A readinto(memoryview) -> n over bytes, at most k bytes per call: how the portable parser tests
# feed input in 1-byte and odd-sized reads (CPython and MicroPython).


def feeder(data, k):
    state = [0]

    def rd(mv):
        i = state[0]
        n = min(k, len(mv), len(data) - i)
        mv[:n] = data[i : i + n]
        state[0] = i + n
        return n

    return rd


def sized(data, sizes):
    """readinto over data in reads of the given sizes (then 7 at a time)."""
    it = iter(sizes)
    pos = [0]

    def rd(mv):
        n = min(len(mv), next(it, 7), len(data) - pos[0])
        mv[:n] = data[pos[0] : pos[0] + n]
        pos[0] += n
        return n

    return rd


def body_of(resp, k=5):
    """A whole response body, read k bytes at a time."""
    out = bytearray()
    mv = memoryview(bytearray(k))
    while True:
        n = resp.readinto(mv)
        if not n:
            return bytes(out)
        out += mv[:n]
