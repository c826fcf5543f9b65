"""The device app on the MicroPython Unix port and the 32-bit twin: make run, config errors, and the
queue surviving SIGKILL at random points, and torn writes (0xFF and garbage tails), while the API
comes and goes."""
import json
import os
import random
import re
import signal
import subprocess
import sys
import time

import pytest
from conftest import MP_RUNTIMES, ROOT, SEEN, SENT, SENTINEL, interpreter

sys.path.insert(0, str(ROOT / "tools"))
import run_device  # noqa: E402

pytestmark = pytest.mark.timeout(600)
# the app on the 64-bit port and on the twin as a board with the library frozen into its firmware
DEVICES = ["micropython", "twin-frozen"]


@pytest.mark.parametrize("mp", MP_RUNTIMES)
def test_make_run_shows_the_device_console(mp):
    interpreter(mp)  # (skips, saying why, only when the twin cannot be built here at all)
    p = subprocess.run([sys.executable, str(ROOT / "tools" / "run_device.py"), "--cycles", "2", "--interval", "0.2",
                        "--runtime", mp], capture_output=True, text=True, timeout=180)
    out = p.stdout
    SEEN.append(out + p.stderr)
    assert p.returncode == 0, out + p.stderr
    assert "boot: wifi host network" in out and "reading #1:" in out and "reading #2:" in out
    assert "moderation: note ok" in out
    assert "judgement (#1..#1): Readings look steady around 21\u00b0C; one spike is worth a look." in out
    assert re.search(r"heap free \d+", out) and "1 TLS handshake" in out
    assert "sk-local-replay" not in out + p.stderr  # the key is never printed


@pytest.mark.parametrize("mp", ["twin", "twin-frozen"])
def test_make_run_asyncio_form_samples_on_time_while_batches_are_sent(mp):
    # make run's second part: a reading every 250 ms while the server thinks 0.6 s over each
    # answer, on the 32-bit twin (the 64-bit port's objects are twice the size: its 112 KB heap
    # holds the blocking app, not this one beside asyncio)
    interpreter(mp)
    p = subprocess.run([sys.executable, str(ROOT / "tools" / "run_device.py"), "--asyncio", "--cycles", "12",
                        "--interval", "0.25", "--think", "0.6", "--runtime", mp],
                       capture_output=True, text=True, timeout=180)
    out = p.stdout
    SEEN.append(out + p.stderr)
    assert p.returncode == 0 and "Traceback" not in out and "cycle:" not in out, out + p.stderr
    assert [int(n) for n in re.findall(r"reading #(\d+):", out)] == list(range(1, 13)), out
    sent = [(int(a), int(b)) for a, b in re.findall(r"sent: #(\d+)\.\.#(\d+)", out)]
    assert sent[0][0] == 1 and sent[-1][1] == 12 and all(b + 1 == c for (_, b), (c, _) in zip(sent, sent[1:])), out
    assert len(sent) > 1 and "moderation: note ok" in out  # batches went out while readings came in
    m = re.search(r"sampling: every 250 ms; the most a reading was late: (\d+) ms while calls ran "
                  r"\((\d+) readings\), (\d+) ms otherwise", out)
    assert m, out
    late_busy, during = int(m.group(1)), int(m.group(2))
    # readings were taken while calls waited for the server, and none of them slipped a period
    assert during >= 4 and late_busy < 250, out


def _start(dev, mp="micropython"):
    interpreter(mp)
    return run_device.start(str(dev), runtime=mp, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            errors="replace")


def _output(p, timeout=None):
    out = p.communicate(timeout=timeout)[0]
    SEEN.append(out)  # for test_zz_secrets
    return out


def _run_with_config(tmp_path, text, mp):
    dev = tmp_path / "dev"
    run_device.make_device(str(dev), {}, runtime=mp)
    (dev / "config.json").write_text(text) if text is not None else (dev / "config.json").unlink()
    p = _start(dev, mp)
    out = _output(p, 60)
    assert p.returncode == 0, out
    assert "Traceback" not in out, out
    return out


def _good():
    cfg = run_device.config("https://127.0.0.1:9/v1", SENTINEL)
    return cfg


@pytest.mark.parametrize("case,want", [
    ("missing", "config.json not found: copy config.example.json"),
    ("invalid", "config.json is not valid JSON"),
    ("no_wifi", "wifi is missing"),
    ("empty_wifi", "wifi must list at least one network"),
    ("empty_key", "openai.api_key is empty"),
    ("bad_type", "wifi[0].password must be str, not (hidden)"),
    ("asyncio_deep_sleep", "app.asyncio and app.deep_sleep cannot both be on"),
])
@pytest.mark.parametrize("mp", DEVICES)
def test_config_errors(mp, tmp_path, case, want):
    cfg = _good()
    text = json.dumps(cfg)
    if case == "missing":
        text = None
    elif case == "invalid":
        text = text[:-5]
    elif case == "no_wifi":
        del cfg["wifi"]
    elif case == "empty_wifi":
        cfg["wifi"] = []
    elif case == "empty_key":
        cfg["openai"]["api_key"] = "  "
    elif case == "bad_type":
        cfg["wifi"][0]["password"] = 12345678
    elif case == "asyncio_deep_sleep":
        cfg["app"].update(asyncio=True, deep_sleep=True)
    if case not in ("missing", "invalid"):
        text = json.dumps(cfg)
    out = _run_with_config(tmp_path, text, mp)
    assert "boot: config error: " + want in out and "main: config error: " + want in out, out
    assert "12345678" not in out


