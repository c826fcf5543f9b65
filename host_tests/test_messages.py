"""The message catalog (tinyopenai/_messages.py): every key the library raises with is in it,
every entry in it is used, and a catalog that cannot be loaded still leaves a typed error with
a terse text. The texts themselves are checked where the errors happen (portable/t_parsers.py
and test_faults.py, under both runtimes)."""
import ast
import builtins
import shutil
import sys

import pytest
from conftest import ROOT, micropython
from tinyopenai import _messages
from tinyopenai._errors import APIConnectionError, say
from tinyopenai._json import JSONError, Reader

LIB = ROOT / "lib" / "tinyopenai"
# calls whose first argument is a message: a catalog key (no spaces) or a plain text
TAKES_MESSAGE = {"say", "error", "JSONError", "invalid"}


def _firsts(node):
    # the constant strings a first argument can be: "a", or "a" if c else "b"
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _firsts(node.body) + _firsts(node.orelse)
    return []


def used_keys():
    keys = {}
    for path in sorted(LIB.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            f = node.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
            if name in TAKES_MESSAGE:
                for s in _firsts(node.args[0]):
                    if " " not in s:  # a key (texts have spaces)
                        keys.setdefault(s, "%s:%d" % (path.name, node.lineno))
    return keys


def test_every_key_used_is_in_the_catalog_and_every_entry_is_used():
    used = used_keys()
    assert len(used) > 30, used  # the scan sees the call sites
    missing = {k: where for k, where in used.items() if k not in _messages.TEXT}
    assert not missing, "keys without a text: %s" % missing
    assert not set(_messages.TEXT) - set(used), "unused entries: %s" % (set(_messages.TEXT) - set(used))


def test_keys_are_short_enough_to_be_interned():
    # mpy-cross interns strings of up to 10 characters (a few bytes each); longer ones are
    # objects of their own, which is what the catalog saves
    assert all(len(k) <= 10 and " " not in k for k in _messages.TEXT), [k for k in _messages.TEXT if len(k) > 10]


def test_errors_read_the_catalog():
    assert str(APIConnectionError(say("body_cut"))) == (
        "connection closed before the end of the body (truncated response)")
    assert str(APIConnectionError()) == "Connection error."
    with pytest.raises(JSONError) as e:
        Reader(b'"abc').load()
    assert str(e.value) == "unterminated string at byte 4"
    assert "tinyopenai._messages" not in sys.modules  # dropped again


def test_a_catalog_that_cannot_be_loaded_leaves_the_key(monkeypatch):
    # a heap too full for the catalog (or a board without the file): still the typed error
    real = builtins.__import__

    def no_catalog(name, *a, **kw):
        if name == "tinyopenai._messages":
            raise MemoryError("memory allocation failed")
        return real(name, *a, **kw)

    monkeypatch.setattr(builtins, "__import__", no_catalog)
    assert say("resolve", "h.test") == "resolve ('h.test',)"
    with pytest.raises(JSONError) as e:
        Reader(b'"abc').load()
    assert str(e.value) == "unterm at byte 4"


def test_a_board_without_the_catalog_under_micropython(mpy_lib, tmp_path):
    # the library installed without _messages.mpy: the typed errors still come, with their keys
    lib = tmp_path / "lib"
    shutil.copytree(mpy_lib / "tinyopenai", lib / "tinyopenai", ignore=shutil.ignore_patterns("_messages.mpy"))
    code = ("from tinyopenai._json import JSONError, Reader\n"
            "try:\n    Reader(b'[1 2]').load()\nexcept JSONError as e:\n    print('got', e)\n")
    script = tmp_path / "probe.py"
    script.write_text(code)
    rc, out = micropython(script, lib=lib)
    assert rc == 0 and "got comma_end at byte 3" in out, out
    rc, out = micropython(script, lib=mpy_lib)  # and with it, the sentence
    assert rc == 0 and "got expected ',' or a closing bracket at byte 3" in out, out
