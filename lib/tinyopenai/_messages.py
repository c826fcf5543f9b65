# The texts of the error messages, by key: see _errors.say. This module is loaded only while a
# message is being made, and dropped again. Held as constants in the modules that raise them,
# these texts would cost about 70 bytes of RAM each on a 64-bit port (a string object and its
# data), for every message that never happens, for as long as those modules are loaded.
# A key is at most 10 characters: mpy-cross interns strings that short, at a few bytes each.
# (_setup, which is dropped after use, keeps its texts; so do the AttributeErrors, which
# attribute probes like hasattr() raise often.)

TEXT = {
    # _errors
    "conn_error": "Connection error.",
    "timed_out": "Request timed out.",
    "with_cause": "%s (%s: %s)",
    # _http: the connection and the response framing
    "resolve": "cannot resolve %s",
    "connect": "cannot connect to %s:%d",
    "no_ctx": "https needs a TLS context",
    "handshake": "TLS handshake with %s failed",
    "closed": "connection already closed",
    "lost": "connection lost while reading",
    "req_failed": "request to %s failed",
    "no_answer": "server closed the connection before answering",
    "reclosing": "server keeps closing the connection",
    "not_http": "not an HTTP response: %r",
    "hdr_big": "response headers larger than %d bytes",
    "hdr_cut": "connection closed in the response headers",
    "bad_header": "malformed response header %r",
    "bad_length": "bad Content-Length %r",
    "bad_te": "unsupported Transfer-Encoding %r",
    "interim": "unexpected or endless interim answers (status %d)",
    "hdr_type": "header %s: names and values must be str",
    "hdr_name": "bad header name %r",
    "hdr_value": "header %s: value has CR, LF or NUL",
    "abandoned": "response body abandoned (the connection was reused or closed)",
    "chunk_size": "bad chunk size line %r",
    "chunk_cut": "connection closed in a chunked body (truncated response)",
    "chunk_end": "chunk not followed by CRLF",
    "body_cut": "connection closed before the end of the body (truncated response)",
    # _json: the reader and the writer
    "token_long": "token longer than the %d-byte buffer",
    "expected": "expected %s",
    "cut_expect": "truncated input, expected %s",
    "comma_or": "expected ',' or '%s'",
    "comma_end": "expected ',' or a closing bracket",
    "control": "control character in string",
    "unterm": "unterminated string",
    "bad_utf8": "invalid UTF-8 in string",
    "bad_u": "bad \\u escape",
    "unexpected": "unexpected character",
    "truncated": "truncated input",
    "num_long": "number too long",
    "too_deep": "nesting deeper than %d",
    "key_type": "JSON keys must be str, not %s",
    "json_bytes": "bytes are not JSON; decode them or upload them as a file",
    "json_type": "cannot send %s as JSON",
    "bad_json": "malformed JSON in response: %s",
    "html_page": "expected JSON, got an HTML page: %s",
    # _sse: streams
    "event_long": "event line longer than %d bytes",
    "event_big": "event larger than %d bytes",
    "bad_event": "malformed event in stream: %s",
    "bad_stream": "malformed stream: %s",
    "error_evt": "error event in stream",
    # _cursor: listings
    "page_big": "a list page with more than %d items (pass a smaller limit=)",
    "cursor_rep": "the server sent the page after %r again (its cursor does not advance)",
    # _api: the services' arguments
    "empty_id": "an id in the path is empty, '.' or '..'",
    "missing": "%s: missing required argument(s): %s",
    "one_id": "give the id (and only the id) of the item",
    # _decode, embeddings: values decoded on the fly
    "not_number": "expected a number",
    "b64_broken": "base64 text ends in a broken group",
    "not_f32": "embedding bytes are not whole float32s",
    # _multipart, _sink: uploads and sinks
    "read_fail": "cannot read upload file %s: %s",
    "upload_src": "an upload must be a path, bytes or a seekable file object",
    "src_short": "upload source ended %d bytes early",
    "write_fail": "cannot write to %s: %s",
    "sink_type": "sink must be a path, a file object or a callable, not %s",
    "no_retry": "cannot retry: %d bytes already went to the sink",
}
