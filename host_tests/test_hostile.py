"""The hostile-server suite: what an attacker's server (or a broken proxy) can send, and what a
careless caller can pass, each case on both clients (OpenAI and AsyncOpenAI) under CPython, the
64-bit MicroPython port and the 32-bit twin (both with the library as .mpy and -X heapsize=112k;
AsyncOpenAI on the 64-bit port at 160k, see conftest.device_heap). Every case must end in its documented
result: the value, or one of the library's typed errors (never MemoryError, RecursionError,
ValueError or AttributeError), within a bounded time, with no socket left open after a
transport fault, and with nothing sent when the caller's input was unsafe.

The cases run in one process per runtime (portable/scenarios.py: hostile), each on a path of its
own at the replay server, so that one case's answers cannot reach another. The server sends the
raw bytes of each answer as they are (the replay server's `raw` fault)."""
import json

import fixtures
import pytest
from conftest import CLIENTS, RUNTIMES, SEEN, SENTINEL, count_sentinel, device_heap, run_scenario
from replay_server import ReplayServer, interaction

# what a caller may see, whatever the server sends
DOCUMENTED = {"APIConnectionError", "APITimeoutError", "APIResponseValidationError", "APIStatusError",
              "BadRequestError", "AuthenticationError", "PermissionDeniedError", "NotFoundError", "ConflictError",
              "UnprocessableEntityError", "RateLimitError", "InternalServerError", "APIError", "OpenAIError"}
TRANSPORT = {"APIConnectionError", "APITimeoutError"}

CHAT = ("chat.completions.create", {"model": "m", "messages": [], "pick": "choices.0.message.content"})
WHOLE = ("chat.completions.create", {"model": "m", "messages": []})
STREAM = ("chat.completions.create", {"model": "m", "messages": [], "stream": True,
                                      "pick": "choices.0.delta.content"})
OK_BODY = json.dumps(fixtures.chat_body("fine")).encode()

CASES = {}  # id -> dict(answers=[raw bytes...], call=(method, kwargs), client={}, want=..., ...)


def case(cid, answers, want, call=CHAT, msg=None, client=None, sent=None, ms=4000, value=None, args=(), paths=None):
    """want: an error class name, or "value" (then `value` is the result). sent: how many
    requests the server must get (default: one per answer). paths: the request path (after
    /v1) of each answer, when they differ."""
    assert cid not in CASES, cid
    CASES[cid] = {"answers": list(answers), "call": call, "want": want, "msg": msg, "client": client or {},
                  "sent": len(answers) if sent is None else sent, "ms": ms, "value": value, "args": list(args),
                  "paths": paths}


def http(status=b"200 OK", headers=(b"Content-Type: application/json",), body=OK_BODY, length=True, tail=b""):
    head = b"HTTP/1.1 " + status + b"\r\n" + b"".join(h + b"\r\n" for h in headers)
    if length is True:
        head += b"Content-Length: %d\r\n" % len(body)
    return head + b"\r\n" + body + tail


def chunked(pieces, last=b"0\r\n\r\n", headers=(b"Content-Type: application/json",)):
    body = b"".join(pieces) + last
    return http(headers=headers + (b"Transfer-Encoding: chunked",), body=body, length=False)


def chunks(data, size=100):
    return [b"%x\r\n%s\r\n" % (len(data[i:i + size]), data[i:i + size]) for i in range(0, len(data), size)]


# --- 1. the status line --------------------------------------------------------------------
for i, line in enumerate([b"HTTP/1.1 99 Low", b"HTTP/1.1 600 High", b"HTTP/1.1 20 OK", b"HTTP/1.1 2000 OK",
                          b"HTTP/1.1 -20 OK", b"HTTP/1.1 +20 OK", b"HTTP/1.1 2x0 OK", b"HTTP/2 200 OK",
                          b"HTTP/1.1200 OK", b"ICY 200 OK", b"\xff\xfe\x00garbage", b"http/1.1 200 OK",
                          b"HTTP/1.1 0200 OK", b"HTTP/1.1 \xd9\xa2\xd9\xa0\xd9\xa0 OK", b"HTTP/1.1", b"200 OK",
                          b"HTTP/1.1 000 Zero", b"HTTP/1.1 999 Nine"]):
    case("status line %d: %r" % (i, line[:20]), [line + b"\r\nContent-Length: 0\r\n\r\n"], "APIConnectionError",
         msg="not an HTTP response")
