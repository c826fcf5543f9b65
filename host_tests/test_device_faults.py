"""The device app against its own data and a hostile world: corrupt queue files of every kind, a
queue path that cannot be written, an API that is unreachable for 2,000 cycles, and hostile or
refusing answers mid-batch. Each runs boot.py + main.py twice (as `make run` does), on the 64-bit
port and on the twin with the library frozen, with a 112 KB heap: no run may crash or lose a
reading, and corruption is reported once."""
import json
import os
import re
import subprocess

import pytest
import run_device
from conftest import SEEN, SENTINEL, count_sentinel, interpreter
from replay_server import interaction

pytestmark = pytest.mark.timeout(900)
DEVICES = ["micropython", "twin-frozen"]


@pytest.fixture
def api(tmp_path):
    srv, pki = run_device.replay_server(str(tmp_path / "ca"))
    yield srv, pki
    srv.stop()
    count_sentinel(srv)


def device(tmp_path, api, mp, **app):
    interpreter(mp)  # (skips, saying why, only when the twin cannot be built here at all)
    srv, pki = api
    dev = tmp_path / "dev"
    cfg = run_device.config(srv.url, SENTINEL, "certs/test_ca.der", interval_s=0.01, **app)
    cfg["openai"].update(max_retries=0, timeout_s=3)
    run_device.make_device(str(dev), cfg, extra_files=[pki.ca_der], runtime=mp)
    os.replace(dev / "test_ca.der", dev / "certs" / "test_ca.der")
    return dev, cfg


def boot_and_main(dev, mp, timeout=300, on_line=None):
    p = run_device.start(str(dev), runtime=mp, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         errors="replace")
    lines = []
    for line in p.stdout:  # pyright: ignore[reportOptionalIterable]
        lines.append(line)
        if on_line is not None:
            on_line(line)
    p.wait(timeout)
    out = "".join(lines)
    SEEN.append(out)
    assert p.returncode == 0 and "Traceback" not in out, out[-3000:]
    return out


def delivered(srv):
    """The reading numbers of every chat request the server got, in the order they came."""
    seqs = []
    for req in srv.requests:
        if req["path"] == "/v1/chat/completions":
            content = json.loads(req["body"])["messages"][1]["content"]
            seqs.append([int(n) for n in re.findall(r"#(\d+) ", content)])
    return seqs


GOOD = [{"seq": n, "t": "2026-01-01T00:00:%02dZ" % n, "v": 20.0 + n} for n in (1, 2, 3)]
LATER = [{"seq": n, "t": "2026-01-01T00:01:%02dZ" % n, "v": 30.0 + n} for n in (4, 5)]
CORRUPTIONS = {
    "erased flash tail (0xFF)": b"\xff" * 700,
    "random bytes tail": bytes((i * 97 + 13) % 256 for i in range(900)),
    "invalid UTF-8 record": b'{"seq": 9, "t": "\xc3\x28", "v": 1}\n',
    "record of the wrong shape": b'{"seq": "nine", "v": [1]}\n[1, 2, 3]\n"text"\n{"send": 5, "key": 7}\n',
    "a very long line": b'{"seq": 9, "t": "' + b"x" * 100000 + b'", "v": 1}\n',
    "NUL bytes": b"\x00" * 300 + b"\n",
    "a torn record without its newline": b'{"seq": 9, "t": "2026-01-01T00:0',
    "an out-of-order duplicate": json.dumps(GOOD[0]).encode() + b"\n",
}


