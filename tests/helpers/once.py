"""Picture work the suite would repeat in every test, done once per process instead.

Each test's app has a fresh upload folder, so its first public page would draw the 1200×630
site card again (~0.1 s of Pillow work, a third of a typical page test), and every factory
picture, demo banner or imported image would be resized and encoded into its ten variants
again (~0.3 s each), and each demo seed would draw its eight banners again (~0.5 s each).
The same input gives the same files; the tests that are about that work call it directly
(tests/test_imaging.py) or opt out (tests/test_site_card.py).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import secrets
import threading
from pathlib import Path

from techpulse.demo import seed
from techpulse.services.media import imaging, site_card
from techpulse.services.media.imaging import ProcessedImage


class ProcessedOnce:
    """``imaging.process_image`` that processes each distinct upload once per process and
    writes copies of those files, under a new random key, for every later identical upload."""

    def __init__(self) -> None:
        self._real = imaging.process_image
        self._done: dict[tuple[bytes, bool], tuple[ProcessedImage, dict[str, bytes]]] = {}
        self._lock = threading.Lock()

    def __call__(self, data: bytes, dest_dir: Path) -> ProcessedImage:
        key = (hashlib.sha256(data).digest(), imaging.avif_wanted())
        with self._lock:
            done = self._done.get(key)
        if done is None:
            processed = self._real(data, dest_dir)
            files = {v.file: (Path(dest_dir) / v.file).read_bytes() for v in processed.variants}
            with self._lock:
                self._done[key] = (processed, files)
            return processed
        first, files = done
        new_key = secrets.token_hex(16)
        Path(dest_dir).mkdir(parents=True, exist_ok=True)
        variants = []
        for variant in first.variants:
            name = new_key + variant.file.removeprefix(first.key)
            (Path(dest_dir) / name).write_bytes(files[variant.file])
            variants.append(dataclasses.replace(variant, file=name))
        return dataclasses.replace(first, key=new_key, variants=variants)


def install() -> None:
    """Draw each site card and demo banner, and process each distinct picture, once per process."""
    site_card.card_png = functools.lru_cache(maxsize=32)(site_card.card_png)  # type: ignore[method-assign]
    imaging.process_image = ProcessedOnce()  # type: ignore[assignment]
    seed.draw_banner = functools.lru_cache(maxsize=32)(seed.draw_banner)  # type: ignore[assignment]
