"""The auxiliary-classifier GAN (Odena et al., 2017) for attribute-conditioned faces.

G(z, a [, identity]) -> image: the noise z carries what the attributes do not say (who the person is,
the background), the attribute vector a says pose, expression, lighting, glasses, hair colour; a acts
through conditional batch norm, so the layout z gives the face survives a change of attributes.
D(x, a) -> (source logit, attribute logits): one trunk, two heads. The source head says real or fake
(and sees the attribute vector through a projection, so the vector reaches D as well as G); the
auxiliary head predicts the attributes from the image alone. Both heads return logits: the losses
(BCE-with-logits, cross-entropy) apply the sigmoid / softmax themselves.

Attributes are described by their sizes, e.g. (3, 2, 3, 2, 4): a size of 2 is a binary attribute with one
logit, a larger size a categorical one with one logit per value. The same layout is the attribute vector.
"""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from ..progress import progress_bar


class ConditionalBatchNorm2d(nn.Module):
    """BatchNorm whose scale and shift are computed from the attribute vector (as in BigGAN's class-conditional BN).

    The attributes act on every channel of every block, but only through a gain and an offset: the spatial
    layout of the face, which comes from z, is left to z. That is what lets one z keep its person while
    the attributes change.
    """

    def __init__(self, channels: int, attribute_dim: int):
        super().__init__()
        # with no attributes (the unconditional G of notebook 09) it is plain BatchNorm, with its own gain and shift
        self.norm = nn.BatchNorm2d(channels, affine=attribute_dim == 0)
        self.gain = nn.Linear(attribute_dim, channels) if attribute_dim else None
        self.bias = nn.Linear(attribute_dim, channels) if attribute_dim else None

    def forward(self, x: torch.Tensor, a: torch.Tensor | None) -> torch.Tensor:
        if self.gain is None:
            return self.norm(x)
        return self.norm(x) * (1 + self.gain(a)[:, :, None, None]) + self.bias(a)[:, :, None, None]


class UpBlock(nn.Module):
    """Nearest-neighbour upsampling, a 3 x 3 conv, attribute-conditional BN, ReLU."""

    def __init__(self, c_in: int, c_out: int, attribute_dim: int):
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, 3, padding=1)
        self.norm = ConditionalBatchNorm2d(c_out, attribute_dim)

    def forward(self, x: torch.Tensor, a: torch.Tensor | None) -> torch.Tensor:
        return F.relu(self.norm(self.conv(F.interpolate(x, scale_factor=2, mode="nearest")), a))


