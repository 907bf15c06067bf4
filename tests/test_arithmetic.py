import pytest
import torch

from course_utils.evaluate import arithmetic

NAMES = ("pose", "smiling", "hair")


def test_the_concept_vector_is_the_difference_of_the_two_means():
    z = torch.tensor([[1.0, 0.0], [3.0, 2.0], [0.0, 0.0], [0.0, 4.0]])
    has = torch.tensor([True, True, False, False])
    assert arithmetic.concept_vector(z, has).tolist() == [2.0, -1.0]


def test_a_direction_that_decides_the_concept_is_found_among_noise():
    g = torch.Generator().manual_seed(0)
    z = torch.randn(4000, 16, generator=g)
    has = z[:, 5] > 0  # the "judge" reads the concept from coordinate 5 alone
    v = arithmetic.concept_vector(z, has)
    assert v[5] > 1.5 and v.abs().argmax() == 5 and (v.abs()[torch.arange(16) != 5] < 0.15).all()


def test_a_concept_everyone_or_no_one_has_has_no_vector():
    with pytest.raises(ValueError, match="both with and without"):
        arithmetic.concept_vector(torch.randn(5, 3), torch.ones(5, dtype=torch.bool))
    with pytest.raises(ValueError, match="readings"):
        arithmetic.concept_vector(torch.randn(5, 3), torch.ones(4, dtype=torch.bool))


def test_flip_and_keep():
    before = torch.tensor([[0, 0, 1], [1, 0, 2], [2, 0, 3], [1, 0, 0]])
    after = torch.tensor([[0, 1, 1], [0, 1, 2], [2, 0, 1], [1, 1, 0]])
    figures = arithmetic.flip_and_keep(before, after, column=1, value=1, names=NAMES)
    assert figures["flipped"] == pytest.approx(0.75)
    assert figures["kept"] == pytest.approx({"pose": 0.75, "hair": 0.75})
    with pytest.raises(ValueError, match=r"\(N, 3\)"):
        arithmetic.flip_and_keep(before, after[:, :2], 1, 1, NAMES)


@pytest.mark.parametrize("share", [0.5, 0.3])
def test_the_half_space_figures_are_what_sampling_an_ideal_generator_gives(share):
    g = torch.Generator().manual_seed(1)
    z = torch.randn(200_000, 8, generator=g)
    threshold = torch.quantile(z[:, 0], 1 - share)
    has = z[:, 0] > threshold
    v = arithmetic.concept_vector(z, has)
    flipped = ((z[~has] + v)[:, 0] > threshold).float().mean().item()
    length, flip_share = arithmetic.half_space(share)
    assert v.norm().item() == pytest.approx(length, abs=0.02)
    assert flipped == pytest.approx(flip_share, abs=0.01)
    shorter = ((z[~has] + 0.7 * v)[:, 0] > threshold).float().mean().item()
    assert arithmetic.half_space(share, length=0.7 * length) == pytest.approx((length, shorter), abs=0.01)
    with pytest.raises(ValueError, match="between 0 and 1"):
        arithmetic.half_space(1.0)


def test_the_linear_readout_tells_a_linear_concept_from_a_curved_one():
    g = torch.Generator().manual_seed(2)
    z = torch.randn(5000, 16, generator=g)
    linear = (z[:, 3] - z[:, 7] > 0.5).long()
    three_way = torch.stack([z[:, 0], z[:, 1], -z[:, 0] - z[:, 1]], 1).argmax(1)
    curved = (z[:, 3].abs() > 0.6745).long()  # half the points, but no hyperplane separates them
    assert arithmetic.linear_readout(z, linear) > 0.97
    assert arithmetic.linear_readout(z, three_way) > 0.95
    assert arithmetic.linear_readout(z, curved) < 0.6
    with pytest.raises(ValueError, match="labels for"):
        arithmetic.linear_readout(z, linear[:10])
