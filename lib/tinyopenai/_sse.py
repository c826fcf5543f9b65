# Server-sent events over a body reader, and the Stream iterator the client returns for
# stream=True. Core module: imports _json and _errors.
# Lines end in CRLF, LF or CR; `data:` lines join with LF; comments and unknown fields
# are ignored; an event is dispatched at a blank line.

import sys

from ._errors import APIConnectionError, APIError, const, say
from ._json import JSONError, Reader, _text, loads
from ._pick import compile_paths, pick

# message numbers (the texts are in _messages)
_ABANDONED = const(23)
_EVENT_LONG = const(46)
_EVENT_BIG = const(47)
_BAD_EVENT = const(48)
_BAD_STREAM = const(49)
_ERROR_EVT = const(50)
_FINAL_PICK = const(54)


class Events:
    """Pulls (event name or None, data bytes) pairs from readinto(memoryview) -> n through the
    fixed bytearray `buf`. An event's data may not exceed max_event bytes: 8 KB on MicroPython
    (an event held twice while it is joined fits a 64 KB heap; OpenAI's are far smaller, a
    Responses stream's last one holds the whole answer), 1 MB on CPython."""

    def __init__(self, readinto, buf, max_event=None):
        if max_event is None:
            max_event = 8192 if sys.implementation.name == "micropython" else 1 << 20
        self._rd = readinto
        self.buf = buf
        self.mv = memoryview(buf)
        self.pos = self.end = 0
        self.base = 0
        self.max_event = max_event
        self._cr = False  # the last line ended in CR at the buffer's end: drop a leading LF

    def _line(self):
        # The next line as (src, start, stop): src[start:stop] is the line, without its end; None
        # at the end of the body. A line that fits in the buffer is not copied (src is the buffer,
        # good until the next _line): next() copies only an event's data out of it. A line
        # longer than the buffer is joined into bytes.
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
                self.pos = j + 1
                if r >= 0:
                    if r + 1 < e:
                        if buf[r + 1] == 10:
                            self.pos += 1
                    else:
                        self._cr = True
                if part is None:
                    return buf, i, j
                part = self._join(part, i, j)
                return part, 0, len(part)
            if part is not None or e - i == len(buf):
                # a line longer than the buffer: what is there is joined into bytes
                part = self._join(part, i, e)
                i = e
            elif e - i > self.max_event:  # (a cap below the buffer's size)
                raise JSONError(say(_EVENT_LONG, self.max_event), self.base + i)
            if i:
                # the line so far moves to the front of the buffer and the rest is read in after
                # it: a line that fits in the buffer is never copied
                self.mv[: e - i] = self.mv[i:e]  # (overlapping: a memmove on both runtimes)
            self.base += i
            e -= i
            self.pos = 0
            k = self._rd(self.mv[e:])
            if not k:  # the end of the body: the unterminated last line, if any
                self.pos = self.end = e
                if part is not None:
                    return part, 0, len(part)
                return (buf, 0, e) if e else None
            self.end = e + k

    def _join(self, part, i, j):
        # part (None: nothing yet) + buf[i:j] as bytes; checked before it is built, so a line
        # over the cap never is, and a heap without room for it gives the same typed error
        if (0 if part is None else len(part)) + j - i > self.max_event:
            raise JSONError(say(_EVENT_LONG, self.max_event), self.base + i)
        try:
            return bytes(self.mv[i:j]) if part is None else part + self.mv[i:j]
        except MemoryError:  # under the cap, yet more than this heap has in one piece
            raise JSONError(say(_EVENT_LONG, self.max_event), self.base + i)

    def next(self):
        """The next event as (name, data), or None at the end of the stream."""
        data = None
        name = None
        while True:
            line = self._line()
            if line is None:
                return None  # an event without its blank line at EOF is dropped (as the spec says)
            src, s, e = line
            if s == e:
                if data is not None:
                    return name, bytes(data) if isinstance(data, bytearray) else data
                name = None
                continue
            # "field: value" (one space after the colon dropped); a line without a colon is a
            # field with an empty value. Only data and event matter: they are told apart in place
            # (find within the line: nothing sliced), so a one-line event (all OpenAI sends) costs
            # one copy of its data.
            c = src.find(b":", s, e)
            if c == s:
                continue  # comment / keep-alive
            if c < 0:
                c = e
            v = c + 1
            if v < e and src[v] == 32:
                v += 1
            if c - s == 4 and src.find(b"data", s, c) == s:
                if data is not None and len(data) + 1 + e - v > self.max_event:
                    raise JSONError(say(_EVENT_BIG, self.max_event), self.base + self.pos)
                try:
                    if data is None:
                        data = bytes(memoryview(src)[v:e])
                    else:  # one more data line: joined with a newline
                        if not isinstance(data, bytearray):
                            data = bytearray(data)
                        data += b"\n"
                        data += memoryview(src)[v:e]
                except MemoryError:  # under the cap, yet more than this heap has in one piece
                    data = None
                    raise JSONError(say(_EVENT_BIG, self.max_event), self.base + self.pos)
            elif c - s == 5 and src.find(b"event", s, c) == s:
                name = _text(bytes(memoryview(src)[v:e]), self.base + self.pos)


