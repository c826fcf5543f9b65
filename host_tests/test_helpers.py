"""The helper methods that are not one operation each, under both runtimes: runs.poll (backoff
until a terminal status), vector_stores.files.upload (a streamed upload, then the attach),
responses.stream ((event, data) pairs, pick per event, an in-band error event)."""
import json

import pytest
from conftest import CLIENTS, RUNTIMES, client_args
from replay_server import interaction

pytestmark = [pytest.mark.parametrize("rt", RUNTIMES), pytest.mark.parametrize("client", CLIENTS, indirect=True)]


def run_status(status):
    return interaction("GET", "/x", 200, {"id": "run_1", "object": "thread.run", "status": status})


def test_runs_poll_waits_until_terminal(rt, server, pki, run):
    server.push(run_status("queued"), run_status("in_progress"), run_status("in_progress"), run_status("completed"))
    job = {"method": "beta.threads.runs.poll", "args": ["run_1", "thread_1"], "kwargs": {"poll_interval_ms": 500}}
    r = run(rt, "calls", client_args(server, pki, jobs=[job]))
    assert r["results"][0]["value"]["status"] == "completed"
    assert r["sleeps"] == [0.5, 0.5, 0.5]  # the interval asked for, as openai-python
    assert [q["path"] for q in server.requests] == ["/v1/threads/thread_1/runs/run_1"] * 4
    assert all(q["headers"]["openai-beta"] == "assistants=v2" for q in server.requests)


def test_runs_poll_times_out(rt, server, pki, run):
    server.push(*[run_status("in_progress") for _ in range(3)])
    job = {"method": "beta.threads.runs.poll", "args": ["run_1", "thread_1"],
           "kwargs": {"poll_interval_ms": 1000, "max_wait_s": 2}}
    r = run(rt, "calls", client_args(server, pki, jobs=[job]))
    assert r["results"][0]["error"] == "APITimeoutError" and len(server.requests) == 3


def test_vector_store_upload(rt, server, pki, run, tmp_path):
    doc = tmp_path / "notes.txt"
    doc.write_bytes(b"device manual\n" * 100)
    attached = {"id": "file-9", "object": "vector_store.file", "status": "in_progress"}
    server.push(interaction("POST", "/v1/files", 200, {"id": "file-9", "object": "file", "purpose": "assistants"}),
                interaction("POST", "/x", 200, attached))
    job = {"method": "vector_stores.files.upload", "kwargs": {"vector_store_id": "vs_1", "file": str(doc)}}
    r = run(rt, "calls", client_args(server, pki, jobs=[job]))
    assert r["results"][0]["value"]["object"] == "vector_store.file"
    up, attach = server.requests
    assert up["path"] == "/v1/files" and b"device manual\n" * 100 in up["body"] and b"assistants" in up["body"]
    assert attach["path"] == "/v1/vector_stores/vs_1/files" and json.loads(attach["body"]) == {"file_id": "file-9"}
    assert attach["headers"]["openai-beta"] == "assistants=v2"


def sse(events):
    return b"".join(b"event: %s\ndata: %s\n\n" % (n.encode(), json.dumps(d).encode()) for n, d in events)


def test_responses_stream_events_and_pick(rt, server, pki, run):
    events = [("response.created", {"type": "response.created", "response": {"id": "resp_1"}}),
              ("response.output_text.delta", {"type": "response.output_text.delta", "delta": "Hel"}),
              ("response.output_text.delta", {"type": "response.output_text.delta", "delta": "lo"}),
              ("response.completed", {"type": "response.completed", "response": {"id": "resp_1"}})]
    body = sse(events)
    for _ in range(2):
        server.push(interaction("POST", "/v1/responses", 200, body, {"Content-Type": "text/event-stream"}))
    say = {"model": "gpt-4o-mini", "input": "Say hello"}
    jobs = [{"method": "responses.stream", "kwargs": say},
            {"method": "responses.stream", "kwargs": dict(say, pick="delta")}]
    r = run(rt, "calls", client_args(server, pki, jobs=jobs))
    assert r["results"][0]["value"] == [d for _, d in events]  # each event's payload, which names its type
    assert r["results"][1]["value"] == ["Hel", "lo"]
    assert json.loads(server.requests[0]["body"]) == {"model": "gpt-4o-mini", "input": "Say hello", "stream": True}


def test_responses_stream_error_event(rt, server, pki, run):
    body = sse([("response.created", {"type": "response.created"}),
                ("error", {"type": "error", "code": "server_error", "message": "The model crashed."})])
    server.push(interaction("POST", "/v1/responses", 200, body, {"Content-Type": "text/event-stream"}))
    job = {"method": "responses.stream", "kwargs": {"model": "m", "input": "x"}}
    r = run(rt, "calls", client_args(server, pki, jobs=[job]))
    e = r["results"][0]
    assert e["error"] == "APIError" and "The model crashed." in e["message"] and e["code"] == "server_error"


def test_embeddings_whatever_the_size_guess(rt, server, pki, run):
    # Arrays are allocated before sending from dimensions= or the model's size; answers longer
    # or shorter than that guess, in base64 or as numbers, and several inputs all come back whole.
    import base64
    import struct

    def answer(*vectors, b64=True):
        data = [{"object": "embedding", "index": i,
                 "embedding": base64.b64encode(struct.pack("<%df" % len(v), *v)).decode() if b64 else v}
                for i, v in enumerate(vectors)]
        return interaction("POST", "/v1/embeddings", 200, {"object": "list", "data": data, "model": "m"})

    five, three = [0.5, -1.0, 2.0, 0.25, 8.0], [1.0, 2.0, 3.0]
    cases = [  # (kwargs, answer)
        ({"dimensions": 3}, answer(five)),  # longer than the guess
        ({"dimensions": 5}, answer(three)),  # shorter
        ({"dimensions": 3}, answer(three)),  # exact
        ({"dimensions": 4}, answer(five, b64=False)),  # numbers, longer
        ({"dimensions": 8}, answer(three, b64=False)),  # numbers, shorter
        ({}, answer(five)),  # unknown model: no guess
    ]
    jobs = [{"method": "embeddings.create", "kwargs": dict(kw, input="x", model="some-model")} for kw, _ in cases]
    jobs.append({"method": "embeddings.create",
                 "kwargs": {"input": ["a", "b", "c"], "model": "text-embedding-3-small", "dimensions": 3}})
    server.push(*[a for _, a in cases], answer(three, five, [4.0]))
    r = run(rt, "calls", client_args(server, pki, jobs=jobs))
    assert all("value" in res for res in r["results"]), r
    got = [[d["embedding"] for d in res["value"]["data"]] for res in r["results"]]
    assert got == [[five], [three], [three], [five], [three], [five], [three, five, [4.0]]], r
