# HTTP/1.1 over one socket (+TLS): piecewise request writing, status and headers, a body reader
# for Content-Length, chunked and read-until-close framing, keep-alive reuse and timeouts.
# Core module: imports _errors (and _transport while it connects).

import sys

from ._errors import APIConnectionError, const, say

_UNSET = object()  # (a timeout not set yet)

# message numbers (the texts are in _messages)
_CLOSED = const(8)
_LOST = const(9)
_REQ_FAILED = const(10)
_NO_ANSWER = const(11)
_RECLOSING = const(12)
_NO_CTX = const(6)
_HANDSHAKE = const(7)
_NOT_HTTP = const(13)
_HDR_BIG = const(14)
_HDR_CUT = const(15)
_BAD_HEADER = const(16)
_BAD_LENGTH = const(17)
_BAD_TE = const(18)
_INTERIM = const(19)
_ABANDONED = const(23)
_CHUNK_SIZE = const(24)
_CHUNK_CUT = const(25)
_CHUNK_END = const(26)
_BODY_CUT = const(27)


try:
    from time import ticks_add, ticks_diff, ticks_ms  # pyright: ignore[reportAssignmentType]

    _TIMEOUT_TYPES = ()  # a timeout is OSError(ETIMEDOUT): its errno tells
except ImportError:  # CPython
    from ._cpython import TIMEOUT_TYPES as _TIMEOUT_TYPES
    from ._cpython import ticks_add, ticks_diff, ticks_ms  # pyright: ignore[reportAssignmentType]

# MicroPython's recv_into/readinto wait until the buffer is full (and recv(n) makes a bytes object
# per call), so on MicroPython a read waits in select.poll and then takes what is there with a
# non-blocking readinto: nothing is allocated per read, and a deadline is kept to the millisecond.
_MPY = sys.implementation.name == "micropython"

_MAX_HEADER_BYTES = const(8192)  # all header fields of one answer (OpenAI sends about 1.5 KB)
# Errors keep every header up to _ERROR_HEADERS bytes of them (see _headers): enough for the
# request id and the rate-limit and retry headers, and small enough for a 64 KB heap.
_ERROR_HEADERS = const(2048)
_MAX_1XX = const(4)  # interim answers (100 Continue, 103 Early Hints) skipped before the real one
_MAX_TRAILERS = const(4096)  # bytes of trailer fields after a chunked body (read and dropped)
_CHUNKED = const(-1)
_UNTIL_CLOSE = const(-2)


def _is_timeout(e):
    # ETIMEDOUT on Linux (110) and in lwIP (116); EAGAIN (11) is what a timed-out ESP32 read gives;
    # an error already typed is a timeout when it is APITimeoutError (named, so that _fail, where
    # it lives, need not load)
    if isinstance(e, APIConnectionError):
        return type(e).__name__ == "APITimeoutError"
    return isinstance(e, _TIMEOUT_TYPES) or getattr(e, "errno", None) in (110, 116, 11)


def net_error(e, what):
    """An OSError/ValueError from the socket or TLS layer as the typed error (cause kept)."""
    if isinstance(e, APIConnectionError):
        return e
    if _is_timeout(e):
        from ._fail import APITimeoutError  # (error path: loaded only now)

        return APITimeoutError(e)
    return APIConnectionError(what, e)


