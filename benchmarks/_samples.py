"""Writing NAME.samples.npz in the evaluation contract's format."""

from pathlib import Path

import numpy as np
import torch


def save_samples(path: Path, images: torch.Tensor, **extra) -> None:
    """images: (N, C, H, W) in [-1, 1]; extra arrays (labels, attributes, inputs, ...) are stored beside them."""
    x = images.detach().float().cpu()
    if x.ndim != 4 or x.min() < -1.0001 or x.max() > 1.0001:
        raise ValueError(f"samples must be (N, C, H, W) in [-1, 1]; got shape {tuple(x.shape)}, "
                         f"range [{x.min():.3f}, {x.max():.3f}]")
    arrays = {k: (v.detach().cpu().numpy() if isinstance(v, torch.Tensor) else np.asarray(v)) for k, v in extra.items()}
    np.savez_compressed(path, images=x.clamp(-1, 1).numpy().astype(np.float32), **arrays)
