"""Figures for attribute-conditioned face generators: attribute accuracy by a judge, and whether the identity
holds when one attribute is toggled (measured in an identity classifier's embedding)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch

from ..data import faces


def per_attribute_accuracy(predicted: torch.Tensor, attributes: torch.Tensor,
                           names: Sequence[str] = faces.ATTRIBUTE_NAMES) -> dict[str, float]:
    hits = (predicted.cpu() == attributes.cpu()).float().mean(0)
    return {name: hits[j].item() for j, name in enumerate(names)}



def toggled(attributes: torch.Tensor, column: int, values: int, generator: torch.Generator) -> torch.Tensor:
    """A copy of integer attributes with one column changed to a different value, chosen at random."""
    out = attributes.clone()
    step = torch.randint(1, values, (len(out),), generator=generator)
    out[:, column] = (out[:, column] + step.to(out.device)) % values
    return out


def identity_ratio(embed: Callable[[torch.Tensor], torch.Tensor], draw: Callable[[torch.Tensor, torch.Tensor],
                   torch.Tensor], z: torch.Tensor, attributes: torch.Tensor,
                   sizes: Sequence[int] = faces.ATTRIBUTE_SIZES, names: Sequence[str] = faces.ATTRIBUTE_NAMES,
                   seed: int = 0) -> dict[str, float]:
    """How much toggling one attribute moves a face in identity space, relative to changing the person.

    draw(z, attributes) -> images; embed(images) -> identity embeddings. For each attribute, the mean
    distance between draw(z, a) and draw(z, a with that attribute toggled), divided by the mean distance
    between draw(z, a) and draw(z', a) for another z' (a different face with the same attributes).
    Returns the ratio per attribute and their mean under 'mean'. Small is good: the identity holds.
    """
    if len(z) < 2:  # the other person of each face is the next face's z
        raise ValueError(f"an identity ratio needs at least 2 faces; got {len(z)}")
    g = torch.Generator().manual_seed(seed)
    base = embed(draw(z, attributes))
    other = embed(draw(z.roll(1, 0), attributes))
    between = (base - other).norm(dim=1).mean().item()
    ratios = {}
    for j, (name, k) in enumerate(zip(names, sizes)):
        moved = embed(draw(z, toggled(attributes, j, k, g)))
        ratios[name] = (base - moved).norm(dim=1).mean().item() / between
    ratios["mean"] = sum(ratios.values()) / len(names)
    return ratios
