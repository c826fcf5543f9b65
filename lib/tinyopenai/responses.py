# Responses: client.responses.create / stream / retrieve / delete / cancel,
# client.responses.input_items.list and client.responses.input_tokens.count. Streams yield (event, data) pairs such as
# ("response.output_text.delta", {...}); pick= works per event.
from ._api import Resource


class InputItems(Resource):
    path = "/responses"

    def list(self, response_id, **params):
        return self._list((response_id, "input_items"), **params)


class InputTokens(Resource):
    path = "/responses/input_tokens"

    def count(self, pick=None, extra_headers=None, **params):
        """POST /responses/input_tokens: the tokens a create() with these parameters would use."""
        return self._call("POST", (), params, pick=pick, extra_headers=extra_headers)


class Responses(Resource):
    path = "/responses"
    retrieve = Resource.retrieve_one
    delete = Resource.delete_one
    cancel = Resource.cancel_one

    def __init__(self, client):
        Resource.__init__(self, client)
        self.input_items = InputItems(client)
        self.input_tokens = InputTokens(client)

    def create(self, model, input=None, stream=False, pick=None, extra_headers=None, **params):
        """POST /responses; stream=True iterates (event, data) pairs."""
        params["model"] = model
        if input is not None:
            params["input"] = input
        if stream:
            params["stream"] = True
        return self._call("POST", (), params, stream=stream, events=stream, pick=pick, extra_headers=extra_headers)

    def stream(self, model, input=None, pick=None, extra_headers=None, **params):
        """create(..., stream=True)."""
        return self.create(model, input, True, pick, extra_headers, **params)


def service(client):
    return Responses(client)
