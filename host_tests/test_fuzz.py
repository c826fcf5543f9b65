"""Fuzzing (hypothesis, CPython) of the SSE reader, the chunked body decoder and the response
header parser, each against an independent reference or a round trip, fed in random-sized
reads. Malformed input gives the typed error, never another exception. Budget: the "ci" profile
in make test, the "fuzz" profile in make fuzz."""
import re

from feed import FakeSock, body_of, events_of, sized
from hypothesis import given
from hypothesis import strategies as st
from tinyopenai import APIConnectionError
from tinyopenai._http import Conn
from tinyopenai._json import JSONError
from tinyopenai._sse import Events

sizes = st.lists(st.integers(1, 40), min_size=1, max_size=20)


# --- SSE -----------------------------------------------------------------------------------

def sse_reference(data):
    """The event-stream parsing rules, written plainly: lines end in CRLF, LF or CR; a blank
    line dispatches; 'data' lines join with LF; a trailing event without its blank line is
    dropped; comments and other fields are ignored."""
    events, name, buf = [], None, None
    for line in re.split(rb"\r\n|\r|\n", data)[:-1]:  # the last piece has no line end
        if not line:
            if buf is not None:
                events.append((name, bytes(buf)))
            name, buf = None, None
            continue
        if line.startswith(b":"):
            continue
        field, sep, value = line.partition(b":")
        if sep and value.startswith(b" "):
            value = value[1:]
        if field == b"data":
            buf = value if buf is None else buf + b"\n" + value
        elif field == b"event":
            name = value.decode("utf-8")
    return events


line = st.one_of(
    st.builds(lambda v: b"data: " + v, st.binary(max_size=30).filter(lambda b: b"\r" not in b and b"\n" not in b)),
    st.builds(lambda v: b"data:" + v.encode(), st.text(alphabet="abc {}[]\":", max_size=20)),
    st.builds(lambda v: b"event: " + v.encode(), st.text(alphabet="abcdefghijklmnop.-_", max_size=15)),
    st.sampled_from([b"", b": keep-alive", b"id: 42", b"retry: 1000", b"data", b"data: [DONE]", b"unknown: x"]),
)
ending = st.sampled_from([b"\n", b"\r\n", b"\r"])


@given(st.lists(st.tuples(line, ending), max_size=30), sizes)
def test_sse_matches_the_reference(lines, sz):
    data = b"".join(a + b for a, b in lines)
    try:
        want = sse_reference(data)
    except UnicodeDecodeError:  # an event name that is not UTF-8: the random-bytes test covers it
        return
    assert events_of(Events(sized(data, sz), bytearray(16))) == want


@given(st.binary(max_size=200), sizes)
def test_sse_random_bytes_never_crash(data, sz):
    ev = Events(sized(data, sz), bytearray(16), max_event=64)
    try:
        while ev.next() is not None:
            pass
    except (JSONError, UnicodeError):
        pass  # oversized events, or an event name that is not UTF-8


# --- HTTP: chunked bodies and headers -------------------------------------------------------

def exchange(raw, sz):
    fake = FakeSock([raw], sz)
    c = Conn(False, "h", 80, bufsize=32, transport=lambda conn: (fake, None))
    r = c.run(c.exchange("GET", "/", []))
    return r, body_of(r, 7)


def chunked(body, cuts, ext):
    out, i = b"", 0
    for k in cuts + [len(body)]:
        piece = body[i:i + k] if k < len(body) else body[i:]
        if piece:
            out += b"%x%s\r\n%s\r\n" % (len(piece), ext, piece)
            i += len(piece)
        if i >= len(body):
            break
    return out + b"0\r\n\r\n"


@given(st.binary(max_size=300), st.lists(st.integers(1, 50), max_size=10), st.sampled_from([b"", b";a=b", b"; x"]),
       sizes)
def test_chunked_round_trip(body, cuts, ext, sz):
    raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked(body, cuts, ext)
    r, got = exchange(raw, sz)
    assert got == body and r.done


@given(st.binary(max_size=120), st.data(), sizes)
def test_chunked_mutations_give_the_body_or_a_typed_error(body, data, sz):
    raw = bytearray(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked(body, [17], b""))
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(45, len(raw) - 1))
        raw[at] = data.draw(st.sampled_from(list(b"0123456789abcdefxyz\r\n; ")))
    try:
        exchange(bytes(raw), sz)
    except APIConnectionError:
        pass


token = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-", min_size=1, max_size=12)
value = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789 ;=/,.-_", max_size=30)


@given(st.lists(st.tuples(token, value), max_size=15), sizes)
def test_headers_parse_like_the_reference(pairs, sz):
    raw = b"HTTP/1.1 404 Not Found\r\n" + b"".join(b"%s: %s\r\n" % (k.encode(), v.encode()) for k, v in pairs)
    raw += b"Content-Length: 0\r\n\r\n"
    want = {}
    for k, v in pairs + [("Content-Length", "0")]:
        k = k.lower()
        want[k] = want[k] + ", " + v.strip() if k in want else v.strip()
    r, _ = exchange(raw, sz)
    assert r.status == 404 and r.headers == want


@given(st.binary(max_size=150), sizes)
def test_random_answers_give_a_response_or_a_typed_error(junk, sz):
    for raw in (junk, b"HTTP/1.1 200 OK\r\n" + junk, b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n" + junk):
        try:
            exchange(raw, sz)
        except APIConnectionError:
            pass
