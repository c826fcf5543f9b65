"""Making a client: settings, root certificates, URL forms, and the key never shown."""
import os
import subprocess

import fixtures
import pytest
import tinyopenai
from conftest import MICROPYTHON, ROOT
from tinyopenai import OpenAI, OpenAIError


def test_key_and_url_from_environment(monkeypatch, plain_server):
    plain_server.push(fixtures.chat("env"))
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    monkeypatch.setenv("OPENAI_BASE_URL", plain_server.url)
    c = OpenAI()
    assert c.chat.completions.create(model="m", messages=[], pick="choices.0.message.content") == "env"
    assert plain_server.requests[0]["headers"]["authorization"] == "Bearer sk-from-env"


def test_environment_under_micropython(plain_server):
    plain_server.push(fixtures.chat("mp env"))
    code = ("from tinyopenai import OpenAI\n"
            "print(OpenAI().chat.completions.create(model='m', messages=[], pick='choices.0.message.content'))")
    env = dict(os.environ, MICROPYPATH=".frozen:%s" % (ROOT / "lib"), OPENAI_API_KEY="sk-mp",
               OPENAI_BASE_URL=plain_server.url)
    out = subprocess.run([MICROPYTHON, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert out.stdout.strip() == "mp env", out.stdout + out.stderr
    assert plain_server.requests[0]["headers"]["authorization"] == "Bearer sk-mp"


def test_missing_key_is_a_clear_error(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(OpenAIError, match="no API key"):
        OpenAI(base_url="http://127.0.0.1:9/v1")


def test_key_never_in_repr_or_attributes():
    c = OpenAI(api_key="sk-SENTINEL-123", base_url="http://127.0.0.1:9/v1")
    assert "SENTINEL" not in repr(c) and "SENTINEL" not in str(c)
    assert not any("SENTINEL" in repr(v) for k, v in vars(c).items() if k != "_headers")


def test_headers_sent(plain_server):
    plain_server.push(fixtures.chat())
    c = OpenAI(api_key="k", base_url=plain_server.url, organization="org-1", project="proj-2",
               default_headers={"X-Extra": "yes"})
    c.chat.completions.create(model="m", messages=[])
    h = plain_server.requests[0]["headers"]
    assert h["openai-organization"] == "org-1" and h["openai-project"] == "proj-2" and h["x-extra"] == "yes"
    assert h["user-agent"].startswith("tinyopenai/") and h["host"] == "127.0.0.1:%d" % plain_server.port


@pytest.mark.parametrize("form", ["der_bytes", "pem_bytes", "der_path", "pem_path", "list"])
def test_ca_forms(form, server, pki):
    der = open(pki.ca_der, "rb").read()
    pem = open(pki.ca_pem, "rb").read()
    ca = {"der_bytes": der, "pem_bytes": pem, "der_path": pki.ca_der, "pem_path": pki.ca_pem,
          "list": [os.path.join(ROOT, "certs", "isrg_root_x1.der"), der]}[form]
    server.push(fixtures.chat("tls ok"))
    c = OpenAI(api_key="k", base_url=server.url, ca=ca)
    assert c.chat.completions.create(model="m", messages=[], pick="choices.0.message.content") == "tls ok"


def test_bad_ca_is_a_clear_error():
    with pytest.raises(OpenAIError, match="cannot read CA file"):
        OpenAI(api_key="k", base_url="https://127.0.0.1:9/v1", ca="/nonexistent/ca.der")
    with pytest.raises(OpenAIError, match="no certificates"):
        OpenAI(api_key="k", base_url="https://127.0.0.1:9/v1", ca=b"-----BEGIN NOTHING-----")


def test_bundled_roots_load():
    c = OpenAI(api_key="k")  # https://api.openai.com/v1 with certs/*.der; no connection is made
    assert c.base_url == "https://api.openai.com/v1" and c._conn.tls and c._conn.port == 443


@pytest.mark.parametrize("url,want", [
    ("https://api.openai.com/v1", (True, "api.openai.com", 443, "/v1")),
    ("http://192.168.1.20:11434/v1/", (False, "192.168.1.20", 11434, "/v1")),
    ("http://[::1]:8080", (False, "::1", 8080, "")),
    ("https://host", (True, "host", 443, "")),
])
def test_url_forms(url, want):
    from tinyopenai._setup import parse_url
    assert parse_url(url) == want


@pytest.mark.parametrize("url", ["ftp://x", "https://", "http://h:port/v1"])
def test_bad_urls(url):
    with pytest.raises(OpenAIError):
        OpenAI(api_key="k", base_url=url)


def test_request_any_path_with_query(plain_server):
    from replay_server import interaction
    plain_server.push(interaction("GET", "/v1/models", 200, {"object": "list", "data": []}))
    c = OpenAI(api_key="k", base_url=plain_server.url)
    r = c.request("GET", "/models", params={"limit": 2, "after": "a b/é", "flag": True, "skip": None})
    assert r == {"object": "list", "data": []}
    assert plain_server.requests[0]["path"] == "/v1/models?limit=2&after=a%20b%2F%C3%A9&flag=true"


def test_unknown_and_missing_services(tmp_path, monkeypatch):
    c = OpenAI(api_key="k", base_url="http://127.0.0.1:9/v1")
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        _ = c.nonsense
    monkeypatch.setattr(tinyopenai, "_SERVICES", tinyopenai._SERVICES + ("ghost",))
    with pytest.raises(AttributeError, match="cannot be loaded .is tinyopenai.ghost.py installed"):
        _ = c.ghost
