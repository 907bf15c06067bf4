"""Precision and recall (course_utils.evaluate.manifolds) on cases whose answer is known by construction."""

import pytest
import torch

from course_utils.evaluate import manifolds


def gaussian(n, dim=8, seed=0, shift=0.0, scale=1.0):
    return torch.randn(n, dim, generator=torch.Generator().manual_seed(seed)) * scale + shift


def test_the_kth_neighbour_radius_leaves_the_point_itself_out():
    points = torch.tensor([[0.0], [1.0], [3.0], [7.0]])
    assert manifolds.knn_radii(points, k=1).tolist() == [1.0, 1.0, 2.0, 4.0]
    assert manifolds.knn_radii(points, k=2).tolist() == [3.0, 2.0, 3.0, 6.0]
    with pytest.raises(ValueError, match="k must be between 1 and 3"):
        manifolds.knn_radii(points, k=4)


def test_inside_counts_a_point_on_a_balls_edge():
    centres, radii = torch.tensor([[0.0, 0.0], [5.0, 0.0]]), torch.tensor([1.0, 0.5])
    points = torch.tensor([[1.0, 0.0], [5.0, 0.6], [2.5, 0.0]])
    assert manifolds.inside(points, centres, radii).tolist() == [True, False, False]


def test_samples_of_the_data_distribution_score_high_on_both():
    scores = manifolds.precision_recall(gaussian(2000, seed=0), gaussian(2000, seed=1))
    assert scores["precision"] > 0.8 and scores["recall"] > 0.8, scores


def test_a_collapsed_generator_is_precise_but_recalls_little():
    real = gaussian(2000, seed=0)
    collapsed = gaussian(2000, seed=1, scale=0.2)  # every sample near the centre of the data
    scores = manifolds.precision_recall(real, collapsed)
    assert scores["precision"] > 0.95 and scores["recall"] < 0.2, scores


def test_noise_far_from_the_data_scores_low_on_both():
    scores = manifolds.precision_recall(gaussian(2000, seed=0), gaussian(2000, seed=1, shift=6.0, scale=3.0))
    assert scores["precision"] < 0.05 and scores["recall"] < 0.05, scores


def test_feature_sets_must_match():
    with pytest.raises(ValueError, match="same D"):
        manifolds.precision_recall(torch.zeros(10, 4), torch.zeros(10, 5))
