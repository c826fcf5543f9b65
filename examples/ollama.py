# A model on your LAN: Ollama, llama.cpp's server, vLLM and LM Studio speak the same API. Point
# base_url at it; such servers take any key. Plain http is fine inside your network.
import os

from tinyopenai import OpenAI

getenv = getattr(os, "getenv", lambda name: None)  # (a board has no environment)
base_url = getenv("OLLAMA_BASE_URL") or "http://192.168.1.50:11434/v1"  # your server's address
client = OpenAI(base_url=base_url, api_key="ollama")
for piece in client.chat.completions.create(
        model="llama3.2:1b", messages=[{"role": "user", "content": "Say hello to the greenhouse."}],
        stream=True, pick="choices.0.delta.content"):
    print(piece or "", end="")
print()
