# Tool calling: the model asks for device functions by name, run_tools runs them and sends the
# results back until the model answers. A tool that raises sends the error text back instead,
# so the model can say what went wrong; the device carries on.
from tinyopenai import OpenAI

led = [False]


def read_temperature(sensor):
    # on a board: read the sensor; here a fixed value, so the run is repeatable
    return {"sensor": sensor, "celsius": 21.5}


def set_led(on):
    led[0] = on
    return "the LED is now " + ("on" if on else "off")


TOOLS = {
    "read_temperature": (read_temperature, {
        "type": "object", "properties": {"sensor": {"type": "string", "enum": ["greenhouse", "shed"]}},
        "required": ["sensor"]}, "Read a temperature sensor in degrees Celsius"),
    "set_led": (set_led, {"type": "object", "properties": {"on": {"type": "boolean"}}, "required": ["on"]},
                "Switch the status LED"),
}

client = OpenAI()  # on a board: OpenAI(api_key="sk-...")
messages = [{"role": "user", "content": "If the greenhouse is above 20 C, switch the LED on. Tell me what you did."}]
done = client.chat.completions.run_tools(model="gpt-4o-mini", messages=messages, tools=TOOLS, max_rounds=4)
print(done["choices"][0]["message"]["content"])
print("LED on:", led[0], "| messages in the conversation:", len(messages))