@pytest.mark.parametrize("mp", DEVICES)
@pytest.mark.parametrize("kind", list(CORRUPTIONS))
def test_corrupt_queue_file_is_survived(mp, kind, tmp_path, api):
    dev, cfg = device(tmp_path, api, mp, cycles=1, batch=50)
    junk = CORRUPTIONS[kind]
    text = b"".join(json.dumps(r).encode() + b"\n" for r in GOOD) + junk
    if not junk.endswith(b"\n") and kind != "a torn record without its newline":
        text += b"\n"  # garbage, then good records written after it
    if kind != "a torn record without its newline":
        text += b"".join(json.dumps(r).encode() + b"\n" for r in LATER)
    (dev / "queue.jsonl").write_bytes(text)
    first = boot_and_main(dev, mp)
    second = boot_and_main(dev, mp)
    assert first.count("queue: skipped") == 1 and "queue: skipped" not in second, first + second
    got = [s for batch in delivered(api[0]) for s in batch]
    want = [1, 2, 3] + ([] if kind == "a torn record without its newline" else [4, 5])
    nxt = want[-1] + 1
    assert got == want + [nxt, nxt + 1], got  # the good ones, in order, then the two new readings


@pytest.mark.parametrize("mp", DEVICES)
@pytest.mark.parametrize("kind", ["directory", "read-only file system"])
def test_queue_path_that_cannot_be_written_is_a_named_config_error(mp, kind, tmp_path, api):
    dev, cfg = device(tmp_path, api, mp, cycles=1)
    if kind == "directory":
        (dev / "queue.jsonl").mkdir()
    else:
        cfg["queue"]["path"] = "/proc/no-such-dir/queue.jsonl"
        (dev / "config.json").write_text(json.dumps(cfg))
    out = boot_and_main(dev, mp)
    assert "main: config error: queue.path" in out and "cannot be written" in out, out


@pytest.mark.parametrize("mp", DEVICES)
@pytest.mark.parametrize("field,value,want", [
    ("timeout_s", 0, "openai.timeout_s must be between"),
    ("total_timeout_s", 500, "openai.total_timeout_s must be between"),
    ("max_retries", 99, "openai.max_retries must be between"),
])
def test_config_ranges(mp, field, value, want, tmp_path, api):
    dev, cfg = device(tmp_path, api, mp, cycles=1)
    cfg["openai"][field] = value
    (dev / "config.json").write_text(json.dumps(cfg))
    out = boot_and_main(dev, mp)
    assert "main: config error: " + want in out, out


@pytest.mark.parametrize("mp", DEVICES)
def test_config_ranges_of_the_app_and_queue(mp, tmp_path, api):
    dev, cfg = device(tmp_path, api, mp, cycles=1)
    for section, field, value, want in [("app", "batch", 0, "app.batch must be between 1 and 50"),
                                        ("app", "prompt", "p" * 3000, "app.prompt must be at most 2000"),
                                        ("queue", "max_bytes", 100, "queue.max_bytes must be between 512"),
                                        ("app", "interval_s", -1, "app.interval_s must be between")]:
        bad = json.loads(json.dumps(cfg))
        bad[section][field] = value
        (dev / "config.json").write_text(json.dumps(bad))
        out = boot_and_main(dev, mp)
        assert "main: config error: " + want in out, (want, out)
    bad = json.loads(json.dumps(cfg))
    bad["watchdog_s"] = 20
    bad["openai"]["total_timeout_s"] = 30  # a call could outlast the watchdog
    (dev / "config.json").write_text(json.dumps(bad))
    assert "below watchdog_s" in boot_and_main(dev, mp)


def _soak(tmp_path, api, mp, max_bytes):
    # the API unreachable for 2,000 cycles, then back: what the server gets, the heap over the
    # cycles, and the console
    srv, _ = api
    n = 2000
    dev, cfg = device(tmp_path, api, mp, cycles=n + 1, batch=10)
    cfg["queue"]["max_bytes"] = max_bytes
    (dev / "config.json").write_text(json.dumps(cfg))
    srv.down = True

    def watch(line):
        if line.startswith("reading #%d:" % n):
            srv.down = False  # the API comes back for the last cycle

    out = boot_and_main(dev, mp, timeout=900, on_line=watch)
    heap = [int(h) for h in re.findall(r"heap free (\d+)", out)]
    return out, heap, delivered(srv)


