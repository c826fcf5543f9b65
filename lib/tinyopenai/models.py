# Models: client.models.list / retrieve / delete
from ._api import Resource


class Models(Resource):
    path = "/models"
    list = Resource.list_all
    retrieve = Resource.retrieve_one
    delete = Resource.delete_one


def service(client):
    return Models(client)
