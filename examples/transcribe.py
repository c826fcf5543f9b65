# Transcription of a WAV recorded on flash: the file is sent in 1 KB pieces, never read whole.
import sys

from tinyopenai import OpenAI

path = sys.argv[1] if len(sys.argv) > 1 else "assets/hello.wav"
client = OpenAI()  # on a board: OpenAI(api_key="sk-...")
print(client.audio.transcriptions.create(model="whisper-1", file=path, pick="text"))
