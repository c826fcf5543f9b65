"""Every chat, chat-stream, moderation and error interaction recorded against api.openai.com in
../shared/cassettes replays through the client's matching method, under both runtimes, with
results equal to CPython's json parse of the recorded body (errors: the class for the status
and the recorded message), on both clients. Skips, saying so, when ../shared is not beside the
project."""
import json
import os

import pytest
from compare import close
from conftest import CLIENTS, RUNTIMES, SHARED, client_args
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
@pytest.mark.parametrize("client", CLIENTS, indirect=True)
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


# --- every recorded interaction, every endpoint ------------------------------------------------

UPLOADS = {"createFile": "file", "createTranscription": "file", "createTranslation": "file",
           "createImageEdit": "image", "createImageVariation": "image"}
# these stream {"event": name, "data": payload} items, as openai-python's Assistants events
PAIRS = {"beta.threads.runs.create", "beta.threads.create_and_run", "beta.threads.runs.submit_tool_outputs"}


def _routes():
    import re

    from operations import OPS, RESPONSES_OPS
    from test_operations import SPEC_NEW, SPEC_OLD, spec_ops

    table = []
    for spec, ops in ((SPEC_OLD, OPS), (SPEC_NEW, RESPONSES_OPS)):
        for op, (method, path) in spec_ops(spec).items():
            if op in ops:
                rx = re.compile("^/v1" + re.sub(r"{(\w+)}", r"(?P<\1>[^/]+)", path) + "$")
                table.append((path.count("{"), method, rx, op, ops[op]))
    return sorted(table, key=lambda t: t[0])  # literal paths (/threads/runs) before templates


def _form(body):
    # the fields and files of a recorded multipart body
    from werkzeug.test import EnvironBuilder
    from werkzeug.wrappers import Request

    boundary = body.split(b"\r\n", 1)[0][2:].decode()
    env = EnvironBuilder(method="POST", data=body, content_type="multipart/form-data; boundary=\"%s\"" % boundary)
    req = Request(env.get_environ())
    fields = {k: (req.form.getlist(k) if k.endswith("[]") else req.form[k]) for k in req.form}
    files = {k: (f.filename, f.read()) for k, f in req.files.items()}
    return fields, files


