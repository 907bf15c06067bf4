"""course_utils.losses, and the facts about the optimal discriminator that notebooks 01 and 03 teach."""

import math

import pytest
import torch

from course_utils import losses


def test_a_d_that_cannot_tell_pays_the_equilibrium_loss():
    half = torch.zeros(6, 1)  # logit 0: D says 1/2
    assert math.isclose(losses.d_loss(half, half).item(), losses.EQUILIBRIUM_D_LOSS, rel_tol=1e-6)
    assert math.isclose(losses.EQUILIBRIUM_D_LOSS, math.log(4))
    assert losses.d_loss(torch.full((6, 1), 3.0), torch.full((6, 1), -3.0)) < losses.EQUILIBRIUM_D_LOSS


def _random_pair(seed, n=12):
    g = torch.Generator().manual_seed(seed)
    p_data, p_g = torch.rand(n, generator=g, dtype=torch.float64), torch.rand(n, generator=g, dtype=torch.float64)
    return p_data / p_data.sum(), p_g / p_g.sum()


def test_the_optimal_d_says_at_most_one_half_to_the_fakes_on_average():
    # notebook 01: E_pg[D*] = 1 - E_pdata[D*] <= 1/2, for any G
    for seed in range(50):
        p_data, p_g = _random_pair(seed)
        d_star = p_data / (p_data + p_g)
        on_fakes, on_real = (p_g * d_star).sum().item(), (p_data * d_star).sum().item()
        assert math.isclose(on_fakes + on_real, 1.0) and on_fakes <= 0.5 + 1e-12


def test_the_value_at_the_optimal_d_is_the_jensen_shannon_form():
    # notebook 03: V(D*, G) = -log 4 + 2 JSD(p_data || p_g), and no D does better than D*
    for seed in range(50):
        p_data, p_g = _random_pair(seed)
        d_star = p_data / (p_data + p_g)
        value = (p_data * d_star.log()).sum() + (p_g * (1 - d_star).log()).sum()
        middle = (p_data + p_g) / 2
        jsd = 0.5 * (p_data * (p_data / middle).log()).sum() + 0.5 * (p_g * (p_g / middle).log()).sum()
        assert math.isclose(value.item(), -math.log(4) + 2 * jsd.item(), abs_tol=1e-12)
        other = torch.rand(len(p_data), generator=torch.Generator().manual_seed(seed + 100), dtype=torch.float64)
        assert (p_data * other.log()).sum() + (p_g * (1 - other).log()).sum() <= value


def test_gaussian_nll_is_the_normal_log_density_without_its_constant():
    g = torch.Generator().manual_seed(0)
    mean, log_var, value = (torch.randn(32, 2, generator=g) for _ in range(3))
    exact = -torch.distributions.Normal(mean, (0.5 * log_var).exp()).log_prob(value).sum(1).mean()
    constant = 2 * 0.5 * math.log(2 * math.pi)  # two codes
    assert losses.gaussian_nll(mean, log_var, value).item() == pytest.approx(exact.item() - constant, abs=1e-5)
    # a unit Gaussian centred on the value costs nothing; the loss falls as the mean moves onto the value
    assert losses.gaussian_nll(value, torch.zeros_like(value), value).item() == 0
    unit = torch.zeros_like(value)
    assert losses.gaussian_nll(value + 0.1, unit, value) < losses.gaussian_nll(mean, unit, value)
