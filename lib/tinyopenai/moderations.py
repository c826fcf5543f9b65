# Moderations: client.moderations.create


class Moderations:
    def __init__(self, client):
        self._c = client

    def create(self, input, model="omni-moderation-latest", pick=None, **params):
        """POST /moderations. input: a string, a list of strings, or multimodal parts."""
        params["input"] = input
        params["model"] = model
        return self._c.request("POST", "/moderations", params, pick=pick)


def service(client):
    return Moderations(client)
