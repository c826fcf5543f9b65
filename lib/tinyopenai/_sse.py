# Server-sent events over a body reader. Core module: imports only _json.
# Lines end in CRLF, LF or CR; `data:` lines join with LF; comments and unknown fields
# are ignored; an event is dispatched at a blank line.

from ._json import JSONError


class Events:
    """Pulls (event name or None, data bytes) pairs from readinto(memoryview) -> n through the
    fixed bytearray `buf`. An event's data may not exceed max_event bytes."""

    def __init__(self, readinto, buf, max_event=262144):
        self._rd = readinto
        self.buf = buf
        self.mv = memoryview(buf)
        self.pos = self.end = 0
        self.base = 0
        self.max_event = max_event
        self._cr = False  # the last line ended in CR at the buffer's end: drop a leading LF

    def _line(self):
        part = None
        while True:
            buf = self.buf
            i = self.pos
            e = self.end
            if self._cr and i < e:
                self._cr = False
                if buf[i] == 10:
                    i += 1
            n = buf.find(b"\n", i, e)
            r = buf.find(b"\r", i, e if n < 0 else n)
            j = r if r >= 0 else n
            if j >= 0:
                line = bytes(buf[i:j])
                if r >= 0:
                    if r + 1 < e:
                        if buf[r + 1] == 10:
                            j += 1
                    else:
                        self._cr = True
                self.pos = j + 1
                return line if part is None else part + line
            if e > i:
                part = bytes(buf[i:e]) if part is None else part + buf[i:e]
                if len(part) > self.max_event:
                    raise JSONError("event line longer than %d bytes" % self.max_event, self.base + i)
            self.base += e
            self.pos = self.end = 0
            k = self._rd(self.mv)
            if not k:
                return part
            self.end = k

    def next(self):
        """The next event as (name, data), or None at the end of the stream."""
        data = None
        name = None
        while True:
            line = self._line()
            if line is None:
                return None  # an event without its blank line at EOF is dropped (as the spec says)
            if not line:
                if data is not None:
                    return name, bytes(data)
                name = None
                continue
            c = line.find(b":")
            if c == 0:
                continue  # comment / keep-alive
            field = line if c < 0 else line[:c]
            value = b"" if c < 0 else line[c + 1 :]
            if value[:1] == b" ":
                value = value[1:]
            if field == b"data":
                if data is None:
                    data = bytearray(value)
                else:
                    data += b"\n"
                    data += value
                if len(data) > self.max_event:
                    raise JSONError("event larger than %d bytes" % self.max_event, self.base + self.pos)
            elif field == b"event":
                name = str(value, "utf-8")
