# tinyopenai: the OpenAI API client for MicroPython (and CPython).
# The middle floor: the client. Services sit above it, the core modules (_http, _json, _sse,
# _errors) below.

from ._errors import (  # noqa: F401  (re-exported)
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    OpenAIError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
    status_error,
)
from ._http import Conn, parse_url
from ._json import JSONError, Reader, compile_paths, dump_iter, loads

__version__ = "0.1.0"

DEFAULT_BASE_URL = "https://api.openai.com/v1"

# attribute -> module of the service (loaded on first use)
_SERVICES = {
    "chat": "chat",
    "moderations": "moderations",
}

_ERROR_BODY_CAP = 8192
_RETRY_AFTER_CAP = 60.0


class APIResponseValidationError(APIError):
    """A 2xx answer whose body is not what was expected (malformed JSON, an HTML page)."""

    def __init__(self, message, status_code, headers, cause=None):
        super().__init__(message, None, headers)
        self.status_code = status_code
        self.cause = cause


def _getenv(name):
    try:
        import os

        return os.getenv(name)
    except (ImportError, AttributeError):  # ESP32: no os.getenv
        return None


def _quote(s):
    safe = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
    out = []
    for c in str(s).encode():
        out.append(chr(c) if c in safe else "%%%02X" % c)
    return "".join(out)


def _query(params):
    parts = []
    for k in params:
        v = params[k]
        if v is None:
            continue
        for item in v if isinstance(v, (list, tuple)) else (v,):
            if isinstance(item, bool):
                item = "true" if item else "false"
            parts.append(_quote(k) + "=" + _quote(item))
    return "?" + "&".join(parts) if parts else ""


def _pem_to_der(pem):
    import binascii

    out = []
    start = 0
    while True:
        b = pem.find(b"-----BEGIN CERTIFICATE-----", start)
        if b < 0:
            return out
        e = pem.find(b"-----END CERTIFICATE-----", b)
        if e < 0:
            raise ValueError("PEM certificate without its END line")
        body = pem[b + 27 : e].replace(b"\r", b"").replace(b"\n", b"").replace(b" ", b"")
        out.append(binascii.a2b_base64(body))
        start = e + 25


def _bundled_ca_dir():
    # <root>/lib/tinyopenai/__init__.py -> <root>/certs (the repository, or / on a board)
    f = (globals().get("__file__") or "").replace("\\", "/")
    root = "/".join(f.split("/")[:-3])
    if not root and not f.startswith("/"):
        root = "."
    import os

    dirs = (root + "/certs", "/certs", "certs")
    for d in dirs:
        try:
            names = [n for n in os.listdir(d) if n.endswith(".der")]
        except OSError:
            continue
        if names:
            return [d + "/" + n for n in sorted(names)]
    raise OpenAIError("no bundled root certificates found (looked in %s); pass ca=" % ", ".join(dirs))


def _ca_ders(ca):
    """Root certificates as a list of DER bytes: ca is None (the bundled roots), DER or PEM
    bytes, a path to a DER or PEM file, or a list of those."""
    if ca is None:
        ca = _bundled_ca_dir()
    items = ca if isinstance(ca, (list, tuple)) else [ca]
    ders = []
    for item in items:
        if isinstance(item, str):
            try:
                with open(item, "rb") as f:
                    item = f.read()
            except OSError as e:
                raise OpenAIError("cannot read CA file %s: %s" % (item, e))
        if not isinstance(item, (bytes, bytearray)):
            raise TypeError("ca must be DER/PEM bytes, a file path or a list of those")
        if item.lstrip()[:10] == b"-----BEGIN":
            ders += _pem_to_der(bytes(item))
        else:
            ders.append(bytes(item))
    if not ders:
        raise OpenAIError("no certificates in ca")
    return ders


