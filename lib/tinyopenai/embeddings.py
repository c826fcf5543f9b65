# Embeddings: client.embeddings.create. Vectors come back as array('f'), decoded straight from
# the base64 text (asked for by default) or from the number list, never as a list of floats.
from array import array

from ._api import Resource
from ._sink import B64Decoder


class Embeddings(Resource):
    path = "/embeddings"

    def create(self, input, model, encoding_format="base64", pick=None, extra_headers=None, **params):
        """POST /embeddings -> the answer, with each data[i]["embedding"] an array('f')."""
        params["input"] = input
        params["model"] = model
        params["encoding_format"] = encoding_format
        if pick is not None:
            return self._call("POST", (), params, pick=pick, extra_headers=extra_headers)
        return self._call("POST", (), params, consume=_answer, extra_headers=extra_headers)


class _Floats:
    # little-endian float32 bytes, arriving in pieces of any length, appended to an array('f')
    def __init__(self):
        self.arr = array("f")
        self._tail = b""

    def __call__(self, data):
        data = self._tail + data
        cut = len(data) - len(data) % 4
        self._tail = data[cut:]
        if cut:
            self.arr.extend(floats(data[:cut]))


def floats(raw):
    """array('f') from raw float32 bytes, on both runtimes."""
    a = array("f")
    if hasattr(a, "frombytes"):  # CPython
        a.frombytes(raw)
        return a
    return array("f", raw)  # MicroPython copies bytes raw


def _vector(rd):
    if rd.peek() == 0x22:  # base64 text
        f = _Floats()
        dec = B64Decoder(f)
        rd.string_into(dec)
        dec.close()
        return f.arr
    return rd.floats_into(array("f"))


def _answer(rd, _sink):
    out = {}
    for key in rd.members():
        if key != "data":
            out[key] = rd.load()
            continue
        data = out["data"] = []
        for _ in rd.elements():
            item = {}
            for k in rd.members():
                item[k] = _vector(rd) if k == "embedding" else rd.load()
            data.append(item)
    return out


def service(client):
    return Embeddings(client)
