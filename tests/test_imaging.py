"""Unit tests for the upload image pipeline and the demo banner generator."""

from __future__ import annotations

import io
import json
import stat
import struct
import tempfile
import zipfile
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageChops, ImageCms, ImageDraw, PngImagePlugin

from techpulse.services.media import drawing as banners
from techpulse.services.media import imaging
from techpulse.services.media.imaging import (
    MAX_UPLOAD_BYTES,
    RESPONSIVE_WIDTHS,
    SOCIAL_SIZE,
    ProcessedImage,
    delete_files,
    process_image,
)
from techpulse.web.field_errors import FieldError

pytestmark = pytest.mark.usefixtures("with_avif")

AVIF = ("avif",) if imaging.AVIF else ()  # beside WebP where this Pillow encodes AVIF
GPS_IFD = 0x8825
ORIENTATION = 0x0112


# --- building test images -------------------------------------------------------------------


def encode(image: Image.Image, fmt: str, **params: object) -> bytes:
    """Encode a Pillow image to bytes in the given format."""
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **params)
    return buffer.getvalue()


def scene(size: tuple[int, int] = (2000, 1000), mode: str = "RGB") -> Image.Image:
    """A picture with some detail: red left half, blue right half, a green disc."""
    width, height = size
    image = Image.new("RGB", size, (200, 30, 30))
    draw = ImageDraw.Draw(image)
    draw.rectangle((width // 2, 0, width, height), fill=(30, 30, 200))
    draw.ellipse((width // 3, height // 4, 2 * width // 3, 3 * height // 4), fill=(20, 180, 60))
    return image.convert(mode)


def transparent_png(size: tuple[int, int] = (1000, 500)) -> bytes:
    """An RGBA PNG whose left half is fully transparent."""
    image = scene(size, "RGBA")
    ImageDraw.Draw(image).rectangle((0, 0, size[0] // 2, size[1]), fill=(0, 0, 0, 0))
    return encode(image, "PNG")


def png_with_header_size(width: int, height: int) -> bytes:
    """A tiny valid PNG whose IHDR then claims width x height (with a correct CRC)."""
    data = bytearray(encode(Image.new("L", (8, 8)), "PNG"))
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def png_with_text(text: str) -> bytes:
    """A PNG with a tEXt comment chunk."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", text)
    return encode(scene((300, 200)), "PNG", pnginfo=info)


def zip_bytes() -> bytes:
    """A small ZIP archive."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.php", "<?php echo 'hi'; ?>")
    return buffer.getvalue()


def jpeg_with_private_metadata(orientation: int = 6) -> bytes:
    """A 400x200 JPEG carrying GPS, orientation, an ICC profile, XMP and a comment."""
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (22.0, 18.0, 26.0), 3: "E", 4: (73.0, 10.0, 53.0)})
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><secret>home</secret></x:xmpmeta>'
    return encode(
        scene((400, 200)), "JPEG", exif=exif.tobytes(), icc_profile=icc, xmp=xmp, comment=b"hi"
    )


def reopen(directory: Path, name: str) -> Image.Image:
    """Open a stored file fully decoded, so the file handle can be closed."""
    with Image.open(directory / name) as image:
        image.load()
        return image


def variants_by(result: ProcessedImage, kind: str) -> list[imaging.Variant]:
    return [variant for variant in result.variants if variant.kind == kind]


# --- rejections -----------------------------------------------------------------------------

JPEG = encode(scene(), "JPEG", quality=85)
PNG = encode(scene(), "PNG")

REJECTED = {
    "text file": (b"Just some notes, not a picture.\n" * 20, "not a JPEG, PNG, WebP or GIF"),
    "svg": (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>alert(1)</script></svg>",
        "not a JPEG, PNG, WebP or GIF",
    ),
    "html": (b"<!doctype html><html><body><img src=x onerror=alert(1)></body></html>", "not a"),
    "pdf": (b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n", "not a JPEG"),
    "bmp": (encode(scene((50, 50)), "BMP"), "not a JPEG"),
    "empty": (b"", "empty"),
    "over 10 MB": (JPEG + b"\0" * (MAX_UPLOAD_BYTES + 1 - len(JPEG)), "10 MB or smaller"),
    "truncated jpeg": (JPEG[: len(JPEG) // 2], "damaged or incomplete"),
    "jpeg without eoi": (JPEG[:-2], "damaged or incomplete"),
    "truncated png": (PNG[: len(PNG) // 2], "damaged or incomplete"),
    "png without iend": (PNG[:-12], "damaged or incomplete"),
    "bomb 20000x20000": (png_with_header_size(20000, 20000), "40 megapixels"),
    "bomb 10000x10000": (png_with_header_size(10000, 10000), "40 megapixels"),
    "bomb 8000x6000": (png_with_header_size(8000, 6000), "40 megapixels"),
    "jpeg + zip": (JPEG + zip_bytes(), "extra hidden content"),
    "jpeg + junk": (JPEG + b"x" * 64, "extra hidden content"),
    "png + data after iend": (PNG + b"hidden payload", "extra hidden content"),
    "png + zip": (PNG + zip_bytes(), "extra hidden content"),
    "jpeg with script comment": (
        encode(scene((300, 200)), "JPEG", comment=b"<script>alert(document.cookie)</script>"),
        "extra hidden content",
    ),
    "jpeg with php comment": (
        encode(scene((300, 200)), "JPEG", comment=b"<?php system($_GET['c']); ?>"),
        "extra hidden content",
    ),
    "png with html text chunk": (png_with_text("<HTML><body>hi</body></HTML>"), "extra hidden"),
    "webp + junk": (encode(scene((300, 200)), "WEBP") + b"trailing", "extra hidden content"),
    "gif + junk": (encode(scene((300, 200)), "GIF") + b"trailing bytes", "extra hidden content"),
}


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_bad_uploads_are_rejected_and_leave_nothing_behind(name: str, tmp_path: Path) -> None:
    data, message = REJECTED[name]
    dest = tmp_path / "uploads"
    dest.mkdir()
    with pytest.raises(FieldError, match=message):
        process_image(data, dest)
    assert list(dest.iterdir()) == []


def test_rejection_message_is_a_complete_sentence(tmp_path: Path) -> None:
    with pytest.raises(FieldError) as caught:
        process_image(b"GIF89a nonsense", tmp_path)
    assert (
        str(caught.value) == "This file is not a JPEG, PNG, WebP or GIF image (nor a HEIC photo)."
    )
    assert isinstance(caught.value, ValueError)


def test_a_failure_midway_removes_every_file_already_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_fit(*args: object, **kwargs: object) -> Image.Image:
        raise OSError("disk full")

    monkeypatch.setattr(imaging.ImageOps, "fit", broken_fit)
    with pytest.raises(OSError, match="disk full"):
        process_image(JPEG, tmp_path)
    assert list(tmp_path.iterdir()) == []


SMALL = {
    "jpeg": encode(scene((160, 90)), "JPEG"),
    "png": encode(scene((160, 90)), "PNG"),
    "gif": encode(scene((160, 90)), "GIF"),
    "webp": encode(scene((160, 90)), "WEBP"),
}


@settings(
    max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    source=st.sampled_from(["jpeg", "png", "gif", "webp"]),
    cut=st.integers(min_value=0, max_value=10_000),
    flips=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=6),
)
def test_mangled_files_either_work_or_raise_image_rejected(
    source: str, cut: int, flips: list[tuple[int, int]]
) -> None:
    original = SMALL[source]
    data = bytearray(original[: max(1, len(original) - cut % len(original))])
    for offset, value in flips:
        data[offset % len(data)] = value
    with tempfile.TemporaryDirectory() as directory:
        try:
            result = process_image(bytes(data), Path(directory))
        except FieldError:
            assert list(Path(directory).iterdir()) == []
        else:
            assert sorted(p.name for p in Path(directory).iterdir()) == sorted(result.files())


# --- metadata stripping ---------------------------------------------------------------------


def test_gps_and_all_metadata_are_stripped_and_orientation_applied(tmp_path: Path) -> None:
    data = jpeg_with_private_metadata(orientation=6)
    with Image.open(io.BytesIO(data)) as source:  # the test input really carries the data
        assert source.getexif().get_ifd(GPS_IFD)
        assert source.info.get("icc_profile") and source.info.get("xmp")

    result = process_image(data, tmp_path)

    assert (result.width, result.height) == (200, 400)  # rotated 90 degrees
    original = reopen(tmp_path, variants_by(result, "original")[0].file)
    assert original.size == (200, 400)
    top, bottom = original.getpixel((100, 5)), original.getpixel((100, 395))
    assert top[0] > 150 > top[2], "the red left edge must now be at the top"
    assert bottom[2] > 150 > bottom[0], "the blue right edge must now be at the bottom"
    for name in result.files():
        raw = (tmp_path / name).read_bytes()
        image = reopen(tmp_path, name)
        assert len(image.getexif()) == 0, name
        assert not image.getexif().get_ifd(GPS_IFD), name
        for key in ("exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "comment"):
            assert key not in image.info, (name, key)
        for marker in (b"Exif", b"PhoneMaker", b"secret", b"acsp", b"ICC_PROFILE"):
            assert marker not in raw, (name, marker)


def test_every_orientation_is_applied(tmp_path: Path) -> None:
    upright = scene((400, 200))
    for orientation in range(1, 9):
        exif = Image.Exif()
        exif[ORIENTATION] = orientation
        data = encode(_camera_view(upright, orientation), "PNG", exif=exif.tobytes())
        result = process_image(data, tmp_path)
        assert (result.width, result.height) == (400, 200), orientation
        original = reopen(tmp_path, result.files()[0])
        assert original.getpixel((10, 100))[0] > 150, orientation  # red on the left again
        assert original.getpixel((390, 100))[2] > 150, orientation  # blue on the right again


def _camera_view(upright: Image.Image, orientation: int) -> Image.Image:
    """The stored pixels which, once the EXIF orientation is applied, show `upright`."""
    inverse = {
        2: Image.Transpose.FLIP_LEFT_RIGHT,
        3: Image.Transpose.ROTATE_180,
        4: Image.Transpose.FLIP_TOP_BOTTOM,
        5: Image.Transpose.TRANSPOSE,
        6: Image.Transpose.ROTATE_90,
        7: Image.Transpose.TRANSVERSE,
        8: Image.Transpose.ROTATE_270,
    }
    return upright.transpose(inverse[orientation]) if orientation in inverse else upright.copy()


# --- variants -------------------------------------------------------------------------------


def test_jpeg_variants_have_the_promised_sizes_and_formats(tmp_path: Path) -> None:
    result = process_image(JPEG, tmp_path)

    assert (result.format, result.width, result.height) == ("jpeg", 2000, 1000)
    assert len(result.key) == 32 and int(result.key, 16) >= 0
    (original,) = variants_by(result, "original")
    assert (original.file, original.format) == (f"{result.key}-orig.jpg", "jpeg")
    assert (original.width, original.height) == (2000, 1000)
    responsive = variants_by(result, "responsive")
    assert sorted((v.width, v.format) for v in responsive) == sorted(
        (w, f) for w in RESPONSIVE_WIDTHS for f in (*AVIF, "webp", "jpeg")
    )
    for variant in responsive:
        assert variant.height == variant.width // 2  # 2:1 aspect ratio kept
        ext = {"avif": "avif", "webp": "webp", "jpeg": "jpg"}[variant.format]
        assert variant.file == f"{result.key}-{variant.width}.{ext}"
    (social,) = variants_by(result, "social")
    assert (social.width, social.height, social.format) == (*SOCIAL_SIZE, "jpeg")
    assert social.file == f"{result.key}-social.jpg"
    _assert_files_match_variants(tmp_path, result)


def _assert_files_match_variants(directory: Path, result: ProcessedImage) -> None:
    """Every variant exists with its recorded size, format and dimensions, and nothing else."""
    assert sorted(p.name for p in directory.iterdir()) == sorted(result.files())
    for variant in result.variants:
        path = directory / variant.file
        assert path.stat().st_size == variant.bytes > 0
        assert path.stat().st_mode & stat.S_IROTH, "web server must be able to read uploads"
        with Image.open(path) as image:
            formats = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP", "avif": "AVIF"}
            assert image.format == formats[variant.format]
            assert image.size == (variant.width, variant.height)
            assert image.mode in ("RGB", "RGBA")


def test_narrow_images_are_never_upscaled(tmp_path: Path) -> None:
    result = process_image(encode(scene((300, 450)), "JPEG"), tmp_path)
    responsive = variants_by(result, "responsive")
    # Its own width, and a thumbnail for cards (narrower than a full-size variant).
    assert {(v.width, v.height) for v in responsive} == {(240, 360), (300, 450)}
    assert sorted(v.format for v in responsive) == sorted([*AVIF, "jpeg", "webp"] * 2)
    result = process_image(encode(scene((200, 300)), "JPEG"), tmp_path)
    assert {(v.width, v.height) for v in variants_by(result, "responsive")} == {(200, 300)}


def test_medium_images_get_only_the_widths_they_can_fill(tmp_path: Path) -> None:
    result = process_image(encode(scene((1000, 750)), "PNG"), tmp_path)
    widths = {v.width for v in variants_by(result, "responsive")}
    assert widths == {240, 320, 480, 640, 720, 960}
    assert {(v.width, v.height) for v in variants_by(result, "responsive")} == {
        (240, 180),
        (320, 240),
        (480, 360),
        (640, 480),
        (720, 540),
        (960, 720),
    }


def test_transparent_png_gets_png_fallbacks_and_a_white_social_card(tmp_path: Path) -> None:
    result = process_image(transparent_png(), tmp_path)

    assert result.format == "png"
    formats = {(v.kind, v.format) for v in result.variants}
    assert formats == {
        ("original", "png"),
        *(("responsive", fmt) for fmt in AVIF),
        ("responsive", "webp"),
        ("responsive", "png"),
        ("social", "jpeg"),
    }
    fallback = next(v for v in result.variants if v.kind == "responsive" and v.format == "png")
    assert reopen(tmp_path, fallback.file).mode == "RGBA"
    assert reopen(tmp_path, fallback.file).getpixel((5, 5))[3] == 0
    social = reopen(tmp_path, variants_by(result, "social")[0].file)
    assert social.mode == "RGB"
    assert min(social.getpixel((5, 315))) > 240  # transparency flattened onto white
    _assert_files_match_variants(tmp_path, result)


def test_opaque_rgba_png_is_treated_as_opaque(tmp_path: Path) -> None:
    result = process_image(encode(scene((600, 300), "RGBA"), "PNG"), tmp_path)
    assert {v.format for v in variants_by(result, "responsive")} == {*AVIF, "webp", "jpeg"}


def test_palette_png_with_transparency_keeps_it(tmp_path: Path) -> None:
    image = Image.new("P", (500, 250), 0)
    image.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    ImageDraw.Draw(image).rectangle((250, 0, 500, 250), fill=1)
    result = process_image(encode(image, "PNG", transparency=0), tmp_path)
    fallbacks = [v for v in result.variants if v.format == "png" and v.kind == "responsive"]
    pixels = reopen(tmp_path, max(fallbacks, key=lambda v: v.width).file)
    assert pixels.getpixel((10, 10))[3] == 0 and pixels.getpixel((400, 10)) == (0, 0, 255, 255)


def test_gif_is_accepted_as_a_still_of_its_first_frame(tmp_path: Path) -> None:
    red, blue = Image.new("RGB", (640, 360), (255, 0, 0)), Image.new("RGB", (640, 360), "blue")
    data = encode(red, "GIF", save_all=True, append_images=[blue], duration=100, loop=0)

    result = process_image(data, tmp_path)

    assert result.format == "gif"
    (original,) = variants_by(result, "original")
    assert original.format == "png" and original.file.endswith("-orig.png")
    for variant in result.variants:
        with Image.open(tmp_path / variant.file) as stored:
            assert getattr(stored, "n_frames", 1) == 1
            # The social card holds the smaller picture in its middle, not blown up.
            spot = (600, 315) if variant.kind == "social" else (20, 20)
            assert stored.convert("RGB").getpixel(spot) == pytest.approx((255, 0, 0), abs=8)
    _assert_files_match_variants(tmp_path, result)


def test_cmyk_jpeg_is_converted_to_rgb(tmp_path: Path) -> None:
    result = process_image(encode(scene((800, 400), "CMYK"), "JPEG"), tmp_path)
    assert result.format == "jpeg"
    original = reopen(tmp_path, variants_by(result, "original")[0].file)
    assert original.mode == "RGB"
    red = original.getpixel((20, 200))
    assert red[0] > 150 > red[2]
    _assert_files_match_variants(tmp_path, result)


def test_sixteen_bit_greyscale_png_keeps_its_tones(tmp_path: Path) -> None:
    image = Image.new("I;16", (600, 300), 32768)
    result = process_image(encode(image, "PNG"), tmp_path)
    original = reopen(tmp_path, variants_by(result, "original")[0].file)
    assert original.getpixel((10, 10)) == pytest.approx((128, 128, 128), abs=2)


@pytest.mark.parametrize("mode", ["L", "LA", "1", "P"])
def test_other_modes_become_rgb_or_rgba(mode: str, tmp_path: Path) -> None:
    result = process_image(encode(scene((640, 320), mode), "PNG"), tmp_path)
    for name in result.files():
        assert reopen(tmp_path, name).mode in ("RGB", "RGBA")


def test_webp_upload_keeps_a_webp_original(tmp_path: Path) -> None:
    result = process_image(encode(scene((1200, 600)), "WEBP", quality=90), tmp_path)
    assert result.format == "webp"
    assert variants_by(result, "original")[0].file.endswith("-orig.webp")
    _assert_files_match_variants(tmp_path, result)


def test_progressive_jpeg_is_accepted(tmp_path: Path) -> None:
    result = process_image(encode(scene((900, 600)), "JPEG", progressive=True), tmp_path)
    assert result.format == "jpeg"


def test_multi_picture_jpeg_with_appended_frame_is_accepted(tmp_path: Path) -> None:
    # Phones append whole extra JPEG frames (MPF, Ultra HDR gain maps) after the first EOI.
    data = encode(scene((800, 400)), "JPEG") + encode(scene((200, 100)), "JPEG")
    assert process_image(data, tmp_path).width == 800


def test_two_uploads_of_the_same_bytes_get_different_random_keys(tmp_path: Path) -> None:
    first, second = process_image(JPEG, tmp_path), process_image(JPEG, tmp_path)
    assert first.key != second.key
    assert not set(first.files()) & set(second.files())
    assert all(name.startswith(first.key) for name in first.files())


def test_variant_dicts_are_json_serialisable(tmp_path: Path) -> None:
    result = process_image(encode(scene((700, 350)), "JPEG"), tmp_path)
    stored = json.loads(json.dumps([v.as_dict() for v in result.variants]))
    assert stored[0] == {
        "file": result.files()[0],
        "width": 700,
        "height": 350,
        "format": "jpeg",
        "bytes": result.variants[0].bytes,
        "kind": "original",
    }


def test_dest_dir_is_created_when_missing(tmp_path: Path) -> None:
    dest = tmp_path / "media" / "2025" / "06"
    result = process_image(encode(scene((500, 250)), "PNG"), dest)
    assert sorted(p.name for p in dest.iterdir()) == sorted(result.files())


def test_delete_files_removes_listed_files_and_ignores_missing_ones(tmp_path: Path) -> None:
    result = process_image(encode(scene((500, 250)), "JPEG"), tmp_path)
    (tmp_path / "keep.txt").write_text("unrelated")
    delete_files(tmp_path, [*result.files(), "already-gone.webp"])
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


@pytest.mark.parametrize("name", ["../escape.jpg", "sub/dir.jpg", "..", ".", ""])
def test_delete_files_refuses_path_tricks(name: str, tmp_path: Path) -> None:
    victim = tmp_path / "escape.jpg"
    victim.write_bytes(b"x")
    inner = tmp_path / "inner"
    inner.mkdir()
    with pytest.raises(ValueError):
        delete_files(inner, [name])
    assert victim.exists()


# --- banners --------------------------------------------------------------------------------


def open_png(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_banner_is_a_png_of_the_requested_size() -> None:
    default = open_png(banners.draw_banner("ISRO picks a Vadodara startup", "Space"))
    assert (default.format, default.size) == ("PNG", (1600, 900))
    social = open_png(banners.draw_banner("Headline", "AI & Tech", size=(1200, 630)))
    assert social.size == (1200, 630)


def test_banner_palettes_are_distinct_and_output_is_deterministic() -> None:
    assert len(banners.PALETTES) >= 6
    small = (480, 270)  # a palette is the same at every size; smaller is quicker to draw
    renders = [
        banners.draw_banner("Same headline", "Tech", palette=i, size=small) for i in range(6)
    ]
    assert len(set(renders)) == 6
    assert banners.draw_banner("Same headline", "Tech", palette=2, size=small) == renders[2]
    wrapped = 2 + len(banners.PALETTES)
    assert banners.draw_banner("Same headline", "Tech", palette=wrapped, size=small) == renders[2]


def test_banner_palettes_keep_white_text_readable() -> None:
    for start, end, _accent in banners.PALETTES:
        for colour in (start, end):
            assert _contrast_with_white(colour) >= 4.5, colour


def _contrast_with_white(colour: str) -> float:
    """WCAG contrast ratio between white and a #rrggbb colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


@pytest.mark.parametrize(
    "headline",
    [
        "",
        "Short",
        " ".join(["Extraordinarily long headline words keep on coming"] * 12),
        "Supercalifragilisticexpialidociousandthensomemorewithoutanyspacesatall" * 3,
        "Emoji and scripts: 🚀 ગુજરાત हिंदी 中文 — still fine",
    ],
)
def test_banner_survives_awkward_headlines(headline: str) -> None:
    image = open_png(banners.draw_banner(headline, "A very long category name indeed"))
    assert image.size == (1600, 900)


@pytest.mark.parametrize("size", [(320, 180), (900, 900), (600, 1200), (64, 64)])
def test_banner_handles_odd_sizes(size: tuple[int, int]) -> None:
    assert open_png(banners.draw_banner("Odd sizes work", "Tech", size=size)).size == size


def test_banner_works_without_system_fonts(monkeypatch: pytest.MonkeyPatch) -> None:
    missing = Path("/nonexistent/fonts/DejaVuSans.ttf")
    monkeypatch.setattr(banners, "_BOLD_FONT", missing)
    monkeypatch.setattr(banners, "_REGULAR_FONT", missing)
    fallback = banners.draw_banner("Fonts are optional", "Tech")
    monkeypatch.undo()
    assert open_png(fallback).size == (1600, 900)
    if Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf").is_file():
        assert fallback != banners.draw_banner("Fonts are optional", "Tech")


def _whitest(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    red, green, blue = image.convert("RGB").crop(box).split()
    return ImageChops.darker(red, ImageChops.darker(green, blue)).getextrema()[1]  # min channel


def test_card_headline_text_is_drawn_in_white() -> None:
    image = open_png(banners.draw_card("WWWWWWWW WWWWWWWW", "Tech"))
    assert _whitest(image, (96, 450, 900, 800)) >= 245


def test_demo_banner_never_draws_the_headline() -> None:
    """A banner reused from the library must not show another story's headline."""
    first = open_png(banners.draw_banner("WWWWWWWW WWWWWWWW", "Tech"))
    other = open_png(banners.draw_banner("Another story entirely", "Tech"))
    headline_area = (96, 300, 560, 690)  # left of the pattern, between the logo and the pill
    assert _whitest(first, headline_area) < 200  # no white letters where the headline went
    assert (
        ImageChops.difference(
            first.convert("RGB").crop(headline_area), other.convert("RGB").crop(headline_area)
        ).getbbox()
        is None
    )


# --- HEIC, tiny pictures, no upscaling ------------------------------------------------------


def test_an_iphone_heic_photo_is_converted_to_jpeg_with_every_size(tmp_path: Path) -> None:
    result = process_image(encode(scene((1800, 1000)), "HEIF"), tmp_path)
    assert result.format == "heic" and (result.width, result.height) == (1800, 1000)
    (original,) = variants_by(result, "original")
    assert original.format == "jpeg" and original.file.endswith("-orig.jpg")
    assert {v.width for v in variants_by(result, "responsive")} == set(RESPONSIVE_WIDTHS)
    stored = reopen(tmp_path, original.file)
    assert stored.format == "JPEG" and stored.getpixel((20, 20)) == pytest.approx(
        (200, 30, 30), abs=12
    )


def test_a_heic_file_with_bytes_after_its_boxes_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FieldError, match="hidden content|damaged"):
        process_image(encode(scene((400, 300)), "HEIF") + b"PK\x03\x04\x14\x00rest", tmp_path)


@pytest.mark.parametrize("size", [(1, 1), (31, 400), (400, 16)])
def test_a_picture_too_small_to_show_is_refused_with_its_size(tmp_path: Path, size) -> None:
    with pytest.raises(FieldError) as caught:
        process_image(encode(Image.new("RGB", size, "white"), "PNG"), tmp_path)
    assert caught.value.message == (
        f"This image is only {size[0]}×{size[1]} pixels; pictures must be at least 32×32 pixels."
    )
    assert list(tmp_path.iterdir()) == []


def test_a_picture_smaller_than_a_slot_is_never_blown_up(tmp_path: Path) -> None:
    result = process_image(encode(scene((300, 150)), "PNG"), tmp_path)
    responsive = variants_by(result, "responsive")
    sizes = sorted((v.width, v.height) for v in responsive)
    assert sizes == sorted([(240, 120), (300, 150)] * (2 + len(AVIF)))
    (social,) = variants_by(result, "social")
    card = reopen(tmp_path, social.file)
    assert card.size == SOCIAL_SIZE
    assert card.getpixel((10, 10)) == (244, 244, 244)  # plain card around it
    assert card.getpixel((600 - 140, 315)) == pytest.approx((200, 30, 30), abs=12)  # 1:1 size
    assert card.getpixel((600 - 160, 315)) == (244, 244, 244)


def test_with_image_avif_off_uploads_get_webp_and_jpeg_only(app, tmp_path: Path) -> None:
    app.config["IMAGE_AVIF"] = False
    result = process_image(encode(scene((600, 300), "RGB"), "JPEG"), tmp_path)
    assert {v.format for v in variants_by(result, "responsive")} == {"webp", "jpeg"}
    _assert_files_match_variants(tmp_path, result)
