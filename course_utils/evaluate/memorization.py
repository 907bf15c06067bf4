"""Does a generator copy its training set? Each sample's nearest training image, against real images' own.

A generator that learned the distribution draws new images: its samples lie about as far from their nearest
training image as held-out real images do. One that memorized draws the training images back: its samples
lie much closer. So for generated images and held-out real images alike we measure the distance to the
nearest training image (in pixels, or in a judge's features), and report

* ratio: the median generated distance over the median held-out distance (about 1 for new images, near 0 for
  copies);
* copies: the share of samples closer to a training image than all but COPY_QUANTILE of the held-out real
  images are (about COPY_QUANTILE for new images; near 1 for copies); flagged above FLAG_SHARE.
"""

from __future__ import annotations

import torch

CHUNK = 1024  # queries compared at a time
COPY_QUANTILE = 0.01  # a sample this close to a training image would be among the closest 1% of real images
FLAG_SHARE = 0.10  # ten times the share that new images give: a generator past it is flagged as copying


def nearest(queries: torch.Tensor, train: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """For each query, the Euclidean distance to its nearest training item and that item's index; the items
    are flattened, so images (N, C, H, W) and feature vectors (N, D) both work."""
    q = queries.reshape(len(queries), -1).double().cpu()
    t = train.reshape(len(train), -1).double().cpu()
    if q.shape[1] != t.shape[1]:
        raise ValueError(f"queries and training items differ in size: {q.shape[1]} and {t.shape[1]} values")
    found = [torch.cdist(q[start:start + CHUNK], t).min(dim=1) for start in range(0, len(q), CHUNK)]
    return torch.cat([f.values for f in found]), torch.cat([f.indices for f in found])


def memorization_figures(generated: torch.Tensor, heldout: torch.Tensor, train: torch.Tensor) -> dict:
    """ratio, copies and flagged (see the module's text), with each sample's nearest training index
    (`nearest_train`) and distance (`distance`) for showing the closest pairs."""
    distance, index = nearest(generated, train)
    real_distance, _ = nearest(heldout, train)
    threshold = torch.quantile(real_distance, COPY_QUANTILE)
    copies = (distance < threshold).double().mean().item()
    return {"ratio": (distance.median() / real_distance.median()).item(), "copies": copies,
            "flagged": copies > FLAG_SHARE, "nearest_train": index, "distance": distance}
