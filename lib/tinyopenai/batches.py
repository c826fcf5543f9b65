# Batches: client.batches.create / list / retrieve / cancel
from ._api import Resource


class Batches(Resource):
    path = "/batches"

    def create(self, *, completion_window, endpoint, input_file_id, **params):
        params["completion_window"] = completion_window
        params["endpoint"] = endpoint
        params["input_file_id"] = input_file_id
        return self._call("POST", (), params)

    def list(self, **params):
        return self._list((), params)

    def retrieve(self, batch_id, **options):
        return self._call("GET", (batch_id,), None, **options)

    def cancel(self, batch_id, **options):
        return self._call("POST", (batch_id, "cancel"), None, **options)


def service(client):
    return Batches(client)
