# AsyncOpenAI: the client on asyncio (MicroPython's 1.22+ and CPython's), loaded by the first
# `tinyopenai.AsyncOpenAI`. It is the blocking client with other I/O primitives and nothing else:
# a call is the same generator of steps (OpenAI._attempts, Conn.exchange, the consumer), and
# AsyncConn.run awaits what each step yields where the blocking Conn has already done it. So
# the framing, the parsers and the retries are the blocking client's own code.
#
# What yields to the event loop: the connect and the TLS handshake, each write of the request,
# the wait for the answer's head (the server's think time), the wait before each read of a body
# that finds nothing at hand, the gap before each stream event, and the sleeps between retries.
# The parsers pull, so the reads that finish a unit already begun (a head, a stream event, the
# rest of a JSON body once its first bytes are in) wait in place, bounded by the read timeout
# and the call's deadline. DNS resolution blocks on MicroPython (its getaddrinfo has no
# asynchronous form).

import asyncio
import sys
import time

from . import OpenAI
from ._errors import APIConnectionError, const, say
from ._http import Conn, net_error
from ._sse import Stream

_MPY = sys.implementation.name == "micropython"

# message numbers (the texts are in _messages)
_RESOLVE = const(4)
_CONNECT = const(5)
_NO_CTX = const(6)
_HANDSHAKE = const(7)
_LOST = const(9)
# how long (ms) the reads of an answer may take the bytes at hand without the loop's turn
_HOLD_MS = const(5)


async def _within(aw, ms):
    # await aw for at most ms milliseconds (-1: no bound); past it OSError(ETIMEDOUT), which
    # net_error types as APITimeoutError
    if ms < 0:
        return await aw
    if ms == 0:
        ms = 1  # (the deadline is due: one more look, then the timeout)
    try:
        return await (asyncio.wait_for_ms(aw, ms) if _MPY else asyncio.wait_for(aw, ms / 1000))
    except asyncio.TimeoutError:
        raise OSError(110, "timed out")  # (both args: CPython sets errno only so)


