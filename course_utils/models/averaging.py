"""An exponential moving average (EMA) of a generator's weights, the usual way to sample from a GAN.

GAN training never settles: the generator's weights keep moving around a good region from step to step.
Their running average sits nearer its middle, so samples drawn from the averaged copy are better than
samples from the latest weights at no training cost (Yazici et al., 2019; Karras et al. use it in every
StyleGAN). The average is a module, so a checkpoint holds it and a resumed run continues it exactly.
"""

from __future__ import annotations

import copy

import torch
from torch import nn


class WeightAverage(nn.Module):
    """`average` follows `model`: after each update, average <- d * average + (1 - d) * model.

    d warms up as min(decay, (1 + n) / (10 + n)) over the first updates, so the random initial weights are
    forgotten quickly. Buffers (BatchNorm's running statistics) are copied, not averaged.
    """

    def __init__(self, model: nn.Module, decay: float = 0.995):
        super().__init__()
        if not 0.0 < decay < 1.0:
            raise ValueError(f"decay must be between 0 and 1; got {decay}")
        self.decay = decay
        self.average = copy.deepcopy(model).eval().requires_grad_(False)
        self.register_buffer("updates", torch.zeros((), dtype=torch.long))

    @torch.no_grad()
    def update(self, model: nn.Module) -> None:
        n = int(self.updates)
        d = min(self.decay, (1 + n) / (10 + n))
        torch._foreach_lerp_(list(self.average.parameters()), list(model.parameters()), 1.0 - d)
        for mine, theirs in zip(self.average.buffers(), model.buffers()):
            mine.copy_(theirs)
        self.updates += 1

    def forward(self, *args, **kwargs):
        return self.average(*args, **kwargs)
