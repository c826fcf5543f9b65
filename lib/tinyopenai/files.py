# Files: client.files.create / list / retrieve / delete / content
from ._api import Resource


class Files(Resource):
    path = "/files"

    def create(self, *, file, purpose, **params):
        """POST /files (multipart, streamed from a path, bytes or a file object); other keyword
        arguments (expires_after, ...) are form fields."""
        params["purpose"] = purpose
        return self._call("POST", (), params, files={"file": file})

    def list(self, **params):
        return self._list((), params)

    def retrieve(self, file_id, **options):
        return self._call("GET", (file_id,), None, **options)

    def delete(self, file_id, **options):
        return self._call("DELETE", (file_id,), None, **options)

    def content(self, file_id, **options):
        """GET /files/{id}/content -> written to sink= in chunks (returns the byte count), or the bytes."""
        return self._call("GET", (file_id, "content"), None, accept="application/binary", **options)


def service(client):
    return Files(client)
