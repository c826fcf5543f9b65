# What a request can carry from flash or a buffer: a path, a file object, or bytes / bytearray /
# memoryview (a camera frame). Sources are sized first (so Content-Length is known before
# anything is sent) and read in small chunks while sending, from the start on every attempt.
#
#   data_url(src, mime_type=None) and base64_data(src) put a source into a JSON body as a base64
#   string (a data: URL for image_url and input_image, the bare base64 for input_audio), encoded
#   while it is sent: RAM holds one 768-byte chunk and its 1 KB encoding, never the string.
#
# Multipart uploads (_multipart) read their files through the same helpers.

from ._errors import OpenAIError, const, say

# message numbers (the texts are in _messages)
_READ_FAIL = const(58)
_UPLOAD_SRC = const(59)
_SRC_SHORT = const(60)

_B64_IN = const(768)  # bytes per base64 chunk: a multiple of 3, so only the last chunk is padded

_TYPES = (("image/png", "png"), ("image/jpeg", "jpg jpeg"), ("image/webp", "webp"), ("image/gif", "gif"),
          ("audio/mpeg", "mp3 mpga mpeg"), ("audio/x-wav", "wav"), ("audio/mp4", "m4a"),
          ("video/mp4", "mp4"), ("audio/ogg", "ogg"), ("video/webm", "webm"), ("audio/flac", "flac"),
          ("application/json", "json"), ("text/plain", "txt"), ("application/pdf", "pdf"))


def size(src):
    """(bytes to send, where a file object starts) of a source; a path is checked readable now."""
    if isinstance(src, (bytes, bytearray, memoryview)):
        return len(src), None
    if isinstance(src, str):
        import os

        try:
            n = os.stat(src)[6]
            open(src, "rb").close()
        except OSError as e:
            raise OpenAIError(say(_READ_FAIL, src, e))
        return n, None
    if (hasattr(src, "readinto") or hasattr(src, "read")) and hasattr(src, "seek"):
        here = src.tell()
        end = src.seek(0, 2)
        src.seek(here)
        return (end if end is not None else src.tell()) - here, here
    raise TypeError(say(_UPLOAD_SRC))


def named(src):
    """(filename, source, content type) of a source given without a filename, named as
    openai-python (through httpx) names it: a path's or a file object's base name, else
    "upload"; the type from the name's extension."""
    name = src if isinstance(src, str) else getattr(src, "name", None)
    name = name.replace("\\", "/").split("/")[-1] if isinstance(name, str) and name else "upload"
    ext = name[name.rfind(".") + 1 :].lower() if "." in name else ""
    for kind, exts in _TYPES:
        if ext and ext in exts.split():
            return name, src, kind
    return name, src, "application/octet-stream"


def chunks(src, n, start, buf):
    """Yield the n bytes of src as memoryviews of buf (or of src itself when it is a buffer),
    each full but the last, so a 3-byte-aligned buf keeps every chunk but the last unpadded."""
    if isinstance(src, (bytes, bytearray, memoryview)):
        mv = memoryview(src)
        for i in range(0, n, len(buf)):
            yield mv[i : i + len(buf)]
        return
    f = open(src, "rb") if isinstance(src, str) else src
    try:
        if start is not None:  # a file object: from where it stood, on every attempt
            f.seek(start)
        mv = memoryview(buf)
        left = n
        while left:
            want = min(len(buf), left)
            got = 0
            while got < want:  # a file object may return less than asked before its end
                k = f.readinto(mv[got:want]) if hasattr(f, "readinto") else None
                if k is None:
                    piece = f.read(want - got)
                    k = len(piece)
                    mv[got : got + k] = piece
                if not k:
                    raise OpenAIError(say(_SRC_SHORT, left - got))
                got += k
            yield mv[:want]
            left -= want
    finally:
        if isinstance(src, str):
            f.close()


class Base64:
    """A source as one JSON string of its base64 (after prefix), written while it is sent.
    The JSON writer asks for json_pieces(); len() is the string's length in the body."""

    def __init__(self, src, prefix=""):
        for ch in prefix:
            if ch < " " or ch in '"\\':
                raise ValueError("mime_type must be printable, without quotes or backslashes")
        self.src = src
        self.prefix = prefix.encode()
        self.n, self.start = size(src)

    def __len__(self):
        return 2 + len(self.prefix) + (self.n + 2) // 3 * 4

    def json_pieces(self):
        from binascii import b2a_base64

        yield b'"' + self.prefix
        for chunk in chunks(self.src, self.n, self.start, bytearray(_B64_IN)):
            yield memoryview(b2a_base64(chunk))[:-1]  # pyright: ignore[reportArgumentType]  (any buffer; drop its newline)
        yield b'"'


def data_url(src, mime_type=None):
    """A data: URL of src for a JSON body ({"type": "image_url", "image_url": {"url":
    data_url("/cam.jpg")}}); mime_type defaults to the one its name's extension says."""
    return Base64(src, "data:%s;base64," % (mime_type or named(src)[2]))


def base64_data(src):
    """The bare base64 of src for a JSON body (chat input_audio's "data")."""
    return Base64(src)
