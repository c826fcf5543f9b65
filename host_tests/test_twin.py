"""The interpreters themselves: each MicroPython runtime is what its name says (the 64-bit 1.29
preview, or the 32-bit v1.28.0 twin) and takes the library from where it says (.mpy files, frozen
in, or the ROMFS image), so a figure measured on one is that build's figure."""
import pytest
from conftest import MP_RUNTIMES, micropython

PROBE = """import sys, tinyopenai
print("VERSION", sys.implementation.version[:3], sys.maxsize, tinyopenai.__file__)
"""

WHERE = {
    "micropython": "mpylib",  # the .mpy files of the test session
    "twin": "mpylib",
    "twin-frozen": "tinyopenai/__init__.py",  # frozen: a path inside the firmware, no file
    "twin-romfs": "/rom/lib/tinyopenai/__init__.mpy",
}


@pytest.mark.parametrize("mp", MP_RUNTIMES)
def test_each_runtime_is_the_build_it_names(mp, mpy_lib, tmp_path):
    script = tmp_path / "probe.py"
    script.write_text(PROBE)
    rc, out = micropython(script, lib=mpy_lib, runtime=mp)
    assert rc == 0, out
    line = next(ln for ln in out.splitlines() if ln.startswith("VERSION "))
    if mp == "micropython":
        assert "(1, 29, 0)" in line and str(2**63 - 1) in line, line
    else:
        assert "(1, 28, 0)" in line and str(2**31 - 1) in line, line  # the release, 32-bit
    where = line.split()[-1]
    if WHERE[mp] == "mpylib":
        assert where == str(mpy_lib / "tinyopenai" / "__init__.mpy"), line
    else:
        assert where == WHERE[mp], line
