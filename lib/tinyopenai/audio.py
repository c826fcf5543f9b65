# Audio: client.audio.speech / transcriptions / translations. Speech goes to a sink in chunks;
# uploads stream from flash.
from ._api import Resource


class Speech(Resource):
    path = "/audio/speech"

    def create(self, input, voice, model="tts-1", sink=None, extra_headers=None, **params):
        """POST /audio/speech -> bytes written to sink (returns their count), or the bytes."""
        params["input"] = input
        params["voice"] = voice
        params["model"] = model
        return self._call("POST", (), params, sink=sink, extra_headers=extra_headers)


class Transcriptions(Resource):
    path = "/audio/transcriptions"

    def create(self, file, model="whisper-1", pick=None, progress=None, extra_headers=None, **params):
        """POST (multipart) -> the JSON answer, or the text for text/srt/vtt formats."""
        params["model"] = model
        r = self._call("POST", (), params, files={"file": file}, pick=pick, progress=progress,
                       extra_headers=extra_headers)
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
