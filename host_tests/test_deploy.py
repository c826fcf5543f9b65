"""Deploy, mip, flash and freeze, without a board: the MicroPython Unix port stands in for one
behind a pseudo-terminal made by socat (mpremote with `resume`, see PLATFORM.md); esptool is
tested up to the serial port."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from conftest import ROOT, SEEN, SENT, SENTINEL, interpreter

sys.path.insert(0, str(ROOT / "tools"))
import flash  # noqa: E402
import run_device  # noqa: E402
import twin  # noqa: E402

MPREMOTE = str(ROOT / ".venv" / "bin" / "mpremote")
pytestmark = [pytest.mark.timeout(300),
              pytest.mark.skipif(shutil.which("socat") is None, reason="socat is needed (make test installs it)")]


def power_on(dev, tty, runtime="micropython"):
    """Start a 'board': a MicroPython runtime in dev behind the PTY tty. The ROMFS twin's
    partition is the file dev/../romfs.partition. Returns the socat process."""
    exe = "%s -X heapsize=112k" % interpreter(runtime)
    env = twin.environment(runtime, ["lib"], dev.parent / "romfs.partition")
    if tty.exists():
        tty.unlink()
    p = subprocess.Popen(["socat", "PTY,link=%s,raw,echo=0" % tty,
                          "EXEC:%s,pty,raw,echo=0,stderr,setsid,ctty" % exe],
                         cwd=str(dev), env=env, start_new_session=True)
    for _ in range(100):
        if tty.exists():
            break
        time.sleep(0.05)
    return p


def power_off(p):
    os.killpg(p.pid, signal.SIGTERM)
    p.wait(10)


@pytest.fixture
def board(tmp_path):
    """A 'board': micropython running in tmp_path/board behind the PTY tmp_path/tty."""
    dev = tmp_path / "board"
    dev.mkdir()
    tty = tmp_path / "tty"
    p = power_on(dev, tty)
    yield dev, str(tty)
    power_off(p)


def mpremote(tty, *args, timeout=120):
    p = subprocess.run([MPREMOTE, "connect", tty, "resume"] + list(args), capture_output=True, text=True,
                       timeout=timeout)
    SEEN.append(p.stdout + p.stderr)  # for test_zz_secrets
    return p.returncode, p.stdout + p.stderr


def test_deploy_then_run_main_through_mpremote(board, tmp_path):
    dev, tty = board
    srv, pki = run_device.replay_server(str(tmp_path / "ca"))
    try:
        cfg = run_device.config(srv.url, SENTINEL, "certs/test_ca.der", cycles=1, interval_s=0.1)
        cfg_path = tmp_path / "config.json"
        cfg_path.write_text(json.dumps(cfg))
        p = subprocess.run([sys.executable, str(ROOT / "tools" / "deploy.py"), "--port", tty, "--resume",
                            "--config", str(cfg_path), "--extra", pki.ca_der], capture_output=True, text=True,
                           timeout=180)
        assert p.returncode == 0, p.stdout + p.stderr
        for f in ("boot.py", "main.py", "config.json", "lib/tinyopenai/__init__.mpy", "lib/tinyopenai/_json.mpy",
                  "lib/board.mpy", "lib/readingq.mpy", "certs/gts_root_r1.der", "certs/test_ca.der"):
            assert (dev / f).is_file(), f
        assert sorted(p.name for p in dev.rglob("*.py")) == ["boot.py", "main.py"]  # lib/ went as .mpy
        rc, out = mpremote(tty, "exec", "import boot\nexec(open('main.py').read(), {'__name__': '__main__'})")
        assert rc == 0, out
        assert "boot: wifi host network" in out and "reading #1:" in out and "moderation: note ok" in out
        assert "judgement (#1..#1): Readings look steady" in out and "sent: #1..#1" in out
        assert len([r for r in srv.requests if r["path"] == "/v1/chat/completions"]) == 1
        # a second deploy copies nothing that is unchanged
        p = subprocess.run([sys.executable, str(ROOT / "tools" / "deploy.py"), "--port", tty, "--resume",
                            "--config", str(cfg_path)], capture_output=True, text=True, timeout=180)
        assert p.returncode == 0 and "Up to date: ./lib/tinyopenai/_json.mpy" in p.stdout, p.stdout + p.stderr
    finally:
        srv.stop()
        SENT[0] += sum(1 for r in srv.requests if r["headers"].get("authorization") == "Bearer " + SENTINEL)


def test_deploy_lib_as_romfs_then_run_main_from_it(tmp_path):
    # The ROMFS twin as a board with a 256 KiB romfs partition, erased (0xFF) as new flash reads:
    # deploy --romfs writes lib/ into it with mpremote romfs deploy and copies the rest; after a
    # power cycle the library is imported from /rom/lib and the app runs.
    dev = tmp_path / "board"
    dev.mkdir()
    tty = tmp_path / "tty"
    (tmp_path / "romfs.partition").write_bytes(b"\xff" * (256 * 1024))
    srv, pki = run_device.replay_server(str(tmp_path / "ca"))
    p = power_on(dev, tty, "twin-romfs")
    try:
        cfg = run_device.config(srv.url, SENTINEL, "certs/test_ca.der", cycles=1, interval_s=0.1)
        cfg_path = tmp_path / "config.json"
        cfg_path.write_text(json.dumps(cfg))
        d = subprocess.run([sys.executable, str(ROOT / "tools" / "deploy.py"), "--port", str(tty), "--resume",
                            "--romfs", "--config", str(cfg_path), "--extra", pki.ca_der], capture_output=True,
                           text=True, timeout=180)
        assert d.returncode == 0 and "ROMFS image deployed" in d.stdout, d.stdout + d.stderr
        assert not (dev / "lib").exists() and (dev / "main.py").is_file() and (dev / "certs" / "test_ca.der").is_file()
        power_off(p)
        p = power_on(dev, tty, "twin-romfs")
        rc, out = mpremote(str(tty), "exec", "import tinyopenai, board\nprint('from', tinyopenai.__file__, "
                           "board.__file__)\nimport boot\nexec(open('main.py').read(), {'__name__': '__main__'})")
        assert rc == 0, out
        assert "from /rom/lib/tinyopenai/__init__.mpy /rom/lib/board.mpy" in out, out
        assert "reading #1:" in out and "judgement (#1..#1): Readings look steady" in out, out
    finally:
        power_off(p)
        srv.stop()
        SENT[0] += sum(1 for r in srv.requests if r["headers"].get("authorization") == "Bearer " + SENTINEL)


def test_mip_install_from_package_json(board):
    dev, tty = board
    rc, out = mpremote(tty, "mip", "install", "--target", "lib", str(ROOT / "package.json"))
    assert rc == 0, out
    rc, out = mpremote(tty, "exec", "import tinyopenai, tinyopenai.chat; print('version', tinyopenai.__version__)")
    assert rc == 0 and "version 0.1.0" in out, out
    pkg = dev / "lib" / "tinyopenai"
    installed = sorted(p.name for p in pkg.iterdir() if p.is_file())
    assert installed == sorted(p.name for p in (ROOT / "lib" / "tinyopenai").glob("*.py"))
    roots = sorted(p.name for p in (ROOT / "certs").glob("*.der"))
    assert sorted(p.name for p in (pkg / "certs").iterdir()) == roots
    assert all((pkg / "certs" / n).read_bytes() == (ROOT / "certs" / n).read_bytes() for n in roots)
    assert not (dev / "certs").exists()  # only the package's own copies are there to be found
    # a client made with the bundled roots: each one is loaded into the TLS context
    rc, out = mpremote(tty, "exec", "from tinyopenai import OpenAI, _setup\n"
                       "c = OpenAI(api_key='sk-mip-install-check', base_url='https://api.openai.com/v1')\n"
                       "print('roots', _setup.bundled() if hasattr(_setup, 'bundled') else None)")
    assert rc == 0 and "Error" not in out, out
    for n in roots:
        assert "lib/tinyopenai/certs/" + n in out, out


def test_package_json_lists_every_module():
    pkg = json.loads((ROOT / "package.json").read_text())
    listed = {src for _, src in pkg["urls"]}
    assert listed == {str(p.relative_to(ROOT)) for p in (ROOT / "lib" / "tinyopenai").glob("*.py")} | {
        str(p.relative_to(ROOT)) for p in (ROOT / "certs").glob("*.der")}
    for dest, src in pkg["urls"]:  # modules into the package, the roots into its certs/
        assert dest == (src[len("lib/"):] if src.startswith("lib/") else "tinyopenai/" + src)


@pytest.mark.parametrize("chip,offset", [("esp32", "0x1000"), ("esp32s2", "0x1000"), ("esp32s3", "0x0"),
                                         ("esp32c3", "0x0"), ("esp32c6", "0x0")])
def test_flash_command_lines(chip, offset, tmp_path):
    fw = tmp_path / "fw.bin"
    fw.write_bytes(b"\xe9" + b"\x00" * 63)
    p = subprocess.run([sys.executable, str(ROOT / "tools" / "flash.py"), "--port", "/dev/ttyUSB9", "--chip", chip,
                        "--firmware", str(fw), "--dry-run"], capture_output=True, text=True)
    assert p.returncode == 0
    lines = [ln for ln in p.stdout.splitlines() if ln.startswith("flash: ")]
    assert lines[0].endswith("--chip %s --port /dev/ttyUSB9 erase-flash" % chip)
    assert lines[1].endswith("--chip %s --port /dev/ttyUSB9 --baud 460800 write-flash %s %s" % (chip, offset, fw))
    assert flash.commands("/dev/x", chip, "f.bin")[1][-2] == offset


def test_flash_without_a_board_fails_clearly(tmp_path):
    fw = tmp_path / "fw.bin"
    fw.write_bytes(b"\xe9" + b"\x00" * 63)
    p = subprocess.run([sys.executable, str(ROOT / "tools" / "flash.py"), "--port", str(tmp_path / "no-such-port"),
                        "--chip", "esp32", "--firmware", str(fw)], capture_output=True, text=True, timeout=120)
    assert p.returncode != 0 and "esptool failed" in p.stdout and "download mode" in p.stdout
    p = subprocess.run([sys.executable, str(ROOT / "tools" / "flash.py"), "--port", "x", "--firmware",
                        str(tmp_path / "missing.bin")], capture_output=True, text=True)
    assert p.returncode == 2 and "firmware file not found" in p.stdout


def test_esptool_offline_commands(tmp_path):
    esptool = str(ROOT / ".venv" / "bin" / "esptool")
    p = subprocess.run([esptool, "version"], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0 and "5." in p.stdout
    app = tmp_path / "app.bin"
    app.write_bytes(bytes(range(256)) * 4)
    out = tmp_path / "merged.bin"
    p = subprocess.run([esptool, "--chip", "esp32", "merge-bin", "-o", str(out), "0x1000", str(app)],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stdout + p.stderr
    merged = out.read_bytes()
    assert merged[0x1000:0x1000 + 1024] == app.read_bytes() and set(merged[:0x1000]) == {0xFF}


@pytest.mark.parametrize("port", ["esp32", "twin"])
def test_board_and_twin_freeze_the_same_files_from_one_manifest(port, tmp_path):
    # firmware/manifest.py through MicroPython's own manifest runner (from the twin's source): an
    # ESP32 build (its board manifest stubbed, as ESP-IDF is not here) and the twin's frozen
    # build must freeze exactly lib/'s modules, at -O3; the twin adds the Unix port's own modules.
    interpreter("twin-frozen")  # its source holds the manifest runner (skips only if it cannot be had)
    src = twin.SRC
    sys.path.insert(0, os.path.join(src, "tools"))
    import manifestfile  # pyright: ignore[reportMissingImports]  (the twin's source, see tools/twin.py)

    if port == "esp32":
        port_dir = tmp_path / "ports" / "esp32"
        (port_dir / "boards").mkdir(parents=True)
        (port_dir / "boards" / "manifest.py").write_text("# the board's own frozen modules\n")
        top = ROOT / "firmware" / "manifest.py"
    else:
        port_dir = os.path.join(src, "ports", "unix")
        top = ROOT / "firmware" / "twin" / "frozen.py"
    m = manifestfile.ManifestFile(manifestfile.MODE_FREEZE, {
        "MPY_DIR": src, "PORT_DIR": str(port_dir), "BOARD_DIR": str(port_dir),
        "MPY_LIB_DIR": os.path.join(src, "lib", "micropython-lib")})
    m.execute(str(top))
    lib = ROOT / "lib"
    ours = {f.target_path: f.opt for f in m.files() if os.path.realpath(f.full_path).startswith(str(lib) + os.sep)}
    assert ours == {str(p.relative_to(lib)): 3 for p in lib.rglob("*.py")}
    others = {f.target_path for f in m.files()} - set(ours)
    assert others == set() if port == "esp32" else {"requests/__init__.py", "asyncio/core.py"} <= others