case("status 200 without a reason phrase", [http(b"200")], "value", value="fine")
case("status 599 maps to InternalServerError",
     [http(b"599 Odd", body=b'{"error": {"message": "odd"}}')], "InternalServerError")
case("status 418 maps to APIStatusError", [http(b"418 Teapot", body=b'{"error": {"message": "tea"}}')],
     "APIStatusError")
case("empty answer then close", [b""], "APIConnectionError", msg="server closed the connection before answering")

# --- 2. Content-Length ---------------------------------------------------------------------
for i, cl in enumerate([b"-1", b"+5", b"0x10", b"1_0", b"1e3", b"5, 5", b"5,6", b"", b"abc", b"5 5", b"\xd9\xa5",
                        b"1" * 40, b"-0"]):
    case("Content-Length %d: %r" % (i, cl), [http(headers=(b"Content-Length: " + cl,), length=False)],
         "APIConnectionError", msg="Content-Length")
case("Content-Length with spaces around it", [http(headers=(b"Content-Length:   %d  " % len(OK_BODY),),
                                                   length=False)], "value", value="fine")
case("Content-Length larger than the body", [http(headers=(b"Content-Length: %d" % (len(OK_BODY) + 50),),
                                                  length=False)], "APIConnectionError", msg="truncated", call=WHOLE)
case("two different Content-Lengths", [http(headers=(b"Content-Length: 5", b"Content-Length: 7"), length=False)],
     "APIConnectionError", msg="Content-Length")
case("Content-Length 0 on a 200 chat", [http(body=b"")], "APIResponseValidationError", msg="malformed JSON")

# --- 3. chunked framing --------------------------------------------------------------------
for i, size in enumerate([b"-5", b"+5", b"0x5", b"5_0", b"", b"g", b" 5", b"5 5", b"1" * 16, b"\xd9\xa5"]):
    case("chunk size %d: %r" % (i, size), [chunked([size + b"\r\nhello\r\n"])], "APIConnectionError",
         msg="chunk size")
case("chunk size with an extension", [chunked([b"%x;name=value\r\n%s\r\n" % (len(OK_BODY), OK_BODY)])], "value",
     value="fine")
case("chunk size with space before ';'", [chunked([b"%x ;ext\r\n%s\r\n" % (len(OK_BODY), OK_BODY)])], "value",
     value="fine")
case("chunk size in upper-case hex", [chunked([b"%X\r\n%s\r\n" % (len(OK_BODY), OK_BODY)])], "value", value="fine")
case("chunk data not followed by CRLF", [chunked([b"5\r\nhelloXX\r\n"])], "APIConnectionError",
     msg="chunk not followed by CRLF")
case("chunked without the last chunk", [chunked(chunks(OK_BODY), last=b"")], "APIConnectionError",
     msg="truncated", call=WHOLE)
case("last chunk without its blank line", [chunked(chunks(OK_BODY), last=b"0\r\n")], "APIConnectionError",
     msg="truncated", call=WHOLE)
case("chunk larger than what follows", [chunked([b"ffff\r\n" + OK_BODY], last=b"")], "APIConnectionError",
     msg="truncated", call=WHOLE)
case("chunk size line over 1 KB", [chunked([b"5;" + b"e" * 2000 + b"\r\nhello\r\n"])], "APIConnectionError",
     msg="larger than")
case("trailers after the last chunk", [chunked(chunks(OK_BODY), last=b"0\r\nX-Checksum: abc\r\nX-More: d\r\n\r\n")],
     "value", value="fine")
case("endless trailers", [chunked(chunks(OK_BODY), last=b"0\r\n" + b"X-T: 0123456789\r\n" * 2000 + b"\r\n")],
     "APIConnectionError", msg="larger than 4096 bytes", call=WHOLE)
case("one huge trailer", [chunked(chunks(OK_BODY), last=b"0\r\nX-T: " + b"t" * 10000 + b"\r\n\r\n")],
     "APIConnectionError", msg="larger than 4096 bytes", call=WHOLE)
case("one-byte chunks", [chunked(chunks(OK_BODY, 1))], "value", value="fine")
case("chunked body with junk after the end", [chunked(chunks(OK_BODY), last=b"0\r\n\r\nHTTP/1.1 200 OK\r\n\r\n")],
     "value", value="fine")

# --- 4. Transfer-Encoding ------------------------------------------------------------------
for i, te in enumerate([b"gzip", b"gzip, chunked", b"chunked, gzip", b"identity", b"x-custom", b"", b"chunked;q=1",
                        b"deflate"]):
    case("Transfer-Encoding %d: %r" % (i, te), [http(headers=(b"Transfer-Encoding: " + te,), length=False)],
         "APIConnectionError", msg="Transfer-Encoding")
