# What the client needs only when something went wrong: the error classes a successful call
# never raises, mapping an error answer to its typed error, and how long to wait before a retry.
# Loaded on the first failure, or when a program names one of its classes (and kept: its error
# classes must stay the same objects). Core module.

from ._errors import APIConnectionError, APIError, const, say
from ._json import JSONError, loads

# message numbers (the texts are in _messages)
_TIMED_OUT = const(2)
_HTML_PAGE = const(45)


class APIStatusError(APIError):
    def __init__(self, message, status_code, body=None, headers=None):
        super().__init__(message, body, headers)
        self.status_code = status_code


class APIResponseValidationError(APIError):
    """A 2xx answer whose body is not what was expected (malformed JSON, an HTML page)."""

    def __init__(self, message, status_code, headers, cause=None):
        super().__init__(message, None, headers)
        self.status_code = status_code
        self.cause = cause


class APITimeoutError(APIConnectionError):
    def __init__(self, cause=None):
        super().__init__(say(_TIMED_OUT), cause)


# openai-python's error per status. Kept here, off the happy path: each class costs RAM.
class BadRequestError(APIStatusError):
    pass


class AuthenticationError(APIStatusError):
    pass


class PermissionDeniedError(APIStatusError):
    pass


class NotFoundError(APIStatusError):
    pass


class ConflictError(APIStatusError):
    pass


class UnprocessableEntityError(APIStatusError):
    pass


class RateLimitError(APIStatusError):
    pass


class InternalServerError(APIStatusError):
    pass


_ERROR_BODY_CAP = 8192
_RETRY_AFTER_CAP = 60.0

_BY_STATUS = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error(status, body, headers):
    """Map a non-2xx status and its (parsed or text) body to the typed error."""
    msg = None
    if isinstance(body, dict):
        err = body.get("error")
        if isinstance(err, dict):
            msg = err.get("message")
        elif isinstance(err, str):  # {"error": "text"} (Ollama and others)
            msg = err
        elif isinstance(body.get("message"), str):  # {"object": "error", "message": ...} (vLLM)
            msg = body["message"]
    elif body:
        msg = body
    text = "Error code: %d" % status
    if msg:
        text = "%s - %s" % (text, msg)
    cls = _BY_STATUS.get(status)
    if cls is None:
        cls = InternalServerError if status >= 500 else APIStatusError
    return cls(text, status, body, headers)


def text_of(raw):
    """A short readable text of an error body (the <title> of an HTML page)."""
    try:
        t = str(raw[:1024], "utf-8", "replace")  # (the start says it: a title, a first line)
    except UnicodeError:
        return repr(raw[:200])
    lo = t.lower()
    b = lo.find("<title>")
    if b >= 0:
        e = lo.find("</title>", b)
        if e > b:
            return t[b + 7 : e].strip()
    return t[:300].strip()


def _read(resp, cap):
    # up to cap bytes of the (error) body, into one block made at once (growing one would copy
    # it over and over in a heap that may have no room for the next size); the rest is dropped
    left = resp.left  # (the Content-Length still to come, when the answer has one: no bigger block)
    if 0 <= left < cap:
        cap = left
    try:
        out = bytearray(cap)
    except MemoryError:  # a heap with room, but not in one piece: the error's text is cut shorter
        cap = 512
        out = bytearray(cap)
    mv = memoryview(out)
    n = 0
    while n < cap:
        k = resp.readinto(mv[n:])
        if not k:
            break
        n += k
    mv = None
    resp.drain(cap * 4)
    return out if n == cap else out[:n]


def from_response(resp):
    """The typed error for a non-2xx answer; its body is read (capped) and parsed."""
    raw = _read(resp, _ERROR_BODY_CAP)
    try:
        body = loads(raw)
    except (JSONError, MemoryError):  # (a long message cut at the cap, in a heap without room for it)
        body = text_of(raw)
    return status_error(resp.status, body, resp.headers)


def invalid(key, resp, cause):
    """A 2xx answer whose body could not be read as the JSON expected (cause: the JSONError)."""
    return APIResponseValidationError(say(key, cause), resp.status, resp.headers, cause)


def not_json(resp):
    """A 2xx answer that is an HTML page where JSON was expected."""
    body = _read(resp, 512)
    return APIResponseValidationError(say(_HTML_PAGE, text_of(body)), resp.status, resp.headers)


def retry_delay(e, attempt, max_retries):
    """Seconds to wait before the next attempt, or None when e is final (as openai-python:
    408/409/429/5xx and connection errors; Retry-After honoured up to a cap; never for
    insufficient_quota)."""
    if attempt >= max_retries or isinstance(e, APIResponseValidationError):
        return None
    if isinstance(e, APIStatusError):
        h = e.headers
        should = h.get("x-should-retry")
        if should == "false":
            return None
        s = e.status_code
        if should != "true" and not (s in (408, 409, 429) or s >= 500):
            return None
        if e.code == "insufficient_quota" or e.type == "insufficient_quota":
            return None
        wait = None
        try:
            if "retry-after-ms" in h:
                wait = float(h["retry-after-ms"]) / 1000
            elif "retry-after" in h:
                wait = float(h["retry-after"])
        except ValueError:
            pass  # an HTTP date: use our own backoff
        if wait is not None and wait >= 0:
            return wait if wait < _RETRY_AFTER_CAP else _RETRY_AFTER_CAP
    elif not isinstance(e, APIConnectionError):
        return None
    import random

    d = 0.5 * (1 << attempt)
    return (d if d < 8.0 else 8.0) * (1 - 0.25 * random.random())
