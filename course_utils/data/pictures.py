"""Photographs from files, the way the source report prepares Animal-faces and CelebA: centre-cropped to a
square, resized, and scaled to [-1, 1] (its normalisation with mean and standard deviation 0.5 per channel)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

SUFFIXES = (".jpg", ".jpeg", ".png")


def read_square(path: Path, size: int) -> np.ndarray:
    """One picture as a (3, size, size) float32 array in [-1, 1]."""
    from PIL import Image, UnidentifiedImageError  # Pillow comes with matplotlib

    try:
        with Image.open(path) as picture:
            picture = picture.convert("RGB")
            w, h = picture.size
            side = min(w, h)
            left, top = (w - side) // 2, (h - side) // 2
            picture = picture.crop((left, top, left + side, top + side)).resize((size, size), Image.BILINEAR)
            return np.asarray(picture, dtype=np.float32).transpose(2, 0, 1) / 127.5 - 1.0
    except (OSError, UnidentifiedImageError) as err:
        raise ValueError(f"{path} is not a readable picture ({err}); delete or replace it") from err


def picture_files(folder: Path) -> list[Path]:
    """The pictures directly inside a folder, sorted by name (so a set always loads in the same order)."""
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES and p.is_file())
