# Chat completions: client.chat.completions.*


class _Completions:
    def __init__(self, client):
        self._c = client

    def create(self, model, messages, stream=False, pick=None, extra_headers=None, **params):
        """POST /chat/completions. Extra keyword arguments go into the JSON body.
        stream=True returns an iterator over the chunks (or their picked values)."""
        params["model"] = model
        params["messages"] = messages
        if stream:
            params["stream"] = True
        return self._c.request("POST", "/chat/completions", params, stream=stream, pick=pick, headers=extra_headers)


class Chat:
    def __init__(self, client):
        self.completions = _Completions(client)


def service(client):
    return Chat(client)
