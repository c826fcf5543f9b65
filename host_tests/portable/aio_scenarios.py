# AsyncOpenAI scenarios that need an event loop of their own (a ticker beside a call, a cancelled
# task, two clients at once): they run unchanged under CPython (imported by pytest) and
# MicroPython (micropython -m aio_scenarios NAME ARGS.json, printing "RESULT <json>"). The
# scenarios every client shares are in scenarios.py; the assertions are on the pytest side.
import asyncio
import gc
import json
import sys
import time

from scenarios import _err, run_main
from tinyopenai import AsyncOpenAI, OpenAI

MPY = sys.implementation.name == "micropython"


def _now_ms():
    return time.ticks_ms() if MPY else int(time.monotonic() * 1000)  # pyright: ignore[reportAttributeAccessIssue]


def _since(t):
    return time.ticks_diff(_now_ms(), t) if MPY else _now_ms() - t  # pyright: ignore[reportAttributeAccessIssue]


# the connections made by a plugged-in transport (a=...{"transport": true}): a plain socket of
# its own, as another network stack would make one, with the library's verified TLS over it
# (conn.handshake: the recipe docs/guide.md gives)
PLUGGED = []


def _plugged(conn):
    import socket

    PLUGGED.append((conn.host, conn.port, conn.tls))
    addr = socket.getaddrinfo(conn.host, conn.port, 0, socket.SOCK_STREAM)[0][-1]
    s = socket.socket()
    s.settimeout(conn.connect_timeout)
    s.connect(addr)
    s.settimeout(conn.read_timeout)
    # TCP_NODELAY, as the library's own: without it the handshake's small records wait for
    # delayed ACKs (40 ms each), and the blocking handshake holds the loop that much longer
    s.setsockopt(6, 1, 1)
    return conn.handshake(s)


def _kw(a):
    kw = {"api_key": a.get("key"), "base_url": a["url"], "ca": a.get("ca"), "timeout": a.get("timeout", 10),
          "max_retries": a.get("max_retries", 0), "total_timeout": a.get("total_timeout")}
    if a.get("transport"):
        kw["transport"] = _plugged
    return kw


class Ticker:
    """A task that wakes every 20 ms, as a sampling loop would, and records the largest gap
    between two of its wake-ups (the period plus whatever held the loop): of all of them, and
    of those that began with the client's connection up and its TLS handshake done
    (max_gap_connected: the handshake's key exchange is one computation that cannot yield)."""

    def __init__(self, client=None):
        self.ticks = 0
        self.max_gap = 0
        self.max_gap_connected = 0
        self.on = True
        self._conn = client._conn if client is not None else None

    def _connected(self):
        c = self._conn
        return c is not None and c.sock is not None and not getattr(c, "_fresh", False)

    async def loop(self):
        last = _now_ms()
        while self.on:
            up = self._connected()
            await asyncio.sleep(0.02)
            gap = _since(last)
            last = _now_ms()
            self.ticks += 1
            self.max_gap = max(self.max_gap, gap)
            if up:
                self.max_gap_connected = max(self.max_gap_connected, gap)


def _call(c, a):
    kw = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Hi"}]}
    if a.get("stream"):
        kw["stream"] = True
    return c.chat.completions.create(pick=a.get("pick"), **kw)


def digest(items):
    """(count, hash) of a stream's items: what two runs are compared by, in constant memory
    (a list of 300 items would not fit beside a client in a 112 KB heap)."""
    n = h = 0
    for item in items:
        n += 1
        for ch in json.dumps(item):
            h = (h * 31 + ord(ch)) & 0xFFFFFFF
    return [n, h]


async def _adigest(stream):
    n = h = 0
    async for item in stream:
        n += 1
        for ch in json.dumps(item):
            h = (h * 31 + ord(ch)) & 0xFFFFFFF
    return [n, h]


