"""Upload image pipeline: validate, strip metadata and write responsive variants with Pillow."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import os
import re
import secrets
import struct
import tempfile
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pillow_heif
from PIL import Image, ImageOps

from techpulse.web.field_errors import FieldError

# iPhone photos (HEIC/HEIF) are read by pillow-heif and converted to JPEG (or PNG) at upload.
pillow_heif.register_heif_opener()

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
MIN_SIDE = 32  # a tracking pixel or an icon is no picture for a story
ACCEPTED_TYPES = "image/jpeg,image/png,image/webp,image/gif,image/heic,image/heif,.heic,.heif"
RESPONSIVE_WIDTHS = (480, 960, 1600)
SOCIAL_SIZE = (1200, 630)

_NOT_IMAGE = "This file is not a JPEG, PNG, WebP or GIF image (nor a HEIC photo)."
_TOO_SMALL = (
    "This image is only {width}×{height} pixels; pictures must be at least "
    f"{MIN_SIDE}×{MIN_SIDE} pixels."
)
_EMPTY = "The uploaded file is empty."
_TOO_BIG = "Images must be 10 MB or smaller."
_TOO_MANY_PIXELS = "This image is too large; please keep it under 40 megapixels."
_DAMAGED = "This image file is damaged or incomplete."
_HIDDEN = "This image carries extra hidden content and was refused."

# Pillow format name -> our source format name ("MPO" is how Pillow names multi-picture JPEGs).
_SOURCE_FORMATS = {
    "JPEG": "jpeg",
    "MPO": "jpeg",
    "PNG": "png",
    "WEBP": "webp",
    "GIF": "gif",
    "HEIF": "heic",
}
_OPEN_FORMATS = ["JPEG", "PNG", "WEBP", "GIF", "HEIF"]
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error)
# Embedded ZIP local header (with a plausible "version needed" field) or active markup.
_SMUGGLED = re.compile(
    rb"PK\x03\x04[\x00-\x3f]\x00|(?i:<(?:script|html|svg|iframe|object|embed)[\s>/]|<\?php)"
)
_ORIGINAL_OUTPUT = {"jpeg": "jpeg", "png": "png", "webp": "webp", "gif": "png", "heic": "jpeg"}
_SOCIAL_BACKGROUND = (244, 244, 244)
_EXTENSIONS = {"jpeg": "jpg", "png": "png", "webp": "webp"}
_QUALITY = {"original": 88, "responsive": 82, "social": 85}
_WEBP_QUALITY = {"original": 88, "responsive": 80, "social": 80}


@dataclass(frozen=True)
class Variant:
    """One stored rendition of an uploaded image."""

    file: str
    width: int
    height: int
    format: str
    bytes: int
    kind: str

    def as_dict(self) -> dict[str, str | int]:
        """Return a JSON-able dict, suitable for storing on a model."""
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class ProcessedImage:
    """The outcome of a successful upload: a random key plus every file written for it."""

    key: str
    width: int
    height: int
    format: str
    variants: list[Variant]

    def files(self) -> list[str]:
        """Return the names of every file written for this image."""
        return [variant.file for variant in self.variants]


@dataclass(frozen=True)
class _Job:
    kind: str
    image: Image.Image
    format: str
    name: str


def process_image(data: bytes, dest_dir: Path) -> ProcessedImage:
    """Validate an upload, strip all metadata and write its web variants into dest_dir."""
    if not data:
        raise FieldError("image", _EMPTY)
    if len(data) > MAX_UPLOAD_BYTES:
        raise FieldError("image", _TOO_BIG)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning)
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image, source_format = _decode(data)
    key = secrets.token_hex(16)
    variants = _write_all(_plan(image, source_format, key), Path(dest_dir))
    return ProcessedImage(key, image.width, image.height, source_format, variants)


def delete_files(dest_dir: Path, files: Iterable[str]) -> None:
    """Delete the named files from dest_dir, ignoring any that are already gone."""
    names = list(files)
    for name in names:
        if name in ("", ".", "..") or Path(name).name != name:
            raise ValueError(f"Refusing to delete unsafe file name {name!r}")
    for name in names:
        (Path(dest_dir) / name).unlink(missing_ok=True)


def _decode(data: bytes) -> tuple[Image.Image, str]:
    """Identify and fully decode the upload; return oriented, metadata-free pixels."""
    try:
        with Image.open(io.BytesIO(data), formats=_OPEN_FORMATS) as opened:
            source_format = _SOURCE_FORMATS[str(opened.format)]
            if opened.width * opened.height > MAX_PIXELS:
                raise FieldError("image", _TOO_MANY_PIXELS)
            if min(opened.width, opened.height) < MIN_SIDE:
                size = {"width": opened.width, "height": opened.height}
                raise FieldError("image", _TOO_SMALL.format(**size))
            _check_structure(data, source_format)
            opened.load()
            ImageOps.exif_transpose(opened, in_place=True)
            return _pixels_only(opened), source_format
    except FieldError:
        raise
    except Image.UnidentifiedImageError as exc:
        raise FieldError("image", _NOT_IMAGE) from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise FieldError("image", _TOO_MANY_PIXELS) from exc
    except _DECODE_ERRORS as exc:
        raise FieldError("image", _DAMAGED) from exc


def _pixels_only(image: Image.Image) -> Image.Image:
    """Return an RGB or RGBA copy of the pixels with no metadata attached at all."""
    if image.mode in ("I", "F") or image.mode.startswith("I;16"):
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info:
        image = image.convert("RGBA")
        if image.getchannel("A").getextrema()[0] == 255:
            image = image.convert("RGB")
    elif image.mode != "RGB":
        image = image.convert("RGB")
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    return clean


def _check_structure(data: bytes, source_format: str) -> None:
    """Refuse files whose bytes go on past the image or smuggle in archives or markup."""
    if _SMUGGLED.search(data):
        raise FieldError("image", _HIDDEN)
    end = _STREAM_END[source_format](data)
    if end < 0:
        raise FieldError("image", _DAMAGED)
    if len(data) - end > (2 if source_format in ("jpeg", "gif") else 0):
        raise FieldError("image", _HIDDEN)


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


def _plan(image: Image.Image, source_format: str, key: str) -> Iterator[_Job]:
    """Yield every rendition to write, producing resized pixels lazily."""
    original = _ORIGINAL_OUTPUT[source_format]
    if original == "jpeg" and image.mode == "RGBA":  # a HEIC photo with transparency
        original = "png"
    yield _Job("original", image, original, f"{key}-orig.{_EXTENSIONS[original]}")
    fallback = "png" if image.mode == "RGBA" else "jpeg"
    for width in _responsive_widths(image.width):
        resized = _resize_to_width(image, width)
        yield _Job("responsive", resized, "webp", f"{key}-{width}.webp")
        yield _Job("responsive", resized, fallback, f"{key}-{width}.{_EXTENSIONS[fallback]}")
    yield _Job("social", _social_card(image), "jpeg", f"{key}-social.jpg")


def _responsive_widths(width: int) -> list[int]:
    """Return the responsive widths to produce for an image this wide, never upscaling."""
    return [w for w in RESPONSIVE_WIDTHS if w <= width] or [width]


def _resize_to_width(image: Image.Image, width: int) -> Image.Image:
    """Scale the image to the given width, keeping its aspect ratio."""
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)


def _social_card(image: Image.Image) -> Image.Image:
    """Return a centre-cropped social card, flattened onto white when transparent.

    A picture smaller than the card is never blown up: it sits, at its own size (or shrunk
    to fit), in the middle of a plain card.
    """
    if image.width < SOCIAL_SIZE[0] or image.height < SOCIAL_SIZE[1]:
        return _small_social_card(image)
    card = ImageOps.fit(image, SOCIAL_SIZE, Image.Resampling.LANCZOS)
    if card.mode != "RGBA":
        return card
    flat = Image.new("RGB", card.size, "white")
    flat.paste(card, mask=card.getchannel("A"))
    return flat


def _small_social_card(image: Image.Image) -> Image.Image:
    picture = image.copy()
    picture.thumbnail(SOCIAL_SIZE, Image.Resampling.LANCZOS)  # shrinks, never enlarges
    card = Image.new("RGB", SOCIAL_SIZE, _SOCIAL_BACKGROUND)
    offset = ((SOCIAL_SIZE[0] - picture.width) // 2, (SOCIAL_SIZE[1] - picture.height) // 2)
    card.paste(picture, offset, picture if picture.mode == "RGBA" else None)
    return card


def _write_all(jobs: Iterable[_Job], dest_dir: Path) -> list[Variant]:
    """Write every job; if any step fails, remove the files already written and re-raise."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    written: list[Variant] = []
    try:
        for job in jobs:
            written.append(_write(job, dest_dir))
    except BaseException:
        with contextlib.suppress(OSError):
            delete_files(dest_dir, [variant.file for variant in written])
        raise
    return written


def _write(job: _Job, dest_dir: Path) -> Variant:
    """Encode one job into a temporary file, then atomically move it into place."""
    fd, tmp_name = tempfile.mkstemp(dir=dest_dir, prefix=".upload-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            job.image.save(handle, format=job.format.upper(), **_save_options(job))
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, dest_dir / job.name)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    size = (dest_dir / job.name).stat().st_size
    return Variant(job.name, job.image.width, job.image.height, job.format, size, job.kind)


def _save_options(job: _Job) -> dict[str, int | bool]:
    """Return encoder settings; metadata (exif, icc_profile, comment, xmp) is never passed."""
    if job.format == "jpeg":
        return {"quality": _QUALITY[job.kind], "optimize": True, "progressive": True}
    if job.format == "webp":
        return {"quality": _WEBP_QUALITY[job.kind], "method": 4}
    return {"compress_level": 6}
