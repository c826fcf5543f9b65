"""Big payloads in a small heap (lib as .mpy, frozen or in ROMFS), over verified TLS: a 2 MB
b64_json image decoded to a file, a 5 MB download to a file, a 1 MB upload from a file, a
3,072-dimension embedding and a 600-item listing, each under -X heapsize=64k on the device twin
(the board's object sizes) and 72k on the 64-bit port, whose objects are twice the size (the
embedding needs about 66 KB there since the client's hardening: header checks, strict framing and
deadlines). The live heap's high-water mark (sampled after collections during the operation) is
shown in the summary of every run. Then the bad inputs that must fail before anything is sent.

BIG_HEAP=... runs them all at another size, to find a floor again. Near a floor the result can
flip between neighbouring sizes, as the heap fragments differently. The embedding's 3,072
float32s are a 12 KB array that needs one contiguous block: the client is built so that the heap
above it stays in one piece (see OpenAI.__init__)."""

import base64
import hashlib
import json
import os
import struct

import fixtures
import pytest
from conftest import CLIENTS, HIGH_WATER, MP_RUNTIMES, RUNTIMES, client_args
from replay_server import interaction

# Each runs on both clients. AsyncOpenAI runs with asyncio and its own module loaded (and the
# test's adapter, portable/awaited.py): about 12 KB more live heap on the twin, so it gets
# 80k there (it passed at 72k too) and 112k on the 64-bit port.
on_both_clients = pytest.mark.parametrize("client", CLIENTS, indirect=True)


def heap(mp, client):
    if os.environ.get("BIG_HEAP"):
        return os.environ["BIG_HEAP"]
    if client == "async":
        return "112k" if mp == "micropython" else "80k"
    return "72k" if mp == "micropython" else "64k"


def report(mp, client, name, r):
    HIGH_WATER.append((mp, name + (" (async)" if client == "async" else ""), heap(mp, client), r["start"],
                       r["high_water"]))


