# Streaming JSON reader and writer. Core module: imports only _errors (for message texts).
#
# The reader pulls bytes through one fixed buffer. It scans with find()/count() (C speed) and
# builds Python objects only for what the caller asked for: the whole value (load) or nothing
# (skip); _pick adds selected paths. Errors are JSONError with the absolute byte offset.

import sys

from ._errors import const, say

# message numbers (the texts are in _messages)
_TOKEN_LONG = const(28)
_EXPECTED = const(29)
_CUT_EXPECT = const(30)
_COMMA_OR = const(31)
_COMMA_END = const(32)
_CONTROL = const(33)
_UNTERM = const(34)
_BAD_UTF8 = const(35)
_BAD_U = const(36)
_UNEXPECTED = const(37)
_TRUNCATED = const(38)
_NUM_LONG = const(39)
_TOO_DEEP = const(40)
_KEY_TYPE = const(41)
_JSON_BYTES = const(42)
_JSON_TYPE = const(43)


_MPY = sys.implementation.name == "micropython"
_QUOTE = const(0x22)
_BSLASH = const(0x5C)
_COMMA = const(0x2C)
_COLON = const(0x3A)
_LBRACE = const(0x7B)
_RBRACE = const(0x7D)
_LBRACK = const(0x5B)
_RBRACK = const(0x5D)
_MINUS = const(0x2D)

# Tables are literal constants where they are used, not module globals: a global costs an
# interned name in RAM when the module loads from a .mpy file; a constant is loaded with the code
# (and stays in flash when frozen).


class JSONError(ValueError):
    """Malformed or truncated JSON; `offset` is the byte position in the whole input."""

    def __init__(self, msg, offset):
        super().__init__("%s at byte %d" % (say(msg), offset))
        self.offset = offset


def _digits(t, i):
    # the index after the run of ASCII digits that starts at i
    n = len(t)
    while i < n and 0x30 <= t[i] <= 0x39:
        i += 1
    return i


def _num_ok(t):
    # JSON number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    n = len(t)
    i = 1 if t[0] == _MINUS else 0
    if i < n and t[i] == 0x30:
        i += 1
    else:
        j = _digits(t, i)
        if j == i:
            return False
        i = j
    if i < n and t[i] == 0x2E:
        j = _digits(t, i + 1)
        if j == i + 1:
            return False
        i = j
    if i < n and t[i] in b"eE":
        i += 1
        if i < n and t[i] in b"+-":
            i += 1
        j = _digits(t, i)
        if j == i:
            return False
        i = j
    return i == n


def _text(raw, start):
    # a string's UTF-8 bytes as str; start: the string's offset in the input, for an error
    try:
        s = str(raw, "utf-8", "surrogatepass")
    except UnicodeError:
        raise JSONError(_BAD_UTF8, start)
    if len(s) != len(raw) and _MPY:
        # MicroPython's str() takes what CPython's UTF-8 decoder refuses: overlong forms and code
        # points past U+10FFFF. Bytes that never start a character, then the lead bytes that start
        # them with the least their next byte must be
        for b in (b"\xc0", b"\xc1", b"\xf5", b"\xf6", b"\xf7"):
            if raw.find(b) >= 0:
                raise JSONError(_BAD_UTF8, start)
        for b, lo in ((b"\xe0", 0xA0), (b"\xf0", 0x90), (b"\xf4", 0x80)):
            i = raw.find(b)
            while i >= 0:
                nxt = raw[i + 1] if i + 1 < len(raw) else 0
                if not lo <= nxt <= (0x8F if lo == 0x80 else 0xBF):
                    raise JSONError(_BAD_UTF8, start)
                i = raw.find(b, i + 1)
    return s


