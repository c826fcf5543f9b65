# Structured output: a JSON schema makes the model answer with an object the device can use
# directly, no text parsing.
import json

from tinyopenai import OpenAI

SCHEMA = {
    "name": "watering_plan",
    "strict": True,
    "schema": {
        "type": "object",
        "properties": {"water": {"type": "boolean"}, "millilitres": {"type": "integer"}, "reason": {"type": "string"}},
        "required": ["water", "millilitres", "reason"],
        "additionalProperties": False,
    },
}

client = OpenAI()  # on a board: OpenAI(api_key="sk-...")
content = client.chat.completions.create(
    model="gpt-4o-mini",
    messages=[{"role": "user", "content": "Soil moisture 18%, 24 C, basil in a 1 litre pot. Water it?"}],
    response_format={"type": "json_schema", "json_schema": SCHEMA},
    pick="choices.0.message.content",
)
plan = json.loads(content)
print("water:", plan["water"], "| ml:", plan["millilitres"], "|", plan["reason"])
