# Batches: client.batches.create / list / retrieve / cancel
from ._api import Resource


class Batches(Resource):
    path = "/batches"
    required = ("input_file_id", "endpoint", "completion_window")
    create = Resource.create_one
    list = Resource.list_all
    retrieve = Resource.retrieve_one
    cancel = Resource.cancel_one


def service(client):
    return Batches(client)
