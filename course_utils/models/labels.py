"""The class labels that conditional models take: checked once, the same way for every model family.

A label batch is a flat (N,) tensor of integer class indices from 0 to n_classes - 1, one per picture (or
noise vector). A float or out-of-range label is refused with a message that says so, rather than cast or
left to fail deep inside an embedding or one-hot layer.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def class_indices(labels: torch.Tensor, n: int, n_classes: int, what: str = "labels") -> torch.Tensor:
    """`labels` as an int64 (n,) tensor, after checking their count, their integer type and their range."""
    labels = torch.as_tensor(labels).reshape(-1)
    if labels.shape[0] != n:
        raise ValueError(f"got {labels.shape[0]} {what} for a batch of {n}")
    if labels.dtype.is_floating_point or labels.dtype == torch.bool:
        raise ValueError(f"{what} must be integer class indices of shape (N,); got {labels.dtype}")
    if n and (int(labels.min()) < 0 or int(labels.max()) >= n_classes):
        raise ValueError(f"{what} must be integer class indices from 0 to {n_classes - 1}")
    return labels.long()  # one_hot takes int64 alone


def append_one_hot(x: torch.Tensor, labels: torch.Tensor | None, n_classes: int) -> torch.Tensor:
    """Each row of x (N, F) with its label's one-hot vector appended: how an MLP is told the class.

    A model built with n_classes=0 is unconditional and takes no labels; a conditional one needs them.
    """
    if n_classes == 0:
        if labels is not None:
            raise ValueError("this model was built without classes (n_classes=0): it is unconditional, but labels "
                             "were given")
        return x
    if labels is None:
        raise ValueError(f"this model is conditional on {n_classes} classes; pass labels of shape (N,)")
    labels = class_indices(labels, x.shape[0], n_classes).to(x.device)
    return torch.cat([x, F.one_hot(labels, n_classes).to(x.dtype)], dim=1)
