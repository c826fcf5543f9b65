# The small-heap scenarios (micropython -X heapsize=64k -m small NAME ARGS.json): kept apart
# from scenarios.py so that the harness's own bytecode stays small beside the library's.
import gc
import json
import sys

from tinyopenai import OpenAI


def _client(a):
    kw = {"base_url": a["url"], "ca": a.get("ca"), "max_retries": 0, "timeout": 10}
    if a.get("aio"):  # AsyncOpenAI, driven through blocking calls (awaited.py)
        from awaited import async_client

        return async_client(**kw)
    return OpenAI(**kw)


def _live():
    gc.collect()
    return gc.mem_alloc()  # pyright: ignore[reportAttributeAccessIssue]  (MicroPython only)


def stream(a):
    # a long chat stream: the live heap is sampled every `measure_every` events
    c = _client(a)
    heap = [0] * 64  # preallocated: appending would grow the very heap being measured
    samples = 0
    count = 0
    items = [] if a.get("keep") else None
    every = a.get("measure_every", 0)
    for v in c.chat.completions.create(model="m", messages=[], stream=True, pick=a.get("pick")):
        count += 1
        if items is not None:
            items.append(v)
        if every and count % every == 0 and samples < 64:
            heap[samples] = _live()
            samples += 1
    return {"count": count, "heap": heap[:samples], "items": items}


def big_pick(a):
    # A chat answer of about a megabyte, in a small heap: only the picked values are built.
    c = _client(a)
    before = _live()
    r = c.chat.completions.create(model="m", messages=[], pick=a["pick"])
    return {"result": list(r) if isinstance(r, tuple) else r, "heap_delta": _live() - before}


def big(a):
    # One big-payload operation in a small heap, sampling the live heap (after a collection)
    # as it goes: the high-water mark is reported. op: image | download | upload | embedding | listing
    # | vision | input_image | input_audio
    c = _client(a)
    op = a["op"]
    base = _live()
    high = [base]
    count = [0]

    def sample(*_):
        count[0] += 1
        if count[0] % a.get("every", 8) == 0:
            high[0] = max(high[0], _live())

    def file_sink(path):
        f = open(path, "wb")

        def write(data):
            f.write(data)
            sample()

        return f, write

    out = None
    if op in ("image", "download"):
        f, write = file_sink(a["path"])
        if op == "image":
            r = c.images.generate(prompt="a picture", sink=write)
            out = {"meta": r}
        else:
            out = {"count": c.files.content("file-big", sink=write)}
        f.close()
    elif op == "upload":
        out = c.audio.transcriptions.create(file=a["path"], model="whisper-1", progress=sample)
    elif op == "embedding":
        r = c.embeddings.create(input="text", model="text-embedding-3-large")
        v = r["data"][0]["embedding"]
        sample()
        out = {"dims": len(v), "first": float(v[0]), "last": float(v[-1])}
    elif op == "listing":
        n = 0
        last = None
        for item in c.files.list(limit=a["limit"]):
            n += 1
            last = item["id"]
            sample()
        out = {"items": n, "last": last}
    elif op in ("vision", "input_image", "input_audio"):  # a file sent inside the JSON body as base64
        from tinyopenai.sources import base64_data, data_url

        class Sampled:  # a file object that samples the heap as the encoder reads it
            def __init__(self, path):
                self.f = open(path, "rb")
                self.name = path

            def readinto(self, b):
                sample()
                return self.f.readinto(b)

            def seek(self, *a):
                return self.f.seek(*a)

            def tell(self):
                return self.f.tell()

        src = Sampled(a["path"]) if a.get("file_object") else a["path"]
        if op == "vision":
            part = {"type": "image_url", "image_url": {"url": data_url(src), "detail": "low"}}
            out = c.chat.completions.create(model="gpt-4o-mini", pick="choices.0.message.content", messages=[
                {"role": "user", "content": [{"type": "text", "text": "What is in the frame?"}, part]}])
        elif op == "input_image":
            out = c.responses.create(model="gpt-4o-mini", pick="output.0.content.0.text", input=[
                {"role": "user", "content": [{"type": "input_text", "text": "What is in the frame?"},
                                             {"type": "input_image", "image_url": data_url(src, "image/jpeg")}]}])
        else:
            part = {"type": "input_audio", "input_audio": {"data": base64_data(src), "format": "wav"}}
            out = c.chat.completions.create(model="gpt-4o-audio-preview", modalities=["text"],
                                            pick="choices.0.message.content",
                                            messages=[{"role": "user", "content": [part]}])
    high[0] = max(high[0], _live())
    return {"result": out, "high_water": high[0] - base, "start": base}


if __name__ == "__main__":
    with open(sys.argv[2]) as f:
        args = json.load(f)
    try:
        res = globals()[sys.argv[1]](args)
    except Exception as e:
        res = {"error": type(e).__name__, "message": str(e)}
    print("RESULT " + json.dumps(res))
