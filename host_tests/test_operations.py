"""Coverage and contract: every operationId of the 2.0.0 spec (and the Responses API of 2.3.0)
has a method, docs/operations.md says which, and the request each method sends (captured by
the replay server) validates against the spec with openapi-core, under both runtimes. The spec
checks skip, saying so, without ../shared."""
import json
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from conftest import CLIENTS, ROOT, RUNTIMES, SHARED, client_args
from operations import OPS, RESPONSES_OPS, operations_page
from replay_server import interaction

SPEC_OLD = SHARED / "openapi" / "openai-2.0.0.yaml"
SPEC_NEW = SHARED / "openapi" / "openai-2.3.0.yaml"
needs_specs = pytest.mark.skipif(not SPEC_OLD.exists(), reason="../shared/openapi is absent: spec checks not run")


def spec_ops(path):
    import yaml

    doc = yaml.safe_load(path.read_text())
    out = {}
    for p, item in doc["paths"].items():
        for m, op in item.items():
            if m in ("get", "post", "delete", "put", "patch") and "?" not in p:
                out[op["operationId"]] = (m.upper(), p)
    return out


def test_the_operations_page_is_generated_from_the_table():
    # docs/operations.md is what `python host_tests/operations.py` writes from OPS
    assert (ROOT / "docs" / "operations.md").read_text() == operations_page()


@needs_specs
def test_every_operation_has_a_method():
    old = spec_ops(SPEC_OLD)
    assert len(old) == 64 and set(OPS) == set(old)
    new = spec_ops(SPEC_NEW)
    assert set(RESPONSES_OPS) <= set(new)
    for op, (_, ids, _) in list(OPS.items()) + list(RESPONSES_OPS.items()):
        _, path = old.get(op) or new[op]
        assert set(ids) == set(re.findall(r"{(\w+)}", path)), op  # the method takes exactly the path's ids


ID_VALUES = {"model": "ft:gpt-4o-mini:org:custom"}  # a model id that needs quoting


def _call_jobs(tmp_path):
    files = {"@audio": ("speech.mp3", b"ID3" + bytes(range(256)) * 8),
             "@image": ("dot.png", b"\x89PNG\r\n" + b"\x00" * 300),
             "@jsonl": ("train.jsonl", b'{"messages": []}\n' * 20)}
    paths = {}
    for key, (name, data) in files.items():
        (tmp_path / name).write_bytes(data)
        paths[key] = str(tmp_path / name)
    jobs = []
    for op, (method, ids, kwargs) in list(OPS.items()) + list(RESPONSES_OPS.items()):
        kw = {k: paths.get(v, v) if isinstance(v, str) else v for k, v in kwargs.items() if v != "@sink"}
        values = [ID_VALUES.get(i, i.replace("_id", "") + "_123") for i in ids]
        kw.update(zip(ids[1:], values[1:]))  # the first id positionally, the others by name
        job = {"op": op, "method": method, "args": values[:1], "kwargs": kw}
        if kwargs.get("sink") == "@sink":
            job["sink"] = str(tmp_path / (op + ".bin"))
        jobs.append(job)
    return jobs


def _canned(op):
    if op in ("createSpeech", "downloadFile"):
        return interaction("POST", "/x", 200, bytes(range(200)) * 10, {"Content-Type": "application/octet-stream"})
    if op.startswith("list"):
        return interaction("GET", "/x", 200, {"object": "list", "data": [], "has_more": False})
    if op == "createEmbedding":
        return interaction("POST", "/x", 200, {"object": "list", "data": [{"object": "embedding", "index": 0,
                                                                             "embedding": "AACAPwAAAEA="}]})
    return interaction("POST", "/x", 200, {"id": "x_123", "object": "thing", "status": "completed"})


# In 2.0.0 the bodies of createRun and createThreadAndRun require thread_id yet allow no such
# property (additionalProperties: false), so no request can pass: 2.3.0 fixed both (assistant_id
# only), and these two are checked against it.
SPEC_DEFECTS = {"createThreadAndRun", "createRun"}


