#!/usr/bin/env python3
"""Erase a board and write a MicroPython firmware image with esptool, at the chip's offset.

  python tools/flash.py --port /dev/ttyUSB0 --chip esp32 --firmware ESP32_GENERIC-....bin
  python tools/flash.py ... --dry-run      print the esptool command lines only
"""
import argparse
import os
import shutil
import subprocess
import sys

# Where the firmware image starts: the bootloader offset of each chip (a merged image: 0x0).
OFFSETS = {"esp32": "0x1000", "esp32s2": "0x1000", "esp32s3": "0x0", "esp32c3": "0x0", "esp32c6": "0x0"}
ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def esptool():
    path = os.path.join(ROOT, ".venv", "bin", "esptool")
    return [path] if os.path.exists(path) else [shutil.which("esptool") or "esptool"]


def commands(port, chip, firmware, baud=460800):
    if chip not in OFFSETS:
        raise SystemExit("unknown chip %r: one of %s" % (chip, ", ".join(sorted(OFFSETS))))
    base = esptool() + ["--chip", chip, "--port", port]
    return [base + ["erase-flash"],
            base + ["--baud", str(baud), "write-flash", OFFSETS[chip], firmware]]


def main(argv):
    ap = argparse.ArgumentParser(description="erase and flash MicroPython firmware onto an ESP32 board")
    ap.add_argument("--port", required=True)
    ap.add_argument("--chip", default="esp32", choices=sorted(OFFSETS))
    ap.add_argument("--firmware", required=True)
    ap.add_argument("--baud", type=int, default=460800)
    ap.add_argument("--dry-run", action="store_true")
    a = ap.parse_args(argv)
    if not os.path.isfile(a.firmware):
        print("flash: firmware file not found: %s" % a.firmware)
        return 2
    for cmd in commands(a.port, a.chip, a.firmware, a.baud):
        print("flash: " + " ".join(cmd))
        if a.dry_run:
            continue
        rc = subprocess.run(cmd).returncode
        if rc:
            print("flash: esptool failed (exit %d): is the board on %s, and in download mode?" % (rc, a.port))
            return rc
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
