import numpy as np
import pytest
import torch

from course_utils.evaluate import codes


def test_a_code_that_renames_the_classes_is_matched_perfectly():
    classes = torch.arange(1000) % 10
    renamed = (classes * 3 + 1) % 10  # a permutation of the ten values
    accuracy, pairing, table = codes.matched_accuracy(renamed, classes)
    assert accuracy == 1.0
    assert all(pairing[(c * 3 + 1) % 10] == c for c in range(10))
    assert table.sum() == 1000


def test_two_code_values_drawing_one_digit_cost_a_tenth():
    classes = torch.arange(1000) % 10
    drawn = classes.clone()
    drawn[classes == 9] = 4  # code value 9 draws 4s too: only one of the two values can be paired with 4
    accuracy, pairing, _ = codes.matched_accuracy(torch.arange(1000) % 10, drawn)
    assert accuracy == pytest.approx(0.9)
    assert pairing[4] == 4 or pairing[9] == 4


def test_the_pairing_is_one_to_one_not_each_code_to_its_commonest_class():
    # each code's commonest class is 0; pairing both with it would count 115 of 200
    table_codes = torch.tensor([0] * 100 + [1] * 100)
    table_classes = torch.tensor([0] * 60 + [1] * 40 + [0] * 55 + [1] * 45)
    accuracy, pairing, table = codes.matched_accuracy(table_codes, table_classes, 2, 2)
    np.testing.assert_array_equal(table, [[60, 40], [55, 45]])
    assert pairing == {0: 0, 1: 1} and accuracy == pytest.approx(105 / 200)


def test_bad_input_is_refused_with_a_clear_message():
    with pytest.raises(ValueError, match="got 3 code values for 2"):
        codes.matched_accuracy(torch.tensor([0, 1, 2]), torch.tensor([0, 1]))
    with pytest.raises(ValueError, match="class values must be integers from 0 to 9"):
        codes.matched_accuracy(torch.tensor([0, 1]), torch.tensor([0, 10]))
    with pytest.raises(ValueError, match="code values must be integers"):
        codes.matched_accuracy(torch.tensor([0.0, 1.0]), torch.tensor([0, 1]))


def test_merged_names_the_digit_two_code_values_share():
    table = np.eye(10, dtype=int) * 100
    table[9] = 0
    table[9, 4] = 80  # code 9 draws 4s, as code 4 does
    table[9, 9] = 20
    assert codes.merged(table) == {4: [4, 9]}
    assert codes.merged(np.eye(10, dtype=int)) == {}
    # a code value never drawn reads as no class (its row of zeros would otherwise "read" class 0)
    assert codes.merged(np.array([[0, 0, 0], [5, 0, 1], [0, 4, 0]])) == {}


def test_sweep_agreement_counts_the_images_read_as_their_sweeps_centre():
    classes = torch.tensor([[3, 3, 3, 3, 3], [7, 7, 7, 1, 1]])
    assert codes.sweep_agreement(classes, centre=2) == pytest.approx(6 / 8)  # the centres themselves do not count
    assert codes.sweep_agreement(classes, centre=4) == pytest.approx(5 / 8)  # row 2 is now read against its 1s
    with pytest.raises(ValueError, match="centre"):
        codes.sweep_agreement(classes, centre=5)


def test_the_accuracy_is_a_plain_float():
    # a training history keeps it, and checkpoints load with weights_only=True, which refuses numpy scalars
    accuracy, _, _ = codes.matched_accuracy(torch.arange(20) % 10, torch.arange(20) % 10)
    assert type(accuracy) is float


def test_sweep_change_is_the_mean_move_between_two_code_values():
    sweep = torch.linspace(-2, 2, 9)
    values = torch.stack([sweep * 0.5, sweep * 0.5 + 3.0, sweep**2])  # two rows move 0.5 per unit, one is even
    # from -1 to 1: +1, +1 and 0 (the even row ends where it started)
    assert codes.sweep_change(values, sweep) == pytest.approx(2 / 3)
    assert codes.sweep_change(values, sweep, low=-2, high=2) == pytest.approx(4 / 3)
    with pytest.raises(ValueError, match="no column at code value 0.75"):
        codes.sweep_change(values, sweep, high=0.75)
    with pytest.raises(ValueError, match="one column per code value"):
        codes.sweep_change(values[:, :5], sweep)