class Conn:
    """One connection to one server, reused across requests while the server keeps it open."""

    def __init__(self, tls, host, port, tls_context=None, timeout=30, bufsize=256, transport=None):
        self.tls = tls
        # transport(conn) -> (sock, raw): how a connection is made (None: _transport.connect,
        # sockets and TLS). The socket needs write/readinto on MicroPython, sendall/recv_into
        # on CPython, settimeout and close; raw (or None) is the plain socket whose timeout
        # governs it. Tests plug in fakes here; another network stack can be plugged in too.
        self.transport = transport
        self.host = host
        self.port = port
        self._ctx = tls_context  # an SSLContext for https
        self._given = _UNSET
        self.set_timeout(timeout)
        self.buf = bytearray(bufsize)
        self.mv = memoryview(self.buf)
        self.pos = self.end = 0
        self.sock = None
        self.busy = None  # the Response whose body is not yet fully read
        self.opened = 0  # connections made (tests and benchmarks read it)
        self.raw = None  # the plain socket under the TLS one: its timeout is the one to set
        self._timeout = None  # the timeout the socket has now (0: non-blocking)
        self._poll = None  # select.poll with the socket registered: the waits for reads
        # The tick by which the current call (or stream event) must be done; None: no bound.
        # Every read and write checks it and waits no longer than what is left, so a server
        # that drips bytes cannot stretch a call past it.
        self.deadline = None  # type: int | None

    def set_timeout(self, timeout):
        """Seconds each connect and each read may wait (None: no limit), or (connect, read)."""
        if timeout is self._given:
            return
        self._given = timeout
        if isinstance(timeout, (tuple, list)):
            self.connect_timeout, self.read_timeout = timeout
        else:
            self.connect_timeout = self.read_timeout = timeout
        # the read timeout in milliseconds (-1: none), made once: no float per read
        self.read_ms = -1 if self.read_timeout is None else int(self.read_timeout * 1000)

    def close(self):
        s = self.sock
        self.sock = self.raw = self._poll = None
        self.busy = None
        self.pos = self.end = 0
        if s is not None:
            try:
                s.close()
            except OSError:
                pass

    def connect(self):
        import gc

        from . import _module

        gc.collect()
        if self.transport is not None:
            self.sock, self.raw = self.transport(self)
        else:
            raw = _module("_transport", keep=False).open_socket(self)
            gc.collect()  # _transport's code leaves RAM before the handshake: the call's peak
            self.sock, self.raw = self.handshake(raw)
        import select  # (every port with sockets has it)

        self._poll = select.poll()
        try:
            self._poll.register(self.sock, select.POLLIN)
        except (TypeError, OSError, AttributeError):  # a plugged-in socket poll cannot wait on:
            self._poll = None  # its reads wait by themselves (and an idle one is never stale)
        self.opened += 1
        self.pos = self.end = 0

    def handshake(self, raw):
        """(sock, raw) over the connected plain socket raw: sock is TLS over it when the
        connection is https (verified by the context), else raw itself; raw is the socket whose
        timeout governs reads (on CPython the TLS socket, which takes the plain one over)."""
        s = raw
        if self.tls:
            if self._ctx is None:
                raw.close()
                raise APIConnectionError(say(_NO_CTX))
            try:
                s = self._ctx.wrap_socket(raw, server_hostname=self.host)
            except (OSError, ValueError) as e:
                raw.close()
                raise net_error(e, say(_HANDSHAKE, self.host))
        # MicroPython's TLS socket has no settimeout (its reads wait as the plain one below it
        # does); CPython's wrap_socket detaches the plain one, and the TLS socket has it
        return s, raw if _MPY else s

    @staticmethod
    def after(timeout):
        """The tick at which a bound of `timeout` seconds from now runs out (None: no bound)."""
        return None if timeout is None else ticks_add(ticks_ms(), int(timeout * 1000))  # pyright: ignore[reportArgumentType]

    @staticmethod
    def ms_left(end):
        """Milliseconds until the tick `end` (negative once it has passed)."""
        return ticks_diff(end, ticks_ms())

    def _left(self, timeout):
        # timeout, or less if the deadline is nearer; the deadline passed: APITimeoutError
        if self.deadline is None:
            return timeout
        left = self.ms_left(self.deadline)
        if left <= 0:
            self.close()
            from ._fail import APITimeoutError  # (error path: loaded only now)

            raise APITimeoutError()
        # whole seconds, rounded up: no float is made per read, and a read overruns by under 1 s
        return (left + 999) // 1000 if timeout is None or left < timeout * 1000 else timeout

    def _bound(self, t=None):
        # before each write (and read on CPython): the socket waits read_timeout, or what is left
        # of the deadline; t=0 makes it non-blocking (MicroPython's reads)
        if t is None:
            t = self.read_timeout if self.deadline is None else self._left(self.read_timeout)
        if t != self._timeout:
            (self.raw or self.sock).settimeout(t)  # pyright: ignore[reportOptionalMemberAccess]
            self._timeout = t

    def _ready(self, ms):
        # True once the socket has something to read (or its end, or an error) within ms
        # milliseconds (-1: no limit). ipoll reuses one result tuple: nothing is allocated.
        p = self._poll
        if p is None:
            return False
        if not _MPY:
            return bool(p.poll(ms))
        for _ in p.ipoll(ms):
            return True
        return False

    # --- low-level I/O -------------------------------------------------------------------

    def recv_into(self, mv):
        # Up to len(mv) bytes into mv, as soon as any are there; 0 at the end of the stream.
        s = self.sock
        if s is None:
            raise APIConnectionError(say(_CLOSED))
        try:
            if not _MPY:
                self._bound()
                return s.recv_into(mv)  # pyright: ignore[reportAttributeAccessIssue]  (CPython only)
            self._bound(0)
            stop = None  # the tick by which this read must have bytes (False: no bound)
            while True:
                n = s.readinto(mv)  # non-blocking: what is there, or None for nothing yet
                if n is not None:
                    return n
                # nothing yet (or half a TLS record): wait for more, at most the read timeout
                # and no later than the deadline
                if stop is None:
                    ms = self.read_ms
                    if self.deadline is not None:
                        left = self.ms_left(self.deadline)
                        ms = left if ms < 0 or left < ms else ms
                    stop = False if ms < 0 else ticks_add(ticks_ms(), ms)  # pyright: ignore[reportArgumentType]
                ms = -1 if stop is False else ticks_diff(stop, ticks_ms())
                if stop is not False and ms <= 0 or not self._ready(ms):
                    raise OSError(110)  # ETIMEDOUT, as a blocking read would have raised
        except (OSError, ValueError) as e:
            self.close()
            raise net_error(e, say(_LOST))

    def _line(self, budget, limit=_MAX_HEADER_BYTES):
        # One CRLF- or LF-terminated line as bytes, without the terminator; None at EOF. Longer
        # than budget: the answer is refused (limit is the one the message names).
        out = b""
        while True:
            buf = self.buf
            i = buf.find(b"\n", self.pos, self.end)
            stop = i if i >= 0 else self.end
            out += buf[self.pos : stop]
            if len(out) > budget:
                self.close()
                raise APIConnectionError(say(_HDR_BIG, limit))
            if i >= 0:
                self.pos = i + 1
                return out[:-1] if out.endswith(b"\r") else out
            self.pos = 0
            self.end = self.recv_into(self.mv)
            if not self.end:
                return None if not out else out

    def _gather(self, pieces):
        # The pieces to send, gathered: small ones are copied into the buffer and yielded as one
        # view of it when it is full (the view must be sent before the next is asked for); big
        # ones are yielded as they are.
        buf = self.buf
        size = len(buf)
        n = 0
        for p in pieces:
            k = len(p)
            if n + k > size:
                if n:
                    yield self.mv[:n]
                    n = 0
                if k >= size:
                    yield p
                    continue
            buf[n : n + k] = p
            n += k
        if n:
            yield self.mv[:n]

    def send(self, pieces):
        # MicroPython sends with the stream write, which every port's socket and TLS socket has and
        # which writes it all (v1.28.0's Unix socket has no sendall); CPython's sockets have only
        # sendall.
        s = self.sock
        if s is None:
            raise APIConnectionError(say(_CLOSED))
        send = s.write if _MPY else s.sendall
        for p in self._gather(pieces):
            self._bound()
            send(p)

    # --- the steps of a call, and the three I/O primitives they yield --------------------
    # A call is a generator of steps (exchange() here, the client's _attempts above it). Each step
    # yields what one of the primitives below returns. The blocking connection does the I/O
    # inside the primitive and returns None, so run() only sends it back; AsyncConn's primitives
    # return coroutines, which its run() awaits. Parsing and framing never wait themselves:
    # they read what the primitives made ready, and so are the same for both clients.

    def run(self, steps):
        """Drive a generator of steps to its return value (the blocking connection: each step's
        I/O is already done when it yields)."""
        v = None
        try:
            while True:
                v = steps.send(v)
        except StopIteration as e:
            return e.value

    def wait(self, resp=None):
        """Wait until bytes of the answer (of resp, once its head is read) are at hand. The
        blocking reads wait by themselves, so here there is nothing to do."""
        return None

    # --- one exchange --------------------------------------------------------------------

    def exchange(self, method, target, headers, body_len=None, body=None, all_headers=False):
        """The steps of one exchange (a generator returning the Response): send a request and
        read its status and headers. `headers` is a list of (name, value) str pairs, already
        checked (the client's when it was made, a caller's as the call is made); `body` a
        callable returning an iterator of bytes pieces (called again if the request must be
        resent on a fresh connection); all_headers: keep every header of a 2xx answer too (up
        to 2 KB of them), not only those the client needs."""
        if self.busy is not None or self.pos < self.end:
            self.close()  # an abandoned body, or bytes nobody asked for: do not reuse
        elif self.sock is not None:
            # Something waiting on the idle connection (bytes the server sent after its answer,
            # or the end of the stream) means it is not reused either.
            try:
                pending = getattr(self.sock, "pending", None)  # CPython's TLS socket: bytes it decrypted
                if pending is not None and pending() or self._ready(0):
                    self.close()
            except (OSError, ValueError, AttributeError, TypeError):
                pass
        for _attempt in (0, 1):
            reused = self.sock is not None
            if not reused:
                yield self.connect()
            try:
                yield self.send(self._pieces(method, target, headers, body_len, body))
                yield self.wait()
                status_line = self._line(_MAX_HEADER_BYTES)
            except (OSError, ValueError, APIConnectionError) as e:
                self.close()
                if reused and not _is_timeout(e):
                    continue  # the server had closed the idle connection: once more
                raise net_error(e, say(_REQ_FAILED, self.host))
            if status_line is None:
                self.close()
                if reused:
                    continue
                raise APIConnectionError(say(_NO_ANSWER))
            return self._response(method, status_line, all_headers)
        raise APIConnectionError(say(_RECLOSING))

    def _pieces(self, method, target, headers, body_len, body):
        # head and body through one gathering write: a small request leaves in one segment
        yield method.encode()
        yield b" "
        yield target.encode()
        yield b" HTTP/1.1\r\nHost: "
        yield self.host.encode()
        if self.port != (443 if self.tls else 80):
            yield b":%d" % self.port
        yield b"\r\n"
        for k, v in headers:
            yield k.encode()
            yield b": "
            yield v.encode()
            yield b"\r\n"
        if body_len is not None:
            yield b"Content-Length: %d\r\n" % body_len
        yield b"\r\n"
        if body is not None:
            for p in body():
                yield p

    def _response(self, method, status_line, all_headers):
        # The status line and headers of the answer. Interim 1xx answers before it are skipped, up
        # to _MAX_1XX of them (101 Switching Protocols is never asked for, so it is refused).
        interim = 0
        while True:
            parts = status_line.split(None, 2)
            if (len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or len(parts[1]) != 3
                    or not parts[1].isdigit() or not 100 <= int(parts[1]) <= 599):
                self.close()
                raise APIConnectionError(say(_NOT_HTTP, status_line[:80]))
            status = int(parts[1])
            headers = self._headers(status >= 300 or all_headers, _MAX_HEADER_BYTES - len(status_line))
            if status >= 200:
                return Response(self, status, headers, method, parts[0] == b"HTTP/1.0")
            interim += 1
            if status == 101 or interim > _MAX_1XX:
                self.close()
                raise APIConnectionError(say(_INTERIM, status))
            status_line = self._line(_MAX_HEADER_BYTES)
            if status_line is None:
                self.close()
                raise APIConnectionError(say(_NO_ANSWER))

    def _headers(self, keep_all, budget):
        # The header fields up to the blank line (at most budget bytes), as a dict of lower-cased
        # names. A 2xx answer keeps only those the client needs (OpenAI sends ~25; a dict of them
        # all costs KBs); keep_all (an error) keeps all, up to _ERROR_HEADERS bytes of them.
        keep = ("content-type", "content-length", "transfer-encoding", "connection", "x-request-id")
        headers = {}
        kept = 0
        while True:
            line = self._line(budget)
            if line is None:
                self.close()
                raise APIConnectionError(say(_HDR_CUT))
            if not line:
                return headers
            budget -= len(line) + 2
            c = line.find(b":")
            if c <= 0 or line[c - 1] in b" \t":
                self.close()
                raise APIConnectionError(say(_BAD_HEADER, line[:80]))
            try:
                k = str(line[:c], "utf-8").strip().lower()
                if keep_all:
                    kept += len(line)
                    if kept > _ERROR_HEADERS and k not in keep:
                        continue
                elif k not in keep:
                    continue
                v = str(line[c + 1 :], "latin-1" if not _MPY else "utf-8").strip()
            except UnicodeError:
                self.close()
                raise APIConnectionError(say(_BAD_HEADER, line[:80]))
            headers[k] = headers[k] + ", " + v if k in headers else v


