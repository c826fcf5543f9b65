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


def make_client(cfg):
    from tinyopenai import OpenAI

    o = cfg["openai"]
    # retry waits go through board.pause, which keeps feeding the watchdog
    # total_timeout (below the watchdog's period, see devconfig) bounds each call, retries
    # included, however slowly a server answers
    return OpenAI(api_key=o["api_key"], base_url=o["base_url"], organization=o["organization"],
                  project=o["project"], timeout=o["timeout_s"], max_retries=o["max_retries"], ca=o["ca"],
                  sleep=board.pause, total_timeout=o["total_timeout_s"])


def moderate(client, cfg, notes):
    """The notes that may be sent (flagged ones are withheld and reported)."""
    if not notes:
        return []
    results = client.moderations.create(input=notes, model=cfg["openai"]["moderation_model"], pick="results")
    keep = []
    for note, res in zip(notes, results or []):
        if res.get("flagged"):
            cats = [k for k, v in res.get("categories", {}).items() if v]
            print("moderation: note withheld (flagged: %s)" % ", ".join(cats))
        else:
            print("moderation: note ok")
            keep.append(note)
    return keep


def send_batch(client, cfg, key, readings):
    notes = []
    for r in readings:
        if r.get("note") and r["note"] not in notes:
            notes.append(r["note"])
    notes = moderate(client, cfg, notes)
    text = "\n".join("#%d %s %.1f C" % (r["seq"], r["t"], r["v"]) for r in readings)
    if notes:
        text += "\nNotes from the user: " + " | ".join(notes)
    messages = [{"role": "system", "content": cfg["app"]["prompt"]},
                {"role": "user", "content": "Readings:\n" + text}]
    print("judgement (#%d..#%d): " % (readings[0]["seq"], readings[-1]["seq"]), end="")
    stream = client.chat.completions.create(model=cfg["openai"]["chat_model"], messages=messages, stream=True,
                                            max_tokens=60, pick="choices.0.delta.content",
                                            extra_headers={"Idempotency-Key": key})
    for delta in stream:
        print(delta, end="")
        board.feed()
    print()


def _final(e):
    # an answer that retrying the same batch will not change (not the key, not a busy server)
    s = e.status_code
    return s is not None and 400 <= s < 500 and s not in (401, 408, 409, 429)


def send_pending(q, client, cfg):
    from tinyopenai import APIError  # the per-status classes load with the first error: test status_code

    while True:
        nb = q.next_batch(cfg["app"]["batch"])
        if nb is None:
            return
        key, readings = nb
        if readings:
            try:
                send_batch(client, cfg, key, readings)
            except APIError as e:
                if e.status_code == 401:
                    # the API's message repeats part of the key: show only its code
                    print("\nsend: the API refused the key (%s); check openai.api_key" % e.code)
                    return
                print("\nsend: %s: %s; %d reading(s) stay queued" % (type(e).__name__, e, q.waiting()))
                if _final(e) and q.failed(key):
                    continue  # set aside: the next batch may go
                return
        q.done(key)
        print("sent: #%d..#%d" % (readings[0]["seq"], readings[-1]["seq"]) if readings else "sent: (empty batch)")


def cycle(q, state, cfg):
    app = cfg["app"]
    value = board.read_sensor(app["sensor"], q.next_seq)
    seq = q.add(value, board.timestamp(), app["note"])
    print("reading #%d: %.1f C (%d waiting)" % (seq, value, q.waiting()))
    if board.online():
        if state.get("client") is None:
            try:
                state["client"] = make_client(cfg)
            except Exception as e:  # a bad CA file and the like: stay offline, keep readings
                print("client: %r" % e)
        if state.get("client") is not None:
            send_pending(q, state["client"], cfg)


def main():
    try:
        cfg = devconfig.load()
        q = ReadingQueue(cfg["queue"]["path"], cfg["queue"]["max_bytes"], max_tries=cfg["queue"]["max_tries"])
    except (devconfig.ConfigError, QueueError) as e:
        print("main: config error: %s" % e)
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
            print("cycle: %s: %s (failure %d in a row)" % (type(e).__name__, e, failures))
            state["client"] = None  # a fresh client next time, in case its state was the cause
            try:
                if q.batch is not None:  # the batch in flight may be the cause: it counts a try
                    q.failed(q.batch[0])
            except Exception as e2:
                print("cycle: queue: %r" % e2)
        board.led(False)
        print("heap free %d" % board.heap_free())
        n += 1
        if app["cycles"] and n >= app["cycles"]:
            return
        wait = app["interval_s"]
        if failures:
            wait = min(app["backoff_max_s"], wait * (1 << min(failures, 6)))
        board.sleep(wait, app["deep_sleep"] and not failures)


if __name__ == "__main__":
    main()
