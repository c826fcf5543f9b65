# What the REST services share: a Resource (a path under base_url and its beta header), and URL
# quoting and query strings (loaded by the first call with parameters; a chat-only program never
# needs them). Services subclass Resource and hold no HTTP logic: path + parameters -> request.
# List endpoints return a _cursor.Cursor (loaded by the first listing).

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


def params_items(params, key=None):
    """(name, text) pairs of parameters for a query string or a form, as openai-python makes
    them: None is left out, a list gives name[] once per item, a dict name[key], booleans are
    true/false."""
    for k in params:
        v = params[k]
        name = k if key is None else "%s[%s]" % (key, k)
        if v is None:
            continue
        if isinstance(v, dict):
            for item in params_items(v, name):
                yield item
            continue
        if isinstance(v, (list, tuple)):
            name += "[]"
        for item in v if isinstance(v, (list, tuple)) else (v,):
            if isinstance(item, bool):
                item = "true" if item else "false"
            yield name, str(item)


def quote(s):
    """s (made str) percent-encoded for a URL path or query: all but A-Z a-z 0-9 - . _ ~"""
    safe = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
    return "".join(chr(c) if c in safe else "%%%02X" % c for c in str(s).encode())


def query(params):
    """The query string (without '?') for a dict of parameters."""
    return "&".join(quote(k) + "=" + quote(v) for k, v in params_items(params))


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

    @steps
    def _poll(self, get, done, poll_interval_ms, max_wait_s):
        # get() -> a RawResponse of the object, again until done(object); between tries the
        # server's openai-poll-after-ms, or poll_interval_ms (1 s by default), as openai-python.
        # Past max_wait_s (None: no bound) APITimeoutError.
        waited = 0
        while True:
            r = yield get()
            obj = r.parse()
            if done(obj):
                return obj
            ms = poll_interval_ms
            if ms is None:
                try:
                    ms = int(r.headers.get("openai-poll-after-ms", 1000))
                except ValueError:
                    ms = 1000
            if max_wait_s is not None and waited + ms > max_wait_s * 1000:
                from ._fail import APITimeoutError

                raise APITimeoutError()
            yield self._c._sleep(ms / 1000)
            waited += ms
