"""Fidelity with openai-python (pinned in requirements.txt): every method of the operation table
is called through both libraries, with openai-python's keyword arguments, plainly and with each
per-call option (extra_headers, extra_query, extra_body, timeout), against the same capture
server; both must send the same method, path, query, body and headers, from OpenAI and from
AsyncOpenAI. Runs on CPython (the request each method makes is the same code under MicroPython;
test_operations checks those requests there against the spec)."""
import json
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import openai
import pytest
import tinyopenai
from awaited import async_client
from conftest import CLIENTS
from operations import OPS, RESPONSES_OPS
from replay_server import interaction

# the headers that say something about the request (User-Agent, X-Stainless-*, Host,
# Content-Length, Accept-Encoding and Connection are each library's own)
COMPARED = ("accept", "content-type", "openai-beta", "openai-organization", "openai-project", "authorization",
            "x-extra", "x-default")
OPTIONS = {
    "plain": {},
    "extra_headers": {"extra_headers": {"X-Extra": "1", "Accept": "application/x-test"}},  # one new, one replaced
    "extra_query": {"extra_query": {"q": "1", "tags": ["a", "b"]}},
    "extra_body": {"extra_body": {"extra_field": "x", "nested": {"k": 1}}},
    "timeout": {"timeout": 12.5},
}
FILES = {"@audio": ("speech.mp3", b"ID3" + bytes(range(256)) * 4),
         "@image": ("dot.png", b"\x89PNG\r\n" + b"\x00" * 100),
         "@jsonl": ("train.jsonl", b'{"messages": []}\n' * 4)}


def _answer(op):
    if op in ("createSpeech", "downloadFile"):
        return interaction("POST", "/x", 200, bytes(range(50)), {"Content-Type": "application/octet-stream"})
    if op.startswith("list"):
        return interaction("GET", "/x", 200, {"object": "list", "data": [{"id": "x_1"}], "has_more": False})
    if op == "createEmbedding":
        return interaction("POST", "/x", 200, {"object": "list", "data": [{"object": "embedding", "index": 0,
                                                                             "embedding": "AACAPwAAAEA="}]})
    return interaction("POST", "/x", 200, {"id": "x_123", "object": "thing", "status": "completed"})


def _method(client, dotted) -> Any:
    f = client
    for part in dotted.split("."):
        f = getattr(f, part)
    return f


def _form(headers, body):
    # a multipart body as a sorted list of (name, filename, content type, content)
    msg = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + headers["content-type"].encode() + b"\r\n\r\n" + body)
    return sorted((p.get_param("name", header="content-disposition"), p.get_filename(),
                   p.get_content_type() if p.get_filename() else None, p.get_payload(decode=True))
                  for p in msg.iter_parts())


def _shape(req):
    u = urlsplit(req["path"])
    h = req["headers"]
    shape = {"method": req["method"], "path": u.path, "query": sorted(parse_qsl(u.query, keep_blank_values=True)),
             "headers": {k: h[k] for k in COMPARED if k in h}}
    ctype = h.get("content-type", "")
    if ctype.startswith("multipart/form-data"):
        shape["body"] = _form(h, req["body"])
        shape["headers"]["content-type"] = "multipart/form-data"  # (the boundary is each one's own)
    else:
        shape["body"] = json.loads(req["body"]) if req["body"] else None
    return shape


def _calls(tmp_path):
    paths = {}
    for key, (name, data) in FILES.items():
        (tmp_path / name).write_bytes(data)
        paths[key] = tmp_path / name
    for op, (method, ids, kwargs) in list(OPS.items()) + list(RESPONSES_OPS.items()):
        args = [i.replace("_id", "") + "_123" for i in ids]
        kw = {k: v for k, v in kwargs.items() if v != "@sink"}
        kw.update(zip(ids[1:], args[1:]))  # the first id positionally, the others by name
        yield op, method, args[:1], kw, paths


def _both(server, tmp_path, option, client="blocking", **client_kw):
    theirs = openai.OpenAI(api_key="sk-compare", base_url=server.url, max_retries=0, **client_kw)
    # AsyncOpenAI through blocking calls (portable/awaited.py): its requests are compared the same
    ours = (async_client if client == "async" else tinyopenai.OpenAI)(api_key="sk-compare", base_url=server.url,
                                                                       max_retries=0, **client_kw)
    for op, method, args, kw, paths in _calls(tmp_path):
        server.push(_answer(op), _answer(op))
        kw = dict(kw, **OPTIONS[option])
        # openai-python takes a file as a path object; this library as a path string as well
        got = _method(theirs, method)(*args, **{k: paths.get(v, v) if isinstance(v, str) else v for k, v in kw.items()})
        if hasattr(got, "__iter__") and op.startswith("list"):
            next(iter(got), None)
        r = _method(ours, method)(*args, **{k: str(paths[v]) if isinstance(v, str) and v in paths else v
                                            for k, v in kw.items()})
        if op.startswith("list"):
            next(iter(r), None)  # a listing asks for its first page when it is first read
        yield op, server.requests[-2], server.requests[-1]
    ours.close()
    theirs.close()


