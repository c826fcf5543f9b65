#!/usr/bin/env python3
"""Run the device app (boot.py, then main.py) under the MicroPython Unix port, in a temporary
device file system laid out as on a board (/lib compiled with mpy-cross, /certs, config.json),
against the local replay server over HTTPS with its own test CA. No board and no API key.

  python tools/run_device.py [--cycles 3] [--interval 1] [--heap 112k] [--keep DIR] [--runtime RT]
  LIVE=1 OPENAI_API_KEY=... python tools/run_device.py    the real API with the bundled roots

--runtime (make run MP=...): micropython (the 64-bit port, default), or the 32-bit device twin
of make twin: twin (lib/ as .mpy files), twin-frozen (lib/ frozen into the interpreter, so the
device file system has no lib/, as after flashing such firmware) or twin-romfs (lib/ in a ROMFS
partition).

The key is written only into the temporary config.json (mode 600, deleted afterwards) and is
never printed.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.join(ROOT, "tools"))

import twin  # noqa: E402
from deploy import romfs_image  # noqa: E402

START = ("exec(open('boot.py').read(), {'__name__': '__main__'})\n"
         "exec(open('main.py').read(), {'__name__': '__main__'})\n")


def config(base_url, api_key, ca=None, **app):
    """A config.json for the Unix port, from config.example.json's shape."""
    with open(os.path.join(ROOT, "config.example.json")) as f:
        cfg = json.load(f)
    cfg["wifi"] = [{"ssid": "host network", "password": ""}]
    cfg["openai"].update(api_key=api_key, base_url=base_url, ca=ca, timeout_s=10)
    cfg["app"].update(interval_s=1, cycles=3, sensor="simulated", note="The fridge door was left open at noon.")
    cfg["app"].update(app)
    return cfg


def make_device(dest, cfg, mpy_dir=None, extra_files=(), runtime="micropython"):
    """Lay out a device file system in dest: boot.py, main.py, lib/ (.mpy), certs/, config.json.
    The frozen twin has the library in its firmware and gets no lib/; the ROMFS twin gets its
    partition (romfs.img, the library's image) instead."""
    mpy_dir = mpy_dir or os.path.join(ROOT, "build", "mpy")
    os.makedirs(dest, exist_ok=True)
    for name in ("boot.py", "main.py"):
        shutil.copy(os.path.join(ROOT, name), dest)
    if runtime == "twin-romfs":
        romfs_image(os.path.join(dest, "romfs.img"), mpy_dir)
    elif runtime != "twin-frozen":
        shutil.copytree(mpy_dir, os.path.join(dest, "lib"), dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns(".stamp"))
    shutil.copytree(os.path.join(ROOT, "certs"), os.path.join(dest, "certs"), dirs_exist_ok=True)
    for src in extra_files:
        shutil.copy(src, dest)
    path = os.path.join(dest, "config.json")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(cfg, f, indent=2)
    return dest


def start(dest, heap="112k", runtime="micropython", **popen):
    """Start boot.py then main.py in dest under a MicroPython runtime; returns the Popen."""
    env = twin.environment(runtime, ["lib"], os.path.join(dest, "romfs.img"))
    env.pop("OPENAI_API_KEY", None)  # the device reads its key from config.json only
    return subprocess.Popen([twin.INTERPRETERS[runtime], "-X", "heapsize=" + heap, "-c", START], cwd=dest, env=env,
                            **popen)


def replay_server(certdir):
    from replay_server import ReplayServer, TestPKI, load

    pki = TestPKI(certdir)
    items = []
    for name in sorted(os.listdir(os.path.join(ROOT, "tools", "replay"))):
        if name.endswith(".http"):
            items += load(os.path.join(ROOT, "tools", "replay", name))
    return ReplayServer(items, tls_context=pki.server_context()).start(), pki


def main(argv):
    ap = argparse.ArgumentParser(description="run the device app on the MicroPython Unix port")
    ap.add_argument("--cycles", type=int, default=3)
    ap.add_argument("--interval", type=float, default=1)
    ap.add_argument("--heap", default="112k")
    ap.add_argument("--asyncio", action="store_true",
                    help="the app's asyncio form: sampling beside the calls, its jitter printed at the end")
    ap.add_argument("--think", type=float, default=0,
                    help="seconds the replay server waits before each answer (a model thinking)")
    ap.add_argument("--keep", help="use (and keep) this directory as the device file system")
    ap.add_argument("--runtime", default="micropython", choices=sorted(twin.INTERPRETERS),
                    help="the interpreter (make run MP=twin-frozen runs the 32-bit twin with lib/ frozen)")
    a = ap.parse_args(argv)
    live = os.environ.get("LIVE") == "1"
    work = a.keep or tempfile.mkdtemp(prefix="tinyopenai-device-")
    srv = None
    try:
        if live:
            key = os.environ.get("OPENAI_API_KEY")
            if not key:
                print("LIVE=1 needs OPENAI_API_KEY in the environment")
                return 2
            cfg = config("https://api.openai.com/v1", key, None, cycles=a.cycles, interval_s=a.interval,
                         asyncio=a.asyncio)
            print("== device app against the real API (bundled roots), %d cycles ==" % a.cycles)
        else:
            srv, pki = replay_server(os.path.join(work, "testca"))
            cfg = config(srv.url, "sk-local-replay-no-real-key", "certs/test_ca.der", cycles=a.cycles,
                         interval_s=a.interval, asyncio=a.asyncio)
            for it in srv.table:
                if a.think:
                    it["fault"].update(stall=a.think, close_after_stall=False)
            print("== replay server at %s (HTTPS, test CA)%s; device heap %s ==" % (
                srv.url, ", %.1f s to think before each answer" % a.think if a.think else "", a.heap))
        if a.asyncio:
            print("== the asyncio form: a reading every %g s while batches are sent ==" % a.interval)
        print("== %s: %s ==" % (a.runtime, os.path.relpath(twin.INTERPRETERS[a.runtime], ROOT)))
        make_device(work, cfg, extra_files=[] if live else [pki.ca_der], runtime=a.runtime)
        if not live:
            shutil.move(os.path.join(work, "test_ca.der"), os.path.join(work, "certs", "test_ca.der"))
        p = start(work, a.heap, a.runtime)
        rc = p.wait(timeout=120 + a.cycles * (a.interval + 30))
        if srv is not None:
            print("== server: %d requests, %d TLS handshake(s) ==" % (len(srv.requests), srv.handshakes))
        return rc
    finally:
        if srv is not None:
            srv.stop()
        try:
            os.remove(os.path.join(work, "config.json"))
        except OSError:
            pass
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
