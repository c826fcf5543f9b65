"""The replay server: every cassette format it reads, matching, the request log, counters,
framing, and its command line."""
import gzip
import http.client
import json
import ssl
import subprocess
import sys

import pytest
from conftest import ROOT
from replay_server import ReplayServer, load

CASS = ROOT / "host_tests" / "cassettes"


def test_vcrpy_gzip_binary_body_is_decompressed():
    (it,) = load(str(CASS / "vcrpy_gzip.yaml"))
    assert (it["method"], it["path"], it["status"]) == ("POST", "/v1/moderations", 200)
    body = json.loads(it["body"])
    assert body["results"][0]["flagged"] is True
    assert all(k.lower() != "content-encoding" for k, _ in it["headers"])  # served decoded


def test_vcrpy_legacy_httpx_layout_is_not_gunzipped():
    (it,) = load(str(CASS / "vcrpy_legacy_httpx.yaml"))
    assert it["status"] == 401 and json.loads(it["body"])["error"]["code"] == "invalid_api_key"


def test_ruby_vcr_with_psych_binary_and_sse():
    a, b = load(str(CASS / "ruby_vcr.yml"))
    assert a["method"] == "POST" and a["req_body"].startswith(b"--boundary\r\n")
    assert json.loads(a["body"]) == {"text": "It's a test."}
    assert b["body"].startswith(b"data: {") and b["body"].endswith(b"data: [DONE]\r\n\r\n") and b["chunked"]


def test_dotnet_session_record():
    a, b = load(str(CASS / "dotnet.json"))
    assert json.loads(a["body"])["choices"][0]["message"]["content"].startswith("Hello!")
    assert b["body"] == (b'data: {"choices":[{"index":0,"delta":{"content":"Hel"}}]}\n\n'
                         b'data: {"choices":[{"index":0,"delta":{"content":"lo"}}]}\n\ndata: [DONE]\n\n')
    assert json.loads(b["req_body"])["stream"] is True


def test_raw_http_capture():
    (it,) = load(str(CASS / "chat.http"))
    assert it["status"] == 200 and it["chunked"]
    assert json.loads(it["body"])["choices"][0]["message"]["content"] == "From a raw capture."


def _get(srv, method, path, body=None, conn=None):
    c = conn or http.client.HTTPConnection("127.0.0.1", srv.port, timeout=5)
    c.request(method, path, body=body, headers={"Content-Type": "application/json"})
    r = c.getresponse()
    return c, r.status, dict((k.lower(), v) for k, v in r.getheaders()), r.read()


def test_matching_by_body_log_and_keep_alive():
    items = load(str(CASS / "dotnet.json")) + load(str(CASS / "vcrpy_gzip.yaml"))
    with ReplayServer(items) as srv:
        body_stream = json.dumps({"messages": [{"role": "user", "content": "Hello, assistant!"}],
                                  "model": "gpt-4o-mini", "stream": True})
        c, status, headers, body = _get(srv, "POST", "/v1/chat/completions", body_stream)
        assert status == 200 and headers["transfer-encoding"] == "chunked" and body.startswith(b"data:")
        c, status, headers, body = _get(srv, "POST", "/v1/chat/completions", '{"model": "x", "messages": []}', c)
        assert json.loads(body)["object"] == "chat.completion" and "content-length" in headers
        c, status, _, body = _get(srv, "POST", "/v1/moderations", "{}", c)
        assert status == 200 and json.loads(body)["id"].startswith("modr-")
        c, status, _, body = _get(srv, "GET", "/v1/nothing", None, c)
        assert status == 404 and b"no recording" in body
        assert srv.connections == 1 and [r["path"] for r in srv.requests] == [
            "/v1/chat/completions", "/v1/chat/completions", "/v1/moderations", "/v1/nothing"]
        assert json.loads(srv.requests[0]["body"])["stream"] is True



