# Assistants (beta): client.beta.assistants.create / list / retrieve / update / delete
from ._api import Resource


class Assistants(Resource):
    path = "/assistants"
    beta = "assistants=v2"
    required = ("model",)
    id_name = "assistant_id"
    create = Resource.create_one
    list = Resource.list_all
    retrieve = Resource.retrieve_one
    update = Resource.update_one
    delete = Resource.delete_one
