# Vector stores: client.vector_stores.create / list / retrieve / update / delete, with .files
# (create, list, retrieve, delete, upload) and .file_batches (create, retrieve, cancel, list_files)
from ._api import Resource


class _Under(Resource):
    path = "/vector_stores"
    beta = "assistants=v2"


class Files(_Under):
    def create(self, vector_store_id, file_id, pick=None, extra_headers=None, **params):
        params["file_id"] = file_id
        return self._in("POST", vector_store_id, "files", body=params, pick=pick, extra_headers=extra_headers)

    def list(self, vector_store_id, **params):
        return self._list((vector_store_id, "files"), **params)

    def retrieve(self, file_id, vector_store_id, pick=None, extra_headers=None):
        return self._in("GET", vector_store_id, "files", file_id, pick=pick, extra_headers=extra_headers)

    def delete(self, file_id, vector_store_id, pick=None, extra_headers=None):
        return self._in("DELETE", vector_store_id, "files", file_id, pick=pick, extra_headers=extra_headers)

    def upload(self, vector_store_id, file, progress=None):
        """Upload a file (streamed from flash) and add it to the store."""
        f = self._c.files.create(file, "assistants", progress=progress)
        return self.create(vector_store_id, f["id"])


class FileBatches(_Under):
    def create(self, vector_store_id, file_ids, pick=None, extra_headers=None, **params):
        params["file_ids"] = file_ids
        return self._in("POST", vector_store_id, "file_batches", body=params, pick=pick, extra_headers=extra_headers)

    def retrieve(self, batch_id, vector_store_id, pick=None, extra_headers=None):
        return self._in("GET", vector_store_id, "file_batches", batch_id, pick=pick, extra_headers=extra_headers)

    def cancel(self, batch_id, vector_store_id, pick=None, extra_headers=None):
        return self._in("POST", vector_store_id, "file_batches", batch_id, ("cancel",), pick=pick,
                        extra_headers=extra_headers)

    def list_files(self, batch_id, vector_store_id, **params):
        return self._list((vector_store_id, "file_batches", batch_id, "files"), **params)


class VectorStores(_Under):
    id_name = "vector_store_id"
    create = Resource.create_one
    list = Resource.list_all
    retrieve = Resource.retrieve_one
    update = Resource.update_one
    delete = Resource.delete_one

    def __init__(self, client):
        Resource.__init__(self, client)
        self.files = Files(client)
        self.file_batches = FileBatches(client)


def service(client):
    return VectorStores(client)
