# Chat completions: client.chat.completions.create, and run_tools (the tool-calling loop, in _tools)
from . import Service


class _Completions(Service):
    def create(self, *, model, messages, **params):
        """POST /chat/completions. Other keyword arguments go into the JSON body, but for the
        per-call options (pick, extra_headers, extra_query, extra_body, timeout, ...).
        stream=True returns an iterator over the chunks (or their picked values)."""
        params["model"] = model
        params["messages"] = messages
        stream = params.pop("stream", False)  # (a keyword default would cost RAM from import on)
        if stream:
            params["stream"] = True
        return self._send("POST", "/chat/completions", params, stream=stream)

    def run_tools(self, *, model, messages, tools, **params):
        """run_tools(model=, messages=, tools=, max_rounds=8, stream=False, on_chunk=None,
        **params): chat with device functions until the model gives its answer. tools maps
        names to fn, (fn, parameters) or (fn, parameters, description), parameters the JSON
        schema of fn's keyword arguments. Each round asks for a completion (streamed with
        stream=True, each chunk to on_chunk), runs every tool it calls and appends the call and
        its output to messages; what a tool raises goes back to the model as its output.
        Returns the final completion; OpenAIError when the model still calls tools after
        max_rounds requests. The other keyword arguments go to create(). (The options are read
        in _tools: defaults here would cost RAM from import on.)"""
        from ._tools import run

        return run(self, model, messages, tools, params)


class Chat:
    def __init__(self, client):
        self.completions = _Completions(client)


def service(client):
    return Chat(client)
