"""Sampling a trained generator and judging the samples: the figures notebooks 03 and 04 and their
benchmarks report, computed one way for all of them."""

from __future__ import annotations

import warnings

import scipy.linalg
import torch
from torch import nn

from . import metrics
from .judges import Judge
from .train import evaluating


def balanced_labels(count: int, n_classes: int) -> torch.Tensor:
    """0, 1, ..., n_classes - 1, 0, 1, ...: `count` labels spread as evenly as possible over the classes."""
    return torch.arange(count) % n_classes


def generate(generator: nn.Module, count: int, z_dim: int, *, labels: torch.Tensor | None = None, seed: int = 0,
             batch_size: int = 1000, device: torch.device | None = None) -> torch.Tensor:
    """`count` samples from a generator in eval mode, with noise drawn from its own seeded generator.

    The same seed gives the same noise, so two generators (or one generator at two points of training)
    can be compared on the same latent batch. Returns images on the CPU.
    """
    device = device or next(generator.parameters()).device
    z = torch.randn(count, z_dim, generator=torch.Generator().manual_seed(seed))
    out = []
    with evaluating(generator):
        for start in range(0, count, batch_size):
            zb = z[start : start + batch_size].to(device)
            lb = None if labels is None else labels[start : start + batch_size].to(device)
            out.append((generator(zb, lb) if lb is not None else generator(zb)).cpu())
    return torch.cat(out)


def _frechet(a: torch.Tensor, b: torch.Tensor) -> float:
    # A collapsed generator gives a singular covariance; metrics.frechet_distance then regularises it
    # itself, so scipy's warning about the singular matrix says nothing the number does not.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", scipy.linalg.LinAlgWarning)
        return metrics.frechet_distance(a, b)


class Reference:
    """Real images as the judge sees them: their features, computed once and reused by every evaluation."""

    def __init__(self, judge: Judge, images: torch.Tensor):
        # metrics.diversity would look at the first 2,000 items only, and real sets are often stored class by
        # class: a fixed shuffle makes any prefix a fair sample of every class.
        order = torch.randperm(len(images), generator=torch.Generator().manual_seed(1))
        self.features = judge.features(images[order]).cpu()
        self.spread = metrics.mean_pairwise_distance(self.features)


def judge_figures(judge: Judge, images: torch.Tensor, reference: Reference | torch.Tensor,
                  labels: torch.Tensor | None = None) -> dict[str, float]:
    """What the judge says about `images`, measured against real reference images.

    class_min_share / class_max_share: the rarest and commonest class among the judge's verdicts (a fair
    generator of digits gives 0.10 each; a dropped mode shows as a share near 0); diversity: the mean
    pairwise distance of judge features over that of the reference (1 is as varied as real data);
    frechet: the Frechet distance between the two feature sets (0 is the reference's own statistics);
    with labels, also the conditional accuracy (the share of images judged to be the asked label).
    """
    if not isinstance(reference, Reference):
        reference = Reference(judge, reference)
    share = metrics.class_histogram(judge, images)
    order = torch.randperm(len(images), generator=torch.Generator().manual_seed(0))
    features = judge.features(images[order]).cpu()
    figures = {
        "class_min_share": float(share.min()),
        "class_max_share": float(share.max()),
        "diversity": metrics.mean_pairwise_distance(features) / reference.spread,
        "frechet": _frechet(features, reference.features),
    }
    if labels is not None:
        figures["conditional_accuracy"] = metrics.conditional_accuracy(judge, images, labels)
    return figures
