# A batch: upload requests as JSONL, start the batch, check on it, fetch the results. For work
# that can wait up to a day at half the price; a device can check back after deep sleep.
import json

from tinyopenai import OpenAI

client = OpenAI()  # on a board: OpenAI(api_key="sk-...")
f = client.files.create(file="assets/requests.jsonl", purpose="batch", pick="id")
batch = client.batches.create(input_file_id=f, endpoint="/v1/chat/completions", completion_window="24h")
print("batch", batch["id"], batch["status"])
batch = client.batches.retrieve(batch["id"])  # later: after a sleep, or at the next boot
print("now", batch["status"], batch["request_counts"])
if batch["status"] == "completed":
    for line in client.files.content(batch["output_file_id"]).decode().splitlines():
        r = json.loads(line)
        print(r["custom_id"], "->", r["response"]["body"]["choices"][0]["message"]["content"])
