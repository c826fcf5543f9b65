# How a connection is made: resolve the host, connect, set the socket up. Loaded by each new
# connection and dropped again before the TLS handshake (Conn.handshake, in _http), which is
# where a call needs the most heap: this code is in RAM neither then nor between connects (about
# 0.6 KB on a 32-bit board with .mpy files). Core module: imports _errors and _http.

import socket

from ._errors import APIConnectionError, const, say
from ._http import net_error

# message numbers (the texts are in _messages)
_RESOLVE = const(4)
_CONNECT = const(5)


def connect(conn):
    """The default transport: (sock, raw) for conn, as a plugged-in transport gives them (see
    Conn.transport): the socket to read and write (TLS if conn.tls) and the plain one whose
    timeout governs it."""
    return conn.handshake(open_socket(conn))


def open_socket(conn):
    """The plain socket, connected to conn's host and set up. Failures are APIConnectionError
    (APITimeoutError on a timeout)."""
    try:
        ai = socket.getaddrinfo(conn.host, conn.port, 0, socket.SOCK_STREAM)
    except OSError as e:
        raise APIConnectionError(say(_RESOLVE, conn.host), e)
    if not ai:
        raise APIConnectionError(say(_RESOLVE, conn.host))
    af, _, _, _, addr = ai[0][:5]
    s = socket.socket(af, socket.SOCK_STREAM)
    try:
        s.settimeout(conn._left(conn.connect_timeout))
        s.connect(addr)
        conn._timeout = conn._left(conn.read_timeout)
        s.settimeout(conn._timeout)
        # TCP_NODELAY: we write whole requests, so waiting for ACKs (Nagle) only adds latency.
        # IPPROTO_TCP is 6 and TCP_NODELAY 1 on Linux and in lwIP; a port without it goes without.
        try:
            s.setsockopt(6, 1, 1)
        except (OSError, TypeError, AttributeError):
            pass
    except (OSError, ValueError) as e:
        s.close()
        raise net_error(e, say(_CONNECT, conn.host, conn.port))
    return s