class Stream:
    """Iterator over a server-sent event stream: each event's JSON payload (or the picked
    value of it), up to [DONE]. The connection is released when the stream ends, on close(),
    or when the client makes its next request."""

    def __init__(self, client, resp, pick):
        from ._sse import Events

        self._resp = resp
        self._events = Events(resp.readinto, client._buf)
        self._single = isinstance(pick, str)
        self._pick = None
        if pick is not None:
            paths = (pick,) if self._single else tuple(pick)
            self._pick = compile_paths(paths + ("error",))

    def __iter__(self):
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self._resp.close()

    def __next__(self):
        while True:
            ev = self._next_event()
            if ev is None:
                raise StopIteration
            if self._pick is None:
                return ev
            if self._single:
                if ev[0] is not None:
                    return ev[0]
            else:
                for v in ev:
                    if v is not None:
                        return tuple(ev)

    def _next_event(self):
        # The payload of the next data event (picked values as a list when picking), None at
        # the end. In-band errors raise APIError.
        resp = self._resp
        try:
            ev = self._events.next()
            if ev is None:
                resp.close()
                return None
            name, data = ev
            if data == b"[DONE]":
                resp.drain(4096)
                return None
            if self._pick is None or name == "error":
                v = loads(data)
                err = v.get("error") if isinstance(v, dict) else None
                if name == "error":
                    err = err or v
            else:
                v = Reader(data).pick(*self._pick)
                err = v.pop()
        except JSONError as e:
            resp.close()
            raise APIResponseValidationError("malformed event in stream: %s" % e, resp.status, resp.headers, e)
        except APIError:
            resp.close()
            raise
        if err is not None:
            resp.close()
            msg = err.get("message") if isinstance(err, dict) else str(err)
            raise APIError(msg or "error event in stream", {"error": err}, resp.headers)
        return v


