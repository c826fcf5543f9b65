# Typed errors with openai-python's names, and their messages. Core module: imports nothing
# from the package but _messages, the catalog of message texts, while it makes one.
# APIStatusError with its per-status subclasses (BadRequestError, RateLimitError, ...),
# APIResponseValidationError and APITimeoutError live in _fail, loaded with the first error
# answer or when a program first names one (tinyopenai.RateLimitError): a successful call never
# needs them.

import sys

# const: MicroPython's parser folds NAME = const(...) wherever const comes from; the other modules
# import it from here, so CPython's stand-in is made once
try:
    from micropython import const
except ImportError:  # CPython: const(x) is just x
    const = int

# message numbers (the texts are in _messages)
_CONN_ERROR = const(1)
_WITH_CAUSE = const(3)
_HDR_TYPE = const(20)
_HDR_NAME = const(21)
_HDR_VALUE = const(22)


def say(key, *args):
    """The message text for key, a message number (see _messages) or a text already, with args
    put in. The catalog is loaded for the moment and dropped again. When it cannot be loaded
    (not installed, or a heap too full just then), "tinyopenai message N" and the arguments
    stand for the text."""
    try:
        text = __import__("tinyopenai._messages", None, None, ("TEXT",)).TEXT.get(key, key)
    except (ImportError, MemoryError):
        text = key
    sys.modules.pop("tinyopenai._messages", None)
    pkg = sys.modules.get("tinyopenai")
    if pkg is not None:
        pkg.__dict__.pop("_messages", None)
    if text is key:  # no text for it: the key (a number says which), and the arguments as they are
        if isinstance(key, int):
            key = "tinyopenai message %d" % key
        return "%s %r" % (key, args) if args else key
    return text % args if args else text


class OpenAIError(Exception):
    pass


def check_header(name, value):
    """Refuse (OpenAIError, before anything is sent) a header that could split the request: a
    name or value that is not a str, or one with CR, LF or NUL (a name also with space or ':').
    The value is never shown: it may be the key."""
    if not isinstance(name, str) or not isinstance(value, str):
        raise OpenAIError(say(_HDR_TYPE, name if isinstance(name, str) else type(name).__name__))
    if not name or ":" in name or " " in name or "\r" in name or "\n" in name or "\0" in name:
        raise OpenAIError(say(_HDR_NAME, name[:40]))
    if "\r" in value or "\n" in value or "\0" in value:
        raise OpenAIError(say(_HDR_VALUE, name))


class APIError(OpenAIError):
    """An error reported by the API (or an in-band stream error).

    Attributes mirror openai-python: message, type, code, param, body,
    request_id; status_code and headers are set on status errors.
    """

    status_code = None

    def __init__(self, message, body=None, headers=None):
        super().__init__(message)
        self.message = message
        # as openai-python: the answer's "error" object when it has one, else the whole body
        self.body = body = body.get("error", body) if isinstance(body, dict) else body
        self.headers = headers or {}
        self.request_id = self.headers.get("x-request-id")
        err = body if isinstance(body, dict) else {}
        self.type = err.get("type")
        self.code = err.get("code")
        self.param = err.get("param")


class APIConnectionError(APIError):
    """The request did not get a complete answer: DNS, refused, reset, TLS, truncated body.

    `cause` keeps the low-level exception."""

    def __init__(self, message=None, cause=None):
        message = message or say(_CONN_ERROR)
        if cause is not None:
            message = say(_WITH_CAUSE, message, type(cause).__name__, cause)
        super().__init__(message)
        self.cause = cause
