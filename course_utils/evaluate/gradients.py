"""Probes of the gradient that reaches a generator: how strongly does each loss push G's parameters?

The lesson of notebook 03: with a confident discriminator, the original (saturating) generator loss
log(1 - D(G(z))) sends almost no gradient back to G, while the non-saturating -log D(G(z)) sends a lot.
Both losses are measured on the *same* forward pass, so the ratio compares the losses and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import torch
from torch import nn


def grad_norm(tensors) -> float:
    """Euclidean norm of a list of gradients taken together (as if they were one long vector)."""
    squares = [g.detach().double().pow(2).sum() for g in tensors if g is not None]
    return float(torch.stack(squares).sum().sqrt()) if squares else 0.0


def parameter_grad_norm(module: nn.Module) -> float:
    """Norm of the .grad of all of a module's parameters (call it after backward, before the optimizer step)."""
    return grad_norm(p.grad for p in module.parameters())


def generator_gradient_norms(
    generator: nn.Module,
    discriminator: nn.Module,
    z: torch.Tensor,
    g_losses: Mapping[str, Callable[[torch.Tensor], torch.Tensor]],
    labels: torch.Tensor | None = None,
) -> dict[str, float]:
    """The norm of d(loss)/d(theta_G) for each named generator loss, on one shared forward pass.

    Returns {name: norm} plus 'D(G(z))', the discriminator's mean probability of 'real' on the batch, which
    says how confident D was. Nothing is changed: no .grad is written, no optimizer is touched, and D runs
    in eval mode (no dropout), so every loss sees exactly the same logits. G keeps its mode.
    """
    params = [p for p in generator.parameters() if p.requires_grad]
    was_training = discriminator.training
    discriminator.eval()
    try:
        fake = generator(z, labels) if labels is not None else generator(z)
        logits = discriminator(fake, labels) if labels is not None else discriminator(fake)
        norms = {}
        for name, loss_fn in g_losses.items():
            grads = torch.autograd.grad(loss_fn(logits), params, retain_graph=True, allow_unused=True)
            norms[name] = grad_norm(grads)
        norms["D(G(z))"] = torch.sigmoid(logits).mean().item()
    finally:
        discriminator.train(was_training)
    return norms
