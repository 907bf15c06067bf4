"""Vector arithmetic in a generator's latent space (Radford et al., 2016), measured by a judge.

A concept vector is the mean latent of samples that the judge reads as having a concept, minus the mean latent
of those it reads as not having it. Adding it to a new latent should give the concept to the picture and leave
everything else as it was: `flip_and_keep` counts both, from the judge's readings before and after.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch


def concept_vector(z: torch.Tensor, has: torch.Tensor) -> torch.Tensor:
    """mean(z[has]) - mean(z[~has]): z (N, Z) latents, has (N,) booleans from the judge's reading of G(z)."""
    has = torch.as_tensor(has, dtype=torch.bool, device=z.device).reshape(-1)
    if len(has) != len(z):
        raise ValueError(f"got {len(has)} readings for {len(z)} latents")
    if not has.any() or has.all():
        raise ValueError("a concept vector needs samples both with and without the concept")
    return z[has].mean(0) - z[~has].mean(0)


def flip_and_keep(before: torch.Tensor, after: torch.Tensor, column: int, value: int,
                  names: Sequence[str]) -> dict:
    """Judged attributes (N, A) of the same faces before and after the arithmetic: the share whose column
    `column` now reads `value` ("flipped"), and for each other attribute the share that reads as before."""
    before, after = torch.as_tensor(before).cpu(), torch.as_tensor(after).cpu()
    if before.shape != after.shape or before.dim() != 2 or before.shape[1] != len(names):
        raise ValueError(f"before and after must both be (N, {len(names)}); got {tuple(before.shape)} and "
                         f"{tuple(after.shape)}")
    kept = {name: (after[:, j] == before[:, j]).float().mean().item() for j, name in enumerate(names) if j != column}
    return {"flipped": (after[:, column] == value).float().mean().item(), "kept": kept}
