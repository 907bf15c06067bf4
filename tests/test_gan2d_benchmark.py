import json

import numpy as np

from benchmarks import __main__ as bench
from benchmarks import gan2d


def test_decayed_lr_goes_linearly_to_its_floor():
    assert gan2d.decayed_lr(1e-3, 0.0) == 1e-3
    assert np.isclose(gan2d.decayed_lr(1e-3, 1.0), 1e-4)
    assert np.isclose(gan2d.decayed_lr(1e-3, 0.5), 5.5e-4)


def test_quick_profile_writes_its_figures_and_samples(tmp_path):
    assert bench.main(["gan2d", "--profile", "quick", "--out", str(tmp_path)]) == 0
    record = json.loads((tmp_path / "gan2d.json").read_text())
    for key in ["parabola_mean_abs_residual", "parabola_best_mean_abs_residual", "ring8_modes_plain",
                "ring8_modes_remedy", "grid25_modes_plain", "grid25_modes_remedy", "ring8_high_quality_remedy",
                "seconds", "device", "threads", "wall_seconds"]:
        assert key in record, key
    assert record["parabola_best_mean_abs_residual"] <= record["parabola_mean_abs_residual"]
    assert 0 <= record["ring8_modes_remedy"] <= 8 and 0 <= record["grid25_modes_plain"] <= 25
    assert 0 <= record["ring8_high_quality_remedy"] <= 1
    points = np.load(tmp_path / "gan2d.samples.npz")["points"]
    assert points.shape == (gan2d.SAMPLES, 2) and np.isfinite(points).all()
    assert points.std(0).min() > 0  # real samples, not a constant
