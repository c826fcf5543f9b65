# Chat completions: client.chat.completions.create
from . import Service


class _Completions(Service):
    def create(self, *, model, messages, stream=False, **params):
        """POST /chat/completions. Other keyword arguments go into the JSON body, but for the
        per-call options (pick, extra_headers, extra_query, extra_body, timeout, ...).
        stream=True returns an iterator over the chunks (or their picked values)."""
        params["model"] = model
        params["messages"] = messages
        if stream:
            params["stream"] = True
        return self._send("POST", "/chat/completions", params, stream=stream)


class Chat:
    def __init__(self, client):
        self.completions = _Completions(client)


def service(client):
    return Chat(client)
