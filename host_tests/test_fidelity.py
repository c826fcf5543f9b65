"""openai-python's ways, under every runtime (CPython, the 64-bit MicroPython port and the 32-bit
twin): with_raw_response, with_options, per-call options, stream items as openai-python reads
them (a Responses event's payload, an Assistants run's {"event", "data"}), the final answer of a
stream (get_final_completion / get_final_response), the *_and_poll helpers, and what the
OpenAI-compatible servers people run on their LAN send (Ollama, llama.cpp, vLLM, LM Studio:
comment lines, repeated roles, tool calls in whole or in fragments, no usage, an empty data line,
[DONE] at the very end). test_openai_python.py compares the requests byte for byte with
openai-python's own."""
import json
import time
from urllib.parse import parse_qsl, urlsplit

import fixtures
import pytest
from conftest import CLIENTS, RUNTIMES, client_args
from replay_server import interaction

pytestmark = [pytest.mark.parametrize("rt", RUNTIMES), pytest.mark.parametrize("client", CLIENTS, indirect=True)]
SSE = {"Content-Type": "text/event-stream"}


def sse(*events, done=b"data: [DONE]\n\n"):
    out = b""
    for e in events:
        out += e if isinstance(e, bytes) else b"data: " + json.dumps(e).encode() + b"\n\n"
    return out + done


def chunk(delta=None, finish=None, **extra):
    c = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 7, "model": "local",
         "choices": [{"index": 0, "delta": delta or {}, "finish_reason": finish}]}
    c.update(extra)
    return c


def calls(run, rt, server, pki, jobs, **kw):
    r = run(rt, "calls", client_args(server, pki, jobs=jobs, max_retries=0, **kw), heap="device")
    return [x.get("value", x) for x in r["results"]], r["sleeps"]


def test_with_raw_response_gives_status_headers_and_parse(rt, server, pki, run):
    server.push(interaction("POST", "/v1/chat/completions", 200, fixtures.chat_body("raw"),
                            {"Content-Type": "application/json", "x-request-id": "req_7",
                             "x-ratelimit-remaining-requests": "99", "openai-processing-ms": "12"}),
                interaction("GET", "/x", 200, {"id": "run_1", "status": "queued"},
                            {"Content-Type": "application/json", "x-request-id": "req_8"}))
    got, _ = calls(run, rt, server, pki, [
        {"method": "chat.completions.with_raw_response.create", "then": "raw",
         "kwargs": {"model": "m", "messages": [], "pick": "choices.0.message.content"}},
        {"method": "beta.threads.runs.with_raw_response.retrieve", "args": ["run_1"], "kwargs": {"thread_id": "t_1"},
         "then": "raw"}])
    assert got[0]["status_code"] == 200 and got[0]["request_id"] == "req_7" and got[0]["value"] == "raw"
    assert got[0]["headers"]["x-ratelimit-remaining-requests"] == "99"  # all headers, not only those the client needs
    assert got[1]["value"] == {"id": "run_1", "status": "queued"} and got[1]["request_id"] == "req_8"
    assert server.requests[1]["path"] == "/v1/threads/t_1/runs/run_1"


def test_with_options_is_a_copy_that_changes_only_what_it_names(rt, server, pki, run):
    server.push(fixtures.chat("a"), fixtures.chat("b"), fixtures.error(429), fixtures.chat("c"))
    got, sleeps = calls(run, rt, server, pki, [
        {"method": "chat.completions.create", "kwargs": {"model": "m", "messages": []},
         "with_options": {"default_headers": {"X-Copy": "1", "Authorization": "Bearer sk-other"}}},
        {"method": "chat.completions.create", "kwargs": {"model": "m", "messages": []}},
        {"method": "chat.completions.create",
         "kwargs": {"model": "m", "messages": [], "pick": "choices.0.message.content"},
         "with_options": {"max_retries": 1}}], key="sk-original")
    h = [r["headers"] for r in server.requests]
    assert h[0]["x-copy"] == "1" and h[0]["authorization"] == "Bearer sk-other"
    assert "x-copy" not in h[1] and h[1]["authorization"] == "Bearer sk-original"  # the client itself is unchanged
    assert got[2] == "c" and len(sleeps) == 1  # the copy retried once; the client has max_retries=0
    assert len({r["conn"] for r in server.requests}) == 1  # one connection, shared


