# Models: client.models.list / retrieve / delete
from ._api import Resource


class Models(Resource):
    path = "/models"

    def list(self, **params):
        return self._list((), params)

    def retrieve(self, model, **options):
        return self._call("GET", (model,), None, **options)

    def delete(self, model, **options):
        return self._call("DELETE", (model,), None, **options)


def service(client):
    return Models(client)
