# Client scenarios that run unchanged under CPython (imported by pytest) and MicroPython
# (micropython -m scenarios NAME ARGS.json, printing "RESULT <json>"). The replay server and the
# assertions live on the pytest side; these only drive the library and report what happened.
import gc
import json
import sys

from tinyopenai import OpenAI
from tinyopenai._sse import Stream

MPY = sys.implementation.name == "micropython"


def _client(a):
    sleeps = []
    c = (_async_client if a.get("aio") else OpenAI)(
        api_key=a.get("key"),  # None: OPENAI_API_KEY, the suite's sentinel
        base_url=a["url"],
        ca=a.get("ca"),
        max_retries=a.get("max_retries", 2),
        timeout=a.get("timeout", 10),
        sleep=sleeps.append,
        dangerously_skip_tls_verify=a.get("insecure", False),
    )
    return c, sleeps


def _async_client(**kw):  # type: (...) -> OpenAI
    from awaited import async_client  # (loaded only for the async runs: it needs asyncio)

    return async_client(**kw)


def _err(e):
    d = {}
    d["error"] = type(e).__name__
    d["message"] = str(e)
    for k in ("status_code", "type", "code", "param", "request_id"):
        d[k] = getattr(e, k, None)
    return d


def _live():
    gc.collect()
    return gc.mem_alloc() if MPY else 0  # pyright: ignore[reportAttributeAccessIssue]  (MicroPython only)