def test_per_call_options(rt, server, pki, run):
    slow = fixtures.chat("late")
    slow["fault"] = {"stall": 2.0, "close_after_stall": False}
    server.push(fixtures.chat("x"), slow)
    t = time.monotonic()
    got, _ = calls(run, rt, server, pki, [
        {"method": "chat.completions.create",
         "kwargs": {"model": "m", "messages": [], "extra_query": {"api-version": "2024-10-21", "tags": ["a", "b"]},
                    "extra_body": {"seed": 3}, "extra_headers": {"X-Trace": "t1", "User-Agent": None}}},
        {"method": "chat.completions.create", "kwargs": {"model": "m", "messages": [], "timeout": 0.5}}],
        timeout=30)
    req = server.requests[0]
    assert sorted(parse_qsl(urlsplit(req["path"]).query)) == [("api-version", "2024-10-21"), ("tags[]", "a"),
                                                              ("tags[]", "b")]
    assert json.loads(req["body"]) == {"model": "m", "messages": [], "seed": 3}
    assert req["headers"]["x-trace"] == "t1" and "user-agent" not in req["headers"]  # None removes one
    assert got[1]["error"] == "APITimeoutError" and time.monotonic() - t < 10  # the call's 0.5 s, not the client's 30
    assert len(server.requests) == 2  # a timeout on a reused connection is not sent again


def test_final_completion_from_what_compatible_servers_send(rt, server, pki, run):
    # what Ollama, llama.cpp, vLLM and LM Studio are reported to send: a comment line, the role
    # in every chunk, content null at first, unknown fields, an empty data line, a tool call in
    # fragments that repeat its id and name, another whole in one chunk, no usage, and [DONE]
    # without the blank line before the end
    body = sse(
        b": ping\n\n",
        chunk({"role": "assistant", "content": None}, system_fingerprint="fp_local", x_server="llama.cpp"),
        chunk({"role": "assistant", "content": "Hel"}),
        b"data:\n\n",
        chunk({"role": "assistant", "content": "lo"}, timings={"predicted_ms": 3}),
        chunk({"tool_calls": [{"index": 0, "id": "call_a", "type": "function",
                               "function": {"name": "read_sensor", "arguments": "{\"id\": "}}]}),
        chunk({"tool_calls": [{"index": 0, "id": "call_a", "function": {"name": "read_sensor", "arguments": "3}"}}]}),
        chunk({"tool_calls": [{"index": 1, "id": "call_b", "type": "function",
                               "function": {"name": "beep", "arguments": "{}"}}]}),
        chunk({}, finish="tool_calls"),
        done=b"data: [DONE]")
    server.push(interaction("POST", "/v1/chat/completions", 200, body, SSE, chunked=True))
    got, _ = calls(run, rt, server, pki, [{"method": "chat.completions.create", "then": "final",
                                           "kwargs": {"model": "local", "messages": [], "stream": True}}])
    final = got[0]["final"]
    assert got[0]["first"]["choices"][0]["delta"] == {"role": "assistant", "content": None}
    assert final["object"] == "chat.completion" and final["model"] == "local" and "usage" not in final
    msg = final["choices"][0]["message"]
    assert msg["role"] == "assistant" and msg["content"] == "Hello"
    assert msg["tool_calls"] == [
        {"index": 0, "id": "call_a", "type": "function", "function": {"name": "read_sensor", "arguments": '{"id": 3}'}},
        {"index": 1, "id": "call_b", "type": "function", "function": {"name": "beep", "arguments": "{}"}}]
    assert final["choices"][0]["finish_reason"] == "tool_calls"


def test_final_completion_with_usage_and_two_choices(rt, server, pki, run):
    it, _ = fixtures.chat_stream(["", "Hi", " there"])
    server.push(it)
    got, _ = calls(run, rt, server, pki, [{"method": "chat.completions.create", "then": "final",
                                           "kwargs": {"model": "m", "messages": [], "stream": True}}])
    final = got[0]["final"]
    assert final["choices"][0]["message"]["content"] == "Hi there" and final["usage"]["total_tokens"] == 4


def test_stream_items_read_as_openai_pythons(rt, server, pki, run):
    done = {"type": "response.completed", "response": {"id": "resp_1", "status": "completed",
                                                       "output": [{"type": "message", "content": []}]}}
    responses = sse({"type": "response.created", "response": {"id": "resp_1"}},
                    {"type": "response.output_text.delta", "delta": "Hi"}, done, done=b"")
    run_events = (b"event: thread.run.created\ndata: {\"id\": \"run_1\"}\n\n"
                  b'event: thread.message.delta\ndata: {"delta": {"content": [{"text": {"value": "Hi"}}]}}\n\n'
                  b"event: done\ndata: [DONE]\n\n")
    server.push(interaction("POST", "/v1/responses", 200, responses, SSE, chunked=True),
                interaction("POST", "/v1/responses", 200, responses, SSE, chunked=True),
                interaction("POST", "/x", 200, run_events, SSE, chunked=True))
    got, _ = calls(run, rt, server, pki, [
        {"method": "responses.create", "kwargs": {"model": "m", "input": "hi", "stream": True}},
        {"method": "responses.stream", "kwargs": {"model": "m", "input": "hi"}, "then": "final"},
        {"method": "beta.threads.runs.create", "args": ["t_1"], "kwargs": {"assistant_id": "a_1", "stream": True}}])
    assert [e["type"] for e in got[0]] == ["response.created", "response.output_text.delta", "response.completed"]
    assert got[1]["first"]["type"] == "response.created" and got[1]["final"] == done["response"]
    assert got[2] == [{"event": "thread.run.created", "data": {"id": "run_1"}},
                      {"event": "thread.message.delta", "data": {"delta": {"content": [{"text": {"value": "Hi"}}]}}}]


