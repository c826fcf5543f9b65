"""The JSON reader against CPython's json: hypothesis on CPython, a generated corpus (valid and
malformed documents) under MicroPython. Same value, or JSONError where json fails; never
another exception. Inputs are fed in random-sized reads."""
import json
import random

from compare import close, same
from conftest import PORTABLE, micropython
from feed import sized
from hypothesis import given
from hypothesis import strategies as st
from tinyopenai._json import JSONError, Reader

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
values = st.recursive(scalars, lambda kids: st.lists(kids) | st.dictionaries(st.text(), kids), max_leaves=40)


def reference(data):
    """What CPython's json makes of UTF-8 bytes (the way json.loads(bytes) decodes them)."""
    try:
        return ("ok", json.loads(data.decode("utf-8", "surrogatepass")))
    except (ValueError, RecursionError) as e:
        return ("err", type(e).__name__)


def ours(data, sizes):
    try:
        r = Reader(sized(data, sizes), bytearray(4096))
        v = r.load()
        r.finish()
        return ("ok", v)
    except JSONError:
        return ("err", "JSONError")


def agree(data, sizes):
    want = reference(data)
    got = ours(data, sizes)
    assert got[0] == want[0], (data[:200], want, got)
    if want[0] == "ok":
        assert same(got[1], want[1]), (data[:200], want, got)


sizes = st.lists(st.integers(1, 50), min_size=1, max_size=30)


@given(values, st.booleans(), st.sampled_from([None, 0, 2]), sizes)
def test_valid_documents(v, ascii_only, indent, sz):
    agree(json.dumps(v, ensure_ascii=ascii_only, indent=indent).encode("utf-8", "surrogatepass"), sz)


@given(values, st.data(), sizes)
def test_mutated_documents(v, data, sz):
    doc = bytearray(json.dumps(v, ensure_ascii=data.draw(st.booleans())).encode("utf-8", "surrogatepass"))
    for _ in range(data.draw(st.integers(1, 3))):
        op = data.draw(st.sampled_from(["del", "ins", "set"]))
        at = data.draw(st.integers(0, len(doc)))
        byte = data.draw(st.sampled_from(list(b'{}[]",:\\ 0123456789-+.eEtrufalsn\x00\x1f\x7f\xc3\xff')))
        if op == "del" and at < len(doc):
            del doc[at]
        elif op == "ins":
            doc.insert(at, byte)
        elif at < len(doc):
            doc[at] = byte
    agree(bytes(doc), sz)


@given(st.binary(max_size=60), sizes)
def test_random_bytes(b, sz):
    agree(b, sz)


# --- the same comparison under MicroPython, on a corpus generated here ----------------------


def corpus(n=1500, seed=1234):
    rnd = random.Random(seed)
    alphabet = ["a", "é", "\u20ac", "\U0001f600", '"', "\\", "\n", "/", " ", "\t"]

    def val(depth):
        k = rnd.randrange(9 if depth < 4 else 6)
        if k == 0:
            return None
        if k == 1:
            return rnd.random() < 0.5
        if k == 2:
            return rnd.randrange(-10**rnd.randrange(1, 25), 10**rnd.randrange(1, 25))
        if k == 3:
            return rnd.choice([0.5, -1.25e-7, 3.0e300, 1.0, -0.0, 123.456, 6.02214076e23])
        if k in (4, 5):
            return "".join(rnd.choice(alphabet) for _ in range(rnd.randrange(12)))
        if k in (6, 7):
            return [val(depth + 1) for _ in range(rnd.randrange(5))]
        return {"".join(rnd.choice(alphabet) for _ in range(rnd.randrange(5))): val(depth + 1)
                for _ in range(rnd.randrange(5))}

    docs = []
    for i in range(n):
        doc = bytearray(json.dumps(val(0), ensure_ascii=rnd.random() < 0.5,
                                   indent=rnd.choice([None, 1])).encode())
        if i % 2:  # half of them broken
            for _ in range(rnd.randrange(1, 3)):
                at = rnd.randrange(len(doc) + 1)
                b = rnd.choice(b'{}[]",:\\ 0-+.eEx\x01\xff')
                if rnd.random() < 0.5 and at < len(doc):
                    del doc[at]
                else:
                    doc.insert(at, b)
        docs.append(bytes(doc))
    return docs


