"""Shape figures of digit images from the moments of their ink: what a continuous InfoGAN code may control.

Ink is the image mapped from [-1, 1] to [0, 1], with values under INK_FLOOR set to 0 (a generator's Tanh never
draws an exact -1, and a faint haze over all 784 pixels would pull every moment towards the centre). With the
ink's centre (x̄, ȳ) and its central moments mu_pq = sum (x - x̄)^p (y - ȳ)^q ink / sum ink, two figures read a
digit's shape:

- slant = -mu_11 / mu_02: how far the ink moves right per pixel upwards (rows count downwards, hence the sign);
  0 for an upright stroke, positive when the top leans right, as in handwriting that leans forward;
- width = sqrt(mu_20 - mu_11^2 / mu_02): the horizontal spread of the ink around the slanted axis, in pixels.
  Shearing a digit by a slant s adds about s^2 mu_02 to mu_20; subtracting mu_11^2 / mu_02 removes exactly that
  share, so a leaning digit is not counted as a wide one.

How much is a change of these figures? `class_spread` gives their standard deviation among real digits of one
class (pooled over the classes), the yardstick for a code that moves a figure while the digit stays.
"""

from __future__ import annotations

import torch

INK_FLOOR = 0.1


def _ink_moments(images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    if images.dim() != 4 or images.shape[1] != 1:
        raise ValueError(f"images must be (N, 1, H, W) greyscale; got {tuple(images.shape)}")
    ink = ((images[:, 0].float() + 1) / 2).clamp(0, 1)
    ink = torch.where(ink >= INK_FLOOR, ink, torch.zeros_like(ink))
    mass = ink.sum((1, 2))
    if bool((mass <= 0).any()):
        raise ValueError("an image without ink has no shape to measure")
    h, w = ink.shape[1:]
    y = torch.arange(h, dtype=ink.dtype, device=ink.device)[None, :, None]
    x = torch.arange(w, dtype=ink.dtype, device=ink.device)[None, None, :]
    cx, cy = (ink * x).sum((1, 2)) / mass, (ink * y).sum((1, 2)) / mass
    dx, dy = x - cx[:, None, None], y - cy[:, None, None]
    mu20, mu11, mu02 = ((ink * d).sum((1, 2)) / mass for d in (dx * dx, dx * dy, dy * dy))
    return mu20, mu11, mu02


def slant(images: torch.Tensor) -> torch.Tensor:
    """(N,) pixels of rightward shift per pixel upwards: 0 upright, > 0 leaning right."""
    _, mu11, mu02 = _ink_moments(images)
    return -mu11 / mu02


def width(images: torch.Tensor) -> torch.Tensor:
    """(N,) the horizontal spread of the ink around its slanted axis (a standard deviation), in pixels."""
    mu20, mu11, mu02 = _ink_moments(images)
    return (mu20 - mu11**2 / mu02).clamp(min=0).sqrt()


FIGURES = {"slant": slant, "width": width}


def class_spread(images: torch.Tensor, labels: torch.Tensor) -> dict[str, float]:
    """{figure: its standard deviation among real digits of the same class}, pooled over the classes (the variance
    around each class's own mean): how much a figure varies while the digit stays, not between digits."""
    labels = torch.as_tensor(labels).reshape(-1)
    if len(labels) != len(images):
        raise ValueError(f"got {len(labels)} labels for {len(images)} images")
    classes = labels.unique()
    if len(labels) <= len(classes):
        raise ValueError("need more images than classes to measure a spread within each class")
    spread = {}
    for name, figure in FIGURES.items():
        values = figure(images).double()
        centred = values - torch.stack([values[labels == c].mean() for c in classes])[
            torch.searchsorted(classes, labels)]
        spread[name] = float((centred.square().sum() / (len(labels) - len(classes))).sqrt())
    return spread
