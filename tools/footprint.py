#!/usr/bin/env python3
"""Print the size of each compiled module and the RAM an app pays to import tinyopenai with chat
and moderations and make a client (MicroPython Unix port, 64-bit; `make bench` adds a 32-bit
figure for the import). Run `make mpy` first. Usage: python tools/footprint.py"""
import os
import subprocess
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
MPY_DIR = os.path.join(ROOT, "build", "mpy")
MICROPYTHON = os.path.join(ROOT, ".venv", "bin", "micropython")

PROBE = """
import gc
gc.collect(); a = gc.mem_alloc()
import tinyopenai
gc.collect(); b = gc.mem_alloc()
c = tinyopenai.OpenAI(api_key="k", base_url="http://127.0.0.1:9/v1")
c.chat; c.moderations
gc.collect(); d = gc.mem_alloc()
print(b - a, d - a)
"""


def main():
    total = 0
    for name in sorted(os.listdir(os.path.join(MPY_DIR, "tinyopenai"))):
        size = os.path.getsize(os.path.join(MPY_DIR, "tinyopenai", name))
        total += size
        print("%-22s %6d bytes" % (name, size))
    print("%-22s %6d bytes" % ("all .mpy", total))
    env = dict(os.environ, MICROPYPATH=".frozen:" + MPY_DIR)
    out = subprocess.run([MICROPYTHON, "-X", "heapsize=256k", "-c", PROBE], capture_output=True, text=True, env=env)
    imp, app = out.stdout.split()
    print("import tinyopenai (.mpy, not frozen): %s bytes of heap" % imp)
    print("+ plain-http client with chat and moderations loaded: %s bytes" % app)
    return 0


if __name__ == "__main__":
    sys.exit(main())