class Reader:
    """Pull parser over `src`: bytes (parsed in place) or a callable readinto(memoryview) -> n
    (0 at end) used with the fixed bytearray `buf`.

    Values: load() (the next value, built), skip(), items(0x7B or 0x5B) (an object's keys or an
    array's positions, each value read or skipped by the caller), peek() (the next value's first
    byte), finish() (nothing but whitespace left), error(msg) (a JSONError at the cursor).
    The cursor, for consumers that scan bytes themselves (_pick, _decode): buf[pos:end] is what
    is read and not consumed yet; more() reads on (False at the end; pos moves with the kept
    bytes); expect(byte, what) consumes that byte after whitespace; key(keep) reads an object
    key and its colon; after(close) consumes a comma (True: another member follows) or the
    closing byte; scalar(c) reads the number or literal starting with c; escape() the UTF-8
    bytes of the backslash escape at pos."""

    def __init__(self, src, buf=None, max_depth=512):
        if isinstance(src, (bytes, bytearray)):
            self.buf = src
            self.end = len(src)
            self._src = None
            self._mv = memoryview(b"")
        else:
            if buf is None:
                buf = bytearray(1024)
            self.buf = buf
            self._mv = memoryview(buf)
            self.end = 0
            self._src = src
        self.pos = 0
        self.base = 0
        self.max_depth = max_depth
        self._keys = {}

    def error(self, msg, pos=None):
        return JSONError(msg, self.base + (self.pos if pos is None else pos))

    def more(self):
        # Keep the unread tail, read more after it. False at end of input.
        if self._src is None:
            return False
        mv = self._mv
        keep = self.end - self.pos
        if keep >= len(mv):
            raise self.error(say(_TOKEN_LONG, len(mv)))
        if keep:
            mv[0:keep] = bytes(mv[self.pos : self.end])
        self.base += self.pos
        self.pos = 0
        self.end = keep
        n = self._src(mv[keep:])
        if not n:
            self._src = None
            return False
        self.end = keep + n
        return True

    def _need(self, n):
        while self.end - self.pos < n:
            if not self.more():
                return False
        return True

    def peek(self):
        """Next non-whitespace byte (not consumed), or -1 at end of input."""
        while True:
            buf = self.buf
            i = self.pos
            e = self.end
            while i < e:
                c = buf[i]
                if c == 32 or c == 10 or c == 13 or c == 9:
                    i += 1
                else:
                    self.pos = i
                    return c
            self.pos = i
            if not self.more():
                return -1

    def expect(self, want, what):
        c = self.peek()
        if c != want:
            raise self.error(say(_EXPECTED if c >= 0 else _CUT_EXPECT, what))
        self.pos += 1

    def after(self, close):
        # after an item of an object or array: True if another follows (its ',' consumed),
        # False at the closing bracket (consumed)
        c = self.peek()
        self.pos += 1
        if c == close:
            return False
        if c != _COMMA:
            raise self.error(say(_COMMA_OR, chr(close)), self.pos - 1)
        return True

    def items(self, want=None):
        """Walk the object or array at the reader (want: 0x7B '{' or 0x5B '[' to insist on one):
        yields each member's key, or each element's index, with the reader at its value, which
        the caller must consume (load, skip, ...) before asking for the next."""
        if want is None:
            want = _LBRACK if self.peek() == _LBRACK else _LBRACE
        self.expect(want, "'%s'" % chr(want))
        close = want + 2  # } and ] sit two above { and [
        if self.peek() == close:
            self.pos += 1
            return
        i = 0
        while True:
            yield self.key() if close == _RBRACE else i
            i += 1
            if not self.after(close):
                return

    def finish(self):
        """Check that only whitespace follows."""
        if self.peek() >= 0:
            raise self.error("extra data")

    # --- scalars -------------------------------------------------------------------------

    def _string(self):
        # After the opening quote. Returns str.
        start = self.base + self.pos  # the first byte's offset in the whole input, for an error
        out = None
        while True:
            buf = self.buf
            i = self.pos
            e = self.end
            q = buf.find(b'"', i, e)
            stop = q if q >= 0 else e
            b = buf.find(b"\\", i, stop)
            if b >= 0:
                stop = b
            if stop > i:
                piece = buf[i:stop]
                if min(piece) < 32:
                    for k in range(i, stop):
                        if buf[k] < 32:
                            raise self.error(_CONTROL, k)
                if out is None:
                    if b < 0 and q >= 0:
                        self.pos = q + 1
                        return _text(piece, start)
                    out = bytearray(piece)
                else:
                    out += piece
            elif out is None:
                out = bytearray()
            self.pos = stop
            if b >= 0:
                out += self.escape()
            elif q >= 0:
                self.pos = q + 1
                return _text(out, start)
            elif not self.more():
                raise self.error(_UNTERM)

    def _hex4(self, at):
        h = bytes(self.buf[at : at + 4])
        for c in h:
            if c not in b"0123456789abcdefABCDEF":
                raise self.error(_BAD_U, at)
        return int(h, 16)

    def escape(self):
        # At a backslash. Returns the UTF-8 bytes it stands for.
        if not self._need(2):
            raise self.error(_UNTERM)
        p = self.pos
        c = self.buf[p + 1]
        if c != 0x75:
            k = b'"\\/bfnrt'.find(self.buf[p + 1 : p + 2])  # what may follow a backslash
            if k < 0:
                raise self.error("bad escape", p)
            self.pos = p + 2
            return b'"\\/\x08\x0c\n\r\t'[k : k + 1]  # the byte each stands for
        if not self._need(6):
            raise self.error(_UNTERM)
        p = self.pos
        cp = self._hex4(p + 2)
        self.pos = p + 6
        if 0xD800 <= cp < 0xDC00 and self._need(6):
            p = self.pos
            if self.buf[p] == _BSLASH and self.buf[p + 1] == 0x75:
                lo = self._hex4(p + 2)
                if 0xDC00 <= lo < 0xE000:
                    self.pos = p + 6
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00)
        # UTF-8, lone surrogates included (as CPython's 'surrogatepass' would)
        if cp < 0x80:
            return bytes((cp,))
        if cp < 0x800:
            return bytes((0xC0 | cp >> 6, 0x80 | cp & 63))
        if cp < 0x10000:
            return bytes((0xE0 | cp >> 12, 0x80 | cp >> 6 & 63, 0x80 | cp & 63))
        return bytes((0xF0 | cp >> 18, 0x80 | cp >> 12 & 63, 0x80 | cp >> 6 & 63, 0x80 | cp & 63))

    def scalar(self, c):
        # Number or literal starting at self.pos (c is its first byte).
        if c != _MINUS and not (0x30 <= c <= 0x39):
            # the literals and their values; a float's is the text float() takes (no float is
            # made until one is met)
            for lit, val in ((b"true", True), (b"false", False), (b"null", None), (b"NaN", "nan"),
                             (b"Infinity", "inf"), (b"-Infinity", "-inf")):
                if lit[0] == c:
                    n = len(lit)
                    self._need(n)
                    if self.buf[self.pos : self.pos + n] == lit:
                        self.pos += n
                        return float(val) if isinstance(val, str) else val
            raise self.error(_UNEXPECTED if c >= 0 else _TRUNCATED)
        i = self.pos
        while True:
            buf = self.buf
            e = self.end
            while i < e and buf[i] in b"0123456789+-.eE":
                i += 1
            if i < e:
                break
            k = i - self.pos
            if not self.more():
                i = self.end
                break
            i = self.pos + k
        t = bytes(self.buf[self.pos : i])
        if c == _MINUS and t == b"-" and self._need(9) and self.buf[self.pos : self.pos + 9] == b"-Infinity":
            self.pos += 9
            return float("-inf")
        if not _num_ok(t):
            raise self.error("bad number")
        self.pos = i
        for ch in t:
            if ch == 0x2E or ch == 0x65 or ch == 0x45:
                return float(t)
        try:
            return int(t)
        except ValueError:  # CPython's digit limit for huge ints
            raise self.error(_NUM_LONG)

    # --- whole values --------------------------------------------------------------------

    def key(self, keep=True):
        # keep=False (a walk that only compares keys): not kept for sharing, so a pick holds no
        # table of the answer's keys
        self.expect(_QUOTE, "a string key")
        k = self._string()
        self.expect(_COLON, "':'")
        if not keep:
            return k
        keys = self._keys  # the first 64 distinct keys are kept once: a list of objects shares them
        s = keys.get(k)
        if s is None:
            s = k
            if len(keys) < 64:
                keys[k] = k
        return s

    def load(self):
        """Build the next value as plain dicts, lists and scalars (iteratively: depth costs
        heap, not C stack)."""
        stack = []
        keys = []
        c = self.peek()
        while True:
            if c == _LBRACE or c == _LBRACK:
                self.pos += 1
                v = {} if c == _LBRACE else []
                close = c + 2
                c = self.peek()
                if c == close:
                    self.pos += 1
                else:
                    if len(stack) >= self.max_depth:
                        raise self.error(say(_TOO_DEEP, self.max_depth))
                    stack.append(v)
                    keys.append(self.key() if close == _RBRACE else None)
                    c = self.peek()
                    continue
            elif c == _QUOTE:
                self.pos += 1
                v = self._string()
            else:
                v = self.scalar(c)
            while True:
                if not stack:
                    return v
                top = stack[-1]
                k = keys[-1]
                if k is None:
                    top.append(v)
                else:
                    top[k] = v
                c = self.peek()
                if c == _COMMA:
                    self.pos += 1
                    if k is not None:
                        keys[-1] = self.key()
                    c = self.peek()
                    break
                if c == (_RBRACK if k is None else _RBRACE):
                    self.pos += 1
                    v = stack.pop()
                    keys.pop()
                    continue
                raise self.error(_COMMA_END if c >= 0 else _TRUNCATED)

    # --- skipping ------------------------------------------------------------------------

    def _skip_string(self):
        # After the opening quote: find the closing quote that has an even run of
        # backslashes before it. A tail of odd backslashes stays in the buffer.
        while True:
            buf = self.buf
            i = self.pos
            e = self.end
            while True:
                q = buf.find(b'"', i, e)
                if q < 0:
                    break
                j = q - 1
                while j >= i and buf[j] == _BSLASH:
                    j -= 1
                if (q - j) & 1:
                    self.pos = q + 1
                    return
                i = q + 1
            j = e - 1
            while j >= i and buf[j] == _BSLASH:
                j -= 1
            self.pos = e - ((e - 1 - j) & 1)
            if not self.more():
                raise self.error(_UNTERM)

    def _skip_nested(self):
        # After an opening bracket: count brackets between strings with count().
        depth = 1
        while True:
            buf = self.buf
            i = self.pos
            e = self.end
            while i < e:
                q = buf.find(b'"', i, e)
                s = q if q >= 0 else e
                closers = 0
                if s - i > 8:
                    closers = buf.count(b"]", i, s) + buf.count(b"}", i, s)
                if s - i <= 8 or closers >= depth:
                    # the value may end inside this segment: go from bracket to bracket
                    while i < s:
                        p = s
                        for ch in (b"[", b"]", b"{", b"}"):
                            k = buf.find(ch, i, p)
                            if k >= 0:
                                p = k
                        if p == s:
                            break
                        c = buf[p]
                        i = p + 1
                        if c == _LBRACK or c == _LBRACE:
                            depth += 1
                        else:
                            depth -= 1
                            if not depth:
                                self.pos = i
                                return
                    i = s
                else:  # fewer closers than open brackets: only the net change matters
                    depth += buf.count(b"[", i, s) + buf.count(b"{", i, s) - closers
                if q < 0:
                    i = e
                    break
                q2 = buf.find(b'"', q + 1, e)
                if q2 > 0 and buf[q2 - 1] != _BSLASH:  # the usual string: no escape at its end
                    i = q2 + 1
                    continue
                self.pos = q + 1
                self._skip_string()
                buf = self.buf
                i = self.pos
                e = self.end
            self.pos = i
            if not self.more():
                raise self.error(_TRUNCATED)

    def skip(self):
        """Pass over the next value without building it. Strings and brackets are checked;
        scalars inside skipped containers are not validated."""
        c = self.peek()
        if c == _QUOTE:
            self.pos += 1
            self._skip_string()
        elif c == _LBRACE or c == _LBRACK:
            self.pos += 1
            self._skip_nested()
        else:
            self.scalar(c)


