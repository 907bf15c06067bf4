"""The one loop that trains a judge (or any small classifier of the course): Adam with a one-cycle learning
rate, seeded batches, optional random rotation and shift of every batch, one progress bar."""

from __future__ import annotations

import time
from collections.abc import Callable

import torch
import torch.nn as nn

from ..data.augment import random_affine
from ..data.batches import TensorBatches
from ..progress import progress_bar


def fit(net: nn.Module, images: torch.Tensor, targets: torch.Tensor, loss_fn: Callable, *, epochs: int,
        seed: int = 0, batch_size: int = 128, lr: float = 2e-3, degrees: float = 0.0, shift: float = 0.0,
        desc: str = "training a classifier") -> float:
    """Train `net` on (images, targets) for `epochs` passes; returns the seconds it took. The net ends in eval mode."""
    device = next(net.parameters()).device
    torch.manual_seed(seed)
    fit_size = getattr(net, "fit_size", lambda x: x)
    batches = TensorBatches(fit_size(images).to(device), targets.to(device), batch_size=min(batch_size, len(images)),
                            seed=seed)
    steps = epochs * len(batches)
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    schedule = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps)
    augment_rng = torch.Generator().manual_seed(seed)
    started = time.perf_counter()
    net.train()
    with progress_bar(steps, desc) as bar:
        for _ in range(epochs):
            for x, y in batches:
                if degrees or shift:
                    x = random_affine(x, degrees, shift, augment_rng)
                loss = loss_fn(net(x), y)
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                schedule.step()
                bar.update(1)
    net.eval()
    return time.perf_counter() - started
