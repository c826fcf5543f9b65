# Moderation of what a user typed on the device, before it goes anywhere else.
from tinyopenai import OpenAI

client = OpenAI()  # on a board: OpenAI(api_key="sk-...")
notes = ["the tomatoes look great today", "I will smash this stupid sensor"]
results = client.moderations.create(model="omni-moderation-latest", input=notes, pick="results")
for note, r in zip(notes, results):
    hits = [name for name in r["categories"] if r["categories"][name]]
    print("withheld" if r["flagged"] else "ok", "|", note, "|", ", ".join(hits))