def _float32s(v):
    import base64
    import struct

    raw = base64.b64decode(v) if isinstance(v, str) else struct.pack("<%df" % len(v), *v)
    return list(struct.unpack("<%df" % (len(raw) // 4), raw))


def _events(body):
    out, name, data = [], None, None
    for line in body.replace(b"\r\n", b"\n").split(b"\n"):
        if not line:
            if data is not None:
                if data == b"[DONE]" or name == "done":
                    break
                out.append([name, json.loads(data)])
            name, data = None, None
        elif line.startswith(b"event:"):
            name = line[6:].strip().decode()
        elif line.startswith(b"data:"):
            d = line[5:][1:] if line[5:6] == b" " else line[5:]
            data = d if data is None else data + b"\n" + d
    return out


def _job_and_expectation(it, routes, tmp_path, n):
    from urllib.parse import parse_qsl, urlsplit

    u = urlsplit(it["path"])
    sse = "event-stream" in _ctype(it)
    route = next(((op, rx.match(u.path), spec) for _, m, rx, op, spec in routes
                  if m == it["method"] and rx.match(u.path)), None)
    body = it["req_body"] or b""
    kwargs, job = {}, {}
    if body.startswith(b"--"):
        fields, files = _form(body)
        kwargs.update(fields)
        for name, (fname, data) in files.items():
            p = tmp_path / ("%d-%s" % (n, fname or "upload.bin"))
            p.write_bytes(data)
            kwargs[name] = str(p)
    elif body:
        try:
            kwargs.update(json.loads(body))
        except ValueError:
            pass
    kwargs.update(parse_qsl(u.query))
    if route is None:  # not in the spec (or a newer endpoint): the generic call
        job = {"method": "request", "args": [it["method"], u.path[3:]],
               "kwargs": {"body": kwargs or None, "stream": sse}}
        method = "request"
    else:
        op, m, (method, ids, _) = route
        job = {"method": method, "args": [m.group(i) for i in ids[:1]], "kwargs": kwargs}
        kwargs.update((i, m.group(i)) for i in ids[1:])  # the first id positionally, the others by name
        if not body and op in UPLOADS:  # openai-dotnet recorded no multipart bodies: a small upload
            p = tmp_path / ("%d-upload.bin" % n)
            p.write_bytes(b"\x00tinyopenai upload\n" * 50)
            kwargs[UPLOADS[op]] = str(p)
            if op == "createFile" and it["status"] < 400:
                kwargs["purpose"] = json.loads(it["body"])["purpose"]
            elif op == "createFile":
                kwargs["purpose"] = "assistants"
    if it["status"] >= 400:
        want = ("error",) + _expected(it)[1:]
    elif sse:
        ev = _events(it["body"])
        if method in PAIRS or method == "request" and any(name for name, _ in ev):
            want = ("value", [{"event": n, "data": d} for n, d in ev] if method in PAIRS else [d for _, d in ev])
        elif method.startswith("audio."):
            want = ("value", it["body"].decode())
        else:
            want = ("value", [d for _, d in ev])
    elif "json" in _ctype(it):
        v = json.loads(it["body"])
        if isinstance(v, dict) and v.get("object") == "list" and method.endswith(("list", "list_events", "list_files")):
            job["limit"] = len(v["data"])
            v = v["data"]
        if method == "embeddings.create":
            for d in v["data"]:
                d["embedding"] = _float32s(d["embedding"])
        want = ("value", v)
    elif method.startswith("audio.transcriptions") or method.startswith("audio.translations"):
        want = ("value", it["body"].decode())
    else:  # binary: speech audio, file content -> a sink
        job["sink"] = str(tmp_path / ("%d.bin" % n))
        want = ("value", {"count": len(it["body"]), "hex": it["body"].hex()})
    return job, want


@pytest.mark.parametrize("client", CLIENTS, indirect=True)
def test_every_recorded_interaction_replays(run, server, pki, tmp_path):
    """Under both runtimes (one parametrized run each would double a long test: CPython here,
    MicroPython below with the same jobs)."""
    _replay_all("cpython", run, server, pki, tmp_path)


@pytest.mark.parametrize("client", CLIENTS, indirect=True)
def test_every_recorded_interaction_replays_micropython(run, server, pki, tmp_path):
    _replay_all("micropython", run, server, pki, tmp_path)


def _replay_all(rt, run, server, pki, tmp_path):
    routes = _routes()
    items = []
    for d, _, names in sorted(os.walk(CASSETTES)):
        for name in sorted(names):
            if name.endswith((".json", ".yml", ".yaml")):
                items += load(os.path.join(d, name))
    jobs, wants = [], []
    for n, it in enumerate(items):
        job, want = _job_and_expectation(it, routes, tmp_path, n)
        jobs.append(job)
        wants.append(want)
    assert len(items) >= 140
    server.push(*items)
    r = run(rt, "calls", client_args(server, pki, jobs=jobs, max_retries=0), heap="64m")
    assert len(server.requests) == len(items)  # one request per recording, none more
    for it, job, want, got in zip(items, jobs, wants, r["results"], strict=True):
        where = "%s %s -> %s (%s)" % (it["method"], it["path"], job["method"], it["source"])
        if want[0] == "error":
            assert got.get("error") == want[1] and want[2] in got["message"], (where, got)
        else:
            assert "value" in got, (where, got)
            assert close(got["value"], want[1]), where
    from urllib.parse import unquote

    for it, req in zip(items, server.requests, strict=True):  # ft:123 and ft%3A123 are the same path
        assert (req["method"], unquote(req["path"].split("?")[0])) == (it["method"], unquote(it["path"].split("?")[0]))