case("Transfer-Encoding in capitals", [http(headers=(b"Transfer-Encoding: CHUNKED",), length=False,
                                            body=b"".join(chunks(OK_BODY)) + b"0\r\n\r\n")], "value", value="fine")
case("Transfer-Encoding beside Content-Length", [http(headers=(b"Transfer-Encoding: chunked", b"Content-Length: 3"),
                                                      length=False, body=b"".join(chunks(OK_BODY)) + b"0\r\n\r\n")],
     "value", value="fine")

# --- 5. interim (1xx) answers -------------------------------------------------------------
case("100 Continue before the answer", [b"HTTP/1.1 100 Continue\r\n\r\n" + http()], "value", value="fine")
case("103 Early Hints before the answer", [b"HTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n" + http()], "value",
     value="fine")
case("four 100s before the answer", [b"HTTP/1.1 100 Continue\r\n\r\n" * 4 + http()], "value", value="fine")
case("five 100s", [b"HTTP/1.1 100 Continue\r\n\r\n" * 5 + http()], "APIConnectionError", msg="interim")
case("endless 100s", [b"HTTP/1.1 100 Continue\r\n\r\n" * 5000], "APIConnectionError", msg="interim")
case("101 Switching Protocols", [b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n" + http()],
     "APIConnectionError", msg="interim")
case("100 then the connection closes", [b"HTTP/1.1 100 Continue\r\n\r\n"], "APIConnectionError",
     msg="server closed the connection before answering")
case("bad status after a 100", [b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 2000 OK\r\n\r\n"], "APIConnectionError",
     msg="not an HTTP response")

# --- 6. header fields ----------------------------------------------------------------------
for i, hdr in enumerate([b"No-Colon-Here", b"Space-Before : x", b"Tab-Before\t: x", b": no name",
                         b"\xff\xfe: binary name"]):
    case("header line %d: %r" % (i, hdr[:20]), [http(headers=(b"Content-Type: application/json", hdr))],
         "APIConnectionError", msg="malformed response header")
case("header over the 8 KB bound", [http(headers=(b"X-Huge: " + b"h" * 9000,))], "APIConnectionError",
     msg="larger than 8192 bytes")
case("many headers over the 8 KB bound", [http(headers=tuple(b"X-H%d: %s" % (i, b"v" * 40) for i in range(400)))],
     "APIConnectionError", msg="larger than 8192 bytes")
case("headers cut off by the close", [b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-"],
     "APIConnectionError")
case("headers cut off after a full line", [b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"],
     "APIConnectionError", msg="connection closed in the response headers")
case("LF-only line ends", [http().replace(b"\r\n", b"\n", 3)], "value", value="fine")
case("an error answer with 7 KB of headers keeps what it needs",
     [http(b"429 Slow", headers=(b"Content-Type: application/json", b"x-request-id: req_1", b"retry-after: 1")
           + tuple(b"X-Pad%d: %s" % (i, b"p" * 60) for i in range(100)),
           body=b'{"error": {"message": "slow down", "type": "rate"}}')], "RateLimitError", msg="slow down")

# --- 7. bodies -----------------------------------------------------------------------------
for i, body in enumerate([b'{"choices": [{"message": {', b"<html><body>Bad gateway</body></html>",
                          b'{"choices": [{"message": {"content": "\xc0\xaf"}}]}',
                          b'{"choices": [{"message": {"content": "\xff"}}]}',
                          b'{"choices": [{"message": {"content": "a\x01b"}}]}',
                          b'{"choices": [{"message": {"content": tru}}]}',
                          b"[" * 5000, b'{"a": ' + b"1" * 2000 + b"}",
                          b'{"choices": [{"message": {"content": "\\ud800\\u12"}}]}', b"\x00\x00\x00",
                          b'{"choices": [{"message": {"content": "\xf4\x90\x80\x80"}}]}',
                          b'{"choices": [{"message": {"content": "\xe0\x80\xaf"}}]}']):
    case("2xx body %d: %r" % (i, body[:24]), [http(body=body)], "APIResponseValidationError")
case("2xx body with data after the value", [http(body=b'{"choices": []} trailing')], "APIResponseValidationError",
     call=WHOLE, msg="extra data")
case("2xx body null, picked", [http(body=b"null")], "value", value=None)
DUP = b'{"choices": [{"message": {"content": "first"}}], "choices": [{"message": {"content": "last", "content": "x"}}]}'
case("a key given twice, picked: the last, as json.loads", [http(body=DUP)], "value", value="x")
case("a key given twice, whole: the last", [http(body=DUP)], "value", value=json.loads(DUP), call=WHOLE)
case("a key given twice, the last without the path", [http(body=b'{"choices": [{"message": {"content": "a"}}], '
                                                                b'"choices": 5}')], "value", value=None)
case("2xx body cut short after the picked path", [http(body=OK_BODY[:-3])], "APIResponseValidationError")
case("2xx body with data after the picked value", [http(body=OK_BODY + b" {}")], "APIResponseValidationError",
     msg="extra data")
case("2xx body null, whole", [http(body=b"null")], "value", value=None, call=WHOLE)
case("HTML page with 200", [http(headers=(b"Content-Type: text/html",), body=b"<html><title>Oops</title></html>")],
     "APIResponseValidationError", msg="Oops")
case("HTML 502 page", [http(b"502 Bad Gateway", headers=(b"Content-Type: text/html",),
                            body=b"<html><title>502 Bad Gateway</title></html>")], "InternalServerError",
     msg="502 Bad Gateway")
case("4xx with a megabyte body", [http(b"400 Bad", body=b'{"error": {"message": "' + b"m" * (1 << 20) + b'"}}')],
     "BadRequestError", ms=8000)
case("4xx with non-UTF-8 text", [http(b"400 Bad", headers=(b"Content-Type: text/plain",), body=b"\xff\xfe bad")],
     "BadRequestError")
case("4xx with the error as a string", [http(b"404 Missing", body=b'{"error": "no such model"}')], "NotFoundError",
     msg="no such model")
case("4xx with a vLLM-style error", [http(b"400 Bad", body=b'{"object": "error", "message": "bad args"}')],
     "BadRequestError")
case("4xx with truncated JSON", [http(b"401 No", body=b'{"error": {"message": "no')], "AuthenticationError")
case("5xx that closes mid-body", [http(b"500 Oops", body=b'{"error": {"message": "oo', length=False,
                                       headers=(b"Content-Length: 500",))], "APIConnectionError")

# --- 8. streams ----------------------------------------------------------------------------
SSE = (b"Content-Type: text/event-stream",)


def sse(events, last=b"data: [DONE]\n\n"):
    body = b"".join(events) + last
    return chunked(chunks(body, 64), headers=SSE)


def delta(text):
    return b'data: {"choices": [{"index": 0, "delta": {"content": "' + text + b'"}}]}\n\n'


case("a plain stream", [sse([delta(b"a"), delta(b"b")])], "value", value=["a", "b"], call=STREAM)
case("stream: CR line ends", [sse([delta(b"a").replace(b"\n", b"\r")], last=b"data: [DONE]\r\r")], "value",
     value=["a"], call=STREAM)
case("stream: comments and pings", [sse([b": ping\n\n", delta(b"a"), b": ping\n\n"])], "value", value=["a"],
     call=STREAM)
case("stream: an event line over the cap", [sse([b"data: " + b"x" * 40000 + b"\n\n"])], "APIResponseValidationError",
     call=STREAM)
case("stream: many data lines over the cap", [sse([b"data: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n" * 2000 + b"\n"])],
     "APIResponseValidationError", call=STREAM)
case("stream: a non-UTF-8 event name", [sse([b"event: \xff\xfe\ndata: {}\n\n"])], "APIResponseValidationError",
     call=STREAM)
case("stream: overlong UTF-8 in data", [sse([delta(b"\xc0\xaf")])], "APIResponseValidationError", call=STREAM)
case("a duplicate key in a stream event", [sse([b'data: {"choices": [{"delta": {"content": "a", "content": "b"}}]}'
                                                b'\n\n'])], "value", value=["b"], call=STREAM)
case("stream: data that is not JSON", [sse([b"data: {not json\n\n"])], "APIResponseValidationError", call=STREAM)
case("stream: an error event mid-stream", [sse([delta(b"a"), b'event: error\ndata: {"message": "overloaded"}\n\n'])],
     "APIError", msg="overloaded", call=STREAM)
case("stream: an error field mid-stream", [sse([delta(b"a"), b'data: {"error": {"message": "bad"}}\n\n'])],
     "APIError", msg="bad", call=STREAM)
case("stream: cut before [DONE]", [sse([delta(b"a")], last=b"")], "value", value=["a"], call=STREAM)
case("stream: cut mid-chunk", [chunked(chunks(delta(b"a") + delta(b"bb"), 64)[:1], last=b"", headers=SSE)],
     "APIConnectionError", call=STREAM)
case("stream: [DONE] without the blank line", [sse([delta(b"a")], last=b"data: [DONE]")], "value", value=["a"],
     call=STREAM)
case("stream: a 404 instead", [http(b"404 No", body=b'{"error": {"message": "no stream"}}')], "NotFoundError",
     call=STREAM)
case("stream: HTML instead", [http(headers=(b"Content-Type: text/html",), body=b"<html>x</html>")],
     "APIResponseValidationError", msg="HTML page", call=STREAM)

# --- 9. time: a dripping or stalling server cannot hold a call past its bound -----------------
DRIP = {"drip": (1, 0.25)}
case("drip: headers one byte at a time, total_timeout 1 s", [(http(), DRIP)], "APITimeoutError",
     client={"total_timeout": 1}, ms=3500)
case("drip: body one byte at a time, total_timeout 1 s", [(b"HTTP/1.1 200 OK\r\n" + http()[17:], DRIP)],
     "APITimeoutError", client={"total_timeout": 1}, ms=3500)
case("drip: a stream's event dribbles past the read timeout",
     [(sse([delta(b"a" * 40)]), {"drip": (2, 0.1), "drip_from": 80})], "APITimeoutError", call=STREAM,
     client={"timeout": 1}, ms=3000)
case("drip: a stream's whole bound", [(sse([delta(b"a")] * 200), {"drip": (40, 0.05)})], "APITimeoutError",
     call=STREAM, client={"total_timeout": 1.5}, ms=4500)
case("stall: no answer within the read timeout", [(http(), {"stall": 3})], "APITimeoutError",
     client={"timeout": 1}, ms=3500)
case("a dripping answer inside its bound", [(http(), {"drip": (200, 0.01)})], "value", value="fine",
     client={"total_timeout": 10})

# --- 10. what the caller passes: refused before anything is sent ------------------------------
for i, (name, value) in enumerate([("X-Evil", "a\r\nInjected: yes"), ("X-Evil", "a\nb"), ("X-Evil", "a\rb"),
                                   ("X-Evil", "a\x00b"), ("X-Ev\nil", "v"), ("X-Ev il", "v"), ("X:Evil", "v"),
                                   ("", "v"), ("X-Int", 5), ("X-List", ["v"]), ("X-Float", 1.5)]):
    case("extra header %d: %r" % (i, (name, value)), [], "OpenAIError", sent=0,
         call=("chat.completions.create", {"model": "m", "messages": [], "extra_headers": {name: value}}))
    case("default header %d: %r" % (i, (name, value)), [], "OpenAIError", sent=0,
         client={"default_headers": {name: value}})
for i, key in enumerate(["sk-abc\n", "sk-a\r\nX-Injected: 1", "sk-\x00"]):
    case("api key %d with CR/LF/NUL" % i, [], "OpenAIError", sent=0, client={"api_key": key})
case("organization with a newline", [], "OpenAIError", sent=0, client={"organization": "org\nX: 1"})
case("project with a newline", [], "OpenAIError", sent=0, client={"project": "proj\r\n"})
for i, suffix in enumerate(["/v 1", "/v1\r\nX: y", "/v1#frag", "/v1?x=1", "/v1\t"]):
    case("base_url %d: %r" % (i, suffix), [], "OpenAIError", sent=0, client={"base_url": "URL" + suffix})
case("base_url with user:password@", [], "OpenAIError", sent=0, client={"base_url": "USERINFO"})
URL_KEY = "sk-hostile-key-in-the-url-5e1d"  # not the sentinel: the case file holds it, by design
case("base_url carrying the key", [], "OpenAIError", sent=0, client={"base_url": "KEYINURL", "api_key": URL_KEY},
     msg="must not contain the API key")
for fid in ["", ".", ".."]:
    case("file id %r" % fid, [], "OpenAIError", sent=0, call=("files.retrieve", {}), args=[fid],
         msg="empty, '.' or '..'")
case("a file id with a slash is one path segment", [http(body=b'{"id": "a/b"}')], "value", value={"id": "a/b"},
     call=("files.retrieve", {}), args=["a/b"])

# --- 11. listings and retries --------------------------------------------------------------
PAGE = b'{"object": "list", "data": [{"id": "f1"}], "last_id": "f1", "has_more": true}'
case("a cursor the server repeats", [http(body=PAGE), http(body=PAGE)], "APIResponseValidationError",
     call=("files.list", {}), msg="again", paths=["/files", "/files?after=f1"])
BIG_PAGE = b'{"object": "list", "data": [' + b", ".join([b'{"id": "f"}'] * 100001) + b'], "has_more": false}'
case("a list page with 100,001 items", [http(body=BIG_PAGE)], "APIResponseValidationError", call=("files.list", {}),
     msg="more than", ms=8000)
case("a list page that is not an object", [http(body=b"[1, 2]")], "APIResponseValidationError",
     call=("files.list", {}))


def _url(base, cid_index, client):
    url = base[: -len("/v1")] + "/case%03d/v1" % cid_index  # the server's URL ends in /v1
    if "base_url" in client:
        b = client["base_url"]
        return (b.replace("URL", url) if b.startswith("URL") else
                url.replace("http://", "http://user:secret@") if b == "USERINFO" else
                url + "/" + URL_KEY if b == "KEYINURL" else b)
    return url


@pytest.fixture(scope="module")
def hostile(mpy_lib):
    """(runtime, client) -> {case id: (result, requests the server got for it)}: each runtime's
    cases run once per client, in one process, on the first test that needs them."""
    done = {}

    def results(rt, client):
        if (rt, client) not in done:
            srv = ReplayServer().start()
            try:
                done[rt, client] = _batch(rt, srv, mpy_lib, client)
            finally:
                srv.stop()
                count_sentinel(srv)
        return done[rt, client]

    return results


def _batch(rt, server, mpy_lib, which):
    cases, ids = [], sorted(CASES)
    for n, cid in enumerate(ids):
        c = CASES[cid]
        client = dict(c["client"])
        client["base_url"] = _url(server.url, n, client)
        method = "GET" if c["call"][0].startswith("files.") else "POST"
        tail = {"files.retrieve": "/files/a%2Fb", "files.list": "/files"}.get(c["call"][0], "/chat/completions")
        for k, answer in enumerate(c["answers"]):
            raw, fault = answer if isinstance(answer, tuple) else (answer, {})
            path = "/case%03d/v1%s" % (n, c["paths"][k] if c["paths"] else tail)
            # each answer ends its connection: no case can read another's bytes
            server.add([interaction(method, path, 200, b"", fault=dict(fault, raw=raw, close_after=True))])
        cases.append(json.dumps({"method": c["call"][0], "args": c["args"], "kwargs": c["call"][1],
                                 "client": client}))
    work = mpy_lib.parent
    name = "hostile-%s-%s" % (rt, which)
    (work / (name + ".jsonl")).write_text("\n".join(cases) + "\n")
    out = work / (name + ".out")
    r = run_scenario(mpy_lib, rt, "hostile", {"url": server.url, "cases": str(work / (name + ".jsonl")),
                                              "out": str(out), "aio": which == "async"},
                     heap=device_heap(rt, which))
    assert r == {"cases": len(ids)}, r
    lines = out.read_text().splitlines()
    SEEN.extend(lines)
    got = dict(zip(ids, (json.loads(ln) for ln in lines)))
    reqs = {}
    for req in server.requests:
        reqs.setdefault(req["path"].split("/")[1], []).append(req)
    return {cid: (got[cid], reqs.get("case%03d" % n, [])) for n, cid in enumerate(ids)}


@pytest.mark.timeout(900)
@pytest.mark.parametrize("rt", RUNTIMES)
@pytest.mark.parametrize("client", CLIENTS)
@pytest.mark.parametrize("cid", sorted(CASES))
def test_hostile(rt, client, cid, hostile):
    got, reqs = hostile(rt, client)[cid]
    c = CASES[cid]
    assert len(reqs) == c["sent"], (got, [q["path"] for q in reqs])
    if c["want"] == "value":
        assert "error" not in got, got
        assert got["value"] == c["value"], got
    else:
        assert got.get("error") == c["want"], got
        assert got["error"] in DOCUMENTED, got
        if c["msg"]:
            assert c["msg"] in got["message"], got
        if got["error"] in TRANSPORT:
            assert not got["open"], got  # a transport fault leaves no socket behind
    assert got["ms"] <= c["ms"], got  # bounded time, whatever the server does
    assert SENTINEL not in json.dumps(got) and URL_KEY not in json.dumps(got)  # the key is in no error text


def test_there_are_at_least_150_cases():
    assert len(CASES) >= 150, len(CASES)
