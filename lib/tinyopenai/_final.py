# The whole answer of a stream, merged from its payloads as they go by: a chat completion from
# its chunks (content and refusal joined, tool calls merged by index), or a Responses stream's
# finished response. Memory grows with the final answer only, never with the number of chunks.
# Loaded by the first payload of an unpicked stream.


def merger(first):
    return _Response() if isinstance(first, dict) and "type" in first and "choices" not in first else _Chat()


class _Response:
    def __init__(self):
        self.doc = None

    def add(self, event):
        if event.get("type") in ("response.completed", "response.incomplete", "response.failed"):
            self.doc = event.get("response")

    def result(self):
        return self.doc


def _join(into, key, piece):
    # text deltas: joined; None (or absent) adds nothing
    if isinstance(piece, str):
        into[key] = (into.get(key) or "") + piece


class _Chat:
    def __init__(self):
        self.doc = None

    def add(self, chunk):
        if not isinstance(chunk, dict):
            return
        doc = self.doc
        if doc is None:
            doc = self.doc = {"id": chunk.get("id"), "object": "chat.completion", "created": chunk.get("created"),
                              "model": chunk.get("model"), "choices": []}
            if "system_fingerprint" in chunk:
                doc["system_fingerprint"] = chunk["system_fingerprint"]
        if chunk.get("usage"):
            doc["usage"] = chunk["usage"]
        for ch in chunk.get("choices") or ():
            i = ch.get("index", 0)
            out = None
            for c in doc["choices"]:
                if c["index"] == i:
                    out = c
            if out is None:
                out = {"index": i, "message": {"role": "assistant", "content": None}, "finish_reason": None}
                doc["choices"].append(out)
            if ch.get("finish_reason") is not None:
                out["finish_reason"] = ch["finish_reason"]
            d = ch.get("delta") or {}
            msg = out["message"]
            if d.get("role"):
                msg["role"] = d["role"]  # (servers that repeat it in every chunk: the same)
            _join(msg, "content", d.get("content"))
            _join(msg, "refusal", d.get("refusal"))
            for tc in d.get("tool_calls") or ():
                _tool_call(msg.setdefault("tool_calls", []), tc)
            lp = ch.get("logprobs")
            if lp and lp.get("content"):
                out.setdefault("logprobs", {"content": []})["content"].extend(lp["content"])

    def result(self):
        return self.doc


def _tool_call(calls, tc):
    # A tool call's delta: merged into the call of the same index (or, from servers that send
    # none, of the same id); a new one otherwise. The name is kept once (some servers repeat it
    # in each fragment); arguments are joined.
    j = tc.get("index")
    found = None
    for c in calls:
        if (j is not None and c.get("index") == j) or (j is None and tc.get("id") and c.get("id") == tc.get("id")):
            found = c
    if found is None and j is None and not tc.get("id") and calls:
        found = calls[-1]  # neither index nor id: the rest of the last call
    if found is None:
        found = {"index": j if j is not None else len(calls), "id": None, "type": "function",
                 "function": {"name": None, "arguments": ""}}
        calls.append(found)
    if tc.get("id"):
        found["id"] = tc["id"]
    if tc.get("type"):
        found["type"] = tc["type"]
    fn = tc.get("function") or {}
    if fn.get("name") and not found["function"]["name"]:
        found["function"]["name"] = fn["name"]
    if isinstance(fn.get("arguments"), str):
        found["function"]["arguments"] += fn["arguments"]
