"""The one type every labelled image set of the course comes as (course_utils.data.datasets loads them).

`source` says where the images came from, so a notebook can print which data it trained on. Images are
float32 in [-1, 1] (the range of a Tanh generator), shape (N, C, H, W); labels index `class_names`.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

SPLITS = ("train", "test")


def check_split(split: str) -> None:
    """Every labelled set has a training split and a held-out test split, and no other."""
    if split not in SPLITS:
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")


@dataclass
class ImageSet:
    images: torch.Tensor  # (N, C, H, W) float32 in [-1, 1]
    labels: torch.Tensor  # (N,) int64
    class_names: tuple
    source: str  # where the images came from, e.g. "full MNIST (data/MNIST/raw)"
    split: str

    def __len__(self) -> int:
        return len(self.labels)

    def per_class(self) -> list[int]:
        return torch.bincount(self.labels, minlength=len(self.class_names)).tolist()

    def describe(self) -> str:
        counts = self.per_class()
        spread = f"{counts[0]:,} per class" if len(set(counts)) == 1 else f"{min(counts):,}-{max(counts):,} per class"
        return f"{len(self):,} {self.split} images from {self.source} ({spread})"

    @property
    def channels(self) -> int:
        return self.images.shape[1]

    @property
    def size(self) -> int:
        return self.images.shape[-1]
