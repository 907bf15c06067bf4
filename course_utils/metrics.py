"""The numbers that say whether a GAN learned: judge verdicts, feature statistics, 2-D mode counts."""

from __future__ import annotations

import warnings

import numpy as np
import scipy.linalg
import torch

from .judges import Judge


def conditional_accuracy(judge: Judge, images: torch.Tensor, labels: torch.Tensor) -> float:
    """Fraction of generated images that the judge assigns to the label they were asked for."""
    return (judge.predict(images).cpu() == labels.cpu()).float().mean().item()


def confusion_matrix(judge: Judge, images: torch.Tensor, labels: torch.Tensor) -> np.ndarray:
    """Rows: asked label; columns: the judge's verdict; each row sums to 1."""
    classes = len(judge.class_names)
    predicted = judge.predict(images).cpu()
    counts = torch.zeros(classes, classes)
    counts.index_put_((labels.cpu(), predicted), torch.ones(len(labels)), accumulate=True)
    return (counts / counts.sum(1, keepdim=True).clamp(min=1)).numpy()


def class_histogram(judge: Judge, images: torch.Tensor) -> np.ndarray:
    """Share of images the judge puts in each class: a collapsed GAN piles up in a few."""
    predicted = judge.predict(images).cpu()
    return (torch.bincount(predicted, minlength=len(judge.class_names)).float() / len(predicted)).numpy()


def mean_pairwise_distance(features: torch.Tensor, max_items: int = 2000) -> float:
    """Average Euclidean distance between distinct items (the first max_items, to bound the cost)."""
    x = features[:max_items].double()
    d = torch.cdist(x, x)
    n = len(x)
    return (d.sum() / (n * (n - 1))).item()


def diversity(judge: Judge, fake: torch.Tensor, real: torch.Tensor) -> float:
    """Mean pairwise distance of generated images over that of real ones, in judge feature space.

    About 1 means as varied as the data; a collapsed generator scores near 0.
    """
    return mean_pairwise_distance(judge.features(fake).cpu()) / mean_pairwise_distance(judge.features(real).cpu())


def frechet_distance(features_a: torch.Tensor, features_b: torch.Tensor) -> float:
    """Frechet distance between Gaussians fitted to two feature sets (FID, with our judge as the network):

    ||mu_a - mu_b||^2 + Tr(S_a + S_b - 2 (S_a S_b)^(1/2))
    """
    a, b = features_a.double().cpu().numpy(), features_b.double().cpu().numpy()
    mu_a, mu_b = a.mean(0), b.mean(0)
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    with warnings.catch_warnings():  # a collapsed generator's covariance is singular: handled just below
        warnings.simplefilter("ignore", scipy.linalg.LinAlgWarning)
        root = scipy.linalg.sqrtm(cov_a @ cov_b)
    if not np.isfinite(root).all():  # a singular product: nudge both covariances, as the FID reference does
        eps = 1e-6 * np.eye(len(cov_a))
        root = scipy.linalg.sqrtm((cov_a + eps) @ (cov_b + eps))
    value = ((mu_a - mu_b) ** 2).sum() + np.trace(cov_a) + np.trace(cov_b) - 2 * np.trace(root.real)
    return float(max(value, 0.0))


def judge_frechet(judge: Judge, fake: torch.Tensor, real: torch.Tensor) -> float:
    return frechet_distance(judge.features(fake), judge.features(real))


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
