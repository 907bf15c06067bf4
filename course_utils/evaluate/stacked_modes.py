"""Mode coverage on Stacked MNIST (course_utils.data.stacked_mnist): a digit judge reads each colour channel of a
generated image, the three digits name one of 1,000 modes, and the figures are the ones Metz et al. 2017,
VEEGAN and PacGAN report: how many modes hold at least one sample, and the KL divergence of the generator's
mode distribution from the uniform one. Both depend on how many samples are read, so compare them at equal
counts (the summary records it)."""

from __future__ import annotations

import torch

from ..data.stacked_mnist import N_MODES, to_digits, to_mode_ids
from ..judges.labels import Judge


def read_modes(judge: Judge, images: torch.Tensor) -> torch.Tensor:
    """Mode ids (N,) of images (N, 3, H, W) in [-1, 1]: the digit judge reads all 3N channels as one-channel
    images in a single call (it batches them itself), channel 0 giving the hundreds digit."""
    if images.ndim != 4 or images.shape[1] != 3:
        raise ValueError(f"images must be Stacked MNIST images (N, 3, H, W); got shape {tuple(images.shape)}")
    n, _, height, width = images.shape
    digits = judge.predict(images.reshape(3 * n, 1, height, width)).cpu()
    return to_mode_ids(digits.reshape(n, 3))


def mode_histogram(mode_ids: torch.Tensor, n_modes: int = N_MODES) -> torch.Tensor:
    """How many samples fall in each of the n_modes modes."""
    if mode_ids.ndim != 1 or len(mode_ids) == 0:
        raise ValueError(f"mode_ids must be a non-empty 1-D tensor; got shape {tuple(mode_ids.shape)}")
    if mode_ids.min() < 0 or mode_ids.max() >= n_modes:
        raise ValueError(f"mode ids must lie in 0..{n_modes - 1}; got values from {mode_ids.min()} to {mode_ids.max()}")
    return torch.bincount(mode_ids.cpu().long(), minlength=n_modes)


def modes_covered(mode_ids: torch.Tensor, n_modes: int = N_MODES) -> int:
    """Modes holding at least one sample: the papers' count. Unlike modes.modes_covered on the 2-D mixtures
    there is no quality threshold, so one stray sample is enough to count a mode."""
    return int((mode_histogram(mode_ids, n_modes) > 0).sum())


def kl_to_uniform(mode_ids: torch.Tensor, n_modes: int = N_MODES) -> float:
    """KL(p_model || uniform) = sum_k p_k ln(p_k n_modes) in nats (natural log), with 0 ln 0 = 0: the direction
    and log the papers use. 0 for a perfectly even spread, ln(n_modes) (6.91 for 1,000) when all samples share
    one mode; a finite sample of a perfect generator scores more than 0 (`perfect_generator`)."""
    counts = mode_histogram(mode_ids, n_modes).double()
    p = counts[counts > 0] / counts.sum()
    return (p * (p * n_modes).log()).sum().item()


def perfect_generator(samples: int, draws: int = 20, seed: int = 0, n_modes: int = N_MODES) -> dict:
    """What a generator that draws every mode equally often scores on `samples` samples, over `draws` simulated
    readings: {"modes", "modes std", "kl", "kl std"} (means and standard deviations; one reading of a real
    generator varies as much). The best a finite sample can show: KL about (n_modes - 1) / (2 samples) once
    samples far exceed n_modes, more below (0.57 on 1,000 samples, which leave about a third of 1,000 modes
    empty)."""
    if samples < 1 or draws < 2:
        raise ValueError(f"samples must be at least 1 and draws at least 2; got {samples} and {draws}")
    generator = torch.Generator().manual_seed(seed)
    readings = [torch.randint(0, n_modes, (samples,), generator=generator) for _ in range(draws)]
    modes = torch.tensor([float(modes_covered(r, n_modes)) for r in readings])
    kl = torch.tensor([kl_to_uniform(r, n_modes) for r in readings])
    return {"modes": modes.mean().item(), "modes std": modes.std().item(), "kl": kl.mean().item(),
            "kl std": kl.std().item()}


def coverage(mode_ids: torch.Tensor) -> dict:
    """Modes covered, KL to uniform and the number of samples they were counted in, from one reading
    (`read_modes`), so that a caller who keeps the reading (for a histogram, say) reads the images once."""
    return {"modes": modes_covered(mode_ids), "kl": kl_to_uniform(mode_ids), "samples": len(mode_ids)}


def read_alike(first: torch.Tensor, second: torch.Tensor) -> dict:
    """How often two readings (`read_modes`, by two classifiers) of the same images agree: {"digits": the share of
    channels read as the same digit, "images": the share of images read as the same triple}. `first` may read more
    images than `second`; its first len(second) readings, the images both read, are compared."""
    if first.ndim != 1 or second.ndim != 1 or not 0 < len(second) <= len(first):
        raise ValueError(f"need two 1-D readings, the second no longer than the first; got shapes "
                         f"{tuple(first.shape)} and {tuple(second.shape)}")
    first = first[: len(second)]
    return {"digits": (to_digits(first) == to_digits(second)).float().mean().item(),
            "images": (first == second).float().mean().item()}
