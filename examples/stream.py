# A streamed answer, printed as it arrives: each chunk is read, printed and dropped, so RAM stays
# the same however long the answer grows.
from tinyopenai import OpenAI

client = OpenAI()  # on a board: OpenAI(api_key="sk-...")
stream = client.chat.completions.create(
    model="gpt-4o-mini",
    messages=[{"role": "user", "content": "Describe a greenhouse at dawn in one sentence."}],
    stream=True,
    pick="choices.0.delta.content",  # each chunk's text (None in the chunks that carry none)
)
for piece in stream:
    if piece:
        print(piece, end="")
print()