def test_corpus_under_micropython(tmp_path):
    docs = corpus()
    path = tmp_path / "corpus.txt"
    path.write_text("".join("x%s\n" % d.hex() for d in docs))
    rc, out = micropython(PORTABLE / "t_json_corpus.py", [str(path)], heap="8m")
    lines = [ln for ln in out.splitlines() if ln.startswith(("OK ", "ERR ", "BAD "))]
    assert rc == 0 and len(lines) == len(docs), out[-3000:]
    valid = 0
    for doc, line in zip(docs, lines):
        want = reference(doc)
        if line.startswith("BAD "):
            raise AssertionError("micropython: %s for %r" % (line, doc))
        assert (line[:2] == "OK") == (want[0] == "ok"), (doc, want, line)
        if want[0] == "ok":
            valid += 1
            expect = as_printed(want[1])
            got = json.loads(line[3:])
            assert close(got, expect), (doc, line)
    assert valid > len(docs) // 3  # the corpus really holds valid documents too


def as_printed(v):
    """A lone surrogate (from a \\ud800-style escape) can only live in a MicroPython str as its
    raw 3 bytes; our harness reads MicroPython's output with errors='replace'. Apply the same to
    the expected value, byte for byte."""
    if isinstance(v, str):
        return v.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    if isinstance(v, list):
        return [as_printed(x) for x in v]
    if isinstance(v, dict):
        return {as_printed(k): as_printed(x) for k, x in v.items()}
    return v


@given(values, st.booleans(), st.sampled_from([None, 0, 2]), sizes)
def test_skip_lands_right_after_the_value(v, ascii_only, indent, sz):
    doc = json.dumps(v, ensure_ascii=ascii_only, indent=indent).encode("utf-8", "surrogatepass")
    data = b'{"skipped": ' + doc + b', "after": [1, "x\\"]"]}'
    from tinyopenai._pick import compile_paths, pick

    assert pick(Reader(sized(data, sz), bytearray(4096)), compile_paths("after")) == [[1, 'x"]']]


# --- pick against json.loads, with keys that repeat ------------------------------------------

KEYS = st.sampled_from(["a", "b", "c"])


def _text_with_repeats(draw_tree):
    # JSON text whose objects may give a key more than once (json.dumps of a dict cannot)
    kind, v = draw_tree
    if kind == "obj":
        return "{" + ", ".join(json.dumps(k) + ": " + _text_with_repeats(x) for k, x in v) + "}"
    if kind == "arr":
        return "[" + ", ".join(_text_with_repeats(x) for x in v) + "]"
    return json.dumps(v)


trees = st.recursive(
    st.tuples(st.just("leaf"), st.integers(0, 9) | st.none()),
    lambda kids: st.tuples(st.just("obj"), st.lists(st.tuples(KEYS, kids), max_size=5))
    | st.tuples(st.just("arr"), st.lists(kids, max_size=3)),
    max_leaves=25,
)
paths = st.lists(KEYS | st.sampled_from(["0", "1"]), min_size=1, max_size=4).map(".".join)


def follow(v, path):
    for part in path.split("."):
        if isinstance(v, dict) and part in v:
            v = v[part]
        elif isinstance(v, list) and part.isdigit() and int(part) < len(v):
            v = v[int(part)]
        else:
            return None
    return v


@given(trees, st.lists(paths, min_size=1, max_size=4), sizes)
def test_pick_agrees_with_json_loads_on_repeated_keys(tree, wanted, sz):
    from tinyopenai._pick import compile_paths, pick

    data = _text_with_repeats(tree).encode()
    want = [follow(json.loads(data), p) for p in wanted]
    assert pick(Reader(sized(data, sz), bytearray(256)), compile_paths(tuple(wanted))) == want, data
