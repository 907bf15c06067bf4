"""Multilayer-perceptron GANs on small images: Goodfellow et al. (2014) and, with a label, Mirza & Osindero (2014).

Both networks see an image as one flat vector. The conditional versions read the label as a one-hot
vector concatenated to their input: to the noise z in the generator, to the flattened image in the
discriminator. With ``n_classes=0`` (the default) the models are unconditional.

    G:  [z ; onehot(y)] -> Linear -> LeakyReLU -> ... -> Linear -> Tanh -> image in [-1, 1]
    D:  [flatten(x) ; onehot(y)] -> Linear -> LeakyReLU -> Dropout -> ... -> Linear -> logit

D returns a logit (no sigmoid): the losses in ``course_utils.losses`` work on logits, which is the
numerically stable form of log D and log(1 - D).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn

from .labels import append_one_hot


class MLPGenerator(nn.Module):
    """Noise (and, if conditional, a one-hot label) to an image in [-1, 1].

    ``batch_norm`` normalises each hidden layer (a later addition to the 2014 recipe that makes an MLP
    generator train faster and more steadily); set it to False for the paper's plain network.
    """

    def __init__(
        self,
        z_dim: int = 64,
        hidden: Sequence[int] = (256, 512),
        image_shape: Sequence[int] = (1, 28, 28),
        n_classes: int = 0,
        slope: float = 0.2,
        batch_norm: bool = True,
    ):
        super().__init__()
        if z_dim < 1 or n_classes < 0 or not hidden:
            raise ValueError("need z_dim >= 1, n_classes >= 0 and at least one hidden layer")
        self.z_dim, self.n_classes = int(z_dim), int(n_classes)
        self.image_shape = tuple(int(s) for s in image_shape)
        layers: list[nn.Module] = []
        width = self.z_dim + self.n_classes
        for h in hidden:
            layers.append(nn.Linear(width, h))
            if batch_norm:
                layers.append(nn.BatchNorm1d(h))
            layers.append(nn.LeakyReLU(slope))
            width = h
        layers += [nn.Linear(width, math.prod(self.image_shape)), nn.Tanh()]
        self.net = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        x = append_one_hot(z.reshape(z.shape[0], -1), labels, self.n_classes)
        return self.net(x).view(z.shape[0], *self.image_shape)


class MLPDiscriminator(nn.Module):
    """An image (and, if conditional, a one-hot label) to one logit: how real D thinks the pair is.

    Dropout in the hidden layers follows the paper (which used it to regularise D).
    """

    def __init__(
        self,
        image_shape: Sequence[int] = (1, 28, 28),
        hidden: Sequence[int] = (512, 256),
        n_classes: int = 0,
        slope: float = 0.2,
        dropout: float = 0.3,
    ):
        super().__init__()
        if n_classes < 0 or not hidden or not 0.0 <= dropout < 1.0:
            raise ValueError("need n_classes >= 0, at least one hidden layer and 0 <= dropout < 1")
        self.n_classes = int(n_classes)
        self.image_shape = tuple(int(s) for s in image_shape)
        layers: list[nn.Module] = []
        width = math.prod(self.image_shape) + self.n_classes
        for h in hidden:
            layers += [nn.Linear(width, h), nn.LeakyReLU(slope)]
            if dropout > 0:
                layers.append(nn.Dropout(dropout))
            width = h
        layers.append(nn.Linear(width, 1))
        self.net = nn.Sequential(*layers)

    def forward(self, images: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        x = append_one_hot(images.reshape(images.shape[0], -1), labels, self.n_classes)
        return self.net(x).squeeze(1)
