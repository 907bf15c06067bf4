"""The evaluation benchmark in its quick profile: `python -m benchmarks evaluation` executes notebook 10 (which
nbval leaves to this test, conftest.py), and the notebook records its tables (evaluation.json) and the memorizing
run's samples with their nearest training digits (evaluation.samples.npz)."""

import numpy as np
import pytest
from benchmark_runs import quick_run

pytestmark = pytest.mark.slow  # two small GAN runs, and the series' generators judged


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("evaluation")
    return out, *quick_run("evaluation", out)


def test_the_record_holds_every_table(run):
    _, record, _ = run
    for key in ("frechet_by_samples", "frechet_extrapolated", "constructed_precision_recall", "series_quality",
                "memorization", "memorizing_run", "training_run", "inception", "reference"):
        assert key in record, key
    series = ["03 MLP GAN", "04 conditional GAN", "05 conditional DCGAN (weight average)"]
    assert set(series) < set(record["series_quality"]) and set(series) < set(record["memorization"])
    assert "07 face AC-GAN" in record["memorization"]
    assert "held-out real test images" in record["reference"]


def test_the_frechet_estimate_of_real_digits_shrinks_with_the_sample_count(run):
    _, record, _ = run
    real = record["frechet_by_samples"]["real training digits"]
    assert real["500"]["mean"] > real["2000"]["mean"] > 0


def test_the_memorizing_run_learned_to_pull_its_samples_onto_its_digits(run):
    # A learning floor on today's training step: 300 quick steps bring the samples from about 1.7 times the
    # held-out digits' distance to the 32 training digits (G at its initial weights) to under 1.3.
    _, record, _ = run
    memorizing = record["memorizing_run"]
    assert memorizing["steps"] == 300 and memorizing["digits"] == 32
    assert memorizing["ratio (pixels)"] < 1.3, memorizing


def test_the_series_generators_draw_new_images(run):
    _, record, _ = run
    for name, row in record["memorization"].items():
        if not name.startswith("memorizing run"):
            assert row["ratio (pixels)"] > 0.8 and not row["flagged"], (name, row)


def test_samples_are_the_memorizing_runs_with_their_nearest_training_digits(run):
    out, record, _ = run
    samples = np.load(out / "evaluation.samples.npz")
    assert samples["images"].shape == (1000, 1, 28, 28) and samples["nearest_train"].shape == (1000, 1, 28, 28)
    assert samples["labels"].shape == (1000,)
    # each sample's recorded neighbour is its closest among the training digits that were anyone's neighbour
    flat, nearest = samples["images"].reshape(1000, -1), samples["nearest_train"].reshape(1000, -1)
    candidates = np.unique(nearest, axis=0)
    closest = ((flat[:, None] - candidates[None]) ** 2).sum(2).min(1)
    assert np.allclose(((flat - nearest) ** 2).sum(1), closest, rtol=1e-4, atol=1e-4)
    assert len(candidates) <= record["memorizing_run"]["digits"]
