# Readings waiting to be sent, in a bounded JSON-lines file on flash that survives power loss at
# any point, and whatever bytes the file ends up holding.
#
# The readings stay on flash: RAM holds a few numbers and the batch in flight, so it does not grow
# with the number of readings waiting. The file is read line by line through a small buffer, and
# a line that is not a well-formed record (a torn write, erased flash reading as 0xFF, random
# bytes, invalid UTF-8, a record of the wrong shape, a line longer than any record) is skipped
# and counted; the count is reported once, and the file is rewritten without it.
#
# Lines are only appended (one open-write-close each, so a cut leaves at most one torn last
# line), except for compaction, which writes a new file and renames it over the old one. Lines:
#   {"next": N, "lo": L}                first line after a compaction: the next reading number,
#                                       and the oldest one not yet given to a batch
#   {"seq": n, "t": ..., "v": ..., "note": ...}   a reading (in increasing seq order)
#   {"send": [a, b], "key": K}          readings a..b go out as one batch under idempotency key K
#   {"try": K}                          that batch failed once more with a final error
#   {"sent": K}                         that batch was answered: its readings are done
#   {"aside": K}                        that batch kept failing: its readings went to the
#                                       .aside file (kept on flash, reported), newer ones go on
#   {"drop": n}                         the queue was full: readings up to n were given up
# After a restart an unfinished batch is sent again with the same readings and the same key.

import json
import os

_LINE_MAX = 512  # longer than any record the queue writes: a longer line is garbage


class QueueError(Exception):
    """The queue's file cannot be used (a directory, a read-only file system, ...)."""


def _lines(path):
    # each line of the file as bytes without its newline, or None for one that cannot be a
    # record (longer than _LINE_MAX, or torn: no newline at the end), read 256 bytes at a time
    try:
        f = open(path, "rb")
    except OSError:
        return
    with f:
        part = b""
        skipping = False  # inside a line that is already too long
        while True:
            chunk = f.read(256)
            if not chunk:
                if part or skipping:
                    yield None
                return
            i = 0
            while True:
                j = chunk.find(b"\n", i)
                if j < 0:
                    if not skipping:
                        part += chunk[i:]
                        if len(part) > _LINE_MAX:
                            part, skipping = b"", True
                    break
                if skipping:
                    yield None
                else:
                    line = part + chunk[i:j]
                    yield line if len(line) <= _LINE_MAX else None
                part, skipping = b"", False
                i = j + 1


def _record(line):
    # the record a line holds, or None when it is not one the queue writes
    if line is None:
        return None
    try:
        r = json.loads(line)
    except (ValueError, UnicodeError, MemoryError):
        return None
    if not isinstance(r, dict):
        return None
    if "seq" in r:
        s, v = r.get("seq"), r.get("v")
        ok = (isinstance(s, int) and not isinstance(s, bool) and s > 0 and isinstance(v, (int, float))
              and not isinstance(v, bool) and isinstance(r.get("t"), (str, int, float))
              and isinstance(r.get("note", ""), str))
        return r if ok else None
    if "send" in r:
        b = r.get("send")
        if not (isinstance(b, list) and len(b) == 2 and isinstance(r.get("key"), str)):
            return None
        return r if isinstance(b[0], int) and isinstance(b[1], int) and 0 < b[0] <= b[1] else None
    for name in ("sent", "try", "aside"):
        if name in r:
            return r if isinstance(r[name], str) else None
    if "drop" in r or "next" in r:
        n = r.get("drop", r.get("next"))
        return r if isinstance(n, int) and isinstance(r.get("lo", 1), int) else None
    return None


