# multipart/form-data request bodies, streamed: the length is computed first, files are read in
# small chunks from flash (a path) or any object with read()/readinto(). Core module.

from ._api import params_items
from ._errors import OpenAIError, const, say

# message numbers (the texts are in _messages)
_READ_FAIL = const(58)
_UPLOAD_SRC = const(59)
_SRC_SHORT = const(60)


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
            raise OpenAIError(say(_READ_FAIL, src, e))
        return size, src
    if hasattr(src, "read") and hasattr(src, "seek"):
        here = src.tell()
        end = src.seek(0, 2)
        src.seek(here)
        return (end if end is not None else src.tell()) - here, here
    raise TypeError(say(_UPLOAD_SRC))


def _file(src):
    # (filename, source, content type) of an upload given without a filename, named as
    # openai-python (through httpx) names it: a path's or a file object's base name, else "upload"
    name = src if isinstance(src, str) else getattr(src, "name", None)
    name = name.replace("\\", "/").split("/")[-1] if isinstance(name, str) and name else "upload"
    ext = name[name.rfind(".") + 1 :].lower() if "." in name else ""
    for kind, exts in (("image/png", "png"), ("image/jpeg", "jpg jpeg"), ("image/webp", "webp"), ("image/gif", "gif"),
                       ("audio/mpeg", "mp3 mpga mpeg"), ("audio/x-wav", "wav"), ("audio/mp4", "m4a"),
                       ("video/mp4", "mp4"), ("audio/ogg", "ogg"), ("video/webm", "webm"), ("audio/flac", "flac"),
                       ("application/json", "json"), ("text/plain", "txt"), ("application/pdf", "pdf")):
        if ext and ext in exts.split():
            return name, src, kind
    return name, src, "application/octet-stream"


class Form:
    """fields: {name: value} (as openai-python sends them: a list as name[], a dict as
    name[key]); files: {name: source, (filename, source[, content_type]), or a list of those
    (sent as name[])}. A source is a path, bytes or a file object."""

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
            specs = files[name]
            if isinstance(specs, list):
                name += "[]"
            else:
                specs = (specs,)
            for spec in specs:
                spec = _file(spec) if not isinstance(spec, tuple) else spec
                fname, src = spec[0], spec[1]
                ctype = spec[2] if len(spec) > 2 else _file(fname)[2]
                size, start = _size(src)
                head = ('--%s\r\nContent-Disposition: form-data; name="%s"; filename="%s"\r\n'
                        'Content-Type: %s\r\n\r\n') % (self.boundary, name, fname.replace('"', "%22"), ctype)
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
                            raise OpenAIError(say(_SRC_SHORT, left))
                        n = min(n, left)
                        yield memoryview(buf)[:n]
                        left -= n
                finally:
                    if isinstance(src, str):
                        f.close()
            yield b"\r\n"
        yield self.tail
