# Embeddings: client.embeddings.create. Vectors come back as array('f'), decoded straight from
# the base64 text (asked for by default) or from the number list, never as a list of floats.
# When the size is known (dimensions=, or the model's), each array is allocated before the
# request is sent, while the heap still has room in one piece, and filled in place.
from array import array

from . import Service
from ._decode import B64Decoder, data_answer, floats_into, string_into
from ._errors import const, say

# message numbers (the texts are in _messages)
_NOT_F32 = const(57)


# the vector sizes of OpenAI's embedding models (dimensions= wins)
_DIMS = {"text-embedding-3-large": 3072, "text-embedding-3-small": 1536, "text-embedding-ada-002": 1536}


class Embeddings(Service):
    def create(self, *, input, model, encoding_format="base64", **params):
        """POST /embeddings -> the answer, with each data[i]["embedding"] an array('f'). As
        openai-python, it asks for base64 unless encoding_format= says otherwise."""
        params["input"] = input
        params["model"] = model
        params["encoding_format"] = encoding_format
        if params.get("pick") is not None:
            return self._send("POST", "/embeddings", params)
        size = params.get("dimensions") or _DIMS.get(model)
        # one vector per string or token list in a list input, else one
        n = len(input) if isinstance(input, list) and input and not isinstance(input[0], int) else 1
        ready = [array("f", range(size)) for _ in range(n)] if size else []  # exact size, no temporary

        def answer(rd, _sink):
            left = list(ready)  # a retried answer starts again from the first array

            def vector(rd, item):
                arr = left.pop(0) if left else array("f")
                if rd.peek() == 0x22:  # base64 text: little-endian float32s
                    into = _Into(arr)
                    dec = B64Decoder(into)
                    string_into(rd, dec)
                    dec.close()
                    item["embedding"] = into.result()
                else:
                    item["embedding"] = floats_into(rd, arr)

            return data_answer(rd, "embedding", vector)

        return self._send("POST", "/embeddings", params, consume=answer)


class _Into:
    # float32 bytes, arriving in pieces of any length, copied into the array's own memory; past
    # its end (a size guessed wrong) they are gathered and appended at the end
    def __init__(self, arr):
        self.arr = arr
        self.view = _bytes_of(arr)
        self.n = 0
        self.extra = bytearray()

    def __call__(self, data):
        k = len(data)
        room = len(self.view) - self.n
        if room > 0:
            put = k if k < room else room
            self.view[self.n : self.n + put] = data[:put] if put < k else data
            self.n += put
            data = data[put:]
        if len(data):
            self.extra += data

    def result(self):
        arr = self.arr
        del self.view  # CPython: an array with a live view cannot grow
        if self.extra:
            if len(self.extra) % 4:
                raise ValueError(say(_NOT_F32))
            more = array("f")
            if hasattr(more, "frombytes"):  # CPython
                more.frombytes(self.extra)
            else:  # MicroPython copies the bytes raw
                more = array("f", self.extra)
            arr.extend(more)
            return arr
        if self.n % 4:
            raise ValueError(say(_NOT_F32))
        return arr if self.n == 4 * len(arr) else arr[: self.n // 4]  # fewer than expected


def _bytes_of(arr):
    # a writable byte view of an array's memory (no copy)
    try:
        return memoryview(arr).cast("B")  # pyright: ignore[reportAttributeAccessIssue]  (CPython)
    except AttributeError:  # MicroPython has no cast: a bytearray over the same memory
        import uctypes

        return uctypes.bytearray_at(uctypes.addressof(arr), len(arr) * 4)


def service(client):
    return Embeddings(client)
