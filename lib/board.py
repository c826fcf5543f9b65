# The only module that touches hardware: Wi-Fi, clock, watchdog, sensor, LED, sleep.
# On the MicroPython Unix port (and CPython) the host network is used, the clock is the host's,
# and the sensor is simulated deterministically, so boot.py and main.py run unchanged on a PC.

import gc
import sys
import time

UNIX = sys.platform in ("linux", "darwin", "win32")
_wdt = None


def heap_free():
    gc.collect()
    return gc.mem_free() if hasattr(gc, "mem_free") else -1


def watchdog(seconds):
    """Start the hardware watchdog (a hang reboots the board). 0 = off; nothing on the Unix port."""
    global _wdt
    if seconds and not UNIX:
        from machine import WDT

        _wdt = WDT(timeout=int(seconds * 1000))


def feed():
    if _wdt is not None:
        _wdt.feed()


def pause(seconds):
    """Wait, feeding the watchdog at least once a second."""
    whole = int(seconds)
    for _ in range(whole):
        feed()
        time.sleep(1)
    if seconds > whole:
        feed()
        time.sleep(seconds - whole)


def connect_wifi(networks, timeout_s, rounds):
    """Join the first network of the list that answers, trying the list `rounds` times.
    Returns the SSID joined, or None. On the Unix port the host is already online."""
    if UNIX:
        return "host network"
    import network

    wlan = network.WLAN(network.STA_IF)
    wlan.active(True)
    if wlan.isconnected():
        return wlan.config("ssid")
    for attempt in range(rounds):
        for net in networks:
            print("wifi: trying %s (round %d of %d)" % (net["ssid"], attempt + 1, rounds))
            try:
                wlan.connect(net["ssid"], net.get("password") or "")
            except OSError as e:
                print("wifi: %s: %s" % (net["ssid"], e))
                continue
            for _ in range(int(timeout_s * 5)):
                if wlan.isconnected():
                    break
                feed()
                time.sleep(0.2)
            if wlan.isconnected():
                return net["ssid"]
            wlan.disconnect()
        pause(2 * (attempt + 1))
    return None


def online():
    if UNIX:
        return True
    import network

    return network.WLAN(network.STA_IF).isconnected()


def set_clock(host, retries):
    """Set the clock by NTP (TLS checks certificate dates). The Unix port keeps the host's."""
    if UNIX:
        return True
    import ntptime

    ntptime.host = host
    for attempt in range(retries):
        feed()
        try:
            ntptime.settime()
            return True
        except OSError as e:
            print("ntp: %s failed (%s), attempt %d of %d" % (host, e, attempt + 1, retries))
            pause(1 + attempt)
    return False


def timestamp():
    t = time.gmtime() if hasattr(time, "gmtime") else time.localtime()
    return "%04d-%02d-%02dT%02d:%02d:%02dZ" % tuple(t[:6])


def read_sensor(kind, seq):
    """A reading in degrees Celsius. internal_temp: the chip's own sensor (simulated on the Unix
    port); simulated: a deterministic daily-like curve that depends only on the reading number."""
    if kind == "internal_temp" and not UNIX:
        import esp32

        if hasattr(esp32, "mcu_temperature"):  # S2, S3, C3, C6 (not in the generic stubs)
            return float(esp32.mcu_temperature())  # pyright: ignore[reportAttributeAccessIssue]
        return round((esp32.raw_temperature() - 32) / 1.8, 1)  # the original ESP32 reports F
    import math

    return round(21.5 + 2.5 * math.sin(seq * 0.7) + (4.0 if seq % 11 == 10 else 0.0), 1)


def led(on):
    if UNIX:
        return
    try:
        from machine import Pin

        Pin(2, Pin.OUT).value(1 if on else 0)
    except (ImportError, ValueError):
        pass  # a board without an LED on pin 2


def sleep(seconds, deep=False):
    """Between readings. Deep sleep restarts the board when it ends (boot.py and main.py run
    again; the queue on flash keeps the readings). The Unix port just waits."""
    if deep and not UNIX:
        import machine

        machine.deepsleep(int(seconds * 1000))
    pause(seconds)