@pytest.mark.parametrize("mp", MP_RUNTIMES)
@on_both_clients
def test_two_megabyte_b64_image_to_a_file(mp, client, server, pki, run, tmp_path):
    png = hashlib.sha256(b"seed").digest() * (1536 * 1024 // 32)  # 1.5 MB of image bytes
    b64 = base64.b64encode(png).decode()
    assert len(b64) == 2 * 1024 * 1024
    body = json.dumps({"created": 1, "data": [{"b64_json": b64, "revised_prompt": "a picture, revised"}]})
    server.push(
        interaction("POST", "/v1/images/generations", 200, body, {"Content-Type": "application/json"}, chunked=True)
    )
    out = tmp_path / "img.png"
    r = run(
        mp, "big", client_args(server, pki, op="image", path=str(out), every=64), heap=heap(mp, client), module="small"
    )
    assert "result" in r, r
    assert out.read_bytes() == png
    assert r["result"]["meta"] == {"created": 1, "data": [{"revised_prompt": "a picture, revised"}]}
    assert json.loads(server.requests[0]["body"])["response_format"] == "b64_json"
    report(mp, client, "2 MB b64_json image", r)


@pytest.mark.parametrize("mp", MP_RUNTIMES)
@on_both_clients
def test_five_megabyte_download_to_a_file(mp, client, server, pki, run, tmp_path):
    data = hashlib.sha256(b"file").digest() * (5 * 1024 * 1024 // 32)
    server.push(
        interaction(
            "GET", "/v1/files/file-big/content", 200, data, {"Content-Type": "application/octet-stream"}, chunked=True
        )
    )
    out = tmp_path / "download.bin"
    r = run(
        mp,
        "big",
        client_args(server, pki, op="download", path=str(out), every=256),
        heap=heap(mp, client),
        module="small",
    )
    assert r.get("result") == {"count": len(data)}, r
    assert out.read_bytes() == data
    report(mp, client, "5 MB download", r)


@pytest.mark.parametrize("mp", MP_RUNTIMES)
@on_both_clients
def test_one_megabyte_upload_from_a_file(mp, client, server, pki, run, tmp_path):
    audio = hashlib.sha256(b"audio").digest() * (1024 * 1024 // 32)
    src = tmp_path / "speech.mp3"
    src.write_bytes(audio)
    server.push(interaction("POST", "/v1/audio/transcriptions", 200, {"text": "heard it"}))
    r = run(
        mp, "big", client_args(server, pki, op="upload", path=str(src), every=64), heap=heap(mp, client), module="small"
    )
    assert r.get("result") == {"text": "heard it"}, r
    req = server.requests[0]
    assert int(req["headers"]["content-length"]) == len(req["body"]) and audio in req["body"]
    assert b'name="model"\r\n\r\nwhisper-1\r\n' in req["body"]
    report(mp, client, "1 MB upload", r)


@pytest.mark.parametrize("mp", MP_RUNTIMES)
@on_both_clients
def test_embedding_of_3072_dimensions(mp, client, server, pki, run):
    vec = [((i * 37) % 1000 - 500) / 1000.0 for i in range(3072)]
    b64 = base64.b64encode(struct.pack("<3072f", *vec)).decode()
    body = {
        "object": "list",
        "data": [{"object": "embedding", "index": 0, "embedding": b64}],
        "model": "text-embedding-3-large",
        "usage": {"prompt_tokens": 1, "total_tokens": 1},
    }
    server.push(interaction("POST", "/v1/embeddings", 200, body))
    r = run(mp, "big", client_args(server, pki, op="embedding"), heap=heap(mp, client), module="small")
    f32 = struct.unpack("<3072f", struct.pack("<3072f", *vec))
    assert r.get("result") == {"dims": 3072, "first": f32[0], "last": f32[-1]}, r
    report(mp, client, "3,072-dimension embedding", r)


@pytest.mark.parametrize("mp", MP_RUNTIMES)
@on_both_clients
def test_listing_of_600_items(mp, client, server, pki, run):
    pages = []
    for p in range(30):
        items = [
            {
                "id": "file-%03d" % (p * 20 + i),
                "object": "file",
                "bytes": 1000 + i,
                "created_at": 1700000000,
                "filename": "data-%03d.jsonl" % (p * 20 + i),
                "purpose": "fine-tune",
            }
            for i in range(20)
        ]
        pages.append(
            interaction(
                "GET",
                "/v1/files",
                200,
                {
                    "object": "list",
                    "data": items,
                    "first_id": items[0]["id"],
                    "last_id": items[-1]["id"],
                    "has_more": p < 29,
                },
            )
        )
    server.push(*pages)
    r = run(mp, "big", client_args(server, pki, op="listing", limit=20), heap=heap(mp, client), module="small")
    assert r.get("result") == {"items": 600, "last": "file-599"}, r
    assert [q["path"] for q in server.requests[:2]] == ["/v1/files?limit=20", "/v1/files?limit=20&after=file-019"]
    assert len(server.requests) == 30
    report(mp, client, "600-item listing", r)


def _jpeg(n):
    # n bytes shaped like a camera JPEG (SOI ... EOI), the middle not repeating
    middle = b"".join(hashlib.sha256(b"%d" % i).digest() for i in range(n // 32 + 1))[: n - 6]
    return b"\xff\xd8\xff\xe0" + middle + b"\xff\xd9"


def _wav(n):
    # a RIFF/WAVE header and n bytes of 16 kHz 16-bit mono samples
    samples = b"".join(hashlib.sha256(b"s%d" % i).digest() for i in range(n // 32 + 1))[:n]
    return (b"RIFF" + struct.pack("<I", 36 + n) + b"WAVEfmt " + struct.pack("<IHHIIHH", 16, 1, 1, 16000, 32000, 2, 16)
            + b"data" + struct.pack("<I", n) + samples)


# (op, the source's bytes, its file name, how the sent body gives the base64 back)
INLINE = [
    ("vision", _jpeg(200 * 1024), "frame.jpg",
     lambda b: b["messages"][0]["content"][1]["image_url"]["url"], "data:image/jpeg;base64,"),
    ("input_image", _jpeg(200 * 1024 + 1), "frame.bin",
     lambda b: b["input"][0]["content"][1]["image_url"], "data:image/jpeg;base64,"),
    ("input_audio", _wav(150 * 1024 + 2), "clip.wav",
     lambda b: b["messages"][0]["content"][0]["input_audio"]["data"], ""),
]


@pytest.mark.parametrize("mp", MP_RUNTIMES)
@on_both_clients
@pytest.mark.parametrize("op,data,name,sent,prefix", INLINE, ids=[i[0] for i in INLINE])
@pytest.mark.parametrize("file_object", [False, True], ids=["path", "file_object"])
def test_a_file_streamed_as_base64_inside_the_json_body(mp, client, op, data, name, sent, prefix, file_object, server,
                                                         pki, run, tmp_path):
    # a 200 KB JPEG (and a 150 KB WAV) is ~270 KB of base64: far more than the 64 KB heap (of
    # the twin; 72 KB on the 64-bit port), so it can only get there encoded chunk by chunk
    src = tmp_path / name
    src.write_bytes(data)
    if op == "input_image":
        answer = {"id": "resp_1", "object": "response", "status": "completed",
                  "output": [{"type": "message", "role": "assistant",
                              "content": [{"type": "output_text", "text": "a cat", "annotations": []}]}]}
        server.push(interaction("POST", "/v1/responses", 200, answer))
    else:
        server.push(interaction("POST", "/v1/chat/completions", 200,
                                json.dumps(fixtures.chat_body("a cat")).encode()))
    r = run(mp, "big", client_args(server, pki, op=op, path=str(src), file_object=file_object, every=16),
            heap=heap(mp, client), module="small")
    assert r.get("result") == "a cat", r
    req = server.requests[0]
    assert int(req["headers"]["content-length"]) == len(req["body"])
    text = sent(json.loads(req["body"]))
    assert text.startswith(prefix) and base64.b64decode(text[len(prefix):], validate=True) == data
    report(mp, client, "%d KB %s as base64 (%s)" % (len(data) // 1024, op, "file object" if file_object else "path"), r)


def test_base64_sources_of_every_kind_and_their_length(tmp_path):
    # the length counted before sending equals what is sent, for every kind of source and size
    # around the 768-byte chunk, and a resend sends the same again
    import io

    from tinyopenai._json import dump_iter
    from tinyopenai.sources import base64_data, data_url

    for n in (0, 1, 2, 3, 767, 768, 769, 1536, 5000):
        data = hashlib.sha256(b"%d" % n).digest() * (n // 32 + 1)
        data = data[:n]
        path = tmp_path / "x.png"
        path.write_bytes(data)
        f = io.BytesIO(b"HEAD" + data)
        f.seek(4)
        for src in (str(path), data, bytearray(data), memoryview(data), f):
            for v, prefix in ((data_url(src), "data:image/png;base64," if src == str(path) else
                               "data:application/octet-stream;base64,"), (base64_data(src), "")):
                body = {"x": [v]}
                for _ in range(2):
                    out = b"".join(bytes(p) for p in dump_iter(body))
                    assert sum(len(p) for p in dump_iter(body, False)) == len(out)
                    assert json.loads(out)["x"][0] == prefix + base64.b64encode(data).decode()


def test_base64_source_errors(tmp_path):
    import io

    from tinyopenai import OpenAIError
    from tinyopenai._json import dump_iter
    from tinyopenai.sources import data_url

    with pytest.raises(OpenAIError, match="cannot read upload file"):
        data_url(str(tmp_path / "missing.jpg"))
    with pytest.raises(TypeError):
        data_url(12)
    with pytest.raises(ValueError, match="mime_type"):
        data_url(b"x", 'image/jpeg"')

    class Shrinking(io.BytesIO):  # says it holds more than it gives: a typed error, not a short body
        def readinto(self, b):
            return 0

    v = data_url(Shrinking(b"12345"), "image/png")
    with pytest.raises(OpenAIError, match="ended"):
        b"".join(bytes(p) for p in dump_iter({"u": v}))


@pytest.mark.parametrize("rt", RUNTIMES)
@on_both_clients
def test_bad_input_fails_before_sending(rt, server, pki, run, tmp_path):
    jobs = [
        {"method": "audio.transcriptions.create", "kwargs": {"file": str(tmp_path / "no-such.mp3"), "model": "w"}},
        {"method": "files.create", "kwargs": {"file": str(tmp_path / "missing.jsonl"), "purpose": "fine-tune"}},
        {
            "method": "audio.speech.create",
            "kwargs": {"input": "hi", "model": "tts-1", "voice": "alloy", "sink": str(tmp_path / "no" / "dir.mp3")},
        },
        {"method": "files.retrieve", "args": [""]},
        # a required argument missing, or an unknown keyword on a method without a body: as
        # openai-python, TypeError from the call itself
        {"method": "beta.assistants.create", "kwargs": {"name": "no model"}},
        {"method": "batches.create", "kwargs": {"input_file_id": "file-1"}},
        {"method": "chat.completions.create", "kwargs": {"model": "m"}},
        {"method": "files.retrieve", "args": ["file-1"], "kwargs": {"purpose": "x"}},
    ]
    r = run(rt, "calls", client_args(server, pki, jobs=jobs))
    msgs = [res.get("message", "") for res in r["results"]]
    kinds = [res.get("error") for res in r["results"]]
    assert server.requests == []  # nothing was sent
    assert kinds == ["OpenAIError"] * 4 + ["TypeError"] * 4, r
    assert "cannot read upload file" in msgs[0] and "no-such.mp3" in msgs[0]
    assert "cannot read upload file" in msgs[1]
    assert "cannot write to" in msgs[2]
    assert "empty" in msgs[3]


def test_upload_from_a_file_object_is_resent_whole_on_a_retry(server, pki):
    # the first answer is a 500: the retry must send the file again from where it started
    import io

    from replay_server import error_body
    from tinyopenai import OpenAI

    data = b"PREFIX" + hashlib.sha256(b"f").digest() * 4000
    f = io.BytesIO(data)
    f.seek(6)  # the upload starts where the file object stands
    server.push(interaction("POST", "/v1/files", 500, error_body("busy", "server_error")),
                interaction("POST", "/v1/files", 200, {"id": "file-1", "object": "file"}))
    sent = []
    c = OpenAI(base_url=server.url, ca=pki.ca_der, max_retries=1, sleep=lambda s: None)
    r = c.files.create(file=f, purpose="assistants", progress=lambda done, total: sent.append((done, total)))
    assert r == {"id": "file-1", "object": "file"}
    bodies = [q["body"] for q in server.requests]
    assert len(bodies) == 2 and bodies[0] == bodies[1] and data[6:] in bodies[1] and b"PREFIX" not in bodies[1]
    assert sent[-1][0] == sent[-1][1] == int(server.requests[1]["headers"]["content-length"])


def test_sink_gets_the_bytes_even_of_a_json_typed_file(server, pki, tmp_path):
    # files.content of a .jsonl file may come as application/json: a sink still gets the raw bytes
    from tinyopenai import OpenAI

    data = b'{"messages": [{"role": "user", "content": "hi"}]}\n' * 50
    server.push(interaction("GET", "/v1/files/file-j/content", 200, data, {"Content-Type": "application/json"}))
    c = OpenAI(base_url=server.url, ca=pki.ca_der)
    out = tmp_path / "train.jsonl"
    assert c.files.content("file-j", sink=str(out)) == len(data)
    assert out.read_bytes() == data and not (tmp_path / "train.jsonl.part").exists()


def test_a_failing_sink_leaves_no_part_file(server, pki, tmp_path):
    from tinyopenai import OpenAI

    server.push(interaction("GET", "/v1/files/file-b/content", 200, b"x" * 5000,
                            {"Content-Type": "application/octet-stream"}))
    c = OpenAI(base_url=server.url, ca=pki.ca_der)

    def full(_data):
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        c.files.content("file-b", sink=full)
    assert c._conn.sock is None  # the half-read answer was not left on the connection
