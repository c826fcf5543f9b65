"""The fault matrix, under both runtimes: every way the network or the API can fail ends in the
documented typed error, or in a successful retry, within its timeout (the runner's subprocess
timeout and pytest-timeout catch a hang), with no socket left behind: a transport fault closes
the connection; a complete HTTP answer (an error page, a bad 200 body read to its end) leaves it
clean, and the next call reuses it."""
import socket

import fixtures
import pytest
from conftest import CLIENTS, RUNTIMES, client_args
from replay_server import HTML_502, interaction

pytestmark = [pytest.mark.parametrize("rt", RUNTIMES), pytest.mark.parametrize("client", CLIENTS, indirect=True),
              pytest.mark.timeout(120)]


def chat_with(fault, content="ok", **kw):
    it = fixtures.chat(content, **kw)
    it["fault"] = fault
    return it


HEAD_LEN = len(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")

# name -> (responses to serve, client options, expected error class or None for success)
# (the transport faults are those that cannot leave the connection in a clean state)
TRANSPORT = {"APIConnectionError", "APITimeoutError"}
MATRIX = {
    "reset before the status line": ([chat_with({"close_before_status": True})], {}, "APIConnectionError"),
    "reset in the headers": ([chat_with({"reset_after": HEAD_LEN})], {}, "APIConnectionError"),
    "reset in the body": ([chat_with({"reset_after": 400}, "x" * 3000)], {}, "APIConnectionError"),
    "truncated chunked body": ([chat_with({"truncate_chunked": True}, "y" * 3000)], {}, "APIConnectionError"),
    "stall before answering": ([chat_with({"stall": 4})], {"timeout": 1}, "APITimeoutError"),
    "stall in the body": ([chat_with({"stall_after": 300, "stall_for": 4}, "z" * 3000)], {"timeout": 1},
                          "APITimeoutError"),
    "oversized headers": ([chat_with({"extra_headers": [("X-Huge", "h" * 20000)]})], {}, "APIConnectionError"),
    "HTML 502 page": ([interaction("POST", "/v1/chat/completions", 502, HTML_502, {"Content-Type": "text/html"})],
                      {}, "InternalServerError"),
    "invalid JSON with 200": ([interaction("POST", "/v1/chat/completions", 200, b'{"choices": [{"message": {',
                                           {"Content-Type": "application/json"})], {}, "APIResponseValidationError"),
    "wrong Content-Type (HTML with 200)": ([interaction("POST", "/v1/chat/completions", 200, HTML_502,
                                                        {"Content-Type": "text/html; charset=utf-8"})], {},
                                           "APIResponseValidationError"),
    "503 exhausting retries": ([fixtures.error(503, "down", type_="server_error") for _ in range(3)],
                               {"max_retries": 2}, "InternalServerError"),
    "reset then success": ([chat_with({"reset_after": 400}, "x" * 3000), fixtures.chat("second try")],
                           {"max_retries": 1, "pick": "choices.0.message.content"}, None),
    "500 then 200": ([fixtures.error(500, "oops", type_="server_error"), fixtures.chat("recovered")],
                     {"max_retries": 1, "pick": "choices.0.message.content"}, None),
    "429 Retry-After then 200": ([fixtures.error(429, "wait", headers={"retry-after": "2"}), fixtures.chat("later")],
                                 {"max_retries": 1, "pick": "choices.0.message.content"}, None),
}

# what the message says (a reset can also surface as an OSError while reading, with its errno)
LOST = "connection lost while reading ("
MESSAGES = {
    "reset before the status line": ("server closed the connection before answering",),
    "reset in the headers": ("connection closed in the response headers", LOST),
    "reset in the body": ("connection closed before the end of the body (truncated response)", LOST),
    "truncated chunked body": ("connection closed in a chunked body (truncated response)",),
    "stall before answering": ("Request timed out. (",),
    "stall in the body": ("Request timed out. (",),
    "oversized headers": ("response headers larger than 8192 bytes",),
    "invalid JSON with 200": ("malformed JSON in response: truncated input, expected a string key at byte 26",),
}


@pytest.mark.parametrize("name", list(MATRIX))
def test_fault(rt, name, server, pki, run):
    responses, opts, want = MATRIX[name]
    clean_answer = want is not None and want not in TRANSPORT
    server.push(*responses)
    if clean_answer:
        server.push(fixtures.chat("next"))
    args = client_args(server, pki, **dict({"max_retries": 0, "timeout": 5, "then_chat": clean_answer}, **opts))
    r = run(rt, "chat", args)
    res = r["results"][0]
    if want is None:
        assert not (isinstance(res, dict) and "error" in res), res
        assert len(r["sleeps"]) == 1
        return
    assert isinstance(res, dict) and res.get("error") == want, res
    if name in MESSAGES:  # the whole text, from the message catalog (tinyopenai/_messages.py)
        assert any(res["message"].startswith(m) for m in MESSAGES[name]), res
    if clean_answer:  # the answer was read to its end: the same connection serves the next call
        assert r["after"] == "next" and r["opened"] == 1, r
        assert len(server.requests) == 2 + args["max_retries"]
    else:
        assert not r["open_after"]  # the broken connection was closed
        assert len(server.requests) == 1 + args["max_retries"]


def test_dns_failure(rt, run):
    r = run(rt, "chat", {"url": "https://no-such-host.invalid/v1", "max_retries": 0, "timeout": 5})
    e = r["results"][0]
    assert e["error"] == "APIConnectionError" and "no-such-host.invalid" in e["message"]
    assert not r["open_after"]


def test_refused_connection(rt, run):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    r = run(rt, "chat", {"url": "http://127.0.0.1:%d/v1" % port, "max_retries": 1})
    assert r["results"][0]["error"] == "APIConnectionError" and len(r["sleeps"]) == 1
    assert not r["open_after"]
