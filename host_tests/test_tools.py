"""chat.completions.run_tools, the tool-calling loop, under CPython, the 64-bit port and the twin
(scenario `tools` in portable/scenarios.py: two device functions, one of which raises). The
answers are scripted in the shape of the API's tool_calls answers (as in the chat recordings of
../shared/cassettes); the checks are on what the server was sent back."""
import json

import fixtures
import pytest
from conftest import CLIENTS, RUNTIMES, client_args
from replay_server import interaction

CALLS = [
    ("call_1", "read_temperature", '{"sensor": "greenhouse"}'),
    ("call_2", "set_led", '{"on": true}'),
    ("call_3", "reboot", "{}"),
    ("call_4", "read_temperature", '{"sensor": '),
    ("call_5", "read_temperature", "[1]"),
    ("call_6", "read_temperature", {"sensor": "shed"}),  # an object, as some LAN servers send it
]
FINAL = "It is 21.5 C in the greenhouse; the LED could not be lit."


def tool_call_answer():
    body = fixtures.chat_body()
    msg = body["choices"][0]["message"]
    msg["content"] = None  # (a message with tool calls has no text)
    msg["tool_calls"] = [{"id": i, "type": "function", "function": {"name": n, "arguments": a}} for i, n, a in CALLS]
    body["choices"][0]["finish_reason"] = "tool_calls"
    return interaction("POST", "/v1/chat/completions", 200, body)


def tool_call_stream():
    # the same calls as deltas: each call's arguments split over two chunks, merged by index
    def chunk(delta, finish=None):
        return {"id": "chatcmpl-t", "object": "chat.completion.chunk", "created": 1, "model": "m",
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}

    events = [chunk({"role": "assistant", "content": None})]
    for k, (i, n, a) in enumerate(CALLS):
        a = json.dumps(a) if isinstance(a, dict) else a  # (deltas carry text only)
        half = len(a) // 2
        events.append(chunk({"tool_calls": [{"index": k, "id": i, "type": "function",
                                             "function": {"name": n, "arguments": a[:half]}}]}))
        events.append(chunk({"tool_calls": [{"index": k, "function": {"arguments": a[half:]}}]}))
    events.append(chunk({}, "tool_calls"))
    body = b"".join(b"data: " + json.dumps(e).encode() + b"\n\n" for e in events) + b"data: [DONE]\n\n"
    return interaction("POST", "/v1/chat/completions", 200, body, {"Content-Type": "text/event-stream"})


def check_second_request(server, streamed=False):
    first, second = (json.loads(r["body"]) for r in server.requests[:2])
    names = sorted(t["function"]["name"] for t in first["tools"])
    assert names == ["read_temperature", "set_led"]
    temp = [t["function"] for t in first["tools"] if t["function"]["name"] == "read_temperature"][0]
    assert temp["description"] == "Read one sensor" and temp["parameters"]["required"] == ["sensor"]
    assert first["temperature"] == 0 and second["temperature"] == 0 and second["tools"] == first["tools"]
    msgs = second["messages"]
    assert [m["role"] for m in msgs] == ["user", "assistant"] + ["tool"] * len(CALLS)
    assert [c["id"] for c in msgs[1]["tool_calls"]] == [c[0] for c in CALLS]
    given = [json.dumps(c[2]) if streamed and isinstance(c[2], dict) else c[2] for c in CALLS]
    assert [c["function"]["arguments"] for c in msgs[1]["tool_calls"]] == given  # sent back as they came
    out = {m["tool_call_id"]: m["content"] for m in msgs[2:]}
    assert json.loads(out["call_1"]) == {"sensor": "greenhouse", "celsius": 21.5}
    assert out["call_2"] == "error: ValueError: the LED is not wired"
    assert out["call_3"] == "error: there is no tool named 'reboot'"
    assert out["call_4"] == "error: the arguments are not valid JSON"
    assert out["call_5"] == "error: the arguments must be a JSON object"
    assert json.loads(out["call_6"]) == {"sensor": "shed", "celsius": 21.5}


@pytest.mark.parametrize("rt", RUNTIMES)
@pytest.mark.parametrize("client", CLIENTS, indirect=True)
def test_run_tools_runs_the_calls_and_sends_back_outputs_and_errors(rt, server, pki, run):
    server.push(tool_call_answer(), fixtures.chat(FINAL))
    r = run(rt, "tools", client_args(server, pki))
    assert r["answer"] == FINAL, r
    assert r["calls"] == [["read_temperature", "greenhouse"], ["set_led", True], ["read_temperature", "shed"]]
    assert len(server.requests) == 2
    check_second_request(server)
    assert len(r["messages"]) == 2 + len(CALLS)  # the caller's list holds the conversation


@pytest.mark.parametrize("rt", RUNTIMES)
@pytest.mark.parametrize("client", CLIENTS, indirect=True)
def test_run_tools_streamed_merges_the_call_deltas(rt, server, pki, run):
    final, events = fixtures.chat_stream(["", "It", " is", " 21.5", " C"])  # (the first carries the role)
    server.push(tool_call_stream(), final)
    r = run(rt, "tools", client_args(server, pki, stream=True))
    assert r["answer"] == "It is 21.5 C", r
    assert r["chunks"] == 2 + 2 * len(CALLS) + len(events)
    assert all(json.loads(q["body"])["stream"] is True for q in server.requests)
    check_second_request(server, streamed=True)


@pytest.mark.parametrize("rt", RUNTIMES)
@pytest.mark.parametrize("client", CLIENTS, indirect=True)
def test_run_tools_stops_after_max_rounds_with_a_typed_error(rt, server, pki, run):
    server.push(tool_call_answer(), tool_call_answer(), tool_call_answer())
    r = run(rt, "tools", client_args(server, pki, max_rounds=2))
    assert r["answer"]["error"] == "OpenAIError", r
    assert "still called tools after 2 rounds" in r["answer"]["message"]
    assert len(server.requests) == 2


def test_run_tools_refuses_a_tool_that_is_not_callable(server, pki):
    from tinyopenai import OpenAI

    c = OpenAI(base_url=server.url, ca=pki.ca_der)
    with pytest.raises(TypeError, match="must be a callable"):
        c.chat.completions.run_tools(model="m", messages=[], tools={"x": ("not callable", {})})
    with pytest.raises(TypeError, match="takes no pick"):
        c.chat.completions.run_tools(model="m", messages=[], tools={}, pick="choices")
    assert server.requests == []
