# Responses: client.responses.create / stream / retrieve / delete / cancel,
# client.responses.input_items.list and client.responses.input_tokens.count. A stream yields each
# event's payload, as openai-python's: a dict whose "type" names it (response.output_text.delta,
# ...); pick= works per event, and get_final_response() gives the finished response.
from ._api import Resource


class InputItems(Resource):
    path = "/responses"

    def list(self, response_id, **params):
        return self._list((response_id, "input_items"), params)


class InputTokens(Resource):
    path = "/responses/input_tokens"

    def count(self, **params):
        """POST /responses/input_tokens: the tokens a create() with these parameters would use."""
        return self._call("POST", (), params)


class Responses(Resource):
    path = "/responses"

    def __init__(self, client):
        Resource.__init__(self, client)
        self.input_items = InputItems(client)
        self.input_tokens = InputTokens(client)

    def create(self, *, stream=False, **params):
        """POST /responses; stream=True iterates the events."""
        if stream:
            params["stream"] = True
        return self._call("POST", (), params, stream=stream)

    def stream(self, **params):
        """create(..., stream=True), to be used as openai-python's: with ... as stream."""
        return self.create(stream=True, **params)

    def retrieve(self, response_id, **params):
        return self._call("GET", (response_id,), params)

    def delete(self, response_id, **options):
        return self._call("DELETE", (response_id,), None, accept="*/*", **options)

    def cancel(self, response_id, **options):
        return self._call("POST", (response_id, "cancel"), None, **options)


def service(client):
    return Responses(client)
