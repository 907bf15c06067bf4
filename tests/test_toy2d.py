import math

import torch

from course_utils.data import toy2d


def test_parabola_points_lie_on_the_curve():
    data = toy2d.parabola(10_000, seed=1)
    assert data.points.shape == (10_000, 2)
    assert toy2d.parabola_residual(data.points).max() < 1e-4
    assert abs(data.points[:, 0].mean()) < 0.05 and abs(data.points[:, 0].std() - 1) < 0.05


def test_parabola_is_seeded():
    assert torch.equal(toy2d.parabola(50, seed=3).points, toy2d.parabola(50, seed=3).points)
    assert not torch.equal(toy2d.parabola(50, seed=3).points, toy2d.parabola(50, seed=4).points)


def test_ring8_modes_are_on_the_circle_and_evenly_used():
    data = toy2d.ring8(8000, radius=2.0, std=0.02)
    assert torch.allclose(data.modes.norm(dim=1), torch.full((8,), 2.0))
    nearest = torch.cdist(data.points, data.modes).argmin(1)
    counts = torch.bincount(nearest, minlength=8)
    assert counts.min() > 800 and counts.max() < 1200
    angle = math.atan2(data.modes[1, 1].item(), data.modes[1, 0].item())
    assert math.isclose(angle, math.pi / 4, abs_tol=1e-6)


def test_grid25_is_a_centred_5x5_lattice():
    data = toy2d.grid25(100, spacing=2.0)
    assert data.modes.shape == (25, 2)
    assert sorted(set(data.modes[:, 0].tolist())) == [-4.0, -2.0, 0.0, 2.0, 4.0]
