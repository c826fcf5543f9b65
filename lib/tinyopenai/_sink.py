# Where binary answers go: a path (written to PATH.part, renamed when complete), a file object,
# or a callable taking bytes; None gathers them into one bytes value (an answer that is not JSON,
# without a sink). Opened before the request is sent, so a sink that cannot be written fails
# first. Core module: imports only _errors.

from ._errors import OpenAIError, const, say

# message numbers (the texts are in _messages)
_WRITE_FAIL = const(61)
_SINK_TYPE = const(62)
_NO_RETRY = const(63)


class Sink:
    def __init__(self, target):
        self._path = None
        self._f = None
        self._data = None
        self.count = 0
        if target is None:
            self._data = bytearray()
        elif isinstance(target, str):
            self._path = target
            try:
                self._f = open(target + ".part", "wb")
            except OSError as e:
                raise OpenAIError(say(_WRITE_FAIL, target, e))
            self._write = self._f.write
        elif hasattr(target, "write"):
            self._write = target.write
        elif callable(target):
            self._write = target
        else:
            raise TypeError(say(_SINK_TYPE, type(target).__name__))

    def restart(self):
        """Before a retry: start the answer again (a path can; a file or callable that already
        got bytes cannot)."""
        if not self.count:
            return
        if self._path is None:
            raise OpenAIError(say(_NO_RETRY, self.count))
        if self._f is not None:
            self._f.close()
        self._f = open(self._path + ".part", "wb")
        self._write = self._f.write
        self.count = 0

    def take(self, resp, buf):
        """The bytes consumer (see OpenAI._bytes): each piece of the body, as it arrives,
        through the client's receive buffer buf; the result is the byte count (for None: the
        bytes, gathered straight from the buffer without a copy per piece)."""
        conn = resp.conn
        mv = memoryview(buf)
        while True:
            yield conn.wait(resp)
            n = resp.readinto(mv)
            if not n:
                return self.count if self._data is None else bytes(self._data)
            if self._data is not None:
                self._data += mv[:n]
            else:
                self.write(bytes(mv[:n]))

    def write(self, data):
        self._write(data)
        self.count += len(data)

    def done(self):
        """The answer is complete: a path sink gets its final name."""
        if self._path is not None and self._f is not None:
            self._f.close()
            self._f = None
            import os

            try:
                os.remove(self._path)
            except OSError:
                pass
            os.rename(self._path + ".part", self._path)

    def abort(self):
        """The answer failed: nothing half-written stays behind under the final name."""
        if self._path is not None and self._f is not None:
            self._f.close()
            self._f = None
            import os

            try:
                os.remove(self._path + ".part")
            except OSError:
                pass
