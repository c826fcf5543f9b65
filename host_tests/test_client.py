"""End to end over HTTPS through the replay server, under CPython and under MicroPython:
chat (whole, pick, stream), moderation, errors, retries, keep-alive."""
import json

import fixtures
import pytest
from conftest import CLIENTS, RUNTIMES, SENTINEL, client_args
from replay_server import HTML_502, interaction

pytestmark = [pytest.mark.parametrize("rt", RUNTIMES), pytest.mark.parametrize("client", CLIENTS, indirect=True)]

HEADERS_OK = {"Content-Type": "application/json"}


def test_chat_whole_response(rt, server, pki, run):
    it = fixtures.chat()
    server.push(it)
    r = run(rt, "chat", client_args(server, pki))
    assert r["results"] == [json.loads(it["body"])]
    req = server.requests[0]
    assert (req["method"], req["path"]) == ("POST", "/v1/chat/completions")
    assert req["headers"]["authorization"] == "Bearer " + SENTINEL
    assert req["headers"]["content-type"] == "application/json"
    assert int(req["headers"]["content-length"]) == len(req["body"])
    assert json.loads(req["body"]) == {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Hi"}]}


def test_chat_pick(rt, server, pki, run):
    server.push(fixtures.chat("Fine, thanks."), fixtures.chat("Second"))
    r = run(rt, "chat", client_args(server, pki, pick="choices.0.message.content", times=2))
    assert r["results"] == ["Fine, thanks.", "Second"]
    server.push(fixtures.chat("x"))
    r = run(rt, "chat", client_args(server, pki, pick=["usage.total_tokens", "choices.0.finish_reason", "nope"]))
    assert r["results"] == [[20, "stop", None]]


def test_extra_params_go_into_the_body(rt, server, pki, run):
    server.push(fixtures.chat())
    kw = {"model": "gpt-4o", "messages": [], "temperature": 0.5, "max_tokens": 7,
          "response_format": {"type": "json_object"}}
    run(rt, "chat", client_args(server, pki, kwargs=kw))
    assert json.loads(server.requests[0]["body"]) == kw


def test_chat_stream_pick_yields_text(rt, server, pki, run):
    it, events = fixtures.chat_stream(["", "Hel", "lo", " there", "\u00e9\U0001f600"])
    server.push(it)
    r = run(rt, "stream", client_args(server, pki, pick="choices.0.delta.content"))
    assert r["items"] == ["", "Hel", "lo", " there", "\u00e9\U0001f600"]
    assert server.requests[0]["headers"]["accept"] == "text/event-stream"
    assert json.loads(server.requests[0]["body"])["stream"] is True


def test_chat_stream_whole_events_then_reuse(rt, server, pki, run):
    it, events = fixtures.chat_stream(["", "a", "b"])
    server.push(it, fixtures.chat("after"))
    r = run(rt, "stream", client_args(server, pki, then_chat=True))
    assert r["items"] == events
    assert r["after"] == "after"
    assert r["opened"] == 1 and server.handshakes == 1  # the stream ended cleanly: connection reused


def test_abandoned_stream_releases_the_connection(rt, server, pki, run):
    it, _ = fixtures.chat_stream(["w%d" % i for i in range(200)])
    server.push(it, fixtures.chat("after"))
    r = run(rt, "stream", client_args(server, pki, pick="choices.0.delta.content", stop_after=3, then_chat=True,
                                      then_rest=True))
    assert r["items"] == ["", "w1", "w2"]
    assert r["after"] == "after"
    assert r["opened"] == 2  # the half-read stream's connection was closed, a new one made
    # the stream's events left in the receive buffer were overwritten by that call: it says so
    assert r["rest"] == ["APIConnectionError"]


def test_stream_in_band_error(rt, server, pki, run):
    body = (b'data: {"choices":[{"index":0,"delta":{"content":"Hi"}}]}\n\n'
            b'data: {"error": {"message": "The server had an error while processing your request.",'
            b' "type": "server_error", "param": null, "code": null}}\n\n')
    server.push(interaction("POST", "/v1/chat/completions", 200, body, {"Content-Type": "text/event-stream"}))
    r = run(rt, "stream", client_args(server, pki, pick="choices.0.delta.content"))
    assert r["items"][0] == "Hi"
    err = r["items"][1]
    assert err["error"] == "APIError" and err["type"] == "server_error"
    assert "processing your request" in err["message"]


def test_moderation(rt, server, pki, run):
    server.push(fixtures.moderation())
    r = run(rt, "moderation", client_args(server, pki, input="I will hurt you"))
    assert r["result"] == fixtures.MODERATION
    assert json.loads(server.requests[0]["body"]) == {"input": "I will hurt you"}  # no model the caller did not give
    server.push(fixtures.moderation())
    paths = ["results.0.flagged", "results.0.categories", "results.0.category_scores"]
    r = run(rt, "moderation", client_args(server, pki, pick=paths))
    res = fixtures.MODERATION["results"][0]
    assert r["result"] == [True, res["categories"], res["category_scores"]]


@pytest.mark.parametrize("status,cls,code", [
    (400, "BadRequestError", None), (401, "AuthenticationError", "invalid_api_key"),
    (403, "PermissionDeniedError", None), (404, "NotFoundError", "model_not_found"),
    (409, "ConflictError", None), (422, "UnprocessableEntityError", None),
    (429, "RateLimitError", "rate_limit_exceeded"), (500, "InternalServerError", None),
    (503, "InternalServerError", None),
])
def test_errors_map_to_classes(rt, status, cls, code, server, pki, run):
    server.push(fixtures.error(status, "message %d" % status, code=code))
    r = run(rt, "chat", client_args(server, pki, max_retries=0))
    e = r["results"][0]
    assert e["error"] == cls
    assert e["status_code"] == status and e["code"] == code and e["type"] == "invalid_request_error"
    assert e["request_id"] == "req_err_%d" % status
    assert "message %d" % status in e["message"]


def test_html_error_page(rt, server, pki, run):
    server.push(interaction("POST", "/v1/chat/completions", 502, HTML_502, {"Content-Type": "text/html"}))
    r = run(rt, "chat", client_args(server, pki, max_retries=0))
    e = r["results"][0]
    assert e["error"] == "InternalServerError" and e["status_code"] == 502
    assert "502 Bad Gateway" in e["message"]


def test_invalid_json_with_200(rt, server, pki, run):
    server.push(interaction("POST", "/v1/chat/completions", 200, b'{"id": "x", "choices": [', HEADERS_OK))
    r = run(rt, "chat", client_args(server, pki))
    e = r["results"][0]
    assert e["error"] == "APIResponseValidationError" and "at byte" in e["message"]
    assert len(server.requests) == 1  # not retried


def test_retry_after_is_honoured(rt, server, pki, run):
    server.push(fixtures.error(429, "slow down", code="rate_limit_exceeded", headers={"retry-after": "1.5"}),
                fixtures.error(503, "busy", headers={"retry-after-ms": "250"}),
                fixtures.chat("made it"))
    r = run(rt, "chat", client_args(server, pki, pick="choices.0.message.content"))
    assert r["results"] == ["made it"]
    assert r["sleeps"] == [1.5, 0.25]
    assert len(server.requests) == 3


def test_retry_after_is_capped(rt, server, pki, run):
    server.push(fixtures.error(429, "later", headers={"retry-after": "3600"}), fixtures.chat("ok"))
    r = run(rt, "chat", client_args(server, pki, pick="choices.0.message.content"))
    assert r["results"] == ["ok"] and r["sleeps"] == [60]


def test_500_then_200_backs_off(rt, server, pki, run):
    server.push(fixtures.error(500, "oops", type_="server_error"), fixtures.chat("ok"))
    r = run(rt, "chat", client_args(server, pki, pick="choices.0.message.content"))
    assert r["results"] == ["ok"]
    assert len(r["sleeps"]) == 1 and 0.375 <= r["sleeps"][0] <= 0.5  # 0.5 s less up to 25% jitter


def test_retries_run_out(rt, server, pki, run):
    server.push(*[fixtures.error(503, "down", type_="server_error") for _ in range(3)])
    r = run(rt, "chat", client_args(server, pki, max_retries=2))
    assert r["results"][0]["error"] == "InternalServerError"
    s = r["sleeps"]
    assert len(s) == 2 and 0.375 <= s[0] <= 0.5 and 0.75 <= s[1] <= 1.0
    assert len(server.requests) == 3


@pytest.mark.parametrize("status,code", [(429, "insufficient_quota"), (400, None), (401, None)])
def test_not_retried(rt, status, code, server, pki, run):
    server.push(fixtures.error(status, "no", code=code), fixtures.chat("should not get here"))
    r = run(rt, "chat", client_args(server, pki))
    assert r["results"][0]["status_code"] == status and r["sleeps"] == []
    assert len(server.requests) == 1


def test_keep_alive_one_handshake(rt, server, pki, run):
    server.push(*[fixtures.chat("n%d" % i) for i in range(4)])
    r = run(rt, "chat", client_args(server, pki, pick="choices.0.message.content", times=4))
    assert r["results"] == ["n0", "n1", "n2", "n3"]
    assert r["opened"] == 1 and server.connections == 1 and server.handshakes == 1


def test_reused_connection_closed_by_server_reconnects_once(rt, server, pki, run):
    first = fixtures.chat("first")
    first["fault"] = {"close_after": True}  # the server drops the idle connection silently
    server.push(first, fixtures.chat("second"))
    r = run(rt, "chat", client_args(server, pki, pick="choices.0.message.content", times=2))
    assert r["results"] == ["first", "second"]
    assert r["sleeps"] == [] and r["opened"] == 2 and server.handshakes == 2


def test_plain_http_base_url(rt, plain_server, run):
    plain_server.push(fixtures.chat("over http"))
    r = run(rt, "chat", client_args(plain_server, pick="choices.0.message.content"))
    assert r["results"] == ["over http"]


def test_each_consumer_gets_its_answer(rt, server, pki, run, tmp_path):
    # the consumer a call's options choose (OpenAI._call; docs/design.md, "The consumers"):
    # the whole value, bytes for an answer that is not JSON, pick, a sink (which wins over pick),
    # and an HTML page or a binary answer asked for a pick refused as not the answer
    body = {"id": "x", "data": [{"n": 1}, {"n": 2}]}
    mp3 = bytes(range(256)) * 3
    ok = lambda b, ct: interaction("GET", "/v1/thing", 200, b, {"Content-Type": ct})  # noqa: E731
    server.push(ok(body, "application/json"), ok(mp3, "audio/mpeg"), ok(body, "application/json"),
                ok(body, "application/json"), ok(mp3, "audio/mpeg"), ok(body, "application/json"),
                ok(HTML_502, "text/html"))
    sink = str(tmp_path / "out.bin")
    jobs = [{"method": "request", "args": ["GET", "/thing"], "kwargs": kw}
            for kw in ({}, {}, {"pick": "data.1.n"}, {"pick": ["id", "data.0.n", "nope"]}, {"pick": "id"})]
    jobs.append({"method": "request", "args": ["GET", "/thing"], "kwargs": {"pick": "id"}, "sink": sink})
    jobs.append({"method": "request", "args": ["GET", "/thing"]})
    r = run(rt, "calls", client_args(server, pki, jobs=jobs, max_retries=0))["results"]
    assert r[0] == {"value": body}
    assert r[1] == {"value": {"hex": mp3.hex()}}
    assert r[2] == {"value": 2} and r[3] == {"value": ["x", 1, None]}
    assert r[4]["error"] == "APIResponseValidationError"
    got = bytes.fromhex(r[5]["value"]["hex"])  # the JSON answer's bytes, as they came, in the sink
    assert r[5]["value"]["count"] == len(got) and json.loads(got) == body
    assert r[6]["error"] == "APIResponseValidationError" and "HTML page" in r[6]["message"]
    assert len(server.requests) == 7
