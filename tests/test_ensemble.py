"""course_utils.models.ensemble: several small networks trained as one, each run on its own."""

import copy

import pytest
import torch
from torch import nn

from course_utils.models import ensemble


def test_each_run_meets_only_its_own_weights():
    torch.manual_seed(0)
    layer = ensemble.EnsembleLinear(3, 4, 5)
    x = torch.randn(3, 7, 4)
    out = layer(x)
    assert out.shape == (3, 7, 5)
    for r in range(3):
        assert torch.allclose(out[r], x[r] @ layer.weight[r] + layer.bias[r], atol=1e-6)
    # a loss of run 1 alone moves run 1's weights alone
    layer(x)[1].sum().backward()
    assert layer.weight.grad[[0, 2]].abs().max() == 0 and layer.weight.grad[1].abs().sum() > 0


def test_initialised_as_nn_linear():
    layer = ensemble.EnsembleLinear(4, 100, 30)
    bound = 1 / 100**0.5
    assert layer.weight.abs().max() <= bound and layer.weight.abs().max() > 0.9 * bound
    assert not torch.equal(layer.weight[0], layer.weight[1])  # every run starts from its own weights


def test_training_two_runs_as_one_equals_training_them_apart():
    torch.manual_seed(1)
    both = nn.Sequential(*ensemble.mlp(2, [3, 8], nn.ReLU), ensemble.EnsembleLinear(2, 8, 1))
    apart = [copy.deepcopy(both) for _ in range(2)]
    x, y = torch.randn(2, 16, 3), torch.randn(2, 16, 1)
    opt = torch.optim.Adam(both.parameters(), lr=0.01)
    opts = [torch.optim.Adam(m.parameters(), lr=0.01) for m in apart]
    for _ in range(20):
        opt.zero_grad()
        ((both(x) - y) ** 2).mean(dim=(1, 2)).sum().backward()  # one loss per run, summed
        opt.step()
        for r, (model, o) in enumerate(zip(apart, opts)):
            o.zero_grad()
            ((model(x) - y) ** 2).mean(dim=(1, 2))[r].backward()  # the same model, trained on run r's loss only
            o.step()
    for r, model in enumerate(apart):
        for joint, alone in zip(both.parameters(), model.parameters()):
            assert torch.allclose(joint[r], alone[r], atol=1e-6)


def test_spectral_normalisation_makes_each_run_1_lipschitz():
    torch.manual_seed(2)
    layer = ensemble.EnsembleLinear(3, 6, 4, spectral=True)
    with torch.no_grad():
        layer.weight.mul_(torch.tensor([1.0, 10.0, 0.1])[:, None, None])  # very different scales per run
    for _ in range(30):  # one power iteration per training forward pass
        layer(torch.randn(3, 2, 6))
    sigma = torch.linalg.matrix_norm(layer.normalised_weight().detach(), ord=2)
    assert torch.allclose(sigma, torch.ones(3), atol=1e-3), sigma
    layer.eval()  # evaluation uses the estimate without refining it
    u = layer.u.clone()
    layer(torch.randn(3, 2, 6))
    assert torch.equal(u, layer.u)


def test_spectral_normalisation_can_be_used_twice_in_one_graph():
    layer = ensemble.EnsembleLinear(2, 3, 3, spectral=True)
    x = torch.randn(2, 4, 3)
    (layer(x).sum() + layer(x).sum()).backward()  # D on real, then on fake, one backward
    assert layer.weight.grad is not None


def test_generator_noise_and_shapes():
    G = ensemble.EnsembleGenerator(4, z_dim=3, hidden=8)
    z = G.noise(5, torch.Generator().manual_seed(0))
    assert z.shape == (4, 5, 3) and torch.equal(z, G.noise(5, torch.Generator().manual_seed(0)))
    assert G(z).shape == (4, 5, 2)


@pytest.mark.parametrize("bad", [torch.randn(4, 3), torch.randn(2, 5, 3)])
def test_wrong_shapes_fail(bad):
    with pytest.raises(RuntimeError):
        ensemble.EnsembleLinear(3, 3, 2)(bad)
