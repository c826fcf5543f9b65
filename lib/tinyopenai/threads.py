# Threads (beta): client.beta.threads.create / retrieve / update / delete / create_and_run
# (and create_and_run_poll), with .messages, .runs (create, list, retrieve, update, cancel,
# submit_tool_outputs, poll and the *_and_poll forms) and .runs.steps. A run stream yields
# {"event": "thread.message.delta", "data": {...}} items, as openai-python's events read.
from ._api import Resource, steps
from ._poll import until_done

# the statuses a run stops at (requires_action waits for tool outputs)
TERMINAL = ("completed", "failed", "cancelled", "expired", "requires_action", "incomplete")


class _Beta(Resource):
    path = "/threads"
    beta = "assistants=v2"


class Messages(_Beta):
    def create(self, thread_id, *, content, role, **params):
        params["content"] = content
        params["role"] = role
        return self._call("POST", (thread_id, "messages"), params)

    def list(self, thread_id, **params):
        return self._list((thread_id, "messages"), params)

    def retrieve(self, message_id, *, thread_id, **options):
        return self._call("GET", (thread_id, "messages", message_id), None, **options)

    def update(self, message_id, *, thread_id, **params):
        return self._call("POST", (thread_id, "messages", message_id), params)

    def delete(self, message_id, *, thread_id, **options):
        return self._call("DELETE", (thread_id, "messages", message_id), None, **options)


class Steps(_Beta):
    def list(self, run_id, *, thread_id, **params):
        return self._list((thread_id, "runs", run_id, "steps"), params)

    def retrieve(self, step_id, *, thread_id, run_id, **params):
        return self._call("GET", (thread_id, "runs", run_id, "steps", step_id), params)


class Runs(_Beta):
    def __init__(self, client):
        Resource.__init__(self, client)
        self.steps = Steps(client)

    def create(self, thread_id, *, assistant_id, include=None, stream=False, **params):
        """POST /threads/{id}/runs (include= goes into the query, as include[]); stream=True
        iterates {"event": ..., "data": ...} items."""
        params["assistant_id"] = assistant_id
        if stream:
            params["stream"] = True
        return self._call("POST", (thread_id, "runs"), params, {"include": include} if include else None,
                          stream=stream, events=stream)

    def list(self, thread_id, **params):
        return self._list((thread_id, "runs"), params)

    def retrieve(self, run_id, *, thread_id, **options):
        return self._call("GET", (thread_id, "runs", run_id), None, **options)

    def update(self, run_id, *, thread_id, **params):
        return self._call("POST", (thread_id, "runs", run_id), params)

    def cancel(self, run_id, *, thread_id, **options):
        return self._call("POST", (thread_id, "runs", run_id, "cancel"), None, **options)

    def submit_tool_outputs(self, run_id, *, thread_id, tool_outputs, stream=False, **params):
        params["tool_outputs"] = tool_outputs
        if stream:
            params["stream"] = True
        return self._call("POST", (thread_id, "runs", run_id, "submit_tool_outputs"), params, stream=stream,
                          events=stream)

    def poll(self, run_id, thread_id, poll_interval_ms=None, max_wait_s=600, **options):
        """Retrieve the run until it stops (see TERMINAL), as openai-python: waiting the server's
        openai-poll-after-ms or poll_interval_ms between tries; APITimeoutError after max_wait_s."""
        return until_done(self, lambda: self.retrieve(run_id, thread_id=thread_id, raw=True, **options),
                          lambda run: run.get("status") in TERMINAL, poll_interval_ms, max_wait_s)

    @steps
    def create_and_poll(self, *, thread_id, assistant_id, poll_interval_ms=None, **params):
        run = yield self.create(thread_id, assistant_id=assistant_id, **params)
        return (yield self.poll(run["id"], thread_id, poll_interval_ms))

    @steps
    def submit_tool_outputs_and_poll(self, *, run_id, thread_id, tool_outputs, poll_interval_ms=None, **params):
        run = yield self.submit_tool_outputs(run_id, thread_id=thread_id, tool_outputs=tool_outputs, **params)
        return (yield self.poll(run["id"], thread_id, poll_interval_ms))


class Threads(_Beta):
    def __init__(self, client):
        Resource.__init__(self, client)
        self.messages = Messages(client)
        self.runs = Runs(client)

    def create(self, **params):
        return self._call("POST", (), params)

    def retrieve(self, thread_id, **options):
        return self._call("GET", (thread_id,), None, **options)

    def update(self, thread_id, **params):
        return self._call("POST", (thread_id,), params)

    def delete(self, thread_id, **options):
        return self._call("DELETE", (thread_id,), None, **options)

    def create_and_run(self, *, assistant_id, stream=False, **params):
        """POST /threads/runs; stream=True iterates {"event": ..., "data": ...} items."""
        params["assistant_id"] = assistant_id
        if stream:
            params["stream"] = True
        return self._call("POST", ("runs",), params, stream=stream, events=stream)

    @steps
    def create_and_run_poll(self, *, assistant_id, poll_interval_ms=None, **params):
        run = yield self.create_and_run(assistant_id=assistant_id, **params)
        return (yield self.runs.poll(run["id"], run["thread_id"], poll_interval_ms))
