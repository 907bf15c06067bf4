"""The conditional DCGAN of the course's source report (Radford et al., 2016 + Mirza & Osindero, 2014).

    G:  z (z_dim) ; embed(y) (embed_dim)  -> (z_dim + embed_dim) x 1 x 1
        -> ConvTranspose + BatchNorm + ReLU, doubling the size and halving the channels each time
        -> ConvTranspose -> Tanh -> image in [-1, 1]
    D:  image ; embed(y) reshaped to one H x W channel -> (channels + 1) x H x W
        -> Conv (stride 2) + LeakyReLU, then Conv + BatchNorm + LeakyReLU, halving the size each time
        -> Conv over the last feature map -> one logit

The generator reads the label as a small learned vector (5 numbers for MNIST in the report) stacked on the
noise; the discriminator reads it as a whole learned image-sized plane stacked on the picture, so every one of
its filters in the first layer can compare the picture with what the label says.

D returns a *logit*, not a probability. The report ends D with a sigmoid and uses BCE; sigmoid followed by
BCE equals BCE-with-logits on the logit, but the fused form computes log(sigmoid(a)) as -softplus(-a), which
never takes log(0) when D is very sure (see ``course_utils.losses``). D(x, y) = sigmoid(logit) is the
probability the report's D outputs.

Sizes: 28 x 28 (the CPU default: MNIST's own size, 2 upsampling stages from 7 x 7), 32 x 32 (3 stages from
4 x 4) and 64 x 64 (the report's setting: 4 stages from 4 x 4, the DCGAN paper's layout). ``feature_maps``
(64 in the report) is the width of the last hidden layer of G and of the first layer of D; it doubles
towards the small end.
"""

from __future__ import annotations

import torch
import torch.nn as nn

from .labels import class_indices

# The report's parameter table (its Table 1), one row per dataset it trained on.
REPORT_TABLE = {
    "MNIST": {"n_classes": 10, "embed_dim": 5, "channels": 1, "z_dim": 20, "reconstruction_weight": 5.0,
              "batch_size": 256, "feature_maps": 64},
    "Animal-faces": {"n_classes": 3, "embed_dim": 5, "channels": 3, "z_dim": 100, "reconstruction_weight": 5.0,
                     "batch_size": 64, "feature_maps": 96},
    "CelebA": {"n_classes": 1, "embed_dim": 1, "channels": 3, "z_dim": 100, "reconstruction_weight": 0.0,
               "batch_size": 256, "feature_maps": 64},
}

# size -> (side of the first feature map, number of stride-2 stages)
LAYOUTS = {28: (7, 2), 32: (4, 3), 64: (4, 4)}


def _check_size(size: int) -> tuple[int, int]:
    if size not in LAYOUTS:
        raise ValueError(f"size must be one of {', '.join(map(str, LAYOUTS))}; got {size}")
    return LAYOUTS[size]


def init_weights(module: nn.Module) -> None:
    """The DCGAN paper's initialisation: conv weights ~ N(0, 0.02), BatchNorm scale ~ N(1, 0.02), shift 0."""
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Embedding)):
        nn.init.normal_(module.weight, 0.0, 0.02 if not isinstance(module, nn.Embedding) else 1.0)
    elif isinstance(module, nn.BatchNorm2d):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)


class ConditionalGenerator(nn.Module):
    """(z, label) -> image: the label's embedding is stacked on the noise as extra input channels."""

    def __init__(self, z_dim: int = 20, n_classes: int = 10, embed_dim: int = 5, channels: int = 1,
                 feature_maps: int = 64, size: int = 28):
        super().__init__()
        start, stages = _check_size(size)
        if min(z_dim, n_classes, embed_dim, channels, feature_maps) < 1:
            raise ValueError("z_dim, n_classes, embed_dim, channels and feature_maps must all be at least 1")
        self.z_dim, self.n_classes, self.embed_dim = z_dim, n_classes, embed_dim
        self.channels, self.size = channels, size
        self.embed = nn.Embedding(n_classes, embed_dim)
        width = feature_maps * 2 ** (stages - 1)
        # 1 x 1 -> start x start: a transposed conv with a start x start kernel is a learned projection
        layers: list[nn.Module] = [nn.ConvTranspose2d(z_dim + embed_dim, width, start, 1, 0, bias=False),
                                   nn.BatchNorm2d(width), nn.ReLU(True)]
        for _ in range(stages - 1):  # each stage doubles the side and halves the channels
            layers += [nn.ConvTranspose2d(width, width // 2, 4, 2, 1, bias=False), nn.BatchNorm2d(width // 2),
                       nn.ReLU(True)]
            width //= 2
        layers += [nn.ConvTranspose2d(width, channels, 4, 2, 1, bias=False), nn.Tanh()]
        self.net = nn.Sequential(*layers)
        self.apply(init_weights)

    def label_embedding(self, labels: torch.Tensor) -> torch.Tensor:
        """The learned (N, embed_dim) vectors of the labels; mixing two of them 'morphs' one class into another."""
        return self.embed(labels.long())

    def from_embedding(self, z: torch.Tensor, embedding: torch.Tensor) -> torch.Tensor:
        """G with the label given as an embedding vector (any vector, not only a row of the table)."""
        x = torch.cat([z.reshape(len(z), self.z_dim), embedding.to(z.dtype)], 1)
        return self.net(x[:, :, None, None])

    def forward(self, z: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        labels = class_indices(labels, len(z), self.n_classes)
        return self.from_embedding(z, self.label_embedding(labels))


class ConditionalDiscriminator(nn.Module):
    """(image, label) -> logit: the label's embedding, reshaped to an H x W plane, is an extra input channel."""

    def __init__(self, n_classes: int = 10, channels: int = 1, feature_maps: int = 64, size: int = 28,
                 slope: float = 0.2):
        super().__init__()
        _, stages = _check_size(size)
        if min(n_classes, channels, feature_maps) < 1:
            raise ValueError("n_classes, channels and feature_maps must all be at least 1")
        self.n_classes, self.channels, self.size = n_classes, channels, size
        self.embed = nn.Embedding(n_classes, size * size)
        # the first layer has no BatchNorm (DCGAN guideline: normalising the input layer destabilises D)
        layers: list[nn.Module] = [nn.Conv2d(channels + 1, feature_maps, 4, 2, 1, bias=False),
                                   nn.LeakyReLU(slope, True)]
        width = feature_maps
        for _ in range(stages - 1):
            layers += [nn.Conv2d(width, width * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(width * 2),
                       nn.LeakyReLU(slope, True)]
            width *= 2
        last = size // 2**stages  # 7 for 28 x 28, 4 for 32 and 64
        layers.append(nn.Conv2d(width, 1, last, 1, 0))  # one number per image: the logit
        self.net = nn.Sequential(*layers)
        self.apply(init_weights)

    def label_plane(self, labels: torch.Tensor) -> torch.Tensor:
        """(N, 1, H, W): each label's learned embedding laid out as an image."""
        return self.embed(labels.long()).view(len(labels), 1, self.size, self.size)

    def forward(self, images: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        labels = class_indices(labels, len(images), self.n_classes)
        if images.shape[1:] != (self.channels, self.size, self.size):
            raise ValueError(f"D expects images of shape (N, {self.channels}, {self.size}, {self.size}); "
                             f"got {tuple(images.shape)}")
        plane = self.label_plane(labels).to(images.dtype)
        if images.is_contiguous(memory_format=torch.channels_last):
            plane = plane.contiguous(memory_format=torch.channels_last)
        return self.net(torch.cat([images, plane], 1)).flatten()
