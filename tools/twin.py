#!/usr/bin/env python3
"""The device twin: MicroPython v1.28.0 (the release ESP32 boards run) built from source as a
32-bit (i686) Unix port, so heap figures have the board's object sizes. make twin runs this.

  python tools/twin.py source                     unpack (or clone) the source, build mpy-cross
  python tools/twin.py build plain|frozen|romfs   one interpreter: build/twin/<variant>/micropython
  python tools/twin.py image OUT.romfs            lib/ (.mpy from build/mpy) as a ROMFS image

Variants (all from firmware/twin, the same C configuration):
  plain   the library is loaded from .mpy files, as after `make deploy`
  frozen  lib/ frozen in, from firmware/manifest.py, the manifest the board build uses
  romfs   a ROMFS partition (the file named by MICROPY_ROMFS, see firmware/twin/romfs_partition.c)
          holding the library, whose bytecode then runs in place as from a board's flash

The source is ../shared/micropython/micropython-1.28.0.tar.xz when it is there; otherwise
MicroPython v1.28.0 is cloned with the submodules the Unix port needs (network access needed).
The compiler comes from Debian's gcc-i686-linux-gnu and libc6-i386 (the Makefile installs them).
"""
import os
import shutil
import subprocess
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
TWIN = os.path.join(ROOT, "build", "twin")
SRC = os.path.join(TWIN, "src")
TARBALL = os.path.join(ROOT, "..", "shared", "micropython", "micropython-1.28.0.tar.xz")
REPO = "https://github.com/micropython/micropython"
TAG = "v1.28.0"
COMMIT = "2b0015629f67fd186f980079b2e696ad0bc7343c"  # what TAG names
SUBMODULES = ("lib/mbedtls", "lib/micropython-lib", "lib/oofatfs")
# Written when neither ../shared/micropython nor the network gives the source: the builds are
# left out, and the tests that need the twin skip, saying so (the rest of make test still runs).
UNAVAILABLE = os.path.join(TWIN, "UNAVAILABLE")
VARIANT_DIR = os.path.join(ROOT, "firmware", "twin")
MAKE_ARGS = ["CROSS_COMPILE=i686-linux-gnu-", "MICROPY_PY_FFI=0", "MICROPY_PY_BTREE=0", "VARIANT_DIR=" + VARIANT_DIR]

# Every MicroPython interpreter the tests, make run and make bench use, by runtime name: the
# 64-bit 1.29 preview Unix port from PyPI, and the twin's three builds.
INTERPRETERS = {
    "micropython": os.path.join(ROOT, ".venv", "bin", "micropython"),
    "twin": os.path.join(TWIN, "plain", "micropython"),
    "twin-frozen": os.path.join(TWIN, "frozen", "micropython"),
    "twin-romfs": os.path.join(TWIN, "romfs", "micropython"),
}


def environment(runtime, path, romfs=None):
    """The environment to run `runtime` with: `path` (a list of directories) as its sys.path after
    .frozen; the ROMFS twin mounts the image file `romfs` and looks in /rom/lib first."""
    env = dict(os.environ, MICROPYPATH=":".join([".frozen"] + [str(p) for p in path]))
    if runtime == "twin-romfs":
        env["MICROPYPATH"] = "/rom/lib:" + env["MICROPYPATH"]
        env["MICROPY_ROMFS"] = str(romfs or os.path.join(TWIN, "lib.romfs"))
    return env


# main.c defines the stock (empty) ROMFS; the romfs variant brings its own, so main.c's is
# compiled only where TWIN_ROMFS is not set.
MAIN_C_ROMFS = ("#if MICROPY_VFS_ROM_IOCTL\n\nstatic uint8_t romfs_buf",
                "#if MICROPY_VFS_ROM_IOCTL && !TWIN_ROMFS\n\nstatic uint8_t romfs_buf")


def jobs():
    return "-j%d" % (os.cpu_count() or 2)


