"""Upload image pipeline: validate, strip metadata and write responsive variants with Pillow."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import os
import secrets
import struct
import tempfile
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pillow_heif
from flask import current_app, has_app_context
from PIL import Image, ImageOps, features

from techpulse.services.media.file_checks import DAMAGED as _DAMAGED
from techpulse.services.media.file_checks import check_structure as _check_structure
from techpulse.services.media.limits import MAX_UPLOAD_BYTES
from techpulse.web.field_errors import FieldError

# iPhone photos (HEIC/HEIF) are read by pillow-heif and converted to JPEG (or PNG) at upload.
pillow_heif.register_heif_opener()

MAX_PIXELS = 40_000_000
MIN_SIDE = 32  # a tracking pixel or an icon is no picture for a story

# 240 fits a compact card's thumbnail on a phone (120 CSS px at up to 2 device pixels per CSS
# pixel, 96 px at 2.5); 320 and 640 a phone's full-width card (about 360 CSS px at 1.75–2);
# 720 a full-width picture on a 412 px phone at 1.75 (Lighthouse's: 665 pixels, was 960 w).
RESPONSIVE_WIDTHS = (240, 320, 480, 640, 720, 960, 1600)
# AVIF beside WebP when this Pillow can encode it (Pillow 11.3+ built with libavif).
AVIF = features.check("avif")
SOCIAL_SIZE = (1200, 630)

_NOT_IMAGE = "This file is not a JPEG, PNG, WebP or GIF image (nor a HEIC photo)."
_TOO_SMALL = (
    "This image is only {width}×{height} pixels; pictures must be at least "
    f"{MIN_SIDE}×{MIN_SIDE} pixels."
)
_EMPTY = "The uploaded file is empty."
_TOO_BIG = "Images must be 10 MB or smaller."
_TOO_MANY_PIXELS = "This image is too large; please keep it under 40 megapixels."

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
_ORIGINAL_OUTPUT = {"jpeg": "jpeg", "png": "png", "webp": "webp", "gif": "png", "heic": "jpeg"}
_SOCIAL_BACKGROUND = (244, 244, 244)
_EXTENSIONS = {"jpeg": "jpg", "png": "png", "webp": "webp", "avif": "avif"}
_QUALITY = {"original": 88, "responsive": 82, "social": 85}
_WEBP_QUALITY = {"original": 88, "responsive": 80, "social": 80}
# AVIF quality 45 looks like WebP 80 at under half its size (a 640 px demo banner: 4.7 KB
# against 11 KB); speed 8 keeps an upload's five AVIF sizes within about a second.
_AVIF_OPTIONS = {"quality": 45, "speed": 8}


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


def _plan(image: Image.Image, source_format: str, key: str) -> Iterator[_Job]:
    """Yield every rendition to write, producing resized pixels lazily."""
    original = _ORIGINAL_OUTPUT[source_format]
    if original == "jpeg" and image.mode == "RGBA":  # a HEIC photo with transparency
        original = "png"
    yield _Job("original", image, original, f"{key}-orig.{_EXTENSIONS[original]}")
    yield from responsive_jobs(image, key)
    yield _Job("social", _social_card(image), "jpeg", f"{key}-social.jpg")


def avif_wanted() -> bool:
    """Whether uploads get AVIF variants: this Pillow encodes AVIF and IMAGE_AVIF is on."""
    return AVIF and (not has_app_context() or bool(current_app.config.get("IMAGE_AVIF", True)))


def responsive_formats(fallback: str) -> tuple[str, ...]:
    """The formats of the responsive variants: AVIF (when wanted), WebP and ``fallback``."""
    return ("avif", "webp", fallback) if avif_wanted() else ("webp", fallback)


def responsive_jobs(image: Image.Image, key: str, skip: Iterable[str] = ()) -> Iterator[_Job]:
    """Yield the responsive renditions of ``image`` whose file names are not in ``skip``."""
    skipped = set(skip)
    formats = responsive_formats("png" if image.mode == "RGBA" else "jpeg")
    for width in responsive_widths(image.width):
        names = {fmt: f"{key}-{width}.{_EXTENSIONS[fmt]}" for fmt in formats}
        if all(name in skipped for name in names.values()):
            continue
        resized = _resize_to_width(image, width)
        for fmt, name in names.items():
            if name not in skipped:
                yield _Job("responsive", resized, fmt, name)


def add_variants(
    original: bytes, key: str, existing: Iterable[str], dest_dir: Path
) -> list[Variant]:
    """Write the responsive variants an image stored earlier lacks, from its stored original.

    Returns the variants written (none when it has them all); the caller records them.
    """
    with Image.open(io.BytesIO(original), formats=["JPEG", "PNG", "WEBP"]) as opened:
        opened.load()
        pixels = _pixels_only(opened)
    return _write_all(responsive_jobs(pixels, key, existing), Path(dest_dir))


def responsive_widths(width: int) -> list[int]:
    """Return the responsive widths to produce for an image this wide, never upscaling; one
    narrower than a full-size variant (320 px) also keeps its own width, beside a thumbnail."""
    widths = [w for w in RESPONSIVE_WIDTHS if w <= width]
    if not widths or widths[-1] < min(width, RESPONSIVE_WIDTHS[1]):
        widths.append(width)
    return widths


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
    if job.format == "avif":
        return dict(_AVIF_OPTIONS)
    return {"compress_level": 6}