class AsyncConn(Conn):
    """The connection of an AsyncOpenAI: the same state and framing as Conn, with awaited
    connect, send and wait. One call at a time uses it (AsyncOpenAI serializes them)."""

    _in_place = False  # a plugged socket poll cannot wait on: its I/O runs in place (connect)
    _turn = 0  # ticks_ms when a read last went through the loop (see wait)

    async def run(self, steps):
        """Drive a generator of steps to its return value, awaiting what each step yields and
        sending back its result (or throwing in its error)."""
        v = err = None
        while True:
            try:
                v = steps.send(v) if err is None else steps.throw(err)
            except StopIteration as e:
                return e.value
            err = None
            if v is not None:
                try:
                    v = await v
                except BaseException as e:  # (CancelledError too: the steps clean up as for any error)
                    if not isinstance(e, Exception):
                        self.close()  # cancelled mid-exchange: what is on the wire is unknown
                    err = e
                    v = None

    async def connect(self):
        import gc

        gc.collect()
        self._in_place = False
        if self.transport is not None:
            # A plugged transport (as the blocking client's: transport(conn) -> (sock, raw)) is plain
            # code, so it connects in place. A socket it gives that select.poll can wait on is
            # then waited on as any other (non-blocking: the loop waits); one it cannot wait on
            # (a Python object) does its I/O in place as well, and the loop waits while it does.
            Conn.connect(self)
            if self._poll is None:
                self._in_place = True
                return
            self.raw = None
            self.sock.setblocking(False)  # pyright: ignore[reportOptionalMemberAccess]
            if _MPY:
                # (MicroPython's Stream over the socket, what open_connection gives too)
                self._io = asyncio.StreamReader(self.sock)  # pyright: ignore[reportCallIssue]
            self._timeout = 0
            self._fresh = False
            return
        if self.tls and self._ctx is None:
            raise APIConnectionError(say(_NO_CTX))
        ms = self._ms(self.connect_timeout)
        if _MPY:
            # open_connection resolves (blocking), connects and wraps for TLS; the handshake then
            # runs inside the first write, so its errors are told apart there (self._fresh)
            try:
                self._io = (await _within(asyncio.open_connection(
                    self.host, self.port, self._ctx if self.tls else None, self.host if self.tls else None), ms))[0]  # pyright: ignore
            except (OSError, ValueError) as e:
                raise net_error(e, say(_CONNECT, self.host, self.port))
            self.sock = self._io.s
        else:
            await self._cpython_connect(ms)
        self.raw = None
        self._timeout = 0  # non-blocking: the awaited primitives wait, not the socket
        self._fresh = self.tls and _MPY  # (CPython's handshake is done by now)
        import select

        self._poll = select.poll()
        self._poll.register(self.sock, select.POLLIN)
        self.opened += 1
        self.pos = self.end = 0

    def _ms(self, timeout):
        # milliseconds to wait: timeout (seconds, None: no bound) or what is left of the deadline
        ms = -1 if timeout is None else int(timeout * 1000)
        if self.deadline is not None:
            left = self.ms_left(self.deadline)
            if left <= 0:
                left = 0
            if ms < 0 or left < ms:
                ms = left
        return ms

    async def send(self, pieces):
        if self._in_place:
            return Conn.send(self, pieces)
        try:
            for p in self._gather(pieces):
                if _MPY:
                    io = self._io
                    io.write(p)  # pyright: ignore  # (what the socket cannot take now is copied, then drained)
                    await _within(io.drain(), self._ms(self.read_timeout))  # pyright: ignore
                else:
                    await self._cpython_send(p)
        except (OSError, ValueError) as e:
            if self._fresh:  # the first write ran the handshake: a certificate refused, say
                self.close()
                raise net_error(e, say(_HANDSHAKE, self.host))
            raise
        self._fresh = False

    def wait(self, resp=None):
        """A coroutine that waits for the answer's next bytes and reads them into the buffer;
        None when some are at hand already or nothing more is to come. On MicroPython, bytes
        the socket has already are taken in place for up to _HOLD_MS after the loop's last
        turn: a read through the loop costs a task and a timer (about 1.2 ms on the 64-bit
        port), which per 256-byte read would make a bulk body some 50 times slower."""
        s = self.sock
        if self.pos < self.end or s is None or resp is not None and resp.done or self._in_place:
            return None
        if not _MPY:
            if self.tls and s.pending():  # pyright: ignore[reportAttributeAccessIssue]  # (CPython's TLS socket: bytes decrypted already)
                return None
        elif time.ticks_diff(time.ticks_ms(), self._turn) < _HOLD_MS:  # pyright: ignore[reportAttributeAccessIssue]
            try:
                n = s.readinto(self.mv)  # non-blocking: None when nothing is there yet
            except (OSError, ValueError) as e:
                raise self._lost(e)
            if n is not None:
                self.pos = 0
                self.end = n
                return None
        return self._fill()

    async def _fill(self):
        try:
            ms = self._ms(self.read_timeout)
            if _MPY:
                while True:
                    n = await _within(self._io.readinto(self.mv), ms)
                    if n is not None:  # (None: half a TLS record so far)
                        break
            else:
                n = await self._cpython_recv(ms)
        except (OSError, ValueError) as e:
            raise self._lost(e)
        self.pos = 0
        self.end = n
        if _MPY:
            self._turn = time.ticks_ms()  # pyright: ignore[reportAttributeAccessIssue]

    def _lost(self, e):
        # a read failed mid-answer: the connection is closed, and the error typed
        self.close()
        return net_error(e, say(_LOST))

    # --- CPython: a non-blocking socket, waited for with the loop's readers and writers -----

    async def _cpython_io(self, write, ms):
        loop = asyncio.get_running_loop()  # pyright: ignore[reportAttributeAccessIssue]
        fut = loop.create_future()
        fd = self.sock.fileno()  # pyright: ignore[reportOptionalMemberAccess]
        (loop.add_writer if write else loop.add_reader)(fd, lambda: fut.done() or fut.set_result(None))
        try:
            await _within(fut, ms)
        finally:
            (loop.remove_writer if write else loop.remove_reader)(fd)

    async def _cpython_retry(self, op, ms):
        # op() until it does not ask to wait; each wait for the socket is bounded by ms
        import ssl

        self._bound(0)
        while True:
            try:
                return op()
            except (BlockingIOError, ssl.SSLWantReadError):
                await self._cpython_io(False, ms)
            except ssl.SSLWantWriteError:
                await self._cpython_io(True, ms)

    async def _cpython_connect(self, ms):
        import socket

        loop = asyncio.get_running_loop()  # pyright: ignore[reportAttributeAccessIssue]
        try:
            ai = await loop.getaddrinfo(self.host, self.port, type=socket.SOCK_STREAM)
        except OSError as e:
            raise APIConnectionError(say(_RESOLVE, self.host), e)
        af, _, _, _, addr = ai[0]
        s = socket.socket(af, socket.SOCK_STREAM)
        s.setblocking(False)
        self.sock = s
        try:
            await _within(loop.sock_connect(s, addr), ms)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except (OSError, ValueError) as e:
            self.close()
            raise net_error(e, say(_CONNECT, self.host, self.port))
        if self.tls:
            try:
                self.sock = s = self._ctx.wrap_socket(  # pyright: ignore[reportOptionalMemberAccess]
                    s, server_hostname=self.host, do_handshake_on_connect=False)
                await self._cpython_retry(s.do_handshake, ms)
            except (OSError, ValueError) as e:
                self.close()
                raise net_error(e, say(_HANDSHAKE, self.host))

    async def _cpython_send(self, p):
        mv = memoryview(p)
        s = self.sock
        while len(mv):
            sent = await self._cpython_retry(lambda m=mv: s.send(m), self._ms(self.read_timeout))  # pyright: ignore
            mv = mv[sent:]

    async def _cpython_recv(self, ms):
        s = self.sock
        return await self._cpython_retry(lambda: s.recv_into(self.mv), ms)  # pyright: ignore


