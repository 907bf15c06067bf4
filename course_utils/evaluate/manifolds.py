"""Precision and recall of a generator, as Kynkaanniemi et al. (2019) estimate them in a feature space.

Each set of features stands for a manifold: the union of balls around its points, each ball as wide as the
distance from its point to its k-th nearest neighbour in the same set. Precision is the share of generated
points inside the real manifold (are the samples realistic?); recall is the share of real points inside the
generated manifold (does the generator cover the data?). A collapsed generator has high precision and low
recall; noise has both low. Unlike one Frechet distance, the two numbers say which of the two went wrong.
"""

from __future__ import annotations

import torch

CHUNK = 2048  # rows of distances computed at a time: 2,048 x 10,000 doubles is 160 MB at the most


def _distances(a: torch.Tensor, b: torch.Tensor):
    """Rows of the distance matrix between a and b, CHUNK rows at a time."""
    for start in range(0, len(a), CHUNK):
        yield torch.cdist(a[start:start + CHUNK], b)


def knn_radii(features: torch.Tensor, k: int = 3) -> torch.Tensor:
    """Each point's distance to its k-th nearest other point of the same set."""
    if not 0 < k < len(features):
        raise ValueError(f"k must be between 1 and {len(features) - 1} (the set's size less one), not {k}")
    x = features.double().cpu()
    # the smallest distance of each row is the point to itself (0): the k-th neighbour is the (k+1)-th smallest
    return torch.cat([d.kthvalue(k + 1, dim=1).values for d in _distances(x, x)])


def inside(points: torch.Tensor, centres: torch.Tensor, radii: torch.Tensor) -> torch.Tensor:
    """For each point, whether it lies in at least one ball (centre, radius): a boolean per point."""
    p, c, r = points.double().cpu(), centres.double().cpu(), radii.double().cpu()
    return torch.cat([(d <= r).any(dim=1) for d in _distances(p, c)])


def precision_recall(real: torch.Tensor, fake: torch.Tensor, k: int = 3) -> dict:
    """{"precision", "recall"} of generated features `fake` against real features `real`, (N, D) each;
    k = 3 as in the paper. Use as many of each (the paper: 50,000; a few thousand is enough to rank)."""
    if real.dim() != 2 or fake.dim() != 2 or real.shape[1] != fake.shape[1]:
        raise ValueError(f"need two (N, D) feature sets of the same D, not {tuple(real.shape)} and "
                         f"{tuple(fake.shape)}")
    precision = inside(fake, real, knn_radii(real, k)).double().mean().item()
    recall = inside(real, fake, knn_radii(fake, k)).double().mean().item()
    return {"precision": precision, "recall": recall}
