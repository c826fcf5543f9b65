# with_raw_response: a service's methods returning the answer's status and headers beside the
# value (as openai-python's LegacyAPIResponse). Loaded when a program first asks for it.


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
