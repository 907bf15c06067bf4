"""pix2pix (Isola et al., 2017): a U-Net generator and a PatchGAN discriminator conditioned on the input.

Generator: an encoder-decoder whose mirrored layers are joined by skip connections (the U-Net), so the
low-level structure of the input (where the edges are) reaches the output without squeezing through the
bottleneck. `UNet(skips=False)` is the plain encoder-decoder it is compared with.

Discriminator: a fully convolutional net that outputs a grid of logits, one per overlapping N x N patch of
the (input, output) pair. N, its receptive field, is computed from the layers by `receptive_field`: three
strided layers give the paper's 70 x 70 PatchGAN, whose output on a 256 x 256 pair is 30 x 30.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import contextmanager

import torch
import torch.nn as nn

# A layer spec is (kernel, stride, padding) of one convolution.
LayerSpec = tuple[int, int, int]


# ------------------------------------------------------------------------------------------------
# generator


class UNet(nn.Module):
    """Encoder: `depth` blocks of Conv(4, stride 2)-BatchNorm-LeakyReLU(0.2), each halving the size.
    Decoder: mirrored ConvTranspose(4, stride 2)-BatchNorm-ReLU blocks, dropout in the innermost
    `dropout_layers` of them, and a final ConvTranspose-Tanh. With skips, decoder block i also sees encoder
    block i's output (concatenated channels), as in the paper's Figure 3; without, it is a plain
    encoder-decoder with the same layers.
    """

    def __init__(self, in_channels: int = 3, out_channels: int = 3, depth: int = 5, base: int = 32,
                 max_channels: int = 256, skips: bool = True, dropout: float = 0.5, dropout_layers: int = 2):
        super().__init__()
        if depth < 2:
            raise ValueError(f"depth must be at least 2; got {depth}")
        self.skips, self.depth = skips, depth
        ch = [min(base * 2**i, max_channels) for i in range(depth)]
        self.down = nn.ModuleList()
        for i in range(depth):
            c_in = in_channels if i == 0 else ch[i - 1]
            # no normalisation on the first layer (raw pixels) nor at the 1-pixel bottleneck of a deep net
            norm = 0 < i < depth - 1
            self.down.append(nn.Sequential(
                nn.Conv2d(c_in, ch[i], 4, 2, 1, bias=not norm),
                *([nn.BatchNorm2d(ch[i])] if norm else []),
                nn.LeakyReLU(0.2),
            ))
        self.up = nn.ModuleList()
        for i in range(depth - 1, 0, -1):  # from the bottleneck back to the first encoder block's size
            c_in = ch[i] * (2 if skips and i < depth - 1 else 1)
            drop = (depth - 1 - i) < dropout_layers and dropout > 0
            self.up.append(nn.Sequential(
                nn.ConvTranspose2d(c_in, ch[i - 1], 4, 2, 1, bias=False),
                nn.BatchNorm2d(ch[i - 1]),
                nn.ReLU(),
                *([nn.Dropout(dropout)] if drop else []),
            ))
        self.out = nn.Sequential(nn.ConvTranspose2d(ch[0] * (2 if skips else 1), out_channels, 4, 2, 1), nn.Tanh())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.shape[-1] % 2**self.depth or x.shape[-2] % 2**self.depth:
            raise ValueError(f"a depth-{self.depth} U-Net needs sizes divisible by {2**self.depth}; "
                             f"got {tuple(x.shape[-2:])}")
        features = []
        for block in self.down:
            x = block(x)
            features.append(x)
        for j, block in enumerate(self.up):
            x = block(x)
            if self.skips:  # the skip: mirrored encoder features, concatenated along the channels
                x = torch.cat([x, features[-2 - j]], 1)
        return self.out(x)


# ------------------------------------------------------------------------------------------------
# discriminator


def patchgan_layers(n_layers: int = 3) -> list[LayerSpec]:
    """pix2pix's 'n_layers' discriminator: n_layers 4x4 convolutions of stride 2, then two of stride 1.
    n_layers=3 is the standard 70 x 70 PatchGAN, n_layers=1 a 16 x 16 one; n_layers=0 is the 1 x 1
    PixelGAN (three 1x1 convolutions)."""
    if n_layers < 0:
        raise ValueError(f"n_layers must be at least 0; got {n_layers}")
    if n_layers == 0:
        return [(1, 1, 0)] * 3
    return [(4, 2, 1)] * n_layers + [(4, 1, 1), (4, 1, 1)]


def imagegan_layers(image_size: int) -> list[LayerSpec]:
    """An 'ImageGAN': stride-2 convolutions down to 4 x 4, then one 4 x 4 convolution to a single logit
    that sees the whole image."""
    if image_size < 8 or image_size & (image_size - 1):
        raise ValueError(f"image_size must be a power of two, at least 8; got {image_size}")
    strided = (image_size // 4).bit_length() - 1
    return [(4, 2, 1)] * strided + [(4, 1, 0)]


def _specs(layers) -> list[LayerSpec]:
    if isinstance(layers, nn.Module):
        return [(m.kernel_size[0], m.stride[0], m.padding[0]) for m in layers.modules() if isinstance(m, nn.Conv2d)]
    specs = []
    for spec in layers:
        k, s, *rest = spec
        specs.append((int(k), int(s), int(rest[0]) if rest else 0))
    return specs


def receptive_field(layers: Sequence[LayerSpec] | nn.Module) -> int:
    """The side of the input square one output unit sees, for a stack of convolutions.

    Walking back from one output unit: a layer with kernel k and stride s turns a window of r units of
    its output into (r - 1) * s + k units of its input. `layers` is a list of (kernel, stride[, padding])
    or a module whose Conv2d layers are taken in order.
    """
    r = 1
    for k, s, _ in reversed(_specs(layers)):
        r = (r - 1) * s + k
    return r


def output_size(layers: Sequence[LayerSpec] | nn.Module, input_size: int) -> int:
    """The side of the output grid for a square input: floor((n + 2p - k) / s) + 1, layer by layer."""
    n = input_size
    for k, s, p in _specs(layers):
        n = (n + 2 * p - k) // s + 1
    return n


class PatchGAN(nn.Module):
    """D(x, y): the input x and a real or generated y, concatenated, mapped to a grid of real/fake logits.

    Channels double from `base` at each layer up to `max_channels`; BatchNorm on every layer but the first
    and the last; LeakyReLU(0.2) between layers; the last layer outputs one logit per patch (no sigmoid:
    the losses work on logits).
    """

    def __init__(self, in_channels: int, layers: Sequence[LayerSpec] | None = None, base: int = 64,
                 max_channels: int = 512):
        super().__init__()
        self.layers = list(layers) if layers is not None else patchgan_layers(3)
        blocks = []
        c_in = in_channels
        for i, (k, s, p) in enumerate(self.layers):
            last = i == len(self.layers) - 1
            c_out = 1 if last else min(base * 2**i, max_channels)
            norm = 0 < i and not last
            blocks.append(nn.Conv2d(c_in, c_out, k, s, p, bias=not norm))
            if not last:
                blocks += [nn.BatchNorm2d(c_out)] if norm else []
                blocks.append(nn.LeakyReLU(0.2))
            c_in = c_out
        self.net = nn.Sequential(*blocks)

    @property
    def receptive_field(self) -> int:
        return receptive_field(self.layers)

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return self.net(torch.cat([x, y], 1))


# ------------------------------------------------------------------------------------------------
# the course's sizes


def course_unet(in_channels: int, out_channels: int, size: int, skips: bool = True) -> UNet:
    """The U-Net that notebook 06 and the pix2pix benchmark train: deep enough to reach a 1 x 1 bottleneck
    (depth log2(size), as the paper's 8 layers on 256 x 256), with a quarter of the paper's channels at the
    first layer (16 instead of 64) and never more than 64 (the paper goes up to 512), so that ten of them
    train in minutes on two CPU cores and their weights are small enough to ship."""
    if size < 4 or size & (size - 1):
        raise ValueError(f"size must be a power of two, at least 4; got {size}")
    return UNet(in_channels, out_channels, depth=size.bit_length() - 1, base=16, max_channels=64, skips=skips)


def course_patchgan(in_channels: int, layers: Sequence[LayerSpec]) -> PatchGAN:
    """The course's discriminator for given layers: half the paper's channels (D costs little next to G)."""
    return PatchGAN(in_channels, layers, base=32, max_channels=256)


# ------------------------------------------------------------------------------------------------
# test time


@contextmanager
def at_test_time(model: nn.Module, *, dropout: bool, batch_stats: bool):
    """Run `model` as pix2pix does at test time, or not: dropout on or off, and BatchNorm with the test
    batch's own statistics (batch_stats=True) or with the running averages from training.

    No gradients inside; the model's modes and its running statistics are restored afterwards.
    """
    modes = {m: m.training for m in model.modules()}
    saved = {name: b.clone() for name, b in model.named_buffers()}
    model.eval()
    for m in model.modules():
        if isinstance(m, nn.modules.dropout._DropoutNd):
            m.train(dropout)
        elif isinstance(m, nn.modules.batchnorm._BatchNorm):
            m.train(batch_stats)
    try:
        with torch.no_grad():
            yield model
    finally:
        for m, mode in modes.items():
            m.training = mode
        with torch.no_grad():
            for name, b in model.named_buffers():
                b.copy_(saved[name])