class Stream:
    """Iterator over a server-sent event stream: each event's JSON payload (or the picked
    value of it), or with events=True {"event": name, "data": payload}, up to [DONE]. The
    connection is released when the stream ends, on close(), or when the client makes its next
    request. Without pick, get_final_completion() (chat) and get_final_response() (Responses)
    read the rest and give the whole answer, merged as it went by (_final)."""

    def __init__(self, client, resp, pick, events=False, end=None):
        self._resp = resp
        self._end = end  # the tick by which the whole stream must be done (total_timeout), or None
        self._pairs = events
        self._final = None  # the merge of the payloads so far (unpicked streams only)
        self._events = Events(resp.readinto, client._buf)
        self._single = isinstance(pick, str)
        self._pick = None
        if pick is not None:
            paths = (pick,) if isinstance(pick, str) else tuple(pick)
            self._pick = compile_paths(paths + ("error",))

    def __iter__(self):
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self._resp.conn.deadline = None
        self._resp.close()

    def get_final_completion(self, on_chunk=None):
        """The rest of a chat stream read (each item passed to on_chunk, if given); the whole
        completion (content, tool calls merged by index, finish_reason, usage), as
        openai-python's."""
        self._check_final()
        for v in self:
            if on_chunk is not None:
                on_chunk(v)
        return self._whole()

    get_final_response = get_final_completion  # (a Responses stream: its response.completed)

    def _check_final(self):
        if self._pick is not None:
            from ._errors import OpenAIError

            raise OpenAIError(say(_FINAL_PICK))

    def _whole(self):
        return self._final.result() if self._final is not None else None

    def _merge(self, v):
        if self._final is None:
            from ._final import merger

            self._final = merger(v)
        self._final.add(v)

    def _arm(self):
        # the next event must come within the read timeout, and before the stream's own end.
        # Another call on the client has taken the connection and the buffer the events were
        # read into: what is left in it is no longer this stream's.
        resp = self._resp
        conn = resp.conn
        if not resp.done and conn.busy is not resp:
            raise APIConnectionError(say(_ABANDONED))
        gap = conn.after(conn.read_timeout)
        end = self._end
        conn.deadline = gap if end is None or (gap is not None and conn.ms_left(end) > conn.ms_left(gap)) else end

    def __next__(self):
        while True:
            name, data = self._event()
            if not data:
                continue  # an empty data line (some compatible servers send one): no payload
            try:
                if self._pick is None or name == "error":
                    v = loads(data)
                    err = v.get("error") if isinstance(v, dict) else None
                    if name == "error":
                        err = err or v
                    if err is None:
                        if self._pick is None and not self._pairs:  # (run events have no final answer)
                            self._merge(v)
                        return {"event": name, "data": v} if self._pairs else v
                    self._fail(err)
                vals = pick(Reader(data), self._pick)
            except JSONError as e:
                self.close()
                from ._fail import invalid  # (error path: loaded only now)
                raise invalid(_BAD_EVENT, self._resp, e)
            err = vals.pop()
            if err is not None:
                self._fail(err)
            if self._single:
                if vals[0] is not None:
                    return {"event": name, "data": vals[0]} if self._pairs else vals[0]
            else:
                for v in vals:
                    if v is not None:
                        return {"event": name, "data": tuple(vals)} if self._pairs else tuple(vals)

    def _event(self):
        # (name, data) of the next event; StopIteration at [DONE] or the end of the body
        resp = self._resp
        conn = resp.conn
        self._arm()
        try:
            ev = self._events.next()
        except JSONError as e:
            self.close()
            from ._fail import invalid  # (error path: loaded only now)
            raise invalid(_BAD_STREAM, resp, e)
        except BaseException:  # a timeout, a lost connection, no memory: the socket goes too
            self.close()
            raise
        if ev is None:
            self.close()
            raise StopIteration
        if ev[1] == b"[DONE]" or ev[0] == "done":
            conn.deadline = None
            resp.drain(4096)
            raise StopIteration
        return ev

    def _fail(self, err):
        self.close()
        msg = err.get("message") if isinstance(err, dict) else str(err)
        raise APIError(msg or say(_ERROR_EVT), {"error": err}, self._resp.headers)
