"""A small unconditional DCGAN for Stacked MNIST (3 x 28 x 28: one digit per colour channel), notebook 08.

    G:  z (z_dim) -> Linear -> 4F x 7 x 7 -> BatchNorm, ReLU
        -> ConvTranspose (stride 2) -> 2F x 14 x 14 -> BatchNorm, ReLU
        -> ConvTranspose (stride 2) -> 3 x 28 x 28 -> Tanh
    D:  image(s) -> Conv (stride 2) -> F x 14 x 14 -> LeakyReLU -> Conv (stride 2) -> 2F x 7 x 7 -> LeakyReLU
        -> [an extra layer] -> Linear -> one score

D is deliberately small (the unrolled-GAN and PacGAN papers shrink D on Stacked MNIST so that a plain GAN's
collapse shows) and has no BatchNorm: batch statistics in D would themselves tell D about the batch, the job
that minibatch std and packing are there to do. `pack` > 1 stacks that many images along the channels, so D
scores them together (PacGAN); `extra` is a layer placed before the head (minibatch std) that adds
`extra_channels`; `spectral` normalises every layer of D (Miyato et al., 2018).
"""

from __future__ import annotations

import torch
from torch import nn

SIDE = 28


class StackedGenerator(nn.Module):
    def __init__(self, z_dim: int = 32, feature_maps: int = 16, channels: int = 3):
        super().__init__()
        f = feature_maps
        self.z_dim = z_dim
        self.net = nn.Sequential(
            nn.Linear(z_dim, 4 * f * 7 * 7), nn.Unflatten(1, (4 * f, 7, 7)), nn.BatchNorm2d(4 * f), nn.ReLU(),
            nn.ConvTranspose2d(4 * f, 2 * f, 4, 2, 1), nn.BatchNorm2d(2 * f), nn.ReLU(),
            nn.ConvTranspose2d(2 * f, channels, 4, 2, 1), nn.Tanh())

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z)


class SmallCritic(nn.Module):
    def __init__(self, feature_maps: int = 16, channels: int = 3, pack: int = 1, extra: nn.Module | None = None,
                 extra_channels: int = 0, spectral: bool = False):
        super().__init__()
        f = feature_maps
        norm = nn.utils.parametrizations.spectral_norm if spectral else (lambda layer: layer)
        self.pack, self.channels = pack, channels
        self.body = nn.Sequential(norm(nn.Conv2d(channels * pack, f, 4, 2, 1)), nn.LeakyReLU(0.2),
                                  norm(nn.Conv2d(f, 2 * f, 4, 2, 1)), nn.LeakyReLU(0.2))
        self.extra = extra or nn.Identity()
        self.head = nn.Sequential(nn.Flatten(), norm(nn.Linear((2 * f + extra_channels) * 7 * 7, 1)))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """(N, C, 28, 28) -> (N / pack,) scores; consecutive images form a pack."""
        n = len(images)
        if n % self.pack:
            raise ValueError(f"a batch of {n} images cannot be packed in {self.pack}s")
        packed = images.reshape(n // self.pack, self.channels * self.pack, SIDE, SIDE)
        return self.head(self.extra(self.body(packed))).squeeze(1)
