"""Synthetic OpenAI-shaped responses for tests (shapes and field names as in the real API and
the recordings in ../shared/cassettes; the content is made up here)."""
import json

from replay_server import error_body, interaction


def chat_body(content="Hello! How can I assist you today?", logprob_tokens=0, model="gpt-4o-mini-2024-07-18"):
    logprobs = None
    if logprob_tokens:
        logprobs = {"content": [
            {"token": "tok%d" % i, "logprob": -0.000123 * i, "bytes": [116, 111, 107],
             "top_logprobs": [{"token": "alt%d" % j, "logprob": -1.5 * j, "bytes": [97]} for j in range(3)]}
            for i in range(logprob_tokens)], "refusal": None}
    return {
        "id": "chatcmpl-test", "object": "chat.completion", "created": 1770950813, "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content, "refusal": None},
                     "logprobs": logprobs, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 11, "completion_tokens": 9, "total_tokens": 20},
        "system_fingerprint": "fp_test",
    }


def chat(content="Hello! How can I assist you today?", **kw):
    return interaction("POST", "/v1/chat/completions", 200, json.dumps(chat_body(content, **kw)).encode(),
                       {"Content-Type": "application/json", "x-request-id": "req_chat"}, chunked=True)


def chat_stream(words, usage=True):
    events = []
    for i, w in enumerate(words):
        delta = {"role": "assistant", "content": ""} if i == 0 else {"content": w}
        events.append({"id": "chatcmpl-s", "object": "chat.completion.chunk", "created": 1, "model": "m",
                       "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": None}]})
    events.append({"id": "chatcmpl-s", "object": "chat.completion.chunk", "created": 1, "model": "m",
                   "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    if usage:
        events.append({"id": "chatcmpl-s", "object": "chat.completion.chunk", "created": 1, "model": "m",
                       "choices": [], "usage": {"prompt_tokens": 1, "completion_tokens": len(words),
                                                "total_tokens": 1 + len(words)}})
    body = b"".join(b"data: " + json.dumps(e).encode() + b"\n\n" for e in events) + b"data: [DONE]\n\n"
    return interaction("POST", "/v1/chat/completions", 200, body,
                       {"Content-Type": "text/event-stream; charset=utf-8"}, chunked=True), events


MODERATION = {
    "id": "modr-test", "model": "omni-moderation-latest",
    "results": [{"flagged": True,
                 "categories": {"harassment": True, "violence": False, "self-harm": False},
                 "category_scores": {"harassment": 0.91, "violence": 0.0012, "self-harm": 1.2e-05}}],
}


def moderation():
    return interaction("POST", "/v1/moderations", 200, json.dumps(MODERATION).encode(),
                       {"Content-Type": "application/json"})


def error(status, message="boom", type_="invalid_request_error", code=None, headers=None):
    h = {"Content-Type": "application/json", "x-request-id": "req_err_%d" % status}
    h.update(headers or {})
    return interaction("POST", "/v1/chat/completions", status, error_body(message, type_, code), h)
