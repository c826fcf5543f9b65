# Assistants (beta): client.beta.assistants.create / list / retrieve / update / delete
from ._api import Resource


class Assistants(Resource):
    path = "/assistants"
    beta = "assistants=v2"

    def create(self, *, model, **params):
        params["model"] = model
        return self._call("POST", (), params)

    def list(self, **params):
        return self._list((), params)

    def retrieve(self, assistant_id, **options):
        return self._call("GET", (assistant_id,), None, **options)

    def update(self, assistant_id, **params):
        return self._call("POST", (assistant_id,), params)

    def delete(self, assistant_id, **options):
        return self._call("DELETE", (assistant_id,), None, **options)
