"""Numbers for image-to-image translation: how close (L1, PSNR) and how sharp (variance of the Laplacian).

All functions take (N, C, H, W) images in [-1, 1] and return per-set figures (means over the images).
Closeness rewards the average of all plausible outputs, which is blurry; sharpness does not care which
output was drawn. A good translator scores well on both, which is why pix2pix's ablations need both.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

_LAPLACIAN = torch.tensor([[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]])


def _check(generated: torch.Tensor, target: torch.Tensor) -> None:
    if generated.shape != target.shape or generated.ndim != 4:
        raise ValueError(f"need two (N, C, H, W) batches of the same shape; got {tuple(generated.shape)} "
                         f"and {tuple(target.shape)}")


def l1(generated: torch.Tensor, target: torch.Tensor) -> float:
    """Mean absolute error, in the [-1, 1] units the models work in."""
    _check(generated, target)
    return (generated.float() - target.float()).abs().mean().item()


def psnr(generated: torch.Tensor, target: torch.Tensor) -> float:
    """Peak signal-to-noise ratio in dB, per image (peak = the range 2 of [-1, 1]), averaged over images."""
    _check(generated, target)
    mse = (generated.float() - target.float()).pow(2).flatten(1).mean(1).clamp_min(1e-10)
    return (10 * torch.log10(4.0 / mse)).mean().item()


def laplacian_variance(images: torch.Tensor) -> torch.Tensor:
    """Per image: the variance of the 3x3 Laplacian over pixels and channels (a classic focus measure;
    blur lowers it, edges and texture raise it)."""
    x = images.float()
    kernel = _LAPLACIAN.to(x.device).expand(x.shape[1], 1, 3, 3)
    lap = F.conv2d(x, kernel, groups=x.shape[1])  # valid convolution: no border artefacts
    return lap.flatten(1).var(1)


def sharpness_ratio(generated: torch.Tensor, target: torch.Tensor) -> float:
    """Mean Laplacian variance of the generated images over that of the targets: 1 is as sharp as the
    real images, below 1 blurrier, above 1 noisier."""
    _check(generated, target)
    return (laplacian_variance(generated).mean() / laplacian_variance(target).mean().clamp_min(1e-12)).item()


def evaluate(generated: torch.Tensor, target: torch.Tensor) -> dict[str, float]:
    """The three figures of the ablation tables."""
    return {"l1": l1(generated, target), "psnr": psnr(generated, target),
            "sharpness_ratio": sharpness_ratio(generated, target)}