class ReadingQueue:
    def __init__(self, path, max_bytes, log=print, max_tries=3):
        self.path = path
        self.max_bytes = max_bytes
        self.max_tries = max_tries
        self.log = log
        self.next_seq = 1
        self.lo = 1  # the oldest reading not yet given to a batch
        self.batch = None  # [key, first, last, failures] announced but not answered
        self.size = 0  # bytes in the file
        self._last = 0  # the last reading number met while loading (they must increase)
        self._check_writable()
        self._load()

    def _check_writable(self):
        try:
            os.remove(self.path + ".new")  # a compaction cut short: the old file is intact
        except OSError:
            pass
        try:
            with open(self.path, "ab"):
                pass
        except OSError as e:
            raise QueueError("queue.path %r cannot be written (%s)" % (self.path, e))

    # --- reading the file back ---------------------------------------------------------------

    def _load(self):
        bad = 0
        for line in _lines(self.path):
            r = _record(line)
            if r is None or not self._apply(r):
                bad += 1
        try:
            self.size = os.stat(self.path)[6]
        except OSError:
            self.size = 0
        if bad:
            self.log("queue: skipped %d bad record(s) (torn or corrupt); the rest is kept" % bad)
            self.compact()

    def _apply(self, r):
        # the record's effect on the state; False for one that makes no sense here
        if "seq" in r:
            s = r["seq"]
            if s <= self._last:
                return False  # out of order: a copy, or garbage that happened to parse
            self._last = s
            self.next_seq = max(self.next_seq, s + 1)
        elif "next" in r:
            self.next_seq = max(self.next_seq, r["next"])
            self.lo = max(self.lo, r.get("lo", 1))
        elif "send" in r:
            a, b = r["send"]
            self.batch = [r["key"], a, b, 0]
            self.lo = max(self.lo, b + 1)
        elif "drop" in r:
            self.lo = max(self.lo, r["drop"] + 1)
        else:
            key = r.get("sent") or r.get("try") or r.get("aside")
            if self.batch is None or self.batch[0] != key:
                return "try" not in r  # a stale key is harmless; a try for no batch is odd
            if "try" in r:
                self.batch[3] += 1
            else:
                self.batch = None
        return True

    def readings(self, first, last, limit):
        """Up to `limit` readings with first <= seq <= last, in order, read from flash."""
        out = []
        lines = _lines(self.path)
        try:
            for line in lines:
                r = _record(line)
                if r is not None and "seq" in r and first <= r["seq"] <= last:
                    out.append(r)
                    if len(out) >= limit:
                        break
        finally:
            lines.close()  # the file closes now, not when the generator is collected
        return out

    def waiting(self):
        """How many readings wait: in the batch in flight and after it."""
        n = self.next_seq - self.lo
        if self.batch is not None:
            n += self.batch[2] - self.batch[1] + 1
        return n

    # --- writing -----------------------------------------------------------------------------

    def _append(self, record):
        line = json.dumps(record) + "\n"
        if self.size + len(line) > self.max_bytes:
            self.compact()
            while self.size + len(line) > self.max_bytes and self._drop_oldest():
                pass
        with open(self.path, "a") as f:
            f.write(line)
        self.size += len(line)
        self._apply(record)

    def _drop_oldest(self):
        # give up the oldest quarter of the readings not in the batch in flight (reported),
        # so that a full queue is rewritten once per many readings, not once per reading
        free = self.next_seq - self.lo
        if free <= 0:
            return False
        n = max(1, free // 4)
        last = self.lo + n - 1
        self.log("queue: full, dropping reading%s #%d..#%d" % ("s" if n > 1 else "", self.lo, last))
        self.lo = last + 1
        self.compact()
        return True

    def compact(self):
        """Rewrite the file with only what is still needed (write new, then rename): the readings
        of the batch in flight and those after it, streamed from the old file."""
        keep_from = self.batch[1] if self.batch is not None else self.lo
        tmp = self.path + ".new"
        size = 0
        with open(tmp, "w") as out:
            head = json.dumps({"next": self.next_seq, "lo": self.lo}) + "\n"
            out.write(head)
            size += len(head)
            last = 0  # readings go out in increasing order only: a copy or stray older one is not kept
            for line in _lines(self.path):
                r = _record(line)
                if r is not None and "seq" in r and last < r["seq"] < self.next_seq and r["seq"] >= keep_from:
                    last = r["seq"]
                    keep = (self.batch is not None and self.batch[1] <= r["seq"] <= self.batch[2]) or (
                        r["seq"] >= self.lo)
                    if keep:
                        text = json.dumps(r) + "\n"
                        out.write(text)
                        size += len(text)
            if self.batch is not None:
                text = json.dumps({"send": [self.batch[1], self.batch[2]], "key": self.batch[0]}) + "\n"
                out.write(text)
                size += len(text)
                for _ in range(self.batch[3]):
                    text = json.dumps({"try": self.batch[0]}) + "\n"
                    out.write(text)
                    size += len(text)
        try:
            os.rename(tmp, self.path)
        except OSError:  # file systems whose rename does not replace (FAT)
            os.remove(self.path)
            os.rename(tmp, self.path)
        self.size = size

    def add(self, value, t, note=""):
        """Store a new reading; returns its number."""
        r = {"seq": self.next_seq, "t": t, "v": value}
        if note:
            r["note"] = note
        self._append(r)
        return r["seq"]

    def next_batch(self, size):
        """(key, readings) to send now: the unfinished batch if there is one, else up to `size`
        of the oldest waiting readings, announced in the file first. None if nothing waits."""
        if self.batch is None:
            got = self.readings(self.lo, self.next_seq - 1, size)
            if not got:
                if self.lo < self.next_seq:  # readings lost to corruption: nothing to send there
                    self._append({"drop": self.next_seq - 1})
                return None
            a, b = got[0]["seq"], got[-1]["seq"]
            self._append({"send": [a, b], "key": "reading-%d-%d" % (a, b)})
            return self.batch[0], got  # pyright: ignore[reportOptionalSubscript]
        key, a, b, _ = self.batch
        return key, self.readings(a, b, b - a + 1)

    def done(self, key):
        """The batch `key` was answered: its readings will not be sent again."""
        self._append({"sent": key})
        if not self.waiting() or self.size > self.max_bytes * 3 // 4:
            self.compact()

    def failed(self, key):
        """The batch `key` failed with an error that retrying will not cure. After max_tries
        such failures its readings are set aside in <path>.aside (kept on flash, reported) and
        the queue moves on. Returns True when it was set aside."""
        if self.batch is None or self.batch[0] != key:
            return False
        self._append({"try": key})
        if self.batch[3] < self.max_tries:
            return False
        _, a, b, _ = self.batch
        aside = self.path + ".aside"
        try:
            with open(aside, "a") as f:
                for r in self.readings(a, b, b - a + 1):
                    f.write(json.dumps(r) + "\n")
        except OSError as e:
            self.log("queue: cannot write %s (%s)" % (aside, e))
        self.log("queue: batch #%d..#%d failed %d times; set aside in %s" % (a, b, self.max_tries, aside))
        self._append({"aside": key})
        return True
