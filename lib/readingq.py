# Readings waiting to be sent, in a bounded JSON-lines file on flash that survives power loss at
# any point.
#
# Lines are only appended (one open-write-close each, so a cut leaves at most one torn last
# line), except for compaction, which writes a new file and renames it over the old one. Lines:
#   {"next": N}                         first line after a compaction: the next reading number
#   {"seq": n, "t": ..., "v": ..., "note": ...}   a reading
#   {"send": [n, ...], "key": K}        a batch is about to be sent under idempotency key K
#   {"sent": K}                         that batch was answered: its readings are done
#   {"drop": n}                         the queue was full: reading n was given up (reported)
# After a restart an unfinished batch is sent again with the same readings and the same key.

import json
import os


class ReadingQueue:
    def __init__(self, path, max_bytes, log=print):
        self.path = path
        self.max_bytes = max_bytes
        self.log = log
        self.next_seq = 1
        self.unsent = {}  # seq -> reading
        self.batch = None  # (key, [seq, ...]) announced but not answered
        self.size = 0  # bytes in the file
        self._load()

    # --- reading the file back ---------------------------------------------------------------

    def _load(self):
        try:
            os.remove(self.path + ".new")  # a compaction cut short: the old file is intact
        except OSError:
            pass
        torn = False
        size = 0
        try:
            f = open(self.path)
        except OSError:
            return
        with f:
            while True:
                line = f.readline()
                if not line:
                    break
                size += len(line)
                if not line.endswith("\n"):
                    torn = True  # cut off mid-write: the record never happened
                    break
                try:
                    self._apply(json.loads(line))
                except (ValueError, KeyError, TypeError):
                    torn = True
        self.size = size
        if torn:
            self.log("queue: dropped a torn last record, compacting")
            self.compact()

    def _apply(self, r):
        if "seq" in r:
            self.unsent[r["seq"]] = r
            if r["seq"] >= self.next_seq:
                self.next_seq = r["seq"] + 1
        elif "next" in r:
            self.next_seq = max(self.next_seq, r["next"])
        elif "send" in r:
            self.batch = (r["key"], r["send"])
        elif "sent" in r:
            b = self.batch
            if b is not None and b[0] == r["sent"]:
                for s in b[1]:
                    self.unsent.pop(s, None)
                self.batch = None
        elif "drop" in r:
            self.unsent.pop(r["drop"], None)

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
        free = [s for s in self.unsent if not (self.batch and s in self.batch[1])]
        if not free:
            return False
        s = min(free)
        self.log("queue: full, dropping reading #%d" % s)
        self.unsent.pop(s)
        self.compact()
        return True

    def compact(self):
        """Rewrite the file with only what is still needed (write new, then rename)."""
        lines = [json.dumps({"next": self.next_seq}) + "\n"]
        for s in sorted(self.unsent):
            lines.append(json.dumps(self.unsent[s]) + "\n")
        if self.batch is not None:
            lines.append(json.dumps({"send": self.batch[1], "key": self.batch[0]}) + "\n")
        tmp = self.path + ".new"
        with open(tmp, "w") as f:
            for line in lines:
                f.write(line)
        try:
            os.rename(tmp, self.path)
        except OSError:  # file systems whose rename does not replace (FAT)
            os.remove(self.path)
            os.rename(tmp, self.path)
        self.size = sum(len(line) for line in lines)

    def add(self, value, t, note=""):
        """Store a new reading; returns its number."""
        r = {"seq": self.next_seq, "t": t, "v": value}
        if note:
            r["note"] = note
        self._append(r)
        return r["seq"]

    def next_batch(self, size):
        """(key, readings) to send now: the unfinished batch if there is one, else up to `size`
        of the oldest unsent readings, announced in the file first. None if nothing is waiting."""
        if self.batch is None:
            seqs = sorted(self.unsent)[:size]
            if not seqs:
                return None
            self._append({"send": seqs, "key": "reading-%d-%d" % (seqs[0], seqs[-1])})
        b = self.batch
        if b is None:
            return None
        key, seqs = b
        return key, [self.unsent[s] for s in seqs if s in self.unsent]

    def done(self, key):
        """The batch `key` was answered: its readings will not be sent again."""
        self._append({"sent": key})
        if not self.unsent or self.size > self.max_bytes // 2:
            self.compact()