class OpenAI:
    """client = OpenAI(api_key=None, base_url=None, organization=None, project=None,
    timeout=30, max_retries=2, ca=None)

    api_key and base_url fall back to OPENAI_API_KEY / OPENAI_BASE_URL where the platform has
    an environment. timeout is seconds or (connect, read). ca: see _ca_ders. TLS is always
    verified for https unless dangerously_skip_tls_verify=True."""

    def __init__(
        self,
        api_key=None,
        base_url=None,
        organization=None,
        project=None,
        timeout=30,
        max_retries=2,
        ca=None,
        dangerously_skip_tls_verify=False,
        default_headers=None,
        sleep=None,
        buffer_size=2048,
        drain_limit=65536,
    ):
        api_key = api_key or _getenv("OPENAI_API_KEY")
        if not api_key:
            raise OpenAIError("no API key: pass api_key= or set OPENAI_API_KEY")
        base_url = base_url or _getenv("OPENAI_BASE_URL") or DEFAULT_BASE_URL
        tls, host, port, self._prefix = parse_url(base_url)
        self.base_url = base_url
        self.max_retries = max_retries
        self._ca = ca
        self._insecure = dangerously_skip_tls_verify
        self._ssl_ctx = None
        self._headers = [("Authorization", "Bearer " + api_key)]
        if organization:
            self._headers.append(("OpenAI-Organization", organization))
        if project:
            self._headers.append(("OpenAI-Project", project))
        import sys

        self._headers.append(("User-Agent", "tinyopenai/%s (%s)" % (__version__, sys.implementation.name)))
        for k in default_headers or ():
            self._headers.append((k, default_headers[k]))
        if sleep is None:
            import time

            sleep = time.sleep
        self._sleep = sleep
        self._buf = bytearray(buffer_size)
        self._drain_limit = drain_limit
        self._conn = Conn(tls, host, port, self._tls_context, timeout)

    def __repr__(self):
        return "<tinyopenai.OpenAI %s>" % self.base_url

    def __getattr__(self, name):
        mod = _SERVICES.get(name)
        if mod is None:
            raise AttributeError("'OpenAI' object has no attribute '%s'" % name)
        try:
            m = __import__("tinyopenai." + mod, None, None, ("service",))
        except ImportError:
            raise AttributeError("service '%s' is not installed (tinyopenai/%s.py is missing)" % (name, mod))
        svc = m.service(self)
        setattr(self, name, svc)
        return svc

    def close(self):
        self._conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _tls_context(self):
        if self._ssl_ctx is None:
            import ssl

            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            if self._insecure:
                if hasattr(ctx, "check_hostname"):
                    ctx.check_hostname = False
                ctx.verify_mode = ssl.CERT_NONE  # explicit opt-out only
            else:
                # MicroPython resets verify_mode to CERT_NONE: always set it. One DER root per call.
                ctx.verify_mode = ssl.CERT_REQUIRED
                for der in _ca_ders(self._ca):
                    ctx.load_verify_locations(cadata=der)
            self._ssl_ctx = ctx
        return self._ssl_ctx

    # --- the one request path --------------------------------------------------------------

    def request(self, method, path, body=None, params=None, stream=False, pick=None, headers=None):
        """Call any endpoint: path relative to base_url ('/models'), body a JSON-able dict,
        params a dict for the query string. Returns like the service methods do."""
        return self._request(method, path, body, params, stream, pick, headers)

    def _request(self, method, path, body=None, params=None, stream=False, pick=None, headers=None):
        target = self._prefix + path + (_query(params) if params else "")
        hdrs = list(self._headers)
        hdrs.append(("Accept", "text/event-stream" if stream else "application/json"))
        if headers:
            for k in headers:
                hdrs.append((k, headers[k]))
        length = None
        pieces = None
        if body is not None:
            hdrs.append(("Content-Type", "application/json"))
            length = 0
            for p in dump_iter(body):
                length += len(p)

            def pieces():
                return dump_iter(body)

        attempt = 0
        while True:
            try:
                resp = self._conn.request(method, target, hdrs, length, pieces)
                if resp.status >= 300:
                    raise self._status_error(resp)
                if stream:
                    return Stream(self, resp, pick)
                return self._consume(resp, pick)
            except APIError as e:
                delay = self._retry_delay(e, attempt)
                if delay is None:
                    raise
                attempt += 1
                self._sleep(delay)

    def _status_error(self, resp):
        raw = resp.read(_ERROR_BODY_CAP)
        try:
            body = loads(raw)
        except JSONError:
            body = _text_of(raw)
        return status_error(resp.status, body, resp.headers)

    def _consume(self, resp, pick):
        ct = resp.content_type
        if "json" not in ct and ct:
            if ct.startswith("text/html"):
                body = resp.read(512)
                raise APIResponseValidationError(
                    "expected JSON, got an HTML page: %s" % _text_of(body), resp.status, resp.headers
                )
            if pick is None:  # text or binary answer: the bytes
                out = bytearray()
                mv = memoryview(self._buf)
                while True:
                    n = resp.readinto(mv)
                    if not n:
                        return bytes(out)
                    out += mv[:n]
        rd = Reader(resp.readinto, self._buf)
        try:
            if pick is None:
                v = rd.load()
                rd.finish()
                return v
            vals = rd.pick(*compile_paths(pick))
        except JSONError as e:
            resp.close()
            raise APIResponseValidationError("malformed JSON in response: %s" % e, resp.status, resp.headers, e)
        resp.drain(self._drain_limit, memoryview(self._buf))
        return vals[0] if isinstance(pick, str) else tuple(vals)

    def _retry_delay(self, e, attempt):
        """Seconds to wait before the next attempt, or None when e is final."""
        if attempt >= self.max_retries or isinstance(e, APIResponseValidationError):
            return None
        if isinstance(e, APIStatusError):
            h = e.headers
            should = h.get("x-should-retry")
            if should == "false":
                return None
            s = e.status_code
            if should != "true" and not (s in (408, 409, 429) or s >= 500):
                return None
            if e.code == "insufficient_quota" or e.type == "insufficient_quota":
                return None
            wait = None
            try:
                if "retry-after-ms" in h:
                    wait = float(h["retry-after-ms"]) / 1000
                elif "retry-after" in h:
                    wait = float(h["retry-after"])
            except ValueError:
                pass  # an HTTP date: use our own backoff
            if wait is not None and wait >= 0:
                return wait if wait < _RETRY_AFTER_CAP else _RETRY_AFTER_CAP
        elif not isinstance(e, APIConnectionError):
            return None
        import random

        d = 0.5 * (1 << attempt)
        return (d if d < 8.0 else 8.0) * (1 - 0.25 * random.random())


def _text_of(raw):
    """A short readable text of an error body (the <title> of an HTML page)."""
    try:
        t = str(raw, "utf-8")
    except UnicodeError:
        return repr(raw[:200])
    lo = t.lower()
    b = lo.find("<title>")
    if b >= 0:
        e = lo.find("</title>", b)
        if e > b:
            return t[b + 7 : e].strip()
    return t[:300].strip()
