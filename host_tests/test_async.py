"""AsyncOpenAI beside other tasks, under CPython and MicroPython (the 64-bit port and the twin,
at 112 KB of heap): a 20 ms ticker keeps running while a call waits for a slow server and while
a stream drips, cancellation, calls taking turns on one client, two clients at once, `async for`
over a listing and `async with`. The scenarios both clients share run on AsyncOpenAI too: see
the modules that parametrize "client" (test_client, test_tls, test_faults, ...)."""
import json

import fixtures
import pytest
from aio_scenarios import digest
from conftest import RUNTIMES, client_args, run_scenario
from replay_server import ReplayServer, interaction

pytestmark = pytest.mark.parametrize("rt", RUNTIMES)

HEAP = "112k"  # the device's heap
THINK = 1.5  # seconds the slow server thinks before it answers
# The ticker wakes every 20 ms; with the loop never held longer than 40 ms, no gap exceeds 60.
# Bounded under MicroPython, as on the device; under CPython the replay server runs in the
# test's own process and holds the interpreter lock while it works, so there the gap is its.
MAX_GAP_MS = 60
# Except the gap around the TLS handshake: its key exchange (certificate check and ECDHE in one
# step, once the server's first flight is in) is one computation that cannot yield. On this
# machine's twin it holds the loop 30 to 50 ms, so that gap measures 47 to 68 ms; make bench
# reports it (bench/REPORT.md). This bound is for a handshake that stops yielding altogether.
MAX_HANDSHAKE_GAP_MS = 150


def _gaps_bounded(rt, r):
    if rt != "cpython":
        assert r["max_gap_connected_ms"] <= MAX_GAP_MS, r  # every gap once the connection is up
        assert r["max_gap_ms"] <= MAX_HANDSHAKE_GAP_MS, r


def _run(mpy_lib, rt, name, args):
    r = run_scenario(mpy_lib, rt, name, args, heap=HEAP, module="aio_scenarios")
    assert name == "errors" or "error" not in r, r.get("trace", json.dumps(r))  # the scenario itself raised
    return r


def _thinking(it, seconds=THINK):
    # the server holds the answer this long, then sends it on the same connection
    it["fault"].update(stall=seconds, close_after_stall=False)
    return it


def test_ticker_runs_while_the_server_thinks(rt, server, pki, mpy_lib):
    server.push(_thinking(fixtures.chat("thought")), fixtures.chat("thought"))
    r = _run(mpy_lib, rt, "ticker", client_args(server, pki, pick="choices.0.message.content"))
    assert r["async"] == r["blocking"] == "thought", r
    assert r["call_ms"] >= THINK * 1000 * 0.9, r  # the call did wait for the server
    # every 20 ms period of the wait had its tick (some slack for the loop's own latency)
    assert r["ticks"] >= r["call_ms"] // MAX_GAP_MS, r
    _gaps_bounded(rt, r)


def test_ticker_runs_while_a_stream_drips(rt, server, pki, mpy_lib):
    words = ["w%d " % i for i in range(300)]
    it, _events = fixtures.chat_stream(words)
    it["fault"]["pace"] = 0.005  # 300 events, 5 ms apart
    again, _ = fixtures.chat_stream(words)
    server.push(it, again)
    r = _run(mpy_lib, rt, "ticker", client_args(server, pki, stream=True, pick="choices.0.delta.content"))
    assert r["async"] == r["blocking"] == digest([""] + words[1:]), r
    assert r["ticks"] >= r["call_ms"] // MAX_GAP_MS, r
    _gaps_bounded(rt, r)


def test_a_plugged_transport_is_waited_on_as_the_own_one(rt, server, pki, mpy_lib):
    # transport= (the blocking client's seam) on AsyncOpenAI: a socket poll can wait on, here the
    # library's own TLS socket handed over by a plugged function, yields to the loop while the
    # server thinks, as the built-in connection does
    server.push(_thinking(fixtures.chat("plugged")), fixtures.chat("plugged"))
    r = _run(mpy_lib, rt, "ticker", client_args(server, pki, pick="choices.0.message.content", transport=True))
    assert r["async"] == r["blocking"] == "plugged", r
    assert r["plugged"] == 2, r  # each client connected through the plugged function
    assert r["call_ms"] >= THINK * 1000 * 0.9, r
    assert r["ticks"] >= r["call_ms"] // MAX_GAP_MS, r
    _gaps_bounded(rt, r)


