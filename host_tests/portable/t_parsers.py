# Parser tests that run unchanged under CPython and MicroPython: the JSON reader, the SSE
# reader, the decoders (base64 and number arrays) and the HTTP response reader, each fed whole and
# split into 1-byte and odd-sized reads.
# Prints one line per failed check and "PASS n" at the end; exits 1 on any failure.
import sys
from array import array

import tinyopenai
from feed import FakeSock, body_of, events_of, feeder
from tinyopenai import APIConnectionError
from tinyopenai._decode import B64Decoder, data_answer, floats_into, string_into
from tinyopenai._errors import say
from tinyopenai._http import Conn
from tinyopenai._json import JSONError, Reader, dump_iter, loads
from tinyopenai._pick import compile_paths, pick
from tinyopenai._sse import Events

SPLITS = (1, 2, 3, 7, 13, 64, 100000)
MPY = sys.implementation.name == "micropython"
checks = [0]
failures = []


def check(cond, what):
    checks[0] += 1
    if not cond:
        failures.append(what)
        print("FAIL", what)


def json_reader(data, k, bufsize=32):
    return Reader(feeder(data, k), bytearray(bufsize))


# --- JSON ----------------------------------------------------------------------------------

DOCS = [
    (b'{"a": 1, "b": [true, false, null], "c": {"d": "e"}}', {"a": 1, "b": [True, False, None], "c": {"d": "e"}}),
    (b'  [ 1 , -2 , 3.5 , -4e2 , 5E-1 , 0 , -0.25 , 1e+2 ]  ', [1, -2, 3.5, -400.0, 0.5, 0, -0.25, 100.0]),
    (b'"esc: \\" \\\\ \\/ \\b \\f \\n \\r \\t \\u0041\\u00e9\\u20ac"', 'esc: " \\ / \x08 \x0c \n \r \t A\u00e9\u20ac'),
    (b'"pair: \\ud83d\\ude00 raw: \xf0\x9f\x98\x80 \xc3\xa9"', "pair: \U0001f600 raw: \U0001f600 \u00e9"),
    (b'{"k\\"ey": {"nested]": "}{[", "x": []}, "y": {}}', {'k"ey': {"nested]": "}{[", "x": []}, "y": {}}),
    (b"[" * 200 + b"]" * 200, None),
    (b'12345678901234567890123456789', 12345678901234567890123456789),
    (b'"' + b"x" * 300 + b'"', "x" * 300),
    (b'"\\\\"', "\\"),
    (b'["\\\\\\"", "a\\\\", "\\\\\\\\"]', ['\\"', "a\\", "\\\\"]),
    (b"\t\r\n {}\n", {}),
]


def nest(n):
    v = []
    for _ in range(n - 1):
        v = [v]
    return v


for doc, want in DOCS:
    if want is None:
        want = nest(200)
    for k in SPLITS:
        for bs in (32, 512):
            try:
                rd = json_reader(doc, k, bs)
                v = rd.load()
                rd.finish()
                got = v
            except JSONError as e:
                got = "JSONError %s" % e
            check(got == want, "load %r split %d buf %d -> %r" % (doc[:40], k, bs, got))
            # skipping the value inside a list leaves the reader right after it
            wrapped = b"[" + doc + b', "after"]'
            rd = json_reader(wrapped, k, 512)
            try:
                rd.peek()
                rd.pos += 1
                rd.skip()
                rd.peek()
                rd.pos += 1
                after = rd.load()
            except JSONError as e:
                after = "JSONError %s" % e
            check(after == "after", "skip %r split %d -> %r" % (doc[:40], k, after))

# literals CPython's json accepts
for k in SPLITS:
    v = json_reader(b"[NaN, Infinity, -Infinity, -1]", k).load()
    ok = isinstance(v, list) and v[0] != v[0] and v[1:] == [float("inf"), float("-inf"), -1]
    check(ok, "nan/inf split %d: %r" % (k, v))

