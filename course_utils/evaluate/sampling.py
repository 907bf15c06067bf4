"""Sampling a trained generator: one `generate` for every notebook, with seeded noise and balanced labels."""

from __future__ import annotations

import torch
from torch import nn

from ..runtime import reading_batch
from ..train import evaluating


def noise(count: int, z_dim: int, seed: int = 0) -> torch.Tensor:
    """`count` standard normal noise vectors from their own seeded generator: the same seed, the same batch,
    so two generators (or one at two points of training) can be compared on the same latent batch."""
    return torch.randn(count, z_dim, generator=torch.Generator().manual_seed(seed))


def balanced_labels(count: int, n_classes: int) -> torch.Tensor:
    """0, 1, ..., n_classes - 1, 0, 1, ...: `count` labels spread as evenly as possible over the classes."""
    return torch.arange(count) % n_classes


def generate(generator: nn.Module, z: torch.Tensor, *conditions: torch.Tensor,
             batch_size: int | None = None) -> torch.Tensor:
    """G(z, *conditions) in eval mode, in batches on G's device (runtime.reading_batch's size unless given);
    float32 images on the CPU. Each condition (a label, attributes, InfoGAN's codes) has one row per row of z."""
    device = next(generator.parameters()).device
    batch_size = batch_size or reading_batch(device)
    out = []
    with evaluating(generator):
        for start in range(0, len(z), batch_size):
            rows = slice(start, start + batch_size)
            out.append(generator(*(t[rows].to(device) for t in (z, *conditions))).float().cpu())
    return torch.cat(out)
