# Threads (beta): client.beta.threads.create / retrieve / update / delete / create_and_run, with
# .messages, .runs (create, list, retrieve, update, cancel, submit_tool_outputs, poll) and
# .runs.steps. Run streams yield (event, data) pairs such as ("thread.message.delta", {...}).
from ._api import Resource

TERMINAL = ("completed", "failed", "cancelled", "expired", "requires_action", "incomplete")


class _InThread(Resource):
    path = "/threads"
    beta = "assistants=v2"
    kind = ""

    def list(self, thread_id, **params):
        return self._list((thread_id, self.kind), **params)

    def retrieve(self, item_id, thread_id, pick=None, extra_headers=None):
        return self._in("GET", thread_id, self.kind, item_id, pick=pick, extra_headers=extra_headers)

    def update(self, item_id, thread_id, pick=None, extra_headers=None, **params):
        return self._in("POST", thread_id, self.kind, item_id, body=params, pick=pick, extra_headers=extra_headers)


class Messages(_InThread):
    kind = "messages"

    def create(self, thread_id, role, content, pick=None, extra_headers=None, **params):
        params["role"] = role
        params["content"] = content
        return self._in("POST", thread_id, "messages", body=params, pick=pick, extra_headers=extra_headers)

    def delete(self, message_id, thread_id, pick=None, extra_headers=None):
        return self._in("DELETE", thread_id, "messages", message_id, pick=pick, extra_headers=extra_headers)


class Steps(Resource):
    path = "/threads"
    beta = "assistants=v2"

    def list(self, run_id, thread_id, **params):
        return self._list((thread_id, "runs", run_id, "steps"), **params)

    def retrieve(self, step_id, thread_id, run_id, pick=None, extra_headers=None):
        return self._in("GET", thread_id, "runs", run_id, ("steps", step_id), pick=pick, extra_headers=extra_headers)


class Runs(_InThread):
    kind = "runs"

    def __init__(self, client):
        Resource.__init__(self, client)
        self.steps = Steps(client)

    def create(self, thread_id, assistant_id, stream=False, pick=None, extra_headers=None, **params):
        """POST /threads/{id}/runs; stream=True iterates (event, data) pairs."""
        params["assistant_id"] = assistant_id
        if stream:
            params["stream"] = True
        return self._in("POST", thread_id, "runs", body=params, stream=stream, events=stream, pick=pick,
                        extra_headers=extra_headers)

    def cancel(self, run_id, thread_id, pick=None, extra_headers=None):
        return self._in("POST", thread_id, "runs", run_id, ("cancel",), pick=pick, extra_headers=extra_headers)

    def submit_tool_outputs(self, run_id, thread_id, tool_outputs, stream=False, pick=None, extra_headers=None):
        body = {"tool_outputs": tool_outputs}
        if stream:
            body["stream"] = True
        return self._in("POST", thread_id, "runs", run_id, ("submit_tool_outputs",), body=body, stream=stream,
                        events=stream, pick=pick, extra_headers=extra_headers)

    def poll(self, run_id, thread_id, interval=1.0, max_interval=8.0, timeout=600.0, sleep=None):
        """Retrieve the run until it reaches a terminal state (or requires_action), waiting
        interval seconds, doubling up to max_interval. APITimeoutError after timeout seconds."""
        if sleep is None:
            sleep = self._c._sleep
        waited = 0.0
        while True:
            run = self.retrieve(run_id, thread_id)
            if run.get("status") in TERMINAL:
                return run
            if waited >= timeout:
                from ._fail import APITimeoutError

                raise APITimeoutError()
            sleep(interval)
            waited += interval
            interval = min(interval * 2, max_interval)


class Threads(Resource):
    path = "/threads"
    beta = "assistants=v2"
    id_name = "thread_id"
    create = Resource.create_one
    retrieve = Resource.retrieve_one
    update = Resource.update_one
    delete = Resource.delete_one

    def __init__(self, client):
        Resource.__init__(self, client)
        self.messages = Messages(client)
        self.runs = Runs(client)

    def create_and_run(self, assistant_id, stream=False, pick=None, extra_headers=None, **params):
        """POST /threads/runs; stream=True iterates (event, data) pairs."""
        params["assistant_id"] = assistant_id
        if stream:
            params["stream"] = True
        return self._call("POST", ("runs",), params, stream=stream, events=stream, pick=pick,
                          extra_headers=extra_headers)
