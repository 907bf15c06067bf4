"""Small MLP generator and discriminator for points in the plane (notebook 01), and minibatch features.

G maps noise z ~ N(0, I) to a point; D maps a point to a logit (D's probability of 'real' is its sigmoid).
Both are a few fully connected layers: the 2-D toys need no more, and a step costs well under a millisecond.

Two remedies for mode collapse from the lecture are built in:

* minibatch features (Salimans et al., Improved Techniques for Training GANs, 2016): D sees, beside each
  sample's own features, how close it lies to the other samples of its batch, so a collapsed batch (all
  alike) can be rejected as a whole (`minibatch_kernels`);
* supervision with labels (a conditional G and D, Mirza and Osindero, 2014): both networks are told which
  mode a point belongs to, and sampling every label in turn asks G for every mode (`n_classes`).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from .labels import append_one_hot


def _mlp(sizes: list[int], activation: Callable[[], nn.Module]) -> list[nn.Module]:
    layers: list[nn.Module] = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(fan_in, fan_out), activation()]
    return layers


class Generator(nn.Module):
    """z (N, z_dim) -> points (N, 2): `depth` hidden ReLU layers of width `hidden`, then a linear output.

    `center` and `scale` place the output where the data lives (out = center + scale * net(z)), so the
    network itself works at unit scale even when the target sits at y = 10 or beyond.
    """

    def __init__(self, z_dim: int = 2, hidden: int = 128, depth: int = 3, out_dim: int = 2,
                 center=(0.0, 0.0), scale=(1.0, 1.0), n_classes: int = 0):
        super().__init__()
        self.z_dim, self.n_classes = z_dim, n_classes
        self.net = nn.Sequential(*_mlp([z_dim + n_classes] + [hidden] * depth, nn.ReLU), nn.Linear(hidden, out_dim))
        self.register_buffer("center", torch.tensor(center, dtype=torch.float32))
        self.register_buffer("scale", torch.tensor(scale, dtype=torch.float32))

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        return self.center + self.scale * self.net(append_one_hot(z, labels, self.n_classes))

    def sample(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """n points from fresh noise; a conditional G gets the labels 0, 1, ..., n_classes - 1 in turn."""
        device = self.center.device
        z = torch.randn(n, self.z_dim, generator=generator, device=device)
        labels = torch.arange(n, device=device) % self.n_classes if self.n_classes else None
        return self(z, labels)


class MinibatchDiscrimination(nn.Module):
    """Features that compare each sample with the rest of its batch (after Salimans et al., 2016, sec. 3.2).

    Each sample's features h (N, A) are projected by a learned tensor T into `kernels` vectors of length
    `kernel_dim`: M_i = h_i T, shape (kernels, kernel_dim). For every kernel b, samples i and j are close when
    c_b(i, j) = exp(-||M_i,b - M_j,b||^2) is near 1, and sample i gets o_b(i) = mean over j != i of c_b(i, j).
    The output is [h, o]. In a collapsed batch every o_b is near 1, which real batches never show, so D
    can reject such a batch as a whole.

    Salimans et al. use the L1 distance; the squared L2 distance (the lecture's "L2 norm of the difference
    between all pairs") comes from matrix products, ||a - b||^2 = |a|^2 + |b|^2 - 2 a.b, which is many times
    faster on a CPU than forming all N x N differences. The mean instead of the sum keeps o in [0, 1]
    whatever the batch size.
    """

    def __init__(self, in_features: int, kernels: int = 8, kernel_dim: int = 4):
        super().__init__()
        self.kernels, self.kernel_dim = kernels, kernel_dim
        self.T = nn.Parameter(torch.randn(in_features, kernels * kernel_dim) * 0.1)

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        n = len(h)
        m = (h @ self.T).view(n, self.kernels, self.kernel_dim).transpose(0, 1)  # (B, N, C)
        sq = m.pow(2).sum(-1)  # (B, N)
        dist2 = (sq.unsqueeze(2) + sq.unsqueeze(1) - 2 * m @ m.transpose(1, 2)).clamp(min=0)  # (B, N, N)
        closeness = (torch.exp(-dist2).sum(2) - 1) / max(n - 1, 1)  # minus 1: leave out each i's match with itself
        return torch.cat([h, closeness.T], dim=1)


class Discriminator(nn.Module):
    """points (N, 2) -> logits (N,): `depth` hidden LeakyReLU layers of width `hidden`, then one logit.

    minibatch_kernels > 0 inserts minibatch discrimination before the last layer; D must then be applied to
    a batch of only real or only fake points (as every training step here does), never a mixed one.
    `center` and `scale` standardise the input; n_classes > 0 makes D conditional (it also sees the label).
    """

    def __init__(self, hidden: int = 128, depth: int = 3, in_dim: int = 2, minibatch_kernels: int = 0,
                 kernel_dim: int = 4, center=(0.0, 0.0), scale=(1.0, 1.0), n_classes: int = 0):
        super().__init__()
        self.n_classes = n_classes
        self.body = nn.Sequential(*_mlp([in_dim + n_classes] + [hidden] * depth, lambda: nn.LeakyReLU(0.2)))
        self.minibatch = (MinibatchDiscrimination(hidden, minibatch_kernels, kernel_dim)
                          if minibatch_kernels else nn.Identity())
        self.head = nn.Linear(hidden + minibatch_kernels, 1)
        self.register_buffer("center", torch.tensor(center, dtype=torch.float32))
        self.register_buffer("scale", torch.tensor(scale, dtype=torch.float32))

    def forward(self, x: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        h = self.body(append_one_hot((x - self.center) / self.scale, labels, self.n_classes))
        return self.head(self.minibatch(h)).squeeze(1)
