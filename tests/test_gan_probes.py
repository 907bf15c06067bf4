"""course_utils.evaluate.gradients, .sampling and .metrics: the gradient probe, sampling and the judge's figures."""

import math

import pytest
import torch
from torch import nn

from course_utils import losses
from course_utils.evaluate import gradients, metrics, sampling
from course_utils.judges.labels import Judge
from course_utils.judges.net import JudgeNet


class TinyG(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(3, 4)

    def forward(self, z, labels=None):
        return self.lin(z)


class TinyD(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(4, 1)
        self.drop = nn.Dropout(0.5)

    def forward(self, x, labels=None):
        return self.lin(self.drop(x)).squeeze(1)


def test_grad_norm_is_the_norm_of_all_pieces_together():
    assert gradients.grad_norm([torch.tensor([3.0]), None, torch.tensor([[4.0]])]) == pytest.approx(5.0)
    assert gradients.grad_norm([]) == 0.0


def test_probe_matches_the_chain_rule_for_one_sample():
    torch.manual_seed(0)
    G, D = TinyG(), TinyD()
    D.train()
    z = torch.randn(1, 3)
    norms = gradients.generator_gradient_norms(
        G, D, z, {"sat": losses.g_loss_saturating, "ns": losses.g_loss_non_saturating})
    d = norms["D(G(z))"]
    # one sample: both gradients are the same vector scaled by D and by 1 - D
    assert norms["ns"] / norms["sat"] == pytest.approx((1 - d) / d, rel=1e-5)
    assert all(p.grad is None for p in list(G.parameters()) + list(D.parameters()))
    assert D.training  # mode restored


def test_parameter_grad_norm_reads_grad():
    lin = nn.Linear(2, 1, bias=False)
    lin.weight.grad = torch.tensor([[6.0, 8.0]])
    assert gradients.parameter_grad_norm(lin) == pytest.approx(10.0)


def test_balanced_labels_and_generate():
    labels = sampling.balanced_labels(1000, 10)
    assert torch.bincount(labels).tolist() == [100] * 10
    G = TinyG().train()
    a = sampling.generate(G, sampling.noise(25, 3, seed=4), batch_size=10)
    b = sampling.generate(G, sampling.noise(25, 3, seed=4))
    c = sampling.generate(G, sampling.noise(25, 3, seed=5))
    assert a.shape == (25, 4) and torch.allclose(a, b) and not torch.allclose(a, c)
    assert G.training


def test_generate_passes_every_condition_row_by_row_in_batches():
    """InfoGAN's G takes (z, category, continuous): each condition is cut into the same batches as z."""

    class ThreeInputs(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.scale, self.batches = torch.nn.Parameter(torch.ones(())), []

        def forward(self, z, category, continuous):
            self.batches.append(len(z))
            return self.scale * z.sum(1, keepdim=True) + 10 * category[:, None] + continuous

    g, z, category = ThreeInputs(), torch.randn(7, 3), torch.arange(7)
    out = sampling.generate(g, z, category, torch.ones(7, 1), batch_size=3)
    assert g.batches == [3, 3, 1] and torch.allclose(out, z.sum(1, keepdim=True) + 10 * category[:, None] + 1)


@pytest.fixture
def random_judge():
    torch.manual_seed(0)
    return Judge(JudgeNet(10), "mnist", "untrained, for tests", tuple(str(i) for i in range(10)), 0.1, 0.0)


def test_judge_figures_of_a_set_against_itself(random_judge):
    images = torch.rand(300, 1, 28, 28) * 2 - 1
    asked = random_judge.predict(images)
    asked[:90] = (asked[:90] + 1) % 10  # 90 of the 300 images were asked for another class than they show
    figures = metrics.judge_figures(random_judge, images, metrics.Reference(random_judge, images), labels=asked)
    assert figures["diversity"] == pytest.approx(1.0, rel=1e-6)
    assert figures["frechet"] == pytest.approx(0.0, abs=1e-3)
    assert figures["conditional_accuracy"] == pytest.approx(210 / 300)
    assert 0 <= figures["class_min_share"] <= 0.1 <= figures["class_max_share"] <= 1


def test_judge_figures_see_a_collapse(random_judge):
    reference = torch.rand(300, 1, 28, 28) * 2 - 1
    collapsed = reference[:1].repeat(300, 1, 1, 1)
    ref = metrics.Reference(random_judge, reference)
    figures = metrics.judge_figures(random_judge, collapsed, ref)
    assert figures["diversity"] < 1e-3
    assert figures["class_max_share"] == 1.0 and figures["class_min_share"] == 0.0
    assert figures["frechet"] > 0 and math.isfinite(figures["frechet"])