# malformed: the typed error at the same offset however the input is split
BAD = [
    (b'{"a":1,}', 7), (b"[1 2]", 3), (b'"abc', 4), (b"01", 0), (b'{"a"', 4), (b"tru", 0), (b"[1,]", 3),
    (b'"a\x01"', 2), (b"1.", 0), (b"-", 0), (b'"\\x"', 1), (b'{"a":1}x', 7), (b'"\\u12G4"', 3), (b"", 0),
    (b"[", 1), (b'{"a":[1,{"b":2}', 15), (b'"\xff"', 1), (b"[1}", 2), (b'{"a" 1}', 5), (b"1e", 0), (b"-01", 0),
    (b"[.5]", 1), (b"+1", 0), (b"nul", 0), (b'["a"\n,', 6),
]
for doc, off in BAD:
    for k in SPLITS:
        try:
            rd = json_reader(doc, k, 16)
            rd.load()
            rd.finish()
            got = "no error"
        except JSONError as e:
            got = e.offset
        check(got == off, "malformed %r split %d: offset %r, want %r" % (doc, k, got, off))

# the whole message, from the catalog (tinyopenai/_messages.py), which is dropped again after
MESSAGES = [
    (b'"abc', "unterminated string at byte 4"),
    (b"[1 2]", "expected ',' or a closing bracket at byte 3"),
    (b'{"a" 1}', "expected ':' at byte 5"),
    (b'{"a":1', "truncated input at byte 6"),
    (b'"a\x01"', "control character in string at byte 2"),
    (b'"\\u12G4"', "bad \\u escape at byte 3"),
    (b'"\xff"', "invalid UTF-8 in string at byte 1"),
    (b"{1:2}", "expected a string key at byte 1"),
    (b"@", "unexpected character at byte 0"),
]
for doc, want in MESSAGES:
    for k in (1, 100000):
        try:
            json_reader(doc, k, 16).load()
            got = "no error"
        except JSONError as e:
            got = str(e)
        check(got == want, "message for %r split %d: %r, want %r" % (doc, k, got, want))
check("tinyopenai._messages" not in sys.modules and "_messages" not in tinyopenai.__dict__,
      "the message catalog stays loaded after use")
check(say(4, "h.test") == "cannot resolve h.test", "say with an argument: %r" % say(4, "h.test"))  # 4: resolve
check(say("a text, not a key") == "a text, not a key", "say of a plain text")

too_deep = b"[" * 600 + b"]" * 600
try:
    loads(too_deep)
    check(False, "600 levels accepted with max_depth 512")
except JSONError as e:
    check("nesting" in str(e), "deep nesting message: %s" % e)
check(loads(too_deep, max_depth=1000) == nest(600), "600 levels with max_depth=1000")

# token longer than the buffer: a clear error, not a crash
try:
    json_reader(b"[" + b"1" * 40 + b"]", 3, 16).load()
    check(False, "long number in a 16-byte buffer accepted")
except JSONError as e:
    check("buffer" in str(e), "long token message: %s" % e)

# pick
PDOC = (b'{"id": "x", "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hi \\"there\\""},'
        b' "logprobs": {"content": [{"token": "]", "logprob": -0.5, "bytes": [93]}]}},'
        b' {"index": 1, "message": {"content": "second"}}], "usage": {"total_tokens": 7}, "n": null}')
PICKS = [
    ("choices.0.message.content", ['Hi "there"']),
    (("choices.1.message.content", "usage.total_tokens", "missing.path", "choices.5", "n"),
     ["second", 7, None, None, None]),
    (("usage", "usage.total_tokens"), [{"total_tokens": 7}, 7]),
    (("choices.0.logprobs.content.0.token", "id"), ["]", "x"]),
    (("id.0", "choices.x", "usage.total_tokens.deeper"), [None, None, None]),
]
for paths, want in PICKS:
    for k in SPLITS:
        got = pick(json_reader(PDOC, k, 32), compile_paths(paths))
        check(got == want, "pick %r split %d -> %r" % (paths, k, got))

