# Embeddings: two phrases as vectors (array('f'), 4 bytes a number) and how close they are.
import math

from tinyopenai import OpenAI

client = OpenAI()  # on a board: OpenAI(api_key="sk-...")
r = client.embeddings.create(model="text-embedding-3-small", dimensions=8,
                             input=["the soil is dry", "the plant needs water"])
a, b = r["data"][0]["embedding"], r["data"][1]["embedding"]
dot = sum(x * y for x, y in zip(a, b))
cos = dot / math.sqrt(sum(x * x for x in a) * sum(y * y for y in b))
print("dimensions:", len(a), "| cosine similarity: %.3f" % cos)