def test_a_request_cut_off_mid_body_is_not_acted_on():
    # a client killed while sending: a real server never sees a whole request, so neither a log
    # entry nor an answer (the device test's SIGKILLs land here now and then)
    import socket
    import time

    with ReplayServer(load(str(CASS / "vcrpy_gzip.yaml"))) as srv:
        s = socket.create_connection(("127.0.0.1", srv.port))
        s.sendall(b"POST /v1/moderations HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"in")
        s.shutdown(socket.SHUT_WR)
        assert s.recv(100) == b""  # closed without an answer
        s.close()
        time.sleep(0.1)
        assert srv.requests == []
        _, status, _, _ = _get(srv, "POST", "/v1/moderations", "{}")  # and it goes on serving
        assert status == 200 and len(srv.requests) == 1

def test_tls_handshakes_are_counted(pki):
    with ReplayServer(load(str(CASS / "chat.http")), tls_context=pki.server_context()) as srv:
        ctx = ssl.create_default_context(cafile=pki.ca_pem)
        for _ in range(2):
            c = http.client.HTTPSConnection("127.0.0.1", srv.port, context=ctx, timeout=5)
            c.request("POST", "/v1/chat/completions", body="{}")
            assert c.getresponse().read()
            c.close()
        assert srv.handshakes == 2 and srv.connections == 2


def test_command_line(tmp_path):
    p = subprocess.Popen([sys.executable, str(ROOT / "tools" / "replay_server.py"), "--tls", "--certdir",
                          str(tmp_path), str(CASS)], stdout=subprocess.PIPE, text=True)
    assert p.stdout is not None
    try:
        ca = p.stdout.readline().split(" ", 1)[1].strip()
        url = p.stdout.readline().split(" ", 1)[1].strip()
        count = p.stdout.readline()
        assert url.startswith("https://127.0.0.1:") and ca.endswith(".der") and count.startswith("7 ")
        ctx = ssl.create_default_context(cafile=str(tmp_path / "test_ca.pem"))
        port = int(url.split(":")[2].split("/")[0])
        c = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=5)
        c.request("POST", "/v1/moderations", body="{}")
        assert json.loads(c.getresponse().read())["model"] == "text-moderation-006"
    finally:
        p.terminate()
        p.wait(10)
    assert p.returncode is not None


@pytest.mark.parametrize("fault", [{"drip": (3, 0.001)}, {"chunk_size": 1}])
def test_faults_keep_the_bytes(fault):
    (it,) = load(str(CASS / "chat.http"))
    it["fault"] = fault
    with ReplayServer() as srv:
        srv.push(it)
        _, status, _, body = _get(srv, "POST", "/v1/chat/completions", "{}")
        assert status == 200 and body == it["body"]


def test_gzip_roundtrip_is_real():
    # the fixture really is gzip on disk (so the loader's gunzip path is exercised)
    import yaml
    doc = yaml.safe_load((CASS / "vcrpy_gzip.yaml").read_text())
    raw = doc["interactions"][0]["response"]["body"]["string"]
    assert raw[:2] == b"\x1f\x8b" and json.loads(gzip.decompress(raw))


def test_make_serve_is_deterministic_and_prints_what_to_paste(tmp_path):
    # what `make serve` runs: the same request gets the same answer however often it comes, and
    # each example's `when` recording answers its own request
    recordings = [str(ROOT / "tools" / "replay"), str(ROOT / "examples" / "replay")]
    p = subprocess.Popen([sys.executable, str(ROOT / "tools" / "replay_server.py"), "--tls", "--deterministic",
                          "--certdir", str(tmp_path)] + recordings, stdout=subprocess.PIPE, text=True)
    assert p.stdout is not None
    try:
        lines = [p.stdout.readline() for _ in range(8)]
        exports = dict(line[7:].strip().split("=", 1) for line in lines if line.startswith("export "))
        assert set(exports) == {"OPENAI_BASE_URL", "OPENAI_API_KEY", "SSL_CERT_FILE"}, lines
        ctx = ssl.create_default_context(cafile=exports["SSL_CERT_FILE"])
        port = int(exports["OPENAI_BASE_URL"].split(":")[2].split("/")[0])

        def ask(text):
            c = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=5)
            c.request("POST", "/v1/chat/completions", body=json.dumps(
                {"model": "m", "messages": [{"role": "user", "content": text}]}))
            r = c.getresponse()
            out = (r.status, r.read())
            c.close()
            return out

        first = ask("Say hi")
        assert first[0] == 200 and b"Hi! How can I help you today?" in first[1]
        assert [ask("Say hi") for _ in range(3)] == [first] * 3
        assert b"peace lily" in ask("Name one houseplant that likes 21 C.")[1]
    finally:
        p.terminate()
        p.wait(10)
