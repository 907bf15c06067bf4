"""The GAN losses the notebooks compare, written once, all on logits.

D outputs a logit a; its probability of 'real' is sigmoid(a). Working on logits (BCE-with-logits) is the
numerically safe form of log D and log(1 - D): log sigmoid(a) never takes log(0).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
import torch.nn.functional as F

# d_loss where D says 1/2 to everything: what D pays at the equilibrium p_g = p_data (and what a D that cannot
# tell pays anywhere). The notebooks draw it on every curve of D's loss.
EQUILIBRIUM_D_LOSS = 2 * math.log(2)


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


def attribute_loss(logits: torch.Tensor, attributes: torch.Tensor, sizes: Sequence[int]) -> torch.Tensor:
    """Sum over attributes of BCE-with-logits (binary) or cross-entropy (categorical), each averaged over the batch.

    `sizes` lists each attribute's number of values (2: binary, one logit; k > 2: k logits), the layout of
    course_utils.data.faces.attribute_vector. Raw logits go straight into the losses: F.cross_entropy applies
    log-softmax itself, so a softmax in front of it would squash the logits twice and shrink the gradients.
    """
    blocks = torch.split(logits, [1 if k == 2 else k for k in sizes], dim=1)
    total = logits.new_zeros(())
    for j, (block, k) in enumerate(zip(blocks, sizes)):
        target = attributes[:, j]
        if k == 2:
            total = total + F.binary_cross_entropy_with_logits(block.squeeze(1), target.float())
        else:
            total = total + F.cross_entropy(block, target.long())
    return total


def gaussian_nll(mean: torch.Tensor, log_var: torch.Tensor, value: torch.Tensor) -> torch.Tensor:
    """-log N(value; mean, exp(log_var)) without its constant log(2 pi) / 2: summed over the codes (columns),
    averaged over the batch. InfoGAN's Q loss for continuous codes, where Q(c | x) is taken to be a Gaussian."""
    return (0.5 * log_var + 0.5 * (value - mean).pow(2) / log_var.exp()).sum(1).mean()
