"""Every program in examples/, and the README's Quick start as written, run against the replay
server of `make serve` (deterministic, the recordings of tools/replay and examples/replay) with
the environment it prints: OPENAI_BASE_URL, OPENAI_API_KEY and SSL_CERT_FILE. The examples run
under MicroPython with a 112 KB heap (the 64-bit port and the 32-bit twin, the library as .mpy);
the Quick start under CPython and MicroPython. Each checks the printed answer and what the
server was sent."""
import base64
import json
import re
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT, SEEN, micropython
from replay_server import ReplayServer, load

EXAMPLES = ROOT / "examples"
RUNTIMES = ["micropython", "twin"]


@pytest.fixture(scope="module")
def serve(pki):
    items = []
    for d in ("tools/replay", "examples/replay"):
        for p in sorted((ROOT / d).glob("*.http")):
            items += load(str(p))
    srv = ReplayServer(items, tls_context=pki.server_context(), deterministic=True).start()
    yield srv
    srv.stop()


@pytest.fixture
def env(serve, pki, monkeypatch):
    # what `make serve` tells you to paste (the API key stays the suite's sentinel)
    monkeypatch.setenv("OPENAI_BASE_URL", serve.url)
    monkeypatch.setenv("SSL_CERT_FILE", pki.ca_pem)
    monkeypatch.setenv("OLLAMA_BASE_URL", serve.url)
    with serve._lock:
        serve.requests = []
    return serve


def run_example(name, runtime, mpy_lib, tmp_path):
    # in a copy of examples/, as on a board's flash: the assets beside the program, its outputs
    # (speech.wav) written there
    work = tmp_path / "examples"
    shutil.copytree(EXAMPLES, work, ignore=shutil.ignore_patterns("replay"))
    rc, out = micropython(work / name, heap="112k", lib=mpy_lib, runtime=runtime, cwd=work, timeout=60)
    assert rc == 0 and "Traceback" not in out, out
    return out, work


def sent(srv, path):
    return [r for r in srv.requests if r["path"] == path]


def body(req):
    return json.loads(req["body"])


CHECKS = {}


def check(name):
    def put(fn):
        CHECKS[name] = fn
        return fn

    return put


@check("chat_pick.py")
def _chat_pick(out, srv, work):
    assert "A peace lily: it thrives at about 21 C" in out and "tokens: 33" in out
    assert "houseplant" in body(sent(srv, "/v1/chat/completions")[0])["messages"][0]["content"]


@check("stream.py")
def _stream(out, srv, work):
    assert "Pale light slides over misted glass while the seedlings wake.\n" in out
    assert body(sent(srv, "/v1/chat/completions")[0])["stream"] is True


@check("async_sampler.py")
def _async_sampler(out, srv, work):
    assert "Yes, the soil is down to about 42%, so water the fern today.\n" in out
    # every reading was taken, the streamed answer arrived in between; the lateness is printed
    # (bounded in test_async, which runs a ticker beside a slow server and a dripping stream)
    assert re.search(r"readings: 30, every 100 ms, the latest \d+%; worst lateness \d+ ms", out), out
    asked = body(sent(srv, "/v1/chat/completions")[0])
    assert asked["stream"] is True and "Should I water the fern?" in asked["messages"][0]["content"]


@check("tools.py")
def _tools(out, srv, work):
    assert "I switched the LED on" in out and "LED on: True | messages in the conversation: 5" in out
    reqs = sent(srv, "/v1/chat/completions")
    assert len(reqs) == 3
    last = body(reqs[2])["messages"]
    assert [m["role"] for m in last] == ["user", "assistant", "tool", "assistant", "tool"]
    assert json.loads(last[2]["content"]) == {"sensor": "greenhouse", "celsius": 21.5}
    assert last[4]["content"] == "the LED is now on"


