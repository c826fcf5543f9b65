# Embeddings: client.embeddings.create. Vectors come back as array('f'), decoded straight from
# the base64 text (asked for by default) or from the number list, never as a list of floats.
from array import array

from ._api import Resource
from ._decode import B64Decoder, data_answer, floats_into, string_into


class Embeddings(Resource):
    path = "/embeddings"

    def create(self, input, model, encoding_format="base64", pick=None, extra_headers=None, **params):
        """POST /embeddings -> the answer, with each data[i]["embedding"] an array('f')."""
        params["input"] = input
        params["model"] = model
        params["encoding_format"] = encoding_format
        if pick is not None:
            return self._call("POST", (), params, pick=pick, extra_headers=extra_headers)
        size = params.get("dimensions") or _DIMS.get(model)
        def vector(rd, item):
            item["embedding"] = _vector(rd, size)

        return self._call("POST", (), params, consume=lambda rd, _sink: data_answer(rd, "embedding", vector),
                          extra_headers=extra_headers)


# the vector sizes of OpenAI's embedding models, to allocate each array once (dimensions= wins)
_DIMS = {"text-embedding-3-large": 3072, "text-embedding-3-small": 1536, "text-embedding-ada-002": 1536}


class _Floats:
    # little-endian float32 bytes, arriving in pieces of any length, written into an
    # array('f') allocated once when the size is known (growing one needs twice its size)
    def __init__(self, size):
        self.arr = array("f", range(size)) if size else array("f")  # exact size, no temporary
        self.n = 0
        self._tail = b""

    def __call__(self, data):
        data = self._tail + data
        cut = len(data) - len(data) % 4
        self._tail = data[cut:]
        if not cut:
            return
        part = floats(data[:cut])
        k = len(part)
        room = len(self.arr) - self.n
        if k <= room:
            self.arr[self.n : self.n + k] = part
        else:  # more numbers than expected: fill what is left, then grow
            if room:
                self.arr[self.n :] = part[:room]
            self.arr.extend(part[room:])
        self.n += k

    def result(self):
        if self.n < len(self.arr):  # fewer numbers than expected: the size was a guess
            return self.arr[: self.n]
        return self.arr


def floats(raw):
    """array('f') from raw float32 bytes, on both runtimes."""
    a = array("f")
    if hasattr(a, "frombytes"):  # CPython
        a.frombytes(raw)
        return a
    return array("f", raw)  # MicroPython copies bytes raw


def _vector(rd, size):
    if rd.peek() == 0x22:  # base64 text
        f = _Floats(size)
        dec = B64Decoder(f)
        string_into(rd, dec)
        dec.close()
        return f.result()
    return floats_into(rd, array("f"))


def service(client):
    return Embeddings(client)
