#!/usr/bin/env python3
"""A local OpenAI-compatible server that replays recorded interactions (CPython only).

It speaks HTTP/1.1 with keep-alive over plain TCP or TLS (a test CA made at start-up), matches
requests by method and path (and by JSON body when several recordings share a path), logs
every request, counts connections and TLS handshakes, and injects faults on demand.

Sources it reads (see ../shared/cassettes/README.md for the formats):
  *.http        our own raw capture: a line '### METHOD /path', then the raw HTTP response
  *.json        Azure test-proxy session records (openai-dotnet)
  *.yml/*.yaml  Ruby VCR, vcrpy (standard, gzip !!binary, legacy httpx) and pydantic-ai variants

Command line:
  python tools/replay_server.py [--tls] [--port N] [--certdir DIR] [--deterministic] SOURCE...
prints the base URL (and the CA file for --tls, with the environment a client needs) and serves
until interrupted. `make serve` runs it on the recordings of tools/replay and examples/replay.
"""

import base64
import gzip
import json
import os
import socket
import ssl
import sys
import threading
import time
from urllib.parse import urlsplit

HOP_HEADERS = {"content-length", "transfer-encoding", "content-encoding", "connection", "keep-alive"}


# --- interactions -------------------------------------------------------------------------


def interaction(method, path, status=200, body=None, headers=None, reason=None, req_body=None, chunked=None,
                fault=None, source="inline", when=None):
    """One recorded (or scripted) exchange. headers: list of (name, value) or a dict; when:
    the bytes strings a request body must all contain for this recording to answer it (the
    recording with the most of them that all match wins)."""
    if body is None:
        body = b""
    if isinstance(body, str):
        body = body.encode()
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
    hdrs = list(headers.items()) if isinstance(headers, dict) else list(headers or [])
    if not any(k.lower() == "content-type" for k, _ in hdrs) and body[:1] in (b"{", b"["):
        hdrs.append(("Content-Type", "application/json"))
    return {
        "method": method.upper(),
        "path": path,
        "status": int(status),
        "reason": reason or REASONS.get(int(status), "Status"),
        "headers": [(k, v) for k, v in hdrs if k.lower() not in HOP_HEADERS],
        "body": body,
        "req_body": req_body,
        "chunked": chunked,
        "fault": fault or {},
        "source": source,
        "when": when,
    }


REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
           409: "Conflict", 422: "Unprocessable Entity", 429: "Too Many Requests",
           500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


def error_body(message, type_="invalid_request_error", code=None, param=None):
    return json.dumps({"error": {"message": message, "type": type_, "param": param, "code": code}}).encode()