def _validate(requests, jobs):
    from openapi_core import Config, OpenAPI
    from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest
    from werkzeug.test import EnvironBuilder
    from werkzeug.wrappers import Request

    # 2.3.0 as published fails openapi-spec-validator (a schema lists 'required' names twice):
    # requests are still validated against it, the spec itself is not.
    lax = Config(spec_validator_cls=None)  # pyright: ignore[reportArgumentType]  (openapi-core's documented off switch)
    specs = {"old": OpenAPI.from_file_path(str(SPEC_OLD)), "new": OpenAPI.from_file_path(str(SPEC_NEW), config=lax)}
    for job, req in zip(jobs, requests, strict=True):
        u = urlsplit(req["path"])
        env = EnvironBuilder(method=req["method"], path=u.path, query_string=u.query, base_url="https://api.openai.com",
                             data=req["body"], headers={k: v for k, v in req["headers"].items() if k != "host"})
        if req["headers"].get("content-type", "").startswith("multipart/"):
            _validate_form(Request(env.get_environ()), job["op"])
            continue
        spec = specs["new" if job["op"] in RESPONSES_OPS or job["op"] in SPEC_DEFECTS else "old"]
        try:
            spec.validate_request(WerkzeugOpenAPIRequest(Request(env.get_environ())))
        except Exception as e:
            raise AssertionError("%s: %s" % (job["op"], str(e)[:300])) from None


def _validate_form(request, op):
    # openapi-core hands every multipart part over as bytes, so string fields never validate:
    # the form is parsed here (text fields as str, files as a placeholder) and checked against
    # the operation's own schema from the spec.
    import yaml
    from openapi_schema_validator import OAS30Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    doc = yaml.safe_load(SPEC_OLD.read_text())
    method, path = spec_ops(SPEC_OLD)[op]
    schema = doc["paths"][path][method.lower()]["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert request.path == "/v1" + path
    form = {}
    for k in request.form:
        values = request.form.getlist(k)
        form[k] = values if k.endswith("[]") else values[0]
    for k in request.files:
        form[k] = "<file %s>" % request.files[k].filename
    for k, v in list(form.items()):  # numbers travel as text in a form
        if isinstance(v, str) and v.replace(".", "", 1).isdigit():
            form[k] = float(v)
    registry = Registry().with_resource("urn:spec", Resource.from_contents(doc, default_specification=DRAFT4))
    ref = schema["$ref"].replace("#", "urn:spec#", 1) if "$ref" in schema else None
    validator = OAS30Validator({"$ref": ref} if ref else schema, registry=registry)
    errors = [e.message for e in validator.iter_errors(form)]
    assert not errors, (op, form, errors)


@needs_specs
@pytest.mark.parametrize("rt", RUNTIMES)
@pytest.mark.parametrize("client", CLIENTS, indirect=True)
def test_every_request_validates_against_the_spec(rt, server, pki, run, tmp_path):
    jobs = _call_jobs(tmp_path)
    server.push(*[_canned(j["op"]) for j in jobs])
    r = run(rt, "calls", client_args(server, pki, jobs=[{k: v for k, v in j.items() if k != "op"} for j in jobs],
                                     max_retries=0))
    for job, res in zip(jobs, r["results"], strict=True):
        assert "error" not in res, (job["op"], res)
    assert len(server.requests) == len(jobs)
    _validate(server.requests, jobs)
    by_op = {j["op"]: req for j, req in zip(jobs, server.requests, strict=True)}
    # path ids are quoted; the assistants family says which API version it speaks
    assert by_op["retrieveModel"]["path"] == "/v1/models/ft%3Agpt-4o-mini%3Aorg%3Acustom"
    for op, req in by_op.items():
        method = (OPS.get(op) or RESPONSES_OPS[op])[0]
        beta = method.startswith(("beta.", "vector_stores."))
        assert (req["headers"].get("openai-beta") == "assistants=v2") == beta, op
    assert dict(parse_qsl(urlsplit(by_op["listAssistants"]["path"]).query)) == {"limit": "2", "order": "desc"}
    assert json.loads(by_op["createEmbedding"]["body"])["encoding_format"] == "base64"
    assert by_op["createFile"]["headers"]["content-type"].startswith("multipart/form-data; boundary=")
    # results: the sink got the exact bytes, the embedding came back as floats
    res = {j["op"]: x["value"] for j, x in zip(jobs, r["results"], strict=True)}
    assert res["createSpeech"] == {"count": 2000, "hex": (bytes(range(200)) * 10).hex()}
    assert res["createEmbedding"]["data"][0]["embedding"] == [1.0, 2.0]


def test_path_ids_are_quoted():
    from tinyopenai._api import quote

    assert quote("a/b c?d#é") == "a%2Fb%20c%3Fd%23%C3%A9" and quote("file-AbC_1.x~") == "file-AbC_1.x~"
