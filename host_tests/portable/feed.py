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


class FakeSock:
    """A socket that answers with canned responses, at most k bytes per recv (k: a number, or a
    list of sizes, one per recv, then 5), as a network would; each response becomes readable
    only after the next request head was sent."""

    def __init__(self, responses, k):
        self.pending = list(responses)
        self.data = b""
        self.i = 0
        self.k = k
        self._sizes = iter(k) if isinstance(k, list) else None
        self.sent = bytearray()
        self.closed = False
        self.timeout = None

    def _take(self, n, exact=False):
        cap = next(self._sizes, 5) if self._sizes is not None else self.k
        n = min(n, len(self.data) - self.i) if exact else min(n, cap, len(self.data) - self.i)
        b = self.data[self.i : self.i + n]
        self.i += n
        return b

    def recv_into(self, mv):
        b = self._take(len(mv))
        mv[: len(b)] = b
        return len(b)

    def readinto(self, mv):  # MicroPython's: fills the buffer unless the stream ends or, when
        b = self._take(len(mv), self.timeout != 0)  # non-blocking, gives what there is
        mv[: len(b)] = b
        return len(b)

    def write(self, b):  # MicroPython's stream write (the client's way out there), CPython's sendall
        start = len(self.sent)
        self.sent += b
        # a request head ended in what was just sent: the next response becomes readable
        if self.sent.find(b"\r\n\r\n", max(0, start - 3)) >= 0 and self.pending:
            self.data = self.data[self.i :] + self.pending.pop(0)
            self.i = 0

    sendall = write

    def settimeout(self, t):
        self.timeout = t

    def setsockopt(self, *a):
        pass

    def close(self):
        self.closed = True


def events_of(ev):
    """Every (name, data) an SSE Events reader gives, until its end."""
    out = []
    while True:
        e = ev.next()
        if e is None:
            return out
        out.append(e)
