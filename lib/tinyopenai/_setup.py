# What a client needs only while it is being made: settings from the environment, the base
# URL, the TLS context and its root certificates. The constructor imports this module and drops
# it again, so its code does not stay in RAM. Core module: imports _errors.

import sys

try:
    import tls as ssl  # MicroPython 1.23+: the C module itself (its ssl is a Python wrapper, ~1 KB of RAM)
except ImportError:
    import ssl

from . import DEFAULT_BASE_URL, __version__
from ._errors import OpenAIError, check_header


def init(c, ctx, api_key, base_url, organization, project, ca, insecure, default_headers, sleep):
    """The body of OpenAI.__init__ (see there): -> (tls, host, port, ctx) for its connection,
    and its headers."""
    api_key = api_key or getenv("OPENAI_API_KEY")
    if not api_key:
        raise OpenAIError("no API key: pass api_key= or set OPENAI_API_KEY")
    c.base_url = base_url or getenv("OPENAI_BASE_URL") or DEFAULT_BASE_URL
    if len(api_key) >= 8 and api_key in c.base_url:  # it would show in messages and repr (real keys are long)
        raise OpenAIError("base_url must not contain the API key")
    tls, host, port, c._prefix = parse_url(c.base_url)
    # ctx: the constructor made it unless base_url was plain http (then tls is False here)
    ctx = context(ctx, ca, insecure) if tls else None
    h = [("Authorization", "Bearer " + api_key)]
    organization = organization or getenv("OPENAI_ORG_ID")
    project = project or getenv("OPENAI_PROJECT_ID")
    if organization:
        h.append(("OpenAI-Organization", organization))
    if project:
        h.append(("OpenAI-Project", project))
    h.append(("User-Agent", "tinyopenai/%s (%s)" % (__version__, sys.implementation.name)))
    if default_headers:
        for k in default_headers:
            h.append((k, default_headers[k]))
    for k, v in h:  # refused now rather than at the first call
        check_header(k, v)
    if sleep is None:
        import time

        sleep = time.sleep
    c._sleep = sleep
    return tls, host, port, ctx, h


def getenv(name):
    try:
        import os

        return os.getenv(name)
    except (ImportError, AttributeError):  # ESP32: no os.getenv
        return None


def parse_url(url):
    """'https://host:port/prefix' -> (tls, host, port, prefix). Refused (OpenAIError): another
    scheme, no host, a bad port, and what could not go into a request line or a Host header
    as it is: whitespace, control characters, '#', '?' and userinfo ('user:secret@'). The
    messages never repeat the URL: it may hold a secret."""
    if not isinstance(url, str):
        raise OpenAIError("base_url must be a str")
    if url.startswith("https://"):
        tls, rest, port = True, url[8:], 443
    elif url.startswith("http://"):
        tls, rest, port = False, url[7:], 80
    else:
        raise OpenAIError("base_url must start with http:// or https://")
    for ch in url:
        if ch <= " " or ch == "\x7f" or ch in "#?":
            raise OpenAIError("base_url must not contain whitespace, control characters, '#' or '?'")
    slash = rest.find("/")
    hostport, prefix = (rest, "") if slash < 0 else (rest[:slash], rest[slash:])
    if "@" in hostport:
        raise OpenAIError("base_url must not carry user:password@ (pass api_key= or default_headers=)")
    host = hostport
    try:
        if hostport.startswith("["):  # [IPv6]:port
            close = hostport.find("]")
            host = hostport[1:close]
            if hostport[close + 1 : close + 2] == ":":
                port = int(hostport[close + 2 :])
        elif ":" in hostport:
            c = hostport.rfind(":")
            host, port = hostport[:c], int(hostport[c + 1 :])
    except ValueError:
        raise OpenAIError("bad port in base_url")
    if not host:
        raise OpenAIError("base_url has no host")
    if not 0 < port < 65536:
        raise OpenAIError("bad port in base_url")
    return tls, host, port, prefix.rstrip("/")


def context(ctx, ca, insecure):
    """Set up the new SSLContext ctx to verify the server against ca (see ca_ders), or, only
    when the caller explicitly asked for it, not to verify at all."""
    if insecure:
        if hasattr(ctx, "check_hostname"):  # CPython only
            ctx.check_hostname = False  # pyright: ignore[reportAttributeAccessIssue]
        # dangerously_skip_tls_verify=True: explicit opt-out
        ctx.verify_mode = ssl.CERT_NONE  # pyright: ignore[reportAttributeAccessIssue]  (tls or ssl)
        return ctx
    # MicroPython resets verify_mode to CERT_NONE: always set it. One DER root per call.
    ctx.verify_mode = ssl.CERT_REQUIRED  # pyright: ignore[reportAttributeAccessIssue]  (tls or ssl)
    loaded = 0
    for der in ca_ders(ca):
        if ssl.__name__ == "tls":
            ctx.load_verify_locations(der)  # takes the DER bytes, positionally
        else:
            ctx.load_verify_locations(cadata=der)
        loaded += 1
        der = None  # the next file is read only once this one is garbage
    if not loaded:
        raise OpenAIError("no certificates in ca")
    return ctx


def pem_to_der(pem):
    import binascii

    out = []
    start = 0
    while True:
        b = pem.find(b"-----BEGIN CERTIFICATE-----", start)
        if b < 0:
            return out
        e = pem.find(b"-----END CERTIFICATE-----", b)
        if e < 0:
            raise ValueError("PEM certificate without its END line")
        body = pem[b + 27 : e].replace(b"\r", b"").replace(b"\n", b"").replace(b" ", b"")
        out.append(binascii.a2b_base64(body))
        start = e + 25


def bundled():
    # the package's own certs/ (where mip puts them: /lib/tinyopenai/certs), then <root>/certs
    # for <root>/lib/tinyopenai/_setup.py (the repository, or / on a board deployed from it)
    f = (globals().get("__file__") or "").replace("\\", "/")
    parts = f.split("/")
    root = "/".join(parts[:-3])
    if not root and not f.startswith("/"):
        root = "."
    import os

    dirs = ("/".join(parts[:-1]) + "/certs", root + "/certs", "/certs", "certs")
    for d in dirs:
        try:
            names = [n for n in os.listdir(d) if n.endswith(".der")]
        except OSError:
            continue
        if names:
            return [d + "/" + n for n in sorted(names)]
    raise OpenAIError("no bundled root certificates found (looked in %s); pass ca=" % ", ".join(dirs))


def ca_ders(ca):
    """Root certificates as DER bytes, one at a time (one file is in RAM at once): ca is None
    (the file SSL_CERT_FILE names, as CPython's tools read it, else the bundled roots), DER or
    PEM bytes, a path to a DER or PEM file, or a list of those."""
    if ca is None:
        ca = getenv("SSL_CERT_FILE") or bundled()
    for item in ca if isinstance(ca, (list, tuple)) else (ca,):
        if isinstance(item, str):
            try:
                with open(item, "rb") as f:
                    item = f.read()
            except OSError as e:
                raise OpenAIError("cannot read CA file %s: %s" % (item, e))
        if not isinstance(item, (bytes, bytearray)):
            raise TypeError("ca must be DER/PEM bytes, a file path or a list of those")
        if item[:64].lstrip()[:10] == b"-----BEGIN":
            for der in pem_to_der(bytes(item)):
                yield der
        else:
            yield item if isinstance(item, bytes) else bytes(item)
