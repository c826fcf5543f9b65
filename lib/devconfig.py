# Device settings from config.json, checked field by field. Errors name the field and never show
# a secret's value.

_SECRET = ("password", "api_key")


class ConfigError(Exception):
    pass


def _need(d, key, kind, where, default=None, required=True):
    if key not in d or d[key] is None:
        if required and default is None:
            raise ConfigError("%s%s is missing" % (where, key))
        return default
    v = d[key]
    ok = isinstance(v, kind) and not (kind is int and isinstance(v, bool))
    if kind is float:
        ok = isinstance(v, (int, float)) and not isinstance(v, bool)
    if not ok:
        shown = "(hidden)" if key in _SECRET else repr(v)
        raise ConfigError("%s%s must be %s, not %s" % (where, key, kind.__name__, shown))
    return v


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
    cfg = {}
    wifi = _need(raw, "wifi", list, "")
    if not wifi:
        raise ConfigError("wifi must list at least one network")
    for i, net in enumerate(wifi):
        if not isinstance(net, dict):
            raise ConfigError("wifi[%d] must be an object with ssid and password" % i)
        _need(net, "ssid", str, "wifi[%d]." % i)
        if not net["ssid"]:
            raise ConfigError("wifi[%d].ssid is empty" % i)
        _need(net, "password", str, "wifi[%d]." % i, "")
    cfg["wifi"] = wifi
    cfg["wifi_timeout_s"] = _need(raw, "wifi_timeout_s", float, "", 15)
    cfg["wifi_retries"] = _need(raw, "wifi_retries", int, "", 3)
    o = _need(raw, "openai", dict, "")
    key = _need(o, "api_key", str, "openai.")
    if not key.strip() or key == "sk-your-key":
        raise ConfigError("openai.api_key is empty or still the example value")
    cfg["openai"] = {
        "api_key": key,
        "base_url": _need(o, "base_url", str, "openai.", "https://api.openai.com/v1"),
        "organization": _need(o, "organization", str, "openai.", required=False),
        "project": _need(o, "project", str, "openai.", required=False),
        "chat_model": _need(o, "chat_model", str, "openai.", "gpt-4o-mini"),
        "moderation_model": _need(o, "moderation_model", str, "openai.", "omni-moderation-latest"),
        "timeout_s": _need(o, "timeout_s", float, "openai.", 30),
        "max_retries": _need(o, "max_retries", int, "openai.", 2),
        "ca": _need(o, "ca", str, "openai.", required=False),
    }
    cfg["ntp_host"] = _need(raw, "ntp_host", str, "", "pool.ntp.org")
    cfg["ntp_retries"] = _need(raw, "ntp_retries", int, "", 3)
    cfg["watchdog_s"] = _need(raw, "watchdog_s", int, "", 120)
    a = _need(raw, "app", dict, "", {})
    cfg["app"] = {
        "interval_s": _need(a, "interval_s", float, "app.", 300),
        "cycles": _need(a, "cycles", int, "app.", 0, required=False) or 0,
        "sensor": _need(a, "sensor", str, "app.", "internal_temp"),
        "note": _need(a, "note", str, "app.", "", required=False) or "",
        "prompt": _need(a, "prompt", str, "app.", "Is anything unusual in these readings? One sentence."),
        "batch": _need(a, "batch", int, "app.", 10),
        "deep_sleep": bool(a.get("deep_sleep", False)),
    }
    if cfg["app"]["sensor"] not in ("internal_temp", "simulated"):
        raise ConfigError("app.sensor must be internal_temp or simulated, not %r" % cfg["app"]["sensor"])
    q = _need(raw, "queue", dict, "", {})
    cfg["queue"] = {
        "path": _need(q, "path", str, "queue.", "queue.jsonl"),
        "max_bytes": _need(q, "max_bytes", int, "queue.", 16384),
    }
    if cfg["queue"]["max_bytes"] < 512:
        raise ConfigError("queue.max_bytes must be at least 512")
    return cfg
