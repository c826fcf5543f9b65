# Images: client.images.generate / edit / create_variation. With sink=, b64_json images are
# decoded on the fly into the sink (several images: one after the other); the rest of the answer
# is returned without the huge string.
from ._api import Resource


class Images(Resource):
    path = "/images"

    def generate(self, *, prompt, **params):
        """POST /images/generations."""
        params["prompt"] = prompt
        return self._image("generations", params, None)

    def edit(self, *, image, prompt, mask=None, **params):
        """POST /images/edits (multipart): image (or a list of them, sent as image[]) and mask
        are paths, bytes or file objects."""
        params["prompt"] = prompt
        files = {"image": image}
        if mask is not None:
            files["mask"] = mask
        return self._image("edits", params, files)

    def create_variation(self, *, image, **params):
        """POST /images/variations (multipart)."""
        return self._image("variations", params, {"image": image})

    def _image(self, what, params, files):
        if params.get("sink") is not None:
            params.setdefault("response_format", "b64_json")
            return self._call("POST", (what,), params, files=files, consume=_decoded)
        return self._call("POST", (what,), params, files=files)


def _decoded(rd, sink):
    # (the decoder loads once the answer has begun: it is not in RAM through the TLS handshake)
    from ._decode import B64Decoder, data_answer, string_into

    def image(rd, _item):  # the picture goes to the sink; the item keeps everything else
        dec = B64Decoder(sink.write)
        string_into(rd, dec)
        dec.close()

    return data_answer(rd, "b64_json", image)


def service(client):
    return Images(client)
