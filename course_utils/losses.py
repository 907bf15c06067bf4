"""The GAN losses the notebooks compare, written once, all on logits.

D outputs a logit a; its probability of 'real' is sigmoid(a). Working on logits (BCE-with-logits) is the
numerically safe form of log D and log(1 - D): log sigmoid(a) never takes log(0).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def d_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor, real_target: float = 1.0) -> torch.Tensor:
    """-[log D(x) + log(1 - D(G(z)))], averaged: the discriminator's side of the minimax game.

    real_target < 1 gives one-sided label smoothing (Salimans et al., 2016).
    """
    real = F.binary_cross_entropy_with_logits(real_logits, torch.full_like(real_logits, real_target))
    fake = F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
    return real + fake


def g_loss_saturating(fake_logits: torch.Tensor) -> torch.Tensor:
    """log(1 - D(G(z))), minimised: the generator's side of the original minimax value.

    Its gradient vanishes when D confidently rejects the fakes, which is exactly early in training.
    """
    return -F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))


def g_loss_non_saturating(fake_logits: torch.Tensor) -> torch.Tensor:
    """-log D(G(z)): same fixed point, strong gradients when D rejects the fakes (Goodfellow et al., 2014)."""
    return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))


def d_hinge_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """The hinge (energy-based) view of D's loss: max(0, 1 - D(x)) + max(0, 1 + D(G(z)))."""
    return F.relu(1 - real_logits).mean() + F.relu(1 + fake_logits).mean()


def g_hinge_loss(fake_logits: torch.Tensor) -> torch.Tensor:
    return -fake_logits.mean()


def r1_penalty(real_logits: torch.Tensor, real_inputs: torch.Tensor) -> torch.Tensor:
    """R1 (Mescheder et al., 2018): the squared gradient norm of D's logit at real data, per sample.

    real_inputs must have requires_grad set before D is applied to them.
    """
    (grad,) = torch.autograd.grad(real_logits.sum(), real_inputs, create_graph=True)
    return grad.pow(2).reshape(len(grad), -1).sum(1).mean()
