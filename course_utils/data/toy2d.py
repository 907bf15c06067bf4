"""Two-dimensional target distributions for the toy GANs of notebook 01."""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch


@dataclass
class Toy2D:
    points: torch.Tensor  # (N, 2) float32
    name: str
    modes: torch.Tensor | None = None  # (M, 2) centres, for mixtures
    mode_std: float | None = None


def _generator(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def parabola(n: int = 10_000, seed: int = 0) -> Toy2D:
    """The seed experiment's target: x ~ N(0, 1), y = 10 + x^2 (a curve, so it has no density in the plane)."""
    x = torch.randn(n, generator=_generator(seed))
    return Toy2D(torch.stack([x, 10 + x**2], dim=1), "parabola")


def parabola_residual(points: torch.Tensor) -> torch.Tensor:
    """How far each point lies from the curve y = 10 + x^2, measured vertically: |y - 10 - x^2|."""
    return (points[:, 1] - 10 - points[:, 0] ** 2).abs()


def _mixture(modes: torch.Tensor, std: float, n: int, seed: int, name: str) -> Toy2D:
    g = _generator(seed)
    which = torch.randint(len(modes), (n,), generator=g)
    points = modes[which] + std * torch.randn(n, 2, generator=g)
    return Toy2D(points, name, modes, std)


def ring8(n: int = 10_000, radius: float = 2.0, std: float = 0.02, seed: int = 0) -> Toy2D:
    """Eight Gaussians evenly spaced on a circle: the classic test for mode collapse."""
    angles = torch.arange(8) * (2 * math.pi / 8)
    modes = radius * torch.stack([angles.cos(), angles.sin()], dim=1)
    return _mixture(modes, std, n, seed, "ring of 8 Gaussians")


def grid25(n: int = 10_000, spacing: float = 2.0, std: float = 0.05, seed: int = 0) -> Toy2D:
    """A 5 x 5 grid of Gaussians centred on the origin."""
    ticks = (torch.arange(5) - 2) * spacing
    modes = torch.cartesian_prod(ticks, ticks).float()
    return _mixture(modes, std, n, seed, "5 x 5 grid of Gaussians")
