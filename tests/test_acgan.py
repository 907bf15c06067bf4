import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from course_utils import losses
from course_utils.data import faces
from course_utils.models import acgan

SIZES = (3, 2, 3, 2, 4)


def test_vector_width_and_split():
    assert faces.vector_width(SIZES) == 12 == faces.attribute_vector(torch.zeros(1, 5, dtype=torch.long)).shape[1]
    blocks = faces.split_logits(torch.arange(24.0).view(2, 12), SIZES)
    assert [b.shape[1] for b in blocks] == [3, 1, 3, 1, 4]
    assert blocks[4][0].tolist() == [8.0, 9.0, 10.0, 11.0]


def test_attribute_loss_takes_raw_logits_no_softmax_before_the_cross_entropy():
    torch.manual_seed(0)
    logits = torch.randn(6, 12) * 3
    target = torch.tensor([[0, 1, 2, 0, 3], [1, 0, 0, 1, 2], [2, 1, 1, 0, 0],
                           [0, 0, 2, 1, 1], [1, 1, 0, 0, 3], [2, 0, 1, 1, 2]])
    blocks = faces.split_logits(logits, SIZES)
    # the loss written out by hand: -log softmax(logits)[y] per categorical block, BCE-with-logits per binary one
    expected = 0.0
    for j, (block, k) in enumerate(zip(blocks, SIZES)):
        if k == 2:
            p = torch.sigmoid(block.squeeze(1))
            y = target[:, j].float()
            expected += -(y * p.log() + (1 - y) * (1 - p).log()).mean()
        else:
            expected += -block.log_softmax(1)[torch.arange(6), target[:, j]].mean()
    loss = losses.attribute_loss(logits, target, SIZES)
    assert torch.allclose(loss, expected, atol=1e-5)
    # the mistake this guards against: a softmax in front of cross_entropy gives a different, wrong number
    double = sum(F.cross_entropy(b.softmax(1), target[:, j]) for j, (b, k) in enumerate(zip(blocks, SIZES)) if k > 2)
    single = sum(F.cross_entropy(b, target[:, j]) for j, (b, k) in enumerate(zip(blocks, SIZES)) if k > 2)
    assert abs(double.item() - single.item()) > 0.1
    # the loss can go to zero with confident logits: impossible if the logits were squashed by a softmax first
    confident = faces.attribute_vector(target) * 40 - 20
    assert losses.attribute_loss(confident, target, SIZES).item() < 1e-6


def test_discriminator_heads_return_logits_and_no_softmax_module():
    torch.manual_seed(0)
    D = acgan.Discriminator(12).eval()  # eval: spectral norm stops its power iteration
    assert not any(isinstance(m, (nn.Softmax, nn.LogSoftmax, nn.Sigmoid)) for m in D.modules())
    x = torch.rand(5, 3, 32, 32) * 2 - 1
    a = faces.attribute_vector(torch.tensor([[0, 1, 2, 0, 3]] * 5))
    source, attributes = D(x, a)
    assert source.shape == (5,) and attributes.shape == (5, 12)
    # logits are unnormalised: a categorical block does not sum to 1 and values can be negative
    assert (attributes[:, 8:].sum(1) - 1).abs().max() > 1e-3 or (attributes < 0).any()
    # the attribute vector reaches D's source head (projection) but not its attribute head
    source_b, attributes_b = D(x, faces.attribute_vector(torch.tensor([[2, 0, 0, 1, 0]] * 5)))
    assert not torch.allclose(source, source_b) and torch.allclose(attributes, attributes_b)


@pytest.mark.parametrize("size", [32, 64])
def test_generator_shapes_and_conditioning(size):
    torch.manual_seed(0)
    G = acgan.Generator(16, 12, size=size).eval()
    z = torch.randn(3, 16)
    a = faces.attribute_vector(torch.tensor([[0, 1, 2, 0, 3]] * 3))
    x = G(z, a)
    assert x.shape == (3, 3, size, size) and x.abs().max() <= 1
    assert not torch.allclose(x, G(z, faces.attribute_vector(torch.tensor([[2, 0, 0, 1, 1]] * 3))))
    D = acgan.Discriminator(12, size=size)
    assert D(x)[1].shape == (3, 12)


def test_identity_code_is_an_extra_input():
    G = acgan.Generator(8, 12, identity_dim=5).eval()
    a = faces.attribute_vector(torch.zeros(2, 5, dtype=torch.long))
    out = G(torch.zeros(2, 8), a, torch.eye(5)[:2])
    assert out.shape == (2, 3, 32, 32) and not torch.allclose(out[0], out[1])


def test_predict_attributes_inverts_the_vector():
    target = torch.tensor([[2, 1, 0, 0, 3], [0, 0, 1, 1, 1]])
    assert torch.equal(faces.predict_attributes(faces.attribute_vector(target) * 4 - 2, SIZES), target)


def test_invert_finds_a_z_that_reproduces_a_generated_image():
    torch.manual_seed(0)
    G = acgan.Generator(8, 12, width=16).eval()
    a = faces.attribute_vector(torch.tensor([[1, 0, 1, 0, 2]] * 4))
    with torch.no_grad():
        target = G(torch.randn(4, 8), a)
        start = (G(torch.randn(4, 8), a) - target).pow(2).mean()
    z = acgan.invert(G, target, a, steps=150, restarts=2)
    with torch.no_grad():
        after = (G(z, a) - target).pow(2).mean()
    assert after < 0.3 * start
    assert all(p.requires_grad for p in G.parameters())


def test_without_attributes_the_networks_are_an_unconditional_gan():
    # notebook 09's face GAN: 07's networks with the attribute vector taken away
    torch.manual_seed(0)
    G, D = acgan.Generator(16, 0, width=8), acgan.Discriminator(0, width=8)
    assert not any(isinstance(m, nn.Linear) and 0 in m.weight.shape for m in [*G.modules(), *D.modules()])
    images = G(torch.randn(4, 16))
    assert images.shape == (4, 3, 32, 32) and images.abs().max() <= 1
    source, attribute_logits = D(images)
    assert source.shape == (4,) and attribute_logits is None
    source.sum().backward()
    assert G.project.weight.grad.abs().sum() > 0, "D's verdict must reach G"
    with pytest.raises(ValueError, match="takes 0 attribute numbers"):
        G(torch.randn(4, 16), torch.zeros(4, 12))
    with pytest.raises(ValueError, match="got none"):
        acgan.Generator(16, 12, width=8)(torch.randn(4, 16))