class Response:
    """Status, lower-cased headers and the body through readinto()."""

    def __init__(self, conn, status, headers, method, http10):
        self.conn = conn
        self.status = status
        self.headers = headers
        te = headers.get("transfer-encoding")
        cl = headers.get("content-length")
        if method == "HEAD" or status in (204, 304):
            self.left = 0
        elif te is not None:
            # RFC 9112: chunked is the only coding we take (we ask for no other); it wins over a
            # Content-Length sent beside it, and then the connection is not reused
            if te.lower() != "chunked":
                conn.close()
                raise APIConnectionError(say(_BAD_TE, te[:40]))
            self.left = _CHUNKED
            self.chunk = 0
        elif cl is not None:
            digits = cl.encode()
            if not digits.isdigit() or len(digits) > 18:  # 1*DIGIT (ASCII only): no sign, no list, no spaces
                conn.close()
                raise APIConnectionError(say(_BAD_LENGTH, cl[:40]))
            self.left = int(cl)
        else:
            self.left = _UNTIL_CLOSE
        conn_hdr = headers.get("connection", "").lower()
        self.keep = (not http10 and "close" not in conn_hdr and self.left != _UNTIL_CLOSE
                     and not (te is not None and cl is not None))
        self.done = False
        conn.busy = self
        if self.left == 0:
            self._finish()

    def _finish(self):
        self.done = True
        c = self.conn
        if c.busy is self:
            c.busy = None
            if not self.keep:
                c.close()

    def readinto(self, mv):
        """Copy up to len(mv) body bytes into mv; 0 at the end of the body."""
        if self.done:
            return 0
        c = self.conn
        if c.busy is not self:
            raise APIConnectionError(say(_ABANDONED))
        left = self.left
        if left == _CHUNKED:
            if not self.chunk:
                line = c._line(1024)
                if line is None:
                    c.close()
                    raise APIConnectionError(say(_CHUNK_CUT))
                hexits = line.split(b";")[0].rstrip(b" \t")  # chunk-ext after ';' is ignored
                # RFC 9112's 1*HEXDIG (no sign, 0x or _: what is left after stripping the hex
                # digits), of at most 15 digits (more would never be a real chunk)
                if not hexits or len(hexits) > 15 or hexits.strip(b"0123456789abcdefABCDEF"):
                    c.close()
                    raise APIConnectionError(say(_CHUNK_SIZE, line[:40]))
                size = int(hexits, 16)
                if not size:
                    budget = _MAX_TRAILERS  # trailer fields up to the blank line, bounded
                    while True:
                        t = c._line(budget, _MAX_TRAILERS)
                        if t is None:
                            c.close()
                            raise APIConnectionError(say(_CHUNK_CUT))
                        if not t:
                            break
                        budget -= len(t) + 2
                    self._finish()
                    return 0
                self.chunk = size
            want = self.chunk
        elif left == _UNTIL_CLOSE:
            want = len(mv)
        else:
            want = left
        if want > len(mv):
            want = len(mv)
        avail = c.end - c.pos
        if avail:
            n = want if want < avail else avail
            mv[:n] = c.mv[c.pos : c.pos + n]
            c.pos += n
        else:
            n = c.recv_into(mv[:want])
        if not n:
            if left == _UNTIL_CLOSE:
                self._finish()
                c.close()
                return 0
            c.close()
            raise APIConnectionError(say(_BODY_CUT))
        if left == _CHUNKED:
            self.chunk -= n
            if not self.chunk and c._line(16) != b"":
                c.close()
                raise APIConnectionError(say(_CHUNK_END))
        elif left != _UNTIL_CLOSE:
            self.left -= n
            if not self.left:
                self._finish()
        return n

    def drain(self, limit=65536, mv=None):
        """Read and drop the rest of the body so the connection can be reused; close the
        connection instead when more than `limit` bytes are left or anything goes wrong."""
        if self.done:
            return
        if mv is None:
            mv = memoryview(bytearray(256))
        if self.left == _UNTIL_CLOSE or (self.left > limit):
            self.close()
            return
        try:
            while limit > 0:
                n = self.readinto(mv)
                if not n:
                    return
                limit -= n
        except APIConnectionError:
            pass
        self.close()

    def close(self):
        if not self.done:
            self.done = True
            if self.conn.busy is self:
                self.conn.close()
