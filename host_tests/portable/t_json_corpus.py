# Reads hex-encoded documents (one per line), parses each whole and in 1-byte and 7-byte reads,
# and prints "OK <json>" or "ERR <offset>" per document; "BAD ..." when the splits disagree or
# something other than JSONError escapes. Runs under MicroPython (and CPython).
import json
import sys
from binascii import unhexlify

from feed import feeder
from tinyopenai._json import JSONError, Reader


def enc(v):
    # json.dumps, but non-finite floats as CPython's json writes them (MicroPython prints inf)
    if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
        return "NaN" if v != v else ("Infinity" if v > 0 else "-Infinity")
    if isinstance(v, list):
        return "[" + ", ".join(enc(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(json.dumps(k) + ": " + enc(v[k]) for k in v) + "}"
    return json.dumps(v)


def parse(doc, k):
    try:
        r = Reader(feeder(doc, k), bytearray(512))
        v = r.load()
        r.finish()
        return "OK " + enc(v)
    except JSONError as e:
        return "ERR %d" % e.offset
    except Exception as e:
        return "BAD %s: %s" % (type(e).__name__, e)


with open(sys.argv[1]) as f:
    for line in f:
        line = line.strip()
        if not line:
            continue
        doc = unhexlify(line[1:])  # lines are "x" + hex (an empty document is a bare "x")
        results = [parse(doc, k) for k in (100000, 1, 7)]
        if results[0] != results[1] or results[0] != results[2]:
            print("BAD splits disagree: %r" % results)
        else:
            print(results[0])
