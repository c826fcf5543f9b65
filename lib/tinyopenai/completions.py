# Legacy completions: client.completions.create
from ._api import Resource


class Completions(Resource):
    path = "/completions"

    def create(self, model, prompt, stream=False, pick=None, extra_headers=None, **params):
        """POST /completions; stream=True iterates the chunks (or their picked values)."""
        params["model"] = model
        params["prompt"] = prompt
        if stream:
            params["stream"] = True
        return self._call("POST", (), params, stream=stream, pick=pick, extra_headers=extra_headers)


def service(client):
    return Completions(client)