def ticker(a):
    """The same call on AsyncOpenAI beside a 20 ms ticker, then on the blocking client."""

    async def main():
        c = AsyncOpenAI(**_kw(a))
        t = Ticker(c)
        task = asyncio.create_task(t.loop())
        await asyncio.sleep(0.05)  # the ticker is running before the call starts
        t.max_gap, t.ticks = 0, 0
        gc.collect()
        start = _now_ms()
        r = await _call(c, a)
        if a.get("stream"):
            r = await _adigest(r)
        took = _since(start)
        t.on = False
        await task
        await c.close()
        return r, t, took

    result, t, took = asyncio.run(main())
    c = OpenAI(**_kw(a))
    r = _call(c, a)
    blocking = digest(r) if a.get("stream") else r
    c.close()
    return {"async": result, "blocking": blocking, "ticks": t.ticks, "max_gap_ms": t.max_gap, "call_ms": took,
            "max_gap_connected_ms": t.max_gap_connected, "plugged": len(PLUGGED)}


def cancel(a):
    """A call cancelled while the server thinks: the connection is closed (what is on the wire
    is unknown), and the next call opens a fresh one and succeeds."""

    async def main():
        c = AsyncOpenAI(**_kw(a))
        task = asyncio.create_task(_call(c, a))
        await asyncio.sleep(a.get("cancel_after", 0.3))
        task.cancel()
        try:
            await task
            got = "finished"
        except asyncio.CancelledError:
            got = "cancelled"
        closed = c._conn.sock is None
        after = await _call(c, a)
        opened = c._conn.opened
        await c.close()
        return {"got": got, "closed": closed, "after": after, "opened": opened}

    return asyncio.run(main())


def together(a):
    """Calls started at once: `calls` of them on one client (they take turns on its one
    connection), or one on each of `clients` clients (they run at the same time)."""

    async def main():
        clients = [AsyncOpenAI(**_kw(a)) for _ in range(a.get("clients", 1))]
        jobs = [_call(clients[i % len(clients)], a) for i in range(a.get("calls", len(clients)))]
        try:
            results = await asyncio.gather(*jobs)
        except Exception as e:
            results = _err(e)
        opened = [c._conn.opened for c in clients]
        for c in clients:
            await c.close()
        return {"results": results, "opened": opened}

    return asyncio.run(main())


def listing(a):
    """`async for` over a paged listing, `async with` around the client, and with_options."""

    async def main():
        async with AsyncOpenAI(**_kw(a)) as c:
            ids = []
            async for m in c.with_options(timeout=5).files.list(limit=2):
                ids.append(m["id"])
            sock_open = c._conn.sock is not None
        return {"ids": ids, "open_inside": sock_open, "closed_after": c._conn.sock is None}

    return asyncio.run(main())


def errors(a):
    """Each failure the blocking client types, typed the same on AsyncOpenAI."""

    async def main():
        c = AsyncOpenAI(**_kw(a))
        try:
            r = await _call(c, a)
            if a.get("stream"):
                items = []
                async for x in r:
                    items.append(x)
                r = items
            return {"result": r}
        except Exception as e:
            return _err(e)
        finally:
            await c.close()

    return asyncio.run(main())


def plugged_refusal(a):
    """A plugged transport's socket gets the verification the built-in one does: each client's
    typed failure against a server the roots do not vouch for."""
    out = {}
    before = len(PLUGGED)  # (under CPython the list lives as long as the test session)
    try:
        _call(OpenAI(**_kw(a)), a)
        out["blocking"] = {"result": "no error"}
    except Exception as e:
        out["blocking"] = _err(e)
    out["async"] = errors(a)
    out["plugged"] = len(PLUGGED) - before
    return out


def run(name, args):
    try:
        return globals()[name](args)
    except Exception as e:
        r = _err(e)
        r["trace"] = _trace(e)
        return r


def _trace(e):
    # where a scenario failed, for the test's message
    import io

    out = io.StringIO()
    if MPY:
        sys.print_exception(e, out)  # pyright: ignore[reportAttributeAccessIssue]
    else:
        import traceback

        traceback.print_exception(type(e), e, e.__traceback__, file=out)
    return out.getvalue()


if __name__ == "__main__":
    run_main(run)