def loads(data, max_depth=512):
    """Parse a whole JSON document held in bytes."""
    rd = Reader(data, max_depth=max_depth)
    v = rd.load()
    rd.finish()
    return v


# --- writer: the request body as a stream of small pieces -----------------------------


def _atom(obj):
    # the JSON text of a str, number, bool or None; b"" (never an atom's text) for anything else
    if obj is None or isinstance(obj, (bool, int, float, str)):
        import json

        return json.dumps(obj).encode()
    return b""


def dump_iter(obj, expand=True):
    """Yield the JSON text of obj as bytes pieces (never one big string). A value with
    json_pieces() (sources.Base64: a file sent as base64) writes itself; with expand=False it
    is yielded as it is, for its len(): the length pass reads no file. Keys and scalars are
    written where they stand. An open container costs its iterator and two slots of one list,
    not a generator of its own (about 90 bytes of heap on a 32-bit board, each alive down the
    nesting: a tool's JSON schema nests six deep)."""
    stack = []  # for each open container, innermost last: its iterator, then the byte that closes it
    first = False  # the next item is the first of its container (no comma before it)
    v = obj
    while True:
        text = _atom(v)
        if text:
            yield text
        elif isinstance(v, dict):
            yield b"{"
            stack.append(iter(v.items()))
            stack.append(b"}")
            first = True
        elif isinstance(v, (list, tuple)):
            yield b"["
            stack.append(iter(v))
            stack.append(b"]")
            first = True
        elif isinstance(v, (bytes, bytearray)):
            raise TypeError(say(_JSON_BYTES))
        elif hasattr(v, "json_pieces"):
            if expand:
                for p in v.json_pieces():
                    yield p
            else:
                yield v
        else:
            raise TypeError(say(_JSON_TYPE, type(v).__name__))
        # the next value: the innermost open container's next item (closing those that end)
        while True:
            if not stack:
                return
            try:
                v = next(stack[-2])
            except StopIteration:
                yield stack.pop()
                stack.pop()
                first = False  # (its container had an item: this one)
                continue
            if not first:
                yield b","
            first = False
            if stack[-1] == b"}":
                k, v = v
                if not isinstance(k, str):
                    raise TypeError(say(_KEY_TYPE, type(k).__name__))
                yield _atom(k)
                yield b":"
            break
