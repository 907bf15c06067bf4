"""The pix2pix benchmark's quick profile end to end: its JSON figures and its samples file."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent


def test_quick_profile_writes_figures_and_samples(tmp_path):
    result = subprocess.run([sys.executable, "-m", "benchmarks", "pix2pix", "--profile", "quick", "--out",
                             str(tmp_path)], cwd=REPO, capture_output=True, text=True, timeout=600,
                            env={**__import__("os").environ, "COURSE_PROFILE": "quick"})
    assert result.returncode == 0, result.stderr[-3000:]
    record = json.loads((tmp_path / "pix2pix.json").read_text())
    for key in ("judge_accuracy", "seconds", "digits", "facades", "test_time", "wall_seconds", "device"):
        assert key in record, key
    assert 0.0 <= record["judge_accuracy"] <= 1.0
    assert record["judge_accuracy"] == record["digits"]["L1+cGAN"]["judge_accuracy"]
    assert set(record["digits"]) == {"L1", "cGAN", "L1+cGAN"}
    assert {"L1", "cGAN", "L1+cGAN"} <= set(record["facades"]) and len(record["facades"]) == 7
    for table in ("digits", "facades"):
        for name, figures in record[table].items():
            assert {"l1", "psnr", "sharpness_ratio"} <= set(figures), name
            assert figures["l1"] > 0 and figures["sharpness_ratio"] > 0 and np.isfinite(figures["psnr"])
    patches = sorted(f["receptive_field"] for f in record["facades"].values() if f["receptive_field"])
    assert patches[0] == 1 and 16 in patches and max(patches) >= 64  # PixelGAN ... ImageGAN
    assert len(record["test_time"]) == 4

    samples = np.load(tmp_path / "pix2pix.samples.npz")
    images, labels, inputs = samples["images"], samples["labels"], samples["inputs"]
    assert images.shape[0] >= 1000 and images.shape[1:] == (1, 32, 32) and images.dtype == np.float32
    assert images.min() >= -1 and images.max() <= 1
    assert labels.shape == (len(images),) and set(labels.tolist()) == set(range(10))
    assert np.bincount(labels).min() == np.bincount(labels).max()  # spread evenly over the digits
    assert inputs.shape == images.shape and set(np.unique(inputs).tolist()) == {-1.0, 1.0}
