"""InfoGAN's networks for 28 x 28 digits (Chen et al., 2016, appendix table 1), at a width a CPU can train.

    G:  [z ; onehot(c_cat) ; c_cont] -> FC 1024 + BN + ReLU -> FC (4w x 7 x 7) + BN + ReLU
        -> ConvTranspose (2w) + BN + ReLU -> ConvTranspose (1) -> Tanh -> image in [-1, 1]
    D:  image -> Conv (2w) + LeakyReLU -> Conv (4w) + BN + LeakyReLU -> FC 1024 + BN + LeakyReLU = trunk
        trunk -> one logit (real or fake)
        trunk -> FC 128 + BN + LeakyReLU -> Q: logits of the categorical code, mean and log-variance of each
                 continuous code (the Gaussian that Q(c | x) is taken to be)

The paper's width is w = 32 (64 and 128 channels); notebook 09 trains w = 16, about 120 ms a step with its
translated inputs (batch 64, 2 CPU cores). Keep both the width and the fully connected layers of 1024: in
development runs on the offline MNIST sample (seed 0, 2,000 steps, D reading translated images as in the
notebook) the matched accuracy was 0.98 at w = 16, 0.72 at w = 8 and 0.78 with hidden = 512; without the FC
layers the categorical code drew mixtures of digits (0.33-0.62 after 5,000 steps). Q shares D's trunk, so
reading the code costs one small head.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .dcgan import init_weights
from .labels import class_indices


def _check_codes(n: int, category: torch.Tensor, continuous: torch.Tensor, categories: int, dims: int):
    category = category.reshape(-1)
    if category.shape[0] != n or continuous.shape != (n, dims):
        raise ValueError(f"for a batch of {n}: category must be ({n},) and continuous ({n}, {dims}); got "
                         f"{tuple(category.shape)} and {tuple(continuous.shape)}")
    return class_indices(category, n, categories, what="category")


class InfoGenerator(nn.Module):
    """(z, categorical code, continuous codes) -> image: the codes are plain extra inputs beside the noise."""

    def __init__(self, z_dim: int = 62, categories: int = 10, continuous: int = 2, width: int = 16,
                 hidden: int = 1024):
        super().__init__()
        if min(z_dim, categories, width, hidden) < 1 or continuous < 0:
            raise ValueError("z_dim, categories, width and hidden must be at least 1, continuous at least 0")
        self.z_dim, self.categories, self.continuous, self.width = z_dim, categories, continuous, width
        self.fc = nn.Sequential(
            nn.Linear(z_dim + categories + continuous, hidden, bias=False), nn.BatchNorm1d(hidden), nn.ReLU(True),
            nn.Linear(hidden, 4 * width * 7 * 7, bias=False), nn.BatchNorm1d(4 * width * 7 * 7), nn.ReLU(True))
        self.net = nn.Sequential(
            nn.ConvTranspose2d(4 * width, 2 * width, 4, 2, 1, bias=False), nn.BatchNorm2d(2 * width), nn.ReLU(True),
            nn.ConvTranspose2d(2 * width, 1, 4, 2, 1), nn.Tanh())
        self.apply(init_weights)

    def forward(self, z: torch.Tensor, category: torch.Tensor, continuous: torch.Tensor) -> torch.Tensor:
        category = _check_codes(len(z), category, continuous, self.categories, self.continuous)
        codes = [z, F.one_hot(category.long(), self.categories).to(z.dtype), continuous.to(z.dtype)]
        return self.net(self.fc(torch.cat(codes, 1)).view(len(z), 4 * self.width, 7, 7))


class InfoDiscriminator(nn.Module):
    """image -> (real-or-fake logit (N,), code logits (N, categories), code means and log-variances (N, continuous))."""

    def __init__(self, categories: int = 10, continuous: int = 2, width: int = 16, hidden: int = 1024,
                 q_hidden: int = 128, slope: float = 0.1):
        super().__init__()
        if min(categories, width, hidden, q_hidden) < 1 or continuous < 0:
            raise ValueError("categories, width, hidden and q_hidden must be at least 1, continuous at least 0")
        self.categories, self.continuous = categories, continuous
        self.trunk = nn.Sequential(
            nn.Conv2d(1, 2 * width, 4, 2, 1), nn.LeakyReLU(slope, True),
            nn.Conv2d(2 * width, 4 * width, 4, 2, 1, bias=False), nn.BatchNorm2d(4 * width), nn.LeakyReLU(slope, True),
            nn.Flatten(), nn.Linear(4 * width * 7 * 7, hidden, bias=False), nn.BatchNorm1d(hidden),
            nn.LeakyReLU(slope, True))
        self.source = nn.Linear(hidden, 1)
        self.q = nn.Sequential(nn.Linear(hidden, q_hidden, bias=False), nn.BatchNorm1d(q_hidden),
                               nn.LeakyReLU(slope, True), nn.Linear(q_hidden, categories + 2 * continuous))
        self.apply(init_weights)

    def forward(self, images: torch.Tensor):
        if images.shape[1:] != (1, 28, 28):
            raise ValueError(f"D expects images of shape (N, 1, 28, 28); got {tuple(images.shape)}")
        features = self.trunk(images)
        q = self.q(features)
        k, c = self.categories, self.continuous
        return self.source(features).flatten(), q[:, :k], q[:, k:k + c], q[:, k + c:]