# a key given twice: its last value, as json.loads gives (also when the later value lacks a
# path the first one had, or is not a container at all)
DUPS = [
    (b'{"a": 1, "a": 2}', "a", [2]),
    (b'{"a": {"b": 1, "c": 2}, "x": 0, "a": {"b": 3}}', ("a.b", "a.c"), [3, None]),
    (b'{"a": {"b": 1}, "a": 2}', "a.b", [None]),
    (b'{"a": [{"b": 1}], "a": [5, {"b": 6}]}', ("a.0.b", "a.1.b"), [None, 6]),
    (b'{"a": {"b": {"c": 1}, "b": {"c": 2}}, "a": {"b": {"c": 3}}}', ("a.b.c", "a.b"), [3, {"c": 3}]),
    (b'{"a": {"b": 1, "b": 2}}', ("a", "a.b"), [{"b": 2}, 2]),
]
for doc, paths, want in DUPS:
    for k in SPLITS:
        got = pick(json_reader(doc, k, 32), compile_paths(paths))
        check(got == want, "pick duplicate %r %r split %d -> %r" % (doc, paths, k, got))

# the whole value is read: a document cut short after the wanted path is still an error
for k in SPLITS:
    try:
        pick(json_reader(b'{"a": 1, "b": ' + b"[" * 50 + b"garbage", k, 32), compile_paths("a"))
        check(False, "truncated document after a picked path accepted, split %d" % k)
    except JSONError:
        pass

# --- JSON writer: the request body in pieces ----------------------------------------------


class Pieces:
    # a value that writes itself (as sources.Base64 does): its pieces, or itself for the length pass
    def __init__(self, parts):
        self.parts = parts

    def json_pieces(self):
        return iter(self.parts)

    def __len__(self):
        return sum(len(p) for p in self.parts)


def written(obj, expand=True):
    return b"".join(p if isinstance(p, bytes) else b"?" * len(p) for p in dump_iter(obj, expand))


BODIES = [
    ({}, b"{}"), ([], b"[]"), ((), b"[]"), ("x", b'"x"'), (None, b"null"), (True, b"true"), (-7, b"-7"),
    ({"model": "m", "messages": []}, b'{"model":"m","messages":[]}'),
    ([[[]], [{}], {"a": [1, {"b": None}]}], b'[[[]],[{}],{"a":[1,{"b":null}]}]'),
    ({"k\"ey": "v\n\u00e9\u20ac"}, None),  # escapes as the json module writes them: checked by reading back
    (nest(100), b"[" * 100 + b"]" * 100),
    ({"tools": [{"type": "function", "function": {"name": "f", "parameters": {"type": "object", "properties": {
        "x": {"type": "array", "items": {"type": "number"}}}}}}]}, None),
]
for obj, want in BODIES:
    got = written(obj)
    check(want is None or got == want, "writer: %r -> %r" % (obj, got))
    try:
        back = loads(got)
    except JSONError as e:
        back = e
    check(back == (list(obj) if isinstance(obj, tuple) else obj), "writer read back: %r: %r" % (got, back))
    check(len(written(obj, False)) == len(got), "writer length pass: %r" % got)
# a value that writes itself, nested: its pieces in place, and itself (for its len()) in the length pass
src = Pieces([b'"ab', b'cd"'])
check(written({"a": [src, 1]}) == b'{"a":["abcd",1]}', "writer: json_pieces nested: %r" % written({"a": [src, 1]}))
check(written({"a": [src, 1]}, False) == b'{"a":[??????,1]}', "writer: json_pieces in the length pass")
for bad, what in (({1: 2}, "JSON keys must be str"), ({"a": [b"x"]}, "bytes are not JSON"),
                  ([{"a": object()}], "cannot send")):
    try:
        written(bad)
        got = "no error"
    except TypeError as e:
        got = str(e)
    check(what in got, "writer refuses %r: %s" % (bad, got))


# --- decoders: base64 text and number arrays, straight from the reader ----------------------

RAW = bytes(range(256)) * 3 + b"end"  # 771 bytes: the last group is padded
B64 = __import__("binascii").b2a_base64(RAW).strip()
for doc in (b'"' + B64 + b'"', b'"' + B64.replace(b"/", b"\\/") + b'"'):  # "\/" is a JSON escape for "/"
    for k in SPLITS:
        for bufsize in (8, 32, 1024):
            out = []
            rd = json_reader(doc, k, bufsize)
            dec = B64Decoder(out.append)
            n = string_into(rd, dec)
            dec.close()
            rd.finish()
            got = b"".join(out)
            check(got == RAW and n == len(B64), "b64 split %d buf %d -> %d bytes" % (k, bufsize, len(got)))
