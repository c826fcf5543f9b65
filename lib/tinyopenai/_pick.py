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


def pick(rd, compiled):
    """Values at the compiled paths, as a list (None where absent). Stops reading as soon as
    every path is found; the rest of the input is left unread."""
    trie, count = compiled
    res = [None] * count
    left = [count]
    _walk(rd, trie, res, left)
    return res


def _walk(rd, node, res, left):
    if None in node:
        _resolve(rd.load(), node, res, left)
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
        child = node.get(rd._key() if close == 0x7D else idx)
        if child is None:
            rd.skip()
        else:
            _walk(rd, child, res, left)
            if not left[0]:
                return
        idx += 1
        if not rd._after(close):
            return

def _resolve(v, node, res, left):
    # Fill results for the built value v and any deeper paths under node.
    for k in node:
        if k is None:
            for n in node[None]:
                res[n] = v
                left[0] -= 1
        elif isinstance(k, int):
            if isinstance(v, list) and k < len(v):
                _resolve(v[k], node[k], res, left)
        elif isinstance(v, dict) and k in v:
            _resolve(v[k], node[k], res, left)
