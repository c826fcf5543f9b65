# Vector stores: client.vector_stores.create / list / retrieve / update / delete, with .files
# (create, list, retrieve, delete, upload, poll and the *_and_poll forms) and .file_batches
# (create, retrieve, cancel, list_files, poll, create_and_poll, upload_and_poll)
from ._api import Resource, steps
from ._poll import until_done


def _settled(obj):  # a file or batch is done once it is no longer in progress
    return obj.get("status") != "in_progress"


class _Under(Resource):
    path = "/vector_stores"
    beta = "assistants=v2"


class Files(_Under):
    def create(self, vector_store_id, *, file_id, **params):
        params["file_id"] = file_id
        return self._call("POST", (vector_store_id, "files"), params)

    def list(self, vector_store_id, **params):
        return self._list((vector_store_id, "files"), params)

    def retrieve(self, file_id, *, vector_store_id, **options):
        return self._call("GET", (vector_store_id, "files", file_id), None, **options)

    def delete(self, file_id, *, vector_store_id, **options):
        return self._call("DELETE", (vector_store_id, "files", file_id), None, **options)

    @steps
    def upload(self, *, vector_store_id, file, progress=None, **params):
        """Upload a file (streamed from flash) and add it to the store."""
        f = yield self._c.files.create(file=file, purpose="assistants", progress=progress)
        return (yield self.create(vector_store_id, file_id=f["id"], **params))

    def poll(self, file_id, *, vector_store_id, poll_interval_ms=None, max_wait_s=600):
        """Retrieve the file until it is no longer in_progress (see Runs.poll)."""
        return until_done(self, lambda: self.retrieve(file_id, vector_store_id=vector_store_id, raw=True), _settled,
                          poll_interval_ms, max_wait_s)

    @steps
    def create_and_poll(self, file_id, *, vector_store_id, poll_interval_ms=None, **params):
        yield self.create(vector_store_id, file_id=file_id, **params)
        return (yield self.poll(file_id, vector_store_id=vector_store_id, poll_interval_ms=poll_interval_ms))

    @steps
    def upload_and_poll(self, *, vector_store_id, file, poll_interval_ms=None, **params):
        f = yield self.upload(vector_store_id=vector_store_id, file=file, **params)
        return (yield self.poll(f["id"], vector_store_id=vector_store_id, poll_interval_ms=poll_interval_ms))


class FileBatches(_Under):
    def create(self, vector_store_id, **params):
        return self._call("POST", (vector_store_id, "file_batches"), params)

    def retrieve(self, batch_id, *, vector_store_id, **options):
        return self._call("GET", (vector_store_id, "file_batches", batch_id), None, **options)

    def cancel(self, batch_id, *, vector_store_id, **options):
        return self._call("POST", (vector_store_id, "file_batches", batch_id, "cancel"), None, **options)

    def list_files(self, batch_id, *, vector_store_id, **params):
        return self._list((vector_store_id, "file_batches", batch_id, "files"), params)

    def poll(self, batch_id, *, vector_store_id, poll_interval_ms=None, max_wait_s=600):
        """Retrieve the batch until it is no longer in_progress (see Runs.poll)."""
        return until_done(self, lambda: self.retrieve(batch_id, vector_store_id=vector_store_id, raw=True), _settled,
                          poll_interval_ms, max_wait_s)

    @steps
    def create_and_poll(self, vector_store_id, *, poll_interval_ms=None, **params):
        batch = yield self.create(vector_store_id, **params)
        return (yield self.poll(batch["id"], vector_store_id=vector_store_id, poll_interval_ms=poll_interval_ms))

    @steps
    def upload_and_poll(self, vector_store_id, *, files, file_ids=(), poll_interval_ms=None, **params):
        """Upload each file (one at a time: one connection), then make and poll a batch of
        them and of file_ids."""
        ids = list(file_ids)
        for f in files:
            ids.append((yield self._c.files.create(file=f, purpose="assistants"))["id"])
        return (yield self.create_and_poll(vector_store_id, file_ids=ids, poll_interval_ms=poll_interval_ms, **params))


class VectorStores(_Under):
    def __init__(self, client):
        Resource.__init__(self, client)
        self.files = Files(client)
        self.file_batches = FileBatches(client)

    def create(self, **params):
        return self._call("POST", (), params)

    def list(self, **params):
        return self._list((), params)

    def retrieve(self, vector_store_id, **options):
        return self._call("GET", (vector_store_id,), None, **options)

    def update(self, vector_store_id, **params):
        return self._call("POST", (vector_store_id,), params)

    def delete(self, vector_store_id, **options):
        return self._call("DELETE", (vector_store_id,), None, **options)


def service(client):
    return VectorStores(client)
