#!/usr/bin/env python3
"""Put the app on a board: compile lib/ with mpy-cross, stage the device layout, copy it with
mpremote.

  python tools/deploy.py --port /dev/ttyUSB0 [--config config.json] [--source | --romfs] [--resume]

Layout on the board: /lib (tinyopenai and the device modules, as .mpy unless --source),
/certs/*.der, /boot.py, /main.py, /config.json. mpremote skips files that are already up to
date. --resume skips the soft reset (needed for the Unix port behind a PTY, see PLATFORM.md).
--romfs writes lib/ as a ROMFS image into the board's romfs partition instead (mpremote romfs
deploy): its bytecode then runs in place from flash and only the app's own objects take heap.
The board needs firmware with a romfs partition (MICROPY_VFS_ROM); the image mounts at /rom and
/rom/lib is on sys.path, so the board must have no /lib/tinyopenai left to shadow it.
"""
import argparse
import os
import shutil
import subprocess
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
BIN = os.path.join(ROOT, ".venv", "bin")


def tool(name):
    path = os.path.join(BIN, name)
    return path if os.path.exists(path) else shutil.which(name) or name


def compile_lib(dest, lib=None):
    """lib/**/*.py -> dest/**/*.mpy with mpy-cross -O3, as the frozen build does: about 7% less
    bytecode, but tracebacks say "line 1" (--source keeps the line numbers). Each module is
    named by its path under lib/ (tinyopenai/_http.py), as on the board: the name is kept in
    RAM, and this one does not depend on where the checkout is. make mpy and the tests use it;
    make bench also compiles an earlier revision's lib/ (given as `lib`)."""
    lib = lib or os.path.join(ROOT, "lib")
    for d, _, names in os.walk(lib):
        for n in sorted(names):
            if not n.endswith(".py"):
                continue
            rel = os.path.relpath(os.path.join(d, n), lib)
            out = os.path.join(dest, rel[:-3] + ".mpy")
            os.makedirs(os.path.dirname(out), exist_ok=True)
            subprocess.run([tool("mpy-cross"), "-O3", "-s", rel.replace(os.sep, "/"), "-o", out, os.path.join(d, n)],
                           check=True)


def romfs_image(out, mpy_dir=None):
    """A ROMFS image of lib/ as a board mounts it: /rom/lib/tinyopenai/*.mpy and the device
    modules, from mpy_dir (compile_lib's output; build/mpy by default), with `mpremote romfs
    build`. Returns its size in bytes."""
    mpy_dir = mpy_dir or os.path.join(ROOT, "build", "mpy")
    tree = out + ".tree"
    shutil.rmtree(tree, ignore_errors=True)
    shutil.copytree(mpy_dir, os.path.join(tree, "lib"), ignore=shutil.ignore_patterns(".stamp", "*.json"))
    try:
        subprocess.run([tool("mpremote"), "romfs", "--no-mpy", "-o", out, "build", tree], check=True,
                       stdout=subprocess.DEVNULL)
    finally:
        shutil.rmtree(tree, ignore_errors=True)
    return os.path.getsize(out)


def stage(dest, config, source=False, lib=True):
    """The device file system as it should be, in dest (lib=False: without lib/)."""
    shutil.rmtree(dest, ignore_errors=True)
    os.makedirs(dest)
    if lib and source:
        shutil.copytree(os.path.join(ROOT, "lib"), os.path.join(dest, "lib"),
                        ignore=shutil.ignore_patterns("__pycache__"))
    elif lib:
        compile_lib(os.path.join(dest, "lib"))
    os.makedirs(os.path.join(dest, "certs"))
    for n in sorted(os.listdir(os.path.join(ROOT, "certs"))):
        if n.endswith(".der"):
            shutil.copy(os.path.join(ROOT, "certs", n), os.path.join(dest, "certs"))
    for n in ("boot.py", "main.py"):
        shutil.copy(os.path.join(ROOT, n), dest)
    if config:
        shutil.copy(config, os.path.join(dest, "config.json"))
    return dest


def main(argv):
    ap = argparse.ArgumentParser(description="compile and copy tinyopenai and the app to a board")
    ap.add_argument("--port", help="serial port (or a PTY) of the board")
    ap.add_argument("--mpy-only", metavar="DIR", help="only compile lib/ into DIR (make mpy)")
    ap.add_argument("--config", default=os.path.join(ROOT, "config.json"), help="config.json to install")
    ap.add_argument("--source", action="store_true", help="copy .py sources instead of .mpy")
    ap.add_argument("--romfs", action="store_true", help="lib/ as a ROMFS image into the romfs partition")
    ap.add_argument("--resume", action="store_true", help="no soft reset (the Unix port behind a PTY)")
    ap.add_argument("--extra", action="append", default=[], help="another file for /certs (e.g. a test CA)")
    a = ap.parse_args(argv)
    if a.mpy_only:
        shutil.rmtree(a.mpy_only, ignore_errors=True)
        compile_lib(a.mpy_only)
        return 0
    if not a.port:
        ap.error("--port is needed to deploy")
    config = a.config if os.path.exists(a.config) else None
    if config is None:
        print("deploy: %s not found; the board keeps its own config.json" % a.config)
    if a.romfs and a.source:
        ap.error("--romfs holds compiled .mpy files: it cannot be combined with --source")
    staged = stage(os.path.join(ROOT, "build", "deploy"), config, a.source, lib=not a.romfs)
    for extra in a.extra:
        shutil.copy(extra, os.path.join(staged, "certs"))
    connect = [tool("mpremote"), "connect", a.port] + (["resume"] if a.resume else [])
    if a.romfs:
        img = os.path.join(ROOT, "build", "deploy.romfs")
        mpy = os.path.join(ROOT, "build", "deploy-mpy")
        shutil.rmtree(mpy, ignore_errors=True)
        compile_lib(mpy)
        print("deploy: lib/ as a %d-byte ROMFS image to %s" % (romfs_image(img, mpy), a.port))
        rc = subprocess.run(connect + ["romfs", "deploy", img]).returncode
        if rc:
            return rc
    print("deploy: copying %s to %s" % (os.path.relpath(staged, ROOT), a.port))
    return subprocess.run(connect + ["fs", "cp", "-r", staged + "/", ":"]).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
