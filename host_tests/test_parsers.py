"""The portable parser tests (JSON, SSE, HTTP response reader; every input whole and in 1-byte
and odd-sized reads) under CPython and every MicroPython runtime."""
import os
import subprocess
import sys

import pytest
from conftest import MP_RUNTIMES, PORTABLE, ROOT, micropython


def test_parsers_cpython():
    env = dict(os.environ, PYTHONPATH=str(ROOT / "lib"))
    p = subprocess.run([sys.executable, str(PORTABLE / "t_parsers.py")], capture_output=True, text=True, env=env)
    assert p.returncode == 0 and "PASS" in p.stdout, p.stdout + p.stderr


@pytest.mark.parametrize("mp,lib", [("micropython", "source")] + [(rt, "mpy") for rt in MP_RUNTIMES])
def test_parsers_micropython(mp, lib, mpy_lib):
    rc, out = micropython(PORTABLE / "t_parsers.py", lib=None if lib == "source" else mpy_lib, runtime=mp)
    assert rc == 0 and "PASS" in out, out
