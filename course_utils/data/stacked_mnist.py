"""Stacked MNIST, the mode-collapse benchmark of Metz et al. 2017 (Unrolled GANs), VEEGAN and PacGAN: three
MNIST digits drawn independently become the three colour channels of one 28 x 28 image, so the set has
10^3 = 1,000 modes, far more than a collapsing generator can hide in; course_utils.evaluate.stacked_modes
counts how many of them a generator reaches."""

from __future__ import annotations

from pathlib import Path

import torch

from ..runtime import DATA_ROOT
from .datasets import load_images
from .imageset import ImageSet

N_MODES = 1000
MODE_NAMES = tuple(f"{k:03d}" for k in range(N_MODES))  # a mode's name is its three digits, channel 0 first
PLACES = torch.tensor([100, 10, 1])  # channel 0 is the hundreds digit


def to_mode_ids(digits: torch.Tensor) -> torch.Tensor:
    """(N, 3) digits, one per channel, -> (N,) mode ids 100 d0 + 10 d1 + d2 (int64): the one formula that both
    the data set and the judged reading of generated images use."""
    return (digits.long() * PLACES.to(digits.device)).sum(1)


def to_digits(mode_ids: torch.Tensor) -> torch.Tensor:
    """(N,) mode ids -> (N, 3) digits, channel 0 first: the inverse of `to_mode_ids`."""
    return mode_ids.long().unsqueeze(1) // PLACES.to(mode_ids.device) % 10


def stack_digits(images: torch.Tensor, labels: torch.Tensor, n: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """n images (n, 3, H, W) whose channels are digits of `images` (M, 1, H, W) drawn uniformly and
    independently per channel, and their mode ids (n,); seeded by `seed` alone, so a run can be repeated."""
    if images.ndim != 4 or images.shape[1] != 1:
        raise ValueError(f"images must be one-channel digits (M, 1, H, W); got shape {tuple(images.shape)}")
    if labels.shape != (len(images),):
        raise ValueError(f"labels must be (M,) = ({len(images)},), one per image; got shape {tuple(labels.shape)}")
    if len(images) == 0:
        raise ValueError("images is empty: there are no digits to stack")
    if labels.min() < 0 or labels.max() > 9:
        raise ValueError(f"labels must be digits 0-9; got values from {labels.min()} to {labels.max()}")
    if n < 1:
        raise ValueError(f"n must be at least 1; got {n}")
    index = torch.randint(len(images), (n, 3), generator=torch.Generator().manual_seed(seed))
    return images[index, 0], to_mode_ids(labels[index])


def load_stacked_mnist(n: int, split: str = "train", seed: int = 0, root: Path | str = DATA_ROOT) -> ImageSet:
    """n Stacked MNIST images stacked from MNIST's `split` (whichever MNIST data.datasets finds: the full set or
    the offline 5,000-digit sample), labelled by mode id and named "000" to "999"."""
    digits = load_images("mnist", split, root)
    images, modes = stack_digits(digits.images, digits.labels, n, seed)
    return ImageSet(images, modes, MODE_NAMES, f"Stacked MNIST, {n:,} triples drawn from {digits.source}", split)