@pytest.mark.parametrize("kind", ["unknown_ca", "wrong_host"])
def test_a_plugged_transports_own_socket_is_verified(rt, pki, mpy_lib, kind):
    # conn.handshake over a socket the transport made itself: refused as the built-in connection
    # refuses, on both clients, and nothing reaches the server
    with ReplayServer(tls_context=pki.server_context(kind)) as srv:
        srv.push(fixtures.chat("must not be read"))
        r = _run(mpy_lib, rt, "plugged_refusal", client_args(srv, pki, transport=True))
        for client in ("blocking", "async"):
            e = r[client]
            assert e.get("error") == "APIConnectionError", r
            assert "TLS handshake with 127.0.0.1 failed" in e["message"], r
        assert r["plugged"] == 2 and srv.requests == [] and srv.handshakes == 0, r


def test_cancelled_call_closes_its_connection_and_the_next_call_works(rt, server, pki, mpy_lib):
    server.push(_thinking(fixtures.chat("never read"), 3), fixtures.chat("next"))
    r = _run(mpy_lib, rt, "cancel", client_args(server, pki, pick="choices.0.message.content"))
    assert r["got"] == "cancelled" and r["closed"], r
    assert r["after"] == "next" and r["opened"] == 2, r


def test_calls_on_one_client_take_turns_on_its_connection(rt, server, pki, mpy_lib):
    server.push(_thinking(fixtures.chat("one"), 0.3), _thinking(fixtures.chat("two"), 0.3),
                _thinking(fixtures.chat("three"), 0.3))
    r = _run(mpy_lib, rt, "together", client_args(server, pki, calls=3, pick="choices.0.message.content"))
    assert sorted(r["results"]) == ["one", "three", "two"], r
    assert r["opened"] == [1] and len({q["conn"] for q in server.requests}) == 1, r
    # each request was sent only after the answer before it was read
    at = [q["at"] for q in server.requests]
    assert all(b - a >= 0.3 for a, b in zip(at, at[1:])), at


def test_two_clients_work_at_once(rt, server, pki, mpy_lib):
    server.push(_thinking(fixtures.chat("a"), 1), _thinking(fixtures.chat("b"), 1))
    r = _run(mpy_lib, rt, "together", client_args(server, pki, clients=2, pick="choices.0.message.content"))
    assert sorted(r["results"]) == ["a", "b"] and r["opened"] == [1, 1], r
    # the second request reached the server while it was still thinking about the first
    a, b = sorted(q["at"] for q in server.requests)
    assert b - a < 1, (a, b)


def test_async_for_over_a_listing_inside_async_with(rt, server, pki, mpy_lib):
    page = {"object": "list", "data": [{"id": "m1"}, {"id": "m2"}], "has_more": True, "last_id": "m2"}
    last = {"object": "list", "data": [{"id": "m3"}], "has_more": False}
    h = {"Content-Type": "application/json"}
    server.push(interaction("GET", "/v1/files", 200, json.dumps(page).encode(), h),
                interaction("GET", "/v1/files", 200, json.dumps(last).encode(), h))
    r = _run(mpy_lib, rt, "listing", client_args(server, pki))
    assert r == {"ids": ["m1", "m2", "m3"], "open_inside": True, "closed_after": True}
    assert [q["path"] for q in server.requests] == ["/v1/files?limit=2", "/v1/files?limit=2&after=m2"]


@pytest.mark.parametrize("fault, error", [
    ({"stall": 3}, "APITimeoutError"),
    ({"close_before_status": True}, "APIConnectionError"),
    ({"reset_after": 30}, "APIConnectionError"),
    ({"drip": [1, 0.3]}, "APITimeoutError"),
])
def test_failures_are_typed_as_on_the_blocking_client(rt, server, pki, mpy_lib, fault, error):
    it = fixtures.chat("x")
    it["fault"].update(fault)
    server.push(it)
    r = _run(mpy_lib, rt, "errors", client_args(server, pki, timeout=1, total_timeout=2))
    assert r.get("error") == error, r
