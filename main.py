# The sensor application: read the sensor, queue the reading on flash, and when online send what
# is waiting: moderation of any user note, then a short chat judgement of the readings, streamed
# to the console. A batch is marked sent only after its answer arrived; a batch cut short (power,
# network, API) is sent again after a restart with the same Idempotency-Key.
#
# It never crash-loops: anything raised in a cycle (library, sensor, app) is caught at the top of
# the loop, reported, and the next cycle waits longer (up to app.backoff_max_s); a batch the API
# keeps refusing is set aside on flash after queue.max_tries, so newer readings still go out.

import board
import devconfig
from readingq import QueueError, ReadingQueue


def make_client(cfg, aio=False):
    import tinyopenai

    o = cfg["openai"]
    # retry waits: board.pause, which keeps feeding the watchdog (asyncio.sleep for the asyncio
    # form, whose sampler feeds it). total_timeout (below the watchdog's period, see devconfig)
    # bounds each call, retries included, however slowly a server answers
    return (tinyopenai.AsyncOpenAI if aio else tinyopenai.OpenAI)(
        api_key=o["api_key"], base_url=o["base_url"], organization=o["organization"], project=o["project"],
        timeout=o["timeout_s"], max_retries=o["max_retries"], ca=o["ca"], sleep=None if aio else board.pause,
        total_timeout=o["total_timeout_s"])


def notes_of(readings):
    notes = []
    for r in readings:
        if r.get("note") and r["note"] not in notes:
            notes.append(r["note"])
    return notes


def moderation(cfg, notes):
    # the moderation call's arguments
    return {"input": notes, "model": cfg["openai"]["moderation_model"], "pick": "results"}


def kept(notes, results):
    """The notes that may be sent (flagged ones are withheld and reported)."""
    keep = []
    for note, res in zip(notes, results or []):
        if res.get("flagged"):
            cats = [k for k, v in res.get("categories", {}).items() if v]
            print("moderation: note withheld (flagged: %s)" % ", ".join(cats))
        else:
            print("moderation: note ok")
            keep.append(note)
    return keep


def judgement(cfg, key, readings, notes):
    # the judgement call's arguments: a short streamed chat about the batch
    text = "\n".join("#%d %s %.1f C" % (r["seq"], r["t"], r["v"]) for r in readings)
    if notes:
        text += "\nNotes from the user: " + " | ".join(notes)
    messages = [{"role": "system", "content": cfg["app"]["prompt"]},
                {"role": "user", "content": "Readings:\n" + text}]
    print("judgement (#%d..#%d): " % (readings[0]["seq"], readings[-1]["seq"]), end="")
    return {"model": cfg["openai"]["chat_model"], "messages": messages, "stream": True, "max_tokens": 60,
            "pick": "choices.0.delta.content", "extra_headers": {"Idempotency-Key": key}}


def send_batch(client, cfg, key, readings):
    notes = notes_of(readings)
    if notes:
        notes = kept(notes, client.moderations.create(**moderation(cfg, notes)))
    for delta in client.chat.completions.create(**judgement(cfg, key, readings, notes)):
        print(delta, end="")
        board.feed()
    print()


def _final(e):
    # an answer that retrying the same batch will not change (not the key, not a busy server)
    s = e.status_code
    return s is not None and 400 <= s < 500 and s not in (401, 408, 409, 429)


def refused(q, key, e):
    """After an APIError on batch `key`: report it; True when the batch was set aside and the
    next may go, False to stop sending until the next cycle."""
    if e.status_code == 401:
        # the API's message repeats part of the key: show only its code
        print("\nsend: the API refused the key (%s); check openai.api_key" % e.code)
        return False
    print("\nsend: %s: %s; %d reading(s) stay queued" % (type(e).__name__, e, q.waiting()))
    return _final(e) and q.failed(key)


def sent(q, key, readings):
    q.done(key)
    print("sent: #%d..#%d" % (readings[0]["seq"], readings[-1]["seq"]) if readings else "sent: (empty batch)")


def pending(q, cfg, failed):
    """The batches waiting, oldest first, as (key, readings) for the caller to send. After each,
    failed[0] holds the APIError it met, or None: the batch is then marked sent, or set aside
    (the next may go), or the sending stops until the next cycle."""
    while True:
        nb = q.next_batch(cfg["app"]["batch"])
        if nb is None:
            return
        key, readings = nb
        if readings:
            failed[0] = None
            yield key, readings
            if failed[0] is not None:
                if refused(q, key, failed[0]):
                    continue  # set aside: the next batch may go
                return
        sent(q, key, readings)


def send_pending(q, client, cfg):
    from tinyopenai import APIError  # the per-status classes load with the first error: test status_code

    failed = [None]  # type: list
    for key, readings in pending(q, cfg, failed):
        try:
            send_batch(client, cfg, key, readings)
        except APIError as e:
            failed[0] = e


def cycle(q, state, cfg):
    take_reading(q, cfg["app"])
    if board.online():
        if state.get("client") is None:
            try:
                state["client"] = make_client(cfg)
            except Exception as e:  # a bad CA file and the like: stay offline, keep readings
                print("client: %r" % e)
        if state.get("client") is not None:
            send_pending(q, state["client"], cfg)


