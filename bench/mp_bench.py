# Benchmark scenarios run under MicroPython, one per process, printing "RESULT <json>". bench.py
# cuts each into a program of its own (the function, the helpers it calls, the imports and the
# main below), so the heap being measured holds only that scenario's code. Each has two sides:
# "ours" (tinyopenai over verified TLS unless the URL is http) and "baseline", what MicroPython
# users write today: micropython-lib requests (frozen in the interpreter, as on a stock board) +
# .json().
import gc
import json
import sys
import time


def _us():
    return time.ticks_us()


def _since(t):
    return time.ticks_diff(time.ticks_us(), t)


def _client(a):
    from tinyopenai import OpenAI

    return OpenAI(api_key="sk-bench", base_url=a["url"], ca=a.get("ca"), max_retries=0, timeout=60)


def _post(a, body):
    import requests

    return requests.post(a["url"] + "/chat/completions", json=body, headers={"Authorization": "Bearer sk-bench"})


def empty_ours(a):
    # the interpreter's own floor: what a program that does nothing needs (the same on both sides)
    return 1


def empty_baseline(a):
    return 1


def where_heap_goes(a):
    # live heap (after a collection) at each step of a chat call with pick, in a roomy heap
    out = []
    gc.collect()
    start = gc.mem_alloc()
    import tinyopenai

    gc.collect()
    out.append(("import tinyopenai", gc.mem_alloc() - start))
    from tinyopenai import chat, moderations  # noqa: F401

    gc.collect()
    out.append(("+ chat, moderations", gc.mem_alloc() - start))
    c = tinyopenai.OpenAI(api_key="sk-bench", base_url=a["url"], ca=a.get("ca"), max_retries=0, timeout=60)
    gc.collect()
    out.append(("+ the client (TLS context, receive buffer, HTTP code)", gc.mem_alloc() - start))
    c.chat.completions.create(model="m", messages=[], pick="choices.0.message.content")
    gc.collect()
    out.append(("+ after one chat call with pick", gc.mem_alloc() - start))
    return out


def chat_ours(a):
    c = _client(a)
    return c.chat.completions.create(model="m", messages=[], pick="choices.0.message.content")


def chat_baseline(a):
    r = _post(a, {"model": "m", "messages": []})
    v = r.json()["choices"][0]["message"]["content"]
    r.close()
    return v


def stream_ours(a):
    c = _client(a)
    n = 0
    for _ in c.chat.completions.create(model="m", messages=[], stream=True, pick="choices.0.delta.content"):
        n += 1
    return n


def _async_client(a):
    from tinyopenai import AsyncOpenAI

    return AsyncOpenAI(api_key="sk-bench", base_url=a["url"], ca=a.get("ca"), max_retries=0, timeout=60)


def chat_async_ours(a):
    # chat_ours on AsyncOpenAI: the same call awaited (asyncio and _aio in the heap too)
    import asyncio

    async def main():
        c = _async_client(a)
        return await c.chat.completions.create(model="m", messages=[], pick="choices.0.message.content")

    return asyncio.run(main())


def stream_async_ours(a):
    import asyncio

    async def main():
        c = _async_client(a)
        n = 0
        async for _ in await c.chat.completions.create(model="m", messages=[], stream=True,
                                                         pick="choices.0.delta.content"):
            n += 1
        return n

    return asyncio.run(main())


def chat_async_baseline(a):  # (the baseline has no asyncio client: its blocking call)
    return chat_baseline(a)


def stream_async_baseline(a):
    return stream_baseline(a)


def stream_baseline(a):
    # requests has no streaming: the whole body, then one event at a time
    r = _post(a, {"model": "m", "messages": [], "stream": True})
    n = 0
    for line in r.content.split(b"\n"):
        if line.startswith(b"data: ") and line != b"data: [DONE]":
            d = json.loads(line[6:])["choices"]
            if d and d[0]["delta"].get("content") is not None:
                n += 1
    r.close()
    return n


def calls_ours(a):
    c = _client(a)
    t = _us()
    for _ in range(a["n"]):
        c.chat.completions.create(model="m", messages=[], pick="choices.0.message.content")
    return _since(t)


def calls_baseline(a):
    t = _us()
    for _ in range(a["n"]):
        r = _post(a, {"model": "m", "messages": []})
        r.json()
        r.close()
    return _since(t)