HTML_502 = (b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
            b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n")


def _hdr_pairs(h):
    out = []
    for k, v in (h or {}).items():
        for item in v if isinstance(v, list) else [v]:
            out.append((str(k), str(item)))
    return out


def _path_of(uri):
    u = urlsplit(uri)
    return u.path + ("?" + u.query if u.query else "")


def _was_chunked(pairs):
    return any(k.lower() == "transfer-encoding" and "chunked" in v.lower() for k, v in pairs)


def _as_bytes(x):
    if x is None:
        return b""
    if isinstance(x, bytes):
        return x
    return x.encode("utf-8")


def load_dotnet(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    out = []
    for e in doc.get("Entries", []):
        hdrs = _hdr_pairs(e.get("ResponseHeaders"))
        ctype = next((v for k, v in hdrs if k.lower() == "content-type"), "")
        rb = e.get("ResponseBody")
        if rb is None:
            body = b""
        elif "json" in ctype:
            body = json.dumps(rb).encode()
        elif ctype.startswith("text/"):
            body = "".join(rb).encode() if isinstance(rb, list) else _as_bytes(rb)
        else:
            body = base64.b64decode(rb) if isinstance(rb, str) else json.dumps(rb).encode()
        req = e.get("RequestBody")
        if isinstance(req, list):  # a multipart (text) body, one string per line
            req_body = "".join(req).encode("utf-8", "surrogateescape")
        else:
            req_body = json.dumps(req).encode() if isinstance(req, dict) else None
        out.append(interaction(e["RequestMethod"], _path_of(e["RequestUri"]), e["StatusCode"], body, hdrs,
                               req_body=req_body, chunked=_was_chunked(hdrs), source=path))
    return out


def _yaml():
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def binary(loader, node):  # Ruby Psych's '!binary' (single '!')
        return base64.b64decode(loader.construct_scalar(node))

    Loader.add_constructor("!binary", binary)
    return yaml, Loader


def _vcr_body(b):
    # Ruby VCR and vcrpy body mappings -> bytes
    if b is None:
        return b""
    if isinstance(b, (str, bytes)):
        return _as_bytes(b)
    if "base64_string" in b:
        return base64.b64decode(b["base64_string"])
    return _as_bytes(b.get("string"))


def load_yaml(path):
    yaml, Loader = _yaml()
    with open(path, "rb") as f:
        doc = yaml.load(f, Loader=Loader)
    out = []
    if "http_interactions" in doc:  # Ruby VCR
        for it in doc["http_interactions"]:
            rq, rs = it["request"], it["response"]
            hdrs = _hdr_pairs(rs.get("headers"))
            out.append(interaction(rq["method"], _path_of(rq["uri"]), rs["status"]["code"], _vcr_body(rs.get("body")),
                                   hdrs, reason=rs["status"].get("message"), req_body=_vcr_body(rq.get("body")) or None,
                                   chunked=_was_chunked(hdrs), source=path))
        return out
    for it in doc.get("interactions", []):  # vcrpy
        rq, rs = it["request"], it["response"]
        hdrs = _hdr_pairs(rs.get("headers"))
        if "status_code" in rs:  # legacy httpx layout: content is already decoded text
            status, reason, body = rs["status_code"], None, _as_bytes(rs.get("content"))
        else:
            status, reason = rs["status"]["code"], rs["status"].get("message")
            if "parsed_body" in rs:  # pydantic-ai
                body = json.dumps(rs["parsed_body"]).encode()
            else:
                body = _vcr_body(rs.get("body"))
                if body[:2] == b"\x1f\x8b":
                    body = gzip.decompress(body)
        if "parsed_body" in rq:
            req_body = json.dumps(rq["parsed_body"]).encode()
        else:
            req_body = _vcr_body(rq.get("body")) or None
        out.append(interaction(rq["method"], _path_of(rq["uri"]), status, body, hdrs, reason=reason,
                               req_body=req_body, chunked=_was_chunked(hdrs), source=path))
    return out


def load_http(path):
    """Our raw capture: a '### METHOD /path' line (or '### METHOD /path when TEXT && TEXT2':
    only for a request whose body contains each TEXT), then the raw HTTP/1.1 response (the body as sent,
    de-chunked, up to the end of the file)."""
    with open(path, "rb") as f:
        data = f.read()
    first, _, rest = data.partition(b"\n")
    first, _, when = first[3:].strip().decode().partition(" when ")
    method, target = first.split(None, 1)
    head, _, body = rest.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(None, 2)
    hdrs = []
    for line in lines[1:]:
        k, _, v = line.partition(":")
        hdrs.append((k.strip(), v.strip()))
    return [interaction(method, target, int(parts[1]), body, hdrs, reason=parts[2] if len(parts) > 2 else None,
                        chunked=_was_chunked(hdrs), source=path,
                        when=[w.strip().encode() for w in when.split("&&")] if when else None)]


def load(path):
    if path.endswith(".http"):
        return load_http(path)
    if path.endswith(".json"):
        return load_dotnet(path)
    if path.endswith((".yml", ".yaml")):
        return load_yaml(path)
    raise ValueError("unknown cassette format: %s" % path)


# --- TLS material ---------------------------------------------------------------------------


class TestPKI:
    """A test CA with certificates for 127.0.0.1/localhost, plus bad ones: a wrong host name,
    an expired certificate and one from a CA nobody trusts. DER files for MicroPython clients."""

    def __init__(self, directory):
        import datetime

        import trustme

        os.makedirs(directory, exist_ok=True)
        self.dir = directory
        self.ca = trustme.CA()
        self.ca_der = os.path.join(directory, "test_ca.der")
        self.ca_pem = os.path.join(directory, "test_ca.pem")
        with open(self.ca_der, "wb") as f:
            f.write(ssl.PEM_cert_to_DER_cert(self.ca.cert_pem.bytes().decode()))
        self.ca.cert_pem.write_to_path(self.ca_pem)
        now = datetime.datetime.now(datetime.timezone.utc)
        self.leaf = {
            "good": self.ca.issue_cert("localhost", "127.0.0.1"),
            "wrong_host": self.ca.issue_cert("wrong.example.com"),
            "expired": self.ca.issue_cert("localhost", "127.0.0.1", not_before=now - datetime.timedelta(days=30),
                                          not_after=now - datetime.timedelta(days=1)),
            "unknown_ca": trustme.CA().issue_cert("localhost", "127.0.0.1"),
        }

    def server_context(self, kind="good"):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.leaf[kind].configure_cert(ctx)
        return ctx


# --- the server -----------------------------------------------------------------------------


class ReplayServer:
    def __init__(self, interactions=(), host="127.0.0.1", port=0, tls_context=None, chunk_size=997,
                 deterministic=False):
        self.table = []
        self.scripted = []  # responses served before any matching, in order
        self.requests = []  # what was received: dicts with method, path, headers, body, conn
        self.connections = 0
        self.handshakes = 0
        self.chunk_size = chunk_size
        self.deterministic = deterministic  # True: the same request always gets the same recording
        self.ctx = tls_context
        self._lock = threading.Lock()
        self._socks = set()
        self.add(interactions)
        self.lsock = socket.create_server((host, port))
        self.port = self.lsock.getsockname()[1]
        self.host = host
        self._stop = False
        self.down = False  # True: every connection is dropped at once, as if the API were unreachable
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)

    @property
    def url(self):
        return "%s://%s:%d/v1" % ("https" if self.ctx else "http", self.host, self.port)

    def add(self, items):
        with self._lock:
            for it in items:
                self.table.append(dict(it, used=0))

    def push(self, *items):
        """Serve these before anything else, one per request, whatever the path."""
        with self._lock:
            self.scripted.extend(items)

    def reset(self):
        with self._lock:
            self.table, self.scripted, self.requests = [], [], []
            self.connections = self.handshakes = 0

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._stop = True
        try:
            self.lsock.close()
        except OSError:
            pass
        with self._lock:
            socks = list(self._socks)
        for s in socks:
            try:
                s.close()
            except OSError:
                pass

    def open_sockets(self):
        with self._lock:
            return len(self._socks)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _accept_loop(self):
        while not self._stop:
            try:
                s, _ = self.lsock.accept()
            except OSError:
                return
            if self.down:
                s.close()
                continue
            with self._lock:
                self.connections += 1
                cid = self.connections
            threading.Thread(target=self._serve, args=(s, cid), daemon=True).start()

    def _serve(self, s, cid):
        with self._lock:
            self._socks.add(s)
        try:
            if self.ctx is not None:
                s.settimeout(10)
                try:
                    s = self.ctx.wrap_socket(s, server_side=True)
                except (ssl.SSLError, OSError):
                    return  # the client refused our certificate, or went away
                with self._lock:
                    self.handshakes += 1
                    self._socks.add(s)
            s.settimeout(30)
            rf = s.makefile("rb")
            while not self._stop:
                req = self._read_request(rf, cid)
                if req is None:
                    return
                it = self._match(req)
                if not self._send(s, it) or req["headers"].get("connection", "").lower() == "close":
                    return
        except (OSError, ValueError):
            return
        finally:
            with self._lock:
                self._socks.discard(s)
            try:
                s.close()
            except OSError:
                pass

    def _read_request(self, rf, cid):
        line = rf.readline(65536)
        if not line:
            return None
        method, target, _ = line.decode("latin-1").split(" ", 2)
        headers = {}
        while True:
            h = rf.readline(65536)
            if not h:  # the client went away mid-headers: nothing was asked
                return None
            if h in (b"\r\n", b"\n"):
                break
            k, _, v = h.decode("latin-1").partition(":")
            headers[k.strip().lower()] = v.strip()
        n = int(headers.get("content-length", "0") or 0)
        body = rf.read(n) if n else b""
        if len(body) < n:  # the client went away mid-body: as a real server, act on nothing
            return None
        req = {"method": method, "path": target, "headers": headers, "body": body, "conn": cid,
               "at": time.monotonic()}
        with self._lock:
            self.requests.append(req)
        return req

    def _match(self, req):
        with self._lock:
            if self.scripted:
                return self.scripted.pop(0)
            cands = [it for it in self.table if it["method"] == req["method"] and it["path"] == req["path"]
                     and all(w in req["body"] for w in it.get("when") or ())]
            if not cands:
                return interaction(req["method"], req["path"], 404,
                                   error_body("replay server: no recording for %s %s" % (req["method"], req["path"])))
            choice = min(cands, key=lambda it: self._distance(it, req, self.deterministic))
            choice["used"] += 1
            return choice

    @staticmethod
    def _distance(it, req, deterministic):
        # Prefer the recording with the most `when` conditions (all matched), then the one whose
        # request body equals this one, then one with the same "stream" flag, then (unless
        # deterministic) one not served yet, then the earliest.
        same = flag = 0
        try:
            got = json.loads(req["body"]) if req["body"] else None
            rec = json.loads(it["req_body"]) if it["req_body"] else None
            same = got is not None and got == rec
            if isinstance(got, dict) and isinstance(rec, dict):
                flag = got.get("stream") == rec.get("stream")
            elif isinstance(got, dict):  # a recording without its request: a stream if it answers with events
                flag = bool(got.get("stream")) == any(
                    k.lower() == "content-type" and "event-stream" in v for k, v in it["headers"])
        except ValueError:
            pass
        return (-len(it.get("when") or ()), not same, not flag, not deterministic and it["used"] > 0)

    def _wire(self, it):
        """The response as (head bytes, list of body pieces on the wire)."""
        body = it["body"]
        chunked = it.get("chunked")
        if chunked is None:
            chunked = any(k.lower() == "content-type" and "event-stream" in v for k, v in it["headers"])
        head = ["HTTP/1.1 %d %s" % (it["status"], it["reason"])]
        head += ["%s: %s" % kv for kv in it["headers"]]
        pieces = []
        if chunked:
            head.append("Transfer-Encoding: chunked")
            if "pace" in it["fault"]:  # one chunk per server-sent event (each ends in a blank line)
                parts = [e + b"\n\n" for e in body.split(b"\n\n") if e.strip()]
            else:
                size = it["fault"].get("chunk_size", self.chunk_size)
                parts = [body[i:i + size] for i in range(0, len(body), size)]
            for part in parts:
                pieces.append(b"%x\r\n%s\r\n" % (len(part), part))
            if not it["fault"].get("truncate_chunked"):
                pieces.append(b"0\r\n\r\n")
        else:
            head.append("Content-Length: %d" % (it["fault"].get("content_length", len(body))))
            pieces.append(body)
        for k, v in it["fault"].get("extra_headers", ()):
            head.append("%s: %s" % (k, v))
        return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1"), pieces

    def _send(self, s, it):
        """Write one response, with its faults. False when the connection must end."""
        f = it["fault"]
        if f.get("stall"):
            time.sleep(f["stall"])
            if f.get("close_after_stall", True):
                return False
        if f.get("close_before_status"):
            return False
        head, pieces = b"", []
        if "raw" in f:  # a hostile or broken answer: these bytes, as they are
            data = f["raw"]
        else:
            head, pieces = self._wire(it)
            data = head + b"".join(pieces)
        if "reset_after" in f:
            s.sendall(data[:f["reset_after"]])
            time.sleep(0.05)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            return False
        if "pace" in f:  # the head at once, then the body's pieces (events) `pace` seconds apart
            s.sendall(head)
            for piece in pieces:
                time.sleep(f["pace"])
                s.sendall(piece)
        elif "drip" in f:
            n, delay = f["drip"]
            start = f.get("drip_from", 0)  # bytes sent at once before the drip starts
            if start:
                s.sendall(data[:start])
            for i in range(start, len(data), n):
                s.sendall(data[i:i + n])
                time.sleep(delay)
        elif "stall_after" in f:
            s.sendall(data[:f["stall_after"]])
            time.sleep(f.get("stall_for", 60))
            return False
        else:
            s.sendall(data)
        if f.get("truncate_chunked") or f.get("close_after"):
            return False
        return True


def main(argv):
    import argparse

    ap = argparse.ArgumentParser(description="Replay recorded OpenAI interactions over HTTP(S).")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--tls", action="store_true")
    ap.add_argument("--certdir", default="build/testca")
    ap.add_argument("--deterministic", action="store_true", help="the same request always gets the same answer")
    ap.add_argument("sources", nargs="*")
    a = ap.parse_args(argv)
    items = []
    for src in a.sources:
        exts = (".http", ".json", ".yml", ".yaml")
        paths = [src] if os.path.isfile(src) else sorted(
            os.path.join(d, n) for d, _, ns in os.walk(src) for n in ns if n.endswith(exts))
        for p in paths:
            items += load(p)
    ctx = None
    if a.tls:
        pki = TestPKI(a.certdir)
        ctx = pki.server_context()
        print("ca %s" % pki.ca_der, flush=True)
    srv = ReplayServer(items, port=a.port, tls_context=ctx, deterministic=a.deterministic).start()
    print("url %s" % srv.url, flush=True)
    print("%d interactions" % len(items), flush=True)
    if a.tls:  # what a client needs to talk to this server: the Quick start reads these three
        print("\nIn another shell, paste these, then run the Quick start or any of examples/:\n"
              "export OPENAI_BASE_URL=%s\nexport OPENAI_API_KEY=sk-local-replay-no-real-key\n"
              "export SSL_CERT_FILE=%s\n" % (srv.url, os.path.abspath(pki.ca_pem)), flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        srv.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
