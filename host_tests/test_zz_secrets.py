"""Runs last (file order): the suite's sentinel API key (conftest.SENTINEL, in OPENAI_API_KEY for
every client) went out on the wire, and never appears in any output, report or exception text of
the session, nor in any file it wrote (except the device's own config.json, where the key lives)."""
from conftest import ROOT, SEEN, SENT, SENTINEL


def test_the_sentinel_was_really_used():
    # skip-proof: if the rest of the suite did not run, this fails rather than passing vacuously
    assert SENT[0] >= 50, "only %d requests carried the sentinel: run the whole suite" % SENT[0]
    assert len(SEEN) >= 100


def test_sentinel_never_in_output_reports_or_exceptions():
    leaks = [text[:300] for text in SEEN if SENTINEL in text]
    assert not leaks, leaks


def test_sentinel_never_in_written_files(tmp_path_factory):
    roots = [tmp_path_factory.getbasetemp(), ROOT / "build"]
    checked = 0
    for root in roots:
        for f in root.rglob("*"):
            if f.is_file() and f.name != "config.json":
                checked += 1
                assert SENTINEL.encode() not in f.read_bytes(), f
    assert checked > 50
