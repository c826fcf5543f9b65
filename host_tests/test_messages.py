"""The message catalog (tinyopenai/_messages.py): every message number the library raises with
is in it under the name the module gives it, every entry in it is used, and a catalog that
cannot be loaded still leaves a typed error with a terse text. The texts themselves are checked
where the errors happen (portable/t_parsers.py and test_faults.py, under both runtimes)."""
import ast
import builtins
import re
import shutil
import sys

import pytest
from conftest import ROOT, micropython
from tinyopenai import _messages
from tinyopenai._errors import APIConnectionError, say
from tinyopenai._json import JSONError, Reader

LIB = ROOT / "lib" / "tinyopenai"
# calls whose first argument is a message: a message number (a const) or a plain text
TAKES_MESSAGE = {"say", "error", "JSONError", "invalid"}


def catalog_names():
    # number -> name, from the comment after each entry of the catalog
    src = (LIB / "_messages.py").read_text()
    return {int(n): name for n, name in re.findall(r"^\s+(\d+): .*  # (\w+)$", src, re.M)}


def _firsts(node):
    # the names a first argument can be: _X, or _X if c else _Y
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, ast.IfExp):
        return _firsts(node.body) + _firsts(node.orelse)
    return []


def used_numbers():
    """{number: (name, where)} of every message a module raises with, from its consts."""
    used = {}
    for path in sorted(LIB.glob("*.py")):
        tree = ast.parse(path.read_text())
        consts = {}
        for node in tree.body:
            if not isinstance(node, ast.Assign) or not isinstance(node.targets[0], ast.Name):
                continue
            value = node.value
            if (isinstance(value, ast.Call) and getattr(value.func, "id", None) == "const"
                    and isinstance(value.args[0], ast.Constant)):
                consts[node.targets[0].id] = value.args[0].value
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            f = node.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
            if name in TAKES_MESSAGE:
                for const_name in _firsts(node.args[0]):
                    if const_name in consts:
                        used.setdefault(consts[const_name], (const_name[1:].lower(), "%s:%d" % (path.name,
                                                                                                  node.lineno)))
    return used


def test_every_number_used_is_in_the_catalog_under_its_name_and_every_entry_is_used():
    used = used_numbers()
    names = catalog_names()
    assert len(used) > 30, used  # the scan sees the call sites
    assert set(names) == set(_messages.TEXT), "every entry has its name in a comment"
    wrong = {n: (name, where, names.get(n)) for n, (name, where) in used.items() if names.get(n) != name}
    assert not wrong, "numbers whose name differs from the catalog's: %s" % wrong
    assert not set(_messages.TEXT) - set(used), "unused entries: %s" % (set(_messages.TEXT) - set(used))
    assert len(set(names.values())) == len(names)  # one number per name


def test_errors_read_the_catalog():
    body_cut = next(n for n, name in catalog_names().items() if name == "body_cut")
    assert str(APIConnectionError(say(body_cut))) == (
        "connection closed before the end of the body (truncated response)")
    assert str(APIConnectionError()) == "Connection error."
    with pytest.raises(JSONError) as e:
        Reader(b'"abc').load()
    assert str(e.value) == "unterminated string at byte 4"
    assert "tinyopenai._messages" not in sys.modules  # dropped again


def test_a_catalog_that_cannot_be_loaded_leaves_the_number(monkeypatch):
    # a heap too full for the catalog (or a board without the file): still the typed error
    real = builtins.__import__

    def no_catalog(name, *a, **kw):
        if name == "tinyopenai._messages":
            raise MemoryError("memory allocation failed")
        return real(name, *a, **kw)

    monkeypatch.setattr(builtins, "__import__", no_catalog)
    resolve = next(n for n, name in catalog_names().items() if name == "resolve")
    assert say(resolve, "h.test") == "tinyopenai message %d ('h.test',)" % resolve
    assert say("a plain text %s", 1) == "a plain text %s (1,)"
    with pytest.raises(JSONError) as e:
        Reader(b'"abc').load()
    unterm = next(n for n, name in catalog_names().items() if name == "unterm")
    assert str(e.value) == "tinyopenai message %d at byte 4" % unterm


def test_a_board_without_the_catalog_under_micropython(mpy_lib, tmp_path):
    # the library installed without _messages.mpy: the typed errors still come, with their numbers
    lib = tmp_path / "lib"
    shutil.copytree(mpy_lib / "tinyopenai", lib / "tinyopenai", ignore=shutil.ignore_patterns("_messages.mpy"))
    code = ("from tinyopenai._json import JSONError, Reader\n"
            "try:\n    Reader(b'[1 2]').load()\nexcept JSONError as e:\n    print('got', e)\n")
    script = tmp_path / "probe.py"
    script.write_text(code)
    rc, out = micropython(script, lib=lib)
    comma_end = next(n for n, name in catalog_names().items() if name == "comma_end")
    assert rc == 0 and "got tinyopenai message %d at byte 3" % comma_end in out, out
    rc, out = micropython(script, lib=mpy_lib)  # and with it, the sentence
    assert rc == 0 and "got expected ',' or a closing bracket at byte 3" in out, out
