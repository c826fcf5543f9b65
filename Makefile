# tinyopenai: host build, tests and tools. Everything installs into .venv on first use.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
LIB    := $(shell find lib -name '*.py')

.PHONY: test run serve lint fuzz bench mpy twin twin-deps certs deploy repl flash socat clean

STUBS := micropython-esp32-stubs==1.29.0.post1

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	rm -rf typings && $(PY) -m pip install -q --disable-pip-version-check --target typings $(STUBS)
	touch $(STAMP)

# Compile every module in lib/ with mpy-cross, as deploy puts them on a board (-O3, as the frozen
# build in firmware/manifest.py: about 7% less bytecode, but tracebacks say "line 1").
build/mpy/.stamp: $(STAMP) $(LIB) tools/deploy.py
	$(PY) tools/deploy.py --mpy-only build/mpy
	touch $@

mpy: build/mpy/.stamp

# The device twin (tools/twin.py): MicroPython v1.28.0's Unix port built for i686, as a board's
# 32-bit heap: plain (the library as .mpy), frozen (lib/ frozen from firmware/manifest.py) and
# romfs (the library in a ROMFS image, run in place). Make's timestamps keep an unchanged twin
# from being rebuilt; only the frozen one depends on lib/.
TWIN     := build/twin
TWIN_CFG := $(wildcard firmware/twin/*)
TWIN_SRC := $(wildcard ../shared/micropython/micropython-1.28.0.tar.xz)

$(TWIN)/src/.ready: tools/twin.py $(TWIN_SRC) | twin-deps
	$(PYTHON) tools/twin.py source

$(TWIN)/plain/micropython $(TWIN)/romfs/micropython: $(TWIN)/%/micropython: $(TWIN)/src/.ready $(TWIN_CFG)
	$(PYTHON) tools/twin.py build $*

$(TWIN)/frozen/micropython: $(TWIN)/src/.ready $(TWIN_CFG) firmware/manifest.py $(LIB)
	$(PYTHON) tools/twin.py build frozen

$(TWIN)/lib.romfs: build/mpy/.stamp tools/twin.py
	$(PY) tools/twin.py image $@

twin: $(TWIN)/plain/micropython $(TWIN)/frozen/micropython $(TWIN)/romfs/micropython $(TWIN)/lib.romfs

twin-deps:
	@command -v i686-linux-gnu-gcc >/dev/null && test -e /usr/lib32/libc.so.6 -o -e /lib32/libc.so.6 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq gcc-i686-linux-gnu libc6-i386 >/dev/null; }

test: $(STAMP) mpy twin lint socat
	$(PY) -m pytest -q -p no:cacheprovider host_tests

# Memory, footprint and speed beside the requests+json baseline, on the 64-bit port and the three
# twins: bench/REPORT.md (+ report.json).
bench: $(STAMP) mpy twin
	$(PY) bench/bench.py

# The long fuzzing budget (make test runs the same tests with a short one).
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest -q -p no:cacheprovider host_tests/test_fuzz.py host_tests/test_json_differential.py

# ruff everywhere; pyright on the device code against the ESP32 stubs, and on host code with
# the normal typeshed (two configs: typeshedPath is global).
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pyright -p pyrightconfig.json
	$(VENV)/bin/pyright -p pyrightconfig.host.json

# The device app (boot.py + main.py) on the MicroPython Unix port against the local replay
# server; LIVE=1 OPENAI_API_KEY=... talks to the real API instead. MP=twin-frozen (or twin,
# twin-romfs) runs it on the 32-bit device twin instead of the 64-bit port.
# The replay server for the Quick start and examples/: HTTPS with a test CA (build/testca), the
# same answer for the same request every time; it prints the three variables to paste.
SERVE_PORT ?= 8443
serve: $(STAMP)
	$(PY) tools/replay_server.py --tls --deterministic --port $(SERVE_PORT) --certdir build/testca \
	  tools/replay examples/replay

run: $(STAMP) mpy twin
	$(PY) tools/run_device.py $(if $(MP),--runtime $(MP))
	$(PY) tools/run_device.py --asyncio --cycles 12 --interval 0.25 --think 0.6 --runtime $(or $(MP),twin)

# The deploy and mip tests drive the Unix port through a pseudo-terminal made by socat.
socat:
	@command -v socat >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq socat >/dev/null; }

# On a board: PORT=/dev/ttyUSB0 (CHIP=esp32|esp32s2|esp32s3|esp32c3|esp32c6, FIRMWARE=file.bin)
deploy: $(STAMP)
	$(PY) tools/deploy.py --port $(PORT)

repl: $(STAMP)
	$(VENV)/bin/mpremote connect $(PORT) repl

flash: $(STAMP)
	$(PY) tools/flash.py --port $(PORT) --chip $(or $(CHIP),esp32) --firmware $(FIRMWARE)

certs: $(STAMP)
	$(PY) tools/certs.py

clean:
	rm -rf build .pytest_cache
