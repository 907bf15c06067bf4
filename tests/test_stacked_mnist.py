import math

import pytest
import torch

from course_utils.data import stacked_mnist
from course_utils.data.imageset import ImageSet
from course_utils.evaluate import stacked_modes


def value_of(digit):
    """A digit written as a constant pixel value in [-1, 1]: 0 -> -1, 9 -> 1."""
    return -1 + 2 * digit / 9


class DecodingJudge:
    """Reads the digit a constant image encodes (value_of inverted), and records what it was asked to read."""

    def __init__(self):
        self.shapes = []

    def predict(self, images):
        self.shapes.append(tuple(images.shape))
        return ((images.mean((1, 2, 3)) + 1) * 4.5).round().long()


def digit_set(labels, side=28):
    labels = torch.tensor(labels)
    images = value_of(labels.float()).reshape(-1, 1, 1, 1).expand(-1, 1, side, side).clone()
    return images, labels


def stacked(triples, side=8):
    """Images (N, 3, side, side) whose channels are constant values encoding the given digits."""
    return value_of(torch.tensor(triples, dtype=torch.float32))[:, :, None, None].expand(-1, -1, side, side)


def test_mode_ids_follow_the_channel_order():
    images, labels = digit_set([1, 2, 3])
    stacked_images, modes = stacked_mnist.stack_digits(images, labels, 200, seed=0)
    digits = DecodingJudge().predict(stacked_images.reshape(-1, 1, 28, 28)).reshape(-1, 3)
    assert modes.dtype == torch.int64 and stacked_images.shape == (200, 3, 28, 28)
    assert torch.equal(modes, 100 * digits[:, 0] + 10 * digits[:, 1] + digits[:, 2])
    assert set(modes.tolist()) <= {100 * a + 10 * b + c for a in (1, 2, 3) for b in (1, 2, 3) for c in (1, 2, 3)}
    one = stacked_mnist.stack_digits(*digit_set([7]), 1, seed=0)[1]
    assert one.tolist() == [777]


def test_channels_are_drawn_independently_and_uniformly():
    _, modes = stacked_mnist.stack_digits(*digit_set(list(range(10))), 20_000, seed=1)
    assert stacked_modes.modes_covered(modes) == 1000
    assert stacked_modes.kl_to_uniform(modes) < 0.05


def test_stacking_is_seeded():
    images, labels = digit_set(list(range(10)))
    first = stacked_mnist.stack_digits(images, labels, 50, seed=3)
    again = stacked_mnist.stack_digits(images, labels, 50, seed=3)
    other = stacked_mnist.stack_digits(images, labels, 50, seed=4)
    assert torch.equal(first[0], again[0]) and torch.equal(first[1], again[1])
    assert not torch.equal(first[1], other[1])


@pytest.mark.parametrize("images, labels, n, message", [
    (torch.zeros(4, 3, 28, 28), torch.zeros(4, dtype=torch.long), 5, "one-channel"),
    (torch.zeros(4, 28, 28), torch.zeros(4, dtype=torch.long), 5, "one-channel"),
    (torch.zeros(4, 1, 28, 28), torch.zeros(3, dtype=torch.long), 5, "one per image"),
    (torch.zeros(4, 1, 28, 28), torch.full((4,), 10), 5, "digits 0-9"),
    (torch.zeros(4, 1, 28, 28), torch.zeros(4, dtype=torch.long), 0, "at least 1"),
])
def test_stack_digits_rejects_bad_input(images, labels, n, message):
    with pytest.raises(ValueError, match=message):
        stacked_mnist.stack_digits(images, labels, n, seed=0)


def test_load_stacked_mnist_labels_by_mode_and_names_its_source(monkeypatch):
    asked = []

    def fake_load_images(dataset, split, root):
        asked.append((dataset, split))
        return ImageSet(*digit_set(list(range(10))), tuple("0123456789"), "fake MNIST", split)

    monkeypatch.setattr(stacked_mnist, "load_images", fake_load_images)
    data = stacked_mnist.load_stacked_mnist(300, split="test", seed=2)
    assert asked == [("mnist", "test")]
    assert data.images.shape == (300, 3, 28, 28) and data.split == "test"
    assert len(data.class_names) == 1000 and data.class_names[7] == "007" and data.class_names[-1] == "999"
    assert "Stacked MNIST" in data.source and "fake MNIST" in data.source
    assert torch.equal(stacked_modes.read_modes(DecodingJudge(), data.images), data.labels)


