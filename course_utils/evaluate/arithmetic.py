"""Vector arithmetic in a generator's latent space (Radford et al., 2016), measured by a judge.

A concept vector is the mean latent of samples that the judge reads as having a concept, minus the mean latent
of those it reads as not having it. Adding it to a new latent should give the concept to the picture and leave
everything else as it was: `flip_and_keep` counts both, from the judge's readings before and after.
`half_space` says what the arithmetic would give if the concept were decided by one direction of z, and
`linear_readout` measures how far the judged concept is from that: how well a linear function of z predicts it.
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import NormalDist

import torch
import torch.nn.functional as F


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


def half_space(share: float, length: float | None = None) -> tuple[float, float]:
    """The arithmetic on an ideal generator, whose concept is the half-space u . z > t of z ~ N(0, I) (|u| = 1)
    holding a share `share` of the faces: (|v|, the share of faces without the concept that a step along u flips).
    The step is the concept vector v itself, or a step of `length` along u when given.

    u . z is N(0, 1), so t = Phi^-1(1 - share), and the means of u . z on the two sides are phi(t) / share and
    -phi(t) / (1 - share); every direction orthogonal to u is independent of u . z and averages to 0 on both, so
    v = |v| u with |v| = phi(t) / (share (1 - share)). A face without the concept (u . z < t) has it after a step
    of length L along u when u . z > t - L.
    """
    if not 0 < share < 1:
        raise ValueError(f"share must be between 0 and 1 (exclusive); got {share}")
    normal = NormalDist()
    t = normal.inv_cdf(1 - share)
    vector_length = normal.pdf(t) / (share * (1 - share))
    step = vector_length if length is None else length
    return vector_length, (normal.cdf(t) - normal.cdf(t - step)) / normal.cdf(t)


def linear_readout(z: torch.Tensor, labels: torch.Tensor, held_out: float = 0.2, seed: int = 0) -> float:
    """Held-out accuracy of a linear classifier (softmax regression, fitted by L-BFGS) that reads `labels` (N,)
    from the latents z (N, Z): near 1 when hyperplanes split the labels (a half-space, or values in order along one
    direction), near the most common label's share when nothing linear in z tells them apart. A random `held_out`
    share of the rows is kept out of the fit and scored."""
    z, labels = z.detach().float().cpu(), torch.as_tensor(labels).long().cpu().reshape(-1)
    if len(labels) != len(z):
        raise ValueError(f"got {len(labels)} labels for {len(z)} latents")
    order = torch.randperm(len(z), generator=torch.Generator().manual_seed(seed))
    n_test = int(round(held_out * len(z)))
    if not 0 < n_test < len(z):
        raise ValueError(f"held_out {held_out} leaves no rows to fit or none to score among {len(z)}")
    test, fit = order[:n_test], order[n_test:]
    classifier = torch.nn.Linear(z.shape[1], int(labels.max()) + 1)
    with torch.no_grad():  # the fit is convex: start from zero, leaving the global random state alone
        classifier.weight.zero_()
        classifier.bias.zero_()
    optimizer = torch.optim.LBFGS(classifier.parameters(), max_iter=200, line_search_fn="strong_wolfe")

    def loss():
        optimizer.zero_grad()
        # a little weight decay keeps the fit finite where the classes are separable
        value = F.cross_entropy(classifier(z[fit]), labels[fit]) + 1e-4 * classifier.weight.pow(2).sum()
        value.backward()
        return value

    optimizer.step(loss)
    with torch.no_grad():
        return (classifier(z[test]).argmax(1) == labels[test]).float().mean().item()
