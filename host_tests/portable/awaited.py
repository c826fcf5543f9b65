# AsyncOpenAI seen through blocking calls, so that the scenarios of scenarios.py and small.py run
# on both clients unchanged: each method call runs on the event loop to its end, and a stream or
# listing is iterated one awaited item at a time. Loaded only by the async runs (it needs asyncio).
from tinyopenai import OpenAI


def async_client(**kw):  # type: (...) -> OpenAI
    # AsyncOpenAI with the same arguments, seen through blocking calls (_Awaited), so that every
    # scenario runs on both clients unchanged (typed as the blocking client it stands in for)
    import tinyopenai

    return _Awaited(tinyopenai.AsyncOpenAI(**kw))  # pyright: ignore[reportReturnType]


class _Awaited:
    """An AsyncOpenAI (or one of its services) driven from blocking code: each method call runs
    on the event loop to its end; a stream or listing it returns is iterated one awaited item
    at a time. Attributes named with _ are the client's own."""

    def __init__(self, target):
        self._t = target

    def __getattr__(self, name):
        v = getattr(self._t, name)
        if name.startswith("_") or isinstance(v, (int, float, str, bool, type(None))):
            return v
        if not callable(v):
            return _Awaited(v)

        def call(*args, **kw):
            r = _run(v(*args, **kw))
            if isinstance(r, OpenAI):  # with_options: a copy of the client, driven the same way
                return _Awaited(r)
            return _AwaitedIter(r) if hasattr(r, "__anext__") else r

        return call


def _run(r):
    # a call's result, awaited on a loop of its own when it is a coroutine
    import asyncio

    return asyncio.run(_settle(r))


async def _settle(r):
    return (await r) if hasattr(r, "send") else r


class _AwaitedIter:
    _awaited = True  # (the scenarios tell it from a value by this)

    def __init__(self, it):
        self._it = it

    def __iter__(self):
        return self

    def __next__(self):
        try:
            return _run(self._it.__anext__())
        except StopAsyncIteration:
            raise StopIteration

    def __getattr__(self, name):  # close, get_final_completion, pages, ...
        v = getattr(self._it, name)
        if not callable(v):
            return v

        return lambda *args, **kw: _run(v(*args, **kw))
