# How a connection is made: resolve the host, connect, set the socket up, TLS handshake. Loaded
# by each new connection and dropped again: a keep-alive client connects rarely, so this code is
# not in RAM between connects (about 0.6 KB on a 32-bit board with .mpy files). Core module:
# imports _errors and _http.

import socket
import sys

from ._errors import APIConnectionError, const, say
from ._http import net_error

# message numbers (the texts are in _messages)
_RESOLVE = const(4)
_CONNECT = const(5)
_NO_CTX = const(6)
_HANDSHAKE = const(7)


def connect(conn):
    """(sock, raw) for conn: the socket to read and write (TLS if conn.tls) and the plain one
    whose timeout governs it. Failures are APIConnectionError (APITimeoutError on a timeout)."""
    try:
        ai = socket.getaddrinfo(conn.host, conn.port, 0, socket.SOCK_STREAM)
    except OSError as e:
        raise APIConnectionError(say(_RESOLVE, conn.host), e)
    if not ai:
        raise APIConnectionError(say(_RESOLVE, conn.host))
    af, _, _, _, addr = ai[0][:5]
    s = raw = socket.socket(af, socket.SOCK_STREAM)
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
    if conn.tls:
        if conn._ctx is None:
            s.close()
            raise APIConnectionError(say(_NO_CTX))
        try:
            s = conn._ctx.wrap_socket(s, server_hostname=conn.host)
        except (OSError, ValueError) as e:
            s.close()
            raise net_error(e, say(_HANDSHAKE, conn.host))
    # MicroPython's TLS socket has no settimeout (its reads wait as the plain one below it does);
    # CPython's wrap_socket detaches the plain one, and the TLS socket has it
    return s, raw if sys.implementation.name == "micropython" else s
