# The waiting loop of the *_and_poll helpers (runs, vector store files and file batches), in a
# module of its own: only the services that poll load it, so no other call carries its code.
from ._api import steps


@steps
def until_done(resource, get, done, poll_interval_ms, max_wait_s):
    """Steps on resource's client: get() -> a RawResponse of the object, again until
    done(object), which is returned. Between tries it waits the server's openai-poll-after-ms,
    or poll_interval_ms (1 s when neither is given), as openai-python; past max_wait_s seconds
    (None: no bound) APITimeoutError."""
    waited = 0
    while True:
        r = yield get()
        obj = r.parse()
        if done(obj):
            return obj
        ms = poll_interval_ms
        if ms is None:
            try:
                ms = int(r.headers.get("openai-poll-after-ms", 1000))
            except ValueError:
                ms = 1000
        if max_wait_s is not None and waited + ms > max_wait_s * 1000:
            from ._fail import APITimeoutError

            raise APITimeoutError()
        yield resource._c._sleep(ms / 1000)
        waited += ms
