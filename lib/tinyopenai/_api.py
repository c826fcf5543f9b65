# What the REST services share: a Resource (a path under base_url, its beta header, required
# arguments checked before anything is sent), and URL quoting and query strings (loaded by the
# first call with parameters; a chat-only program never needs them).
# Services subclass Resource; they hold no HTTP logic: path + parameters -> client.request.
# List endpoints return a _cursor.Cursor (loaded by the first listing).

from ._errors import OpenAIError, say


def params_items(params):
    """(name, text) pairs of parameters for a query string or a form: None is left out, a list
    repeats its name, booleans are true/false."""
    for k in params:
        v = params[k]
        if v is None:
            continue
        for item in v if isinstance(v, (list, tuple)) else (v,):
            if isinstance(item, bool):
                item = "true" if item else "false"
            yield k, str(item)


def quote(s):
    """s (made str) percent-encoded for a URL path or query: all but A-Z a-z 0-9 - . _ ~"""
    safe = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
    return "".join(chr(c) if c in safe else "%%%02X" % c for c in str(s).encode())


def query(params):
    """The query string (without '?') for a dict of parameters."""
    return "&".join(quote(k) + "=" + quote(v) for k, v in params_items(params))


class Resource:
    path = ""  # e.g. "/assistants"; nested ids and names follow as path parts
    beta = None  # e.g. "assistants=v2": sent as OpenAI-Beta
    required = ()  # create() arguments that must be given
    id_name = None  # update(): the keyword that may carry the id (assistant_id, ...)

    def __init__(self, client):
        self._c = client

    def _call(self, method, parts=(), body=None, params=None, **kw):
        p = self.path
        for part in parts:  # ids never need quoting, but a model name like ft:x:y might
            part = quote(part)
            if not part or part == "." or part == "..":  # "" or a dot segment: another path
                raise OpenAIError(say("empty_id"))
            p += "/" + part
        h = kw.pop("extra_headers", None)
        h = dict(h) if h else {}
        if self.beta:
            h["OpenAI-Beta"] = self.beta
        return self._c.request(method, p, body, params, headers=h or None, **kw)

    def _need(self, params, *names):
        missing = [n for n in names if params.get(n) is None]
        if missing:
            raise OpenAIError(say("missing", self.path, ", ".join(missing)))

    def _list(self, parts=(), **params):
        from ._cursor import Cursor

        return Cursor(self, parts, params)

    def _in(self, method, parent_id, kind, item_id=None, tail=(), body=None, **kw):
        # an item under a parent: /threads/{thread_id}/messages/{message_id}[/cancel]
        parts = (parent_id, kind) + ((item_id,) if item_id is not None else ()) + tuple(tail)
        return self._call(method, parts, body, **kw)

    # The common operations. A service exposes the ones its endpoint has by aliasing them
    # (retrieve = Resource.retrieve_one). The id may be given by its own name: file_id="...".
    def create_one(self, pick=None, extra_headers=None, **params):
        self._need(params, *self.required)
        return self._call("POST", (), params, pick=pick, extra_headers=extra_headers)

    def list_all(self, **params):
        return self._list(**params)

    def retrieve_one(self, item_id=None, pick=None, extra_headers=None, **named):
        return self._call("GET", (_id(item_id, named),), pick=pick, extra_headers=extra_headers)

    def update_one(self, item_id=None, pick=None, extra_headers=None, **params):
        item_id = _id(item_id, params, self.id_name)
        return self._call("POST", (item_id,), params, pick=pick, extra_headers=extra_headers)

    def delete_one(self, item_id=None, pick=None, extra_headers=None, **named):
        return self._call("DELETE", (_id(item_id, named),), pick=pick, extra_headers=extra_headers)

    def cancel_one(self, item_id=None, pick=None, extra_headers=None, **named):
        return self._call("POST", (_id(item_id, named), "cancel"), pick=pick, extra_headers=extra_headers)


def _id(item_id, named, name=None):
    # the id given positionally, or as its own keyword (assistant_id=...)
    if item_id is None:
        if name is not None:
            item_id = named.pop(name, None)
        elif len(named) == 1:
            item_id = named.popitem()[1]
    if item_id is None or named and name is None:
        raise OpenAIError(say("one_id"))
    return item_id