for bad in (b'"QUJD"', b'"QUJDR"', b'"QUJDRA=="'):
    dec = B64Decoder(lambda b: None)
    try:
        string_into(json_reader(bad, 1), dec)
        dec.close()
        got = "decoded"
    except ValueError:
        got = "ValueError"
    check(got == ("decoded" if bad != b'"QUJDR"' else "ValueError"), "b64 group %r -> %s" % (bad, got))
for k in SPLITS:
    rd = json_reader(b'{"model": "m", "data": [{"index": 0, "embedding": [0.5, -2, 1e-3]}, {"embedding": []}]}', k)

    def vec(rd, item):
        item["embedding"] = list(floats_into(rd, array("f")))

    got = data_answer(rd, "embedding", vec)
    want = {"model": "m", "data": [{"index": 0, "embedding": [0.5, -2.0, array("f", [1e-3])[0]]}, {"embedding": []}]}
    check(got == want, "data_answer split %d -> %r" % (k, got))
for bad in (b'[1, "x"]', b"[1, true]", b"[1 2]", b"[1,"):
    try:
        floats_into(json_reader(bad, 1), array("f"))
        got = "no error"
    except JSONError:
        got = "JSONError"
    check(got == "JSONError", "floats_into %r -> %s" % (bad, got))

# --- SSE -----------------------------------------------------------------------------------

SSE = (
    b": keep-alive comment\r\n\r\n"
    b"data: {\"n\": 1}\n\n"
    b"event: thread.run.created\r\ndata: {\"n\": 2}\r\n\r\n"
    b"data: line one\ndata: line two\n\n"
    b"data:nospace\rid: 7\rretry: 100\r\r"
    b"event: ignored-without-data\n\n"
    b"data\n\n"
    b"dataX: not data\ndate: nor this\ndata:  two spaces keep one\n\n"
    b"data: a\ndata\ndata: c\nevent\n\n"
    b"data: [DONE]\n\n"
    b"data: trailing event without its blank line"
)
SSE_WANT = [(None, b'{"n": 1}'), ("thread.run.created", b'{"n": 2}'), (None, b"line one\nline two"),
            (None, b"nospace"), (None, b""), (None, b" two spaces keep one"), ("", b"a\n\nc"), (None, b"[DONE]")]
for k in SPLITS:
    got = events_of(Events(feeder(SSE, k), bytearray(16)))
    check(got == SSE_WANT, "sse split %d -> %r" % (k, got))

try:
    ev = Events(feeder(b"data: " + b"x" * 500 + b"\n\n", 7), bytearray(16), max_event=100)
    ev.next()
    check(False, "oversized event accepted")
except JSONError as e:
    check("larger" in str(e) or "longer" in str(e), "oversized event message %s" % e)

# the line cap is exact wherever the buffer's edges fall: a line of max_event bytes is read, one
# byte more is refused (the line's last piece too is checked before it is joined)
for k in SPLITS:
    line = b"data: " + b"x" * 94  # 100 bytes
    ev = Events(feeder(line + b"\n\n", k), bytearray(16), max_event=100)
    check(ev.next() == (None, b"x" * 94), "a line at the cap, split %d" % k)
    try:
        Events(feeder(line + b"x\n\n", k), bytearray(16), max_event=100).next()
        check(False, "a line one byte over the cap accepted, split %d" % k)
    except JSONError as e:
        check("longer" in str(e), "line over the cap: %s" % e)

# --- HTTP response reader ------------------------------------------------------------------


def conn_with(responses, k):
    # a connection whose transport (the seam where sockets are made) gives a fake socket
    fake = FakeSock(responses if isinstance(responses, list) else [responses], k)
    return Conn(False, "example.test", 80, bufsize=32, transport=lambda conn: (fake, None))


CHUNKED = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\ntransfer-ENCODING: Chunked\r\n"
           b"X-Request-Id: req_1\r\nSet-Cookie: a\r\n\r\n"
           b"5;ext=1\r\nhello\r\n1\r\n \r\nA\r\n0123456789\r\n0\r\nTrailer: x\r\n\r\n")
