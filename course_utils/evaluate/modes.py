"""Mode coverage on the 2-D mixtures (ring of 8, grid of 25): which mode each sample is near, how many samples
are of high quality (within k standard deviations of a mode), and how many modes a generator covers."""

from __future__ import annotations

import torch


def nearest_mode(points: torch.Tensor, modes: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Index of each point's nearest mode and the distance to it."""
    distances = torch.cdist(points.double(), modes.double())
    nearest, index = distances.min(1)
    return index, nearest


def high_quality_fraction(points: torch.Tensor, modes: torch.Tensor, std: float, k: float = 3.0) -> float:
    """Fraction of samples within k standard deviations of some mode."""
    _, distance = nearest_mode(points, modes)
    return (distance <= k * std).double().mean().item()


def mode_counts(points: torch.Tensor, modes: torch.Tensor, std: float, k: float = 3.0) -> torch.Tensor:
    """How many high-quality samples (within k std) each mode holds."""
    index, distance = nearest_mode(points, modes)
    return torch.bincount(index[distance <= k * std], minlength=len(modes))


def modes_covered(points: torch.Tensor, modes: torch.Tensor, std: float, k: float = 3.0,
                  min_share: float | None = None) -> int:
    """Modes holding at least min_share of all samples within k std (default: a quarter of a fair share).

    A perfect generator puts 1/M of its samples on each of M modes; a mode that gets less than a quarter
    of that is counted as dropped.
    """
    share = 0.25 / len(modes) if min_share is None else min_share
    return int((mode_counts(points, modes, std, k) >= share * len(points)).sum())
