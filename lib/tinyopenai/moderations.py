# Moderations: client.moderations.create
from . import Service


class Moderations(Service):
    def create(self, *, input, **params):
        """POST /moderations. input: a string, a list of strings, or multimodal parts; the
        server's default model unless model= is given."""
        params["input"] = input
        return self._send("POST", "/moderations", params)


def service(client):
    return Moderations(client)
