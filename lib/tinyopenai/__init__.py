# tinyopenai: the OpenAI API client for MicroPython (and CPython).
# The middle floor: the client. Services sit above it; the core modules (_http, _json, _sse,
# _errors, and _setup/_fail which are loaded only when needed) below.

import sys

from ._errors import (  # noqa: F401  (re-exported)
    APIConnectionError,
    APIError,
    OpenAIError,
    check_header,
    const,
    say,
)
from ._json import JSONError, Reader, dump_iter

# message numbers (the texts are in _messages)
_BAD_JSON = const(44)


__version__ = "0.1.0"

DEFAULT_BASE_URL = "https://api.openai.com/v1"

# A per-call option that was not given (None is a value: timeout=None means no timeout).
NOT_GIVEN = object()

# The per-call options a service method takes among its keyword arguments, as openai-python's
# (extra_headers, extra_query, extra_body, timeout) and this library's: never body fields.
_OPTIONS = ("extra_headers", "extra_query", "extra_body", "timeout", "total_timeout", "pick", "sink", "progress",
            "raw")

# the services: client.<name> is tinyopenai/<name>.py, loaded on first use
_SERVICES = ("chat", "moderations", "completions", "embeddings", "audio", "images", "files", "models",
             "fine_tuning", "batches", "beta", "vector_stores", "responses")


def _module(name, keep=True):
    # Import tinyopenai.<name>; keep=False drops it again once the caller is done with it.
    m = __import__("tinyopenai." + name, None, None, ("x",))
    if not keep:
        sys.modules.pop("tinyopenai." + name, None)
        globals().pop(name, None)
    return m


def __getattr__(name):
    # AsyncOpenAI and the per-status errors load their module when first asked for (the table
    # is _lazy.HOMES); any other name is a submodule (MicroPython's `from tinyopenai import
    # chat` asks here first)
    home = _module("_lazy", keep=False).HOMES.get(name)
    try:
        return getattr(_module(home), name) if home else _module(name)
    except (ImportError, AttributeError):
        raise AttributeError("module 'tinyopenai' has no attribute '%s'" % name)


def _merge_headers(hdrs, *given):
    # hdrs (a list of (name, value)) with the headers of each dict in given, in turn, replacing
    # those of the same name (case-insensitive; None removes one), each one checked: what a
    # caller gives is checked where it comes in (the client's own headers when it is made)
    for headers in given:
        for k in headers or ():
            low = k.lower() if isinstance(k, str) else k
            hdrs = [h for h in hdrs if h[0].lower() != low]
            if headers[k] is not None:
                check_header(k, headers[k])
                hdrs.append((k, headers[k]))
    return hdrs


class Service:
    """What every service object shares: its client, the split of per-call options from a
    method's keyword arguments, and with_raw_response (its module loads when first used)."""

    def __init__(self, client):
        self._c = client

    @property
    def with_raw_response(self):
        """The same methods, each returning a RawResponse (status_code, headers, request_id,
        parse()) instead of the value."""
        return _module("_raw").RawView(self)

    def _send(self, method, path, params=None, query=None, **kw):
        # params: the method's keyword arguments (the body, or for a GET the query); the per-call
        # options among them go to request() as such
        if params:
            for k in _OPTIONS:
                if k in params:
                    kw[k] = params.pop(k)
        if method == "GET":
            if params:
                params.update(query or ())
                query = params
            params = None
        return self._c.request(method, path, params, query, **kw)


