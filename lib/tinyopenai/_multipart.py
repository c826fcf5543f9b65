# multipart/form-data request bodies, streamed: the length is computed first, files are read in
# small chunks from flash (a path) or any object with read()/readinto(). Core module.

from ._api import params_items
from ._errors import OpenAIError, say

_CHUNK = 1024


def _size(src):
    # (size, opener) of an upload source: a path, bytes, or a file object
    if isinstance(src, (bytes, bytearray)):
        return len(src), None
    if isinstance(src, str):
        import os

        try:
            size = os.stat(src)[6]
            open(src, "rb").close()
        except OSError as e:
            raise OpenAIError(say("read_fail", src, e))
        return size, src
    if hasattr(src, "read") and hasattr(src, "seek"):
        here = src.tell()
        end = src.seek(0, 2)
        src.seek(here)
        return (end if end is not None else src.tell()) - here, here
    raise TypeError(say("upload_src"))


class Form:
    """fields: {name: value} (lists repeat the name, as for timestamp_granularities[]);
    files: {name: source or (filename, source[, content_type])}."""

    def __init__(self, fields, files, progress=None):
        import os

        self.boundary = "tinyopenai-" + "".join("%02x" % b for b in os.urandom(12))
        self.content_type = "multipart/form-data; boundary=" + self.boundary
        self._progress = progress
        self._parts = []  # (head bytes, value bytes or source, size, start offset in a file object)
        for name, text in params_items(fields):
            head = '--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n' % (self.boundary, name)
            val = text.encode()
            self._parts.append((head.encode(), val, len(val), None))
        for name in files:
            spec = files[name]
            if not isinstance(spec, tuple):
                fname = spec.replace("\\", "/").split("/")[-1] if isinstance(spec, str) else name
                spec = (fname, spec)
            fname, src = spec[0], spec[1]
            ctype = spec[2] if len(spec) > 2 else "application/octet-stream"
            size, start = _size(src)
            head = '--%s\r\nContent-Disposition: form-data; name="%s"; filename="%s"\r\nContent-Type: %s\r\n\r\n' % (
                self.boundary, name, fname.replace('"', "%22"), ctype)
            self._parts.append((head.encode(), src, size, start if not isinstance(src, str) else None))
        self.tail = ("--%s--\r\n" % self.boundary).encode()
        self.length = sum(len(p[0]) + p[2] + 2 for p in self._parts) + len(self.tail)

    def pieces(self):
        sent = 0
        for p in self._raw():
            yield p
            sent += len(p)  # counted once the piece was written
            if self._progress:
                self._progress(sent, self.length)

    def _raw(self):
        buf = None
        for head, src, size, start in self._parts:
            yield head
            if isinstance(src, (bytes, bytearray)):
                yield src
            else:
                if buf is None:
                    buf = bytearray(_CHUNK)
                f = open(src, "rb") if isinstance(src, str) else src
                if start is not None:  # a file object: from where it stood, on every attempt
                    f.seek(start)
                left = size
                try:
                    while left:
                        n = f.readinto(buf) if hasattr(f, "readinto") else None
                        if n is None:
                            chunk = f.read(_CHUNK)
                            n = len(chunk)
                            buf[:n] = chunk
                        if not n:
                            raise OpenAIError(say("src_short", left))
                        n = min(n, left)
                        yield memoryview(buf)[:n]
                        left -= n
                finally:
                    if isinstance(src, str):
                        f.close()
            yield b"\r\n"
        yield self.tail
