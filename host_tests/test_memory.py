"""The memory rules under an ESP32-sized heap: -X heapsize=64k on every MicroPython runtime (the
64-bit port and the 32-bit twin with the library as .mpy, frozen, and in ROMFS). A megabyte answer
and a 2,000-event stream must fit. AsyncOpenAI runs the same at the big-payload tests' async
sizes (80k on the twin, 112k on the 64-bit port: asyncio and its module are loaded too)."""
import json

import fixtures
import pytest
from conftest import CLIENTS, MP_RUNTIMES, client_args
from test_big_payloads import heap as big_heap

pytestmark = [pytest.mark.parametrize("mp", MP_RUNTIMES), pytest.mark.parametrize("client", CLIENTS, indirect=True)]


def heap_for(mp, client):
    return big_heap(mp, client) if client == "async" else "64k"


def test_one_megabyte_chat_response_pick(mp, client, server, pki, run):
    it = fixtures.chat("The answer.", logprob_tokens=4200)
    assert len(it["body"]) > 1_000_000
    server.push(it, it)
    # content comes first: the megabyte of logprobs after it is skipped, never built
    r = run(mp, "big_pick", client_args(server, pki, pick="choices.0.message.content"), heap=heap_for(mp, client),
            module="small")
    assert r.get("result") == "The answer.", r
    # total_tokens is at the very end: a megabyte of logprobs is skipped without being built
    paths = ["usage.total_tokens", "choices.0.logprobs.content.4199.token", "choices.0.finish_reason"]
    r = run(mp, "big_pick", client_args(server, pki, pick=paths), heap=heap_for(mp, client), module="small")
    assert r.get("result") == [20, "tok4199", "stop"], r
    print("heap growth after a 1 MB pick: %d bytes" % r["heap_delta"])


def test_whole_megabyte_does_not_fit_but_fails_cleanly(mp, client, server, pki, run):
    # The contrast: asking for the whole dict of the same answer cannot fit in 64 KB.
    it = fixtures.chat("The answer.", logprob_tokens=4200)
    server.push(it)
    r = run(mp, "big_pick", client_args(server, pki, pick=None), heap=heap_for(mp, client), module="small")
    assert r["error"] == "MemoryError", r
    assert len(server.requests) == 1  # it failed building the dict, after the request went out


def test_two_thousand_event_stream_runs_in_flat_heap(mp, client, server, pki, run):
    words = ["w%d " % i for i in range(2000)]
    it, _ = fixtures.chat_stream(words)
    server.push(it)
    args = client_args(server, pki, pick="choices.0.delta.content", measure_every=100)
    r = run(mp, "stream", args, heap=heap_for(mp, client), module="small")
    assert r["count"] == 2000, r
    heap = r["heap"]
    assert len(heap) == 20
    growth = max(heap[1:]) - min(heap[1:])
    print("%s, %s: live heap over the stream: %s (spread %d bytes)" % (mp, client, heap, growth))
    assert growth <= 64, heap  # no per-event growth: the same live heap at event 200 and 2000


def test_stream_content_is_right_in_small_heap(mp, client, server, pki, run):
    words = ["", "Hel", "lo ", "w\u00f6rld"]
    it, _ = fixtures.chat_stream(words)
    server.push(it)
    r = run(mp, "stream", client_args(server, pki, pick="choices.0.delta.content", keep=True),
            heap=heap_for(mp, client), module="small")
    assert r["items"] == words
    assert json.loads(server.requests[0]["body"])["stream"] is True