@pytest.mark.parametrize("option", sorted(OPTIONS))
@pytest.mark.parametrize("client", CLIENTS, indirect=True)
def test_every_method_sends_what_openai_python_sends(option, client, plain_server, tmp_path):
    differ = []
    for op, theirs, ours in _both(plain_server, tmp_path, option, client):
        a, b = _shape(theirs), _shape(ours)
        # The one deliberate difference: a call that is not a GET carries an Idempotency-Key,
        # the same on each retry (openai-python 3.51 sends none), so a retried POST is done once.
        assert ("idempotency-key" in ours["headers"]) == (ours["method"] != "GET"), op
        if a != b:
            differ.append((op, {k: (a[k], b[k]) for k in a if a[k] != b[k]}))
    assert not differ, "\n".join("%s: %s" % d for d in differ)


@pytest.mark.parametrize("client", CLIENTS, indirect=True)
def test_client_settings_go_out_as_openai_python_sends_them(client, plain_server, tmp_path, monkeypatch):
    monkeypatch.setenv("OPENAI_ORG_ID", "org-env")
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj-env")
    kw = {"default_headers": {"X-Default": "d"}, "default_query": {"dq": "1"}}
    for op, theirs, ours in _both(plain_server, tmp_path, "plain", client, **kw):
        assert _shape(theirs) == _shape(ours), op
        assert ours["headers"]["openai-organization"] == "org-env" and "dq=1" in ours["path"], op


def test_error_body_is_the_inner_error_object(plain_server):
    err = {"error": {"message": "no such model", "type": "invalid_request_error", "code": "model_not_found"}}
    plain_server.push(interaction("POST", "/x", 404, err), interaction("POST", "/x", 404, err))
    got = []
    for lib in (openai, tinyopenai):
        c = lib.OpenAI(api_key="sk-compare", base_url=plain_server.url, max_retries=0)
        with pytest.raises(lib.NotFoundError) as e:
            c.chat.completions.create(model="m", messages=[])
        got.append((e.value.body, e.value.status_code, e.value.code, e.value.message))
    assert got[1] == (err["error"], 404, "model_not_found", got[1][3]) and got[0][:3] == got[1][:3]


def test_forms_lists_and_files_go_out_as_openai_python_sends_them(plain_server, tmp_path):
    # lists in a form (timestamp_granularities[]) and a query (include[]), several images
    # (image[]), nested fields (expires_after[anchor]), and files given as a file object, as
    # bytes and as a path: named as openai-python names them
    png, mp3 = tmp_path / "a.png", tmp_path / "talk.mp3"
    png.write_bytes(b"\x89PNG\r\n" + b"\x01" * 50)
    mp3.write_bytes(b"ID3" + b"\x02" * 60)
    calls = [
        ("images.edit", [], {"image": ["@png", "@png"], "prompt": "hats"}),
        ("audio.transcriptions.create", [], {"file": "@mp3", "model": "whisper-1", "response_format": "verbose_json",
                                             "timestamp_granularities": ["word", "segment"]}),
        ("beta.threads.runs.create", ["thread_1"], {"assistant_id": "asst_1",
                                                    "include": ["step_details.tool_calls[*].file_search.results"]}),
        ("files.create", [], {"file": "@open", "purpose": "assistants",
                              "expires_after": {"anchor": "created_at", "seconds": 3600}}),
        ("files.create", [], {"file": b"raw bytes", "purpose": "batch"}),
        ("files.list", [], {"purpose": "assistants", "order": "asc", "limit": 3}),
        ("beta.threads.runs.steps.list", ["run_1"], {"thread_id": "thread_1", "include": ["a", "b"]}),
    ]
    theirs = openai.OpenAI(api_key="sk-compare", base_url=plain_server.url, max_retries=0)
    ours = tinyopenai.OpenAI(api_key="sk-compare", base_url=plain_server.url, max_retries=0)

    def given(v, lib):
        if v == "@png":
            return png if lib is openai else str(png)
        if v == "@mp3":
            return mp3 if lib is openai else str(mp3)
        if v == "@open":
            return open(png, "rb")  # noqa: SIM115  (both take an open file and read it)
        if isinstance(v, list):
            return [given(x, lib) for x in v]
        return v

    for method, args, kw in calls:
        shapes = []
        for lib, client in ((openai, theirs), (tinyopenai, ours)):
            plain_server.push(_answer("list" if method.endswith("list") else "x"))
            r = _method(client, method)(*args, **{k: given(v, lib) for k, v in kw.items()})
            if method.endswith("list"):
                next(iter(r), None)
            shapes.append(_shape(plain_server.requests[-1]))
        assert shapes[0] == shapes[1], (method, shapes)