def download_ours(a):
    # files.content of a large file into a.path: the time of the whole call
    c = _client(a)
    t = _us()
    c.files.content("file-1", sink=a["path"])
    return _since(t)


def download_async_ours(a):
    import asyncio

    async def main():
        c = _async_client(a)
        t = _us()
        await c.files.content("file-1", sink=a["path"])
        return _since(t)

    return asyncio.run(main())


def gap_async_ours(a):
    # the longest gap (ms) of a 20 ms ticker task while an AsyncOpenAI chat call waits for a
    # server that thinks before it answers
    import asyncio

    async def main():
        c = _async_client(a)
        worst = [0, True]

        async def tick():
            last = time.ticks_ms()
            while worst[1]:
                await asyncio.sleep_ms(20)
                now = time.ticks_ms()
                worst[0] = max(worst[0], time.ticks_diff(now, last))
                last = now

        task = asyncio.create_task(tick())
        await asyncio.sleep_ms(50)  # the ticker is running before the call starts
        worst[0] = 0
        await c.chat.completions.create(model="m", messages=[], pick="choices.0.message.content")
        worst[1] = False
        await task
        return worst[0]

    return asyncio.run(main())


def first_delta_ours(a):
    c = _client(a)
    t = _us()
    for d in c.chat.completions.create(model="m", messages=[], stream=True, pick="choices.0.delta.content"):
        if d:
            return _since(t)


def first_delta_baseline(a):
    t = _us()
    r = _post(a, {"model": "m", "messages": [], "stream": True})
    for line in r.content.split(b"\n"):
        if line.startswith(b"data: ") and line != b"data: [DONE]":
            d = json.loads(line[6:])["choices"][0]["delta"].get("content")
            if d:
                return _since(t)


def image_ours(a):
    c = _client(a)
    c.images.generate(prompt="a picture", sink=a["path"])
    import os

    return os.stat(a["path"])[6]


def image_baseline(a):
    import binascii

    import requests

    r = requests.post(a["url"] + "/images/generations", json={"prompt": "a picture", "response_format": "b64_json"})
    data = binascii.a2b_base64(r.json()["data"][0]["b64_json"])
    r.close()
    with open(a["path"], "wb") as f:
        f.write(data)
    return len(data)


def embedding_ours(a):
    c = _client(a)
    return len(c.embeddings.create(input="text", model="text-embedding-3-large")["data"][0]["embedding"])


def embedding_baseline(a):
    import binascii
    from array import array

    import requests

    r = requests.post(a["url"] + "/embeddings", json={"input": "text", "model": "text-embedding-3-large",
                                                      "encoding_format": "base64"})
    raw = binascii.a2b_base64(r.json()["data"][0]["embedding"])
    r.close()
    return len(array("f", raw))


def parse_speed(a):
    # MB/s of C json.loads and of our reader on the same bytes, in this process
    from tinyopenai._json import Reader
    from tinyopenai._pick import compile_paths, pick

    with open(a["file"], "rb") as f:
        body = f.read()
    out = {}
    end = compile_paths(a["pick_end"])
    first = compile_paths(a["pick_first"])
    for name, fn in (
        ("json_loads", lambda: json.loads(body)),
        ("ours_pick_first", lambda: pick(Reader(body), first)),
        ("ours_pick_end", lambda: pick(Reader(body), end)),
        ("ours_load", lambda: Reader(body).load()),
    ):
        times = []
        for _ in range(a["runs"]):
            gc.collect()
            t = _us()
            fn()
            times.append(_since(t))
        times.sort()
        out[name] = len(body) / times[len(times) // 2]  # bytes per microsecond = MB/s
    return out


if __name__ == "__main__":
    with open(sys.argv[2]) as f:
        args = json.load(f)
    # An application's own names (its modules, functions, attributes), interned before the
    # library's: the interned-name pool grows by doubling, in one block, so where its next growth
    # falls (while the heap is clean, or in the middle of a call) depends on how many names came
    # before. bench.py measures the floors over a range of these counts. (hasattr interns the name.)
    for i in range(args.get("app_names", 0)):
        hasattr(None, "app_name_%d" % i)
    try:
        res = {"ok": globals()[sys.argv[1]](args)}
    except Exception as e:  # MemoryError above all: the heap was too small
        res = {"error": "%s: %s" % (type(e).__name__, e)}
        sys.print_exception(e)  # where it ran out (names only: -O3 code has no line numbers)
    print("RESULT " + json.dumps(res))
