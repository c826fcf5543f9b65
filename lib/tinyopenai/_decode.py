# Answers whose big values are decoded on the fly instead of built: base64 text streamed into
# bytes (b64_json images, base64 embeddings), number arrays into array('f'). Loaded by images
# and embeddings. Core module.

from binascii import a2b_base64

from ._errors import const, say

# message numbers (the texts are in _messages)
_UNTERM = const(34)
_NOT_NUMBER = const(55)
_B64_BROKEN = const(56)


def string_into(rd, write):
    """Pass the next string's bytes (escapes decoded) to write() piece by piece, without
    building it; returns its length in bytes. A piece may be a view of the reader's buffer:
    valid only during the call."""
    rd.expect(0x22, "a string")
    total = 0
    buf = rd.buf  # the reader's buffer stays the same object; its contents move
    mv = memoryview(buf)
    while True:
        i = rd.pos
        e = rd.end
        q = buf.find(b'"', i, e)
        stop = q if q >= 0 else e
        b = buf.find(b"\\", i, stop)
        if b >= 0:
            stop = b
        if stop > i:
            write(mv[i:stop])
            total += stop - i
        rd.pos = stop
        if b >= 0:
            piece = rd.escape()
            write(piece)
            total += len(piece)
        elif q >= 0:
            rd.pos = q + 1
            return total
        elif not rd.more():
            raise rd.error(_UNTERM)


def floats_into(rd, arr):
    """Put the numbers of the next array into arr (an array('f'), say) from its start, growing
    it past its end; no list of floats is ever built. Returns arr, cut to the count when it had
    room to spare."""
    n = len(arr)
    i = 0
    for _ in rd.items(0x5B):
        v = rd.scalar(rd.peek())
        if not isinstance(v, (int, float)) or isinstance(v, bool):
            raise rd.error(_NOT_NUMBER)
        if i < n:
            arr[i] = v
        else:
            arr.append(v)
        i += 1
    return arr if i >= n else arr[:i]


def data_answer(rd, key, handle):
    """An answer {..., "data": [{...}, ...]} as a dict, where handle(rd, item) consumes the value
    of `key` in each item (decoding it, sending it to a sink) instead of building it."""
    out = {}
    for k in rd.items(0x7B):
        if k != "data":
            out[k] = rd.load()
            continue
        data = out["data"] = []
        for _ in rd.items(0x5B):
            item = {}
            for f in rd.items(0x7B):
                if f == key:
                    handle(rd, item)
                else:
                    item[f] = rd.load()
            data.append(item)
    return out


class B64Decoder:
    """Decode base64 text arriving in pieces (bytes or views), writing the bytes to write() as
    they come: 4 characters make 3 bytes, so a tail of up to 3 characters waits for the next
    piece. Whole groups are decoded straight from the piece, without copying it."""

    def __init__(self, write):
        self._write = write
        self._tail = b""

    def __call__(self, text):
        t = self._tail
        if t:  # complete the waiting group first
            k = 4 - len(t)
            t += bytes(text[:k])
            text = text[k:]
            if len(t) < 4:
                self._tail = t
                return
            self._write(a2b_base64(t))
        cut = len(text) - len(text) % 4
        self._tail = bytes(text[cut:])
        # 48 bytes at a time: each piece is a new bytes object, and one of 4 heap blocks finds
        # room among an answer's long-lived objects where a bigger one would not (a 2 MB image
        # needs about 0.8 KB less heap than with 96-byte pieces, for a few ms more per MB)
        for i in range(0, cut, 64):
            self._write(a2b_base64(text[i : min(i + 64, cut)]))

    def close(self):
        if self._tail:
            raise ValueError(say(_B64_BROKEN))
