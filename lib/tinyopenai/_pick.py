# pick: the values at some paths ('choices.0.message.content') of a JSON answer, read through
# a _json.Reader without building anything else. Loaded by the first call that picks.
# Core module: imports nothing from the package.


def compile_paths(pick):
    """'a.0.b' or a tuple of such -> (trie, count). A trie node is a dict: str keys for
    object members, int keys for list indexes, None -> result indexes ending there."""
    paths = (pick,) if isinstance(pick, str) else pick
    root = {}
    for n, p in enumerate(paths):
        node = root
        if p:
            for part in p.split("."):
                child = node.get(part)
                if child is None:
                    child = node[part] = {}
                    if part.isdigit():
                        node[int(part)] = child
                node = child
        node.setdefault(None, []).append(n)
    return root, len(paths)


def value(rd, paths):
    """What pick=paths gives (OpenAI._read hands the reader here): the value at the path, or
    a tuple of them for a tuple of paths."""
    vals = pick(rd, compile_paths(paths))
    return vals[0] if isinstance(paths, str) else tuple(vals)


def pick(rd, compiled):
    """Values at the compiled paths, as a list (None where absent). The whole value is read
    (skipping what no path wants), so a key given twice yields its last value, as json.loads
    does, and a value cut short is an error even after the wanted paths."""
    trie, count = compiled
    res = [None] * count
    _walk(rd, trie, res)
    return res


def _walk(rd, node, res):
    if None in node:
        _resolve(rd.load(), node, res)
        return
    c = rd.peek()
    if c != 0x7B and c != 0x5B:  # neither { nor [: nothing below here to find
        rd.skip()
        return
    # the walk of Reader.items, inline: no generator per level on the hot path
    close = c + 2  # } or ]
    rd.pos += 1
    if rd.peek() == close:
        rd.pos += 1
        return
    idx = 0
    while True:
        child = node.get(rd.key(False) if close == 0x7D else idx)
        if child is None:
            rd.skip()
        else:
            if close == 0x7D:  # a key seen again replaces all its first value gave
                _resolve(None, child, res)
            _walk(rd, child, res)
        idx += 1
        if not rd.after(close):
            return


def _resolve(v, node, res):
    # Fill results for the built value v and any deeper paths under node. A later duplicate
    # of a key overwrites what an earlier one gave, and a path it lacks goes back to None.
    for k in node:
        if k is None:
            for n in node[None]:
                res[n] = v
        elif isinstance(k, int):
            _resolve(v[k] if isinstance(v, list) and k < len(v) else None, node[k], res)
        else:
            _resolve(v[k] if isinstance(v, dict) and k in v else None, node[k], res)