@pytest.mark.parametrize("mp", DEVICES)
def test_two_thousand_cycles_offline_then_everything_in_order_in_a_flat_heap(mp, tmp_path, api):
    out, heap, batches = _soak(tmp_path, api, mp, 1 << 18)
    got = [s for b in batches for s in b]
    assert got == list(range(1, 2002)), (len(got), got[:5], got[-5:])
    assert all(len(b) <= 10 for b in batches)  # a batch is bounded
    spread = max(heap[100:-2]) - min(heap[100:-2])  # cycles 101 to 1999: offline (the API is back in cycle 2000)
    print("%s: heap free over 2,000 offline cycles: %d..%d (spread %d bytes)" % (
        mp, min(heap[100:-2]), max(heap[100:-2]), spread))
    assert spread <= 2048, spread  # the queue's readings are on flash, not in RAM


@pytest.mark.parametrize("mp", DEVICES)
def test_two_thousand_cycles_offline_at_the_queue_bound(mp, tmp_path, api):
    out, heap, batches = _soak(tmp_path, api, mp, 16384)
    got = [s for b in batches for s in b]
    drops = [(int(a), int(b or a)) for a, b in re.findall(r"dropping readings? #(\d+)(?:\.\.#(\d+))?", out)]
    dropped = {s for a, b in drops for s in range(a, b + 1)}
    assert drops and got == sorted(got) and got[-1] == 2001, (drops[:3], got[:5], got[-5:])
    assert set(got) | dropped == set(range(1, 2002)) and not set(got) & dropped  # each one sent or reported
    spread = max(heap[100:-2]) - min(heap[100:-2])
    print("%s: at the bound, %d delivered, %d dropped and reported, heap spread %d bytes" % (
        mp, len(got), len(dropped), spread))
    assert spread <= 2048, spread
    assert os.path.getsize(tmp_path / "dev" / "queue.jsonl") <= 16384


@pytest.mark.parametrize("mp", DEVICES)
def test_hostile_answers_mid_batch_do_not_stop_the_device(mp, tmp_path, api):
    # the chat answer is broken in a new way on each of three cycles, then fine: the same batch
    # goes again each time, and every reading arrives
    srv, _ = api
    dev, cfg = device(tmp_path, api, mp, cycles=5, batch=50, note="")
    srv.scripted = [interaction("POST", "/v1/chat/completions", 200, b"", fault={"raw": raw, "close_after": True})
                    for raw in (b"HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n",
                                b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                                b"Transfer-Encoding: chunked\r\n\r\n5\r\nda",
                                b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 13\r\n\r\n"
                                b"<html></html>")]
    out = boot_and_main(dev, mp)
    assert len(re.findall(r"send: API(Connection|ResponseValidation)Error", out)) == 3, out
    assert delivered(srv) == [[1], [1], [1], [1], [2, 3, 4], [5]], delivered(srv)


@pytest.mark.parametrize("mp", DEVICES)
def test_a_batch_the_api_keeps_refusing_is_set_aside(mp, tmp_path, api):
    # a 400 for the first batch, three cycles running: it is set aside on flash, and the newer
    # readings go out; a restart does not bring it back
    import fixtures

    srv, _ = api
    dev, cfg = device(tmp_path, api, mp, cycles=5, batch=2, note="")
    refuse = fixtures.error(400, "this batch is refused", type_="invalid_request_error")
    srv.scripted = [refuse, refuse, refuse]
    first = boot_and_main(dev, mp)
    assert first.count("set aside in queue.jsonl.aside") == 1, first
    aside = [json.loads(ln)["seq"] for ln in (dev / "queue.jsonl.aside").read_text().splitlines()]
    assert aside == [1], aside  # the refused batch, kept on flash
    assert delivered(srv) == [[1], [1], [1], [2, 3], [4], [5]], delivered(srv)
    second = boot_and_main(dev, mp)
    assert "set aside" not in second, second
    assert delivered(srv)[6:] == [[6], [7], [8], [9], [10]], delivered(srv)  # not sent again after a restart