@check("structured.py")
def _structured(out, srv, work):
    assert "water: True | ml: 150 | 18% moisture is dry for basil at 24 C" in out
    fmt = body(sent(srv, "/v1/chat/completions")[0])["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["name"] == "watering_plan"


@check("vision.py")
def _vision(out, srv, work):
    assert "a green plant at the lower left" in out
    url = body(sent(srv, "/v1/chat/completions")[0])["messages"][0]["content"][1]["image_url"]["url"]
    prefix = "data:image/jpeg;base64,"
    jpeg = (EXAMPLES / "assets" / "frame.jpg").read_bytes()
    assert url.startswith(prefix) and base64.b64decode(url[len(prefix):]) == jpeg


@check("embeddings.py")
def _embeddings(out, srv, work):
    assert "dimensions: 8 | cosine similarity: 0.994" in out
    b = body(sent(srv, "/v1/embeddings")[0])
    assert b["dimensions"] == 8 and b["encoding_format"] == "base64" and len(b["input"]) == 2


@check("moderation.py")
def _moderation(out, srv, work):
    assert "ok | the tomatoes look great today |" in out
    assert "withheld | I will smash this stupid sensor | violence" in out


@check("speech.py")
def _speech(out, srv, work):
    wav = (work / "speech.wav").read_bytes()
    assert wav[:4] == b"RIFF" and "speech.wav: %d bytes" % len(wav) in out
    assert re.search(r"to the speaker: 12000 bytes in \d+ chunks", out), out
    assert [body(r)["response_format"] for r in sent(srv, "/v1/audio/speech")] == ["wav", "pcm"]


@check("transcribe.py")
def _transcribe(out, srv, work):
    assert "Hello from the greenhouse." in out
    req = sent(srv, "/v1/audio/transcriptions")[0]
    assert (EXAMPLES / "assets" / "hello.wav").read_bytes() in req["body"]
    assert b'filename="hello.wav"\r\nContent-Type: audio/x-wav' in req["body"]


@check("batch.py")
def _batch(out, srv, work):
    assert "batch batch_example validating" in out and "basil -> yes" in out and "cactus -> no" in out
    assert [r["path"] for r in srv.requests] == ["/v1/files", "/v1/batches", "/v1/batches/batch_example",
                                                 "/v1/files/file-batch-out/content"]
    assert (EXAMPLES / "assets" / "requests.jsonl").read_bytes() in srv.requests[0]["body"]


@check("ollama.py")
def _ollama(out, srv, work):
    assert "Hello, greenhouse! Stay green.\n" in out
    req = sent(srv, "/v1/chat/completions")[0]
    assert body(req)["model"] == "llama3.2:1b" and req["headers"]["authorization"] == "Bearer ollama"


def test_every_example_is_checked():
    assert sorted(CHECKS) == sorted(p.name for p in EXAMPLES.glob("*.py"))
    assert len(CHECKS) >= 10


@pytest.mark.parametrize("runtime", RUNTIMES)
@pytest.mark.parametrize("name", sorted(CHECKS))
def test_example(name, runtime, env, mpy_lib, tmp_path):
    out, work = run_example(name, runtime, mpy_lib, tmp_path)
    CHECKS[name](out, env, work)


def quick_start_code():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1]
    found = re.search(r"```python\n(.*?)```", section, re.S)
    assert found, "no python block after the README's Quick start heading"
    return found.group(1)


@pytest.mark.parametrize("runtime", ["cpython", "micropython"])
def test_the_readme_quick_start_runs_as_written(runtime, env, tmp_path):
    script = tmp_path / "quick_start.py"
    script.write_text(quick_start_code())
    if runtime == "cpython":
        p = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=str(ROOT), timeout=60)
        rc, out = p.returncode, p.stdout + p.stderr
        SEEN.append(out)
    else:  # the source tree as it is, as the Quick start's sys.path line has it
        rc, out = micropython(script, heap="112k", runtime="micropython", cwd=ROOT, timeout=60)
    assert rc == 0 and out.strip() == "Hi! How can I help you today?", out
    assert len(env.requests) == 1 and "Say hi" in env.requests[0]["body"].decode()
