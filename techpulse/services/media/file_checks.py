"""Byte-level checks of an upload: its image stream must end where the file ends, and it
must not carry an archive or active markup (a polyglot file a browser could run)."""

from __future__ import annotations

import re
from collections.abc import Callable

from techpulse.web.field_errors import FieldError

DAMAGED = "This image file is damaged or incomplete."
HIDDEN = "This image carries extra hidden content and was refused."
# Embedded ZIP local header (with a plausible "version needed" field) or active markup.
_SMUGGLED = re.compile(
    rb"PK\x03\x04[\x00-\x3f]\x00|(?i:<(?:script|html|svg|iframe|object|embed)[\s>/]|<\?php)"
)


def check_structure(data: bytes, source_format: str) -> None:
    """Refuse files whose bytes go on past the image or smuggle in archives or markup."""
    if _SMUGGLED.search(data):
        raise FieldError("image", HIDDEN)
    end = _STREAM_END[source_format](data)
    if end < 0:
        raise FieldError("image", DAMAGED)
    if len(data) - end > (2 if source_format in ("jpeg", "gif") else 0):
        raise FieldError("image", HIDDEN)


def _png_end(data: bytes) -> int:
    """Return the offset just past the IEND chunk, or -1 when there is none."""
    pos = 8
    while pos + 12 <= len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        chunk_type = data[pos + 4 : pos + 8]
        pos += 12 + length
        if chunk_type == b"IEND":
            return pos if pos <= len(data) else -1
    return -1


def _webp_end(data: bytes) -> int:
    """Return the end of the RIFF container as declared in its header, or -1 if cut short."""
    end = int.from_bytes(data[4:8], "little") + 8
    return end if end <= len(data) else -1


def _jpeg_end(data: bytes) -> int:
    """Return the end of the JPEG stream plus any whole MPF frames appended to it, or -1."""
    end = _jpeg_stream_end(data, 0)
    while end > 0 and data[end : end + 2] == b"\xff\xd8":
        end = _jpeg_stream_end(data, end)
    return end


def _jpeg_stream_end(data: bytes, pos: int) -> int:
    """Walk the JPEG markers from the SOI at pos; return the offset just past its EOI, or -1."""
    pos += 2
    while pos + 1 < len(data):
        if data[pos] != 0xFF:
            return -1
        marker = data[pos + 1]
        if marker == 0xD9:
            return pos + 2
        if marker == 0xFF or 0xD0 <= marker <= 0xD7 or marker == 0x01:
            pos += 1 if marker == 0xFF else 2
            continue
        pos += 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")
        if marker == 0xDA:
            pos = _skip_entropy_data(data, pos)
    return -1


def _skip_entropy_data(data: bytes, pos: int) -> int:
    """Return the offset of the first real marker after entropy-coded scan data."""
    while (pos := data.find(b"\xff", pos)) >= 0 and pos + 1 < len(data):
        following = data[pos + 1]
        if following == 0xFF:
            return pos
        if following != 0x00 and not 0xD0 <= following <= 0xD7:
            return pos
        pos += 2
    return len(data)


def _gif_end(data: bytes) -> int:
    """Walk the GIF blocks; return the offset just past the trailer byte, or -1."""
    pos = 13 + _colour_table_size(data[10])
    while pos < len(data):
        block = data[pos]
        if block == 0x3B:
            return pos + 1
        if block == 0x21:
            pos = _skip_sub_blocks(data, pos + 2)
        elif block == 0x2C and pos + 10 < len(data):
            pos = _skip_sub_blocks(data, pos + 11 + _colour_table_size(data[pos + 9]))
        else:
            return -1
    return -1


def _colour_table_size(packed: int) -> int:
    """Return the byte size of the colour table announced by a GIF packed-fields byte."""
    return 3 * (2 << (packed & 0x07)) if packed & 0x80 else 0


def _skip_sub_blocks(data: bytes, pos: int) -> int:
    """Return the offset after a chain of GIF data sub-blocks and its terminator."""
    while pos < len(data) and data[pos]:
        pos += data[pos] + 1
    return pos + 1


def _heif_end(data: bytes) -> int:
    """Walk the ISO media file boxes; return the offset just past the last one, or -1."""
    pos = 0
    while pos + 8 <= len(data):
        size = int.from_bytes(data[pos : pos + 4], "big")
        if size == 1 and pos + 16 <= len(data):  # a 64-bit size follows the type
            size = int.from_bytes(data[pos + 8 : pos + 16], "big")
        elif size == 0:  # the last box runs to the end of the file
            size = len(data) - pos
        if size < 8:
            return -1
        pos += size
    return pos if pos == len(data) else -1


_STREAM_END: dict[str, Callable[[bytes], int]] = {
    "heic": _heif_end,
    "jpeg": _jpeg_end,
    "png": _png_end,
    "webp": _webp_end,
    "gif": _gif_end,
}