def _queue_state(path):
    """The numbers of the readings still waiting in the queue file (the batch in flight too)."""
    from readingq import ReadingQueue  # the very module, run here under CPython
    q = ReadingQueue(str(path), 1 << 30, log=lambda *a: None)
    seqs = {r["seq"] for r in q.readings(q.lo, q.next_seq - 1, 1 << 30)}
    if q.batch is not None:
        seqs |= {r["seq"] for r in q.readings(q.batch[1], q.batch[2], 1 << 30)}
    return seqs


@pytest.mark.parametrize("mp", DEVICES)
def test_queue_survives_sigkill_while_the_api_flips(mp, tmp_path):
    sys.path.insert(0, str(ROOT / "lib"))
    rnd = random.Random(20261123)
    srv, pki = run_device.replay_server(str(tmp_path / "ca"))
    bound = 8192
    dev = tmp_path / "dev"
    cfg = run_device.config(srv.url, SENTINEL, "certs/test_ca.der", interval_s=0.05, cycles=0, batch=4)
    cfg["openai"].update(max_retries=0, timeout_s=3)
    cfg["queue"]["max_bytes"] = bound
    run_device.make_device(str(dev), cfg, extra_files=[pki.ca_der], runtime=mp)
    os.replace(dev / "test_ca.der", dev / "certs" / "test_ca.der")
    taken = set()
    sizes = []
    drops = []
    torn = 0
    try:
        for _ in range(20):
            srv.down = rnd.random() < 0.4
            p = _start(dev, mp)
            deadline = time.time() + rnd.uniform(0.3, 2.5)
            while time.time() < deadline:
                time.sleep(0.05)
                if rnd.random() < 0.05:
                    srv.down = not srv.down
            p.send_signal(signal.SIGKILL)
            out = _output(p)
            assert "Traceback" not in out, out
            if rnd.random() < 0.4:  # a torn write: erased flash (0xFF) or garbage after the last record
                tail = b"\xff" * rnd.randint(1, 600) if rnd.random() < 0.5 else bytes(
                    rnd.randrange(256) for _ in range(rnd.randint(1, 600)))
                with open(dev / "queue.jsonl", "ab") as f:
                    f.write(tail)
                torn += 1
            drops += re.findall(r"dropping reading #(\d+)", out)
            taken |= {int(n) for n in re.findall(r"reading #(\d+):", out)}
            sizes.append(os.path.getsize(dev / "queue.jsonl") if (dev / "queue.jsonl").exists() else 0)
        # then a last clean run with the API up, long enough to drain the queue
        srv.down = False
        cfg["app"].update(cycles=2, batch=50)
        (dev / "config.json").write_text(json.dumps(cfg))
        p = _start(dev, mp)
        out = _output(p, 120)
        assert p.returncode == 0, out
        taken |= {int(n) for n in re.findall(r"reading #(\d+):", out)}
        sizes.append(os.path.getsize(dev / "queue.jsonl"))
    finally:
        srv.stop()
        SENT[0] += sum(1 for r in srv.requests if r["headers"].get("authorization") == "Bearer " + SENTINEL)
    assert max(sizes) <= bound, sizes
    assert not drops and "dropping" not in out, drops
    # what the server got: each chat request names its readings and carries an Idempotency-Key
    by_key = {}
    for req in srv.requests:
        if req["path"] != "/v1/chat/completions":
            continue
        body = json.loads(req["body"])
        seqs = tuple(int(n) for n in re.findall(r"#(\d+) ", body["messages"][1]["content"]))
        key = req["headers"]["idempotency-key"]
        assert by_key.setdefault(key, seqs) == seqs, (key, by_key[key], seqs)  # a resend is the same batch
    delivered = [s for seqs in by_key.values() for s in seqs]
    assert len(delivered) == len(set(delivered))  # no reading in two batches
    queued = _queue_state(dev / "queue.jsonl")
    assert queued == set(), out  # the final run drained everything
    assert taken and taken <= set(delivered) | queued, sorted(taken - set(delivered))
    assert set(delivered) <= taken | set(range(1, max(taken) + 2))
    assert torn  # the torn tails were there to be survived
    print("readings taken %d, batches %d, chat requests %d, torn tails %d, queue sizes %s" % (
        len(taken), len(by_key), sum(1 for r in srv.requests if r["path"] == "/v1/chat/completions"), torn, sizes))
