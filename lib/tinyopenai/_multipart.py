# multipart/form-data request bodies, streamed: the length is computed first, files are read in
# small chunks from flash (a path) or any object with read()/readinto(). Core module.

from ._errors import const
from ._params import params_items
from .sources import chunks, named, size

_CHUNK = const(1024)


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
                spec = named(spec) if not isinstance(spec, tuple) else spec
                fname, src = spec[0], spec[1]
                ctype = spec[2] if len(spec) > 2 else named(fname)[2]
                n, start = size(src)
                head = ('--%s\r\nContent-Disposition: form-data; name="%s"; filename="%s"\r\n'
                        'Content-Type: %s\r\n\r\n') % (self.boundary, name, fname.replace('"', "%22"), ctype)
                self._parts.append((head.encode(), src, n, start))
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
        for head, src, n, start in self._parts:
            yield head
            if isinstance(src, (bytes, bytearray)):
                yield src
            else:
                if buf is None:
                    buf = bytearray(_CHUNK)
                for p in chunks(src, n, start, buf):
                    yield p
            yield b"\r\n"
        yield self.tail
