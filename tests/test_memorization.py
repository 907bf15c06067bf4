"""The memorization check (course_utils.evaluate.memorization) on generators whose answer is known."""

import pytest
import torch

from course_utils.evaluate import memorization


def draw(n, seed, dim=16):
    return torch.randn(n, dim, generator=torch.Generator().manual_seed(seed))


def test_nearest_finds_each_querys_closest_training_item():
    train = torch.tensor([[0.0, 0.0], [10.0, 0.0], [0.0, 5.0]])
    distance, index = memorization.nearest(torch.tensor([[9.0, 0.0], [0.0, 4.0], [1.0, 1.0]]), train)
    assert index.tolist() == [1, 2, 0]
    assert distance.tolist() == pytest.approx([1.0, 1.0, 2 ** 0.5])
    with pytest.raises(ValueError, match="differ in size"):
        memorization.nearest(torch.zeros(2, 3), train)


def test_images_are_compared_as_flat_vectors():
    train = torch.zeros(4, 1, 2, 2)
    train[2] = 1.0
    _, index = memorization.nearest(torch.full((1, 1, 2, 2), 0.9), train)
    assert index.tolist() == [2]


def test_a_generator_that_draws_new_samples_is_not_flagged():
    train, heldout = draw(1000, 0), draw(500, 1)
    figures = memorization.memorization_figures(draw(500, 2), heldout, train)
    assert 0.9 < figures["ratio"] < 1.1 and figures["copies"] < 0.05 and not figures["flagged"], figures


def test_a_generator_that_copies_its_training_set_is_flagged():
    train, heldout = draw(1000, 0), draw(500, 1)
    copies = train[torch.randint(0, 1000, (500,), generator=torch.Generator().manual_seed(3))]
    figures = memorization.memorization_figures(copies + 0.05 * draw(500, 4), heldout, train)
    assert figures["ratio"] < 0.1 and figures["copies"] > 0.95 and figures["flagged"], figures


def test_a_generator_that_copies_a_fifth_of_the_time_is_flagged():
    train, heldout = draw(1000, 0), draw(500, 1)
    mixed = torch.cat([train[:100], draw(400, 5)])
    figures = memorization.memorization_figures(mixed, heldout, train)
    assert 0.15 < figures["copies"] < 0.25 and figures["flagged"], figures
    assert figures["nearest_train"][:100].tolist() == list(range(100))  # the copies found their originals
