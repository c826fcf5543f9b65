# client.beta: assistants and threads (loaded on first use), and vector_stores as an alias of
# client.vector_stores for code written against older SDKs.


class Beta:
    def __init__(self, client):
        self._c = client

    def __getattr__(self, name):
        if name == "assistants":
            from .assistants import Assistants

            v = Assistants(self._c)
        elif name == "threads":
            from .threads import Threads

            v = Threads(self._c)
        elif name == "vector_stores":
            v = self._c.vector_stores
        else:
            raise AttributeError("'Beta' object has no attribute '%s'" % name)
        setattr(self, name, v)
        return v


def service(client):
    return Beta(client)
