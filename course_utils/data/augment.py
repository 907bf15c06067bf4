"""Batched image augmentation on tensors (one affine warp per image, no Python loop over images)."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F


def random_affine(images: torch.Tensor, degrees: float = 0.0, shift: float = 0.0,
                  generator: torch.Generator | None = None) -> torch.Tensor:
    """Rotate each image by up to +-degrees and shift it by up to +-shift pixels; the border is background.

    Images are in [-1, 1] with -1 as background, so the warp fills with -1 (what padding with zeros
    does for images in [0, 1]).
    """
    n, _, h, w = images.shape
    rand = torch.rand(n, 3, generator=generator, device="cpu").to(images.device) * 2 - 1
    angle = rand[:, 0] * math.radians(degrees)
    # affine_grid works in normalised coordinates where the image spans [-1, 1]
    tx, ty = rand[:, 1] * shift * 2 / w, rand[:, 2] * shift * 2 / h
    cos, sin = angle.cos(), angle.sin()
    theta = torch.stack([torch.stack([cos, -sin, tx], 1), torch.stack([sin, cos, ty], 1)], 1)
    grid = F.affine_grid(theta.to(images.dtype), list(images.shape), align_corners=False)
    return F.grid_sample(images + 1, grid, align_corners=False, padding_mode="zeros") - 1
