# Sampling that keeps its period while the model answers: on asyncio, a sensor task reads every
# 100 ms while a streamed reply about the first readings arrives, piece by piece, from
# AsyncOpenAI. Waiting for the server (connecting, the model's think time, each piece) lets the
# sampler run; the program prints how late any reading ever was. (The host name lookup is the
# one wait that blocks, on MicroPython.) On a board, read_moisture() would read an ADC.
import asyncio

from tinyopenai import AsyncOpenAI

try:
    from time import ticks_add, ticks_diff, ticks_ms  # MicroPython's wrapping millisecond clock

    sleep_ms = asyncio.sleep_ms
except ImportError:  # CPython on the host: plain integer milliseconds
    from operator import add as ticks_add
    from operator import sub as ticks_diff
    from time import monotonic

    def ticks_ms():
        return int(monotonic() * 1000)

    def sleep_ms(ms):
        return asyncio.sleep(ms / 1000)

PERIOD_MS = 100
SAMPLES = 30  # 3 s of readings
readings = []
worst_late_ms = 0


def read_moisture():
    # made up, so the program runs anywhere: machine.ADC(machine.Pin(34)).read_u16() on an ESP32
    return 40 + len(readings) % 5


async def sample():
    global worst_late_ms
    due = ticks_ms()
    for _ in range(SAMPLES):
        due = ticks_add(due, PERIOD_MS)  # a fixed schedule: lateness does not add up
        await sleep_ms(max(0, ticks_diff(due, ticks_ms())))
        worst_late_ms = max(worst_late_ms, ticks_diff(ticks_ms(), due))
        readings.append(read_moisture())


async def main():
    sampler = asyncio.create_task(sample())
    await sleep_ms(5 * PERIOD_MS)  # a few readings to ask about
    async with AsyncOpenAI() as client:  # on a board: AsyncOpenAI(api_key="sk-...")
        question = "Soil moisture over the last half second (percent): %s. Should I water the fern?" % readings
        stream = await client.chat.completions.create(
            model="gpt-4o-mini",
            messages=[{"role": "user", "content": question + " One sentence."}],
            stream=True,
            pick="choices.0.delta.content",
        )
        async for piece in stream:
            if piece:
                print(piece, end="")
        print()
    await sampler  # the rest of the readings, on time
    print("readings: %d, every %d ms, the latest %d%%; worst lateness %d ms"
          % (len(readings), PERIOD_MS, readings[-1], worst_late_ms))


asyncio.run(main())
