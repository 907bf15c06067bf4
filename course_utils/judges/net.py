"""The judges' two classifier families, both small enough to train in a minute or two on two cores.

- JudgeNet, the judges': three 3 x 3 conv blocks (16, 32, 64 channels, BatchNorm, ReLU), max pooling, a 128-unit
  feature layer and a linear head. Digits (1 x 28 x 28) pool after the last two blocks (to 7 x 7), faces
  (3 x 32 x 32) after all three (to 4 x 4).
- CrossCheckNet, the second opinions' (judges/crosscheck.py): built unlike a JudgeNet on purpose, so that the
  two do not share one blind spot: strided 3 x 3 convs (32, 64, 128 channels) with GroupNorm and SiLU, no
  pooling until a global average, read at 32 x 32.

Inputs of another square size are resized to the net's own size, so either reads any generator's output.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager

import torch
import torch.nn as nn
import torch.nn.functional as F

from ..runtime import reading_batch

# input size -> how many of the three blocks end with a 2 x 2 max pool
POOLS = {28: 2, 32: 3}


class Classifier(nn.Module):
    """How every judge's network reads images: at its own size, in batches, in eval mode without gradients.

    A subclass builds `body` (image -> penultimate features) and `head` (features -> logits) and sets `size`.
    """

    size: int

    def forward(self, x):
        return self.head(self.body(x))

    def fit_size(self, x: torch.Tensor) -> torch.Tensor:
        if x.shape[-1] != self.size or x.shape[-2] != self.size:
            x = F.interpolate(x, size=(self.size, self.size), mode="bilinear", antialias=True)
        return x

    @contextmanager
    def _reading(self):
        """Eval mode without gradients inside the block; the previous mode is restored after it."""
        was_training = self.training
        self.eval()
        try:
            with torch.no_grad():
                yield
        finally:
            self.train(was_training)

    def _inputs(self, images: torch.Tensor, batch_size: int | None):
        device = next(self.parameters()).device
        batch_size = batch_size or reading_batch(device)
        for i in range(0, len(images), batch_size):
            yield self.fit_size(images[i : i + batch_size].to(device, torch.float32))

    def batched(self, fn: Callable[[torch.Tensor], torch.Tensor], images: torch.Tensor,
                batch_size: int | None = None) -> torch.Tensor:
        """fn over images in batches (runtime.reading_batch's size unless given), on the net's device and at its
        size, in eval mode without gradients."""
        with self._reading():
            return torch.cat([fn(x) for x in self._inputs(images, batch_size)])

    def read(self, images: torch.Tensor, batch_size: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """(features, logits) of images in one pass: what a judged figure needs, at half the cost of two calls."""
        features, logits = [], []
        with self._reading():
            for x in self._inputs(images, batch_size):
                features.append(self.body(x))
                logits.append(self.head(features[-1]))
        return torch.cat(features), torch.cat(logits)

    def accuracy(self, images: torch.Tensor, labels: torch.Tensor) -> float:
        """Share of images whose arg-max class is their label."""
        predicted = self.batched(lambda x: self(x).argmax(1), images).cpu()
        return (predicted == labels.cpu()).float().mean().item()


class JudgeNet(Classifier):
    def __init__(self, outputs: int, channels: int = 1, size: int = 28, features: int = 128):
        super().__init__()
        if size not in POOLS:
            raise ValueError(f"a judge reads {' or '.join(map(str, POOLS))} pixel images; got {size}")
        self.outputs, self.channels, self.size = outputs, channels, size
        widths, pools, layers = (channels, 16, 32, 64), POOLS[size], []
        for i, (c_in, c_out) in enumerate(zip(widths[:-1], widths[1:])):
            layers += [nn.Conv2d(c_in, c_out, 3, padding=1), nn.BatchNorm2d(c_out), nn.ReLU()]
            if i >= 3 - pools:
                layers.append(nn.MaxPool2d(2))
        side = size // 2**pools
        self.body = nn.Sequential(*layers, nn.Flatten(), nn.Linear(64 * side * side, features), nn.ReLU())
        self.head = nn.Sequential(nn.Dropout(0.3), nn.Linear(features, outputs))

    def architecture(self) -> dict:
        """What rebuilds this net from a cache file."""
        return {"outputs": self.outputs, "channels": self.channels, "size": self.size}


class CrossCheckNet(Classifier):
    def __init__(self, outputs: int, channels: int = 1, size: int = 32):
        super().__init__()
        self.outputs, self.channels, self.size = outputs, channels, size
        layers, c_in = [], channels
        for c_out in (32, 64, 128):  # each stage halves the side: 32 -> 16 -> 8 -> 4
            layers += [nn.Conv2d(c_in, c_out, 3, padding=1), nn.GroupNorm(8, c_out), nn.SiLU(),
                       nn.Conv2d(c_out, c_out, 3, stride=2, padding=1), nn.GroupNorm(8, c_out), nn.SiLU()]
            c_in = c_out
        self.body = nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.head = nn.Sequential(nn.Dropout(0.2), nn.Linear(c_in, outputs))

    def architecture(self) -> dict:
        return {"family": "crosscheck", "outputs": self.outputs, "channels": self.channels, "size": self.size}


# a cache file's architecture -> the class that rebuilds it (files without a family are JudgeNets)
FAMILIES = {"judge": JudgeNet, "crosscheck": CrossCheckNet}


def rebuild(architecture: dict) -> Classifier:
    """An untrained net of the family and shape a cache file names."""
    architecture = dict(architecture)
    return FAMILIES[architecture.pop("family", "judge")](**architecture)


class Reader:
    """What every judge does with its `net`: logits and penultimate features of images in [-1, 1], any size."""

    net: Classifier

    @property
    def device(self) -> torch.device:
        return next(self.net.parameters()).device

    def logits(self, images: torch.Tensor) -> torch.Tensor:
        return self.net.batched(self.net, images)

    def features(self, images: torch.Tensor) -> torch.Tensor:
        """The 128-d penultimate layer: the space of Frechet distances, diversity and identity embeddings."""
        return self.net.batched(self.net.body, images)
