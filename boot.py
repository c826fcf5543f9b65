# Runs first at power-up: settings, watchdog, Wi-Fi, clock. Never hangs, never reboot-loops: a
# broken config.json is reported and the REPL stays free.


def _boot():
    import board
    import devconfig

    try:
        cfg = devconfig.load()
    except devconfig.ConfigError as e:
        print("boot: config error: %s" % e)
        print("boot: fix config.json (see config.example.json); the REPL is free")
        return
    board.watchdog(cfg["watchdog_s"])
    ssid = board.connect_wifi(cfg["wifi"], cfg["wifi_timeout_s"], cfg["wifi_retries"])
    if ssid:
        clock = board.set_clock(cfg["ntp_host"], cfg["ntp_retries"])
        print("boot: wifi %s, clock %s" % (ssid, board.timestamp() if clock else "NOT SET (TLS may refuse)"))
    else:
        print("boot: no wifi; readings will be queued until it comes back")
    print("boot: heap free %d" % board.heap_free())


try:
    _boot()
except Exception as e:  # anything unexpected: report, keep the REPL
    print("boot: failed: %r" % e)
del _boot
