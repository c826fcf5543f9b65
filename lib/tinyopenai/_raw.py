# What a program may never use, so it is loaded only when first asked for: with_raw_response (a
# service's methods returning the answer's status and headers beside the value, as
# openai-python's LegacyAPIResponse) and client.with_options.

from . import _SERVICES, NOT_GIVEN, _merge_headers


class RawResponse:
    """status_code, headers (a dict of lower-cased names; up to 2 KB of them are kept),
    request_id, and parse() -> the value the method returns without with_raw_response."""

    def __init__(self, resp, value):
        self.status_code = resp.status
        self.headers = resp.headers
        self.request_id = resp.headers.get("x-request-id")
        self._value = value

    def parse(self):
        return self._value


class RawView:
    """service.with_raw_response: each method of the service, called with raw=True."""

    def __init__(self, service):
        self._s = service

    def __getattr__(self, name):
        f = getattr(self._s, name)
        if not callable(f):  # a nested service (chat.completions): its view
            return RawView(f)

        def call(*args, **kw):
            kw["raw"] = True
            return f(*args, **kw)

        return call


def with_options(self, timeout=NOT_GIVEN, max_retries=None, default_headers=None, default_query=None,
                 total_timeout=NOT_GIVEN):
    """A copy of the client with these settings changed (as openai-python's): it shares the
    connection and the receive buffer, so it costs a few small objects. Headers and query
    parameters given are merged into the client's."""
    c = object.__new__(type(self))
    own = self.__dict__
    for k in own:
        if k not in _SERVICES:  # services are made again for the copy, bound to it
            setattr(c, k, own[k])
    if timeout is not NOT_GIVEN:
        c.timeout = timeout
    if max_retries is not None:
        c.max_retries = max_retries
    if total_timeout is not NOT_GIVEN:
        c.total_timeout = total_timeout
    if default_headers:  # (None for a name removes the client's header of that name)
        c._headers = _merge_headers(self._headers, default_headers)
    if default_query:
        c.default_query = dict(self.default_query or ())
        c.default_query.update(default_query)
    return c
