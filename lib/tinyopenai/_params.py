# Parameters as openai-python sends them outside a JSON body: query strings and multipart form
# fields. Loaded by the first call with a query or a form; other calls never carry this code.
from ._api import quote


def params_items(params, key=None):
    """(name, text) pairs of parameters for a query string or a form, as openai-python makes
    them: None is left out, a list gives name[] once per item, a dict name[key], booleans are
    true/false."""
    for k in params:
        v = params[k]
        name = k if key is None else "%s[%s]" % (key, k)
        if v is None:
            continue
        if isinstance(v, dict):
            for item in params_items(v, name):
                yield item
            continue
        if isinstance(v, (list, tuple)):
            name += "[]"
        for item in v if isinstance(v, (list, tuple)) else (v,):
            if isinstance(item, bool):
                item = "true" if item else "false"
            yield name, str(item)


def query(params):
    """The query string (without '?') for a dict of parameters."""
    return "&".join(quote(k) + "=" + quote(v) for k, v in params_items(params))
