# Vision from a JPEG on flash (an ESP32-CAM frame saved to a file, or a frame buffer): data_url()
# base64-encodes it while the request is sent, so the encoded image is never held in RAM.
import sys

from tinyopenai import OpenAI
from tinyopenai.sources import data_url

path = sys.argv[1] if len(sys.argv) > 1 else "assets/frame.jpg"
client = OpenAI()  # on a board: OpenAI(api_key="sk-...")
print(client.chat.completions.create(
    model="gpt-4o-mini",
    messages=[{"role": "user", "content": [
        {"type": "text", "text": "What do you see? One sentence."},
        {"type": "image_url", "image_url": {"url": data_url(path), "detail": "low"}},
    ]}],
    pick="choices.0.message.content",
))
