# Typed errors with openai-python's names. Core module: imports nothing from the package.
# The per-status subclasses (BadRequestError, RateLimitError, ...) live in _fail, loaded with
# the first error answer or when a program first names one (tinyopenai.RateLimitError).


class OpenAIError(Exception):
    pass


class APIError(OpenAIError):
    """An error reported by the API (or an in-band stream error).

    Attributes mirror openai-python: message, type, code, param, body,
    request_id; status_code and headers are set on status errors.
    """

    status_code = None

    def __init__(self, message, body=None, headers=None):
        super().__init__(message)
        self.message = message
        self.body = body
        self.headers = headers or {}
        self.request_id = self.headers.get("x-request-id")
        err = body.get("error", body) if isinstance(body, dict) else None
        if not isinstance(err, dict):
            err = {}
        self.type = err.get("type")
        self.code = err.get("code")
        self.param = err.get("param")


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


class APIConnectionError(APIError):
    """The request did not get a complete answer: DNS, refused, reset, TLS, truncated body.

    `cause` keeps the low-level exception."""

    def __init__(self, message="Connection error.", cause=None):
        if cause is not None:
            message = "%s (%s: %s)" % (message, type(cause).__name__, cause)
        super().__init__(message)
        self.cause = cause


class APITimeoutError(APIConnectionError):
    def __init__(self, cause=None):
        super().__init__("Request timed out.", cause)
