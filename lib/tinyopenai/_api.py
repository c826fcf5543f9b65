# What the REST services share: a Resource (a path under base_url and its beta header), URL
# quoting, and @steps. Services subclass Resource and hold no HTTP logic: path + parameters ->
# request. Query strings and form fields are in _params; list endpoints return a _cursor.Cursor
# (loaded by the first listing).

from . import Service
from ._errors import OpenAIError, const, say

# message numbers (the texts are in _messages)
_EMPTY_ID = const(53)


def steps(method):
    """Make a service method written as a generator of steps (each `yield` a call's result or
    coroutine) a method that runs them on the client's connection: the blocking client gives
    the return value, AsyncOpenAI a coroutine. For the methods that make more than one call."""

    def run(self, *args, **kw):
        return self._c._conn.run(method(self, *args, **kw))

    return run


def quote(s):
    """s (made str) percent-encoded for a URL path or query: all but A-Z a-z 0-9 - . _ ~"""
    safe = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
    return "".join(chr(c) if c in safe else "%%%02X" % c for c in str(s).encode())


class Resource(Service):
    path = ""  # e.g. "/assistants"; nested ids and names follow as path parts
    beta = None  # e.g. "assistants=v2": sent as OpenAI-Beta

    def _call(self, method, parts=(), body=None, query=None, **kw):
        # body: the method's keyword arguments (per-call options among them are split off)
        p = self.path
        for part in parts:  # ids never need quoting, but a model name like ft:x:y might
            part = quote(part)
            if not part or part == "." or part == "..":  # "" or a dot segment: another path
                raise OpenAIError(say(_EMPTY_ID))
            p += "/" + part
        if self.beta:
            h = {"OpenAI-Beta": self.beta}
            h.update(kw.get("headers") or ())
            kw["headers"] = h
        return self._send(method, p, body, query, **kw)

    def _list(self, parts, params):
        from ._cursor import Cursor

        return Cursor(self, parts, params)