def chat(a):
    c, sleeps = _client(a)
    kw = a.get("kwargs") or {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Hi"}]}
    out = []
    for _ in range(a.get("times", 1)):
        try:
            r = c.chat.completions.create(pick=a.get("pick"), **kw)
            out.append(list(r) if isinstance(r, tuple) else r)
        except Exception as e:
            out.append(_err(e))
    res = {"results": out, "sleeps": sleeps, "open_after": c._conn.sock is not None}
    if a.get("then_chat"):  # one more call: on the kept connection if it was left clean
        res["after"] = c.chat.completions.create(model="m", messages=[], pick="choices.0.message.content")
    res["opened"] = c._conn.opened
    return res


def stream(a):
    c, sleeps = _client(a)
    kw = a.get("kwargs") or {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Hi"}]}
    items = []
    count = 0
    s = None
    try:
        s = c.chat.completions.create(stream=True, pick=a.get("pick"), **kw)
        for v in s:
            count += 1
            items.append(list(v) if isinstance(v, tuple) else v)
            if count == a.get("stop_after"):
                break
    except Exception as e:
        items.append(_err(e))
    after = None
    if a.get("then_chat"):  # the connection must still be usable (or re-made) afterwards
        after = c.chat.completions.create(model="m", messages=[], pick="choices.0.message.content")
    rest = []  # then_rest: what the stream gives after that call, and how it ends
    if a.get("then_rest") and s is not None:
        try:
            for v in s:
                rest.append(v)
            rest.append("ended")
        except Exception as e:
            rest.append(_err(e)["error"])
    return {"items": items, "count": count, "sleeps": sleeps, "opened": c._conn.opened, "after": after,
            "rest": rest}


def moderation(a):
    c, sleeps = _client(a)
    try:
        r = c.moderations.create(input=a.get("input", "text"), pick=a.get("pick"), **(a.get("kwargs") or {}))
        return {"result": list(r) if isinstance(r, tuple) else r, "sleeps": sleeps}
    except Exception as e:
        return {"result": _err(e), "sleeps": sleeps}


def replay(a):
    # Each job: {"kind": "chat"|"moderation"|"request", "kwargs": {...}, "stream": bool,
    # "method":..., "path":...}; the server serves the recordings in the same order.
    c, sleeps = _client(a)
    out = []
    for job in a["jobs"]:
        kw = job.get("kwargs") or {}
        try:
            if job["kind"] == "chat":
                r = c.chat.completions.create(**kw)
            elif job["kind"] == "moderation":
                r = c.moderations.create(**kw)
            else:
                r = c.request(job["method"], job["path"], body=kw or None, stream=job.get("stream", False))
            if isinstance(r, Stream) or hasattr(r, "_awaited"):
                r = [ev for ev in r]
            out.append({"value": r})
        except Exception as e:
            out.append(_err(e))
    return {"results": out, "sleeps": sleeps}


def _plain(r, job):
    # a JSON view of any result: cursors and streams as lists, arrays as lists, bytes as hex
    from binascii import hexlify

    from tinyopenai._cursor import Cursor

    if isinstance(r, (Cursor, Stream)) or hasattr(r, "_awaited"):  # (a stream's tuples become lists below)
        out = []
        limit = job.get("limit")
        for item in r:
            out.append(_plain(item, job))
            if limit is not None and len(out) >= limit:
                break
        return out
    if isinstance(r, (bytes, bytearray)):
        return {"hex": str(hexlify(r), "ascii")}
    if isinstance(r, dict):
        return {k: _plain(r[k], job) for k in r}
    if isinstance(r, (list, tuple)):
        return [_plain(v, job) for v in r]
    if type(r).__name__ == "array":
        return [float(v) for v in r]
    return r


def calls(a):
    # Each job: {"method": "beta.threads.runs.retrieve", "args": [...], "kwargs": {...},
    # "limit": n (cursors), "sink": path (read back as hex), "with_options": {...} (the call goes
    # through client.with_options(...)), "then": "raw" (a RawResponse's status, headers,
    # request id and parse()) or "final" (a stream's first item, then get_final_completion())}
    from binascii import hexlify

    c, sleeps = _client(a)
    out = []
    for job in a["jobs"]:
        try:
            parts = job["method"].split(".")
            fn = getattr(c.with_options(**job["with_options"]) if job.get("with_options") else c, parts[0])
            for part in parts[1:]:
                fn = getattr(fn, part)
            kw = {}
            for k, v in (job.get("kwargs") or {}).items():  # {"@bytes": text}: bytes (JSON has none)
                kw[k] = v["@bytes"].encode() if isinstance(v, dict) and "@bytes" in v else v
            if job.get("sink"):
                kw["sink"] = job["sink"]
            r = fn(*job.get("args", []), **kw)
            if job.get("then") == "raw":
                r = {"status_code": r.status_code, "headers": r.headers, "request_id": r.request_id,
                     "value": _plain(r.parse(), job)}
            elif job.get("then") == "final":
                r = {"first": _plain(next(r), job), "final": _plain(r.get_final_completion(), job)}
            r = _plain(r, job)
            if job.get("sink"):
                with open(job["sink"], "rb") as f:
                    r = {"count": r, "hex": str(hexlify(f.read()), "ascii")}
            out.append({"value": r})
        except Exception as e:
            out.append(_err(e))
    return {"results": out, "sleeps": sleeps}


def _ms():
    import time

    return time.ticks_ms() if MPY else int(time.monotonic() * 1000)  # pyright: ignore[reportAttributeAccessIssue]


def hostile(a):
    # The hostile-server cases, one after another in this process, each with a client of its
    # own. They come one per line from a["cases"] (a JSON-lines file: {"method" (as in calls),
    # "args", "kwargs", "client": OpenAI() options}) and their results go one per line to
    # a["out"], so that neither list is held in a small heap. For each: the value or the error,
    # how long it took, and whether a socket was left open.
    n = 0
    with open(a["cases"]) as cases, open(a["out"], "w") as out:
        for line in cases:
            case = json.loads(line)
            opts = {"api_key": a.get("key"), "base_url": a["url"], "max_retries": 0, "timeout": 2}
            opts.update(case.get("client") or {})
            t = _ms()
            c = None
            try:
                c = (_async_client if a.get("aio") else OpenAI)(**opts)
                parts = case["method"].split(".")
                fn = getattr(c, parts[0])
                for part in parts[1:]:
                    fn = getattr(fn, part)
                res = {"value": _plain(fn(*case.get("args", []), **(case.get("kwargs") or {})), case)}
            except Exception as e:  # MemoryError too: the test says which errors are allowed
                res = _err(e)
            res["ms"] = _ms() - t
            res["open"] = c is not None and c._conn.sock is not None
            if c is not None:
                c.close()
            out.write(json.dumps(res) + "\n")
            n += 1
            case = c = fn = res = None
            gc.collect()
    return {"cases": n}


def tools(a):
    # chat.completions.run_tools with two device functions: one answers, one raises
    c, _ = _client(a)
    calls = []

    def read_temperature(sensor):
        calls.append(["read_temperature", sensor])
        return {"sensor": sensor, "celsius": 21.5}

    def set_led(on):
        calls.append(["set_led", on])
        raise ValueError("the LED is not wired")

    table = {"read_temperature": (read_temperature, {"type": "object", "properties": {"sensor": {"type": "string"}},
                                                     "required": ["sensor"]}, "Read one sensor"),
             "set_led": (set_led, {"type": "object", "properties": {"on": {"type": "boolean"}}})}
    messages = [{"role": "user", "content": "How warm is it? Then light the LED."}]
    chunks = []
    try:
        done = c.chat.completions.run_tools(model="gpt-4o-mini", messages=messages, tools=table,
                                            max_rounds=a.get("max_rounds", 8), stream=a.get("stream", False),
                                            on_chunk=chunks.append, temperature=0)
        answer = done["choices"][0]["message"]["content"]
    except Exception as e:
        answer = _err(e)
    return {"answer": answer, "calls": calls, "messages": messages, "chunks": len(chunks)}


def run(name, args):
    try:
        return globals()[name](args)
    except Exception as e:
        return _err(e)


def run_main(run):
    # micropython -m MODULE NAME ARGS.json: the scenario's result on one line
    with open(sys.argv[2]) as f:
        res = run(sys.argv[1], json.load(f))
    print("RESULT " + json.dumps(res))


if __name__ == "__main__":
    run_main(run)
