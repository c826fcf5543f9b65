# Device settings from config.json, checked field by field. Errors name the field and never show
# a secret's value.

_SECRET = ("password", "api_key")


class ConfigError(Exception):
    pass


def _get(d, key, where, kinds, kind_name, default):
    v = d.get(key)
    if v is None:
        if default is None:
            raise ConfigError("%s%s is missing" % (where, key))
        return default
    if not isinstance(v, kinds) or (isinstance(v, bool) and bool not in kinds):
        shown = "(hidden)" if key in _SECRET else repr(v)
        raise ConfigError("%s%s must be %s, not %s" % (where, key, kind_name, shown))
    return v


def _str(d, key, where, default=None):
    v = _get(d, key, where, (str,), "str", default)
    return v if isinstance(v, str) else str(v)


def _opt_str(d, key, where):
    return _str(d, key, where, "") or None


def _int(d, key, where, default=None):
    v = _get(d, key, where, (int,), "int", default)
    return v if isinstance(v, int) else 0


def _num(d, key, where, default=None):
    v = _get(d, key, where, (int, float), "a number", default)
    return float(v) if isinstance(v, (int, float)) else 0.0


def _obj(d, key, where, default=None):
    v = _get(d, key, where, (dict,), "an object", default)
    return v if isinstance(v, dict) else {}


def _range(value, name, lo, hi):
    # lo <= value <= hi, or a ConfigError that names the field and its bounds
    if not lo <= value <= hi:
        raise ConfigError("%s must be between %s and %s, not %s" % (name, lo, hi, value))
    return value


def load(path="config.json"):
    """The settings as a dict with defaults filled in; ConfigError with a clear message."""
    import json

    try:
        with open(path) as f:
            text = f.read()
    except OSError:
        raise ConfigError("%s not found: copy config.example.json to %s and fill it in" % (path, path))
    try:
        raw = json.loads(text)
    except ValueError as e:
        raise ConfigError("%s is not valid JSON (%s)" % (path, e))
    if not isinstance(raw, dict):
        raise ConfigError("%s must hold a JSON object" % path)
    wifi = _get(raw, "wifi", "", (list,), "a list", None)
    if not isinstance(wifi, list) or not wifi:
        raise ConfigError("wifi must list at least one network")
    for i, net in enumerate(wifi):
        if not isinstance(net, dict):
            raise ConfigError("wifi[%d] must be an object with ssid and password" % i)
        if not _str(net, "ssid", "wifi[%d]." % i):
            raise ConfigError("wifi[%d].ssid is empty" % i)
        _str(net, "password", "wifi[%d]." % i, "")
    o = _obj(raw, "openai", "")
    key = _str(o, "api_key", "openai.")
    if not key.strip() or key == "sk-your-key":
        raise ConfigError("openai.api_key is empty or still the example value")
    a = _obj(raw, "app", "", {})
    q = _obj(raw, "queue", "", {})
    cfg = {
        "wifi": wifi,
        "wifi_timeout_s": _range(_num(raw, "wifi_timeout_s", "", 15), "wifi_timeout_s", 1, 300),
        "wifi_retries": _range(_int(raw, "wifi_retries", "", 3), "wifi_retries", 1, 100),
        "openai": {
            "api_key": key,
            "base_url": _str(o, "base_url", "openai.", "https://api.openai.com/v1"),
            "organization": _opt_str(o, "organization", "openai."),
            "project": _opt_str(o, "project", "openai."),
            "chat_model": _str(o, "chat_model", "openai.", "gpt-4o-mini"),
            "moderation_model": _str(o, "moderation_model", "openai.", "omni-moderation-latest"),
            "timeout_s": _range(_num(o, "timeout_s", "openai.", 30), "openai.timeout_s", 0.1, 600),
            "total_timeout_s": _num(o, "total_timeout_s", "openai.", 0),
            "max_retries": _range(_int(o, "max_retries", "openai.", 2), "openai.max_retries", 0, 10),
            "ca": _opt_str(o, "ca", "openai."),
        },
        "ntp_host": _str(raw, "ntp_host", "", "pool.ntp.org"),
        "ntp_retries": _range(_int(raw, "ntp_retries", "", 3), "ntp_retries", 1, 100),
        "watchdog_s": _int(raw, "watchdog_s", "", 120),
        "app": {
            "interval_s": _range(_num(a, "interval_s", "app.", 300), "app.interval_s", 0.01, 86400),
            "backoff_max_s": _range(_num(a, "backoff_max_s", "app.", 600), "app.backoff_max_s", 0.01, 86400),
            "cycles": _range(_int(a, "cycles", "app.", 0), "app.cycles", 0, 1 << 30),
            "sensor": _str(a, "sensor", "app.", "internal_temp"),
            "note": _str(a, "note", "app.", ""),
            "prompt": _str(a, "prompt", "app.", "Is anything unusual in these readings? One sentence."),
            "batch": _range(_int(a, "batch", "app.", 10), "app.batch", 1, 50),
            "deep_sleep": bool(a.get("deep_sleep", False)),
            "asyncio": bool(a.get("asyncio", False)),
        },
        "queue": {
            "path": _str(q, "path", "queue.", "queue.jsonl"),
            "max_bytes": _range(_int(q, "max_bytes", "queue.", 16384), "queue.max_bytes", 512, 1 << 22),
            "max_tries": _range(_int(q, "max_tries", "queue.", 3), "queue.max_tries", 1, 100),
        },
    }
    o = cfg["openai"]
    wd = cfg["watchdog_s"]
    if wd and not 10 <= wd <= 3600:
        raise ConfigError("watchdog_s must be 0 (off) or between 10 and 3600, not %s" % wd)
    # a call blocks the loop: bounded below the watchdog's period, so no call outlasts it
    if not o["total_timeout_s"]:
        o["total_timeout_s"] = wd * 0.75 if wd else 120.0
    top = wd * 0.9 if wd else 3600
    if not o["timeout_s"] <= o["total_timeout_s"] <= top:
        raise ConfigError("openai.total_timeout_s must be between openai.timeout_s (%s) and %s%s, not %s"
                          % (o["timeout_s"], top, " (below watchdog_s)" if wd else "", o["total_timeout_s"]))
    if len(cfg["app"]["prompt"]) > 2000 or len(cfg["app"]["note"]) > 500:
        raise ConfigError("app.prompt must be at most 2000 characters and app.note at most 500")
    if len(cfg["queue"]["path"]) > 100 or not cfg["queue"]["path"]:
        raise ConfigError("queue.path must be a file name of 1 to 100 characters")
    if cfg["app"]["asyncio"] and cfg["app"]["deep_sleep"]:
        raise ConfigError("app.asyncio and app.deep_sleep cannot both be on (deep sleep restarts the board)")
    if cfg["app"]["sensor"] not in ("internal_temp", "simulated"):
        raise ConfigError("app.sensor must be internal_temp or simulated, not %r" % cfg["app"]["sensor"])
    return cfg
