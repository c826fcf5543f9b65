# Files: client.files.create / list / retrieve / delete / content
from ._api import Resource


class Files(Resource):
    path = "/files"
    list = Resource.list_all
    retrieve = Resource.retrieve_one
    delete = Resource.delete_one

    def create(self, file, purpose, pick=None, progress=None, extra_headers=None):
        """POST /files (multipart, streamed from a path, bytes or a file object)."""
        return self._call("POST", (), {"purpose": purpose}, files={"file": file}, pick=pick, progress=progress,
                          extra_headers=extra_headers)

    def content(self, file_id, sink=None, extra_headers=None):
        """GET /files/{id}/content -> written to sink in chunks (returns the byte count), or the bytes."""
        return self._call("GET", (file_id, "content"), sink=sink, extra_headers=extra_headers)


def service(client):
    return Files(client)
