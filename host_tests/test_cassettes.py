"""Every chat, chat-stream, moderation and error interaction recorded against api.openai.com in
../shared/cassettes replays through the client's matching method, under both runtimes, with
results equal to CPython's json parse of the recorded body (errors: the class for the status
and the recorded message). Skips, saying so, when ../shared is not beside the project."""
import json
import os

import pytest
from compare import close
from conftest import RUNTIMES, SHARED, client_args
from replay_server import load

CASSETTES = SHARED / "cassettes"
if not CASSETTES.is_dir():
    pytest.skip("../shared/cassettes is absent: the recorded-interaction replay is not checked",
                allow_module_level=True)

ERROR_CLASSES = {400: "BadRequestError", 401: "AuthenticationError", 403: "PermissionDeniedError",
                 404: "NotFoundError", 409: "ConflictError", 422: "UnprocessableEntityError",
                 429: "RateLimitError"}


def _ctype(it):
    return next((v for k, v in it["headers"] if k.lower() == "content-type"), "")


def _sse_payloads(body):
    """The JSON payloads of an event stream up to [DONE], parsed here independently of the
    library: events are separated by blank lines, data lines joined with newlines."""
    out = []
    for block in body.replace(b"\r\n", b"\n").split(b"\n\n"):
        data = [ln[5:].lstrip(b" ") if ln.startswith(b"data:") else None for ln in block.split(b"\n")]
        data = [d for d in data if d is not None]
        if not data:
            continue
        payload = b"\n".join(data)
        if payload == b"[DONE]":
            break
        out.append(json.loads(payload))
    return out


def _job(it):
    path = it["path"].split("?")[0]
    sse = "event-stream" in _ctype(it)
    try:
        body = json.loads(it["req_body"]) if it["req_body"] else None
    except ValueError:  # multipart uploads: not a JSON call
        body = None
    if path == "/v1/chat/completions" and isinstance(body, dict) and "messages" in body:
        return {"kind": "chat", "kwargs": body, "stream": sse}
    if path == "/v1/moderations" and isinstance(body, dict):
        return {"kind": "moderation", "kwargs": body}
    return {"kind": "request", "method": it["method"], "path": path[3:],
            "kwargs": body if isinstance(body, dict) else None, "stream": sse}


def _selected():
    chosen = []
    for d, _, names in sorted(os.walk(CASSETTES)):
        for n in sorted(names):
            if not n.endswith((".json", ".yml", ".yaml")):
                continue
            for it in load(os.path.join(d, n)):
                p = it["path"].split("?")[0]
                if p in ("/v1/chat/completions", "/v1/moderations") or it["status"] >= 400:
                    chosen.append(it)
    return chosen


SELECTED = _selected()


def _expected(it):
    if it["status"] >= 400:
        fallback = "InternalServerError" if it["status"] >= 500 else "APIStatusError"
        return ("error", ERROR_CLASSES.get(it["status"], fallback),
                json.loads(it["body"])["error"]["message"])
    if "event-stream" in _ctype(it):
        return ("value", _sse_payloads(it["body"]))
    return ("value", json.loads(it["body"]))


def test_selection_covers_the_recordings():
    kinds = {(_job(it)["kind"], it["status"] >= 400, "event-stream" in _ctype(it)) for it in SELECTED}
    assert ("chat", False, False) in kinds and ("chat", False, True) in kinds
    assert ("moderation", False, False) in kinds and any(err for _, err, _ in kinds)
    assert len(SELECTED) >= 40


@pytest.mark.parametrize("rt", RUNTIMES)
def test_recorded_interactions_replay(rt, server, pki, run):
    server.push(*SELECTED)
    jobs = [_job(it) for it in SELECTED]
    r = run(rt, "replay", client_args(server, pki, jobs=jobs, max_retries=0), heap="64m")
    assert len(r["results"]) == len(SELECTED)
    for it, got in zip(SELECTED, r["results"]):
        want = _expected(it)
        where = "%s %s (%s)" % (it["method"], it["path"], it["source"])
        if want[0] == "error":
            assert got.get("error") == want[1], (where, got)
            assert want[2] in got["message"] and got["status_code"] == it["status"], (where, got)
        else:
            assert "value" in got, (where, got)
            assert close(got["value"], want[1]), where
    # each call went to the recorded endpoint with the recorded method
    for it, req in zip(SELECTED, server.requests):
        assert (req["method"], req["path"]) == (it["method"], it["path"].split("?")[0])