def test_and_poll_helpers_wait_as_the_server_says(rt, server, pki, run):
    def obj(status, ms=None, **kw):
        h = {"Content-Type": "application/json"}
        if ms is not None:
            h["openai-poll-after-ms"] = str(ms)
        return interaction("POST", "/x", 200, dict(kw, status=status), h)

    server.push(obj("queued", id="run_1", thread_id="t_1"), obj("in_progress", 250, id="run_1"),
                obj("requires_action", id="run_1"),
                interaction("POST", "/x", 200, {"id": "file-9"}), obj("in_progress", id="file-9"),
                obj("in_progress", id="file-9"), obj("completed", id="file-9"),
                obj("in_progress", id="vsfb_1"), obj("in_progress", id="vsfb_1"), obj("completed", id="vsfb_1"))
    got, sleeps = calls(run, rt, server, pki, [
        {"method": "beta.threads.runs.create_and_poll", "kwargs": {"thread_id": "t_1", "assistant_id": "a_1"}},
        {"method": "vector_stores.files.upload_and_poll",
         "kwargs": {"vector_store_id": "vs_1", "file": {"@bytes": "notes"}, "poll_interval_ms": 20}},
        {"method": "vector_stores.file_batches.create_and_poll", "args": ["vs_1"],
         "kwargs": {"file_ids": ["file-9"]}}])
    assert got[0]["status"] == "requires_action" and got[1]["status"] == "completed"
    assert got[2] == {"id": "vsfb_1", "status": "completed"}
    assert sleeps == [0.25, 0.02, 1.0]  # the server's openai-poll-after-ms, the caller's, the default (1 s)
    paths = [(r["method"], urlsplit(r["path"]).path) for r in server.requests]
    assert paths == [("POST", "/v1/threads/t_1/runs"), ("GET", "/v1/threads/t_1/runs/run_1"),
                     ("GET", "/v1/threads/t_1/runs/run_1"), ("POST", "/v1/files"),
                     ("POST", "/v1/vector_stores/vs_1/files"),
                     ("GET", "/v1/vector_stores/vs_1/files/file-9"), ("GET", "/v1/vector_stores/vs_1/files/file-9"),
                     ("POST", "/v1/vector_stores/vs_1/file_batches"),
                     ("GET", "/v1/vector_stores/vs_1/file_batches/vsfb_1"),
                     ("GET", "/v1/vector_stores/vs_1/file_batches/vsfb_1")]


def test_compatible_server_error_shapes(rt, server, pki, run):
    server.push(interaction("POST", "/x", 400, {"object": "error", "message": "bad args", "type": "BadRequestError"}),
                interaction("POST", "/x", 404, {"error": "model 'x' not found"}),
                interaction("POST", "/v1/chat/completions", 200,
                            sse(chunk({"content": "a"}), b'event: error\ndata: {"message": "overloaded"}\n\n'), SSE),
                interaction("POST", "/v1/chat/completions", 200,
                            sse(chunk({"content": "a"}), b'data: {"error": {"message": "context too long"}}\n\n'), SSE))
    chat = {"model": "x", "messages": []}
    got, _ = calls(run, rt, server, pki, [{"method": "chat.completions.create", "kwargs": chat},
                                          {"method": "chat.completions.create", "kwargs": chat},
                                          {"method": "chat.completions.create", "kwargs": dict(chat, stream=True)},
                                          {"method": "chat.completions.create", "kwargs": dict(chat, stream=True)}])
    assert got[0]["error"] == "BadRequestError" and got[0]["message"] == "Error code: 400 - bad args"
    assert got[1]["error"] == "NotFoundError" and got[1]["message"] == "Error code: 404 - model 'x' not found"
    assert (got[2]["error"], got[2]["message"]) == ("APIError", "overloaded")
    assert (got[3]["error"], got[3]["message"]) == ("APIError", "context too long")
