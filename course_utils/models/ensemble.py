"""Several independent small networks trained as one: every layer holds one weight matrix per run.

On a CPU a 2-D toy GAN's step is mostly per-operation overhead (launching an operation on a 128-unit layer costs
more than its arithmetic), so one network whose every layer multiplies the runs' stacked matrices at once
(`torch.baddbmm`) trains 6 runs in about half the time of training them one after the other (notebook 08's
runs, two CPU cores). The runs stay independent: inputs are (runs, batch, features), run r only
ever meets weight r, and a loss that is a sum of per-run terms gives each run exactly its own gradient
(Adam, RMSprop and weight clipping act on each number alone). Notebook 08 trains its seeds and targets so.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn


class EnsembleLinear(nn.Module):
    """x (runs, N, fan_in) -> x W_r + b_r (runs, N, fan_out), initialised per run as nn.Linear is.

    spectral=True divides each run's W by an estimate of its largest singular value, refreshed by one power
    iteration per training forward pass (Miyato et al., 2018): every such layer is then about 1-Lipschitz (the
    estimate approaches the largest singular value from below).
    """

    def __init__(self, runs: int, fan_in: int, fan_out: int, spectral: bool = False):
        super().__init__()
        bound = 1 / math.sqrt(fan_in)  # nn.Linear's default: uniform in +-1/sqrt(fan_in)
        self.weight = nn.Parameter(torch.empty(runs, fan_in, fan_out).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(runs, 1, fan_out).uniform_(-bound, bound))
        self.spectral = spectral
        if spectral:
            self.register_buffer("u", F.normalize(torch.randn(runs, fan_out), dim=1))

    def normalised_weight(self) -> torch.Tensor:
        w = self.weight
        if self.training:
            with torch.no_grad():  # power iteration: u and v approach W's top singular vectors
                v = F.normalize(torch.einsum("rio,ro->ri", w, self.u), dim=1)
                self.u.copy_(F.normalize(torch.einsum("rio,ri->ro", w, v), dim=1))
        u = self.u.clone()  # the next forward pass updates self.u in place; this pass's graph keeps its own
        v = F.normalize(torch.einsum("rio,ro->ri", w, u), dim=1).detach()
        sigma = torch.einsum("ri,rio,ro->r", v, w, u)  # the gradient flows through sigma, as in the paper
        return w / sigma[:, None, None]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        weight = self.normalised_weight() if self.spectral else self.weight
        return torch.baddbmm(self.bias, x, weight)


def mlp(runs: int, sizes: list[int], activation: Callable[[], nn.Module], spectral: bool = False) -> list[nn.Module]:
    """Linear layers between consecutive `sizes`, each followed by the activation."""
    layers: list[nn.Module] = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        layers += [EnsembleLinear(runs, fan_in, fan_out, spectral), activation()]
    return layers


class EnsembleGenerator(nn.Module):
    """z (runs, N, z_dim) -> points (runs, N, out_dim): `depth` ReLU layers of width `hidden`, then a linear
    output; the ensemble form of toy2d_mlp.Generator."""

    def __init__(self, runs: int, z_dim: int = 2, hidden: int = 128, depth: int = 3, out_dim: int = 2):
        super().__init__()
        self.runs, self.z_dim = runs, z_dim
        self.net = nn.Sequential(*mlp(runs, [z_dim] + [hidden] * depth, nn.ReLU),
                                 EnsembleLinear(runs, hidden, out_dim))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z)

    def noise(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """Fresh noise (runs, n, z_dim); with a (CPU) generator, reproducible on any device."""
        device = self.net[0].weight.device
        if generator is None:
            return torch.randn(self.runs, n, self.z_dim, device=device)
        return torch.randn(self.runs, n, self.z_dim, generator=generator).to(device)