class OpenAI:
    """client = OpenAI(api_key=None, base_url=None, organization=None, project=None,
    timeout=30, max_retries=2, ca=None, total_timeout=None, default_headers=None,
    default_query=None)

    api_key, base_url, organization and project fall back to OPENAI_API_KEY, OPENAI_BASE_URL,
    OPENAI_ORG_ID and OPENAI_PROJECT_ID where the platform has an environment. timeout is
    seconds or (connect, read), as openai-python's: each connect and each read waits at most
    that long. total_timeout bounds a whole call, retries included (a stream: from the request
    to its end), however slowly the server drips; None: no bound. Between two events of a
    stream at most the read timeout passes. ca: None for SSL_CERT_FILE or else the bundled roots, DER or PEM bytes, a
    file path, or a list of those. https is always verified unless
    dangerously_skip_tls_verify=True. sleep is the function used to wait between retries.
    default_headers and default_query go with every request (a call's extra_headers and
    extra_query win)."""

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
        buffer_size=512,
        total_timeout=None,
        default_query=None,
        transport=None,
    ):
        # The TLS context (one ~3 KB block) and the receive buffer are made first, low in the heap,
        # so that the room _setup's code leaves when it is dropped again joins the free heap above
        # in one piece.
        if sys.implementation.name == "micropython":  # (CPython does not fragment like this)
            import gc

            gc.collect()  # the garbage of the imports goes first: small objects below fill its holes
        ctx = None
        if not (base_url or "").startswith("http:"):
            try:
                import tls as ssl  # MicroPython 1.23+: the C module (its ssl wrapper costs ~1 KB)
            except ImportError:
                import ssl
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        self._buf = bytearray(buffer_size)  # the receive buffer: the other long-lived block
        self.total_timeout = total_timeout
        self.timeout = timeout
        self.default_query = default_query
        # the rest of the work is done by _setup, whose code leaves RAM again once the client is made;
        # the HTTP code loads after that, into the room it leaves, so the two are never in RAM at once
        tls, host, port, ctx, self._headers = _module("_setup", keep=False).init(
            self, ctx, api_key, base_url, organization, project, ca, dangerously_skip_tls_verify, default_headers,
            sleep)
        self.max_retries = max_retries
        self._conn = self._connection(tls, host, port, ctx, timeout, transport)

    def _connection(self, tls, host, port, ctx, timeout, transport):
        if sys.implementation.name == "micropython":
            import gc

            gc.collect()  # _setup's code has just been dropped: compile _http into that room
        from ._http import Conn

        return Conn(tls, host, port, ctx, timeout, transport=transport)

    def __repr__(self):
        return "<tinyopenai.OpenAI %s>" % self.base_url

    def with_options(self, **options):
        """with_options(timeout=, max_retries=, default_headers=, default_query=, total_timeout=):
        a copy of the client with these settings changed (as openai-python's). It shares the
        connection and the receive buffer, so it costs a few small objects. Headers and query
        parameters given are merged into the client's. (The code is in _raw, loaded when used.)"""
        return _module("_raw").with_options(self, **options)

    copy = with_options

    def __getattr__(self, name):
        if name not in _SERVICES:
            raise AttributeError("'OpenAI' object has no attribute '%s'" % name)
        try:
            m = _module(name)
        except ImportError as e:
            raise AttributeError("service '%s' cannot be loaded (is tinyopenai/%s.py installed?): %s" % (name, name, e))
        svc = m.service(self)
        setattr(self, name, svc)
        return svc

    def close(self):
        self._conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def request(self, *args, **kw):
        """Call any endpoint. path is relative to base_url ('/models'); body a JSON-able dict
        (with files: the form fields); params a dict for the query string; files {name: path,
        bytes, file object or (filename, source[, content_type])} for a streamed multipart upload
        (a list of them for one name goes out as name[]), progress(sent, total) called as it goes;
        sink (path, file object or callable) receives a binary answer in chunks; consume(reader,
        sink) builds the result from the JSON reader; events=True makes a stream yield (event
        name, payload) pairs. The per-call options are openai-python's: extra_headers (headers
        too) replace the client's of the same name (None removes one), extra_query and
        extra_body are merged into the query and the body, timeout replaces the client's for
        this call (None: no timeout); total_timeout replaces the client's bound on the whole
        call; accept is the Accept header (application/json, or text/event-stream for a stream);
        raw=True returns a RawResponse (status_code, headers, request_id, parse()).
        Returns the whole JSON answer, the picked value(s), consume's result, the sink's byte
        count, or a Stream."""
        return self._conn.run(self._call(*args, **kw))

    def _call(self, method, path, body=None, params=None, stream=False, pick=None, headers=None, files=None,
              sink=None, consume=None, progress=None, events=False, total_timeout=None, extra_headers=None,
              extra_query=None, extra_body=None, timeout=NOT_GIVEN, accept=None, raw=False):
        # The steps of request() (see _http: the connection's run() drives them). The request
        # is made here, in a plain call whose frame is gone before anything is sent; the steps
        # (_attempts: a generator, whose state is heap for as long as the call lasts, the TLS
        # handshake included) hold only what the attempts need.
        target = self._prefix + path
        if params or extra_query or self.default_query:
            q = dict(self.default_query or ())
            q.update(params or ())
            q.update(extra_query or ())
            q = _module("_params").query(q)
            if q:
                target += "?" + q
        if extra_body and method != "GET":  # (a GET has no body: as openai-python, extra_body is dropped)
            body = dict(body or ())
            body.update(extra_body)
        length = None
        pieces = None
        ctype = None if method == "GET" else "application/json"  # (as openai-python, without a body too)
        if files is not None:
            form = _module("_multipart").Form(body or {}, files, progress)
            ctype = form.content_type
            length = form.length
            pieces = form.pieces
        elif body is not None:
            ctype = "application/json"
            length = 0
            for p in dump_iter(body, False):  # (a base64 source counts by its len(): no file read)
                length += len(p)
            pieces = lambda: dump_iter(body)  # noqa: E731  (called again on a resend)
        hdrs = [("Accept", accept or ("text/event-stream" if stream else "application/json"))]
        if ctype is not None:
            hdrs.append(("Content-Type", ctype))
        if method != "GET":  # one Idempotency-Key per logical call: its retries and resends carry it
            # 128 random bits, as openai-python's retry key (every port with a network has urandom)
            import os
            from binascii import hexlify

            hdrs.append(("Idempotency-Key", "tinyopenai-retry-" + hexlify(os.urandom(16)).decode()))
        hdrs = self._headers + hdrs  # (one list of the exact size)
        if headers or extra_headers:  # the caller's, checked, replace the client's of the same name
            hdrs = _merge_headers(hdrs, headers, extra_headers)
        out = _module("_sink").Sink(sink) if sink is not None else None  # fails before sending
        # the consumer (see _read below): the JSON reader, given what to read, or the bytes into a sink
        take = self._read if consume is not None or out is None else self._bytes
        return self._attempts(method, target, hdrs, length, pieces, raw, stream, pick, events,
                              take, consume if consume is not None else pick, out, timeout, total_timeout)

    def _attempts(self, method, target, hdrs, length, pieces, raw, stream, pick, events, take, read, out, timeout,
                  total_timeout):
        # the steps of the call _call made: each attempt an exchange, and its answer to the consumer
        conn = self._conn
        conn.set_timeout(self.timeout if timeout is NOT_GIVEN else timeout)
        conn.deadline = end = conn.after(self.total_timeout if total_timeout is None else total_timeout)
        attempt = 0
        try:
            while True:
                try:
                    resp = yield from conn.exchange(method, target, hdrs, length, pieces, raw)
                    if resp.status >= 300:
                        yield conn.wait(resp)
                        raise _module("_fail").from_response(resp)
                    if resp.headers.get("content-type", "").startswith("text/html"):
                        raise _module("_fail").not_json(resp)  # a proxy's page, not the answer
                    if stream:  # (its consumer is a plain call: it reads nothing yet)
                        result = self._stream(resp, pick, events, end)
                        end = None  # the stream keeps its own bound from here on
                    else:
                        result = yield from take(resp, read, out)
                        if out is not None:
                            out.done()
                    if raw:
                        return _module("_raw").RawResponse(resp, result)
                    return result
                except APIError as e:
                    delay = _module("_fail").retry_delay(e, attempt, self.max_retries)
                    if delay is not None and end is not None and conn.ms_left(end) <= delay * 1000:
                        delay = None  # the call's time is up before the next attempt could start
                    if delay is None:
                        if out is not None:
                            out.abort()
                        raise
                    if out is not None:
                        out.restart()
                    attempt += 1
                    yield self._sleep(delay)
                except Exception:  # a sink that could not be written, a bug in a consumer: clean up
                    if out is not None:
                        out.abort()
                    conn.close()
                    raise
        finally:
            if end is not None or not stream:
                conn.deadline = None

    # The consumers: what reads a 2xx answer into the call's result. request() chooses one from
    # its options before anything is sent, and hands it each answer:
    #   a stream   (stream=True): _stream(resp, ...) returns the Stream at once, a plain call: it
    #              reads nothing (the events are read as the caller iterates)
    #   the JSON reader, _read(resp, read, out): the body parsed as it arrives into what read says,
    #              the whole value (None), the values at pick's paths (a str or tuple: _pick), or
    #              a reader function read(reader, out) -> value (consume=: the decoders, such as
    #              embeddings' floats, images' base64 into a sink, a list page)
    #   the bytes, _bytes(resp, read, out): each piece of the body into the sink out (sink=); the
    #              result is the byte count
    # Both _read and _bytes are steps (as exchange's: see _http) that return the result. An answer
    # that is not JSON (audio) is bytes when nothing asked to read it: _read hands it to _bytes.
    def _stream(self, resp, pick, events, end):
        return _module("_sse").Stream(self, resp, pick, events, end)

    def _read(self, resp, read, out):
        ct = resp.headers.get("content-type", "")
        if read is None and ct and "json" not in ct:
            return (yield from self._bytes(resp, read, None))
        # the first read waits (yields); the rest wait in place, as the reader pulls
        yield resp.conn.wait(resp)
        rd = Reader(resp.readinto, self._buf)
        try:
            if read is None:
                v = rd.load()
            elif callable(read):
                v = read(rd, out)
            else:  # (_pick loads once the body has begun: it is not in RAM through the handshake)
                v = _module("_pick").value(rd, read)
            rd.finish()
        except (JSONError, ValueError) as e:
            resp.close()
            raise _module("_fail").invalid(_BAD_JSON, resp, e)
        return v

    def _bytes(self, resp, read, out):
        # the body's bytes (read is unused): into the sink out, or gathered (out None); the steps
        # are the sink's
        return (out or _module("_sink").Sink(None)).take(resp, self._buf)