def test_read_modes_reads_every_channel_in_one_call():
    judge = DecodingJudge()
    modes = stacked_modes.read_modes(judge, stacked([[1, 2, 3], [0, 0, 9], [9, 8, 0], [3, 2, 1]]))
    assert modes.tolist() == [123, 9, 980, 321]
    assert judge.shapes == [(12, 1, 8, 8)]


@pytest.mark.parametrize("shape", [(4, 1, 8, 8), (4, 8, 8), (4, 4, 8, 8)])
def test_read_modes_rejects_non_stacked_images(shape):
    with pytest.raises(ValueError, match=r"\(N, 3, H, W\)"):
        stacked_modes.read_modes(DecodingJudge(), torch.zeros(shape))


def test_kl_to_uniform_runs_from_zero_to_log_1000():
    assert stacked_modes.kl_to_uniform(torch.arange(1000).repeat(3)) == pytest.approx(0.0, abs=1e-12)
    assert stacked_modes.kl_to_uniform(torch.full((500,), 42)) == pytest.approx(math.log(1000))
    assert math.log(1000) == pytest.approx(6.9078, abs=1e-4)
    half_and_half = torch.tensor([3, 3, 7, 7])  # p = 1/2 on two modes: ln(500)
    assert stacked_modes.kl_to_uniform(half_and_half) == pytest.approx(math.log(500))


def test_a_perfect_generators_sample_scores_above_zero_as_the_sample_size_says():
    many, few = stacked_modes.perfect_generator(26_000), stacked_modes.perfect_generator(1_000)
    assert many["kl"] == pytest.approx(999 / (2 * 26_000), rel=0.05) and many["modes"] == 1000
    # on 1,000 samples the large-sample rule (0.4995) is too low: about 1 - 1/e of the modes hold a sample
    assert 0.54 < few["kl"] < 0.61 and few["modes"] == pytest.approx(1000 * (1 - math.exp(-1)), abs=10)
    # one reading's spread: the filled-mode count of 1,000 draws in 1,000 modes varies by about 10
    assert 5 < few["modes std"] < 15 and 0 < few["kl std"] < 0.05 and many["modes std"] == 0
    with pytest.raises(ValueError, match="at least 1"):
        stacked_modes.perfect_generator(0)


def test_histogram_and_coverage_count_modes():
    modes = torch.tensor([5, 5, 123, 999])
    histogram = stacked_modes.mode_histogram(modes)
    assert histogram.shape == (1000,) and histogram.sum() == 4
    assert histogram[5] == 2 and histogram[123] == 1 and histogram[999] == 1
    assert stacked_modes.modes_covered(modes) == 3
    assert stacked_modes.modes_covered(torch.tensor([0, 1, 2, 2]), n_modes=3) == 3


@pytest.mark.parametrize("modes", [torch.tensor([0, 1000]), torch.tensor([-1, 2]), torch.tensor([]),
                                   torch.zeros(2, 2, dtype=torch.long)])
def test_histogram_rejects_ids_outside_the_modes(modes):
    with pytest.raises(ValueError, match="mode"):
        stacked_modes.mode_histogram(modes)


def test_coverage_summarises_one_reading():
    judge = DecodingJudge()
    images = stacked([[0, 0, 5], [0, 0, 5], [1, 2, 3], [9, 9, 9]])
    figures = stacked_modes.coverage(stacked_modes.read_modes(judge, images))
    assert figures["modes"] == 3 and figures["samples"] == 4
    assert figures["kl"] == pytest.approx(0.5 * math.log(500) + 0.5 * math.log(250))
    assert len(judge.shapes) == 1


def test_digits_come_back_from_mode_ids():
    digits = torch.randint(0, 10, (50, 3), generator=torch.Generator().manual_seed(0))
    assert torch.equal(stacked_mnist.to_digits(stacked_mnist.to_mode_ids(digits)), digits)
    assert stacked_mnist.to_digits(torch.tensor([7, 120])).tolist() == [[0, 0, 7], [1, 2, 0]]


def test_read_alike_compares_the_images_both_readers_read():
    first = torch.tensor([123, 456, 789, 5, 111, 222])  # the first reader read two images more
    second = torch.tensor([123, 456, 780, 5])  # one digit of one image read otherwise
    assert stacked_modes.read_alike(first, second) == pytest.approx({"digits": 11 / 12, "images": 3 / 4})
    assert stacked_modes.read_alike(second, second) == {"digits": 1.0, "images": 1.0}
    # a digit counts only in its own channel: 023 and 132 hold a 2 and a 3 each, in other channels
    assert stacked_modes.read_alike(torch.tensor([100, 23]), torch.tensor([211, 132])) == {"digits": 0.0, "images": 0.0}
    with pytest.raises(ValueError, match="no longer than the first"):
        stacked_modes.read_alike(second, first)