class AsyncStream(Stream):
    """A stream of an AsyncOpenAI call: `async for` over the same items as Stream's, and
    `async with`. Before each event the loop runs other tasks until its first bytes are in."""

    def __aiter__(self):
        return self

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        self.close()

    async def __anext__(self):
        self._arm()
        ev = self._events
        if ev.pos >= ev.end:  # nothing of the next event at hand
            w = self._resp.conn.wait(self._resp)
            if w is not None:
                try:
                    await w
                except BaseException:
                    self.close()
                    raise
        try:
            return Stream.__next__(self)  # (it arms the deadline again: the event has begun)
        except StopIteration:
            raise StopAsyncIteration

    async def get_final_completion(self, on_chunk=None):
        """As Stream's: the rest read (each item to on_chunk), then the whole answer."""
        self._check_final()
        async for v in self:
            if on_chunk is not None:
                on_chunk(v)
        return self._whole()

    get_final_response = get_final_completion


class AsyncOpenAI(OpenAI):
    """client = AsyncOpenAI(...): the same arguments, services and methods as OpenAI; each
    method returns a coroutine (`await client.chat.completions.create(...)`), a stream is
    iterated with `async for`, a listing too. Calls on one client take turns (one connection:
    an ESP32 has room for one TLS session); two clients can work at once where memory allows.
    sleep (between retries) defaults to asyncio.sleep."""

    def __init__(self, *args, **kw):
        if kw.get("sleep") is None:
            kw["sleep"] = asyncio.sleep
        OpenAI.__init__(self, *args, **kw)
        self._turn = asyncio.Lock()

    def _connection(self, tls, host, port, ctx, timeout, transport):
        return AsyncConn(tls, host, port, ctx, timeout, transport=transport)

    def _stream(self, resp, pick, events, end):
        return AsyncStream(self, resp, pick, events, end)

    def __repr__(self):
        return "<tinyopenai.AsyncOpenAI %s>" % self.base_url

    async def request(self, *args, **kw):
        """As OpenAI.request, awaited. A call takes the client's turn for its exchange; a stream
        returned gives the turn back while its body is still on the connection, and (as with the
        blocking client) the next call on this client closes a stream not read to its end."""
        async with self._turn:
            return await self._conn.run(self._call(*args, **kw))

    async def close(self):
        self._conn.close()

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        self._conn.close()
