# The texts of the error messages, by number: see _errors.say. This module is loaded only while
# a message is being made, and dropped again. Held as constants in the modules that raise them,
# these texts would cost about 70 bytes of RAM each on a 64-bit port (a string object and its
# data), for every message that never happens, for as long as those modules are loaded.
# A module names each number it raises with as a const (_BODY_CUT = const(27), the name after
# the comment here, upper-cased): the name vanishes when the module is compiled, so a message
# costs its module no RAM at all, not even an interned name (names from .mpy files are interned
# for good, and MicroPython's name pool doubles when it fills). A test checks that the numbers
# match. (_setup, which is dropped after use, keeps its texts; so do the AttributeErrors, which
# attribute probes like hasattr() raise often.)

TEXT = {
    # _errors
    1: "Connection error.",  # conn_error
    2: "Request timed out.",  # timed_out
    3: "%s (%s: %s)",  # with_cause
    # _http: the connection and the response framing
    4: "cannot resolve %s",  # resolve
    5: "cannot connect to %s:%d",  # connect
    6: "https needs a TLS context",  # no_ctx
    7: "TLS handshake with %s failed",  # handshake
    8: "connection already closed",  # closed
    9: "connection lost while reading",  # lost
    10: "request to %s failed",  # req_failed
    11: "server closed the connection before answering",  # no_answer
    12: "server keeps closing the connection",  # reclosing
    13: "not an HTTP response: %r",  # not_http
    14: "response headers larger than %d bytes",  # hdr_big
    15: "connection closed in the response headers",  # hdr_cut
    16: "malformed response header %r",  # bad_header
    17: "bad Content-Length %r",  # bad_length
    18: "unsupported Transfer-Encoding %r",  # bad_te
    19: "unexpected or endless interim answers (status %d)",  # interim
    20: "header %s: names and values must be str",  # hdr_type
    21: "bad header name %r",  # hdr_name
    22: "header %s: value has CR, LF or NUL",  # hdr_value
    23: "response body abandoned (the connection was reused or closed)",  # abandoned
    24: "bad chunk size line %r",  # chunk_size
    25: "connection closed in a chunked body (truncated response)",  # chunk_cut
    26: "chunk not followed by CRLF",  # chunk_end
    27: "connection closed before the end of the body (truncated response)",  # body_cut
    # _json: the reader and the writer
    28: "token longer than the %d-byte buffer",  # token_long
    29: "expected %s",  # expected
    30: "truncated input, expected %s",  # cut_expect
    31: "expected ',' or '%s'",  # comma_or
    32: "expected ',' or a closing bracket",  # comma_end
    33: "control character in string",  # control
    34: "unterminated string",  # unterm
    35: "invalid UTF-8 in string",  # bad_utf8
    36: "bad \\u escape",  # bad_u
    37: "unexpected character",  # unexpected
    38: "truncated input",  # truncated
    39: "number too long",  # num_long
    40: "nesting deeper than %d",  # too_deep
    41: "JSON keys must be str, not %s",  # key_type
    42: "bytes are not JSON; decode them or upload them as a file",  # json_bytes
    43: "cannot send %s as JSON",  # json_type
    44: "malformed JSON in response: %s",  # bad_json
    45: "expected JSON, got an HTML page: %s",  # html_page
    # _sse: streams
    46: "event line longer than %d bytes",  # event_long
    47: "event larger than %d bytes",  # event_big
    48: "malformed event in stream: %s",  # bad_event
    49: "malformed stream: %s",  # bad_stream
    50: "error event in stream",  # error_evt
    # _cursor: listings
    51: "a list page with more than %d items (pass a smaller limit=)",  # page_big
    52: "the server sent the page after %r again (its cursor does not advance)",  # cursor_rep
    # _api: the services' arguments
    53: "an id in the path is empty, '.' or '..'",  # empty_id
    54: "a stream read with pick= has no final answer: make it without pick",  # final_pick
    # _decode, embeddings: values decoded on the fly
    55: "expected a number",  # not_number
    56: "base64 text ends in a broken group",  # b64_broken
    57: "embedding bytes are not whole float32s",  # not_f32
    # _multipart, _sink: uploads and sinks
    58: "cannot read upload file %s: %s",  # read_fail
    59: "an upload must be a path, bytes or a seekable file object",  # upload_src
    60: "upload source ended %d bytes early",  # src_short
    61: "cannot write to %s: %s",  # write_fail
    62: "sink must be a path, a file object or a callable, not %s",  # sink_type
    63: "cannot retry: %d bytes already went to the sink",  # no_retry
}