LENGTH = (b"HTTP/1.1 404 Not Found\r\ncontent-length: 11\r\nX-Dup: 1\r\nx-dup: 2\r\n"
          b"Retry-After:   3  \r\n\r\n{\"e\": true}")
CLOSE = b"HTTP/1.0 200 OK\nContent-Type: text/plain\n\nuntil the end"
for k in SPLITS:
    c = conn_with([CHUNKED, LENGTH, CLOSE], k)
    r = c.run(c.exchange("GET", "/v1/x", [("Authorization", "Bearer k")]))
    check(r.status == 200 and r.headers.get("x-request-id") == "req_1", "chunked head split %d" % k)
    check("set-cookie" not in r.headers, "2xx keeps only the needed headers (split %d)" % k)
    check(body_of(r) == b"hello 0123456789", "chunked body split %d" % k)
    check(c.sock is not None and c.busy is None, "keep-alive after chunked split %d" % k)
    r = c.run(c.exchange("GET", "/v1/y", []))
    check(r.status == 404 and r.headers["x-dup"] == "1, 2" and r.headers["retry-after"] == "3",
          "error headers split %d: %r" % (k, r.headers))
    check(body_of(r, 3) == b'{"e": true}', "content-length body split %d" % k)
    r = c.run(c.exchange("GET", "/v1/z", []))
    check(body_of(r) == b"until the end", "read-until-close body split %d" % k)
    check(c.sock is None, "HTTP/1.0 answer closes the connection (split %d)" % k)

# the request is written piecewise, exactly
fake = FakeSock([LENGTH], 4)
c = Conn(False, "example.test", 80, bufsize=32, transport=lambda conn: (fake, None))
c.run(c.exchange("POST", "/v1/p", [("A", "b")], 7, lambda: iter([b"{", b'"x"', b":1}"])))
check(bytes(fake.sent) == b'POST /v1/p HTTP/1.1\r\nHost: example.test\r\nA: b\r\nContent-Length: 7\r\n\r\n{"x":1}',
      "request bytes %r" % bytes(fake.sent))

# a whole client over a plugged-in transport: no network, the same framing and parsing; and
# AsyncOpenAI over the same one (a fake poll cannot wait on does its I/O in place)
import asyncio  # noqa: E402

ANSWER = b'{"choices": [{"index": 0, "message": {"role": "assistant", "content": "over a fake"}}]}'


def blocking_over(transport):
    cl = tinyopenai.OpenAI(api_key="sk-transport", base_url="http://fake.test:8080/v1", transport=transport)
    return [cl.chat.completions.create(model="m", messages=[], pick="choices.0.message.content") for _ in (1, 2)]


async def _async_over(transport):
    async with tinyopenai.AsyncOpenAI(api_key="sk-transport", base_url="http://fake.test:8080/v1",
                                      transport=transport) as ac:
        got = []
        for _ in (1, 2):  # (MicroPython has no await inside a comprehension)
            got.append(await ac.chat.completions.create(model="m", messages=[], pick="choices.0.message.content"))
        return got


for name, over in (("OpenAI", blocking_over), ("AsyncOpenAI", lambda t: asyncio.run(_async_over(t)))):
    for k in SPLITS:
        made = []

        def fake_transport(conn, k=k, made=made):
            made.append((conn.host, conn.port, conn.tls))
            return FakeSock([b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
                             % len(ANSWER) + ANSWER] * 2, k), None

        got = over(fake_transport)
        check(got == ["over a fake"] * 2 and made == [("fake.test", 8080, False)],
              "%s over a transport, split %d: %r %r" % (name, k, got, made))

# truncated and malformed answers are typed errors
TRUNC = [
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Le",
    b"<html>not http</html>\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nX-Big: " + b"y" * 17000 + b"\r\n\r\n",
]
for raw in TRUNC:
    for k in (1, 7, 100000):
        c = conn_with(raw, k)
        try:
            body_of(c.run(c.exchange("GET", "/", [])))
            got = "no error"
        except APIConnectionError:
            got = "ok"
        check(got == "ok" and c.sock is None, "truncated %r split %d -> %s" % (raw[:50], k, got))

print("PASS %d" % checks[0] if not failures else "FAILED %d of %d" % (len(failures), checks[0]))
sys.exit(1 if failures else 0)
