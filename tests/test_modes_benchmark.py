"""The modes benchmark in its quick profile: `python -m benchmarks modes` executes notebook 08, which records
each method's modes captured, modes covered and high-quality fraction per 2-D target over its seeds, and the
Stacked MNIST modes and KL per method, with a second digit classifier's reading beside the judge's (modes.json);
G's final points of every 2-D run (modes.points.npz); the Stacked MNIST samples of the best remedy
(modes.samples.npz) and of the baseline (modes.baseline.npz)."""

import benchmark_runs
import numpy as np
import pytest

pytestmark = pytest.mark.slow  # nine methods are trained

METHODS = ["GAN", "minibatch features", "minibatch std", "PacGAN", "unrolled GAN", "WGAN", "WGAN-GP", "EBGAN",
           "hinge + SN"]
FIGURES = ("modes captured", "modes covered", "high-quality fraction")


quick_run = benchmark_runs.quick_run_fixture("modes")


def test_the_record_holds_every_method_on_both_targets(quick_run):
    _, record, _ = quick_run
    assert list(record["methods"]) == [f"{m} / {t}" for m in METHODS for t in ("ring8", "grid25")]
    for name, row in record["methods"].items():
        assert row["seeds"] == record["runs_per_target"] == 2, name
        assert 0 <= row["modes covered mean"] <= row["modes captured mean"] <= (8 if "ring8" in name else 25), name
        assert 0 <= row["high-quality fraction mean"] <= 1 and row["modes captured std"] >= 0, name
    assert len(record["per_run"]) == len(METHODS) * 4
    assert record["best_ring8"] in METHODS and record["best_grid25"] in METHODS
    assert record["reference"].startswith("the targets' mode centres") and record["seconds"] > 0


def test_the_lessons_losses_learn_even_in_the_quick_profile(quick_run):
    # 78 steps of G: far from converged, but a G trained by a sound loss has already reached many of the grid's
    # modes from its start near the origin (where it captures at most the centre one). A loss with its targets
    # swapped, or a G step that climbs its loss, leaves it near none.
    _, record, _ = quick_run
    for method in ("GAN", "WGAN-GP", "WGAN"):
        captured = record["methods"][f"{method} / grid25"]["modes captured mean"]
        assert captured >= 5, f"{method}: {captured} of 25 grid modes captured after 78 steps"


def test_points_are_every_2d_runs_final_points(quick_run):
    out, record, _ = quick_run
    samples = np.load(out / "modes.points.npz")
    assert samples["points"].shape == (len(METHODS), 4, 500, 2)
    assert list(samples["methods"]) == METHODS
    assert list(samples["runs"]) == ["ring8 seed 0", "ring8 seed 1", "grid25 seed 0", "grid25 seed 1"]
    assert np.isfinite(samples["points"]).all()


def test_stacked_mnist_is_recorded_with_its_samples(quick_run):
    out, record, _ = quick_run
    assert list(record["stacked"]) == ["GAN", "minibatch std", "PacGAN", "hinge + SN"]
    assert record["stacked_best"] in ("minibatch std", "PacGAN", "hinge + SN")
    for row in record["stacked"].values():
        # (the record keeps 6 significant digits, so log(1000) may come back a little above itself)
        assert 1 <= row["modes captured mean"] <= 1000 and 0 <= row["KL to uniform mean"] <= np.log(1000) + 1e-4
    # the judge's reading of real triples is the ceiling: about 630 of the 1,000 modes appear in 1,000 samples
    assert record["stacked_real"]["modes"] > 550 and record["stacked_real"]["samples"] == 1000
    # the second reader beside the judge, on the same first images of every run and of the real triples
    assert record["stacked_readers_images"] == 1000 and list(record["stacked_readers"]) == list(record["stacked"])
    for name, row in record["stacked_readers"].items():
        # an image is read alike only when all three of its digits are
        assert 0 <= row["images read alike mean"] <= row["digits read alike mean"] <= 1, name
        assert 1 <= row["modes, second reader mean"] <= 1000, name
        # the quick profile reads 1,000 images per run, all of them twice: the judge's column is its table's again
        assert row["modes, judge mean"] == pytest.approx(record["stacked"][name]["modes captured mean"]), name
    real = record["stacked_readers_real"]
    assert real["modes, judge"] == record["stacked_real"]["modes"], real
    for file in ("modes.samples.npz", "modes.baseline.npz"):
        samples = np.load(out / file)
        images, judged = samples["images"], samples["modes"]
        assert images.shape == (1000, 3, 28, 28) and images.dtype == np.float32, file
        assert images.min() >= -1 and images.max() <= 1 and judged.shape == (1000,), file
        assert judged.min() >= 0 and judged.max() < 1000, file


def test_the_grids_best_method_is_trained_again_with_the_longer_budget(quick_run):
    _, record, _ = quick_run
    longer = record["long_budget"]
    assert longer["method"] == record["best_grid25"] and longer["epochs"] == 2 and longer["seconds"] > 0
    assert longer["g_steps"] == 2 * record["g_steps"]  # twice the quick profile's one epoch, as trained
    assert [(r["target"], r["seed"]) for r in longer["per_run"]] == [("ring8", 0), ("ring8", 1), ("grid25", 0),
                                                                     ("grid25", 1)]
    for target, row in longer["targets"].items():
        assert row["seeds"] == 2 and 0 <= row["high-quality fraction mean"] <= 1, target
        assert row["modes captured mean"] <= (8 if target == "ring8" else 25), target
