"""TLS refusals (unknown CA, wrong host name, expired certificate), PEM roots, the bundled roots
and the explicit opt-out, under both runtimes. A refused server never sees a request, so the API
key never reaches it."""
import fixtures
import pytest
from conftest import CLIENTS, RUNTIMES, client_args
from replay_server import ReplayServer

pytestmark = [pytest.mark.parametrize("rt", RUNTIMES), pytest.mark.parametrize("client", CLIENTS, indirect=True)]


@pytest.mark.parametrize("kind", ["unknown_ca", "wrong_host", "expired"])
def test_tls_refusals(rt, kind, pki, run):
    with ReplayServer(tls_context=pki.server_context(kind)) as srv:
        srv.push(fixtures.chat("must not be read"))
        r = run(rt, "chat", client_args(srv, pki, max_retries=0))
        e = r["results"][0]
        assert e["error"] == "APIConnectionError", e
        assert "TLS handshake with 127.0.0.1 failed" in e["message"]
        assert srv.requests == [] and srv.handshakes == 0


def test_explicit_opt_out_skips_verification(rt, pki, run):
    with ReplayServer(tls_context=pki.server_context("unknown_ca")) as srv:
        srv.push(fixtures.chat("unverified"))
        r = run(rt, "chat", client_args(srv, None, insecure=True, pick="choices.0.message.content"))
        assert r["results"] == ["unverified"]


def test_tls_accepts_good_certificate_given_as_pem(rt, server, pki, run):
    server.push(fixtures.chat("pem ok"))
    r = run(rt, "chat", client_args(server, None, ca=pki.ca_pem, pick="choices.0.message.content"))
    assert r["results"] == ["pem ok"]


def test_bundled_roots_do_not_trust_the_test_ca(rt, server, run):
    # ca=None means the bundled public roots: our test CA is not one of them
    server.push(fixtures.chat("must not be read"))
    r = run(rt, "chat", client_args(server, None, max_retries=0))
    assert r["results"][0]["error"] == "APIConnectionError" and server.requests == []


@pytest.mark.parametrize("which", ["ca_pem", "ca_der"])
def test_ssl_cert_file_names_the_roots_when_ca_is_not_given(rt, which, server, pki, run, monkeypatch):
    # as CPython's tools read it: SSL_CERT_FILE replaces the bundled roots (PEM or DER)
    monkeypatch.setenv("SSL_CERT_FILE", getattr(pki, which))
    server.push(fixtures.chat("trusted through SSL_CERT_FILE"))
    r = run(rt, "chat", client_args(server, None, pick="choices.0.message.content"))
    assert r["results"] == ["trusted through SSL_CERT_FILE"]


def test_ssl_cert_file_that_cannot_be_read_is_a_clear_error(rt, server, run, monkeypatch, tmp_path):
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "no-such.pem"))
    r = run(rt, "chat", client_args(server, None))
    assert r["error"] == "OpenAIError" and "cannot read CA file" in r["message"] and "no-such.pem" in r["message"], r
    assert server.requests == []