def take_reading(q, app):
    value = board.read_sensor(app["sensor"], q.next_seq)
    seq = q.add(value, board.timestamp(), app["note"])
    print("reading #%d: %.1f C (%d waiting)" % (seq, value, q.waiting()))


def failed_cycle(q, state, e, failures):
    # whatever it was, the next cycle runs: report it, drop the client, count a try of the batch
    print("cycle: %s: %s (failure %d in a row)" % (type(e).__name__, e, failures))
    state["client"] = None  # a fresh client next time, in case its state was the cause
    try:
        if q.batch is not None:  # the batch in flight may be the cause: it counts a try
            q.failed(q.batch[0])
    except Exception as e2:
        print("cycle: queue: %r" % e2)


def backoff(app, failures):
    # the wait before the next cycle: the interval, doubled by each failure in a row
    wait = app["interval_s"]
    if failures:
        wait = min(app["backoff_max_s"], wait * (1 << min(failures, 6)))
    return wait


def main():
    try:
        cfg = devconfig.load()
        q = ReadingQueue(cfg["queue"]["path"], cfg["queue"]["max_bytes"], max_tries=cfg["queue"]["max_tries"])
    except (devconfig.ConfigError, QueueError) as e:
        print("main: config error: %s" % e)
        return
    if cfg["app"]["asyncio"]:
        import asyncio

        asyncio.run(main_async(q, cfg))
        return
    app = cfg["app"]
    state = {}
    n = 0
    failures = 0
    while True:
        board.feed()
        board.led(True)
        try:
            cycle(q, state, cfg)
            failures = 0
        except Exception as e:  # whatever it was, the next cycle runs: report it, wait longer
            failures += 1
            failed_cycle(q, state, e, failures)
        board.led(False)
        print("heap free %d" % board.heap_free())
        n += 1
        if app["cycles"] and n >= app["cycles"]:
            return
        board.sleep(backoff(app, failures), app["deep_sleep"] and not failures)


# --- the asyncio form (app.asyncio): sampling keeps its period while batches are sent ------
# Two tasks: the sampler takes a reading every interval_s on a fixed schedule and feeds the
# watchdog; the sender sends what is queued, with AsyncOpenAI, whenever a reading comes in.
# While a call waits for the server the sampler runs; how late its readings were, while calls
# ran and otherwise, is printed at the end. The queue's operations do not wait, so the two tasks
# never see it half-changed.


async def send_batch_async(client, cfg, key, readings):
    notes = notes_of(readings)
    if notes:
        notes = kept(notes, await client.moderations.create(**moderation(cfg, notes)))
    async for delta in await client.chat.completions.create(**judgement(cfg, key, readings, notes)):
        print(delta, end="")
    print()


async def send_pending_async(q, client, cfg):
    from tinyopenai import APIError

    failed = [None]  # type: list
    for key, readings in pending(q, cfg, failed):
        try:
            await send_batch_async(client, cfg, key, readings)
        except APIError as e:
            failed[0] = e


async def main_async(q, cfg):
    import asyncio
    from time import ticks_add, ticks_diff, ticks_ms

    app = cfg["app"]
    period = max(10, int(app["interval_s"] * 1000))
    st = {"client": None, "busy": False, "done": False, "late": [0, 0], "n": [0, 0]}
    wake = asyncio.Event()

    async def sampler():
        due = ticks_ms()
        for i in range(app["cycles"] or 1 << 30):
            if i:  # wait for the reading's time, feeding the watchdog at least every second
                due = ticks_add(due, period)
                while True:
                    board.feed()
                    left = ticks_diff(due, ticks_ms())
                    if left <= 0:
                        break
                    await asyncio.sleep_ms(min(left, 1000))
                late = ticks_diff(ticks_ms(), due)
                k = 1 if st["busy"] else 0  # [otherwise, while a call ran]
                st["late"][k] = max(st["late"][k], late)
                st["n"][k] += 1
            try:
                take_reading(q, app)
            except Exception as e:  # a sensor or flash error: report it, keep the schedule
                print("sample: %s: %s" % (type(e).__name__, e))
            wake.set()
        st["done"] = True
        wake.set()

    async def sender():
        failures = 0
        while True:
            await wake.wait()
            wake.clear()
            last = st["done"]
            if board.online():
                st["busy"] = True
                try:
                    if st["client"] is None:
                        st["client"] = make_client(cfg, aio=True)
                    await send_pending_async(q, st["client"], cfg)
                    failures = 0
                except Exception as e:
                    failures += 1
                    failed_cycle(q, st, e, failures)
                st["busy"] = False
            print("heap free %d" % board.heap_free())
            if last:
                return
            if failures:  # readings keep coming meanwhile; they go in the next round
                await asyncio.sleep(backoff(app, failures))

    await asyncio.gather(sampler(), sender())
    if st["client"] is not None:
        await st["client"].close()
    print("sampling: every %d ms; the most a reading was late: %d ms while calls ran (%d readings), "
          "%d ms otherwise (%d readings)" % (period, st["late"][1], st["n"][1], st["late"][0], st["n"][0]))


if __name__ == "__main__":
    main()
