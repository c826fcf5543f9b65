# Legacy completions: client.completions.create
from . import Service


class Completions(Service):
    def create(self, *, model, prompt, stream=False, **params):
        """POST /completions; stream=True iterates the chunks (or their picked values)."""
        params["model"] = model
        params["prompt"] = prompt
        if stream:
            params["stream"] = True
        return self._send("POST", "/completions", params, stream=stream)


def service(client):
    return Completions(client)
