# Moderations: client.moderations.create


class Moderations:
    def __init__(self, client):
        self._c = client

    def create(self, input, model="omni-moderation-latest", pick=None, extra_headers=None, **params):
        """POST /moderations. input: a string, a list of strings, or multimodal parts."""
        params["input"] = input
        params["model"] = model
        return self._c.request("POST", "/moderations", params, pick=pick, headers=extra_headers)


def service(client):
    return Moderations(client)
