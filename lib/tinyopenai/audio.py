# Audio: client.audio.speech / transcriptions / translations. Speech goes to a sink in chunks;
# uploads stream from flash.
from ._api import Resource, steps


class Speech(Resource):
    path = "/audio/speech"

    def create(self, *, input, model, voice, **params):
        """POST /audio/speech -> bytes written to sink= (returns their count), or the bytes."""
        params["input"] = input
        params["model"] = model
        params["voice"] = voice
        return self._call("POST", (), params, accept="application/octet-stream")


class Transcriptions(Resource):
    path = "/audio/transcriptions"

    @steps
    def create(self, *, file, model, **params):
        """POST (multipart) -> the JSON answer, or the text for text/srt/vtt formats."""
        params["model"] = model
        r = yield self._call("POST", (), params, files={"file": file})
        return str(r, "utf-8") if isinstance(r, bytes) else r


class Translations(Transcriptions):
    path = "/audio/translations"


class Audio:
    def __init__(self, client):
        self.speech = Speech(client)
        self.transcriptions = Transcriptions(client)
        self.translations = Translations(client)


def service(client):
    return Audio(client)
