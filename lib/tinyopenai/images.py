# Images: client.images.generate / edit / create_variation. With sink=, b64_json images are
# decoded on the fly into the sink (several images: one after the other); the rest of the answer
# is returned without the huge string.
from ._api import Resource
from ._decode import B64Decoder, data_answer, string_into


class Images(Resource):
    path = "/images"

    def generate(self, prompt, sink=None, pick=None, extra_headers=None, **params):
        """POST /images/generations."""
        params["prompt"] = prompt
        return self._image("generations", params, None, sink, pick, None, extra_headers)

    def edit(self, image, prompt, mask=None, sink=None, pick=None, progress=None, extra_headers=None, **params):
        """POST /images/edits (multipart): image and mask are paths, bytes or file objects."""
        params["prompt"] = prompt
        files = {"image": image}
        if mask is not None:
            files["mask"] = mask
        return self._image("edits", params, files, sink, pick, progress, extra_headers)

    def create_variation(self, image, sink=None, pick=None, progress=None, extra_headers=None, **params):
        """POST /images/variations (multipart)."""
        return self._image("variations", params, {"image": image}, sink, pick, progress, extra_headers)

    def _image(self, what, params, files, sink, pick, progress, extra_headers):
        if sink is not None:
            params.setdefault("response_format", "b64_json")
            return self._call("POST", (what,), params, files=files, sink=sink, consume=_decoded, progress=progress,
                              extra_headers=extra_headers)
        return self._call("POST", (what,), params, files=files, pick=pick, progress=progress,
                          extra_headers=extra_headers)


def _decoded(rd, sink):
    def image(rd, _item):  # the picture goes to the sink; the item keeps everything else
        dec = B64Decoder(sink.write)
        string_into(rd, dec)
        dec.close()

    return data_answer(rd, "b64_json", image)


def service(client):
    return Images(client)
