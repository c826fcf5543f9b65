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
        "wifi_timeout_s": _num(raw, "wifi_timeout_s", "", 15),
        "wifi_retries": _int(raw, "wifi_retries", "", 3),
        "openai": {
            "api_key": key,
            "base_url": _str(o, "base_url", "openai.", "https://api.openai.com/v1"),
            "organization": _opt_str(o, "organization", "openai."),
            "project": _opt_str(o, "project", "openai."),
            "chat_model": _str(o, "chat_model", "openai.", "gpt-4o-mini"),
            "moderation_model": _str(o, "moderation_model", "openai.", "omni-moderation-latest"),
            "timeout_s": _num(o, "timeout_s", "openai.", 30),
            "max_retries": _int(o, "max_retries", "openai.", 2),
            "ca": _opt_str(o, "ca", "openai."),
        },
        "ntp_host": _str(raw, "ntp_host", "", "pool.ntp.org"),
        "ntp_retries": _int(raw, "ntp_retries", "", 3),
        "watchdog_s": _int(raw, "watchdog_s", "", 120),
        "app": {
            "interval_s": _num(a, "interval_s", "app.", 300),
            "cycles": _int(a, "cycles", "app.", 0),
            "sensor": _str(a, "sensor", "app.", "internal_temp"),
            "note": _str(a, "note", "app.", ""),
            "prompt": _str(a, "prompt", "app.", "Is anything unusual in these readings? One sentence."),
            "batch": _int(a, "batch", "app.", 10),
            "deep_sleep": bool(a.get("deep_sleep", False)),
        },
        "queue": {
            "path": _str(q, "path", "queue.", "queue.jsonl"),
            "max_bytes": _int(q, "max_bytes", "queue.", 16384),
        },
    }
    if cfg["app"]["sensor"] not in ("internal_temp", "simulated"):
        raise ConfigError("app.sensor must be internal_temp or simulated, not %r" % cfg["app"]["sensor"])
    if cfg["queue"]["max_bytes"] < 512:
        raise ConfigError("queue.max_bytes must be at least 512")
    if cfg["app"]["batch"] < 1:
        raise ConfigError("app.batch must be at least 1")
    return cfg