def source():
    tmp = SRC + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    if os.path.exists(UNAVAILABLE):
        os.remove(UNAVAILABLE)
    if os.path.exists(TARBALL):
        print("twin: MicroPython %s from %s" % (TAG, os.path.relpath(TARBALL, ROOT)))
        subprocess.run(["tar", "-xJf", TARBALL, "-C", tmp, "--strip-components=1"], check=True)
    else:
        print("twin: no ../shared/micropython; cloning %s %s" % (REPO, TAG))
        ok = subprocess.run(["git", "clone", "--quiet", "--depth", "1", "--branch", TAG, REPO, tmp]).returncode == 0
        ok = ok and subprocess.run(["git", "-C", tmp, "submodule", "update", "--init", "--depth", "1"]
                                   + list(SUBMODULES)).returncode == 0
        if not ok:
            shutil.rmtree(tmp, ignore_errors=True)
            with open(UNAVAILABLE, "w") as f:
                f.write("no MicroPython v1.28.0 source: ../shared/micropython is absent and %s could not be "
                        "cloned\n" % REPO)
            print("twin: UNAVAILABLE (no source and no network): the twin's tests will skip, saying so")
            return
    if os.path.exists(UNAVAILABLE):
        os.remove(UNAVAILABLE)
    main_c = os.path.join(tmp, "ports", "unix", "main.c")
    with open(main_c) as f:
        text = f.read()
    if MAIN_C_ROMFS[0] not in text:
        sys.exit("twin: ports/unix/main.c is not v1.28.0's (its ROMFS block was not found)")
    with open(main_c, "w") as f:
        f.write(text.replace(MAIN_C_ROMFS[0], MAIN_C_ROMFS[1]))
    subprocess.run(["make", "-s", "-C", os.path.join(tmp, "mpy-cross"), jobs()], check=True)
    shutil.rmtree(SRC, ignore_errors=True)
    os.rename(tmp, SRC)
    with open(os.path.join(SRC, ".ready"), "w"):  # make's stamp: the source is unpacked and patched
        pass


def build(variant, out=None, manifest=None):
    """Build one interpreter into out (build/twin/<variant> by default); the frozen one freezes
    what `manifest` lists (firmware/twin/frozen.py: this checkout's lib/; make bench passes an
    earlier revision's)."""
    if os.path.exists(UNAVAILABLE):
        print("twin: %s not built: %s" % (variant, open(UNAVAILABLE).read().strip()))
        return
    out = out or os.path.join(TWIN, variant)
    args = MAKE_ARGS + ["BUILD=" + out]
    if variant == "frozen":
        args.append("FROZEN_MANIFEST=" + (manifest or os.path.join(VARIANT_DIR, "frozen.py")))
    elif variant == "romfs":
        args.append("CFLAGS_EXTRA=-DTWIN_ROMFS=1")
    elif variant != "plain":
        sys.exit("twin: unknown variant %r (plain, frozen, romfs)" % variant)
    print("twin: building the %s interpreter into %s" % (variant, os.path.relpath(out, ROOT)))
    # the version the build reports: the release's, not `git describe` of the checkout around build/
    env = dict(os.environ, MICROPY_GIT_TAG=TAG, MICROPY_GIT_HASH=COMMIT[:10])
    subprocess.run(["make", "-s", "-C", os.path.join(SRC, "ports", "unix"), jobs()] + args, check=True, env=env)
    exe = os.path.join(out, "micropython")
    ver = subprocess.run([exe, "-c", "import sys; print(sys.version, sys.maxsize)"], capture_output=True, text=True)
    if ver.returncode or not ver.stdout.strip().endswith(str(2**31 - 1)):
        sys.exit("twin: %s is not a working 32-bit interpreter: %s" % (exe, ver.stdout + ver.stderr))
    print("twin: %s: %s" % (variant, ver.stdout.split(";")[1].split(" with")[0].strip()))
    os.utime(exe)  # make's timestamp, also when nothing had to be relinked


def main(argv):
    if argv[:1] == ["source"]:
        source()
    elif argv[:1] == ["build"] and len(argv) == 2:
        build(argv[1])
    elif argv[:1] == ["image"] and len(argv) == 2:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from deploy import romfs_image

        romfs_image(argv[1])
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
