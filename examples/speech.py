# Speech, streamed as it arrives: into a file on flash, or into any callable (an I2S write, a
# speaker buffer) chunk by chunk. Here the callable only counts what a speaker would play.
from tinyopenai import OpenAI

client = OpenAI()  # on a board: OpenAI(api_key="sk-...")
n = client.audio.speech.create(model="gpt-4o-mini-tts", voice="alloy", input="Watering now.",
                               response_format="wav", sink="speech.wav")
print("speech.wav:", n, "bytes")

played = [0, 0]


def speaker(chunk):  # on a board: audio_out.write(chunk), with machine.I2S
    played[0] += len(chunk)
    played[1] += 1


client.audio.speech.create(model="gpt-4o-mini-tts", voice="alloy", input="Watering now.", response_format="pcm",
                           sink=speaker)
print("to the speaker: %d bytes in %d chunks" % tuple(played))