class Generator(nn.Module):
    """[z (, identity code)] -> 4 x 4 feature map -> up-blocks conditioned on a -> Tanh image.

    The attribute vector a reaches every block through conditional batch norm, and the first map too
    (as a gain and offset); z alone decides the first map's layout. identity_dim > 0 adds an identity code
    input (for an experiment that names people). attribute_dim = 0 makes an unconditional G (plain BatchNorm),
    called as G(z).
    """

    def __init__(self, z_dim: int = 64, attribute_dim: int = 12, identity_dim: int = 0, size: int = 32,
                 channels: int = 3, width: int = 64):
        super().__init__()
        if size not in (32, 64):
            raise ValueError(f"size must be 32 or 64; got {size}")
        self.z_dim, self.attribute_dim, self.identity_dim, self.size = z_dim, attribute_dim, identity_dim, size
        c = width * 4
        self.project = nn.Linear(z_dim + identity_dim, c * 4 * 4)
        self.start_norm = ConditionalBatchNorm2d(c, attribute_dim)
        widths = [c, c // 2, c // 4] + ([c // 4] if size == 64 else [])
        self.blocks = nn.ModuleList(UpBlock(a, b, attribute_dim) for a, b in zip(widths[:-1], widths[1:]))
        self.to_rgb = nn.Conv2d(widths[-1], channels, 3, padding=1)

    def forward(self, z: torch.Tensor, attributes: torch.Tensor | None = None, identity: torch.Tensor | None = None):
        if (attributes is None) != (self.attribute_dim == 0):
            raise ValueError(f"this G takes {self.attribute_dim} attribute numbers per image; got "
                             f"{'none' if attributes is None else tuple(attributes.shape)}")
        inputs = torch.cat([z, identity], 1) if self.identity_dim else z
        h = F.relu(self.start_norm(self.project(inputs).view(len(z), -1, 4, 4), attributes))
        for block in self.blocks:
            h = block(h, attributes)
        h = F.interpolate(h, scale_factor=2, mode="nearest")
        return torch.tanh(self.to_rgb(h))


def _down(c_in: int, c_out: int) -> nn.Sequential:
    return nn.Sequential(nn.utils.spectral_norm(nn.Conv2d(c_in, c_out, 4, stride=2, padding=1)), nn.LeakyReLU(0.2))


class Discriminator(nn.Module):
    """Strided convs (spectral norm, LeakyReLU) to a feature vector h; two heads on h.

    source(x, a) = w . h + <embed(a), h>: the projection term is how D is given the attribute vector.
    attributes(x) = a linear head: the auxiliary classifier. Both are logits; there is no Softmax module.
    attribute_dim = 0 makes a plain unconditional D: no projection and no auxiliary head.
    """

    def __init__(self, attribute_dim: int = 12, size: int = 32, channels: int = 3, width: int = 64,
                 features: int = 256):
        super().__init__()
        if size not in (32, 64):
            raise ValueError(f"size must be 32 or 64; got {size}")
        blocks = [_down(channels, width), _down(width, width * 2), _down(width * 2, width * 4)]  # to 4 x 4 at 32
        if size == 64:
            blocks.append(_down(width * 4, width * 4))
        self.trunk = nn.Sequential(*blocks, nn.Flatten(),
                                   nn.utils.spectral_norm(nn.Linear(width * 4 * 4 * 4, features)), nn.LeakyReLU(0.2))
        self.source_head = nn.utils.spectral_norm(nn.Linear(features, 1))
        self.embed = nn.utils.spectral_norm(nn.Linear(attribute_dim, features, bias=False)) if attribute_dim else None
        self.attribute_head = nn.Linear(features, attribute_dim) if attribute_dim else None

    def forward(self, x: torch.Tensor, attributes: torch.Tensor | None = None):
        """Returns (source logits (N,), attribute logits (N, attribute_dim), or None when D has no attributes)."""
        h = self.trunk(x)
        source = self.source_head(h).squeeze(1)
        if self.attribute_head is None:
            return source, None
        if attributes is not None:
            source = source + (self.embed(attributes) * h).sum(1)
        return source, self.attribute_head(h)


def invert(generator: Generator, images: torch.Tensor, attributes: torch.Tensor, steps: int = 300,
           lr: float = 0.05, restarts: int = 4, seed: int = 0) -> torch.Tensor:
    """Find z with G(z, a) close to each image (pixel MSE), by Adam on z from a few random starts.

    Returns z (N, z_dim) of the best start per image. G is kept frozen (in eval mode).
    """
    generator.eval()
    g = torch.Generator().manual_seed(seed)
    n, device = len(images), images.device
    z = torch.randn(restarts * n, generator.z_dim, generator=g).to(device).requires_grad_(True)
    target, a = images.repeat(restarts, 1, 1, 1), attributes.repeat(restarts, 1)
    opt = torch.optim.Adam([z], lr=lr)
    for p in generator.parameters():
        p.requires_grad_(False)
    try:
        with progress_bar(steps, f"inverting {n} pictures ({restarts} starts each)") as bar:
            for _ in range(steps):
                loss = (generator(z, a) - target).pow(2).mean((1, 2, 3))
                opt.zero_grad(set_to_none=True)
                loss.sum().backward()
                opt.step()
                bar.update()
        with torch.no_grad():
            loss = (generator(z, a) - target).pow(2).mean((1, 2, 3)).view(restarts, n)
    finally:
        for p in generator.parameters():
            p.requires_grad_(True)
    best = loss.argmin(0)
    return z.detach().view(restarts, n, -1)[best, torch.arange(n)]
